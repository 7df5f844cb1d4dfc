"""Every test that takes the ``impl`` fixture runs once per implementation: ``nvx`` and ``py``.

When NVX is not installed the ``nvx`` runs are skipped, unless AUTOBAHN_USE_NVX requires
NVX (as CI does), in which case ``test_guard.py`` fails loudly instead.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from autobahn.websocket import HAS_NVX
from autobahn.websocket._utf8validator_py import Utf8Validator as PyUtf8Validator
from autobahn.websocket._xormasker_py import XorMasker as PyXorMasker


@dataclasses.dataclass(frozen=True)
class Impl:
    """One implementation of the hot-path primitives."""

    name: str
    Utf8Validator: Any
    XorMasker: Any


def _nvx_impl() -> Impl | None:
    if not HAS_NVX:
        return None
    from autobahn import nvx

    return Impl("nvx", nvx.Utf8Validator, nvx.XorMasker)


PY = Impl("py", PyUtf8Validator, PyXorMasker)
NVX = _nvx_impl()


@pytest.fixture(params=["nvx", "py"], scope="session")
def impl(request: pytest.FixtureRequest) -> Impl:
    if request.param == "py":
        return PY
    if NVX is None:
        pytest.skip("NVX is not built into this installation")
    return NVX
