"""WAMP over RawSocket, framework-independent: the session's transport on top of ``sansio``.

The framework protocols (``autobahn.asyncio.rawsocket``, ``autobahn.twisted.rawsocket``) feed received
bytes to :meth:`WampRawSocketTransport._received` and provide ``_write(data)``, ``_close()``,
``_abort()`` and ``_writable()``; everything else (handshake, framing, starting the session, parsing
and checking messages) is here.
"""

from __future__ import annotations

import copy
import traceback
from typing import Any

from autobahn import _transport_details
from autobahn.rawsocket import sansio
from autobahn.wamp.exception import ProtocolError, SerializationError, TransportLost
from autobahn.wamp.interfaces import ITransport


def installed_serializers() -> list[Any]:
    """One instance of every installed serializer, best first (CBOR, MessagePack, UBJSON, JSON)."""
    from autobahn.wamp.websocket import installed_serializer_classes

    return [cls() for cls in installed_serializer_classes()]


def _payload_exceeded(text: str) -> Exception:
    from autobahn.wamp import exception

    return getattr(exception, "PayloadExceededError", SerializationError)(text)


class RawSocketFraming:
    """A RawSocket connection with autobahn's method names (``sendString``, ``stringReceived``, ``ping``, ...) on
    the sans-IO core. The framework protocol calls ``_started(facts)``, ``_received(data)``, ``_lost(was_clean)`` and
    provides ``_write(data)``, ``_close()``, ``_abort()``, ``_writable()``."""

    log: Any  # the framework protocol sets one (txaio needs its framework chosen first)
    factory: Any = None
    is_server = False
    peer: str | None = None
    prefix_format = "!L"  # autobahn's names for the 4-octet frame header
    prefix_length = 4
    _conn: Any = None
    _serializer: Any = None
    _transport_details: Any = None
    _transport_facts: Any = None  # the framework's TransportFacts, set when the connection is made
    _max_message_size = sansio.MAX_LENGTH

    def _set_max_message_size(self, max_size: int) -> None:
        sansio.length_exponent(max_size)  # ValueError outside [512, 2**24]
        self._max_message_size = max_size

    @property
    def max_length(self) -> int:
        """The longest message we accept."""
        return self._max_message_size

    @property
    def max_length_send(self) -> int:
        """The longest message the peer accepts (known after the handshake)."""
        return self._conn.peer_max_length if self._conn is not None else sansio.MAX_LENGTH

    @property
    def transport_details(self) -> Any:
        return self._transport_details

    # --- provided by the framework protocol ---

    def _write(self, data: bytes) -> None:
        raise NotImplementedError

    def _close(self) -> None:
        raise NotImplementedError

    def _abort(self) -> None:
        raise NotImplementedError

    def _writable(self) -> bool:
        raise NotImplementedError

    # --- driven by the framework protocol ---

    def _started(self, facts: Any) -> None:
        """The connection is made (``facts``: the framework's TransportFacts): begin the handshake."""
        self._transport_facts = facts
        self._transport_details = _transport_details.create(facts, "rawsocket")
        self.peer = facts.peer()
        if self.is_server:
            self._conn = sansio.ServerConnection(self._server_serializer_ids(), self._max_message_size)
        else:
            self._conn = sansio.ClientConnection(self.serializer_id, self._max_message_size)
            self._write(self._conn.initiate())

    def _received(self, data: bytes) -> None:
        conn = self._conn
        if conn is None:
            return
        events = conn.receive(data)
        if conn.output_pending:
            self._write(conn.data_to_send())
        for event in events:
            if type(event) is bytes:  # a message's payload
                self.stringReceived(event)
            elif isinstance(event, sansio.HandshakeDone):
                self._handshake_done()
            elif isinstance(event, sansio.PongReceived):
                self.pong(event.payload)
            elif isinstance(event, sansio.Failed):
                self.protocol_error(event.reason)
                return
            if not self._writable():
                return

    def _lost(self, was_clean: bool) -> None:
        self._on_connection_lost(was_clean)

    # --- autobahn's RawSocket protocol methods ---

    def _server_serializer_ids(self):
        raise NotImplementedError

    @property
    def serializer_id(self) -> int:
        raise NotImplementedError

    def _handshake_done(self) -> None:
        # As autobahn, before the hook runs: the serializer is chosen, and the TLS channel ID and peer
        # certificate (the TLS handshake has completed by now) are in the transport details
        # (Crossbar.io's override of _on_handshake_complete reads both first).
        self._select_serializer()
        _transport_details.complete(self._transport_details, self._transport_facts)
        self._on_handshake_complete()

    def _select_serializer(self) -> None:
        """Set ``_serializer`` for the serializer both sides agreed on."""

    def _on_handshake_complete(self) -> None:
        """Both sides agreed on the serializer and lengths."""

    def _on_connection_lost(self, was_clean) -> None:
        """The connection closed."""

    def stringReceived(self, data: bytes) -> None:
        """One whole message arrived."""
        raise NotImplementedError

    def sendString(self, data: bytes) -> None:
        """Send one message; ValueError when it is longer than the peer accepts."""
        self._write(self._conn.send_message(data))

    def ping(self, data: bytes) -> None:
        """Send a ping (the peer answers with a pong carrying ``data``)."""
        self._write(self._conn.send_ping(data))

    def pong(self, data: bytes) -> None:
        """A pong arrived (pings are answered by the core)."""

    def protocol_error(self, msg: str) -> None:
        """The peer broke the RawSocket protocol: close the connection."""
        self.log.warn("WAMP-RawSocket protocol error ({peer}): {msg}", peer=self.peer, msg=msg)
        self._close()


class WampRawSocketTransport(RawSocketFraming):
    """The WAMP side of a RawSocket connection: starts the session, parses and checks messages (ITransport)."""

    _session: Any = None

    def _server_serializer_ids(self):
        return self.factory._serializers

    @property
    def serializer_id(self) -> int:
        """The RawSocket serializer number in use (a client knows its own before the handshake)."""
        if self._serializer is None and not self.is_server:
            return self.factory._serializer.RAWSOCKET_SERIALIZER_ID
        return self._serializer.RAWSOCKET_SERIALIZER_ID

    def _select_serializer(self) -> None:
        if self.is_server:
            self._serializer = copy.copy(self.factory._serializers[self._conn.serializer_id])
        else:
            self._serializer = copy.copy(self.factory._serializer)

    def _on_handshake_complete(self) -> None:
        try:
            self._session = self.factory._factory()
            self._session._transport = self
            self._session.onOpen(self)
        except Exception:
            self.log.error("WAMP session could not be started: {tb}", tb=traceback.format_exc())
            self._session = None
            self._abort()

    def _on_connection_lost(self, was_clean) -> None:
        session, self._session = self._session, None
        if session is not None:
            try:
                session.onClose(bool(was_clean))
            except Exception:
                self.log.error("error in the WAMP session's onClose: {tb}", tb=traceback.format_exc())

    def stringReceived(self, payload: bytes) -> None:
        """Parse one message and hand it to the session; a malformed one aborts the session (protocol_violation)."""
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
                self.log.error("error in the WAMP session's onMessage: {tb}", tb=traceback.format_exc())
                self._abort()
                return

    _message_received = stringReceived

    # --- ITransport ---

    def send(self, msg: Any) -> None:
        """Serialize and send one message (SerializationError; TransportLost when closed)."""
        if not self.isOpen():
            raise TransportLost()
        try:
            payload, _ = self._serializer.serialize(msg)
        except Exception as e:
            raise SerializationError(
                f"WampRawSocketProtocol: unable to serialize WAMP application payload ({e})"
            ) from e
        try:
            self.sendString(payload)
        except ValueError as e:
            raise _payload_exceeded(str(e)) from e

    def isOpen(self) -> bool:
        return self._session is not None and self._writable()

    def close(self) -> None:
        if not self.isOpen():
            raise TransportLost()
        self._close()

    def abort(self) -> None:
        if not self.isOpen():
            raise TransportLost()
        self._abort()


ITransport.register(WampRawSocketTransport)


class WampRawSocketFactoryBase:
    """What client and server factories share: the session factory and the receive limit."""

    _max_message_size = sansio.MAX_LENGTH

    def resetProtocolOptions(self) -> None:
        self._max_message_size = sansio.MAX_LENGTH

    def _build_protocol(self) -> Any:
        """A protocol for a new connection (the framework asks through ``__call__`` or ``buildProtocol``)."""
        proto = self.protocol()  # type: ignore[attr-defined]
        proto.factory = self
        proto._set_max_message_size(self._max_message_size)
        return proto

    def setProtocolOptions(self, maxMessagePayloadSize: int | None = None) -> None:
        """``maxMessagePayloadSize``: the longest message we accept, in [512, 2**24] (announced rounded up to a
        power of two); a longer frame closes the connection."""
        if maxMessagePayloadSize is not None:
            sansio.length_exponent(maxMessagePayloadSize)  # ValueError when out of range
            self._max_message_size = maxMessagePayloadSize


class WampRawSocketServerFactoryBase(WampRawSocketFactoryBase):
    """A server factory of either framework: ``factory`` makes each connection's session; ``serializers``
    (default: every one installed) are the ones the server speaks."""

    def __init__(self, factory: Any, serializers: list[Any] | None = None) -> None:
        self._factory = factory if callable(factory) else (lambda: factory)
        if serializers is None:
            serializers = installed_serializers()
            if not serializers:
                raise Exception("could not import any WAMP serializers")
        self._serializers = {ser.RAWSOCKET_SERIALIZER_ID: ser for ser in serializers}


class WampRawSocketClientFactoryBase(WampRawSocketFactoryBase):
    """A client factory of either framework: ``factory`` makes the session; ``serializer`` (default: the
    best installed) is the one it asks for."""

    def __init__(self, factory: Any, serializer: Any = None) -> None:
        self._factory = factory if callable(factory) else (lambda: factory)
        if serializer is None:
            serializers = installed_serializers()
            serializer = serializers[0] if serializers else None
        if serializer is None:
            raise Exception("could not import any WAMP serializer")
        self._serializer = serializer
