"""The Twisted echo server and client of ``python -m autobahn.benchmark.echo --twisted``.

Run as a script (by path), not as part of the package, so that it measures whichever autobahn
the interpreter imports: ours, or autobahn 26.10.2 from its own folder on PYTHONPATH. It uses
only autobahn's public Twisted API, which both provide, and Twisted's default reactor.

    python _twisted_echo.py server PORT
    python _twisted_echo.py client PORT SIZES DURATION REPEAT   (prints JSON)
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

MAX_SIZE = 64 * 1024 * 1024


def payload_for(size: int, is_binary: bool) -> bytes:
    """The same payloads as autobahn.benchmark.echo (which this script cannot import)."""
    if is_binary:
        return (bytes(range(256)) * (size // 256 + 1))[:size]
    unit = "WebSocket echo · ünïcödé € ".encode()
    data = (unit * (size // len(unit) + 1))[:size].decode("utf-8", "ignore").encode()
    return data + b" " * (size - len(data))


def serve(port: int) -> None:
    from twisted.internet import reactor

    from autobahn.twisted.websocket import WebSocketServerFactory, WebSocketServerProtocol

    class Echo(WebSocketServerProtocol):
        def onMessage(self, payload: bytes, isBinary: bool) -> None:
            self.sendMessage(payload, isBinary)

    factory = WebSocketServerFactory(f"ws://127.0.0.1:{port}")
    factory.protocol = Echo
    factory.setProtocolOptions(maxFramePayloadSize=MAX_SIZE, maxMessagePayloadSize=MAX_SIZE)
    reactor.listenTCP(port, factory, interface="127.0.0.1")
    reactor.run()


def client(port: int, sizes: list[int], duration: float, repeat: int) -> None:
    """Round trips driven from onMessage (no coroutine in between): send, wait for the echo,
    send again, for ``duration`` seconds; the best of ``repeat`` runs per size and kind."""
    from twisted.internet import reactor

    from autobahn.twisted.websocket import WebSocketClientFactory, WebSocketClientProtocol

    plan = [(is_binary, size) for is_binary in (False, True) for size in sizes]
    results: list[dict[str, Any]] = []

    class Client(WebSocketClientProtocol):
        def onOpen(self) -> None:
            self.step = -1
            self.next_point()

        def next_point(self) -> None:
            self.step += 1
            if self.step == len(plan):
                self.sendClose(1000)
                return
            self.is_binary, self.size = plan[self.step]
            self.payload = payload_for(self.size, self.is_binary)
            self.best = 0.0
            self.run = -1  # -1: the warm-up round trip, which also checks the echo
            self.sendMessage(self.payload, self.is_binary)

        def start_run(self) -> None:
            self.count = 0
            self.started = time.perf_counter()
            self.sendMessage(self.payload, self.is_binary)

        def onMessage(self, payload: bytes, isBinary: bool) -> None:
            if self.run == -1:
                assert payload == self.payload and isBinary == self.is_binary
                self.run = 0
                self.start_run()
                return
            self.count += 1
            elapsed = time.perf_counter() - self.started
            if self.count < 3 or elapsed < duration:
                self.sendMessage(self.payload, self.is_binary)
                return
            self.best = max(self.best, self.count / elapsed)
            self.run += 1
            if self.run < repeat:
                self.start_run()
                return
            results.append(
                {
                    "kind": "binary" if self.is_binary else "text",
                    "size": self.size,
                    "messages_per_s": self.best,
                    "mb_per_s": self.best * self.size / 1e6,
                }
            )
            self.next_point()

        def onClose(self, wasClean: bool, code: Any, reason: Any) -> None:
            reactor.stop()

    factory = WebSocketClientFactory(f"ws://127.0.0.1:{port}")
    factory.protocol = Client
    factory.setProtocolOptions(maxFramePayloadSize=MAX_SIZE, maxMessagePayloadSize=MAX_SIZE)
    reactor.connectTCP("127.0.0.1", port, factory)
    reactor.run()
    if len(results) != len(plan):
        raise SystemExit(f"the client measured {len(results)} of {len(plan)} points")
    print(json.dumps(results))


if __name__ == "__main__":
    if sys.argv[1] == "server":
        serve(int(sys.argv[2]))
    else:
        client(int(sys.argv[2]), [int(s) for s in sys.argv[3].split(",")], float(sys.argv[4]), int(sys.argv[5]))
