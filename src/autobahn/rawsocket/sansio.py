"""WAMP-RawSocket without I/O: bytes in, events out (the framework modules only move bytes).

The protocol (WAMP spec, "RawSocket Transport"):

- the client opens with four octets ``0x7F, L<<4 | S, 0, 0``: S is the serializer
  (1 JSON, 2 MessagePack, 3 CBOR, 4 UBJSON, 5 FlatBuffers) and ``2**(9+L)`` the longest message
  it accepts; the server answers the same way with its own L, or with ``0x7F, E<<4, 0, 0``
  naming an error E (:data:`HANDSHAKE_ERRORS`) and closes;
- then each message is a 4-octet header (5 reserved bits that must be zero, a 3-bit frame type:
  0 message, 1 ping, 2 pong; a 24-bit big-endian length) and its payload. Pings are answered
  with a pong carrying the same payload.

Every violation (a wrong magic octet, reserved bits, an unknown frame type, a frame longer than
we announced) is a :class:`Failed` event, after which the connection must be closed.
"""

from __future__ import annotations

import dataclasses

MAGIC = 0x7F
MAX_LENGTH = 2**24  # the longest a 24-bit length field allows (exponent 15)
FRAME_MESSAGE, FRAME_PING, FRAME_PONG = 0, 1, 2

ERROR_SERIALIZER_UNSUPPORTED = 1
ERROR_MAX_LENGTH_UNACCEPTABLE = 2
ERROR_RESERVED_BITS = 3
ERROR_MAX_CONNECTIONS = 4
HANDSHAKE_ERRORS = {
    0: "illegal (must not be used)",
    ERROR_SERIALIZER_UNSUPPORTED: "serializer unsupported",
    ERROR_MAX_LENGTH_UNACCEPTABLE: "maximum message length unacceptable",
    ERROR_RESERVED_BITS: "use of reserved bits (unsupported feature)",
    ERROR_MAX_CONNECTIONS: "maximum connection count reached",
}


def length_exponent(max_length: int) -> int:
    """The handshake's L for a receive limit: the smallest ``2**(9+L) >= max_length`` (L in 0..15)."""
    if not 512 <= max_length <= MAX_LENGTH:
        raise ValueError(f"RawSocket maximum message length must be in [512, 2**24], not {max_length}")
    exponent = 0
    while 2 ** (9 + exponent) < max_length:
        exponent += 1
    return exponent


@dataclasses.dataclass(frozen=True)
class HandshakeDone:
    """Both sides agreed: ``serializer_id`` is in use, the peer accepts messages up to ``peer_max_length``."""

    serializer_id: int
    peer_max_length: int


@dataclasses.dataclass(frozen=True)
class MessageReceived:
    payload: bytes


@dataclasses.dataclass(frozen=True)
class PongReceived:
    payload: bytes


@dataclasses.dataclass(frozen=True)
class Failed:
    """The connection must close. ``handshake_error`` is the peer's handshake error code, when it sent one."""

    reason: str
    handshake_error: int | None = None


Event = HandshakeDone | MessageReceived | PongReceived | Failed


def frame_header(frame_type: int, length: int) -> bytes:
    return bytes((frame_type, (length >> 16) & 0xFF, (length >> 8) & 0xFF, length & 0xFF))


class _Connection:
    """What client and server share: the frame parser after the handshake and the senders."""

    def __init__(self, max_length: int) -> None:
        self.max_length = max_length  # what we accept (announced, rounded up to a power of two)
        self._exponent = length_exponent(max_length)
        self._buffer = bytearray()
        self._out: list[bytes] = []
        self.handshake_done = False
        self.failed = False
        self.serializer_id: int | None = None
        self.peer_max_length = MAX_LENGTH

    def data_to_send(self) -> bytes:
        """Bytes queued by the protocol itself (handshake, pongs, handshake errors)."""
        out = b"".join(self._out)
        self._out.clear()
        return out

    def receive_data(self, data: bytes) -> list[Event]:
        """Feed bytes from the peer; the events they complete. Nothing is parsed after a Failed event."""
        if self.failed:
            return []
        self._buffer += data
        events: list[Event] = []
        if not self.handshake_done:
            if len(self._buffer) < 4:
                return events
            reply = bytes(self._buffer[:4])
            del self._buffer[:4]
            event = self._handshake(reply)
            events.append(event)
            if isinstance(event, Failed):
                self.failed = True
                return events
            self.handshake_done = True
        buffer = self._buffer
        pos = 0
        while len(buffer) - pos >= 4:
            head = buffer[pos]
            length = int.from_bytes(buffer[pos + 1 : pos + 4], "big")
            if head & 0xF8:
                return self._fail(events, f"reserved bits set in frame header (0x{head:02x})")
            frame_type = head & 0x07
            if frame_type > FRAME_PONG:
                return self._fail(events, f"unknown frame type {frame_type}")
            if length > self.max_length:
                return self._fail(events, f"frame of {length} octets exceeds the announced maximum {self.max_length}")
            if len(buffer) - pos - 4 < length:
                break
            payload = bytes(buffer[pos + 4 : pos + 4 + length])
            pos += 4 + length
            if frame_type == FRAME_MESSAGE:
                events.append(MessageReceived(payload))
            elif frame_type == FRAME_PING:
                self._out.append(frame_header(FRAME_PONG, length) + payload)
            else:
                events.append(PongReceived(payload))
        del buffer[:pos]
        return events

    def _fail(self, events: list[Event], reason: str) -> list[Event]:
        self.failed = True
        self._buffer.clear()
        events.append(Failed(reason))
        return events

    def send_message(self, payload: bytes) -> bytes:
        """The frame for one WAMP message; ValueError when it is longer than the peer accepts."""
        if len(payload) > self.peer_max_length:
            raise ValueError(f"message of {len(payload)} octets exceeds the peer's maximum {self.peer_max_length}")
        return frame_header(FRAME_MESSAGE, len(payload)) + payload

    def send_ping(self, payload: bytes = b"") -> bytes:
        return frame_header(FRAME_PING, len(payload)) + payload

    def _handshake(self, octets: bytes) -> Event:
        raise NotImplementedError


class ClientConnection(_Connection):
    """The client side: :meth:`initiate` gives the opening octets for ``serializer_id``."""

    def __init__(self, serializer_id: int, max_length: int = MAX_LENGTH) -> None:
        super().__init__(max_length)
        if not 1 <= serializer_id <= 15:
            raise ValueError(f"RawSocket serializer id must be in 1..15, not {serializer_id}")
        self.requested_serializer = serializer_id

    def initiate(self) -> bytes:
        return bytes((MAGIC, self._exponent << 4 | self.requested_serializer, 0, 0))

    def _handshake(self, octets: bytes) -> Event:
        if octets[0] != MAGIC:
            return Failed(f"invalid magic octet 0x{octets[0]:02x} in the server's handshake")
        if octets[2] or octets[3]:
            return Failed("reserved octets set in the server's handshake")
        serializer, upper = octets[1] & 0x0F, octets[1] >> 4
        if serializer == 0:
            text = HANDSHAKE_ERRORS.get(upper, f"unknown error {upper}")
            return Failed(f"server refused the handshake: {text}", handshake_error=upper)
        if serializer != self.requested_serializer:
            return Failed(
                f"server answered with serializer {serializer}, not the requested {self.requested_serializer}"
            )
        self.serializer_id = serializer
        self.peer_max_length = 2 ** (9 + upper)
        return HandshakeDone(serializer, self.peer_max_length)


class ServerConnection(_Connection):
    """The server side: answers the client's handshake when one of ``serializer_ids`` is asked for."""

    def __init__(self, serializer_ids: set[int] | list[int], max_length: int = MAX_LENGTH) -> None:
        super().__init__(max_length)
        self.serializer_ids = set(serializer_ids)

    def _handshake(self, octets: bytes) -> Event:
        if octets[0] != MAGIC:
            # not a RawSocket client at all (e.g. HTTP): no error reply, just close
            return Failed(f"invalid magic octet 0x{octets[0]:02x} in the client's handshake")
        if octets[2] or octets[3]:
            self._out.append(bytes((MAGIC, ERROR_RESERVED_BITS << 4, 0, 0)))
            return Failed("reserved octets set in the client's handshake", ERROR_RESERVED_BITS)
        serializer, upper = octets[1] & 0x0F, octets[1] >> 4
        if serializer not in self.serializer_ids:
            self._out.append(bytes((MAGIC, ERROR_SERIALIZER_UNSUPPORTED << 4, 0, 0)))
            return Failed(f"client asked for unsupported serializer {serializer}", ERROR_SERIALIZER_UNSUPPORTED)
        self.serializer_id = serializer
        self.peer_max_length = 2 ** (9 + upper)
        self._out.append(bytes((MAGIC, self._exponent << 4 | serializer, 0, 0)))
        return HandshakeDone(serializer, self.peer_max_length)
