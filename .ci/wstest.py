"""Run Autobahn|Testsuite (wstest) against our testees and check every case passed.

    python .ci/wstest.py server --mode quick --outdir wstest-results/server-nvx
    python .ci/wstest.py client --mode full --outdir wstest-results/client-py
    python .ci/wstest.py server --framework twisted --mode quick --outdir wstest-results/server-twisted

``server``: our echo server (``python -m autobahn.testee server``) against wstest's fuzzing
client. ``client``: our testee client against wstest's fuzzing server. ``quick`` leaves out
9.* (limits and performance), 12.* and 13.* (compression); ``uncompressed`` leaves out 12.* and
13.* only (301 cases); ``full`` runs all 517 cases.
The testees run with this interpreter and the caller's AUTOBAHN_USE_NVX, on asyncio or
(``--framework twisted``) on Twisted.

wstest runs on Python 2.7 only, so it is found outside this environment: the command in
$WSTEST (``{dir}`` there is replaced by the output directory, for a docker volume, e.g.
``docker run --rm --network host -v {dir}:{dir} -w {dir} crossbario/autobahn-testsuite wstest``),
else ``wstest`` on PATH, else /tmp/wstest/venv2/bin/wstest (where ../shared/tools/wstest.sh
installs it). Exit status 0 when every case is OK or INFORMATIONAL in behavior and close
behavior; the reports are in OUTDIR/reports.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import shlex
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

QUICK_EXCLUDE = ["9.*", "12.*", "13.*"]
# Compression: 216 cases of 1,000 messages each, nearly all of a full run's time.
EXCLUDED = {"quick": QUICK_EXCLUDE, "uncompressed": ["12.*", "13.*"], "full": []}
PASSING = ("OK", "INFORMATIONAL")
LOCAL_INSTALL = Path("/tmp/wstest/venv2/bin/wstest")


def find_wstest(outdir: Path) -> list[str] | None:
    """The wstest command, or None when there is none."""
    configured = os.environ.get("WSTEST")
    if configured:
        return shlex.split(configured.replace("{dir}", str(outdir)))
    on_path = shutil.which("wstest")
    if on_path:
        return [on_path]
    if LOCAL_INSTALL.exists():
        return [str(LOCAL_INSTALL)]
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float, proc: subprocess.Popen) -> None:
    from autobahn.testee import wait_until_listening  # the installed package this script tests

    try:
        wait_until_listening(port, proc, timeout, proc.args[0])
    except RuntimeError as exc:
        raise SystemExit(str(exc)) from None


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def case_selection(mode: str) -> dict[str, object]:
    """The spec's case lists: quick, uncompressed, full, or a comma-separated list of case patterns."""
    if mode in EXCLUDED:
        return {"cases": ["*"], "exclude-cases": EXCLUDED[mode], "exclude-agent-cases": {}}
    return {"cases": mode.split(","), "exclude-cases": [], "exclude-agent-cases": {}}


def run_server_direction(
    wstest: list[str], outdir: Path, mode: str, agent: str, command: str | None, framework: str
) -> None:
    port = free_port()
    if command:
        args = shlex.split(command.replace("{port}", str(port)))
    else:
        args = [sys.executable, "-m", "autobahn.testee", "--framework", framework, "server"]
        args += ["--host", "127.0.0.1", "--port", str(port)]
    with open(outdir / "testee.log", "w") as log:
        testee = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, 30, testee)
        spec = {
            "outdir": "./reports",
            "servers": [{"agent": agent, "url": f"ws://127.0.0.1:{port}"}],
            **case_selection(mode),
        }
        (outdir / "spec.json").write_text(json.dumps(spec, indent=1))
        with open(outdir / "wstest.log", "w") as wlog:
            subprocess.run([*wstest, "-m", "fuzzingclient", "-s", "spec.json"], cwd=outdir, stdout=wlog, stderr=wlog)
    finally:
        stop(testee)


def run_client_direction(wstest: list[str], outdir: Path, mode: str, agent: str, framework: str) -> None:
    port = free_port()
    spec = {
        "url": f"ws://127.0.0.1:{port}",
        "outdir": "./reports",
        **case_selection(mode),
    }
    (outdir / "spec.json").write_text(json.dumps(spec, indent=1))
    with open(outdir / "wstest.log", "w") as wlog:
        server = subprocess.Popen(
            # --webport 0: no report web server (it listens on every interface, on port 8080 for every run)
            [*wstest, "-m", "fuzzingserver", "-s", "spec.json", "--webport", "0"],
            cwd=outdir,
            stdout=wlog,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_port(port, 60, server)
        with open(outdir / "testee.log", "w") as log:
            url = f"ws://127.0.0.1:{port}"
            subprocess.run(
                [sys.executable, "-m", "autobahn.testee", "--framework", framework, "client", "--url", url]
                + ["--agent", agent],
                stdout=log,
                stderr=subprocess.STDOUT,
                check=True,
            )
    finally:
        stop(server)


def summarize(index_path: Path) -> int:
    """Print per-agent counts and the cases not passing; return how many do not pass."""
    index = json.loads(index_path.read_text())
    bad_total = 0
    for agent, cases in index.items():
        behavior = collections.Counter(c["behavior"] for c in cases.values())
        close = collections.Counter(c["behaviorClose"] for c in cases.values())
        bad = sorted(
            (k for k, c in cases.items() if c["behavior"] not in PASSING or c["behaviorClose"] not in PASSING),
            key=lambda k: [int(p) for p in k.split(".")],
        )
        bad_total += len(bad)
        print(f"{agent}: {len(cases)} cases; behavior {dict(behavior)}; close behavior {dict(close)}")
        listing = " ".join(f"{k}={cases[k]['behavior']}/{cases[k]['behaviorClose']}" for k in bad)
        print("not passing:", listing or "none")
    return bad_total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("direction", choices=["server", "client"], help="which of our testees wstest tests")
    parser.add_argument(
        "--mode", default="quick", help="quick, uncompressed, full, or case patterns such as 9.*,12.1.*"
    )
    parser.add_argument("--outdir", type=Path, required=True)
    parser.add_argument(
        "--server-command", help="server direction: start this server instead of ours ({port} is replaced)"
    )
    parser.add_argument(
        "--framework",
        choices=["asyncio", "asyncio-uvloop", "asyncio-aiofastnet", "twisted"],
        default="asyncio",
        help="the testees' framework",
    )
    parser.add_argument("--agent", help="agent name in the reports (default: from direction and NVX switch)")
    args = parser.parse_args()
    outdir = args.outdir.resolve()
    outdir.mkdir(parents=True, exist_ok=True)
    wstest = find_wstest(outdir)
    if wstest is None:
        print("wstest not found: set WSTEST, put it on PATH, or run ../shared/tools/wstest.sh once", file=sys.stderr)
        return 2
    switch = os.environ.get("AUTOBAHN_USE_NVX", "auto") or "auto"
    suffix = "" if args.framework == "asyncio" else f"-{args.framework}"
    agent = args.agent or f"autobahn-{args.direction}{suffix}-nvx-{switch}"
    shutil.rmtree(outdir / "reports", ignore_errors=True)
    started = time.monotonic()
    if args.direction == "server":
        run_server_direction(wstest, outdir, args.mode, agent, args.server_command, args.framework)
        index = outdir / "reports" / "index.json"
    else:
        run_client_direction(wstest, outdir, args.mode, agent, args.framework)
        index = outdir / "reports" / "clients" / "index.json"
        if not index.exists():
            index = outdir / "reports" / "index.json"
    elapsed = time.monotonic() - started
    print(
        f"wstest {args.mode}, {args.direction} direction, {args.framework}, AUTOBAHN_USE_NVX={switch}: {elapsed:.0f}s"
    )
    if not index.exists():
        print(f"no report at {index}; see {outdir / 'wstest.log'}", file=sys.stderr)
        return 1
    bad = summarize(index)
    print(f"wstest: {bad} cases not passing")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
