"""autobahn-python's own WAMP examples, unchanged, run with our package and with the original.

The examples come from the autobahn 26.10.2 sdist (``.ci/fetch-autobahn-examples.sh``; never
committed here). Crossbar runs autobahn's ``examples/router/.crossbar/config.json`` with only its
fixed ports (8080, 1883, 8083) moved to free ones and its Unix socket into a temporary folder
(``autobahn._crossbar.examples_node``); the examples find it through ``AUTOBAHN_DEMO_ROUTER``.

For each pair, the backend runs, then the frontend until it exits by itself (each frontend leaves
after its work and stops its loop), bounded by a timeout. The same pair runs once with our package
(this interpreter) and once with autobahn 26.10.2 (the Crossbar venv's interpreter); the frontends
must exit 0 and print the same lines (on both routers: Crossbar with the original autobahn, and Crossbar
with our package in its place); where the output depends on timing (event counters, publication
ids, clock times, durations, how many events arrive before leaving) the same set of lines with the
numbers masked.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import require_router

from autobahn import _crossbar

EXAMPLES_DIR = Path(os.environ.get("AUTOBAHN_EXAMPLES_DIR", "/var/cache/autobahn-ci/autobahn-26.10.2-examples"))

# (example folder, whether its output depends on timing), for examples/asyncio/wamp and examples/twisted/wamp
PAIRS = {
    "rpc/arguments": False,
    "rpc/complex": False,
    "rpc/decorators": False,
    "rpc/errors": False,
    "rpc/options": False,
    "rpc/progress": False,
    "rpc/slowsquare": True,  # durations
    "rpc/timeservice": True,  # the time
    "pubsub/basic": True,  # the backend's counter when the frontend joined
    "pubsub/complex": True,
    "pubsub/decorators": True,
    "pubsub/options": True,
    "pubsub/unsubscribe": True,
    "session/series": True,
}
# examples/twisted/wamp/rpc/cancel is left out: it connects to a fixed ws://127.0.0.1:8080/ws and realm1, which
# autobahn's examples router does not have (tests/test_wamp_crossbar.py::test_cancel covers cancellation).
# The Twisted backends of rpc/progress, rpc/slowsquare and pubsub/* import autobahn.twisted.util (sleep), which
# this package does not have yet; they join this list when it does.
# Twisted's pubsub/decorators frontend subscribes forever (with autobahn 26.10.2 too): it never exits.
NEVER_EXITS_ON_TWISTED = {"session/series", "pubsub/decorators"}
TWISTED_PAIRS = {name: masked for name, masked in PAIRS.items() if name not in NEVER_EXITS_ON_TWISTED}
CASES = [("asyncio", name) for name in sorted(PAIRS)] + [("twisted", name) for name in sorted(TWISTED_PAIRS)]
# asyncio: txaio's log lines (timestamped), and asyncio's "Task was destroyed but it is pending!" report,
# which both implementations print or not depending on whether the loop stops before `await self.leave()`
# resumes. Twisted: txaio's logger carries print() too, so there only the timestamp goes.
LOG_LINE = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}|task: <Task )")
TWISTED_STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{4} ")
# bjdata 0.6.6's C extension, built for NumPy 1, reports (with a traceback) that it cannot load under NumPy 2
# and falls back to pure Python: the same noise under both implementations, with different file names.
NUMPY_NOISE = re.compile(
    r"\n[^\n]*A module that was compiled using NumPy 1\.x.*?AttributeError: _ARRAY_API not found", re.S
)
NUMBER = re.compile(r"\d+(\.\d+)?(e[-+]?\d+)?")


# The example pairs run through Crossbar on ours only: with clients on ours and on the original that
# covers every pairing the original router would, and every other router test runs on both routers.
# (Both routers doubled the pairs' ~10 minutes in CI's hour.)
EXAMPLES_ROUTERS = ("crossbar-on-ours",)


@pytest.fixture(scope="module", params=EXAMPLES_ROUTERS)
def examples_router(request, tmp_path_factory):
    """autobahn's examples router, on Crossbar.io running our package."""
    if not (EXAMPLES_DIR / ".complete").exists():
        reason = f"autobahn's examples are missing in {EXAMPLES_DIR} (bash .ci/fetch-autobahn-examples.sh)"
        if os.environ.get("AUTOBAHN_REQUIRE_CROSSBAR") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    require_router(request.param)
    node = tmp_path_factory.mktemp(f"examples-{request.param}")
    ports, _ = _crossbar.examples_node(EXAMPLES_DIR, node)
    process = _crossbar.CrossbarProcess(node, request.param)
    try:
        _crossbar.wait_for_ports(process.proc, list(ports.values()), None, 60, process.log)
        yield f"ws://127.0.0.1:{ports['8080']}/ws"
    finally:
        process.stop()


# Some examples (session/series, pubsub/unsubscribe's backend) define a Component but no __main__; they are
# started the way the others start themselves: ApplicationRunner(AUTOBAHN_DEMO_ROUTER, "crossbardemo").
LAUNCH = """
import os, runpy, sys
from autobahn.asyncio.wamp import ApplicationRunner
component = runpy.run_path(sys.argv[1])["Component"]
ApplicationRunner(os.environ["AUTOBAHN_DEMO_ROUTER"], "crossbardemo").run(component)
"""


def _command(implementation: str, script: Path) -> list[str]:
    python = sys.executable if implementation == "ours" else str(_crossbar.peer_python())
    if "__main__" in script.read_text():
        return [python, str(script)]
    return [python, "-c", LAUNCH, str(script)]


def _env(url: str) -> dict[str, str]:
    env = dict(os.environ, AUTOBAHN_DEMO_ROUTER=url, PYTHONUNBUFFERED="1")
    env.pop("PYTHONPATH", None)  # each interpreter uses its own installed autobahn
    return env


def _wait_registered(url: str, example: str, timeout: float = 20.0) -> None:
    """Give the backend time to join and register: RPC frontends call at once (no retry), so wait until
    the router knows the backend's session (a second WebSocket would be noise: poll the port, then settle)."""
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.1)
    time.sleep(2.0 if example.startswith("rpc") or example.startswith("session") else 1.0)


def run_pair(
    implementation: str, framework: str, example: str, url: str, timeout: float = 60.0
) -> tuple[int, list[str], str]:
    folder = EXAMPLES_DIR / framework / "wamp" / example
    env = _env(url)
    backend = subprocess.Popen(
        _command(implementation, folder / "backend.py"),
        cwd=folder,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _wait_registered(url, example)
        if backend.poll() is not None:
            return -1, [], f"backend exited with {backend.returncode}:\n{backend.stdout.read()}"
        try:
            front = subprocess.run(
                _command(implementation, folder / "frontend.py"),
                cwd=folder,
                env=env,
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired as e:
            return -2, [], f"frontend did not finish in {timeout}s: {e.stdout}\n{e.stderr}"
    finally:
        backend.terminate()
        try:
            backend_out = backend.communicate(timeout=10)[0]
        except subprocess.TimeoutExpired:
            backend.kill()
            backend_out = backend.communicate()[0]
    stdout = NUMPY_NOISE.sub("", "\n" + front.stdout)
    if framework == "twisted":
        lines = [TWISTED_STAMP.sub("", line) for line in stdout.splitlines()]
    else:
        lines = [line for line in stdout.splitlines() if not LOG_LINE.match(line)]
    lines = [line for line in lines if line.strip()]
    return front.returncode, lines, f"{front.stdout}\n--- stderr:\n{front.stderr}\n--- backend:\n{backend_out}"


@pytest.mark.parametrize(("framework", "example"), CASES, ids=[f"{f}-{e}" for f, e in CASES])
def test_example_pair(examples_router, framework, example):
    code, original, original_log = run_pair("original", framework, example, examples_router)
    assert code == 0 and original, f"the original autobahn fails this example:\n{original_log}"
    code, ours, log = run_pair("ours", framework, example, examples_router)
    assert code == 0, f"frontend exited with {code}:\n{log}"
    # nothing failed in the frontend's callbacks
    assert "Traceback" not in NUMPY_NOISE.sub("", log.split("--- stderr:")[0]), log
    if PAIRS[example]:
        # Timing decides the numbers and, for PubSub, how many events arrive before the frontend's leave()
        # takes effect (in both implementations): the same kinds of lines must appear.
        original = sorted({NUMBER.sub("N", line) for line in original})
        ours = sorted({NUMBER.sub("N", line) for line in ours})
    assert ours == original, f"ours:\n{log}\n--- original:\n{original_log}"
