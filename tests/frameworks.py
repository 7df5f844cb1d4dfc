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
import sys
from collections.abc import Coroutine
from typing import Any

LOOP = asyncio.new_event_loop()
# asyncio on uvloop: the same asyncio tests on another event loop's transports.
_UVLOOP: list[asyncio.AbstractEventLoop] = []
# The loop run() runs a test on: the chosen framework's (the ``framework`` fixture sets it).
_current = [LOOP]


def install_twisted_reactor() -> bool:
    """Install Twisted's asyncio reactor on ``LOOP`` and start it (False: no Twisted here)."""
    try:
        from twisted.internet import asyncioreactor
    except ImportError:
        return False
    if "twisted.internet.reactor" in sys.modules:
        # Installed already by an earlier pytest.main() in this process (mutmut runs several).
        from twisted.internet import reactor as installed

        return isinstance(installed, asyncioreactor.AsyncioSelectorReactor)
    asyncioreactor.install(LOOP)
    from twisted.internet import reactor

    # What reactor.run() does, less run_forever(): LOOP runs while each test runs.
    reactor.startRunning(installSignalHandlers=False)  # type: ignore[attr-defined]
    return True


def stop_twisted_reactor() -> None:
    """Stop the reactor's thread pool (name resolution starts it): its threads are not daemons,
    so without this the interpreter would wait for them forever when the test run ends."""
    import sys

    reactor = sys.modules.get("twisted.internet.reactor")
    pool = getattr(reactor, "threadpool", None)
    if pool is not None:
        pool.stop()


def run(coro: Coroutine[Any, Any, Any]) -> Any:
    """Run a test's coroutine on the framework's loop (instead of ``asyncio.run``)."""
    return _current[0].run_until_complete(coro)


def uvloop_loop() -> asyncio.AbstractEventLoop:
    if not _UVLOOP:
        import uvloop  # in the test extra: missing, the uvloop runs fail

        _UVLOOP.append(uvloop.new_event_loop())
    return _UVLOOP[0]


@dataclasses.dataclass(frozen=True)
class Framework:
    """A framework's classes and how to listen, connect and wait with it."""

    name: str  # asyncio, asyncio-uvloop or twisted
    module: Any  # autobahn.asyncio.websocket or autobahn.twisted.websocket
    loop: asyncio.AbstractEventLoop  # what the test runs on (Twisted: LOOP, under its reactor)

    @property
    def is_asyncio(self) -> bool:
        return self.module.__name__ == "autobahn.asyncio.websocket"

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
        if self.is_asyncio:
            server = await self.loop.create_server(factory, "127.0.0.1", 0)

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
        if self.is_asyncio:
            _, proto = await self.loop.create_connection(factory, "127.0.0.1", port)
            return proto
        from twisted.internet import endpoints, reactor

        return await wait(endpoints.TCP4ClientEndpoint(reactor, "127.0.0.1", port).connect(factory))

    def call_later(self, delay: float, callback: Any, *args: Any) -> None:
        if self.is_asyncio:
            self.loop.call_later(delay, callback, *args)
        else:
            from twisted.internet import reactor

            reactor.callLater(delay, callback, *args)  # type: ignore[attr-defined]

    def reading_paused(self, proto: Any) -> bool:
        """True while the connection does not read from its peer."""
        if self.is_asyncio:
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
    return ["asyncio", "asyncio-uvloop", "twisted"]


def needs(name: str) -> list[str]:
    """The modules the framework ``name`` runs on beyond the standard library."""
    return {"asyncio": [], "asyncio-uvloop": ["uvloop"], "twisted": ["twisted"]}[name]


def load(name: str) -> Framework:
    """The framework, with its loop made the one ``run()`` uses."""
    import importlib

    package = name.split("-")[0]
    fw = Framework(
        name,
        importlib.import_module(f"autobahn.{package}.websocket"),
        uvloop_loop() if name == "asyncio-uvloop" else LOOP,
    )
    _current[0] = fw.loop
    return fw
