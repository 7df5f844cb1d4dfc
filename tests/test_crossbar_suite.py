"""Crossbar.io's own unit suite (``trial crossbar``, 445 tests) on our package.

The suite runs twice, at once, in the two Crossbar installations (``autobahn._crossbar.ROUTERS``): with
the original autobahn it came with, and with our wheel installed over it. Crossbar subclasses autobahn's
RawSocket and WebSocket protocols, overrides their hooks, reads their attributes and imports less public
modules, so this is the widest check that a real program runs on ours unchanged. Ours must pass at
least as many tests, and no test may fail on ours that passes on the original.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from conftest import require_router

from autobahn import _crossbar

SECTION_RULE = "=" * 79
SUMMARY = re.compile(r"^(PASSED|FAILED) \((.*)\)$", re.M)
TEST_ID = re.compile(r"^crossbar\.[\w.]+$")


def parse_trial_output(output: str) -> tuple[dict[str, int], set[str]]:
    """Trial's summary counts (``successes``, ``failures``, ``errors``, ``skips``, ...) and the ids of the
    tests that failed or raised."""
    match = SUMMARY.search(output)
    assert match, f"no trial summary in the output:\n{output[-3000:]}"
    counts = {key: int(value) for key, value in (item.split("=") for item in match.group(2).split(", "))}
    broken: set[str] = set()
    for section in output.split(SECTION_RULE):
        lines = section.strip().splitlines()
        if lines and lines[0] in ("[FAIL]", "[ERROR]"):
            broken.update(line for line in lines if TEST_ID.match(line))
    return counts, broken


def test_parse_trial_output():
    output = "\n".join(
        [
            "crossbar.a.test.test_x",
            "  T",
            "    test_one ...  [OK]",
            SECTION_RULE,
            "[FAIL]",
            "Traceback (most recent call last):",
            "twisted.trial.unittest.FailTest: 1 != 2",
            "",
            "crossbar.a.test.test_x.T.test_two",
            SECTION_RULE,
            "[ERROR]",
            "builtins.AttributeError: nope",
            "",
            "crossbar.b.test.test_y.U.test_three",
            "crossbar.b.test.test_y.U.test_four",
            "-" * 79,
            "Ran 4 tests in 0.1s",
            "",
            "FAILED (failures=1, errors=2, successes=1)",
        ]
    )
    counts, broken = parse_trial_output(output)
    assert counts == {"failures": 1, "errors": 2, "successes": 1}
    assert broken == {
        "crossbar.a.test.test_x.T.test_two",
        "crossbar.b.test.test_y.U.test_three",
        "crossbar.b.test.test_y.U.test_four",
    }


def test_crossbar_unit_suite_on_ours(tmp_path: Path):
    for router in _crossbar.ROUTERS:
        require_router(router)
    # Both at once (each is mostly one core for ~20 s); trial writes _trial_temp into its working folder.
    runs = {}
    for router in _crossbar.ROUTERS:
        cwd = tmp_path / router
        cwd.mkdir()
        trial = _crossbar.venv_path(router) / "bin" / "trial"
        runs[router] = subprocess.Popen(
            [str(trial), "crossbar"], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
    results = {}
    for router, proc in runs.items():
        output = proc.communicate(timeout=600)[0]
        (tmp_path / f"{router}.log").write_text(output)
        results[router] = parse_trial_output(output)
    (original, original_broken), (ours, ours_broken) = results["crossbar"], results["crossbar-on-ours"]
    print(f"crossbar's unit suite: original {original}, ours {ours}")
    newly_broken = sorted(ours_broken - original_broken)
    assert not newly_broken, f"pass with the original autobahn, fail with ours (logs in {tmp_path}): {newly_broken}"
    assert ours["successes"] >= original["successes"], (original, ours)
