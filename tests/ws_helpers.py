"""Building blocks for the protocol tests: frames written by hand (independently of the
code under test), and connections already past the opening handshake."""

from __future__ import annotations

import struct
from typing import Any

from autobahn.websocket import sansio as core
from autobahn.websocket._deflate import DeflateOptions

SAMPLE_KEY = "dGhlIHNhbXBsZSBub25jZQ=="  # RFC 6455 §1.3
SAMPLE_ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
MASK = b"\x37\xfa\x21\x3d"


def xor(data: bytes, mask: bytes) -> bytes:
    return bytes(b ^ mask[i % 4] for i, b in enumerate(data))


def frame(
    opcode: int,
    payload: bytes = b"",
    fin: bool = True,
    rsv: int = 0,
    mask: bytes | None = MASK,
    length: int | None = None,
) -> bytes:
    """One frame; ``rsv`` is the 3 reserved bits (4 = RSV1); ``length`` overrides the
    announced payload length; ``mask=None`` sends it unmasked (as a server does)."""
    n = len(payload) if length is None else length
    first = (0x80 if fin else 0) | (rsv << 4) | opcode
    mbit = 0x80 if mask else 0
    if n < 126:
        header = bytes((first, mbit | n))
    elif n < 65536:
        header = bytes((first, mbit | 126)) + struct.pack("!H", n)
    else:
        header = bytes((first, mbit | 127)) + struct.pack("!Q", n)
    if mask:
        return header + mask + xor(payload, mask)
    return header + payload


def request(extra: str = "", key: str = SAMPLE_KEY, version: str = "13") -> bytes:
    return (
        "GET /chat?x=1 HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: {version}\r\n{extra}\r\n"
    ).encode()


def options(impl: Any, **kw: Any) -> core.ProtocolOptions:
    return core.ProtocolOptions(
        utf8_validator=impl.Utf8Validator, xor_masker=impl.XorMasker, frame_parser=impl.FrameParser, **kw
    )


def open_server(impl: Any, extra: str = "", **kw: Any) -> core.ServerConnection:
    """A server connection in state OPEN."""
    conn = core.ServerConnection(options(impl, **kw))
    events = conn.receive_data(request(extra))
    assert isinstance(events[0], core.RequestReceived), events
    conn.accept()
    assert conn.state == core.OPEN
    return conn


def open_pair(
    impl: Any, deflate: DeflateOptions | None = None, **kw: Any
) -> tuple[core.ClientConnection, core.ServerConnection]:
    """A client and a server that completed the handshake with each other."""
    client = core.ClientConnection("server.example.com", "/", options(impl, deflate=deflate, **kw))
    server = core.ServerConnection(options(impl, deflate=deflate, **kw))
    assert isinstance(server.receive_data(client.initiate())[0], core.RequestReceived)
    events = client.receive_data(server.accept())
    assert isinstance(events[0], core.ResponseReceived), events
    return client, server


def receive_all(conn: core.Connection, data: bytes) -> list[Any]:
    """``receive_data(data)``, then again as long as the frame budget left input pending."""
    events = conn.receive_data(data)
    while conn.input_pending:
        events += conn.receive_data()
    return events


def failed_code(events: list[Any]) -> int | None:
    """The close code of a ConnectionFailed among ``events`` (None if there is none)."""
    codes = [e.code for e in events if isinstance(e, core.ConnectionFailed)]
    assert len(codes) <= 1
    return codes[0] if codes else None


def close_code_sent(data: bytes) -> int | None:
    """The code in the (unmasked) close frame that ``data`` ends with."""
    assert data[0] == 0x88, data
    return struct.unpack("!H", data[2:4])[0] if data[1] >= 2 else None
