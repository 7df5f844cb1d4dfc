"""Component and run() on asyncio::

component = Component(transports="ws://127.0.0.1:8080/ws", realm="realm1")

@component.register("com.example.add2")
def add2(a, b):
    return a + b

run([component])
"""

from __future__ import annotations

import asyncio
import signal
import ssl

import txaio

from autobahn._txaio import use_framework

use_framework("asyncio")

from autobahn.asyncio.rawsocket import WampRawSocketClientFactory  # noqa: E402
from autobahn.asyncio.wamp import Session, _asyncio_futures, _event_loop  # noqa: E402
from autobahn.asyncio.websocket import WampWebSocketClientFactory  # noqa: E402
from autobahn.wamp import component  # noqa: E402
from autobahn.wamp.exception import TransportLost  # noqa: E402

__all__ = ("Component", "run")


def _create_transport_factory(loop, transport, session_factory):
    """The WAMP-over-WebSocket or -RawSocket client factory for one configured transport."""
    return component._transport_factory(
        transport, session_factory, WampWebSocketClientFactory, WampRawSocketClientFactory, loop=loop
    )


class Component(component.Component):
    """A WAMP component on asyncio (see :class:`autobahn.wamp.component.Component`)."""

    log = txaio.make_logger()
    session_factory = Session
    _txaio = property(_asyncio_futures)

    def _is_ssl_error(self, e):
        return isinstance(e, ssl.SSLError)

    def _check_native_endpoint(self, endpoint):
        if not isinstance(endpoint, dict):
            raise ValueError("'endpoint' configuration must be a dict or IStreamClientEndpoint provider")
        tls = endpoint.get("tls")
        if tls is not None and not isinstance(tls, (dict, bool, ssl.SSLContext)):
            raise ValueError("'tls' configuration must be a dict, bool or SSLContext instance")

    def _connect_transport(self, loop, transport, session_factory, done):
        api = self._txaio  # this framework's futures, whatever txaio's global choice
        factory = _create_transport_factory(loop, transport, session_factory)
        endpoint = transport.endpoint
        timeout = endpoint.get("timeout", 10)
        if not isinstance(timeout, int):
            raise ValueError(f"invalid type {type(timeout)} for timeout in client endpoint configuration")
        if transport.proxy:
            coro = loop.create_connection(factory, transport.proxy["host"], transport.proxy["port"])
        elif endpoint["type"] == "unix":
            coro = loop.create_unix_connection(factory, endpoint["path"])
        else:
            host, port = endpoint["host"], endpoint["port"]
            if not isinstance(host, str):
                raise ValueError(f"invalid type {type(host)} for host in client endpoint configuration")
            if not isinstance(port, int):
                raise ValueError(f"invalid type {type(port)} for port in client endpoint configuration")
            if endpoint.get("version", 4) not in (4, 6):
                raise ValueError(f"invalid IP version {endpoint['version']} in client endpoint configuration")
            tls, server_hostname = self._tls(endpoint.get("tls"), host)
            coro = loop.create_connection(factory, host, port, ssl=tls, server_hostname=server_hostname)
        connected = asyncio.ensure_future(asyncio.wait_for(coro, timeout=timeout))

        def made(result):
            transport_, proto = result
            if transport_.is_closing():
                if not api.is_called(done):
                    api.reject(
                        done, TransportLost(getattr(proto, "_onclose_reason", None) or "Connection already closed")
                    )
                return
            # a connection that drops before its session is done ends this attempt
            lost = proto.connection_lost

            def connection_lost(exc):
                result = lost(exc)

                def check():
                    if not api.is_called(done):
                        api.reject(done, exc or TransportLost("failed to complete connection"))

                # a RawSocket closes at once when the session leaves: let the session's "leave" (queued
                # behind this) settle the attempt first
                loop.call_soon(check)
                return result

            proto.connection_lost = connection_lost

        def failed(fail):
            transport.connect_failures += 1
            if not api.is_called(done):
                api.reject(done, fail)

        api.add_callbacks(connected, made, failed)
        return connected

    @staticmethod
    def _tls(tls, host):
        if not tls:
            return None, None
        if isinstance(tls, dict):
            for k in tls:
                if k not in ("hostname", "trust_root"):
                    raise ValueError(f"Invalid key '{k}' in 'tls' config")
            hostname = tls.get("hostname", host)
            if not isinstance(hostname, str):
                raise ValueError(f"invalid type {hostname} for hostname in TLS client endpoint configuration")
            trust_root = tls.get("trust_root")
            context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=trust_root) if trust_root else True
            return context, hostname
        return tls, host

    def start(self, loop=None):
        """Connect (and reconnect) until done; a future that resolves then (fails if every transport gave up)."""
        return self._start(loop=loop or _event_loop())


def run(components, start_loop=True, log_level="info"):
    """Start ``components`` (one or a list) and run the event loop until all are done (or SIGINT/SIGTERM)."""
    loop = _event_loop()
    txaio.config.loop = loop
    if log_level is not None:
        txaio.start_logging(level=log_level)
    log = txaio.make_logger()

    async def shut_down(name):
        log.info("Shutting down due to {signal}", signal=name)
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        loop.stop()

    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, lambda name=sig.name: asyncio.ensure_future(shut_down(name)))
        except (NotImplementedError, RuntimeError):
            pass
    done = component._run(loop, components, lambda loop_, _: loop_.stop())
    if start_loop:
        try:
            loop.run_forever()
        except asyncio.CancelledError:
            pass
        loop.close()
    return done
