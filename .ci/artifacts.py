#!/usr/bin/env python3
"""Validate, checksum, describe and release autobahn's build artifacts.

Every CI step calls this script (through a `just` recipe), so the same checks run locally:

    artifacts.py validate DIR --kind nvx|pure|sdist   per-file checks -> DIR/VALIDATION.txt
    artifacts.py checksums DIR                         SHA-256 of every artifact -> DIR/CHECKSUMS.sha256
    artifacts.py build-info DIR                        environment + both files above -> DIR/build-info.txt
    artifacts.py verify-release ROOT [--only NAMES]    release gate over downloaded artifact folders
    artifacts.py publish ROOT --index-url URL          upload to an index, refusing existing versions
    artifacts.py release-kind [--tag TAG]              "stable" for a v<version> tag, else "development"
    artifacts.py version                               the package version

Checks per wheel: zip integrity and RECORD hashes, `twine check --strict`, the expected content
(NVX extension, flatc, reflection.bfbs; no binary at all in a pure wheel), the wheel's tag against
the extension it holds (file name and the ABI marker compiled into it), and for Linux
wheels `auditwheel show` plus our own scan of every ELF file (flatc included) for versioned
glibc symbols newer than the manylinux policy allows.
"""

from __future__ import annotations

import argparse
import base64
import csv
import datetime
import fnmatch
import hashlib
import io
import json
import os
import platform
import re
import subprocess
import sys
import tarfile
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
EXPECTED = HERE / "expected-artifacts.json"
VALIDATION, CHECKSUMS, BUILD_INFO = "VALIDATION.txt", "CHECKSUMS.sha256", "build-info.txt"
MANYLINUX_GLIBC = (2, 28)  # the manylinux_2_28 policy: nothing newer may be required

# The NVX extension: `_nvx.abi3.so`/`_nvx.pyd` (abi3), `_nvx.cpython-314t-<platform>.so`/
# `_nvx.cp314t-win_amd64.pyd` (free-threaded), `_nvx.pypy311-pp73-<platform>.so` (PyPy).
NVX_MODULE = re.compile(r"autobahn/_nvx(\.[\w-]+)?\.(so|pyd)")
# What rust/build_marker.rs writes into the extension: the ABI it was really built for.
BUILD_MARKER = re.compile(rb"autobahn-nvx-build:impl=(\w+);api=([\w-]+);gil=(\w+);")
FLATC_BINARIES = ("autobahn/flatc/bin/flatc", "autobahn/flatc/bin/flatc.exe")
REFLECTION = "autobahn/flatbuffers/reflection.bfbs"
BINARY_MAGIC = (b"\x7fELF", b"MZ", b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa\xcf", b"\xca\xfe\xba\xbe")
SDIST_REQUIRED = (
    "pyproject.toml", "PKG-INFO", "hatch_build.py", "build.rs", "Cargo.toml", "Cargo.lock", "rust/lib.rs",
    "flatbuffers/reflection.fbs", "flatbuffers/flatc_tools.py", "src/autobahn/__init__.py",
    "src/autobahn/flatbuffers/reflection.bfbs", "src/autobahn/flatbuffers/reflection_generated.py",
)  # fmt: skip
SDIST_FORBIDDEN = re.compile(r"(^|/)(target|__pycache__|\.git)/|\.(so|pyd|dylib|whl)$|flatc/bin/")
SDIST_MAX_BYTES = 2 * 1024 * 1024


class Failure(Exception):
    """A check that did not pass; the message names the file and what is wrong."""


def package_version() -> str:
    text = (ROOT / "src" / "autobahn" / "_version.py").read_text()
    match = re.search(r'__version__ = "([^"]+)"', text)
    if not match:
        raise Failure("no __version__ in src/autobahn/_version.py")
    return match.group(1)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def artifacts_in(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.suffix == ".whl" or p.name.endswith(".tar.gz"))


# -- per-file validation -------------------------------------------------------------------


def wheel_tags(zf: zipfile.ZipFile) -> list[str]:
    wheel_file = next(n for n in zf.namelist() if n.endswith(".dist-info/WHEEL"))
    return [line.split(": ", 1)[1] for line in zf.read(wheel_file).decode().splitlines() if line.startswith("Tag: ")]


def nvx_modules(names: set[str]) -> list[str]:
    return sorted(n for n in names if NVX_MODULE.fullmatch(n))


def expected_build(tag: str) -> tuple[str, str | None, str, str] | None:
    """What a wheel tag promises: (implementation, api, gil, extension-suffix pattern); None
    for a tag no NVX wheel may carry. abi3 serves only GIL CPython >= 3.11; free-threaded
    CPython (cp313-cp313t, cp314-cp314t, ...) and PyPy need version-specific wheels. api None:
    either (asked for abi3, PyO3 builds for PyPy's emulation of the limited API, but the
    wheel is PyPy-version-specific all the same)."""
    python, abi, _ = tag.split("-", 2)
    if python == "cp311" and abi == "abi3":
        return ("cpython", "abi3", "enabled", r"\.abi3\.so|\.pyd")
    free_threaded = re.fullmatch(r"cp(3\d+)t", abi)
    if free_threaded and python == abi[:-1]:
        v = free_threaded.group(1)
        return ("cpython", "version-specific", "disabled", rf"\.cpython-{v}t-[\w-]+\.so|\.cp{v}t-[\w-]+\.pyd")
    pypy = re.fullmatch(r"pp(3\d+)", python)
    if pypy and re.fullmatch(rf"pypy{pypy.group(1)}_pp\d+", abi):
        return ("pypy", None, "enabled", rf"\.pypy{pypy.group(1)}-pp\d+-[\w-]+\.(so|pyd)")
    return None


def check_tag_matches_content(zf: zipfile.ZipFile, name: str, tags: list[str]) -> str:
    """The tag must describe the extension inside: its file name (what the interpreter's
    importer looks for) and the ABI it was compiled for (rust/build_marker.rs)."""
    modules = nvx_modules(set(zf.namelist()))
    if len(modules) != 1:
        raise Failure(f"{name}: expected one NVX extension, found {modules}")
    [module] = modules
    marker = BUILD_MARKER.search(zf.read(module))
    if marker is None:
        raise Failure(f"{name}: {module} carries no autobahn-nvx-build marker (see rust/build_marker.rs)")
    built = tuple(m.decode() for m in marker.groups())
    for tag in tags:
        expected = expected_build(tag)
        if expected is None:
            raise Failure(f"{name}: tag {tag} is none of cp311-abi3, cp3XY-cp3XYt (free-threaded), pp3XY-pypy3XY_ppNN")
        if built[0] != expected[0] or built[2] != expected[2] or expected[1] not in (None, built[1]):
            raise Failure(
                f"{name}: tagged {tag}, but {module} was built for impl={built[0]}, api={built[1]}, gil={built[2]} "
                f"(the tag needs impl={expected[0]}, api={expected[1] or 'any'}, gil={expected[2]})"
            )
        suffix = module.removeprefix("autobahn/_nvx")
        if not re.fullmatch(expected[3], suffix):
            raise Failure(f"{name}: tagged {tag}, but the extension is named {module}: that interpreter cannot load it")
    return f"tag matches {module} (impl={built[0]}, api={built[1]}, gil={built[2]})"


def check_record(zf: zipfile.ZipFile, name: str) -> str:
    """Every member's hash and size must match the wheel's RECORD."""
    if (bad := zf.testzip()) is not None:
        raise Failure(f"{name}: zip member {bad} is corrupt (CRC mismatch)")
    record_name = next(n for n in zf.namelist() if n.endswith(".dist-info/RECORD"))
    rows = list(csv.reader(io.StringIO(zf.read(record_name).decode())))
    listed = {row[0] for row in rows}
    for path, digest, size in rows:
        if path == record_name:
            continue
        algorithm, _, expected = digest.partition("=")
        data = zf.read(path)
        actual = base64.urlsafe_b64encode(hashlib.new(algorithm, data).digest()).rstrip(b"=").decode()
        if actual != expected or int(size) != len(data):
            raise Failure(f"{name}: {path} does not match its RECORD entry")
    unlisted = [n for n in zf.namelist() if n not in listed and not n.endswith("/")]
    if unlisted:
        raise Failure(f"{name}: files missing from RECORD: {unlisted}")
    return f"zip and RECORD intact ({len(rows) - 1} files)"


def glibc_requirements(data: bytes) -> set[tuple[int, ...]]:
    """Versions of GLIBC_x.y symbol versions an ELF file requires (pyelftools, via auditwheel)."""
    from elftools.elf.elffile import ELFFile
    from elftools.elf.gnuversions import GNUVerNeedSection

    versions = set()
    for section in ELFFile(io.BytesIO(data)).iter_sections():
        if isinstance(section, GNUVerNeedSection):
            for _, auxiliaries in section.iter_versions():
                for aux in auxiliaries:
                    match = re.fullmatch(r"GLIBC_(\d+(?:\.\d+)*)", aux.name)
                    if match:
                        versions.add(tuple(int(x) for x in match.group(1).split(".")))
    return versions


ELF_MACHINES = {62: "x86_64", 183: "aarch64"}  # e_machine: EM_X86_64, EM_AARCH64


def check_linux_binaries(zf: zipfile.ZipFile, name: str, tags: list[str]) -> str:
    """Every ELF file within the manylinux glibc policy and built for the tag's architecture
    (a cross build could otherwise bundle the build machine's flatc)."""
    arches = {"x86_64" if t.endswith("_x86_64") else t.rsplit("_", 1)[-1] for t in tags}
    elves = {m: d for m in zf.namelist() if (d := zf.read(m)).startswith(b"\x7fELF")}
    for member, data in elves.items():
        machine = ELF_MACHINES.get(int.from_bytes(data[18:20], "little"), f"e_machine {data[18:20].hex()}")
        if {machine} != arches:
            raise Failure(f"{name}: {member} is built for {machine}, the wheel is tagged for {sorted(arches)}")
    scanned = []
    for member, data in elves.items():
        newest = max(glibc_requirements(data), default=(0,))
        if newest > MANYLINUX_GLIBC:
            policy = ".".join(map(str, MANYLINUX_GLIBC))
            raise Failure(f"{name}: {member} needs GLIBC_{'.'.join(map(str, newest))}, newer than manylinux {policy}")
        scanned.append(f"{member} (GLIBC <= {'.'.join(map(str, newest))})")
    return "ELF files within manylinux_2_28: " + ", ".join(scanned)


def auditwheel_show(path: Path) -> str:
    result = subprocess.run([sys.executable, "-m", "auditwheel", "show", str(path)], capture_output=True, text=True)
    text = " ".join(result.stdout.split())
    match = re.search(r'consistent with the following platform tag: "([^"]+)"', text)
    if result.returncode != 0 or not match:
        raise Failure(f"{path.name}: auditwheel show failed: {result.stderr.strip() or text}")
    tag = match.group(1)
    found = re.fullmatch(r"manylinux_(\d+)_(\d+)_\w+", tag)
    if not found or (int(found.group(1)), int(found.group(2))) > MANYLINUX_GLIBC:
        raise Failure(f"{path.name}: auditwheel says {tag}, not manylinux_2_28 or older")
    return f"auditwheel: consistent with {tag}"


def twine_check(path: Path) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", str(path)], capture_output=True, text=True
    )
    if result.returncode != 0:
        raise Failure(f"{path.name}: twine check failed: {(result.stdout + result.stderr).strip()}")
    return "twine check --strict passed"


def validate_wheel(path: Path, kind: str) -> list[str]:
    notes = []
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise Failure(f"{path.name}: not a valid zip file ({exc})") from None
    with zf:
        notes.append(check_record(zf, path.name))
        names = set(zf.namelist())
        tags = wheel_tags(zf)
        notes.append("tags " + ", ".join(tags))
        if REFLECTION not in names:
            raise Failure(f"{path.name}: {REFLECTION} is missing")
        if kind == "nvx":
            if not nvx_modules(names):
                raise Failure(f"{path.name}: platform wheel without the NVX extension")
            if not names & set(FLATC_BINARIES):
                raise Failure(f"{path.name}: platform wheel without flatc")
            notes.append("contains NVX, flatc and reflection.bfbs")
            notes.append(check_tag_matches_content(zf, path.name, tags))
            if any("linux" in t for t in tags):
                notes.append(check_linux_binaries(zf, path.name, tags))
        elif kind == "pure":
            binaries = [n for n in names if any(zf.read(n).startswith(m) for m in BINARY_MAGIC)]
            if binaries or tags != ["py3-none-any"]:
                raise Failure(f"{path.name}: pure wheel holds binaries {binaries} or is tagged {tags}")
            notes.append("pure: no binary, py3-none-any")
        else:
            raise Failure(f"{path.name}: unknown wheel kind {kind!r}")
    if kind == "nvx" and "linux" in path.name:
        notes.append(auditwheel_show(path))
    notes.append(twine_check(path))
    return notes


def validate_sdist(path: Path) -> list[str]:
    try:
        with tarfile.open(path, "r:gz") as tar:
            members = tar.getmembers()
            for member in members:  # reading every member proves the archive is intact
                if member.isfile():
                    tar.extractfile(member).read()  # type: ignore[union-attr]
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise Failure(f"{path.name}: corrupt archive ({exc})") from None
    prefix = path.name.removesuffix(".tar.gz") + "/"
    names = {m.name.removeprefix(prefix) for m in members}
    missing = [f for f in SDIST_REQUIRED if f not in names]
    if missing:
        raise Failure(f"{path.name}: missing {missing}")
    forbidden = sorted(n for n in names if SDIST_FORBIDDEN.search(n))
    if forbidden:
        raise Failure(f"{path.name}: holds generated or binary files {forbidden[:5]}")
    if path.stat().st_size > SDIST_MAX_BYTES:
        raise Failure(f"{path.name}: {path.stat().st_size} bytes, more than {SDIST_MAX_BYTES}")
    return [f"archive intact ({len(members)} members)", "all build inputs present, nothing generated",
            twine_check(path)]  # fmt: skip


def cmd_validate(args: argparse.Namespace) -> int:
    directory = Path(args.dir)
    files = artifacts_in(directory)
    lines, failed = [], False
    if not files:
        lines.append(f"FAIL  {directory}: no artifacts")
        failed = True
    for path in files:
        try:
            kind = "sdist" if path.name.endswith(".tar.gz") else args.kind
            notes = validate_sdist(path) if kind == "sdist" else validate_wheel(path, kind)
            lines.append(f"OK    {path.name} [{kind}]: " + "; ".join(notes))
        except Failure as exc:
            lines.append(f"FAIL  {exc}")
            failed = True
    with open(directory / VALIDATION, "a") as out:
        out.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 1 if failed else 0


# -- checksums and metadata ----------------------------------------------------------------


def cmd_checksums(args: argparse.Namespace) -> int:
    directory = Path(args.dir)
    lines = [f"{sha256(p)}  {p.name}" for p in artifacts_in(directory)]
    (directory / CHECKSUMS).write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


def verify_checksums(directory: Path) -> list[str]:
    listing = directory / CHECKSUMS
    if not listing.is_file():
        raise Failure(f"{directory.name}: no {CHECKSUMS}")
    verified = []
    for line in listing.read_text().splitlines():
        digest, name = line.split(maxsplit=1)
        path = directory / name
        if not path.is_file():
            raise Failure(f"{directory.name}/{name}: listed in {CHECKSUMS} but missing")
        if sha256(path) != digest:
            raise Failure(f"{directory.name}/{name}: SHA-256 mismatch (corrupted or altered)")
        verified.append(name)
    unlisted = [p.name for p in artifacts_in(directory) if p.name not in verified]
    if unlisted:
        raise Failure(f"{directory.name}: artifacts not covered by {CHECKSUMS}: {unlisted}")
    return verified


def tool_version(*cmd: str) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "not available"


def python_package_version(name: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def cmd_build_info(args: argparse.Namespace) -> int:
    directory = Path(args.dir)
    lines = [
        "autobahn build information",
        f"date (UTC): {datetime.datetime.now(datetime.UTC).isoformat(timespec='seconds')}",
        f"version: {package_version()}",
        f"git commit: {tool_version('git', '-C', str(ROOT), 'rev-parse', 'HEAD')}",
        f"platform: {platform.platform()} ({platform.machine()})",
        f"python: {platform.python_implementation()} {platform.python_version()}",
        f"rustc: {tool_version('rustc', '--version')}",
        f"cargo: {tool_version('cargo', '--version')}",
        *(
            f"{tool}: {python_package_version(tool)}"
            for tool in ("maturin", "hatchling", "ziglang", "twine", "auditwheel")
        ),
        "",
        "artifacts:",
    ]
    for path in artifacts_in(directory):
        if path.suffix == ".whl":
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
                nvx = "on" if nvx_modules(names) else "off"
                flatc = "bundled" if names & set(FLATC_BINARIES) else "absent"
                lines.append(f"  {path.name}: tags {', '.join(wheel_tags(zf))}; NVX {nvx}; flatc {flatc}")
        else:
            lines.append(f"  {path.name}: source distribution")
    for name in (VALIDATION, CHECKSUMS):
        content = (directory / name).read_text() if (directory / name).is_file() else "(missing)\n"
        lines += ["", f"{name}:", content.rstrip()]
    (directory / BUILD_INFO).write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


# -- release gate and publishing -----------------------------------------------------------


def expected_artifacts(only: list[str] | None) -> dict[str, dict]:
    table = {k: v for k, v in json.loads(EXPECTED.read_text()).items() if not k.startswith("_")}
    if only:
        unknown = set(only) - set(table)
        if unknown:
            raise Failure(f"unknown artifact names {sorted(unknown)}; known: {sorted(table)}")
        table = {k: table[k] for k in only}
    return table


def verify_release(root: Path, only: list[str] | None) -> list[Path]:
    """Every expected artifact folder present, its checksums right, its files as expected and
    valid; returns the files to publish. Raises Failure naming the first problem."""
    version = package_version()
    files: list[Path] = []
    for name, spec in expected_artifacts(only).items():
        folder = root / name
        if not folder.is_dir():
            raise Failure(f"expected artifact {name} (from {spec['workflow']}) is missing")
        verified = verify_checksums(folder)
        for pattern in spec["files"]:
            pattern = pattern.format(version=version)
            matches = [folder / n for n in verified if fnmatch.fnmatch(n, pattern)]
            if len(matches) != 1:
                raise Failure(f"{name}: expected exactly one file matching {pattern}, found {len(matches)}")
            path = matches[0]
            if spec["kind"] == "sdist":
                validate_sdist(path)
            else:
                validate_wheel(path, spec["kind"])
            files.append(path)
        print(f"verified {name}: {', '.join(p.name for p in files if p.parent == folder)}")
    return files


def cmd_verify_release(args: argparse.Namespace) -> int:
    try:
        verify_release(Path(args.root), args.only)
    except Failure as exc:
        print(f"release refused: {exc}", file=sys.stderr)
        return 1
    print("release gate passed")
    return 0


def release_kind(tag: str | None) -> str:
    return "stable" if tag == f"v{package_version()}" else "development"


def cmd_version(args: argparse.Namespace) -> int:
    print(package_version())
    return 0


def cmd_release_kind(args: argparse.Namespace) -> int:
    print(release_kind(args.tag))
    return 0


def files_on_index(index_url: str, project: str = "autobahn") -> list[str]:
    page = f"{index_url.rstrip('/')}/simple/{project}/"
    request = urllib.request.Request(page, headers={"Accept": "application/vnd.pypi.simple.v1+json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as resp:
            body = resp.read().decode()
            if "json" in resp.headers.get("Content-Type", ""):
                return [f["filename"] for f in json.loads(body)["files"]]
            return re.findall(r">([^<]+\.(?:whl|tar\.gz))</a>", body)
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return []  # project not on the index yet
        raise


def cmd_publish(args: argparse.Namespace) -> int:
    try:
        files = verify_release(Path(args.root), args.only)
        version = package_version()
        check_url = args.check_url or args.index_url
        existing = [f for f in files_on_index(check_url) if f.startswith(f"autobahn-{version}")]
        if existing:
            raise Failure(f"version {version} is already on {check_url} ({', '.join(existing)}); nothing uploaded")
    except Failure as exc:
        print(f"release refused: {exc}", file=sys.stderr)
        return 1
    env = {**os.environ, "TWINE_USERNAME": os.environ.get("TWINE_USERNAME", "__token__"),
           "TWINE_PASSWORD": os.environ.get("TWINE_PASSWORD", "local")}  # fmt: skip
    upload = [
        sys.executable, "-m", "twine", "upload", "--non-interactive", "--disable-progress-bar",
        "--repository-url", args.index_url.rstrip("/") + "/", *map(str, files),
    ]  # fmt: skip
    return subprocess.run(upload, env=env).returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("validate", help="check every artifact in DIR, append to VALIDATION.txt")
    p.add_argument("dir")
    p.add_argument("--kind", choices=["nvx", "pure"], required=True, help="what the wheels in DIR must be")
    p.set_defaults(run=cmd_validate)
    p = sub.add_parser("checksums", help="write CHECKSUMS.sha256 for the artifacts in DIR")
    p.add_argument("dir")
    p.set_defaults(run=cmd_checksums)
    p = sub.add_parser("build-info", help="write build-info.txt for DIR")
    p.add_argument("dir")
    p.set_defaults(run=cmd_build_info)
    for name, run in (("verify-release", cmd_verify_release), ("publish", cmd_publish)):
        p = sub.add_parser(name, help="release gate over ROOT/<artifact-name>/ folders")
        p.add_argument("root")
        p.add_argument("--only", type=lambda s: s.split(","), help="check only these artifact names")
        if name == "publish":
            p.add_argument("--index-url", required=True, help="package index to upload to")
            p.add_argument("--check-url", help="index to look for existing files on (default: --index-url)")
        p.set_defaults(run=run)
    p = sub.add_parser("version", help="the package version (src/autobahn/_version.py)")
    p.set_defaults(run=cmd_version)
    p = sub.add_parser("release-kind", help="stable or development, from the git tag")
    p.add_argument("--tag", default=os.environ.get("GITHUB_REF_NAME"))
    p.set_defaults(run=cmd_release_kind)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
