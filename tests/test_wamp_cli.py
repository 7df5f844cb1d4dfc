"""``python -m autobahn``: the status report without arguments, and autobahn's ``wamp``
command-line client with them (call, publish, register, subscribe), run as separate processes
against the Crossbar.io router on 127.0.0.1, over WebSocket and RawSocket, anonymous and with
WAMP-cryptosign."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytest.importorskip("twisted")

from autobahn import _crossbar  # noqa: E402

TOPIC, PROCEDURE = "com.example.cli.topic", "com.example.cli.run"


def wamp(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "autobahn", *args], capture_output=True, text=True, timeout=timeout)


def start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "autobahn", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def until_done(
    waiter: subprocess.Popen[str], action: list[str], until_success: bool = False, attempts: int = 30
) -> tuple[list, str, str]:
    """Repeat the ``wamp`` command ``action`` until ``waiter`` (a subscriber or callee that joins at
    its own pace) has exited, or until ``action`` succeeds; at most ``attempts`` times. The runs
    and the waiter's output."""
    runs = []
    try:
        for _ in range(attempts):
            runs.append(wamp(*action))
            if waiter.poll() is not None or (until_success and runs[-1].returncode == 0):
                break
    finally:
        if waiter.poll() is None:
            waiter.kill()
        out, err = waiter.communicate(timeout=60)
    return runs, out, err


def test_status_report_without_arguments():
    result = wamp("--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["autobahn"]


def test_command_line_is_checked():
    assert wamp("call", "x").returncode == 2  # --url missing
    result = wamp("--url", "http://127.0.0.1:1/", "call", "com.x")
    assert result.returncode == 2 and "ws://" in result.stderr
    result = wamp("--url", "ws://127.0.0.1:1/", "register", "com.x", "relative/path")
    assert result.returncode == 2 and "full path" in result.stderr


def test_publish_reaches_a_subscriber(crossbar_router):
    url = crossbar_router.ws_url
    subscriber = start("--url", url, "--realm", crossbar_router.realm, "subscribe", TOPIC, "--times", "1")
    runs, out, err = until_done(subscriber, ["--url", url, "--realm", crossbar_router.realm, "publish", TOPIC,
                                             "hello", "--keyword", "who", "world"])  # fmt: skip
    assert all(r.returncode == 0 for r in runs), runs[-1].stderr
    assert subscriber.returncode == 0, err
    assert json.loads(out.splitlines()[0]) == {"args": ["hello"], "kwargs": {"who": "world"}}


def test_call_runs_the_registered_command_over_rawsocket(crossbar_router, tmp_path):
    script = tmp_path / "callee.sh"
    script.write_text('#!/bin/sh\necho "ran with $WAMP_ARGS_JSON $WAMP_KWARGS_JSON"\n')
    script.chmod(0o755)
    url = f"rs://127.0.0.1:{crossbar_router.rs_port}"
    callee = start("--url", url, "--realm", crossbar_router.realm, "register", PROCEDURE, str(script), "--times", "1")
    runs, out, err = until_done(callee, ["--url", url, "--realm", crossbar_router.realm, "call", PROCEDURE, "a",
                                         "--keyword", "k", "v"], until_success=True)  # fmt: skip
    assert runs[-1].returncode == 0, runs[-1].stderr
    assert "result: 0" in runs[-1].stdout  # the command's exit code
    assert all(r.returncode == 5 for r in runs[:-1])  # before the registration: no such procedure
    assert callee.returncode == 0, err
    assert 'ran with ["a"] {"k": "v"}' in out


def test_router_errors_set_the_exit_status(crossbar_router):
    result = wamp("--url", crossbar_router.ws_url, "--realm", crossbar_router.realm, "call", "com.example.nothing")
    assert result.returncode == 5
    assert "wamp.error.no_such_procedure" in result.stdout


def test_cryptosign_authentication(crossbar_router):
    principal = _crossbar.CRYPTOSIGN
    result = wamp(
        "--url", crossbar_router.auth_ws_url, "--realm", crossbar_router.realm, "--private-key",
        principal["seed_hex"], "--authid", principal["authid"], "publish", TOPIC, "signed",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "authmethod=cryptosign" in result.stderr
