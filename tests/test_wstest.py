"""Autobahn|Testsuite's quick set (all but 9.*, 12.*, 13.*) against our echo server, with
NVX on and off. The full set in both directions is ``just wstest-full`` and wstest.yml."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from autobahn.websocket import HAS_NVX

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / ".ci"))
import wstest as runner  # noqa: E402  (.ci/wstest.py)


@pytest.mark.parametrize("switch", ["1", "0"], ids=["nvx", "py"])
def test_quick_set_against_the_echo_server(tmp_path, switch):
    if runner.find_wstest(tmp_path) is None:
        pytest.skip("wstest not found (set WSTEST, put it on PATH, or run ../shared/tools/wstest.sh once)")
    if switch == "1" and not HAS_NVX:
        pytest.skip("NVX is not built into this installation")
    env = {**os.environ, "AUTOBAHN_USE_NVX": switch}
    result = subprocess.run(
        [sys.executable, str(ROOT / ".ci" / "wstest.py"), "server", "--mode", "quick", "--outdir", str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    [cases] = json.loads((tmp_path / "reports" / "index.json").read_text()).values()
    assert len(cases) == 247  # 517 minus the excluded 9.*, 12.*, 13.*
