"""autobahn.nvx as a package with autobahn's submodules: ``_utf8validator`` and ``_xormasker``
give NVX's kernels under autobahn's names (checked against the pure-Python twins on every
kernel set), ``_compile_args`` autobahn's C compiler flag policy."""

from __future__ import annotations

import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autobahn._switch import REQUIRED, read_switch
from autobahn.websocket import HAS_NVX
from autobahn.websocket._utf8validator_py import Utf8Validator as PyUtf8Validator
from autobahn.websocket._xormasker_py import XorMasker as PyXorMasker

if not HAS_NVX:
    if read_switch("AUTOBAHN_USE_NVX") == REQUIRED:
        raise AssertionError("AUTOBAHN_USE_NVX requires NVX, but it is not built")
    pytest.skip("NVX is not built into this installation", allow_module_level=True)

from autobahn import nvx  # noqa: E402
from autobahn.nvx import _compile_args, _utf8validator, _xormasker  # noqa: E402

KERNELS = nvx.supported_kernels()


@pytest.fixture(params=KERNELS, scope="module")
def kernels(request):
    previous = nvx.select_kernels(request.param)
    yield request.param
    nvx.select_kernels(previous)


def test_package_keeps_its_exports():
    assert set(nvx.__all__) >= {"FrameParser", "Utf8Validator", "XorMasker", "build_info", "select_kernels"}
    if sys.implementation.name == "pypy":  # reached through CFFI there, as autobahn.websocket does
        from autobahn.websocket import _nvx_cffi

        assert _utf8validator.Utf8Validator is _nvx_cffi.Utf8Validator
    else:
        assert _utf8validator.Utf8Validator is nvx.Utf8Validator


# Text that is valid, invalid, and cut inside code points, in fragments.
fragments = st.lists(
    st.one_of(st.text(max_size=40).map(lambda s: s.encode()), st.binary(max_size=40)), min_size=1, max_size=6
)


@settings(max_examples=200, deadline=None)
@given(chunks=fragments)
def test_utf8validator_matches_the_pure_twin(kernels, chunks):
    ours, pure = _utf8validator.Utf8Validator(), PyUtf8Validator()
    for chunk in chunks:
        assert ours.validate(chunk) == pure.validate(chunk)
    ours.reset(), pure.reset()
    assert ours.validate(b"caf\xc3") == pure.validate(b"caf\xc3") == (True, False, 4, 4)


@settings(max_examples=200, deadline=None)
@given(mask=st.binary(min_size=4, max_size=4), chunks=st.lists(st.binary(max_size=300), min_size=1, max_size=5))
def test_xormasker_flavours_match_the_pure_twin(kernels, mask, chunks):
    total = sum(map(len, chunks))
    for masker in (
        _xormasker.create_xor_masker(mask),
        _xormasker.create_xor_masker(mask, total),
        _xormasker.XorMaskerNvx(mask, use_simd=False),
        _xormasker.XorMaskerSimple(mask),
        _xormasker.XorMaskerShifted1(mask),
    ):
        pure = PyXorMasker(mask)
        for chunk in chunks:
            assert masker.process(chunk) == pure.process(chunk)
            buf, expected = bytearray(chunk), bytearray(chunk)
            masker.process_inplace(buf), pure.process_inplace(expected)
            assert buf == expected
        assert masker.pointer() == pure.pointer() == 2 * total
        masker.reset()
        assert masker.pointer() == 0


def test_xormasker_factory_picks_autobahns_flavour():
    assert type(_xormasker.create_xor_masker(b"abcd")) is _xormasker.XorMaskerSimple
    assert type(_xormasker.create_xor_masker(b"abcd", 127)) is _xormasker.XorMaskerSimple
    assert type(_xormasker.create_xor_masker(b"abcd", 128)) is _xormasker.XorMaskerShifted1
    assert not _xormasker.XorMaskerSimple(b"abcd").use_simd and _xormasker.XorMaskerShifted1(b"abcd").use_simd
    with pytest.raises(ValueError):
        _xormasker.XorMaskerNvx(b"abc")
    with pytest.raises(TypeError):
        _xormasker.XorMaskerSimple(b"abcd").process("text")


@pytest.mark.parametrize(
    "platform_name, env, expected",
    [
        ("linux-x86_64", {}, "-march=x86-64-v2"),
        ("linux-aarch64", {"AUTOBAHN_ARCH_TARGET": "safe"}, "-march=armv8-a"),
        ("macosx-11.0-arm64", {}, "-march=armv8-a"),
        ("linux-riscv64", {}, None),
        ("linux-x86_64", {"AUTOBAHN_ARCH_TARGET": "native"}, "-march=native"),
    ],
)
def test_compile_args_policy(monkeypatch, platform_name, env, expected):
    monkeypatch.setattr(_compile_args.sys, "platform", "linux")
    monkeypatch.setattr(_compile_args.sysconfig, "get_platform", lambda: platform_name)
    monkeypatch.delenv("AUTOBAHN_ARCH_TARGET", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    args = _compile_args.get_compile_args()
    assert args[:4] == ["-std=c99", "-Wall", "-Wno-strict-prototypes", "-O3"]
    assert args[4:] == ([expected] if expected else [])


def test_compile_args_on_windows_and_wheel_detection(monkeypatch):
    monkeypatch.setattr(_compile_args.sys, "platform", "win32")
    assert _compile_args.get_compile_args() == ["/O2", "/W3"]
    for name in ("CI", "CIBUILDWHEEL", "AUDITWHEEL_PLAT", "AUTOBAHN_WHEEL_BUILD"):
        monkeypatch.delenv(name, raising=False)
    assert not _compile_args.is_building_wheel()
    monkeypatch.setenv("AUTOBAHN_WHEEL_BUILD", "1")
    assert _compile_args.is_building_wheel()
