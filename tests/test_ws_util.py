"""autobahn.websocket.util and autobahn.websocket.interfaces.

The expected values of parse_url/create_url were produced by autobahn 26.10.2 itself (the
same calls, run against its wheel); only bad ports differ: autobahn asserted, we raise
ValueError, and we accept port 65535 in create_url as parse_url does.
"""

from __future__ import annotations

import inspect

import pytest

from autobahn.websocket import interfaces
from autobahn.websocket.util import create_url, parse_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("ws://localhost", (False, "localhost", 80, "/", "/", {})),
        ("wss://localhost", (True, "localhost", 443, "/", "/", {})),
        ("WS://H/", (False, "h", 80, "/", "/", {})),
        ("ws://H:80/P", (False, "h", 80, "/P", "/P", {})),
        ("ws://[::1]:8080/p", (False, "::1", 8080, "/p", "/p", {})),
        ("ws://example.com:9000/ws", (False, "example.com", 9000, "/ws", "/ws", {})),
        ("ws://h/?", (False, "h", 80, "/", "/", {})),
        ("ws://h/a%20b?x=1&x=2&y=", (False, "h", 80, "/a%20b?x=1&x=2&y=", "/a b", {"x": ["1", "2"]})),
        ("ws://h:/x", (False, "h", 80, "/x", "/x", {})),
        ("ws://h:65535", (False, "h", 65535, "/", "/", {})),
        ("ws://h?a=b", (False, "h", 80, "/?a=b", "/", {"a": ["b"]})),
        ("ws://user:pw@host:81/x", (False, "host", 81, "/x", "/x", {})),
        ("ws://unix:/tmp/file.sock", (False, "unix", "/tmp/file.sock", "/tmp/file.sock", "/tmp/file.sock", {})),
        ("wss://unix:/tmp/f.sock?x=1", (True, "unix", "/tmp/f.sock", "/tmp/f.sock?x=1", "/tmp/f.sock", {"x": ["1"]})),
    ],
)
def test_parse_url(url, expected):
    assert parse_url(url) == expected


@pytest.mark.parametrize(
    "url", ["http://h", "ws://", "ws:///path", "ws://h/#frag", "ws://h:0", "ws://h:65536", "ws://h:abc", "h:80", ""]
)
def test_parse_url_rejects(url):
    with pytest.raises(ValueError):
        parse_url(url)


@pytest.mark.parametrize(
    ("args", "url"),
    [
        (("localhost",), "ws://localhost:80/"),
        (("h", 9000), "ws://h:9000/"),
        (("h", None, True), "wss://h:443/"),
        (("h", 80, False, "/a b/\u00fc", {"x": "1", "y": "z w"}), "ws://h:80/a%20b/%C3%BC?x=1&y=z+w"),
        (("h", 8080, True, "", {}), "wss://h:8080"),
        (("unix", "/tmp/s.sock"), "ws://unix:/tmp/s.sock/"),
        (("h", 65535), "ws://h:65535/"),
    ],
)
def test_create_url(args, url):
    assert create_url(*args) == url


def test_create_url_round_trips():
    url = create_url("example.com", 9443, True, "/x y", {"k": "v"})
    assert parse_url(url) == (True, "example.com", 9443, "/x%20y?k=v", "/x y", {"k": ["v"]})


@pytest.mark.parametrize(
    ("args", "error"), [(("h", -1), ValueError), (("h", "80"), ValueError), (("h", 1, 1), TypeError)]
)
def test_create_url_rejects(args, error):
    with pytest.raises(error):
        create_url(*args)


def _complete(base):
    """A subclass of ``base`` implementing every abstract method."""
    return type("Impl", (base,), dict.fromkeys(base.__abstractmethods__, lambda self, *a, **k: None))


@pytest.mark.parametrize(
    ("iface", "methods"),
    [
        (interfaces.IWebSocketChannel, 11),
        (interfaces.IWebSocketChannelFrameApi, 17),
        (interfaces.IWebSocketChannelStreamingApi, 22),
        (interfaces.IWebSocketServerChannelFactory, 4),
        (interfaces.IWebSocketClientChannelFactory, 4),
    ],
)
def test_interfaces_are_abstract(iface, methods):
    assert len(iface.__abstractmethods__) == methods
    with pytest.raises(TypeError):
        iface()
    impl = _complete(iface)()
    assert isinstance(impl, iface)
    # A class registered with the ABC counts as implementing it, as autobahn's protocols do.
    plain = type("Registered", (), {})
    iface.register(plain)
    assert isinstance(plain(), iface)


def test_interface_hierarchy_and_signatures():
    assert issubclass(interfaces.IWebSocketChannelStreamingApi, interfaces.IWebSocketChannelFrameApi)
    assert issubclass(interfaces.IWebSocketChannelFrameApi, interfaces.IWebSocketChannel)
    sig = inspect.signature(interfaces.IWebSocketServerChannelFactory.setProtocolOptions)
    assert sig.parameters["allowNullOrigin"].default is False and sig.parameters["trustXForwardedFor"].default == 0
    assert list(inspect.signature(interfaces.IWebSocketClientChannelFactory.__init__).parameters) == [
        "self",
        "url",
        "origin",
        "protocols",
        "useragent",
        "headers",
        "proxy",
    ]
    with pytest.raises(NotImplementedError):
        interfaces.IWebSocketClientAgent().open("ws://h", {})
