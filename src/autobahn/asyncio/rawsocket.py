"""WAMP over RawSocket on asyncio (TCP and Unix sockets, client and server).

The handshake, framing and WAMP handling are framework-independent
(:mod:`autobahn.rawsocket.sansio`, :mod:`autobahn.rawsocket._wamp`); these classes only move bytes::

    factory = WampRawSocketClientFactory(session_factory, serializer=CBORSerializer())
    await loop.create_connection(factory, "127.0.0.1", 8080)     # or loop.create_unix_connection(factory, path)

A malformed frame or handshake closes the connection; a message the serializer cannot parse
aborts the WAMP session with ``wamp.error.protocol_violation`` first.
"""

from __future__ import annotations

import asyncio
from typing import cast

import txaio

from autobahn._txaio import use_framework
from autobahn.asyncio.util import AsyncioTransportFacts
from autobahn.rawsocket import sansio
from autobahn.rawsocket._wamp import (
    RawSocketFraming,
    WampRawSocketClientFactoryBase,
    WampRawSocketFactoryBase,
    WampRawSocketServerFactoryBase,
    WampRawSocketTransport,
)

use_framework("asyncio")

__all__ = (
    "WampRawSocketClientFactory",
    "WampRawSocketClientProtocol",
    "WampRawSocketServerFactory",
    "WampRawSocketServerProtocol",
)


class HandshakeError(Exception):
    """A RawSocket handshake the peer got wrong (``code``: the handshake error number, 0 when none)."""

    def __init__(self, msg: str, code: int = 0):
        super().__init__(msg if not code else f"{msg} : {sansio.HANDSHAKE_ERRORS.get(code)}")
        self.code = code


class PrefixProtocol(RawSocketFraming, asyncio.Protocol):
    """Length-prefixed RawSocket frames on an asyncio transport (autobahn's class of that name)."""

    log = txaio.make_logger()
    transport: asyncio.Transport | None = None
    _wait_closed: asyncio.Future[bool] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # A stream transport, but not always an asyncio.Transport subclass (uvloop's are not).
        self.transport = cast(asyncio.Transport, transport)
        self._wait_closed = asyncio.get_running_loop().create_future()
        self._started(AsyncioTransportFacts(transport, bool(self.is_server)))

    @property
    def is_closed(self) -> asyncio.Future[bool]:
        """A future that resolves when the connection has closed."""
        if self._wait_closed is None:
            done = asyncio.get_event_loop().create_future()
            done.set_result(True)
            return done
        return self._wait_closed

    def data_received(self, data: bytes) -> None:
        self._received(data)

    # Backpressure: while the peer does not take what we send (pongs to its pings included), we
    # stop reading what it sends, so a peer that writes faster than it reads cannot make us buffer.
    def pause_writing(self) -> None:
        if self.transport is not None:
            self.transport.pause_reading()

    def resume_writing(self) -> None:
        if self.transport is not None:
            self.transport.resume_reading()

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        if self._wait_closed is not None and not self._wait_closed.done():
            self._wait_closed.set_result(True)
        self._lost(exc is None)

    def _write(self, data: bytes) -> None:
        if self.transport is not None:
            self.transport.write(data)

    def _close(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.close()

    def _abort(self) -> None:
        if self.transport is not None:
            self.transport.abort()

    def _writable(self) -> bool:
        return self.transport is not None and not self.transport.is_closing()


class RawSocketProtocol(PrefixProtocol):
    """PrefixProtocol with the RawSocket opening handshake (done by the sans-IO core)."""

    def parse_handshake(self) -> tuple[int, int]:
        """``(serializer id, length exponent)`` agreed in the handshake; HandshakeError before it is done."""
        if self._conn is None or not self._conn.handshake_done:
            raise HandshakeError("handshake not complete")
        return self._conn.serializer_id, sansio.length_exponent(self._conn.peer_max_length)

    def process_handshake(self) -> None:
        """The handshake is processed by the sans-IO core as its octets arrive; nothing to do here."""


class RawSocketClientProtocol(RawSocketProtocol):
    """The client side of a RawSocket connection."""

    is_server = False

    def check_serializer(self, ser_id: int) -> bool:
        """True when the server chose our serializer (the core fails the connection otherwise)."""
        return ser_id == self.serializer_id


class RawSocketServerProtocol(RawSocketProtocol):
    """The server side of a RawSocket connection."""

    is_server = True

    def supports_serializer(self, ser_id: int) -> bool:
        return ser_id in self._server_serializer_ids()


WampRawSocketMixinGeneral = WampRawSocketTransport  # autobahn's name for the framework-independent WAMP part


class WampRawSocketMixinAsyncio:
    """autobahn's asyncio part of a WAMP-RawSocket protocol (the I/O itself is PrefixProtocol's)."""

    close = WampRawSocketTransport.close
    abort = WampRawSocketTransport.abort


class WampRawSocketServerProtocol(WampRawSocketMixinGeneral, WampRawSocketMixinAsyncio, RawSocketServerProtocol):
    """asyncio WAMP-over-RawSocket server protocol (implements ``autobahn.wamp.interfaces.ITransport``)."""


class WampRawSocketClientProtocol(WampRawSocketMixinGeneral, WampRawSocketMixinAsyncio, RawSocketClientProtocol):
    """asyncio WAMP-over-RawSocket client protocol (implements ``autobahn.wamp.interfaces.ITransport``)."""


class WampRawSocketFactory(WampRawSocketFactoryBase):
    """asyncio calls the factory to make a protocol per connection."""

    protocol: type[PrefixProtocol]
    log = txaio.make_logger()

    def __call__(self) -> PrefixProtocol:
        return self._build_protocol()


class WampRawSocketServerFactory(WampRawSocketServerFactoryBase, WampRawSocketFactory):
    """asyncio WAMP-over-RawSocket server factory: ``loop.create_server(factory, host, port)``."""

    protocol = WampRawSocketServerProtocol


class WampRawSocketClientFactory(WampRawSocketClientFactoryBase, WampRawSocketFactory):
    """asyncio WAMP-over-RawSocket client factory: ``loop.create_connection(factory, host, port)``."""

    protocol = WampRawSocketClientProtocol


# Names autobahn 26.11.1 also has here (programs import them from this module).
from autobahn.asyncio.util import create_transport_details, get_serializers, transport_channel_id  # noqa: E402, F401
from autobahn.util import _LazyHexFormatter, hltype, public  # noqa: E402, F401
from autobahn.wamp import types as _wamp_types  # noqa: E402
from autobahn.wamp.exception import ProtocolError, SerializationError, TransportLost  # noqa: E402, F401

TransportDetails = _wamp_types.TransportDetails
