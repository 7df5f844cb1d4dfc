"""The HTTP side of the opening handshake (websocket/_handshake.py), checked directly: the cases
mutation testing (`just mutants-py`) found reachable but unchecked through the protocol tests."""

from __future__ import annotations

import pytest

from autobahn.websocket import _handshake

REQUEST_TAIL = b"Host: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"


@pytest.mark.parametrize("name", [b"Bad Name", b"Bad\tName"])
def test_whitespace_inside_a_header_name_is_refused(name):
    # RFC 9112 5.1: a field name is a token; whitespace inside it makes the line malformed.
    with pytest.raises(_handshake.HandshakeError, match="malformed header line") as caught:
        _handshake.split_header_block(b"GET / HTTP/1.1\r\n" + name + b": x\r\n" + REQUEST_TAIL)
    assert caught.value.status == 400


def test_whitespace_around_a_header_name_is_trimmed():
    _, headers = _handshake.split_header_block(b"GET / HTTP/1.1\r\n  X-Pad \t: v \r\nX-Pad: w\r\n\r\n")
    assert headers == {"x-pad": "v, w"}


@pytest.mark.parametrize(
    "status_line",
    [
        b"XTTP/1.1 101 Switching Protocols",  # not an HTTP version
        b"HTTP/1.1 1O1 Switching Protocols",  # not a number
        b"HTTP/1.1 1\xb9\xb9 Switching Protocols",  # latin-1 superscript ones: digits to isdigit(), not to int()
        b"HTTP/1.1",  # no status code
    ],
)
def test_a_malformed_status_line_is_refused(status_line):
    with pytest.raises(_handshake.HandshakeError, match="malformed status line"):
        _handshake.parse_response(status_line + b"\r\nUpgrade: websocket\r\n\r\n")


def test_a_status_line_is_read():
    status, headers = _handshake.parse_response(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n")
    assert (status, headers) == (101, {"upgrade": "websocket"})


def test_an_error_response_carries_its_reason_as_a_plain_text_body():
    response = _handshake.build_error_response(426, "use version 13", {"Sec-WebSocket-Version": "13"})
    head, _, body = response.partition(b"\r\n\r\n")
    status, headers = _handshake.parse_response(head + b"\r\n\r\n")
    assert head.split(b"\r\n")[0] == b"HTTP/1.1 426 Upgrade Required"
    assert body == b"use version 13\n"
    assert status == 426
    assert headers == {
        "sec-websocket-version": "13",
        "content-type": "text/plain; charset=utf-8",
        "content-length": str(len(body)),
        "connection": "close",
    }


def test_a_handshake_error_says_its_status_and_reason():
    error = _handshake.HandshakeError(400, "missing Host header")
    assert str(error) == "400 missing Host header"
    assert (error.status, error.reason, error.headers) == (400, "missing Host header", {})


@pytest.mark.parametrize("value", ["a\rb", "a\nb", "a\r\nX-Injected: 1"])
def test_a_line_break_in_a_header_value_is_refused(value):
    # A bare CR or LF is enough to end a header line for some peers: each alone is refused.
    with pytest.raises(ValueError, match="invalid HTTP header"):
        _handshake.build_response(101, {"X-Custom": value})
    with pytest.raises(ValueError, match="invalid HTTP header"):
        _handshake.build_request("a", "/", "dGhlIHNhbXBsZSBub25jZQ==", [("X-Custom", value)])


def test_a_key_that_is_not_strict_base64_is_refused():
    # Lenient decoding would drop the "!" and find the RFC 6455 sample's 16 bytes.
    request = b"GET / HTTP/1.1\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25j!ZQ==\r\n"
    with pytest.raises(_handshake.HandshakeError, match="16 bytes") as caught:
        _handshake.parse_request(request + REQUEST_TAIL)
    assert caught.value.status == 400


def test_a_request_without_upgrade_gets_426_naming_the_protocol():
    request = b"GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\n\r\n"
    with pytest.raises(_handshake.HandshakeError, match="Upgrade: websocket") as caught:
        _handshake.parse_request(request)
    assert (caught.value.status, caught.value.headers) == (426, {"Upgrade": "websocket", "Sec-WebSocket-Version": "13"})
