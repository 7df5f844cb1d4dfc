"""``python -m autobahn.benchmark.attack``: the hostile inputs of issue 10 against our echo
server (a child process, with the caller's AUTOBAHN_USE_NVX), each with its bound.

* ``fragments``: one client sends a message of ``--fragments`` one-byte continuation
  frames as fast as it can while ``--victims`` other clients time small echoes. Bounds: the
  server's RSS grows by at most the message size + 1 MiB, no victim's echo waits more than
  50 ms, and the whole message comes back intact.
* ``silent``: a client that completes the handshake, then neither sends nor answers pings.
  Bound: the server drops it within its keepalive (``--ping-interval`` + ``--ping-timeout``
  + 1 s of slack).
* ``handshake``: a 4 MiB header block in one burst. Bound: the client reads an HTTP 431.

Raw sockets and threads only (no WebSocket library on this side), so that nothing in the
client helps or hides a server's behaviour. Prints one line per attack; exit status 1 when
a bound is missed.
"""

from __future__ import annotations

import base64
import os
import socket
import struct
import subprocess
import sys
import threading
import time

from autobahn import _cli
from autobahn.benchmark.echo import _free_port
from autobahn.testee import wait_until_listening

MiB = 1024 * 1024
SERVER = """
import asyncio, sys
from autobahn.asyncio.websocket import WebSocketServerFactory, WebSocketServerProtocol
port, interval, timeout = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
class Echo(WebSocketServerProtocol):
    def onMessage(self, payload, isBinary):
        self.sendMessage(payload, isBinary)
async def main():
    factory = WebSocketServerFactory(f"ws://127.0.0.1:{port}")
    factory.protocol = Echo
    if interval >= 0:
        factory.setProtocolOptions(autoPingInterval=interval, autoPingTimeout=timeout)
    server = await asyncio.get_running_loop().create_server(factory, "127.0.0.1", port)
    async with server:
        await server.serve_forever()
asyncio.run(main())
"""


def _rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def _masked_frame(first: int, payload: bytes) -> bytes:
    mask = os.urandom(4)
    n = len(payload)
    if n < 126:
        header = bytes((first, 0x80 | n))
    elif n < 65536:
        header = bytes((first, 0x80 | 126)) + struct.pack("!H", n)
    else:
        header = bytes((first, 0x80 | 127)) + struct.pack("!Q", n)
    masked = (int.from_bytes(payload, "big") ^ int.from_bytes((mask * (n // 4 + 1))[:n], "big")).to_bytes(n, "big")
    return header + mask + masked


def _connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(
        (
            f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    response = b""
    while b"\r\n\r\n" not in response:
        chunk = sock.recv(4096)
        if not chunk:
            raise RuntimeError("the server closed during the handshake")
        response += chunk
    if not response.startswith(b"HTTP/1.1 101"):
        raise RuntimeError(f"handshake refused: {response[:40]!r}")
    return sock


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    data = bytearray()
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise RuntimeError("connection closed")
        data += chunk
    return bytes(data)


def _read_message(sock: socket.socket) -> bytes:
    """The payload of the next data message (unmasked server frames; pings answered, as a
    well-behaved client does)."""
    parts = []
    while True:
        first, second = _recv_exact(sock, 2)
        n = second & 0x7F
        if n == 126:
            n = struct.unpack("!H", _recv_exact(sock, 2))[0]
        elif n == 127:
            n = struct.unpack("!Q", _recv_exact(sock, 8))[0]
        payload = _recv_exact(sock, n)
        if first & 0x0F == 0x9:
            sock.sendall(_masked_frame(0x8A, payload))
        if first & 0x0F >= 0x8:
            continue
        parts.append(payload)
        if first & 0x80:
            return b"".join(parts)


def attack_fragments(port: int, pid: int, fragments: int, victims: int) -> tuple[bool, str]:
    sockets = [_connect(port) for _ in range(victims)]
    attacker = _connect(port)
    stop = threading.Event()
    waits: list[float] = []
    peak = [_rss_kib(pid)]
    base = peak[0]

    def victim(sock: socket.socket) -> None:
        while not stop.is_set():
            started = time.perf_counter()
            sock.sendall(_masked_frame(0x81, b"ping from a victim"))
            _read_message(sock)
            waits.append(time.perf_counter() - started)
            time.sleep(0.002)

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], _rss_kib(pid))
            time.sleep(0.005)

    threads = [threading.Thread(target=victim, args=(s,)) for s in sockets] + [threading.Thread(target=sample)]
    for t in threads:
        t.start()
    one = [_masked_frame(0x00, bytes((i,))) for i in range(256)]
    started = time.perf_counter()
    attacker.sendall(_masked_frame(0x02, b""))
    batch = 10_000
    for start in range(0, fragments, batch):
        attacker.sendall(b"".join(one[i & 0xFF] for i in range(start, min(start + batch, fragments))))
    attacker.sendall(_masked_frame(0x80, b""))
    echo = _read_message(attacker)
    elapsed = time.perf_counter() - started
    stop.set()
    for t in threads:
        t.join()
    for s in [*sockets, attacker]:
        s.close()
    intact = echo == bytes(i & 0xFF for i in range(fragments))
    growth = (peak[0] - base) / 1024
    waits.sort()
    worst = waits[-1] * 1000 if waits else float("inf")
    p99 = waits[int(len(waits) * 0.99)] * 1000 if waits else float("inf")
    ok = intact and growth <= fragments / MiB + 1 and worst <= 50
    line = (
        f"fragments: {fragments:,} one-byte fragments echoed in {elapsed:.2f} s (intact: {intact}); server RSS "
        f"+{growth:.1f} MiB (bound {fragments / MiB + 1:.1f}); {len(waits)} victim echoes, p99 {p99:.1f} ms, "
        f"worst {worst:.1f} ms (bound 50)"
    )
    return ok, line


def attack_silent(port: int, interval: float, timeout: float) -> tuple[bool, str]:
    sock = _connect(port)
    sock.settimeout(interval + timeout + 30)
    started = time.perf_counter()
    try:
        while sock.recv(4096):
            pass  # pings (and at last a close frame): never answered
    except (ConnectionResetError, TimeoutError):
        pass
    elapsed = time.perf_counter() - started
    sock.close()
    bound = interval + timeout + 1
    return elapsed <= bound, f"silent: dropped after {elapsed:.2f} s (bound {bound:.1f} s)"


def attack_handshake(port: int) -> tuple[bool, str]:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    # Far more than the 16 KiB limit and than one read: the server answers after the first
    # read and must not reset the connection for the rest (a reset discards its answer).
    burst = b"GET / HTTP/1.1\r\nHost: a\r\nX-Padding: " + b"a" * (4 * MiB)
    answer = b""
    try:
        sock.sendall(burst)
        while chunk := sock.recv(4096):
            answer += chunk
    except (ConnectionResetError, BrokenPipeError) as exc:
        answer += f" [{type(exc).__name__}]".encode()
    sock.close()
    ok = answer.startswith(b"HTTP/1.1 431 ")
    status_line = answer.split(b"\r\n")[0][:60]
    return ok, f"handshake: 4 MiB header block in one burst -> {status_line!r}"


def main(argv: list[str] | None = None) -> int:
    parser = _cli.parser("python -m autobahn.benchmark.attack", __doc__)
    parser.add_argument("--attacks", default="fragments,silent,handshake")
    parser.add_argument("--fragments", type=int, default=1_000_000)
    parser.add_argument("--victims", type=int, default=4)
    parser.add_argument("--ping-interval", type=float, default=2.0, help="the server's autoPingInterval (s)")
    parser.add_argument("--ping-timeout", type=float, default=2.0, help="the server's autoPingTimeout (s)")
    args = parser.parse_args(argv)
    port = _free_port()
    command = [sys.executable, "-c", SERVER, str(port), str(args.ping_interval), str(args.ping_timeout)]
    server = subprocess.Popen(command)
    failed = False
    try:
        wait_until_listening(port, server, 30, "the echo server")
        for name in args.attacks.split(","):
            if name == "fragments":
                ok, line = attack_fragments(port, server.pid, args.fragments, args.victims)
            elif name == "silent":
                ok, line = attack_silent(port, args.ping_interval, args.ping_timeout)
            elif name == "handshake":
                ok, line = attack_handshake(port)
            else:
                parser.error(f"unknown attack {name!r}")
            print(("ok    " if ok else "MISSED ") + line, flush=True)
            failed |= not ok
    finally:
        server.terminate()
        server.wait(10)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
