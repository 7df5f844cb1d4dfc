"""WAMP over RawSocket on asyncio (TCP and Unix sockets, client and server).

The framing and the handshake are :mod:`autobahn.rawsocket.sansio`; these protocols only move
bytes and hand whole messages to the WAMP session::

    factory = WampRawSocketClientFactory(session_factory, serializer=CBORSerializer())
    await loop.create_connection(factory, "127.0.0.1", 8080)     # or loop.create_unix_connection(factory, path)

A malformed frame or handshake closes the connection; a message the serializer cannot parse
aborts the WAMP session with ``wamp.error.protocol_violation`` first.
"""

from __future__ import annotations

import asyncio
import copy
from typing import Any

import txaio

from autobahn._txaio import use_framework
from autobahn.rawsocket import sansio
from autobahn.wamp.exception import ProtocolError, SerializationError, TransportLost
from autobahn.wamp.interfaces import ITransport

use_framework("asyncio")

__all__ = (
    "WampRawSocketClientFactory",
    "WampRawSocketClientProtocol",
    "WampRawSocketServerFactory",
    "WampRawSocketServerProtocol",
)


def _transport_details(transport: asyncio.BaseTransport, is_server: bool) -> Any:
    from autobahn.wamp.types import TransportDetails

    peername = transport.get_extra_info("peername")
    if isinstance(peername, tuple):
        host, port = peername[0], peername[1]
        peer = f"tcp6:{host}:{port}" if ":" in host else f"tcp4:{host}:{port}"
        channel_type = TransportDetails.CHANNEL_TYPE_TCP
    else:
        peer = f"unix:{peername or transport.get_extra_info('sockname') or ''}"
        channel_type = getattr(TransportDetails, "CHANNEL_TYPE_UDS", TransportDetails.CHANNEL_TYPE_TCP)
    if transport.get_extra_info("sslcontext") is not None:
        channel_type = TransportDetails.CHANNEL_TYPE_TLS
    return TransportDetails(
        channel_type=channel_type,
        channel_framing=getattr(TransportDetails, "CHANNEL_FRAMING_RAWSOCKET", None),
        peer=peer,
        is_server=is_server,
    )


class _WampRawSocketProtocol(asyncio.Protocol):
    """What client and server share: the session's transport (implements ITransport)."""

    log = txaio.make_logger()
    factory: Any = None
    is_server = False

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self._session: Any = None
        self._serializer: Any = None
        self._conn: sansio.ClientConnection | sansio.ServerConnection | None = None
        self._transport_details: Any = None
        self._max_message_size = sansio.MAX_LENGTH
        self.is_closed: asyncio.Future[bool] | None = None

    def _set_max_message_size(self, max_size: int) -> None:
        self._max_message_size = max_size

    # --- asyncio.Protocol ---

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.is_closed = asyncio.get_running_loop().create_future()
        self._transport_details = _transport_details(transport, self.is_server)
        self._conn = self._make_connection()
        self._flush()

    def data_received(self, data: bytes) -> None:
        conn = self._conn
        if conn is None:
            return
        events = conn.receive_data(data)
        self._flush()
        for event in events:
            if isinstance(event, sansio.MessageReceived):
                self._message_received(event.payload)
            elif isinstance(event, sansio.HandshakeDone):
                self._handshake_done()
            elif isinstance(event, sansio.Failed):
                self.log.warn("WAMP-RawSocket connection failed: {reason}", reason=event.reason)
                self._close()
                return
            if self.transport is None or self.transport.is_closing():
                return

    def connection_lost(self, exc: Exception | None) -> None:
        session, self._session = self._session, None
        self.transport = None
        if self.is_closed is not None and not self.is_closed.done():
            self.is_closed.set_result(exc is None)
        if session is not None:
            try:
                session.onClose(exc is None)
            except Exception:
                self.log.failure("error in the WAMP session's onClose")

    # --- WAMP ---

    def _handshake_done(self) -> None:
        try:
            self._session = self.factory._factory()
            self._session._transport = self
            self._session.onOpen(self)
        except Exception:
            self.log.failure("WAMP session could not be started")
            self._session = None
            self._abort()

    def _message_received(self, payload: bytes) -> None:
        session = self._session
        if session is None:
            return
        try:
            messages = self._serializer.unserialize(payload)
        except Exception as e:  # ProtocolError from the parser; anything else is malformed input too
            session._protocol_violation(f"invalid WAMP message: {e}")
            self._close()
            return
        for msg in messages:
            if self._session is not session:
                return
            try:
                session.onMessage(msg)
            except ProtocolError as e:
                session._protocol_violation(str(e))
                self._close()
                return
            except Exception:
                self.log.failure("error in the WAMP session's onMessage")
                self._abort()
                return

    def send(self, msg: Any) -> None:
        """Serialize and send one message (SerializationError, TransportLost when closed)."""
        if not self.isOpen():
            raise TransportLost()
        try:
            payload, _ = self._serializer.serialize(msg)
        except Exception as e:
            raise SerializationError(
                f"WampRawSocketProtocol: unable to serialize WAMP application payload ({e})"
            ) from e
        assert self._conn is not None and self.transport is not None
        try:
            frame = self._conn.send_message(payload)
        except ValueError as e:
            raise _payload_exceeded(str(e)) from e
        self.transport.write(frame)

    def isOpen(self) -> bool:
        return self._session is not None and self.transport is not None and not self.transport.is_closing()

    @property
    def transport_details(self) -> Any:
        return self._transport_details

    def close(self) -> None:
        if not self.isOpen():
            raise TransportLost()
        self._close()

    def abort(self) -> None:
        if not self.isOpen():
            raise TransportLost()
        self._abort()

    def _close(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.close()

    def _abort(self) -> None:
        if self.transport is not None:
            self.transport.abort()

    def _flush(self) -> None:
        if self._conn is not None and self.transport is not None:
            data = self._conn.data_to_send()
            if data:
                self.transport.write(data)

    def _make_connection(self) -> Any:
        raise NotImplementedError


def _payload_exceeded(text: str) -> Exception:
    from autobahn.wamp import exception

    return getattr(exception, "PayloadExceededError", SerializationError)(text)


ITransport.register(_WampRawSocketProtocol)


class WampRawSocketServerProtocol(_WampRawSocketProtocol):
    """asyncio WAMP-over-RawSocket server protocol (implements ``autobahn.wamp.interfaces.ITransport``)."""

    is_server = True

    def _make_connection(self) -> sansio.ServerConnection:
        return sansio.ServerConnection(self.factory._serializers, self._max_message_size)

    def _handshake_done(self) -> None:
        assert self._conn is not None
        self._serializer = copy.copy(self.factory._serializers[self._conn.serializer_id])
        super()._handshake_done()


class WampRawSocketClientProtocol(_WampRawSocketProtocol):
    """asyncio WAMP-over-RawSocket client protocol (implements ``autobahn.wamp.interfaces.ITransport``)."""

    @property
    def serializer_id(self) -> int:
        return self.factory._serializer.RAWSOCKET_SERIALIZER_ID

    def _make_connection(self) -> sansio.ClientConnection:
        self._serializer = copy.copy(self.factory._serializer)
        conn = sansio.ClientConnection(self.serializer_id, self._max_message_size)
        assert self.transport is not None
        self.transport.write(conn.initiate())
        return conn


class WampRawSocketFactory:
    """What the client and server factories share: the receive limit (``setProtocolOptions``)."""

    log = txaio.make_logger()
    protocol: type[_WampRawSocketProtocol]
    _max_message_size = sansio.MAX_LENGTH

    def resetProtocolOptions(self) -> None:
        self._max_message_size = sansio.MAX_LENGTH

    def setProtocolOptions(self, maxMessagePayloadSize: int | None = None) -> None:
        """``maxMessagePayloadSize``: the longest message we accept, in [512, 2**24] (announced rounded up to a
        power of two); a longer frame closes the connection."""
        if maxMessagePayloadSize is not None:
            sansio.length_exponent(maxMessagePayloadSize)  # ValueError when out of range
            self._max_message_size = maxMessagePayloadSize

    def __call__(self) -> _WampRawSocketProtocol:
        proto = self.protocol()
        proto.factory = self
        proto._set_max_message_size(self._max_message_size)
        return proto


def _installed_serializers() -> list[Any]:
    """One instance of every serializer whose library is installed, best first (CBOR, MessagePack, UBJSON, JSON)."""
    from autobahn.wamp import serializer as wamp_serializer

    found = []
    for name in ("CBORSerializer", "MsgPackSerializer", "UBJSONSerializer", "JsonSerializer"):
        cls = getattr(wamp_serializer, name, None)
        if cls is not None:
            try:
                found.append(cls())
            except ImportError:
                pass
    return found


class WampRawSocketServerFactory(WampRawSocketFactory):
    """asyncio WAMP-over-RawSocket server factory: ``loop.create_server(factory, host, port)``."""

    protocol = WampRawSocketServerProtocol

    def __init__(self, factory: Any, serializers: list[Any] | None = None) -> None:
        self._factory = factory if callable(factory) else (lambda: factory)
        if serializers is None:
            serializers = _installed_serializers()
            if not serializers:
                raise Exception("could not import any WAMP serializers")
        self._serializers = {ser.RAWSOCKET_SERIALIZER_ID: ser for ser in serializers}


class WampRawSocketClientFactory(WampRawSocketFactory):
    """asyncio WAMP-over-RawSocket client factory: ``loop.create_connection(factory, host, port)``."""

    protocol = WampRawSocketClientProtocol

    def __init__(self, factory: Any, serializer: Any = None) -> None:
        self._factory = factory if callable(factory) else (lambda: factory)
        if serializer is None:
            serializers = _installed_serializers()
            serializer = serializers[0] if serializers else None
        if serializer is None:
            raise Exception("could not import any WAMP serializer")
        self._serializer = serializer
