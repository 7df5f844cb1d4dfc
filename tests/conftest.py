"""Every test that takes the ``impl`` fixture runs once per implementation: pure Python
(``py``) and NVX with each kernel set this CPU supports (``nvx-scalar``, ``nvx-avx2``, ...),
so no kernel goes untested. ``nvx-cffi`` is NVX called through CFFI (what PyPy uses, see
``autobahn.websocket._nvx_cffi``) with every call sent to the native path.

When NVX is not installed the ``nvx`` runs are skipped, unless AUTOBAHN_USE_NVX requires
NVX (as CI does), in which case ``test_guard.py`` fails loudly instead.

Every test that takes the ``framework`` fixture runs on asyncio, on asyncio with uvloop and on
Twisted (on one event loop, see tests/frameworks.py; Twisted is in the ``test`` extra, so a
missing Twisted fails those runs instead of skipping them). With AUTOBAHN_TWISTED_REACTOR=epoll
it runs on Twisted's default (epoll) reactor instead (tests/test_twisted_default_reactor.py).

A platform leg whose interpreter cannot install a package of the ``test`` extra names it in
AUTOBAHN_TESTS_WITHOUT with the reason; the tests that need it are skipped there with that
reason (the block "test dependencies a platform leg cannot install" below).
"""

from __future__ import annotations

import dataclasses
import importlib.util
import os
import re
from collections.abc import Iterator
from typing import Any

import frameworks
import pytest
import skip_summary
from hypothesis import settings
from skip_summary import pytest_sessionfinish, pytest_terminal_summary  # noqa: F401  (skips: summary, CI)

from autobahn._switch import REQUIRED, read_switch
from autobahn.websocket import HAS_NVX
from autobahn.websocket._frames_py import FrameParser as PyFrameParser
from autobahn.websocket._utf8validator_py import Utf8Validator as PyUtf8Validator
from autobahn.websocket._xormasker_py import XorMasker as PyXorMasker

# --- hypothesis: no deadlines -----------------------------------------------------------------------
# How long an example takes says more about the machine's load than about the code (speed belongs in
# benchmarks/): a deadline would fail correct tests on a busy machine. Tests' own settings() leave it.
settings.register_profile("autobahn", deadline=None)
settings.load_profile("autobahn")

# Under emulation (the aarch64 leg runs the NEON tests in qemu, where an example costs ~100x) the
# leg sets AUTOBAHN_EMULATED=1 and the properties that ask for many examples take a quarter of them.
EXAMPLES_SCALE = 0.25 if os.environ.get("AUTOBAHN_EMULATED") == "1" else 1.0


def examples(wanted: int) -> int:
    """max_examples for a property that wants ``wanted`` examples on this run's machine."""
    return max(50, round(wanted * EXAMPLES_SCALE))


# --- test dependencies a platform leg cannot install --------------------------------------------
# Every package of the `test` extra is needed: where one is missing, the tests that use it fail. A
# platform leg whose interpreter cannot install one (no wheel for its ABI, and an sdist that does not
# build there) names its module in AUTOBAHN_TESTS_WITHOUT, one "module: reason" a line (see
# .ci/test-platforms.sh); the tests that need it are then skipped, naming the module and the reason.


def _tests_without() -> dict[str, str]:
    declared = {}
    for line in os.environ.get("AUTOBAHN_TESTS_WITHOUT", "").splitlines():
        if not line.strip():
            continue
        module, colon, reason = line.partition(":")
        if not colon or not module.strip() or not reason.strip():
            raise pytest.UsageError(f'AUTOBAHN_TESTS_WITHOUT: "{line.strip()}" is not "module: reason"')
        declared[module.strip()] = reason.strip()
    return declared


TESTS_WITHOUT = _tests_without()


def left_out(module: str) -> str | None:
    """Why this run has no ``module`` (dotted names: their top-level package); None: it must import."""
    reason = TESTS_WITHOUT.get(module.partition(".")[0])
    return None if reason is None else f"needs {module}, which this run leaves out: {reason}"


def needs(*modules: str) -> pytest.MarkDecorator:
    """A ``skipif`` marker for a test (or a ``pytest.param``) that needs ``modules``: skipped only
    where the run leaves one of them out."""
    reasons = [reason for module in modules if (reason := left_out(module))]
    return pytest.mark.skipif(bool(reasons), reason="; ".join(reasons))


def pytest_sessionstart(session: pytest.Session) -> None:
    # A module declared left out that imports after all: the declaration is stale, and its tests
    # would be skipped for nothing.
    for module in TESTS_WITHOUT:
        if importlib.util.find_spec(module) is not None:
            raise pytest.UsageError(f"AUTOBAHN_TESTS_WITHOUT names {module}, but it is installed")


# --- implementations of the hot path ----------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Impl:
    """One implementation of the hot-path primitives and the frame parser (NVX: with one
    kernel set)."""

    name: str
    Utf8Validator: Any
    XorMasker: Any
    FrameParser: Any = None
    kernels: str | None = None  # NVX kernel set, selected while the test runs


PY = Impl("py", PyUtf8Validator, PyXorMasker, PyFrameParser)


def _nvx_impls() -> list[Impl]:
    if not HAS_NVX:
        return []
    from autobahn import nvx

    return [Impl(f"nvx-{k}", nvx.Utf8Validator, nvx.XorMasker, nvx.FrameParser, k) for k in nvx.supported_kernels()]


def _cffi_impls() -> list[Impl]:
    if not HAS_NVX:
        return []
    try:
        from autobahn.websocket import _nvx_cffi
    except ImportError:  # cffi is missing: part of PyPy, and of the test extra elsewhere
        if read_switch("AUTOBAHN_USE_NVX") == REQUIRED:
            raise
        return []

    class Utf8Validator(_nvx_cffi.Utf8Validator):
        native_from = 0

    class XorMasker(_nvx_cffi.XorMasker):
        native_from = inplace_native_from = 0

    # The pure frame parser, so that every byte goes through the CFFI validator and masker.
    return [Impl("nvx-cffi", Utf8Validator, XorMasker, PyFrameParser)]


class KernelCoverage:
    """Counts the passed tests of each NVX kernel set (``impl`` ids ``nvx-<set>``) and ends the run
    saying which sets this CPU ran and which the build has but no test ran: the ``impl`` fixture
    only offers the sets the CPU supports (``supported_kernels()``), so on a CPU without, say,
    AVX-512 the AVX-512 kernels go untested, and the run says so. (cargo test, tests/test_rust.py,
    filters its kernel tests by the same CPU check.)"""

    KERNEL_ID = re.compile(r"[\[-]nvx-(\w+)(?=[\]-])")

    def __init__(self) -> None:
        self.passed: dict[str, int] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "call" and report.passed:
            for kernels in set(self.KERNEL_ID.findall(report.nodeid)) - {"cffi"}:
                self.passed[kernels] = self.passed.get(kernels, 0) + 1

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not HAS_NVX or not (self.passed or skip_summary.in_ci()):
            return
        from autobahn import nvx

        info = nvx.build_info()
        compiled, supported = info["simd_compiled"], info["simd_supported"]
        terminalreporter.section(f"NVX kernel sets on this CPU ({info['target_arch']})")
        terminalreporter.write_line(f"compiled: {', '.join(compiled)}")
        tested = [f"{k} ({self.passed[k]} passed)" for k in compiled if k in self.passed]
        terminalreporter.write_line(f"tested: {', '.join(tested) or 'none'}")
        unsupported = [k for k in compiled if k not in supported]
        if unsupported:
            terminalreporter.write_line(
                f"compiled but NOT exercised (this CPU lacks them): {', '.join(unsupported)}", yellow=True
            )
        idle = [k for k in supported if k not in self.passed]
        if idle:
            terminalreporter.write_line(f"supported here but used by no test of this run: {', '.join(idle)}")


def pytest_configure(config: pytest.Config) -> None:
    skip_summary.configure(config)
    config.pluginmanager.register(KernelCoverage(), "autobahn-kernel-coverage")


NVX_IMPLS = _nvx_impls() + _cffi_impls()
IMPLS = [*NVX_IMPLS, PY] if NVX_IMPLS else [Impl("nvx", None, None), PY]


@pytest.fixture(params=IMPLS, ids=[i.name for i in IMPLS])
def impl(request: pytest.FixtureRequest) -> Iterator[Impl]:
    chosen: Impl = request.param
    if chosen.kernels is None:
        if chosen.Utf8Validator is None:
            pytest.skip("NVX is not built into this installation")
        yield chosen
        return
    from autobahn import nvx

    previous = nvx.select_kernels(chosen.kernels)
    try:
        yield chosen
    finally:
        nvx.select_kernels(previous)


# --- WAMP: the Crossbar.io router (autobahn._crossbar), one per test session ---------------------


def require_router(router: str) -> None:
    """Skip (or, under AUTOBAHN_REQUIRE_CROSSBAR=1 as in CI, fail) when a router installation is missing."""
    import os

    from autobahn import _crossbar

    if _crossbar.crossbar_executable(router) is None:
        reason = f"{router} is not installed in {_crossbar.venv_path(router)} ({_crossbar.setup_command(router)})"
        if os.environ.get("AUTOBAHN_REQUIRE_CROSSBAR") == "1":
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture(scope="session", params=["crossbar", "crossbar-on-ours"])
def crossbar_router(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A Crossbar router on free 127.0.0.1 ports (see autobahn._crossbar.Router), once on Crossbar with the
    original autobahn and once on Crossbar with our package in its place. Skips when that installation is
    missing (.ci/setup-crossbar.sh, .ci/setup-crossbar-ours.sh), unless AUTOBAHN_REQUIRE_CROSSBAR=1 (CI):
    then the tests fail."""
    from autobahn import _crossbar

    require_router(request.param)
    router = _crossbar.Router(tmp_path_factory.mktemp(request.param), router=request.param)
    try:
        yield router
    finally:
        router.stop()


# --- event loops: the default one and uvloop ----------------------------------------------------

LOOPS = ["asyncio", pytest.param("uvloop", marks=needs("uvloop"))]


@pytest.fixture(params=LOOPS)
def event_loop_policy(request: pytest.FixtureRequest) -> Iterator[str]:
    """Runs a test's ``asyncio.run()`` on the default event loop, then on uvloop (asyncio
    modules use it through ``pytestmark``). uvloop is in the test extra: missing, it fails
    (unless the run leaves it out)."""
    if request.param == "asyncio":
        yield "asyncio"
        return
    import asyncio

    import uvloop

    # asyncio.run() through a Runner with uvloop's loop factory, not an event loop policy: the
    # policies are deprecated from Python 3.14 (a DeprecationWarning, an error under our filters).
    def run_on_uvloop(main: Any, *, debug: bool | None = None) -> Any:
        with asyncio.Runner(debug=debug, loop_factory=uvloop.new_event_loop) as runner:
            assert isinstance(runner.get_loop(), uvloop.Loop)
            return runner.run(main)

    original_run = asyncio.run
    asyncio.run = run_on_uvloop  # type: ignore[assignment]
    try:
        yield "uvloop"
    finally:
        asyncio.run = original_run


# --- frameworks: asyncio and Twisted ---------------------------------------------------------

# Before anything imports twisted.internet.reactor (which would install the default reactor).
frameworks.install_twisted_reactor()


@pytest.fixture(scope="session", autouse=True)
def _stop_twisted_reactor_at_the_end() -> Iterator[None]:
    yield
    frameworks.stop_twisted_reactor()
    frameworks.close_aiofastnet_loop()


@pytest.fixture(params=[pytest.param(name, marks=needs(*frameworks.needs(name))) for name in frameworks.frameworks()])
def framework(request: pytest.FixtureRequest) -> frameworks.Framework:
    if request.param == "twisted-epoll" and not getattr(request.module, "FRAMEWORK_NEUTRAL", False):
        pytest.skip("this module talks to Twisted through asyncio, so it runs on the asyncio reactor only")
    return frameworks.load(request.param)
