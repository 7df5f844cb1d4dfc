"""Autobahn|Testsuite conformance as .ci/run runs it: every run of PLAN (framework, direction,
NVX switch, case set) through .ci/wstest.py, two at a time, then one table of the cases'
behaviours per run. Exit status 1 when any case of any run is not OK or INFORMATIONAL (in
behaviour or close behaviour; NON-STRICT counts as not passing, as in .ci/wstest.py), or a run
left no report.

    python .ci/conformance.py --outdir wstest-results/ci [--only client-twisted]

What runs where, and why. A full run (517 cases) costs ~700 s of CPU on this machine, 98% of it
in the 216 compression cases (12.*, 13.*: 1,000 messages each, up to 128 KiB, deflated both ways
by wstest's Python 2.7 and by us); the other 301 cases, 9.* (limits, performance) included, cost
~10 s. So:

- the full set runs twice, on asyncio, crossed: our server with NVX on, our client with NVX off.
  Each direction and each NVX setting meets every compression case once; compression is the
  sans-IO core's (autobahn.websocket.sansio, _deflate), the same under every framework, and
  asyncio's adapter is the thinnest path to it.
- every other combination runs the 301 uncompressed cases: asyncio's other two pairings, and
  Twisted (on the asyncio reactor, as autobahn.testee runs it), uvloop and aiofastnet's transports
  in both directions with NVX on and off. The quick set (247) against our server on all four is
  also tests/test_wstest.py.
- all four full pairings on any framework: ``just wstest-full [FRAMEWORK]`` (and wstest.yml).
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

RUNNER = Path(__file__).resolve().parent / "wstest.py"

# (framework, direction, AUTOBAHN_USE_NVX, case set); the two long runs first, so they run side by side.
PLAN = [
    ("asyncio", "server", "1", "full"),
    ("asyncio", "client", "0", "full"),
    ("asyncio", "server", "0", "uncompressed"),
    ("asyncio", "client", "1", "uncompressed"),
    *[
        (framework, direction, nvx, "uncompressed")
        for framework in ("twisted", "asyncio-uvloop", "asyncio-aiofastnet")
        for direction in ("server", "client")
        for nvx in ("1", "0")
    ],
]
BEHAVIOURS = ["OK", "NON-STRICT", "INFORMATIONAL", "UNIMPLEMENTED", "FAILED"]
PASSING = ("OK", "INFORMATIONAL")


def run_name(framework: str, direction: str, nvx: str, mode: str) -> str:
    return f"{direction}-{framework}-nvx{nvx}-{mode}"


def report_index(outdir: Path, direction: str) -> Path:
    index = outdir / "reports" / ("clients" if direction == "client" else "servers") / "index.json"
    return index if index.exists() else outdir / "reports" / "index.json"


def tally(index: Path) -> tuple[collections.Counter, list[str]]:
    """Cases per behaviour (the worse of behaviour and close behaviour), and the cases not passing."""
    [cases] = json.loads(index.read_text()).values()
    counts: collections.Counter = collections.Counter()
    failing = []
    for case_id, case in cases.items():
        behaviour, close = case["behavior"], case["behaviorClose"]
        rank = {b: i for i, b in enumerate(BEHAVIOURS)}
        counts[max((behaviour, close), key=lambda b: rank.get(b, len(BEHAVIOURS)))] += 1
        if behaviour not in PASSING or close not in PASSING:
            failing.append(f"{case_id}={behaviour}/{close}")
    return counts, failing


def one_run(outroot: Path, framework: str, direction: str, nvx: str, mode: str) -> tuple[Any, list[str], float]:
    """Runs wstest once; (cases per behaviour or None, the cases not passing, seconds)."""
    name = run_name(framework, direction, nvx, mode)
    outdir = (outroot / name).resolve()
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, str(RUNNER), direction, "--framework", framework, "--mode", mode, "--outdir", str(outdir)],
        env={**os.environ, "AUTOBAHN_USE_NVX": nvx},
        capture_output=True,
        text=True,
        timeout=3600,  # bounded: a stuck run fails the leg instead of holding CI
    )
    seconds = time.monotonic() - started
    index = report_index(outdir, direction)
    if not index.exists():
        return None, [f"no report: {result.stdout[-1500:]} {result.stderr[-1500:]}"], seconds
    counts, failing = tally(index)
    if result.returncode != 0 and not failing:
        failing = [f"wstest.py exited {result.returncode}: {result.stdout[-1500:]} {result.stderr[-1500:]}"]
    print(f"{name}: {sum(counts.values())} cases, {dict(counts)}, {seconds:.0f} s", flush=True)
    return counts, failing, seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--outdir", type=Path, required=True)
    parser.add_argument("--only", help="only the runs whose name contains this, e.g. client-twisted or nvx0-full")
    parser.add_argument("--parallel", type=int, default=2, help="runs at a time (default 2: one per core here)")
    args = parser.parse_args()
    plan = [p for p in PLAN if not args.only or args.only in run_name(*p)]
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(args.parallel) as pool:
        futures = [pool.submit(one_run, args.outdir, *p) for p in plan]
        results = [f.result() for f in futures]

    print(f"\nAutobahn|Testsuite conformance, {time.monotonic() - started:.0f} s in all")
    print("(cases by the worse of behaviour and close behaviour; a run's seconds include waiting for a core)")
    print(" | ".join(["framework", "direction", "NVX", "set", "cases", *BEHAVIOURS, "seconds"]))
    bad_runs = 0
    for (framework, direction, nvx, mode), (counts, failing, seconds) in zip(plan, results, strict=True):
        counts = counts or collections.Counter()
        cells = [framework, direction, "on" if nvx == "1" else "off", mode, str(sum(counts.values()))]
        print(" | ".join(cells + [str(counts[b]) for b in BEHAVIOURS] + [f"{seconds:.0f}"]))
        if failing:
            bad_runs += 1
            print(f"  not passing: {' '.join(failing)}")
    print(f"conformance: {bad_runs} of {len(plan)} runs with cases not passing")
    return 1 if bad_runs or not plan else 0


if __name__ == "__main__":
    sys.exit(main())
