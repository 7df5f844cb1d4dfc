"""autobahn.wamp.types, .uri, .exception and .role."""

from __future__ import annotations

import pytest

from autobahn import wamp
from autobahn.wamp import role, types
from autobahn.wamp.exception import ApplicationError, InvalidUri, NotAuthorized, ProtocolError, TypeCheckError
from autobahn.wamp.uri import Pattern, convert_starred_uri, error, register, subscribe


def test_package_exports():
    for name in wamp.__all__:
        assert getattr(wamp, name) is not None
    assert wamp.register is register and wamp.ApplicationError is ApplicationError


@pytest.mark.parametrize(
    ("starred", "converted"),
    [
        ("com.example.foo", ("com.example.foo", "exact")),
        ("com.example.*", ("com.example.", "prefix")),
        ("com.*.foo.*", ("com..foo.", "wildcard")),
        ("*.example.foo", (".example.foo", "wildcard")),
    ],
)
def test_convert_starred_uri(starred, converted):
    assert convert_starred_uri(starred) == converted


def test_pattern_exact_and_wildcard():
    exact = Pattern("com.myapp.proc1", Pattern.URI_TARGET_ENDPOINT)
    assert exact.uri_type == Pattern.URI_TYPE_EXACT and exact.match("com.myapp.proc1") == ([], {})
    assert exact.is_endpoint() and not exact.is_handler() and not exact.is_exception()
    named = Pattern("com.myapp.<product:int>.<verb>.<rest:suffix>", Pattern.URI_TARGET_HANDLER)
    assert named.uri_type == Pattern.URI_TYPE_WILDCARD
    assert named.match("com.myapp.42.update.x") == ([], {"product": 42, "verb": "update", "rest": "x"})
    with pytest.raises(ValueError):
        named.match("com.myapp.x")
    positional = Pattern("com..create", Pattern.URI_TARGET_HANDLER)
    assert positional.match("com.item.create") == ([], {1: "item"})
    for bad in ("com.<a>.<a>", "com.<x:float>", "com.<s:suffix>.x", "com.My"):
        with pytest.raises(TypeError):
            Pattern(bad, Pattern.URI_TARGET_ENDPOINT)


def test_decorators_attach_patterns():
    options = types.RegisterOptions(invoke="roundrobin")

    @register("com.app.add", options=options, check_types=True)
    def add(a, b):
        return a + b

    @register(None)
    def square(x):
        return x * x

    @subscribe("com.app.<topic>")
    def on_event(*args, topic=None):
        pass

    assert add._wampuris[0].uri() == "com.app.add" and add._wampuris[0].options is options
    assert add._wampuris[0]._check_types is True
    assert square._wampuris[0].uri() == "square"
    assert on_event._wampuris[0].is_handler()

    @error("com.app.error.oops")
    class Oops(Exception):
        pass

    assert Oops._wampuris[0].is_exception() and Oops._wampuris[0].uri() == "com.app.error.oops"
    assert NotAuthorized._wampuris[0].uri() == "wamp.error.not_authorized"
    assert InvalidUri._wampuris[0].uri() == ApplicationError.INVALID_URI


def test_application_error():
    err = ApplicationError("com.app.error", "one", 2, callee=5, extra="x", traceback="tb line")
    assert err.error == "com.app.error" and err.args == ("one", 2) and err.callee == 5
    assert err.kwargs == {"extra": "x", "traceback": "tb line"}
    assert err.error_message() == "com.app.error: one 2"
    assert "tb line" in str(err) and "callee=5" in str(err)
    assert err.kwargs["traceback"] == "tb line"  # str() does not eat the traceback
    assert ApplicationError.NO_SUCH_PROCEDURE == "wamp.error.no_such_procedure"
    assert ApplicationError.CANCELED == "wamp.error.canceled"
    assert TypeCheckError("bad").error == ApplicationError.TYPE_CHECK_ERROR
    assert issubclass(ProtocolError, wamp.Error) and issubclass(wamp.Error, RuntimeError)


def test_role_features():
    features = role.RoleCallerFeatures(call_timeout=True, future_feature=True)
    assert features.call_timeout is True and features == role.RoleCallerFeatures(call_timeout=True)
    assert features != role.RoleCalleeFeatures(call_timeout=True)
    assert repr(features) == "caller(call_timeout=True)"
    with pytest.raises(ProtocolError, match="'call_timeout'"):
        role.RoleCallerFeatures(call_timeout="yes")
    assert set(role.DEFAULT_CLIENT_ROLES) == {"subscriber", "publisher", "caller", "callee"}
    assert role.ROLE_NAME_TO_CLASS["dealer"] is role.RoleDealerFeatures


def test_options_to_message_attributes():
    assert types.PublishOptions(acknowledge=True, exclude=5, eligible_authid="bob").message_attr() == {
        "acknowledge": True,
        "exclude": [5],
        "eligible_authid": ["bob"],
    }
    assert types.CallOptions(on_progress=print, timeout=2.5).message_attr() == {
        "timeout": 2.5,
        "receive_progress": True,
    }
    assert types.SubscribeOptions(match="prefix", details=True).details_arg == "details"
    assert types.RegisterOptions(match="wildcard", concurrency=2).message_attr() == {
        "match": "wildcard",
        "concurrency": 2,
    }


def test_call_result_and_details():
    result = types.CallResult(1, 2, total=3, callee=7, enc_algo="cryptobox")
    assert (result.results, result.kwresults, result.callee, result.enc_algo) == ((1, 2), {"total": 3}, 7, "cryptobox")
    details = types.CallDetails(object(), caller=1, caller_authid="a", caller_authrole="r")
    assert types.SessionIdent.from_calldetails(details).marshal() == {"session": 1, "authid": "a", "authrole": "r"}
    forwarded = types.EventDetails(object(), 3, forward_for=[{"session": 9, "authid": None, "authrole": "x"}])
    assert types.SessionIdent.from_eventdetails(forwarded).session == 9
    assert types.Challenge("ticket").extra == {} and types.Deny().reason == "wamp.error.not_authorized"
    assert (
        types.CloseDetails(types.CloseDetails.REASON_TRANSPORT_LOST).marshal()["reason"] == "wamp.close.transport_lost"
    )
    assert types.ComponentConfig("realm1", extra={"a": 1}).realm == "realm1"


def test_transport_and_session_details_round_trip():
    transport = types.TransportDetails(
        channel_type=types.TransportDetails.CHANNEL_TYPE_TLS,
        channel_framing=types.TransportDetails.CHANNEL_FRAMING_WEBSOCKET,
        channel_serializer=types.TransportDetails.CHANNEL_SERIALIZER_CBOR,
        own="tcp4:127.0.0.1:9000",
        peer="tcp4:127.0.0.1:51000",
        is_server=False,
        channel_id={"tls-unique": b"\x01" * 32},
        websocket_protocol="wamp.2.cbor",
    )
    assert transport.channel_typeid == "tls-websocket-cbor"
    marshalled = transport.marshal()
    assert marshalled["channel_type"] == "tls" and marshalled["channel_id"] == {"tls-unique": b"\x01" * 32}
    marshalled["channel_id"] = {"tls-unique": "01" * 32}  # hex, as it travels in JSON
    assert types.TransportDetails.parse(marshalled) == transport
    session = types.SessionDetails("realm1", 123, authid="alice", serializer="cbor", transport=transport, resumed=False)
    assert types.SessionDetails.parse(session.marshal() | {"transport": marshalled}) == session
    session.authrole = "admin"
    assert session.marshal()["authrole"] == "admin"
    with pytest.raises(ValueError, match="channel_type"):
        types.TransportDetails.parse({"channel_type": "carrier-pigeon"})
    with pytest.raises(ValueError, match="session"):
        types.SessionDetails.parse({"session": "1"})
