"""Installing from a checkout leaves it as it was (slow: `python -m pytest -m slow`).

`pip install .` builds in the source tree; cargo's target directory (hundreds of MB) must not
land there (hatch_build.py gives cargo a temporary one unless CARGO_TARGET_DIR is set). An
editable install leaves only its own, gitignored, outputs (the extension module, the build
record, the bundled flatc) in src/autobahn/.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow

# What an editable install places in the tree, all listed in .gitignore.
EDITABLE_OUTPUTS = {"src/autobahn/_build.json", "src/autobahn/_nvx.abi3.so"}


def sh(*cmd: str | Path, cwd: Path, env: dict[str, str]) -> str:
    result = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, f"{cmd} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


def untracked(clone: Path, env: dict[str, str]) -> set[str]:
    """Every path git does not track, ignored ones included (directories as their files)."""
    out = sh("git", "status", "--porcelain", "--ignored", "--untracked-files=all", cwd=clone, env=env)
    return {line[3:] for line in out.splitlines()}


@pytest.fixture
def clone_and_env(tmp_path):
    clone = tmp_path / "clone"
    env = {k: v for k, v in os.environ.items() if k != "CARGO_TARGET_DIR"}  # the default is what users get
    env.update(AUTOBAHN_USE_NVX="1", AUTOBAHN_BUNDLE_FLATC="0", PIP_DISABLE_PIP_VERSION_CHECK="1")
    sh("git", "clone", "--quiet", ROOT, clone, cwd=tmp_path, env=env)
    assert untracked(clone, env) == set()
    return clone, env


def test_pip_install_dot_leaves_the_checkout_clean(clone_and_env, tmp_path):
    clone, env = clone_and_env
    site = tmp_path / "site"
    sh(sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", site, ".", cwd=clone, env=env)
    assert list((site / "autobahn").glob("_nvx.*")), "the build did not include NVX"
    assert untracked(clone, env) == set()


def test_editable_install_leaves_only_its_ignored_outputs(clone_and_env, tmp_path):
    clone, env = clone_and_env
    sh(sys.executable, "-m", "venv", tmp_path / "venv", cwd=tmp_path, env=env)
    python = tmp_path / "venv" / "bin" / "python"
    sh(python, "-m", "pip", "install", "-q", "--no-deps", "-e", ".", cwd=clone, env=env)
    left = {p for p in untracked(clone, env) if "__pycache__" not in p}
    assert left == EDITABLE_OUTPUTS
