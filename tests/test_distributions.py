"""Distributions, built for real (slow: `python -m pytest -m slow`, or `just test-dist` and
`just test-flatc-source`):

* the sdist and the wheel, built from a clean clone and installed into fresh virtual
  environments (the sdist with --no-binary), install the same files with the same bytes
  (binaries aside), and both pass the smoke test with NVX and flatc;
* flatc compiled by the build hook from Debian's FlatBuffers source package.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow
BINARY_SUFFIXES = (".so", ".pyd", ".dylib", ".exe")
BUILD_ENV = {"AUTOBAHN_USE_NVX": "1", "AUTOBAHN_BUNDLE_FLATC": "1"}


def sh(*cmd: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [str(c) for c in cmd], cwd=cwd, env={**os.environ, **(env or {})}, capture_output=True, text=True
    )
    assert result.returncode == 0, f"{cmd} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


def venv(path: Path) -> Path:
    sh(sys.executable, "-m", "venv", path)
    return path / "bin" / "python"


def installed_files(python: Path) -> dict[str, bytes]:
    """Every file of the installed autobahn package: relative path -> content."""
    location = sh(python, "-c", "import autobahn, os; print(os.path.dirname(autobahn.__file__))", cwd=Path("/")).strip()
    package = Path(location)
    return {
        str(p.relative_to(package)): p.read_bytes()
        for p in sorted(package.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def is_binary(name: str) -> bool:
    return name.endswith(BINARY_SUFFIXES) or name.startswith("flatc/bin/")


def test_sdist_and_wheel_install_identically(tmp_path):
    clone = tmp_path / "clone"
    sh("git", "clone", "--quiet", ROOT, clone)
    env = {**BUILD_ENV, "CARGO_TARGET_DIR": str(tmp_path / "target")}
    sh(sys.executable, "-m", "hatchling", "build", "-d", tmp_path / "dist", cwd=clone, env=env)
    [sdist] = (tmp_path / "dist").glob("*.tar.gz")
    [wheel] = (tmp_path / "dist").glob("*.whl")

    from_wheel = venv(tmp_path / "venv-wheel")
    sh(from_wheel, "-m", "pip", "install", "--quiet", wheel)
    from_sdist = venv(tmp_path / "venv-sdist")
    sh(from_sdist, "-m", "pip", "install", "--quiet", "--no-binary", "autobahn", sdist, env=env)

    files_wheel, files_sdist = installed_files(from_wheel), installed_files(from_sdist)
    assert sorted(files_wheel) == sorted(files_sdist)
    differing = [name for name in files_wheel if not is_binary(name) and files_wheel[name] != files_sdist[name]]
    assert differing == []
    assert "flatbuffers/reflection.bfbs" in files_wheel
    shipped = (ROOT / "src/autobahn/flatbuffers/reflection.bfbs").read_bytes()
    assert files_wheel["flatbuffers/reflection.bfbs"] == shipped
    for python in (from_wheel, from_sdist):
        print(sh(python, ROOT / ".ci" / "smoke_test.py", "--expect-nvx", "--expect-flatc", cwd=tmp_path))


def test_editable_install_imports_the_fresh_extension(tmp_path):
    clone = tmp_path / "clone"
    sh("git", "clone", "--quiet", ROOT, clone)
    python = venv(tmp_path / "venv")
    env = {**BUILD_ENV, "CARGO_TARGET_DIR": str(tmp_path / "target")}
    sh(python, "-m", "pip", "install", "--quiet", "-e", clone, env=env)
    where = sh(python, "-c", "import autobahn._nvx as n, autobahn.flatc as f; print(n.__file__); print(f.path())",
               cwd=tmp_path).split()  # fmt: skip
    assert where[0].startswith(str(clone / "src" / "autobahn" / "_nvx."))
    assert where[1] == str(clone / "src" / "autobahn" / "flatc" / "bin" / "flatc")
    # Switching NVX off and reinstalling removes the extension from the tree again.
    sh(python, "-m", "pip", "install", "--quiet", "-e", clone, env={**env, "AUTOBAHN_USE_NVX": "0"})
    assert not list((clone / "src" / "autobahn").glob("_nvx.*.so"))
    assert "NVX off" in sh(python, "-m", "autobahn", cwd=tmp_path)


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("apt-get") is None, reason="needs root and apt-get")
def test_flatc_built_from_debian_source(tmp_path):
    sh("bash", ROOT / ".ci" / "fetch-flatbuffers-debian-source.sh", tmp_path / "debian")
    source = (tmp_path / "debian" / "source-dir.txt").read_text().strip()
    clone = tmp_path / "clone"
    sh("git", "clone", "--quiet", ROOT, clone)
    env = {"AUTOBAHN_USE_NVX": "0", "AUTOBAHN_BUNDLE_FLATC": "1", "AUTOBAHN_FLATC_SOURCE": source}
    sh(sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", tmp_path / "dist", cwd=clone, env=env)
    [wheel] = (tmp_path / "dist").glob("*.whl")
    with zipfile.ZipFile(wheel) as zf:
        flatc = tmp_path / "flatc"
        flatc.write_bytes(zf.read("autobahn/flatc/bin/flatc"))
        record = zf.read("autobahn/_build.json").decode()
    flatc.chmod(0o755)
    version = sh(flatc, "--version").strip()
    assert version.startswith("flatc version 2."), version  # Debian bookworm ships FlatBuffers 2.0.8
    assert f"built from {source}" in record
    print(version, hashlib.sha256(flatc.read_bytes()).hexdigest())
