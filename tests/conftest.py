"""Every test that takes the ``impl`` fixture runs once per implementation: pure Python
(``py``) and NVX with each kernel set this CPU supports (``nvx-scalar``, ``nvx-avx2``, ...),
so no kernel goes untested. ``nvx-cffi`` is NVX called through CFFI (what PyPy uses, see
``autobahn.websocket._nvx_cffi``) with every call sent to the native path.

When NVX is not installed the ``nvx`` runs are skipped, unless AUTOBAHN_USE_NVX requires
NVX (as CI does), in which case ``test_guard.py`` fails loudly instead.

Every test that takes the ``framework`` fixture runs once on asyncio and once on Twisted
(both on one event loop, see tests/frameworks.py; Twisted is in the ``test`` extra, so a
missing Twisted fails those runs instead of skipping them).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import frameworks
import pytest
from skip_summary import pytest_terminal_summary  # noqa: F401  (the skipped integration groups, at the end)

from autobahn._switch import REQUIRED, read_switch
from autobahn.websocket import HAS_NVX
from autobahn.websocket._frames_py import FrameParser as PyFrameParser
from autobahn.websocket._utf8validator_py import Utf8Validator as PyUtf8Validator
from autobahn.websocket._xormasker_py import XorMasker as PyXorMasker


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

LOOPS = ["asyncio", "uvloop"]


@pytest.fixture(params=LOOPS)
def event_loop_policy(request: pytest.FixtureRequest) -> Iterator[str]:
    """Runs a test's ``asyncio.run()`` on the default event loop, then on uvloop (asyncio
    modules use it through ``pytestmark``). uvloop is in the test extra: missing, it fails."""
    if request.param == "asyncio":
        yield "asyncio"
        return
    import asyncio

    import uvloop

    previous = asyncio.get_event_loop_policy()
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    try:
        yield "uvloop"
    finally:
        asyncio.set_event_loop_policy(previous)


# --- frameworks: asyncio and Twisted ---------------------------------------------------------

# Before anything imports twisted.internet.reactor (which would install the default reactor).
frameworks.install_twisted_reactor()


@pytest.fixture(scope="session", autouse=True)
def _stop_twisted_reactor_at_the_end() -> Iterator[None]:
    yield
    frameworks.stop_twisted_reactor()


@pytest.fixture(params=frameworks.frameworks())
def framework(request: pytest.FixtureRequest) -> frameworks.Framework:
    return frameworks.load(request.param)
