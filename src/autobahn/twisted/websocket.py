"""autobahn's Twisted WebSocket API: the protocol classes of ``autobahn.websocket.protocol`` on
Twisted transports (TCP, TLS, UNIX sockets, transports taken over from ``twisted.web``).

Applications written for autobahn run unchanged::

    class Echo(WebSocketServerProtocol):
        def onMessage(self, payload, isBinary):
            self.sendMessage(payload, isBinary)

    factory = WebSocketServerFactory("ws://127.0.0.1:9000")
    factory.protocol = Echo
    reactor.listenTCP(9000, factory)

This module only moves bytes, runs timers and waits for what callbacks return (a Deferred or a
coroutine); the protocol is ``autobahn.websocket.protocol`` over the sans-IO core, shared with
``autobahn.asyncio.websocket``.

Backpressure is the application's, as in autobahn: a connection registers no producer of its
own; ``registerProducer`` registers the application's with the transport, which pauses it while
its write buffer is full.

Writes on a plain TCP transport whose buffer is empty go to the socket at once, as asyncio's
transports do, instead of waiting for the reactor's next turn (see ``_write``).
"""

from __future__ import annotations

import inspect
from base64 import b64decode, b64encode
from typing import Any

import twisted.internet.protocol
import txaio
from twisted.internet import endpoints, tcp
from twisted.internet.defer import Deferred
from twisted.internet.error import ConnectionDone, ConnectionLost
from twisted.internet.interfaces import ITransport
from twisted.python.failure import Failure
from zope.interface import implementer

from autobahn import _framework_glue
from autobahn._txaio import use_framework
from autobahn.exception import Disconnected
from autobahn.twisted.util import (  # noqa: F401 (autobahn's module has these names too)
    TwistedTransportFacts,
    create_transport_details,
    extract_peer_certificate,
    transport_channel_id,
)
from autobahn.websocket import protocol
from autobahn.websocket.types import ConnectionAccept, ConnectionDeny, ConnectionRequest, ConnectionResponse

use_framework("twisted")

try:
    from autobahn.websocket.interfaces import IWebSocketClientAgent as _ClientAgentBase
except ImportError:  # the interfaces module is not part of this installation
    _ClientAgentBase = object  # type: ignore[assignment,misc]


_IO_SIZE = 1024 * 1024  # bytes per read on TCP transports (see connectionMade)


try:  # looked up once, here: a failing import per connection would be slow
    from autobahn.wamp.types import TransportDetails
except ImportError:  # WAMP is not part of this installation
    TransportDetails = None


class _Timer:
    """A reactor call whose ``cancel()`` may be called after it ran, as the protocol expects
    (Twisted's ``IDelayedCall.cancel`` raises then)."""

    __slots__ = ("_call",)

    def __init__(self, call: Any) -> None:
        self._call = call

    def cancel(self) -> None:
        if self._call.active():
            self._call.cancel()


def _as_deferred(result: Any) -> Deferred | None:
    """``result`` as a Deferred when it is something to wait for, else None."""
    if isinstance(result, Deferred):
        return result
    if inspect.iscoroutine(result):
        return Deferred.fromCoroutine(result)
    if inspect.isawaitable(result):

        async def wait() -> Any:
            return await result

        return Deferred.fromCoroutine(wait())
    return None


class WebSocketAdapterProtocol(twisted.internet.protocol.Protocol):
    """The Twisted half of a connection: transport, timers and Deferreds for
    ``autobahn.websocket.protocol``."""

    log = txaio.make_logger()
    peer: str | None = None
    is_server: bool | None = None
    factory: Any
    _transport_gone = False
    _tcp: tcp.Connection | None = None  # the transport, when it is Twisted's plain TCP one

    def connectionMade(self) -> None:
        transport = self.transport
        if self.factory.tcpNoDelay:
            try:
                transport.setTcpNoDelay(True)
            except (AttributeError, OSError, NotImplementedError):
                pass  # not a TCP transport (UNIX socket, a transport in a test)
        # Larger reads than Twisted's default 64 KiB: fewer reactor turns per large message.
        # Its send size (SEND_LIMIT, 128 KiB) stays: while less than that is left unsent, each
        # doWrite copies the unsent rest, so a larger limit copies a large message again on
        # every partial send (1 MiB echoes took 2.5x the CPU with it at 1 MiB).
        if getattr(transport, "bufferSize", None) == 2**16:
            transport.bufferSize = _IO_SIZE
        # Twisted's own plain TCP transports only: their buffer is read in _write.
        self._tcp = transport if isinstance(transport, tcp.Connection) else None
        self._transport_made(TwistedTransportFacts(transport, bool(self.is_server)))

    def dataReceived(self, data: bytes) -> None:
        self._data_received(data)

    def connectionLost(self, reason: Failure = twisted.internet.protocol.connectionDone) -> None:
        self._transport_gone = True
        self._connection_lost()

    # The transport's producer slot belongs to the application (a relay piping one connection
    # into another registers there), so a connection never registers itself: reading pauses
    # for the frame budget through the transport's own pauseProducing/resumeProducing.

    def registerProducer(self, producer: Any, streaming: bool) -> None:
        """Register a producer for what the application sends on this connection (with the
        transport: a push producer is paused while the transport's write buffer is full)."""
        self.transport.registerProducer(producer, streaming)

    def unregisterProducer(self) -> None:
        """Unregister the application's producer."""
        if not self._transport_gone and self.transport is not None:
            self.transport.unregisterProducer()

    # --- the primitives autobahn.websocket.protocol asks for ---

    def _write(self, data: bytes | bytearray | memoryview) -> None:
        if data and not self._transport_gone:
            if type(data) is not bytes:
                data = bytes(data)  # Twisted keeps a reference until it is sent: no buffers that change
            if self.logOctets:
                self.logTxOctets(data, False)
            self.trafficStats.outgoingOctetsWireLevel += len(data)
            tcp_transport = self._tcp
            if (
                tcp_transport is not None
                and len(data) <= tcp_transport.SEND_LIMIT
                and not tcp_transport._tempDataLen
                and tcp_transport.offset == len(tcp_transport.dataBuffer)
                and tcp_transport.connected
                and not (tcp_transport.disconnecting or tcp_transport._writeDisconnected or tcp_transport.TLS)
            ):
                # Nothing waits in the transport: send now (Twisted's own send, which returns 0
                # when the socket is full, or an exception when the connection is lost) and
                # leave only what the socket did not take to the transport. Twisted would send
                # on its next turn, at the cost of two epoll updates and a turn per message.
                sent = tcp_transport.writeSomeData(data)
                if isinstance(sent, Exception):
                    sent = 0  # the transport finds the loss itself, on its next write or read
                if sent == len(data):
                    return
                data = data[sent:]
            self.transport.write(data)

    def _close_transport(self) -> None:
        if not self._transport_gone:
            self.transport.loseConnection()

    def _abort_transport(self) -> None:
        if not self._transport_gone:
            abort = getattr(self.transport, "abortConnection", None)
            (abort or self.transport.loseConnection)()

    def _set_reading(self, reading: bool) -> None:
        # The frame budget of a chunk ran out (or was renewed): stop or resume reading.
        if self._transport_gone:
            return
        if not reading:
            self.transport.pauseProducing()
        else:
            self.transport.resumeProducing()

    def _close_after_answer(self) -> None:
        # Half-close after an HTTP error answer: FIN after the answer, so bytes the peer still
        # sends do not make the kernel reset the connection before the answer is read.
        lose_write = getattr(self.transport, "loseWriteConnection", None)
        if lose_write is not None and not self._transport_gone:
            lose_write()
            self._restart_timer(self.closeHandshakeTimeout or 1.0, self._close_transport)
        else:
            self._close_transport_gracefully()

    def _call_later(self, delay: float, callback: Any) -> _Timer:
        reactor = getattr(self.factory, "reactor", None)
        if reactor is None:
            from twisted.internet import reactor
        return _Timer(reactor.callLater(delay, callback))

    def _create_future(self) -> Deferred:
        return Deferred()

    def _resolve_future(self, future: Any, value: Any) -> None:
        if future is not None and not future.called:
            future.callback(value)

    def _on_result(self, result: Any, on_done: Any, on_error: Any) -> bool:
        d = _as_deferred(result)
        if d is None:
            return False

        def done(value: Any) -> None:
            on_done(value)

        def failed(failure: Failure) -> None:
            on_error(failure.value)

        d.addCallbacks(done, failed)
        d.addErrback(lambda f: self.log.failure("error handling a callback's result", failure=f))
        return True


class WebSocketServerProtocol(WebSocketAdapterProtocol, protocol.WebSocketServerProtocol):
    """A Twisted WebSocket server connection (override ``onConnect``, ``onMessage``, ...).
    ``onConnect`` may return a Deferred (or be a coroutine function) that fires with the
    subprotocol or fails with ConnectionDeny."""

    is_server = True


class WebSocketClientProtocol(WebSocketAdapterProtocol, protocol.WebSocketClientProtocol):
    """A Twisted WebSocket client connection (override ``onOpen``, ``onMessage``, ...)."""

    is_server = False

    def startTLS(self) -> None:
        """Start TLS on the connection (after an HTTP proxy opened the tunnel to a wss:// server)."""
        self.transport.startTLS(self.factory.contextFactory)


class WebSocketAdapterFactory:
    """The Twisted half of a factory (Twisted's ``buildProtocol`` makes a protocol per connection)."""

    log = txaio.make_logger()


def _reactor(reactor: Any) -> Any:
    if reactor is None:
        from twisted.internet import reactor
    return reactor


class WebSocketServerFactory(
    WebSocketAdapterFactory, protocol.WebSocketServerFactory, twisted.internet.protocol.ServerFactory
):
    """Makes a server protocol per connection: ``reactor.listenTCP(port, factory)`` or ``listenWS``.
    Takes ``WebSocketServerFactory``'s arguments, and ``reactor`` (default: the global one)."""

    protocol = WebSocketServerProtocol

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.reactor = _reactor(kwargs.pop("reactor", None))
        protocol.WebSocketServerFactory.__init__(self, *args, **kwargs)


class WebSocketClientFactory(
    WebSocketAdapterFactory, protocol.WebSocketClientFactory, twisted.internet.protocol.ClientFactory
):
    """Makes the client protocol: ``connectWS(factory)`` or ``reactor.connectTCP(host, port, factory)``.
    Takes ``WebSocketClientFactory``'s arguments, and ``reactor`` (default: the global one)."""

    protocol = WebSocketClientProtocol
    contextFactory: Any = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.reactor = _reactor(kwargs.pop("reactor", None))
        protocol.WebSocketClientFactory.__init__(self, *args, **kwargs)
        if self.isSecure and self.proxy is not None:
            from twisted.internet import ssl

            self.contextFactory = ssl.optionsForClientTLS(self.host)


# --- a byte stream over WebSocket (websockify's "binary" and "base64" subprotocols) ---


@implementer(ITransport)
class WrappingWebSocketAdapter:
    """Carries a stream protocol over WebSocket: the wrapped protocol (``_proto``) sees this
    connection as its transport. Bytes travel as binary messages (subprotocol ``binary`` or the
    factory's own) or base64 in text messages (``base64``), compatible with websockify."""

    _proto: Any
    _binaryMode = True

    def onConnect(self, requestOrResponse: Any) -> Any:
        offered = self.factory._subprotocols
        if isinstance(requestOrResponse, ConnectionRequest):
            for name in requestOrResponse.protocols:
                if name in offered:
                    self._binaryMode = name != "base64"
                    return name
            raise ConnectionDeny(ConnectionDeny.NOT_ACCEPTABLE, f"this server only speaks the subprotocols {offered}")
        if isinstance(requestOrResponse, ConnectionResponse):
            if requestOrResponse.protocol not in offered:
                self._fail_wrapped(
                    protocol.WebSocketProtocol.CLOSE_STATUS_CODE_PROTOCOL_ERROR,
                    f"this client only speaks the subprotocols {offered}",
                )
            self._binaryMode = requestOrResponse.protocol != "base64"
            return None
        raise TypeError(f"onConnect got {requestOrResponse!r}")

    def _fail_wrapped(self, code: int, reason: str) -> None:
        conn = self._conn
        if conn is not None and conn.state == protocol.core.OPEN:
            conn.fail(code, reason)
            self._flush()
        self._close_transport_gracefully()

    def onOpen(self) -> None:
        self._proto.makeConnection(self)

    def onMessage(self, payload: bytes, isBinary: bool) -> None:
        if isBinary != self._binaryMode:
            self._fail_wrapped(
                protocol.WebSocketProtocol.CLOSE_STATUS_CODE_UNSUPPORTED_DATA,
                "message type does not match the negotiated subprotocol",
            )
            return
        if not isBinary:
            try:
                payload = b64decode(payload, validate=True)
            except ValueError as exc:
                self._fail_wrapped(
                    protocol.WebSocketProtocol.CLOSE_STATUS_CODE_INVALID_PAYLOAD, f"invalid base64 payload: {exc}"
                )
                return
        self._proto.dataReceived(payload)

    def onClose(self, wasClean: bool, code: int | None, reason: str | None) -> None:
        if getattr(self._proto, "transport", None) is self:
            self._proto.connectionLost(Failure(ConnectionDone() if wasClean else ConnectionLost(reason or "")))

    def write(self, data: bytes) -> None:
        """ITransport: send ``data`` as one message."""
        if not isinstance(data, bytes):
            raise TypeError(f"data must be bytes, got {type(data).__name__}")
        if self._binaryMode:
            self.sendMessage(data, isBinary=True)
        else:
            self.sendMessage(b64encode(data), isBinary=False)

    def writeSequence(self, data: Any) -> None:
        """ITransport: send each piece of ``data``."""
        for piece in data:
            self.write(piece)

    def loseConnection(self) -> None:
        """ITransport: start the closing handshake."""
        self.sendClose()

    def abortConnection(self) -> None:
        """Drop the TCP connection at once."""
        self.dropConnection(abort=True)

    def getPeer(self) -> Any:
        return self.transport.getPeer()

    def getHost(self) -> Any:
        return self.transport.getHost()


class WrappingWebSocketServerProtocol(WrappingWebSocketAdapter, WebSocketServerProtocol):
    """Server protocol carrying a stream protocol over WebSocket."""


class WrappingWebSocketClientProtocol(WrappingWebSocketAdapter, WebSocketClientProtocol):
    """Client protocol carrying a stream protocol over WebSocket."""


class _WrappingFactory:
    """What the wrapping server and client factories share: the wrapped factory, the
    subprotocols, and a protocol per connection around one of the wrapped factory's."""

    _wrapper: type
    _factory: Any
    _subprotocols: list[str]

    def __init__(
        self,
        factory: Any,
        url: str,
        reactor: Any = None,
        enableCompression: bool = True,
        autoFragmentSize: int = 0,
        subprotocol: str | None = None,
    ) -> None:
        self._factory = factory
        self._subprotocols = ["binary", "base64"] + ([subprotocol] if subprotocol else [])
        # the WebSocket factory this is mixed into (next in the MRO)
        super().__init__(url=url, reactor=reactor, protocols=self._subprotocols)  # type: ignore[call-arg]
        self.setProtocolOptions(  # type: ignore[attr-defined]
            autoFragmentSize=autoFragmentSize, failByDrop=False, perMessageDeflate=bool(enableCompression)
        )

    def buildProtocol(self, addr: Any) -> Any:
        proto = self._wrapper()
        proto.factory = self
        proto._proto = self._factory.buildProtocol(addr)
        return proto


class WrappingWebSocketServerFactory(_WrappingFactory, WebSocketServerFactory):
    """Serves the stream protocols of ``factory`` (a Twisted factory) over WebSocket at ``url``."""

    _wrapper = WrappingWebSocketServerProtocol

    def startFactory(self) -> None:
        self._factory.doStart()
        WebSocketServerFactory.startFactory(self)

    def stopFactory(self) -> None:
        self._factory.doStop()
        WebSocketServerFactory.stopFactory(self)


class WrappingWebSocketClientFactory(_WrappingFactory, WebSocketClientFactory):
    """Connects the stream protocol of ``factory`` (a Twisted factory) over WebSocket to ``url``."""

    _wrapper = WrappingWebSocketClientProtocol


# --- connecting and listening ---


def connectWS(factory: Any, contextFactory: Any = None, timeout: float = 30, bindAddress: Any = None) -> Any:
    """Connect ``factory`` (a WebSocketClientFactory) to its URL's host and port (through its
    ``proxy`` if it has one), with TLS for wss:// URLs; returns the IConnector. Without a
    ``contextFactory``, TLS verifies the server's certificate for the URL's host name."""
    reactor = _reactor(getattr(factory, "reactor", None))
    if factory.isSecure and contextFactory is None:
        from twisted.internet import ssl

        contextFactory = ssl.optionsForClientTLS(factory.host)
    if factory.proxy is not None:
        factory.contextFactory = contextFactory
        return reactor.connectTCP(factory.proxy["host"], factory.proxy["port"], factory, timeout, bindAddress)
    if factory.isSecure:
        return reactor.connectSSL(factory.host, factory.port, factory, contextFactory, timeout, bindAddress)
    return reactor.connectTCP(factory.host, factory.port, factory, timeout, bindAddress)


def listenWS(factory: Any, contextFactory: Any = None, backlog: int = 50, interface: str = "") -> Any:
    """Listen on ``factory``'s URL port (TLS with ``contextFactory``, required for wss://);
    returns the IListeningPort."""
    reactor = _reactor(getattr(factory, "reactor", None))
    if factory.isSecure:
        if contextFactory is None:
            raise ValueError("a wss:// server needs a TLS context factory (contextFactory)")
        return reactor.listenSSL(factory.port, factory, contextFactory, backlog, interface)
    return reactor.listenTCP(factory.port, factory, backlog, interface)


def check_transport_config(transport_config: str) -> None:
    """ValueError unless ``transport_config`` is a ws:// or wss:// URL string."""
    if not isinstance(transport_config, str):
        raise ValueError(f"'transport_config' must be a string, found {type(transport_config)}")
    if not transport_config.startswith(("ws://", "wss://")):
        raise ValueError("'transport_config' must start with 'ws://' or 'wss://'")


_CLIENT_OPTIONS = ("origin", "protocols", "useragent", "headers", "proxy")


def check_client_options(options: dict[str, Any]) -> None:
    """ValueError unless ``options`` is a dict of WebSocketClientFactory session parameters
    (origin, protocols, useragent, headers, proxy)."""
    if not isinstance(options, dict):
        raise ValueError("'options' must be a dict")
    for key in options:
        if key not in _CLIENT_OPTIONS:
            raise ValueError(f"'options' may not contain '{key}'")


def _when_opened(proto: Any, transport_config: str) -> Deferred:
    """A Deferred firing with the client ``proto`` once its opening handshake completed, failing with
    Disconnected when the connection closes first (what a client agent's ``open`` returns)."""
    opened: Deferred = Deferred()

    def handshake_done(value: Any) -> Any:
        if not opened.called:
            opened.callback(proto)
        return value

    def closed_first(value: Any) -> Any:
        if not opened.called:
            opened.errback(Disconnected(f"the opening handshake with {transport_config} did not complete"))
        return value

    proto.is_open.addCallback(handshake_done)
    proto.is_closed.addCallback(closed_first)
    return opened


class _TwistedWebSocketClientAgent(_ClientAgentBase):
    """Opens WebSocket client connections over Twisted endpoints (``create_client_agent``)."""

    def __init__(self, reactor: Any) -> None:
        self._reactor = reactor

    def open(self, transport_config: str, options: dict[str, Any], protocol_class: Any = None) -> Deferred:
        """Connect to the ws:// or wss:// URL ``transport_config``; ``options`` are the client
        factory's session parameters. Returns a Deferred firing with the protocol (an instance
        of ``protocol_class``, default WebSocketClientProtocol) once the opening handshake
        completed, or failing when the connection or the handshake does."""
        check_transport_config(transport_config)
        check_client_options(options)
        factory = WebSocketClientFactory(url=transport_config, reactor=self._reactor, **options)
        factory.protocol = WebSocketClientProtocol if protocol_class is None else protocol_class
        endpoint: Any
        if factory.proxy is not None:
            if factory.isSecure:
                from twisted.internet import ssl

                factory.contextFactory = ssl.optionsForClientTLS(factory.host)
            endpoint = endpoints.HostnameEndpoint(self._reactor, factory.proxy["host"], factory.proxy["port"])
        else:
            endpoint = endpoints.HostnameEndpoint(self._reactor, factory.host, factory.port)
            if factory.isSecure:
                from twisted.internet import ssl

                endpoint = endpoints.wrapClientTLS(ssl.optionsForClientTLS(factory.host), endpoint)
        opened: Deferred = Deferred()

        def connected(proto: Any) -> None:
            _when_opened(proto, transport_config).chainDeferred(opened)

        endpoint.connect(factory).addCallbacks(connected, opened.errback)
        return opened


def create_client_agent(reactor: Any) -> _TwistedWebSocketClientAgent:
    """An IWebSocketClientAgent: ``agent.open(url, options)`` returns a Deferred firing with a
    connected client protocol."""
    return _TwistedWebSocketClientAgent(reactor)


# WAMP over WebSocket: autobahn.wamp.websocket's mixins on the Twisted classes above (the factories'
# __init__ is autobahn._framework_glue's, shared with the other framework).
from autobahn.wamp import websocket as _wamp_websocket  # noqa: E402 (WAMP imports these modules)


class WampWebSocketServerProtocol(_wamp_websocket.WampWebSocketServerProtocol, WebSocketServerProtocol):
    """Twisted WAMP-over-WebSocket server transport (implements ``autobahn.wamp.interfaces.ITransport``)."""


class WampWebSocketServerFactory(_wamp_websocket.WampWebSocketServerFactory, WebSocketServerFactory):
    """Twisted WAMP-over-WebSocket server factory: ``factory`` makes each connection's WAMP session;
    ``serializers`` (default: every one installed) decide the subprotocols offered."""

    protocol = WampWebSocketServerProtocol

    def __init__(self, factory: Any, *args: Any, **kwargs: Any) -> None:
        _framework_glue.init_wamp_factory(self, WebSocketServerFactory, factory, args, kwargs)


class WampWebSocketClientProtocol(_wamp_websocket.WampWebSocketClientProtocol, WebSocketClientProtocol):
    """Twisted WAMP-over-WebSocket client transport (implements ``autobahn.wamp.interfaces.ITransport``)."""


class WampWebSocketClientFactory(_wamp_websocket.WampWebSocketClientFactory, WebSocketClientFactory):
    """Twisted WAMP-over-WebSocket client factory: ``factory`` makes the WAMP session; ``serializers``
    (default: every one installed, CBOR first) are offered as subprotocols in that order."""

    protocol = WampWebSocketClientProtocol

    def __init__(self, factory: Any, *args: Any, **kwargs: Any) -> None:
        _framework_glue.init_wamp_factory(self, WebSocketClientFactory, factory, args, kwargs)


__all__ = [
    *_framework_glue.WAMP_WEBSOCKET_NAMES,
    "WebSocketAdapterProtocol",
    "WebSocketAdapterFactory",
    "WebSocketServerProtocol",
    "WebSocketServerFactory",
    "WebSocketClientProtocol",
    "WebSocketClientFactory",
    "WrappingWebSocketAdapter",
    "WrappingWebSocketServerProtocol",
    "WrappingWebSocketClientProtocol",
    "WrappingWebSocketServerFactory",
    "WrappingWebSocketClientFactory",
    "connectWS",
    "listenWS",
    "create_client_agent",
    "check_client_options",
    "check_transport_config",
    "ConnectionRequest",
    "ConnectionResponse",
    "ConnectionAccept",
    "ConnectionDeny",
    "Disconnected",
]


# Names autobahn 26.11.1 also has here (programs import them from this module).
from autobahn.util import _is_tls_error, _maybe_tls_reason, hltype, hlval, public  # noqa: E402, F401
from autobahn.wamp import websocket  # noqa: E402, F401
from autobahn.websocket.compress_deflate import (  # noqa: E402, F401
    PerMessageDeflateOffer,
    PerMessageDeflateOfferAccept,
    PerMessageDeflateResponse,
    PerMessageDeflateResponseAccept,
)
from autobahn.websocket.interfaces import IWebSocketClientAgent  # noqa: E402, F401
