"""Pure-Python XOR masker: the twin of NVX's ``XorMasker`` (rust/mask.rs).

Two C-level strategies, picked by size (measured on CPython 3.11, see benchmarks/):
small payloads XOR as one big integer (``int.from_bytes`` / ``int.to_bytes``), which has
the lowest fixed cost; from ``TRANSLATE_FROM`` bytes on, each of the four byte lanes
(``buf[k::4]``) goes through ``bytes.translate`` with a 256-byte XOR table, which scales
better (~1.2 GB/s against ~0.7 GB/s for the integer at 1 MiB).
"""

from __future__ import annotations

from autobahn.websocket._buffers import readable, writable

# Imported for type checkers only: `typing` costs milliseconds at import, which every
# `import autobahn.websocket` would pay (see the import-time goal in benchmarks/).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


TRANSLATE_FROM = 2048
"""Payload size from which the lane-wise ``bytes.translate`` beats the big-integer XOR."""


def mask_bytes(mask: Any) -> bytes:
    """The 4 mask bytes of a bytes-like ``mask``; ValueError for any other length."""
    raw = bytes(readable(mask, "XorMasker(mask)"))
    if len(raw) != 4:
        raise ValueError(f"a WebSocket mask must be exactly 4 bytes, got {len(raw)}")
    return raw


_XOR_TABLES: dict[int, bytes] = {}


def _xor_table(key: int) -> bytes:
    """Translation table mapping every byte b to b ^ key (built on first use, 256 at most)."""
    table = _XOR_TABLES.get(key)
    if table is None:
        table = _XOR_TABLES[key] = bytes(b ^ key for b in range(256))
    return table


class XorMasker:
    """XOR masker with a 4-byte mask, continuing across calls."""

    __slots__ = ("_mask", "_pointer")

    def __init__(self, mask: Any) -> None:
        self._mask = mask_bytes(mask)
        self._pointer = 0

    def pointer(self) -> int:
        """Bytes processed since creation or the last reset."""
        return self._pointer

    def reset(self) -> None:
        """Start over at mask byte 0."""
        self._pointer = 0

    def _rotated(self) -> bytes:
        phase = self._pointer & 3
        return self._mask[phase:] + self._mask[:phase]

    def _masked_int(self, data: Any, size: int) -> bytes:
        mask = self._rotated()
        key = int.from_bytes((mask * ((size >> 2) + 1))[:size], "little")
        return (int.from_bytes(data, "little") ^ key).to_bytes(size, "little")

    def _translate_lanes(self, buf: bytearray | memoryview) -> None:
        mask = self._rotated()
        # A bytearray's strided slices are read and written by C loops; a memoryview's go element
        # by element (~20x slower: 28 ms for 1 MiB), so a memoryview is masked in a bytearray
        # copy, which is then copied back (two contiguous copies cost far less).
        work = buf if type(buf) is bytearray else bytearray(buf)
        for lane in range(4):
            work[lane::4] = work[lane::4].translate(_xor_table(mask[lane]))
        if work is not buf:
            buf[:] = work

    def process(self, data: Any) -> bytes:
        """Return ``data`` masked as new bytes; ``data`` itself is not modified."""
        buf = readable(data, "XorMasker.process()")
        size = len(buf)
        if size < TRANSLATE_FROM:
            out = self._masked_int(buf, size) if size else b""
        else:
            work = bytearray(buf)
            self._translate_lanes(work)
            out = bytes(work)
        self._pointer += size
        return out

    def process_inplace(self, data: Any) -> None:
        """Mask a bytearray or writable memoryview in place (no copy)."""
        buf = writable(data, "XorMasker.process_inplace()")
        size = len(buf)
        if size >= TRANSLATE_FROM:
            self._translate_lanes(buf)
        elif size:
            buf[:] = self._masked_int(buf, size)
        self._pointer += size


__all__ = ["XorMasker", "TRANSLATE_FROM", "mask_bytes"]
