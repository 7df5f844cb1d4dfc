"""Where NVX through CFFI starts to beat pure Python under PyPy: the measurement behind the
``*_NATIVE_FROM`` thresholds of ``autobahn.websocket._nvx_cffi``.

    pypy3 benchmarks/pypy_thresholds.py [--target-ms 60] [--repeats 7]

Times, per size from 16 B to 16 KiB, the CFFI classes with every call sent to the native
path (threshold 0) against the pure-Python classes, with the benchmark's own timing (pools
of distinct inputs, best of N calibrated runs) and prints the ratio. The threshold is the
smallest size from which the native path wins at that size and every larger one.
(Measured 2026-12-01, PyPy 3.11.17 / 8.0.1, x86-64 with AVX2, a busy shared 2-core machine, two
runs: native won from 128 / 256 B for mixed UTF-8, 256 / 512 B for ASCII, 64 / 128 B for
process(), 16 / 16 B for process_inplace().)
"""

from __future__ import annotations

import argparse

from autobahn.benchmark import _timing, _workloads
from autobahn.benchmark._workloads import MASK, size_label
from autobahn.websocket import _nvx_cffi
from autobahn.websocket._utf8validator_py import Utf8Validator as PyUtf8Validator
from autobahn.websocket._xormasker_py import XorMasker as PyXorMasker


class NativeUtf8Validator(_nvx_cffi.Utf8Validator):
    native_from = 0


class NativeXorMasker(_nvx_cffi.XorMasker):
    native_from = inplace_native_from = 0


def cases(size: int):
    mixed = _workloads.pool("mixed", size)
    binary = _workloads.binary_pool(size, pool_bytes=2 * size)
    yield "utf8 mixed", mixed, NativeUtf8Validator().validate, PyUtf8Validator().validate
    yield "utf8 ascii", _workloads.pool("ascii", size), NativeUtf8Validator().validate, PyUtf8Validator().validate
    yield "mask", binary, NativeXorMasker(MASK).process, PyXorMasker(MASK).process
    arrays = [bytearray(b) for b in binary]
    yield "mask_inplace", arrays, NativeXorMasker(MASK).process_inplace, PyXorMasker(MASK).process_inplace


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target-ms", type=float, default=60.0)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    sizes = [16 << k for k in range(11)]  # 16 B .. 16 KiB
    ratios: dict[str, dict[int, float]] = {}
    print("| case | size | native via CFFI ns | pure ns | pure / native |")
    print("|---|---:|---:|---:|---:|")
    for size in sizes:
        for name, pool, native, pure in cases(size):
            t_native = _timing.measure(native, pool, args.target_ms, args.repeats).best_ns
            t_pure = _timing.measure(pure, pool, args.target_ms, args.repeats).best_ns
            ratios.setdefault(name, {})[size] = t_pure / t_native
            print(f"| {name} | {size_label(size)} | {t_native:,.0f} | {t_pure:,.0f} | {t_pure / t_native:.2f}× |")
    print()
    for name, by_size in ratios.items():
        wins_from = next((s for s in sizes if all(by_size[t] >= 1 for t in sizes if t >= s)), None)
        print(f"{name}: native wins from {size_label(wins_from) if wins_from else 'beyond 16 KiB'}")


if __name__ == "__main__":
    main()
