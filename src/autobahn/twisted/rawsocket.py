"""WAMP over RawSocket on Twisted (TCP and Unix sockets, client and server).

The handshake, framing and WAMP handling are framework-independent
(:mod:`autobahn.rawsocket.sansio`, :mod:`autobahn.rawsocket._wamp`); these classes only move bytes::

    factory = WampRawSocketClientFactory(session_factory, serializer=CBORSerializer())
    reactor.connectTCP("127.0.0.1", 8080, factory)        # or reactor.connectUNIX(path, factory)
"""

from __future__ import annotations

from typing import Any

import txaio
from twisted.internet.defer import Deferred
from twisted.internet.interfaces import IPushProducer
from twisted.internet.protocol import ClientFactory, Factory, Protocol
from zope.interface import implementer

from autobahn._txaio import use_framework
from autobahn.rawsocket._wamp import (
    WampRawSocketClientFactoryBase,
    WampRawSocketFactoryBase,
    WampRawSocketServerFactoryBase,
    WampRawSocketTransport,
)
from autobahn.twisted.util import TwistedTransportFacts

use_framework("twisted")

__all__ = (
    "WampRawSocketProtocol",
    "WampRawSocketFactory",
    "WampRawSocketClientFactory",
    "WampRawSocketClientProtocol",
    "WampRawSocketServerFactory",
    "WampRawSocketServerProtocol",
)


@implementer(IPushProducer)
class WampRawSocketProtocol(WampRawSocketTransport, Protocol):
    """Twisted WAMP-over-RawSocket protocol: bytes between a Twisted transport and the WAMP-RawSocket transport."""

    log = txaio.make_logger()

    _gone = False
    # A Deferred fired with the protocol when the connection is lost (as autobahn). A Deferred whatever
    # txaio's global choice: asyncio may have been chosen first in this process.
    is_closed: Any = None

    def connectionMade(self) -> None:
        self.is_closed = Deferred()
        self._started(TwistedTransportFacts(self.transport, self.is_server))

    def dataReceived(self, data: bytes) -> None:
        self._received(data)
        self._pace_pongs()

    # Backpressure for pongs: a ping is answered as it arrives (see autobahn.rawsocket.sansio), so a
    # peer that pings without reading the pongs would fill our write buffer. While a ping is being
    # answered we are the transport's streaming producer, and Twisted pauses our reading when the
    # buffer is full. Only then, and only when the program has not registered a producer of its own.
    _pacing = False
    _reading_paused = False

    def _pace_pongs(self) -> None:
        answering = not self._gone and self._conn is not None and self._conn.answering_ping
        if answering and not self._pacing and getattr(self.transport, "producer", None) is None:
            self._pacing = True
            self.transport.registerProducer(self, True)
        elif not answering and self._pacing and not self._reading_paused and not self._gone:
            self._pacing = False
            self.transport.unregisterProducer()

    def pauseProducing(self) -> None:
        self._reading_paused = True
        self.transport.pauseProducing()

    def resumeProducing(self) -> None:
        self._reading_paused = False
        self.transport.resumeProducing()
        self._pace_pongs()

    def stopProducing(self) -> None:
        pass

    def connectionLost(self, reason: Any = None) -> None:
        self._gone = True
        from twisted.internet.error import ConnectionDone

        if self.is_closed is not None and not self.is_closed.called:
            self.is_closed.callback(self)
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
        return self._build_protocol()


class WampRawSocketServerFactory(WampRawSocketServerFactoryBase, WampRawSocketFactory):
    """Twisted WAMP-over-RawSocket server factory: ``reactor.listenTCP(port, factory)``."""

    protocol = WampRawSocketServerProtocol


# ClientFactory: reactor.connectTCP works too
class WampRawSocketClientFactory(WampRawSocketClientFactoryBase, WampRawSocketFactory, ClientFactory):
    """Twisted WAMP-over-RawSocket client factory: ``reactor.connectTCP(host, port, factory)``."""

    protocol = WampRawSocketClientProtocol


# Names autobahn 26.11.1 also has here (programs import them from this module).
from autobahn.exception import PayloadExceededError  # noqa: E402, F401
from autobahn.twisted.util import create_transport_details, extract_peer_certificate, transport_channel_id  # noqa: E402, F401
from autobahn.util import _LazyHexFormatter, public  # noqa: E402, F401
from autobahn.wamp import types as _wamp_types  # noqa: E402
from autobahn.wamp.exception import InvalidUriError, ProtocolError, SerializationError, TransportLost  # noqa: E402, F401

TransportDetails = _wamp_types.TransportDetails
