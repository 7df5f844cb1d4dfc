"""The frame parser twins (NVX's FrameParser, per kernel set, against the pure one) and the
bounds the protocol core keeps under hostile input: one buffer per message, a frame budget
per received chunk, handshake errors that can be read, deliberate default limits."""

from __future__ import annotations

import re

import pytest
from conftest import NVX_IMPLS, PY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ws_helpers import MASK, close_code_sent, failed_code, frame, open_pair, open_server, options, receive_all, request

from autobahn.websocket import sansio as core
from autobahn.websocket._deflate import DeflateOptions
from autobahn.websocket._frames_py import FrameParser as PyFrameParser

TWIN = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


# The native frame parser with each kernel set (nvx-cffi drives the pure parser: not a twin here).
_NATIVE_PARSERS = [i for i in NVX_IMPLS if i.kernels is not None]


@pytest.fixture(params=_NATIVE_PARSERS or [None], ids=[i.name for i in _NATIVE_PARSERS] or ["nvx"])
def nvx_impl(request):
    """Each NVX kernel set, selected while the test runs."""
    chosen = request.param
    if chosen is None:
        pytest.skip("NVX is not built into this installation")
    from autobahn import nvx

    previous = nvx.select_kernels(chosen.kernels)
    yield chosen
    nvx.select_kernels(previous)


def _run(parser, data: bytes, cuts: list[int], budgets: list[int]) -> list:
    """Feed ``data`` in pieces with varying budgets, recording every call's result."""
    trace = []
    pending = b""
    points = sorted({c % (len(data) + 1) for c in cuts} | {0, len(data)})
    for i, (start, end) in enumerate(zip(points, points[1:], strict=False)):
        pending += data[start:end]
        pos, frames, items = parser.parse(pending, 0, budgets[i % len(budgets)] if budgets else 1000)
        trace.append((pos, frames, [tuple(item) for item in items]))
        pending = pending[pos:]
    trace.append(("done", parser.done))
    return trace


def _frames() -> st.SearchStrategy[bytes]:
    text = st.text(max_size=40).map(lambda s: s.encode("utf-8"))
    blob = st.binary(max_size=300)
    opcode = st.sampled_from([0, 1, 2, 3, 8, 9, 10, 11])
    one = st.one_of(
        st.builds(lambda p: frame(core.OP_BINARY, p), blob),
        st.builds(lambda p: frame(core.OP_TEXT, p), text),
        st.builds(lambda p: frame(core.OP_TEXT, p), blob),  # mostly invalid UTF-8
        st.builds(lambda a, b: frame(core.OP_TEXT, a, fin=False) + frame(core.OP_PING) + frame(0, b), text, text),
        st.builds(
            lambda op, fin, rsv, p: frame(op, p, fin=fin, rsv=rsv), opcode, st.booleans(), st.integers(0, 7), blob
        ),
        st.builds(lambda p: frame(core.OP_CLOSE, p[:125]), blob),
        st.builds(lambda p: frame(core.OP_BINARY, p, mask=None), blob),
    )
    return st.lists(one, max_size=10).map(b"".join)


@TWIN
@given(
    data=st.one_of(_frames(), st.binary(max_size=1500)),
    cuts=st.lists(st.integers(0, 4000), max_size=8),
    budgets=st.lists(st.integers(0, 5), max_size=4),
    limit=st.sampled_from([0, 100, 1000]),
    rules=st.fixed_dictionaries(
        {"validate_utf8": st.booleans(), "accept_unmasked": st.booleans(), "accept_masked": st.booleans()}
    ),
)
def test_nvx_parser_is_the_twin_of_the_pure_one(nvx_impl, data, cuts, budgets, limit, rules):
    native = nvx_impl.FrameParser(True, limit, limit, **rules)
    pure = PyFrameParser(True, limit, limit, **rules)
    assert _run(native, data, cuts, budgets) == _run(pure, data, cuts, budgets)


@TWIN
@given(data=st.binary(max_size=600), cuts=st.lists(st.integers(0, 700), max_size=6), accept_masked=st.booleans())
def test_twins_agree_on_the_client_side(nvx_impl, data, cuts, accept_masked):
    unmasked = frame(core.OP_TEXT, b"hi", mask=None) + frame(core.OP_BINARY, b"masked") + data
    native = nvx_impl.FrameParser(False, 0, 0, accept_masked=accept_masked)
    pure = PyFrameParser(False, 0, 0, accept_masked=accept_masked)
    assert _run(native, unmasked, cuts, []) == _run(pure, unmasked, cuts, [])


def test_parse_rejects_a_position_beyond_the_data(impl):
    parser = impl.FrameParser(True, 0, 0)
    with pytest.raises(ValueError, match="beyond the end"):
        parser.parse(b"ab", 3, 10)
    with pytest.raises(TypeError):
        parser.parse("not bytes", 0, 10)


@pytest.mark.parametrize("small", [1, 2, 3, 10])
def test_a_masked_frame_in_large_and_small_pieces_is_unmasked_right(impl, small):
    """Large pieces of a frame are unmasked with a masker, small ones with integer XOR: after a
    small piece the masker must start again at the frame offset reached (mask bytes rotate)."""
    payload = bytes(range(256)) * 2
    data = frame(core.OP_BINARY, payload) + frame(core.OP_TEXT, payload.hex().encode(), fin=False) + frame(0, b"!")
    first = len(frame(core.OP_BINARY, payload)) - len(payload) + 100  # the header and 100 payload octets
    conn = open_server(impl)
    events = []
    for piece in (data[:first], data[first : first + small], data[first + small : first + small + 300]):
        events += conn.receive_data(piece)
    events += conn.receive_data(data[first + small + 300 :])
    assert events == [core.Message(payload, True), core.Message(payload.hex().encode() + b"!", False)]


# --- one buffer per message ---


def _fragments(n: int) -> bytes:
    """A binary message of ``n`` one-byte fragments (after an empty first frame)."""
    one = [frame(0, bytes((i,)), fin=False) for i in range(256)]
    return frame(core.OP_BINARY, b"", fin=False) + b"".join(one[i & 0xFF] for i in range(n))


def test_one_byte_fragments_cost_only_their_payload(impl):
    # PyPy has no tracemalloc (its GC does not trace allocations this way): CPython legs measure it.
    tracemalloc = pytest.importorskip("tracemalloc", reason="this interpreter has no tracemalloc")
    n = 50_000
    conn = open_server(impl, max_frames_per_receive=n + 10)
    data = _fragments(n)
    chunks = [data[i : i + 65536] for i in range(0, len(data), 65536)]
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        peak_buffer = 0
        for chunk in chunks:
            assert conn.receive_data(chunk) == []
            peak_buffer = max(peak_buffer, conn._parser.buffered())
        held = tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()
    # One buffer of about the payload (plus growth slack), no per-fragment objects. Python
    # allocations are traced (the pure buffer), NVX's buffer is measured by buffered().
    assert peak_buffer <= n + n // 8 + 64
    assert held <= n + n // 8 + 64 * 1024
    [message] = conn.receive_data(frame(0, b"!"))
    assert message == core.Message(bytes(i & 0xFF for i in range(n)) + b"!", True)


def test_the_frame_budget_bounds_one_call_and_keeps_order(impl):
    conn = open_server(impl, max_frames_per_receive=100)
    data = b"".join(frame(core.OP_BINARY, str(i).encode()) for i in range(250)) + frame(core.OP_PING, b"p")
    events = conn.receive_data(data)
    assert len(events) == 100 and conn.input_pending
    events += conn.receive_data()
    assert len(events) == 200 and conn.input_pending
    assert conn.data_to_send() == b""  # the ping is not parsed yet: no pong
    events += conn.receive_data()
    assert not conn.input_pending
    assert events == [core.Message(str(i).encode(), True) for i in range(250)] + [core.Ping(b"p")]
    assert conn.data_to_send() == b"\x8a\x01p"


def test_without_a_budget_one_call_parses_everything(impl):
    conn = open_server(impl)
    data = b"".join(frame(core.OP_BINARY, b"x") for _ in range(5000))
    assert len(conn.receive_data(data)) == 5000 and not conn.input_pending


def test_a_new_chunk_grants_a_new_budget(impl):
    conn = open_server(impl, max_frames_per_receive=2)
    data = b"".join(frame(core.OP_BINARY, b"x") for _ in range(3))
    assert len(conn.receive_data(data)) == 2
    assert len(conn.receive_data(frame(core.OP_BINARY, b"y"))) == 2  # the 3rd and the 4th
    assert conn.receive_data() == []
    assert not conn.input_pending


def test_replies_keep_event_order_though_the_parser_runs_ahead(impl):
    conn = open_server(impl)
    conn.feed(frame(core.OP_TEXT, b"echo me") + frame(core.OP_PING, b"p") + frame(core.OP_CLOSE, b"\x03\xe8"))
    assert conn.next_event() == core.Message(b"echo me", False)
    assert conn.data_to_send() == b""  # the pong waits until its ping is handed out
    echo = conn.send_message(b"echo me")
    assert conn.next_event() == core.Ping(b"p")
    assert conn.data_to_send() == b"\x8a\x01p"
    assert conn.next_event() == core.CloseReceived(1000, "")
    assert close_code_sent(conn.data_to_send()) == 1000
    assert echo == b"\x81\x07echo me"


def test_events_parsed_ahead_after_we_close(impl):
    conn = open_server(impl)
    conn.feed(frame(core.OP_TEXT, b"1") + frame(core.OP_TEXT, b"2") + frame(core.OP_PING))
    assert conn.next_event() == core.Message(b"1", False)
    conn.send_close(1000)
    # In CLOSING, messages are still delivered (the peer sent them before it saw our close);
    # pings get no pong (we sent our close).
    assert conn.next_event() == core.Message(b"2", False)
    assert conn.next_event() is None
    conn = open_server(impl)
    conn.feed(frame(core.OP_TEXT, b"1") + frame(core.OP_TEXT, b"2"))
    conn.next_event()
    conn.fail(core.CLOSE_POLICY_VIOLATION, "no")
    assert conn.next_event() == core.ConnectionFailed(1008, "no")
    assert conn.next_event() is None


# --- handshake errors a client can read ---


def test_oversized_handshake_in_one_burst_gets_a_readable_431(impl):
    conn = core.ServerConnection(options(impl))
    burst = b"GET / HTTP/1.1\r\nHost: a\r\nX-Padding: " + b"a" * 100_000  # never ends
    [event] = conn.receive_data(burst)
    assert event.status == 431
    answer = conn.data_to_send()
    assert answer.startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n")
    assert answer.endswith(b"\r\n\r\nopening handshake too large\n")
    assert conn.state == core.CLOSED
    assert conn.receive_data(b"more") == [] and conn.data_to_send() == b""


def test_malformed_handshake_with_frames_behind_gets_a_readable_400(impl):
    conn = core.ServerConnection(options(impl))
    [event] = conn.receive_data(b"\x16\x03\x01 not http\r\n\r\n" + frame(core.OP_TEXT, b"x") * 100)
    assert event.status == 400
    assert conn.data_to_send().startswith(b"HTTP/1.1 400 Bad Request\r\n")


# --- default limits ---


def test_default_limits_are_16_mib():
    opts = core.ProtocolOptions()
    assert opts.max_message_size == opts.max_frame_size == 16 * 1024 * 1024
    assert opts.max_frames_per_receive == 0  # no budget unless the caller resumes (see input_pending)
    assert core.DEFAULT_MAX_FRAMES_PER_RECEIVE == 1000


def test_default_limits_fail_at_the_header(impl):
    conn = open_server(impl)
    header = frame(core.OP_BINARY, b"", length=16 * 1024 * 1024 + 1)
    assert failed_code(conn.receive_data(header)) == 1009
    conn = open_server(impl)
    events = conn.receive_data(frame(core.OP_BINARY, b"", fin=False, length=16 * 1024 * 1024)[:14])
    assert events == []  # a frame of exactly the limit is fine
    assert failed_code(conn.receive_data(b"\0" * (16 * 1024 * 1024) + frame(0, b"x"))) == 1009


# --- streaming events ---


def _streaming_server(impl, **kw):
    return open_server(impl, streaming=True, **kw)


def test_streaming_events_of_a_fragmented_message(impl):
    conn = _streaming_server(impl)
    data = (
        frame(core.OP_TEXT, "hé".encode(), fin=False)
        + frame(core.OP_PING, b"p")
        + frame(0, b"", fin=False)
        + frame(0, b"!")
    )
    assert conn.receive_data(data) == [
        core.MessageBegin(False),
        core.FrameBegin(3),
        core.FrameData("hé".encode()),
        core.FrameEnd(),
        core.Ping(b"p"),
        core.FrameBegin(0),
        core.FrameEnd(),
        core.FrameBegin(1),
        core.FrameData(b"!"),
        core.FrameEnd(),
        core.MessageEnd(),
    ]


def test_streaming_data_arrives_as_it_comes(impl):
    conn = _streaming_server(impl)
    data = frame(core.OP_BINARY, bytes(range(200)))
    assert conn.receive_data(data[:108]) == [
        core.MessageBegin(True),
        core.FrameBegin(200),
        core.FrameData(bytes(range(100))),
    ]
    assert conn.receive_data(data[108:]) == [core.FrameData(bytes(range(100, 200))), core.FrameEnd(), core.MessageEnd()]


def test_streaming_checks_utf8_as_data_streams_in(impl):
    conn = _streaming_server(impl)
    data = frame(core.OP_TEXT, b"caf\xc3", fin=False) + frame(0, b"\xa9 ok", fin=False)
    events = conn.receive_data(data)
    assert [e.payload for e in events if isinstance(e, core.FrameData)] == [b"caf\xc3", b"\xa9 ok"]
    events = conn.receive_data(frame(0, b"bad \xff"))
    assert events == [core.FrameBegin(5), core.ConnectionFailed(1007, "invalid UTF-8 in a text message")]
    conn = _streaming_server(impl)
    events = conn.receive_data(frame(core.OP_TEXT, b"caf\xc3"))
    assert events[-1] == core.ConnectionFailed(1007, "text message ends inside a UTF-8 sequence")


def test_streaming_limits(impl):
    conn = _streaming_server(impl, max_message_size=10)
    events = conn.receive_data(frame(core.OP_BINARY, b"123456", fin=False) + frame(0, b"12345"))
    assert failed_code(events) == 1009


def test_streaming_with_permessage_deflate(impl):
    client, server = open_pair(impl, deflate=DeflateOptions(), streaming=True)
    text = "compressible " * 500
    wire = client.send_message(text, fragment_size=100)
    events = receive_all(server, wire)
    assert events[0] == core.MessageBegin(False) and events[-1] == core.MessageEnd()
    begins = [e.length for e in events if isinstance(e, core.FrameBegin)]
    assert sum(begins) < len(text) // 4  # wire (compressed) lengths
    assert b"".join(e.payload for e in events if isinstance(e, core.FrameData)) == text.encode()


def test_streaming_client_receives_unmasked_frames(impl):
    client, server = open_pair(impl, streaming=True)
    events = client.receive_data(server.send_message(b"abc", True))
    assert events == [
        core.MessageBegin(True),
        core.FrameBegin(3),
        core.FrameData(b"abc"),
        core.FrameEnd(),
        core.MessageEnd(),
    ]


# --- the frame header builder ---


@pytest.mark.parametrize("length", [0, 1, 125, 126, 65535, 65536, 1 << 40])
def test_frame_header_matches_an_independent_encoder(length):
    assert core.frame_header(core.OP_BINARY, length) == frame(core.OP_BINARY, b"", mask=None, length=length)
    masked = core.frame_header(core.OP_TEXT, length, fin=False, rsv1=True, mask=MASK)
    assert masked == frame(core.OP_TEXT, b"", fin=False, rsv=4, length=length)[: len(masked)]


def test_frame_header_rejects_bad_arguments():
    with pytest.raises(ValueError, match="4 bytes"):
        core.frame_header(core.OP_TEXT, 1, mask=b"abc")
    with pytest.raises(ValueError, match="length"):
        core.frame_header(core.OP_TEXT, -1)


def test_request_helper_is_a_valid_handshake():
    # Guards the helper the tests above build on.
    assert isinstance(core.ServerConnection(options(PY)).receive_data(request())[0], core.RequestReceived)


# --- the send path: one frame in one call ---


@pytest.mark.parametrize("length", [0, 1, 125, 126, 65535, 65536, 70001])
@pytest.mark.parametrize("mask", [None, MASK])
def test_frame_is_header_and_masked_payload(impl, length, mask):
    payload = bytes(i * 7 & 0xFF for i in range(length))
    expected = frame(core.OP_BINARY, payload, fin=False, rsv=4, mask=mask)
    assert impl.FrameParser.frame(core.OP_BINARY, payload, False, True, mask) == expected
    view = memoryview(b"xx" + payload)[2:]
    assert impl.FrameParser.frame(core.OP_BINARY, view, False, True, mask) == expected
    assert impl.FrameParser.frame(core.OP_BINARY, bytearray(payload), False, True, mask) == expected


def test_frame_argument_errors(impl):
    with pytest.raises(ValueError, match="exactly 4 bytes"):
        impl.FrameParser.frame(core.OP_TEXT, b"x", True, False, b"abc")
    with pytest.raises(ValueError, match="invalid opcode"):
        impl.FrameParser.frame(16, b"x")
    with pytest.raises(TypeError):
        impl.FrameParser.frame(core.OP_TEXT, "str is not bytes")


def test_other_validator_or_masker_classes_take_the_pure_parser(impl):
    conn = open_server(impl)
    conn.receive_data(frame(core.OP_TEXT, b"x"))
    assert type(conn._parser) is impl.FrameParser
    opts = core.ProtocolOptions(utf8_validator=PY.Utf8Validator)
    conn = core.ServerConnection(opts)
    conn.receive_data(request())
    conn.accept()
    assert conn.receive_data(frame(core.OP_TEXT, b"x")) == [core.Message(b"x", False)]
    assert type(conn._parser) is PyFrameParser


def test_an_incomplete_header_is_not_input_pending(impl):
    conn = open_server(impl, max_frames_per_receive=2)
    data = b"".join(frame(core.OP_BINARY, b"x") for _ in range(2)) + frame(core.OP_BINARY, b"y")[:3]
    assert len(conn.receive_data(data)) == 2
    assert conn.input_pending  # the budget ran out: perhaps more frames follow
    assert conn.receive_data() == []
    assert not conn.input_pending  # only the start of a header waits: more bytes must come


def test_the_switch_selects_the_frame_parser():
    from autobahn.websocket import USES_NVX
    from autobahn.websocket.frameparser import FrameParser

    if USES_NVX:
        from autobahn import nvx

        assert FrameParser is nvx.FrameParser
    else:
        assert FrameParser is PyFrameParser
    assert core.ProtocolOptions().frame_parser is FrameParser


# --- the parser's rules one by one (the cases mutation testing found unchecked) ---


def _failure(events: list) -> tuple[int, str] | None:
    failures = [(e.code, e.reason) for e in events if isinstance(e, core.ConnectionFailed)]
    assert len(failures) <= 1
    return failures[0] if failures else None


_TOP_BIT_LENGTH = bytes([0x82, 0x80 | 127]) + (1 << 63).to_bytes(8, "big") + MASK


@pytest.mark.parametrize(
    ("data", "deflate", "reason"),
    [
        (_TOP_BIT_LENGTH, False, "64-bit payload length with the top bit set"),
        (frame(core.OP_TEXT, b"x", rsv=2), False, "reserved bits RSV2/RSV3 set"),
        (frame(core.OP_PING, b"", fin=False), False, "fragmented control frame"),
        (frame(0, b"x"), False, "continuation frame without a message to continue"),
        (frame(core.OP_PING, b"x", rsv=4), True, "RSV1 set on a control frame"),
        (frame(core.OP_BINARY, b"a", fin=False) + frame(0, b"x", rsv=4), True, "RSV1 set on a continuation frame"),
        (
            frame(core.OP_TEXT, b"a", fin=False) + frame(core.OP_TEXT, b"b"),
            False,
            "new data message before the previous one ended",
        ),
        (frame(core.OP_TEXT, b"x", rsv=4), False, "RSV1 set but no extension negotiated"),
        (frame(core.OP_TEXT, b"x", mask=None), False, "unmasked frame from the client"),
    ],
)
def test_each_protocol_error_fails_with_1002_and_its_reason(impl, data, deflate, reason):
    _, server = open_pair(impl, deflate=DeflateOptions() if deflate else None)
    assert _failure(server.receive_data(data)) == (1002, reason)


def test_a_continuation_after_a_streamed_message_fails(impl):
    conn = _streaming_server(impl)
    conn.receive_data(frame(core.OP_TEXT, b"a"))
    assert _failure(conn.receive_data(frame(0, b"b"))) == (1002, "continuation frame without a message to continue")


def test_an_empty_text_message_is_a_message(impl):
    assert open_server(impl).receive_data(frame(core.OP_TEXT, b"")) == [core.Message(b"", False)]


def test_frames_from_a_server_split_at_every_point(impl):
    """Unmasked frames as a client receives them: a read may start inside a payload and end in
    the next frame."""
    data = frame(core.OP_BINARY, bytes(range(200)), mask=None) + frame(core.OP_TEXT, b"next", mask=None)
    for cut in range(1, len(data)):
        client, _ = open_pair(impl)
        events = client.receive_data(data[:cut]) + client.receive_data(data[cut:])
        assert events == [core.Message(bytes(range(200)), True), core.Message(b"next", False)], cut


def test_a_ping_split_at_every_point_is_one_ping(impl):
    data = frame(core.OP_PING, b"0123456789")
    for cut in range(1, len(data)):
        conn = open_server(impl)
        assert conn.receive_data(data[:cut]) + conn.receive_data(data[cut:]) == [core.Ping(b"0123456789")], cut


@pytest.mark.parametrize("streaming", [False, True])
@pytest.mark.parametrize("size", [40, 100])  # at most 64 octets (unmasked as integers) and more (in place)
def test_the_message_limit_counts_every_fragment(impl, size, streaming):
    conn = open_server(impl, max_message_size=3 * size - 1, streaming=streaming)
    data = frame(core.OP_BINARY, b"a" * size, fin=False) + frame(0, b"b" * size, fin=False)
    assert _failure(conn.receive_data(data)) is None
    assert _failure(conn.receive_data(frame(0, b"c" * size))) == (
        1009,
        f"message of {3 * size}+ bytes exceeds the limit of {3 * size - 1}",
    )


def test_invalid_utf8_in_a_large_later_fragment_fails(impl):
    conn = open_server(impl)
    data = frame(core.OP_TEXT, b"a" * 10, fin=False) + frame(0, b"a" * 100 + b"\xff")
    assert _failure(conn.receive_data(data)) == (1007, "invalid UTF-8 in a text message")


def test_the_parser_stops_after_a_close_and_after_failing(impl):
    close = frame(core.OP_CLOSE, b"\x03\xe8")
    parser = impl.FrameParser(True, 0, 0)
    data = close + frame(core.OP_TEXT, b"after")
    assert parser.parse(data, 0, 10) == (len(data), 1, [(core.OP_CLOSE, b"\x03\xe8")])
    assert parser.done
    parser = impl.FrameParser(True, 0, 0)
    parser.parse(frame(core.OP_BINARY, b"x" * 100, fin=False), 0, 10)
    assert parser.buffered() >= 100
    data = frame(core.OP_TEXT, b"x", rsv=2)
    assert parser.parse(data, 0, 10) == (len(data), 0, [(0x20, 1002, "reserved bits RSV2/RSV3 set")])
    # The message being assembled is let go (an empty bytearray holds 1 byte on PyPy, 0 on CPython).
    assert parser.buffered() <= 1


def test_frame_defaults_and_header_edges(impl):
    assert impl.FrameParser.frame(core.OP_TEXT, b"x") == b"\x81\x01x"  # final, no RSV1, unmasked
    assert core.frame_header(0xF, 0) == b"\x8f\x00"  # the highest opcode (reserved, but a raw frame may use it)
    assert core.frame_header(core.OP_BINARY, (1 << 63) - 1) == b"\x82\x7f" + ((1 << 63) - 1).to_bytes(8, "big")
    with pytest.raises(ValueError, match="length"):
        core.frame_header(core.OP_BINARY, 1 << 63)
    with pytest.raises(TypeError, match="^FrameParser.frame\\(\\) needs"):
        impl.FrameParser.frame(core.OP_TEXT, 12)


def test_a_parser_made_with_the_defaults(impl):
    """Validating, not streaming, each side insisting on the masking RFC 6455 5.1 requires."""
    server = impl.FrameParser(True, 0, 0)
    assert server.parse(frame(core.OP_TEXT, b"ok"), 0, 10)[2] == [(core.OP_TEXT, b"ok")]
    assert server.parse(frame(core.OP_TEXT, b"\xff"), 0, 10)[2] == [(0x20, 1007, "invalid UTF-8 in a text message")]
    server = impl.FrameParser(True, 0, 0)
    assert server.parse(frame(core.OP_TEXT, b"x", mask=None), 0, 10)[2] == [
        (0x20, 1002, "unmasked frame from the client")
    ]
    client = impl.FrameParser(False, 0, 0)
    assert client.parse(frame(core.OP_TEXT, b"x"), 0, 10)[2] == [(0x20, 1002, "masked frame from the server")]


def test_parse_takes_a_position_at_the_end_and_says_exactly_what_it_needs(impl):
    parser = impl.FrameParser(True, 0, 0)
    assert parser.parse(b"ab", 2, 10) == (2, 0, [])
    needs = "needs a C-contiguous bytes-like object (bytes, bytearray, memoryview), not str"
    with pytest.raises(TypeError, match="^" + re.escape(f"FrameParser.parse() {needs}") + "$"):
        parser.parse("text", 0, 10)
    close = frame(core.OP_CLOSE)
    parser.parse(close, 0, 10)
    assert parser.parse(b"more", 0, 10) == (4, 0, [])  # done: the rest is consumed, no frame counted
