"""Autobahn|Testsuite's quick set (all but 9.*, 12.*, 13.*) against our echo server, on asyncio,
uvloop and Twisted, with NVX on and off. .ci/run adds .ci/conformance.py (the full set in both
directions, and the uncompressed cases on every pairing); ``just wstest-full`` and wstest.yml run the
full set in both directions with NVX on and off."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from autobahn.websocket import HAS_NVX

RUNNER = Path(__file__).resolve().parent.parent / ".ci" / "wstest.py"


def _load_runner() -> Any:
    spec = importlib.util.spec_from_file_location("wstest_runner", RUNNER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("switch", ["1", "0"], ids=["nvx", "py"])
def test_quick_set_against_the_echo_server(tmp_path, framework, switch):
    if not RUNNER.exists():
        pytest.skip(".ci/wstest.py is not here (not a checkout)")
    if _load_runner().find_wstest(tmp_path) is None:
        # CI installs wstest (.ci/setup-wstest.sh) and sets this, so the set cannot silently vanish.
        assert not os.environ.get("AUTOBAHN_REQUIRE_WSTEST"), "AUTOBAHN_REQUIRE_WSTEST is set but wstest is missing"
        pytest.skip("wstest not found (set WSTEST, put it on PATH, or run .ci/setup-wstest.sh once)")
    if switch == "1" and not HAS_NVX:
        pytest.skip("NVX is not built into this installation")
    env = {**os.environ, "AUTOBAHN_USE_NVX": switch}
    result = subprocess.run(
        [
            sys.executable,
            str(RUNNER),
            "server",
            "--framework",
            framework.name,
            "--mode",
            "quick",
            "--outdir",
            str(tmp_path),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    [cases] = json.loads((tmp_path / "reports" / "index.json").read_text()).values()
    assert len(cases) == 247  # 517 minus the excluded 9.*, 12.*, 13.*
