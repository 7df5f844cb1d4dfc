"""One driver per framework for the protocol-level tests (the ``framework`` fixture).

Both frameworks run on one asyncio event loop, ``LOOP``: Twisted's asyncio reactor is
installed on it once (tests/conftest.py), so a test is one coroutine that starts servers and
clients of either framework and talks to them with asyncio streams. This way a Twisted test
costs what an asyncio one does.

Twisted's reactor is process-wide, so Twisted on its default reactor (epoll on Linux, what
Twisted programs run on) is a run of its own: with AUTOBAHN_TWISTED_REACTOR=epoll (read once,
when conftest imports this) the epoll reactor is installed instead, the only framework is
``twisted-epoll``, and a test's coroutine runs as a Twisted coroutine (``Deferred.fromCoroutine``)
while the reactor is iterated. Only framework-neutral modules (``FRAMEWORK_NEUTRAL = True``: they
wait, sleep and speak raw bytes through the ``Framework`` methods, never through asyncio) run
there; tests/test_twisted_default_reactor.py runs them in a pytest subprocess.

Tests write their protocols as plain mixins (``class Echo: def onMessage(...)``);
``fw.server_class(Echo)`` / ``fw.client_class(...)`` combine them with the framework's
``WebSocketServerProtocol`` / ``WebSocketClientProtocol``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import gc
import os
import socket
import sys
import time
import warnings
from collections.abc import Callable, Coroutine
from typing import Any

# "asyncio" (Twisted on LOOP, the default) or "epoll" (Twisted on its default reactor, alone).
TWISTED_REACTOR = os.environ.get("AUTOBAHN_TWISTED_REACTOR", "asyncio")
if TWISTED_REACTOR not in ("asyncio", "epoll"):
    raise RuntimeError(f"AUTOBAHN_TWISTED_REACTOR={TWISTED_REACTOR!r}: asyncio or epoll")

LOOP = asyncio.new_event_loop()
# asyncio on uvloop: the same asyncio tests on another event loop's transports.
_UVLOOP: list[asyncio.AbstractEventLoop] = []
# asyncio with aiofastnet's transports (C socket and TLS I/O; picows's default), the optional
# accelerator a program turns on with aiofastnet.patch_loop(): the same tests on those transports.
_AIOFASTNET: list[asyncio.AbstractEventLoop] = []
# The loop run() runs a test on: the chosen framework's (the ``framework`` fixture sets it).
_current = [LOOP]


def install_twisted_reactor() -> bool:
    """Install Twisted's asyncio reactor on ``LOOP`` (or, under AUTOBAHN_TWISTED_REACTOR=epoll,
    its epoll reactor) and start it (False: no Twisted here)."""
    try:
        from twisted.internet import asyncioreactor, epollreactor
    except ImportError:
        return False
    if "twisted.internet.reactor" in sys.modules:
        # Installed already by an earlier pytest.main() in this process (mutmut runs several).
        from twisted.internet import reactor as installed

        wanted = epollreactor.EPollReactor if TWISTED_REACTOR == "epoll" else asyncioreactor.AsyncioSelectorReactor
        return isinstance(installed, wanted)
    if TWISTED_REACTOR == "epoll":
        epollreactor.install()
    else:
        asyncioreactor.install(LOOP)
    from twisted.internet import reactor

    # What reactor.run() does, less run_forever(): LOOP runs while each test runs.
    reactor.startRunning(installSignalHandlers=False)  # type: ignore[attr-defined]
    return True


def stop_twisted_reactor() -> None:
    """Stop the reactor's thread pool (name resolution starts it): its threads are not daemons,
    so without this the interpreter would wait for them forever when the test run ends."""
    reactor = sys.modules.get("twisted.internet.reactor")
    pool = getattr(reactor, "threadpool", None)
    if pool is not None:
        pool.stop()


def run(coro: Coroutine[Any, Any, Any]) -> Any:
    """Run a test's coroutine on the framework's loop (instead of ``asyncio.run``)."""
    return _current[0].run_until_complete(coro)


def run_on_reactor(coro: Coroutine[Any, Any, Any], limit: float = 120) -> Any:
    """Run a test's coroutine as a Twisted coroutine, iterating the (started, never stopped)
    reactor until it is done; a test still running after ``limit`` seconds fails as a hang."""
    from twisted.internet import reactor
    from twisted.internet.defer import Deferred
    from twisted.python.failure import Failure

    outcome: list[Any] = []
    done = Deferred.fromCoroutine(coro)
    done.addBoth(outcome.append)
    deadline = time.monotonic() + limit
    while not outcome:
        if time.monotonic() > deadline:
            done.cancel()
            raise TimeoutError(f"the test did not finish within {limit} s on the epoll reactor")
        reactor.iterate(0.01)  # type: ignore[attr-defined]
    if isinstance(outcome[0], Failure):
        outcome[0].raiseException()
    return outcome[0]


def uvloop_loop() -> asyncio.AbstractEventLoop:
    if not _UVLOOP:
        import uvloop  # in the test extra: missing, the uvloop runs fail

        _UVLOOP.append(uvloop.new_event_loop())
    return _UVLOOP[0]


def aiofastnet_loop() -> asyncio.AbstractEventLoop:
    if not _AIOFASTNET:
        import aiofastnet  # in the test extra: missing, the aiofastnet runs fail

        _AIOFASTNET.append(aiofastnet.patch_loop(asyncio.new_event_loop()))
    return _AIOFASTNET[0]


def close_aiofastnet_loop() -> None:
    """At the end of the session, the aiofastnet loop closed and its transports collected while
    the interpreter still runs (collected at its shutdown instead, their ``__del__`` fails in
    sys.excepthook). Connections a test left half-closed (an answer, then FIN) end by their 1 s
    close timer: the loop runs past it first. What is left then is what the other loops, never
    closed, also keep until exit: its ResourceWarnings are not the tests' findings."""
    while _AIOFASTNET:
        loop = _AIOFASTNET.pop()
        loop.run_until_complete(asyncio.sleep(1.2))
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


@dataclasses.dataclass(frozen=True)
class Framework:
    """A framework's classes and how to listen, connect and wait with it."""

    name: str  # asyncio, asyncio-uvloop, asyncio-aiofastnet, twisted (on LOOP) or twisted-epoll
    module: Any  # autobahn.asyncio.websocket or autobahn.twisted.websocket
    loop: asyncio.AbstractEventLoop | None  # what the test runs on (Twisted: LOOP; twisted-epoll: none)

    @property
    def is_asyncio(self) -> bool:
        return self.module.__name__ == "autobahn.asyncio.websocket"

    # --- framework-neutral test coroutines: run, wait, sleep, threads, raw peers ---

    def run(self, coro: Coroutine[Any, Any, Any]) -> Any:
        """Run a test's coroutine on this framework's loop (or reactor)."""
        if self.loop is None:
            return run_on_reactor(coro)
        return self.loop.run_until_complete(coro)

    async def wait(self, awaitable: Any, timeout: float = 20) -> Any:
        """Await a coroutine, an asyncio awaitable or a Deferred, failing after ``timeout`` s."""
        if self.loop is not None:
            return await wait(awaitable, timeout)
        from twisted.internet import reactor
        from twisted.internet.defer import Deferred, ensureDeferred

        deferred = awaitable if isinstance(awaitable, Deferred) else ensureDeferred(awaitable)
        return await deferred.addTimeout(timeout, reactor)

    async def sleep(self, seconds: float) -> None:
        if self.loop is not None:
            await asyncio.sleep(seconds)
            return
        from twisted.internet import reactor, task

        await task.deferLater(reactor, seconds)

    async def in_thread(self, function: Callable[..., Any], *args: Any) -> Any:
        """``function(*args)`` in a worker thread (blocking peers: the loop goes on meanwhile)."""
        if self.loop is not None:
            return await self.loop.run_in_executor(None, function, *args)
        from twisted.internet import threads

        return await threads.deferToThread(function, *args)

    async def open_raw(self, port: int) -> RawPeer:
        """A plain TCP connection to 127.0.0.1:``port`` that speaks bytes written by hand."""
        sock = await self.in_thread(socket.create_connection, ("127.0.0.1", port), RawPeer.TIMEOUT)
        return RawPeer(self, sock)

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
            await self.wait(port.stopListening())

        return port.getHost().port, stop_twisted

    async def connect(self, factory: Any, port: int) -> Any:
        """Connect ``factory`` to 127.0.0.1:``port``; the client protocol."""
        if self.is_asyncio:
            _, proto = await self.loop.create_connection(factory, "127.0.0.1", port)
            return proto
        from twisted.internet import endpoints, reactor

        return await self.wait(endpoints.TCP4ClientEndpoint(reactor, "127.0.0.1", port).connect(factory))

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


class RawPeer:
    """A peer writing and reading raw bytes: a blocking socket driven from worker threads, so it
    is the same peer on every framework's loop. Each read is bounded (``TIMEOUT`` s without
    data fails it with TimeoutError)."""

    TIMEOUT = 20.0

    def __init__(self, fw: Framework, sock: socket.socket) -> None:
        self.fw, self.sock, self.buffer = fw, sock, bytearray()
        sock.settimeout(self.TIMEOUT)

    def _fill_until(self, enough: Callable[[], bool]) -> None:
        while not enough():
            data = self.sock.recv(65536)
            if not data:
                raise EOFError(f"connection closed with {len(self.buffer)} bytes unread")
            self.buffer += data

    def _take(self, n: int) -> bytes:
        taken = bytes(self.buffer[:n])
        del self.buffer[:n]
        return taken

    async def write(self, data: bytes) -> None:
        await self.fw.in_thread(self.sock.sendall, data)

    async def read_exactly(self, n: int) -> bytes:
        await self.fw.in_thread(self._fill_until, lambda: len(self.buffer) >= n)
        return self._take(n)

    async def read_until(self, separator: bytes) -> bytes:
        """Up to and including ``separator``."""
        await self.fw.in_thread(self._fill_until, lambda: separator in self.buffer)
        return self._take(self.buffer.index(separator) + len(separator))

    async def read_to_eof(self, reset_ends: bool = False) -> bytes:
        """Everything until the peer closes; ``reset_ends``: a reset (what Twisted's
        abortConnection sends, SO_LINGER 0) ends it too, else it raises ConnectionResetError."""

        def drain() -> None:
            try:
                while data := self.sock.recv(65536):
                    self.buffer += data
            except ConnectionResetError:
                if not reset_ends:
                    raise

        await self.fw.in_thread(drain)
        return self._take(len(self.buffer))

    def close(self) -> None:
        self.sock.close()


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
    if TWISTED_REACTOR == "epoll":
        return ["twisted-epoll"]
    return ["asyncio", "asyncio-uvloop", "asyncio-aiofastnet", "twisted"]


def needs(name: str) -> list[str]:
    """The modules the framework ``name`` runs on beyond the standard library."""
    return {
        "asyncio": [],
        "asyncio-uvloop": ["uvloop"],
        "asyncio-aiofastnet": ["aiofastnet"],
        "twisted": ["twisted"],
        "twisted-epoll": ["twisted"],
    }[name]


def load(name: str) -> Framework:
    """The framework, with its loop made the one ``run()`` uses."""
    import importlib

    package = name.split("-")[0]
    loop = {"asyncio-uvloop": uvloop_loop, "asyncio-aiofastnet": aiofastnet_loop, "twisted-epoll": lambda: None}.get(
        name, lambda: LOOP
    )()
    fw = Framework(name, importlib.import_module(f"autobahn.{package}.websocket"), loop)
    if name == "twisted-epoll":
        from twisted.internet import epollreactor, reactor

        assert isinstance(reactor, epollreactor.EPollReactor), reactor  # what this run is for
    if fw.loop is not None:
        _current[0] = fw.loop
    return fw
