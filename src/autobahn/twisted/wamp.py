"""WAMP on Twisted: autobahn's ApplicationSession, ApplicationSessionFactory and ApplicationRunner.

The session itself is framework-independent (:mod:`autobahn.wamp.protocol`); importing this module
makes txaio use Twisted Deferreds, as autobahn does::

    class Hello(ApplicationSession):
        @inlineCallbacks
        def onJoin(self, details):
            print((yield self.call("com.example.add2", 2, 3)))
            self.leave()

        def onDisconnect(self):
            reactor.stop()

    ApplicationRunner("ws://127.0.0.1:8080/ws", "realm1").run(Hello)
"""

from __future__ import annotations

from typing import Any

import txaio
import txaio.tx as txaio_tx

from autobahn._txaio import use_framework

use_framework("twisted")

from autobahn.rawsocket.util import parse_url as parse_rs_url  # noqa: E402
from autobahn.twisted.rawsocket import WampRawSocketClientFactory  # noqa: E402
from autobahn.twisted.websocket import WampWebSocketClientFactory  # noqa: E402
from autobahn.wamp import protocol  # noqa: E402
from autobahn.wamp.auth import AuthCryptoSign, AuthWampCra  # noqa: E402, F401 - autobahn's twisted.wamp has them
from autobahn.wamp.interfaces import ISession, ITransportHandler  # noqa: E402
from autobahn.wamp.types import ComponentConfig  # noqa: E402

__all__ = ("ApplicationRunner", "ApplicationSession", "ApplicationSessionFactory", "Session")

_TWISTED_TXAIO = txaio_tx.with_config()


def _twisted_futures(self) -> Any:
    """txaio for Deferreds: the global one when Twisted is its choice, else a private Twisted instance."""
    return txaio if txaio.using_twisted else _TWISTED_TXAIO


class ApplicationSession(protocol.ApplicationSession):
    """A WAMP application session on Twisted (ITransportHandler and ISession)."""

    log = txaio.make_logger()
    _txaio = property(_twisted_futures)


ITransportHandler.register(ApplicationSession)
ISession.abc_register(ApplicationSession)


class ApplicationSessionFactory(protocol.ApplicationSessionFactory):
    """Makes :class:`ApplicationSession` instances (or ``session``'s class)."""

    session = ApplicationSession
    log = txaio.make_logger()


class ApplicationRunner:
    """Runs one WAMP component over one client connection (WebSocket ``ws://``/``wss://`` or RawSocket
    ``rs://``/``rss://``, ``rs://unix:/path`` for a Unix socket), for development and simple hosting.
    With ``auto_reconnect=True`` it reconnects (Twisted's ClientService with the retry settings)."""

    log = txaio.make_logger()

    def __init__(
        self,
        url: str,
        realm: str | None = None,
        extra: dict[str, Any] | None = None,
        serializers: list[Any] | None = None,
        ssl: Any = None,
        proxy: dict[str, Any] | None = None,
        headers: dict[str, Any] | None = None,
        websocket_options: dict[str, Any] | None = None,
        max_retries: int | None = None,
        initial_retry_delay: float | None = None,
        max_retry_delay: float | None = None,
        retry_delay_growth: float | None = None,
        retry_delay_jitter: float | None = None,
    ):
        self.url = url
        self.realm = realm
        self.extra = extra or {}
        self.serializers = serializers
        self.ssl = ssl
        self.proxy = proxy
        self.headers = headers
        self.websocket_options = websocket_options
        self.max_retries = max_retries
        self.initial_retry_delay = initial_retry_delay
        self.max_retry_delay = max_retry_delay
        self.retry_delay_growth = retry_delay_growth
        self.retry_delay_jitter = retry_delay_jitter
        self._client_service = None
        self._connect_successes = 0

    def stop(self):
        """Stop reconnecting (when ``auto_reconnect`` was used). Returns a Deferred."""
        from twisted.internet.defer import succeed

        if self._client_service:
            return self._client_service.stopService()
        return succeed(None)

    def run(
        self,
        make,
        start_reactor: bool = True,
        auto_reconnect: bool = False,
        log_level: str = "info",
        endpoint: Any = None,
        reactor: Any = None,
    ):
        """Connect and run the component ``make`` (a session class or factory taking a ComponentConfig).
        Runs the reactor until it stops, unless ``start_reactor=False``: then returns the Deferred of the
        connection (it fires with the protocol)."""
        if reactor is None:
            from twisted.internet import reactor
        if start_reactor:
            txaio.config.loop = reactor
            txaio.start_logging(level=log_level)

        if callable(make):

            def create():
                cfg = ComponentConfig(self.realm, self.extra, runner=self)
                try:
                    return make(cfg)
                except Exception:
                    self.log.failure("ApplicationSession could not be instantiated: {log_failure.value}")
                    if start_reactor and reactor.running:
                        reactor.stop()
                    raise

        else:
            create = make

        if self.url.startswith("rs"):
            is_secure, host, port = parse_rs_url(self.url)
            serializer = self.serializers[0] if self.serializers else None
            transport_factory: Any = WampRawSocketClientFactory(create, serializer=serializer)
        else:
            transport_factory = WampWebSocketClientFactory(
                create,
                url=self.url,
                serializers=self.serializers,
                proxy=self.proxy,
                headers=self.headers,
                reactor=reactor,
            )
            options = {
                "maxFramePayloadSize": 1048576,
                "maxMessagePayloadSize": 1048576,
                "autoFragmentSize": 65536,
                "failByDrop": True,
                "openHandshakeTimeout": 2.5,
                "closeHandshakeTimeout": 1.0,
                "tcpNoDelay": True,
                "autoPingInterval": 10.0,
                "autoPingTimeout": 5.0,
                "autoPingSize": 12,
            }
            options.update(self.websocket_options or {})
            transport_factory.setProtocolOptions(**options)
            is_secure, host, port = transport_factory.isSecure, transport_factory.host, transport_factory.port
        transport_factory.noisy = False

        if endpoint is None:
            endpoint = self._endpoint(reactor, is_secure, host, port, transport_factory)

        def cleanup(proto):
            session = getattr(proto, "_session", None)
            if session is not None:
                if session.is_attached():
                    return session.leave()
                if session.is_connected():
                    return session.disconnect()
            return None

        def connected(proto):
            self._connect_successes += 1
            reactor.addSystemEventTrigger("before", "shutdown", cleanup, proto)
            return proto

        if auto_reconnect:
            from twisted.application.internet import ClientService, backoffPolicy

            policy = backoffPolicy(
                initialDelay=self.initial_retry_delay or 1.5,
                maxDelay=self.max_retry_delay or 300,
                factor=self.retry_delay_growth or 1.5,
            )
            self._client_service = ClientService(endpoint, transport_factory, retryPolicy=policy)
            self._client_service.startService()
            d = self._client_service.whenConnected()
        else:
            d = endpoint.connect(transport_factory)
        d.addCallback(connected)

        if not start_reactor:
            return d
        failures = []

        def connect_failed(fail):
            failures.append(fail)
            if reactor.running:
                reactor.stop()

        d.addErrback(connect_failed)
        reactor.run()
        if failures:
            failures[0].raiseException()
        return None

    def _endpoint(self, reactor, is_secure, host, port, transport_factory):
        from twisted.internet.endpoints import SSL4ClientEndpoint, TCP4ClientEndpoint, UNIXClientEndpoint

        context_factory = None
        if self.ssl is not None:
            if not is_secure:
                raise RuntimeError(
                    f'ssl= argument value passed to {type(self).__name__} conflicts with the "ws:" '
                    'prefix of the url argument. Did you mean to use "wss:"?'
                )
            context_factory = self.ssl
        elif is_secure:
            from twisted.internet.ssl import optionsForClientTLS

            context_factory = optionsForClientTLS(host)
        if host == "unix":
            return UNIXClientEndpoint(reactor, port)
        if self.proxy is not None:
            transport_factory.contextFactory = context_factory
            return TCP4ClientEndpoint(reactor, self.proxy["host"], self.proxy["port"])
        if is_secure:
            return SSL4ClientEndpoint(reactor, host, port, context_factory)
        return TCP4ClientEndpoint(reactor, host, port)


class Session(protocol._SessionShim):
    """The session Component uses, with PEP 8 callbacks (``on_join``, ``on_leave``, ...)."""

    _txaio = property(_twisted_futures)

    def on_welcome(self, welcome_msg):
        pass
