"""WAMP over WebSocket: mixins that turn a WebSocket protocol and factory into a WAMP transport.

The framework modules combine them with their WebSocket classes
(``autobahn.asyncio.websocket.WampWebSocketClientProtocol`` = this mixin + the asyncio
``WebSocketClientProtocol``). The subprotocol ``wamp.2.<serializer id>`` chooses the serializer:
``json``, ``msgpack``, ``cbor``, ``ubjson``, ``flatbuffers`` and their ``.batched`` forms.
"""

from __future__ import annotations

import copy
import traceback
from typing import Any

from autobahn.wamp.exception import ProtocolError, SerializationError, TransportLost
from autobahn.wamp.interfaces import ITransport
from autobahn.websocket import sansio as _core
from autobahn.websocket.types import ConnectionDeny

__all__ = (
    "WampWebSocketClientFactory",
    "WampWebSocketClientProtocol",
    "WampWebSocketServerFactory",
    "WampWebSocketServerProtocol",
)

CLOSE_NORMAL = 1000
CLOSE_GOING_AWAY = 1001
CLOSE_PROTOCOL_ERROR = 1002
CLOSE_INTERNAL_ERROR = 1011


class WampWebSocketProtocol:
    """What WAMP server and client WebSocket transports share (implements ITransport).

    It is mixed into a class of ``autobahn.websocket.protocol`` (through a framework module), which
    provides ``sendMessage``, ``sendClose``, ``dropConnection`` and the sans-IO connection."""

    _session: Any = None  # the WAMP session, from onOpen to onClose
    _serializer: Any = None
    _transport_details: Any = None
    log: Any  # the framework class it is mixed into has one

    def _bailout(self, code: int, reason: str | None = None) -> None:
        self.log.debug("failing WAMP-over-WebSocket transport: code={code}, reason={reason}", code=code, reason=reason)
        conn = getattr(self, "_conn", None)
        if conn is not None and conn.state == _core.OPEN:
            conn.fail(code, (reason or "")[:120])  # a close reason must fit a control frame
            self._flush()
        self.dropConnection(abort=False)

    def onOpen(self):
        try:
            self._session = self.factory._factory()
            self._session._transport = self
            self._session.onOpen(self)
        except Exception as e:
            self.log.error("WAMP session could not be started: {tb}", tb=traceback.format_exc())
            self._bailout(CLOSE_INTERNAL_ERROR, f"WAMP Internal Error ({e})")

    def onClose(self, wasClean: bool, code: int | None, reason: str | None):
        self._onclose_reason = reason
        session, self._session = self._session, None
        if session is not None:
            try:
                session.onClose(wasClean)
            except Exception:
                self.log.error("error in the WAMP session's onClose: {tb}", tb=traceback.format_exc())

    def onMessage(self, payload: bytes, isBinary: bool):
        """Parse and hand each message to the session. A message that cannot be parsed aborts the session
        (ABORT wamp.error.protocol_violation, then close); nothing is raised to the framework."""
        session = self._session
        if session is None:
            return
        try:
            messages = self._serializer.unserialize(payload, isBinary)
        except Exception as e:  # ProtocolError from the parser; anything else is malformed input too
            self._protocol_violation(session, f"invalid WAMP message: {e}")
            return
        for msg in messages:
            if self._session is not session:
                return  # the session ended while handling an earlier message of the batch
            try:
                session.onMessage(msg)
            except ProtocolError as e:
                self._protocol_violation(session, str(e))
                return
            except Exception as e:
                self.log.error("error in the WAMP session's onMessage: {tb}", tb=traceback.format_exc())
                self._bailout(CLOSE_INTERNAL_ERROR, f"WAMP Internal Error ({e})")
                return

    def _protocol_violation(self, session, reason: str) -> None:
        handler = getattr(session, "_protocol_violation", None)
        if handler is not None:
            handler(reason)
        if self._session is session and self.isOpen():
            self._bailout(CLOSE_PROTOCOL_ERROR, f"WAMP Protocol Error ({reason})")

    def send(self, msg):
        """Serialize and send one message; SerializationError when it cannot be, TransportLost when closed."""
        if not self.isOpen():
            raise TransportLost()
        try:
            payload, is_binary = self._serializer.serialize(msg)
        except Exception as e:
            raise SerializationError(f"WAMP message serialization error: {e}") from e
        self.sendMessage(payload, is_binary)

    def isOpen(self) -> bool:
        return self._session is not None

    @property
    def transport_details(self):
        return self._transport_details

    def close(self):
        if not self.isOpen():
            raise TransportLost()
        self.sendClose(CLOSE_NORMAL)

    def abort(self):
        if not self.isOpen():
            raise TransportLost()
        self._bailout(CLOSE_GOING_AWAY)


ITransport.register(WampWebSocketProtocol)


def parseSubprotocolIdentifier(subprotocol: str) -> tuple[int | None, str | None]:
    """``"wamp.2.json.batched"`` -> ``(2, "json.batched")``; ``(None, None)`` for anything else."""
    parts = subprotocol.split(".")
    if len(parts) < 3 or parts[0] != "wamp":
        return None, None
    try:
        version = int(parts[1])
    except ValueError:
        return None, None
    return version, ".".join(parts[2:])


class WampWebSocketServerProtocol(WampWebSocketProtocol):
    """Mixin for WAMP-over-WebSocket servers: picks the first offered subprotocol we speak."""

    STRICT_PROTOCOL_NEGOTIATION = True

    def onConnect(self, request):
        for subprotocol in request.protocols:
            version, serializer_id = parseSubprotocolIdentifier(subprotocol)
            if version == 2 and serializer_id in self.factory._serializers:
                # a copy per connection, so each keeps its own statistics
                self._serializer = copy.copy(self.factory._serializers[serializer_id])
                return subprotocol, {}
        if self.STRICT_PROTOCOL_NEGOTIATION:
            raise ConnectionDeny(
                ConnectionDeny.BAD_REQUEST,
                f"This server only speaks WebSocket subprotocols {', '.join(self.factory.protocols)}",
            )
        self._serializer = copy.copy(self.factory._serializers["json"])
        return None, {}


class WampWebSocketClientProtocol(WampWebSocketProtocol):
    """Mixin for WAMP-over-WebSocket clients: the server's chosen subprotocol picks the serializer."""

    STRICT_PROTOCOL_NEGOTIATION = True

    def onConnect(self, response):
        if response.protocol not in self.factory.protocols:
            if self.STRICT_PROTOCOL_NEGOTIATION:
                raise Exception(
                    "The server does not speak any of the WebSocket subprotocols "
                    f"{', '.join(self.factory.protocols)} we requested."
                )
            serializer_id = "json"
        else:
            _, serializer_id = parseSubprotocolIdentifier(response.protocol)
        self._serializer = copy.copy(self.factory._serializers[serializer_id])


def installed_serializer_classes() -> list[Any]:
    """The serializer classes whose libraries are installed, in autobahn's order of preference."""
    from autobahn.wamp import serializer as wamp_serializer

    found = []
    for name in ("CBORSerializer", "MsgPackSerializer", "UBJSONSerializer", "JsonSerializer"):
        try:
            cls = getattr(wamp_serializer, name)
            cls()  # a missing library may only show when the serializer is made
        except (AttributeError, ImportError):
            continue
        found.append(cls)
    return found


def default_serializers() -> list[Any]:
    """Every installed serializer, batched form first (the subprotocols a factory offers by default)."""
    found = [ser for cls in installed_serializer_classes() for ser in (cls(batched=True), cls())]
    if not found:
        raise Exception("Could not import any WAMP serializer")
    return found


class WampWebSocketFactory:
    """Mixin for WAMP-over-WebSocket factories: ``factory`` makes the session of each connection."""

    def __init__(self, factory, serializers=None):
        self._factory = factory if callable(factory) else (lambda: factory)
        if serializers is None:
            serializers = default_serializers()
        self._serializers = {ser.SERIALIZER_ID: ser for ser in serializers}
        self._protocols = [f"wamp.2.{ser.SERIALIZER_ID}" for ser in serializers]


class WampWebSocketServerFactory(WampWebSocketFactory):
    """Mixin for WAMP-over-WebSocket server factories."""


class WampWebSocketClientFactory(WampWebSocketFactory):
    """Mixin for WAMP-over-WebSocket client factories."""


# Names autobahn 26.11.1 also has here (programs import them from this module).
from autobahn.util import hlval  # noqa: E402, F401
from autobahn.wamp.interfaces import ISession  # noqa: E402, F401
from autobahn.wamp.types import TransportDetails  # noqa: E402, F401
from autobahn.websocket import protocol  # noqa: E402, F401
from autobahn.websocket.types import ConnectionRequest, ConnectionResponse  # noqa: E402, F401
