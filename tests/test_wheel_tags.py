"""The release gate's tag check (.ci/artifacts.py): a wheel's tag must match the NVX extension
inside, by file name (what the interpreter's importer looks for) and by the ABI marker that
rust/build_marker.rs compiles into it. Mislabelled wheels (a free-threaded extension in a
cp314 or abi3 slot, or the reverse; PyPy's in a CPython slot) are constructed and refused.
The real extension of this installation carries the marker it claims."""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("ci_artifacts", ROOT / ".ci" / "artifacts.py")
assert spec is not None and spec.loader is not None
artifacts = importlib.util.module_from_spec(spec)
spec.loader.exec_module(artifacts)

ABI3 = b"autobahn-nvx-build:impl=cpython;api=abi3;gil=enabled;\0"
FREE_THREADED = b"autobahn-nvx-build:impl=cpython;api=version-specific;gil=disabled;\0"
GIL_SPECIFIC = b"autobahn-nvx-build:impl=cpython;api=version-specific;gil=enabled;\0"
PYPY = b"autobahn-nvx-build:impl=pypy;api=abi3;gil=enabled;\0"  # PyO3 on PyPy: its limited API


def elf(machine: int, payload: bytes = b"") -> bytes:
    """Bytes that start like an ELF file for `machine` (62 x86-64, 183 aarch64)."""
    return b"\x7fELF\x02\x01\x01" + b"\0" * 11 + machine.to_bytes(2, "little") + b"\0" * 44 + payload + b"\0" * 64


def make_wheel(
    folder: Path,
    tag: str,
    module: str,
    marker: bytes | None,
    flatc: bytes = b"\x7fELF flatc",
    machine: int = 62,
    extension: bytes | None = None,
) -> Path:
    """A well-formed wheel (RECORD right, flatc and reflection.bfbs present) holding one NVX
    extension `autobahn/<module>` for `machine` whose bytes carry `marker` (or are `extension`)."""
    dist_info = "autobahn-1.0.dist-info"
    files = {
        f"autobahn/{module}": extension if extension is not None else elf(machine, marker or b""),
        "autobahn/flatc/bin/flatc": flatc,
        artifacts.REFLECTION: b"bfbs",
        f"{dist_info}/METADATA": b"Metadata-Version: 2.4\nName: autobahn\nVersion: 1.0\n",
        f"{dist_info}/WHEEL": f"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: false\nTag: {tag}\n".encode(),
    }
    rows = [
        f"{n},sha256={base64.urlsafe_b64encode(hashlib.sha256(d).digest()).rstrip(b'=').decode()},{len(d)}"
        for n, d in files.items()
    ]
    files[f"{dist_info}/RECORD"] = ("\n".join([*rows, f"{dist_info}/RECORD,,"]) + "\n").encode()
    path = folder / f"autobahn-1.0-{tag}.whl"
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return path


@pytest.mark.parametrize(
    ("tag", "module", "marker", "complaint"),
    [
        # The mistake of the package we replace: a free-threaded build in a GIL slot.
        ("cp314-cp314-manylinux_2_28_x86_64", "_nvx.cpython-314t-x86_64-linux-gnu.so", FREE_THREADED, "is none of"),
        ("cp311-abi3-manylinux_2_28_x86_64", "_nvx.cpython-314t-x86_64-linux-gnu.so", FREE_THREADED, "built for"),
        ("cp311-abi3-manylinux_2_28_x86_64", "_nvx.abi3.so", FREE_THREADED, "gil=disabled"),
        # The reverse: a GIL build (abi3 or not) in a free-threaded slot.
        ("cp314-cp314t-manylinux_2_28_x86_64", "_nvx.abi3.so", ABI3, "api=abi3"),
        ("cp314-cp314t-manylinux_2_28_x86_64", "_nvx.cpython-314t-x86_64-linux-gnu.so", GIL_SPECIFIC, "gil=enabled"),
        ("cp313-cp313t-win_amd64", "_nvx.cp313t-win_amd64.pyd", ABI3, "api=abi3"),
        # Right build, wrong file name: the importer of that interpreter would not find it.
        ("cp314-cp314t-manylinux_2_28_x86_64", "_nvx.cpython-314-x86_64-linux-gnu.so", FREE_THREADED, "named"),
        ("cp313-cp313t-manylinux_2_28_x86_64", "_nvx.cpython-314t-x86_64-linux-gnu.so", FREE_THREADED, "named"),
        # PyPy and CPython builds are not interchangeable.
        ("cp311-abi3-manylinux_2_28_x86_64", "_nvx.pypy311-pp73-x86_64-linux-gnu.so", PYPY, "impl=pypy"),
        ("pp311-pypy311_pp73-manylinux_2_28_x86_64", "_nvx.abi3.so", ABI3, "impl=cpython"),
        # No marker: an extension not built from this tree's rust/.
        ("cp311-abi3-manylinux_2_28_x86_64", "_nvx.abi3.so", None, "no autobahn-nvx-build marker"),
    ],
)
def test_mislabelled_wheel_is_refused(tmp_path, tag, module, marker, complaint):
    wheel = make_wheel(tmp_path, tag, module, marker)
    result = subprocess.run(
        [sys.executable, ROOT / ".ci" / "artifacts.py", "validate", tmp_path, "--kind", "nvx"],
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert f"FAIL  {wheel.name}: " in result.stdout
    assert complaint in result.stdout


def test_flatc_of_another_architecture_is_refused(tmp_path):
    """A cross build that bundled the build machine's flatc: x86-64 flatc in an aarch64 wheel."""
    tag = "cp311-abi3-manylinux_2_28_aarch64"
    wheel = make_wheel(tmp_path, tag, "_nvx.abi3.so", ABI3, flatc=elf(62), machine=183)
    result = subprocess.run(
        [sys.executable, ROOT / ".ci" / "artifacts.py", "validate", tmp_path, "--kind", "nvx"],
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    expected = f"FAIL  {wheel.name}: autobahn/flatc/bin/flatc is built for x86_64, the wheel is tagged for ['aarch64']"
    assert expected in result.stdout


@pytest.mark.parametrize(
    ("tag", "module", "marker"),
    [
        ("cp311-abi3-manylinux_2_28_x86_64", "_nvx.abi3.so", ABI3),
        ("cp311-abi3-win_amd64", "_nvx.pyd", ABI3),
        ("cp313-cp313t-manylinux_2_28_aarch64", "_nvx.cpython-313t-aarch64-linux-gnu.so", FREE_THREADED),
        ("cp314-cp314t-macosx_11_0_arm64", "_nvx.cpython-314t-darwin.so", FREE_THREADED),
        ("cp314-cp314t-win_amd64", "_nvx.cp314t-win_amd64.pyd", FREE_THREADED),
        ("pp311-pypy311_pp73-manylinux_2_28_x86_64", "_nvx.pypy311-pp73-x86_64-linux-gnu.so", PYPY),
    ],
)
def test_matching_tag_and_content_pass(tmp_path, tag, module, marker):
    wheel = make_wheel(tmp_path, tag, module, marker)
    with zipfile.ZipFile(wheel) as zf:
        note = artifacts.check_tag_matches_content(zf, wheel.name, artifacts.wheel_tags(zf))
    assert note.startswith(f"tag matches autobahn/{module}")


def test_this_installation_carries_the_marker_it_claims():
    """The marker is really compiled in and says what this interpreter is."""
    nvx = pytest.importorskip("autobahn._nvx")
    data = Path(nvx.__file__).read_bytes()
    found = artifacts.BUILD_MARKER.search(data)
    assert found is not None
    impl, api, gil = (g.decode() for g in found.groups())
    assert impl == ("pypy" if sys.implementation.name == "pypy" else "cpython")
    if impl == "cpython":  # (on PyPy, PyO3 targets its emulation of the limited API)
        assert api == ("abi3" if Path(nvx.__file__).name.startswith("_nvx.abi3.") else "version-specific")
    assert gil == ("disabled" if sysconfig.get_config_var("Py_GIL_DISABLED") else "enabled")


@pytest.mark.slow
def test_free_threaded_build_is_told_apart(tmp_path):
    """No free-threaded CPython exists on this machine, so PyO3 is given one's build
    configuration (PYO3_CONFIG_FILE: CPython 3.14, Py_GIL_DISABLED): the crate must compile
    for it, its marker must say so, and the gate must accept it only in a cp314t slot."""
    if shutil.which("cargo") is None:
        pytest.fail("cargo is needed to build the free-threaded variant")
    config = tmp_path / "pyo3-cp314t.txt"
    config.write_text(
        "implementation=CPython\nversion=3.14\nshared=true\nabi3=false\nlib_name=python3.14t\n"
        "pointer_width=64\nbuild_flags=Py_GIL_DISABLED\nsuppress_build_script_link_lines=true\n"
    )
    target = ROOT / "target" / "free-threaded-check"
    env = {**os.environ, "PYO3_CONFIG_FILE": str(config), "CARGO_TARGET_DIR": str(target)}
    subprocess.run(["cargo", "build", "--locked", "--lib", "-q"], cwd=ROOT, env=env, check=True, timeout=1200)
    library = next((target / "debug").glob("*_nvx.so"))
    marker = artifacts.BUILD_MARKER.search(library.read_bytes())
    assert marker is not None and marker.group(0) == FREE_THREADED.rstrip(b"\0")
    module = "_nvx.cpython-314t-x86_64-linux-gnu.so"
    for tag, accepted in (("cp314-cp314t-manylinux_2_28_x86_64", True), ("cp311-abi3-manylinux_2_28_x86_64", False)):
        folder = tmp_path / tag
        folder.mkdir()
        wheel = make_wheel(folder, tag, module, None, extension=library.read_bytes())
        with zipfile.ZipFile(wheel) as zf:
            if accepted:
                assert artifacts.check_tag_matches_content(zf, wheel.name, [tag]).endswith("gil=disabled)")
            else:
                with pytest.raises(artifacts.Failure, match="gil=disabled"):
                    artifacts.check_tag_matches_content(zf, wheel.name, [tag])
