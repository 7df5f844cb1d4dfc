"""``python -m autobahn.benchmark.wamp``: WAMP RPC calls/s and events/s through Crossbar, ours against
autobahn 26.10.2, per serializer.

A Crossbar router (``autobahn._crossbar``; install it with ``.ci/setup-crossbar.sh``) runs on
127.0.0.1. For each serializer, workload and implementation, a worker process
(``_wamp_worker.py``) joins a callee/subscriber and a caller/publisher session over WebSocket and
measures for ``--duration`` seconds: ``rpc``: sequential calls of an echo procedure (small
argument: an int; large: 64 KiB of bytes), one in flight; ``events``: publications (no
acknowledgement, 64 in flight) counted at the subscriber. Ours runs with this interpreter, the
original with the Crossbar venv's Python (autobahn 26.10.2). Best of ``--repeat`` runs, the two
implementations alternating, so both see the same machine and the same router. ``--pin`` runs
worker and router on one core (``taskset -c 0``).

Every message crosses the router, which is the same for both, so ops/s is bound by the router; the
client CPU per operation (the worker's process time: both of its sessions) is what the library itself
costs. CPU ratio = autobahn 26.10.2's CPU per operation / ours.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from autobahn import _cli, _crossbar

WORKER = Path(__file__).with_name("_wamp_worker.py")
WORKLOADS = [("rpc", 8), ("rpc", 64 * 1024), ("events", 8), ("events", 64 * 1024)]


def pin_router(router) -> None:
    """Move a router's processes (controller and workers: its process group) onto CPU 0 (taskset)."""
    pid = router.process.proc.pid
    children = subprocess.run(["pgrep", "-g", str(pid)], capture_output=True, text=True).stdout.split()
    for p in [str(pid), *children]:
        subprocess.run(["taskset", "-a", "-p", "-c", "0", p], capture_output=True)


def measure(python: str, url: str, realm: str, serializer: str, workload: str, size: int, duration: float, pin: bool):
    cmd = [python, str(WORKER), url, realm, serializer, workload, str(size), str(duration)]
    if pin:
        cmd = ["taskset", "-c", "0", *cmd]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration * 4 + 60, cwd=tempfile.gettempdir())
    for line in out.stdout.splitlines():
        if line.startswith("{"):
            result = json.loads(line)
            return result["ops"] / result["seconds"], result["cpu"] / result["ops"]
    raise RuntimeError(f"worker failed ({out.returncode}):\n{out.stdout}\n{out.stderr[-3000:]}")


def main(argv: list[str] | None = None) -> int:
    parser = _cli.parser("python -m autobahn.benchmark.wamp", __doc__)
    parser.add_argument("--serializers", default="json,msgpack,cbor,ubjson")
    parser.add_argument("--duration", type=float, default=2.0)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--pin", action="store_true", help="router and worker on CPU 0 (taskset)")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args(argv)
    if _crossbar.crossbar_executable() is None:
        print(f"crossbar is not installed in {_crossbar.venv_path()} (bash .ci/setup-crossbar.sh)", file=sys.stderr)
        return 2
    if args.pin and shutil.which("taskset") is None:
        print("--pin needs taskset", file=sys.stderr)
        return 2
    implementations = {"ours": sys.executable, "autobahn 26.10.2": str(_crossbar.peer_python())}
    node = Path(tempfile.mkdtemp(prefix="wamp-bench-"))
    rows = []
    router = _crossbar.Router(node)
    try:
        if args.pin:
            pin_router(router)
        print(
            "| serializer | workload | size | ours ops/s | autobahn 26.10.2 ops/s | ratio "
            "| ours client CPU µs/op | autobahn 26.10.2 client CPU µs/op | CPU ratio |"
        )
        print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
        for serializer in args.serializers.split(","):
            for workload, size in WORKLOADS:
                best = dict.fromkeys(implementations, 0.0)
                cpu = dict.fromkeys(implementations, float("inf"))
                for _ in range(args.repeat):
                    for name, python in implementations.items():
                        rate, cpu_per_op = measure(
                            python, router.ws_url, router.realm, serializer, workload, size, args.duration, args.pin
                        )
                        best[name] = max(best[name], rate)
                        cpu[name] = min(cpu[name], cpu_per_op)
                ours, original = best["ours"], best["autobahn 26.10.2"]
                ours_cpu, original_cpu = cpu["ours"] * 1e6, cpu["autobahn 26.10.2"] * 1e6
                rows.append(
                    {
                        "serializer": serializer,
                        "workload": workload,
                        "size": size,
                        "ops_per_s": best,
                        "cpu_s_per_op": cpu,
                    }
                )
                label = "64 KiB" if size >= 1024 else "small"
                print(
                    f"| {serializer} | {workload} | {label} | {ours:,.0f} | {original:,.0f} | {ours / original:.2f}x "
                    f"| {ours_cpu:,.0f} | {original_cpu:,.0f} | {original_cpu / ours_cpu:.2f}x |",
                    flush=True,
                )
    finally:
        router.stop()
        shutil.rmtree(node, ignore_errors=True)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
