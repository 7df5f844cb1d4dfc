"""autobahn's asyncio WebSocket API: the protocol classes of ``autobahn.websocket.protocol``
on asyncio transports (any event loop's, uvloop included).

Applications written for autobahn run unchanged::

    class Echo(WebSocketServerProtocol):
        def onMessage(self, payload, isBinary):
            self.sendMessage(payload, isBinary)

    factory = WebSocketServerFactory("ws://127.0.0.1:9000")
    factory.protocol = Echo
    server = await loop.create_server(factory, "127.0.0.1", 9000)

This module only moves bytes, runs timers and awaits what callbacks return; the protocol is
``autobahn.websocket.protocol`` over the sans-IO core. Callbacks may be coroutine functions.

Backpressure: while the transport's write buffer is above its high-water mark we stop
reading, so a peer that sends faster than it reads cannot make us buffer without bound.

A large message (``bytes`` of 256 KiB and more) is handed to the transport in pieces, the
next one when the transport has sent everything before it: the transport sends a piece
straight from the message instead of first copying the unsent rest of the message into its
own buffer (as asyncio's socket transport does before Python 3.12).
"""

from __future__ import annotations

import asyncio
import collections
import inspect
import socket
import warnings
from typing import Any

import txaio

from autobahn import _framework_glue
from autobahn._txaio import use_framework
from autobahn.asyncio.util import (  # noqa: F401 (autobahn's module has these names too)
    AsyncioTransportFacts,
    create_transport_details,
    get_or_create_event_loop,
    transport_channel_id,
)
from autobahn.exception import Disconnected
from autobahn.websocket import protocol
from autobahn.websocket.types import ConnectionAccept, ConnectionDeny, ConnectionRequest, ConnectionResponse

use_framework("asyncio")

__all__ = [
    *_framework_glue.WAMP_WEBSOCKET_NAMES,
    "WebSocketServerProtocol",
    "WebSocketServerFactory",
    "WebSocketClientProtocol",
    "WebSocketClientFactory",
    "WebSocketAdapterProtocol",
    "WebSocketAdapterFactory",
    "yields",
    "ConnectionRequest",
    "ConnectionResponse",
    "ConnectionAccept",
    "ConnectionDeny",
    "Disconnected",
]

try:  # looked up once, here: a failing import per connection would be slow
    from autobahn.wamp.types import TransportDetails
except ImportError:  # WAMP is not part of this installation
    TransportDetails = None

# Write-buffer high-water mark: above it we pause reading (see the module docstring).
WRITE_BUFFER_HIGH = 1024 * 1024
# The pieces a large payload is handed to the transport in (see the module docstring); the
# first is joined to the frame header (one send, and only that much copied to join them).
WRITE_PIECE = 512 * 1024
FIRST_PIECE = 64 * 1024


def yields(value: Any) -> bool:
    """True when ``value`` is something to wait for (a Future or a coroutine)."""
    return isinstance(value, asyncio.Future) or inspect.iscoroutine(value)


class WebSocketAdapterProtocol(asyncio.Protocol):
    """The asyncio half of a connection: transport, timers and awaitables for
    ``autobahn.websocket.protocol``."""

    log = txaio.make_logger()
    peer: str | None = None
    is_server: bool | None = None
    transport: asyncio.Transport | None = None
    factory: Any
    _reading_paused = False
    # While a large payload is handed over: what waits for the transport to drain, in order.
    _outgoing: collections.deque[Any] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self._loop = self.factory.loop
        set_limits = getattr(transport, "set_write_buffer_limits", None)
        if set_limits is not None:
            set_limits(high=WRITE_BUFFER_HIGH)
        sock = transport.get_extra_info("socket")
        if self.factory.tcpNoDelay and sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            try:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except OSError:
                pass  # not a TCP socket after all (e.g. a socketpair)
        if getattr(self, "is_closed", None) is None:  # made outside a running loop (or no __init__ call)
            self.is_closed, self.is_open = self._create_future(), self._create_future()
        self._transport_made(AsyncioTransportFacts(transport, self.factory.isServer))

    def data_received(self, data: bytes) -> None:
        self._data_received(data)

    def eof_received(self) -> bool | None:
        return None  # close our side too

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        self._outgoing = None
        self._connection_lost()

    def pause_writing(self) -> None:
        # The peer does not read what we send: stop reading what it sends.
        if self.transport is not None and not self._reading_paused:
            self._reading_paused = True
            self.transport.pause_reading()

    def resume_writing(self) -> None:
        if self.transport is not None and self._reading_paused:
            self._reading_paused = False
            if not self._input_paused:
                self.transport.resume_reading()
        if self._outgoing is not None:
            self._hand_over()

    def registerProducer(self, producer: Any, streaming: bool) -> None:
        raise NotImplementedError("asyncio transports have no producers: use pause_writing/resume_writing")

    def unregisterProducer(self) -> None:
        pass

    # --- the primitives autobahn.websocket.protocol asks for ---

    def _write(self, data: bytes | bytearray | memoryview) -> None:
        transport = self.transport
        if data and transport is not None and not transport.is_closing():
            if self.logOctets:
                self.logTxOctets(data, False)
            self.trafficStats.outgoingOctetsWireLevel += len(data)
            if self._outgoing is not None:
                self._outgoing.append(data)  # behind the large payload being handed over
            else:
                transport.write(data)

    def _write_frame_apart(self, header: bytes, payload: Any) -> None:
        transport = self.transport
        if (
            type(payload) is not bytes  # a mutable payload must be taken in now
            or len(payload) <= WRITE_PIECE
            or self._outgoing is not None
            # resume_writing continues the hand-over: not when a subclass took it over
            or type(self).resume_writing is not WebSocketAdapterProtocol.resume_writing
            or transport is None
            or transport.is_closing()
            or not hasattr(transport, "set_write_buffer_limits")
            or transport.get_write_buffer_size()
        ):
            super()._write_frame_apart(header, payload)  # type: ignore[misc]
            return
        view = memoryview(payload)
        self._write(header + view[:FIRST_PIECE])
        pieces = range(FIRST_PIECE, len(view), WRITE_PIECE)
        self._outgoing = collections.deque(view[i : i + WRITE_PIECE] for i in pieces)
        # Limits of 0: pause_writing as soon as anything waits in the transport, and
        # resume_writing once it sent everything, which hands over the next piece.
        transport.set_write_buffer_limits(high=0, low=0)
        self._hand_over()

    def _hand_over(self) -> None:
        """Give the transport the next pieces while it has nothing waiting; when all are
        given, go back to ordinary writes and limits."""
        transport, outgoing = self.transport, self._outgoing
        if transport is None or outgoing is None:
            return
        while outgoing and not transport.get_write_buffer_size():
            transport.write(outgoing.popleft())
        if not outgoing and self._outgoing is outgoing:
            self._outgoing = None
            if not transport.is_closing():
                transport.set_write_buffer_limits(high=WRITE_BUFFER_HIGH)

    def _give_all(self) -> None:
        """Hand everything still waiting to the transport now (before it closes)."""
        transport, outgoing = self.transport, self._outgoing
        self._outgoing = None
        if transport is not None and outgoing:
            for piece in outgoing:
                transport.write(piece)
            transport.set_write_buffer_limits(high=WRITE_BUFFER_HIGH)

    def _close_transport(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self._give_all()
            self.transport.close()

    def _abort_transport(self) -> None:
        self._outgoing = None
        if self.transport is not None:
            self.transport.abort()

    def _call_later(self, delay: float, callback: Any) -> asyncio.TimerHandle:
        return self._loop.call_later(delay, callback)

    def _set_reading(self, reading: bool) -> None:
        transport = self.transport
        if transport is None or transport.is_closing():
            return
        if not reading:
            transport.pause_reading()
        elif not self._reading_paused:  # backpressure (pause_writing) keeps it paused
            transport.resume_reading()

    def _close_after_answer(self) -> None:
        # Half-close: the answer, then FIN; what the peer still sends is read and dropped
        # (the connection is CLOSED), so no RST discards the answer before it is read. The
        # peer's EOF (eof_received) or the close timeout ends the connection.
        transport = self.transport
        if transport is not None and not transport.is_closing() and transport.can_write_eof():
            self._give_all()
            transport.write_eof()
            self._restart_timer(self.closeHandshakeTimeout or 1.0, self._close_transport)
        else:
            self._close_transport_gracefully()

    def _create_future(self) -> asyncio.Future[Any] | None:
        try:
            return asyncio.get_running_loop().create_future()
        except RuntimeError:
            return None  # created again in connection_made

    def _resolve_future(self, future: Any, value: Any) -> None:
        if future is not None and not future.done():
            future.set_result(value)

    def _on_result(self, result: Any, on_done: Any, on_error: Any) -> bool:
        if not inspect.isawaitable(result):
            return False
        task = asyncio.ensure_future(result)

        def done(task: asyncio.Future[Any]) -> None:
            if task.cancelled():
                return
            exc = task.exception()
            if exc is not None:
                on_error(exc)
            else:
                on_done(task.result())

        task.add_done_callback(done)
        return True


class WebSocketServerProtocol(WebSocketAdapterProtocol, protocol.WebSocketServerProtocol):
    """An asyncio WebSocket server connection (override ``onConnect``, ``onMessage``, ...)."""

    is_server = True
    data_received = protocol.WebSocketServerProtocol._data_received  # one call less per chunk


class WebSocketClientProtocol(WebSocketAdapterProtocol, protocol.WebSocketClientProtocol):
    """An asyncio WebSocket client connection (override ``onOpen``, ``onMessage``, ...)."""

    is_server = False
    data_received = protocol.WebSocketClientProtocol._data_received  # one call less per chunk

    def startTLS(self) -> None:
        raise RuntimeError("asyncio starts TLS itself: pass ssl= to loop.create_connection()")


class WebSocketAdapterFactory:
    """The asyncio half of a factory: asyncio calls it to make a protocol per connection."""

    log = txaio.make_logger()
    protocol: Any
    _loop: asyncio.AbstractEventLoop | None = None

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The event loop given to the factory, else the running one (else the current one)."""
        if self._loop is not None:
            return self._loop
        try:
            return asyncio.get_running_loop()
        except RuntimeError:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                return asyncio.get_event_loop()

    @loop.setter
    def loop(self, loop: asyncio.AbstractEventLoop | None) -> None:
        self._loop = loop

    def __call__(self) -> Any:
        proto = self.protocol()
        proto.factory = self
        return proto


class WebSocketServerFactory(WebSocketAdapterFactory, protocol.WebSocketServerFactory):
    """Makes a server protocol per connection: ``loop.create_server(factory, host, port)``.
    Takes ``WebSocketServerFactory``'s arguments, and ``loop``."""

    protocol = WebSocketServerProtocol

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.loop = kwargs.pop("loop", None)
        protocol.WebSocketServerFactory.__init__(self, *args, **kwargs)


class WebSocketClientFactory(WebSocketAdapterFactory, protocol.WebSocketClientFactory):
    """Makes the client protocol: ``loop.create_connection(factory, factory.host, factory.port)``.
    Takes ``WebSocketClientFactory``'s arguments, and ``loop``."""

    protocol = WebSocketClientProtocol

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.loop = kwargs.pop("loop", None)
        protocol.WebSocketClientFactory.__init__(self, *args, **kwargs)


# WAMP over WebSocket: autobahn.wamp.websocket's mixins on the asyncio classes above (the factories'
# __init__ is autobahn._framework_glue's, shared with the other framework).
from autobahn.wamp import websocket as _wamp_websocket  # noqa: E402 (WAMP imports these modules)


class WampWebSocketServerProtocol(_wamp_websocket.WampWebSocketServerProtocol, WebSocketServerProtocol):
    """asyncio WAMP-over-WebSocket server transport (implements ``autobahn.wamp.interfaces.ITransport``)."""


class WampWebSocketServerFactory(_wamp_websocket.WampWebSocketServerFactory, WebSocketServerFactory):
    """asyncio WAMP-over-WebSocket server factory: ``factory`` makes each connection's WAMP session;
    ``serializers`` (default: every one installed) decide the subprotocols offered."""

    protocol = WampWebSocketServerProtocol

    def __init__(self, factory: Any, *args: Any, **kwargs: Any) -> None:
        _framework_glue.init_wamp_factory(self, WebSocketServerFactory, factory, args, kwargs)


class WampWebSocketClientProtocol(_wamp_websocket.WampWebSocketClientProtocol, WebSocketClientProtocol):
    """asyncio WAMP-over-WebSocket client transport (implements ``autobahn.wamp.interfaces.ITransport``)."""


class WampWebSocketClientFactory(_wamp_websocket.WampWebSocketClientFactory, WebSocketClientFactory):
    """asyncio WAMP-over-WebSocket client factory: ``factory`` makes the WAMP session; ``serializers``
    (default: every one installed, CBOR first) are offered as subprotocols in that order."""

    protocol = WampWebSocketClientProtocol

    def __init__(self, factory: Any, *args: Any, **kwargs: Any) -> None:
        _framework_glue.init_wamp_factory(self, WebSocketClientFactory, factory, args, kwargs)


# Names autobahn 26.11.1 also has here (programs import them from this module).
from autobahn.util import hltype, public  # noqa: E402, F401
from autobahn.wamp import websocket  # noqa: E402, F401
