"""``python -m autobahn.benchmark.wamp``: a WAMP client's CPU per operation, ours against autobahn
26.10.2, through Crossbar, per workload, serializer and transport.

A Crossbar router (``autobahn._crossbar``; ``.ci/setup-crossbar.sh``) runs on 127.0.0.1. One peer
session on the original package (``_wamp_peer.py``, the Crossbar venv's Python) serves the measured
client: it is the callee of ``bench.echo`` and publishes the events. The measured client
(``_wamp_client.py``) is one asyncio session, run with this interpreter on our package or on
autobahn 26.10.2 (``.ci/setup-original-autobahn.sh`` puts it in a ``pip --target`` folder, which goes
first on ``PYTHONPATH``: the same interpreter and the same serializer libraries for both). It measures
its own ``time.process_time()`` over ``-n`` operations of each workload: sequential calls, events
received, publications with ``acknowledge=True``. For each serializer and transport, ours and the
original alternate (a fresh client process each time) for ``--rounds`` rounds; the lowest CPU per
operation of the rounds counts. Ratio = autobahn 26.10.2's CPU per operation / ours (above 1: ours
costs less). ``--pin`` puts router, peer and client on one core (``taskset -c 0``).

With MessagePack over RawSocket a third client joins the alternation, the *floor*
(``_wamp_floor.py``): the same workloads by a few lines of WAMP on asyncio with no library, what the
event loop, the kernel and the codec cost. ``original ÷ floor`` is the highest ratio any asyncio
client could reach there.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from autobahn import _cli, _crossbar

HERE = Path(__file__).parent
# Kept for ``autobahn.benchmark.router``, whose client is this worker.
WORKER = HERE / "_wamp_worker.py"
CLIENT = HERE / "_wamp_client.py"
FLOOR = HERE / "_wamp_floor.py"
PEER = HERE / "_wamp_peer.py"
WORKLOADS = ("call", "event", "publish")
TRANSPORTS = ("websocket", "rawsocket")
ORIGINAL = "autobahn 26.10.2"
FLOOR_NAME = "floor"
DEFAULT_ORIGINAL_TARGET = ".peers/autobahn-26.10.2"


def pin_router(router) -> None:
    """Move a router's processes (controller and workers: its process group) onto CPU 0 (taskset)."""
    pid = router.process.proc.pid
    children = subprocess.run(["pgrep", "-g", str(pid)], capture_output=True, text=True).stdout.split()
    for p in [str(pid), *children]:
        subprocess.run(["taskset", "-a", "-p", "-c", "0", p], capture_output=True)


def original_target() -> Path:
    """The ``pip --target`` folder holding autobahn 26.10.2 (``AUTOBAHN_ORIGINAL_TARGET``)."""
    return Path(os.environ.get("AUTOBAHN_ORIGINAL_TARGET", DEFAULT_ORIGINAL_TARGET)).resolve()


def client_env(implementation: str) -> dict[str, str]:
    """The measured client's environment: the original's folder first on the path, or left out."""
    env = dict(os.environ)
    path = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    if implementation == ORIGINAL:
        path.insert(0, str(original_target()))
    env["PYTHONPATH"] = os.pathsep.join(path)
    return env


def run_client(implementation: str, url: str, realm: str, serializer: str, n: int, pin: bool) -> dict[str, float]:
    """CPU seconds per operation of one client process, by workload."""
    if implementation == FLOOR_NAME:
        cmd = [sys.executable, str(FLOOR), url[len("rs://") :], realm, str(n), "1"]
    else:
        cmd = [sys.executable, str(CLIENT), url, realm, serializer, str(n), "1"]
    if pin:
        cmd = ["taskset", "-c", "0", *cmd]
    out = subprocess.run(
        cmd, capture_output=True, text=True, timeout=300, cwd=tempfile.gettempdir(), env=client_env(implementation)
    )
    result = {}
    for line in out.stdout.splitlines():
        if line.startswith("{"):
            row = json.loads(line)
            result[row["workload"]] = row["cpu"] / row["ops"]
    if set(result) != set(WORKLOADS):
        raise RuntimeError(f"{implementation} client failed ({out.returncode}):\n{out.stdout}\n{out.stderr[-3000:]}")
    return result


def check_original() -> str | None:
    """Why the original cannot be measured, or None (the folder must hold autobahn 26.10.2)."""
    probe = subprocess.run(
        [sys.executable, "-c", "import autobahn; print(autobahn.__version__, autobahn.__file__)"],
        capture_output=True,
        text=True,
        cwd=tempfile.gettempdir(),
        env=client_env(ORIGINAL),
    )
    version, _, path = probe.stdout.strip().partition(" ")
    if version != "26.10.2" or not path.startswith(str(original_target())):
        return f"autobahn 26.10.2 is not in {original_target()} (bash .ci/setup-original-autobahn.sh)"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = _cli.parser("python -m autobahn.benchmark.wamp", __doc__)
    parser.add_argument("--serializers", default="json,msgpack,cbor")
    parser.add_argument("--transports", default=",".join(TRANSPORTS))
    parser.add_argument("-n", type=int, default=2000, help="operations per workload and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pin", action="store_true", help="router, peer and client on CPU 0 (taskset)")
    parser.add_argument("--no-floor", action="store_true", help="leave out the no-library floor (RawSocket msgpack)")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args(argv)
    if _crossbar.crossbar_executable() is None:
        print(f"crossbar is not installed in {_crossbar.venv_path()} (bash .ci/setup-crossbar.sh)", file=sys.stderr)
        return 2
    if args.pin and shutil.which("taskset") is None:
        print("--pin needs taskset", file=sys.stderr)
        return 2
    problem = check_original()
    if problem:
        print(problem, file=sys.stderr)
        return 2
    node = Path(tempfile.mkdtemp(prefix="wamp-bench-"))
    rows = []
    router = _crossbar.Router(node)
    peer = None
    try:
        if args.pin:
            pin_router(router)
        peer_cmd = [str(_crossbar.peer_python()), str(PEER), "127.0.0.1", str(router.rs_port), router.realm]
        if args.pin:
            peer_cmd = ["taskset", "-c", "0", *peer_cmd]
        peer_log = node / "peer.log"  # (the Crossbar venv's autobahn warns about bjdata on import)
        with open(peer_log, "w") as log:
            peer = subprocess.Popen(peer_cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True)
        if peer.stdout.readline().strip() != "ready":
            raise RuntimeError(f"the peer session did not start:\n{peer_log.read_text()[-3000:]}")
        urls = {"websocket": router.ws_url, "rawsocket": f"rs://127.0.0.1:{router.rs_port}"}
        print(
            "| workload | serializer | transport | ours µs/op | autobahn 26.10.2 µs/op | original ÷ ours "
            "| floor µs/op | original ÷ floor |"
        )
        print("|---|---|---|---:|---:|---:|---:|---:|")
        for transport in args.transports.split(","):
            for serializer in args.serializers.split(","):
                implementations = ["ours", ORIGINAL]
                if transport == "rawsocket" and serializer == "msgpack" and not args.no_floor:
                    implementations.append(FLOOR_NAME)
                best = {impl: dict.fromkeys(WORKLOADS, float("inf")) for impl in implementations}
                for rnd in range(args.rounds):
                    order = implementations if rnd % 2 == 0 else implementations[::-1]
                    for impl in order:
                        got = run_client(impl, urls[transport], router.realm, serializer, args.n, args.pin)
                        for workload, cpu in got.items():
                            best[impl][workload] = min(best[impl][workload], cpu)
                for workload in WORKLOADS:
                    ours, original = best["ours"][workload] * 1e6, best[ORIGINAL][workload] * 1e6
                    row = {
                        "workload": workload,
                        "serializer": serializer,
                        "transport": transport,
                        "ours_us": ours,
                        "original_us": original,
                        "ratio": original / ours,
                    }
                    floor_cells = "| | "
                    if FLOOR_NAME in best:
                        row["floor_us"] = floor = best[FLOOR_NAME][workload] * 1e6
                        floor_cells = f"| {floor:.1f} | {original / floor:.2f} "
                    rows.append(row)
                    print(
                        f"| {workload} | {serializer} | {transport} | {ours:.1f} | {original:.1f} "
                        f"| {original / ours:.2f} {floor_cells}|",
                        flush=True,
                    )
    finally:
        if peer is not None:
            peer.stdin.close()
            try:
                peer.wait(10)
            except subprocess.TimeoutExpired:
                peer.kill()
        router.stop()
        shutil.rmtree(node, ignore_errors=True)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
