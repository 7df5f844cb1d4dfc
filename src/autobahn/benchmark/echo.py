"""``python -m autobahn.benchmark.echo``: WebSocket echo round trips on 127.0.0.1.

One fixed client (picows's, the fastest Python client) sends a message, waits for its
echo and repeats for ``--duration`` seconds, against each server: ours with NVX (``nvx``;
``nvx-aiofastnet`` on a loop patched by aiofastnet, the C transports picows uses) and pure
Python (``py``), picows, aiohttp, websockets, the published autobahn 26.10.2
(``autobahn-26.10.2``, from its own ``pip install --target`` folder, ``--autobahn-2610``:
it shares our package name), and a native ceiling (``native``: benchmarks/native-echo, a Rust
server on one thread with fastwebsockets, which the run builds with ``cargo build --release``
into ~/.cache/autobahn-benchmark). All servers run at once, each in its own process, and one
client process measures them in interleaved rounds (every server at one size, then the
next size; ``--repeat`` rounds, the best counts), so that a machine shared with other work
slows them all alike. Beside round trips/s the table gives the server process's CPU time
per round trip (from ``/proc/PID/task/*/schedstat`` before and after each measurement).
Run on the default asyncio loop and on uvloop (``--loops``), all processes pinned to one
core with ``taskset -c 0`` (the CPU cost per message) and unpinned (``--pinning``); text
and binary; ``--sizes``. ``--client-check`` also times our client against a picows server
(next to picows's own client). A server or client that fails makes the run exit non-zero.

``--twisted``: the servers on Twisted's default reactor instead, measured the same way by the
same client: ours with NVX (``twisted-nvx``) and pure (``twisted-py``), autobahn 26.10.2
(``twisted-autobahn-26.10.2``, from the ``--autobahn-2610`` folder, on this interpreter's
Twisted) and, for scale, picows.

``--tls``: every server listens with TLS (wss), with a self-signed certificate made for the
run; the client trusts exactly it. ``--deflate``: permessage-deflate, the servers that have it
(not picows nor native) accepting it; the client is ours (NVX), since picows has no compression:
of the compressing clients at hand it is the fastest, so it caps the round trips least, and it
offers what browsers offer (``permessage-deflate; client_max_window_bits``); the server's CPU per
message is its own either way. The messages are then slices of one JSON-like stream (market-data
records: deflate makes 1 MiB of it about 170 KiB, 256 B about 140 B), each different from those
in deflate's window. Without ``--deflate`` compression is off everywhere.

What the servers do differs: ours validate UTF-8 and deliver whole messages to
``onMessage(payload, isBinary)`` (autobahn 26.10.2 too); aiohttp and websockets decode text
to ``str`` and encode it again to echo; picows echoes frame by frame without validating;
native (fastwebsockets) validates text (simdutf8) and echoes whole messages. ``asyncio-floor``
is no library: a few lines of ``asyncio.Protocol`` that unmask and echo each frame, so that the
table shows what the loop and its transport cost any library that runs on them (at small sizes:
from 64 KiB up its naive copies, not the loop, decide its figures).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import random
import shlex
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autobahn import _cli
from autobahn.benchmark._autobahn_echo_server import MAX_SIZE, server_ssl_context
from autobahn.benchmark._workloads import KiB, MiB, parse_size, size_label
from autobahn.testee import wait_until_listening

DEFAULT_SIZES = [16, 256, 4 * KiB, 64 * KiB, 1 * MiB, 16 * MiB]
SERVERS = [
    "nvx",
    "nvx-aiofastnet",
    "py",
    "picows",
    "aiohttp",
    "websockets",
    "autobahn-26.10.2",
    "asyncio-floor",
    "native",
]
# On Twisted's default reactor (``--twisted``): ours with NVX and pure, and autobahn 26.10.2 from
# the folder ``--autobahn-2610`` (Twisted itself comes from this interpreter). Not in the
# default set: they do not run on the asyncio loop the other servers are measured on.
TWISTED_SERVERS = ["twisted-nvx", "twisted-py", "twisted-autobahn-26.10.2"]
# The servers that negotiate permessage-deflate (--deflate): picows and fastwebsockets have none.
COMPRESSING = ["nvx", "nvx-aiofastnet", "py", "aiohttp", "websockets", "autobahn-26.10.2", *TWISTED_SERVERS]
# AUTOBAHN_USE_NVX for our servers; nvx-aiofastnet is nvx on a loop patched by aiofastnet (an
# optional accelerator a program turns on itself: ``aiofastnet.patch_loop``), picows's transport.
SWITCH = {"nvx": "1", "nvx-aiofastnet": "1", "py": "0", "twisted-nvx": "1", "twisted-py": "0"}
# Ours and the published autobahn run this script by path (the latter with its install folder first
# on sys.path): one echo server under both packages.
AUTOBAHN_SERVER = str(Path(__file__).with_name("_autobahn_echo_server.py"))
# The Twisted servers run this script by path, for the same reason.
TWISTED_SCRIPT = str(Path(__file__).with_name("_twisted_echo.py"))
# The native ceiling (server ``native``): a Rust crate of the source checkout, built on demand. This is
# where it is when the package runs from a checkout (editable install); an installed wheel has no
# checkout beside it, so --native-crate names the folder then.
NATIVE_CRATE = Path(__file__).resolve().parents[3] / "benchmarks" / "native-echo"


def payload_for(size: int, is_binary: bool) -> bytes:
    """Binary: all byte values. Text: mostly ASCII with 2- and 3-byte characters mixed in,
    the common shape of real text messages."""
    if is_binary:
        return (bytes(range(256)) * (size // 256 + 1))[:size]
    unit = "WebSocket echo · ünïcödé € ".encode()
    # Cut to size without ending inside a character, then pad with spaces.
    data = (unit * (size // len(unit) + 1))[:size].decode("utf-8", "ignore").encode()
    return data + b" " * (size - len(data))


def payloads_for(size: int, is_binary: bool, deflate: bool) -> list[bytes]:
    """The messages one measurement sends in turn: one, or for --deflate consecutive slices of one
    stream of compressible JSON-like text (``json_like``), enough of them that a message never
    meets its own copy in deflate's 32 KiB window (an exact repeat would compress to nothing)."""
    if not deflate:
        return [payload_for(size, is_binary)]
    count = max(4, -(-2 * 32 * KiB // size))
    stream = json_like(count * size)
    return [stream[i * size : (i + 1) * size] for i in range(count)]


def json_like(length: int) -> bytes:
    """``length`` bytes of a JSON array of market-data records: the same keys in every record,
    numbers that vary (from a seeded generator), ASCII only, so any slice is valid text."""
    rng = random.Random(length)
    records, total, i = [], 2, 0
    while total < length:
        symbol, side = rng.choice(["AAPL", "MSFT", "NVDA", "AMZN", "GOOG"]), rng.choice(["buy", "sell"])
        record = (
            f'{{"id":{i},"symbol":"{symbol}","price":{rng.uniform(10, 500):.2f},'
            f'"volume":{rng.randrange(1, 10_000)},"side":"{side}","ts":{1_765_000_000_000 + 37 * i}}}'
        )
        records.append(record)
        total += len(record) + 1
        i += 1
    return ("[" + ",".join(records) + "]").encode()[:length]


def run_loop(main: Any, loop_name: str) -> Any:
    """Run the coroutine ``main`` on the default asyncio loop or on uvloop."""
    if loop_name == "uvloop":
        import uvloop

        return uvloop.run(main)
    return asyncio.run(main)


# --- servers (run in a child process) ---


async def serve_picows(port: int, tls_dir: str | None, deflate: bool) -> None:
    from picows import WSListener, WSMsgType, ws_create_server

    class Echo(WSListener):
        def on_ws_frame(self, transport: Any, frame: Any) -> None:
            if frame.msg_type == WSMsgType.CLOSE:
                transport.send_close(frame.get_close_code())
                transport.disconnect()
            elif frame.msg_type != WSMsgType.PONG:
                transport.send(frame.msg_type, frame.get_payload_as_memoryview(), frame.fin)

    ssl_context = server_ssl_context(tls_dir)
    server = await ws_create_server(lambda request: Echo(), "127.0.0.1", port, max_frame_size=MAX_SIZE, ssl=ssl_context)
    async with server:
        await server.serve_forever()


async def serve_aiohttp(port: int, tls_dir: str | None, deflate: bool) -> None:
    from aiohttp import WSMsgType, web

    async def handler(request: Any) -> Any:
        ws = web.WebSocketResponse(max_msg_size=MAX_SIZE, compress=deflate)
        await ws.prepare(request)
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                await ws.send_str(msg.data)
            elif msg.type == WSMsgType.BINARY:
                await ws.send_bytes(msg.data)
        return ws

    app = web.Application()
    app.router.add_get("/", handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port, ssl_context=server_ssl_context(tls_dir)).start()
    await asyncio.Event().wait()


async def serve_websockets(port: int, tls_dir: str | None, deflate: bool) -> None:
    from websockets.asyncio.server import serve

    compression = "deflate" if deflate else None
    ssl_context = server_ssl_context(tls_dir)
    async with serve(
        echo_websockets, "127.0.0.1", port, max_size=MAX_SIZE, compression=compression, ssl=ssl_context
    ) as server:
        await server.serve_forever()


async def echo_websockets(ws: Any) -> None:
    async for message in ws:
        await ws.send(message)


async def serve_asyncio_floor(port: int, tls_dir: str | None, deflate: bool) -> None:
    """What any library on the loop's own transport costs at least: an ``asyncio.Protocol`` that
    answers the opening handshake and echoes each frame as it is (unmasked with our XOR masker,
    its header from our ``frame_header``), with no UTF-8 check, no message assembly, no limits
    and no application callback. Enough for the benchmark's client only (final frames, a close
    ends the connection)."""
    import base64
    import hashlib

    from autobahn.websocket.sansio import frame_header
    from autobahn.websocket.xormasker import create_xor_masker

    class Floor(asyncio.Protocol):
        def connection_made(self, transport: Any) -> None:
            self.transport, self.buffer, self.open = transport, bytearray(), False

        def data_received(self, data: bytes) -> None:
            buffer = self.buffer
            buffer += data
            if not self.open:
                end = buffer.find(b"\r\n\r\n")
                if end < 0:
                    return
                key = next(line.split(b":", 1)[1].strip() for line in buffer[:end].split(b"\r\n")
                           if line.lower().startswith(b"sec-websocket-key:"))  # fmt: skip
                accept = base64.b64encode(hashlib.sha1(key + b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest())
                self.transport.write(
                    b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    b"Sec-WebSocket-Accept: " + accept + b"\r\n\r\n"
                )
                self.open = True
                del buffer[: end + 4]
            pos = 0
            while len(buffer) - pos >= 2:
                opcode, length = buffer[pos] & 0x0F, buffer[pos + 1] & 0x7F
                extended = {126: 2, 127: 8}.get(length, 0)
                start = pos + 2 + extended
                if len(buffer) < start + 4:
                    break  # the header is not complete yet
                if extended:
                    length = int.from_bytes(buffer[pos + 2 : start], "big")
                if len(buffer) < start + 4 + length:
                    break
                payload = create_xor_masker(buffer[start : start + 4]).process(buffer[start + 4 : start + 4 + length])
                pos = start + 4 + length
                if opcode == 8:
                    self.transport.write(b"\x88\x02\x03\xe8")
                    self.transport.close()
                    return
                self.transport.write(frame_header(opcode, length) + payload)
            del buffer[:pos]

    server = await asyncio.get_running_loop().create_server(Floor, "127.0.0.1", port, ssl=server_ssl_context(tls_dir))
    async with server:
        await server.serve_forever()


SERVE = {
    "picows": serve_picows,
    "aiohttp": serve_aiohttp,
    "websockets": serve_websockets,
    "asyncio-floor": serve_asyncio_floor,
}


# --- clients (run in a child process, print JSON) ---


def _picows_listener() -> Any:
    """picows's listener for the echo clients: collects a message's frames, hands it to ``waiter``."""
    from picows import WSListener, WSMsgType

    class Client(WSListener):
        waiter: asyncio.Future[bytes]
        parts: list[bytes]

        def on_ws_frame(self, transport: Any, frame: Any) -> None:
            if frame.msg_type in (WSMsgType.TEXT, WSMsgType.BINARY, WSMsgType.CONTINUATION):
                self.parts.append(frame.get_payload_as_bytes())
                if frame.fin:
                    self.waiter.set_result(b"".join(self.parts))

    return Client


# A connection of a client: its round trip (send a message, wait for the echo) and its close.
Connection = tuple[Any, Any]


def client_ssl_context(tls_dir: str | None) -> ssl.SSLContext | None:
    """The clients' TLS context: trusting the run's self-signed certificate only, or None."""
    if tls_dir is None:
        return None
    return ssl.create_default_context(cafile=os.path.join(tls_dir, "cert.pem"))


async def connect_picows(port: int, tls_dir: str | None) -> Connection:
    from picows import WSMsgType, ws_connect

    loop = asyncio.get_running_loop()
    Client = _picows_listener()
    scheme = "ws" if tls_dir is None else "wss"
    connecting = ws_connect(
        Client, f"{scheme}://127.0.0.1:{port}/", max_frame_size=MAX_SIZE, ssl_context=client_ssl_context(tls_dir)
    )
    transport, client = await asyncio.wait_for(connecting, 10)

    async def round_trip(payload: bytes, is_binary: bool) -> bytes:
        client.waiter = loop.create_future()
        client.parts = []
        transport.send(WSMsgType.BINARY if is_binary else WSMsgType.TEXT, payload)
        return await asyncio.wait_for(client.waiter, 60)

    async def close() -> None:
        transport.send_close()
        transport.disconnect()

    return round_trip, close


async def connect_ours(port: int, tls_dir: str | None, deflate: bool = False) -> Connection:
    """Our client (NVX); with ``deflate`` it offers permessage-deflate as browsers do
    (``permessage-deflate; client_max_window_bits``) and fails unless the server accepts."""
    from autobahn.asyncio.websocket import WebSocketClientFactory, WebSocketClientProtocol
    from autobahn.websocket.compress import PerMessageDeflateOffer, PerMessageDeflateResponseAccept

    loop = asyncio.get_running_loop()
    opened: asyncio.Future[Any] = loop.create_future()

    class Client(WebSocketClientProtocol):
        waiter: asyncio.Future[bytes]

        def onOpen(self) -> None:
            opened.set_result(self)

        def onMessage(self, payload: bytes, isBinary: bool) -> None:
            self.waiter.set_result(payload)

    scheme = "ws" if tls_dir is None else "wss"
    factory = WebSocketClientFactory(f"{scheme}://127.0.0.1:{port}")
    factory.protocol = Client
    factory.setProtocolOptions(maxFramePayloadSize=MAX_SIZE, maxMessagePayloadSize=MAX_SIZE)
    if deflate:
        offer = PerMessageDeflateOffer(accept_no_context_takeover=False, accept_max_window_bits=True)
        factory.setProtocolOptions(
            perMessageCompressionOffers=[offer], perMessageCompressionAccept=PerMessageDeflateResponseAccept
        )
    await loop.create_connection(factory, "127.0.0.1", port, ssl=client_ssl_context(tls_dir))
    proto = await asyncio.wait_for(opened, 10)
    if deflate and not proto.websocket_extensions_in_use:
        raise SystemExit("the server did not accept permessage-deflate")

    async def round_trip(payload: bytes, is_binary: bool) -> bytes:
        proto.waiter = loop.create_future()
        proto.sendMessage(payload, is_binary)
        return await asyncio.wait_for(proto.waiter, 60)

    async def close() -> None:
        proto.sendClose(1000)
        await asyncio.wait_for(proto.is_closed, 5)

    return round_trip, close


async def client_alone(connect: Any, port: int, sizes: list[int], duration: float, repeat: int) -> list[dict[str, Any]]:
    """One client against one server (--client-check), plain WebSocket."""
    round_trip, close = await connect(port, None)
    results = await _measure(round_trip, sizes, duration, repeat)
    await close()
    return results


CLIENT = {"picows": connect_picows, "ours": connect_ours}


async def client_rounds(
    ports: dict[str, int], sizes: list[int], duration: float, repeat: int, tls_dir: str | None, deflate: bool
) -> None:
    """One client against every server at once, in interleaved rounds: picows's, or ours where
    the run compresses (picows has no permessage-deflate). Before and after each measurement it
    prints a JSON line and waits for a line on stdin, so that the orchestrator reads the
    server's CPU time around exactly that measurement."""
    connections = {}
    for name, port in ports.items():
        try:
            if deflate:
                connections[name] = await connect_ours(port, tls_dir, deflate=True)
            else:
                connections[name] = await connect_picows(port, tls_dir)
        except SystemExit as exc:
            raise SystemExit(f"{name}: {exc}") from None

    def report(line: dict[str, Any]) -> None:
        print(json.dumps(line), flush=True)
        sys.stdin.readline()

    for _ in range(repeat):
        for is_binary in (False, True):
            kind = "binary" if is_binary else "text"
            for size in sizes:
                payloads = payloads_for(size, is_binary, deflate)
                for name, (round_trip, _) in connections.items():
                    for payload in payloads[:2]:  # warm-up, and a check
                        if await round_trip(payload, is_binary) != payload:
                            raise SystemExit(f"{name} echoed a wrong {kind} message of {size} bytes")
                    report({"start": name})
                    count, started, elapsed = 0, time.perf_counter(), 0.0
                    while count < 3 or elapsed < duration:
                        await round_trip(payloads[count % len(payloads)], is_binary)
                        count += 1
                        elapsed = time.perf_counter() - started
                    report({"server": name, "kind": kind, "size": size, "count": count, "seconds": elapsed})
    for _, close in connections.values():
        await close()


async def _measure(round_trip: Any, sizes: list[int], duration: float, repeat: int) -> list[dict[str, Any]]:
    results = []
    for is_binary in (False, True):
        for size in sizes:
            payload = payload_for(size, is_binary)
            assert await round_trip(payload, is_binary) == payload  # warm-up, and a check
            best = 0.0
            for _ in range(repeat):  # best of several: the machine may be shared
                count = 0
                started = time.perf_counter()
                elapsed = 0.0
                while count < 3 or elapsed < duration:
                    await round_trip(payload, is_binary)
                    count += 1
                    elapsed = time.perf_counter() - started
                best = max(best, count / elapsed)
            results.append({"kind": "binary" if is_binary else "text", "size": size, "messages_per_s": best})
    return results


# --- orchestration ---


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class Setup:
    """How the servers of a run listen: ``tls_dir`` (the run's certificate, None for plain
    WebSocket), ``deflate`` (accept permessage-deflate), and where the servers that are not
    in this interpreter come from (autobahn 26.10.2 for asyncio and for Twisted, native)."""

    autobahn_2610: Path | None
    native: Path | None = None
    tls_dir: str | None = None
    deflate: bool = False


def _server_command(server: str, port: int, loop_name: str, setup: Setup) -> tuple[list[str], dict]:
    env = dict(os.environ)
    if server == "native":
        assert setup.native is not None
        tls_files = [] if setup.tls_dir is None else [os.path.join(setup.tls_dir, f) for f in ("cert.pem", "key.pem")]
        return [str(setup.native), str(port), *tls_files], env
    if server in TWISTED_SERVERS:
        if server == "twisted-autobahn-26.10.2":
            assert setup.autobahn_2610 is not None
            env["PYTHONPATH"] = str(setup.autobahn_2610)
            env.pop("AUTOBAHN_USE_NVX", None)
        else:
            env["AUTOBAHN_USE_NVX"] = SWITCH[server]
        return [sys.executable, TWISTED_SCRIPT, str(port), "1" if setup.deflate else "0"], env
    if server == "autobahn-26.10.2":
        assert setup.autobahn_2610 is not None
        env["PYTHONPATH"] = str(setup.autobahn_2610)
    elif server in SWITCH:
        env["AUTOBAHN_USE_NVX"] = SWITCH[server]
    else:
        me = [sys.executable, "-m", "autobahn.benchmark.echo", "--role", "server", "--impl", server]
        me += ["--port", str(port), "--loop", loop_name, *_wire_flags(setup.tls_dir, setup.deflate)]
        return me, env
    script = [sys.executable, AUTOBAHN_SERVER, str(port), loop_name, setup.tls_dir or "-"]
    script += ["1" if setup.deflate else "0", *(["aiofastnet"] if server == "nvx-aiofastnet" else [])]
    return script, env


def _wire_flags(tls_dir: str | None, deflate: bool) -> list[str]:
    """The hidden flags that tell a server or client process how the run listens."""
    return (["--tls-dir", tls_dir] if tls_dir else []) + (["--deflate"] if deflate else [])


def native_build_command(crate: Path = NATIVE_CRATE) -> list[str]:
    """``cargo build`` of the native server (the crate in folder ``crate``), into a cache folder
    outside the source tree (a second run finds it built)."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    target = cache / "autobahn-benchmark" / "native-echo"
    manifest = crate / "Cargo.toml"
    return ["cargo", "build", "--release", "--locked", "--manifest-path", str(manifest), "--target-dir", str(target)]


def native_binary(build: list[str]) -> Path:
    return Path(build[build.index("--target-dir") + 1]) / "release" / "native-echo"


def write_self_signed_certificate(directory: str) -> None:
    """``cert.pem`` and ``key.pem`` for --tls: an EC P-256 certificate for 127.0.0.1, valid for a
    day, signed by its own key (the clients trust exactly it)."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    subject_key = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)
        .add_extension(subject_key, False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(subject_key), False)
        .sign(key, hashes.SHA256())
    )
    Path(directory, "cert.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    pkcs8 = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    Path(directory, "key.pem").write_bytes(pkcs8)


def run_point(
    server: str,
    client: str,
    loop_name: str,
    pinned: bool,
    sizes: list[int],
    duration: float,
    repeat: int,
    setup: Setup,
) -> list[dict[str, Any]] | str:
    """One server against one client (plain WebSocket): the figures, or why there are none."""
    port = _free_port()
    pin = ["taskset", "-c", "0"] if pinned else []
    command, env = _server_command(server, port, loop_name, setup)
    with tempfile.TemporaryFile("w+") as log:
        proc = subprocess.Popen([*pin, *command], env=env, stderr=log, text=True)
        try:
            try:
                wait_until_listening(port, proc, 30, f"the {server} echo server")
            except RuntimeError as exc:
                log.seek(0)
                return f"server failed: {exc}: {(log.read().strip().splitlines() or ['?'])[-1][:200]}"
            args = [*pin, sys.executable, "-m", "autobahn.benchmark.echo", "--role", "client", "--impl", client]
            args += ["--port", str(port), "--loop", loop_name, "--sizes", ",".join(map(str, sizes))]
            args += ["--duration", str(duration), "--repeat", str(repeat)]
            client_env = {**os.environ, "AUTOBAHN_USE_NVX": "1"}
            # Bounded: a server that stops answering must not stall the whole run.
            limit = 60 + 2 * len(sizes) * (repeat + 1) * (duration + 2)
            try:
                out = subprocess.run(args, env=client_env, capture_output=True, text=True, timeout=limit)
            except subprocess.TimeoutExpired:
                return f"timed out after {limit:.0f} s"
            if out.returncode != 0:
                return "failed: " + (out.stderr.strip().splitlines() or ["?"])[-1][:200]
            return json.loads(out.stdout)
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def server_cpu_ns(pid: int) -> int:
    """CPU time (ns) all threads of process ``pid`` have run so far (0 where /proc has no
    schedstat)."""
    total = 0
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return 0
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/schedstat") as f:
                total += int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            pass  # the thread ended meanwhile
    return total


def run_side_by_side(
    servers: list[str],
    loop_name: str,
    pinned: bool,
    sizes: list[int],
    duration: float,
    repeat: int,
    setup: Setup,
) -> dict[str, list[dict[str, Any]] | str]:
    """Every server at once, measured by one client in interleaved rounds: per server its
    figures (the best round trips/s of the rounds, with the server CPU time per round trip
    of that measurement), or why there are none."""
    pin = ["taskset", "-c", "0"] if pinned else []
    results: dict[str, list[dict[str, Any]] | str] = {}
    procs: dict[str, subprocess.Popen[str]] = {}
    ports: dict[str, int] = {}
    logs = {name: tempfile.TemporaryFile("w+") for name in servers}  # noqa: SIM115 (closed in the finally below)
    try:
        for name in servers:
            ports[name] = _free_port()
            command, env = _server_command(name, ports[name], loop_name, setup)
            procs[name] = subprocess.Popen([*pin, *command], env=env, stderr=logs[name], text=True)
        for name in servers:
            try:
                wait_until_listening(ports[name], procs[name], 30, f"the {name} echo server")
            except RuntimeError as exc:
                logs[name].seek(0)
                results[name] = f"server failed: {exc}: {(logs[name].read().strip().splitlines() or ['?'])[-1][:200]}"
        live = {name: ports[name] for name in servers if name not in results}
        if not live:
            return results
        args = [*pin, sys.executable, "-m", "autobahn.benchmark.echo", "--role", "rounds", "--ports", json.dumps(live)]
        args += ["--loop", loop_name, "--sizes", ",".join(map(str, sizes))]
        args += ["--duration", str(duration), "--repeat", str(repeat), *_wire_flags(setup.tls_dir, setup.deflate)]
        client_env = {**os.environ, "AUTOBAHN_USE_NVX": "1"}
        client = subprocess.Popen(
            args, env=client_env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        # Bounded: a server that stops answering must not stall the whole run.
        limit = 60 + 2 * len(sizes) * len(live) * repeat * (duration + 5)
        timer = threading.Timer(limit, client.kill)
        timer.start()
        best: dict[tuple[str, str, int], dict[str, Any]] = {}
        cpu_before = 0
        try:
            assert client.stdin is not None and client.stdout is not None
            for line in client.stdout:
                point = json.loads(line)
                if "start" in point:
                    cpu_before = server_cpu_ns(procs[point["start"]].pid)
                else:
                    name = point["server"]
                    cpu = server_cpu_ns(procs[name].pid) - cpu_before
                    rate = point["count"] / point["seconds"]
                    key = (name, point["kind"], point["size"])
                    if key not in best or rate > best[key]["messages_per_s"]:
                        best[key] = {
                            "kind": point["kind"],
                            "size": point["size"],
                            "messages_per_s": rate,
                            "server_cpu_us": cpu / point["count"] / 1000,
                        }
                client.stdin.write("\n")
                client.stdin.flush()
            status = client.wait()
        finally:
            timer.cancel()
        if status != 0:
            assert client.stderr is not None
            why = (client.stderr.read().strip().splitlines() or [f"exit status {status}"])[-1][:200]
            for name in live:
                results[name] = f"client failed: {why}"
            return results
        for name in live:
            results[name] = [best[key] for key in best if key[0] == name]
        return results
    finally:
        for proc in procs.values():
            proc.terminate()
        for proc in procs.values():
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for log in logs.values():
            log.close()


def table(runs: dict[str, Any], sizes: list[int]) -> str:
    """One Markdown table per configuration: round trips/s per server, and the ratios."""
    out = []
    for config, by_server in runs.items():
        names = [n for n in by_server if isinstance(by_server[n], list)]
        out.append(
            f"\n**{config}** (round trips/s, and in parentheses the server's CPU time per round trip in µs;"
            " the same client against every server)\n"
        )
        ratios = [(a, b) for a, b in RATIOS if a in names and b in names]
        head = ["kind", "size", *names, *(f"{a}/{b}" for a, b in ratios)]
        out.append("| " + " | ".join(head) + " |")
        out.append("|" + "---|" * len(head))
        for kind in ("text", "binary"):
            for size in sizes:
                rate, cpu = {}, {}
                for n in names:
                    point = next(r for r in by_server[n] if r["kind"] == kind and r["size"] == size)
                    rate[n], cpu[n] = point["messages_per_s"], point.get("server_cpu_us")
                cells = [kind, size_label(size)]
                cells += [f"{rate[n]:,.0f}" + ("" if cpu[n] is None else f" ({cpu[n]:,.1f})") for n in names]
                cells += [f"{rate[a] / rate[b]:.2f}" for a, b in ratios]
                out.append("| " + " | ".join(cells) + " |")
        for n, why in by_server.items():
            if not isinstance(why, list):
                out.append(f"\n{n}: {why}")
    return "\n".join(out)


RATIOS = [
    ("nvx", "picows"),
    ("nvx-aiofastnet", "picows"),
    ("nvx", "native"),
    ("picows", "native"),
    ("nvx", "aiohttp"),
    ("nvx", "websockets"),
    ("nvx", "autobahn-26.10.2"),
    ("py", "websockets"),
    ("nvx", "asyncio-floor"),
    ("twisted-nvx", "twisted-autobahn-26.10.2"),
    ("twisted-py", "twisted-autobahn-26.10.2"),
    ("twisted-nvx", "picows"),
    ("ours-client", "picows-client"),
]


def plot(runs: dict[str, Any], path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    configs = list(runs)
    fig, axes = plt.subplots(len(configs), 2, figsize=(12, 3.2 * len(configs)), squeeze=False)
    for row, config in enumerate(configs):
        for col, kind in enumerate(("text", "binary")):
            ax = axes[row][col]
            for name, results in runs[config].items():
                if not isinstance(results, list):
                    continue
                points = sorted((r["size"], r["messages_per_s"]) for r in results if r["kind"] == kind)
                ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=name)
            ax.set_xscale("log", base=2)
            ax.set_yscale("log")
            ax.set_title(f"{config}, {kind}", fontsize=9)
            ax.set_xlabel("message size (bytes)")
            ax.set_ylabel("round trips/s")
            ax.grid(True, which="both", alpha=0.3)
            ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main(argv: list[str] | None = None) -> int:
    parser = _cli.parser("python -m autobahn.benchmark.echo", __doc__)
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)), help="comma-separated, e.g. 16,4K,1M")
    parser.add_argument("--duration", type=float, default=0.3, help="seconds per measurement (default 0.3)")
    parser.add_argument("--repeat", type=int, default=3, help="measurements per size and kind; the best counts")
    parser.add_argument(
        "--servers",
        help=f"any of {', '.join(SERVERS + TWISTED_SERVERS)} (default: all but Twisted's; with --deflate "
        "those that compress)",
    )
    parser.add_argument(
        "--loops", help="asyncio, uvloop or both (default: both; with --twisted asyncio, the client's loop)"
    )
    parser.add_argument("--pinning", default="pinned,unpinned", help="pinned (taskset -c 0), unpinned or both")
    parser.add_argument("--client-check", action="store_true", help="also time our client against a picows server")
    parser.add_argument(
        "--tls", action="store_true", help="every server with TLS (wss), a certificate made for the run"
    )
    parser.add_argument(
        "--deflate", action="store_true", help="permessage-deflate, JSON-like text, our client (servers that compress)"
    )
    parser.add_argument(
        "--autobahn-2610", type=Path, default=Path(".peers/autobahn-26.10.2"), help="pip install --target folder"
    )
    parser.add_argument(
        "--native-crate",
        type=Path,
        default=NATIVE_CRATE,
        help="the folder of the native server's crate (default: benchmarks/native-echo of this checkout)",
    )
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--plot", help="also draw them into this PNG (needs matplotlib)")
    parser.add_argument(
        "--twisted",
        action="store_true",
        help=f"the servers on Twisted instead ({', '.join(TWISTED_SERVERS)}), beside picows; "
        "autobahn 26.10.2 from the --autobahn-2610 folder, Twisted from this interpreter",
    )
    parser.add_argument("--role", choices=["server", "client", "rounds"], help=argparse.SUPPRESS)
    parser.add_argument("--ports", help=argparse.SUPPRESS)
    parser.add_argument("--impl", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--loop", default="asyncio", help=argparse.SUPPRESS)
    parser.add_argument("--tls-dir", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sizes = [parse_size(s) for s in args.sizes.split(",")]
    if args.role == "server":
        run_loop(SERVE[args.impl](args.port, args.tls_dir, args.deflate), args.loop)
        return 0
    if args.role == "client":
        alone = client_alone(CLIENT[args.impl], args.port, sizes, args.duration, args.repeat)
        print(json.dumps(run_loop(alone, args.loop)))
        return 0
    if args.role == "rounds":
        rounds = client_rounds(json.loads(args.ports), sizes, args.duration, args.repeat, args.tls_dir, args.deflate)
        run_loop(rounds, args.loop)
        return 0
    if args.twisted:
        default_servers = TWISTED_SERVERS if args.deflate else [*TWISTED_SERVERS, "picows"]
    else:
        default_servers = [s for s in COMPRESSING if s not in TWISTED_SERVERS] if args.deflate else SERVERS
    servers = args.servers.split(",") if args.servers else default_servers
    for name in servers:
        if name not in SERVERS + TWISTED_SERVERS:
            parser.error(f"unknown server {name!r}")
        if args.tls and name in TWISTED_SERVERS:
            parser.error(f"{name} serves plain WebSocket only (the benchmark gives Twisted no certificate)")
        if args.deflate and name not in COMPRESSING:
            parser.error(f"{name} has no permessage-deflate (--deflate serves {', '.join(COMPRESSING)})")
    if args.client_check and (args.tls or args.deflate):
        parser.error("--client-check measures plain WebSocket only")
    originals = {"autobahn-26.10.2", "twisted-autobahn-26.10.2"} & set(servers)
    if originals and not (args.autobahn_2610 / "autobahn").is_dir():
        parser.error(
            f"{args.autobahn_2610} holds no autobahn: pip install --target {args.autobahn_2610} autobahn==26.10.2"
        )
    args.loops = args.loops or ("asyncio" if args.twisted else "asyncio,uvloop")
    missing = missing_peers(servers, args.loops.split(","), args.deflate)
    if missing:
        parser.error(
            f"the peers this run needs are not installed ({', '.join(missing)}): "
            f"pip install {' '.join(missing)} (just bench-echo installs every peer)"
        )
    pinnings = args.pinning.split(",")
    if "pinned" in pinnings and shutil.which("taskset") is None:
        parser.error("pinning needs taskset (util-linux)")
    native = None
    if "native" in servers:
        build = native_build_command(args.native_crate)
        if shutil.which("cargo") is None:
            parser.error(f"the native server needs Rust's cargo: {shlex.join(build)}")
        if not (args.native_crate / "Cargo.toml").is_file():
            parser.error(
                f"the native server's crate is not in {args.native_crate}: pass --native-crate "
                "CHECKOUT/benchmarks/native-echo (an installed package has no checkout beside it)"
            )
        print(f"building the native server: {shlex.join(build)}", file=sys.stderr, flush=True)
        if subprocess.run(build, stdout=sys.stderr).returncode != 0:
            parser.error(f"building the native server failed: {shlex.join(build)}")
        native = native_binary(build)
    with tempfile.TemporaryDirectory(prefix="echo-tls-") as tls_dir:
        if args.tls:
            write_self_signed_certificate(tls_dir)
        setup = Setup(args.autobahn_2610, native, tls_dir if args.tls else None, args.deflate)
        return measure(args, servers, sizes, pinnings, setup)


def measure(args: argparse.Namespace, servers: list[str], sizes: list[int], pinnings: list[str], setup: Setup) -> int:
    """Every configuration of the run (loops, pinnings), the table, and the exit status."""
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    wire = ("TLS" if setup.tls_dir else "plain") + (
        ", permessage-deflate, our client" if setup.deflate else ", picows client"
    )
    runs: dict[str, dict[str, Any]] = {}
    on_twisted = all(name in TWISTED_SERVERS for name in servers if name != "picows")
    for loop_name in args.loops.split(","):
        for pinning in pinnings:
            # (Twisted's servers run its default reactor whatever the loop: it is the client's.)
            where = loop_name
            if on_twisted:
                where = "Twisted" if loop_name == "asyncio" else f"Twisted ({loop_name} client)"
            config = f"{where}, {pinning}, {wire}"
            print(f"{config}: {', '.join(servers)} side by side ...", file=sys.stderr, flush=True)
            runs[config] = run_side_by_side(
                servers, loop_name, pinning == "pinned", sizes, args.duration, args.repeat, setup
            )
            points = []
            if args.client_check:
                points += [("picows", "ours", "ours-client"), ("picows", "picows", "picows-client")]
            for server, client, label in points:
                print(f"{config}: {label} ...", file=sys.stderr, flush=True)
                runs[config][label] = run_point(
                    server,
                    client,
                    loop_name,
                    pinning == "pinned",
                    sizes,
                    args.duration,
                    args.repeat,
                    setup,
                )
    print(f"load average (1, 5, 15 min) at the start: {load}; {os.cpu_count()} CPUs")
    print(table(runs, sizes))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(runs, f, indent=1)
    if args.plot:
        plot(runs, args.plot)
    failed = [f"{config}: {label}: {why}" for config, points in runs.items() for label, why in points.items()
              if isinstance(why, str)]  # fmt: skip
    if failed:
        print("echo benchmark: some points failed:\n  " + "\n  ".join(failed), file=sys.stderr)
        return 1
    return 0


# The module each part of a run imports, and the distribution that provides it.
PEER_MODULES = {
    "picows": "picows",
    "aiohttp": "aiohttp",
    "websockets": "websockets",
    "uvloop": "uvloop",
    "aiofastnet": "aiofastnet",  # nvx-aiofastnet's transports (picows depends on it, too)
    "twisted": "twisted",  # the --twisted servers
}


def missing_peers(servers: list[str], loops: list[str], deflate: bool = False) -> list[str]:
    """The distributions (pip names) a run needs and this interpreter lacks: picows (the client,
    and the server of --client-check) unless --deflate (our client), each peer server named,
    aiofastnet for nvx-aiofastnet, uvloop for that loop, Twisted for its servers."""
    client = [] if deflate else ["picows"]
    needed = [*client, *(s for s in servers if s in PEER_MODULES), *(lp for lp in loops if lp == "uvloop")]
    needed += ["aiofastnet"] if "nvx-aiofastnet" in servers else []
    needed += ["twisted"] if set(TWISTED_SERVERS) & set(servers) else []
    return [PEER_MODULES[n] for n in dict.fromkeys(needed) if importlib.util.find_spec(n) is None]


if __name__ == "__main__":
    sys.exit(main())
