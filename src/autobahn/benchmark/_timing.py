"""Timing machinery: calibrated runs over a rotating pool of distinct input buffers.

Why a pool: repeating one small input lets the CPU's branch predictor learn it, which
inflates branchy code (UTF-8 decoding) up to ~6x; cycling through >= 512 KiB of distinct
buffers gives the realistic figure. Why best-of-N: on a shared machine noise only ever adds
time, so the fastest of several calibrated runs is the best estimate of the true cost.
"""

from __future__ import annotations

import dataclasses
import gc
import itertools
import resource
import time
from collections.abc import Callable, Sequence
from typing import Any


@dataclasses.dataclass
class Timing:
    calls: int  # calls per run
    best_ns: float  # ns per call, fastest run
    median_ns: float  # ns per call, median run
    faults_per_call: float  # minor page faults per call in the fastest run

    def gbps(self, size: int) -> float:
        return size / self.best_ns if self.best_ns else float("inf")


def _minor_faults() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def _run(fn: Callable[..., Any], pool: Sequence[Any], calls: int, extra: tuple[Any, ...]) -> int:
    """One timed run: ``calls`` calls of ``fn(data)``, ``fn(data, x)`` or ``fn(x, data)``.

    Separate loops per calling convention, so no wrapper function adds a Python frame to
    the cost of calling a peer's C function with its own argument order."""
    feed = itertools.islice(itertools.cycle(pool), calls)
    if not extra:
        start = time.perf_counter_ns()
        for data in feed:
            fn(data)
    elif extra[0] == "data_first":
        arg = extra[1]
        start = time.perf_counter_ns()
        for data in feed:
            fn(data, arg)
    else:
        arg = extra[1]
        start = time.perf_counter_ns()
        for data in feed:
            fn(arg, data)
    return time.perf_counter_ns() - start


def measure(
    fn: Callable[..., Any],
    pool: Sequence[Any],
    target_ms: float = 40,
    repeats: int = 5,
    max_cell_s: float = 3.0,
    extra: tuple[Any, ...] = (),
) -> Timing:
    """Time ``fn(data)`` for data cycling through ``pool`` (``extra``: ``("data_first", x)``
    calls ``fn(data, x)``, ``("data_last", x)`` calls ``fn(x, data)``).

    The number of calls per run grows until one run takes ``target_ms``; then ``repeats``
    runs are timed (fewer when a cell would exceed ``max_cell_s``)."""
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        calls = 1
        while True:
            elapsed = _run(fn, pool, calls, extra)
            if elapsed >= target_ms * 1e6 or calls >= 1 << 26:
                break
            calls = max(calls * 2, int(calls * target_ms * 1e6 / max(elapsed, 1) * 1.1))
        runs = max(1, min(repeats, int(max_cell_s * 1e9 / max(elapsed, 1))))
        results = []
        for _ in range(runs):
            faults = _minor_faults()
            elapsed = _run(fn, pool, calls, extra)
            results.append((elapsed, _minor_faults() - faults))
    finally:
        if gc_was_enabled:
            gc.enable()
    results.sort()
    best, best_faults = results[0]
    median = results[len(results) // 2][0]
    return Timing(calls, best / calls, median / calls, best_faults / calls)


def loop_overhead_ns(pool: Sequence[Any]) -> float:
    """Cost of one harness iteration with a trivial call (reported, not subtracted)."""
    return measure(id, pool, target_ms=20).best_ns
