"""Messages per second through each WAMP serializer, for whichever autobahn is importable.

Runs unchanged on ours and on autobahn 26.10.2 (in its own virtual environment), so the two
can be compared in one sitting::

    python benchmarks/wamp_serializers.py --json ours.json
    /path/to/venv-orig/bin/python benchmarks/wamp_serializers.py --json orig.json
    python benchmarks/wamp_serializers.py --compare ours.json orig.json

or, alternating the two a few rounds and keeping each row's best (on a shared machine the
load changes from second to second)::

    taskset -c 0 python benchmarks/wamp_serializers.py --against /path/to/venv-orig/bin/python --rounds 5

Each row is a serialize-then-unserialize round trip of one message (what a peer does for
every message it sends and receives): the fastest batch of ~10 ms within ``--repeat`` runs of
0.2 s; pin both runs to one core (``taskset -c 0``) on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORKLOADS = {
    "call-small": lambda m: m.Call(123456, "com.example.add2", args=[23, 7], kwargs={"precision": 2}),
    "event-small": lambda m: m.Event(123456, 789123, args=["hello", 42], publisher=1, topic="com.example.topic"),
    "call-64k": lambda m: m.Call(123456, "com.example.store", args=[os.urandom(64 * 1024)]),
    "result-64k-text": lambda m: m.Result(123456, args=["x" * 64 * 1024]),
}
SERIALIZERS = ["json", "msgpack", "cbor", "ubjson", "flatbuffers"]


def _time_batch(func, count: int) -> float:
    start = time.perf_counter()
    for _ in range(count):
        func()
    return time.perf_counter() - start


def measure(repeat: int) -> dict[str, float]:
    try:
        import txaio

        txaio.use_asyncio()  # the original's serializers time their statistics through txaio
    except ImportError:
        pass
    import autobahn
    from autobahn.wamp import message, serializer

    results: dict[str, float] = {"_version": autobahn.__version__}  # type: ignore[dict-item]
    for ser_id in SERIALIZERS:
        try:
            ser = serializer.create_transport_serializer(ser_id)
        except Exception:
            continue
        for name, make in WORKLOADS.items():
            msg = make(message)

            def round_trip(ser=ser, msg=msg):
                msg.uncache()
                data, binary = ser.serialize(msg)
                ser.unserialize(data, binary)

            try:
                round_trip()
            except Exception as e:  # a serializer that cannot carry this workload
                print(f"{ser_id} {name}: {type(e).__name__} {e}", file=sys.stderr)
                continue
            # the fastest of many short batches (as timeit does): on a shared machine the
            # slower batches are the ones other processes interrupted
            batch = 1
            while _time_batch(round_trip, batch) < 0.01:
                batch *= 2
            best = 0.0
            for _ in range(repeat):
                deadline = time.perf_counter() + 0.2
                while time.perf_counter() < deadline:
                    best = max(best, batch / _time_batch(round_trip, batch))
            results[f"{ser_id}/{name}"] = best
    return results


def compare(ours_path: str, theirs_path: str) -> None:
    ours = json.loads(Path(ours_path).read_text())
    theirs = json.loads(Path(theirs_path).read_text())
    print(f"| serializer / message | ours {ours['_version']} msg/s | autobahn {theirs['_version']} msg/s | ratio |")
    print("|---|---:|---:|---:|")
    for key in ours:
        if key.startswith("_"):
            continue
        if key in theirs:
            print(f"| {key} | {ours[key]:,.0f} | {theirs[key]:,.0f} | {ours[key] / theirs[key]:.2f}x |")
        else:
            print(f"| {key} | {ours[key]:,.0f} | (cannot) | |")


def interleaved(other_python: str, rounds: int) -> None:
    """Run this script under our Python and ``other_python`` in turn; compare each row's best."""
    best: list[dict] = [{}, {}]
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(rounds):
            for side, python in enumerate((sys.executable, other_python)):
                out = Path(tmp) / f"{side}.json"
                # run from the temporary folder, so that no checkout shadows the installed autobahn
                subprocess.run(
                    [python, str(Path(__file__).resolve()), "--json", str(out), "--repeat", "1"],
                    check=True,
                    cwd=tmp,
                    stderr=subprocess.DEVNULL,
                )
                for key, value in json.loads(out.read_text()).items():
                    current = best[side].get(key)
                    best[side][key] = value if key.startswith("_") or current is None else max(current, value)
        paths = []
        for side in (0, 1):
            path = Path(tmp) / f"best{side}.json"
            path.write_text(json.dumps(best[side]))
            paths.append(str(path))
        compare(*paths)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", help="write the results to this file")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--compare", nargs=2, metavar=("OURS", "THEIRS"))
    parser.add_argument("--against", metavar="PYTHON", help="interpreter with the other autobahn")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if args.against:
        interleaved(args.against, args.rounds)
        return
    if args.compare:
        compare(*args.compare)
        return
    results = measure(args.repeat)
    text = json.dumps(results, indent=1)
    if args.json:
        Path(args.json).write_text(text)
    else:
        print(text)


if __name__ == "__main__":
    main()
