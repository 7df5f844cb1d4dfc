"""WebSocket inside a ``twisted.web`` site: ``WebSocketResource`` takes over the connection of an
HTTP request that asks for the upgrade; ``WSGIRootResource`` puts a WSGI application at the root
with other resources (a WebSocketResource, say) at sub-paths."""

from __future__ import annotations

from typing import Any

from twisted.protocols.policies import ProtocolWrapper
from twisted.web.resource import IResource, Resource
from twisted.web.server import NOT_DONE_YET
from zope.interface import implementer

try:
    from twisted.web.pages import notFound
except ImportError:  # Twisted before 22.10
    from twisted.web.resource import NoResource as notFound  # type: ignore[assignment]

__all__ = ["WebSocketResource", "WSGIRootResource"]


class WSGIRootResource(Resource):
    """A root resource serving ``wsgiResource`` (a ``twisted.web.wsgi.WSGIResource``, which has
    no children) for every path but those in ``children`` (``{b"ws": resource, ...}``)."""

    def __init__(self, wsgiResource: Any, children: dict[bytes, Any]) -> None:
        Resource.__init__(self)
        self._wsgiResource = wsgiResource
        self.children = children

    def getChild(self, path: bytes, request: Any) -> Any:
        # Give the WSGI application the whole path, this segment included.
        request.prepath.pop()
        request.postpath.insert(0, path)
        return self._wsgiResource


@implementer(IResource)
class WebSocketResource:
    """A ``twisted.web`` resource that turns a request for the WebSocket upgrade into a
    connection of ``factory`` (an ``autobahn.twisted.websocket.WebSocketServerFactory``): the
    request's transport is handed to a new protocol, which answers the opening handshake."""

    isLeaf = True

    def __init__(self, factory: Any) -> None:
        self._factory = factory

    def getChildWithDefault(self, name: bytes, request: Any) -> Any:
        """No children: always a 404 resource."""
        return notFound(message="No such child resource.")

    def putChild(self, path: bytes, child: Any) -> None:
        """No children: ignored."""

    def render(self, request: Any) -> Any:
        """Hand the request's connection to a new WebSocket protocol, replaying the request to it."""
        transport = request.channel.transport
        upgrade = request.getHeader(b"upgrade") or b""
        if transport is None or upgrade.lower() != b"websocket":
            request.setResponseCode(426, b"Upgrade Required")
            request.setHeader(b"Upgrade", b"WebSocket")
            request.setHeader(b"Content-Type", b"text/plain; charset=utf-8")
            return b"This resource speaks WebSocket: connect with a WebSocket client.\n"
        proto = self._factory.buildProtocol(request.transport.getPeer())
        if proto is None:
            request.setResponseCode(500)
            return b""
        # The connection is ours from here on: the HTTP channel lets go of it.
        request.channel.transport = None
        if isinstance(transport, ProtocolWrapper):  # TLS: the wrapper stays, its inner protocol changes
            transport.wrappedProtocol = proto
        elif isinstance(getattr(transport, "protocol", None), ProtocolWrapper):
            transport.protocol.wrappedProtocol = proto
        else:
            transport.protocol = proto
        proto.makeConnection(transport)
        # twisted.web paused reading while it handled the request; resume for the WebSocket.
        network_producer = getattr(request.channel, "_networkProducer", None)
        if network_producer is not None:
            network_producer.resumeProducing()
        elif hasattr(transport, "resumeProducing"):
            transport.resumeProducing()
        head = [request.method + b" " + request.uri + b" HTTP/1.1\r\n"]
        for name, values in request.requestHeaders.getAllRawHeaders():
            head.append(name + b": " + b",".join(values) + b"\r\n")
        head.append(b"\r\n")
        proto.dataReceived(b"".join(head) + request.content.read())
        return NOT_DONE_YET
