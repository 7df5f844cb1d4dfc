"""Test WebSocket clients and servers in memory, without sockets: for programs' own test suites.

    pumper = create_pumper()                 # moves bytes between in-memory connections
    reactor = MemoryReactorClockResolver()   # a MemoryReactorClock (resolves host names too)
    yield pumper.start()                     # setUp
    agent = create_memory_agent(reactor, pumper, EchoServerProtocol)
    proto = yield agent.open("ws://localhost:1234/ws", {})   # a connected client protocol
    proto.sendMessage(b"hello"); ...; proto.sendClose(); yield proto.is_closed
    yield pumper.stop()                      # tearDown: nothing stays scheduled

Every ``agent.open()`` builds a client protocol as ``create_client_agent`` would (same
validation of the URL and options, same Deferred: it fires with the protocol once the
opening handshake completed, or fails when the connection closes first) and connects it to
a new instance of ``server_protocol`` through Twisted's in-memory transports
(``twisted.test.iosim``); with ``wss://`` both transports present themselves as TLS
(``ISSLTransport``) without encrypting. The pumper flushes those connections on the reactor
the test runs on (trial's global reactor) while started.
"""

from __future__ import annotations

from typing import Any

from twisted.internet.address import IPv4Address
from twisted.internet.defer import Deferred, succeed
from twisted.internet.interfaces import ISSLTransport
from twisted.internet.testing import MemoryReactorClock
from twisted.test import iosim
from zope.interface import directlyProvides  # type: ignore[import-untyped]

from autobahn.twisted.websocket import (
    WebSocketClientFactory,
    WebSocketClientProtocol,
    WebSocketServerFactory,
    WebSocketServerProtocol,
    _TwistedWebSocketClientAgent,  # noqa: F401 - autobahn's testing module has it too
    _when_opened,
    check_client_options,
    check_transport_config,
)
from autobahn.websocket.interfaces import IWebSocketClientAgent

__all__ = (
    "MemoryReactorClock",
    "MemoryReactorClockResolver",
    "create_memory_agent",
    "create_pumper",
)

# A MemoryReactorClock already resolves host names (nameResolver); autobahn's older name.
MemoryReactorClockResolver = MemoryReactorClock

# Where the in-memory connections pretend to come from.
_CLIENT_ADDRESS = IPv4Address("TCP", "127.0.0.1", 31337)


class _Pumper:
    """Flushes registered ``iosim.IOPump`` s on the global reactor every ``interval`` seconds
    while started; a pump is dropped once both its ends are disconnected."""

    interval = 0.01

    def __init__(self) -> None:
        from twisted.internet import reactor

        self._reactor: Any = reactor
        self._pumps: set[iosim.IOPump] = set()
        self._pumping = False
        self._call: Any = None

    def add(self, pump: iosim.IOPump) -> None:
        """Pump ``pump`` from now on (until both its ends are disconnected)."""
        self._pumps.add(pump)

    def start(self) -> Deferred:
        """Start pumping (from a test's ``setUp``); a Deferred that has fired."""
        if not self._pumping:
            self._pumping = True
            self._call = self._reactor.callLater(0, self._pump_once)
        return succeed(None)

    def stop(self) -> Deferred:
        """Stop pumping (from ``tearDown``): nothing of ours stays scheduled on the reactor."""
        self._pumping = False
        if self._call is not None and self._call.active():
            self._call.cancel()
        self._call = None
        return succeed(None)

    def _pump_once(self) -> None:
        self._call = None
        self._flush()  # may run the test's code, which may stop() us
        if self._pumping:
            self._call = self._reactor.callLater(self.interval, self._pump_once)

    def _flush(self) -> None:
        for pump in list(self._pumps):
            pump.flush()
            if pump.clientIO.disconnected and pump.serverIO.disconnected:
                self._pumps.discard(pump)


class _MemoryAgent(IWebSocketClientAgent):
    """An IWebSocketClientAgent whose connections end in a new ``server_protocol`` each, in memory."""

    def __init__(self, reactor: Any, pumper: _Pumper, server_protocol: type) -> None:
        self._reactor = reactor
        self._pumper = pumper
        self._server_protocol = server_protocol
        self._servers: dict[Any, Any] = {}  # client protocol -> its server protocol

    def open(self, transport_config: str, options: dict[str, Any], protocol_class: Any = None) -> Deferred:
        """Connect to ``transport_config`` (``ws://`` or ``wss://`` URL); a Deferred of the client
        protocol once the opening handshake completed."""
        check_transport_config(transport_config)
        check_client_options(options)
        factory = WebSocketClientFactory(url=transport_config, reactor=self._reactor, **options)
        factory.protocol = WebSocketClientProtocol if protocol_class is None else protocol_class
        server_address: Any = IPv4Address("TCP", "127.0.0.1", factory.port)

        client: Any = factory.buildProtocol(server_address)
        server = self._server_protocol()
        if getattr(server, "factory", None) is None:
            server.factory = WebSocketServerFactory(reactor=self._reactor)
        client_io = iosim.FakeTransport(client, isServer=False, hostAddress=_CLIENT_ADDRESS, peerAddress=server_address)
        server_io = iosim.FakeTransport(server, isServer=True, hostAddress=server_address, peerAddress=_CLIENT_ADDRESS)
        if factory.isSecure:
            directlyProvides(client_io, ISSLTransport)
            directlyProvides(server_io, ISSLTransport)
        self._servers[client] = server

        # greet=False: the first bytes move when the pumper runs, as on a real reactor.
        pump = iosim.connect(server, server_io, client, client_io, greet=False)
        opened = _when_opened(client, transport_config)
        self._pumper.add(pump)
        return opened


def create_pumper() -> _Pumper:
    """A pumper (``add(pump)``, ``start()``, ``stop()``) for ``create_memory_agent``."""
    return _Pumper()


def create_memory_agent(reactor: Any, pumper: _Pumper, server_protocol: type | None) -> _MemoryAgent:
    """An ``IWebSocketClientAgent`` whose ``open()`` connects to a new ``server_protocol``
    (default ``WebSocketServerProtocol``) in memory; ``pumper`` moves the bytes."""
    return _MemoryAgent(reactor, pumper, WebSocketServerProtocol if server_protocol is None else server_protocol)
