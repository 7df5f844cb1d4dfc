"""XOR masking of WebSocket payloads (RFC 6455 §5.3) with a mask that continues across calls.

``create_xor_masker(mask, length=None)`` returns a masker of the selected implementation
(NVX or pure Python, see ``autobahn.websocket``; on PyPy, NVX is bound through CFFI, see
``_nvx_cffi``); ``PyXorMasker`` is always the pure one.
A masker has ``process(data) -> bytes`` (input untouched), ``process_inplace(buf)`` for a
bytearray or writable memoryview, ``pointer()`` (bytes since reset) and ``reset()``.
A mask that is not exactly 4 bytes raises ValueError; a non-buffer raises TypeError.
"""

from __future__ import annotations

from autobahn.websocket import NVX_VIA_CFFI, USES_NVX
from autobahn.websocket._buffers import readable, writable
from autobahn.websocket._xormasker_py import XorMasker as PyXorMasker

# Imported for type checkers only: `typing` costs milliseconds at import, which every
# `import autobahn.websocket` would pay (see the import-time goal in benchmarks/).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


if NVX_VIA_CFFI:
    from autobahn.websocket._nvx_cffi import XorMasker
elif USES_NVX:
    from autobahn._nvx import XorMasker  # type: ignore[assignment]
else:
    XorMasker = PyXorMasker  # type: ignore[assignment,misc]

# The names autobahn has always exported for its two masker flavours; one class serves both.
XorMaskerSimple = XorMasker
XorMaskerShifted1 = XorMasker


class XorMaskerNull:
    """A masker that leaves data as it is (unmasked frames), with the same interface."""

    __slots__ = ("_pointer",)

    def __init__(self, mask: Any = None) -> None:
        self._pointer = 0

    def pointer(self) -> int:
        """Bytes processed since creation or the last reset."""
        return self._pointer

    def reset(self) -> None:
        """Start over."""
        self._pointer = 0

    def process(self, data: Any) -> bytes:
        """Return ``data`` as bytes, unchanged."""
        buf = readable(data, "XorMaskerNull.process()")
        self._pointer += len(buf)
        return buf if type(buf) is bytes else bytes(buf)

    def process_inplace(self, data: Any) -> None:
        """Leave the writable buffer ``data`` as it is (only the pointer advances)."""
        self._pointer += len(writable(data, "XorMaskerNull.process_inplace()"))


def create_xor_masker(mask: Any, length: int | None = None) -> XorMasker:
    """A masker for ``mask`` (4 bytes). ``length``, the payload size, is accepted for
    compatibility (autobahn used it to pick a masker flavour); it must be None or >= 0."""
    if length is not None:
        if not isinstance(length, int) or isinstance(length, bool):
            raise TypeError(f"length must be an int or None, not {type(length).__name__}")
        if length < 0:
            raise ValueError(f"length must be >= 0, got {length}")
    return XorMasker(mask)


__all__ = ["create_xor_masker", "XorMasker", "XorMaskerNull", "XorMaskerSimple", "XorMaskerShifted1", "PyXorMasker"]
