"""A stream endpoint forwarder: every connection accepted on one Twisted endpoint is relayed,
byte for byte in both directions, to a new connection to another endpoint.

``EndpointForwardingService(endpoint, dest_endpoint)`` is a Twisted service; ``twistd
endpointforward --endpoint tcp:8080 --dest_endpoint tcp:host=127.0.0.1:port=9000`` runs one
(the ``twisted/plugins/autobahn_twistd.py`` plugin). Descriptors are Twisted's endpoint strings,
so either side may be TCP, TLS, UNIX, or autobahn's WebSocket endpoints
(``twisted/plugins/autobahn_endpoints.py``).

Nothing is buffered without bound: the accepted connection is not read until its destination
is connected, and then each side's transport throttles the other (each is registered as the
producer of the other), so a slow reader slows the writer down. When either side closes, the
other is closed; a destination that cannot be reached closes the accepted connection.
"""

from __future__ import annotations

from typing import Any

import txaio
from twisted.application import service
from twisted.internet.defer import Deferred
from twisted.internet.endpoints import clientFromString, serverFromString
from twisted.internet.protocol import Factory, Protocol
from twisted.python import usage

from autobahn._txaio import use_framework

use_framework("twisted")

__all__ = (
    "DestEndpointForwardingFactory",
    "DestEndpointForwardingProtocol",
    "EndpointForwardingProtocol",
    "EndpointForwardingService",
    "Options",
    "makeService",
)


class DestEndpointForwardingProtocol(Protocol):
    """The connection to the destination: what it receives goes back to the source."""

    log = txaio.make_logger()
    factory: DestEndpointForwardingFactory

    def connectionMade(self) -> None:
        self.log.debug("forwarder: destination connected")

    def dataReceived(self, data: bytes) -> None:
        source = self.factory._sourceProtocol
        if source is not None and source.transport is not None:
            source.transport.write(data)

    def connectionLost(self, reason: Any = None) -> None:
        self.log.debug("forwarder: destination closed")
        source = self.factory._sourceProtocol
        if source is not None and source.transport is not None:
            source.transport.loseConnection()


class DestEndpointForwardingFactory(Factory):
    """Builds the one destination connection of ``sourceProtocol``."""

    protocol = DestEndpointForwardingProtocol
    noisy = False

    def __init__(self, sourceProtocol: EndpointForwardingProtocol) -> None:
        self._sourceProtocol: EndpointForwardingProtocol | None = sourceProtocol
        self._proto: DestEndpointForwardingProtocol | None = None

    def buildProtocol(self, addr: Any) -> DestEndpointForwardingProtocol:
        self._proto = DestEndpointForwardingProtocol()
        self._proto.factory = self
        return self._proto


class EndpointForwardingProtocol(Protocol):
    """An accepted connection: connects to the destination, then relays both ways."""

    log = txaio.make_logger()
    factory: Any  # a Factory whose ``service`` is the EndpointForwardingService

    _destFactory: DestEndpointForwardingFactory | None = None
    _connecting: Deferred | None = None
    _closed = False

    def connectionMade(self) -> None:
        self.log.debug("forwarder: accepted a connection")
        # Read nothing until there is somewhere to put it.
        self.transport.pauseProducing()
        svc = self.factory.service
        self._destFactory = DestEndpointForwardingFactory(self)
        self._connecting = clientFromString(svc._reactor, svc._destEndpointDescriptor).connect(self._destFactory)
        self._connecting.addCallbacks(self._destination_connected, self._destination_failed)

    def _destination_connected(self, dest: DestEndpointForwardingProtocol) -> None:
        self._connecting = None
        if self._closed:
            dest.transport.loseConnection()
            return
        # Each side's write buffer throttles the other side's reading.
        self.transport.registerProducer(dest.transport, True)
        dest.transport.registerProducer(self.transport, True)
        self.transport.resumeProducing()

    def _destination_failed(self, failure: Any) -> None:
        self._connecting = None
        if not self._closed:
            self.log.warn("forwarder: cannot reach {dest}: {error}", dest=self.factory.service._destEndpointDescriptor,
                          error=failure.getErrorMessage())  # fmt: skip
            self.transport.loseConnection()

    def dataReceived(self, data: bytes) -> None:
        dest = self._destFactory._proto if self._destFactory is not None else None
        if dest is not None and dest.transport is not None:
            dest.transport.write(data)

    def connectionLost(self, reason: Any = None) -> None:
        self.log.debug("forwarder: source closed")
        self._closed = True
        if self._connecting is not None:
            self._connecting.cancel()  # the attempt ends, _destination_failed sees _closed
            return
        dest = self._destFactory._proto if self._destFactory is not None else None
        if dest is not None and dest.transport is not None:
            dest.transport.loseConnection()


class EndpointForwardingService(service.Service):
    """Listens on ``endpointDescriptor`` and forwards each connection to ``destEndpointDescriptor``."""

    def __init__(self, endpointDescriptor: str, destEndpointDescriptor: str, reactor: Any = None) -> None:
        if reactor is None:
            from twisted.internet import reactor
        self._reactor = reactor
        self._endpointDescriptor = endpointDescriptor
        self._destEndpointDescriptor = destEndpointDescriptor
        self._endpointPort: Any = None

    def startService(self) -> Deferred:
        """Start listening; the Deferred fires with the listening port."""
        service.Service.startService(self)
        factory = Factory.forProtocol(EndpointForwardingProtocol)
        factory.noisy = False
        factory.service = self  # type: ignore[attr-defined]
        self._endpoint = serverFromString(self._reactor, self._endpointDescriptor)

        def listening(port: Any) -> Any:
            self._endpointPort = port
            return port

        return self._endpoint.listen(factory).addCallback(listening)

    def stopService(self) -> Deferred | None:
        """Stop listening (connections already forwarded stay up)."""
        service.Service.stopService(self)
        port, self._endpointPort = self._endpointPort, None
        return port.stopListening() if port is not None else None


class Options(usage.Options):
    """Command line of ``twistd endpointforward``."""

    synopsis = "[options]"
    longdesc = "Endpoint Forwarder: relays every connection accepted on one endpoint to another."
    optParameters = [
        ["endpoint", "e", None, "Source endpoint (Twisted endpoint string), e.g. tcp:8080."],
        ["dest_endpoint", "d", None, "Destination endpoint, e.g. tcp:host=127.0.0.1:port=9000."],
    ]

    def postOptions(self) -> None:
        for name in ("endpoint", "dest_endpoint"):
            if not self[name]:
                raise usage.UsageError(f"--{name} is required")


def makeService(config: Any) -> EndpointForwardingService:
    """The service ``twistd endpointforward`` runs."""
    return EndpointForwardingService(config["endpoint"], config["dest_endpoint"])
