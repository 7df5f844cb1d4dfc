"""autobahn's asyncio WebSocket API on the sans-IO core (``autobahn.websocket.sansio``).

Applications written for autobahn run unchanged::

    class Echo(WebSocketServerProtocol):
        def onMessage(self, payload, isBinary):
            self.sendMessage(payload, isBinary)

    factory = WebSocketServerFactory("ws://127.0.0.1:9000")
    factory.protocol = Echo
    server = await loop.create_server(factory, "127.0.0.1", 9000)

Callbacks: ``onConnect(request|response)``, ``onOpen()``, ``onMessage(payload, isBinary)``,
``onPing(payload)``, ``onPong(payload)``, ``onClose(wasClean, code, reason)``; any of them may
be a coroutine function. Methods: ``sendMessage``, ``sendPing``, ``sendPong``, ``sendClose``.

Backpressure: while the transport's write buffer is above its high-water mark we stop
reading, so a peer that sends faster than it reads cannot make us buffer without bound.
"""

from __future__ import annotations

import asyncio
import fnmatch
import inspect
import logging
import os
from typing import Any
from urllib.parse import urlsplit

from autobahn.exception import Disconnected
from autobahn.websocket import sansio as core
from autobahn.websocket._deflate import DeflateOptions
from autobahn.websocket.types import ConnectionAccept, ConnectionDeny, ConnectionRequest, ConnectionResponse

log = logging.getLogger(__name__)

# Write-buffer high-water mark: above it we pause reading (see the module docstring).
WRITE_BUFFER_HIGH = 1024 * 1024
# From this payload size on, a frame's header and payload are written without joining them.
LARGE_PAYLOAD = 256 * 1024


def parse_url(url: str) -> tuple[bool, str, int, str]:
    """``(is_secure, host, port, resource)`` of a ws:// or wss:// URL; ValueError otherwise."""
    parts = urlsplit(url)
    if parts.scheme not in ("ws", "wss"):
        raise ValueError(f"a WebSocket URL starts with ws:// or wss://, got {url!r}")
    if not parts.hostname:
        raise ValueError(f"no host in WebSocket URL {url!r}")
    if parts.fragment:
        raise ValueError(f"a WebSocket URL has no fragment, got {url!r}")
    is_secure = parts.scheme == "wss"
    port = parts.port or (443 if is_secure else 80)
    resource = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return is_secure, parts.hostname, port, resource


class _Factory:
    """Protocol options shared by the server and client factories (autobahn's names)."""

    protocol: type[_WebSocketProtocol]

    def __init__(self, url: str | None, protocols: list[str] | None, headers: dict[str, str] | None, loop: Any):
        self.url = url
        self.protocols = list(protocols or [])
        self.headers = dict(headers or {})
        self.loop = loop
        self.isSecure, self.host, self.port, self.resource = parse_url(url) if url else (False, "localhost", 80, "/")
        self.maxFramePayloadSize = 64 * 1024 * 1024
        self.maxMessagePayloadSize = 64 * 1024 * 1024
        self.autoFragmentSize = 0
        self.openHandshakeTimeout = 5.0
        self.closeHandshakeTimeout = 1.0
        self.autoPingInterval = 0.0
        self.autoPingTimeout = 0.0
        self.autoPingSize = 4
        self.perMessageDeflate: DeflateOptions | None = None
        self.allowedOrigins: list[str] | None = None
        self.utf8Validator: Any = None  # None: the selected implementation
        self.xorMasker: Any = None

    def setProtocolOptions(
        self,
        maxFramePayloadSize: int | None = None,
        maxMessagePayloadSize: int | None = None,
        autoFragmentSize: int | None = None,
        openHandshakeTimeout: float | None = None,
        closeHandshakeTimeout: float | None = None,
        autoPingInterval: float | None = None,
        autoPingTimeout: float | None = None,
        autoPingSize: int | None = None,
        perMessageDeflate: bool | DeflateOptions | None = None,
        allowedOrigins: list[str] | None = None,
        utf8Validator: Any = None,
        xorMasker: Any = None,
    ) -> None:
        """Set options (None leaves one unchanged). Sizes of 0 mean no limit; timeouts of 0
        none. ``autoPingInterval``: send a ping that often once open; ``autoPingTimeout``:
        drop the connection when its pong is that late; ``autoPingSize``: its payload
        (4..125 random bytes). ``perMessageDeflate``: True or DeflateOptions to offer (client) or accept
        (server) permessage-deflate. ``allowedOrigins``: server, origin patterns with "*".
        ``utf8Validator`` / ``xorMasker``: the classes to use instead of the selected ones."""
        for name, value in (
            ("maxFramePayloadSize", maxFramePayloadSize),
            ("maxMessagePayloadSize", maxMessagePayloadSize),
            ("autoFragmentSize", autoFragmentSize),
            ("openHandshakeTimeout", openHandshakeTimeout),
            ("closeHandshakeTimeout", closeHandshakeTimeout),
            ("autoPingInterval", autoPingInterval),
            ("autoPingTimeout", autoPingTimeout),
            ("autoPingSize", autoPingSize),
        ):
            if value is not None:
                if value < 0:
                    raise ValueError(f"{name} must be >= 0, got {value}")
                setattr(self, name, value)
        if not 4 <= self.autoPingSize <= 125:
            raise ValueError(f"autoPingSize must be 4..125, got {self.autoPingSize}")
        if perMessageDeflate is not None:
            if perMessageDeflate is True:
                perMessageDeflate = DeflateOptions()
            self.perMessageDeflate = perMessageDeflate or None
        if allowedOrigins is not None:
            self.allowedOrigins = list(allowedOrigins)
        if utf8Validator is not None:
            self.utf8Validator = utf8Validator
        if xorMasker is not None:
            self.xorMasker = xorMasker

    def _protocol_options(self) -> core.ProtocolOptions:
        options = core.ProtocolOptions(
            max_frame_size=self.maxFramePayloadSize,
            max_message_size=self.maxMessagePayloadSize,
            deflate=self.perMessageDeflate,
            protocols=self.protocols,
        )
        if self.allowedOrigins is not None:
            patterns = self.allowedOrigins
            options.origin_check = lambda origin: any(fnmatch.fnmatchcase(origin or "", p) for p in patterns)
        if self.utf8Validator is not None:
            options.utf8_validator = self.utf8Validator
        if self.xorMasker is not None:
            options.xor_masker = self.xorMasker
        return options

    def __call__(self) -> _WebSocketProtocol:
        proto = self.protocol()
        proto.factory = self
        return proto


class _WebSocketProtocol(asyncio.Protocol):
    """What server and client protocols share: events to callbacks, sending, closing."""

    factory: Any = None
    _conn: core.Connection

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.peer = ""
        self.is_closed: asyncio.Future[bool] | None = None
        self.websocket_protocol_in_use: str | None = None
        self.websocket_extensions_in_use: list[str] = []
        self._timer: asyncio.TimerHandle | None = None
        # Automatic pings: the next ping, the deadline for the outstanding pong, its payload.
        self._ping_timer: asyncio.TimerHandle | None = None
        self._pong_timer: asyncio.TimerHandle | None = None
        self._ping_payload: bytes | None = None
        self._close_fired = False
        self._reading_paused = False

    # --- callbacks for applications to override ---

    def onOpen(self) -> Any:
        """The opening handshake completed."""

    def onMessage(self, payload: bytes, isBinary: bool) -> Any:
        """A whole message arrived (text payloads are UTF-8 bytes)."""

    def onPing(self, payload: bytes) -> Any:
        """A ping arrived (the pong has been sent already)."""

    def onPong(self, payload: bytes) -> Any:
        """A pong arrived."""

    def onClose(self, wasClean: bool, code: int | None, reason: str | None) -> Any:
        """The connection is closed (called once)."""

    # --- methods for applications ---

    def sendMessage(
        self,
        payload: bytes | str,
        isBinary: bool = False,
        fragmentSize: int | None = None,
        sync: bool = False,
        doNotCompress: bool = False,
    ) -> None:
        """Send a message (``sync`` is accepted for compatibility; writes are immediate)."""
        try:
            parts = self._conn.message_frames(
                payload, isBinary, fragmentSize or self.factory.autoFragmentSize or None, not doNotCompress
            )
        except core.InvalidStateError as exc:
            raise Disconnected(str(exc)) from None
        if len(parts) == 2 and len(parts[1]) >= LARGE_PAYLOAD:
            # Header and payload written apart: saves copying a large payload to join them.
            self._write(parts[0])
            self._write(parts[1])
        else:
            self._write(b"".join(parts))  # one write (one send() call) per message

    def sendPing(self, payload: bytes | None = None) -> None:
        """Send a ping (payload at most 125 bytes)."""
        try:
            self._write(self._conn.send_ping(payload or b""))
        except core.InvalidStateError as exc:
            raise Disconnected(str(exc)) from None

    def sendPong(self, payload: bytes | None = None) -> None:
        """Send an unsolicited pong (payload at most 125 bytes)."""
        try:
            self._write(self._conn.send_pong(payload or b""))
        except core.InvalidStateError as exc:
            raise Disconnected(str(exc)) from None

    def sendClose(self, code: int | None = None, reason: str | None = None) -> None:
        """Start the closing handshake (a no-op when it already started). An application may
        send 1000, 1001 (going away, e.g. at shutdown) or 3000-4999; ValueError otherwise."""
        if code is not None and code not in (core.CLOSE_NORMAL, core.CLOSE_GOING_AWAY) and not 3000 <= code <= 4999:
            raise ValueError(f"applications may close with 1000, 1001 or 3000-4999, not {code}")
        if self._conn.state in (core.CONNECTING, core.ACCEPTING):
            self._drop()
            return
        data = self._conn.send_close(code, reason or "")
        if data:
            self._write(data)
            self._start_timer(self.factory.closeHandshakeTimeout, self._drop)

    # --- asyncio.Protocol ---

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        transport.set_write_buffer_limits(high=WRITE_BUFFER_HIGH)
        peer = transport.get_extra_info("peername")
        self.peer = f"tcp:{peer[0]}:{peer[1]}" if isinstance(peer, tuple) else str(peer)
        self.is_closed = asyncio.get_running_loop().create_future()
        self._conn = self._make_connection()
        self._start_timer(self.factory.openHandshakeTimeout, self._drop)
        self._connection_started()

    def data_received(self, data: bytes) -> None:
        self._conn.feed(data)
        self._process()

    def pause_writing(self) -> None:
        # The peer does not read what we send: stop reading what it sends.
        if self.transport is not None and not self._reading_paused:
            self._reading_paused = True
            self.transport.pause_reading()

    def resume_writing(self) -> None:
        if self.transport is not None and self._reading_paused:
            self._reading_paused = False
            self.transport.resume_reading()

    def eof_received(self) -> bool | None:
        return None  # close our side too

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_timer()
        for timer in (self._ping_timer, self._pong_timer):
            if timer is not None:
                timer.cancel()
        self.transport = None
        conn = self._conn
        if conn.failure is not None:
            code, reason = conn.failure
        elif conn.close_received is not None:
            code = conn.close_received[0] if conn.close_received[0] is not None else core.CLOSE_NO_STATUS
            reason = conn.close_received[1]
        else:
            code, reason = core.CLOSE_ABNORMAL, "connection was closed uncleanly (peer dropped the TCP connection)"
        conn.state = core.CLOSED
        self._fire_close(conn.was_clean, code, reason)

    # --- internals ---

    def _make_connection(self) -> core.Connection:
        raise NotImplementedError

    def _connection_started(self) -> None:
        pass

    def _write(self, data: bytes | bytearray | memoryview) -> None:
        if data and self.transport is not None and not self.transport.is_closing():
            self.transport.write(data)

    def _flush(self) -> None:
        self._write(self._conn.data_to_send())

    def _process(self) -> None:
        """Dispatch every event the buffered bytes hold, one at a time, writing what the
        protocol answered by itself before each, so that replies keep the wire order."""
        conn = self._conn
        while (event := conn.next_event()) is not None:
            self._flush()
            if isinstance(event, core.Message):
                self._call(self.onMessage, event.payload, event.is_binary)
            elif isinstance(event, core.Ping):
                self._call(self.onPing, event.payload)
            elif isinstance(event, core.Pong):
                if event.payload == self._ping_payload and self._pong_timer is not None:
                    self._pong_timer.cancel()
                    self._pong_timer = self._ping_payload = None
                self._call(self.onPong, event.payload)
            elif isinstance(event, core.CloseReceived):
                self._flush()
                self._peer_closed()
            elif isinstance(event, core.ConnectionFailed):
                log.debug("failing WebSocket connection %s: %d %s", self.peer, event.code, event.reason)
                self._flush()
                self._close_transport()
            elif isinstance(event, core.HandshakeFailed):
                log.debug("WebSocket opening handshake with %s failed: %s", self.peer, event.reason)
                self._flush()
                self._close_transport()
            else:
                self._handshake_event(event)
        self._flush()

    def _handshake_event(self, event: core.Event) -> None:
        raise NotImplementedError

    def _peer_closed(self) -> None:
        self._close_transport()

    def _call(self, callback: Any, *args: Any) -> None:
        """Run an application callback; an exception fails the connection with 1011."""
        try:
            result = callback(*args)
        except Exception:
            log.exception("error in %s", getattr(callback, "__qualname__", callback))
            self._internal_error()
            return
        if inspect.isawaitable(result):
            task = asyncio.ensure_future(result)
            task.add_done_callback(self._callback_done)

    def _callback_done(self, task: asyncio.Future[Any]) -> None:
        if not task.cancelled() and task.exception() is not None:
            log.error("error in a WebSocket callback", exc_info=task.exception())
            self._internal_error()

    def _internal_error(self) -> None:
        if self._conn.state == core.OPEN:
            self._conn.fail(core.CLOSE_INTERNAL_ERROR, "internal error")
            self._flush()
        self._close_transport()

    def _fire_close(self, was_clean: bool, code: int | None, reason: str | None) -> None:
        if self._close_fired:
            return
        self._close_fired = True
        if self.is_closed is not None and not self.is_closed.done():
            self.is_closed.set_result(was_clean)
        self._call(self.onClose, was_clean, code, reason)

    def _opened(self) -> None:
        self._cancel_timer()
        self.websocket_protocol_in_use = self._conn.subprotocol
        self.websocket_extensions_in_use = ["permessage-deflate"] if self._conn.deflate is not None else []
        if self.factory.autoPingInterval:
            self._ping_timer = asyncio.get_running_loop().call_later(self.factory.autoPingInterval, self._auto_ping)
        self._call(self.onOpen)

    def _auto_ping(self) -> None:
        if self._conn.state != core.OPEN or self.transport is None:
            return
        loop = asyncio.get_running_loop()
        self._ping_timer = loop.call_later(self.factory.autoPingInterval, self._auto_ping)
        if self._pong_timer is not None:
            return  # the previous ping is still waiting for its pong
        self._ping_payload = os.urandom(self.factory.autoPingSize)
        self._write(self._conn.send_ping(self._ping_payload))
        if self.factory.autoPingTimeout:
            self._pong_timer = loop.call_later(self.factory.autoPingTimeout, self._auto_ping_timeout)

    def _auto_ping_timeout(self) -> None:
        log.debug("no pong from %s within %ss: dropping the connection", self.peer, self.factory.autoPingTimeout)
        self._pong_timer = None
        self._drop()

    def _start_timer(self, delay: float, callback: Any) -> None:
        self._cancel_timer()
        if delay:
            self._timer = asyncio.get_running_loop().call_later(delay, callback)

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _close_transport(self) -> None:
        """Close after writing what is buffered (and abort if that does not finish in time)."""
        if self.transport is not None and not self.transport.is_closing():
            self.transport.close()
            self._start_timer(self.factory.closeHandshakeTimeout or 1.0, self._drop)

    def _drop(self) -> None:
        self._timer = None
        if self.transport is not None:
            self.transport.abort()


class WebSocketServerProtocol(_WebSocketProtocol):
    """The server side of one connection. Override ``onConnect(request)`` to choose a
    subprotocol (return it, or ``(subprotocol, headers)``), or raise ConnectionDeny."""

    def onConnect(self, request: ConnectionRequest) -> Any:
        """A valid opening handshake arrived; None accepts it with the first subprotocol of
        the factory's ``protocols`` the client offered."""
        return None

    def _make_connection(self) -> core.Connection:
        return core.ServerConnection(self.factory._protocol_options(), peer=self.peer)

    def _handshake_event(self, event: core.Event) -> None:
        if not isinstance(event, core.RequestReceived):
            return
        request = self.http_request = event.request
        # The attributes autobahn's server protocol has always set.
        self.http_headers = request.headers
        self.http_request_path = request.path
        self.http_request_params = request.params
        self.websocket_version = request.version
        self.websocket_protocols = request.protocols
        self.websocket_origin = request.origin
        try:
            result = self.onConnect(event.request)
        except Exception as exc:
            self._deny(exc)
            return
        if inspect.isawaitable(result):
            task = asyncio.ensure_future(result)
            task.add_done_callback(self._on_connect_done)
        else:
            self._accept(result)

    def _on_connect_done(self, task: asyncio.Future[Any]) -> None:
        if self.transport is None or task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            self._deny(exc)
        else:
            self._accept(task.result())

    def _accept(self, result: Any) -> None:
        conn = self._conn
        assert isinstance(conn, core.ServerConnection)
        if conn.state != core.ACCEPTING:
            return  # the handshake failed meanwhile (early data, timeout)
        headers = dict(self.factory.headers)
        if isinstance(result, ConnectionAccept):
            subprotocol, extra = result.subprotocol, result.headers
        elif isinstance(result, tuple):
            subprotocol, extra = result
        else:
            subprotocol, extra = result, None
        headers.update(extra or {})
        if subprotocol is None:
            subprotocol = conn.choose_subprotocol()
        try:
            response = conn.accept(subprotocol, headers)
        except (ValueError, core.InvalidStateError) as exc:
            self._deny(exc)
            return
        self._write(response)
        self._opened()
        self._process()

    def _deny(self, exc: BaseException) -> None:
        conn = self._conn
        assert isinstance(conn, core.ServerConnection)
        if conn.state != core.ACCEPTING:
            return
        if isinstance(exc, ConnectionDeny):
            status, reason = exc.code, exc.reason or ""
        else:
            log.error("error in onConnect", exc_info=exc)
            status, reason = 500, "internal server error"
        self._write(conn.reject(status, reason))
        self._close_transport()


class WebSocketClientProtocol(_WebSocketProtocol):
    """The client side of one connection; ``onConnect(response)`` sees the server's answer."""

    def onConnect(self, response: ConnectionResponse) -> Any:
        """The server accepted the opening handshake."""

    def _make_connection(self) -> core.Connection:
        f = self.factory
        host = f"[{f.host}]" if ":" in f.host else f.host  # an IPv6 address is bracketed
        default_port = 443 if f.isSecure else 80
        host = host if f.port == default_port else f"{host}:{f.port}"
        return core.ClientConnection(
            host, f.resource, f._protocol_options(), origin=f.origin, headers=f.headers, peer=self.peer
        )

    def _connection_started(self) -> None:
        assert isinstance(self._conn, core.ClientConnection)
        self._write(self._conn.initiate())

    def _handshake_event(self, event: core.Event) -> None:
        if isinstance(event, core.ResponseReceived):
            self.http_response = event.response
            self.http_headers = event.response.headers
            self.websocket_version = event.response.version
            self._call(self.onConnect, event.response)
            self._opened()

    def _peer_closed(self) -> None:
        # RFC 6455 §7.1.1: the server closes TCP first; give it a moment, then do it ourselves.
        self._start_timer(self.factory.closeHandshakeTimeout or 1.0, self._close_transport_now)

    def _close_transport_now(self) -> None:
        self._timer = None
        self._close_transport()


class WebSocketServerFactory(_Factory):
    """Makes a ``protocol`` instance per connection: ``loop.create_server(factory, host, port)``."""

    protocol: type[_WebSocketProtocol] = WebSocketServerProtocol

    def __init__(
        self,
        url: str | None = None,
        protocols: list[str] | None = None,
        server: str = "AutobahnPython",
        headers: dict[str, str] | None = None,
        externalPort: int | None = None,
        loop: Any = None,
    ) -> None:
        super().__init__(url, protocols, headers, loop)
        self.server = server
        self.externalPort = externalPort
        if server:
            self.headers.setdefault("Server", server)


class WebSocketClientFactory(_Factory):
    """Makes the client protocol: ``loop.create_connection(factory, factory.host, factory.port)``."""

    protocol: type[_WebSocketProtocol] = WebSocketClientProtocol

    def __init__(
        self,
        url: str | None = None,
        origin: str | None = None,
        protocols: list[str] | None = None,
        useragent: str | None = "AutobahnPython",
        headers: dict[str, str] | None = None,
        loop: Any = None,
    ) -> None:
        super().__init__(url, protocols, headers, loop)
        self.origin = origin
        self.useragent = useragent
        if useragent:
            self.headers.setdefault("User-Agent", useragent)


__all__ = [
    "WebSocketServerProtocol",
    "WebSocketServerFactory",
    "WebSocketClientProtocol",
    "WebSocketClientFactory",
    "ConnectionRequest",
    "ConnectionResponse",
    "ConnectionAccept",
    "ConnectionDeny",
    "Disconnected",
    "parse_url",
]
