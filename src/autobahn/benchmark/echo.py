"""``python -m autobahn.benchmark.echo``: WebSocket echo round trips on 127.0.0.1.

One fixed client (picows's, the fastest Python client) sends a message, waits for its
echo and repeats for ``--duration`` seconds, against each server: ours with NVX (``nvx``)
and pure Python (``py``), picows, aiohttp, websockets and the published autobahn 26.10.2
(``autobahn-26.10.2``, from its own ``pip install --target`` folder, ``--autobahn-2610``:
it shares our package name). All servers run at once, each in its own process, and one
client process measures them in interleaved rounds (every server at one size, then the
next size; ``--repeat`` rounds, the best counts), so that a machine shared with other work
slows them all alike. Beside round trips/s the table gives the server process's CPU time
per round trip (from ``/proc/PID/task/*/schedstat`` before and after each measurement).
Run on the default asyncio loop and on uvloop (``--loops``), all processes pinned to one
core with ``taskset -c 0`` (the CPU cost per message) and unpinned (``--pinning``); text
and binary; ``--sizes``. ``--client-check`` also times our client against a picows server
(next to picows's own client). Compression is off everywhere. A server or client that
fails makes the run exit non-zero.

What the servers do differs: ours validate UTF-8 and deliver whole messages to
``onMessage(payload, isBinary)`` (autobahn 26.10.2 too); aiohttp and websockets decode text
to ``str`` and encode it again to echo; picows echoes frame by frame without validating.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from autobahn import _cli
from autobahn.benchmark._workloads import KiB, MiB, parse_size, size_label
from autobahn.testee import wait_until_listening

DEFAULT_SIZES = [16, 256, 4 * KiB, 64 * KiB, 1 * MiB, 16 * MiB]
MAX_SIZE = 64 * MiB
SERVERS = ["nvx", "py", "picows", "aiohttp", "websockets", "autobahn-26.10.2"]
# AUTOBAHN_USE_NVX for our two servers.
SWITCH = {"nvx": "1", "py": "0"}
# The published autobahn's echo server, run with its install folder first on sys.path.
AUTOBAHN_2610_SERVER = """
import asyncio, sys
import autobahn
assert autobahn.__version__ == "26.10.2", autobahn.__version__
from autobahn.asyncio.websocket import WebSocketServerFactory, WebSocketServerProtocol
port, loop_name = int(sys.argv[1]), sys.argv[2]
class Echo(WebSocketServerProtocol):
    def onMessage(self, payload, isBinary):
        self.sendMessage(payload, isBinary)
async def main():
    factory = WebSocketServerFactory(f"ws://127.0.0.1:{port}")
    factory.protocol = Echo
    factory.setProtocolOptions(maxFramePayloadSize=MAX_SIZE, maxMessagePayloadSize=MAX_SIZE)
    server = await asyncio.get_running_loop().create_server(factory, "127.0.0.1", port)
    async with server:
        await server.serve_forever()
if loop_name == "uvloop":
    import uvloop
    uvloop.run(main())
else:
    asyncio.run(main())
""".replace("MAX_SIZE", str(MAX_SIZE))


def payload_for(size: int, is_binary: bool) -> bytes:
    """Binary: all byte values. Text: mostly ASCII with 2- and 3-byte characters mixed in,
    the common shape of real text messages."""
    if is_binary:
        return (bytes(range(256)) * (size // 256 + 1))[:size]
    unit = "WebSocket echo · ünïcödé € ".encode()
    # Cut to size without ending inside a character, then pad with spaces.
    data = (unit * (size // len(unit) + 1))[:size].decode("utf-8", "ignore").encode()
    return data + b" " * (size - len(data))


def run_loop(main: Any, loop_name: str) -> Any:
    """Run the coroutine ``main`` on the default asyncio loop or on uvloop."""
    if loop_name == "uvloop":
        import uvloop

        return uvloop.run(main)
    return asyncio.run(main)


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


async def serve_picows(port: int) -> None:
    from picows import WSListener, WSMsgType, ws_create_server

    class Echo(WSListener):  # type: ignore[misc]
        def on_ws_frame(self, transport: Any, frame: Any) -> None:
            if frame.msg_type == WSMsgType.CLOSE:
                transport.send_close(frame.get_close_code())
                transport.disconnect()
            elif frame.msg_type != WSMsgType.PONG:
                transport.send(frame.msg_type, frame.get_payload_as_memoryview(), frame.fin)

    server = await ws_create_server(lambda request: Echo(), "127.0.0.1", port, max_frame_size=MAX_SIZE)
    async with server:
        await server.serve_forever()


async def serve_aiohttp(port: int) -> None:
    from aiohttp import WSMsgType, web

    async def handler(request: Any) -> Any:
        ws = web.WebSocketResponse(max_msg_size=MAX_SIZE, compress=False)
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
    await web.TCPSite(runner, "127.0.0.1", port).start()
    await asyncio.Event().wait()


async def serve_websockets(port: int) -> None:
    from websockets.asyncio.server import serve

    async def echo(ws: Any) -> None:
        async for message in ws:
            await ws.send(message)

    async with serve(echo, "127.0.0.1", port, max_size=MAX_SIZE, compression=None) as server:
        await server.serve_forever()


SERVE = {"ours": serve_ours, "picows": serve_picows, "aiohttp": serve_aiohttp, "websockets": serve_websockets}


# --- clients (run in a child process, print JSON) ---


def _picows_listener() -> Any:
    """picows's listener for the echo clients: collects a message's frames, hands it to ``waiter``."""
    from picows import WSListener, WSMsgType

    class Client(WSListener):  # type: ignore[misc]
        waiter: asyncio.Future[bytes]
        parts: list[bytes]

        def on_ws_frame(self, transport: Any, frame: Any) -> None:
            if frame.msg_type in (WSMsgType.TEXT, WSMsgType.BINARY, WSMsgType.CONTINUATION):
                self.parts.append(frame.get_payload_as_bytes())
                if frame.fin:
                    self.waiter.set_result(b"".join(self.parts))

    return Client


async def client_picows(port: int, sizes: list[int], duration: float, repeat: int) -> list[dict[str, Any]]:
    from picows import WSMsgType, ws_connect

    loop = asyncio.get_running_loop()
    Client = _picows_listener()

    connecting = ws_connect(Client, f"ws://127.0.0.1:{port}/", max_frame_size=MAX_SIZE)
    transport, client = await asyncio.wait_for(connecting, 10)

    async def round_trip(payload: bytes, is_binary: bool) -> bytes:
        client.waiter = loop.create_future()
        client.parts = []
        transport.send(WSMsgType.BINARY if is_binary else WSMsgType.TEXT, payload)
        return await client.waiter

    results = await _measure(round_trip, sizes, duration, repeat)
    transport.send_close()
    transport.disconnect()
    return results


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
    proto = await asyncio.wait_for(opened, 10)

    async def round_trip(payload: bytes, is_binary: bool) -> bytes:
        proto.waiter = loop.create_future()
        proto.sendMessage(payload, is_binary)
        return await proto.waiter

    results = await _measure(round_trip, sizes, duration, repeat)
    proto.sendClose(1000)
    await asyncio.wait_for(proto.is_closed, 5)
    return results


CLIENT = {"picows": client_picows, "ours": client_ours}


async def client_rounds(ports: dict[str, int], sizes: list[int], duration: float, repeat: int) -> None:
    """The picows client against every server at once, in interleaved rounds. Before and
    after each measurement it prints a JSON line and waits for a line on stdin, so that the
    orchestrator reads the server's CPU time around exactly that measurement."""
    from picows import WSMsgType, ws_connect

    loop = asyncio.get_running_loop()
    Client = _picows_listener()

    connections = {}
    for name, port in ports.items():
        connecting = ws_connect(Client, f"ws://127.0.0.1:{port}/", max_frame_size=MAX_SIZE)
        connections[name] = await asyncio.wait_for(connecting, 10)

    async def round_trip(name: str, payload: bytes, is_binary: bool) -> bytes:
        transport, client = connections[name]
        client.waiter = loop.create_future()
        client.parts = []
        transport.send(WSMsgType.BINARY if is_binary else WSMsgType.TEXT, payload)
        return await asyncio.wait_for(client.waiter, 60)

    def report(line: dict[str, Any]) -> None:
        print(json.dumps(line), flush=True)
        sys.stdin.readline()

    for _ in range(repeat):
        for is_binary in (False, True):
            kind = "binary" if is_binary else "text"
            for size in sizes:
                payload = payload_for(size, is_binary)
                for name in connections:
                    if await round_trip(name, payload, is_binary) != payload:  # warm-up, and a check
                        raise SystemExit(f"{name} echoed a wrong {kind} message of {size} bytes")
                    report({"start": name})
                    count, started, elapsed = 0, time.perf_counter(), 0.0
                    while count < 3 or elapsed < duration:
                        await round_trip(name, payload, is_binary)
                        count += 1
                        elapsed = time.perf_counter() - started
                    report({"server": name, "kind": kind, "size": size, "count": count, "seconds": elapsed})
    for transport, _ in connections.values():
        transport.send_close()
        transport.disconnect()


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


def _server_command(server: str, port: int, loop_name: str, autobahn_2610: Path | None) -> tuple[list[str], dict]:
    env = dict(os.environ)
    if server == "autobahn-26.10.2":
        assert autobahn_2610 is not None
        env["PYTHONPATH"] = str(autobahn_2610)
        return [sys.executable, "-c", AUTOBAHN_2610_SERVER, str(port), loop_name], env
    if server in SWITCH:
        env["AUTOBAHN_USE_NVX"] = SWITCH[server]
    impl = "ours" if server in SWITCH else server
    me = [sys.executable, "-m", "autobahn.benchmark.echo", "--role", "server", "--impl", impl]
    return [*me, "--port", str(port), "--loop", loop_name], env


def run_point(
    server: str,
    client: str,
    loop_name: str,
    pinned: bool,
    sizes: list[int],
    duration: float,
    repeat: int,
    autobahn_2610: Path | None,
) -> list[dict[str, Any]] | str:
    """One server against one client: the figures, or why there are none."""
    port = _free_port()
    pin = ["taskset", "-c", "0"] if pinned else []
    command, env = _server_command(server, port, loop_name, autobahn_2610)
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
    autobahn_2610: Path | None,
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
            command, env = _server_command(name, ports[name], loop_name, autobahn_2610)
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
        args += ["--duration", str(duration), "--repeat", str(repeat)]
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
            " the same picows client against every server)\n"
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
    ("nvx", "aiohttp"),
    ("nvx", "websockets"),
    ("nvx", "autobahn-26.10.2"),
    ("py", "websockets"),
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
    parser = _cli.parser("python -m autobahn.benchmark.echo", __doc__)
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)), help="comma-separated, e.g. 16,4K,1M")
    parser.add_argument("--duration", type=float, default=0.3, help="seconds per measurement (default 0.3)")
    parser.add_argument("--repeat", type=int, default=3, help="measurements per size and kind; the best counts")
    parser.add_argument("--servers", default=",".join(SERVERS), help=f"any of {', '.join(SERVERS)}")
    parser.add_argument("--loops", default="asyncio,uvloop", help="asyncio, uvloop or both")
    parser.add_argument("--pinning", default="pinned,unpinned", help="pinned (taskset -c 0), unpinned or both")
    parser.add_argument("--client-check", action="store_true", help="also time our client against a picows server")
    parser.add_argument(
        "--autobahn-2610", type=Path, default=Path(".peers/autobahn-26.10.2"), help="pip install --target folder"
    )
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--plot", help="also draw them into this PNG (needs matplotlib)")
    parser.add_argument(
        "--twisted", action="store_true", help="Twisted instead: ours (nvx, py) against autobahn 26.10.2 on Twisted"
    )
    parser.add_argument(
        "--original-autobahn",
        metavar="DIR",
        help="with --twisted: a folder with autobahn 26.10.2 and Twisted (pip install --target DIR)",
    )
    parser.add_argument("--role", choices=["server", "client", "rounds"], help=argparse.SUPPRESS)
    parser.add_argument("--ports", help=argparse.SUPPRESS)
    parser.add_argument("--impl", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--loop", default="asyncio", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sizes = [parse_size(s) for s in args.sizes.split(",")]
    if args.role == "server":
        run_loop(SERVE[args.impl](args.port), args.loop)
        return 0
    if args.role == "client":
        print(json.dumps(run_loop(CLIENT[args.impl](args.port, sizes, args.duration, args.repeat), args.loop)))
        return 0
    if args.role == "rounds":
        run_loop(client_rounds(json.loads(args.ports), sizes, args.duration, args.repeat), args.loop)
        return 0
    if args.twisted:
        twisted_results = run_twisted(args.original_autobahn, sizes, args.duration, args.repeat)
        if args.json:
            with open(args.json, "w") as f:
                json.dump(twisted_results, f, indent=1)
        return 0
    servers = args.servers.split(",")
    for name in servers:
        if name not in SERVERS:
            parser.error(f"unknown server {name!r}")
    if "autobahn-26.10.2" in servers and not (args.autobahn_2610 / "autobahn").is_dir():
        parser.error(
            f"{args.autobahn_2610} holds no autobahn: pip install --target {args.autobahn_2610} autobahn==26.10.2"
        )
    missing = missing_peers(servers, args.loops.split(","))
    if missing:
        parser.error(
            f"the peers this run needs are not installed ({', '.join(missing)}): "
            f"pip install {' '.join(missing)} (just bench-echo installs every peer)"
        )
    pinnings = args.pinning.split(",")
    if "pinned" in pinnings and shutil.which("taskset") is None:
        parser.error("pinning needs taskset (util-linux)")
    runs: dict[str, dict[str, Any]] = {}
    for loop_name in args.loops.split(","):
        for pinning in pinnings:
            config = f"{loop_name}, {pinning}"
            print(f"{config}: {', '.join(servers)} side by side ...", file=sys.stderr, flush=True)
            runs[config] = run_side_by_side(
                servers, loop_name, pinning == "pinned", sizes, args.duration, args.repeat, args.autobahn_2610
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
                    args.autobahn_2610,
                )
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
PEER_MODULES = {"picows": "picows", "aiohttp": "aiohttp", "websockets": "websockets", "uvloop": "uvloop"}


def missing_peers(servers: list[str], loops: list[str]) -> list[str]:
    """The distributions (pip names) a run needs and this interpreter lacks: picows always (the
    client, and the server of --client-check), each peer server named, uvloop for that loop."""
    needed = ["picows", *(s for s in servers if s in PEER_MODULES), *(lp for lp in loops if lp == "uvloop")]
    return [PEER_MODULES[n] for n in dict.fromkeys(needed) if importlib.util.find_spec(n) is None]


if __name__ == "__main__":
    sys.exit(main())
