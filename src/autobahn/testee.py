"""Echo testees for Autobahn|Testsuite and the benchmarks.

``python -m autobahn.testee server --host 127.0.0.1 --port 9001``: an echo server (every
message goes back as it came, permessage-deflate accepted) that runs until stopped.

``python -m autobahn.testee client --url ws://127.0.0.1:9001 [--agent NAME]``: the client
side of the testsuite's fuzzing server: fetch the case count, run every case echoing, then
ask the fuzzing server to write its reports.

``--framework twisted`` (before the mode) runs either on Twisted (``autobahn.twisted.websocket``,
Twisted's default reactor) instead of asyncio: the same protocol classes, the same options.
"""

from __future__ import annotations

import asyncio
import signal
import socket
import subprocess
import sys
import time
from typing import Any

from autobahn import _cli
from autobahn.asyncio.websocket import (
    WebSocketClientFactory,
    WebSocketClientProtocol,
    WebSocketServerFactory,
    WebSocketServerProtocol,
)
from autobahn.websocket import NVX_REASON

# Large enough for the testsuite's 9.x cases (16 MiB messages), small enough to stay bounded.
MAX_SIZE = 64 * 1024 * 1024


class EchoServerProtocol(WebSocketServerProtocol):
    def onOpen(self) -> None:
        self.factory.open_connections.add(self)

    def onMessage(self, payload: bytes, isBinary: bool) -> None:
        self.sendMessage(payload, isBinary)

    def onClose(self, wasClean: bool, code: int | None, reason: str | None) -> None:
        self.factory.open_connections.discard(self)


class EchoServerFactory(WebSocketServerFactory):
    protocol = EchoServerProtocol

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.open_connections: set[EchoServerProtocol] = set()


class EchoClientProtocol(WebSocketClientProtocol):
    def onMessage(self, payload: bytes, isBinary: bool) -> None:
        self.sendMessage(payload, isBinary)


class CaseCountProtocol(WebSocketClientProtocol):
    case_count: int | None = None

    def onMessage(self, payload: bytes, isBinary: bool) -> None:
        self.case_count = int(payload)


def wait_until_listening(port: int, proc: subprocess.Popen, timeout: float, name: str) -> None:
    """Block until something accepts connections on 127.0.0.1:``port``, for the callers that
    start a testee (or wstest) as a subprocess ``proc``. RuntimeError, naming ``name``, when the
    process exits first or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited with {proc.returncode} before listening on 127.0.0.1:{port}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{name}: nothing listens on 127.0.0.1:{port} after {timeout}s")


def make_server_factory(url: str) -> EchoServerFactory:
    factory = EchoServerFactory(url)
    factory.setProtocolOptions(
        maxFramePayloadSize=MAX_SIZE, maxMessagePayloadSize=MAX_SIZE, perMessageDeflate=True, openHandshakeTimeout=10
    )
    return factory


async def serve(host: str, port: int) -> None:
    loop = asyncio.get_running_loop()
    factory = make_server_factory(f"ws://{host}:{port}")
    server = await loop.create_server(factory, host, port)
    print(f"echo server on ws://{host}:{port} ({NVX_REASON})", flush=True)
    stop = loop.create_future()

    def request_stop() -> None:
        if not stop.done():
            stop.set_result(None)

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, request_stop)
    async with server:
        await stop
        # Clean shutdown: stop accepting, then close every connection with 1001 (going away)
        # and give the closing handshakes their timeout to finish.
        server.close()
        waiting = [p.is_closed for p in list(factory.open_connections) if p.is_closed is not None]
        for proto in list(factory.open_connections):
            proto.sendClose(1001, "server shutting down")
        if waiting:
            await asyncio.wait(waiting, timeout=factory.closeHandshakeTimeout + 1)


async def _connect(url: str, protocol: type[WebSocketClientProtocol]) -> Any:
    factory = WebSocketClientFactory(url)
    factory.protocol = protocol
    factory.setProtocolOptions(maxFramePayloadSize=MAX_SIZE, maxMessagePayloadSize=MAX_SIZE, perMessageDeflate=True)
    loop = asyncio.get_running_loop()
    _, proto = await loop.create_connection(factory, factory.host, factory.port)
    assert proto.is_closed is not None  # set in connection_made
    await proto.is_closed
    return proto


async def run_client(url: str, agent: str) -> int:
    url = url.rstrip("/")
    counter = await _connect(f"{url}/getCaseCount", CaseCountProtocol)
    if counter.case_count is None:
        print("the fuzzing server sent no case count", file=sys.stderr)
        return 1
    print(f"{counter.case_count} cases against {url} as {agent!r} ({NVX_REASON})", flush=True)
    for case in range(1, counter.case_count + 1):
        await _connect(f"{url}/runCase?case={case}&agent={agent}", EchoClientProtocol)
    await _connect(f"{url}/updateReports?agent={agent}", WebSocketClientProtocol)
    return 0


# --- the same testees on Twisted ---


def _twisted_protocols() -> tuple[Any, Any, Any]:
    """(server factory, client protocol, case-count protocol) classes on Twisted."""
    from autobahn.twisted import websocket as tw

    class TwistedEchoServer(tw.WebSocketServerProtocol):
        onOpen = EchoServerProtocol.onOpen
        onMessage = EchoServerProtocol.onMessage
        onClose = EchoServerProtocol.onClose

    class TwistedEchoServerFactory(tw.WebSocketServerFactory):
        protocol = TwistedEchoServer

        def __init__(self, url: str) -> None:
            super().__init__(url)
            self.open_connections: set[Any] = set()

    class TwistedEchoClient(tw.WebSocketClientProtocol):
        onMessage = EchoClientProtocol.onMessage

    class TwistedCaseCount(tw.WebSocketClientProtocol):
        case_count: int | None = None
        onMessage = CaseCountProtocol.onMessage

    return TwistedEchoServerFactory, TwistedEchoClient, TwistedCaseCount


def twisted_serve(host: str, port: int) -> None:
    from twisted.internet import defer, reactor

    factory_class, _, _ = _twisted_protocols()
    factory = factory_class(f"ws://{host}:{port}")
    factory.setProtocolOptions(
        maxFramePayloadSize=MAX_SIZE, maxMessagePayloadSize=MAX_SIZE, perMessageDeflate=True, openHandshakeTimeout=10
    )
    listener = reactor.listenTCP(port, factory, interface=host)  # type: ignore[attr-defined]
    print(f"echo server on ws://{host}:{port} (Twisted; {NVX_REASON})", flush=True)

    def shut_down() -> Any:
        # As the asyncio server: stop accepting, close every connection with 1001, wait for it.
        listener.stopListening()
        waiting = [p.is_closed for p in list(factory.open_connections)]
        for proto in list(factory.open_connections):
            proto.sendClose(1001, "server shutting down")
        done = defer.DeferredList(waiting)
        timeout = reactor.callLater(factory.closeHandshakeTimeout + 1, done.cancel)  # type: ignore[attr-defined]
        done.addBoth(lambda _: timeout.active() and timeout.cancel())
        return done

    reactor.addSystemEventTrigger("before", "shutdown", shut_down)  # type: ignore[attr-defined]
    reactor.run()  # type: ignore[attr-defined]  # SIGINT/SIGTERM stop it


def twisted_run_client(url: str, agent: str) -> int:
    from twisted.internet import defer, endpoints, reactor, task

    _, echo_client, case_count = _twisted_protocols()
    from autobahn.twisted.websocket import WebSocketClientFactory as TwistedClientFactory
    from autobahn.twisted.websocket import WebSocketClientProtocol as TwistedClientProtocol

    async def connect(url: str, protocol: type) -> Any:
        factory = TwistedClientFactory(url)
        factory.protocol = protocol
        factory.setProtocolOptions(maxFramePayloadSize=MAX_SIZE, maxMessagePayloadSize=MAX_SIZE, perMessageDeflate=True)
        endpoint = endpoints.TCP4ClientEndpoint(reactor, factory.host, factory.port)
        proto = await endpoint.connect(factory)
        await proto.is_closed
        return proto

    result: list[int] = []

    async def run_cases(_reactor: Any) -> None:
        base = url.rstrip("/")
        counter = await connect(f"{base}/getCaseCount", case_count)
        if counter.case_count is None:
            print("the fuzzing server sent no case count", file=sys.stderr)
            result.append(1)
            return
        print(f"{counter.case_count} cases against {base} as {agent!r} on Twisted ({NVX_REASON})", flush=True)
        for case in range(1, counter.case_count + 1):
            await connect(f"{base}/runCase?case={case}&agent={agent}", echo_client)
        await connect(f"{base}/updateReports?agent={agent}", TwistedClientProtocol)
        result.append(0)

    try:
        task.react(lambda r: defer.ensureDeferred(run_cases(r)))
    except SystemExit as exc:  # react() always exits; its code tells whether run_cases failed
        if exc.code:
            return int(exc.code)
    return result[0] if result else 1


def main(argv: list[str] | None = None) -> int:
    parser = _cli.parser("python -m autobahn.testee", __doc__)
    parser.add_argument(
        "--framework",
        choices=["asyncio", "asyncio-uvloop", "asyncio-aiofastnet", "twisted"],
        default="asyncio",
        help="asyncio-uvloop: asyncio on uvloop's event loop; asyncio-aiofastnet: on a loop patched by aiofastnet",
    )
    sub = parser.add_subparsers(dest="mode", required=True)
    server = sub.add_parser("server", help="echo server (runs until stopped)")
    server.add_argument("--host", default="127.0.0.1")
    server.add_argument("--port", type=int, default=9001)
    client = sub.add_parser("client", help="run the fuzzing server's cases")
    client.add_argument("--url", default="ws://127.0.0.1:9001")
    client.add_argument("--agent", default="autobahn-nvx")
    args = parser.parse_args(argv)
    if args.framework == "twisted":
        if args.mode == "server":
            twisted_serve(args.host, args.port)
            return 0
        return twisted_run_client(args.url, args.agent)
    loop_factory: Any = None  # asyncio's default loop
    if args.framework == "asyncio-uvloop":
        import uvloop

        loop_factory = uvloop.new_event_loop
    elif args.framework == "asyncio-aiofastnet":
        import aiofastnet

        loop_factory = aiofastnet.loop_factory()
    with asyncio.Runner(loop_factory=loop_factory) as runner:
        if args.mode == "server":
            runner.run(serve(args.host, args.port))
            return 0
        return runner.run(run_client(args.url, args.agent))


if __name__ == "__main__":
    sys.exit(main())
