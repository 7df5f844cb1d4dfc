"""Run autobahn-python's own WebSocket examples (Twisted and asyncio) against our package and
against autobahn 26.10.2, and compare what they print.

    python .ci/test-examples.py --original DIR [--examples DIR] [--only NAME,...]

The examples come from autobahn 26.10.2's sdist on PyPI (it ships examples/), downloaded and
unpacked into a temporary folder unless --examples names an unpacked examples/ folder; they
are never copied into this repository. DIR is a folder with autobahn 26.10.2 and Twisted
(``pip install --target DIR "autobahn[twisted]==26.10.2"``), put first on PYTHONPATH for the
original's runs; our runs use this interpreter's autobahn.

Each case starts the example's server, then its client, lets them talk for a few seconds,
stops both, and reduces each process's output to its set of distinct lines (timestamps,
ports, object addresses and times blanked out). A case passes when our run prints every line
the original's run printed (lines listed in BENIGN are told apart, with the reason).
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ORIGINAL = "26.10.2"

# (name, folder, server command, client command, seconds, port). Commands are run in the folder.
URL = "ws://127.0.0.1:9000"
CASES = [
    ("twisted/echo", "twisted/websocket/echo", ["server.py"], ["client.py"], 3, 9000),
    ("twisted/echo coroutines", "twisted/websocket/echo", ["server.py"], ["client_coroutines.py"], 3, 9000),
    ("twisted/echo_compressed", "twisted/websocket/echo_compressed", ["server.py"], ["client.py", URL], 3, 9000),
    (
        "twisted/echo_compressed advanced",
        "twisted/websocket/echo_compressed",
        ["server_advanced.py"],
        ["client_advanced.py", URL],
        3,
        9000,
    ),
    ("twisted/echo_endpoints", "twisted/websocket/echo_endpoints", ["server.py"], ["client.py"], 3, 9000),
    ("twisted/echo_httpheaders", "twisted/websocket/echo_httpheaders", ["server.py"], ["client.py", URL], 3, 9000),
    ("twisted/echo_tls", "twisted/websocket/echo_tls", ["server.py"], ["client.py"], 3, 9000),
    ("twisted/echo_variants", "twisted/websocket/echo_variants", ["server.py"], ["client.py", URL], 3, 9000),
    (
        "twisted/echo_variants params",
        "twisted/websocket/echo_variants",
        ["server.py"],
        ["client_with_params.py", URL],
        3,
        9000,
    ),
    ("twisted/multiproto 1", "twisted/websocket/multiproto", ["server1.py"], ["client.py", URL + "/echo1"], 3, 9000),
    ("twisted/multiproto 2", "twisted/websocket/multiproto", ["server2.py"], ["client.py", URL + "/echo2"], 3, 9000),
    ("twisted/ping", "twisted/websocket/ping", ["server.py"], ["client.py", "wss://127.0.0.1:9000"], 4, 9000),
    (
        "twisted/pingpong_keepalive",
        "twisted/websocket/pingpong_keepalive",
        ["server.py"],
        ["client.py", URL],
        4,
        9000,
    ),
    ("twisted/reconnecting", "twisted/websocket/reconnecting", ["server.py"], ["client.py"], 4, 9000),
    ("twisted/slowsquare", "twisted/websocket/slowsquare", ["server.py"], ["client.py"], 3, 9000),
    (
        "twisted/streaming",
        "twisted/websocket/streaming",
        ["streaming_server.py"],
        ["streaming_client.py"],
        4,
        9000,
    ),
    (
        "twisted/streaming producer",
        "twisted/websocket/streaming",
        ["streaming_server.py"],
        ["streaming_producer_client.py"],
        4,
        9000,
    ),
    (
        "twisted/streaming frames",
        "twisted/websocket/streaming",
        ["frame_based_server.py"],
        ["frame_based_client.py"],
        4,
        9000,
    ),
    (
        "twisted/streaming messages",
        "twisted/websocket/streaming",
        ["message_based_server.py"],
        ["message_based_client.py"],
        4,
        9000,
    ),
    ("twisted/wrapping", "twisted/websocket/wrapping", ["server.py"], ["client.py"], 3, 9000),
    ("twisted/broadcast", "twisted/websocket/broadcast", ["server.py"], ["client.py", URL], 4, 9000),
    ("twisted/agent", "twisted/websocket/agent", ["../echo/server.py"], ["client.py"], 3, 9000),
    ("asyncio/echo", "asyncio/websocket/echo", ["server.py"], ["client.py"], 3, 9000),
    ("asyncio/slowsquare", "asyncio/websocket/slowsquare", ["server.py"], ["client.py"], 3, 9000),
]

NORMALIZE = [
    (re.compile(r"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:[+-]\d{4})? "), ""),  # log timestamps
    (re.compile(r"0x[0-9a-fA-F]+"), "0x?"),  # object addresses
    (re.compile(r"\b[0-9a-f]{16,}\b"), "HEX"),  # digests of random data
    (re.compile(r"(?<=[:=])\d{2,5}\b"), "PORT"),  # ports
    (re.compile(r"\b\d+\.\d+\b"), "N.N"),  # times, round-trip figures
    (re.compile(r"\[[^\]]*,\d+,[^\]]*\]"), "[PROTO]"),  # Twisted's log context "[Proto,3,127.0.0.1]"
    (re.compile(r"\b\d+\b"), "N"),  # counters, sizes, pids
]


EXCEPTION_LINE = re.compile(r"^[\w.]*(Error|Exception|Exit|Warning|Interrupt)\b|^builtins\.")
LOG_CONTEXT = re.compile(r"^\[[^\]]*\] ?")  # Twisted's "[-] " or "[Protocol,3,127.0.0.1] "


def normalize(text: str) -> set[str]:
    """Distinct lines, normalized; a traceback becomes one line "TRACEBACK" (frames and
    exception texts differ between implementations, whether a program crashed does not)."""
    lines = set()
    in_traceback = False
    for raw in text.splitlines():
        line = NORMALIZE[0][0].sub("", raw.rstrip())
        body = LOG_CONTEXT.sub("", line)
        if "Traceback (most recent call last)" in body:
            in_traceback = True
            lines.add("TRACEBACK")
            continue
        if in_traceback:
            if EXCEPTION_LINE.match(body.strip()):
                in_traceback = False  # the exception line ends it
                continue
            if body.startswith((" ", "\t")) or not body.strip():
                continue
            in_traceback = False
        line = line.strip()
        for pattern, replacement in NORMALIZE:
            line = pattern.sub(replacement, line)
        if line:
            lines.add(line)
    return lines


# Lines only the original prints, and why that is fine.
BENIGN = [
    # onConnecting(transport_details) prints a TransportDetails dump in the original; ours passes
    # None until autobahn.wamp.types (the WAMP issue) provides TransportDetails.
    (re.compile(r"transport details: \{|^(\[-\] )?\s*'[a-z_]+': "), "TransportDetails dump"),
]


def benign(line: str) -> bool:
    return any(pattern.search(line) for pattern, _ in BENIGN)


def crashed(lines: set[str]) -> bool:
    return "TRACEBACK" in lines or any(line.startswith("Unhandled") for line in lines)


def comparable(lines: set[str]) -> set[str]:
    """The lines that tell behaviour: not a crash marker, nothing BENIGN."""
    return {line for line in lines if line != "TRACEBACK" and "Unhandled" not in line and not benign(line)}


# Cases whose outputs differ for a known reason (printed as "known", not counted as failures).
KNOWN = {
    "twisted/echo_httpheaders": "prints ConnectionResponse: the original's str() is a pformat'ed dict",
    "twisted/echo_tls": "the original logs its factory options at debug level; ours does not",
    "twisted/multiproto 1": (
        "the server prints the request headers: our client sends no Pragma/Cache-Control, in another order"
    ),
    "twisted/ping": "connectWS verifies wss:// certificates by default (the original does not): self-signed fails",
    "twisted/streaming": "frames of 2^63-1 bytes streamed: receiving is not incremental in websocket.protocol yet",
    "twisted/streaming producer": "as twisted/streaming",
    "twisted/streaming frames": "as twisted/streaming",
}
# Clients that pick random numbers: only "does not crash where the original does not" is compared.
RANDOM = {"twisted/slowsquare", "asyncio/slowsquare"}


def wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)


def stop(proc: subprocess.Popen) -> str:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    assert proc.stdout is not None
    return proc.stdout.read()


def run_case(case: tuple, examples: Path, env: dict[str, str]) -> tuple[set[str], set[str]]:
    name, folder, server_cmd, client_cmd, seconds, port = case
    cwd = examples / folder
    common = {"cwd": cwd, "env": env, "stdout": subprocess.PIPE, "stderr": subprocess.STDOUT, "text": True}
    server = subprocess.Popen([sys.executable, "-u", *server_cmd], **common)
    try:
        wait_for_port(port, server)
        client = subprocess.Popen([sys.executable, "-u", *client_cmd], **common)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and client.poll() is None:
            time.sleep(0.05)
        client_out = stop(client)
    finally:
        server_out = stop(server)
    return normalize(server_out), normalize(client_out)


def fetch_examples(into: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:", "-d", str(into)]
        + [f"autobahn=={ORIGINAL}"],
        check=True,
    )
    [sdist] = into.glob("autobahn-*.tar.gz")
    with tarfile.open(sdist) as tar:
        tar.extractall(into, filter="data")
    return into / f"autobahn-{ORIGINAL}" / "examples"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--original", type=Path, required=True, help="folder with autobahn 26.10.2 (pip --target)")
    parser.add_argument("--examples", type=Path, help="an unpacked examples/ folder (default: from the sdist)")
    parser.add_argument("--only", help="comma-separated case names")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        examples = args.examples or fetch_examples(Path(tmp))
        for port in (9000, 8080):  # the examples' fixed ports (wstest's fuzzing server also takes 8080)
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    raise SystemExit(f"port {port} is in use: the examples need it free")
        ours_env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        theirs_env = {**ours_env, "PYTHONPATH": str(args.original.resolve())}
        failed: list[str] = []
        known: list[str] = []
        cases = [c for c in CASES if not args.only or c[0] in args.only.split(",")]
        for case in cases:
            theirs = run_case(case, examples, theirs_env)
            ours = run_case(case, examples, ours_env)
            problems = []
            for side, t, o in (("server", theirs[0], ours[0]), ("client", theirs[1], ours[1])):
                if crashed(o) and not crashed(t):
                    problems.append(f"{side}: ours crashed, the original did not")
                if case[0] in RANDOM:
                    continue
                missing = sorted(comparable(t) - comparable(o))
                if missing:
                    problems.append(f"{side}: missing {missing}")
                extra = sorted(comparable(o) - comparable(t))
                if extra:
                    print(f"     {side}, only ours: {extra}")
            if not theirs[0] and not theirs[1]:
                problems.append("the original printed nothing (case set up wrongly?)")
            status = "ok" if not problems else "known" if case[0] in KNOWN else "FAIL"
            print(f"{status:5} {case[0]} (original: {len(theirs[0])}+{len(theirs[1])} distinct lines)", flush=True)
            if status == "known":
                print(f"      known: {KNOWN[case[0]]}")
            for problem in problems:
                print(f"      {problem[:400]}")
            if status == "FAIL":
                failed.append(case[0])
            elif status == "known":
                known.append(case[0])
    print(f"{len(cases) - len(failed) - len(known)} passed, {len(failed)} failed, {len(known)} known differences")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
