"""WAMP-RawSocket without I/O (autobahn.rawsocket.sansio) and its URLs: handshake, framing, and every
way a peer can get it wrong."""

from __future__ import annotations

import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autobahn.rawsocket import sansio
from autobahn.rawsocket.util import create_url, parse_url


def pair(serializer=2, client_max=sansio.MAX_LENGTH, server_max=sansio.MAX_LENGTH):
    client = sansio.ClientConnection(serializer, client_max)
    server = sansio.ServerConnection({1, 2, 3, 4}, server_max)
    (event,) = server.receive_data(client.initiate())
    assert event == sansio.HandshakeDone(serializer, 2 ** (9 + sansio.length_exponent(client_max)))
    (event,) = client.receive_data(server.data_to_send())
    assert event == sansio.HandshakeDone(serializer, 2 ** (9 + sansio.length_exponent(server_max)))
    assert client.peer_max_length == event.peer_max_length
    assert client.serializer_id == server.serializer_id == serializer
    return client, server


def test_a_new_connection_has_no_handshake_serializer_or_failure_yet():
    for conn in (sansio.ClientConnection(3), sansio.ServerConnection({3})):
        assert conn.handshake_done is False and conn.failed is False
        assert conn.serializer_id is None
        assert conn.peer_max_length == sansio.MAX_LENGTH  # until the peer's handshake says less


def test_handshake_octets():
    client = sansio.ClientConnection(3, 2**24)
    assert client.initiate() == bytes([0x7F, 0xF3, 0, 0])  # L=15 (2**24), serializer 3 (CBOR)
    assert sansio.ClientConnection(1, 512).initiate() == bytes([0x7F, 0x01, 0, 0])
    assert sansio.length_exponent(513) == 1 and sansio.length_exponent(2**20) == 11


def test_messages_both_ways_in_any_chunking():
    client, server = pair()
    frames = client.send_message(b"hello") + client.send_message(b"") + client.send_message(bytes(70000))
    events = []
    for i in range(0, len(frames), 7):  # odd chunks split headers and payloads
        events += server.receive_data(frames[i : i + 7])
    assert events == [
        sansio.MessageReceived(b"hello"),
        sansio.MessageReceived(b""),
        sansio.MessageReceived(bytes(70000)),
    ]
    assert client.receive_data(server.send_message(b"back")) == [sansio.MessageReceived(b"back")]


def test_every_split_into_two_reads_gives_the_same_messages():
    # A one-octet message of 0x00 before a 300-octet one: its header's tail and payload look like a
    # header of a 256-octet frame, should a read that starts inside a header be parsed from its start.
    client, _ = pair()
    frames = client.send_message(b"\x00") + client.send_message(bytes(300)) + client.send_message(b"end")
    for split in range(len(frames) + 1):
        _, server = pair()
        events = server.receive_data(frames[:split]) + server.receive_data(frames[split:])
        assert events == [sansio.MessageReceived(m) for m in (b"\x00", bytes(300), b"end")], split


def test_ping_is_answered_with_pong():
    client, server = pair()
    assert server.receive_data(client.send_ping(b"abc")) == []
    assert client.receive_data(server.data_to_send()) == [sansio.PongReceived(b"abc")]


def _independent_header(frame_type: int, length: int) -> bytes:
    """The 4-octet frame header from the spec's layout: the type octet, then a 24-bit big-endian length."""
    return struct.pack(">B", frame_type) + struct.pack(">I", length)[1:]


# Each length octet different and non-zero from 256 on, so that no octet can come from a neighbour.
@pytest.mark.parametrize("length", [0, 1, 255, 256, 0x0102, 0x010203, 0x0FFEFD])
def test_frame_headers_match_an_independent_encoder(length):
    client, server = pair()
    payload = bytes(range(256)) * (length // 256) + bytes(length % 256)
    message = client.send_message(payload)
    assert message[:4] == _independent_header(sansio.FRAME_MESSAGE, length) and message[4:] == payload
    ping = client.send_ping(payload)
    assert ping[:4] == _independent_header(sansio.FRAME_PING, length) and ping[4:] == payload
    assert server.receive_data(message + ping) == [sansio.MessageReceived(payload)]
    pong = server.data_to_send()
    assert pong[:4] == _independent_header(sansio.FRAME_PONG, length) and pong[4:] == payload
    assert client.receive_data(pong) == [sansio.PongReceived(payload)]


def test_our_frames_wait_behind_a_pong_being_streamed():
    """A pong is sent as its ping's payload arrives; what we send meanwhile follows it, in order."""
    client, server = pair()
    ping = client.send_ping(b"0123456789")
    assert server.receive_data(ping[:7]) == []  # the header and 3 of the 10 payload octets
    assert server.answering_ping and server.output_pending
    assert server.send_message(b"m") == b"" and server.send_ping(b"p") == b""
    first = server.data_to_send()
    assert first == _independent_header(sansio.FRAME_PONG, 10) + b"012"
    assert not server.output_pending and server.data_to_send() == b""
    assert server.receive_data(ping[7:]) == []
    assert not server.answering_ping
    queued = server.data_to_send()
    ours = _independent_header(sansio.FRAME_MESSAGE, 1) + b"m" + _independent_header(sansio.FRAME_PING, 1) + b"p"
    assert queued == b"3456789" + ours
    assert client.receive_data(first + queued) == [sansio.PongReceived(b"0123456789"), sansio.MessageReceived(b"m")]
    assert client.data_to_send() == _independent_header(sansio.FRAME_PONG, 1) + b"p"
    assert server.send_message(b"now") == _independent_header(sansio.FRAME_MESSAGE, 3) + b"now"


def test_an_empty_ping_gets_an_empty_pong():
    client, server = pair()
    assert server.receive_data(client.send_ping() + client.send_message(b"after")) == [sansio.MessageReceived(b"after")]
    assert not server.answering_ping
    assert client.receive_data(server.data_to_send()) == [sansio.PongReceived(b"")]


@pytest.mark.parametrize("chunk", [1, 3, 600])
def test_a_frame_of_exactly_the_announced_maximum_is_accepted(chunk):
    client, server = pair(server_max=512)
    frames = client.send_message(bytes(512)) + client.send_ping(bytes(512)) + client.send_message(b"x")
    events = []
    for i in range(0, len(frames), chunk):
        events += server.receive_data(frames[i : i + chunk])
    assert events == [sansio.MessageReceived(bytes(512)), sansio.MessageReceived(b"x")]
    assert server.data_to_send() == _independent_header(sansio.FRAME_PONG, 512) + bytes(512)


@pytest.mark.parametrize(
    ("octets", "error", "text"),
    [
        (bytes([0x7F, 0xF7, 0, 0]), sansio.ERROR_SERIALIZER_UNSUPPORTED, "client asked for unsupported serializer 7"),
        (bytes([0x7F, 0xF2, 1, 0]), sansio.ERROR_RESERVED_BITS, "reserved octets set in the client's handshake"),
    ],
)
def test_server_refuses_bad_handshakes_with_error_reply(octets, error, text):
    server = sansio.ServerConnection({1, 2})
    (event,) = server.receive_data(octets)
    assert isinstance(event, sansio.Failed) and (event.handshake_error, event.reason) == (error, text)
    assert server.data_to_send() == bytes([0x7F, error << 4, 0, 0])
    assert server.receive_data(b"more") == []  # nothing after failing


def test_server_drops_non_rawsocket_clients_silently():
    server = sansio.ServerConnection({1})
    (event,) = server.receive_data(b"GET / HTTP/1.1\r\n")
    assert isinstance(event, sansio.Failed) and server.data_to_send() == b""
    assert "invalid magic octet 0x47" in event.reason  # the "G" of GET


@pytest.mark.parametrize(
    ("reply", "text"),
    [
        (bytes([0x7F, 0x10, 0, 0]), "server refused the handshake: serializer unsupported"),
        (bytes([0x7F, 0x40, 0, 0]), "server refused the handshake: maximum connection count reached"),
        (bytes([0x7F, 0x90, 0, 0]), "server refused the handshake: unknown error 9"),
        (bytes([0x7E, 0xF2, 0, 0]), "invalid magic octet 0x7e in the server's handshake"),
        (bytes([0x7F, 0xF1, 0, 0]), "server answered with serializer 1, not the requested 2"),
        (bytes([0x7F, 0xF2, 0, 9]), "reserved octets set in the server's handshake"),
        (bytes([0x7F, 0xF2, 9, 0]), "reserved octets set in the server's handshake"),
    ],
)
def test_client_fails_on_bad_server_handshake(reply, text):
    client = sansio.ClientConnection(2)
    client.initiate()
    (event,) = client.receive_data(reply)
    assert isinstance(event, sansio.Failed) and event.reason == text
    # the error code, when the server sent one (serializer octet 0: the upper 4 bits are the error)
    assert event.handshake_error == (reply[1] >> 4 if reply[0] == 0x7F and reply[1] & 0x0F == 0 else None)


@pytest.mark.parametrize(
    ("header", "text"),
    [
        (bytes([0x08, 0, 0, 1]), "reserved bits"),
        (bytes([0x03, 0, 0, 1]), "unknown frame type"),
        (bytes([0x00, 0x01, 0, 1]), "exceeds the announced maximum"),  # 65537 > 65536
    ],
)
def test_bad_frames_fail_the_connection(header, text):
    client, server = pair(server_max=2**16)
    # nothing after the bad header is parsed, not even what came in the same read
    events = server.receive_data(client.send_message(b"ok") + header + b"x" + client.send_message(b"same read"))
    ok, failed = events
    assert ok == sansio.MessageReceived(b"ok")
    assert isinstance(failed, sansio.Failed) and text in failed.reason
    assert server.receive_data(client.send_message(b"later")) == []


def test_oversized_frame_fails_before_its_payload_arrives():
    """The length is checked from the header alone: no buffering of a 16 MiB frame to find out."""
    _, server = pair(server_max=2**16)
    (event,) = server.receive_data(bytes([0, 0xFF, 0xFF, 0xFF]))
    assert isinstance(event, sansio.Failed)


def test_oversized_frame_fails_though_its_payload_and_more_came_in_the_same_read():
    client, server = pair(server_max=2**16)
    data = bytes([0, 0x01, 0, 1]) + bytes(65537) + client.send_message(b"after")
    (event,) = server.receive_data(data)
    assert isinstance(event, sansio.Failed)


@pytest.mark.parametrize("kind", [bytearray, memoryview])
def test_any_bytes_like_input_gives_bytes_payloads(kind):
    client, server = pair()
    frames = client.send_message(b"one") + client.send_message(b"two") + client.send_ping(b"p")
    events = server.receive_data(kind(frames))
    assert events == [sansio.MessageReceived(b"one"), sansio.MessageReceived(b"two")]
    assert all(type(event.payload) is bytes for event in events)
    assert server.receive(kind(client.send_message(b"three"))) == [b"three"]


def test_sending_more_than_the_peer_accepts_raises():
    client, _ = pair(client_max=512)  # the server accepts 2**24; the client 512
    _, server = pair(client_max=512)
    with pytest.raises(ValueError, match="message of 513 octets exceeds the peer's maximum 512"):
        server.send_message(bytes(513))
    with pytest.raises(ValueError, match="ping of 513 octets exceeds the peer's maximum 512"):
        server.send_ping(bytes(513))
    assert client.send_message(bytes(2**20))  # the server announced 2**24


@given(st.binary(max_size=64))
def test_random_bytes_after_handshake_never_raise(data):
    _, server = pair()
    events = server.receive_data(data)
    assert all(isinstance(e, (sansio.MessageReceived, sansio.PongReceived, sansio.Failed)) for e in events)


def test_length_limits_are_checked():
    with pytest.raises(ValueError, match=r"must be in \[512, 2\*\*24\], not 511"):
        sansio.length_exponent(511)
    with pytest.raises(ValueError):
        sansio.ClientConnection(2, 2**24 + 1)
    with pytest.raises(ValueError):
        sansio.ClientConnection(0)
    with pytest.raises(ValueError, match="serializer id must be in 1..15, not 16"):
        sansio.ClientConnection(16)  # the serializer is a 4-bit field
    assert sansio.ClientConnection(15, 2**24).initiate() == bytes([0x7F, 0xFF, 0, 0])


def test_urls():
    assert create_url("localhost", 8080) == "rs://localhost:8080"
    assert create_url("example.com", isSecure=True) == "rss://example.com:443"
    assert create_url("unix", "/tmp/s.sock") == "rs://unix:/tmp/s.sock"
    assert parse_url("rs://localhost:8080") == (False, "localhost", 8080)
    assert parse_url("rss://example.com") == (True, "example.com", 443)
    assert parse_url("rs://unix:/tmp/s.sock") == (False, "unix", "/tmp/s.sock")
    for bad in ("ws://x:1", "rs://x:1/path", "rs://x:1?q=1", "rs://unix:"):
        with pytest.raises(Exception, match="^invalid RawSocket URL: "):  # plain Exception, as in autobahn
            parse_url(bad)
