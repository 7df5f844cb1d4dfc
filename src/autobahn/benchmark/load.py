"""``python -m autobahn.benchmark.load``: many concurrent connections, then a clean stop.

For each of ``--servers`` (``ours``: our echo server with the caller's AUTOBAHN_USE_NVX;
``websockets``), an echo server in a child process and ``--connections`` clients (ours) in
this process. All clients connect first and stay idle for a second (the server's RSS then,
less its RSS before, per connection, is the memory an idle connection costs); then every
client sends a message, waits for the echo, checks it, and repeats for ``--duration``
seconds, then closes. Reports messages/s, round-trip latency (p50, p99), errors, lost
messages (sent but never echoed), clean closes, and the server's memory. Exit status 1 on
any error, lost message or unclean close.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from typing import Any

from autobahn import _cli
from autobahn.asyncio.websocket import WebSocketClientFactory, WebSocketClientProtocol
from autobahn.benchmark.echo import _free_port
from autobahn.testee import wait_until_listening


class LoadClient(WebSocketClientProtocol):
    """Sends numbered messages one after another until the factory's deadline."""

    def onOpen(self) -> None:
        self.sent = self.received = self.errors = 0
        self.latencies: list[float] = []
        self.factory.clients.append(self)
        if len(self.factory.clients) == self.factory.connections:
            self.factory.all_open.set()

    def start(self) -> None:
        self._send_next()

    def _send_next(self) -> None:
        if time.monotonic() >= self.factory.deadline:
            self.sendClose(1000)
            return
        self.sent += 1
        self._sent_at = time.perf_counter()
        self.sendMessage(f"message {self.sent} " + "x" * (self.sent % 200), isBinary=False)

    def onMessage(self, payload: bytes, isBinary: bool) -> None:
        self.latencies.append(time.perf_counter() - self._sent_at)
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
    connections = 0
    all_open: asyncio.Event


def _rss_kib(pid: int, field: str = "VmRSS") -> int | None:
    """The process's resident memory now (VmRSS) or at its peak (VmHWM), in KiB."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


async def _run(port: int, pid: int, connections: int, duration: float) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    factory = LoadFactory(f"ws://127.0.0.1:{port}")
    factory.clients = []
    factory.connections = connections
    factory.all_open = asyncio.Event()
    factory.setProtocolOptions(openHandshakeTimeout=60, closeHandshakeTimeout=10)
    factory.deadline = float("inf")
    rss_before = _rss_kib(pid) or 0
    protos = []
    for start in range(0, connections, 100):  # connect in batches: the listen backlog is finite
        batch = [
            loop.create_connection(factory, "127.0.0.1", port) for _ in range(start, min(connections, start + 100))
        ]
        protos += [p for _, p in await asyncio.gather(*batch)]
    await asyncio.wait_for(factory.all_open.wait(), 120)
    await asyncio.sleep(1.0)
    rss_idle = _rss_kib(pid) or 0
    started = time.monotonic()
    factory.deadline = started + duration
    for client in factory.clients:
        client.start()
    await asyncio.wait_for(asyncio.gather(*(p.is_closed for p in protos if p.is_closed)), duration + 60)
    elapsed = time.monotonic() - started
    clients = factory.clients
    latencies = sorted(t for c in clients for t in c.latencies)
    return {
        "connections": len(protos),
        "opened": len(clients),
        "messages": sum(c.received for c in clients),
        "errors": sum(c.errors for c in clients),
        "lost": sum(c.sent - c.received for c in clients),
        "clean_closes": sum(1 for c in clients if getattr(c, "close_info", (False,))[0]),
        "seconds": elapsed,
        "p50_ms": latencies[len(latencies) // 2] * 1000 if latencies else 0.0,
        "p99_ms": latencies[int(len(latencies) * 0.99)] * 1000 if latencies else 0.0,
        "idle_rss_kib_per_connection": (rss_idle - rss_before) / max(1, len(clients)),
    }


SERVER_COMMANDS = {
    "ours": ["-m", "autobahn.testee", "server", "--host", "127.0.0.1", "--port"],
    "websockets": ["-m", "autobahn.benchmark.echo", "--role", "server", "--impl", "websockets", "--port"],
}


def main(argv: list[str] | None = None) -> int:
    parser = _cli.parser("python -m autobahn.benchmark.load", __doc__)
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--servers", default="ours", help="ours, websockets or both (comma-separated)")
    args = parser.parse_args(argv)
    results = {}
    for name in args.servers.split(","):
        if name not in SERVER_COMMANDS:
            parser.error(f"unknown server {name!r}")
        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, *SERVER_COMMANDS[name], str(port)], stdout=subprocess.DEVNULL, env=dict(os.environ)
        )
        try:
            wait_until_listening(port, server, 30, f"the {name} echo server")
            result = asyncio.run(_run(port, server.pid, args.connections, args.duration))
            result["server_peak_rss_mib"] = round((_rss_kib(server.pid, "VmHWM") or 0) / 1024, 1)
        finally:
            server.terminate()
            server.wait(10)
        result["messages_per_s"] = round(result["messages"] / result["seconds"])
        results[name] = result
    ok = True
    for key in next(iter(results.values())):
        cells = [f"{r[key]:.1f}" if isinstance(r[key], float) else str(r[key]) for r in results.values()]
        print(f"{key:28} " + " ".join(f"{c:>14}" for c in cells))
    if len(results) > 1:
        print(f"{'(servers)':28} " + " ".join(f"{n:>14}" for n in results))
    for result in results.values():
        ok &= (
            result["opened"] == args.connections
            and not result["errors"]
            and not result["lost"]
            and result["clean_closes"] == args.connections
        )
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
