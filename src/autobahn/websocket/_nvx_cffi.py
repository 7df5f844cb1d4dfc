"""NVX through CFFI, for PyPy: the classes ``autobahn.websocket`` selects there.

On PyPy every call into the PyO3 module ``autobahn._nvx`` goes through PyPy's emulation of
the CPython C API (about 1 µs, plus a copy of each ``bytes`` argument), which makes a 16-byte
``validate()`` 60× slower than the pure-Python validator under PyPy's JIT. CFFI calls cost
the JIT almost nothing, so these classes call the same Rust kernels through the C functions
``autobahn_nvx_utf8_check`` / ``autobahn_nvx_xor`` that ``autobahn._nvx`` exports
(rust/cabi.rs; ABI mode: ``ffi.dlopen`` of that library, no compiler needed).

Below a size threshold a call takes the pure-Python path instead: there the JIT-compiled pure
code beats any foreign call. The thresholds come from ``benchmarks/pypy_thresholds.py`` under
PyPy 3.11 (the smallest size from which the native path won at that size and every larger
one, with a margin; see the README's PyPy section). The classes subclass the pure-Python ones,
so state, results and errors are identical whichever path a call takes.
"""

from __future__ import annotations

from cffi import FFI

import autobahn._nvx as _native
from autobahn.websocket import _utf8validator_py as _pyutf8
from autobahn.websocket import _xormasker_py as _pymask
from autobahn.websocket._buffers import readable, writable

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

ffi = FFI()
ffi.cdef(
    """
    size_t autobahn_nvx_utf8_check(const char *data, size_t len, unsigned char *incomplete);
    void autobahn_nvx_xor(const char *src, char *dst, size_t len, uint32_t mask, uint64_t pointer);
    """
)
lib: Any = ffi.dlopen(_native.__file__)

UTF8_NATIVE_FROM = 512
"""Chunks at least this long are validated by NVX, shorter ones by the pure-Python code
(native won from 128-256 B on mixed text, from 256-512 B on ASCII, which PyPy checks fastest)."""

MASK_NATIVE_FROM = 128
"""``process()`` masks payloads at least this long with NVX (native won from 64-128 B)."""

MASK_INPLACE_NATIVE_FROM = 0
"""``process_inplace()`` always masks with NVX: native won at every size, 16 B included."""

_py_validate = _pyutf8.Utf8Validator.validate
_py_process = _pymask.XorMasker.process
_py_process_inplace = _pymask.XorMasker.process_inplace


class Utf8Validator(_pyutf8.Utf8Validator):
    """Incremental UTF-8 validator (see ``autobahn.websocket.utf8validator``): NVX via CFFI."""

    __slots__ = ("_incomplete",)
    native_from = UTF8_NATIVE_FROM

    def __init__(self) -> None:
        super().__init__()
        self._incomplete = ffi.new("unsigned char *")

    def validate(self, ba: Any) -> tuple[bool, bool, int, int]:
        """Validate the next chunk: returns (valid, endsOnCodePoint, currentIndex, totalIndex)."""
        # `ba`, as autobahn names it: PyPy programs get this class as autobahn's Utf8Validator.
        buf = readable(ba, "Utf8Validator.validate()")
        size = len(buf)
        if size < self.native_from or self._failed_at >= 0:
            return _py_validate(self, buf)
        start = 0
        if self._pending is not None:
            # Finish the code point the previous chunk left open (at most 3 bytes).
            stop = min(self._pending[0], size)
            self._pending, start = _pyutf8._feed(self._pending, buf, 0, stop)
            if self._pending is not None:
                if start < stop:
                    return self._fail(start)
                self._total += size
                return (True, False, size, self._total)
        rest = memoryview(buf)[start:] if start else buf
        count = size - start
        valid = lib.autobahn_nvx_utf8_check(ffi.from_buffer(rest), count, self._incomplete)
        if valid < count:
            if not self._incomplete[0]:
                return self._fail(start + self._failing_byte(rest, valid))
            # Valid so far, but the chunk ends inside a code point: remember what it owes.
            pending = _pyutf8._pending_after_lead(rest[valid])
            assert pending is not None  # the kernel saw a lead byte there
            self._pending, _ = _pyutf8._feed(pending, rest, valid + 1, count)
        self._total += size
        return (True, self._pending is None, size, self._total)


class XorMasker(_pymask.XorMasker):
    """XOR masker with a 4-byte mask, continuing across calls: NVX via CFFI."""

    __slots__ = ("_mask_word",)
    native_from = MASK_NATIVE_FROM
    inplace_native_from = MASK_INPLACE_NATIVE_FROM

    def __init__(self, mask: Any) -> None:
        super().__init__(mask)
        self._mask_word = int.from_bytes(self._mask, "little")

    def process(self, data: Any) -> bytes:
        """Return ``data`` masked as new bytes; ``data`` itself is not modified."""
        buf = readable(data, "XorMasker.process()")
        size = len(buf)
        if size < self.native_from:
            return _py_process(self, buf)
        out = ffi.new("char[]", size)
        lib.autobahn_nvx_xor(ffi.from_buffer(buf), out, size, self._mask_word, self._pointer)
        self._pointer += size
        return ffi.buffer(out, size)[:]

    def process_inplace(self, data: Any) -> None:
        """Mask a bytearray or writable memoryview in place (no copy)."""
        buf = writable(data, "XorMasker.process_inplace()")
        size = len(buf)
        if size < self.inplace_native_from:
            return _py_process_inplace(self, buf)
        ptr = ffi.from_buffer(buf, require_writable=True)
        lib.autobahn_nvx_xor(ptr, ptr, size, self._mask_word, self._pointer)
        self._pointer += size
        return None


__all__ = ["Utf8Validator", "XorMasker", "UTF8_NATIVE_FROM", "MASK_NATIVE_FROM", "MASK_INPLACE_NATIVE_FROM"]
