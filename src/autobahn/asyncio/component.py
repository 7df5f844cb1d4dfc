"""Component and run() on asyncio::

    component = Component(transports="ws://127.0.0.1:8080/ws", realm="realm1")

    @component.register("com.example.add2")
    def add2(a, b):
        return a + b

    run([component])

``run()`` returns when every component is done; when one failed or gave up it raises
``SystemExit(1)``, so the exit status says so.
"""

from __future__ import annotations

import asyncio
import signal
import ssl

import txaio

from autobahn import _framework_glue
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
    return _framework_glue.component_transport_factory(
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


# How long Ctrl-C waits for joined sessions to leave (GOODBYE) before cancelling what still runs.
SHUTDOWN_LEAVE_TIMEOUT = 2.0


def run(components, start_loop=True, log_level="info"):
    """Start ``components`` (one or a list) and run the event loop until all are done (or SIGINT/SIGTERM).

    With ``start_loop`` (the default), a component that failed or gave up makes this raise
    ``SystemExit(1)`` once the loop has closed (the error is logged already), so the program's exit
    status says so, as Twisted's ``react`` does. SIGINT/SIGTERM (Ctrl-C) is not a failure: joined
    sessions leave (briefly waited for), then whatever still runs is cancelled, quietly.
    """
    loop = _event_loop()
    txaio.config.loop = loop
    if log_level is not None:
        txaio.start_logging(level=log_level)
    log = txaio.make_logger()
    stopping: list = []  # the shutdown task, once a signal came

    def quiet_cancellations(loop_, context):
        # after a signal, cancelled handlers and the futures gathering them are the shutdown, not errors
        if not isinstance(context.get("exception"), asyncio.CancelledError):
            loop_.default_exception_handler(context)

    async def shut_down(name):
        log.info("Shutting down due to {signal}", signal=name)
        loop.set_exception_handler(quiet_cancellations)
        comps = components if isinstance(components, list) else [components]
        leaving = [asyncio.ensure_future(txaio.as_future(c.stop)) for c in comps]
        if leaving:
            await asyncio.wait(leaving, timeout=SHUTDOWN_LEAVE_TIMEOUT)
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        loop.stop()

    def on_signal(name):
        if not stopping:
            stopping.append(asyncio.ensure_future(shut_down(name)))

    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, on_signal, sig.name)
        except (NotImplementedError, RuntimeError):
            pass
    failures: list = []
    done = component._run(loop, components, lambda loop_, _: loop_.stop(), failures)
    if start_loop:
        try:
            loop.run_forever()
        except (asyncio.CancelledError, KeyboardInterrupt):  # KeyboardInterrupt: no signal handlers (Windows)
            on_signal("SIGINT")
        if stopping and not stopping[0].done():
            # the components finished while leaving (their done callback stopped the loop): finish the shutdown
            loop.run_until_complete(stopping[0])
        if done.done() and not done.cancelled():
            done.exception()  # retrieved: each component's error has been logged
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.remove_signal_handler(sig)
            except (NotImplementedError, RuntimeError):
                pass
        loop.close()
        if failures and not stopping:
            raise SystemExit(1)
    return done


# Names autobahn 26.11.1 also has here (programs import them from this module).
from autobahn.asyncio.util import get_or_create_event_loop  # noqa: E402, F401
from autobahn.wamp.serializer import create_transport_serializer, create_transport_serializers  # noqa: E402, F401
