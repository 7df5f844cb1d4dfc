"""``python -m autobahn.benchmark.load``: many concurrent connections, then a clean stop.

An echo server (ours, in a child process, with the caller's AUTOBAHN_USE_NVX) and
``--connections`` clients in this process; every client sends a message, waits for the
echo, checks it, and repeats for ``--duration`` seconds, then closes. Reports messages,
errors, lost messages (sent but never echoed), clean closes and the server's peak memory.
Exit status 1 on any error, lost message or unclean close.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
from typing import Any

from autobahn.asyncio.websocket import WebSocketClientFactory, WebSocketClientProtocol
from autobahn.benchmark.echo import _free_port
from autobahn.testee import wait_until_listening


class LoadClient(WebSocketClientProtocol):
    """Sends numbered messages one after another until the factory's deadline."""

    def onOpen(self) -> None:
        self.sent = self.received = self.errors = 0
        self.factory.clients.append(self)
        self._send_next()

    def _send_next(self) -> None:
        if time.monotonic() >= self.factory.deadline:
            self.sendClose(1000)
            return
        self.sent += 1
        self.sendMessage(f"message {self.sent} " + "x" * (self.sent % 200), isBinary=False)

    def onMessage(self, payload: bytes, isBinary: bool) -> None:
        self.received += 1
        if payload != f"message {self.received} ".encode() + b"x" * (self.received % 200):
            self.errors += 1
        self._send_next()

    def onClose(self, wasClean: bool, code: int | None, reason: str | None) -> None:
        self.close_info = (wasClean, code)


class LoadFactory(WebSocketClientFactory):
    protocol = LoadClient
    deadline = 0.0  # when clients stop sending (monotonic clock)
    clients: list[LoadClient]


def _peak_rss_kib(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


async def _run(port: int, connections: int, duration: float) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    factory = LoadFactory(f"ws://127.0.0.1:{port}")
    factory.clients = []
    factory.setProtocolOptions(openHandshakeTimeout=30, closeHandshakeTimeout=10)
    # Clients start sending as soon as they are open; connecting counts in the duration.
    factory.deadline = time.monotonic() + duration
    started = time.monotonic()
    protos = []
    for start in range(0, connections, 100):  # connect in batches: the listen backlog is finite
        batch = [
            loop.create_connection(factory, "127.0.0.1", port) for _ in range(start, min(connections, start + 100))
        ]
        protos += [p for _, p in await asyncio.gather(*batch)]
    await asyncio.wait_for(asyncio.gather(*(p.is_closed for p in protos if p.is_closed)), duration + 60)
    elapsed = time.monotonic() - started
    clients = factory.clients
    return {
        "connections": len(protos),
        "opened": len(clients),
        "messages": sum(c.received for c in clients),
        "errors": sum(c.errors for c in clients),
        "lost": sum(c.sent - c.received for c in clients),
        "clean_closes": sum(1 for c in clients if getattr(c, "close_info", (False,))[0]),
        "seconds": elapsed,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autobahn.benchmark.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--duration", type=float, default=10.0)
    args = parser.parse_args(argv)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "autobahn.testee", "server", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        env=dict(os.environ),
    )
    try:
        wait_until_listening(port, server, 30, "the echo server")
        result = asyncio.run(_run(port, args.connections, args.duration))
        result["server_peak_rss_mib"] = round((_peak_rss_kib(server.pid) or 0) / 1024, 1)
    finally:
        server.terminate()
        server.wait(10)
    result["messages_per_s"] = round(result["messages"] / result["seconds"])
    for key, value in result.items():
        print(f"{key:20} {value:.1f}" if isinstance(value, float) else f"{key:20} {value}")
    ok = (
        result["opened"] == args.connections
        and not result["errors"]
        and not result["lost"]
        and result["clean_closes"] == args.connections
    )
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
