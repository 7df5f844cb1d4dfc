"""A sans-IO implementation of the WebSocket protocol (RFC 6455, with RFC 7692 compression).

No sockets, no event loop: feed received bytes to ``receive_data(data)``, which returns the
events they complete; send bytes that ``send_*`` methods return; and after every
``receive_data`` call write out ``data_to_send()``, which holds what the protocol answers by
itself (pongs, the reply to a close, a close frame for a protocol violation, an HTTP error
for a bad handshake). Frameworks (asyncio in ``autobahn.asyncio.websocket``) sit on top.

A protocol violation never raises: it becomes a ``ConnectionFailed`` event with the close
code RFC 6455 §7.4.1 gives it, a close frame waiting in ``data_to_send()``, and the state
CLOSED, after which the caller closes the TCP connection. Text messages are checked with
the selected ``Utf8Validator`` as their bytes arrive, so invalid UTF-8 closes the connection
(1007) at the first bad byte, even in the middle of a frame. Payloads are unmasked in place
with the selected ``XorMasker``.

Server::

    conn = ServerConnection(ProtocolOptions(protocols=["chat"]))
    for event in conn.receive_data(data):
        if isinstance(event, RequestReceived):
            write(conn.accept(subprotocol="chat"))
            events = conn.receive_data()   # frames that arrived with the handshake
        ...
    write(conn.data_to_send())

Client::

    conn = ClientConnection("example.com", "/chat", ProtocolOptions())
    write(conn.initiate())
"""

from __future__ import annotations

import base64
import collections
import dataclasses
import os
import struct
import sys
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

from autobahn.websocket import _deflate, _frames_py, _handshake
from autobahn.websocket._deflate import DeflateOptions, PerMessageDeflate

# The opcodes (RFC 6455 §5.2), from the pure frame parser, which defines them.
from autobahn.websocket._frames_py import (
    MAX_CONTROL_PAYLOAD,
    OP_BINARY,
    OP_CLOSE,
    OP_CONTINUATION,
    OP_PING,
    OP_PONG,
    OP_TEXT,
    frame_header,
)
from autobahn.websocket._frames_py import FrameParser as PyFrameParser
from autobahn.websocket._handshake import HandshakeError
from autobahn.websocket.frameparser import FrameParser
from autobahn.websocket.types import ConnectionRequest, ConnectionResponse
from autobahn.websocket.utf8validator import Utf8Validator
from autobahn.websocket.xormasker import XorMasker

# Close codes (RFC 6455 §7.4.1).
CLOSE_NORMAL = 1000
CLOSE_GOING_AWAY = 1001
CLOSE_PROTOCOL_ERROR = 1002
CLOSE_UNSUPPORTED_DATA = 1003
CLOSE_NO_STATUS = 1005  # never sent: "the close frame had no code"
CLOSE_ABNORMAL = 1006  # never sent: "the connection dropped without a close frame"
CLOSE_INVALID_PAYLOAD = 1007
CLOSE_POLICY_VIOLATION = 1008
CLOSE_MESSAGE_TOO_BIG = 1009
CLOSE_MANDATORY_EXTENSION = 1010
CLOSE_INTERNAL_ERROR = 1011
CLOSE_TLS_HANDSHAKE = 1015  # never sent

# Codes a close frame may carry: the ones RFC 6455 defines for the wire, those IANA has
# registered since (1012-1014), and the ranges for libraries (3000-3999) and apps (4000-4999).
_VALID_WIRE_CODES = frozenset((1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014))

# Bytes a server buffers after a handshake it has not answered yet (a client must wait for
# the answer before sending frames, so this is only slack for eager clients).
MAX_EARLY_DATA = 1024 * 1024

# A server sends a payload this large apart from its frame header instead of copying both
# into one object (a client masks every payload into its frame).
JOIN_MAX = 64 * 1024
# A proxy's answer to CONNECT with no end of headers within this many bytes refuses the tunnel.
MAX_PROXY_ANSWER = 64 * 1024
# What Adobe Flash sends first, on the WebSocket port too, to ask for its socket policy file.
FLASH_POLICY_REQUEST = b"<policy-file-request/>\x00"

# Connection states.
CONNECTING = "CONNECTING"  # opening handshake not yet complete
PROXY_CONNECTING = "PROXY_CONNECTING"  # client: waiting for an HTTP proxy to open the tunnel
ACCEPTING = "ACCEPTING"  # server: request received, waiting for accept()/reject()
OPEN = "OPEN"
CLOSING = "CLOSING"  # we sent a close frame and wait for the peer's
CLOSED = "CLOSED"

# Where a message sent frame by frame (``begin_message`` ...) stands: ``Connection.send_state``.
SEND_IDLE = "IDLE"  # no such message open: whole messages may be sent
SEND_MESSAGE_BEGUN = "MESSAGE_BEGUN"  # begun, no frame sent yet
SEND_BETWEEN_FRAMES = "BETWEEN_FRAMES"  # a frame complete; another frame or the end may follow
SEND_IN_FRAME = "IN_FRAME"  # a frame's header sent, payload bytes still owed

SERVER = "server"
CLIENT = "client"


def _engine_kernels() -> tuple[frozenset[Any], frozenset[Any]]:
    """The validator and masker classes the native engine stands in for: the selected ones,
    and NVX's own (PyO3) classes, which are the selected ones except on PyPy (CFFI there)."""
    validators, maskers = {Utf8Validator}, {XorMasker}
    if FrameParser is not PyFrameParser:
        from autobahn import nvx

        validators.add(nvx.Utf8Validator)
        maskers.add(nvx.XorMasker)
    return frozenset(validators), frozenset(maskers)


_ENGINE_VALIDATORS, _ENGINE_MASKERS = _engine_kernels()


def host_without_port(host: str) -> str:
    """The host part of a Host header ("example.com:9000" -> "example.com", "[::1]:80" -> "[::1]")."""
    host = host.strip()
    if ":" in host and not host.endswith("]"):
        return host.rsplit(":", 1)[0]
    return host


def is_valid_close_code(code: int) -> bool:
    """True for a code a close frame may carry on the wire."""
    return code in _VALID_WIRE_CODES or 3000 <= code <= 4999


class InvalidStateError(RuntimeError):
    """A send or handshake method called in a state that does not allow it."""


class SendStateError(InvalidStateError):
    """A method of a message sent frame by frame (``begin_message`` ...) called out of order."""


# Events.


@dataclasses.dataclass(frozen=True, slots=True)
class RequestReceived:
    """Server: a valid opening handshake; answer with ``accept()`` or ``reject()``."""

    request: ConnectionRequest


@dataclasses.dataclass(frozen=True, slots=True)
class ResponseReceived:
    """Client: the server accepted the opening handshake; the connection is open."""

    response: ConnectionResponse


@dataclasses.dataclass(frozen=True, slots=True)
class HandshakeFailed:
    """The opening handshake failed; ``status`` is the HTTP status involved.

    Server: an HTTP error answering the request waits in ``data_to_send()``.
    Client: the server's response was refused. Either way, close the TCP connection.
    """

    status: int
    reason: str


@dataclasses.dataclass(frozen=True, slots=True)
class Message:
    """A whole text or binary message; text payloads are valid UTF-8 bytes."""

    payload: bytes
    is_binary: bool


@dataclasses.dataclass(frozen=True, slots=True)
class Ping:
    """A ping; its pong already waits in ``data_to_send()``."""

    payload: bytes


@dataclasses.dataclass(frozen=True, slots=True)
class Pong:
    """A pong."""

    payload: bytes


@dataclasses.dataclass(frozen=True, slots=True)
class CloseReceived:
    """The peer's close frame (``code`` None when it carried none).

    If we had not sent a close yet, the reply waits in ``data_to_send()``. The state is
    now CLOSED: a server closes the TCP connection; a client waits for the server to.
    """

    code: int | None
    reason: str


@dataclasses.dataclass(frozen=True, slots=True)
class ConnectionFailed:
    """We failed the connection for a protocol violation (or a limit): a close frame with
    ``code`` waits in ``data_to_send()`` (unless one was sent before); close the TCP
    connection once it is written."""

    code: int
    reason: str


# Streaming mode (``ProtocolOptions.streaming``): instead of one ``Message``, a data message
# gives MessageBegin, then per frame FrameBegin, FrameData (zero or more) and FrameEnd, and
# last MessageEnd. Control frames may come between them, as they do on the wire.


@dataclasses.dataclass(frozen=True, slots=True)
class MessageBegin:
    """Streaming: a data message starts."""

    is_binary: bool


@dataclasses.dataclass(frozen=True, slots=True)
class FrameBegin:
    """Streaming: a frame of the current message starts; ``length`` is its payload length
    on the wire (compressed, when permessage-deflate is on)."""

    length: int


@dataclasses.dataclass(frozen=True, slots=True)
class FrameData:
    """Streaming: the next bytes of the current frame, unmasked and decompressed; in a text
    message they are valid UTF-8 so far (a code point may continue in the next piece)."""

    payload: bytes


@dataclasses.dataclass(frozen=True, slots=True)
class FrameEnd:
    """Streaming: the current frame ended."""


@dataclasses.dataclass(frozen=True, slots=True)
class MessageEnd:
    """Streaming: the current message ended (a text message with complete UTF-8)."""


_FRAME_END = FrameEnd()
_MESSAGE_END = MessageEnd()


@dataclasses.dataclass(frozen=True, slots=True)
class PlainHttpRequest:
    """Server, with ``answer_plain_http``: a plain HTTP GET arrived instead of a WebSocket
    handshake. Nothing waits in ``data_to_send()``: write an HTTP response, then close."""

    path: str
    headers: dict[str, str]


@dataclasses.dataclass(frozen=True, slots=True)
class FlashPolicyRequest:
    """Server, with ``flash_policy``: a Flash socket policy request arrived instead of a
    handshake. The policy waits in ``data_to_send()``: write it, then close."""


@dataclasses.dataclass(frozen=True, slots=True)
class ProxyTunnelOpened:
    """Client, through a proxy: the proxy answered CONNECT with 200, the tunnel is open.
    Send ``initiate()``'s opening handshake next (bytes that followed the proxy's answer
    are taken as the start of the server's response)."""


@dataclasses.dataclass(frozen=True, slots=True)
class ProxyTunnelRefused:
    """Client, through a proxy: the proxy did not open the tunnel (``status`` is its HTTP
    status, 0 when its answer had none or was too large). Close the TCP connection."""

    status: int
    reason: str


Event = (
    RequestReceived
    | PlainHttpRequest
    | FlashPolicyRequest
    | ProxyTunnelOpened
    | ProxyTunnelRefused
    | ResponseReceived
    | HandshakeFailed
    | Message
    | Ping
    | Pong
    | CloseReceived
    | ConnectionFailed
    | MessageBegin
    | FrameBegin
    | FrameData
    | FrameEnd
    | MessageEnd
)

# Default limits. 16 MiB per message (and per frame): room for the images, documents and
# bulk payloads WebSocket applications send in one message, a quarter of the 64 MiB we had
# (four such messages from four peers held 571 MiB), while websockets' 1 MiB breaks such
# applications; a service for small messages should lower it. Assembly holds at most the
# payload plus the buffer's growth slack, so a peer costs about twice the limit at most.
DEFAULT_MAX_MESSAGE_SIZE = 16 * 1024 * 1024
DEFAULT_MAX_FRAME_SIZE = 16 * 1024 * 1024
# Frame headers parsed per received chunk before the parser yields (see input_pending):
# about 3 ms of pure-Python work on tiny frames, far less with NVX, so a peer sending a
# storm of one-byte fragments cannot hold the event loop for long. A framework that can
# resume later (autobahn's adapters) sets it; the plain sans-IO default is no budget,
# because a caller that does not look at input_pending would leave input unparsed.
DEFAULT_MAX_FRAMES_PER_RECEIVE = 1000
_NO_BUDGET = sys.maxsize


@dataclasses.dataclass
class ProtocolOptions:
    """Settings of one connection.

    ``max_frame_size`` / ``max_message_size``: payload limits in bytes (0: none; 16 MiB by
    default, see DEFAULT_MAX_MESSAGE_SIZE for why); beyond them the connection is failed
    with 1009. The message limit applies to the decompressed size.
    ``max_frames_per_receive``: frame headers parsed per ``feed()``/``receive_data()``
    call, the rest waiting for the next call (see ``Connection.input_pending``); 0 (the
    default): no budget. Frameworks that resume set DEFAULT_MAX_FRAMES_PER_RECEIVE.
    ``streaming``: frame-level events (MessageBegin, FrameBegin, FrameData, FrameEnd,
    MessageEnd) instead of whole ``Message`` events. ``deflate``: permessage-deflate settings, None to neither offer nor
    accept compression. ``protocols``: server, the subprotocols supported in order of
    preference; client, the ones offered. ``origin_check``: server, called with the Origin
    header (or None); False refuses the handshake with 403. ``utf8_validator`` and
    ``xor_masker``: the classes that validate and unmask (the selected NVX or pure ones by
    default; tests pass each implementation). ``frame_parser``: the receive engine, NVX's
    ``FrameParser`` or its pure twin (compressed or streamed messages always take the pure
    one, with the validator and masker above).
    """

    max_frame_size: int = DEFAULT_MAX_FRAME_SIZE
    max_message_size: int = DEFAULT_MAX_MESSAGE_SIZE
    max_frames_per_receive: int = 0
    streaming: bool = False
    deflate: DeflateOptions | None = None
    protocols: list[str] = dataclasses.field(default_factory=list)
    origin_check: Callable[[str | None], bool] | None = None
    utf8_validator: Any = Utf8Validator
    xor_masker: Any = XorMasker
    frame_parser: Any = FrameParser
    # What autobahn's setProtocolOptions() can change (the defaults are RFC 6455's rules).
    # validate_utf8: check text messages (off: text is passed through unchecked).
    validate_utf8: bool = True
    # accept_unmasked (server): take unmasked client frames; accept_masked (client): take
    # masked server frames. RFC 6455 forbids both; autobahn allows them for testing.
    accept_unmasked: bool = False
    accept_masked: bool = False
    # mask_frames: mask what we send (None: as RFC 6455 says, clients do, servers don't);
    # apply_mask=False sends the mask key but leaves the payload unmasked (for testing peers).
    mask_frames: bool | None = None
    apply_mask: bool = True
    # close_reply: what we answer a peer's close with: "code" echoes its code (RFC 6455
    # §5.5.1), "normal" answers 1000, "code-and-reason" echoes code and reason.
    close_reply: str = "code"
    # answer_plain_http (server): a GET without "Upgrade: websocket" becomes a
    # PlainHttpRequest event (the application answers it, e.g. with a status page)
    # instead of a 400 response.
    answer_plain_http: bool = False
    # flash_policy (server): the Flash socket policy file answering a client whose first
    # bytes are FLASH_POLICY_REQUEST (a FlashPolicyRequest event); None: no such answer, the
    # request is a malformed handshake.
    flash_policy: bytes | None = None
    # Compression negotiated by the caller instead of from ``deflate`` (autobahn's
    # perMessageCompressionOffers/-Accept; see autobahn.websocket.compress). A codec has
    # PerMessageDeflate's methods (compress, start_message, decompress, finish_message).
    # negotiate (server): the client's parsed offers -> (response item, codec) or None.
    # extension_offer / accept_extensions (client): the request's extensions header, and the
    # server's parsed answer -> codec or None (NegotiationError refuses the handshake).
    negotiate: Callable[[list[tuple[str, Any]]], tuple[str, Any] | None] | None = None
    extension_offer: str | None = None
    accept_extensions: Callable[[list[tuple[str, Any]]], Any] | None = None


def _truncate_utf8(text: str, limit: int) -> bytes:
    """``text`` in UTF-8, cut to at most ``limit`` bytes without splitting a code point."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return data
    return data[:limit].decode("utf-8", "ignore").encode("utf-8")


class Connection:
    """What servers and clients share: framing, messages, control frames, closing."""

    role: str

    def __init__(self, options: ProtocolOptions | None = None) -> None:
        self.options = options or ProtocolOptions()
        self.state = CONNECTING
        self.deflate: PerMessageDeflate | None = None
        self.subprotocol: str | None = None
        # Closing handshake: what we sent and what we received (None: nothing yet).
        self.close_sent: tuple[int | None, str] | None = None
        self.close_received: tuple[int | None, str] | None = None
        self.failure: tuple[int, str] | None = None
        self._events: collections.deque[Event] = collections.deque()
        self._outbox: list[bytes] = []
        # Received bytes not yet parsed: _pending[_pending_pos:]. The frame parser runs
        # ahead over all of them (within the budget) and leaves its items in _parsed; each
        # item's effects (a pong, a close reply, a state change) are applied only when
        # next_event() hands out its event, so that what the application sends in reaction
        # goes out before anything the protocol answers to later bytes (RFC 6455 ordering,
        # e.g. echo then close), and a violation after a message does not close the
        # connection before the application has seen the message.
        self._pending = b""
        self._pending_pos = 0
        self._parser: Any = None  # made when the connection opens (it depends on deflate)
        self._parsed: collections.deque[tuple[Any, ...]] = collections.deque()
        # Frame headers the parser may still parse before the next feed() (see input_pending).
        self._budget = self.options.max_frames_per_receive or _NO_BUDGET
        # Whether we mask what we send (looked up on every frame sent).
        mask_frames = self.options.mask_frames
        self._masks_frames: bool = self.role == CLIENT if mask_frames is None else mask_frames
        # A message sent frame by frame: where it stands (SEND_*), the opcode of its next
        # frame, and the current frame's masker (None: payload sent as is) and bytes owed.
        self.send_state = SEND_IDLE
        self._send_opcode = OP_CONTINUATION
        self._send_masker: Any = None
        self._send_frame_remaining = 0

    # --- public interface ---

    @property
    def was_clean(self) -> bool:
        """True once close frames went both ways (the closing handshake completed)."""
        return self.close_sent is not None and self.close_received is not None

    def data_to_send(self) -> bytes:
        """The bytes the protocol produced by itself since the last call."""
        if not self._outbox:
            return b""
        data = b"".join(self._outbox)
        self._outbox.clear()
        return data

    @property
    def input_pending(self) -> bool:
        """True when received bytes wait unparsed because this call's frame budget
        (``ProtocolOptions.max_frames_per_receive``) ran out: let other work run, then call
        ``receive_data()`` (or ``feed(b"")`` and ``next_event()``) to go on. Until then a
        framework should stop reading from this peer."""
        return (
            self._budget <= 0
            and self._pending_pos < len(self._pending)
            and self.state in (OPEN, CLOSING)
            and not self._parsed
        )

    def receive_data(self, data: bytes | bytearray | memoryview = b"") -> list[Event]:
        """Process received bytes and return every event they complete (b"": only what is
        buffered, e.g. frames that arrived with the opening handshake, or what the frame
        budget left; see ``input_pending``). Equivalent to ``feed(data)`` and then
        ``next_event()`` until it returns None."""
        self.feed(data)
        events = []
        while (event := self.next_event()) is not None:
            events.append(event)
        return events

    def feed(self, data: bytes | bytearray | memoryview) -> None:
        """Buffer received bytes; ``next_event()`` parses them. Every call grants a new
        budget of ``ProtocolOptions.max_frames_per_receive`` frame headers to parse."""
        self._budget = self.options.max_frames_per_receive or _NO_BUDGET
        if type(data) is not bytes:
            data = bytes(data)
        if not data or self.state == CLOSED:
            return
        if self.state == CONNECTING or self.state == PROXY_CONNECTING:
            self._receive_handshake(data)
            return
        if self.state == ACCEPTING and len(self._pending) + len(data) > MAX_EARLY_DATA:
            # RFC 6455 §4.1: a client waits for the response before it sends frames.
            assert isinstance(self, ServerConnection)
            self._refuse(HandshakeError(400, "too much data sent before the handshake completed"))
            return
        if self._pending_pos < len(self._pending):
            self._pending = self._pending[self._pending_pos :] + data
            self._pending_pos = 0
        else:
            self._pending, self._pending_pos = data, 0

    def next_event(self) -> Event | None:
        """The next event from the bytes fed so far, or None when they hold no more.

        Whatever the protocol answers by itself up to this event (pongs, close replies)
        is in ``data_to_send()`` by now: write it before reacting to the event."""
        events, parsed = self._events, self._parsed
        while True:
            if events:
                return events.popleft()
            if parsed:
                if self.state == CLOSED:
                    parsed.clear()  # e.g. the application failed the connection meanwhile
                    continue
                event = self._apply(parsed.popleft())
                if event is not None:
                    return event
                continue
            if self._budget > 0 and self._pending_pos < len(self._pending) and self.state in (OPEN, CLOSING):
                self._parse()
                if parsed:
                    continue
            return None

    def dispatch(
        self,
        on_message: Callable[[bytes, bool], Any],
        on_event: Callable[[Event], bool | None],
        flush: Callable[[bytes], Any],
    ) -> bool:
        """Hand every event the bytes fed so far hold to the caller, in order, as
        ``next_event()`` would: a whole message as ``on_message(payload, is_binary)`` (no
        event object is made), any other event as ``on_event(event)`` (a true result stops
        dispatching, and dispatch returns False). What the protocol answered by itself up to
        a message, and at the end, is passed to ``flush``; before other events it waits in
        ``data_to_send()``, for ``on_event`` to write (or drop, e.g. when failing by
        dropping the connection). True when dispatching ran to the end (then look at
        ``input_pending``).

        One call per received chunk for a framework adapter (``next_event()`` is one per
        event); the application may send, close or fail from the callbacks."""
        events, parsed, outbox = self._events, self._parsed, self._outbox
        while True:
            if events:
                if on_event(events.popleft()):
                    return False
                continue
            if parsed:
                state = self.state
                if state == CLOSED:
                    parsed.clear()  # e.g. the application failed the connection meanwhile
                    continue
                item = parsed.popleft()
                kind = item[0]
                if kind <= OP_BINARY:
                    # Data after we sent our close (CLOSING) is still delivered (see _apply).
                    if state in (OPEN, CLOSING):
                        if outbox:
                            flush(self.data_to_send())
                        on_message(item[1], kind == OP_BINARY)
                    continue
                event = self._apply(item)
                if event is not None and on_event(event):
                    return False
                continue
            if self._budget > 0 and self._pending_pos < len(self._pending) and self.state in (OPEN, CLOSING):
                self._parse()
                if parsed:
                    continue
            if outbox:
                flush(self.data_to_send())
            return True

    def send_message(
        self,
        payload: bytes | bytearray | memoryview | str,
        is_binary: bool = False,
        fragment_size: int | None = None,
        compress: bool = True,
    ) -> bytes:
        """The frames of one message. ``str`` payloads are sent as UTF-8. ``fragment_size``
        splits the (compressed) payload into frames of at most that many bytes."""
        if (
            self.state == OPEN
            and self.send_state is SEND_IDLE
            and type(payload) is bytes
            and (self.deflate is None or not compress)
            and (not fragment_size or len(payload) <= fragment_size)
        ):
            # The common case: one frame, built (and masked) in one native call.
            return self._frame(OP_BINARY if is_binary else OP_TEXT, payload, True, False)
        return b"".join(self.message_frames(payload, is_binary, fragment_size, compress))

    def message_frames(
        self,
        payload: bytes | bytearray | memoryview | str,
        is_binary: bool = False,
        fragment_size: int | None = None,
        compress: bool = True,
    ) -> list[bytes | bytearray | memoryview]:
        """``send_message()``'s bytes as pieces (headers and payloads) to be written in
        order, so that a large payload is not copied just to join it to its header."""
        self._require_open("send a message")
        if self.send_state is not SEND_IDLE:
            # Its frames would land between the frames of the open one (RFC 6455 §5.4).
            raise InvalidStateError("cannot send a message while one is being sent frame by frame")
        if isinstance(payload, str):
            payload = payload.encode("utf-8")
        rsv1 = False
        if self.deflate is not None and compress:
            payload = self.deflate.compress(payload)
            rsv1 = True
        opcode = OP_BINARY if is_binary else OP_TEXT
        if not fragment_size or len(payload) <= fragment_size:
            return self._frame_parts(opcode, payload, True, rsv1)
        view = memoryview(payload)
        parts: list[bytes | bytearray | memoryview] = []
        for start in range(0, len(view), fragment_size):
            last = start + fragment_size >= len(view)
            parts += self._frame_parts(opcode, view[start : start + fragment_size], last, rsv1)
            opcode, rsv1 = OP_CONTINUATION, False
        return parts

    def can_send_preframed(self, compress: bool = True) -> bool:
        """True when a message framed beforehand as one unmasked, uncompressed final frame
        (``frame_header(...) + payload``, framed once for many connections) may be written
        as it is: the connection is open, does not mask what it sends, would not compress
        this message (``compress``: as in ``send_message``), and no message is open frame by
        frame. Otherwise frame the payload with ``send_message``."""
        return (
            self.state == OPEN
            and not self._masks_frames
            and (self.deflate is None or not compress)
            and self.send_state is SEND_IDLE
        )

    def raw_frame(
        self,
        opcode: int,
        payload: bytes = b"",
        fin: bool = True,
        rsv: int = 0,
        mask: bytes | None = None,
        payload_len: int | None = None,
    ) -> bytes:
        """One frame as given, outside the message rules (for testing peers): any opcode and
        reserved bits (``rsv``, 3 bits, 4 = RSV1). ``payload_len`` repeats ``payload`` (or
        zero bytes, if empty) to that length; ``mask`` is the 4-byte key, a random one by
        default when this connection masks; ``apply_mask=False`` leaves the payload clear."""
        self._require_open("send a frame")
        if payload_len is not None and payload_len != len(payload):
            payload = (
                (payload * (payload_len // max(len(payload), 1) + 1))[:payload_len] if payload else b"\0" * payload_len
            )
        if mask is None and self._masks_frames:
            mask = os.urandom(4)
        if mask is not None and len(mask) != 4:
            raise ValueError(f"a frame mask is 4 bytes, got {len(mask)}")
        if mask is not None and self.options.apply_mask:
            payload = self.options.xor_masker(mask).process(payload)
        header = bytearray(frame_header(opcode, len(payload), fin, False, mask))
        header[0] |= (rsv & 7) << 4
        return bytes(header) + payload

    # A message sent frame by frame, each frame's payload in pieces (uncompressed: a
    # compressed message is one deflate stream, see send_message). Control frames may be
    # sent in between; whole messages may not (SendStateError, InvalidStateError).

    def begin_message(self, is_binary: bool = False) -> None:
        """Open a message to be sent with ``begin_message_frame``, ``message_frame_data``
        and ``end_message``; nothing is sent yet."""
        if self.send_state is not SEND_IDLE:
            raise SendStateError("begin_message() while a message is being sent")
        self._require_open("begin a message")
        self._send_opcode = OP_BINARY if is_binary else OP_TEXT
        self.send_state = SEND_MESSAGE_BEGUN

    def begin_message_frame(self, length: int) -> bytes:
        """The header of the open message's next frame, of ``length`` payload bytes (masked
        as every frame this connection sends); its payload follows by ``message_frame_data``."""
        if self.send_state is not SEND_MESSAGE_BEGUN and self.send_state is not SEND_BETWEEN_FRAMES:
            raise SendStateError("begin_message_frame() outside a message, or inside an unfinished frame")
        self._require_open("begin a message frame")
        if not 0 <= length <= 0x7FFFFFFFFFFFFFFF:
            raise ValueError(f"invalid frame length {length}")
        mask = os.urandom(4) if self._masks_frames else None  # RFC 6455 §5.3: fresh per frame
        self._send_masker = self.options.xor_masker(mask) if mask and self.options.apply_mask else None
        header = frame_header(self._send_opcode, length, False, False, mask)
        self._send_opcode = OP_CONTINUATION
        self._send_frame_remaining = length
        self.send_state = SEND_IN_FRAME if length else SEND_BETWEEN_FRAMES
        return header

    def message_frame_data(self, data: bytes) -> tuple[bytes, int]:
        """The next payload bytes of the current frame, masked as its header says, and how
        many the frame still lacks: negative when ``data`` was longer than the frame, whose
        excess is left out. At 0 the frame is complete."""
        if self.send_state is not SEND_IN_FRAME:
            raise SendStateError("message_frame_data() outside a message frame")
        self._require_open("send message frame data")
        remaining = self._send_frame_remaining
        rest = remaining - len(data)
        if rest < 0:
            data = data[:remaining]
        if self._send_masker is not None:
            data = self._send_masker.process(data)
        if rest > 0:
            self._send_frame_remaining = rest
        else:
            self._send_frame_remaining = 0
            self.send_state = SEND_BETWEEN_FRAMES
        return data, rest

    def end_message(self) -> bytes:
        """The open message's last frame (empty, final); the connection may then send
        whole messages again."""
        if self.send_state is not SEND_MESSAGE_BEGUN and self.send_state is not SEND_BETWEEN_FRAMES:
            raise SendStateError("end_message() outside a message, or inside an unfinished frame")
        self._require_open("end a message")
        self.send_state = SEND_IDLE
        return self._frame(self._send_opcode, b"", True, False)

    def send_ping(self, payload: bytes = b"") -> bytes:
        """A ping frame (payload at most 125 bytes)."""
        self._require_open("send a ping")
        if len(payload) > MAX_CONTROL_PAYLOAD:
            raise ValueError(f"a ping payload is at most {MAX_CONTROL_PAYLOAD} bytes, got {len(payload)}")
        return self._frame(OP_PING, payload, True, False)

    def send_pong(self, payload: bytes = b"") -> bytes:
        """A pong frame (payload at most 125 bytes), e.g. as an unsolicited heartbeat."""
        self._require_open("send a pong")
        if len(payload) > MAX_CONTROL_PAYLOAD:
            raise ValueError(f"a pong payload is at most {MAX_CONTROL_PAYLOAD} bytes, got {len(payload)}")
        return self._frame(OP_PONG, payload, True, False)

    def send_close(self, code: int | None = CLOSE_NORMAL, reason: str = "") -> bytes:
        """Start the closing handshake; b"" when a close frame was already sent or the
        connection is not open. ``reason`` is cut to fit the 123 bytes a frame leaves."""
        if code is not None and not is_valid_close_code(code):
            raise ValueError(f"invalid close code {code}")
        if code is None and reason:
            raise ValueError("a close reason needs a close code")
        if self.state != OPEN:
            return b""
        return self._close_frame(code, reason)

    def fail(self, code: int, reason: str) -> None:
        """Fail the connection (e.g. 1003 for a message type the application refuses, 1011
        for an internal error): a close frame with ``code`` goes to ``data_to_send()``."""
        if self.state == OPEN:
            self._outbox.append(self._close_frame(code, reason))
        self.state = CLOSED
        self.failure = (code, reason)
        self._events.append(ConnectionFailed(code, reason))

    def mark_closed(self) -> None:
        """The TCP connection is gone or being dropped without the protocol's say (the
        application dropped it, or the transport reported it lost): the state is CLOSED, so
        nothing more is sent and bytes received from now on, or parsed but not yet handed
        out, give no events."""
        self.state = CLOSED

    # --- sending ---

    def _require_open(self, what: str) -> None:
        if self.state != OPEN:
            raise InvalidStateError(f"cannot {what}: the connection is {self.state}")

    def _frame(self, opcode: int, payload: Any, fin: bool, rsv1: bool) -> bytes:
        options = self.options
        if self._masks_frames:
            if options.apply_mask:
                # RFC 6455 §5.3: a fresh, unpredictable mask for every frame a client sends.
                return options.frame_parser.frame(opcode, payload, fin, rsv1, os.urandom(4))
            return b"".join(self._frame_parts(opcode, payload, fin, rsv1))
        return options.frame_parser.frame(opcode, payload, fin, rsv1, None)

    def _frame_parts(self, opcode: int, payload: Any, fin: bool, rsv1: bool) -> list[bytes | bytearray | memoryview]:
        options = self.options
        if self._masks_frames:
            # RFC 6455 §5.3: a fresh, unpredictable mask for every frame a client sends. The
            # payload is masked straight into the frame (masking copies it anyway).
            mask = os.urandom(4)
            if options.apply_mask:
                return [options.frame_parser.frame(opcode, payload, fin, rsv1, mask)]
            return [frame_header(opcode, len(payload), fin, rsv1, mask), payload]
        if len(payload) < JOIN_MAX:
            return [options.frame_parser.frame(opcode, payload, fin, rsv1, None)]
        return [frame_header(opcode, len(payload), fin, rsv1, None), payload]

    def _close_frame(self, code: int | None, reason: str) -> bytes:
        payload = b"" if code is None else struct.pack("!H", code) + _truncate_utf8(reason, MAX_CONTROL_PAYLOAD - 2)
        self.close_sent = (code, reason)
        self.state = CLOSING if self.close_received is None else CLOSED
        return self._frame(OP_CLOSE, payload, True, False)

    # --- receiving frames ---

    def _parse(self) -> None:
        """Run the frame parser over the pending bytes, within what is left of the budget."""
        parser = self._parser
        if parser is None:
            parser = self._parser = self._make_parser()
        pos, frames, items = parser.parse(self._pending, self._pending_pos, self._budget)
        self._budget -= frames
        if pos >= len(self._pending):
            self._pending, self._pending_pos = b"", 0
        else:
            self._pending_pos = pos
        self._parsed.extend(items)

    def _make_parser(self) -> Any:
        options = self.options
        server = self.role == SERVER
        parser_class = options.frame_parser
        if self.deflate is not None or options.streaming:
            # The native engine assembles whole uncompressed messages only: compressed and
            # streamed messages take the pure parser (with the selected validator and masker).
            parser_class = PyFrameParser
        elif parser_class is FrameParser and (
            options.utf8_validator not in _ENGINE_VALIDATORS or options.xor_masker not in _ENGINE_MASKERS
        ):
            # Other validator or masker classes than the selected ones: only the pure parser
            # uses them (the native engine has its own kernels).
            parser_class = PyFrameParser
        rules = {
            "validate_utf8": options.validate_utf8,
            "accept_unmasked": options.accept_unmasked,
            "accept_masked": options.accept_masked,
        }
        limits = (server, options.max_frame_size, options.max_message_size)
        if parser_class is PyFrameParser:
            return PyFrameParser(
                *limits,
                **rules,
                utf8_validator=options.utf8_validator,
                xor_masker=options.xor_masker,
                deflate=self.deflate,
                streaming=options.streaming,
            )
        return parser_class(*limits, **rules)

    def _apply(self, item: tuple[Any, ...]) -> Event | None:
        """The event for a parsed item, with its effects (automatic replies, state changes)
        applied now, in event order; None when the item gives none in the current state."""
        kind = item[0]
        # Data that arrives after we sent our close frame (CLOSING) is still delivered, as in
        # autobahn: the peer sent it before it saw our close (RFC 6455 §7.1.2 lets it).
        if kind <= OP_BINARY:
            return Message(item[1], kind == OP_BINARY) if self.state in (OPEN, CLOSING) else None
        if kind == OP_PING:
            if self.state != OPEN:
                return None
            self._outbox.append(self._frame(OP_PONG, item[1], True, False))
            return Ping(item[1])
        if kind == OP_PONG:
            return Pong(item[1]) if self.state == OPEN else None
        if kind == OP_CLOSE:
            self._receive_close(item[1])
            return None  # its event is in self._events now
        if kind == _frames_py.FAIL:
            self.fail(item[1], item[2])
            return None
        if self.state not in (OPEN, CLOSING):
            return None
        if kind == _frames_py.FRAME_DATA:
            return FrameData(item[1])
        if kind == _frames_py.FRAME_BEGIN:
            return FrameBegin(item[1])
        if kind == _frames_py.FRAME_END:
            return _FRAME_END
        if kind == _frames_py.MESSAGE_BEGIN:
            return MessageBegin(item[1])
        return _MESSAGE_END

    def _receive_close(self, payload: bytes) -> None:
        code: int | None = None
        reason = ""
        if len(payload) == 1:
            self.fail(CLOSE_PROTOCOL_ERROR, "close frame with a 1-byte payload")
            return
        if payload:
            code = struct.unpack_from("!H", payload)[0]
            if not is_valid_close_code(code):
                self.fail(CLOSE_PROTOCOL_ERROR, f"invalid close code {code}")
                return
            try:
                reason = payload[2:].decode("utf-8")
            except UnicodeDecodeError:
                self.fail(CLOSE_INVALID_PAYLOAD, "close reason is not valid UTF-8")
                return
        self.close_received = (code, reason)
        if self.state == OPEN:
            reply = self.options.close_reply
            if reply == "normal":
                self._outbox.append(self._close_frame(CLOSE_NORMAL, ""))
            else:  # echo the peer's code, as RFC 6455 §5.5.1 suggests
                self._outbox.append(self._close_frame(code, reason if reply == "code-and-reason" else ""))
        self.state = CLOSED
        self._events.append(CloseReceived(code, reason))

    # --- opening handshake (role-specific) ---

    def _receive_handshake(self, data: bytes) -> None:
        raise NotImplementedError


class ServerConnection(Connection):
    """The server side: receives the opening handshake, then frames from a client."""

    role = SERVER

    def __init__(self, options: ProtocolOptions | None = None, peer: str = "") -> None:
        super().__init__(options)
        self.peer = peer
        self.request: ConnectionRequest | None = None
        self._handshake_buffer = b""
        self._key = ""
        self._extension_offers: list[tuple[str, _deflate.Params]] = []

    def _receive_handshake(self, data: bytes) -> None:
        buffer = self._handshake_buffer + data
        policy = self.options.flash_policy
        if policy is not None and buffer.startswith(FLASH_POLICY_REQUEST):
            self._handshake_buffer = b""
            self._outbox.append(policy)
            self.state = CLOSED
            self._events.append(FlashPolicyRequest())
            return
        end = buffer.find(b"\r\n\r\n")
        if end < 0:
            if len(buffer) > _handshake.MAX_HANDSHAKE_SIZE:
                self._refuse(HandshakeError(431, "opening handshake too large"))
            else:
                self._handshake_buffer = buffer
            return
        if end > _handshake.MAX_HANDSHAKE_SIZE:
            self._refuse(HandshakeError(431, "opening handshake too large"))
            return
        self._handshake_buffer = b""
        self._pending, self._pending_pos = buffer[end + 4 :], 0
        if self.options.answer_plain_http and self._is_plain_get(buffer[:end]):
            return
        try:
            self.request = self._parse_request(buffer[:end])
        except HandshakeError as exc:
            self._refuse(exc)
            return
        self.state = ACCEPTING
        self._events.append(RequestReceived(self.request))

    def _is_plain_get(self, block: bytes) -> bool:
        """A well-formed GET without "Upgrade: websocket" becomes a PlainHttpRequest."""
        try:
            start, headers = _handshake.split_header_block(block)
        except HandshakeError:
            return False
        parts = start.split(" ")
        if len(parts) != 3 or parts[0] != "GET" or "upgrade" in headers:
            return False
        self.state = CLOSED
        self._events.append(PlainHttpRequest(parts[1], headers))
        return True

    def _parse_request(self, block: bytes) -> ConnectionRequest:
        path, headers, self._key = _handshake.parse_request(block)
        origin = headers.get("origin", headers.get("sec-websocket-origin"))
        check = self.options.origin_check
        if check is not None and not check(origin):
            raise HandshakeError(400, f"WebSocket connection denied: origin {origin!r} not allowed")
        extensions_header = headers.get("sec-websocket-extensions", "")
        try:
            self._extension_offers = _deflate.parse_extensions(extensions_header)
        except _deflate.NegotiationError as exc:
            raise HandshakeError(400, f"malformed Sec-WebSocket-Extensions: {exc}") from None
        url = urlsplit(path)
        return ConnectionRequest(
            peer=self.peer,
            headers=headers,
            host=host_without_port(headers["host"]),
            path=url.path,
            params=parse_qs(url.query),
            version=13,
            origin=origin,
            protocols=_handshake.tokens(headers.get("sec-websocket-protocol")),
            extensions=_handshake.tokens(extensions_header),
        )

    def _refuse(self, exc: HandshakeError) -> None:
        self._outbox.append(_handshake.build_error_response(exc.status, exc.reason, exc.headers))
        self.state = CLOSED
        self._events.append(HandshakeFailed(exc.status, exc.reason))

    def choose_subprotocol(self) -> str | None:
        """The first of our ``options.protocols`` the client offered (None if none)."""
        assert self.request is not None
        offered = self.request.protocols
        return next((p for p in self.options.protocols if p in offered), None)

    def accept(
        self, subprotocol: str | None = None, headers: dict[str, str] | list[tuple[str, str]] | None = None
    ) -> bytes:
        """The 101 response; the connection is then OPEN. Call ``receive_data()`` (or
        ``next_event()``) next for frames that arrived together with the handshake."""
        if self.state != ACCEPTING or self.request is None:
            raise InvalidStateError(f"accept() needs a received handshake; the connection is {self.state}")
        if subprotocol is not None and subprotocol not in self.request.protocols:
            raise ValueError(f"subprotocol {subprotocol!r} was not offered by the client")
        response = [
            ("Upgrade", "websocket"),
            ("Connection", "Upgrade"),
            ("Sec-WebSocket-Accept", _handshake.accept_value(self._key)),
        ]
        if subprotocol is not None:
            response.append(("Sec-WebSocket-Protocol", subprotocol))
        deflate = accepted = None
        if self.options.negotiate is not None:
            accepted = self.options.negotiate(self._extension_offers)
        elif self.options.deflate is not None:
            accepted = _deflate.server_accept(self._extension_offers, self.options.deflate)
        if accepted is not None:
            extension, deflate = accepted
            response.append(("Sec-WebSocket-Extensions", extension))
        response.extend(headers.items() if isinstance(headers, dict) else headers or ())
        data = _handshake.build_response(101, response)  # ValueError for a bad header: still ACCEPTING
        self.subprotocol, self.deflate, self.state = subprotocol, deflate, OPEN
        return data

    def reject(self, status: int = 403, reason: str = "") -> bytes:
        """An HTTP error response refusing the handshake; the connection is then CLOSED."""
        if self.state != ACCEPTING:
            raise InvalidStateError(f"reject() needs a received handshake; the connection is {self.state}")
        self.state = CLOSED
        return _handshake.build_error_response(status, reason or _handshake.HTTP_REASONS.get(status, "refused"))


class ClientConnection(Connection):
    """The client side: sends the opening handshake, then masked frames.

    ``host``, ``path``, ``origin``, ``headers`` and ``options.protocols`` make the request;
    they may be changed until ``initiate()``. Through an HTTP proxy, ``proxy_target`` is the
    "host:port" to tunnel to: the connection starts in PROXY_CONNECTING, sends
    ``proxy_request()`` and, on ProxyTunnelOpened, ``initiate()``.
    """

    role = CLIENT

    def __init__(
        self,
        host: str,
        path: str = "/",
        options: ProtocolOptions | None = None,
        origin: str | None = None,
        headers: dict[str, str] | None = None,
        peer: str = "",
        proxy_target: str | None = None,
    ) -> None:
        super().__init__(options)
        self.host = host
        self.path = path
        self.origin = origin
        self.headers = headers or {}
        self.peer = peer
        self.proxy_target = proxy_target
        self.response: ConnectionResponse | None = None
        self._key = base64.b64encode(os.urandom(16)).decode("ascii")
        self._proxy_buffer = b""
        self._handshake_buffer = b""
        self._initiated = False
        if proxy_target is not None:
            self.state = PROXY_CONNECTING

    def proxy_request(self) -> bytes:
        """The HTTP CONNECT request asking the proxy for a tunnel to ``proxy_target``."""
        target = self.proxy_target
        if self.state != PROXY_CONNECTING or target is None:
            raise InvalidStateError(f"no proxy tunnel to ask for: the connection is {self.state}")
        _handshake._check_header("Host", target)  # no line breaks smuggled into the request
        return f"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n".encode()

    def initiate(self) -> bytes:
        """The opening handshake request. A response received before (with the proxy's
        answer) is parsed now, its events waiting for ``next_event()``."""
        if self._initiated:
            raise InvalidStateError("the opening handshake was already sent")
        if self.state == PROXY_CONNECTING:
            raise InvalidStateError("the proxy has not opened the tunnel yet")
        if self.state != CONNECTING:
            raise InvalidStateError(f"cannot send the opening handshake: the connection is {self.state}")
        self._initiated = True
        extra: list[tuple[str, str]] = []
        if self.origin is not None:
            extra.append(("Origin", self.origin))
        if self.options.protocols:
            extra.append(("Sec-WebSocket-Protocol", ", ".join(self.options.protocols)))
        if self.options.extension_offer:
            extra.append(("Sec-WebSocket-Extensions", self.options.extension_offer))
        elif self.options.deflate is not None:
            extra.append(("Sec-WebSocket-Extensions", _deflate.client_offer(self.options.deflate)))
        extra.extend(self.headers.items())
        request = _handshake.build_request(self.host, self.path, self._key, extra)
        if self._handshake_buffer:
            self._receive_handshake(b"")
        return request

    def _receive_handshake(self, data: bytes) -> None:
        if self.state == PROXY_CONNECTING:
            data = self._receive_proxy_answer(data)
            if self.state != CONNECTING:
                return
        buffer = self._handshake_buffer + data
        # Before initiate() the bytes only wait (within the limit): the request, and so what
        # the response must match (e.g. the subprotocols offered), is not settled yet.
        end = buffer.find(b"\r\n\r\n") if self._initiated else -1
        if end < 0 or end > _handshake.MAX_HANDSHAKE_SIZE:
            if len(buffer) > _handshake.MAX_HANDSHAKE_SIZE:
                self._handshake_failed(0, "handshake response too large")
            else:
                self._handshake_buffer = buffer
            return
        self._handshake_buffer = b""
        try:
            self.response = self._check_response(buffer[:end])
        except HandshakeError as exc:
            self._handshake_failed(exc.status, exc.reason)
            return
        self.state = OPEN
        self._events.append(ResponseReceived(self.response))
        self._pending, self._pending_pos = buffer[end + 4 :], 0

    def _handshake_failed(self, status: int, reason: str) -> None:
        self.state = CLOSED
        self._events.append(HandshakeFailed(status, reason))

    def _receive_proxy_answer(self, data: bytes) -> bytes:
        """Take the proxy's answer to CONNECT as it arrives; the bytes that followed it."""
        buffer = self._proxy_buffer + data
        end = buffer.find(b"\r\n\r\n")
        if end < 0 or end > MAX_PROXY_ANSWER:
            if len(buffer) > MAX_PROXY_ANSWER:
                self._proxy_tunnel_refused(0, "the proxy's answer is too large")
            else:
                self._proxy_buffer = buffer
            return b""
        self._proxy_buffer = b""
        status_line = buffer[: buffer.find(b"\r\n")].decode("latin-1")
        status = _handshake.status_code(status_line)
        if status != 200:  # RFC 9110 §9.3.6 allows any 2xx; proxies answer 200, as autobahn expects
            self._proxy_tunnel_refused(status or 0, f"HTTP proxy refused the tunnel: {status_line!r}")
            return b""
        self.state = CONNECTING
        self._events.append(ProxyTunnelOpened())
        return buffer[end + 4 :]

    def _proxy_tunnel_refused(self, status: int, reason: str) -> None:
        self._proxy_buffer = b""
        self.state = CLOSED
        self._events.append(ProxyTunnelRefused(status, reason))

    def _check_response(self, block: bytes) -> ConnectionResponse:
        status, headers = _handshake.parse_response(block)
        if status != 101:
            raise HandshakeError(status, f"the server answered with HTTP status {status}, not 101")
        if "websocket" not in (t.lower() for t in _handshake.tokens(headers.get("upgrade"))):
            raise HandshakeError(status, "response lacks 'Upgrade: websocket'")
        if "upgrade" not in (t.lower() for t in _handshake.tokens(headers.get("connection"))):
            raise HandshakeError(status, "response lacks 'Connection: Upgrade'")
        if headers.get("sec-websocket-accept") != _handshake.accept_value(self._key):
            raise HandshakeError(status, "wrong or missing Sec-WebSocket-Accept")
        protocol = headers.get("sec-websocket-protocol")
        if protocol is not None and protocol not in self.options.protocols:
            raise HandshakeError(status, f"the server chose subprotocol {protocol!r}, which was not offered")
        self.subprotocol = protocol
        extensions_header = headers.get("sec-websocket-extensions", "")
        try:
            extensions = _deflate.parse_extensions(extensions_header)
            if self.options.accept_extensions is not None:
                self.deflate = self.options.accept_extensions(extensions) if extensions else None
                extensions = []
            for name, params in extensions:
                if name != _deflate.EXTENSION_NAME or self.options.deflate is None or self.deflate is not None:
                    raise _deflate.NegotiationError(f"extension {name!r} was not offered")
                self.deflate = _deflate.client_accept(params, self.options.deflate)
        except _deflate.NegotiationError as exc:
            raise HandshakeError(status, f"unacceptable Sec-WebSocket-Extensions: {exc}") from None
        return ConnectionResponse(
            peer=self.peer,
            headers=headers,
            version=13,
            protocol=protocol,
            extensions=_handshake.tokens(extensions_header),
        )


__all__ = [
    "ProtocolOptions",
    "DeflateOptions",
    "Connection",
    "ServerConnection",
    "ClientConnection",
    "RequestReceived",
    "ResponseReceived",
    "HandshakeFailed",
    "FlashPolicyRequest",
    "ProxyTunnelOpened",
    "ProxyTunnelRefused",
    "Message",
    "Ping",
    "Pong",
    "CloseReceived",
    "ConnectionFailed",
    "MessageBegin",
    "FrameBegin",
    "FrameData",
    "FrameEnd",
    "MessageEnd",
    "InvalidStateError",
    "SendStateError",
    "frame_header",
    "is_valid_close_code",
]
