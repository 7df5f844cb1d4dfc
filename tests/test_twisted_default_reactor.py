"""The framework-neutral modules on Twisted's default reactor (epoll on Linux, what Twisted
programs run on). Twisted's reactor is process-wide and the rest of the suite runs Twisted on
the asyncio reactor (tests/frameworks.py), so these run in a pytest subprocess of their own
with AUTOBAHN_TWISTED_REACTOR=epoll, where the ``framework`` fixture is ``twisted-epoll`` only."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
# The modules whose tests wait, sleep and speak raw bytes only through tests/frameworks.py
# (FRAMEWORK_NEUTRAL = True); test_framework_neutral_modules_are_listed keeps this list complete.
NEUTRAL_MODULES = ["test_websocket_api.py", "test_asyncio_hostile.py"]


def test_framework_neutral_modules_are_listed():
    declared = sorted(p.name for p in TESTS.glob("test_*.py") if "\nFRAMEWORK_NEUTRAL = True" in p.read_text())
    assert declared == sorted(NEUTRAL_MODULES)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the epoll reactor is Linux's")
def test_neutral_modules_on_the_epoll_reactor(tmp_path):
    report = tmp_path / "report.xml"
    env = {**os.environ, "AUTOBAHN_TWISTED_REACTOR": "epoll"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", "twisted-epoll"]
        + [f"--junitxml={report}", *(str(TESTS / m) for m in NEUTRAL_MODULES)],
        cwd=TESTS.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    suite = ET.parse(report).getroot().find("testsuite")
    assert suite is not None
    counts = {k: int(suite.get(k, "0")) for k in ("tests", "failures", "errors", "skipped")}
    # Every selected test ran on the epoll reactor (none skipped), and there are some per module.
    assert counts["failures"] == counts["errors"] == counts["skipped"] == 0, counts
    ran = {case.get("classname", "") for case in suite.iter("testcase")}
    assert {m.removesuffix(".py") for m in NEUTRAL_MODULES} <= {c.rsplit(".", 1)[-1] for c in ran}, ran
    assert counts["tests"] >= 200, counts
