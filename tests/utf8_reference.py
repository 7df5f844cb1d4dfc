"""A deliberately simple byte-at-a-time UTF-8 DFA (Hoehrmann's semantics): the test oracle.

It shares no code with either implementation; ``bytes.decode`` cross-checks its verdicts.
"""

from __future__ import annotations

from collections.abc import Iterable

# For each lead byte: number of continuation bytes, then the allowed range of the first one.
_RULES: dict[int, tuple[int, int, int]] = {}
for _b in range(0xC2, 0xE0):
    _RULES[_b] = (1, 0x80, 0xBF)
for _b in range(0xE0, 0xF0):
    _RULES[_b] = (2, 0xA0 if _b == 0xE0 else 0x80, 0x9F if _b == 0xED else 0xBF)
for _b in range(0xF0, 0xF5):
    _RULES[_b] = (3, 0x90 if _b == 0xF0 else 0x80, 0x8F if _b == 0xF4 else 0xBF)


def reference(chunks: Iterable[bytes]) -> list[tuple[bool, bool, int, int]]:
    """What validate() must return for each chunk of a message, in order."""
    results = []
    need, lo, hi = 0, 0x80, 0xBF
    total = 0
    failed_at = None
    for chunk in chunks:
        if failed_at is not None:
            results.append((False, False, 0, failed_at))
            continue
        for i, byte in enumerate(chunk):
            if need == 0:
                if byte < 0x80:
                    continue
                if byte not in _RULES:
                    failed_at = total + i
                    break
                need, lo, hi = _RULES[byte]
            else:
                if not lo <= byte <= hi:
                    failed_at = total + i
                    break
                need, lo, hi = need - 1, 0x80, 0xBF
        if failed_at is not None:
            results.append((False, False, failed_at - total, failed_at))
        else:
            total += len(chunk)
            results.append((True, need == 0, len(chunk), total))
    return results
