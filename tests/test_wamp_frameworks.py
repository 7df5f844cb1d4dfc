"""Both frameworks through the same WAMP traffic against Crossbar: RPC (plain, progressive, errors,
cancellation) and acknowledged PubSub between two of our sessions, per transport and serializer.

The asyncio side runs in this process (tests/test_wamp_crossbar.py has the full asyncio suite); the
Twisted side runs tests/wamp_twisted_client.py as a process of its own, since txaio (and so every
WAMP session) serves one framework per process, as in autobahn."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from wamp_helpers import SERIALIZERS, TRANSPORTS, close, connect, run

from autobahn.wamp.exception import ApplicationError
from autobahn.wamp.types import CallOptions, PublishOptions, RegisterOptions

COMBOS = [(f, t, s) for f in ("asyncio", "twisted") for t in TRANSPORTS for s in SERIALIZERS]


def _asyncio_exchange(router, transport, serializer):
    import asyncio

    async def main():
        callee = await connect(router, transport, serializer)
        caller = await connect(router, transport, serializer)
        prefix = f"aio.{transport}.{serializer}"
        try:

            async def countdown(n, details=None):
                for i in range(n, 0, -1):
                    details.progress(i)
                    await asyncio.sleep(0)
                return "liftoff"

            def fail():
                raise ApplicationError(f"{prefix}.error", "bad", why="test")

            await callee.register(lambda a, b: a + b, f"{prefix}.add2")
            await callee.register(countdown, f"{prefix}.countdown", RegisterOptions(details_arg="details"))
            await callee.register(fail, f"{prefix}.fail")
            assert await caller.call(f"{prefix}.add2", 20, 22) == 42
            progress = []
            assert (
                await caller.call(f"{prefix}.countdown", 3, options=CallOptions(on_progress=progress.append))
                == "liftoff"
            )
            assert progress == [3, 2, 1]
            with pytest.raises(ApplicationError) as exc_info:
                await caller.call(f"{prefix}.fail")
            assert (exc_info.value.error, exc_info.value.kwargs) == (f"{prefix}.error", {"why": "test"})
            got = asyncio.get_running_loop().create_future()
            await callee.subscribe(lambda *a, **kw: got.done() or got.set_result((a, kw)), f"{prefix}.topic")
            await caller.publish(f"{prefix}.topic", 1, b"\x01", k="v", options=PublishOptions(acknowledge=True))
            assert await asyncio.wait_for(got, 5) == ((1, b"\x01"), {"k": "v"})
        finally:
            await close(caller, callee)

    run(main())


@pytest.mark.parametrize(("framework", "transport", "serializer"), COMBOS, ids=["-".join(c) for c in COMBOS])
def test_both_frameworks(crossbar_router, framework, transport, serializer):
    if framework == "asyncio":
        _asyncio_exchange(crossbar_router, transport, serializer)
        return
    script = Path(__file__).with_name("wamp_twisted_client.py")
    r = crossbar_router
    out = subprocess.run(
        [sys.executable, str(script), transport, serializer, r.ws_url, str(r.rs_port), r.unix_path, r.realm],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0 and "OK" in out.stdout.splitlines(), out.stdout + out.stderr


TWISTED_FIRST = """
import sys
sys.path.insert(0, sys.argv[1])
import txaio
txaio.use_twisted()  # as a program (or a test run) that imported autobahn.twisted first
import autobahn.twisted.websocket  # noqa: F401
from wamp_helpers import close, connect, run

class Router:
    realm, ws_url, rs_port, unix_path = sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]

async def main():
    callee = await connect(Router, "websocket", "cbor")
    caller = await connect(Router, "rawsocket", "json")
    await callee.register(lambda a, b: a * b, "first.mul")
    assert await caller.call("first.mul", 6, 7) == 42
    await close(caller, callee)

run(main())
print("OK")
"""


def test_asyncio_sessions_when_twisted_was_chosen_first(crossbar_router):
    """txaio serves one framework per process; our asyncio sessions pin asyncio futures, so they work even
    when Twisted was selected first (autobahn's would get Deferreds)."""
    r = crossbar_router
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            TWISTED_FIRST,
            str(Path(__file__).parent),
            r.realm,
            r.ws_url,
            str(r.rs_port),
            r.unix_path,
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0 and "OK" in out.stdout.splitlines(), out.stdout + out.stderr


@pytest.mark.parametrize("transport", ["websocket", "rawsocket"])
@pytest.mark.parametrize("method", ["cryptosign", "scram", "ticket", "wampcra"])
def test_twisted_authenticators(crossbar_router, method, transport):
    """Each method through Twisted's Session and autobahn.wamp.auth's authenticator, on Twisted's default
    reactor in a process of its own (test_wamp_crossbar.py's test_authenticators is the asyncio side)."""
    r = crossbar_router
    script = Path(__file__).with_name("wamp_twisted_auth.py")
    out = subprocess.run(
        [sys.executable, str(script), method, transport, r.auth_ws_url, str(r.auth_rs_port), r.realm],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.splitlines()[-2:] == [f"{method} authenticated", "OK"], out.stdout + out.stderr


@pytest.mark.parametrize("case", ["cancel-skip", "cancel-killnowait", "call-timeout", "large-batched"])
def test_twisted_cancel_timeout_and_batched(crossbar_router, case):
    """test_wamp_crossbar.py's cancel modes (kill: test_both_frameworks), call timeout and batched 1 MiB
    calls on Twisted's default reactor, in a process of its own."""
    r = crossbar_router
    script = Path(__file__).with_name("wamp_twisted_extras.py")
    out = subprocess.run(
        [sys.executable, str(script), case, r.ws_url, str(r.rs_port), r.unix_path, r.realm],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0 and out.stdout.splitlines()[-1:] == ["OK"], out.stdout + out.stderr
