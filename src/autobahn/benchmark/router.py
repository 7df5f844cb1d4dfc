"""``python -m autobahn.benchmark.router``: Crossbar.io on our package against Crossbar.io on autobahn
26.10.2, the same clients, calls/s and events/s and the router's CPU per operation.

Two routers run at once on 127.0.0.1 (``autobahn._crossbar``): the Crossbar installation with the
original autobahn (``.ci/setup-crossbar.sh``) and the same Crossbar with our wheel installed over it
(``.ci/setup-crossbar-ours.sh WHEEL``). A router spends its time in autobahn's WebSocket, RawSocket,
serializer and WAMP code, so this measures our package as the engine of a real program. For each
serializer, transport and workload, the same client worker (``_wamp_worker.py``, run by the
original package's interpreter, so the client is constant) measures each router in turn for
``--duration`` seconds, the routers alternating for ``--repeat`` rounds; best rate and lowest
router CPU of the rounds. Router CPU is the user+system time of all of a router's processes
(controller and router worker, from ``/proc``) over the measurement, divided by the operations.
``--pin`` puts routers and worker on one core (``taskset -c 0``): CPU cost instead of wake-up latency.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from autobahn import _crossbar
from autobahn.benchmark.wamp import WORKER, pin_router

WORKLOADS = [("rpc", 8), ("events", 8)]
TRANSPORTS = ("websocket", "rawsocket")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def group_cpu_seconds(pgid: int) -> float:
    """User + system CPU seconds of every live process in process group ``pgid`` (Linux ``/proc``)."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        # after "pid (comm)": state ppid pgrp ... utime is field 14, stime 15 (1-based, man 5 proc)
        if int(fields[2]) == pgid:
            total += int(fields[11]) + int(fields[12])
    return total / CLOCK_TICKS


def measure(router, transport: str, serializer: str, workload: str, size: int, duration: float, pin: bool):
    url = router.ws_url if transport == "websocket" else f"rs://127.0.0.1:{router.rs_port}"
    cmd = [str(_crossbar.peer_python()), str(WORKER), url, router.realm, serializer, workload, str(size), str(duration)]
    if pin:
        cmd = ["taskset", "-c", "0", *cmd]
    pgid = router.process.proc.pid
    before = group_cpu_seconds(pgid)
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration * 4 + 60, cwd=tempfile.gettempdir())
    router_cpu = group_cpu_seconds(pgid) - before
    for line in out.stdout.splitlines():
        if line.startswith("{"):
            result = json.loads(line)
            return result["ops"] / result["seconds"], router_cpu / result["ops"]
    raise RuntimeError(f"worker failed ({out.returncode}):\n{out.stdout}\n{out.stderr[-3000:]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m autobahn.benchmark.router",
        description="Crossbar.io on our package against Crossbar.io on autobahn 26.10.2: calls/s, events/s "
        "and the router's CPU per operation, the same clients for both.",
    )
    parser.add_argument("--serializers", default="json,msgpack,cbor")
    parser.add_argument("--transports", default=",".join(TRANSPORTS))
    parser.add_argument("--duration", type=float, default=2.0)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--pin", action="store_true", help="routers and worker on CPU 0 (taskset)")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args(argv)
    for name in _crossbar.ROUTERS:
        if _crossbar.crossbar_executable(name) is None:
            print(
                f"{name} is not installed in {_crossbar.venv_path(name)} ({_crossbar.setup_command(name)})",
                file=sys.stderr,
            )
            return 2
    if args.pin and shutil.which("taskset") is None:
        print("--pin needs taskset", file=sys.stderr)
        return 2
    node = Path(tempfile.mkdtemp(prefix="router-bench-"))
    routers = {}
    rows = []
    try:
        for name in _crossbar.ROUTERS:
            routers[name] = _crossbar.Router(node / name, router=name)
            if args.pin:
                pin_router(routers[name])
        print(
            "| transport | serializer | workload | ours ops/s | original ops/s | ratio "
            "| ours router CPU µs/op | original router CPU µs/op | CPU ratio |"
        )
        print("|---|---|---|---:|---:|---:|---:|---:|---:|")
        for transport in args.transports.split(","):
            for serializer in args.serializers.split(","):
                for workload, size in WORKLOADS:
                    rate = dict.fromkeys(routers, 0.0)
                    cpu = dict.fromkeys(routers, float("inf"))
                    for _ in range(args.repeat):
                        for name, router in routers.items():
                            r, c = measure(router, transport, serializer, workload, size, args.duration, args.pin)
                            rate[name], cpu[name] = max(rate[name], r), min(cpu[name], c)
                    ours, original = "crossbar-on-ours", "crossbar"
                    rows.append(
                        {
                            "transport": transport,
                            "serializer": serializer,
                            "workload": workload,
                            "size": size,
                            "ops_per_s": rate,
                            "router_cpu_s_per_op": cpu,
                        }
                    )
                    print(
                        f"| {transport} | {serializer} | {workload} | {rate[ours]:,.0f} | {rate[original]:,.0f} "
                        f"| {rate[ours] / rate[original]:.2f}x | {cpu[ours] * 1e6:,.1f} | {cpu[original] * 1e6:,.1f} "
                        f"| {cpu[original] / cpu[ours]:.2f}x |",
                        flush=True,
                    )
    finally:
        for router in routers.values():
            router.stop()
        shutil.rmtree(node, ignore_errors=True)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
