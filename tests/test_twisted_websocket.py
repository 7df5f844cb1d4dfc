"""What only the Twisted API has: TLS through endpoints and listenWS/connectWS, WebSocket
inside a twisted.web site (WebSocketResource), byte streams over WebSocket (Wrapping*),
create_client_agent, application producers, Deferreds as is_open/is_closed."""

from __future__ import annotations

import asyncio
import datetime
import os
import tempfile

import pytest
from frameworks import run, wait
from twisted.internet import defer, endpoints, protocol, reactor, ssl
from twisted.web.resource import Resource
from twisted.web.server import Site

from autobahn.exception import Disconnected
from autobahn.twisted.resource import WebSocketResource, WSGIRootResource
from autobahn.twisted.websocket import (
    WebSocketClientFactory,
    WebSocketClientProtocol,
    WebSocketServerFactory,
    WebSocketServerProtocol,
    WrappingWebSocketClientFactory,
    WrappingWebSocketServerFactory,
    check_client_options,
    check_transport_config,
    connectWS,
    create_client_agent,
    listenWS,
)


class Data(Resource):
    """A page of fixed bytes (twisted.web.static warns on import in current Twisted)."""

    isLeaf = True

    def __init__(self, body: bytes, content_type: str) -> None:
        super().__init__()
        self.body, self.content_type = body, content_type.encode()

    def render_GET(self, request):
        request.setHeader(b"content-type", self.content_type)
        return self.body


class Echo(WebSocketServerProtocol):
    def onMessage(self, payload, isBinary):
        self.sendMessage(payload, isBinary)


class SendAndClose(WebSocketClientProtocol):
    """Sends "hello", keeps the echo, closes."""

    def onOpen(self):
        self.sendMessage("hello ✓".encode())

    def onMessage(self, payload, isBinary):
        self.echo = payload
        self.sendClose(1000)


def _self_signed() -> tuple[bytes, bytes]:
    """A key and certificate for "localhost", made here."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return key_pem, cert.public_bytes(serialization.Encoding.PEM)


@pytest.fixture(scope="module")
def tls() -> tuple[object, object]:
    """(server context factory, client context factory trusting only the server's certificate)."""
    key_pem, cert_pem = _self_signed()
    server = ssl.PrivateCertificate.loadPEM(key_pem + cert_pem).options()
    client = ssl.optionsForClientTLS("localhost", trustRoot=ssl.Certificate.loadPEM(cert_pem))
    return server, client


def test_tls_through_endpoints(impl, tls):
    server_tls, client_tls = tls

    async def main():
        factory = WebSocketServerFactory("wss://localhost")
        factory.protocol = Echo
        factory.setProtocolOptions(utf8Validator=impl.Utf8Validator, xorMasker=impl.XorMasker)
        port = await wait(endpoints.SSL4ServerEndpoint(reactor, 0, server_tls, interface="127.0.0.1").listen(factory))
        client = WebSocketClientFactory(f"wss://localhost:{port.getHost().port}")
        client.protocol = SendAndClose
        tcp = endpoints.TCP4ClientEndpoint(reactor, "127.0.0.1", port.getHost().port)
        endpoint = endpoints.wrapClientTLS(client_tls, tcp)
        proto = await wait(endpoint.connect(client))
        closed = await wait(proto.is_closed)
        await wait(port.stopListening())
        return proto, closed

    proto, closed = run(main())
    assert closed is proto and proto.echo == "hello ✓".encode()
    assert proto.wasClean


def test_listen_ws_and_connect_ws_with_tls(tls):
    server_tls, client_tls = tls

    async def main():
        factory = WebSocketServerFactory("wss://localhost:0")
        factory.protocol = Echo
        with pytest.raises(ValueError, match="TLS context"):
            listenWS(factory)
        port = listenWS(factory, server_tls, interface="127.0.0.1")
        client = WebSocketClientFactory(f"wss://localhost:{port.getHost().port}")
        opened = defer.Deferred()

        class Opened(SendAndClose):
            def onOpen(self):
                opened.callback(self)
                super().onOpen()

        client.protocol = Opened
        client.host = "127.0.0.1"  # connect by address, check the certificate for "localhost"
        connectWS(client, client_tls)
        proto = await wait(opened)
        await wait(proto.is_closed)
        await wait(port.stopListening())
        return proto

    assert run(main()).echo == "hello ✓".encode()


def test_web_resource_beside_other_resources():
    class Hello(WebSocketServerProtocol):
        def onConnect(self, request):
            self.factory.paths.append(request.path)

        def onOpen(self):
            self.sendMessage(b"from the site")

    async def main():
        factory = WebSocketServerFactory("ws://127.0.0.1")
        factory.protocol = Hello
        factory.paths = []
        root = Resource()
        root.putChild(b"ws", WebSocketResource(factory))
        root.putChild(b"page", Data(b"plain page", "text/plain"))
        port = reactor.listenTCP(0, Site(root), interface="127.0.0.1")
        number = port.getHost().port

        received = []

        class Client(WebSocketClientProtocol):
            def onMessage(self, payload, isBinary):
                received.append(payload)
                self.sendClose(1000)

        client = WebSocketClientFactory(f"ws://127.0.0.1:{number}/ws")
        client.protocol = Client
        proto = await wait(endpoints.TCP4ClientEndpoint(reactor, "127.0.0.1", number).connect(client))
        await wait(proto.is_closed)
        # The same site still serves plain HTTP, and the resource refuses plain GETs.
        reader, writer = await asyncio.open_connection("127.0.0.1", number)
        writer.write(b"GET /page HTTP/1.0\r\n\r\nGET /ws HTTP/1.0\r\n\r\n")
        page = await asyncio.wait_for(reader.read(), 5)
        writer.close()
        reader, writer = await asyncio.open_connection("127.0.0.1", number)
        writer.write(b"GET /ws HTTP/1.0\r\n\r\n")
        refused = await asyncio.wait_for(reader.read(), 5)
        writer.close()
        await wait(port.stopListening())
        return received, factory.paths, proto, page, refused

    received, paths, proto, page, refused = run(main())
    assert received == [b"from the site"] and paths == ["/ws"] and proto.wasClean
    assert page.endswith(b"plain page")
    assert refused.startswith(b"HTTP/1.0 426 ") or refused.startswith(b"HTTP/1.1 426 ")


def test_wsgi_root_resource_keeps_children():
    from twisted.web.wsgi import WSGIResource

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [f"wsgi {environ['PATH_INFO']}".encode()]

    async def main():
        wsgi = WSGIResource(reactor, reactor.getThreadPool(), app)
        root = WSGIRootResource(wsgi, {b"static": Data(b"child", "text/plain")})
        port = reactor.listenTCP(0, Site(root), interface="127.0.0.1")
        answers = []
        for path in (b"/static", b"/some/where"):
            reader, writer = await asyncio.open_connection("127.0.0.1", port.getHost().port)
            writer.write(b"GET " + path + b" HTTP/1.0\r\n\r\n")
            answers.append(await asyncio.wait_for(reader.read(), 5))
            writer.close()
        await wait(port.stopListening())
        return answers

    static, other = run(main())
    assert static.endswith(b"child") and other.endswith(b"wsgi /some/where")


class LineEcho(protocol.Protocol):
    def dataReceived(self, data):
        self.transport.write(data.upper())


class Collect(protocol.Protocol):
    def connectionMade(self):
        self.data = b""
        self.transport.write(b"stream ")
        self.transport.writeSequence([b"over ", b"websocket"])

    def dataReceived(self, data):
        self.data += data
        if self.data == b"STREAM OVER WEBSOCKET":
            self.transport.loseConnection()

    def connectionLost(self, reason):
        self.factory.done.callback((self.data, reason))


@pytest.mark.parametrize("subprotocol", ["binary", "base64"])
def test_wrapping_carries_a_stream(subprotocol):
    async def main():
        server = WrappingWebSocketServerFactory(protocol.Factory.forProtocol(LineEcho), "ws://127.0.0.1")
        port = reactor.listenTCP(0, server, interface="127.0.0.1")
        inner = protocol.ClientFactory.forProtocol(Collect)
        inner.done = defer.Deferred()
        client = WrappingWebSocketClientFactory(inner, f"ws://127.0.0.1:{port.getHost().port}")
        client.protocols = [subprotocol]
        await wait(endpoints.TCP4ClientEndpoint(reactor, "127.0.0.1", port.getHost().port).connect(client))
        data, reason = await wait(inner.done)
        await wait(port.stopListening())
        return data, reason

    data, reason = run(main())
    assert data == b"STREAM OVER WEBSOCKET"
    from twisted.internet.error import ConnectionDone

    assert reason.check(ConnectionDone)


def test_client_agent():
    async def main():
        factory = WebSocketServerFactory("ws://127.0.0.1")
        factory.protocol = Echo
        port = reactor.listenTCP(0, factory, interface="127.0.0.1")
        agent = create_client_agent(reactor)
        url = f"ws://127.0.0.1:{port.getHost().port}/"
        proto = await wait(agent.open(url, {"headers": {"X-Test": "1"}}))
        assert isinstance(proto, WebSocketClientProtocol) and proto.state == proto.STATE_OPEN
        got = defer.Deferred()
        proto.onMessage = lambda payload, isBinary: got.callback(payload)
        proto.sendMessage(b"agent")
        echo = await wait(got)
        proto.sendClose(1000)
        await wait(proto.is_closed)
        # A refused handshake fails the Deferred instead of leaving it unfired.
        factory.setProtocolOptions(allowedOrigins=["https://only.example"])
        # (a Deferred that never fires ends in wait()'s TimeoutError, which fails this check)
        with pytest.raises(Disconnected, match="opening handshake with .* did not complete"):
            await wait(agent.open(url, {"origin": "https://other.example"}))
        await wait(port.stopListening())
        return echo

    assert run(main()) == b"agent"
    with pytest.raises(ValueError):
        check_transport_config("http://x")
    with pytest.raises(ValueError):
        check_client_options({"bogus": 1})
    check_client_options({"origin": "o", "protocols": [], "useragent": "u", "headers": {}, "proxy": None})


def test_application_push_producer_follows_the_transport():
    class Producer:
        def __init__(self):
            self.events = []

        def pauseProducing(self):
            self.events.append("pause")

        def resumeProducing(self):
            self.events.append("resume")

        def stopProducing(self):
            self.events.append("stop")

    producer = Producer()

    class Flood(WebSocketServerProtocol):
        def onOpen(self):
            self.registerProducer(producer, True)
            for _ in range(64):  # 8 MB the peer does not read yet
                self.sendMessage(b"\0" * 131072, isBinary=True)

    async def main():
        factory = WebSocketServerFactory("ws://127.0.0.1")
        factory.protocol = Flood
        port = reactor.listenTCP(0, factory, interface="127.0.0.1")
        from ws_helpers import request

        reader, writer = await asyncio.open_connection("127.0.0.1", port.getHost().port, limit=16 * 1024 * 1024)
        writer.write(request())
        await reader.readuntil(b"\r\n\r\n")
        writer.transport.pause_reading()
        await asyncio.sleep(0.2)
        # Twisted pauses the transport's producer at each write past its buffer size.
        assert producer.events and set(producer.events) == {"pause"}
        writer.transport.resume_reading()
        total = 0
        while total < 64 * (131072 + 10):
            total += len(await asyncio.wait_for(reader.read(1 << 20), 5))
        await asyncio.sleep(0.1)
        writer.close()
        await asyncio.sleep(0.1)
        await wait(port.stopListening())

    run(main())
    assert "resume" in producer.events


def _server_frames(data: bytes) -> list[bytes]:
    """The payloads of the complete unmasked frames in ``data`` (a server's frames, as sent)."""
    payloads, pos = [], 0
    while pos + 2 <= len(data):
        length, start = data[pos + 1] & 0x7F, pos + 2
        if length >= 126:
            width = 2 if length == 126 else 8
            length, start = int.from_bytes(data[start : start + width], "big"), start + width
        if start + length > len(data):
            break
        payloads.append(data[start : start + length])
        pos = start + length
    return payloads


def test_writes_go_out_at_once_and_queue_in_order():
    # A message written while the TCP transport holds nothing leaves before the reactor's next
    # turn; later ones queue behind what waits: behind a message larger than one send (which
    # the transport sends over several turns), and behind a full socket while the peer reads
    # slowly. Two messages per reactor turn.
    waiting_after_first: list[int] = []
    messages = [i.to_bytes(4, "big") * (50_000 if i % 10 == 3 else 1 + i * 7919 % 30000) for i in range(120)]

    class Burst(WebSocketServerProtocol):
        def onOpen(self):
            self.sendMessage(b"first", isBinary=True)
            transport = self.transport
            waiting_after_first.append(transport._tempDataLen + len(transport.dataBuffer) - transport.offset)
            self.next = 0
            self.send_next()

        def send_next(self):
            for message in messages[self.next : self.next + 2]:
                self.sendMessage(message, isBinary=True)
            self.next += 2
            if self.next < len(messages):
                reactor.callLater(0, self.send_next)

    async def main():
        factory = WebSocketServerFactory("ws://127.0.0.1")
        factory.protocol = Burst
        port = reactor.listenTCP(0, factory, interface="127.0.0.1")
        from ws_helpers import request

        reader, writer = await asyncio.open_connection("127.0.0.1", port.getHost().port)
        writer.write(request())
        await reader.readuntil(b"\r\n\r\n")
        # Every frame's bytes: a header of 2, 4 or 10 bytes (by payload length), then the payload.
        expected = sum(2 + (n >= 126) * 2 + (n >= 65536) * 6 + n for n in map(len, [b"first", *messages]))
        received = bytearray()
        while len(received) < expected:
            received += await asyncio.wait_for(reader.read(50_000), 5)
            await asyncio.sleep(0.002)  # a slow reader: the server's socket fills and drains
        writer.close()
        await asyncio.sleep(0.05)
        await wait(port.stopListening())
        return _server_frames(bytes(received))

    payloads = run(main())
    assert waiting_after_first == [0]
    assert payloads[0] == b"first"
    assert payloads[1:] == messages


def test_unix_socket_peer():
    async def main():
        factory = WebSocketServerFactory("ws://localhost")
        factory.protocol = type("Peer", (Echo,), {"onOpen": lambda self: factory.peers.append(self.peer)})
        factory.peers = []
        path = os.path.join(tempfile.mkdtemp(), "ws.sock")
        port = reactor.listenUNIX(path, factory)
        client = WebSocketClientFactory("ws://localhost")
        client.protocol = SendAndClose
        proto = await wait(endpoints.UNIXClientEndpoint(reactor, path).connect(client))
        await wait(proto.is_closed)
        await wait(port.stopListening())
        return factory.peers, proto

    peers, proto = run(main())
    assert peers == ["unix"] or peers[0].startswith("unix")
    assert proto.peer.startswith("unix:") and proto.echo == "hello ✓".encode()


def test_no_producer_of_ours_and_no_timer_after_drop():
    """As with autobahn: a connection registers no producer on its transport (a relay may
    register its own there), and dropConnection() leaves no timer behind, even before the
    transport reports the connection lost (a StringTransport never does)."""
    from twisted.internet.address import IPv4Address
    from twisted.internet.task import Clock
    from twisted.internet.testing import StringTransport
    from ws_helpers import request

    class Relay(WebSocketServerProtocol):
        def onOpen(self):
            self.transport.registerProducer(object(), True)  # raises if ours registered already

    clock = Clock()
    factory = WebSocketServerFactory("ws://127.0.0.1", reactor=clock)
    factory.protocol = Relay
    proto = factory.buildProtocol(IPv4Address("TCP", "127.0.0.1", 9))
    transport = StringTransport()
    proto.makeConnection(transport)
    proto.dataReceived(request())
    assert transport.value().startswith(b"HTTP/1.1 101 ")
    assert transport.producer is not None  # the application's
    assert clock.getDelayedCalls()  # the keepalive's ping, while open
    proto.dropConnection()
    assert clock.getDelayedCalls() == []
    assert transport.producer is None  # dropConnection unregisters it, as autobahn does
    assert proto.is_closed.called


def _string_transport_pair(factory):
    from twisted.internet.address import IPv4Address
    from twisted.internet.testing import StringTransport

    class Transport(StringTransport):
        def unregisterProducer(self):
            self.producer = None  # as TCP transports do: no error when none is registered

    proto = factory.buildProtocol(IPv4Address("TCP", "127.0.0.1", 3128))
    transport = Transport()
    proto.makeConnection(transport)
    return proto, transport


def _proxied_client_factory(calls):
    from twisted.internet.task import Clock

    class Client(WebSocketClientProtocol):
        def onConnecting(self, transport_details):
            calls.append(("onConnecting", self.state))

        def onOpen(self):
            calls.append("onOpen")

    factory = WebSocketClientFactory(
        "ws://server.example.com:9000/chat", proxy={"host": "127.0.0.1", "port": 3128}, reactor=Clock()
    )
    factory.protocol = Client
    return factory


def test_client_through_a_proxy_connects_before_the_handshake():
    """The facade's proxy phase (the core parses): CONNECT first, in STATE_PROXY_CONNECTING;
    onConnecting and the opening handshake only once the proxy answered 200."""
    from autobahn.websocket import sansio as core

    calls = []
    proto, transport = _string_transport_pair(_proxied_client_factory(calls))
    connect = b"CONNECT server.example.com:9000 HTTP/1.1\r\nHost: server.example.com:9000\r\n\r\n"
    assert transport.value() == connect
    assert proto.state == proto.STATE_PROXY_CONNECTING and calls == []
    transport.clear()
    proto.dataReceived(b"HTTP/1.1 200 Connection established\r\n")
    assert proto.state == proto.STATE_PROXY_CONNECTING and transport.value() == b""
    proto.dataReceived(b"\r\n")
    assert calls == [("onConnecting", proto.STATE_CONNECTING)]
    handshake = transport.value()
    assert handshake.startswith(b"GET /chat HTTP/1.1\r\nHost: server.example.com:9000\r\n")
    server = core.ServerConnection()
    server.receive_data(handshake)
    proto.dataReceived(server.accept())
    assert calls[-1] == "onOpen" and proto.state == proto.STATE_OPEN
    proto.dropConnection(abort=True)


def test_client_drops_a_connection_whose_proxy_refuses_the_tunnel():
    calls = []
    proto, transport = _string_transport_pair(_proxied_client_factory(calls))
    transport.clear()
    proto.dataReceived(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
    assert calls == [] and transport.value() == b""  # no handshake sent
    assert transport.disconnected  # failProxyConnect aborts the connection
    assert proto.state == proto.STATE_CLOSED and proto.is_closed.called


def test_server_answers_a_flash_policy_request_and_closes():
    from twisted.internet.task import Clock

    factory = WebSocketServerFactory("ws://127.0.0.1", reactor=Clock())
    factory.protocol = WebSocketServerProtocol
    factory.setProtocolOptions(serveFlashSocketPolicy=True, flashSocketPolicy="<cross-domain-policy/>\x00")
    proto, transport = _string_transport_pair(factory)
    proto.dataReceived(b"<policy-file-")  # a request split across reads is still one request
    assert transport.value() == b"" and not transport.disconnecting
    proto.dataReceived(b"request/>\x00")
    assert transport.value() == b"<cross-domain-policy/>\x00"
    assert transport.disconnecting and not transport.disconnected  # closed after the policy is written
    # Without serveFlashSocketPolicy the request gets no policy.
    factory.setProtocolOptions(serveFlashSocketPolicy=False)
    proto, transport = _string_transport_pair(factory)
    proto.dataReceived(b"<policy-file-request/>\x00")
    assert transport.value() == b"" and not transport.disconnecting
    proto.dropConnection(abort=True)


@pytest.mark.parametrize(
    ("request_line", "host", "answer"),
    [
        # "²" is a digit to str.isdigit() but not to int(): refused as a port, read as no delay.
        (b"GET / HTTP/1.1", b"a:\xb2", b"HTTP/1.1 400 Bad Request\r\n"),
        (b"GET /?after=%C2%B2 HTTP/1.1", b"a", b"HTTP/1.1 200 OK\r\n"),
    ],
)
def test_server_reads_only_ascii_digits_as_numbers(request_line, host, answer):
    from twisted.internet.task import Clock

    factory = WebSocketServerFactory("ws://127.0.0.1", reactor=Clock())
    factory.protocol = WebSocketServerProtocol
    proto, transport = _string_transport_pair(factory)
    if b"after" in request_line:  # a plain GET: the status page, whose refresh delay is "after"
        proto.dataReceived(request_line + b"\r\nHost: " + host + b"\r\n\r\n")
    else:
        key = b"dGhlIHNhbXBsZSBub25jZQ=="
        proto.dataReceived(
            request_line + b"\r\nHost: " + host + b"\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            b"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + key + b"\r\n\r\n"
        )
    assert transport.value().startswith(answer)
