"""Behavioural differential: every scenario of ``scenarios.py`` runs against the original
autobahn 26.10.2 (its ``pip --target`` folder first on the path, .ci/setup-original-autobahn.sh)
and against ours, on asyncio and on Twisted, each in a process of its own (forked by one
runner process per side and framework, after the imports, before any reactor); the traces (callbacks and
their arguments, the wire as the raw peer received it, pending timers and registered producers
once closed) must be equal after the normalizations below. Each normalization names the
deliberate difference it stands for; the README's "Moving from autobahn" lists them.

Without the original the tests skip, unless AUTOBAHN_REQUIRE_ORIGINAL=1 (CI): then they fail.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))

from scenarios import SCENARIOS  # noqa: E402

ORIGINAL = Path(os.environ.get("AUTOBAHN_ORIGINAL_TARGET", ROOT / ".peers" / "autobahn-26.10.2"))
FRAMEWORKS = ("asyncio", "twisted")
CASES = [(fw, name) for name, sc in SCENARIOS.items() for fw in FRAMEWORKS if fw == "twisted" or not sc.twisted_only]


def _run_many(impl: str, fw: str, names: list[str]) -> list[dict[str, Any]]:
    """Traces of ``names`` on one side: one runner process with the package on its path
    (the original's folder first for "original"), which forks a process per scenario."""
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    if impl == "original":
        env["PYTHONPATH"] = str(ORIGINAL.resolve())
    try:
        proc = subprocess.run(
            [sys.executable, str(HERE / "runner.py"), "--serve", fw],
            input="".join(f"{name}\n" for name in names),
            cwd=HERE,
            env=env,
            capture_output=True,
            text=True,
            timeout=60 + 30 * len(names),  # each scenario bounds itself; this only catches a hang
        )
        lines = proc.stdout.splitlines()
        stderr = proc.stderr
    except subprocess.TimeoutExpired as exc:
        lines, stderr = [], f"timeout: {exc.stderr}"
    traces = [json.loads(line) for line in lines]
    missing = {"crashed": "no trace", "stderr": stderr[-3000:]}
    return traces + [missing] * (len(names) - len(traces))


def _run(impl: str, fw: str, name: str) -> dict[str, Any]:
    return _run_many(impl, fw, [name])[0]


@pytest.fixture(scope="session")
def traces() -> dict[tuple[str, str, str], dict[str, Any]]:
    if not (ORIGINAL / "autobahn-26.10.2.dist-info").is_dir():
        reason = f"the original autobahn 26.10.2 is not installed in {ORIGINAL} (bash .ci/setup-original-autobahn.sh)"
        if os.environ.get("AUTOBAHN_REQUIRE_ORIGINAL") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    # A few runner processes per side and framework at once: scenarios wait on their peer
    # most of the time.
    batches = []
    for impl in ("original", "ours"):
        for fw in FRAMEWORKS:
            names = [name for case_fw, name in CASES if case_fw == fw]
            batches += [(impl, fw, names[i::3]) for i in range(3)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda batch: _run_many(*batch), batches))
    traces = {}
    for (impl, fw, names), batch_traces in zip(batches, results, strict=True):
        traces.update({(impl, fw, name): trace for name, trace in zip(names, batch_traces, strict=True)})
    return traces


# --- normalizations: each one a deliberate difference, named -------------------------------------

# Headers whose values are ours to choose: the Server/User-Agent product string carries each
# package's own version.
PRODUCT_HEADERS = {"server", "user-agent"}
LIST_HEADERS = {"sec-websocket-protocol", "sec-websocket-version", "sec-websocket-extensions"}
# An answer that is not 101 (a refused handshake, the status page) is complete HTTP in ours:
# its length, type and "Connection: close" are said; its body is prose for people.
ERROR_ANSWER_HEADERS = {"content-type", "content-length", "connection"}


def _normal_head(head: dict[str, Any] | None) -> Any:
    """HTTP: header order and the case of header names and of the Upgrade token carry no meaning
    (RFC 9110 5.1, RFC 6455 4.2.2)."""
    if head is None:
        return None
    headers = []
    start = head["start"]
    for name, value in head["headers"]:
        name = name.lower()
        if name in ("upgrade", "connection"):
            value = value.lower()
        if name in PRODUCT_HEADERS and value.startswith("AutobahnPython/"):
            value = "AutobahnPython/<version>"
        if name == "sec-websocket-key":
            value = "<random>"  # a client's key is random (the peer checks the answer, not the key)
        if name == "host" and start.startswith("GET "):
            value = value.rsplit(":", 1)[0] + ":<port>"  # the raw server's port is the system's choice
        if start.startswith("HTTP/") and not start.startswith("HTTP/1.1 101") and name in ERROR_ANSWER_HEADERS:
            continue
        if name in LIST_HEADERS:
            # A list header's separators carry no meaning (RFC 9110 5.6.1): "a,b" is "a, b".
            headers.extend((name, item.strip()) for item in value.split(","))
            continue
        headers.append((name, value))
    grouped: dict[str, list[str]] = {}
    for name, value in headers:
        grouped.setdefault(name, []).append(value)
    # The reason phrase of the status line is prose (autobahn puts its failure message there,
    # ours the standard phrase, and the message in the body).
    if start.startswith("HTTP/"):
        start = " ".join(start.split(" ", 2)[:2])
    return {"start": start, "headers": grouped}


FAILURE_CODES = {1002, 1003, 1007, 1008, 1009, 1010, 1011}


def _cut_to_reset(original: dict[str, Any], ours: dict[str, Any]) -> None:
    """A RST makes the peer's kernel drop what the peer had not read yet, so where autobahn
    aborts the connection, its wire ends at a point that depends on thread timing: compare
    ours only up to where the original's was cut (what ours sent beyond it is not compared)."""
    if original.get("peer_ending") != "reset" or not original.get("wire") or not ours.get("wire"):
        return
    o, u = original["wire"], ours["wire"]
    if o.get("head") is None and o.get("raw") == "":
        ours["wire"] = copy.deepcopy(o)
        return
    u["frames"] = u.get("frames", [])[: len(o.get("frames", []))]


def normalize(trace: dict[str, Any], random_ping: bool = False) -> dict[str, Any]:
    t = copy.deepcopy(trace)
    if random_ping:  # an automatic ping's payload is random in both packages
        for f in (t.get("wire") or {}).get("frames", []):
            if f.get("opcode") == 9:
                f["payload"] = "<random>"
        for event in t.get("events", []):
            if event[0] == "onPong":
                event[1] = "<random>"
    t.pop("autobahn", None)
    t.pop("timer_names", None)
    t.pop("seconds", None)
    wire = t.get("wire")
    if wire:
        wire["head"] = _normal_head(wire.get("head"))
        if "body" in wire:
            wire["body"] = "<prose>"
        for f in wire.get("frames", []):
            close = f.get("close")
            if isinstance(close, list) and close[0] in FAILURE_CODES:
                close[1] = "<reason>"  # the wording of a protocol error's close reason is ours
    for event in t.get("events", []):
        if event[0] == "onClose" and len(event) == 4:
            was_clean, code, reason = event[1:]
            if not was_clean or code in FAILURE_CODES:
                event[3] = "<reason>" if reason is not None else None  # wording of why it was unclean
    return t


def _diff(a: Any, b: Any, path: str = "") -> list[str]:
    # Ours raises ValueError/TypeError where autobahn raises a bare Exception: every handler
    # written for the original (except Exception) catches them.
    if (
        isinstance(a, dict)
        and isinstance(b, dict)
        and set(a) == set(b) == {"exception"}
        and a["exception"] == "Exception"
        and b["exception"] in ("ValueError", "TypeError")
    ):
        return []
    if path == ".peer_ending" and (a, b) == ("reset", "eof"):
        # Where autobahn (on Twisted) aborts with a RST after the closing handshake, after failing
        # a connection, or after a refused handshake, ours closes with FIN: nothing is left to
        # send either way, and a RST may discard the close frame before the peer has read it.
        return []
    if path == ".after.pending_timers" and b == 0:
        return []  # autobahn 26.10.2 leaves some timers pending (e.g. its open handshake's); ours none
    if type(a) is not type(b) or not isinstance(a, (dict, list)):
        return [] if a == b else [f"{path or '.'}: original {a!r} != ours {b!r}"]
    if isinstance(a, dict):
        out = []
        for key in sorted(set(a) | set(b)):
            out += _diff(a.get(key), b.get(key), f"{path}.{key}")
        return out
    out = []
    for i in range(max(len(a), len(b))):
        out += _diff(a[i] if i < len(a) else None, b[i] if i < len(b) else None, f"{path}[{i}]")
    return out


def test_each_side_runs_its_own_package(traces):
    fw, name = CASES[0]
    original, ours = traces[("original", fw, name)], traces[("ours", fw, name)]
    assert Path(original["autobahn"]).resolve().is_relative_to(ORIGINAL.resolve()), original["autobahn"]
    assert not Path(ours["autobahn"]).resolve().is_relative_to(ORIGINAL.resolve()), ours["autobahn"]


@pytest.mark.parametrize(("framework", "scenario"), CASES, ids=[f"{fw}-{name}" for fw, name in CASES])
def test_same_behaviour(traces, framework, scenario):
    original = traces[("original", framework, scenario)]
    ours = traces[("ours", framework, scenario)]
    assert "crashed" not in original, original
    assert "crashed" not in ours, ours
    random_ping = SCENARIOS[scenario].random_ping
    original, ours = normalize(original, random_ping), normalize(ours, random_ping)
    _cut_to_reset(original, ours)
    differences = _diff(original, ours)
    deliberate = SCENARIOS[scenario].differs
    differences = [d for d in differences if not any(d.startswith(f"{path}") for path in deliberate)]
    assert not differences, "\n".join(differences)
