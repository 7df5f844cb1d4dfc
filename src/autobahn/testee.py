"""Echo testees for Autobahn|Testsuite and the benchmarks.

``python -m autobahn.testee server --host 127.0.0.1 --port 9001``: an echo server (every
message goes back as it came, permessage-deflate accepted) that runs until stopped.

``python -m autobahn.testee client --url ws://127.0.0.1:9001 [--agent NAME]``: the client
side of the testsuite's fuzzing server: fetch the case count, run every case echoing, then
ask the fuzzing server to write its reports.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import socket
import subprocess
import sys
import time
from typing import Any

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autobahn.testee", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    server = sub.add_parser("server", help="echo server (runs until stopped)")
    server.add_argument("--host", default="127.0.0.1")
    server.add_argument("--port", type=int, default=9001)
    client = sub.add_parser("client", help="run the fuzzing server's cases")
    client.add_argument("--url", default="ws://127.0.0.1:9001")
    client.add_argument("--agent", default="autobahn-nvx")
    args = parser.parse_args(argv)
    if args.mode == "server":
        asyncio.run(serve(args.host, args.port))
        return 0
    return asyncio.run(run_client(args.url, args.agent))


if __name__ == "__main__":
    sys.exit(main())
