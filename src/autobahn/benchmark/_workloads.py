"""Inputs for the benchmarks: ASCII and mixed multi-byte text of exact sizes, in pools."""

from __future__ import annotations

import random

KiB = 1024
MiB = 1024 * KiB
DEFAULT_SIZES = (16, 125, KiB, 16 * KiB, MiB, 16 * MiB)
POOL_BYTES = 512 * KiB  # at least this much distinct input per cell (branch predictor)
MASK = bytes([0x37, 0xFA, 0x21, 0x3D])


def parse_size(text: str) -> int:
    """``16``, ``1K``, ``16KiB``, ``1M`` ... as a number of bytes."""
    units = {"K": KiB, "M": MiB}
    text = text.strip().upper().removesuffix("B").removesuffix("I")
    if text and text[-1] in units:
        return int(text[:-1]) * units[text[-1]]
    return int(text)


def size_label(size: int) -> str:
    """``16 B``, ``1 KiB``, ``16 MiB``: sizes as the tables show them."""
    for unit, factor in (("MiB", MiB), ("KiB", KiB)):
        if size >= factor and size % factor == 0:
            return f"{size // factor} {unit}"
    return f"{size} B"


# Code points by encoded length; mixed text draws ~44% of its bytes from ASCII.
_TWO = "äöüßéèñçøåłżśžčğışαβγδλμπσωжзийкля"
_THREE = "€→∑≠≤✓中文日本語한국어ไทย"
_FOUR = "😀🚀🎉🐍𝄞𝔸🌍"


def _mixed_chars(rng: random.Random, size: int) -> str:
    out: list[str] = []
    used = 0
    while used < size:
        roll = rng.random()
        if roll < 0.70:
            ch = rng.choice("abcdefghijklmnopqrstuvwxyz      ,.")
        elif roll < 0.80:
            ch = rng.choice(_TWO)
        elif roll < 0.95:
            ch = rng.choice(_THREE)
        else:
            ch = rng.choice(_FOUR)
        out.append(ch)
        used += len(ch.encode())
    return "".join(out)


_ASCII = b"abcdefghijklmnopqrstuvwxyz      ,.ABCDEFGHIJ0123456789"
_BASE_CHARS = 64 * KiB  # longer texts repeat a random base of about this many bytes


def text(kind: str, size: int, rng: random.Random) -> bytes:
    """Valid UTF-8 of exactly ``size`` bytes: ``ascii`` or ``mixed`` (~56% non-ASCII bytes)."""
    if kind == "ascii":
        base = bytes(rng.choices(_ASCII, k=min(size, _BASE_CHARS)))
        return (base * (size // len(base) + 1))[:size] if size else b""
    if kind != "mixed":
        raise ValueError(f"unknown text kind {kind!r}")
    base = _mixed_chars(rng, min(size, _BASE_CHARS)).encode()
    data = (base * (size // len(base) + 1))[:size] if size else b""
    # The cut may split a code point: drop that partial one, pad with ASCII spaces.
    data = data.decode("utf-8", "ignore").encode()
    return data + b" " * (size - len(data))


def pool(kind: str, size: int, pool_bytes: int = POOL_BYTES) -> list[bytes]:
    """Distinct inputs of one kind and size, at least ``pool_bytes`` together (>= 2 of them)."""
    rng = random.Random(f"{kind}-{size}")
    count = max(2, -(-pool_bytes // size))
    return [text(kind, size, rng) for _ in range(count)]


def binary_pool(size: int, pool_bytes: int = POOL_BYTES) -> list[bytes]:
    """Random payloads for masking (XOR does not care about content, only sizes and count)."""
    rng = random.Random(size)
    count = max(2, -(-pool_bytes // size)) if size else 2
    return [rng.randbytes(size) for _ in range(count)]
