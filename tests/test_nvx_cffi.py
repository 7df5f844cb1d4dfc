"""NVX through CFFI (PyPy's binding, autobahn.websocket._nvx_cffi) with its real thresholds:
a message cut into chunks on both sides of the threshold hands its state (a code point split
across chunks, the mask position) between the pure-Python and the native path, and every
call must answer exactly what the pure-Python classes answer. (The `impl` fixture's
`nvx-cffi` runs every other test with all calls on the native path.)"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autobahn._switch import REQUIRED, read_switch
from autobahn.websocket import HAS_NVX
from autobahn.websocket._utf8validator_py import Utf8Validator as PyUtf8Validator
from autobahn.websocket._xormasker_py import XorMasker as PyXorMasker

if not HAS_NVX:
    pytest.skip("NVX is not built into this installation", allow_module_level=True)
if read_switch("AUTOBAHN_USE_NVX") == REQUIRED:
    from autobahn.websocket import _nvx_cffi
else:
    _nvx_cffi = pytest.importorskip("autobahn.websocket._nvx_cffi")

UTF8_FROM = _nvx_cffi.UTF8_NATIVE_FROM
MASK_FROM = _nvx_cffi.MASK_NATIVE_FROM
TEXT = ("aé€😀" * 2000).encode()  # 1-, 2-, 3- and 4-byte code points
BAD = [b"\xed\xa0\x80", b"\xc0\x80", b"\xf5", b"\xe0\x80", b"\xf4\x90\x80\x80", b"\x80"]


def chunk_sizes(limit: int) -> st.SearchStrategy[list[int]]:
    """Sizes on both sides of a threshold `limit`, including 0 and exactly `limit`."""
    around = st.sampled_from([0, 1, 2, 3, limit - 1, limit, limit + 1, 2 * limit + 3])
    return st.lists(st.one_of(around, st.integers(0, 3 * limit)), min_size=1, max_size=12)


def cut(data: bytes, sizes: list[int]) -> list[bytes]:
    chunks, at = [], 0
    for size in sizes:
        chunks.append(data[at : at + size])
        at += size
    return [*chunks, data[at:]]


@settings(max_examples=60, deadline=None)
@given(
    sizes=chunk_sizes(UTF8_FROM),
    start=st.integers(0, 6),
    bad=st.sampled_from([None, *BAD]),
    bad_at=st.integers(0, 3 * UTF8_FROM),
    kind=st.sampled_from([bytes, bytearray, memoryview]),
)
def test_validate_across_the_threshold_matches_pure_python(sizes, start, bad, bad_at, kind):
    data = TEXT[start : start + 4 * UTF8_FROM]
    if bad is not None:
        data = data[:bad_at] + bad + data[bad_at:]
    ours, pure = _nvx_cffi.Utf8Validator(), PyUtf8Validator()
    for chunk in cut(data, sizes):
        assert ours.validate(kind(chunk)) == pure.validate(chunk)
    ours.reset()
    pure.reset()
    assert ours.validate(TEXT[:UTF8_FROM]) == pure.validate(TEXT[:UTF8_FROM])


@settings(max_examples=60, deadline=None)
@given(sizes=chunk_sizes(MASK_FROM), inplace=st.booleans())
def test_mask_across_the_threshold_matches_pure_python(sizes, inplace):
    data = bytes(range(256)) * (4 * MASK_FROM // 256 + 1)
    mask = b"\x12\x34\x56\x78"
    ours, pure = _nvx_cffi.XorMasker(mask), PyXorMasker(mask)
    for chunk in cut(data, sizes):
        if inplace:
            mine, theirs = bytearray(chunk), bytearray(chunk)
            ours.process_inplace(mine)
            pure.process_inplace(theirs)
            assert mine == theirs
        else:
            assert ours.process(chunk) == pure.process(chunk)
        assert ours.pointer() == pure.pointer()
