"""autobahn's names for the native XOR masker: ``XorMaskerNvx(mask, use_simd=True)``, its
``XorMaskerSimple`` / ``XorMaskerShifted1`` flavours and ``create_xor_masker(mask, length)``.

All are backed by NVX's masker (rust/mask.rs; through CFFI on PyPy, as ``autobahn.websocket``
uses it there): ``process(data) -> bytes``, ``process_inplace(buf)``, ``pointer()``,
``reset()``, as ``autobahn.websocket.xormasker`` describes. NVX picks its SIMD kernel once
per process (``autobahn.nvx.select_kernels``); ``use_simd`` names autobahn's per-masker
choice, which changes no result, and is kept as the attribute ``use_simd``.
ImportError when NVX is not built into this installation."""

from __future__ import annotations

import os
import sys
from typing import Any

from autobahn.nvx._compile_args import get_compile_args

if sys.implementation.name == "pypy":
    from autobahn.websocket._nvx_cffi import XorMasker as _NativeMasker
else:
    from autobahn._nvx import XorMasker as _NativeMasker  # type: ignore[assignment]

# Payload length from which autobahn's factory chose its SIMD flavour.
SIMD_FROM = 128

optional = os.environ.get("AUTOBAHN_USE_NVX") not in ("1", "true")
extra_compile_args = get_compile_args()


class XorMaskerNvx:
    """XOR masker with a 4-byte mask, continuing across calls (ValueError for another length)."""

    __slots__ = ("_masker", "use_simd")

    def __init__(self, mask: Any, use_simd: bool = True) -> None:
        self._masker = _NativeMasker(mask)
        self.use_simd = bool(use_simd)

    def pointer(self) -> int:
        """Bytes processed since creation or the last reset."""
        return self._masker.pointer()

    def reset(self) -> None:
        """Start over at mask byte 0."""
        self._masker.reset()

    def process(self, data: Any) -> bytes:
        """The masked bytes of ``data`` (left untouched)."""
        return self._masker.process(data)

    def process_inplace(self, data: Any) -> None:
        """Mask the writable buffer ``data`` in place."""
        self._masker.process_inplace(data)


class XorMaskerSimple(XorMaskerNvx):
    """autobahn's flavour for short payloads."""

    __slots__ = ()

    def __init__(self, mask: Any) -> None:
        super().__init__(mask, use_simd=False)


class XorMaskerShifted1(XorMaskerNvx):
    """autobahn's flavour for long payloads."""

    __slots__ = ()

    def __init__(self, mask: Any) -> None:
        super().__init__(mask, use_simd=True)


def create_xor_masker(mask: Any, length: int | None = None) -> XorMaskerNvx:
    """A masker for ``mask``: the flavour autobahn chose for a payload of ``length`` bytes
    (``XorMaskerShifted1`` from 128 on, else ``XorMaskerSimple``); both mask alike."""
    if length is None or length < SIMD_FROM:
        return XorMaskerSimple(mask)
    return XorMaskerShifted1(mask)


__all__ = ["XorMaskerNvx", "XorMaskerShifted1", "XorMaskerSimple", "create_xor_masker"]
