"""Our own examples (examples/, shown in the documentation's getting-started pages) run as a user
runs them, each in a subprocess, and do what they say: the WebSocket echoes on asyncio and
Twisted, the WAMP call through the test router (Crossbar.io, tests/conftest.py
``crossbar_router``) on both frameworks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def run_example(path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(path), *args], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("framework", ["asyncio", "twisted"])
def test_websocket_echo(framework):
    result = run_example(EXAMPLES / "websocket" / f"echo_{framework}.py")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        "echo: Hello, world!",
        "echo: b'\\x00\\x01\\x02\\x03'",
        "closed: clean=True code=1000",
    ]


@pytest.mark.parametrize("framework", ["asyncio", "twisted"])
def test_wamp_call(crossbar_router, framework):
    result = run_example(EXAMPLES / "wamp" / f"call_{framework}.py", crossbar_router.ws_url, crossbar_router.realm)
    assert result.returncode == 0, result.stdout + result.stderr
    # (on Twisted, run() starts Twisted's logging, which timestamps printed lines)
    assert any(line.endswith("com.example.add2(2, 3) = 5") for line in result.stdout.splitlines()), result.stdout


@pytest.mark.parametrize("framework", ["asyncio", "twisted"])
def test_wamp_call_without_a_router_exits_non_zero(framework):
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = run_example(EXAMPLES / "wamp" / f"call_{framework}.py", f"ws://127.0.0.1:{port}/ws")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Exhausted all transport connect attempts" in result.stdout + result.stderr
