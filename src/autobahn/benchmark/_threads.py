"""Parallel scaling: NVX releases the GIL for inputs of at least ``gil_release_min_bytes``
(build_info), so threads validating or masking large messages run on separate cores."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from autobahn.benchmark import _workloads


def throughput(threads: int, size: int, operation: str, seconds: float = 1.0) -> float:
    """Aggregate GB/s of ``threads`` threads, each with its own object and input."""
    from autobahn import nvx

    done = [0] * threads
    start_line = threading.Barrier(threads + 1)
    stop = threading.Event()

    def worker(index: int) -> None:
        call: Callable[[Any], object]
        data: bytes | bytearray
        if operation == "utf8":
            call, data = nvx.Utf8Validator().validate, _workloads.pool("mixed", size)[index % 2]
        else:
            call, data = (
                nvx.XorMasker(_workloads.MASK).process_inplace,
                bytearray(_workloads.binary_pool(size)[index % 2]),
            )
        start_line.wait()
        count = 0
        while not stop.is_set():
            call(data)
            count += 1
        done[index] = count

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    start_line.wait()
    began = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for thread in pool:
        thread.join()
    return sum(done) * size / (time.perf_counter() - began) / 1e9


def report(size: int = 1 << 20) -> None:
    for operation in ("utf8", "mask_inplace"):
        one = max(throughput(1, size, operation) for _ in range(3))
        two = max(throughput(2, size, operation) for _ in range(3))
        print(f"{operation:<12} {size >> 10} KiB: 1 thread {one:6.1f} GB/s, 2 threads {two:6.1f} GB/s, ", end="")
        print(f"scaling {two / one:.2f}x")
