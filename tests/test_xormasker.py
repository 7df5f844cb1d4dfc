"""XorMasker: both implementations against a byte-at-a-time reference."""

from __future__ import annotations

import array
import os
import random

import pytest

from autobahn.websocket.xormasker import XorMaskerNull, create_xor_masker

MASK = bytes([0x37, 0xFA, 0x21, 0x3D])


def reference(data: bytes, mask: bytes, pointer: int = 0) -> bytes:
    """RFC 6455 §5.3's rule, octet i XOR mask[(pointer + i) % 4], as one XOR of two big
    integers: a computation no masker uses, and fast enough for megabytes under qemu."""
    key = (mask[pointer % 4 :] + mask[: pointer % 4]) * (len(data) // 4 + 1)
    return (int.from_bytes(data, "big") ^ int.from_bytes(key[: len(data)], "big")).to_bytes(len(data), "big")


@pytest.mark.parametrize("pointer", range(4))
def test_reference_is_the_rule_octet_by_octet(pointer):
    data = os.urandom(1001)
    assert reference(data, MASK, pointer) == bytes(b ^ MASK[(pointer + i) % 4] for i, b in enumerate(data))
    assert reference(b"", MASK, pointer) == b""


PAYLOAD = os.urandom(4096 + 3)


@pytest.mark.parametrize("start", range(4))
def test_every_length_and_start_pointer(impl, start):
    for length in range(301):
        masker = impl.XorMasker(MASK)
        masker.process(b"\0" * start)
        data = PAYLOAD[:length]
        assert masker.process(data) == reference(data, MASK, start), length
        assert masker.pointer() == start + length


@pytest.mark.parametrize("length", [2047, 2048, 2049, 4096 + 3, 65536, (1 << 20) + 5])
@pytest.mark.parametrize("start", range(4))
def test_large(impl, length, start):
    data = (PAYLOAD * (length // len(PAYLOAD) + 1))[:length]
    masker = impl.XorMasker(MASK)
    masker.process(b"x" * start)
    out = masker.process(data)
    assert out == reference(data, MASK, start)
    buf = bytearray(data)
    masker.reset()
    masker.process(b"x" * start)
    masker.process_inplace(buf)
    assert buf == out


def test_random_chunking_continues_the_mask(impl):
    rng = random.Random(5)
    data = PAYLOAD * 3
    for _ in range(50):
        masker, pos, out = impl.XorMasker(MASK), 0, []
        while pos < len(data):
            size = rng.choice((0, 1, 2, 3, 5, 7, 8, 9, 31, 64, 127, 2500))
            out.append(masker.process(data[pos : pos + size]))
            pos += size
        assert b"".join(out) == reference(data, MASK)
        assert masker.pointer() == len(data)


def test_inplace_random_chunking(impl):
    rng = random.Random(7)
    data = bytearray(PAYLOAD)
    masker, pos = impl.XorMasker(MASK), 0
    view = memoryview(data)
    while pos < len(data):
        size = rng.choice((1, 3, 8, 100, 3000))
        masker.process_inplace(view[pos : pos + size])
        pos += size
    assert data == reference(PAYLOAD, MASK)


def test_masking_twice_restores(impl):
    masked = impl.XorMasker(MASK).process(PAYLOAD)
    assert impl.XorMasker(MASK).process(masked) == PAYLOAD


def test_reset_restarts_the_mask(impl):
    masker = impl.XorMasker(MASK)
    first = masker.process(PAYLOAD[:10])
    masker.reset()
    assert masker.pointer() == 0
    assert masker.process(PAYLOAD[:10]) == first


BUFFER_TYPES = {
    "bytes": bytes,
    "bytearray": bytearray,
    "memoryview": memoryview,
    "array-B": lambda b: array.array("B", b),
}


@pytest.mark.parametrize("make", BUFFER_TYPES.values(), ids=BUFFER_TYPES.keys())
@pytest.mark.parametrize("length", [0, 1, 5, 127, 3000])
def test_buffer_types_and_input_untouched(impl, make, length):
    data = PAYLOAD[:length]
    source = make(data)
    out = impl.XorMasker(MASK).process(source)
    assert type(out) is bytes
    assert out == reference(data, MASK)
    assert bytes(source) == data


@pytest.mark.parametrize("offset", range(1, 9))
@pytest.mark.parametrize("length", [7, 64, 2500])
def test_unaligned_memoryviews(impl, offset, length):
    backing = bytearray(PAYLOAD[: offset + length + 8])
    view = memoryview(backing)[offset : offset + length]
    assert impl.XorMasker(MASK).process(view) == reference(bytes(view), MASK)
    impl.XorMasker(MASK).process_inplace(view)
    assert backing[offset : offset + length] == reference(PAYLOAD[offset : offset + length], MASK)
    assert backing[:offset] == PAYLOAD[:offset]
    assert backing[offset + length :] == PAYLOAD[offset + length : offset + length + 8]


def test_multibyte_items_are_masked_as_bytes(impl):
    words = array.array("I", range(100))
    raw = words.tobytes()
    assert impl.XorMasker(MASK).process(words) == reference(raw, MASK)
    impl.XorMasker(MASK).process_inplace(words)
    assert words.tobytes() == reference(raw, MASK)


@pytest.mark.parametrize("mask", [b"", b"abc", b"abcde", bytearray(8)])
def test_mask_of_wrong_length_raises_value_error(impl, mask):
    with pytest.raises(ValueError, match="exactly 4 bytes"):
        impl.XorMasker(mask)


@pytest.mark.parametrize("mask", ["abcd", 1234, None, [1, 2, 3, 4]])
def test_mask_not_a_buffer_raises_type_error(impl, mask):
    with pytest.raises(TypeError):
        impl.XorMasker(mask)


def test_mask_may_be_any_bytes_like(impl):
    for mask in (bytearray(MASK), memoryview(MASK)):
        assert impl.XorMasker(mask).process(b"\0" * 4) == MASK


@pytest.mark.parametrize("bad", ["text", 5, None, [1, 2]])
def test_process_non_buffer_raises_type_error(impl, bad):
    with pytest.raises(TypeError, match="bytes-like"):
        impl.XorMasker(MASK).process(bad)


def test_process_non_contiguous_raises_type_error(impl):
    with pytest.raises(TypeError, match="C-contiguous"):
        impl.XorMasker(MASK).process(memoryview(b"abcdefgh")[::2])


@pytest.mark.parametrize("readonly", [b"abcd", memoryview(b"abcd"), memoryview(bytearray(4)).toreadonly()])
def test_inplace_needs_writable_buffer(impl, readonly):
    masker = impl.XorMasker(MASK)
    with pytest.raises(TypeError, match="writable"):
        masker.process_inplace(readonly)
    assert masker.pointer() == 0


def test_create_xor_masker(impl):
    masker = create_xor_masker(MASK, 100)
    assert masker.process(PAYLOAD[:100]) == reference(PAYLOAD[:100], MASK)
    with pytest.raises(ValueError, match="exactly 4 bytes"):
        create_xor_masker(b"abc")
    with pytest.raises(ValueError, match=">= 0"):
        create_xor_masker(MASK, -1)
    with pytest.raises(TypeError, match="int or None"):
        create_xor_masker(MASK, "100")


def test_null_masker():
    masker = XorMaskerNull()
    assert masker.process(b"abc") == b"abc"
    assert masker.process(bytearray(b"de")) == b"de"
    buf = bytearray(b"xyz")
    masker.process_inplace(buf)
    assert buf == b"xyz"
    assert masker.pointer() == 8
    masker.reset()
    assert masker.pointer() == 0
    with pytest.raises(TypeError):
        masker.process("text")
    with pytest.raises(TypeError, match="writable"):
        masker.process_inplace(b"ro")
