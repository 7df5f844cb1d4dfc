"""Mixed sessions: our asyncio session and a component on the original autobahn 26.10.2
(tests/wamp_peer.py, run by the Crossbar venv's Python) call each other and exchange events through
Crossbar, with every serializer over WebSocket and RawSocket, anonymous and authenticated."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest
from wamp_helpers import SERIALIZERS, Client, authenticator_client, close, connect, run

from autobahn import _crossbar
from autobahn.wamp.exception import ApplicationError
from autobahn.wamp.types import CallOptions, PublishOptions

PEER = Path(__file__).with_name("wamp_peer.py")
PEER_AUTH = {  # what the original's authenticators get
    "cryptosign": ("cryptosign", _crossbar.CRYPTOSIGN["authid"], _crossbar.CRYPTOSIGN["seed_hex"]),
    "scram": ("scram", _crossbar.SCRAM["authid"], _crossbar.SCRAM["password"]),
    "ticket": ("ticket", _crossbar.TICKET["authid"], _crossbar.TICKET["ticket"]),
    "wampcra": ("wampcra", _crossbar.WAMPCRA["authid"], _crossbar.WAMPCRA["secret"]),
}


def start_peer(router, transport: str, serializer: str, auth: str | None = None) -> subprocess.Popen:
    if transport == "websocket":
        url = router.auth_ws_url if auth else router.ws_url
    else:
        url = f"rs://127.0.0.1:{router.auth_rs_port if auth else router.rs_port}"
    args = [str(_crossbar.peer_python()), str(PEER), url, router.realm, serializer]
    if auth:
        args += list(PEER_AUTH[auth])
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return proc


async def wait_ready(proc: subprocess.Popen, timeout: float = 60.0) -> None:
    loop = asyncio.get_running_loop()
    output = []

    def read_until_ready():
        for line in proc.stdout:
            output.append(line)
            if line.strip() == "READY":
                return True
        return False

    ready = await asyncio.wait_for(loop.run_in_executor(None, read_until_ready), timeout)
    if not ready:
        raise RuntimeError(f"peer exited with {proc.wait()} before READY:\n{''.join(output)}")


def run_with_peer(proc: subprocess.Popen, ours_side) -> None:
    """Wait for the peer, run ``ours_side()`` (a coroutine function), stop the peer (it must exit 0)."""

    async def main():
        await wait_ready(proc)
        await ours_side()

    try:
        run(main(), timeout=90)
    finally:
        out = stop_peer(proc)
    assert proc.returncode == 0, out


def stop_peer(proc: subprocess.Popen) -> str:
    try:
        out, _ = proc.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return out or ""


async def exchange(ours: Client) -> None:
    """Everything both ways: RPC (plain, progressive, errors, payload types), calls back into us, events."""
    assert await ours.call("peer.add2", 2, 3) == 5
    progress = []
    assert await ours.call("peer.countdown", 3, options=CallOptions(on_progress=progress.append)) == "liftoff"
    assert progress == [3, 2, 1]
    with pytest.raises(ApplicationError) as exc_info:
        await ours.call("peer.fail")
    assert (exc_info.value.error, exc_info.value.args, exc_info.value.kwargs) == (
        "peer.error.failed",
        ("as asked",),
        {"why": "test"},
    )
    payload = [1, -(2**40), 3.25, "grüße", None, True, [1, [2]], {"a": {"b": "c"}}, b"\x00\x01\xfe\xff"]
    res = await ours.call("peer.echo", *payload, key=b"\x10", other="x")
    assert res == {"args": payload, "kwargs": {"key": b"\x10", "other": "x"}}

    # the original calls us: our endpoints, progressive results excluded (a plain call)
    def mul(a, b):
        return a * b

    def ours_fail():
        raise ApplicationError("ours.error.failed", "from ours")

    await ours.register(mul, "ours.mul")
    await ours.register(ours_fail, "ours.fail")
    assert await ours.call("peer.call_ours", "ours.mul", 6, 7) == 42
    with pytest.raises(ApplicationError) as exc_info:
        await ours.call("peer.call_ours", "ours.fail")
    assert exc_info.value.error == "ours.error.failed"  # raised in ours, re-raised by the peer, back to us

    # events: ours -> peer -> ours
    got: asyncio.Queue = asyncio.Queue()
    await ours.subscribe(lambda *a, **kw: got.put_nowait((a, kw)), "peer.event")
    await ours.publish("ours.event", *payload, options=PublishOptions(acknowledge=True), flag=True)
    args, kwargs = await asyncio.wait_for(got.get(), 10)
    assert list(args) == payload and kwargs == {"flag": True}


MIXED = [(t, s) for t in ("websocket", "rawsocket") for s in SERIALIZERS]


@pytest.mark.parametrize(("transport", "serializer"), MIXED, ids=[f"{t}-{s}" for t, s in MIXED])
def test_mixed_session(crossbar_router, transport, serializer):
    proc = start_peer(crossbar_router, transport, serializer)

    async def ours_side():
        ours = await connect(crossbar_router, transport, serializer)
        try:
            await exchange(ours)
            await ours.call("peer.stop")
        finally:
            await close(ours)

    run_with_peer(proc, ours_side)


@pytest.mark.parametrize("transport", ["websocket", "rawsocket"])
@pytest.mark.parametrize("method", sorted(PEER_AUTH))
def test_mixed_session_authenticated(crossbar_router, transport, method):
    """Both sides authenticate with ``method`` on the router's authenticated transports, each with its own
    library's authenticator (ours: autobahn.wamp.auth through the session shim)."""
    proc = start_peer(crossbar_router, transport, "msgpack", auth=method)

    async def ours_side():
        ours = await connect(crossbar_router, transport, "msgpack", authenticator_client(method), auth=True)
        try:
            assert ours.session_details.authmethod == method
            await exchange(ours)
            await ours.call("peer.stop")
        finally:
            await close(ours)

    run_with_peer(proc, ours_side)


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q"]))
