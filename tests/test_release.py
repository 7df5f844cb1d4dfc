"""The release gate (.ci/artifacts.py) refuses every fault it must catch: a corrupted
artifact, a missing artifact, a platform wheel without NVX or flatc, and re-publishing a
version the index already has (without touching the index). Real sdist and pure wheel,
real package index server on 127.0.0.1."""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from autobahn.testee import wait_until_listening

_RELEASE_TOOLS = "the release pipeline's tests need the release tools (pip install -r .ci/release-tools.txt)"
pytest.importorskip("hatchling", reason=_RELEASE_TOOLS)
pytest.importorskip("twine", reason=_RELEASE_TOOLS)

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / ".ci" / "artifacts.py"
LINUX_SUBSET = "source-distribution,linux-wheels-no-nvx"


def artifacts(*args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, ARTIFACTS, *map(str, args)], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """source-distribution/ and linux-wheels-no-nvx/ as the build workflows upload them."""
    root = tmp_path_factory.mktemp("built")
    env = {**os.environ, "AUTOBAHN_USE_NVX": "0", "AUTOBAHN_BUNDLE_FLATC": "0"}
    for target, folder in (("sdist", "source-distribution"), ("wheel", "linux-wheels-no-nvx")):
        subprocess.run([sys.executable, "-m", "hatchling", "build", "-t", target, "-d", root / folder],
                       cwd=ROOT, env=env, check=True, capture_output=True)  # fmt: skip
        assert artifacts("checksums", root / folder).returncode == 0
    return root


@pytest.fixture
def downloaded(built, tmp_path) -> Path:
    """A fresh copy, as release.yml's download step leaves it."""
    shutil.copytree(built, tmp_path / "downloaded")
    return tmp_path / "downloaded"


def version() -> str:
    return artifacts("version").stdout.strip()


def test_intact_artifacts_pass(downloaded):
    result = artifacts("verify-release", downloaded, "--only", LINUX_SUBSET)
    assert result.returncode == 0, result.stderr
    assert "release gate passed" in result.stdout


def test_one_flipped_byte_is_refused_naming_the_file(downloaded):
    [wheel] = (downloaded / "linux-wheels-no-nvx").glob("*.whl")
    data = bytearray(wheel.read_bytes())
    data[len(data) // 2] ^= 0x01
    wheel.write_bytes(data)
    result = artifacts("verify-release", downloaded, "--only", LINUX_SUBSET)
    assert result.returncode != 0
    assert f"release refused: linux-wheels-no-nvx/{wheel.name}: SHA-256 mismatch" in result.stderr


def test_missing_artifact_is_refused(downloaded):
    shutil.rmtree(downloaded / "linux-wheels-no-nvx")
    result = artifacts("verify-release", downloaded, "--only", LINUX_SUBSET)
    assert result.returncode != 0
    assert "expected artifact linux-wheels-no-nvx (from wheels.yml) is missing" in result.stderr


def test_missing_file_listed_in_checksums_is_refused(downloaded):
    [sdist] = (downloaded / "source-distribution").glob("*.tar.gz")
    sdist.unlink()
    result = artifacts("verify-release", downloaded, "--only", LINUX_SUBSET)
    assert result.returncode != 0
    assert f"{sdist.name}: listed in CHECKSUMS.sha256 but missing" in result.stderr


def rebuild_wheel(source: Path, target: Path, tag: str, extra: dict[str, bytes]) -> None:
    """``source``'s files plus ``extra``, retagged, with a correct RECORD: a well-formed
    wheel that only the content checks can reject."""
    with zipfile.ZipFile(source) as zf:
        files = {n: zf.read(n) for n in zf.namelist() if not n.endswith("RECORD")}
        dist_info = next(n for n in files if n.endswith(".dist-info/WHEEL")).rsplit("/", 1)[0]
    files[f"{dist_info}/WHEEL"] = f"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: false\nTag: {tag}\n".encode()
    files.update(extra)
    rows = []
    for name, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        rows.append(f"{name},sha256={digest},{len(data)}")
    rows.append(f"{dist_info}/RECORD,,")
    files[f"{dist_info}/RECORD"] = ("\n".join(rows) + "\n").encode()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)


@pytest.mark.parametrize(
    ("extra", "complaint"),
    [
        ({"autobahn/flatc/bin/flatc": b"\x7fELF flatc"}, "platform wheel without the NVX extension"),
        ({"autobahn/_nvx.abi3.so": b"\x7fELF nvx"}, "platform wheel without flatc"),
    ],
    ids=["no-nvx", "no-flatc"],
)
def test_platform_wheel_without_nvx_or_flatc_is_refused(downloaded, extra, complaint):
    [pure] = (downloaded / "linux-wheels-no-nvx").glob("*.whl")
    folder = downloaded / "artifacts-manylinux_2_28_x86_64"
    folder.mkdir()
    tag = "cp311-abi3-manylinux_2_28_x86_64"
    rebuild_wheel(pure, folder / f"autobahn-{version()}-{tag}.whl", tag, extra)
    assert artifacts("checksums", folder).returncode == 0
    result = artifacts("verify-release", downloaded, "--only", f"{LINUX_SUBSET},artifacts-manylinux_2_28_x86_64")
    assert result.returncode != 0
    assert complaint in result.stderr


@pytest.fixture
def index(tmp_path):
    """A pypiserver on 127.0.0.1 serving (and accepting uploads into) tmp_path/index."""
    # Looked up, not imported: pypiserver's import hook (an old-style meta path finder) makes
    # every later failing import in this process raise ImportWarning under filterwarnings=error.
    if importlib.util.find_spec("pypiserver") is None:
        pytest.skip("pypiserver is not installed (pip install -r .ci/release-tools.txt)")
    packages = tmp_path / "index"
    packages.mkdir()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "pypiserver", "run", "--host", "127.0.0.1", "-p", str(port), "-a", ".", "-P", ".",
         str(packages)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_until_listening(port, server, 10, "pypiserver")
        yield packages, f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.iterdir()}


def test_publish_then_republish_is_refused_without_touching_the_index(downloaded, index):
    packages, url = index
    first = artifacts("publish", downloaded, "--only", LINUX_SUBSET, "--index-url", url)
    assert first.returncode == 0, first.stdout + first.stderr
    published = snapshot(packages)
    assert sorted(published) == sorted(p.name for p in downloaded.glob("*/autobahn-*"))
    again = artifacts("publish", downloaded, "--only", LINUX_SUBSET, "--index-url", url)
    assert again.returncode != 0
    assert f"version {version()} is already on {url}" in again.stderr
    assert snapshot(packages) == published


def test_release_kind_follows_the_tag():
    assert artifacts("release-kind", "--tag", f"v{version()}").stdout.strip() == "stable"
    for tag in ("", "main", "v0.0.1", f"{version()}"):
        assert artifacts("release-kind", "--tag", tag).stdout.strip() == "development"
