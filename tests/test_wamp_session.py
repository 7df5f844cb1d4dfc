"""ApplicationSession against a fake transport: the router's side is played by the test, message by
message, so every answer (and every protocol violation) is exactly the one we mean."""

from __future__ import annotations

import asyncio

import pytest
import txaio

from autobahn._txaio import use_framework

use_framework("asyncio")

from autobahn import wamp  # noqa: E402
from autobahn.asyncio.wamp import ApplicationSession  # noqa: E402
from autobahn.wamp import message, types  # noqa: E402
from autobahn.wamp.exception import ApplicationError, TransportLost  # noqa: E402
from autobahn.wamp.protocol import PROTOCOL_VIOLATION, ApplicationSessionFactory  # noqa: E402
from autobahn.wamp.role import RoleBrokerFeatures, RoleDealerFeatures  # noqa: E402

ROUTER_ROLES = {
    "broker": RoleBrokerFeatures(publisher_identification=True),
    "dealer": RoleDealerFeatures(progressive_call_results=True, call_canceling=True),
}


class FakeTransport:
    """An ITransport that records what the session sends; ``close()`` closes it like a real one would."""

    def __init__(self) -> None:
        self.sent: list = []
        self.open = True
        self.closed_by_session = False
        self.session = None

    def send(self, msg) -> None:
        if not self.open:
            raise TransportLost()
        self.sent.append(msg)

    def isOpen(self) -> bool:
        return self.open

    @property
    def transport_details(self):
        return types.TransportDetails(peer="fake:1")

    def close(self) -> None:
        self.closed_by_session = True
        self._drop()

    def abort(self) -> None:
        self._drop()

    def _drop(self) -> None:
        if self.open:
            self.open = False
            self.session.onClose(True)

    def last(self, cls):
        found = [m for m in self.sent if isinstance(m, cls)]
        assert found, f"no {cls.__name__} sent; sent: {self.sent}"
        return found[-1]


class Recorder(ApplicationSession):
    """Records the life-cycle callbacks."""

    def __init__(self, config=None):
        super().__init__(config or types.ComponentConfig("realm1"))
        self.joined: list = []
        self.left: list = []
        self.disconnected = 0
        self.user_errors: list = []

    def onJoin(self, details):
        self.joined.append(details)

    def onLeave(self, details):
        self.left.append(details)
        return super().onLeave(details)

    def onDisconnect(self):
        self.disconnected += 1
        return super().onDisconnect()

    def onUserError(self, fail, msg):
        self.user_errors.append((fail, msg))


async def settle() -> None:
    """Let callbacks scheduled by the session run (txaio on asyncio resolves through the loop)."""
    for _ in range(5):
        await asyncio.sleep(0)


async def joined(session_cls=Recorder, **kwargs):
    session = session_cls(**kwargs)
    transport = FakeTransport()
    transport.session = session
    session.onOpen(transport)
    await settle()
    hello = transport.last(message.Hello)
    assert hello.realm == "realm1"
    session.onMessage(message.Welcome(1234, ROUTER_ROLES, authid="joe", authrole="user", authmethod="anonymous"))
    await settle()
    return session, transport


def run(coro):
    # txaio's futures go to txaio.config.loop: this test's loop while it runs, then the one before
    # (a closed loop left there would break the next test that creates txaio futures).
    loop, previous = asyncio.new_event_loop(), txaio.config.loop
    txaio.config.loop = loop
    try:
        return loop.run_until_complete(asyncio.wait_for(coro, 10))
    finally:
        txaio.config.loop = previous
        loop.close()


def test_join_gives_session_details():
    async def main():
        session, transport = await joined()
        assert session.is_attached()
        (details,) = session.joined
        assert (details.session, details.authid, details.authrole, details.realm) == (1234, "joe", "user", "realm1")
        assert session.session_id == 1234 and session.authmethod == "anonymous"

    run(main())


def test_call_results():
    async def main():
        session, transport = await joined()
        f1 = session.call("com.example.add2", 2, 3)
        call = transport.last(message.Call)
        assert (call.procedure, list(call.args)) == ("com.example.add2", [2, 3])
        session.onMessage(message.Result(call.request, args=[5]))
        assert await f1 == 5
        f2 = session.call("com.example.two")
        session.onMessage(message.Result(transport.last(message.Call).request, args=[1, 2]))
        res = await f2
        assert isinstance(res, types.CallResult) and list(res.results) == [1, 2]
        f3 = session.call("com.example.kw")
        session.onMessage(message.Result(transport.last(message.Call).request, args=[1], kwargs={"a": 1}))
        res = await f3
        assert list(res.results) == [1] and res.kwresults == {"a": 1}
        f4 = session.call("com.example.none")
        session.onMessage(message.Result(transport.last(message.Call).request))
        assert await f4 is None

    run(main())


def test_call_options_and_progressive_results():
    async def main():
        session, transport = await joined()
        progress = []
        f = session.call(
            "com.example.slow",
            3,
            options=types.CallOptions(on_progress=lambda *a, **kw: progress.append((a, kw)), timeout=5),
        )
        call = transport.last(message.Call)
        assert call.receive_progress is True and call.timeout == 5
        session.onMessage(message.Result(call.request, args=[1], progress=True))
        session.onMessage(message.Result(call.request, args=[2], kwargs={"k": 1}, progress=True))
        await settle()
        assert not f.done()
        session.onMessage(message.Result(call.request, args=["done"]))
        assert await f == "done"
        assert progress == [((1,), {}), ((2,), {"k": 1})]

    run(main())


def test_call_error_maps_to_application_error_and_defined_classes():
    async def main():
        session, transport = await joined()

        @wamp.error("com.example.error.app")
        class AppError(Exception):
            pass

        session.define(AppError)

        class Other(Exception):
            pass

        session.define(Other, "com.example.error.other")
        for uri, cls in (("com.example.error.app", AppError), ("com.example.error.other", Other)):
            f = session.call("com.example.fails")
            session.onMessage(
                message.Error(message.Call.MESSAGE_TYPE, transport.last(message.Call).request, uri, args=["x"])
            )
            with pytest.raises(cls) as exc_info:
                await f
            assert exc_info.value.args == ("x",)
        f = session.call("com.example.fails")
        session.onMessage(
            message.Error(
                message.Call.MESSAGE_TYPE,
                transport.last(message.Call).request,
                "com.example.plain",
                args=[1],
                kwargs={"k": 2},
            )
        )
        with pytest.raises(ApplicationError) as exc_info:
            await f
        assert exc_info.value.error == "com.example.plain" and exc_info.value.args == (1,)
        assert exc_info.value.kwargs == {"k": 2}

    run(main())


@pytest.mark.parametrize("mode", [None, "skip", "kill", "killnowait"])
def test_cancel_sends_cancel_and_ignores_the_late_error(mode):
    async def main():
        session, transport = await joined()
        session.set_cancel_mode(mode)
        f = session.call("com.example.forever")
        call = transport.last(message.Call)
        f.cancel()
        await settle()
        cancel = transport.last(message.Cancel)
        assert cancel.request == call.request and cancel.mode == mode
        # the router's ERROR (wamp.error.canceled) arrives for a settled future: no violation
        session.onMessage(message.Error(message.Call.MESSAGE_TYPE, call.request, "wamp.error.canceled"))
        await settle()
        assert f.cancelled() and session.is_attached()
        assert not [m for m in transport.sent if isinstance(m, message.Abort)]

    run(main())


def test_cancelling_the_awaiting_task_cancels_the_call():
    async def main():
        session, transport = await joined()
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(session.call("com.example.forever"), 0.01)
        await settle()
        assert transport.last(message.Cancel).request == transport.last(message.Call).request
        # a call answered normally sends no CANCEL
        f = session.call("com.example.echo")
        session.onMessage(message.Result(transport.last(message.Call).request, args=[1]))
        assert await f == 1
        assert len([m for m in transport.sent if isinstance(m, message.Cancel)]) == 1

    run(main())


def test_cancel_mode_is_checked():
    session = Recorder()
    with pytest.raises(ValueError):
        session.set_cancel_mode("later")


def test_register_invocation_yield_error_progress():
    async def main():
        session, transport = await joined()

        async def slow(n, details=None):
            for i in range(n):
                details.progress(i)
            return n * 10

        def boom():
            raise ApplicationError("com.example.error.boom", "bad")

        f = session.register(slow, "com.example.slow", options=types.RegisterOptions(details_arg="details"))
        session.onMessage(message.Registered(transport.last(message.Register).request, 77))
        reg = await f
        assert reg.id == 77 and reg.procedure == "com.example.slow"
        f = session.register(boom, "com.example.boom")
        session.onMessage(message.Registered(transport.last(message.Register).request, 78))
        await f
        session.onMessage(message.Invocation(500, 77, args=[2], receive_progress=True))
        await settle()
        yields = [m for m in transport.sent if isinstance(m, message.Yield)]
        assert [(y.request, y.args, bool(y.progress)) for y in yields] == [
            (500, [0], True),
            (500, [1], True),
            (500, [20], False),
        ]
        session.onMessage(message.Invocation(501, 78))
        await settle()
        err = transport.last(message.Error)
        assert (err.request_type, err.request, err.error, err.args) == (
            message.Invocation.MESSAGE_TYPE,
            501,
            "com.example.error.boom",
            ["bad"],
        )
        # unregister
        f = session.unregister(reg) if hasattr(session, "unregister") else reg.unregister()
        session.onMessage(message.Unregistered(transport.last(message.Unregister).request))
        await f
        assert not reg.active

    run(main())


def test_interrupt_cancels_the_endpoint_and_answers_canceled():
    async def main():
        session, transport = await joined()
        started = asyncio.Event()

        async def forever():
            started.set()
            await asyncio.sleep(3600)

        f = session.register(forever, "com.example.forever")
        session.onMessage(message.Registered(transport.last(message.Register).request, 5))
        await f
        session.onMessage(message.Invocation(9, 5))
        await started.wait()
        session.onMessage(message.Interrupt(9, mode="kill"))
        await settle()
        err = transport.last(message.Error)
        assert (err.request, err.error) == (9, ApplicationError.CANCELED)

    run(main())


def test_subscribe_event_unsubscribe_and_publish_ack():
    async def main():
        session, transport = await joined()
        got = []
        f = session.subscribe(
            lambda *a, details=None, **kw: got.append((a, kw, details.publication, details.publisher)),
            "com.example.topic",
            options=types.SubscribeOptions(details_arg="details"),
        )
        session.onMessage(message.Subscribed(transport.last(message.Subscribe).request, 33))
        sub = await f
        session.onMessage(message.Event(33, 1001, args=[1, 2], kwargs={"x": 1}, publisher=42))
        await settle()
        assert got == [((1, 2), {"x": 1}, 1001, 42)]
        f = session.publish("com.example.topic", "hi", options=types.PublishOptions(acknowledge=True, exclude_me=False))
        pub = transport.last(message.Publish)
        assert pub.acknowledge is True and pub.exclude_me is False and list(pub.args) == ["hi"]
        session.onMessage(message.Published(pub.request, 555))
        assert (await f).id == 555
        assert session.publish("com.example.topic", 1) is None  # not acknowledged: no future
        f = sub.unsubscribe()
        session.onMessage(message.Unsubscribed(transport.last(message.Unsubscribe).request))
        await f
        assert not sub.active

    run(main())


def test_decorated_object_registers_and_subscribes():
    async def main():
        session, transport = await joined()

        class Backend:
            @wamp.register("com.example.add")
            def add(self, a, b):
                return a + b

            @wamp.subscribe("com.example.on_thing")
            def on_thing(self, x):
                self.thing = x

        backend = Backend()
        f = session.register(backend)
        reg = transport.last(message.Register)
        assert reg.procedure == "com.example.add"
        session.onMessage(message.Registered(reg.request, 1))
        (r,) = await f
        assert r.procedure == "com.example.add"
        f = session.subscribe(backend)
        sub = transport.last(message.Subscribe)
        session.onMessage(message.Subscribed(sub.request, 2))
        await f
        session.onMessage(message.Invocation(3, 1, args=[2, 5]))
        session.onMessage(message.Event(2, 4, args=["t"]))
        await settle()
        assert transport.last(message.Yield).args == [7] and backend.thing == "t"

    run(main())


def test_challenge_answered_and_failed():
    async def main():
        class Auth(Recorder):
            def onConnect(self):
                self.join("realm1", ["ticket"], "joe")

            def onChallenge(self, challenge):
                assert challenge.method == "ticket"
                return "secret"

        session = Auth()
        transport = FakeTransport()
        transport.session = session
        session.onOpen(transport)
        await settle()
        hello = transport.last(message.Hello)
        assert hello.authmethods == ["ticket"] and hello.authid == "joe"
        session.onMessage(message.Challenge("ticket", {}))
        await settle()
        assert transport.last(message.Authenticate).signature == "secret"

        class NoAuth(Recorder):
            pass

        session = NoAuth()
        transport = FakeTransport()
        transport.session = session
        session.onOpen(transport)
        await settle()
        session.onMessage(message.Challenge("wampcra", {"challenge": "x"}))
        await settle()
        assert transport.last(message.Abort).reason == "wamp.error.cannot_authenticate"
        assert session.left and session.left[0].reason == "wamp.error.cannot_authenticate"

    run(main())


def test_goodbye_from_router_and_leave():
    async def main():
        session, transport = await joined()
        session.onMessage(message.Goodbye("wamp.close.system_shutdown"))
        await settle()
        assert transport.last(message.Goodbye).reason == "wamp.close.goodbye_and_out"
        assert session.left[0].reason == "wamp.close.system_shutdown"
        assert transport.closed_by_session and session.disconnected == 1

        session, transport = await joined()
        session.leave("wamp.close.normal", "bye")
        assert transport.last(message.Goodbye).reason == "wamp.close.normal"
        session.onMessage(message.Goodbye("wamp.close.goodbye_and_out"))
        await settle()
        assert [m for m in transport.sent if isinstance(m, message.Goodbye)].__len__() == 1
        assert session.left[0].reason == "wamp.close.goodbye_and_out"

    run(main())


def test_transport_lost_fails_outstanding_calls():
    async def main():
        session, transport = await joined()
        f = session.call("com.example.x")
        transport.abort()
        with pytest.raises((ApplicationError, TransportLost)):
            await f
        assert session.left[0].reason == types.CloseDetails.REASON_TRANSPORT_LOST
        with pytest.raises(TransportLost):
            session.call("com.example.x")

    run(main())


# --- protocol violations by the router: ABORT wamp.error.protocol_violation, leave, close ---


def _violations():
    return {
        "result-unknown-request": lambda s, t: message.Result(999, args=[1]),
        "error-unknown-request": lambda s, t: message.Error(message.Call.MESSAGE_TYPE, 999, "x.y"),
        "event-unknown-subscription": lambda s, t: message.Event(999, 1),
        "invocation-unknown-registration": lambda s, t: message.Invocation(1, 999),
        "registered-unknown-request": lambda s, t: message.Registered(999, 1),
        "subscribed-unknown-request": lambda s, t: message.Subscribed(999, 1),
        "published-unknown-request": lambda s, t: message.Published(999, 1),
        "unregistered-unknown-request": lambda s, t: message.Unregistered(999),
        # an answer to a pending request of another kind (one table holds every kind, by request id)
        "published-for-a-call": lambda s, t: message.Published(t.last(message.Call).request, 1),
        "error-of-another-kind": lambda s, t: message.Error(
            message.Subscribe.MESSAGE_TYPE, t.last(message.Call).request, "x.y"
        ),
        "welcome-when-joined": lambda s, t: message.Welcome(5, ROUTER_ROLES),
        "challenge-when-joined": lambda s, t: message.Challenge("ticket", {}),
        "client-message-from-router": lambda s, t: message.Call(1, "com.example.x"),
    }


@pytest.mark.parametrize("case", sorted(_violations()))
def test_protocol_violation_aborts_the_session(case):
    async def main():
        session, transport = await joined()
        f = session.call("com.example.pending")
        session.onMessage(_violations()[case](session, transport))  # must not raise
        await settle()
        abort = transport.last(message.Abort)
        assert abort.reason == PROTOCOL_VIOLATION and abort.message
        assert session.left[0].reason == PROTOCOL_VIOLATION
        assert not transport.open and not session.is_attached()
        with pytest.raises(ApplicationError) as exc_info:
            await f
        assert exc_info.value.error == PROTOCOL_VIOLATION

    run(main())


def test_progressive_result_not_asked_for_is_a_violation():
    async def main():
        session, transport = await joined()
        session.call("com.example.x")
        session.onMessage(message.Result(transport.last(message.Call).request, args=[1], progress=True))
        await settle()
        assert transport.last(message.Abort).reason == PROTOCOL_VIOLATION

    run(main())


def test_message_before_welcome_is_a_violation():
    async def main():
        session = Recorder()
        transport = FakeTransport()
        transport.session = session
        session.onOpen(transport)
        await settle()
        session.onMessage(message.Result(1, args=[1]))
        await settle()
        assert transport.last(message.Abort).reason == PROTOCOL_VIOLATION and not transport.open
        assert not session.joined

    run(main())


def test_event_handlers_of_every_kind_run_and_report_errors():
    async def main():
        session, transport = await joined()
        got = []

        async def coroutine_handler(x):
            await asyncio.sleep(0)
            got.append(("coroutine", x))

        async def failing_coroutine(x):
            raise RuntimeError("coroutine bug")

        def returns_a_coroutine(x):  # a plain function handing back a coroutine: run as a task
            return coroutine_handler(x)

        def returns_a_future(x):
            future = asyncio.get_running_loop().create_future()
            future.set_result(None)
            got.append(("future", x))
            return future

        handlers = [coroutine_handler, failing_coroutine, returns_a_coroutine, returns_a_future]
        for number, handler in enumerate(handlers, start=1):
            f = session.subscribe(handler, f"com.example.t{number}")
            session.onMessage(message.Subscribed(transport.last(message.Subscribe).request, number))
            await f
        for number in range(1, len(handlers) + 1):
            session.onMessage(message.Event(number, 100 + number, args=[number]))
        await settle()
        assert sorted(got) == [("coroutine", 1), ("coroutine", 3), ("future", 4)]
        assert any("coroutine bug" in str(fail.value) for fail, _ in session.user_errors)
        assert session.is_attached()

    run(main())


def test_user_errors_go_to_on_user_error_not_the_loop():
    async def main():
        session, transport = await joined()

        def bad_handler(*args):
            raise RuntimeError("handler bug")

        f = session.subscribe(bad_handler, "com.example.t")
        session.onMessage(message.Subscribed(transport.last(message.Subscribe).request, 1))
        await f
        session.onMessage(message.Event(1, 2, args=[1]))
        await settle()
        assert any("handler bug" in str(fail.value) for fail, _ in session.user_errors)
        assert session.is_attached()

    run(main())


def test_factory_makes_sessions_with_its_config():
    factory = ApplicationSessionFactory(types.ComponentConfig("other"))
    session = factory()
    assert session.config.realm == "other" and session.factory is factory
