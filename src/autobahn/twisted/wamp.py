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

import inspect
from typing import Any

import txaio
import txaio.tx as txaio_tx

from autobahn import _framework_glue
from autobahn._txaio import use_framework

use_framework("twisted")

from twisted.application.service import MultiService  # noqa: E402
from twisted.internet.defer import inlineCallbacks  # noqa: E402

from autobahn.twisted.rawsocket import WampRawSocketClientFactory  # noqa: E402
from autobahn.twisted.websocket import WampWebSocketClientFactory  # noqa: E402
from autobahn.wamp import protocol  # noqa: E402
from autobahn.wamp.auth import AuthCryptoSign, AuthWampCra  # noqa: E402, F401 - autobahn's twisted.wamp has them
from autobahn.wamp.interfaces import ISession, ITransportHandler  # noqa: E402
from autobahn.wamp.types import ComponentConfig  # noqa: E402

__all__ = ("Application", "ApplicationRunner", "ApplicationSession", "ApplicationSessionFactory", "Service", "Session")

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


class ApplicationRunner(_framework_glue.RunnerSettings):
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
        _framework_glue.RunnerSettings.__init__(self, url, realm, extra, serializers, ssl, proxy, headers)
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

        transport_factory, is_secure, host, port = _framework_glue.runner_transport_factory(
            self,
            create,
            WampWebSocketClientFactory,
            WampRawSocketClientFactory,
            fail_by_drop=True,
            websocket_options=self.websocket_options,
            reactor=reactor,
        )
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


class _ApplicationSession(ApplicationSession):
    """The session of an :class:`Application`: registers and subscribes what the decorators collected."""

    def __init__(self, config, app):
        ApplicationSession.__init__(self, config)
        self.app = app

    @inlineCallbacks
    def onConnect(self):
        yield self.app._fire_signal("onconnect")
        self.join(self.config.realm)

    @inlineCallbacks
    def onJoin(self, details):
        for uri, proc in self.app._procs:
            yield self.register(proc, uri)
        for uri, handler in self.app._handlers:
            yield self.subscribe(handler, uri)
        yield self.app._fire_signal("onjoined")

    @inlineCallbacks
    def onLeave(self, details):
        yield self.app._fire_signal("onleave")
        self.disconnect()

    @inlineCallbacks
    def onDisconnect(self):
        yield self.app._fire_signal("ondisconnect")


def _maybe_inline(func):
    # generator functions are Twisted coroutines (as autobahn does: inlineCallbacks applied for them)
    return inlineCallbacks(func) if inspect.isgeneratorfunction(func) else func


class Application:
    """A WAMP application made of decorated functions: ``@app.register(uri)``, ``@app.subscribe(uri)`` and
    ``@app.signal(name)`` (``onconnect``, ``onjoined``, ``onleave``, ``ondisconnect``); without a URI, the
    application's ``prefix`` and the function's name make one. ``app.run(url, realm)`` runs it."""

    log = txaio.make_logger()

    def __init__(self, prefix=None):
        self._prefix = prefix
        self._procs = []
        self._handlers = []
        self._signals = {}
        self.session = None

    def __call__(self, config):
        """The session factory: one session per application."""
        if self.session is not None:
            raise RuntimeError("an Application runs one session")
        self.session = _ApplicationSession(config, self)
        return self.session

    def run(self, url="ws://localhost:8080/ws", realm="realm1", start_reactor=True):
        return ApplicationRunner(url, realm).run(self.__call__, start_reactor)

    def _uri(self, uri, func):
        if uri:
            return uri
        if self._prefix is None:
            raise ValueError(f"{func.__name__}: no URI given and the Application has no prefix")
        return f"{self._prefix}.{func.__name__}"

    def register(self, uri=None):
        """Decorator: the function becomes the procedure ``uri`` once the session joins."""

        def decorator(func):
            func = _maybe_inline(func)
            self._procs.append((self._uri(uri, func), func))
            return func

        return decorator

    def subscribe(self, uri=None):
        """Decorator: the function handles events of ``uri`` once the session joins."""

        def decorator(func):
            func = _maybe_inline(func)
            self._handlers.append((self._uri(uri, func), func))
            return func

        return decorator

    def signal(self, name):
        """Decorator: the function runs on the application signal ``name``."""

        def decorator(func):
            func = _maybe_inline(func)
            self._signals.setdefault(name, []).append(func)
            return func

        return decorator

    @inlineCallbacks
    def _fire_signal(self, name, *args, **kwargs):
        for handler in self._signals.get(name, []):
            try:
                yield handler(*args, **kwargs)
            except Exception as e:
                self.log.info("Warning: exception in signal handler swallowed: {err}", err=e)


class Service(MultiService):
    """A WAMP component as a Twisted service: the connection lives from ``startService`` to ``stopService``.
    ``make`` makes the session from a ComponentConfig; replace ``factory`` to change the transport factory."""

    factory = WampWebSocketClientFactory

    def __init__(self, url, realm, make, extra=None, context_factory=None):
        self.url = url
        self.realm = realm
        self.extra = extra or {}
        self.make = make
        self.context_factory = context_factory
        MultiService.__init__(self)
        self.setupService()

    def setupService(self):
        """Add the TCP (or TLS) client service for the URL."""
        from twisted.application.internet import SSLClient, TCPClient

        def create():
            return self.make(ComponentConfig(self.realm, self.extra))

        transport_factory = self.factory(create, url=self.url)
        host, port = transport_factory.host, transport_factory.port
        if transport_factory.isSecure:
            context = self.context_factory
            if context is None:
                from twisted.internet.ssl import optionsForClientTLS

                context = optionsForClientTLS(host)
            client = SSLClient(host, port, transport_factory, contextFactory=context)
        else:
            if self.context_factory is not None:
                raise Exception("context_factory specified on non-secure URI")
            client = TCPClient(host, port, transport_factory)
        client.setServiceParent(self)


# Names autobahn 26.11.1 also has here (programs import them from this module).
from autobahn.rawsocket.util import parse_url as parse_rs_url  # noqa: E402, F401
from autobahn.util import public  # noqa: E402, F401
from autobahn.wamp import auth  # noqa: E402, F401
from autobahn.wamp.interfaces import IAuthenticator, ISerializer  # noqa: E402, F401
from autobahn.websocket.compress_deflate import (  # noqa: E402, F401
    PerMessageDeflateOffer,
    PerMessageDeflateResponse,
    PerMessageDeflateResponseAccept,
)
from autobahn.websocket.protocol import WebSocketProtocol  # noqa: E402, F401
from autobahn.websocket.util import parse_url as parse_ws_url  # noqa: E402, F401
