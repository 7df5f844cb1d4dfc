"""Pure-Python incremental UTF-8 validator: the twin of NVX's ``Utf8Validator`` (rust/utf8.rs).

Speed comes from CPython's own C-level machinery, never a per-byte Python loop:
``bytes.isascii()`` skips ASCII chunks, and the UTF-8 codec (``codecs.utf_8_decode``
with ``final=False``) checks everything else and leaves a code point split across chunks
unconsumed. Only the at most 3 bytes of such a split code point, and the few bytes after
the start of an error, are looked at in Python to reproduce the exact failure positions of
Hoehrmann's UTF-8 DFA (``ED A0 80`` fails at ``A0``, ``F5`` at ``F5``, ``C0 80`` at ``C0``).
"""

from __future__ import annotations

from codecs import utf_8_decode

from autobahn.websocket._buffers import readable

# Imported for type checkers only: `typing` costs milliseconds at import, which every
# `import autobahn.websocket` would pay (see the import-time goal in benchmarks/).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def _pending_after_lead(lead: int) -> tuple[int, int, int] | None:
    """(continuation bytes owed, lowest, highest allowed next byte) after a lead byte;
    None for bytes that never start a sequence (80..BF, C0, C1, F5..FF)."""
    if 0xC2 <= lead <= 0xDF:
        return (1, 0x80, 0xBF)
    if 0xE0 <= lead <= 0xEF:
        if lead == 0xE0:
            return (2, 0xA0, 0xBF)  # no overlong 3-byte forms
        if lead == 0xED:
            return (2, 0x80, 0x9F)  # no UTF-16 surrogates
        return (2, 0x80, 0xBF)
    if 0xF0 <= lead <= 0xF4:
        if lead == 0xF0:
            return (3, 0x90, 0xBF)  # no overlong 4-byte forms
        if lead == 0xF4:
            return (3, 0x80, 0x8F)  # nothing above U+10FFFF
        return (3, 0x80, 0xBF)
    return None


def _feed(pending: tuple[int, int, int], data: Any, start: int, stop: int) -> tuple[tuple[int, int, int] | None, int]:
    """Feed data[start:stop] into an unfinished code point.

    Returns (what is still owed, or None when complete; index where it stopped). A byte
    that does not fit stops it early with the pending state unchanged at that index."""
    need, lo, hi = pending
    i = start
    while i < stop:
        byte = data[i]
        if byte < lo or byte > hi:
            return (need, lo, hi), i
        need -= 1
        i += 1
        if not need:
            return None, i
        lo, hi = 0x80, 0xBF
    return (need, lo, hi), i


class Utf8Validator:
    """Incremental UTF-8 validator (see ``autobahn.websocket.utf8validator``)."""

    __slots__ = ("_total", "_pending", "_failed_at")

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Forget all input: start a new message."""
        self._total = 0
        self._pending: tuple[int, int, int] | None = None
        self._failed_at = -1

    def _fail(self, index: int) -> tuple[bool, bool, int, int]:
        self._failed_at = self._total + index
        return (False, False, index, self._failed_at)

    def validate(self, ba: Any) -> tuple[bool, bool, int, int]:
        """Validate the next chunk: returns (valid, endsOnCodePoint, currentIndex, totalIndex)."""
        if self._failed_at >= 0:
            return (False, False, 0, self._failed_at)
        buf = readable(ba, "Utf8Validator.validate()")
        size = len(buf)
        start = 0
        if self._pending is not None:
            # Finish the code point the previous chunk left open.
            stop = min(self._pending[0], size)
            self._pending, start = _feed(self._pending, buf, 0, stop)
            if self._pending is not None:
                if start < stop:  # a byte that cannot continue the code point
                    return self._fail(start)
                self._total += size  # the chunk ended before the code point did
                return (True, False, size, self._total)
        elif type(buf) is not memoryview and buf.isascii():
            self._total += size
            return (True, True, size, self._total)
        rest = memoryview(buf)[start:] if start else buf
        try:
            _, consumed = utf_8_decode(rest, "strict", False)
        except UnicodeDecodeError as exc:
            return self._fail(start + self._failing_byte(rest, exc.start))
        consumed += start
        if consumed < size:
            # The chunk ends inside a code point: CPython left it unconsumed; it may still be
            # invalid (CPython accepts e.g. a trailing ED A0 as incomplete), so check it here.
            pending = _pending_after_lead(buf[consumed])
            if pending is None:  # cannot happen with CPython's codec; fail safe, not silently
                return self._fail(consumed)
            pending, stop = _feed(pending, buf, consumed + 1, size)
            if stop < size:
                return self._fail(stop)
            self._pending = pending
        self._total += size
        return (True, self._pending is None, size, self._total)

    @staticmethod
    def _failing_byte(data: Any, start: int) -> int:
        """The DFA's failing index, given the start of the sequence the codec rejected."""
        pending = _pending_after_lead(data[start])
        if pending is None:
            return start
        _, stop = _feed(pending, data, start + 1, len(data))
        return stop


__all__ = ["Utf8Validator"]
