"""The Rust unit tests (rust/*.rs `#[cfg(test)]`), run as part of the Python suite so one
command tests everything: the kernels, the frame parser and the dispatcher, then the Python
bindings (lib.rs, buffer.rs) with this CPython embedded."""

import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NEEDS_CARGO = pytest.mark.skipif(shutil.which("cargo") is None, reason="no Rust toolchain")


def _cargo_test(*features: str, target_suffix: str = "", **env: str) -> None:
    # cargo's build output goes outside the checkout (CARGO_TARGET_DIR when set), kept for the next run
    target = os.environ.get("CARGO_TARGET_DIR") or str(Path(tempfile.gettempdir(), "autobahn-cargo-test"))
    env = {**os.environ, "CARGO_TARGET_DIR": target + target_suffix, **env}
    command = ["cargo", "test", "--locked", "--quiet", *features]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "test result: ok" in result.stdout
    assert "test result: ok. 0 passed" not in result.stdout.split("running", 2)[1], "no Rust test ran"


@NEEDS_CARGO
def test_cargo_test():
    _cargo_test()


@NEEDS_CARGO
@pytest.mark.skipif(
    sys.implementation.name != "cpython",
    reason=f"the bindings' Rust tests embed CPython (not {sys.implementation.name})",
)
@pytest.mark.skipif(
    not sysconfig.get_config_var("Py_ENABLE_SHARED"),
    reason="the bindings' Rust tests embed CPython's shared libpython, which this CPython lacks (Py_ENABLE_SHARED=0)",
)
def test_cargo_test_of_the_bindings():
    # Built against this interpreter (PYO3_PYTHON), its libpython found where it lives, and its
    # standard library (PYTHONHOME) for the embedded interpreter. A target folder of its own: a
    # different PyO3 configuration than the plain run's would rebuild both each time.
    libdir = sysconfig.get_config_var("LIBDIR") or ""
    _cargo_test(
        "--features",
        "python-tests",
        target_suffix="-python",
        PYO3_PYTHON=sys.executable,
        PYTHONHOME=sys.base_prefix,
        LD_LIBRARY_PATH=os.pathsep.join(p for p in (libdir, os.environ.get("LD_LIBRARY_PATH", "")) if p),
    )
