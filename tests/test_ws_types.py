"""autobahn.websocket.types and autobahn.exception: autobahn 26.10.2's constructors and attributes."""

from __future__ import annotations

import pytest

from autobahn import exception
from autobahn.websocket import types


def test_connection_request_positional_order_and_json():
    r = types.ConnectionRequest(
        "tcp4:127.0.0.1:5000", {"host": "h"}, "h", "/p", {"a": ["1"]}, 13, "http://o", ["v1"], ["x"]
    )
    assert (r.peer, r.host, r.path, r.params, r.version, r.origin, r.protocols, r.extensions) == (
        "tcp4:127.0.0.1:5000",
        "h",
        "/p",
        {"a": ["1"]},
        13,
        "http://o",
        ["v1"],
        ["x"],
    )
    assert list(r.__json__()) == [
        "peer",
        "headers",
        "host",
        "path",
        "params",
        "version",
        "origin",
        "protocols",
        "extensions",
    ]
    assert "'path': '/p'" in str(r)
    r.path = "/other"  # mutable, as autobahn's
    assert r.path == "/other"
    with pytest.raises(AttributeError):
        r.unknown = 1  # slots: a typo is an error, not a new attribute


def test_connection_response():
    r = types.ConnectionResponse("tcp4:1.2.3.4:80", {}, 13, "wamp", [])
    assert r.__json__() == {
        "peer": "tcp4:1.2.3.4:80",
        "headers": {},
        "version": 13,
        "protocol": "wamp",
        "extensions": [],
    }


def test_connecting_request_defaults():
    r = types.ConnectingRequest()
    assert (r.host, r.port, r.resource, r.headers, r.useragent, r.origin, r.protocols) == (
        "localhost",
        80,
        "/",
        {},
        None,
        None,
        [],
    )
    assert types.ConnectingRequest().headers is not r.headers  # no shared mutable default
    r = types.ConnectingRequest("example.com", 8080, "/ws", {"X": "1"}, "ua", "http://o", ["p"])
    assert r.__json__()["port"] == 8080 and r.protocols == ["p"]


def test_connection_accept():
    assert types.ConnectionAccept().subprotocol is None
    a = types.ConnectionAccept("v1", {"Set-Cookie": ["a=1", "b=2"], "X": "y"})
    assert a.subprotocol == "v1" and a.headers["X"] == "y"
    for bad in [dict(subprotocol=1), dict(headers=[("a", "b")]), dict(headers={"a": 1}), dict(headers={"a": ["x", 2]})]:
        with pytest.raises(TypeError):
            types.ConnectionAccept(**bad)


def test_connection_deny():
    exc = types.ConnectionDeny(types.ConnectionDeny.FORBIDDEN, "go away")
    assert isinstance(exc, Exception) and (exc.code, exc.reason) == (403, "go away")
    assert types.ConnectionDeny(404).reason is None
    assert {
        n: getattr(types.ConnectionDeny, n)
        for n in ("BAD_REQUEST", "NOT_FOUND", "NOT_ACCEPTABLE", "REQUEST_TIMEOUT", "SERVICE_UNAVAILABLE")
    } == {
        "BAD_REQUEST": 400,
        "NOT_FOUND": 404,
        "NOT_ACCEPTABLE": 406,
        "REQUEST_TIMEOUT": 408,
        "SERVICE_UNAVAILABLE": 503,
    }
    with pytest.raises(TypeError):
        types.ConnectionDeny("403")
    with pytest.raises(TypeError):
        types.ConnectionDeny(403, b"bytes")


def test_messages():
    m = types.IncomingMessage(b"hi")
    assert isinstance(m, types.Message) and (m.payload, m.is_binary) == (b"hi", False)
    o = types.OutgoingMessage(b"\x00", True, True)
    assert (o.payload, o.is_binary, o.skip_compress) == (b"\x00", True, True)
    for bad in [lambda: types.IncomingMessage("text"), lambda: types.IncomingMessage(b"", 1)]:
        with pytest.raises(TypeError):
            bad()
    with pytest.raises(TypeError):
        types.OutgoingMessage(b"", skip_compress=None)


def test_ping():
    assert types.Ping().payload is None
    assert types.Ping(b"x" * 125).payload == b"x" * 125
    with pytest.raises(ValueError, match="125"):
        types.Ping(b"x" * 126)
    with pytest.raises(TypeError):
        types.Ping("x")


def test_exceptions():
    for cls in (exception.Disconnected, exception.PayloadExceededError, exception.PayloadCorruptError):
        assert issubclass(cls, RuntimeError) and cls._is_public
