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
    """What client and server share: the frame parser after the handshake and the senders.

    Memory: a received frame is held once. A message's or pong's payload grows as it arrives
    (never ahead of the bytes that came, whatever its header announces). A ping is not held at
    all: its pong header is queued when the ping's header arrives and each piece of the ping's
    payload is queued as it arrives, so a 16 MiB ping costs one read's worth of memory. While such
    a pong is being sent, the frames we send ourselves wait behind it (:meth:`send_message`
    returns nothing then; :meth:`data_to_send` gives them once the pong is complete)."""

    def __init__(self, max_length: int) -> None:
        self.max_length = max_length  # what we accept (announced, rounded up to a power of two)
        self._exponent = length_exponent(max_length)
        self._header = bytearray()  # the handshake's or the next frame header's octets so far
        self._frame_type = FRAME_MESSAGE
        self._remaining: int | None = None  # payload octets still to come of the current frame
        self._payload = bytearray()  # a message's or pong's payload spread over several reads
        self._out: list[bytes] = []
        self._held: list[bytes] = []  # our frames waiting for the pong being streamed
        self.handshake_done = False
        self.failed = False
        self.serializer_id: int | None = None
        self.peer_max_length = MAX_LENGTH

    @property
    def answering_ping(self) -> bool:
        """True while a pong is being streamed (its ping's payload is still arriving)."""
        return self._remaining is not None and self._frame_type == FRAME_PING

    @property
    def output_pending(self) -> bool:
        """Whether :meth:`data_to_send` has anything."""
        return bool(self._out)

    def data_to_send(self) -> bytes:
        """Bytes queued by the protocol itself (handshake, pongs, handshake errors) and our frames
        that waited for a pong."""
        out = b"".join(self._out)
        self._out.clear()
        return out

    def receive_data(self, data: bytes | bytearray | memoryview) -> list[Event]:
        """Feed bytes from the peer; the events they complete. Nothing is parsed after a Failed event."""
        return [MessageReceived(item) if isinstance(item, bytes) else item for item in self.receive(data)]

    def receive(self, data: bytes | bytearray | memoryview) -> list[bytes | Event]:
        """:meth:`receive_data` with each message's payload as plain ``bytes`` instead of a
        :class:`MessageReceived` (one object less per message on the WAMP transport's path)."""
        events: list[bytes | Event] = []
        if self.failed:
            return events
        pos = 0
        if self.handshake_done and self._remaining is None and not self._header:
            pos = self._whole_messages(data, events)
            if pos == len(data):
                return events
        view = memoryview(data).cast("B")
        end = len(view)
        if not self.handshake_done:
            pos = self._take_header(view, pos)
            if len(self._header) < 4:
                return events
            octets = bytes(self._header)
            self._header.clear()
            event = self._handshake(octets)
            events.append(event)
            if isinstance(event, Failed):
                self.failed = True
                return events
            self.handshake_done = True
        while pos < end:
            if self._remaining is None:
                pos = self._take_header(view, pos)
                if len(self._header) < 4:
                    break
                if not self._start_frame(events):
                    return events
            else:
                take = min(self._remaining, end - pos)
                self._payload_piece(view[pos : pos + take], events)
                pos += take
        return events

    def _whole_messages(self, data: bytes | bytearray | memoryview, events: list) -> int:
        """The fast path at a frame boundary: the message frames that lie whole in ``data`` (each payload
        sliced out once); where the first other frame (ping, pong, a partial or bad one) starts."""
        if type(data) is not bytes:
            data = bytes(data)
        end = len(data)
        pos = 0
        max_length = self.max_length
        while pos + 4 <= end:
            length = int.from_bytes(data[pos + 1 : pos + 4], "big")
            stop = pos + 4 + length
            # a message frame (header octet 0: no reserved bits, type 0) within our limit, all here
            if data[pos] != FRAME_MESSAGE or length > max_length or stop > end:
                break
            events.append(data[pos + 4 : stop])
            pos = stop
        return pos

    def _take_header(self, view: memoryview, pos: int) -> int:
        take = min(4 - len(self._header), len(view) - pos)
        self._header += view[pos : pos + take]
        return pos + take

    def _start_frame(self, events: list[bytes | Event]) -> bool:
        """A frame header is complete: check it; False when the connection failed."""
        head = self._header[0]
        length = int.from_bytes(self._header[1:4], "big")
        self._header.clear()
        if head & 0xF8:
            self._fail(events, f"reserved bits set in frame header (0x{head:02x})")
            return False
        frame_type = head & 0x07
        if frame_type > FRAME_PONG:
            self._fail(events, f"unknown frame type {frame_type}")
            return False
        if length > self.max_length:
            self._fail(events, f"frame of {length} octets exceeds the announced maximum {self.max_length}")
            return False
        self._frame_type, self._remaining = frame_type, length
        if frame_type == FRAME_PING:
            self._out.append(frame_header(FRAME_PONG, length))
        if length == 0:
            self._payload_piece(memoryview(b""), events)
        return True

    def _payload_piece(self, piece: memoryview, events: list[bytes | Event]) -> None:
        """The next ``piece`` of the current frame's payload (it does not go beyond the frame)."""
        assert self._remaining is not None
        self._remaining -= len(piece)
        done = self._remaining == 0
        if self._frame_type == FRAME_PING:
            if piece:
                self._out.append(bytes(piece))  # the pong's payload, passed on as it arrives
            if done:
                self._remaining = None
                self._out.extend(self._held)
                self._held.clear()
            return
        if done and not self._payload:
            payload = bytes(piece)  # the whole payload came in this read: one copy
        else:
            self._payload += piece
            if not done:
                return
            payload = bytes(self._payload)
            self._payload = bytearray()  # release the buffer (clear() would keep its capacity)
        self._remaining = None
        events.append(payload if self._frame_type == FRAME_MESSAGE else PongReceived(payload))

    def _fail(self, events: list[bytes | Event], reason: str) -> list[bytes | Event]:
        self.failed = True
        self._header.clear()
        self._payload = bytearray()
        events.append(Failed(reason))
        return events

    def _send_frame(self, frame: bytes) -> bytes:
        if self.answering_ping:
            self._held.append(frame)
            return b""
        return frame

    def send_message(self, payload: bytes) -> bytes:
        """The bytes to write for one WAMP message (nothing while a pong is being streamed: the frame
        then comes from :meth:`data_to_send` after it); ValueError when it is longer than the peer accepts."""
        length = len(payload)
        if length > self.peer_max_length:
            raise ValueError(f"message of {length} octets exceeds the peer's maximum {self.peer_max_length}")
        # a message frame's header is its type (0) and 24-bit length: the length as 4 big-endian octets
        frame = length.to_bytes(4, "big") + payload
        if self._remaining is not None and self._frame_type == FRAME_PING:  # a pong is being streamed
            self._held.append(frame)
            return b""
        return frame

    def send_ping(self, payload: bytes = b"") -> bytes:
        if len(payload) > self.peer_max_length:
            raise ValueError(f"ping of {len(payload)} octets exceeds the peer's maximum {self.peer_max_length}")
        return self._send_frame(frame_header(FRAME_PING, len(payload)) + payload)

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
