"""XOR masking throughput, NVX against pure Python, copying and in place."""

import pytest
from conftest import SIZES


@pytest.mark.parametrize("size", SIZES)
def test_process(benchmark, impl, workloads, size):
    _, masker_class = impl
    data = workloads.binary_pool(size, pool_bytes=0)[0]
    benchmark.extra_info["bytes"] = size
    out = benchmark(masker_class(workloads.MASK).process, data)
    assert len(out) == size


@pytest.mark.parametrize("size", SIZES)
def test_process_inplace(benchmark, impl, workloads, size):
    _, masker_class = impl
    data = bytearray(workloads.binary_pool(size, pool_bytes=0)[0])
    benchmark.extra_info["bytes"] = size
    benchmark(masker_class(workloads.MASK).process_inplace, data)
