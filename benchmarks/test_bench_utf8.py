"""UTF-8 validation throughput, NVX against pure Python."""

import pytest
from conftest import SIZES, rotating


@pytest.mark.parametrize("kind", ["ascii", "mixed"])
@pytest.mark.parametrize("size", SIZES)
def test_validate(benchmark, impl, workloads, kind, size):
    validator_class, _ = impl
    validate = validator_class().validate
    next_input = rotating(workloads.pool(kind, size))
    benchmark.extra_info["bytes"] = size
    result = benchmark(lambda: validate(next_input()))
    assert result[0] and result[1]
