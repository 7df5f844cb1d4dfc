"""autobahn's WebSocket protocol classes, independent of any framework.

``WebSocketServerProtocol`` / ``WebSocketClientProtocol`` and their factories carry autobahn's
public API (callbacks such as ``onMessage``, methods such as ``sendMessage``, the options of
``setProtocolOptions``) on top of the sans-IO core in ``autobahn.websocket.sansio``. They do
no I/O themselves: the framework adapters (``autobahn.asyncio.websocket``,
``autobahn.twisted.websocket``) subclass them and supply a handful of primitives:

- ``_write(data)``, ``_close_transport()``, ``_abort_transport()``: the transport;
- ``_call_later(delay, callback)`` returning an object with ``cancel()``: timers;
- ``_create_future()`` / ``_resolve_future(future, value)``: ``is_open`` / ``is_closed``;
- ``_on_result(result, on_done, on_error)``: a callback returned an awaitable (coroutine,
  Future or Deferred): call ``on_done(value)`` or ``on_error(exc)`` when it completes.

and call ``_connection_made(peer, transport_details)``, ``_data_received(data)`` and
``_connection_lost()`` as the transport reports. So one implementation of the protocol (in the
core) and one of autobahn's behaviour (here) serve both frameworks.
"""

from __future__ import annotations

import logging
import os
import re
import time
from typing import Any

from autobahn import _transport_details
from autobahn._version import __version__
from autobahn.exception import Disconnected
from autobahn.util import ObservableMixin
from autobahn.websocket import _handshake
from autobahn.websocket import sansio as core
from autobahn.websocket._deflate import DeflateOptions
from autobahn.websocket.types import ConnectionAccept, ConnectionDeny, ConnectionRequest, ConnectionResponse

log = logging.getLogger("autobahn.websocket")

# The core's states as autobahn's integers.
_STATE = {
    core.PROXY_CONNECTING: 4,
    core.CONNECTING: 1,
    core.ACCEPTING: 1,
    core.OPEN: 3,
    core.CLOSING: 2,
    core.CLOSED: 0,
}
# The core's state of a message sent frame by frame as autobahn's SEND_STATE_* integers.
_SEND_STATE = {
    core.SEND_IDLE: 0,
    core.SEND_MESSAGE_BEGUN: 1,
    core.SEND_BETWEEN_FRAMES: 2,
    core.SEND_IN_FRAME: 3,
}


class TrafficStats:
    """Octet, frame and message counters (kept when ``trackTimings`` is on)."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.outgoingOctetsWireLevel = 0
        self.outgoingOctetsWebSocketLevel = 0
        self.outgoingOctetsAppLevel = 0
        self.outgoingWebSocketFrames = 0
        self.outgoingWebSocketMessages = 0
        self.incomingOctetsWireLevel = 0
        self.incomingOctetsWebSocketLevel = 0
        self.incomingOctetsAppLevel = 0
        self.incomingWebSocketFrames = 0
        self.incomingWebSocketMessages = 0
        self.preopenOutgoingOctetsWireLevel = 0
        self.preopenIncomingOctetsWireLevel = 0

    def __json__(self) -> dict[str, int]:
        return dict(vars(self))

    def __str__(self) -> str:
        return str(self.__json__())


class FrameHeader:
    """A frame's header fields, as ``sendFrame``/``logTxFrame`` describe one."""

    def __init__(self, opcode: int, fin: bool, rsv: int, length: int, mask: bytes | None) -> None:
        self.opcode = opcode
        self.fin = fin
        self.rsv = rsv
        self.length = length
        self.mask = mask


class Timings:
    """Named points in time since creation, for ``trackTimings``."""

    def __init__(self) -> None:
        self._start = time.perf_counter()
        self._timings: dict[str, float] = {}

    def track(self, key: str) -> None:
        self._timings[key] = time.perf_counter() - self._start

    def diff(self, startKey: str, endKey: str, formatted: bool = True) -> str | float | None:
        if startKey not in self._timings or endKey not in self._timings:
            return None
        d = self._timings[endKey] - self._timings[startKey]
        if not formatted:
            return d
        for unit, scale in (("s", 1.0), ("ms", 1e3), ("us", 1e6)):
            if d * scale >= 1 or unit == "us":
                return f"{d * scale:.1f} {unit}"
        return None  # unreachable

    def __getitem__(self, key: str) -> float | None:
        return self._timings.get(key)

    def __iter__(self) -> Any:
        return iter(self._timings)

    def __str__(self) -> str:
        return str(self._timings)


def parseHttpHeader(data: bytes | str) -> tuple[str, dict[str, str], dict[str, int]]:
    """Split an HTTP header block into (status line, {lower-case name: value}, {name: count}).
    Repeated headers are joined with ", "."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    lines = text.replace("\r\n", "\n").split("\n")
    headers: dict[str, str] = {}
    counts: dict[str, int] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if not sep:
            continue
        key = name.strip().lower()
        value = value.strip()
        if key in headers:
            headers[key] += ", " + value
            counts[key] += 1
        else:
            headers[key] = value
            counts[key] = 1
    return lines[0], headers, counts


class PreparedMessage:
    """A message framed once and sent to many connections (``factory.prepareMessage`` and
    ``sendPreparedMessage``): broadcasting costs one framing, not one per receiver."""

    def __init__(self, payload: bytes, isBinary: bool, applyMask: bool, doNotCompress: bool) -> None:
        self.payload = payload
        self.binary = isBinary
        self.doNotCompress = doNotCompress
        self.applyMask = applyMask
        opcode = core.OP_BINARY if isBinary else core.OP_TEXT
        # Servers send it as is; clients must mask every frame afresh (see sendPreparedMessage).
        self.payloadHybi = core.frame_header(opcode, len(payload), True, False, None) + payload


class WebSocketProtocol(ObservableMixin):
    """What server and client connections share: autobahn's callbacks, methods and constants.

    Besides ``onMessage``, listeners added with ``on("message", handler)`` get every message
    as ``handler(payload, is_binary=...)``."""

    SUPPORTED_SPEC_VERSIONS = [10, 11, 12, 13, 14, 15, 16, 17, 18]
    SUPPORTED_PROTOCOL_VERSIONS = [8, 13]
    SPEC_TO_PROTOCOL_VERSION = {10: 8, 11: 8, 12: 8, 13: 13, 14: 13, 15: 13, 16: 13, 17: 13, 18: 13}
    PROTOCOL_TO_SPEC_VERSION = {8: 12, 13: 18}
    DEFAULT_SPEC_VERSION = 18
    # Why the opening handshake failed (HandshakeFailed's reason), for onClose's reason.
    _handshake_failure: str | None = None

    MESSAGE_TYPE_TEXT = 1
    MESSAGE_TYPE_BINARY = 2

    STATE_CLOSED = 0
    STATE_CONNECTING = 1
    STATE_CLOSING = 2
    STATE_OPEN = 3
    STATE_PROXY_CONNECTING = 4

    SEND_STATE_GROUND = 0
    SEND_STATE_MESSAGE_BEGIN = 1
    SEND_STATE_INSIDE_MESSAGE = 2
    SEND_STATE_INSIDE_MESSAGE_FRAME = 3

    CLOSE_STATUS_CODE_NORMAL = 1000
    CLOSE_STATUS_CODE_GOING_AWAY = 1001
    CLOSE_STATUS_CODE_PROTOCOL_ERROR = 1002
    CLOSE_STATUS_CODE_UNSUPPORTED_DATA = 1003
    CLOSE_STATUS_CODE_RESERVED1 = 1004
    CLOSE_STATUS_CODE_NULL = 1005  # never on the wire: "no code"
    CLOSE_STATUS_CODE_ABNORMAL_CLOSE = 1006  # never on the wire: "dropped without a close"
    CLOSE_STATUS_CODE_INVALID_PAYLOAD = 1007
    CLOSE_STATUS_CODE_POLICY_VIOLATION = 1008
    CLOSE_STATUS_CODE_MESSAGE_TOO_BIG = 1009
    CLOSE_STATUS_CODE_MANDATORY_EXTENSION = 1010
    CLOSE_STATUS_CODE_INTERNAL_ERROR = 1011
    CLOSE_STATUS_CODE_SERVICE_RESTART = 1012
    CLOSE_STATUS_CODE_TRY_AGAIN_LATER = 1013
    CLOSE_STATUS_CODE_UNASSIGNED1 = 1014
    CLOSE_STATUS_CODE_TLS_HANDSHAKE_FAILED = 1015  # never on the wire
    CLOSE_STATUS_CODES_ALLOWED = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014]

    CONFIG_ATTRS_COMMON = [
        "logOctets",
        "logFrames",
        "trackTimings",
        "utf8validateIncoming",
        "applyMask",
        "maxFramePayloadSize",
        "maxMessagePayloadSize",
        "autoFragmentSize",
        "failByDrop",
        "echoCloseCodeReason",
        "openHandshakeTimeout",
        "closeHandshakeTimeout",
        "tcpNoDelay",
        "autoPingInterval",
        "autoPingTimeout",
        "autoPingSize",
        "autoPingRestartOnAnyTraffic",
    ]
    CONFIG_ATTRS_SERVER = [
        "versions",
        "webStatus",
        "requireMaskedClientFrames",
        "maskServerFrames",
        "perMessageCompressionAccept",
        "serveFlashSocketPolicy",
        "flashSocketPolicy",
        "allowedOrigins",
        "allowedOriginsPatterns",
        "allowNullOrigin",
        "maxConnections",
        "trustXForwardedFor",
    ]
    CONFIG_ATTRS_CLIENT = [
        "version",
        "acceptMaskedServerFrames",
        "maskClientFrames",
        "serverConnectionDropTimeout",
        "perMessageCompressionOffers",
        "perMessageCompressionAccept",
    ]

    factory: Any = None
    peer = "<never connected>"
    logOctets = False  # options are copied from the factory when the connection is made
    trackTimings = False
    _conn: core.Connection | None = None

    def __init__(self) -> None:
        self.set_valid_events(["message"])
        self.is_closed: Any = self._create_future()
        self.is_open: Any = self._create_future()
        self._transport_details: Any = None
        self.websocket_protocol_in_use: str | None = None
        self.websocket_extensions_in_use: list[Any] = []
        self.wasClean = False
        self.wasNotCleanReason: str | None = None  # why the connection ended unclean, once known
        self.remoteCloseCode: int | None = None
        self.remoteCloseReason: str | None = None
        self.localCloseCode: int | None = None
        self.localCloseReason: str | None = None
        self.trafficStats = TrafficStats()
        self.trackedTimings: Timings | None = None
        self._timer: Any = None
        self._ping_timer: Any = None
        self._pong_timer: Any = None
        self._ping_payload: bytes | None = None
        self._ping_sent_at = 0.0
        self._ping_seq = 0
        self._traffic_since_ping = False
        self._close_fired = False
        # A subclass overriding a streaming callback gets frames as they arrive (the core's
        # streaming events) instead of whole messages.
        self._streaming_receive = _overrides_streaming(type(self))
        self._input_paused = False  # reading stopped while the frame budget is exhausted

    # --- what the framework adapters provide ---

    def _write(self, data: bytes | bytearray | memoryview) -> None:
        raise NotImplementedError

    def _close_transport(self) -> None:
        raise NotImplementedError

    def _abort_transport(self) -> None:
        raise NotImplementedError

    def _call_later(self, delay: float, callback: Any) -> Any:
        raise NotImplementedError

    def _set_reading(self, reading: bool) -> None:
        """Stop (False) or resume (True) reading from the peer (a no-op where unsupported)."""

    def _close_after_answer(self) -> None:
        """Close after an HTTP error answer was written (adapters may half-close first, so
        that bytes the peer is still sending do not reset the connection and lose it)."""
        self._close_transport_gracefully()

    def _create_future(self) -> Any:
        return None

    def _resolve_future(self, future: Any, value: Any) -> None:
        pass

    def _on_result(self, result: Any, on_done: Any, on_error: Any) -> bool:
        """Handle an awaitable returned by a callback; False when ``result`` is no awaitable."""
        return False

    # --- callbacks for applications to override ---

    def onOpen(self) -> None:
        """The opening handshake completed: messages may be sent."""

    def onMessageBegin(self, isBinary: bool) -> None:
        """Streaming API: a message starts (only called when a subclass overrides it or the
        other streaming callbacks; otherwise whole messages go to ``onMessage``)."""
        self._message_is_binary = isBinary
        self._message_parts: list[bytes] = []

    def onMessageFrameBegin(self, length: int) -> None:
        """Streaming API: a frame of the current message starts (``length``: its payload size)."""
        self._frame_parts: list[bytes] = []

    def onMessageFrameData(self, payload: bytes) -> None:
        """Streaming API: a piece of the current frame's payload (unmasked, validated)."""
        self._frame_parts.append(payload)

    def onMessageFrameEnd(self) -> None:
        """Streaming API: the current frame ended."""
        self.onMessageFrame(self._frame_parts)

    def onMessageFrame(self, payload: Any) -> None:
        """Frame API: a whole frame of the current message (``payload``: its pieces)."""
        self._message_parts.extend(payload)

    def onMessageEnd(self) -> None:
        """Streaming API: the current message ended."""
        payload = b"".join(self._message_parts)
        self.onMessage(payload, self._message_is_binary)
        if self._listeners:
            self._fire_message(payload, self._message_is_binary)

    def onMessage(self, payload: bytes, isBinary: bool) -> None:
        """A whole message arrived (text payloads are valid UTF-8 bytes)."""

    def onPing(self, payload: bytes) -> None:
        """A ping arrived (its pong has been sent already)."""

    def onPong(self, payload: bytes) -> None:
        """A pong arrived."""

    def onClose(self, wasClean: bool, code: int | None, reason: str | None) -> None:
        """The connection is closed (called once)."""

    def onCloseFrame(self, code: int | None, reasonRaw: bytes | None) -> bool | None:
        """The peer's close frame arrived (the core has answered it already)."""
        return None

    def onServerConnectionDropTimeout(self) -> None:
        """Client: the server did not close the TCP connection in time after the closing handshake."""
        self.wasClean = False
        self.wasNotCleanReason = "closing handshake done, but the server did not close the TCP connection in time"
        self.dropConnection(abort=True)

    def onOpenHandshakeTimeout(self) -> None:
        """The opening handshake did not complete within ``openHandshakeTimeout``."""
        self.wasClean = False
        self.wasNotCleanReason = "opening handshake timeout (the peer did not complete it in time)"
        self.dropConnection(abort=True)

    def onCloseHandshakeTimeout(self) -> None:
        """The peer did not answer our close frame within ``closeHandshakeTimeout``."""
        self.wasClean = False
        self.wasNotCleanReason = "closing handshake timeout (the peer did not answer the close frame in time)"
        self.dropConnection(abort=True)

    def onAutoPong(
        self, ping_sent: float, ping_seq: int, pong_received: float, pong_rtt: float, payload: bytes
    ) -> None:
        """The pong for an automatic ping arrived (times in seconds, ``pong_rtt`` in ms)."""

    def onAutoPingTimeout(self) -> None:
        """No pong for an automatic ping within ``autoPingTimeout``: the connection is dropped."""
        log.debug("no pong from %s within %ss: dropping the connection", self.peer, self.autoPingTimeout)
        self.wasClean = False
        self.wasNotCleanReason = "ping timeout (no pong from the peer in time)"
        self.dropConnection(abort=True)

    # Frame-level hooks of autobahn's own parser; our core parses frames, so they are not called.
    def onFrameBegin(self) -> None:
        """Not called: frames are parsed by the core (``autobahn.websocket.sansio``)."""

    def onFrameData(self, payload: bytes) -> bool | None:
        """Not called: frames are parsed by the core."""
        return None

    def onFrameEnd(self) -> bool | None:
        """Not called: frames are parsed by the core."""
        return None

    # --- state ---

    @property
    def state(self) -> int:
        """One of the ``STATE_*`` values."""
        if self._conn is None:
            return self.STATE_CONNECTING if self._transport_details is not None else self.STATE_CLOSED
        return _STATE[self._conn.state]

    @property
    def send_state(self) -> int:
        """Where a message sent frame by frame (``beginMessage`` ...) stands: one of the
        ``SEND_STATE_*`` values."""
        conn = self._conn
        return self.SEND_STATE_GROUND if conn is None else _SEND_STATE[conn.send_state]

    _dropped = False  # dropConnection() ran

    @property
    def transport_details(self) -> Any:
        """Details of the underlying transport (peer, TLS, ...), set when the connection is made."""
        return self._transport_details

    def setTrackTimings(self, enable: bool) -> None:
        """Record named points in time (``trackedTimings``) during the connection's life."""
        self.trackedTimings = Timings() if enable else None

    def _track(self, key: str) -> None:
        if self.trackedTimings is not None:
            self.trackedTimings.track(key)

    # --- methods for applications ---

    def sendMessage(
        self,
        payload: bytes | str,
        isBinary: bool = False,
        fragmentSize: int | None = None,
        sync: bool = False,
        doNotCompress: bool = False,
    ) -> None:
        """Send a whole message (``sync`` is accepted for compatibility; writes are immediate)."""
        conn = self._conn
        if conn is None or conn.state != core.OPEN:
            raise Disconnected(f"cannot send a message: the connection is not open ({self.state})")
        if isinstance(payload, str):
            payload = payload.encode("utf-8")
        fragment_size = fragmentSize or self.autoFragmentSize or None
        try:
            if len(payload) < _LARGE_PAYLOAD:
                self._write(conn.send_message(payload, isBinary, fragment_size, not doNotCompress))
                return
            parts = conn.message_frames(payload, isBinary, fragment_size, not doNotCompress)
        except core.InvalidStateError as exc:  # the open connection refuses: a message is being streamed
            raise Disconnected(str(exc)) from None
        if len(parts) == 2 and len(parts[1]) >= _LARGE_PAYLOAD:
            # Header and payload written apart: saves copying a large payload to join them.
            self._write_frame_apart(parts[0], parts[1])
        else:
            self._write(b"".join(parts))  # one write (one send() call) per message

    def sendPreparedMessage(self, preparedMsg: PreparedMessage) -> None:
        """Send a message framed by ``factory.prepareMessage``."""
        conn = self._conn
        if conn is None or conn.state != core.OPEN:
            raise Disconnected("cannot send a message: the connection is not open")
        if conn.can_send_preframed(not preparedMsg.doNotCompress):
            self._write(preparedMsg.payloadHybi)
        else:
            self.sendMessage(preparedMsg.payload, preparedMsg.binary, doNotCompress=preparedMsg.doNotCompress)

    def sendPing(self, payload: bytes | None = None) -> None:
        """Send a ping (payload at most 125 bytes)."""
        self._write(self._open_conn("send a ping").send_ping(payload or b""))

    def sendPong(self, payload: bytes | None = None) -> None:
        """Send an unsolicited pong (payload at most 125 bytes)."""
        self._write(self._open_conn("send a pong").send_pong(payload or b""))

    def sendClose(self, code: int | None = None, reason: str | None = None) -> None:
        """Start the closing handshake (a no-op when it already started). Applications may
        close with 1000, 1001 (going away) or 3000-4999; ValueError otherwise. ``reason`` needs
        a code and is cut to the 123 bytes a close frame has room for."""
        if code is not None and code not in (1000, 1001) and not 3000 <= code <= 4999:
            raise ValueError(f"applications may close with 1000, 1001 or 3000-4999, not {code}")
        if reason is not None and code is None:
            raise ValueError("a close reason needs a close code")
        self.sendCloseFrame(code, reason.encode("utf-8") if reason else None)

    def sendCloseFrame(self, code: int | None = None, reasonUtf8: bytes | None = None, isReply: bool = False) -> None:
        """Send a close frame with any code a close frame may carry (``sendClose`` checks
        what applications may send)."""
        conn = self._conn
        if conn is None or conn.state in (core.CONNECTING, core.ACCEPTING):
            self.dropConnection(abort=True)
            return
        reason = reasonUtf8.decode("utf-8", "replace") if reasonUtf8 else ""
        data = conn.send_close(code, reason)
        if data:
            self.localCloseCode, self.localCloseReason = code, reason or None
            self._write(data)
            self._restart_timer(self.closeHandshakeTimeout, self._close_handshake_timed_out)

    def sendData(self, data: bytes, sync: bool = False, chopsize: int | None = None) -> None:
        """Write raw bytes to the transport, in pieces of ``chopsize`` bytes if given."""
        if chopsize and chopsize > 0:
            for start in range(0, len(data), chopsize):
                self._write(data[start : start + chopsize])
        else:
            self._write(data)

    def sendFrame(
        self,
        opcode: int,
        payload: bytes = b"",
        fin: bool = True,
        rsv: int = 0,
        mask: bytes | None = None,
        payload_len: int | None = None,
        chopsize: int | None = None,
        sync: bool = False,
    ) -> None:
        """Send one raw frame (for testing peers): any opcode and RSV bits; ``payload_len``
        repeats ``payload`` up to that length; ``mask`` a 4-byte key (clients get a random
        one by default)."""
        conn = self._open_conn("send a frame")
        self.sendData(conn.raw_frame(opcode, payload, fin, rsv, mask, payload_len), sync, chopsize)

    # Streaming API: a message sent frame by frame, each frame's data in pieces. The core
    # keeps the message's state and raises SendStateError on a call out of order, which
    # autobahn reports as a plain Exception naming its own method: each call translates.

    def beginMessage(self, isBinary: bool = False, doNotCompress: bool = False) -> None:
        """Start a message to be sent with ``beginMessageFrame``/``sendMessageFrameData`` (not
        compressed: permessage-deflate is per message, and streamed messages go uncompressed)."""
        conn = self._open_conn("begin a message")
        try:
            conn.begin_message(isBinary)
        except core.SendStateError:
            raise Exception("beginMessage() while a message is being sent") from None

    def beginMessageFrame(self, length: int) -> None:
        """Start a frame of ``length`` payload bytes, to be sent with ``sendMessageFrameData``."""
        conn = self._open_conn("begin a message frame")
        try:
            header = conn.begin_message_frame(length)
        except core.SendStateError:
            raise Exception("beginMessageFrame() outside a message, or inside an unfinished frame") from None
        self._write(header)

    def sendMessageFrameData(self, payload: bytes, sync: bool = False) -> int:
        """Send data of the current frame; returns the bytes the frame still lacks (negative:
        ``payload`` was longer than the frame, and the excess was not sent)."""
        try:
            data, rest = self._sending_conn().message_frame_data(payload)
        except core.SendStateError:
            raise Exception("sendMessageFrameData() outside a message frame") from None
        except core.InvalidStateError:
            raise Disconnected("cannot send message frame data: the connection is not open") from None
        self._write(data)
        return rest

    def sendMessageFrame(self, payload: bytes, sync: bool = False) -> None:
        """Frame API: send one whole frame of the current message."""
        self.beginMessageFrame(len(payload))
        if payload:
            self.sendMessageFrameData(payload, sync)

    def endMessage(self) -> None:
        """End the message (an empty final frame)."""
        try:
            last_frame = self._sending_conn().end_message()
        except core.SendStateError:
            raise Exception("endMessage() outside a message, or inside an unfinished frame") from None
        except core.InvalidStateError:
            raise Disconnected("cannot end a message: the connection is not open") from None
        self._write(last_frame)

    def _sending_conn(self) -> core.Connection:
        """The core connection a message is sent frame by frame on (the core checks the
        order of the calls); without one no message was begun, a call out of order too."""
        if self._conn is None:
            raise core.SendStateError("no message was begun: never connected")
        return self._conn

    def dropConnection(self, abort: bool = False) -> None:
        """Close the TCP connection (``abort``: at once, discarding what is not yet written).
        As in autobahn, the application's producer is unregistered, the connection counts as
        closed at once (``is_closed`` fires; ``onClose`` follows when the transport reports it)
        and no timer of this connection stays pending."""
        unregister = getattr(self, "unregisterProducer", None)
        if unregister is not None:
            unregister()
        self._cancel_all_timers()
        if self._dropped:
            return
        self._dropped = True
        conn = self._conn
        if conn is not None:
            conn.mark_closed()
        self._resolve_future(self.is_closed, self)
        if abort:
            self._abort_transport()
        else:
            self._close_transport()

    # autobahn's parser entry points: the core does this work; these process what is buffered.
    def consumeData(self) -> None:
        """Process the received bytes buffered so far."""
        if self._conn is not None:
            self._process()

    def processData(self) -> bool:
        """Process the received bytes buffered so far; False (nothing left to do)."""
        self.consumeData()
        return False

    def processHandshake(self) -> None:
        """Process a buffered opening handshake (the core does it as bytes arrive)."""
        self.consumeData()

    def processProxyConnect(self) -> None:
        """Process a buffered HTTP CONNECT answer (the core does it as bytes arrive)."""
        self.consumeData()

    def processControlFrame(self) -> bool:
        """Process buffered control frames (the core does it as bytes arrive)."""
        self.consumeData()
        return True

    def logRxOctets(self, data: bytes) -> None:
        log.debug("RX octets from %s: %r", self.peer, bytes(data[:256]))

    def logTxOctets(self, data: bytes, sync: bool) -> None:
        log.debug("TX octets to %s (sync=%s): %r", self.peer, sync, bytes(data[:256]))

    def logRxFrame(self, frameHeader: FrameHeader, payload: bytes) -> None:
        log.debug(
            "RX frame from %s: opcode=%s fin=%s length=%s",
            self.peer,
            frameHeader.opcode,
            frameHeader.fin,
            frameHeader.length,
        )

    def logTxFrame(
        self, frameHeader: FrameHeader, payload: bytes, repeatLength: int, chopsize: int, sync: bool
    ) -> None:
        log.debug(
            "TX frame to %s: opcode=%s fin=%s length=%s",
            self.peer,
            frameHeader.opcode,
            frameHeader.fin,
            frameHeader.length,
        )

    # --- driven by the adapters ---

    _transport_facts: Any = None  # the adapter's TransportFacts (autobahn._transport_details), if it gave them

    def _transport_made(self, facts: Any) -> None:
        """``_connection_made`` from the adapter's TransportFacts: the peer and the transport details."""
        self._transport_facts = facts
        self._connection_made(facts.peer(), _transport_details.create(facts))

    def _connection_made(self, peer: str, transport_details: Any = None) -> None:
        if "trafficStats" not in self.__dict__:
            # A subclass's __init__ did not call ours (autobahn's examples do that): set up now.
            WebSocketProtocol.__init__(self)
        self.peer = peer
        self._transport_details = transport_details
        for name in self.CONFIG_ATTRS:
            setattr(self, name, getattr(self.factory, name))
        self.setTrackTimings(self.trackTimings)
        self._track("onConnect")
        self._start()

    def _start(self) -> None:
        """Role-specific: create the core connection and start the handshake."""
        raise NotImplementedError

    def _begin(self, conn: core.Connection) -> None:
        self._conn = conn
        self._restart_timer(self.openHandshakeTimeout, self._open_handshake_timed_out)

    def _data_received(self, data: bytes) -> None:
        if self.logOctets:
            self.logRxOctets(data)
        self.trafficStats.incomingOctetsWireLevel += len(data)
        self._traffic_since_ping = True
        conn = self._conn
        if conn is None or self._dropped:
            return  # not started, or dropped (dropConnection): what arrives is discarded, as autobahn does
        conn.feed(data)
        self._process()

    def _connection_lost(self) -> None:
        self._cancel_all_timers()
        conn = self._conn
        was_clean = conn is not None and conn.was_clean and self.wasClean is not False
        if was_clean and conn is not None and conn.close_received is not None:
            # The peer's code and reason; a close frame without a code gives None, as in
            # autobahn (not 1005).
            code, reason = conn.close_received
        else:
            # As autobahn (whose wording programs print and match): an unclean end is 1006
            # with why, whatever close frame was sent or received.
            why = self.wasNotCleanReason
            if why is None and conn is not None and conn.failure is not None:
                why = conn.failure[1]
            if why is None and self._handshake_failure is not None:
                # e.g. a client told that the server answered 404: the reason a user needs to see
                why = f"WebSocket opening handshake failed: {self._handshake_failure}"
            if why is None:
                why = "peer dropped the TCP connection without previous WebSocket closing handshake"
            was_clean, code, reason = False, core.CLOSE_ABNORMAL, f'connection was closed uncleanly ("{why}")'
        if conn is not None:
            conn.mark_closed()
        self._connection_closed()
        self._fire_close(was_clean, code, reason or None)

    def _connection_closed(self) -> None:
        """Role-specific bookkeeping when the transport is gone."""

    def _write_frame_apart(self, header: bytes, payload: Any) -> None:
        """Write a frame whose large payload was not joined to its header (adapters may hand
        it to the transport piece by piece)."""
        self._write(header)
        self._write(payload)

    def _open_conn(self, what: str) -> core.Connection:
        conn = self._conn
        if conn is None or conn.state != core.OPEN:
            raise Disconnected(f"cannot {what}: the connection is not open")
        return conn

    def _flush(self) -> None:
        assert self._conn is not None
        data = self._conn.data_to_send()
        if data:
            self._write(data)

    def _process(self) -> None:
        """Dispatch every event the buffered bytes hold, in order (one call into the core),
        writing what the protocol answered by itself before each, so that replies keep the
        wire order."""
        conn = self._conn
        assert conn is not None
        if conn.dispatch(self._on_message, self._on_event, self._write) and conn.input_pending:
            self._pause_input()

    def _on_message(self, payload: bytes, is_binary: bool) -> None:
        self.trafficStats.incomingWebSocketMessages += 1
        # _call(self.onMessage, ...) inlined: this runs for every message.
        try:
            result = self.onMessage(payload, is_binary)
        except Exception as exc:
            self._callback_raised(self.onMessage, exc)
        else:
            if result is not None and not isinstance(result, (bool, int, str, bytes, tuple, list)):
                self._on_result(result, _ignore, self._callback_failed)
        if self._listeners:
            self._fire_message(payload, is_binary)

    def _on_event(self, event: Any) -> bool | None:
        """Any event but a whole message; True stops dispatching (the connection was dropped)."""
        kind = type(event)
        if kind is core.ConnectionFailed and self.failByDrop:
            self._conn.data_to_send()  # failByDrop: no close frame, the TCP connection is dropped
        self._flush()
        handler = _EVENT_HANDLERS.get(kind)
        if handler is None:
            self._handshake_event(event)
            return None
        return handler(self, event)

    def _on_frame_data(self, event: core.FrameData) -> None:
        self._call(self.onMessageFrameData, event.payload)

    def _on_frame_begin(self, event: core.FrameBegin) -> None:
        self._call(self.onMessageFrameBegin, event.length)

    def _on_frame_end(self, event: core.FrameEnd) -> None:
        self._call(self.onMessageFrameEnd)

    def _on_message_begin(self, event: core.MessageBegin) -> None:
        self._call(self.onMessageBegin, event.is_binary)

    def _on_message_end(self, event: core.MessageEnd) -> None:
        self.trafficStats.incomingWebSocketMessages += 1
        self._call(self.onMessageEnd)

    def _on_ping(self, event: core.Ping) -> None:
        self._call(self.onPing, event.payload)

    def _on_pong(self, event: core.Pong) -> None:
        self._pong_received(event.payload)

    def _on_close_received(self, event: core.CloseReceived) -> None:
        self.wasClean = True
        self.remoteCloseCode, self.remoteCloseReason = event.code, event.reason or None
        self._call(self.onCloseFrame, event.code, event.reason.encode("utf-8") if event.reason else None)
        self._flush()
        self._peer_closed()

    def _on_connection_failed(self, event: core.ConnectionFailed) -> bool | None:
        log.debug("failing WebSocket connection %s: %d %s", self.peer, event.code, event.reason)
        self.wasClean = False
        if self.failByDrop:
            self.dropConnection(abort=True)
            return True
        self._flush()
        self._close_transport_gracefully()
        return None

    def _on_handshake_failed(self, event: core.HandshakeFailed) -> None:
        log.debug("WebSocket opening handshake with %s failed: %s", self.peer, event.reason)
        self._handshake_failure = event.reason
        self.wasClean = False
        self._flush()
        self._close_after_answer()

    def _pause_input(self) -> None:
        """The frame budget of this chunk ran out (ProtocolOptions.max_frames_per_receive):
        stop reading from this peer, let the other connections run, then go on."""
        if not self._input_paused:
            self._input_paused = True
            self._set_reading(False)
        self._call_later(0, self._resume_input)

    def _resume_input(self) -> None:
        conn = self._conn
        if conn is None or conn.state == core.CLOSED:
            return
        conn.feed(b"")  # a new budget
        self._process()
        if not conn.input_pending and self._input_paused:
            self._input_paused = False
            self._set_reading(True)

    def _fire_message(self, payload: bytes, is_binary: bool) -> None:
        try:
            self._on_result(self.fire("message", payload, is_binary=is_binary), _ignore, self._listener_failed)
        except Exception as exc:
            self._listener_failed(exc)

    def _listener_failed(self, exc: BaseException) -> None:
        log.error("a 'message' listener failed", exc_info=exc)

    def _handshake_event(self, event: Any) -> None:
        raise NotImplementedError

    def _peer_closed(self) -> None:
        """The closing handshake completed by the peer's close frame."""
        self._cancel_timer()
        self._close_transport_gracefully()

    def _call(self, callback: Any, *args: Any) -> bool:
        """Run an application callback; an exception (now or from the awaitable it returns)
        fails the connection with 1011. False when it raised."""
        try:
            result = callback(*args)
        except Exception as exc:
            self._callback_raised(callback, exc)
            return False
        if result is not None and not isinstance(result, (bool, int, str, bytes, tuple, list)):
            self._on_result(result, _ignore, self._callback_failed)
        return True

    def _callback_raised(self, callback: Any, exc: Exception) -> None:
        """An application callback raised ``exc``: fail the connection with 1011 (unless it
        is a send on a connection that is closing anyway)."""
        if isinstance(exc, Disconnected):
            conn = self._conn
            if conn is not None and conn.state in (core.CLOSING, core.CLOSED):
                # E.g. an echo of a message that arrived while we were closing: nothing to
                # fail, the closing handshake goes on.
                log.debug("%s: %s", getattr(callback, "__qualname__", callback), exc)
                return
        log.exception("error in %s", getattr(callback, "__qualname__", callback))  # called in the except block
        self._internal_error()

    def _callback_failed(self, exc: BaseException) -> None:
        log.error("error in a WebSocket callback", exc_info=exc)
        self._internal_error()

    def _internal_error(self) -> None:
        conn = self._conn
        if conn is not None and conn.state == core.OPEN:
            conn.fail(core.CLOSE_INTERNAL_ERROR, "internal error")
            self._flush()
        self._close_transport_gracefully()

    def _fire_close(self, was_clean: bool, code: int | None, reason: str | None) -> None:
        if self._close_fired:
            return
        self._close_fired = True
        self._track("onClose")
        self._resolve_future(self.is_closed, self)
        self._call(self.onClose, was_clean, code, reason)

    def _opened(self) -> None:
        conn = self._conn
        assert conn is not None
        if self._transport_facts is not None:
            # The TLS channel ID, subprotocol and headers are known now (autobahn fills them in here too).
            _transport_details.complete(
                self._transport_details, self._transport_facts, conn.subprotocol, getattr(self, "http_headers", None)
            )
        self._cancel_timer()
        self._track("onOpen")
        self.websocket_protocol_in_use = conn.subprotocol
        self.websocket_extensions_in_use = _extensions_in_use(conn)
        if self.autoPingInterval:
            self._ping_timer = self._call_later(self.autoPingInterval, self._auto_ping)
        self._call(self.onOpen)
        self._resolve_future(self.is_open, None)  # after onOpen, with None, as autobahn

    # --- timers ---

    def _auto_ping(self) -> None:
        conn = self._conn
        if conn is None or conn.state != core.OPEN:
            return
        self._ping_timer = self._call_later(self.autoPingInterval, self._auto_ping)
        if self._pong_timer is not None:
            return  # the previous ping is still waiting for its pong
        if self.autoPingRestartOnAnyTraffic and self._traffic_since_ping and self._ping_seq:
            self._traffic_since_ping = False
            return  # the peer showed it is alive since the last ping
        self._sendAutoPing()

    def _sendAutoPing(self) -> None:
        """Send the next automatic ping and wait ``autoPingTimeout`` for its pong (Daphne calls
        this on its own schedule, with ``autoPingInterval`` off)."""
        conn = self._open_conn("send a ping")
        self._traffic_since_ping = False
        self._ping_seq += 1
        self._ping_payload = os.urandom(self.autoPingSize)
        self._ping_sent_at = time.time()
        self._write(conn.send_ping(self._ping_payload))
        if self._pong_timer is not None:
            self._pong_timer.cancel()
            self._pong_timer = None
        if self.autoPingTimeout:
            self._pong_timer = self._call_later(self.autoPingTimeout, self._auto_ping_timed_out)

    def _pong_received(self, payload: bytes) -> None:
        if payload == self._ping_payload and self._pong_timer is not None:
            self._pong_timer.cancel()
            self._pong_timer = self._ping_payload = None
            self._traffic_since_ping = False  # the pong itself does not put off the next ping
            now = time.time()
            self._call(
                self.onAutoPong, self._ping_sent_at, self._ping_seq, now, (now - self._ping_sent_at) * 1000, payload
            )
        self._call(self.onPong, payload)

    def _auto_ping_timed_out(self) -> None:
        self._pong_timer = None
        self._call(self.onAutoPingTimeout)

    def _open_handshake_timed_out(self) -> None:
        self._timer = None
        self._call(self.onOpenHandshakeTimeout)

    def _close_handshake_timed_out(self) -> None:
        self._timer = None
        self._call(self.onCloseHandshakeTimeout)

    def _restart_timer(self, delay: float, callback: Any) -> None:
        self._cancel_timer()
        if delay:
            self._timer = self._call_later(delay, callback)

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _cancel_all_timers(self) -> None:
        """The handshake/close timer and the keepalive's: none outlives the connection."""
        self._cancel_timer()
        for timer in (self._ping_timer, self._pong_timer):
            if timer is not None:
                timer.cancel()
        self._ping_timer = self._pong_timer = None

    def _close_transport_gracefully(self) -> None:
        """Close after writing what is buffered, and abort if that does not finish in time."""
        self._close_transport()
        self._restart_timer(self.closeHandshakeTimeout or 1.0, self._abort_now)

    def _abort_now(self) -> None:
        self._timer = None
        self._abort_transport()


_LARGE_PAYLOAD = 256 * 1024  # from this size on, a frame's header and payload are written apart
# What WebSocketProtocol._on_event does with each event type (the handshake's events are
# role-specific: _handshake_event).
_EVENT_HANDLERS: dict[type, Any] = {
    core.FrameData: WebSocketProtocol._on_frame_data,
    core.FrameBegin: WebSocketProtocol._on_frame_begin,
    core.FrameEnd: WebSocketProtocol._on_frame_end,
    core.MessageBegin: WebSocketProtocol._on_message_begin,
    core.MessageEnd: WebSocketProtocol._on_message_end,
    core.Ping: WebSocketProtocol._on_ping,
    core.Pong: WebSocketProtocol._on_pong,
    core.CloseReceived: WebSocketProtocol._on_close_received,
    core.ConnectionFailed: WebSocketProtocol._on_connection_failed,
    core.HandshakeFailed: WebSocketProtocol._on_handshake_failed,
}
_STREAMING_CALLBACKS = (
    "onMessageBegin",
    "onMessageFrameBegin",
    "onMessageFrameData",
    "onMessageFrameEnd",
    "onMessageFrame",
    "onMessageEnd",
)


def _overrides_streaming(cls: type) -> bool:
    """True when a subclass overrides a streaming/frame callback (then messages are delivered
    through them instead of straight to ``onMessage``)."""
    return any(getattr(cls, name) is not getattr(WebSocketProtocol, name) for name in _STREAMING_CALLBACKS)


def _extensions_in_use(conn: core.Connection) -> list[Any]:
    """autobahn's ``websocket_extensions_in_use``: the negotiated compression processor."""
    codec = conn.deflate
    if codec is None:
        return []
    from autobahn.websocket import compress
    from autobahn.websocket._deflate import PerMessageDeflate

    if isinstance(codec, PerMessageDeflate):
        return [compress.PerMessageDeflate.from_codec(codec, is_server=conn.role == core.SERVER)]
    return [codec._pmce]  # another extension's StreamingCodec carries its processor


def _parse_url(url: str) -> tuple[bool, str, int, str, str, dict[str, list[str]]]:
    """``(isSecure, host, port, resource, path, params)`` of a ws:// or wss:// URL, as
    autobahn's ``parse_url``; ValueError for anything else."""
    from urllib.parse import parse_qs, urlsplit

    parts = urlsplit(url)
    if parts.scheme not in ("ws", "wss"):
        raise ValueError(f"a WebSocket URL starts with ws:// or wss://, got {url!r}")
    if not parts.hostname:
        raise ValueError(f"no host in WebSocket URL {url!r}")
    if parts.fragment:
        raise ValueError(f"a WebSocket URL has no fragment, got {url!r}")
    is_secure = parts.scheme == "wss"
    port = parts.port or (443 if is_secure else 80)
    path = parts.path or "/"
    resource = path + (f"?{parts.query}" if parts.query else "")
    return is_secure, parts.hostname, port, resource, path, parse_qs(parts.query)


def _ignore(_: Any) -> None:
    pass


class WebSocketServerProtocol(WebSocketProtocol):
    """The server side of one connection. Override ``onConnect(request)`` to choose a
    subprotocol (return it, ``(subprotocol, headers)`` or a ConnectionAccept), or raise
    ConnectionDeny; it may return a coroutine or Deferred that resolves to one of those."""

    CONFIG_ATTRS = tuple(WebSocketProtocol.CONFIG_ATTRS_COMMON + WebSocketProtocol.CONFIG_ATTRS_SERVER)

    def onConnect(self, request: ConnectionRequest) -> Any:
        """A valid opening handshake arrived; None accepts it without a subprotocol (as
        autobahn: return one of ``request.protocols`` to speak it)."""
        return None

    def _start(self) -> None:
        self.factory.countConnections += 1
        self._counted = True
        options = self.factory._protocol_options()
        options.streaming = self._streaming_receive
        if self.serveFlashSocketPolicy:
            options.flash_policy = self.flashSocketPolicy.encode("utf-8")
        self._begin(core.ServerConnection(options, peer=self.peer))

    def _connection_closed(self) -> None:
        if getattr(self, "_counted", False):
            self._counted = False
            self.factory.countConnections -= 1

    def _handshake_event(self, event: Any) -> None:
        if type(event) is core.PlainHttpRequest:
            self._plain_http(event)
            return
        if type(event) is core.FlashPolicyRequest:
            self.dropConnection()  # the policy was written (_on_event flushes before handing out events)
            return
        if not isinstance(event, core.RequestReceived):
            return
        request = self.http_request = event.request
        self._track("onHandshake")
        # The attributes autobahn's server protocol has always set.
        self.http_headers = request.headers
        self.http_request_uri = request.path
        self.http_request_path = request.path
        self.http_request_params = request.params
        self.http_request_host = request.host
        self.websocket_version = request.version
        self.websocket_protocols = request.protocols
        if request.origin is None:
            request.origin = ""  # as autobahn: no Origin header reads as ""
        self.websocket_origin = request.origin
        # As autobahn: the offered extensions as [(name, {param: [value or True, ...]})].
        request.extensions = self.websocket_extensions = _extension_offers(request.headers)
        if self.trustXForwardedFor and "x-forwarded-for" in request.headers:
            hops = [h.strip() for h in request.headers["x-forwarded-for"].split(",")]
            self.peer = hops[-self.trustXForwardedFor] if len(hops) >= self.trustXForwardedFor else hops[0]
        host_header = request.headers.get("host", "").strip()
        if ":" in host_header and not host_header.endswith("]"):
            port = host_header.rsplit(":", 1)[1]
            if not _handshake.is_number(port):
                self._deny(ConnectionDeny(400, f"invalid port {port!r} in the Host header"))
                return
            if self.factory.externalPort and int(port) != self.factory.externalPort:
                self._deny(ConnectionDeny(400, f"port {port} in the Host header is not {self.factory.externalPort}"))
                return
        if self.maxConnections and self.factory.countConnections > self.maxConnections:
            self._deny(ConnectionDeny(503, "maximum number of connections reached"))
            return
        try:
            result = self.onConnect(request)
        except Exception as exc:
            self._deny(exc)
            return
        if result is None or not self._on_result(result, self._accept, self._deny):
            self._accept(result)

    def _plain_http(self, event: core.PlainHttpRequest) -> None:
        self.http_request_path = event.path
        self.http_headers = event.headers
        path, _, query = event.path.partition("?")
        from urllib.parse import parse_qs

        params = parse_qs(query)
        redirect = params.get("redirect", [None])[0]
        after_text = params.get("after", ["0"])[0]
        after = int(after_text) if _handshake.is_number(after_text) else 0
        self.sendServerStatus(redirect, after)
        self.dropConnection()

    def succeedHandshake(self, res: Any) -> None:
        """Accept the opening handshake with ``res`` (what ``onConnect`` returned)."""
        self._accept(res)

    def _accept(self, result: Any) -> None:
        conn = self._conn
        assert isinstance(conn, core.ServerConnection)
        if conn.state != core.ACCEPTING:
            return  # the handshake failed meanwhile (early data, timeout)
        if isinstance(result, ConnectionAccept):
            subprotocol, extra = result.subprotocol, result.headers
        elif isinstance(result, tuple):
            subprotocol, extra = result
        else:
            subprotocol, extra = result, None
        # Read from the factory now, not when it was made: programs set factory.server and
        # factory.headers after creating it. A value that is a list gives one line per item.
        headers = [("Server", self.factory.server)] if self.factory.server else []
        for source in (self.factory.headers or {}, extra or {}):
            for name, value in dict(source).items():
                if isinstance(value, str) or not hasattr(value, "__iter__"):
                    headers.append((name, str(value)))
                else:
                    headers.extend((name, str(item)) for item in value)
        try:
            response = conn.accept(subprotocol, headers)
        except (ValueError, core.InvalidStateError) as exc:
            self._deny(exc)
            return
        self._write(response)
        self._opened()
        self._process()

    def failHandshake(self, reason: str, code: int = 400, responseHeaders: Any = None) -> None:
        """Refuse the opening handshake with an HTTP error."""
        self._deny(ConnectionDeny(code, reason), responseHeaders)

    def _deny(self, exc: BaseException, headers: Any = None) -> None:
        conn = self._conn
        assert isinstance(conn, core.ServerConnection)
        if conn.state != core.ACCEPTING:
            return
        if isinstance(exc, ConnectionDeny):
            status, reason = exc.code, exc.reason or ""
        else:
            log.error("error in onConnect", exc_info=exc)
            status, reason = 500, "internal server error"
        response = conn.reject(status, reason)
        if headers:
            head, sep, body = response.partition(b"\r\n")
            extra = b"".join(f"{k}: {v}\r\n".encode() for k, v in dict(headers).items())
            response = head + sep + extra + body
        self._write(response)
        self._close_transport_gracefully()

    def sendHttpErrorResponse(self, code: int, reason: str, responseHeaders: Any = None) -> None:
        """Write an HTTP error response (the connection is closed by ``failHandshake``)."""
        from autobahn.websocket import _handshake

        self.sendData(_handshake.build_error_response(code, reason, dict(responseHeaders or {})))

    def sendHtml(self, html: str) -> None:
        """Write an HTML page as a 200 response."""
        body = html.encode("utf-8")
        head = "HTTP/1.1 200 OK\r\n"
        if self.factory.server:
            head += f"Server: {self.factory.server}\r\n"
        head += f"Content-Type: text/html; charset=UTF-8\r\nContent-Length: {len(body)}\r\n\r\n"
        self.sendData(head.encode("utf-8") + body)

    def sendRedirect(self, url: str) -> None:
        """Write a 303 redirect to ``url``."""
        head = "HTTP/1.1 303 See Other\r\n"
        if self.factory.server:
            head += f"Server: {self.factory.server}\r\n"
        self.sendData(f"{head}Location: {url}\r\nContent-Length: 0\r\n\r\n".encode())

    def sendServerStatus(self, redirectUrl: str | None = None, redirectAfter: int = 0) -> None:
        """Write the status page a plain HTTP GET gets when ``webStatus`` is on."""
        import html

        refresh = ""
        if redirectUrl:
            refresh = f'<meta http-equiv="refresh" content="{int(redirectAfter)};URL=\'{html.escape(redirectUrl)}\'">'
        self.sendHtml(
            "<!DOCTYPE html><html><head>"
            f"{refresh}<title>autobahn {__version__}</title></head><body>"
            f"<p>This is a WebSocket server (autobahn {__version__}). Connect with a WebSocket client.</p>"
            "</body></html>"
        )


class WebSocketClientProtocol(WebSocketProtocol):
    """The client side of one connection; ``onConnect(response)`` sees the server's answer."""

    CONFIG_ATTRS = tuple(WebSocketProtocol.CONFIG_ATTRS_COMMON + WebSocketProtocol.CONFIG_ATTRS_CLIENT)

    def onConnecting(self, transport_details: Any) -> Any:
        """The TCP (or TLS) connection is up and the opening handshake is about to be sent.
        Return None, or a ``ConnectingRequest`` to change what the handshake asks for."""
        return None

    def onConnect(self, response: ConnectionResponse) -> Any:
        """The server accepted the opening handshake."""

    def _start(self) -> None:
        if self.factory.proxy is not None:
            self.startProxyConnect()
        else:
            self.startHandshake()

    def startProxyConnect(self) -> None:
        """Ask the HTTP proxy (``factory.proxy``) to open a tunnel to the WebSocket server."""
        f = self.factory
        conn = self._client_connection(proxy_target=f"{f.host}:{f.port}")
        self._begin(conn)
        self._write(conn.proxy_request())

    def failProxyConnect(self, reason: str) -> None:
        """The proxy did not open the tunnel: drop the connection."""
        log.debug("proxy connect to %s failed: %s", self.peer, reason)
        self.dropConnection(abort=True)

    def _client_connection(self, proxy_target: str | None = None) -> core.ClientConnection:
        """The core connection; ``startHandshake`` settles its request."""
        options = self.factory._protocol_options()
        options.streaming = self._streaming_receive
        return core.ClientConnection("", options=options, peer=self.peer, proxy_target=proxy_target)

    def startHandshake(self) -> None:
        """Send the opening handshake (after ``onConnecting`` could adjust it)."""
        f = self.factory
        request = self.onConnecting(self._transport_details)
        host, port, resource = f.host, f.port, f.resource
        origin, protocols, headers, useragent = f.origin, list(f.protocols), dict(f.headers), f.useragent
        if request is not None:
            host = getattr(request, "host", host) or host
            port = getattr(request, "port", port) or port
            resource = getattr(request, "resource", resource) or resource
            origin = getattr(request, "origin", origin)
            protocols = list(getattr(request, "protocols", protocols) or [])
            headers.update(getattr(request, "headers", None) or {})
            useragent = getattr(request, "useragent", useragent)
        # As autobahn: the User-Agent, and no-cache (so that proxies keep the Upgrade) first.
        headers = {
            **({"User-Agent": useragent} if useragent else {}),
            "Pragma": "no-cache",
            "Cache-Control": "no-cache",
            **headers,
        }
        host_header = f"[{host}]" if ":" in host else host  # an IPv6 address is bracketed
        host_header = f"{host_header}:{port}"  # the port always, as autobahn sends it
        # Through a proxy the connection exists since startProxyConnect: its request is settled
        # only now, after onConnecting (called once the tunnel is open, as in autobahn).
        conn = self._conn if isinstance(self._conn, core.ClientConnection) else self._client_connection()
        conn.host, conn.path, conn.origin, conn.headers = host_header, resource, origin, headers
        conn.options.protocols = protocols
        self._begin(conn)
        self._write(conn.initiate())

    def failHandshake(self, reason: str) -> None:
        """The server's answer was refused: drop the connection."""
        log.debug("opening handshake with %s failed: %s", self.peer, reason)
        self.wasClean = False
        self.dropConnection(abort=True)

    def _handshake_event(self, event: Any) -> None:
        kind = type(event)
        if kind is core.ProxyTunnelOpened:
            self.startHandshake()
        elif kind is core.ProxyTunnelRefused:
            self.failProxyConnect(event.reason)
        elif kind is core.ResponseReceived:
            self.http_response = event.response
            self.http_headers = event.response.headers
            # As autobahn: the version is the spec version this client speaks (18: RFC 6455).
            event.response.version = self.websocket_version = self.version
            # As in autobahn: the response lists the extensions in use as their processors
            # (autobahn.websocket.compress objects), not as the header's strings.
            event.response.extensions = _extensions_in_use(self._conn)
            self._track("onHandshake")
            self._call(self.onConnect, event.response)
            self._opened()

    def _peer_closed(self) -> None:
        # RFC 6455 §7.1.1: the server closes TCP first; give it a moment, then do it ourselves.
        self._restart_timer(self.serverConnectionDropTimeout or 1.0, self._server_drop_timed_out)

    def _server_drop_timed_out(self) -> None:
        self._timer = None
        self._call(self.onServerConnectionDropTimeout)


class WebSocketFactory:
    """What server and client factories share."""

    protocol: type[WebSocketProtocol]
    isServer: bool

    def prepareMessage(self, payload: bytes, isBinary: bool = False, doNotCompress: bool = False) -> PreparedMessage:
        """Frame a message once for ``sendPreparedMessage`` on many connections."""
        if isinstance(payload, str):
            payload = payload.encode("utf-8")
        return PreparedMessage(payload, isBinary, not self.isServer, doNotCompress)

    # Options of ours beyond autobahn's (see setProtocolOptions).
    perMessageDeflate: DeflateOptions | None = None
    utf8Validator: Any = None
    xorMasker: Any = None

    def _set_extensions(self, perMessageDeflate: Any, utf8Validator: Any, xorMasker: Any) -> None:
        if perMessageDeflate is not None:
            if perMessageDeflate is True:
                perMessageDeflate = DeflateOptions()
            if perMessageDeflate is not False and not isinstance(perMessageDeflate, DeflateOptions):
                raise ValueError(f"perMessageDeflate must be a bool or DeflateOptions, got {perMessageDeflate!r}")
            self.perMessageDeflate = perMessageDeflate or None
        if utf8Validator is not None:
            self.utf8Validator = utf8Validator
        if xorMasker is not None:
            self.xorMasker = xorMasker

    def _set_options(self, values: dict[str, Any]) -> None:
        """Check and set the given options (None: leave unchanged)."""
        for name, value in values.items():
            if value is None:
                continue
            check = _OPTION_CHECKS.get(name)
            if check is not None:
                check(name, value)
            setattr(self, name, value)

    def _protocol_options(self) -> core.ProtocolOptions:
        options = core.ProtocolOptions(
            max_frame_size=self.maxFramePayloadSize,
            max_message_size=self.maxMessagePayloadSize,
            deflate=self.perMessageDeflate,
            protocols=list(self.protocols),
            validate_utf8=self.utf8validateIncoming,
            apply_mask=self.applyMask,
            close_reply="code-and-reason" if self.echoCloseCodeReason else "normal",
            # The adapters resume on input_pending (_pause_input), so a budget is safe here.
            max_frames_per_receive=core.DEFAULT_MAX_FRAMES_PER_RECEIVE,
        )
        if self.utf8Validator is not None:
            options.utf8_validator = self.utf8Validator
        if self.xorMasker is not None:
            options.xor_masker = self.xorMasker
        return options


def _check_size(name: str, value: Any) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{name} must be an int >= 0, got {value!r}")


def _check_seconds(name: str, value: Any) -> None:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{name} must be a number of seconds >= 0, got {value!r}")


def _check_bool(name: str, value: Any) -> None:
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be True or False, got {value!r}")


def _check_ping_size(name: str, value: Any) -> None:
    if not isinstance(value, int) or not 4 <= value <= 125:
        raise ValueError(f"{name} must be an int in 4..125, got {value!r}")


def _check_callable(name: str, value: Any) -> None:
    if not callable(value):
        raise ValueError(f"{name} must be callable, got {value!r}")


_OPTION_CHECKS = {
    **dict.fromkeys(
        ("maxFramePayloadSize", "maxMessagePayloadSize", "autoFragmentSize", "maxConnections", "trustXForwardedFor"),
        _check_size,
    ),
    **dict.fromkeys(
        (
            "openHandshakeTimeout",
            "closeHandshakeTimeout",
            "autoPingInterval",
            "autoPingTimeout",
            "serverConnectionDropTimeout",
        ),
        _check_seconds,
    ),
    **dict.fromkeys(
        (
            "webStatus",
            "utf8validateIncoming",
            "maskServerFrames",
            "requireMaskedClientFrames",
            "acceptMaskedServerFrames",
            "maskClientFrames",
            "applyMask",
            "failByDrop",
            "echoCloseCodeReason",
            "tcpNoDelay",
            "autoPingRestartOnAnyTraffic",
            "serveFlashSocketPolicy",
            "allowNullOrigin",
        ),
        _check_bool,
    ),
    "autoPingSize": _check_ping_size,
    "perMessageCompressionAccept": _check_callable,
}

# Defaults shared by server and client factories; where ours differ from autobahn 26.10.2's
# the README says why ("Moving from autobahn 26.10.2").
_COMMON_DEFAULTS: dict[str, Any] = {
    "logOctets": False,
    "logFrames": False,
    "trackTimings": False,
    "utf8validateIncoming": True,
    "applyMask": True,
    "maxFramePayloadSize": core.DEFAULT_MAX_FRAME_SIZE,  # 16 MiB; autobahn: 0 (unlimited)
    "maxMessagePayloadSize": core.DEFAULT_MAX_MESSAGE_SIZE,  # 16 MiB; autobahn: 0 (unlimited)
    "autoFragmentSize": 0,
    "failByDrop": False,  # autobahn: True (drop TCP without a close frame on a protocol error)
    "echoCloseCodeReason": False,
    "openHandshakeTimeout": 5.0,
    "closeHandshakeTimeout": 1.0,
    "tcpNoDelay": True,
    # Keepalive on (autobahn: off): an idle peer is pinged after 20 s and dropped when its pong
    # is 20 s late, as websockets does, so silent connections do not stay open forever.
    "autoPingInterval": 20.0,
    "autoPingTimeout": 20.0,
    "autoPingSize": 12,
    "autoPingRestartOnAnyTraffic": True,
}


class WebSocketServerFactory(WebSocketFactory):
    """Makes a ``protocol`` instance per connection (``factory.buildProtocol`` in the framework adapters)."""

    protocol: type[WebSocketProtocol] = WebSocketServerProtocol
    isServer = True

    def __init__(
        self,
        url: str | None = None,
        protocols: list[str] | None = None,
        server: str | None = f"AutobahnPython/{__version__}",
        headers: dict[str, str] | None = None,
        externalPort: int | None = None,
    ) -> None:
        self.countConnections = 0
        self.setSessionParameters(url, protocols, server, headers, externalPort)
        self.resetProtocolOptions()

    def setSessionParameters(
        self,
        url: str | None = None,
        protocols: list[str] | None = None,
        server: str | None = None,
        headers: dict[str, str] | None = None,
        externalPort: int | None = None,
    ) -> None:
        """The URL this server is reached at, its subprotocols (in order of preference), the
        Server header and extra response headers."""
        self.url = url
        self.isSecure, self.host, self.port, self.resource, self.path, self.params = _parse_url(url or "ws://localhost")
        if self.params:
            raise ValueError(f"a server URL has no query parameters, got {url!r}")
        self.protocols = list(protocols or [])
        self.server = server  # the Server header, read when a handshake is answered
        self.headers = dict(headers or {})
        self.externalPort = externalPort  # when set, a Host header naming another port is refused

    def resetProtocolOptions(self) -> None:
        """Every option back to its default."""
        for name, value in _COMMON_DEFAULTS.items():
            setattr(self, name, value)
        self.versions = list(WebSocketProtocol.SUPPORTED_PROTOCOL_VERSIONS)
        self.webStatus = True
        self.requireMaskedClientFrames = True
        self.maskServerFrames = False
        self.perMessageCompressionAccept = _accept_no_compression
        self.serveFlashSocketPolicy = False
        self.flashSocketPolicy = (
            '<cross-domain-policy>\n  <allow-access-from domain="*" to-ports="*" />\n</cross-domain-policy>\x00'
        )
        self.allowedOrigins = ["*"]
        self.allowedOriginsPatterns = ["*"]
        self.allowNullOrigin = True
        self.maxConnections = 0
        self.trustXForwardedFor = 0
        self.perMessageDeflate = None
        self.utf8Validator = self.xorMasker = None

    def setProtocolOptions(
        self,
        versions: list[int] | None = None,
        webStatus: bool | None = None,
        utf8validateIncoming: bool | None = None,
        maskServerFrames: bool | None = None,
        requireMaskedClientFrames: bool | None = None,
        applyMask: bool | None = None,
        maxFramePayloadSize: int | None = None,
        maxMessagePayloadSize: int | None = None,
        autoFragmentSize: int | None = None,
        failByDrop: bool | None = None,
        echoCloseCodeReason: bool | None = None,
        openHandshakeTimeout: float | None = None,
        closeHandshakeTimeout: float | None = None,
        tcpNoDelay: bool | None = None,
        perMessageCompressionAccept: Any = None,
        autoPingInterval: float | None = None,
        autoPingTimeout: float | None = None,
        autoPingSize: int | None = None,
        autoPingRestartOnAnyTraffic: bool | None = None,
        serveFlashSocketPolicy: bool | None = None,
        flashSocketPolicy: str | None = None,
        allowedOrigins: list[str] | None = None,
        allowNullOrigin: bool = False,
        maxConnections: int | None = None,
        trustXForwardedFor: int | None = None,
        perMessageDeflate: bool | DeflateOptions | None = None,
        utf8Validator: Any = None,
        xorMasker: Any = None,
    ) -> None:
        """Set options (None leaves one unchanged; an unknown keyword is a TypeError, a bad
        value a ValueError naming the option). autobahn's options, plus ours:
        ``perMessageDeflate`` (True or DeflateOptions: accept permessage-deflate), and
        ``utf8Validator`` / ``xorMasker`` (the classes to use instead of the selected ones)."""
        if versions is not None:
            bad = [v for v in versions if v not in WebSocketProtocol.SUPPORTED_PROTOCOL_VERSIONS]
            if bad:
                raise ValueError(f"versions: unsupported WebSocket protocol versions {bad}")
        if flashSocketPolicy is not None and not isinstance(flashSocketPolicy, str):
            raise ValueError(f"flashSocketPolicy must be a str, got {flashSocketPolicy!r}")
        self._set_options(
            {
                "versions": versions,
                "webStatus": webStatus,
                "utf8validateIncoming": utf8validateIncoming,
                "maskServerFrames": maskServerFrames,
                "requireMaskedClientFrames": requireMaskedClientFrames,
                "applyMask": applyMask,
                "maxFramePayloadSize": maxFramePayloadSize,
                "maxMessagePayloadSize": maxMessagePayloadSize,
                "autoFragmentSize": autoFragmentSize,
                "failByDrop": failByDrop,
                "echoCloseCodeReason": echoCloseCodeReason,
                "openHandshakeTimeout": openHandshakeTimeout,
                "closeHandshakeTimeout": closeHandshakeTimeout,
                "tcpNoDelay": tcpNoDelay,
                "perMessageCompressionAccept": perMessageCompressionAccept,
                "autoPingInterval": autoPingInterval,
                "autoPingTimeout": autoPingTimeout,
                "autoPingSize": autoPingSize,
                "autoPingRestartOnAnyTraffic": autoPingRestartOnAnyTraffic,
                "serveFlashSocketPolicy": serveFlashSocketPolicy,
                "flashSocketPolicy": flashSocketPolicy,
                "maxConnections": maxConnections,
                "trustXForwardedFor": trustXForwardedFor,
            }
        )
        if allowedOrigins is not None:
            if isinstance(allowedOrigins, str) or not all(isinstance(o, str) for o in allowedOrigins):
                raise ValueError(f"allowedOrigins must be a list of origin patterns, got {allowedOrigins!r}")
            self.allowedOrigins = list(allowedOrigins)
            self.allowedOriginsPatterns = list(allowedOrigins)
        # As in autobahn, allowNullOrigin is set by every call (its default is False).
        _check_bool("allowNullOrigin", allowNullOrigin)
        self.allowNullOrigin = allowNullOrigin
        self._set_extensions(perMessageDeflate, utf8Validator, xorMasker)

    def getConnectionCount(self) -> int:
        """The number of connections this factory's protocols have open."""
        return self.countConnections

    def _protocol_options(self) -> core.ProtocolOptions:
        options = super()._protocol_options()
        options.accept_unmasked = not self.requireMaskedClientFrames
        options.mask_frames = self.maskServerFrames
        options.answer_plain_http = self.webStatus
        accept = self.perMessageCompressionAccept
        if accept is not _accept_no_compression:  # autobahn's way: the application chooses
            from autobahn.websocket import compress

            options.negotiate = lambda offers: compress.server_negotiate(offers, accept)
        patterns = [_origin_pattern(p) for p in self.allowedOrigins]
        allow_null = self.allowNullOrigin

        def origin_check(origin: str | None) -> bool:
            # As autobahn: no Origin header (non-browser clients) passes; "null" (and file://)
            # passes only with allowNullOrigin; others are matched as "scheme://host:port".
            if origin is None:
                return True
            from urllib.parse import urlsplit

            if origin.lower() == "null":
                return allow_null
            try:
                parts = urlsplit(origin.strip())
                scheme, host, port = parts.scheme.lower(), parts.hostname, parts.port
            except ValueError:
                return False
            if scheme == "file":
                return allow_null
            if not host:
                return False
            if port is None:
                port = {"https": 443, "http": 80}.get(scheme)
            return any(p.match(f"{scheme}://{host}:{port}") for p in patterns)

        options.origin_check = origin_check
        return options


def _extension_offers(headers: dict[str, str]) -> list[tuple[str, dict[str, list[Any]]]]:
    from autobahn.websocket._deflate import NegotiationError, parse_extensions

    try:
        offers = parse_extensions(headers.get("sec-websocket-extensions", ""))
    except NegotiationError:
        return []
    result = []
    for name, params in offers:
        grouped: dict[str, list[Any]] = {}
        for key, value in params:
            grouped.setdefault(key.lower(), []).append(True if value is None else value)
        result.append((name.lower(), grouped))
    return result


def _origin_pattern(wildcard: str) -> re.Pattern[str]:
    """An allowedOrigins entry as autobahn reads it: "*" matches anything, the rest literally."""
    return re.compile("^" + ".*".join(re.escape(part) for part in wildcard.split("*")) + "$")


def _accept_no_compression(offers: Any) -> None:
    return None


class WebSocketClientFactory(WebSocketFactory):
    """Makes the client protocol for one connection to ``url``."""

    protocol: type[WebSocketProtocol] = WebSocketClientProtocol
    isServer = False

    def __init__(
        self,
        url: str | None = None,
        origin: str | None = None,
        protocols: list[str] | None = None,
        useragent: str | None = f"AutobahnPython/{__version__}",
        headers: dict[str, str] | None = None,
        proxy: dict[str, Any] | None = None,
    ) -> None:
        self.setSessionParameters(url, origin, protocols, useragent, headers, proxy)
        self.resetProtocolOptions()

    def setSessionParameters(
        self,
        url: str | None = None,
        origin: str | None = None,
        protocols: list[str] | None = None,
        useragent: str | None = None,
        headers: dict[str, str] | None = None,
        proxy: dict[str, Any] | None = None,
    ) -> None:
        """The URL to connect to, the Origin to send, the subprotocols to offer, the
        User-Agent, extra request headers and an HTTP proxy (``{"host": ..., "port": ...}``)."""
        self.url = url
        self.isSecure, self.host, self.port, self.resource, self.path, self.params = _parse_url(url or "ws://localhost")
        self.origin = origin
        self.protocols = list(protocols or [])
        self.useragent = useragent
        self.headers = dict(headers or {})
        if proxy is not None and ("host" not in proxy or "port" not in proxy):
            raise ValueError(f"proxy must be a dict with 'host' and 'port', got {proxy!r}")
        self.proxy = proxy

    def resetProtocolOptions(self) -> None:
        """Every option back to its default."""
        for name, value in _COMMON_DEFAULTS.items():
            setattr(self, name, value)
        self.version = WebSocketProtocol.DEFAULT_SPEC_VERSION
        self.acceptMaskedServerFrames = False
        self.maskClientFrames = True
        self.serverConnectionDropTimeout = 1.0
        self.perMessageCompressionOffers: list[Any] = []
        self.perMessageCompressionAccept = _accept_no_compression
        self.perMessageDeflate = None
        self.utf8Validator = self.xorMasker = None

    def setProtocolOptions(
        self,
        version: int | None = None,
        utf8validateIncoming: bool | None = None,
        acceptMaskedServerFrames: bool | None = None,
        maskClientFrames: bool | None = None,
        applyMask: bool | None = None,
        maxFramePayloadSize: int | None = None,
        maxMessagePayloadSize: int | None = None,
        autoFragmentSize: int | None = None,
        failByDrop: bool | None = None,
        echoCloseCodeReason: bool | None = None,
        serverConnectionDropTimeout: float | None = None,
        openHandshakeTimeout: float | None = None,
        closeHandshakeTimeout: float | None = None,
        tcpNoDelay: bool | None = None,
        perMessageCompressionOffers: list[Any] | None = None,
        perMessageCompressionAccept: Any = None,
        autoPingInterval: float | None = None,
        autoPingTimeout: float | None = None,
        autoPingSize: int | None = None,
        autoPingRestartOnAnyTraffic: bool | None = None,
        perMessageDeflate: bool | DeflateOptions | None = None,
        utf8Validator: Any = None,
        xorMasker: Any = None,
    ) -> None:
        """Set options (None leaves one unchanged; an unknown keyword is a TypeError, a bad
        value a ValueError naming the option). autobahn's options, plus ours:
        ``perMessageDeflate`` (True or DeflateOptions: offer permessage-deflate), and
        ``utf8Validator`` / ``xorMasker``."""
        if version is not None and version not in WebSocketProtocol.SUPPORTED_SPEC_VERSIONS:
            raise ValueError(f"version: unsupported WebSocket draft version {version}")
        if perMessageCompressionOffers is not None and not isinstance(perMessageCompressionOffers, list):
            raise ValueError(f"perMessageCompressionOffers must be a list, got {perMessageCompressionOffers!r}")
        self._set_options(
            {
                "version": version,
                "utf8validateIncoming": utf8validateIncoming,
                "acceptMaskedServerFrames": acceptMaskedServerFrames,
                "maskClientFrames": maskClientFrames,
                "applyMask": applyMask,
                "maxFramePayloadSize": maxFramePayloadSize,
                "maxMessagePayloadSize": maxMessagePayloadSize,
                "autoFragmentSize": autoFragmentSize,
                "failByDrop": failByDrop,
                "echoCloseCodeReason": echoCloseCodeReason,
                "serverConnectionDropTimeout": serverConnectionDropTimeout,
                "openHandshakeTimeout": openHandshakeTimeout,
                "closeHandshakeTimeout": closeHandshakeTimeout,
                "tcpNoDelay": tcpNoDelay,
                "perMessageCompressionOffers": perMessageCompressionOffers,
                "perMessageCompressionAccept": perMessageCompressionAccept,
                "autoPingInterval": autoPingInterval,
                "autoPingTimeout": autoPingTimeout,
                "autoPingSize": autoPingSize,
                "autoPingRestartOnAnyTraffic": autoPingRestartOnAnyTraffic,
            }
        )
        self._set_extensions(perMessageDeflate, utf8Validator, xorMasker)

    def _protocol_options(self) -> core.ProtocolOptions:
        options = super()._protocol_options()
        options.accept_masked = self.acceptMaskedServerFrames
        options.mask_frames = self.maskClientFrames
        offers = self.perMessageCompressionOffers
        if offers:  # autobahn's way: offers, and a callback that accepts the server's choice
            from autobahn.websocket import compress

            accept = self.perMessageCompressionAccept
            options.extension_offer = compress.offers_to_header(offers)
            options.accept_extensions = lambda response: compress.client_negotiate(response, offers, accept)
        return options


__all__ = [
    "WebSocketProtocol",
    "WebSocketFactory",
    "WebSocketServerProtocol",
    "WebSocketServerFactory",
    "WebSocketClientProtocol",
    "WebSocketClientFactory",
    "PreparedMessage",
    "FrameHeader",
    "Timings",
    "TrafficStats",
    "parseHttpHeader",
]


# Names autobahn 26.11.1 also has here (programs import them from this module).
from autobahn.exception import PayloadCorruptError, PayloadExceededError  # noqa: E402, F401
from autobahn.util import (  # noqa: E402, F401
    Stopwatch,
    _LazyHexFormatter,
    _maybe_tls_reason,
    encode_truncate,
    hltype,
    hlval,
    wildcards2patterns,
)
from autobahn.wamp.types import TransportDetails  # noqa: E402, F401
from autobahn.websocket.compress import PERMESSAGE_COMPRESSION_EXTENSION  # noqa: E402, F401
from autobahn.websocket.interfaces import IWebSocketChannel, IWebSocketChannelFrameApi, IWebSocketChannelStreamingApi  # noqa: E402, F401
from autobahn.websocket.types import ConnectingRequest  # noqa: E402, F401
from autobahn.websocket.utf8validator import Utf8Validator  # noqa: E402, F401
from autobahn.websocket.util import parse_url  # noqa: E402, F401
from autobahn.websocket.xormasker import XorMaskerNull, create_xor_masker  # noqa: E402, F401
