"""Autobahn|Testsuite conformance as .ci/run runs it: every run of PLAN (framework, direction,
NVX switch, case set) through .ci/wstest.py, then one table of the cases' behaviours per run.
Exit status 1 when any case of any run is not OK or INFORMATIONAL (behaviour or close behaviour;
NON-STRICT counts as not passing, as in .ci/wstest.py), or a run left no report.

    python .ci/conformance.py --outdir wstest-results/ci

The full set (517 cases, compression included) runs on asyncio, both directions, NVX on and
off: the conformance is the shared sans-IO core's (autobahn.websocket.sansio) and the asyncio
adapter is the thinnest path to it, so it carries the long run. Twisted and uvloop run the
quick set (all but 9.*, 12.*, 13.*) in the client direction here; the quick set in the server
direction on all three is tests/test_wstest.py, in the README's test command. The full set
takes minutes per run (see the README's figures), so a second framework on it would push
.ci/run past its hour.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import time
from pathlib import Path

RUNNER = Path(__file__).resolve().parent / "wstest.py"

# (framework, direction, AUTOBAHN_USE_NVX, mode)
PLAN = [
    *[("asyncio", direction, nvx, "full") for direction in ("server", "client") for nvx in ("1", "0")],
    *[(framework, "client", nvx, "quick") for framework in ("twisted", "asyncio-uvloop") for nvx in ("1", "0")],
]
BEHAVIOURS = ["OK", "NON-STRICT", "INFORMATIONAL", "UNIMPLEMENTED", "FAILED"]
PASSING = ("OK", "INFORMATIONAL")


def report_index(outdir: Path, direction: str) -> Path:
    index = outdir / "reports" / ("clients" if direction == "client" else "servers") / "index.json"
    return index if index.exists() else outdir / "reports" / "index.json"


def tally(index: Path) -> tuple[collections.Counter, list[str]]:
    """Cases per behaviour (the worse of behaviour and close behaviour), and the failing cases."""
    [cases] = json.loads(index.read_text()).values()
    counts: collections.Counter = collections.Counter()
    failing = []
    for case_id, case in cases.items():
        behaviour, close = case["behavior"], case["behaviorClose"]
        worst = max((behaviour, close), key=lambda b: BEHAVIOURS.index(b) if b in BEHAVIOURS else len(BEHAVIOURS))
        counts[worst] += 1
        if behaviour not in PASSING or close not in PASSING:
            failing.append(f"{case_id}={behaviour}/{close}")
    return counts, failing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--outdir", type=Path, required=True)
    parser.add_argument("--only", help="run only the plan's runs whose name contains this (e.g. client-twisted)")
    args = parser.parse_args()
    rows, bad_runs = [], 0
    for framework, direction, nvx, mode in PLAN:
        name = f"{direction}-{framework}-nvx{nvx}-{mode}"
        if args.only and args.only not in name:
            continue
        outdir = (args.outdir / name).resolve()
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, str(RUNNER), direction, "--framework", framework, "--mode", mode, "--outdir", str(outdir)],
            env={**os.environ, "AUTOBAHN_USE_NVX": nvx},
            capture_output=True,
            text=True,
        )
        seconds = time.monotonic() - started
        index = report_index(outdir, direction)
        if not index.exists():
            print(f"{name}: no report ({result.stdout[-2000:]}{result.stderr[-2000:]})", flush=True)
            rows.append((framework, direction, nvx, mode, None, ["no report"], seconds))
            bad_runs += 1
            continue
        counts, failing = tally(index)
        bad_runs += bool(failing) or result.returncode != 0
        rows.append((framework, direction, nvx, mode, counts, failing, seconds))
        print(f"{name}: {sum(counts.values())} cases, {dict(counts)}, {seconds:.0f} s", flush=True)

    print("\nAutobahn|Testsuite conformance (cases by the worse of behaviour and close behaviour)")
    header = ["framework", "direction", "NVX", "set", "cases", *BEHAVIOURS, "seconds"]
    print(" | ".join(header))
    for framework, direction, nvx, mode, counts, failing, seconds in rows:
        counts = counts or collections.Counter()
        cells = [framework, direction, "on" if nvx == "1" else "off", mode, str(sum(counts.values()))]
        print(" | ".join(cells + [str(counts[b]) for b in BEHAVIOURS] + [f"{seconds:.0f}"]))
        if failing:
            print(f"  not passing: {' '.join(failing)}")
    print(f"conformance: {bad_runs} of {len(rows)} runs with cases not passing")
    return 1 if bad_runs or not rows else 0


if __name__ == "__main__":
    sys.exit(main())
