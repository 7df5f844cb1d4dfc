"""The interfaces of autobahn's WebSocket API, as abstract base classes.

``IWebSocketChannel`` is what every WebSocket connection offers (callbacks ``on*`` and the
``send*`` methods); ``IWebSocketChannelFrameApi`` adds sending and receiving a message frame
by frame, ``IWebSocketChannelStreamingApi`` frame data chunk by chunk. The factory interfaces
describe the server and client factories' configuration, ``IWebSocketClientAgent`` a
connection maker. The protocol classes register with these ABCs, so
``isinstance(proto, IWebSocketChannel)`` holds for them. Names and signatures are autobahn
26.10.2's.
"""

from __future__ import annotations

import abc
from typing import Any

from autobahn.util import public

__all__ = (
    "IWebSocketChannel",
    "IWebSocketChannelFrameApi",
    "IWebSocketChannelStreamingApi",
    "IWebSocketClientAgent",
    "IWebSocketClientChannelFactory",
    "IWebSocketServerChannelFactory",
)


class IWebSocketClientAgent(abc.ABC):  # noqa: B024 - open() is not abstract in autobahn either
    """Makes WebSocket client connections."""

    def open(self, transport_config: Any, options: Any, protocol_class: Any = None) -> Any:
        """Connect to ``transport_config`` (a ws:// or wss:// URL) with ``options`` (``headers``,
        ``origin``, ``protocols``, ...); returns a future of the connected protocol instance
        (an instance of ``protocol_class`` if given)."""
        raise NotImplementedError


@public
class IWebSocketServerChannelFactory(abc.ABC):
    """A factory of server-side WebSocket connections and their settings."""

    @abc.abstractmethod
    def __init__(self, url=None, protocols=None, server=None, headers=None, externalPort=None):
        """``url``: the URL served (None: ``ws://localhost``); ``protocols``: the subprotocols
        supported, in order of preference; ``server``: the Server response header;
        ``headers``: extra response headers; ``externalPort``: the port clients see."""

    @abc.abstractmethod
    def setSessionParameters(self, url=None, protocols=None, server=None, headers=None, externalPort=None):
        """Change what ``__init__`` set."""

    @abc.abstractmethod
    def setProtocolOptions(
        self,
        versions=None,
        webStatus=None,
        utf8validateIncoming=None,
        maskServerFrames=None,
        requireMaskedClientFrames=None,
        applyMask=None,
        maxFramePayloadSize=None,
        maxMessagePayloadSize=None,
        autoFragmentSize=None,
        failByDrop=None,
        echoCloseCodeReason=None,
        openHandshakeTimeout=None,
        closeHandshakeTimeout=None,
        tcpNoDelay=None,
        perMessageCompressionAccept=None,
        autoPingInterval=None,
        autoPingTimeout=None,
        autoPingSize=None,
        serveFlashSocketPolicy=None,
        flashSocketPolicy=None,
        allowedOrigins=None,
        allowNullOrigin=False,
        maxConnections=None,
        trustXForwardedFor=0,
    ):
        """Set protocol options for new connections; None leaves an option unchanged."""

    @abc.abstractmethod
    def resetProtocolOptions(self):
        """Restore every protocol option's default."""


@public
class IWebSocketClientChannelFactory(abc.ABC):
    """A factory of client-side WebSocket connections and their settings."""

    @abc.abstractmethod
    def __init__(self, url=None, origin=None, protocols=None, useragent=None, headers=None, proxy=None):
        """``url``: where to connect (required before connecting); ``origin``: the Origin
        header; ``protocols``: the subprotocols offered; ``useragent``: the User-Agent header;
        ``headers``: extra request headers; ``proxy``: ``{"host": ..., "port": ...}`` of an
        HTTP proxy to tunnel through with CONNECT."""

    @abc.abstractmethod
    def setSessionParameters(self, url=None, origin=None, protocols=None, useragent=None, headers=None, proxy=None):
        """Change what ``__init__`` set."""

    @abc.abstractmethod
    def setProtocolOptions(
        self,
        version=None,
        utf8validateIncoming=None,
        acceptMaskedServerFrames=None,
        maskClientFrames=None,
        applyMask=None,
        maxFramePayloadSize=None,
        maxMessagePayloadSize=None,
        autoFragmentSize=None,
        failByDrop=None,
        echoCloseCodeReason=None,
        serverConnectionDropTimeout=None,
        openHandshakeTimeout=None,
        closeHandshakeTimeout=None,
        tcpNoDelay=None,
        perMessageCompressionOffers=None,
        perMessageCompressionAccept=None,
        autoPingInterval=None,
        autoPingTimeout=None,
        autoPingSize=None,
    ):
        """Set protocol options for new connections; None leaves an option unchanged."""

    @abc.abstractmethod
    def resetProtocolOptions(self):
        """Restore every protocol option's default."""


@public
class IWebSocketChannel(abc.ABC):
    """A WebSocket connection: the callbacks an application overrides and what it can send."""

    @abc.abstractmethod
    def onConnecting(self, transport_details):
        """The transport is connected, the opening handshake not yet sent (client) or
        received; a client may return a ``ConnectingRequest`` to shape its handshake."""

    @abc.abstractmethod
    def onConnect(self, request_or_response):
        """The opening handshake: a server gets a ``ConnectionRequest`` and returns None, the
        subprotocol, ``(subprotocol, headers)`` or raises ``ConnectionDeny``; a client gets
        the ``ConnectionResponse``."""

    @abc.abstractmethod
    def onOpen(self):
        """The opening handshake is complete: messages can flow."""

    @abc.abstractmethod
    def sendMessage(self, payload: bytes, isBinary: bool):
        """Send a whole message (UTF-8 text unless ``isBinary``)."""

    @abc.abstractmethod
    def onMessage(self, payload: bytes, isBinary: bool):
        """A whole message arrived."""

    @abc.abstractmethod
    def sendClose(self, code: int | None = None, reason: str | None = None):
        """Start the closing handshake, optionally with a close code and reason."""

    @abc.abstractmethod
    def onClose(self, wasClean: bool, code: int, reason: str):
        """The connection is closed (``wasClean``: after a closing handshake)."""

    @abc.abstractmethod
    def sendPing(self, payload: bytes | None = None):
        """Send a ping (payload at most 125 bytes)."""

    @abc.abstractmethod
    def onPing(self, payload: bytes):
        """A ping arrived (the default answers it with a pong)."""

    @abc.abstractmethod
    def sendPong(self, payload: bytes | None = None):
        """Send a pong (payload at most 125 bytes)."""

    @abc.abstractmethod
    def onPong(self, payload: bytes):
        """A pong arrived."""


class IWebSocketChannelFrameApi(IWebSocketChannel):
    """A connection that also sends and receives messages frame by frame."""

    @abc.abstractmethod
    def onMessageBegin(self, isBinary: bool):
        """A message starts."""

    @abc.abstractmethod
    def onMessageFrame(self, payload: bytes):
        """A whole frame of the current message arrived."""

    @abc.abstractmethod
    def onMessageEnd(self):
        """The current message ended."""

    @abc.abstractmethod
    def beginMessage(self, isBinary: bool = False, doNotCompress: bool = False):
        """Start sending a message."""

    @abc.abstractmethod
    def sendMessageFrame(self, payload: bytes, sync: bool = False):
        """Send one whole frame of the current message."""

    @abc.abstractmethod
    def endMessage(self):
        """End the message being sent."""


class IWebSocketChannelStreamingApi(IWebSocketChannelFrameApi):
    """A connection that also streams frame data in chunks, in and out."""

    @abc.abstractmethod
    def onMessageFrameBegin(self, length: int):
        """A frame of ``length`` payload bytes starts."""

    @abc.abstractmethod
    def onMessageFrameData(self, payload: bytes):
        """The next chunk of the current frame's payload arrived."""

    @abc.abstractmethod
    def onMessageFrameEnd(self):
        """The current frame ended."""

    @abc.abstractmethod
    def beginMessageFrame(self, length: int):
        """Start a frame of ``length`` payload bytes in the current message."""

    @abc.abstractmethod
    def sendMessageFrameData(self, payload: bytes, sync: bool = False):
        """Send the next chunk of the current frame's payload."""


# Names autobahn 26.11.1 also has here (programs import them from this module).
from autobahn.wamp.types import TransportDetails  # noqa: E402, F401
from autobahn.websocket.types import ConnectingRequest, ConnectionRequest, ConnectionResponse  # noqa: E402, F401
