""".ci/conformance.py's verdict: a case that is not OK or INFORMATIONAL, in behaviour or in close
behaviour, fails the run (NON-STRICT included); the table counts each case once, by the worse."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

RUNNER = Path(__file__).resolve().parent.parent / ".ci" / "conformance.py"


def _load() -> Any:
    if not RUNNER.exists():
        pytest.skip(".ci/conformance.py is not here (not a checkout)")
    spec = importlib.util.spec_from_file_location("conformance_runner", RUNNER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_case_not_passing_is_named_and_counted_by_the_worse_behaviour(tmp_path):
    conformance = _load()
    cases = {
        "1.1.1": ("OK", "OK"),
        "7.1.6": ("INFORMATIONAL", "INFORMATIONAL"),
        "6.4.1": ("NON-STRICT", "OK"),
        "12.1.1": ("OK", "FAILED"),
        "5.1": ("UNIMPLEMENTED", "OK"),
    }
    index = tmp_path / "index.json"
    index.write_text(json.dumps({"agent": {k: {"behavior": b, "behaviorClose": c} for k, (b, c) in cases.items()}}))
    counts, failing = conformance.tally(index)
    assert dict(counts) == {"OK": 1, "INFORMATIONAL": 1, "NON-STRICT": 1, "FAILED": 1, "UNIMPLEMENTED": 1}
    assert sorted(failing) == ["12.1.1=OK/FAILED", "5.1=UNIMPLEMENTED/OK", "6.4.1=NON-STRICT/OK"]


def test_the_plan_runs_the_full_set_in_both_directions_and_with_nvx_on_and_off():
    plan = _load().PLAN
    full = [(direction, nvx) for _, direction, nvx, mode in plan if mode == "full"]
    assert {d for d, _ in full} == {"server", "client"} and {n for _, n in full} == {"1", "0"}
    frameworks = {f for f, *_ in plan}
    assert frameworks == {"asyncio", "asyncio-uvloop", "asyncio-aiofastnet", "twisted"}
    # every framework in both directions with NVX on and off, at least the uncompressed cases
    assert {(f, d, n) for f, d, n, _ in plan} == {
        (f, d, n) for f in frameworks for d in ("server", "client") for n in ("1", "0")
    }
