"""The end of a test run names the integration groups that were skipped and the command that
enables each (tests/conftest.py imports the hook), so a newcomer learns that, say, the WAMP
router tests did not run, and how to run them, without reading ``-rs`` output line by line.

Each group is recognised by the reason its tests skip with (the fixtures and modules that
skip say what is missing); skips matching no group are counted as "other".

In CI (``AUTOBAHN_CI=1``: .ci/run and every workflow that runs the tests) a skip is a failure
unless it is explained: either on the short allowlist below (``ALLOWED_IN_CI``, each entry with
its reason, some only on one kind of leg, ``AUTOBAHN_CI_LEG``), or declared by the run itself
(a module the run leaves out, AUTOBAHN_TESTS_WITHOUT, see ``needs`` in tests/conftest.py). Every
skip is then listed with its reason at the end of the run, so a green CI run says what it did not
test.
"""

from __future__ import annotations

import os
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


# --- CI: no silent skip --------------------------------------------------------------------------


@dataclass(frozen=True)
class Allowed:
    reason: re.Pattern[str]  # matched against the skip reason
    why: str  # why CI may skip it, and where what it would check is checked instead
    legs: frozenset[str] = frozenset()  # only on these legs (AUTOBAHN_CI_LEG); empty: on every one


# The legs in .ci/run's Debian sid roots (PyPy 3.11, CPython 3.14; .ci/test-platforms.sh). They test the
# interpreter and the wheel; the integrations set up on the host are tested by the host's legs.
SID_ROOT = frozenset({"sid-root"})
HOST_INTEGRATIONS = "set up on the host only; the host's README command runs them (AUTOBAHN_REQUIRE_* on)"

# The skips a CI run accepts; any other skip fails it. Keep it short: a test that CI cannot run is a
# test that nobody runs.
ALLOWED_IN_CI = [
    Allowed(
        re.compile(r"^Twisted: as in autobahn, backpressure is the application's producer"),
        "by design: on Twisted, as in autobahn, the application's producer is the backpressure "
        "(tests/test_twisted_websocket.py tests it); the asyncio transport's pause_writing hook has no Twisted twin",
    ),
    Allowed(
        re.compile(
            r"^crossbar(-on-ours)? is not installed in "
            r"|^autobahn's examples (are missing in|\(.*\) or crossbar are missing)"
            r"|^the original autobahn (26\.10\.2 )?is not installed in "
        ),
        f"Crossbar.io, autobahn's examples and the original autobahn: {HOST_INTEGRATIONS}",
        SID_ROOT,
    ),
    Allowed(re.compile(r"^wstest not found"), f"Autobahn|Testsuite (Python 2.7): {HOST_INTEGRATIONS}", SID_ROOT),
    Allowed(
        re.compile(
            r"^actionlint not installed|^the (release pipeline|build hook)'s tests need"
            r"|^could not import '(hatchling|maturin|twine)'|^the documentation build needs"
        ),
        f"the build, release, workflow and documentation tools test the checkout: {HOST_INTEGRATIONS}",
        SID_ROOT,
    ),
    Allowed(
        re.compile(r"^the native echo server is built with cargo, on the host legs only"),
        "the echo benchmark's native server (a Rust crate of ~100 dependencies): built and measured on the "
        "host, whose cargo cache persists; a sid root would build it cold on every run",
        SID_ROOT,
    ),
    Allowed(
        re.compile(r"^this interpreter has no tracemalloc"),
        "PyPy has no tracemalloc: the memory bounds are measured on the CPython legs",
        SID_ROOT,
    ),
    Allowed(
        re.compile(r"^the bindings' Rust tests embed "),
        "PyO3 embeds only a CPython with a shared libpython (not the sid roots' PyPy); the host's CPython runs them",
        SID_ROOT,
    ),
    Allowed(
        re.compile(r"^PyPy: tls-unique differs between the two ends \(open\)"),
        "open, known: PyPy's two ends compute different tls-unique IDs (tests/test_transport_details.py says why)",
        SID_ROOT,
    ),
    Allowed(
        re.compile(r"the Twisted child's output is not seen in a full run \(open\)"),
        "open, known: the Twisted Ctrl-C case in the sid roots' full runs (tests/test_user_paths.py; it passes alone)",
        SID_ROOT,
    ),
]

# A skip of a test that needs a module the run declares left out (AUTOBAHN_TESTS_WITHOUT, with its
# reason; tests/conftest.py ``left_out``).
DECLARED = re.compile(r"^needs \S+, which this run leaves out: ")


def in_ci() -> bool:
    return os.environ.get("AUTOBAHN_CI") == "1"


def explanation(reason: str, leg: str | None = None) -> str | None:
    """Why CI may skip a test with this reason on ``leg`` (default: AUTOBAHN_CI_LEG); None: it may not."""
    leg = os.environ.get("AUTOBAHN_CI_LEG", "") if leg is None else leg
    if DECLARED.search(reason):
        return "declared by the run (AUTOBAHN_TESTS_WITHOUT)"
    allowed = next((a for a in ALLOWED_IN_CI if a.reason.search(reason) and (not a.legs or leg in a.legs)), None)
    return None if allowed is None else allowed.why


class SkipLedger:
    """Every skip of the run, test and collection (a module skipped at import) alike, xfails not."""

    def __init__(self) -> None:
        self.skips: list[tuple[str, str]] = []  # (node id, reason)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.skipped and not hasattr(report, "wasxfail"):
            self.skips.append((report.nodeid, skip_reason(report)))

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.skipped:
            self.skips.append((report.nodeid, skip_reason(report)))

    def unexplained(self) -> list[tuple[str, str]]:
        return [(node, reason) for node, reason in self.skips if explanation(reason) is None]


LEDGER = pytest.StashKey[SkipLedger]()


def configure(config: pytest.Config) -> None:
    """Called by tests/conftest.py's pytest_configure."""
    config.stash[LEDGER] = ledger = SkipLedger()
    config.pluginmanager.register(ledger, "autobahn-skip-ledger")


def pytest_configure(config: pytest.Config) -> None:  # for a conftest with no pytest_configure of its own
    configure(config)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # Runs before the terminal summary, which reports the unexplained skips.
    if in_ci() and exitstatus == pytest.ExitCode.OK and session.config.stash[LEDGER].unexplained():
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    ledger = config.stash[LEDGER]
    lines = summary_lines([reason for _, reason in ledger.skips])
    if lines:
        terminalreporter.section("skipped integration groups")
        for line in lines:
            terminalreporter.write_line(line)
    if not in_ci():
        return
    # CI: every skip with its reason, grouped by reason; the unexplained ones fail the run.
    by_reason: dict[str, list[str]] = {}
    for node, reason in ledger.skips:
        by_reason.setdefault(reason, []).append(node)
    terminalreporter.section(f"skips (AUTOBAHN_CI=1): {len(ledger.skips)}")
    if not by_reason:
        terminalreporter.write_line("none")
    for reason, nodes in sorted(by_reason.items()):
        why = explanation(reason)
        verdict = f"allowed: {why}" if why else "NOT ALLOWED in CI (tests/skip_summary.py ALLOWED_IN_CI)"
        terminalreporter.write_line(f"{len(nodes)} x {reason}", red=why is None)
        terminalreporter.write_line(f"    {verdict}", red=why is None)
        terminalreporter.write_line(f"    e.g. {nodes[0]}")
    unexplained = ledger.unexplained()
    if unexplained:
        terminalreporter.write_line(
            f"{len(unexplained)} skip(s) not allowed in CI: the run fails (install what they need, or add "
            "the skip to ALLOWED_IN_CI with its reason)",
            red=True,
            bold=True,
        )
