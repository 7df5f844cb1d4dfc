"""Every test that takes the ``impl`` fixture runs once per implementation: pure Python
(``py``) and NVX with each kernel set this CPU supports (``nvx-scalar``, ``nvx-avx2``, ...),
so no kernel goes untested.

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

from autobahn.websocket import HAS_NVX
from autobahn.websocket._utf8validator_py import Utf8Validator as PyUtf8Validator
from autobahn.websocket._xormasker_py import XorMasker as PyXorMasker


@dataclasses.dataclass(frozen=True)
class Impl:
    """One implementation of the hot-path primitives (NVX: with one kernel set)."""

    name: str
    Utf8Validator: Any
    XorMasker: Any
    kernels: str | None = None  # NVX kernel set, selected while the test runs


PY = Impl("py", PyUtf8Validator, PyXorMasker)


def _nvx_impls() -> list[Impl]:
    if not HAS_NVX:
        return []
    from autobahn import nvx

    return [Impl(f"nvx-{k}", nvx.Utf8Validator, nvx.XorMasker, k) for k in nvx.supported_kernels()]


NVX_IMPLS = _nvx_impls()
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


# Before anything imports twisted.internet.reactor (which would install the default reactor).
frameworks.install_twisted_reactor()


@pytest.fixture(params=frameworks.frameworks())
def framework(request: pytest.FixtureRequest) -> frameworks.Framework:
    return frameworks.load(request.param)
