"""Random and mutated byte streams into the protocol core: no exception other than a
protocol close, and memory bounded by the limits (no deadline: a loaded machine is not a bug;
see tests/conftest.py)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ws_helpers import frame, open_pair, open_server, options

from autobahn.websocket import sansio as core
from autobahn.websocket._deflate import DeflateOptions

LIMIT = 4096
FAIL_CODES = {1002, 1007, 1009}
FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


def _feed_in_chunks(conn: core.Connection, data: bytes, cuts: list[int]) -> list[core.Event]:
    events: list[core.Event] = []
    points = sorted({c % (len(data) + 1) for c in cuts} | {0, len(data)})
    for start, end in zip(points, points[1:], strict=False):
        events += conn.receive_data(data[start:end])
        # Memory stays bounded: what is kept of a message never exceeds the limit (plus the
        # growth slack of its one buffer).
        if conn._parser is not None:
            assert conn._parser.buffered() <= LIMIT + LIMIT // 8 + 64
    return events


def _check(conn: core.Connection, events: list[core.Event]) -> None:
    for i, event in enumerate(events):
        assert isinstance(event, core.Message | core.Ping | core.Pong | core.CloseReceived | core.ConnectionFailed)
        if isinstance(event, core.ConnectionFailed | core.CloseReceived):
            assert i == len(events) - 1  # nothing after the end
            assert conn.state == core.CLOSED
        if isinstance(event, core.ConnectionFailed):
            assert event.code in FAIL_CODES
        if isinstance(event, core.Message) and not event.is_binary:
            event.payload.decode("utf-8")  # text messages delivered are valid UTF-8
    conn.data_to_send()


def _valid_frames() -> st.SearchStrategy[bytes]:
    payload = st.binary(max_size=300)
    text = st.text(max_size=100).map(lambda s: s.encode("utf-8"))
    one = st.one_of(
        st.builds(lambda p: frame(core.OP_BINARY, p), payload),
        st.builds(lambda p: frame(core.OP_TEXT, p), text),
        st.builds(lambda p: frame(core.OP_PING, p[:125]), payload),
        st.builds(lambda p: frame(core.OP_PONG, p[:125]), payload),
        st.builds(lambda a, b: frame(core.OP_TEXT, a, fin=False) + frame(core.OP_PING) + frame(0, b), text, text),
    )
    return st.lists(one, max_size=8).map(b"".join)


@FUZZ
@given(data=st.binary(max_size=2000), cuts=st.lists(st.integers(0, 2000), max_size=10))
def test_random_bytes_into_a_server(impl, data, cuts):
    conn = open_server(impl, max_message_size=LIMIT, max_frame_size=LIMIT)
    _check(conn, _feed_in_chunks(conn, data, cuts))


@FUZZ
@given(data=st.binary(max_size=2000), cuts=st.lists(st.integers(0, 2000), max_size=10))
def test_random_bytes_into_a_client(impl, data, cuts):
    client, _ = open_pair(impl, max_message_size=LIMIT, max_frame_size=LIMIT)
    _check(client, _feed_in_chunks(client, data, cuts))


@FUZZ
@given(
    stream=_valid_frames(),
    flips=st.lists(st.tuples(st.integers(0, 10_000), st.integers(1, 255)), max_size=4),
    cuts=st.lists(st.integers(0, 3000), max_size=10),
)
def test_mutated_streams(impl, stream, flips, cuts):
    data = bytearray(stream)
    for where, bits in flips:
        if data:
            data[where % len(data)] ^= bits
    conn = open_server(
        impl,
        "Sec-WebSocket-Extensions: permessage-deflate\r\n",
        deflate=DeflateOptions(),
        max_message_size=LIMIT,
        max_frame_size=LIMIT,
    )
    _check(conn, _feed_in_chunks(conn, bytes(data), cuts))


@FUZZ
@given(stream=_valid_frames(), cuts=st.lists(st.integers(0, 3000), max_size=10))
def test_valid_streams_produce_no_failure(impl, stream, cuts):
    conn = open_server(impl, max_message_size=LIMIT, max_frame_size=LIMIT)
    events = _feed_in_chunks(conn, stream, cuts)
    _check(conn, events)
    assert not any(isinstance(e, core.ConnectionFailed) for e in events)


@FUZZ
@given(data=st.binary(max_size=500))
def test_random_handshakes(impl, data):
    conn = core.ServerConnection(options(impl))
    events = conn.receive_data(b"GET / HTTP/1.1\r\n" + data + b"\r\n\r\n")
    assert len(events) == 1
    assert isinstance(events[0], core.RequestReceived | core.HandshakeFailed)
    if isinstance(events[0], core.HandshakeFailed):
        assert conn.data_to_send().startswith(f"HTTP/1.1 {events[0].status} ".encode())


@FUZZ
@given(data=st.binary(max_size=500), cuts=st.lists(st.integers(0, 600), max_size=5))
def test_random_handshake_responses(impl, data, cuts):
    client = core.ClientConnection("h", "/", options(impl, deflate=DeflateOptions(), protocols=["a"]))
    client.initiate()
    raw = b"HTTP/1.1 101 Switching Protocols\r\n" + data + b"\r\n\r\n"
    events = _feed_in_chunks(client, raw, cuts)
    assert events and isinstance(events[0], core.ResponseReceived | core.HandshakeFailed)
    if isinstance(events[0], core.HandshakeFailed):
        assert client.state == core.CLOSED and len(events) == 1
    else:
        _check(client, events[1:])
