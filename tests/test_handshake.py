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


# A request the server accepts, as header lines; each refusal case below changes one thing in it.
VALID_REQUEST_HEADERS = {
    "Host": "a",
    "Upgrade": "websocket",
    "Connection": "Upgrade",
    "Sec-WebSocket-Version": "13",
    "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
}


def request_bytes(start: str = "GET / HTTP/1.1", **changes: str | None) -> bytes:
    """The valid request with headers replaced (a value) or left out (None); names use "_" for "-"."""
    headers = dict(VALID_REQUEST_HEADERS)
    for name, value in changes.items():
        name = name.replace("_", "-")
        if value is None:
            del headers[name]
        else:
            headers[name] = value
    return (start + "\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n").encode("latin-1")


def test_the_valid_request_is_accepted():
    path, headers, key = _handshake.parse_request(request_bytes())
    assert (path, headers["host"], key) == ("/", "a", "dGhlIHNhbXBsZSBub25jZQ==")


# Every refusal's status and reason, exactly: the reason goes into the 4xx body a developer reads,
# and what it quotes of the peer's input is cut to a bound (60 characters of a line, 20 of a token).
@pytest.mark.parametrize(
    ("request_", "status", "reason"),
    [
        (request_bytes("GET  / HTTP/1.1"), 400, "malformed request line 'GET  / HTTP/1.1'"),
        (request_bytes("GET /" + "p" * 100), 400, f"malformed request line {('GET /' + 'p' * 100)[:60]!r}"),
        (
            request_bytes("P" * 30 + " / HTTP/1.1"),
            400,
            f"the opening handshake must be a GET request, not {'P' * 20!r}",
        ),
        (
            request_bytes("GET / HTTP/1.0" + "9" * 30),
            400,
            f"the opening handshake needs HTTP/1.1, not {('HTTP/1.0' + '9' * 30)[:20]!r}",
        ),
        (request_bytes(Host=None), 400, "missing Host header"),
        (request_bytes(Upgrade="h2c"), 400, "missing 'Upgrade: websocket' header"),
        (request_bytes(Connection="keep-alive"), 400, "missing 'Connection: Upgrade' header"),
        (request_bytes(Sec_WebSocket_Version=None), 400, "missing Sec-WebSocket-Version header"),
        (request_bytes(Sec_WebSocket_Version="8" * 30), 426, f"unsupported WebSocket version {'8' * 20!r}"),
        (request_bytes(Sec_WebSocket_Key=None), 400, "missing Sec-WebSocket-Key header"),
        (request_bytes(Sec_WebSocket_Key="c2hvcnQ="), 400, "Sec-WebSocket-Key must be 16 bytes, base64-encoded"),
        (request_bytes(Sec_WebSocket_Key="clé-not-ascii"), 400, "Sec-WebSocket-Key must be 16 bytes, base64-encoded"),
    ],
)
def test_a_refused_request_gets_its_status_and_reason(request_, status, reason):
    with pytest.raises(_handshake.HandshakeError) as caught:
        _handshake.parse_request(request_)
    assert (caught.value.status, caught.value.reason) == (status, reason)


def test_the_426_for_missing_upgrade_has_its_exact_reason():
    with pytest.raises(_handshake.HandshakeError) as caught:
        _handshake.parse_request(request_bytes(Upgrade=None))
    assert caught.value.reason == "missing 'Upgrade: websocket' header"


@pytest.mark.parametrize("line", [b"NoColonHere", b": value without a name", b"X" * 100])
def test_a_header_line_without_name_and_colon_is_refused(line):
    with pytest.raises(_handshake.HandshakeError) as caught:
        _handshake.split_header_block(b"GET / HTTP/1.1\r\n" + line + b"\r\n\r\n")
    assert (caught.value.status, caught.value.reason) == (400, f"malformed header line {line.decode()[:60]!r}")


@pytest.mark.parametrize(
    "status_line",
    [
        b"HTTP/1.1  101 Switching Protocols",  # two spaces: the status code is not the second field
        b"HTTP/1.1\t101 Switching Protocols",  # a tab is not the SP of RFC 9112 4
    ],
)
def test_a_status_line_is_split_on_single_spaces(status_line):
    with pytest.raises(_handshake.HandshakeError) as caught:
        _handshake.parse_response(status_line + b"\r\n\r\n")
    assert (caught.value.status, caught.value.reason) == (400, f"malformed status line {status_line.decode()!r}")


def test_a_malformed_status_line_is_quoted_up_to_60_characters():
    status_line = b"HTTP/1.1 x" + b"y" * 100
    with pytest.raises(_handshake.HandshakeError) as caught:
        _handshake.parse_response(status_line + b"\r\n\r\n")
    assert caught.value.reason == f"malformed status line {status_line.decode()[:60]!r}"


def test_a_status_line_without_a_reason_phrase_is_read():
    # Servers that send no reason phrase (and no space after the code) are common; the code is what counts.
    assert _handshake.parse_response(b"HTTP/1.1 101\r\nUpgrade: websocket\r\n\r\n") == (101, {"upgrade": "websocket"})


def test_a_response_with_a_status_of_no_known_name_says_error():
    assert _handshake.build_response(599, {}) == b"HTTP/1.1 599 Error\r\n\r\n"


def test_an_error_response_is_written_as_autobahn_writes_it():
    # Byte for byte (header names keep their usual case: some HTTP clients compare them as written).
    body = b"missing Host header\n"
    assert _handshake.build_error_response(400, "missing Host header") == (
        b"HTTP/1.1 400 Bad Request\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n"
        b"Content-Length: 20\r\n"
        b"Connection: close\r\n\r\n" + body
    )


def test_a_request_is_written_byte_for_byte():
    request = _handshake.build_request(
        "example.com:9000", "/ws?x=1", "dGhlIHNhbXBsZSBub25jZQ==", [("Origin", "http://a")]
    )
    assert request == (
        b"GET /ws?x=1 HTTP/1.1\r\n"
        b"Host: example.com:9000\r\n"
        b"Upgrade: websocket\r\n"
        b"Connection: Upgrade\r\n"
        b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        b"Sec-WebSocket-Version: 13\r\n"
        b"Origin: http://a\r\n\r\n"
    )
