"""WAMP over RawSocket on Twisted (TCP and Unix sockets, client and server).

The handshake, framing and WAMP handling are framework-independent
(:mod:`autobahn.rawsocket.sansio`, :mod:`autobahn.rawsocket._wamp`); these classes only move bytes::

    factory = WampRawSocketClientFactory(session_factory, serializer=CBORSerializer())
    reactor.connectTCP("127.0.0.1", 8080, factory)        # or reactor.connectUNIX(path, factory)
"""

from __future__ import annotations

from typing import Any

import txaio
from twisted.internet.interfaces import ISSLTransport
from twisted.internet.protocol import ClientFactory, Factory, Protocol

from autobahn._txaio import use_framework
from autobahn.rawsocket._wamp import WampRawSocketFactoryBase, WampRawSocketTransport

use_framework("twisted")

__all__ = (
    "WampRawSocketProtocol",
    "WampRawSocketFactory",
    "WampRawSocketClientFactory",
    "WampRawSocketClientProtocol",
    "WampRawSocketServerFactory",
    "WampRawSocketServerProtocol",
)


def _transport_details(transport: Any, is_server: bool) -> Any:
    from twisted.internet.address import IPv4Address, IPv6Address

    from autobahn.wamp.types import TransportDetails

    addr = transport.getPeer()
    if isinstance(addr, (IPv4Address, IPv6Address)):
        peer = f"tcp{'6' if isinstance(addr, IPv6Address) else '4'}:{addr.host}:{addr.port}"
    else:
        name = getattr(addr, "name", "") or ""
        peer = f"unix:{name.decode() if isinstance(name, bytes) else name}"
    is_tls = ISSLTransport.providedBy(transport)
    return TransportDetails(
        channel_type=TransportDetails.CHANNEL_TYPE_TLS if is_tls else TransportDetails.CHANNEL_TYPE_TCP,
        channel_framing=TransportDetails.CHANNEL_FRAMING_RAWSOCKET,
        peer=peer,
        is_server=is_server,
        is_secure=is_tls,
    )


class WampRawSocketProtocol(WampRawSocketTransport, Protocol):
    """Twisted WAMP-over-RawSocket protocol: bytes between a Twisted transport and the WAMP-RawSocket transport."""

    log = txaio.make_logger()

    _gone = False
    is_closed: Any = None  # a Deferred fired with the protocol when the connection is lost (as autobahn)

    def connectionMade(self) -> None:
        self.is_closed = txaio.create_future()
        self._transport_details = _transport_details(self.transport, self.is_server)
        self._started()

    def dataReceived(self, data: bytes) -> None:
        self._received(data)

    def connectionLost(self, reason: Any = None) -> None:
        self._gone = True
        from twisted.internet.error import ConnectionDone

        if self.is_closed is not None and not self.is_closed.called:
            txaio.resolve(self.is_closed, self)
        self._lost(reason is None or reason.check(ConnectionDone) is not None)

    def _write(self, data: bytes) -> None:
        if not self._gone:
            self.transport.write(data)

    def _close(self) -> None:
        if not self._gone:
            self.transport.loseConnection()

    def _abort(self) -> None:
        if not self._gone:
            abort = getattr(self.transport, "abortConnection", None)
            (abort or self.transport.loseConnection)()

    def _writable(self) -> bool:
        return not self._gone and self.transport is not None and not getattr(self.transport, "disconnecting", False)

    def lengthLimitExceeded(self, length: int) -> None:
        """A frame longer than we accept arrived: the connection closes (the core detects it from the header)."""
        self.protocol_error(f"frame of {length} octets exceeds the maximum {self.max_length}")


class WampRawSocketServerProtocol(WampRawSocketProtocol):
    """Twisted WAMP-over-RawSocket server protocol (implements ``autobahn.wamp.interfaces.ITransport``)."""

    is_server = True


class WampRawSocketClientProtocol(WampRawSocketProtocol):
    """Twisted WAMP-over-RawSocket client protocol (implements ``autobahn.wamp.interfaces.ITransport``)."""


class WampRawSocketFactory(WampRawSocketFactoryBase, Factory):
    """Twisted's ``buildProtocol`` makes a protocol per connection; ``factory`` makes each WAMP session."""

    log = txaio.make_logger()

    def __init__(self, factory: Any) -> None:
        self._factory = factory if callable(factory) else (lambda: factory)

    protocol: type[WampRawSocketProtocol]
    noisy = False

    def buildProtocol(self, addr: Any) -> WampRawSocketProtocol:
        proto = self.protocol()
        proto.factory = self
        proto._set_max_message_size(self._max_message_size)
        return proto


class WampRawSocketServerFactory(WampRawSocketFactory):
    """Twisted WAMP-over-RawSocket server factory: ``reactor.listenTCP(port, factory)``."""

    protocol = WampRawSocketServerProtocol

    def __init__(self, factory: Any, serializers: list[Any] | None = None) -> None:
        self._init_server(factory, serializers)


class WampRawSocketClientFactory(WampRawSocketFactory, ClientFactory):  # ClientFactory: reactor.connectTCP works too
    """Twisted WAMP-over-RawSocket client factory: ``reactor.connectTCP(host, port, factory)``."""

    protocol = WampRawSocketClientProtocol

    def __init__(self, factory: Any, serializer: Any = None) -> None:
        self._init_client(factory, serializer)
