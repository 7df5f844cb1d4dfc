"""Component and run() on Twisted::

    component = Component(transports="ws://127.0.0.1:8080/ws", realm="realm1")

    @component.register("com.example.add2")
    def add2(a, b):
        return a + b

    run([component])

``run()`` exits the process when every component is done: with status 1 when one failed or
gave up.
"""

from __future__ import annotations

import txaio

from autobahn import _framework_glue
from autobahn._txaio import use_framework

use_framework("twisted")

from twisted.internet.interfaces import IStreamClientEndpoint  # noqa: E402

from autobahn.twisted.rawsocket import WampRawSocketClientFactory  # noqa: E402
from autobahn.twisted.wamp import Session, _twisted_futures  # noqa: E402
from autobahn.twisted.websocket import WampWebSocketClientFactory  # noqa: E402
from autobahn.wamp import component  # noqa: E402

__all__ = ("Component", "run")


def _create_transport_factory(reactor, transport, session_factory):
    """The WAMP-over-WebSocket or -RawSocket client factory for one configured transport."""
    return _framework_glue.component_transport_factory(
        transport, session_factory, WampWebSocketClientFactory, WampRawSocketClientFactory, reactor=reactor
    )


def _create_transport_endpoint(reactor, endpoint_config):
    """A Twisted client endpoint for a dict endpoint configuration (or the IStreamClientEndpoint given)."""
    if IStreamClientEndpoint.providedBy(endpoint_config):
        return IStreamClientEndpoint(endpoint_config)
    from twisted.internet.endpoints import (
        SSL4ClientEndpoint,
        TCP4ClientEndpoint,
        TCP6ClientEndpoint,
        UNIXClientEndpoint,
        wrapClientTLS,
    )

    timeout = int(endpoint_config.get("timeout", 10))
    if endpoint_config["type"] == "unix":
        return UNIXClientEndpoint(reactor, endpoint_config["path"], timeout=timeout)
    host, port = endpoint_config["host"], endpoint_config["port"]
    if not isinstance(host, str):
        raise ValueError(f"invalid type {type(host)} for host in client endpoint configuration")
    if not isinstance(port, int):
        raise ValueError(f"invalid type {type(port)} for port in client endpoint configuration")
    version = endpoint_config.get("version", 4)
    if version not in (4, 6):
        raise ValueError(f"invalid IP version {version} in client endpoint configuration")
    tls = endpoint_config.get("tls")
    if tls:
        from twisted.internet.ssl import optionsForClientTLS

        if isinstance(tls, dict):
            for k in tls:
                if k not in ("hostname", "trust_root"):
                    raise ValueError(f"Invalid key '{k}' in 'tls' config")
            trust_root = None
            if tls.get("trust_root"):
                from twisted.internet.ssl import Certificate

                with open(tls["trust_root"]) as f:
                    trust_root = Certificate.loadPEM(f.read())
            context = optionsForClientTLS(tls.get("hostname", host), trustRoot=trust_root)
        elif tls is True:
            context = optionsForClientTLS(host)
        else:
            context = tls  # an IOpenSSLClientConnectionCreator / CertificateOptions
        if version == 6:
            return wrapClientTLS(context, TCP6ClientEndpoint(reactor, host, port, timeout=timeout))
        return SSL4ClientEndpoint(reactor, host, port, context, timeout=timeout)
    if version == 6:
        return TCP6ClientEndpoint(reactor, host, port, timeout=timeout)
    return TCP4ClientEndpoint(reactor, host, port, timeout=timeout)


class Component(component.Component):
    """A WAMP component on Twisted (see :class:`autobahn.wamp.component.Component`)."""

    log = txaio.make_logger()
    session_factory = Session
    _txaio = property(_twisted_futures)

    def _is_ssl_error(self, e):
        try:
            from OpenSSL import SSL

            return isinstance(e, SSL.Error)
        except ImportError:
            return False

    def _check_native_endpoint(self, endpoint):
        if IStreamClientEndpoint.providedBy(endpoint):
            return
        if not isinstance(endpoint, dict):
            raise ValueError("'endpoint' must be a dict or IStreamClientEndpoint provider")
        tls = endpoint.get("tls")
        if tls is not None and not isinstance(tls, (dict, bool)):
            from twisted.internet.interfaces import IOpenSSLClientConnectionCreator

            if not IOpenSSLClientConnectionCreator.providedBy(tls) and not hasattr(tls, "getContext"):
                raise ValueError("'tls' configuration must be a dict, bool or a Twisted TLS client options instance")

    def _connect_transport(self, reactor, transport, session_factory, done):
        api = self._txaio  # this framework's futures, whatever txaio's global choice
        factory = _create_transport_factory(reactor, transport, session_factory)
        if transport.proxy:
            endpoint_config = {"type": "tcp", "host": transport.proxy["host"], "port": transport.proxy["port"]}
        else:
            endpoint_config = transport.endpoint
        d = _create_transport_endpoint(reactor, endpoint_config).connect(factory)

        def made(proto):
            lost = proto.connectionLost

            def connection_lost(reason):
                result = lost(reason)

                def check():
                    if not api.is_called(done):
                        api.reject(done, reason)

                reactor.callLater(0, check)  # let the session's "leave" settle a normal end first
                return result

            proto.connectionLost = connection_lost
            return proto

        def failed(fail):
            transport.connect_failures += 1
            if not api.is_called(done):
                api.reject(done, fail)

        d.addCallbacks(made, failed)
        return d

    def start(self, reactor=None):
        """Connect (and reconnect) until done; a Deferred that fires then (fails if every transport gave up)."""
        if reactor is None:
            from twisted.internet import reactor
        return self._start(loop=reactor)


# How long a reactor shutdown (Ctrl-C) waits for joined sessions to leave (GOODBYE).
SHUTDOWN_LEAVE_TIMEOUT = 2.0


def run(components, log_level="info", stop_at_close=True):
    """Start ``components`` (one or a list) under ``twisted.internet.task.react`` until all are done.

    Exits the process (``react`` does) with status 1 when a component failed or gave up (the error
    is logged already), 0 otherwise. On Ctrl-C (the reactor shutting down), joined sessions leave
    first (briefly waited for), which is not a failure.
    """
    from twisted.internet import defer
    from twisted.internet.task import react
    from twisted.python.failure import Failure

    if log_level is not None:
        txaio.start_logging(level=log_level)

    def main(reactor):
        failures = []
        stopping = []
        comps = components if isinstance(components, list) else [components]

        def leave_all():
            stopping.append(True)
            leaving = [defer.maybeDeferred(c.stop).addTimeout(SHUTDOWN_LEAVE_TIMEOUT, reactor) for c in comps]
            return defer.DeferredList(leaving, consumeErrors=True)

        reactor.addSystemEventTrigger("before", "shutdown", leave_all)

        def exit_status(result):
            # SystemExit: react exits with its code without logging a traceback
            return Failure(SystemExit(1)) if failures and not stopping else result

        return component._run(reactor, components, failures=failures).addBoth(exit_status)

    react(main)


# Names autobahn 26.11.1 also has here (programs import them from this module).
from autobahn.wamp.serializer import create_transport_serializer, create_transport_serializers  # noqa: E402, F401
