"""Every module of autobahn 26.11.1 exists in ours and imports.

The list is tests/data/autobahn-26.11.1-modules.txt, made from the original wheel's file list
(its test modules left out) by ``python .ci/api_surface.py modules WHEEL``. A module skips only
when an optional part of the installation is absent, saying which extra or build option brings
it; with ``AUTOBAHN_REQUIRE_ALL_MODULES=1`` (CI, where the test extra is installed) it fails.
What each module holds is tests/test_api_surface.py's business.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LIST = ROOT / "tests" / "data" / "autobahn-26.11.1-modules.txt"
MODULES = [line for line in LIST.read_text().splitlines() if line and not line.startswith("#")]

# The top-level package a module needs -> what installs it.
OPTIONAL = {
    "twisted": "the extra autobahn[twisted]",
    "zope": "the extra autobahn[twisted]",
    "autobahn._nvx": "NVX, built with a Rust toolchain (AUTOBAHN_USE_NVX=1 makes a build without it fail)",
}


def _source_file(module: str) -> Path:
    """Where the module lives in our source tree (twisted/plugins/ is installed at top level)."""
    folder = ROOT / "src" / Path(*module.split("."))
    for candidate in (folder / "__init__.py", folder.with_suffix(".py")):
        if candidate.is_file():
            return candidate
    raise AssertionError(f"{module}: no source file in src/")


def test_list_is_the_newest_wheels():
    header = LIST.read_text().splitlines()[0]
    assert "26.11.1" in header
    assert len(MODULES) == len(set(MODULES)) >= 150
    assert not [m for m in MODULES if ".test." in m or m.endswith(".test")]  # test modules left out


@pytest.mark.parametrize("module", MODULES)
def test_module_imports(module):
    assert _source_file(module)
    try:
        importlib.import_module(module)
    except ImportError as exc:
        missing = exc.name or ""
        brings = next((v for k, v in OPTIONAL.items() if missing == k or missing.startswith(k + ".")), None)
        if brings is None or os.environ.get("AUTOBAHN_REQUIRE_ALL_MODULES") == "1":
            raise
        pytest.skip(f"{module} needs {missing}: {brings}")


def test_every_module_imports_first_in_a_fresh_interpreter():
    """Each module imported first thing in its own interpreter: no import cycle depends on
    another module having been imported before (the re-exports run at the end of modules)."""

    def first_import(name: str) -> tuple[str, str] | None:
        result = subprocess.run([sys.executable, "-c", f"import {name}"], capture_output=True, text=True, timeout=300)
        if result.returncode and "No module named" not in result.stderr:  # an optional part: the test above
            return name, result.stderr.strip().splitlines()[-1]
        return None

    with ThreadPoolExecutor(max_workers=2) as pool:  # two interpreters at a time
        failed = [f for f in pool.map(first_import, MODULES) if f]
    assert failed == []
