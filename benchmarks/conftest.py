"""pytest-benchmark suite (not part of the default test run): ``python -m pytest benchmarks``.

The same ``impl`` parametrization as tests/: NVX (the kernel set chosen for this CPU) and
pure Python, side by side in one process. For the careful standalone comparison with peers,
tables and plots use ``python -m autobahn.benchmark``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest

from autobahn.benchmark import _workloads
from autobahn.websocket import HAS_NVX
from autobahn.websocket._utf8validator_py import Utf8Validator as PyUtf8Validator
from autobahn.websocket._xormasker_py import XorMasker as PyXorMasker

SIZES = [16, 125, 1024, 16 * 1024, 1024 * 1024]


@pytest.fixture(params=["nvx", "py"])
def impl(request: pytest.FixtureRequest) -> tuple[Any, Any]:
    """(Utf8Validator class, XorMasker class) of one implementation."""
    if request.param == "py":
        return PyUtf8Validator, PyXorMasker
    if not HAS_NVX:
        pytest.skip("NVX not built")
    from autobahn import nvx

    return nvx.Utf8Validator, nvx.XorMasker


def rotating(pool: list[Any]) -> Callable[[], Any]:
    """Next input on each call: distinct buffers keep branch predictors honest."""
    return itertools.cycle(pool).__next__


@pytest.fixture
def workloads():
    return _workloads
