"""The Rust unit tests (rust/*.rs `#[cfg(test)]`), run as part of the Python suite so one
command tests everything."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(shutil.which("cargo") is None, reason="no Rust toolchain")
def test_cargo_test():
    result = subprocess.run(["cargo", "test", "--locked", "--quiet"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "test result: ok" in result.stdout
