"""The Twisted half of tests/test_wamp_frameworks.py, run as its own process (txaio serves one framework
per process): ``python wamp_twisted_client.py TRANSPORT SERIALIZER WS_URL RS_PORT UNIX_PATH REALM``.

Two of our Twisted sessions (callee/subscriber and caller/publisher) exchange the same RPC and PubSub
traffic as the asyncio test; prints ``OK`` and exits 0 when every check held."""

import sys

import txaio

txaio.use_twisted()

from twisted.internet import defer, reactor, task  # noqa: E402
from twisted.internet.endpoints import TCP4ClientEndpoint, UNIXClientEndpoint  # noqa: E402

from autobahn.twisted.rawsocket import WampRawSocketClientFactory  # noqa: E402
from autobahn.twisted.wamp import ApplicationSession  # noqa: E402
from autobahn.twisted.websocket import WampWebSocketClientFactory  # noqa: E402
from autobahn.wamp import serializer as wamp_serializer  # noqa: E402
from autobahn.wamp.exception import ApplicationError  # noqa: E402
from autobahn.wamp.types import CallOptions, ComponentConfig, PublishOptions, RegisterOptions  # noqa: E402

SERIALIZERS = {
    "json": "JsonSerializer",
    "msgpack": "MsgPackSerializer",
    "cbor": "CBORSerializer",
    "ubjson": "UBJSONSerializer",
}


class Client(ApplicationSession):
    def onJoin(self, details):
        self.config.extra["joined"].callback(self)


def check(condition, what):
    if not condition:
        raise AssertionError(what)


@defer.inlineCallbacks
def join(transport, ser, ws_url, rs_port, unix_path, realm):
    joined = defer.Deferred()

    def make():
        return Client(ComponentConfig(realm, {"joined": joined}))

    if transport == "websocket":
        factory = WampWebSocketClientFactory(make, url=ws_url, serializers=[ser])
        endpoint = TCP4ClientEndpoint(reactor, factory.host, factory.port)
    else:
        factory = WampRawSocketClientFactory(make, serializer=ser)
        if transport == "rawsocket":
            endpoint = TCP4ClientEndpoint(reactor, "127.0.0.1", rs_port)
        else:
            endpoint = UNIXClientEndpoint(reactor, unix_path)
    yield endpoint.connect(factory)
    session = yield joined
    return session


@defer.inlineCallbacks
def main(reactor_, transport, ser_name, ws_url, rs_port, unix_path, realm):
    ser_cls = getattr(wamp_serializer, SERIALIZERS[ser_name])
    callee = yield join(transport, ser_cls(), ws_url, int(rs_port), unix_path, realm)
    caller = yield join(transport, ser_cls(), ws_url, int(rs_port), unix_path, realm)
    prefix = f"tx.{transport}.{ser_name}"

    @defer.inlineCallbacks
    def countdown(n, details=None):
        for i in range(n, 0, -1):
            details.progress(i)
            yield task.deferLater(reactor, 0, lambda: None)
        return "liftoff"

    def fail():
        raise ApplicationError(f"{prefix}.error", "bad", why="test")

    interrupted = defer.Deferred()

    def forever():
        d = defer.Deferred(lambda _: interrupted.callback(True))
        return d

    yield callee.register(lambda a, b: a + b, f"{prefix}.add2")
    yield callee.register(countdown, f"{prefix}.countdown", RegisterOptions(details_arg="details"))
    yield callee.register(fail, f"{prefix}.fail")
    yield callee.register(forever, f"{prefix}.forever")

    res = yield caller.call(f"{prefix}.add2", 20, 22)
    check(res == 42, f"add2: {res}")
    progress = []
    res = yield caller.call(f"{prefix}.countdown", 3, options=CallOptions(on_progress=progress.append))
    check(res == "liftoff" and progress == [3, 2, 1], f"countdown: {res} {progress}")
    try:
        yield caller.call(f"{prefix}.fail")
        check(False, "fail did not raise")
    except ApplicationError as e:
        check((e.error, e.args, e.kwargs) == (f"{prefix}.error", ("bad",), {"why": "test"}), f"fail: {e}")
    payload = [1, "zwei", [3.5, None], {"k": b"\x00\xff"}]
    res = yield caller.call(f"{prefix}.add2", payload, [True])
    check(res == [*payload, True], f"lists: {res}")

    # cancel (kill): the callee's Deferred is cancelled, the caller's fails with CancelledError
    caller.set_cancel_mode("kill")
    d = caller.call(f"{prefix}.forever")
    yield task.deferLater(reactor, 0.3, lambda: None)
    d.cancel()
    try:
        yield d
        check(False, "cancelled call succeeded")
    except defer.CancelledError:
        pass
    yield defer.DeferredList([interrupted], fireOnOneErrback=True)

    events = []
    got = defer.Deferred()

    def on_event(*args, **kwargs):
        events.append((args, kwargs))
        if not got.called:
            got.callback(None)

    yield callee.subscribe(on_event, f"{prefix}.topic")
    pub = yield caller.publish(f"{prefix}.topic", 1, b"\x01", k="v", options=PublishOptions(acknowledge=True))
    check(isinstance(pub.id, int), f"publication {pub}")
    yield got
    check(events == [((1, b"\x01"), {"k": "v"})], f"events: {events}")

    for session in (caller, callee):
        session.leave()
    yield task.deferLater(reactor, 0.3, lambda: None)
    print("OK", flush=True)


if __name__ == "__main__":
    task.react(main, sys.argv[1:7])
