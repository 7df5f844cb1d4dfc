"""The sans-IO protocol core (RFC 6455), on every implementation of the hot path."""

from __future__ import annotations

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
)

from autobahn.websocket import sansio as core

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

    conn.dispatch(on_message, events.append, lambda data: None)
    assert messages == [b"a"]
    assert events == [core.ConnectionFailed(1003, "no thanks")]


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
