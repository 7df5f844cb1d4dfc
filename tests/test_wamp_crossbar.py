"""Our WAMP client against a real Crossbar.io router (tests/conftest.py ``crossbar_router``): RPC and
PubSub between two of our sessions over every transport and serializer, with options, progressive
results, errors, cancellation and each authentication method; on asyncio's event loop and on uvloop.
(Twisted: txaio serves one framework per process, so Twisted's WAMP sessions run in processes of
their own, tests/test_wamp_frameworks.py.)"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
import wamp_helpers
from conftest import needs
from wamp_helpers import (
    AUTH_CASES,
    AUTHENTICATORS,
    SERIALIZERS,
    TRANSPORTS,
    Client,
    authenticating_client,
    authenticator_client,
    close,
    connect,
    run,
)

from autobahn import _crossbar
from autobahn.wamp import message
from autobahn.wamp.exception import ApplicationError, InvalidUriError, ProtocolError
from autobahn.wamp.types import CallOptions, PublishOptions, RegisterOptions, SubscribeOptions

COMBOS = [(t, s) for t in TRANSPORTS for s in SERIALIZERS]


@pytest.fixture(params=["asyncio", pytest.param("uvloop", marks=needs("uvloop"))], autouse=True)
def wamp_loop(request: pytest.FixtureRequest) -> Iterator[str]:
    """Every test's sessions on a fresh asyncio loop, then on a fresh uvloop (wamp_helpers.run)."""
    if request.param == "asyncio":
        yield "asyncio"
        return
    import uvloop

    wamp_helpers.LOOP_FACTORY[0] = uvloop.new_event_loop
    try:
        yield "uvloop"
    finally:
        wamp_helpers.LOOP_FACTORY[0] = asyncio.new_event_loop


@pytest.mark.parametrize(("transport", "serializer"), COMBOS, ids=[f"{t}-{s}" for t, s in COMBOS])
def test_rpc(crossbar_router, transport, serializer):
    async def main():
        callee = await connect(crossbar_router, transport, serializer)
        caller = await connect(crossbar_router, transport, serializer)
        try:

            def add2(a, b):
                return a + b

            async def countdown(n, details=None):
                for i in range(n, 0, -1):
                    details.progress(i)
                    await asyncio.sleep(0)
                return "liftoff"

            def fail(code):
                raise ApplicationError("com.test.error.failed", code, detail="why")

            def whoami(details=None):
                return details.caller

            def everything(*args, **kwargs):
                return {"args": list(args), "kwargs": kwargs, "binary": b"\x00\xff"}

            await callee.register(add2, "com.test.add2")
            await callee.register(countdown, "com.test.countdown", RegisterOptions(details_arg="details"))
            await callee.register(fail, "com.test.fail")
            await callee.register(whoami, "com.test.whoami", RegisterOptions(details_arg="details"))
            await callee.register(everything, "com.test.everything")

            assert await caller.call("com.test.add2", 20, 22) == 42
            progress = []
            res = await caller.call("com.test.countdown", 3, options=CallOptions(on_progress=progress.append))
            assert res == "liftoff" and progress == [3, 2, 1]
            with pytest.raises(ApplicationError) as exc_info:
                await caller.call("com.test.fail", 7)
            err = exc_info.value
            assert (err.error, err.args, err.kwargs) == ("com.test.error.failed", (7,), {"detail": "why"})
            assert await caller.call("com.test.whoami") == caller.session_id  # the router discloses the caller
            res = await caller.call("com.test.everything", 1, "zwei", [3.5, None], k={"nested": [True]})
            assert res == {
                "args": [1, "zwei", [3.5, None]],
                "kwargs": {"k": {"nested": [True]}},
                "binary": b"\x00\xff",
            }
            with pytest.raises(ApplicationError) as exc_info:
                await caller.call("com.test.nobody")
            assert exc_info.value.error == "wamp.error.no_such_procedure"
            # a second registration of the same URI is refused by the router
            with pytest.raises(ApplicationError) as exc_info:
                await caller.register(add2, "com.test.add2")
            assert exc_info.value.error == "wamp.error.procedure_already_exists"
            reg = await caller.register(add2, "com.test.add3")
            await reg.unregister()
            with pytest.raises(ApplicationError):
                await callee.call("com.test.add3", 1, 2)
        finally:
            await close(caller, callee)

    run(main())


@pytest.mark.parametrize(("transport", "serializer"), COMBOS, ids=[f"{t}-{s}" for t, s in COMBOS])
def test_pubsub(crossbar_router, transport, serializer):
    async def main():
        subscriber = await connect(crossbar_router, transport, serializer)
        publisher = await connect(crossbar_router, transport, serializer)
        try:
            events = asyncio.Queue()

            def on_event(*args, details=None, **kwargs):
                events.put_nowait((args, kwargs, details.topic, details.publisher))

            await subscriber.subscribe(on_event, "com.test.topic", SubscribeOptions(details_arg="details"))
            await subscriber.subscribe(
                on_event, "com.test.prefix.", SubscribeOptions(match="prefix", details_arg="details")
            )
            own = []
            await publisher.subscribe(lambda *a, **kw: own.append(a), "com.test.topic")

            pub = await publisher.publish("com.test.topic", 1, "a", key="v", options=PublishOptions(acknowledge=True))
            assert isinstance(pub.id, int)
            assert await asyncio.wait_for(events.get(), 5) == (
                (1, "a"),
                {"key": "v"},
                "com.test.topic",
                publisher.session_id,
            )
            await publisher.publish("com.test.prefix.deep", b"\x01", options=PublishOptions(acknowledge=True))
            assert (await asyncio.wait_for(events.get(), 5))[:3] == ((b"\x01",), {}, "com.test.prefix.deep")
            # exclude_me=False: the publisher's own subscription gets it too
            await publisher.publish("com.test.topic", 2, options=PublishOptions(acknowledge=True, exclude_me=False))
            assert (await asyncio.wait_for(events.get(), 5))[0] == (2,)
            for _ in range(50):
                if own:
                    break
                await asyncio.sleep(0.02)
            assert own == [(2,)]
            # exclude the subscriber by session id: it gets nothing; then eligible only for it
            await publisher.publish(
                "com.test.topic", 3, options=PublishOptions(acknowledge=True, exclude=[subscriber.session_id])
            )
            await publisher.publish(
                "com.test.topic", 4, options=PublishOptions(acknowledge=True, eligible=[subscriber.session_id])
            )
            assert (await asyncio.wait_for(events.get(), 5))[0] == (4,)
            # unsubscribe: nothing more arrives
            sub = await subscriber.subscribe(lambda *a: events.put_nowait(("late", a)), "com.test.other")
            await sub.unsubscribe()
            await publisher.publish("com.test.other", 5, options=PublishOptions(acknowledge=True))
            await asyncio.sleep(0.2)
            assert events.empty()
            with pytest.raises(InvalidUriError):  # checked before anything is sent, as autobahn does
                publisher.publish("com.test..bad", options=PublishOptions(acknowledge=True))
        finally:
            await close(publisher, subscriber)

    run(main())


@pytest.mark.parametrize("mode", ["skip", "kill", "killnowait"])
def test_cancel(crossbar_router, mode):
    async def main():
        callee = await connect(crossbar_router)
        caller = await connect(crossbar_router)
        try:
            started = asyncio.Event()
            interrupted = asyncio.Event()

            async def forever():
                started.set()
                try:
                    await asyncio.sleep(30)
                except asyncio.CancelledError:
                    interrupted.set()
                    raise

            await callee.register(forever, "com.test.forever")
            caller.set_cancel_mode(mode)
            call = caller.call("com.test.forever")
            await asyncio.wait_for(started.wait(), 5)
            call.cancel()
            with pytest.raises(asyncio.CancelledError):
                await call
            if mode == "skip":
                await asyncio.sleep(0.3)
                assert not interrupted.is_set()  # skip: the callee is not told
            else:
                await asyncio.wait_for(interrupted.wait(), 5)
            # the session goes on normally after the router's ERROR for the cancelled call
            await callee.register(lambda: "ok", "com.test.after")
            assert await caller.call("com.test.after") == "ok"
        finally:
            await close(caller, callee)

    run(main())


def test_call_timeout(crossbar_router):
    async def main():
        callee = await connect(crossbar_router)
        caller = await connect(crossbar_router)
        try:

            async def slow():
                await asyncio.sleep(5)

            await callee.register(slow, "com.test.slow")
            with pytest.raises(ApplicationError) as exc_info:
                await caller.call("com.test.slow", options=CallOptions(timeout=1))  # Crossbar: whole seconds
            assert exc_info.value.error in ("wamp.error.canceled", "wamp.error.timeout")
        finally:
            await close(caller, callee)

    run(main())


def test_large_and_batched(crossbar_router):
    async def main():
        callee = await connect(crossbar_router, serializer="msgpack", batched=True)
        caller = await connect(crossbar_router, serializer="cbor", batched=True)
        try:
            await callee.register(lambda data: data[::-1], "com.test.reverse")
            blob = bytes(range(256)) * 4096  # 1 MiB
            assert await caller.call("com.test.reverse", blob) == blob[::-1]
        finally:
            await close(caller, callee)

    run(main())


@pytest.mark.parametrize("transport", ["websocket", "rawsocket"])
@pytest.mark.parametrize("case", sorted(AUTH_CASES))
def test_authentication(crossbar_router, case, transport):
    authmethods, authid, _ = AUTH_CASES[case]

    async def main():
        session = await connect(crossbar_router, transport, "cbor", authenticating_client(case), auth=True)
        try:
            details = session.session_details
            assert (details.authid, details.authrole, details.authmethod) == (authid, "authenticated", authmethods[0])
        finally:
            await close(session)

    run(main())


def test_authentication_refused(crossbar_router):
    class Wrong(Client):
        authmethods = ["ticket"]
        authid = _crossbar.TICKET["authid"]
        challenge_answer = staticmethod(lambda session, challenge: "not-the-ticket")

    async def main():
        with pytest.raises(RuntimeError, match="wamp.error.not_authorized|authentication_failed"):
            await connect(crossbar_router, "websocket", "json", Wrong, auth=True)

    run(main())


@pytest.mark.parametrize("method", AUTHENTICATORS)
def test_authenticators(crossbar_router, method):
    """Each method through autobahn.wamp.auth's authenticator and the session shim (what Component uses)."""

    async def main():
        session = await connect(crossbar_router, "websocket", "json", authenticator_client(method), auth=True)
        try:
            assert session.session_details.authmethod == method
            assert session.session_details.authrole == "authenticated"
        finally:
            await close(session)

    run(main())


TLS_TRANSPORTS = ["tls-websocket", "tls-rawsocket"]


@pytest.mark.parametrize("transport", TLS_TRANSPORTS)
def test_tls_client_certificate_authentication(crossbar_router, transport):
    """authmethod "tls": the router authenticates the client certificate, and both sides see the TLS
    details filled in after the handshake (the channel ID, the peer's certificate)."""

    class ByCertificate(Client):
        authmethods = ["tls"]

    async def main():
        session = await connect(crossbar_router, transport, "cbor", ByCertificate)
        try:
            details = session.session_details
            assert (details.authid, details.authmethod, details.authrole) == (
                _crossbar.TLS_CLIENT,
                "tls",
                "authenticated",
            )
            ours = session._transport.transport_details
            assert ours.is_secure and ours.channel_type == ours.CHANNEL_TYPE_TLS
            assert len(ours.channel_id["tls-unique"]) == 32 and any(ours.channel_id["tls-unique"])
            assert ours.peer_cert["subject"]["cn"] == "localhost"
        finally:
            await close(session)

    run(main())


@pytest.mark.parametrize("transport", TLS_TRANSPORTS)
@pytest.mark.parametrize("channel_binding", [None, "tls-unique"])
def test_tls_cryptosign_channel_binding(crossbar_router, transport, channel_binding):
    """WAMP-cryptosign over TLS, the signature bound to the TLS channel (tls-unique) or not: the router
    computes the same channel ID as our client does, or the join fails."""
    Signer = authenticator_client("cryptosign", {"channel_binding": channel_binding} if channel_binding else None)

    async def main():
        session = await connect(crossbar_router, transport, "json", Signer)
        try:
            assert session.session_details.authmethod == "cryptosign"
        finally:
            await close(session)

    run(main())


def test_malformed_message_from_peer_aborts_session(crossbar_router):
    """A message our parser refuses (here: fed as if the router had sent it) aborts with protocol_violation
    on the real connection, and the router sees the session end."""

    async def main():
        session = await connect(crossbar_router, "websocket", "json")
        proto = session._transport
        proto.onMessage(b'[36, "not-an-id", 1, {}]', False)  # EVENT with a string subscription id
        await asyncio.wait_for(asyncio.shield(session.closed), 5)
        assert session.leave_details.reason == "wamp.error.protocol_violation"
        proto2 = (await connect(crossbar_router, "rawsocket", "json"))._transport
        proto2._message_received(b"[99]")  # unknown message type
        await asyncio.wait_for(asyncio.shield(proto2.is_closed), 5)

    run(main())


def test_unknown_message_is_protocol_error():
    with pytest.raises(ProtocolError, match="'subscription' in EVENT: invalid type"):
        message.Event.parse([36, "x", 1, {}])
