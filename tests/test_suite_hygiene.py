"""The suite checks itself: read from the test files' syntax trees (nothing is imported or run).

- Every test function checks something. It counts as checking when its body (nested functions
  included: many tests run an ``async def main()``) has an ``assert``, a ``pytest.raises`` /
  ``warns`` / ``fail`` / ``deprecated_call``, or a call to a helper whose name says it checks
  (``assert_*``, ``check_*``, ``expect_*``, ``verify_*``, and ``*_or_fail``), or to a function of
  the same file that checks (by these rules, e.g. a shared ``exchange()``). A test that only
  calls code "to see that it does not raise" must say what the outcome is.
- No timed assertion: an ``assert`` does not read a clock (``time()``, ``monotonic()``,
  ``perf_counter()``, a loop's ``time()``, ``now()``) or a duration variable (``elapsed``, ``duration``);
  durations belong in benchmarks/.
- No hypothesis deadline: ``settings(deadline=...)`` is None or absent (tests/conftest.py's profile).
- No bare ``pytest.raises(Exception)``: a ``raises`` of ``Exception`` or ``BaseException`` names
  the ``match`` it expects.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
CHECKING_CALLS = {"raises", "warns", "fail", "deprecated_call"}
CHECKING_PREFIXES = ("assert", "check", "expect", "verify", "_assert", "_check", "_expect", "_verify")
CLOCKS = {"time", "monotonic", "perf_counter", "monotonic_ns", "perf_counter_ns", "time_ns", "now", "utcnow"}
DURATIONS = {"elapsed", "duration", "took"}


def _test_files() -> list[Path]:
    return sorted(p for p in TESTS.rglob("test_*.py") if "data" not in p.relative_to(TESTS).parts)


def _callee(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _checks(function: ast.AST, checkers: frozenset[str] = frozenset()) -> bool:
    """Whether ``function`` checks; ``checkers``: the names of its file's functions that do."""
    for node in ast.walk(function):
        if isinstance(node, ast.Assert):
            return True
        if isinstance(node, ast.Call):
            name = _callee(node)
            if name in CHECKING_CALLS or name.startswith(CHECKING_PREFIXES) or name.endswith("_or_fail"):
                return True
            if name in checkers:
                return True
    return False


def _checkers(tree: ast.Module) -> frozenset[str]:
    """The module-level functions of a file that check, directly or through one another."""
    functions = {f.name: f for f in tree.body if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)}
    found: frozenset[str] = frozenset()
    while True:  # bounded: each round adds a name or ends
        more = frozenset(name for name, f in functions.items() if _checks(f, found))
        if more == found:
            return found
        found = more


def _test_functions(tree: ast.Module) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    found = []
    for node in tree.body:
        bodies = [node] if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) else []
        if isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            bodies = [n for n in node.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
        found += [f for f in bodies if f.name.startswith("test")]
    return found


def _trees() -> list[tuple[str, ast.Module]]:
    return [(str(p.relative_to(TESTS)), ast.parse(p.read_text(), str(p))) for p in _test_files()]


def test_every_test_function_checks_something():
    unchecked = [
        f"{name}:{f.lineno} {f.name}"
        for name, tree in _trees()
        for f in _test_functions(tree)
        if not _checks(f, _checkers(tree))
    ]
    assert unchecked == []


def _reads_a_clock(expression: ast.AST) -> bool:
    for node in ast.walk(expression):
        if isinstance(node, ast.Call) and _callee(node) in CLOCKS:
            return True
        if isinstance(node, ast.Name) and node.id in DURATIONS:
            return True
    return False


def test_no_assert_reads_a_clock():
    timed = [
        f"{name}:{node.lineno}"
        for name, tree in _trees()
        for node in ast.walk(tree)
        if isinstance(node, ast.Assert) and _reads_a_clock(node.test)
    ]
    assert timed == []


def _is_none(value: ast.expr) -> bool:
    return isinstance(value, ast.Constant) and value.value is None


def test_no_hypothesis_deadline():
    with_deadline = [
        f"{name}:{node.lineno}"
        for name, tree in _trees()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and _callee(node) == "settings"
        and any(k.arg == "deadline" and not _is_none(k.value) for k in node.keywords)
    ]
    assert with_deadline == []


def test_no_bare_raises_exception():
    bare = [
        f"{name}:{node.lineno}"
        for name, tree in _trees()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and _callee(node) == "raises"
        and node.args
        and isinstance(node.args[0], ast.Name)
        and node.args[0].id in {"Exception", "BaseException"}
        and not any(k.arg == "match" for k in node.keywords)
    ]
    assert bare == []


# The rules themselves catch what they name (a rule that finds nothing in anything proves nothing).
RULE_SAMPLES = [
    ("def test_x():\n    f()\n", _checks, False),
    ("def test_x():\n    assert f()\n", _checks, True),
    ("def test_x():\n    async def main():\n        assert await f()\n    run(main())\n", _checks, True),
    ("def test_x():\n    with pytest.raises(ValueError):\n        f()\n", _checks, True),
    ("def test_x():\n    check_round_trip(1)\n", _checks, True),
    ("def helper():\n    assert f()\ndef test_x():\n    helper()\n", "file", True),
    ("def helper():\n    f()\ndef test_x():\n    helper()\n", "file", False),
    ("assert 0.1 < elapsed < 2\n", _reads_a_clock, True),
    ("assert loop.time() - t0 < 2\n", _reads_a_clock, True),
    ("assert data == b''\n", _reads_a_clock, False),
]


@pytest.mark.parametrize(("source", "rule", "expected"), RULE_SAMPLES)
def test_the_rules_catch_what_they_name(source, rule, expected):
    tree = ast.parse(source)
    if rule == "file":
        assert _checks(tree.body[-1], _checkers(tree)) is expected
        return
    subject = tree.body[0] if rule is _checks else tree.body[0].test  # type: ignore[attr-defined]
    assert rule(subject) is expected


def test_ci_skip_rules():
    from skip_summary import explanation

    for leg in ("", "sid-root"):
        assert explanation("needs uvloop, which this run leaves out: no wheel for PyPy", leg) is not None
        assert explanation("Twisted: as in autobahn, backpressure is the application's producer (x)", leg) is not None
        assert explanation("no Rust toolchain", leg) is None
    # What only the host sets up may be missing in the sid roots, not on the host.
    wstest = "wstest not found (set WSTEST, put it on PATH, or run .ci/setup-wstest.sh once)"
    assert explanation(wstest, "") is None
    assert explanation(wstest, "sid-root") is not None
    router = "crossbar is not installed in /var/cache/autobahn-ci/crossbar-venv (bash .ci/setup-crossbar.sh)"
    assert explanation(router, "") is None
    assert explanation(router, "sid-root") is not None


class _Reporter:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def section(self, title: str, **_: object) -> None:
        self.lines.append(f"== {title}")

    def write_line(self, line: str, **_: object) -> None:
        self.lines.append(line)


def test_kernel_summary_names_the_kernels_this_cpu_did_not_run(monkeypatch):
    import conftest

    if not conftest.HAS_NVX:
        pytest.skip("NVX is not built into this installation")
    from autobahn import nvx

    info = {
        "target_arch": "x86_64",
        "simd_compiled": ["scalar", "sse2", "avx2", "avx512"],
        "simd_supported": ["scalar", "sse2", "avx2"],
    }
    monkeypatch.setattr(nvx, "build_info", lambda: info)
    coverage = conftest.KernelCoverage()
    for nodeid in ("t.py::a[nvx-scalar]", "t.py::a[twisted-nvx-avx2-deflate]", "t.py::b[nvx-cffi]", "t.py::c[py]"):
        coverage.pytest_runtest_logreport(pytest.TestReport(nodeid, ("t.py", 1, "a"), {}, "passed", None, "call"))
    reporter = _Reporter()
    coverage.pytest_terminal_summary(reporter)
    assert reporter.lines == [
        "== NVX kernel sets on this CPU (x86_64)",
        "compiled: scalar, sse2, avx2, avx512",
        "tested: scalar (1 passed), avx2 (1 passed)",
        "compiled but NOT exercised (this CPU lacks them): avx512",
        "supported here but used by no test of this run: sse2",
    ]
