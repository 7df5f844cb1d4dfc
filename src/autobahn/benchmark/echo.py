"""``python -m autobahn.benchmark.echo``: WebSocket echo round trips on 127.0.0.1.

For each contender, an echo server and a client run as two processes; the client sends a
message, waits for its echo, and repeats for ``--duration`` seconds; the best of
``--repeat`` such measurements counts (the machine may be shared). Prints messages/s and
MB/s (payload bytes echoed per second, one way) per size and kind.

Contenders: ``nvx`` (our server and client, NVX selected), ``py`` (ours, pure Python) and
``websockets`` (the PyPI library, when installed). Compression is off everywhere.
websockets hands text messages to the application as ``str`` (it decodes them, which is
how it validates UTF-8) and encodes them again to echo; ours validate and deliver bytes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from typing import Any

from autobahn.benchmark._workloads import KiB, MiB, parse_size, size_label
from autobahn.testee import wait_until_listening

DEFAULT_SIZES = [16, 256, 4 * KiB, 64 * KiB, 1 * MiB, 16 * MiB]
MAX_SIZE = 64 * MiB
CONTENDERS = {"nvx": "1", "py": "0", "websockets": None}


def payload_for(size: int, is_binary: bool) -> bytes:
    """Binary: all byte values. Text: mostly ASCII with 2- and 3-byte characters mixed in,
    the common shape of real text messages."""
    if is_binary:
        return (bytes(range(256)) * (size // 256 + 1))[:size]
    unit = "WebSocket echo · ünïcödé € ".encode()
    # Cut to size without ending inside a character, then pad with spaces.
    data = (unit * (size // len(unit) + 1))[:size].decode("utf-8", "ignore").encode()
    return data + b" " * (size - len(data))


# --- servers (run in a child process) ---


async def serve_ours(port: int) -> None:
    from autobahn.asyncio.websocket import WebSocketServerFactory, WebSocketServerProtocol

    class Echo(WebSocketServerProtocol):
        def onMessage(self, payload: bytes, isBinary: bool) -> None:
            self.sendMessage(payload, isBinary)

    factory = WebSocketServerFactory(f"ws://127.0.0.1:{port}")
    factory.protocol = Echo
    factory.setProtocolOptions(maxFramePayloadSize=MAX_SIZE, maxMessagePayloadSize=MAX_SIZE)
    server = await asyncio.get_running_loop().create_server(factory, "127.0.0.1", port)
    async with server:
        await server.serve_forever()


async def serve_websockets(port: int) -> None:
    from websockets.asyncio.server import serve

    async def echo(ws: Any) -> None:
        async for message in ws:
            await ws.send(message)

    async with serve(echo, "127.0.0.1", port, max_size=MAX_SIZE, compression=None) as server:
        await server.serve_forever()


# --- clients (run in a child process, print JSON) ---


async def client_ours(port: int, sizes: list[int], duration: float, repeat: int) -> list[dict[str, Any]]:
    from autobahn.asyncio.websocket import WebSocketClientFactory, WebSocketClientProtocol

    loop = asyncio.get_running_loop()
    opened: asyncio.Future[Any] = loop.create_future()

    class Client(WebSocketClientProtocol):
        waiter: asyncio.Future[bytes]

        def onOpen(self) -> None:
            opened.set_result(self)

        def onMessage(self, payload: bytes, isBinary: bool) -> None:
            self.waiter.set_result(payload)

    factory = WebSocketClientFactory(f"ws://127.0.0.1:{port}")
    factory.protocol = Client
    factory.setProtocolOptions(maxFramePayloadSize=MAX_SIZE, maxMessagePayloadSize=MAX_SIZE)
    await loop.create_connection(factory, "127.0.0.1", port)
    proto = await opened

    async def round_trip(payload: bytes, is_binary: bool) -> bytes:
        proto.waiter = loop.create_future()
        proto.sendMessage(payload, is_binary)
        return await proto.waiter

    results = await _measure(round_trip, sizes, duration, as_str=False, repeat=repeat)
    proto.sendClose(1000)
    await proto.is_closed
    return results


async def client_websockets(port: int, sizes: list[int], duration: float, repeat: int) -> list[dict[str, Any]]:
    from websockets.asyncio.client import connect

    async with connect(f"ws://127.0.0.1:{port}", max_size=MAX_SIZE, compression=None) as ws:

        async def round_trip(payload: Any, is_binary: bool) -> Any:
            await ws.send(payload)
            return await ws.recv()

        return await _measure(round_trip, sizes, duration, as_str=True, repeat=repeat)


async def _measure(
    round_trip: Any, sizes: list[int], duration: float, as_str: bool, repeat: int
) -> list[dict[str, Any]]:
    results = []
    for is_binary in (False, True):
        for size in sizes:
            payload: Any = payload_for(size, is_binary)
            if as_str and not is_binary:
                payload = payload.decode()  # websockets sends str as text
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
            results.append(
                {
                    "kind": "binary" if is_binary else "text",
                    "size": size,
                    "messages_per_s": best,
                    "mb_per_s": best * size / 1e6,
                }
            )
    return results


# --- orchestration ---


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_contender(name: str, sizes: list[int], duration: float, repeat: int) -> list[dict[str, Any]]:
    env = dict(os.environ)
    switch = CONTENDERS[name]
    if switch is not None:
        env["AUTOBAHN_USE_NVX"] = switch
    port = _free_port()
    me = [sys.executable, "-m", "autobahn.benchmark.echo"]
    server = subprocess.Popen([*me, "--role", "server", "--impl", name, "--port", str(port)], env=env)
    try:
        wait_until_listening(port, server, 30, "the echo server")
        sizes_arg = ",".join(map(str, sizes))
        args = [*me, "--role", "client", "--impl", name, "--port", str(port), "--sizes", sizes_arg]
        args += ["--duration", str(duration), "--repeat", str(repeat)]
        out = subprocess.run(args, env=env, capture_output=True, text=True, check=True)
        return json.loads(out.stdout)
    finally:
        server.terminate()
        server.wait(10)


def table(results: dict[str, list[dict[str, Any]]]) -> str:
    names = list(results)
    head = "| kind | size | " + " | ".join(f"{n} msg/s | {n} MB/s" for n in names)
    if "nvx" in results and "py" in results:
        head += " | nvx/py"
    if "nvx" in results and "websockets" in results:
        head += " | nvx/websockets"
    head += " |"
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    rows: dict[tuple[str, int], dict[str, Any]] = {(r["kind"], r["size"]): {} for r in next(iter(results.values()))}
    for name, rs in results.items():
        for r in rs:
            rows[(r["kind"], r["size"])][name] = r
    for (kind, size), by_name in rows.items():
        cells = [kind, size_label(size)]
        for n in names:
            cells += [f"{by_name[n]['messages_per_s']:,.0f}", f"{by_name[n]['mb_per_s']:,.1f}"]
        for other in ("py", "websockets"):
            if "nvx" in by_name and other in by_name:
                cells.append(f"{by_name['nvx']['messages_per_s'] / by_name[other]['messages_per_s']:.2f}x")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


# --- Twisted: ours against autobahn 26.10.2 (a separate section; see _twisted_echo.py) ---

TWISTED_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_twisted_echo.py")


def run_twisted_contender(
    nvx: str | None, original: str | None, sizes: list[int], duration: float, repeat: int
) -> list[dict[str, Any]]:
    """Server and client processes on Twisted's default reactor: ours (``nvx`` "1" or "0"),
    or autobahn 26.10.2 from the folder ``original`` (put first on PYTHONPATH)."""
    env = dict(os.environ)
    if original is not None:
        env["PYTHONPATH"] = os.pathsep.join([original, *filter(None, [env.get("PYTHONPATH")])])
        env.pop("AUTOBAHN_USE_NVX", None)
    else:
        env["AUTOBAHN_USE_NVX"] = nvx or "1"
    port = _free_port()
    server = subprocess.Popen([sys.executable, TWISTED_SCRIPT, "server", str(port)], env=env)
    try:
        wait_until_listening(port, server, 30, "the Twisted echo server")
        args = [sys.executable, TWISTED_SCRIPT, "client", str(port), ",".join(map(str, sizes))]
        out = subprocess.run([*args, str(duration), str(repeat)], env=env, capture_output=True, text=True, check=True)
        return json.loads(out.stdout)
    finally:
        server.terminate()
        server.wait(10)


def twisted_table(results: dict[str, list[dict[str, Any]]], anchor: str) -> str:
    """msg/s per contender, and each of ours as a multiple of ``anchor`` (autobahn 26.10.2)."""
    names = list(results)
    ours = [n for n in names if n != anchor]
    head = "| kind | size | " + " | ".join(f"{n} msg/s" for n in names)
    head += "".join(f" | {n} / {anchor}" for n in ours if anchor in results) + " |"
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for i, first in enumerate(next(iter(results.values()))):
        cells = [first["kind"], size_label(first["size"])]
        cells += [f"{results[n][i]['messages_per_s']:,.0f}" for n in names]
        if anchor in results:
            base = results[anchor][i]["messages_per_s"]
            cells += [f"{results[n][i]['messages_per_s'] / base:.2f}x" for n in ours]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def run_twisted(original: str | None, sizes: list[int], duration: float, repeat: int) -> dict[str, Any]:
    anchor = "autobahn-26.10.2"
    results: dict[str, list[dict[str, Any]]] = {}
    for name, nvx in (("twisted-nvx", "1"), ("twisted-py", "0")):
        print(f"{name} ...", file=sys.stderr, flush=True)
        results[name] = run_twisted_contender(nvx, None, sizes, duration, repeat)
    if original:
        print(f"{anchor} on Twisted (from {original}) ...", file=sys.stderr, flush=True)
        results[anchor] = run_twisted_contender(None, original, sizes, duration, repeat)
    else:
        print("note: no --original-autobahn folder; leaving autobahn 26.10.2 out", file=sys.stderr)
    print(twisted_table(results, anchor))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autobahn.benchmark.echo", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)), help="comma-separated, e.g. 16,4K,1M")
    parser.add_argument("--duration", type=float, default=0.3, help="seconds per measurement (default 0.3)")
    parser.add_argument("--repeat", type=int, default=3, help="measurements per size and kind; the best counts")
    parser.add_argument("--contenders", default="nvx,py,websockets", help="any of nvx, py, websockets")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument(
        "--twisted", action="store_true", help="Twisted instead: ours (nvx, py) against autobahn 26.10.2 on Twisted"
    )
    parser.add_argument(
        "--original-autobahn",
        metavar="DIR",
        help="with --twisted: a folder with autobahn 26.10.2 and Twisted (pip install --target DIR)",
    )
    parser.add_argument("--role", choices=["server", "client"], help=argparse.SUPPRESS)
    parser.add_argument("--impl", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sizes = [parse_size(s) for s in args.sizes.split(",")]
    if args.role == "server":
        asyncio.run(serve_websockets(args.port) if args.impl == "websockets" else serve_ours(args.port))
        return 0
    if args.role == "client":
        run = client_websockets if args.impl == "websockets" else client_ours
        print(json.dumps(asyncio.run(run(args.port, sizes, args.duration, args.repeat))))
        return 0
    if args.twisted:
        twisted_results = run_twisted(args.original_autobahn, sizes, args.duration, args.repeat)
        if args.json:
            with open(args.json, "w") as f:
                json.dump(twisted_results, f, indent=1)
        return 0
    results: dict[str, list[dict[str, Any]]] = {}
    for name in args.contenders.split(","):
        if name not in CONTENDERS:
            parser.error(f"unknown contender {name!r}")
        if name == "websockets":
            try:
                import websockets
            except ImportError:
                print("note: websockets is not installed; leaving it out", file=sys.stderr)
                continue
            print(f"websockets {websockets.__version__} ...", file=sys.stderr, flush=True)
        else:
            print(f"{name} ...", file=sys.stderr, flush=True)
        results[name] = run_contender(name, sizes, args.duration, args.repeat)
    print(table(results))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
