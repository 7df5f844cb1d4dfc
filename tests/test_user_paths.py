"""What a newcomer meets outside the API: help texts, exit statuses, messages that name the fix,
the skip summary at the end of a test run. Each entry point runs as a user runs it, in a
subprocess."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
import skip_summary
from conftest import needs

ROOT = Path(__file__).resolve().parent.parent

# Every `python -m` entry point with an argparse --help.
ENTRY_POINTS = [
    "autobahn",
    "autobahn.benchmark",
    "autobahn.benchmark.echo",
    "autobahn.benchmark.wamp",
    "autobahn.benchmark.router",
    "autobahn.benchmark.attack",
    "autobahn.benchmark.load",
    "autobahn.testee",
]


def run_python(*args: str, timeout: float = 120, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=timeout, **kwargs)


@pytest.mark.parametrize("module", ENTRY_POINTS)
def test_help_is_plain_text_with_the_real_program_name(module):
    result = run_python("-m", module, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: python -m {module} "), result.stdout[:200]
    assert "``" not in result.stdout and ":func:" not in result.stdout and "`" not in result.stdout
    # the description is the docstring's whole first paragraph, ending as a sentence does
    description = result.stdout.split("\n\n")[1]
    assert description.rstrip().endswith((".", ")")), description


def test_plain_takes_out_rest_markup():
    from autobahn import _cli

    assert _cli.plain("``python -m x`` and :func:`~a.b` or `c`") == "python -m x and a.b or c"
    assert _cli.summary("``a``: one\ntwo.\n\nrest") == "a: one two."


def test_unknown_option_exits_non_zero():
    result = run_python("-m", "autobahn", "--bogus")
    assert result.returncode == 2
    assert "usage: python -m autobahn" in result.stderr


# --- optional dependencies: the error names the extra ---

# A child interpreter without some distributions: None in sys.modules makes their import fail
# (ModuleNotFoundError) and importlib.util.find_spec report them missing.
BLOCK = "import sys\nfor name in {blocked!r}:\n    sys.modules[name] = None\n"


@pytest.mark.parametrize(
    "module", ["autobahn.twisted.websocket", "autobahn.twisted.wamp", "autobahn.twisted.component", "autobahn.twisted"]
)
def test_twisted_modules_without_twisted_name_the_extra(module):
    code = BLOCK.format(blocked={"twisted"}) + f"import {module}\n"
    result = run_python("-c", code)
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError: autobahn.twisted needs Twisted"), last
    assert 'pip install "autobahn[twisted]"' in last


@pytest.mark.parametrize(
    ("blocked", "code", "extra"),
    [
        ("msgpack", "from autobahn.wamp.serializer import MsgPackSerializer; MsgPackSerializer()", "serialization"),
        ("cbor2", "from autobahn.wamp.serializer import CBORSerializer; CBORSerializer()", "serialization"),
        ("bjdata", "from autobahn.wamp.serializer import UBJSONSerializer; UBJSONSerializer()", "serialization"),
        ("nacl", "from autobahn.wamp.cryptosign import CryptosignKey", "encryption"),
        ("nacl", "from autobahn.wamp.cryptobox import KeyRing", "encryption"),
        ("nacl", "from autobahn.wamp.auth import *; create_authenticator('cryptosign', privkey='00'*32)", "encryption"),
        ("argon2", "from autobahn.wamp.auth import *; derive_scram_credential('a', 'b')", "scram"),
    ],
)  # fmt: skip
def test_wamp_without_an_optional_library_names_the_extra(blocked, code, extra):
    result = run_python("-c", BLOCK.format(blocked={blocked}) + code + "\n")
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert f"autobahn[{extra}]" in last, last


# --- the echo benchmark: missing peers named with their install command, failures exit non-zero ---


def test_echo_benchmark_names_missing_peers():
    code = BLOCK.format(blocked={"picows", "aiohttp"}) + (
        "from autobahn.benchmark.echo import main\n"
        "sys.exit(main(['--servers', 'nvx,aiohttp', '--loops', 'asyncio', '--pinning', 'unpinned']))\n"
    )
    result = run_python("-c", code)
    assert result.returncode == 2
    assert "pip install picows aiohttp" in result.stderr


def test_echo_benchmark_exits_non_zero_when_a_point_fails(monkeypatch, capsys):
    from autobahn.benchmark import echo

    monkeypatch.setattr(echo, "missing_peers", lambda *a: [])
    monkeypatch.setattr(
        echo, "run_side_by_side", lambda servers, *a: dict.fromkeys(servers, "server failed: it did not start")
    )
    status = echo.main(["--servers", "nvx", "--loops", "asyncio", "--pinning", "unpinned", "--sizes", "16"])
    assert status == 1
    assert "nvx: server failed: it did not start" in capsys.readouterr().err


def test_echo_benchmark_names_the_native_build_without_cargo(monkeypatch, capsys):
    from autobahn.benchmark import echo

    monkeypatch.setattr(echo, "missing_peers", lambda *a: [])
    monkeypatch.setattr(echo.shutil, "which", lambda name: None)
    with pytest.raises(SystemExit) as exit_info:
        echo.main(["--servers", "nvx,native", "--loops", "asyncio", "--pinning", "unpinned", "--sizes", "16"])
    assert exit_info.value.code == 2
    assert "needs Rust's cargo" in (err := capsys.readouterr().err)
    assert "cargo build --release --locked --manifest-path" in err


def test_echo_benchmark_refuses_deflate_for_servers_without_it(capsys):
    from autobahn.benchmark import echo

    with pytest.raises(SystemExit):
        echo.main(["--deflate", "--servers", "nvx,picows", "--loops", "asyncio", "--pinning", "unpinned"])
    assert "picows has no permessage-deflate" in capsys.readouterr().err


def run_echo_briefly(*args: str) -> str:
    """The echo benchmark at 16 B, one short measurement a point (a cargo build may come first);
    its table, after checking that it exited 0."""
    short = ["--sizes", "16", "--duration", "0.02", "--repeat", "1", "--loops", "asyncio", "--pinning", "unpinned"]
    result = run_python("-m", "autobahn.benchmark.echo", *short, *args, timeout=900)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def assert_rows_for(table: str, servers: int) -> None:
    """A text and a binary row, each with round trips/s and server CPU (µs) for every server."""
    figure = r" [\d,]+ \([\d,.]+\) \|"
    for kind in ("text", "binary"):
        assert re.search(rf"^\| {kind} \| 16 B \|{figure * servers}", table, re.M), table


@needs("picows")
def test_echo_benchmark_measures_the_native_ceiling():
    if shutil.which("cargo") is None or os.environ.get("AUTOBAHN_CI_LEG") == "sid-root":
        # (A sid root starts from its tarball every run: a cold build of ~100 crates there, each time.)
        pytest.skip("the native echo server is built with cargo, on the host legs only")
    # The crate of this checkout, named: the package under test may be an installed wheel.
    table = run_echo_briefly("--servers", "nvx,native", "--native-crate", str(ROOT / "benchmarks" / "native-echo"))
    assert "| kind | size | nvx | native | nvx/native |" in table
    assert_rows_for(table, 2)


@needs("picows")
def test_echo_benchmark_measures_the_asyncio_floor():
    # Sizes with each of the three header forms (7-bit, 16-bit and 64-bit lengths): the picows
    # client fails the run if the floor echoes a frame wrongly.
    table = run_echo_briefly("--servers", "nvx,asyncio-floor", "--sizes", "16,200,70000")
    assert "| kind | size | nvx | asyncio-floor | nvx/asyncio-floor |" in table
    assert_rows_for(table, 2)


@needs("picows")
def test_echo_benchmark_over_tls():
    # The picows client trusts only the run's certificate and speaks wss: a plain server fails it.
    # nvx-aiofastnet: ours on a loop patched by aiofastnet, whose C TLS transport carries it.
    table = run_echo_briefly("--tls", "--servers", "nvx,nvx-aiofastnet,py")
    assert "asyncio, unpinned, TLS, picows client" in table
    assert "| kind | size | nvx | nvx-aiofastnet | py |" in table
    assert_rows_for(table, 3)


def test_echo_benchmark_with_permessage_deflate():
    # Our client fails the run when a server does not accept its permessage-deflate offer.
    table = run_echo_briefly("--deflate", "--servers", "nvx,py")
    assert "asyncio, unpinned, plain, permessage-deflate, our client" in table
    assert_rows_for(table, 2)


@needs("picows", "twisted")
def test_echo_benchmark_on_twisted():
    # Ours on Twisted's default reactor, NVX and pure, measured by the same client beside picows.
    table = run_echo_briefly("--twisted", "--servers", "twisted-nvx,twisted-py,picows")
    assert "Twisted, unpinned, plain, picows client" in table
    assert "| kind | size | twisted-nvx | twisted-py | picows | twisted-nvx/picows |" in table
    assert_rows_for(table, 3)


@needs("twisted")
def test_echo_benchmark_on_twisted_with_permessage_deflate():
    table = run_echo_briefly("--twisted", "--deflate", "--servers", "twisted-nvx,twisted-py")
    assert "Twisted, unpinned, plain, permessage-deflate, our client" in table
    assert_rows_for(table, 2)


def test_echo_benchmark_gives_twisted_no_certificate(capsys):
    from autobahn.benchmark import echo

    with pytest.raises(SystemExit):
        echo.main(["--twisted", "--tls", "--servers", "twisted-nvx", "--pinning", "unpinned"])
    assert "twisted-nvx serves plain WebSocket only" in capsys.readouterr().err


# --- WAMP: run() exits non-zero when a component gives up; Ctrl-C ends cleanly ---

COMPONENT = textwrap.dedent(
    """
    import sys
    if sys.argv[1] == "asyncio":
        from autobahn.asyncio.component import Component, run
    else:
        from autobahn.twisted.component import Component, run
    port, retries, delay = int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    transport = {"url": f"ws://127.0.0.1:{port}/ws", "max_retries": retries, "initial_retry_delay": delay}
    component = Component(transports=[transport], realm="realm1")
    component.on_connectfailure(lambda *a: print("ATTEMPT FAILED", flush=True))
    run([component])
    """
)


def closed_port() -> int:
    """A 127.0.0.1 port nothing listens on: 1 (tcpmux), outside the ephemeral range, so that a
    connection to it can never be a TCP self-connect (a free ephemeral port can, now and then)."""
    return 1


@pytest.mark.parametrize("framework", ["asyncio", "twisted"])
def test_component_run_exits_non_zero_when_it_gives_up(framework):
    result = run_python("-c", COMPONENT, framework, str(closed_port()), "1", "0.05")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Exhausted all transport connect attempts" in output
    assert "Traceback" not in output


# In the sid-root legs' whole-suite runs (CPython 3.14, PyPy 3.11) the Twisted child's output never
# reached this test within 60 s, while the test passes there alone and on the host: not yet explained.
TWISTED_CTRL_C = pytest.param(
    "twisted",
    marks=pytest.mark.skipif(
        sys.version_info >= (3, 14) or sys.implementation.name == "pypy",
        reason="CPython 3.14 and PyPy legs: the Twisted child's output is not seen in a full run (open)",
    ),
)


@pytest.mark.parametrize("framework", ["asyncio", TWISTED_CTRL_C])
def test_component_run_ends_cleanly_on_ctrl_c(framework):
    # Retrying forever, every 30 s: the SIGINT comes during the wait after the first attempt.
    args = [sys.executable, "-c", COMPONENT, framework, str(closed_port()), "-1", "30"]
    status, before, after = interrupt_after("ATTEMPT FAILED", args)
    assert status == 0, before + after
    # after the SIGINT: the shutdown notice, and no error, traceback or interpreter-exit noise
    for noise in ("Traceback", "never retrieved", "CancelledError", "Error", "error", "destroyed", "sys.meta_path"):
        assert noise not in after, after


JOINED_COMPONENT = textwrap.dedent(
    """
    import sys
    if sys.argv[1] == "asyncio":
        import asyncio
        from autobahn.asyncio.component import Component, run
        pause = lambda: asyncio.sleep(60)
    else:
        from autobahn.twisted.component import Component, run
        from autobahn.twisted.util import sleep
        pause = lambda: sleep(60)
    component = Component(transports=[{"url": sys.argv[2], "max_retries": 0}], realm=sys.argv[3])

    @component.on_join
    async def joined(session, details):
        print("JOINED", flush=True)
        await pause()

    run([component])
    """
)


def interrupt_after(marker: str, args: list[str]) -> tuple[int, str, str]:
    """Run ``args``, send SIGINT once a line holds ``marker``: (exit status, output before, output after)."""
    proc = subprocess.Popen(
        args,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        # a SIGINT ignored by whoever started the test run must not be inherited
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        lines = []
        # Bounded: a child that neither prints the marker within 60 s nor exits fails the test.
        watchdog = threading.Timer(60, proc.kill)
        watchdog.start()
        try:
            for line in proc.stdout:
                lines.append(line)
                if marker in line:
                    break
        finally:
            watchdog.cancel()
        assert marker in "".join(lines), f"no {marker!r} within 60 s:\n{''.join(lines)}"
        proc.send_signal(signal.SIGINT)
        rest, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
    return proc.returncode, "".join(lines), rest


@pytest.mark.parametrize("framework", ["asyncio", "twisted"])
def test_component_run_ends_cleanly_on_ctrl_c_while_joined(crossbar_router, framework):
    args = [sys.executable, "-c", JOINED_COMPONENT, framework, crossbar_router.ws_url, crossbar_router.realm]
    status, before, after = interrupt_after("JOINED", args)
    assert "JOINED" in before, before + after
    assert status == 0, before + after
    for noise in ("Traceback", "never retrieved", "CancelledError", "Error", "error", "destroyed", "sys.meta_path"):
        assert noise not in after, after


# --- the skip summary at the end of a test run ---


def test_skip_summary_groups_reasons():
    reasons = [
        "crossbar is not installed in /x (bash .ci/setup-crossbar.sh)",
        "crossbar is not installed in /x (bash .ci/setup-crossbar.sh)",
        "wstest not found (set WSTEST, put it on PATH, or run .ci/setup-wstest.sh once)",
        "crossbar-on-ours is not installed in /y (bash .ci/setup-crossbar-ours.sh)",
        "this interpreter has no tracemalloc",
    ]
    lines = skip_summary.summary_lines(reasons)
    assert lines[0].startswith("WAMP router tests (Crossbar.io): 2 skipped; to run them: bash .ci/setup-crossbar.sh")
    assert lines[1].startswith("WAMP router tests on Crossbar.io running this package: 1 skipped; to run them: pip")
    assert lines[2] == "conformance tests (Autobahn|Testsuite): 1 skipped; to run them: bash .ci/setup-wstest.sh"
    assert lines[3] == "other skips: 1 (pytest -rs lists each with its reason)"


def _run_with_skip_summary(tmp_path, skip_reason: str, ci: bool):
    (tmp_path / "conftest.py").write_text(
        "from skip_summary import pytest_configure, pytest_sessionfinish, pytest_terminal_summary  # noqa: F401\n"
    )
    (tmp_path / "test_x.py").write_text(
        f"import pytest\ndef test_skipped():\n    pytest.skip({skip_reason!r})\ndef test_ok():\n    pass\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "tests"), os.environ.get("PYTHONPATH", "")])}
    env.pop("AUTOBAHN_CI", None)
    env.pop("AUTOBAHN_CI_LEG", None)  # a host leg's allowlist
    if ci:
        env["AUTOBAHN_CI"] = "1"
    return run_python(
        "-m", "pytest", "-q", "-p", "no:cacheprovider", "-c", os.devnull, "--rootdir", str(tmp_path), str(tmp_path),
        env=env, cwd=tmp_path,
    )  # fmt: skip


ROUTER_SKIP = "crossbar is not installed in /nowhere (bash .ci/setup-crossbar.sh)"


def test_skip_summary_at_the_end_of_a_run(tmp_path):
    result = _run_with_skip_summary(tmp_path, ROUTER_SKIP, ci=False)
    assert result.returncode == 0, result.stdout + result.stderr
    tail = result.stdout[result.stdout.index("skipped integration groups") :]
    assert "WAMP router tests (Crossbar.io): 1 skipped; to run them: bash .ci/setup-crossbar.sh" in tail
    assert "1 passed, 1 skipped" in tail
    assert "AUTOBAHN_CI" not in tail


def test_a_skip_not_on_the_allowlist_fails_a_ci_run(tmp_path):
    result = _run_with_skip_summary(tmp_path, ROUTER_SKIP, ci=True)
    assert result.returncode == 1, result.stdout + result.stderr
    tail = result.stdout[result.stdout.index("skips (AUTOBAHN_CI=1): 1") :]
    assert f"1 x {ROUTER_SKIP}\n    NOT ALLOWED in CI" in tail
    assert "1 skip(s) not allowed in CI: the run fails" in tail


@pytest.mark.parametrize(
    "reason",
    [
        skip_summary.ALLOWED_IN_CI[0].reason.pattern.lstrip("^"),
        "needs uvloop, which this run leaves out: no wheel for this interpreter",  # AUTOBAHN_TESTS_WITHOUT
    ],
    ids=["allowlist", "declared"],
)
def test_an_explained_skip_passes_a_ci_run(tmp_path, reason):
    result = _run_with_skip_summary(tmp_path, reason, ci=True)
    assert result.returncode == 0, result.stdout + result.stderr
    tail = result.stdout[result.stdout.index("skips (AUTOBAHN_CI=1): 1") :]
    assert f"1 x {reason}\n    allowed: " in tail


# --- a refused opening handshake: onClose says what the server answered ---


def test_refused_handshake_reason_names_the_http_status(framework):
    import asyncio

    from frameworks import run, wait

    closed: list = []

    class Client:
        def onClose(self, wasClean, code, reason):
            closed.append((wasClean, code, reason))
            self.factory.done.set_result(None)

    async def not_websocket(reader, writer):
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
        await writer.drain()
        writer.close()

    async def main():
        server = await asyncio.start_server(not_websocket, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        try:
            factory = framework.client_factory(f"ws://127.0.0.1:{port}/wrong-path")
            factory.protocol = framework.client_class(Client)
            factory.done = asyncio.get_running_loop().create_future()
            await framework.connect(factory, port)
            await wait(factory.done)
        finally:
            server.close()
            await server.wait_closed()

    run(main())
    [(was_clean, code, reason)] = closed
    assert (was_clean, code) == (False, 1006)
    assert "opening handshake failed: the server answered with HTTP status 404" in reason
