"""The Rust unit tests (rust/*.rs `#[cfg(test)]`), run as part of the Python suite so one
command tests everything."""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(shutil.which("cargo") is None, reason="no Rust toolchain")
def test_cargo_test():
    # cargo's build output goes outside the checkout (CARGO_TARGET_DIR when set), kept for the next run
    target = os.environ.get("CARGO_TARGET_DIR") or str(Path(tempfile.gettempdir(), "autobahn-cargo-test"))
    env = {**os.environ, "CARGO_TARGET_DIR": target}
    result = subprocess.run(["cargo", "test", "--locked", "--quiet"], cwd=ROOT, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "test result: ok" in result.stdout
