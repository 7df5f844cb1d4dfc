"""Utf8Validator: both implementations against Markus Kuhn's stress-test categories, every
code point, every split position, and random fragmentations (hypothesis)."""

from __future__ import annotations

import array
import random

import pytest
from conftest import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from utf8_reference import reference


def run(impl, chunks):
    validator = impl.Utf8Validator()
    return [validator.validate(chunk) for chunk in chunks]


def cp(code_point: int) -> bytes:
    return chr(code_point).encode("utf-8", "surrogatepass")


# (name, message, index of the failing byte in the whole message, or None when valid).
# The expected positions are written out by hand (Hoehrmann's DFA), not computed.
KUHN_VECTORS = [
    # 2.1/2.2: first and last code point of each sequence length; 2.3: other boundaries.
    *[(f"boundary U+{c:04X}", cp(c), None) for c in (0x0, 0x7F, 0x80, 0x7FF, 0x800, 0xFFFF, 0x10000, 0x10FFFF)],
    *[(f"boundary U+{c:04X}", cp(c), None) for c in (0xD7FF, 0xE000, 0xFFFD)],
    ("greek kosme", "κόσμε".encode(), None),
    # Above U+10FFFF.
    ("U+110000", b"\xf4\x90\x80\x80", 1),
    ("F7 BF BF BF", b"\xf7\xbf\xbf\xbf", 0),
    # 5- and 6-byte forms (no longer UTF-8).
    ("5-byte first", b"\xf8\x88\x80\x80\x80", 0),
    ("5-byte last", b"\xfb\xbf\xbf\xbf\xbf", 0),
    ("6-byte first", b"\xfc\x84\x80\x80\x80\x80", 0),
    ("6-byte last", b"\xfd\xbf\xbf\xbf\xbf\xbf", 0),
    # 3.1: unexpected continuation bytes.
    ("first continuation 80", b"\x80", 0),
    ("last continuation BF", b"\xbf", 0),
    ("2 continuations", b"\x80\xbf", 0),
    ("continuation after ASCII", b"abc\x80", 3),
    ("all 64 continuations", bytes(range(0x80, 0xC0)), 0),
    # 3.2: lonely start bytes, each followed by a space.
    ("lonely C0", b"\xc0 ", 0),
    ("lonely C2", b"\xc2 ", 1),
    ("lonely DF", b"\xdf ", 1),
    ("lonely E0", b"\xe0 ", 1),
    ("lonely EF", b"\xef ", 1),
    ("lonely F0", b"\xf0 ", 1),
    ("lonely F4", b"\xf4 ", 1),
    ("lonely F8", b"\xf8 ", 0),
    ("lonely FC", b"\xfc ", 0),
    # 3.3/3.4: sequences with the last continuation byte missing, then something else.
    ("truncated 2-byte then ASCII", b"\xc2A", 1),
    ("truncated 3-byte then ASCII", b"\xe1\x80A", 2),
    ("truncated 4-byte then ASCII", b"\xf1\x80\x80A", 3),
    ("truncated 3-byte then lead", b"\xe1\x80\xc2\x80", 2),
    ("concatenated truncated", b"\xc2\xe1\x80\xf1\x80\x80", 1),
    # 3.5: impossible bytes.
    ("FE", b"\xfe", 0),
    ("FF", b"\xff", 0),
    ("FE FE FF FF", b"\xfe\xfe\xff\xff", 0),
    ("FF after text", b"ab\xffcd", 2),
    # 4.1-4.3: overlong forms, including overlong NUL.
    ("overlong / 2-byte", b"\xc0\xaf", 0),
    ("overlong / 3-byte", b"\xe0\x80\xaf", 1),
    ("overlong / 4-byte", b"\xf0\x80\x80\xaf", 1),
    ("overlong / 5-byte", b"\xf8\x80\x80\x80\xaf", 0),
    ("max overlong 2-byte", b"\xc1\xbf", 0),
    ("max overlong 3-byte", b"\xe0\x9f\xbf", 1),
    ("max overlong 4-byte", b"\xf0\x8f\xbf\xbf", 1),
    ("overlong NUL 2-byte", b"\xc0\x80", 0),
    ("overlong NUL 3-byte", b"\xe0\x80\x80", 1),
    ("overlong NUL 4-byte", b"\xf0\x80\x80\x80", 1),
    # 5.1/5.2: single and paired UTF-16 surrogates.
    *[
        (f"surrogate {s.hex()}", s, 1)
        for s in (
            b"\xed\xa0\x80",
            b"\xed\xad\xbf",
            b"\xed\xae\x80",
            b"\xed\xaf\xbf",
            b"\xed\xb0\x80",
            b"\xed\xbe\x80",
            b"\xed\xbf\xbf",
        )
    ],
    ("paired surrogates", b"\xed\xa0\x80\xed\xb0\x80", 1),
    ("surrogate after text", b"x\xed\xbf\xbf", 2),
    # 5.3: noncharacters are valid UTF-8.
    *[(f"noncharacter U+{c:04X}", cp(c), None) for c in (0xFFFE, 0xFFFF, 0xFDD0, 0xFDEF, 0x1FFFE, 0x10FFFF)],
    # Incomplete at the end of the message is valid-so-far, not a failure.
    ("ends inside 2-byte", b"a\xc2", None),
    ("ends inside 4-byte", b"\xf0\x90\x8d", None),
    ("ends with ED 9F", b"\xed\x9f", None),
    ("ends with ED A0 (surrogate prefix)", b"\xed\xa0", 1),
    ("ends with F4 90 (above U+10FFFF prefix)", b"\xf4\x90", 1),
    ("empty", b"", None),
]
IDS = [name for name, _, _ in KUHN_VECTORS]


@pytest.mark.parametrize(("name", "message", "fails_at"), KUHN_VECTORS, ids=IDS)
def test_kuhn_vector_whole(impl, name, message, fails_at):
    [result] = run(impl, [message])
    if fails_at is None:
        valid_end = not message or message.decode("utf-8", "ignore").encode() == message
        assert result == (True, valid_end, len(message), len(message))
    else:
        assert result == (False, False, fails_at, fails_at)
    assert [result] == reference([message])


@pytest.mark.parametrize(("name", "message", "fails_at"), KUHN_VECTORS, ids=IDS)
def test_kuhn_vector_every_split(impl, name, message, fails_at):
    for split in range(len(message) + 1):
        chunks = [message[:split], message[split:]]
        assert run(impl, chunks) == reference(chunks), f"split at {split}"


@pytest.mark.parametrize(("name", "message", "fails_at"), KUHN_VECTORS, ids=IDS)
def test_kuhn_vector_byte_by_byte(impl, name, message, fails_at):
    chunks = [message[i : i + 1] for i in range(len(message))]
    results = run(impl, chunks)
    assert results == reference(chunks)
    if fails_at is not None:
        assert results[fails_at] == (False, False, 0, fails_at)


def test_kuhn_vectors_inside_text(impl):
    """Each vector embedded in surrounding text, so vector kernels see it mid-block."""
    for _, message, fails_at in KUHN_VECTORS:
        for prefix_len in (1, 15, 31, 63, 64, 65, 200):
            whole = b"p" * prefix_len + message + "é tail ".encode() * 20
            [result] = run(impl, [whole])
            assert [result] == reference([whole])
            if fails_at is not None:
                assert result[2] == prefix_len + fails_at


ALL_SCALARS = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF).encode()


def test_every_code_point_whole(impl):
    assert run(impl, [ALL_SCALARS]) == [(True, True, len(ALL_SCALARS), len(ALL_SCALARS))]


def test_every_code_point_random_chunks(impl):
    rng = random.Random(6455)
    chunks, pos = [], 0
    while pos < len(ALL_SCALARS):
        size = rng.choice((1, 2, 3, 5, 17, 64, 1000, 65536))
        chunks.append(ALL_SCALARS[pos : pos + size])
        pos += size
    results = run(impl, chunks)
    assert all(r[0] for r in results)
    assert results[-1] == (True, True, len(chunks[-1]), len(ALL_SCALARS))


@pytest.mark.parametrize("code_point", range(0xD800, 0xE000, 0x3F))
def test_every_surrogate_rejected(impl, code_point):
    for c in range(code_point, min(code_point + 0x3F, 0xE000)):
        assert run(impl, [b"ok" + cp(c)]) == [(False, False, 3, 3)]


def test_failure_is_sticky_until_reset(impl):
    validator = impl.Utf8Validator()
    assert validator.validate(b"ab\xffcd") == (False, False, 2, 2)
    assert validator.validate(b"xyz") == (False, False, 0, 2)
    assert validator.validate(b"") == (False, False, 0, 2)
    validator.reset()
    assert validator.validate(b"xyz") == (True, True, 3, 3)


def test_reset_forgets_a_split_code_point(impl):
    validator = impl.Utf8Validator()
    assert validator.validate(b"\xe2\x82") == (True, False, 2, 2)
    validator.reset()
    assert validator.validate(b"\xac") == (False, False, 0, 0)


def test_totals_accumulate(impl):
    validator = impl.Utf8Validator()
    assert validator.validate(b"abc") == (True, True, 3, 3)
    assert validator.validate("€".encode()[:1]) == (True, False, 1, 4)
    assert validator.validate("€".encode()[1:]) == (True, True, 2, 6)


BUFFER_TYPES = {
    "bytes": bytes,
    "bytearray": bytearray,
    "memoryview": memoryview,
    "memoryview-of-bytearray": lambda b: memoryview(bytearray(b)),
    "unaligned-memoryview": lambda b: memoryview(b"xyz" + b)[3:],
    "array-B": lambda b: array.array("B", b),
}


@pytest.mark.parametrize("make", BUFFER_TYPES.values(), ids=BUFFER_TYPES.keys())
def test_buffer_types(impl, make):
    text = "aé€😀".encode() * 40
    assert run(impl, [make(text)]) == [(True, True, len(text), len(text))]
    assert run(impl, [make(text[:-1])]) == [(True, False, len(text) - 1, len(text) - 1)]
    bad = text + b"\xc0\x80"
    assert run(impl, [make(bad)]) == [(False, False, len(text), len(text))]


def test_multibyte_items_are_read_as_bytes(impl):
    words = array.array("I", [0x41424344] * 4)
    assert run(impl, [words]) == [(True, True, 16, 16)]


@pytest.mark.parametrize("bad", ["text", 42, None, [1, 2], 3.5])
def test_non_buffers_raise_type_error(impl, bad):
    with pytest.raises(TypeError, match="bytes-like"):
        impl.Utf8Validator().validate(bad)


def test_non_contiguous_buffer_raises_type_error(impl):
    with pytest.raises(TypeError, match="C-contiguous"):
        impl.Utf8Validator().validate(memoryview(b"abcdef")[::2])


def test_validate_does_not_modify_input(impl):
    data = bytearray("naïve ☃".encode())
    before = bytes(data)
    impl.Utf8Validator().validate(data)
    assert data == before


# Text that is mostly valid UTF-8 with occasional corruption: where the bugs live.
utf8ish = st.one_of(
    st.binary(max_size=64),
    st.text(max_size=200).map(lambda s: s.encode("utf-8", "surrogatepass")),
    st.tuples(st.text(max_size=100), st.binary(max_size=4), st.text(max_size=100)).map(
        lambda t: t[0].encode("utf-8", "surrogatepass") + t[1] + t[2].encode("utf-8", "surrogatepass")
    ),
)


# The impl fixture only selects a kernel set; sharing it across examples is intended.
@settings(max_examples=examples(400), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(message=utf8ish, cuts=st.lists(st.integers(min_value=0, max_value=400), max_size=6))
def test_random_fragmentation_matches_reference_and_decode(impl, message, cuts):
    points = sorted({min(c, len(message)) for c in cuts})
    chunks = [message[a:b] for a, b in zip([0, *points], [*points, len(message)], strict=False)]
    results = run(impl, chunks)
    assert results == reference(chunks)
    try:
        message.decode("utf-8")
        decodes = True
    except UnicodeDecodeError as exc:
        decodes = False
        # The DFA fails at or after the start of the sequence the codec rejects.
        fail_total = results[-1][3]
        assert fail_total >= exc.start
    # A complete, valid message is exactly what the codec accepts.
    assert (results[-1][0] and results[-1][1]) == decodes
