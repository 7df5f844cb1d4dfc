"""Guards: NVX must be loaded when AUTOBAHN_USE_NVX requires it, and the selection must
follow the switch at run time (checked in fresh interpreters)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

import autobahn.websocket
from autobahn._switch import REQUIRED, read_switch

# The module NVX's classes come from where it is selected: on PyPy the CFFI binding.
NVX_MODULE = "autobahn.websocket._nvx_cffi" if sys.implementation.name == "pypy" else "autobahn.nvx"


def test_nvx_loaded_when_required():
    if read_switch("AUTOBAHN_USE_NVX") == REQUIRED:
        assert autobahn.websocket.HAS_NVX, autobahn.websocket.NVX_REASON
        assert autobahn.websocket.USES_NVX
        from autobahn.websocket.utf8validator import Utf8Validator
        from autobahn.websocket.xormasker import XorMasker

        assert Utf8Validator.__module__ == XorMasker.__module__ == NVX_MODULE
    elif not autobahn.websocket.HAS_NVX:
        pytest.skip("NVX not built; run with AUTOBAHN_USE_NVX=1 to make this a failure")


def selection(value: str | None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("AUTOBAHN_USE_NVX", None)
    if value is not None:
        env["AUTOBAHN_USE_NVX"] = value
    code = (
        "import autobahn.websocket as w\n"
        "from autobahn.websocket.utf8validator import Utf8Validator\n"
        "from autobahn.websocket.xormasker import create_xor_masker\n"
        "print(w.HAS_NVX, w.USES_NVX, Utf8Validator.__module__, type(create_xor_masker(b'abcd')).__module__)\n"
    )
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)


@pytest.mark.parametrize("value", ["0", "false", " NO ", "Off"])
def test_off_selects_pure_python(value):
    result = selection(value)
    assert result.returncode == 0, result.stderr
    has_nvx = str(autobahn.websocket.HAS_NVX)
    assert result.stdout.split() == [
        has_nvx,
        "False",
        "autobahn.websocket._utf8validator_py",
        "autobahn.websocket._xormasker_py",
    ]


@pytest.mark.parametrize("value", [None, "", "auto", "AUTO", "1", "yes"])
def test_auto_and_required_select_nvx_when_built(value):
    if not autobahn.websocket.HAS_NVX:
        pytest.skip("NVX not built")
    result = selection(value)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", NVX_MODULE, NVX_MODULE]


@pytest.mark.parametrize("value", ["2", "maybe", "enabled"])
def test_bad_value_is_a_clear_error(value):
    result = selection(value)
    assert result.returncode != 0
    assert "AUTOBAHN_USE_NVX" in result.stderr
    assert "accepted values" in result.stderr


def test_required_without_nvx_raises_import_error_naming_the_switch():
    # Hide the native module in a fresh interpreter to see what a pure install does.
    env = dict(os.environ, AUTOBAHN_USE_NVX="1")
    code = "import sys; sys.modules['autobahn._nvx'] = None\nimport autobahn.websocket\n"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "ImportError" in result.stderr
    assert "AUTOBAHN_USE_NVX" in result.stderr
    assert "Rust toolchain" in result.stderr


def test_kernel_selection():
    if not autobahn.websocket.HAS_NVX:
        pytest.skip("NVX not built")
    from autobahn import nvx

    supported = nvx.supported_kernels()
    assert supported[0] == "scalar"
    # import chose the best one
    assert nvx.build_info()["simd"] == supported[-1] or os.environ.get("AUTOBAHN_NVX_SIMD")
    previous = nvx.select_kernels("scalar")
    try:
        assert nvx.build_info()["simd"] == "scalar"
        with pytest.raises(ValueError, match="unknown kernel"):
            nvx.select_kernels("avx1024")
    finally:
        nvx.select_kernels(previous)


@pytest.mark.parametrize("value", ["scalar", "SCALAR", "bogus"])
def test_simd_environment_variable(value):
    if not autobahn.websocket.HAS_NVX:
        pytest.skip("NVX not built")
    env = dict(os.environ, AUTOBAHN_NVX_SIMD=value)
    code = "from autobahn import nvx; print(nvx.build_info()['simd'])"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    if value == "bogus":
        assert result.returncode != 0
        assert "AUTOBAHN_NVX_SIMD" in result.stderr and "unknown kernel" in result.stderr
    else:
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "scalar"
