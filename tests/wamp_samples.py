"""Sample WAMP messages for the message and serializer tests: every message type, with and
without its optional fields, payload transparency and router-to-router forwarding."""

from __future__ import annotations

import pytest
from conftest import left_out, needs

from autobahn.wamp import message, role

# The library each serializer takes. A platform leg that cannot install one leaves it out
# (tests/conftest.py, AUTOBAHN_TESTS_WITHOUT): the cases of its serializer are skipped, naming it,
# and the tests that loop over every serializer loop over the others.
SERIALIZER_LIBRARIES = {"msgpack": "msgpack", "cbor": "cbor2", "ubjson": "bjdata"}


def _library(ser_id: str) -> str | None:
    return SERIALIZER_LIBRARIES.get(ser_id.partition(".")[0])


def serializer_param(ser_id: str, *more: object) -> object:
    """A parameter set whose first value is ``ser_id``: skipped where the run leaves its library out."""
    library = _library(ser_id)
    return pytest.param(ser_id, *more, marks=needs(library) if library else ())


def installed(ser_ids: list[str]) -> list[str]:
    """The serializers of ``ser_ids`` whose library this run has."""
    return [s for s in ser_ids if not (_library(s) and left_out(_library(s)))]


BINARY = bytes(range(256))
UNICODE = "\u3053\u3093\u306b\u3061\u306f\u4e16\u754c"
URI = "com.myapp.foobar"
UNICODE_URI = "com.myapp.\u4f60\u597d\u4e16\u754c.baz"
ARGS = [1, 2, 3, "hello", BINARY[:32], UNICODE, {"foo": 23, "bar": "hello", "baz": BINARY[:7], "moo": UNICODE}]
KWARGS = {"foo": 23, "bar": "hello", "baz": BINARY[:9], "moo": UNICODE, "arr": ARGS, "neg": -(2**40), "f": 1.5}
FORWARD_FOR = [{"session": 123, "authid": "bob", "authrole": "user"}, {"session": 456, "authid": None, "authrole": "r"}]
PPT = {"payload": b"\x00\x01encrypted", "enc_algo": "cryptobox", "enc_key": "key1", "enc_serializer": "cbor"}

ALL_CLIENT_ROLES = {
    "subscriber": role.RoleSubscriberFeatures(publisher_identification=True, pattern_based_subscription=True),
    "publisher": role.RolePublisherFeatures(publisher_exclusion=True),
    "caller": role.RoleCallerFeatures(progressive_call_results=True, call_canceling=True),
    "callee": role.RoleCalleeFeatures(shared_registration=True, call_canceling=False),
}
ROUTER_ROLES = {
    "broker": role.RoleBrokerFeatures(publisher_identification=True, event_retention=True),
    "dealer": role.RoleDealerFeatures(progressive_call_results=True, call_timeout=True),
}


def sample_messages() -> list[message.Message]:
    """One or more instances of every message class."""
    return [
        message.Hello("realm1", {"subscriber": role.RoleSubscriberFeatures()}),
        message.Hello("realm1", dict(ALL_CLIENT_ROLES)),
        message.Hello(
            "realm1",
            dict(ALL_CLIENT_ROLES),
            authmethods=["cryptosign", "ticket"],
            authid="alice",
            authrole="user",
            authextra={"pubkey": "ab" * 32},
            resumable=True,
            resume_session=42,
            resume_token="tok",
        ),
        message.Hello(None, {"caller": role.RoleCallerFeatures()}),
        message.Welcome(123456, dict(ROUTER_ROLES)),
        message.Welcome(
            123456,
            dict(ROUTER_ROLES),
            realm="realm1",
            authid="alice",
            authrole="user",
            authmethod="ticket",
            authprovider="static",
            authextra={"x": 1},
            resumed=True,
            resumable=True,
            resume_token="tok",
            custom={"x_cb_node": "node1"},
        ),
        message.Abort("wamp.error.no_such_realm"),
        message.Abort("wamp.error.no_such_realm", "no realm 'foo'"),
        message.Challenge("wampcra", {"challenge": '{"nonce": 1}', "salt": "s", "iterations": 100, "keylen": 32}),
        message.Challenge("ticket"),
        message.Authenticate("secret-signature"),
        message.Authenticate("sig", {"nonce": "abc"}),
        message.Goodbye(),
        message.Goodbye("wamp.close.system_shutdown", "bye", resumable=True),
        message.Error(message.Call.MESSAGE_TYPE, 123456, URI),
        message.Error(message.Call.MESSAGE_TYPE, 123456, URI, args=ARGS),
        message.Error(message.Invocation.MESSAGE_TYPE, 123456, UNICODE_URI, args=[], kwargs=KWARGS),
        message.Error(
            message.Call.MESSAGE_TYPE,
            123456,
            URI,
            args=ARGS,
            kwargs=KWARGS,
            callee=9,
            callee_authid="c",
            callee_authrole="r",
            forward_for=FORWARD_FOR,
        ),
        message.Error(message.Call.MESSAGE_TYPE, 123456, URI, **PPT),
        message.Publish(123456, URI),
        message.Publish(123456, URI, args=ARGS),
        message.Publish(123456, UNICODE_URI, args=ARGS, kwargs=KWARGS),
        message.Publish(
            123456,
            URI,
            args=[1],
            acknowledge=True,
            exclude_me=False,
            exclude=[1, 2],
            exclude_authid=["a"],
            exclude_authrole=["b"],
            eligible=[3],
            eligible_authid=["c"],
            eligible_authrole=["d"],
            retain=True,
            transaction_hash="th",
            forward_for=FORWARD_FOR,
        ),
        message.Publish(123456, URI, **PPT),
        message.Published(123456, 789123),
        message.Subscribe(123456, URI),
        message.Subscribe(123456, "com.myapp", match=message.Subscribe.MATCH_PREFIX),
        message.Subscribe(123456, "com..foo", match=message.Subscribe.MATCH_WILDCARD, get_retained=True),
        message.Subscribe(123456, URI, forward_for=FORWARD_FOR),
        message.Subscribed(123456, 789123),
        message.Unsubscribe(123456, 789123),
        message.Unsubscribe(123456, 789123, forward_for=FORWARD_FOR),
        message.Unsubscribed(123456),
        message.Unsubscribed(0, subscription=789123, reason="wamp.subscription.revoked"),
        message.Event(123456, 789123),
        message.Event(123456, 789123, args=ARGS),
        message.Event(123456, 789123, args=[], kwargs=KWARGS),
        message.Event(
            123456,
            789123,
            args=ARGS,
            kwargs=KWARGS,
            publisher=1,
            publisher_authid="p",
            publisher_authrole="r",
            topic=URI,
            retained=True,
            transaction_hash="th",
            x_acknowledged_delivery=True,
            forward_for=FORWARD_FOR,
        ),
        message.Event(123456, 789123, **PPT),
        message.EventReceived(789123),
        message.Call(123456, URI),
        message.Call(123456, URI, args=ARGS),
        message.Call(123456, UNICODE_URI, args=[], kwargs=KWARGS),
        message.Call(
            123456,
            URI,
            args=ARGS,
            kwargs=KWARGS,
            timeout=10000,
            receive_progress=True,
            transaction_hash="th",
            caller=5,
            caller_authid="a",
            caller_authrole="r",
            forward_for=FORWARD_FOR,
        ),
        message.Call(123456, URI, **PPT),
        message.Cancel(123456),
        message.Cancel(123456, mode=message.Cancel.KILLNOWAIT, forward_for=FORWARD_FOR),
        message.Result(123456),
        message.Result(123456, args=ARGS),
        message.Result(123456, args=ARGS, kwargs=KWARGS, progress=True, callee=3, callee_authid="c"),
        message.Result(123456, callee_authrole="r", forward_for=FORWARD_FOR),
        message.Result(123456, **PPT),
        message.Register(123456, URI),
        message.Register(123456, "com.myapp.", match="prefix"),
        message.Register(123456, "com..x", match="wildcard", invoke="roundrobin", concurrency=4),
        message.Register(123456, UNICODE_URI, force_reregister=True, forward_for=FORWARD_FOR),
        message.Registered(123456, 789123),
        message.Unregister(123456, 789123),
        message.Unregister(123456, 789123, forward_for=FORWARD_FOR),
        message.Unregistered(123456),
        message.Unregistered(0, registration=789123, reason="wamp.registration.revoked"),
        message.Invocation(123456, 789123),
        message.Invocation(123456, 789123, args=ARGS),
        message.Invocation(
            123456,
            789123,
            args=ARGS,
            kwargs=KWARGS,
            timeout=10000,
            receive_progress=True,
            caller=1,
            caller_authid="a",
            caller_authrole="r",
            procedure=URI,
            transaction_hash="th",
            forward_for=FORWARD_FOR,
        ),
        message.Invocation(123456, 789123, **PPT),
        message.Interrupt(123456),
        message.Interrupt(123456, mode=message.Interrupt.KILL, reason="wamp.error.canceled", forward_for=FORWARD_FOR),
        message.Yield(123456),
        message.Yield(123456, args=ARGS),
        message.Yield(123456, args=[], kwargs=KWARGS, progress=True),
        message.Yield(123456, args=ARGS, callee=1, callee_authid="c", callee_authrole="r", forward_for=FORWARD_FOR),
        message.Yield(123456, **PPT),
    ]


MESSAGE_CLASSES = sorted({type(m) for m in sample_messages()}, key=lambda c: c.MESSAGE_TYPE)
