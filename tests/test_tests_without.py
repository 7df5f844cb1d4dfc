"""AUTOBAHN_TESTS_WITHOUT (tests/conftest.py): how a platform leg names the test dependencies its
interpreter cannot install, so that their tests skip by name instead of failing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import conftest
import pytest

TESTS = Path(__file__).resolve().parent


def test_lines_name_a_module_and_the_reason(monkeypatch):
    monkeypatch.setenv("AUTOBAHN_TESTS_WITHOUT", "\nuvloop: no wheel: for PyPy\n  bjdata :  its build fails \n")
    assert conftest._tests_without() == {"uvloop": "no wheel: for PyPy", "bjdata": "its build fails"}
    for bad in ["uvloop", "uvloop:", ": a reason"]:
        monkeypatch.setenv("AUTOBAHN_TESTS_WITHOUT", bad)
        with pytest.raises(pytest.UsageError, match="is not"):
            conftest._tests_without()


def test_a_left_out_module_skips_with_the_reason(monkeypatch):
    monkeypatch.setattr(conftest, "TESTS_WITHOUT", {"uvloop": "no wheel for PyPy"})
    assert conftest.left_out("uvloop") == "needs uvloop, which this run leaves out: no wheel for PyPy"
    assert conftest.left_out("uvloop.loop") is not None  # by its top-level package
    assert conftest.left_out("msgpack") is None
    mark = conftest.needs("msgpack", "uvloop").mark
    assert mark.args == (True,) and mark.kwargs["reason"] == conftest.left_out("uvloop")
    assert conftest.needs("msgpack").mark.args == (False,)


def test_a_module_named_but_installed_is_a_usage_error():
    """A stale declaration would skip tests for nothing: pytest refuses to run."""
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--collect-only"]
    result = subprocess.run(
        [*command, str(TESTS / "test_switch.py")],
        env={**os.environ, "AUTOBAHN_TESTS_WITHOUT": "hypothesis: pretend it has no wheel"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == pytest.ExitCode.USAGE_ERROR, result.stdout + result.stderr
    assert "AUTOBAHN_TESTS_WITHOUT names hypothesis, but it is installed" in result.stderr
