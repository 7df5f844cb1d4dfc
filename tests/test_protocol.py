"""The sans-IO protocol core (RFC 6455), on every implementation of the hot path."""

from __future__ import annotations

import random
import re
import struct

import pytest
from ws_helpers import (
    MASK,
    SAMPLE_ACCEPT,
    close_code_sent,
    failed_code,
    frame,
    open_pair,
    open_server,
    options,
    receive_all,
    request,
    xor,
)

from autobahn.websocket import sansio as core
from autobahn.websocket._deflate import DeflateOptions

# --- opening handshake ---


def test_server_handshake_rfc_sample(impl):
    conn = core.ServerConnection(options(impl, protocols=["chat", "superchat"]))
    [event] = conn.receive_data(request("Sec-WebSocket-Protocol: superchat, chat\r\nOrigin: http://example.com\r\n"))
    assert isinstance(event, core.RequestReceived)
    req = event.request
    assert (req.path, req.params, req.host, req.origin) == (
        "/chat",
        {"x": ["1"]},
        "server.example.com",
        "http://example.com",
    )
    assert req.protocols == ["superchat", "chat"]
    assert conn.choose_subprotocol() == "chat"  # our preference order wins
    response = conn.accept("chat", {"X-Test": "1"})
    assert response.startswith(b"HTTP/1.1 101 Switching Protocols\r\n")
    assert f"Sec-WebSocket-Accept: {SAMPLE_ACCEPT}\r\n".encode() in response
    assert b"Sec-WebSocket-Protocol: chat\r\n" in response
    assert b"X-Test: 1\r\n" in response
    assert conn.state == core.OPEN


@pytest.mark.parametrize(
    ("raw", "status", "reason"),
    [
        (b"POST / HTTP/1.1\r\nHost: a\r\n\r\n", 400, "GET"),
        (b"GET / HTTP/1.0\r\nHost: a\r\n\r\n", 400, "HTTP/1.1"),
        (b"GET /\r\n\r\n", 400, "request line"),
        (request().replace(b"Upgrade: websocket\r\n", b""), 426, "Upgrade"),  # 426 as autobahn
        (request().replace(b"Connection: Upgrade\r\n", b"Connection: keep-alive\r\n"), 400, "Connection"),
        (request().replace(b"Host: server.example.com\r\n", b""), 400, "Host"),
        (request(key="c2hvcnQ="), 400, "Sec-WebSocket-Key"),
        (request(key="not base64!"), 400, "Sec-WebSocket-Key"),
        (request(version="8"), 426, "version"),
        (request().replace(b"Sec-WebSocket-Version: 13\r\n", b""), 400, "Sec-WebSocket-Version"),
        (request("bad header line\r\n"), 400, "header"),
        (b"GET / HTTP/1.1\r\nHost: a\r\nX: " + b"a" * 20000 + b"\r\n\r\n", 431, "too large"),
    ],
)
def test_malformed_handshake_gets_http_error(impl, raw, status, reason):
    conn = core.ServerConnection(options(impl))
    events = conn.receive_data(raw)
    assert events == [core.HandshakeFailed(status, events[0].reason)]
    assert reason in events[0].reason
    answer = conn.data_to_send()
    assert answer.startswith(f"HTTP/1.1 {status} ".encode())
    assert reason.encode() in answer.split(b"\r\n\r\n", 1)[1]  # the body says why
    if status == 426:
        assert b"Sec-WebSocket-Version: 13\r\n" in answer
    assert conn.state == core.CLOSED


def test_handshake_arrives_byte_by_byte(impl):
    conn = core.ServerConnection(options(impl))
    raw = request() + frame(core.OP_TEXT, b"early")
    events = []
    for i in range(len(raw)):
        events += conn.receive_data(raw[i : i + 1])
    assert len(events) == 1 and isinstance(events[0], core.RequestReceived)
    conn.accept()
    assert conn.receive_data() == [core.Message(b"early", False)]


def test_origin_check_refuses_with_400(impl):
    # 400, as autobahn answers a refused origin.
    conn = core.ServerConnection(options(impl, origin_check=lambda origin: origin == "https://good"))
    [event] = conn.receive_data(request("Origin: https://evil\r\n"))
    assert event.status == 400
    assert conn.data_to_send().startswith(b"HTTP/1.1 400 ")
    conn = core.ServerConnection(options(impl, origin_check=lambda origin: origin == "https://good"))
    assert isinstance(conn.receive_data(request("Origin: https://good\r\n"))[0], core.RequestReceived)


def test_reject_and_unoffered_subprotocol(impl):
    conn = core.ServerConnection(options(impl))
    conn.receive_data(request("Sec-WebSocket-Protocol: a\r\n"))
    with pytest.raises(ValueError, match="not offered"):
        conn.accept("b")
    assert conn.reject(404, "no such chat").startswith(b"HTTP/1.1 404 Not Found\r\n")
    assert conn.state == core.CLOSED
    with pytest.raises(core.InvalidStateError):
        conn.accept()


def _client_and_response(impl, protocols=(), **kw):
    client = core.ClientConnection("h", "/", options(impl, protocols=list(protocols), **kw))
    server = core.ServerConnection(options(impl, protocols=list(protocols), **kw))
    server.receive_data(client.initiate())
    return client, server


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda r: r.replace(b"101 Switching Protocols", b"404 Not Found"), "404"),
        (lambda r: r.replace(b"Sec-WebSocket-Accept: ", b"Sec-WebSocket-Accept: x"), "Accept"),
        (lambda r: r.replace(b"Upgrade: websocket\r\n", b""), "Upgrade"),
        (lambda r: r.replace(b"\r\n\r\n", b"\r\nSec-WebSocket-Protocol: zzz\r\n\r\n"), "subprotocol"),
        (lambda r: r.replace(b"\r\n\r\n", b"\r\nSec-WebSocket-Extensions: x-foo\r\n\r\n"), "Extensions"),
    ],
)
def test_client_refuses_bad_response(impl, mutate, reason):
    client, server = _client_and_response(impl)
    events = client.receive_data(mutate(server.accept()))
    assert len(events) == 1 and isinstance(events[0], core.HandshakeFailed)
    assert reason in events[0].reason
    assert events[0].status == (404 if reason == "404" else 101)  # the status the server answered
    assert client.state == core.CLOSED


def test_client_request_and_subprotocol(impl):
    client, server = _client_and_response(impl, protocols=["v2", "v1"])
    assert server.request.protocols == ["v2", "v1"]
    client.feed(server.accept("v1") + frame(core.OP_TEXT, b"hi", mask=None))
    event = client.next_event()
    assert event.response.protocol == "v1" and client.subprotocol == "v1"
    assert client.receive_data() == [core.Message(b"hi", False)]


# --- framing ---


def _stream():
    """Frames of every length encoding, with the events they produce on a server."""
    frames = [
        (frame(core.OP_TEXT, "héllo".encode()), core.Message("héllo".encode(), False)),
        (frame(core.OP_BINARY, b""), core.Message(b"", True)),
        (frame(core.OP_BINARY, bytes(range(256)) * 2), core.Message(bytes(range(256)) * 2, True)),  # 16-bit
        (frame(core.OP_PING, b"p"), core.Ping(b"p")),
        (frame(core.OP_BINARY, b"\xab" * 70000), core.Message(b"\xab" * 70000, True)),  # 64-bit
        (frame(core.OP_TEXT, b"ab", fin=False) + frame(core.OP_PING, b"") + frame(0, b"cd"), None),
    ]
    data = b"".join(f for f, _ in frames)
    events = [e for _, e in frames[:-1]] + [core.Ping(b""), core.Message(b"abcd", False)]
    return data, events


def test_frames_across_every_split_point(impl):
    data, expected = _stream()
    # Every split point inside the small frames, and a sample across the big ones.
    points = list(range(len(data))) if len(data) < 2000 else [*range(600), *range(600, len(data), 997), len(data) - 1]
    for split in points:
        conn = open_server(impl)
        events = conn.receive_data(data[:split]) + conn.receive_data(data[split:])
        assert events == expected, split


def test_frames_byte_by_byte(impl):
    data, expected = _stream()
    conn = open_server(impl)
    events = []
    for i in range(len(data)):
        events += conn.receive_data(data[i : i + 1])
    assert events == expected


def test_round_trip_client_server(impl):
    client, server = open_pair(impl)
    for size in (0, 1, 125, 126, 65535, 65536, 1 << 20):
        payload = bytes(i & 0xFF for i in range(size))
        assert server.receive_data(client.send_message(payload, True)) == [core.Message(payload, True)]
        assert client.receive_data(server.send_message(payload, True)) == [core.Message(payload, True)]
    text = "ünïcödé 🚀" * 1000
    assert server.receive_data(client.send_message(text, fragment_size=7)) == [core.Message(text.encode(), False)]
    client, server = open_pair(impl, max_frames_per_receive=1000)
    frames = client.send_message(text, fragment_size=7)  # 2,000 frames: more than one call's budget
    assert receive_all(server, frames) == [core.Message(text.encode(), False)]


# --- masking ---


def test_client_masks_every_frame_with_a_fresh_mask(impl):
    client, _ = open_pair(impl)
    frames = [client.send_message(b"same payload", True) for _ in range(8)]
    assert all(f[1] & 0x80 for f in frames)
    masks = {f[2:6] for f in frames}
    assert len(masks) > 1  # 8 equal random masks: probability 2**-224
    assert all(b"same payload" not in f for f in frames if f[2:6] != b"\0\0\0\0")


def test_server_does_not_mask(impl):
    _, server = open_pair(impl)
    data = server.send_message(b"x", True)
    assert data == b"\x82\x01x"


def test_server_rejects_unmasked_client_frame(impl):
    conn = open_server(impl)
    assert failed_code(conn.receive_data(frame(core.OP_TEXT, b"hi", mask=None))) == 1002
    assert close_code_sent(conn.data_to_send()) == 1002


def test_client_rejects_masked_server_frame(impl):
    client, _ = open_pair(impl)
    assert failed_code(client.receive_data(frame(core.OP_TEXT, b"hi", mask=MASK))) == 1002


def test_unmasking_continues_across_segments(impl):
    conn = open_server(impl)
    payload = bytes(range(256)) * 41
    data = frame(core.OP_BINARY, payload)
    events = []
    for start in range(0, len(data), 13):  # segments not aligned to the 4-byte mask
        events += conn.receive_data(data[start : start + 13])
    assert events == [core.Message(payload, True)]


# --- fragmentation and control frames ---


def test_control_frames_interleave_with_fragments(impl):
    conn = open_server(impl)
    data = (
        frame(core.OP_TEXT, b"frag1", fin=False)
        + frame(core.OP_PING, b"ping!")
        + frame(0, b"frag2", fin=False)
        + frame(core.OP_PONG, b"pong!")
        + frame(0, b"frag3")
    )
    events = conn.receive_data(data)
    assert events == [core.Ping(b"ping!"), core.Pong(b"pong!"), core.Message(b"frag1frag2frag3", False)]
    assert conn.data_to_send() == b"\x8a\x05ping!"  # the automatic pong


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (frame(0, b"x"), 1002),  # continuation without a message
        (frame(core.OP_TEXT, b"a", fin=False) + frame(core.OP_TEXT, b"b"), 1002),  # new message mid-message
        (frame(core.OP_PING, b"x" * 126), 1002),  # control frame too long
        (frame(core.OP_PING, b"x", fin=False), 1002),  # fragmented control frame
        (frame(core.OP_TEXT, b"x", rsv=4), 1002),  # RSV1 without an extension
        (frame(core.OP_TEXT, b"x", rsv=2), 1002),  # RSV2
        (frame(core.OP_TEXT, b"x", rsv=1), 1002),  # RSV3
        (frame(3, b"x"), 1002),  # reserved data opcode
        (frame(7, b"x"), 1002),
        (frame(0xB, b"x"), 1002),  # reserved control opcode
        (frame(0xF, b"x"), 1002),
        (b"\x82\xff" + struct.pack("!Q", 1 << 63) + MASK, 1002),  # 64-bit length, top bit set
    ],
)
def test_protocol_violations(impl, data, code):
    conn = open_server(impl)
    events = conn.receive_data(data)
    assert failed_code(events) == code
    assert close_code_sent(conn.data_to_send()) == code
    assert conn.state == core.CLOSED
    assert conn.receive_data(frame(core.OP_TEXT, b"after")) == []  # nothing after a failure


def test_message_before_violation_in_the_same_segment_is_delivered(impl):
    conn = open_server(impl)
    conn.feed(frame(core.OP_TEXT, b"ok") + frame(core.OP_TEXT, b"x", rsv=2))
    assert conn.next_event() == core.Message(b"ok", False)
    assert conn.state == core.OPEN  # the violation is not parsed yet: a reply can still go out
    reply = conn.send_message(b"ok")
    assert failed_code([conn.next_event()]) == 1002
    assert reply == b"\x81\x02ok"


# --- closing ---


@pytest.mark.parametrize("code", [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 3000, 3999, 4000, 4999])
def test_valid_close_codes_are_echoed(impl, code):
    conn = open_server(impl)
    events = conn.receive_data(frame(core.OP_CLOSE, struct.pack("!H", code) + "bye ✓".encode()))
    assert events == [core.CloseReceived(code, "bye ✓")]
    assert close_code_sent(conn.data_to_send()) == code
    assert conn.state == core.CLOSED and conn.was_clean


@pytest.mark.parametrize("code", [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535])
def test_invalid_close_codes_fail_with_1002(impl, code):
    conn = open_server(impl)
    assert failed_code(conn.receive_data(frame(core.OP_CLOSE, struct.pack("!H", code)))) == 1002


def test_close_payload_rules(impl):
    conn = open_server(impl)
    assert conn.receive_data(frame(core.OP_CLOSE)) == [core.CloseReceived(None, "")]
    assert conn.data_to_send() == b"\x88\x00"  # an empty close answers an empty close
    conn = open_server(impl)
    assert failed_code(conn.receive_data(frame(core.OP_CLOSE, b"\x03"))) == 1002
    conn = open_server(impl)
    assert failed_code(conn.receive_data(frame(core.OP_CLOSE, b"\x03\xe8\xce\xba\xe1\xbd\xb9\xff"))) == 1007


def test_closing_handshake_we_start(impl):
    client, server = open_pair(impl)
    data = server.send_close(1001, "going" * 40)  # reason cut to fit 125 bytes
    assert len(data) == 2 + 125 and server.state == core.CLOSING
    assert server.send_close() == b""  # only once
    with pytest.raises(core.InvalidStateError):
        server.send_message(b"late")
    events = client.receive_data(data)
    assert events == [core.CloseReceived(1001, ("going" * 40)[:123])]
    reply = client.data_to_send()
    # A message the peer sent before it saw our close is still delivered (as in autobahn).
    assert server.receive_data(frame(core.OP_TEXT, b"in flight") + reply) == [
        core.Message(b"in flight", False),
        core.CloseReceived(1001, ""),
    ]
    assert server.state == core.CLOSED and server.was_clean


def test_send_close_argument_errors(impl):
    conn = open_server(impl)
    with pytest.raises(ValueError):
        conn.send_close(1005)
    with pytest.raises(ValueError):
        conn.send_close(None, "reason without code")
    with pytest.raises(ValueError):
        conn.send_ping(b"x" * 126)


# --- UTF-8 ---


def test_invalid_utf8_fails_fast_mid_frame(impl):
    conn = open_server(impl)
    payload = b"valid text, then \xf5 and much more"
    data = frame(core.OP_TEXT, payload + b"x" * 1000)
    header = 2 + 2 + 4  # 16-bit length, mask
    # Only the bytes up to the invalid one arrive; the frame is far from complete.
    cut = header + payload.index(b"\xf5") + 1
    assert conn.receive_data(data[: cut - 1]) == []
    assert failed_code(conn.receive_data(data[cut - 1 : cut])) == 1007
    assert close_code_sent(conn.data_to_send()) == 1007


def test_invalid_utf8_in_a_later_fragment(impl):
    conn = open_server(impl)
    assert conn.receive_data(frame(core.OP_TEXT, b"caf\xc3", fin=False)) == []
    assert failed_code(conn.receive_data(frame(0, b"\x28", fin=False))) == 1007


def test_code_point_split_across_fragments_is_valid(impl):
    conn = open_server(impl)
    data = frame(core.OP_TEXT, b"caf\xc3", fin=False) + frame(0, b"\xa9!")
    assert conn.receive_data(data) == [core.Message("café!".encode(), False)]


def test_text_ending_inside_a_code_point_fails(impl):
    conn = open_server(impl)
    assert failed_code(conn.receive_data(frame(core.OP_TEXT, b"caf\xc3"))) == 1007


def test_binary_is_not_validated(impl):
    conn = open_server(impl)
    assert conn.receive_data(frame(core.OP_BINARY, b"\xff\xfe")) == [core.Message(b"\xff\xfe", True)]


# --- limits ---


def test_frame_size_limit_fails_at_the_header(impl):
    conn = open_server(impl, max_frame_size=1000)
    assert conn.receive_data(frame(core.OP_BINARY, b"x" * 1000)) == [core.Message(b"x" * 1000, True)]
    header_only = frame(core.OP_BINARY, b"x" * 1001)[:8]
    assert failed_code(conn.receive_data(header_only)) == 1009


def test_message_size_limit_across_fragments(impl):
    conn = open_server(impl, max_message_size=10)
    events = conn.receive_data(frame(core.OP_TEXT, b"12345", fin=False) + frame(0, b"123456"))
    assert failed_code(events) == 1009
    assert close_code_sent(conn.data_to_send()) == 1009


def test_application_may_fail_with_its_own_code(impl):
    conn = open_server(impl)
    [message] = conn.receive_data(frame(core.OP_BINARY, b"x"))
    conn.fail(core.CLOSE_UNSUPPORTED_DATA, "binary not supported")
    assert close_code_sent(conn.data_to_send()) == 1003
    assert conn.failure == (1003, "binary not supported")


def test_header_injection_is_refused(impl):
    conn = core.ServerConnection(options(impl))
    conn.receive_data(request())
    with pytest.raises(ValueError, match="invalid HTTP header"):
        conn.accept(headers={"X-Evil": "a\r\nSet-Cookie: x=1"})
    assert conn.state == core.ACCEPTING  # so that reject() can still answer
    assert conn.reject(500).startswith(b"HTTP/1.1 500 ")
    client = core.ClientConnection("h", "/", options(impl), headers={"X-Evil\r\nA": "b"})
    with pytest.raises(ValueError, match="invalid HTTP header"):
        client.initiate()


def test_early_data_before_accept_is_bounded(impl):
    conn = core.ServerConnection(options(impl))
    conn.receive_data(request() + frame(core.OP_BINARY, b"early"))
    assert conn.state == core.ACCEPTING
    events = conn.receive_data(b"\0" * core.MAX_EARLY_DATA)
    assert [type(e) for e in events] == [core.HandshakeFailed] and events[0].status == 400
    assert conn.data_to_send().startswith(b"HTTP/1.1 400 ")
    assert conn.state == core.CLOSED


def test_message_frames_are_send_message_in_pieces(impl):
    _, server = open_pair(impl)
    payload = bytes(range(256)) * 1000
    parts = server.message_frames(payload, True, fragment_size=100_000)
    # Three frames: the two of 100,000 bytes as a header and the payload itself, the last
    # (56,000 bytes, below JOIN_MAX) in one piece.
    assert [len(p) for p in parts] == [10, 100_000, 10, 100_000, 56_004]
    assert parts[1].obj is payload  # a view of the payload, not a copy
    assert b"".join(parts) == server.send_message(payload, True, fragment_size=100_000)
    client, server = open_pair(impl)
    assert server.receive_data(b"".join(client.message_frames(payload, True))) == [core.Message(payload, True)]


# --- dispatch: one call per received chunk (what the framework adapters use) ---


def test_dispatch_hands_out_what_next_event_would_in_order(impl):
    conn = open_server(impl)
    data = (
        frame(core.OP_TEXT, b"one")
        + frame(core.OP_PING, b"p")
        + frame(core.OP_BINARY, b"\x00two")
        + frame(core.OP_CLOSE, struct.pack("!H", 1000))
    )
    seen: list[object] = []
    conn.feed(data)
    conn.dispatch(
        lambda payload, is_binary: seen.append(core.Message(payload, is_binary)),
        lambda event: seen.append(event),
        lambda data: seen.append(("write", data)),
    )
    pong = b"\x8a\x01p"
    assert seen == [
        core.Message(b"one", False),
        core.Ping(b"p"),
        ("write", pong),  # the pong goes out before the next message is handed out
        core.Message(b"\x00two", True),
        core.CloseReceived(1000, ""),
        ("write", seen[-1][1]),  # what the protocol answered last (the close reply) at the end
    ]
    assert close_code_sent(seen[-1][1]) == 1000
    assert conn.data_to_send() == b""


def test_dispatch_stops_delivering_once_the_application_fails_the_connection(impl):
    conn = open_server(impl)
    conn.feed(frame(core.OP_TEXT, b"a") + frame(core.OP_TEXT, b"b"))
    messages: list[bytes] = []
    events: list[object] = []

    def on_message(payload: bytes, is_binary: bool) -> None:
        messages.append(payload)
        conn.fail(core.CLOSE_UNSUPPORTED_DATA, "no thanks")

    writes: list[bytes] = []
    assert conn.dispatch(on_message, events.append, writes.append) is True
    assert messages == [b"a"]
    assert events == [core.ConnectionFailed(1003, "no thanks")]
    assert close_code_sent(b"".join(writes)) == 1003  # the close frame is flushed at the end


def test_dispatch_stops_when_on_event_says_so(impl):
    conn = open_server(impl)
    conn.feed(frame(core.OP_PING, b"1") + frame(core.OP_TEXT, b"after"))
    events: list[object] = []
    conn.dispatch(lambda payload, is_binary: events.append(payload), lambda e: events.append(e) or True, len)
    assert events == [core.Ping(b"1")]
    conn.dispatch(lambda payload, is_binary: events.append(payload), lambda e: None, len)
    assert events == [core.Ping(b"1"), b"after"]


@pytest.mark.parametrize("size", [0, 125, 126, 65535, 65536, 300_000])
def test_send_message_in_one_frame_matches_its_pieces(impl, size):
    client, server = open_pair(impl)
    payload = bytes(range(256)) * (size // 256) + bytes(size % 256)
    wire = server.send_message(payload, is_binary=True)
    assert wire == b"".join(server.message_frames(payload, is_binary=True))
    assert client.receive_data(wire) == [core.Message(payload, True)]
    masked = client.send_message(payload, is_binary=True)
    assert masked[1] & 0x80  # a client masks
    assert server.receive_data(masked) == [core.Message(payload, True)]


# --- options autobahn's setProtocolOptions() maps onto, and handshake edges ---


def _close_payload(data: bytes) -> bytes:
    """The payload of the unmasked close frame ``data`` is (a payload below 126 bytes)."""
    assert data[0] == 0x88 and data[1] < 126, data
    return data[2 : 2 + data[1]]


@pytest.mark.parametrize(
    ("close_reply", "answer"),
    [
        ("code", struct.pack("!H", 1001)),
        ("normal", struct.pack("!H", 1000)),
        ("code-and-reason", struct.pack("!H", 1001) + "bye ✓".encode()),
    ],
)
def test_close_reply_option(impl, close_reply, answer):
    conn = open_server(impl, close_reply=close_reply)
    events = conn.receive_data(frame(core.OP_CLOSE, struct.pack("!H", 1001) + "bye ✓".encode()))
    assert events == [core.CloseReceived(1001, "bye ✓")]
    assert _close_payload(conn.data_to_send()) == answer
    assert conn.close_received == (1001, "bye ✓") and conn.was_clean


def test_close_reason_is_cut_at_a_code_point(impl):
    client, server = open_pair(impl)
    reason = "é" * 70  # 140 bytes: 61 whole code points fit the 123 bytes a close frame leaves
    data = server.send_close(1000, reason)
    assert _close_payload(data) == struct.pack("!H", 1000) + ("é" * 61).encode()
    assert client.receive_data(data) == [core.CloseReceived(1000, "é" * 61)]


def test_plain_http_get_is_handed_to_the_application(impl):
    conn = core.ServerConnection(options(impl, answer_plain_http=True))
    events = conn.receive_data(b"GET /status HTTP/1.1\r\nHost: a\r\nAccept: text/html\r\n\r\n")
    assert events == [core.PlainHttpRequest("/status", {"host": "a", "accept": "text/html"})]
    assert conn.data_to_send() == b"" and conn.state == core.CLOSED
    # A WebSocket handshake still opens the connection.
    conn = core.ServerConnection(options(impl, answer_plain_http=True))
    assert isinstance(conn.receive_data(request())[0], core.RequestReceived)
    # Anything else than a well-formed GET is answered with an HTTP error, as without the option.
    for raw, status in [
        (b"POST /status HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        (b"GET /status\r\nHost: a\r\n\r\n", 400),
        (b"GET /status HTTP/1.1\r\nbad header line\r\n\r\n", 400),
        (b"GET  /status HTTP/1.1\r\nHost: a\r\n\r\n", 400),  # a request line has single spaces
    ]:
        conn = core.ServerConnection(options(impl, answer_plain_http=True))
        [event] = conn.receive_data(raw)
        assert isinstance(event, core.HandshakeFailed) and event.status == status, raw
        assert conn.data_to_send().startswith(f"HTTP/1.1 {status} ".encode())
    # Without the option a plain GET is refused (426: no Upgrade header).
    conn = core.ServerConnection(options(impl))
    [event] = conn.receive_data(b"GET /status HTTP/1.1\r\nHost: a\r\n\r\n")
    assert event == core.HandshakeFailed(426, event.reason)


def test_server_may_mask_and_client_may_send_unmasked(impl):
    masking_server = open_server(impl, mask_frames=True)
    data = masking_server.send_message(b"masked by a server", True)
    assert data[1] & 0x80 and b"masked by a server" not in data
    assert xor(data[6:], data[2:6]) == b"masked by a server"
    plain_client = core.ClientConnection("h", "/", options(impl, mask_frames=False))
    server = core.ServerConnection(options(impl, accept_unmasked=True))
    server.receive_data(plain_client.initiate())
    plain_client.receive_data(server.accept())
    data = plain_client.send_message(b"plain", True)
    assert data == b"\x82\x05plain"
    assert server.receive_data(data) == [core.Message(b"plain", True)]
    assert plain_client.send_ping(b"p") == b"\x89\x01p"


@pytest.mark.parametrize("fragment_size", [None, 3])
def test_apply_mask_off_sends_the_key_but_a_clear_payload(impl, fragment_size):
    client, _ = open_pair(impl, apply_mask=False)
    data = client.send_message(b"clear text", True, fragment_size=fragment_size)
    if fragment_size is None:
        assert data[:2] == b"\x82\x8a" and data[6:] == b"clear text"
    else:
        assert data[:2] == b"\x02\x83" and data[6:9] == b"cle"
        assert data[9:11] == b"\x00\x83" and data[15:18] == b"ar "
    assert client.send_pong(b"beat")[:2] == b"\x8a\x84"
    assert client.send_pong(b"beat")[6:] == b"beat"
    # A peer unmasks the clear payload with the key it was sent.
    server = open_server(impl)
    data = client.send_message(b"clear text", True)
    assert server.receive_data(data) == [core.Message(xor(b"clear text", data[2:6]), True)]


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("server.example.com:9000", "server.example.com"),
        ("server.example.com", "server.example.com"),
        ("[::1]:80", "[::1]"),
        ("[::1]", "[::1]"),
        (" 10.0.0.1:8080 ", "10.0.0.1"),
    ],
)
def test_request_host_without_port(impl, host, expected):
    conn = core.ServerConnection(options(impl), peer="tcp4:10.0.0.2:5000")
    raw = request().replace(b"Host: server.example.com\r\n", f"Host: {host}\r\n".encode())
    [event] = conn.receive_data(raw)
    assert event.request.host == expected
    assert event.request.peer == "tcp4:10.0.0.2:5000" and event.request.version == 13


def test_client_request_carries_origin_protocols_extensions_and_headers(impl):
    client = core.ClientConnection(
        "h:9000",
        "/app?x=1",
        options(impl, protocols=["v2", "v1"], extension_offer="x-custom; a=1"),
        origin="https://site",
        headers={"X-Token": "t"},
        peer="tcp4:1.2.3.4:9000",
    )
    data = client.initiate()
    assert data.startswith(b"GET /app?x=1 HTTP/1.1\r\nHost: h:9000\r\n")
    for line in (
        b"Origin: https://site",
        b"Sec-WebSocket-Protocol: v2, v1",
        b"Sec-WebSocket-Extensions: x-custom; a=1",
    ):
        assert b"\r\n" + line + b"\r\n" in data
    assert data.endswith(b"\r\nX-Token: t\r\n\r\n")
    with pytest.raises(core.InvalidStateError):
        client.initiate()  # only once
    plain = core.ClientConnection("h", "/", options(impl)).initiate()
    assert b"Origin" not in plain and b"Sec-WebSocket-Protocol" not in plain and b"Extensions" not in plain
    server = core.ServerConnection(options(impl))
    server.receive_data(data)
    [event] = client.receive_data(server.accept())
    assert event.response.peer == "tcp4:1.2.3.4:9000" and event.response.protocol is None
    assert client.subprotocol is None and client.deflate is None


def test_client_accept_extensions_decides_on_the_servers_answer(impl):
    codec = object()
    answers = []

    def accept_extensions(extensions):
        answers.append(extensions)
        return codec

    for extension_header, expected in [("x-custom; a=1", codec), ("", None)]:
        client = core.ClientConnection("h", "/", options(impl, accept_extensions=accept_extensions))
        server = core.ServerConnection(options(impl))
        server.receive_data(client.initiate())
        response = server.accept(headers=[("Sec-WebSocket-Extensions", extension_header)] if extension_header else None)
        [event] = client.receive_data(response)
        assert isinstance(event, core.ResponseReceived) and client.deflate is expected
        assert event.response.extensions == ([extension_header] if extension_header else [])
    assert answers == [[("x-custom", [("a", "1")])]]  # called only for a response with extensions


def test_client_refuses_a_response_without_connection_upgrade(impl):
    client, server = _client_and_response(impl)
    response = server.accept().replace(b"Connection: Upgrade\r\n", b"Connection: keep-alive\r\n")
    [event] = client.receive_data(response)
    assert isinstance(event, core.HandshakeFailed) and "Connection" in event.reason
    assert event.status == 101 and client.state == core.CLOSED
    # The tokens are compared without case, as RFC 6455 4.1 asks.
    client, server = _client_and_response(impl)
    response = server.accept().replace(b"Upgrade: websocket", b"Upgrade: WebSocket")
    response = response.replace(b"Connection: Upgrade", b"Connection: keep-alive, UPGRADE")
    assert isinstance(client.receive_data(response)[0], core.ResponseReceived)


def test_client_reads_the_response_byte_by_byte_and_bounds_it(impl):
    client, server = _client_and_response(impl)
    response = server.accept() + frame(core.OP_TEXT, b"hi", mask=None)
    events = []
    for i in range(len(response)):
        events += client.receive_data(response[i : i + 1])
    assert [type(e) for e in events] == [core.ResponseReceived, core.Message]
    # A response with no end of headers within the limit fails the handshake (status 0: no answer).
    client, server = _client_and_response(impl)
    head = b"HTTP/1.1 101 Switching Protocols\r\nX: "
    filler = b"a" * (core._handshake.MAX_HANDSHAKE_SIZE - len(head))
    assert client.receive_data(head + filler) == []  # exactly the limit: still waiting
    [event] = client.receive_data(b"a")
    assert isinstance(event, core.HandshakeFailed) and event.status == 0
    assert client.state == core.CLOSED
    # A complete response whose headers end exactly at the limit is taken.
    client, server = _client_and_response(impl)
    response = server.accept()
    pad = core._handshake.MAX_HANDSHAKE_SIZE - (len(response) - 4) - len("X-Pad: \r\n")
    response = response[:-2] + b"X-Pad: " + b"a" * pad + b"\r\n\r\n"
    assert response.find(b"\r\n\r\n") == core._handshake.MAX_HANDSHAKE_SIZE
    assert isinstance(client.receive_data(response)[0], core.ResponseReceived)
    # A complete response whose headers go beyond the limit fails.
    client, server = _client_and_response(impl)
    events = client.receive_data(head + filler + b"a\r\n\r\n")
    assert [type(e) for e in events] == [core.HandshakeFailed] and events[0].status == 0


def test_server_bounds_the_request_at_the_limit(impl):
    limit = core._handshake.MAX_HANDSHAKE_SIZE
    raw = request()
    conn = core.ServerConnection(options(impl))
    filler = b"X: " + b"a" * (limit - len(raw) - 1)  # the request up to its blank line is limit bytes
    exact = raw[:-2] + filler + b"\r\n\r\n"
    assert exact.find(b"\r\n\r\n") == limit
    assert conn.receive_data(exact[:limit]) == []  # exactly the limit, no end yet: still waiting
    conn.receive_data(exact[limit:])
    assert conn.state == core.ACCEPTING
    conn = core.ServerConnection(options(impl))
    over = raw[:-2] + filler + b"a\r\n\r\n"
    [event] = conn.receive_data(over)
    assert event.status == 431 and conn.data_to_send().startswith(b"HTTP/1.1 431 ")
    conn = core.ServerConnection(options(impl))
    [event] = conn.receive_data(over[: limit + 1])
    assert isinstance(event, core.HandshakeFailed) and event.status == 431


def test_early_data_bound_is_exact(impl):
    conn = core.ServerConnection(options(impl))
    early = frame(core.OP_BINARY, b"early")
    conn.receive_data(request() + early)
    conn.receive_data(b"\0" * (core.MAX_EARLY_DATA - len(early)))  # exactly the bound
    assert conn.state == core.ACCEPTING and conn.data_to_send() == b""
    [event] = conn.receive_data(b"\0")
    assert event.status == 400 and conn.state == core.CLOSED


def test_subprotocol_choice_reject_and_accept_headers(impl):
    conn = core.ServerConnection(options(impl, protocols=["x", "y"]))
    conn.receive_data(request("Sec-WebSocket-Protocol: a, b\r\n"))
    assert conn.choose_subprotocol() is None
    answer = conn.reject()  # without a reason, the body gives the status's phrase
    assert answer.startswith(b"HTTP/1.1 403 Forbidden\r\n") and answer.endswith(b"\r\n\r\nForbidden\n")
    conn = core.ServerConnection(options(impl))
    conn.receive_data(request())
    answer = conn.reject(499)  # a status without a standard phrase still gets a body
    assert answer.startswith(b"HTTP/1.1 499 ") and not answer.endswith(b"\r\n\r\n\n")
    with pytest.raises(core.InvalidStateError):
        conn.reject()
    conn = core.ServerConnection(options(impl))
    conn.receive_data(request())
    response = conn.accept(None, [("X-One", "1"), ("X-Two", "2")])
    assert response.endswith(b"\r\nX-One: 1\r\nX-Two: 2\r\n\r\n")
    assert b"Sec-WebSocket-Protocol" not in response and conn.subprotocol is None


def test_frame_budget_leaves_input_pending(impl):
    conn = open_server(impl, max_frames_per_receive=2)
    data = b"".join(frame(core.OP_BINARY, bytes([i])) for i in range(5))
    assert not conn.input_pending
    assert conn.receive_data(data) == [core.Message(b"\0", True), core.Message(b"\1", True)]
    assert conn.input_pending
    assert conn.receive_data() == [core.Message(b"\2", True), core.Message(b"\3", True)]
    assert conn.receive_data() == [core.Message(b"\4", True)]
    assert not conn.input_pending
    # Input is pending in CLOSING too, never once the connection is CLOSED.
    conn.feed(data)
    conn.next_event(), conn.next_event()
    conn.send_close()
    assert conn.input_pending
    conn.fail(core.CLOSE_GOING_AWAY, "gone")
    assert not conn.input_pending


def test_control_frames_after_our_close(impl):
    _, server = open_pair(impl)
    server.send_close()
    # A ping after our close gets no pong, a pong gives no event; the peer's close ends it.
    data = frame(core.OP_PING, b"p") + frame(core.OP_PONG, b"q") + frame(core.OP_CLOSE, struct.pack("!H", 1000))
    assert server.receive_data(data) == [core.CloseReceived(1000, "")]
    assert server.data_to_send() == b"" and server.state == core.CLOSED


def test_send_pong_and_control_payload_limits(impl):
    _, server = open_pair(impl)
    assert server.send_pong(b"x" * 125) == b"\x8a\x7d" + b"x" * 125
    assert server.send_ping(b"y" * 125) == b"\x89\x7d" + b"y" * 125
    assert server.send_ping() == b"\x89\x00" and server.send_pong() == b"\x8a\x00"
    with pytest.raises(ValueError):
        server.send_pong(b"x" * 126)
    server.send_close()
    for send in (server.send_ping, server.send_pong, server.send_message):
        with pytest.raises(core.InvalidStateError):
            send(b"late")


def test_automatic_answers_queue_in_order(impl):
    conn = open_server(impl)
    events = conn.receive_data(frame(core.OP_PING, b"1") + frame(core.OP_PING, b"22") + frame(core.OP_CLOSE))
    assert events == [core.Ping(b"1"), core.Ping(b"22"), core.CloseReceived(None, "")]
    assert conn.data_to_send() == b"\x8a\x011" + b"\x8a\x0222" + b"\x88\x00"
    assert conn.data_to_send() == b""


def _dispatch_all(conn: core.Connection, stop_at: type | None = None) -> tuple[bool, list[object]]:
    """``dispatch()``'s result, and what it handed out (messages, events and writes) in order."""
    seen: list[object] = []

    def on_event(event: object) -> bool:
        seen.append(event)
        return stop_at is not None and isinstance(event, stop_at)

    finished = conn.dispatch(
        lambda payload, is_binary: seen.append(core.Message(payload, is_binary)),
        on_event,
        lambda data: seen.append(("write", data)),
    )
    return finished, seen


def test_dispatch_reports_whether_it_ran_to_the_end(impl):
    conn = open_server(impl)
    conn.feed(frame(core.OP_PING, b"1") + frame(core.OP_TEXT, b"after"))
    assert _dispatch_all(conn, stop_at=core.Ping) == (False, [core.Ping(b"1")])
    assert _dispatch_all(conn) == (True, [("write", b"\x8a\x011"), core.Message(b"after", False)])
    conn.feed(frame(core.OP_CLOSE, struct.pack("!H", 1000)))
    assert _dispatch_all(conn, stop_at=core.CloseReceived) == (False, [core.CloseReceived(1000, "")])
    assert conn.data_to_send() == b"\x88\x02\x03\xe8"  # the reply waits for the caller


def test_dispatch_delivers_frames_that_came_with_the_handshake_after_accept(impl):
    conn = core.ServerConnection(options(impl))
    conn.feed(request() + frame(core.OP_TEXT, b"early"))
    finished, seen = _dispatch_all(conn)
    assert finished and [type(e) for e in seen] == [core.RequestReceived]
    conn.accept()
    assert _dispatch_all(conn) == (True, [core.Message(b"early", False)])
    # A client: the server's first frame arrives with the response.
    client, server = _client_and_response(impl)
    client.feed(server.accept() + frame(core.OP_BINARY, b"first", mask=None))
    finished, seen = _dispatch_all(client)
    assert finished and [type(e) for e in seen] == [core.ResponseReceived, core.Message]
    assert seen[1] == core.Message(b"first", True)


def test_dispatch_within_the_frame_budget(impl):
    conn = open_server(impl, max_frames_per_receive=1)
    conn.feed(b"".join(frame(core.OP_BINARY, bytes([i])) for i in range(3)))
    for i in range(3):
        assert _dispatch_all(conn) == (True, [core.Message(bytes([i]), True)])
        assert conn.input_pending == (i < 2)
        conn.feed(b"")


def test_a_blank_line_in_a_frame_after_the_handshake_is_payload(impl):
    # The handshake ends at the first blank line; the same bytes inside a frame that came
    # with it are payload.
    client, server = _client_and_response(impl)
    events = client.receive_data(server.accept() + frame(core.OP_TEXT, b"a\r\n\r\nb", mask=None))
    assert [type(e) for e in events] == [core.ResponseReceived, core.Message]
    assert events[1] == core.Message(b"a\r\n\r\nb", False)
    conn = core.ServerConnection(options(impl))
    payload = xor(b"\r\n\r\n", MASK)  # masked on the wire into a blank line
    [event] = conn.receive_data(request() + frame(core.OP_BINARY, payload))
    assert isinstance(event, core.RequestReceived)
    conn.accept()
    assert conn.receive_data() == [core.Message(payload, True)]
    client = core.ClientConnection("h", "/", options(impl))
    client.initiate()
    [event] = client.receive_data(b"\r\n\r\nHTTP/1.1 101 Switching Protocols\r\n\r\n")
    assert isinstance(event, core.HandshakeFailed) and client.state == core.CLOSED


def test_send_defaults_and_fragment_boundaries(impl):
    client, server = open_pair(impl)
    assert server.send_message("héllo") == b"\x81\x06" + "héllo".encode()
    assert b"".join(server.message_frames(b"hi")) == b"\x81\x02hi"  # text by default
    # A length that is a multiple of the fragment size: the last fragment has FIN.
    assert server.send_message(b"abcdef", True, fragment_size=3) == b"\x02\x03abc\x80\x03def"
    assert client.receive_data(server.send_message(b"abcdef", True, fragment_size=3)) == [core.Message(b"abcdef", True)]
    assert server.send_close() == b"\x88\x02\x03\xe8"  # 1000, no reason
    # A payload of JOIN_MAX bytes is written apart from its header (not copied into it).
    _, server = open_pair(impl)
    payload = bytes(core.JOIN_MAX)
    parts = server.message_frames(payload, True)
    assert len(parts) == 2 and parts[1] is payload
    assert len(server.message_frames(payload[:-1], True)) == 1


def test_send_compresses_unless_told_not_to(impl):
    client, server = open_pair(impl, deflate=DeflateOptions())
    text = "compressible " * 100
    for sender, receiver in ((server, client), (client, server)):
        compressed = sender.send_message(text.encode())
        assert compressed[0] == 0xC1 and len(compressed) < 200  # FIN, RSV1, text
        assert receiver.receive_data(compressed) == [core.Message(text.encode(), False)]
        assert b"".join(sender.message_frames(text))[0] == 0xC1  # compress=True by default
        plain = sender.send_message(text, compress=False)
        assert plain[0] == 0x81 and len(plain) > 1300
        assert receiver.receive_data(plain) == [core.Message(text.encode(), False)]


def test_large_incompressible_message_keeps_rsv1(impl):
    # Compressed output of JOIN_MAX bytes or more is sent apart from its header, which must
    # still carry RSV1.
    client, server = open_pair(impl, deflate=DeflateOptions())
    payload = random.Random(7).randbytes(100_000)
    parts = server.message_frames(payload, True)
    assert len(parts) == 2 and parts[0][0] == 0xC2
    assert client.receive_data(b"".join(parts)) == [core.Message(payload, True)]
    client, server = open_pair(impl, deflate=DeflateOptions(), apply_mask=False)
    assert client.send_message(payload[:100], True)[0] == 0xC2


def test_client_defaults_and_the_response_it_keeps(impl):
    client = core.ClientConnection("h", options=options(impl))
    handshake = client.initiate()
    assert handshake.startswith(b"GET / HTTP/1.1\r\n") and client.response is None
    server = core.ServerConnection(options(impl))
    server.receive_data(handshake)
    [event] = client.receive_data(server.accept())
    assert event.response is client.response
    assert (event.response.peer, event.response.version) == ("", 13)
    assert event.response.headers["upgrade"] == "websocket"


@pytest.mark.parametrize(
    ("offer", "answer"),
    [
        (None, "permessage-deflate"),  # not offered
        (DeflateOptions(), "x-foo"),  # another extension than the one offered
        (DeflateOptions(), "permessage-deflate, permessage-deflate"),  # accepted twice
    ],
)
def test_client_refuses_extensions_it_did_not_offer(impl, offer, answer):
    client = core.ClientConnection("h", "/", options(impl, deflate=offer))
    server = core.ServerConnection(options(impl))
    server.receive_data(client.initiate())
    [event] = client.receive_data(server.accept(headers={"Sec-WebSocket-Extensions": answer}))
    assert isinstance(event, core.HandshakeFailed) and event.status == 101
    assert client.state == core.CLOSED


# --- sending a message frame by frame, raw frames, frames prepared beforehand ---


def test_streamed_message_is_the_frames_an_independent_encoder_writes(impl):
    _, server = open_pair(impl)
    assert server.send_state == core.SEND_IDLE
    server.begin_message(is_binary=True)
    assert server.send_state == core.SEND_MESSAGE_BEGUN
    wire = server.begin_message_frame(5)
    assert server.send_state == core.SEND_IN_FRAME
    for piece, owed in ((b"a", 4), (b"bc", 2), (b"de", 0)):
        data, rest = server.message_frame_data(piece)
        assert (data, rest) == (piece, owed)
        wire += data
    assert server.send_state == core.SEND_BETWEEN_FRAMES
    wire += server.begin_message_frame(0)  # an empty frame completes at once
    assert server.send_state == core.SEND_BETWEEN_FRAMES
    wire += server.begin_message_frame(300) + server.message_frame_data(bytes(300))[0]
    wire += server.end_message()
    assert server.send_state == core.SEND_IDLE
    assert wire == (
        frame(core.OP_BINARY, b"abcde", fin=False, mask=None)
        + frame(core.OP_CONTINUATION, b"", fin=False, mask=None)
        + frame(core.OP_CONTINUATION, bytes(300), fin=False, mask=None)
        + frame(core.OP_CONTINUATION, b"", mask=None)
    )
    # A message ended before any frame is one empty frame with FIN.
    server.begin_message()
    assert server.end_message() == frame(core.OP_TEXT, b"", mask=None)


def test_streamed_message_reaches_the_peer_as_one_message(impl):
    client, server = open_pair(impl)
    text = "ünïcödé 🚀 streamed".encode()
    for sender, receiver in ((client, server), (server, client)):
        sender.begin_message()
        wire = b""
        for start in range(0, len(text), 7):
            chunk = text[start : start + 7]
            wire += sender.begin_message_frame(len(chunk))
            for i in range(len(chunk)):  # each frame's payload a byte at a time
                wire += sender.message_frame_data(chunk[i : i + 1])[0]
        wire += sender.send_ping(b"between")  # control frames may come between the frames
        wire += sender.end_message()
        assert receiver.receive_data(wire) == [core.Ping(b"between"), core.Message(text, False)]


def test_streamed_client_frames_are_masked_with_a_fresh_key_each(impl):
    client, _ = open_pair(impl)
    client.begin_message(is_binary=True)
    keys = []
    for _ in range(8):
        header = client.begin_message_frame(6)
        assert header[:2] == b"\x02\x86" or header[:2] == b"\x00\x86"  # not FIN, mask bit, 6
        data = client.message_frame_data(b"abc")[0] + client.message_frame_data(b"def")[0]
        key = header[2:6]
        keys.append(key)
        assert xor(data, key) == b"abcdef"  # the key runs on across the pieces
    assert len(set(keys)) > 1  # 8 equal random keys: probability 2**-224
    last = client.end_message()
    assert last[:2] == b"\x80\x80" and len(last) == 6  # FIN, masked, empty
    # apply_mask=False: the key is sent, the payload goes clear.
    client, _ = open_pair(impl, apply_mask=False)
    client.begin_message(is_binary=True)
    assert client.begin_message_frame(3)[1] == 0x83
    assert client.message_frame_data(b"xyz") == (b"xyz", 0)


def test_streamed_frame_data_beyond_the_frame_is_left_out(impl):
    _, server = open_pair(impl)
    server.begin_message(is_binary=True)
    server.begin_message_frame(3)
    assert server.message_frame_data(b"abcde") == (b"abc", -2)
    assert server.send_state == core.SEND_BETWEEN_FRAMES


def test_streamed_message_calls_out_of_order_raise(impl):
    _, server = open_pair(impl)
    for call in (
        lambda: server.begin_message_frame(1),
        lambda: server.message_frame_data(b"x"),
        server.end_message,
    ):
        with pytest.raises(core.SendStateError, match="outside a message"):
            call()
    server.begin_message()
    with pytest.raises(core.SendStateError, match="while a message is being sent"):
        server.begin_message()
    with pytest.raises(ValueError, match="invalid frame length"):
        server.begin_message_frame(-1)
    server.begin_message_frame(2)
    for call in (lambda: server.begin_message_frame(1), server.end_message):
        with pytest.raises(core.SendStateError, match="inside an unfinished frame"):
            call()
    # A whole message would land between the open message's frames: refused (both paths),
    # and a frame prepared beforehand may not be written as is.
    with pytest.raises(core.InvalidStateError, match="while one is being sent frame by frame"):
        server.send_message(b"whole", True)
    with pytest.raises(core.InvalidStateError, match="while one is being sent frame by frame"):
        server.message_frames(b"whole", True)
    assert not server.can_send_preframed()
    assert server.message_frame_data(b"ok") == (b"ok", 0)
    server.end_message()
    assert server.send_message(b"whole", True) == b"\x82\x05whole"
    # A connection no longer open sends no part of a message.
    server.send_close()
    with pytest.raises(core.InvalidStateError, match="the connection is CLOSING"):
        server.begin_message()


def test_raw_frame_takes_any_opcode_bits_and_repeated_payload(impl):
    client, server = open_pair(impl)
    # A reserved opcode, RSV1 and RSV3, no FIN, "ab" repeated to 5 bytes: as written by hand.
    assert server.raw_frame(0x3, b"ab", fin=False, rsv=5, payload_len=5) == frame(
        0x3, b"ababa", fin=False, rsv=5, mask=None
    )
    assert server.raw_frame(core.OP_BINARY, payload_len=3) == frame(core.OP_BINARY, b"\0\0\0", mask=None)
    assert server.raw_frame(core.OP_TEXT, b"hi", mask=MASK) == frame(core.OP_TEXT, b"hi", mask=MASK)
    with pytest.raises(ValueError, match="a frame mask is 4 bytes, got 3"):
        server.raw_frame(core.OP_TEXT, b"hi", mask=b"abc")
    # A client masks by default, with a random key, and a server reads the frame back.
    data = client.raw_frame(core.OP_TEXT, b"masked")
    assert data[1] == 0x86 and b"masked" not in data
    assert server.receive_data(data) == [core.Message(b"masked", False)]
    client, _ = open_pair(impl, apply_mask=False)
    data = client.raw_frame(core.OP_PING, b"clear")
    assert data[:2] == b"\x89\x85" and data[6:] == b"clear"
    client.send_close()
    with pytest.raises(core.InvalidStateError):
        client.raw_frame(core.OP_TEXT, b"late")


def test_frames_prepared_beforehand_go_as_is_only_unmasked_and_uncompressed(impl):
    payload = b"to everyone"
    prepared = core.frame_header(core.OP_TEXT, len(payload), True, False, None) + payload
    client, server = open_pair(impl)
    assert server.can_send_preframed()
    assert client.receive_data(prepared) == [core.Message(payload, False)]
    assert not client.can_send_preframed()  # a client masks every frame
    assert not open_server(impl, mask_frames=True).can_send_preframed()
    _, compressing = open_pair(impl, deflate=DeflateOptions())
    assert not compressing.can_send_preframed()
    assert compressing.can_send_preframed(compress=False)
    server.send_close()
    assert not server.can_send_preframed()


def test_mark_closed_stops_events_and_sending(impl):
    client, server = open_pair(impl)
    server.feed(client.send_message(b"unread", True))
    server.mark_closed()
    assert server.state == core.CLOSED
    assert server.next_event() is None
    assert server.receive_data(client.send_message(b"later", True)) == []
    assert server.send_close() == b""
    with pytest.raises(core.InvalidStateError):
        server.send_message(b"x")


# --- before the opening handshake: Flash policy requests, HTTP proxy tunnels ---

_POLICY = b'<cross-domain-policy><allow-access-from domain="*" to-ports="*"/></cross-domain-policy>\x00'


def test_flash_policy_request_is_answered_and_the_connection_closes(impl):
    conn = core.ServerConnection(options(impl, flash_policy=_POLICY))
    assert conn.receive_data(core.FLASH_POLICY_REQUEST) == [core.FlashPolicyRequest()]
    assert conn.data_to_send() == _POLICY and conn.state == core.CLOSED
    assert conn.receive_data(request()) == [] and conn.data_to_send() == b""  # nothing after it
    # Byte by byte: answered once the request is complete, not before.
    conn = core.ServerConnection(options(impl, flash_policy=_POLICY))
    request_bytes = core.FLASH_POLICY_REQUEST
    for i in range(len(request_bytes) - 1):
        assert conn.receive_data(request_bytes[i : i + 1]) == [], i
    assert conn.state == core.CONNECTING and conn.data_to_send() == b""
    assert conn.receive_data(request_bytes[-1:]) == [core.FlashPolicyRequest()]
    assert conn.data_to_send() == _POLICY
    # With the option a WebSocket handshake still opens the connection.
    conn = core.ServerConnection(options(impl, flash_policy=_POLICY))
    assert [type(e) for e in conn.receive_data(request())] == [core.RequestReceived]
    # Without it the request is no handshake: it waits for an end of headers that never comes.
    conn = core.ServerConnection(options(impl))
    assert conn.receive_data(core.FLASH_POLICY_REQUEST) == [] and conn.data_to_send() == b""
    assert conn.state == core.CONNECTING


def _proxied_client(impl, **kw):
    return core.ClientConnection(
        "server.example.com:9000", "/chat", options(impl, **kw), proxy_target="server.example.com:9000"
    )


_TUNNEL_OPEN = b"HTTP/1.1 200 Connection established\r\nProxy-Agent: test\r\n\r\n"


def test_proxy_connect_request(impl):
    client = _proxied_client(impl)
    assert client.state == core.PROXY_CONNECTING
    target = b"server.example.com:9000"
    assert client.proxy_request() == b"CONNECT " + target + b" HTTP/1.1\r\nHost: " + target + b"\r\n\r\n"
    with pytest.raises(core.InvalidStateError, match="tunnel"):
        client.initiate()  # the handshake waits for the tunnel
    with pytest.raises(ValueError):
        core.ClientConnection("h", proxy_target="h:1\r\nX-Evil: 1").proxy_request()
    with pytest.raises(core.InvalidStateError):
        core.ClientConnection("h").proxy_request()  # no proxy
    assert client.receive_data(_TUNNEL_OPEN) == [core.ProxyTunnelOpened()]
    with pytest.raises(core.InvalidStateError):
        client.proxy_request()  # the tunnel is open


def _open_through_tunnel(impl, client, server_protocols=()):
    """Complete the opening handshake of ``client`` (its tunnel open) with a server."""
    server = core.ServerConnection(options(impl, protocols=list(server_protocols)))
    assert [type(e) for e in server.receive_data(client.initiate())] == [core.RequestReceived]
    return server


def test_proxy_answer_byte_by_byte_then_the_handshake(impl):
    client = _proxied_client(impl)
    client.proxy_request()
    for i in range(len(_TUNNEL_OPEN) - 1):
        assert client.receive_data(_TUNNEL_OPEN[i : i + 1]) == [], i
        assert client.state == core.PROXY_CONNECTING
    assert client.receive_data(_TUNNEL_OPEN[-1:]) == [core.ProxyTunnelOpened()]
    assert client.state == core.CONNECTING
    server = _open_through_tunnel(impl, client)
    events = client.receive_data(server.accept())
    assert [type(e) for e in events] == [core.ResponseReceived] and client.state == core.OPEN
    assert client.data_to_send() == b""  # the core wrote nothing of its own to the proxy


@pytest.mark.parametrize(
    ("answer", "status"),
    [
        (b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n\r\n", 407),
        (b"HTTP/1.1 502 Bad Gateway\r\n\r\n", 502),
        (b"HTTP/1.1 201 Created\r\n\r\n", 201),  # only 200 opens the tunnel
        (b"HTTP/1.1 2000 OK\r\n\r\n", 2000),
        (b"HTTP/1.1 \xb2\xb2\xb2 OK\r\n\r\n", 0),  # latin-1 superscript digits are no status code
        (b"not http at all\r\n\r\n", 0),
        (b"\r\n\r\n", 0),
    ],
)
def test_proxy_refuses_the_tunnel(impl, answer, status):
    client = _proxied_client(impl)
    client.proxy_request()
    [event] = client.receive_data(answer + b"HTTP/1.1 101 Switching Protocols\r\n\r\n")
    assert type(event) is core.ProxyTunnelRefused and event.status == status
    assert "refused" in event.reason and client.state == core.CLOSED
    assert client.receive_data(_TUNNEL_OPEN) == [] and client.data_to_send() == b""
    with pytest.raises(core.InvalidStateError):
        client.initiate()


def test_proxy_answer_is_bounded(impl):
    head = b"HTTP/1.1 200 OK\r\nX-Pad: "
    filler = b"a" * (core.MAX_PROXY_ANSWER - len(head))
    # Exactly the limit without an end of headers: still waiting; one byte more refuses.
    client = _proxied_client(impl)
    assert client.receive_data(head) == [] and client.receive_data(filler) == []
    assert client.state == core.PROXY_CONNECTING
    [event] = client.receive_data(b"a")
    assert event == core.ProxyTunnelRefused(0, "the proxy's answer is too large")
    assert client.state == core.CLOSED
    # The same in one chunk with the end of headers beyond the limit: refused too.
    client = _proxied_client(impl)
    assert client.receive_data(head + filler + b"a\r\n\r\n") == [core.ProxyTunnelRefused(0, event.reason)]
    # Headers ending exactly at the limit open the tunnel.
    client = _proxied_client(impl)
    answer = head + filler + b"\r\n\r\n"
    assert answer.find(b"\r\n\r\n") == core.MAX_PROXY_ANSWER
    assert client.receive_data(answer) == [core.ProxyTunnelOpened()]


def test_handshake_bytes_in_the_chunk_of_the_proxy_answer(impl):
    # The server's response and a first message arrive with the proxy's 200. They wait for
    # initiate(), whose request (here: the subprotocol offered) is settled after the tunnel opens.
    client = _proxied_client(impl)
    client.proxy_request()
    server = core.ServerConnection(options(impl, protocols=["chat"]))
    [received] = server.receive_data(request("Sec-WebSocket-Protocol: chat\r\n", key=client._key))
    assert received.request.protocols == ["chat"]
    response = server.accept("chat") + server.send_message(b"first")
    assert client.receive_data(_TUNNEL_OPEN + response) == [core.ProxyTunnelOpened()]
    assert client.state == core.CONNECTING
    client.options.protocols = ["chat"]
    assert b"Sec-WebSocket-Protocol: chat\r\n" in client.initiate()
    events = client.receive_data()
    assert [type(e) for e in events] == [core.ResponseReceived, core.Message]
    assert client.subprotocol == "chat" and events[1] == core.Message(b"first", False)
    assert client.state == core.OPEN
    # A leftover that is no complete response yet: the rest arrives after initiate().
    client = _proxied_client(impl)
    server = core.ServerConnection(options(impl))
    server.receive_data(request(key=client._key))
    response = server.accept()
    assert client.receive_data(_TUNNEL_OPEN + response[:10]) == [core.ProxyTunnelOpened()]
    client.initiate()
    assert client.receive_data() == []
    assert [type(e) for e in client.receive_data(response[10:])] == [core.ResponseReceived]


# --- what every refusal says, exactly (the words reach a developer's log or traceback) ---


def exactly(message: str) -> str:
    """A ``pytest.raises(match=...)`` pattern for this message and nothing around it."""
    return f"^{re.escape(message)}$"


# Each sending call on a connection that is no longer open, prepared in the send state the call
# needs (so that the state check, not the send-state check, refuses it), with the words it says.
_SENDS_AFTER_CLOSE = {
    "send a message": (None, lambda conn: conn.message_frames(b"late")),
    "send a frame": (None, lambda conn: conn.raw_frame(core.OP_TEXT, b"late")),
    "begin a message": (None, lambda conn: conn.begin_message()),
    "begin a message frame": ("begun", lambda conn: conn.begin_message_frame(1)),
    "send message frame data": ("in frame", lambda conn: conn.message_frame_data(b"x")),
    "end a message": ("begun", lambda conn: conn.end_message()),
    "send a ping": (None, lambda conn: conn.send_ping()),
    "send a pong": (None, lambda conn: conn.send_pong()),
}


@pytest.mark.parametrize("what", list(_SENDS_AFTER_CLOSE))
def test_a_send_on_a_closing_connection_says_what_and_why(impl, what):
    _, server = open_pair(impl)
    prepare, call = _SENDS_AFTER_CLOSE[what]
    if prepare is not None:
        server.begin_message()
    if prepare == "in frame":
        server.begin_message_frame(2)
    server.send_close()
    with pytest.raises(core.InvalidStateError, match=exactly(f"cannot {what}: the connection is CLOSING")):
        call(server)


def test_streamed_send_misuse_says_exactly_what_is_wrong(impl):
    _, server = open_pair(impl)
    with pytest.raises(core.SendStateError, match=exactly("message_frame_data() outside a message frame")):
        server.message_frame_data(b"x")
    with pytest.raises(
        core.SendStateError, match=exactly("end_message() outside a message, or inside an unfinished frame")
    ):
        server.end_message()
    server.begin_message()
    with pytest.raises(core.SendStateError, match=exactly("begin_message() while a message is being sent")):
        server.begin_message()
    server.begin_message_frame(1)
    with pytest.raises(
        core.SendStateError,
        match=exactly("begin_message_frame() outside a message, or inside an unfinished frame"),
    ):
        server.begin_message_frame(1)
    with pytest.raises(
        core.InvalidStateError, match=exactly("cannot send a message while one is being sent frame by frame")
    ):
        server.message_frames(b"whole")


def test_a_streamed_frame_may_announce_up_to_the_largest_64_bit_length(impl):
    # RFC 6455 5.2: the 64-bit length's most significant bit must be 0.
    _, server = open_pair(impl)
    server.begin_message()
    with pytest.raises(ValueError, match="invalid frame length"):
        server.begin_message_frame(2**63)
    assert server.begin_message_frame(2**63 - 1) == b"\x01\x7f" + (2**63 - 1).to_bytes(8, "big")


def test_control_frame_argument_errors_say_exactly_why(impl):
    _, server = open_pair(impl)
    with pytest.raises(ValueError, match=exactly("a ping payload is at most 125 bytes, got 126")):
        server.send_ping(b"x" * 126)
    with pytest.raises(ValueError, match=exactly("a pong payload is at most 125 bytes, got 127")):
        server.send_pong(b"x" * 127)
    with pytest.raises(ValueError, match=exactly("invalid close code 1005")):
        server.send_close(1005)
    with pytest.raises(ValueError, match=exactly("a close reason needs a close code")):
        server.send_close(None, "reason without code")


@pytest.mark.parametrize(
    ("payload", "code", "reason"),
    [
        (b"\x03", 1002, "close frame with a 1-byte payload"),
        (b"\x03\xe8\xff", 1007, "close reason is not valid UTF-8"),
    ],
)
def test_a_bad_close_frame_fails_with_its_reason(impl, payload, code, reason):
    conn = open_server(impl)
    events = conn.receive_data(frame(core.OP_CLOSE, payload))
    assert [(e.code, e.reason) for e in events if isinstance(e, core.ConnectionFailed)] == [(code, reason)]


def test_a_raw_frame_repeats_a_one_byte_payload_to_its_length(impl):
    _, server = open_pair(impl)
    assert server.raw_frame(core.OP_BINARY, b"a", payload_len=5) == frame(core.OP_BINARY, b"aaaaa", mask=None)


def test_reject_refusals_and_its_default_reason(impl):
    conn = core.ServerConnection(options(impl))
    with pytest.raises(
        core.InvalidStateError, match=exactly("reject() needs a received handshake; the connection is CONNECTING")
    ):
        conn.reject()
    conn.receive_data(request())
    assert conn.reject(599).endswith(b"\r\n\r\nrefused\n")  # a status with no name of its own


def test_a_client_sends_its_handshake_once_and_says_so(impl):
    client = core.ClientConnection("h", "/", options(impl))
    client.initiate()
    with pytest.raises(core.InvalidStateError, match=exactly("the opening handshake was already sent")):
        client.initiate()


def test_a_client_offers_deflate_in_the_header_as_written(impl):
    request_ = core.ClientConnection("h", "/", options(impl, deflate=DeflateOptions())).initiate()
    assert b"\r\nSec-WebSocket-Extensions: permessage-deflate" in request_


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda r: r.replace(b"Upgrade: websocket\r\n", b""), "response lacks 'Upgrade: websocket'"),
        (lambda r: r.replace(b"Connection: Upgrade\r\n", b""), "response lacks 'Connection: Upgrade'"),
        (
            lambda r: r.replace(b"Sec-WebSocket-Accept: ", b"Sec-WebSocket-Accept: x"),
            "wrong or missing Sec-WebSocket-Accept",
        ),
        (
            lambda r: r.replace(b"\r\n\r\n", b"\r\nSec-WebSocket-Extensions: x-foo\r\n\r\n"),
            "unacceptable Sec-WebSocket-Extensions: extension 'x-foo' was not offered",
        ),
    ],
)
def test_a_refused_response_says_exactly_why(impl, mutate, reason):
    client, server = _client_and_response(impl)
    [event] = client.receive_data(mutate(server.accept()))
    assert isinstance(event, core.HandshakeFailed) and event.reason == reason


def test_a_response_too_large_says_so(impl):
    client, _ = _client_and_response(impl)
    [event] = client.receive_data(b"HTTP/1.1 101 x\r\nX: " + b"a" * core._handshake.MAX_HANDSHAKE_SIZE)
    assert (event.status, event.reason) == (0, "handshake response too large")


# --- more of the core's observable details (mutation testing found them unchecked) ---


def test_a_new_connection_has_no_request_subprotocol_close_or_failure(impl):
    server = core.ServerConnection(options(impl))
    assert (server.peer, server.request, server.subprotocol, server.close_sent, server.failure) == (
        "",
        None,
        None,
        None,
        None,
    )
    client, server = open_pair(impl)
    assert client.subprotocol is None and server.subprotocol is None  # none offered, none chosen
    assert server.request.headers["host"] == "server.example.com"
    assert server.request.extensions == []


@pytest.mark.parametrize("kind", [bytearray, memoryview])
def test_feed_takes_any_bytes_like_input_and_keeps_its_own_copy(impl, kind):
    conn = open_server(impl)
    data = bytearray(frame(core.OP_TEXT, b"hello"))
    conn.feed(kind(data))
    data[:] = bytes(len(data))  # the caller reuses its buffer: what was fed must not change
    assert conn.next_event() == core.Message(b"hello", False)


def test_a_closed_connection_buffers_nothing_it_receives(impl):
    conn = open_server(impl)
    conn.receive_data(frame(core.OP_CLOSE, b"\x03\xe8"))
    assert conn.state == core.CLOSED
    conn.feed(frame(core.OP_TEXT, b"late") * 100)
    assert not conn.input_pending and conn.next_event() is None


def test_next_event_parses_within_a_budget_of_one_frame(impl):
    conn = open_server(impl, max_frames_per_receive=1)
    conn.feed(frame(core.OP_TEXT, b"a") + frame(core.OP_TEXT, b"b"))
    assert conn.next_event() == core.Message(b"a", False)
    assert conn.next_event() is None and conn.input_pending
    conn.feed(b"")
    assert conn.next_event() == core.Message(b"b", False)


@pytest.mark.parametrize(
    ("data", "status", "reason"),
    [
        (b"\r\n\r\n", 400, "malformed request line ''"),  # an empty request: refused, not awaited
        (b"GET / HTTP/1.1\r\nX: " + b"a" * (16 * 1024) + b"\r\n\r\n", 431, "opening handshake too large"),
    ],
)
def test_a_server_refuses_these_requests_saying_why(impl, data, status, reason):
    conn = core.ServerConnection(options(impl))
    [event] = conn.receive_data(data)
    assert isinstance(event, core.HandshakeFailed) and (event.status, event.reason) == (status, reason)


def test_too_much_early_data_is_refused_saying_why(impl):
    conn = core.ServerConnection(options(impl))
    conn.receive_data(request())
    events = conn.receive_data(b"\x00" * (core.MAX_EARLY_DATA + 1))
    assert [(e.status, e.reason) for e in events] == [(400, "too much data sent before the handshake completed")]


def test_the_old_sec_websocket_origin_header_is_read_as_the_origin(impl):
    conn = core.ServerConnection(options(impl))
    [event] = conn.receive_data(request("Sec-WebSocket-Origin: http://old.example\r\n"))
    assert event.request.origin == "http://old.example"


def test_accept_before_a_request_says_why(impl):
    with pytest.raises(
        core.InvalidStateError, match=exactly("accept() needs a received handshake; the connection is CONNECTING")
    ):
        core.ServerConnection(options(impl)).accept()


def test_a_negotiate_callback_gets_the_offers_and_its_answer_is_sent(impl):
    offers_seen = []

    def negotiate(offers):
        offers_seen.append(offers)
        return None

    conn = core.ServerConnection(options(impl, negotiate=negotiate))
    conn.receive_data(request("Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"))
    assert b"Sec-WebSocket-Extensions" not in conn.accept()
    assert offers_seen == [[("permessage-deflate", [("client_max_window_bits", None)])]]
    conn = core.ServerConnection(options(impl, deflate=DeflateOptions()))
    conn.receive_data(request("Sec-WebSocket-Extensions: permessage-deflate\r\n"))
    assert b"\r\nSec-WebSocket-Extensions: permessage-deflate" in conn.accept()


def test_proxy_phase_refusals_say_exactly_why(impl):
    plain = core.ClientConnection("h", "/", options(impl))
    with pytest.raises(
        core.InvalidStateError, match=exactly("no proxy tunnel to ask for: the connection is CONNECTING")
    ):
        plain.proxy_request()
    proxied = core.ClientConnection("h", "/", options(impl), proxy_target="a:1\r\nX: y")
    with pytest.raises(ValueError, match=exactly("invalid HTTP header 'Host': 'a:1\\r\\nX: y'")):
        proxied.proxy_request()
    proxied = core.ClientConnection("h", "/", options(impl), proxy_target="a:1")
    with pytest.raises(core.InvalidStateError, match=exactly("the proxy has not opened the tunnel yet")):
        proxied.initiate()
    [refused] = proxied.receive_data(b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n\r\n")
    assert (refused.status, refused.reason) == (
        407,
        "HTTP proxy refused the tunnel: 'HTTP/1.1 407 Proxy Authentication Required'",  # the status line only
    )
    with pytest.raises(
        core.InvalidStateError, match=exactly("cannot send the opening handshake: the connection is CLOSED")
    ):
        proxied.initiate()
