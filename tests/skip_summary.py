"""The end of a test run names the integration groups that were skipped and the command that
enables each (tests/conftest.py imports the hook), so a newcomer learns that, say, the WAMP
router tests did not run, and how to run them, without reading ``-rs`` output line by line.

Each group is recognised by the reason its tests skip with (the fixtures and modules that
skip say what is missing); skips matching no group are counted as "other".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest


@dataclass(frozen=True)
class Group:
    name: str
    reason: re.Pattern[str]  # matched against the skip reason
    enable: str  # the command that makes these tests run


GROUPS = [
    Group(
        "WAMP router tests (Crossbar.io)",
        re.compile(r"crossbar is not installed|or crossbar are missing"),
        "bash .ci/setup-crossbar.sh && bash .ci/fetch-autobahn-examples.sh   (or: just wamp-setup)",
    ),
    Group(
        "WAMP router tests on Crossbar.io running this package",
        re.compile(r"crossbar-on-ours is not installed"),
        "pip wheel --no-deps -w dist/wheel . && bash .ci/setup-crossbar-ours.sh dist/wheel/autobahn-*.whl",
    ),
    Group("conformance tests (Autobahn|Testsuite)", re.compile(r"wstest"), "bash .ci/setup-wstest.sh"),
    Group(
        "release gate and workflow tests",
        re.compile(r"pypiserver|twine|actionlint|needs root and apt-get"),
        "pip install -r .ci/release-tools.txt   (the apt-based ones need root)",
    ),
    Group(
        "NVX (Rust) tests",
        re.compile(r"NVX (is )?not built|autobahn\._nvx|no Rust toolchain"),
        'install a Rust toolchain (https://rustup.rs), then AUTOBAHN_USE_NVX=1 pip install ".[test]"',
    ),
    Group(
        "bundled flatc tests",
        re.compile(r"flatc (is )?not bundled"),
        'AUTOBAHN_BUNDLE_FLATC=1 pip install ".[test]"',
    ),
    Group(
        "documentation build",
        re.compile(r"documentation build needs"),
        'pip install ".[docs]"',
    ),
    Group(
        "build hook tests",
        re.compile(r"^(hatchling|maturin)$|could not import '(hatchling|maturin)'"),
        "pip install hatchling maturin",
    ),
]


def skip_reason(report: pytest.TestReport) -> str:
    """The reason of a skipped test's report (``Skipped: `` taken off)."""
    longrepr = report.longrepr
    text = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    return text.removeprefix("Skipped: ")


def classify(reasons: list[str]) -> tuple[dict[str, int], int]:
    """Skips per group name (groups with none left out), and the number matching no group."""
    counts: dict[str, int] = {}
    other = 0
    for reason in reasons:
        group = next((g for g in GROUPS if g.reason.search(reason)), None)
        if group is None:
            other += 1
        else:
            counts[group.name] = counts.get(group.name, 0) + 1
    return counts, other


def summary_lines(reasons: list[str]) -> list[str]:
    counts, other = classify(reasons)
    lines = []
    for group in GROUPS:
        if group.name in counts:
            lines.append(f"{group.name}: {counts[group.name]} skipped; to run them: {group.enable}")
    if other:
        lines.append(f"other skips: {other} (pytest -rs lists each with its reason)")
    return lines


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    reports = [r for r in terminalreporter.stats.get("skipped", []) if getattr(r, "longrepr", None)]
    lines = summary_lines([skip_reason(r) for r in reports])
    if lines:
        terminalreporter.section("skipped integration groups")
        for line in lines:
            terminalreporter.write_line(line)
