"""One driver per framework for the protocol-level tests (the ``framework`` fixture).

Both frameworks run on one asyncio event loop, ``LOOP``: Twisted's asyncio reactor is
installed on it once (tests/conftest.py), so a test is one coroutine that starts servers and
clients of either framework and talks to them with asyncio streams. Running Twisted's default
reactor instead would need a process per test (it cannot be restarted), costing ~0.5 s each;
this way a Twisted test costs what an asyncio one does.

Tests write their protocols as plain mixins (``class Echo: def onMessage(...)``);
``fw.server_class(Echo)`` / ``fw.client_class(...)`` combine them with the framework's
``WebSocketServerProtocol`` / ``WebSocketClientProtocol``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
from collections.abc import Coroutine
from typing import Any

LOOP = asyncio.new_event_loop()


def install_twisted_reactor() -> bool:
    """Install Twisted's asyncio reactor on ``LOOP`` and start it (False: no Twisted here)."""
    try:
        from twisted.internet import asyncioreactor
    except ImportError:
        return False
    asyncioreactor.install(LOOP)
    from twisted.internet import reactor

    # What reactor.run() does, less run_forever(): LOOP runs while each test runs.
    reactor.startRunning(installSignalHandlers=False)  # type: ignore[attr-defined]
    return True


def run(coro: Coroutine[Any, Any, Any]) -> Any:
    """Run a test's coroutine on the shared loop (instead of ``asyncio.run``)."""
    return LOOP.run_until_complete(coro)


@dataclasses.dataclass(frozen=True)
class Framework:
    """A framework's classes and how to listen, connect and wait with it."""

    name: str
    module: Any  # autobahn.asyncio.websocket or autobahn.twisted.websocket

    @functools.cache  # noqa: B019 (a handful of frozen instances, kept for the session)
    def _subclass(self, mixin: type, base: str) -> type:
        return type(mixin.__name__, (mixin, getattr(self.module, base)), {})

    def server_class(self, mixin: type) -> type:
        return self._subclass(mixin, "WebSocketServerProtocol")

    def client_class(self, mixin: type) -> type:
        return self._subclass(mixin, "WebSocketClientProtocol")

    def server_factory(self, *args: Any, **kw: Any) -> Any:
        return self.module.WebSocketServerFactory(*args, **kw)

    def client_factory(self, *args: Any, **kw: Any) -> Any:
        return self.module.WebSocketClientFactory(*args, **kw)

    async def listen(self, factory: Any) -> tuple[int, Any]:
        """Serve ``factory`` on 127.0.0.1; (port, an awaitable-returning stop function)."""
        if self.name == "asyncio":
            server = await LOOP.create_server(factory, "127.0.0.1", 0)

            async def stop_asyncio() -> None:
                server.close()

            return server.sockets[0].getsockname()[1], stop_asyncio
        from twisted.internet import reactor

        port = reactor.listenTCP(0, factory, interface="127.0.0.1")  # type: ignore[attr-defined]

        async def stop_twisted() -> None:
            await wait(port.stopListening())

        return port.getHost().port, stop_twisted

    async def connect(self, factory: Any, port: int) -> Any:
        """Connect ``factory`` to 127.0.0.1:``port``; the client protocol."""
        if self.name == "asyncio":
            _, proto = await LOOP.create_connection(factory, "127.0.0.1", port)
            return proto
        from twisted.internet import endpoints, reactor

        return await wait(endpoints.TCP4ClientEndpoint(reactor, "127.0.0.1", port).connect(factory))

    def call_later(self, delay: float, callback: Any, *args: Any) -> None:
        if self.name == "asyncio":
            LOOP.call_later(delay, callback, *args)
        else:
            from twisted.internet import reactor

            reactor.callLater(delay, callback, *args)  # type: ignore[attr-defined]

    def reading_paused(self, proto: Any) -> bool:
        """True while the connection does not read from its peer."""
        if self.name == "asyncio":
            return not proto.transport.is_reading()
        from twisted.internet import reactor

        return proto.transport not in reactor.getReaders()  # type: ignore[attr-defined]


async def wait(awaitable: Any, timeout: float = 20) -> Any:
    """Await an asyncio awaitable or a Twisted Deferred (``is_open``, ``is_closed``, ...)."""
    try:
        from twisted.internet.defer import Deferred
    except ImportError:
        Deferred = None  # type: ignore[assignment,misc]
    if Deferred is not None and isinstance(awaitable, Deferred):
        awaitable = awaitable.asFuture(LOOP)
    return await asyncio.wait_for(awaitable, timeout)


def frameworks() -> list[str]:
    return ["asyncio", "twisted"]


def load(name: str) -> Framework:
    import importlib

    return Framework(name, importlib.import_module(f"autobahn.{name}.websocket"))
