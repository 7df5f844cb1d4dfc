"""autobahn 26.10.2's WebSocket API beyond plain messaging: every option of
setProtocolOptions, the streaming and frame APIs, prepared messages, the status page,
proxies, and what programs observe (peer, state, loop, close codes). Over real sockets."""

from __future__ import annotations

import asyncio
import struct
from typing import Any

import pytest
from ws_helpers import frame, request

from autobahn.asyncio.websocket import (
    WebSocketClientFactory,
    WebSocketClientProtocol,
    WebSocketServerFactory,
    WebSocketServerProtocol,
)
from autobahn.websocket.protocol import WebSocketProtocol

# Every test on the default event loop and on uvloop (conftest.event_loop_policy).
pytestmark = pytest.mark.usefixtures("event_loop_policy")


class Echo(WebSocketServerProtocol):
    def onOpen(self):
        self.factory.opened.append(self)

    def onMessage(self, payload, isBinary):
        self.factory.messages.append((payload, isBinary))
        self.sendMessage(payload, isBinary)

    def onClose(self, wasClean, code, reason):
        self.factory.closes.append((wasClean, code, reason))


class Client(WebSocketClientProtocol):
    """Runs ``factory.script(self)`` once open; collects messages and the close."""

    def onConnecting(self, transport_details):
        self.factory.connecting.append(transport_details)

    def onOpen(self):
        self.received = []
        self.factory.script(self)

    def onMessage(self, payload, isBinary):
        self.received.append((payload, isBinary))
        if len(self.received) == self.factory.expect:
            self.sendClose(1000)

    def onClose(self, wasClean, code, reason):
        self.close_info = (wasClean, code, reason)


async def serve(impl: Any, protocol: type = Echo, **options: Any) -> tuple[asyncio.Server, Any, int]:
    factory = WebSocketServerFactory("ws://127.0.0.1")
    factory.protocol = protocol
    factory.opened, factory.messages, factory.closes = [], [], []
    factory.setProtocolOptions(utf8Validator=impl.Utf8Validator, xorMasker=impl.XorMasker, **options)
    server = await asyncio.get_running_loop().create_server(factory, "127.0.0.1", 0)
    return server, factory, server.sockets[0].getsockname()[1]


async def connect(impl: Any, port: int, script: Any, expect: int = 1, protocol: type = Client, **options: Any) -> Any:
    factory = WebSocketClientFactory(f"ws://127.0.0.1:{port}/")
    factory.protocol = protocol
    factory.script, factory.expect, factory.connecting = script, expect, []
    factory.setProtocolOptions(utf8Validator=impl.Utf8Validator, xorMasker=impl.XorMasker, **options)
    _, proto = await asyncio.get_running_loop().create_connection(factory, "127.0.0.1", port)
    await asyncio.wait_for(proto.is_closed, 10)
    return proto


async def raw_open(port: int, extra: str = "") -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request(extra))
    head = await reader.readuntil(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 101"), head
    return reader, writer


# --- options ---


def test_unknown_option_is_a_type_error():
    with pytest.raises(TypeError):
        WebSocketServerFactory().setProtocolOptions(noSuchOption=1)
    with pytest.raises(TypeError):
        WebSocketClientFactory().setProtocolOptions(webStatus=True)  # a server option


@pytest.mark.parametrize(
    "name, value",
    [
        ("maxFramePayloadSize", -1),
        ("maxMessagePayloadSize", "big"),
        ("openHandshakeTimeout", -0.5),
        ("autoPingSize", 3),
        ("autoPingSize", 126),
        ("failByDrop", "yes"),
        ("tcpNoDelay", 1),
        ("perMessageCompressionAccept", 42),
        ("versions", [7]),
        ("allowedOrigins", "https://example.com"),
    ],
)
def test_bad_option_value_is_a_value_error_naming_it(name, value):
    with pytest.raises(ValueError, match=name):
        WebSocketServerFactory().setProtocolOptions(**{name: value})


def test_client_bad_values():
    with pytest.raises(ValueError, match="version"):
        WebSocketClientFactory().setProtocolOptions(version=5)
    with pytest.raises(ValueError, match="serverConnectionDropTimeout"):
        WebSocketClientFactory().setProtocolOptions(serverConnectionDropTimeout=-1)
    with pytest.raises(ValueError, match="proxy"):
        WebSocketClientFactory("ws://example.com", proxy={"host": "p"})


def test_every_original_option_is_accepted_and_reset_restores_defaults():
    server = WebSocketServerFactory()
    defaults = {name: getattr(server, name) for name in Echo.CONFIG_ATTRS}
    server.setProtocolOptions(
        versions=[13],
        webStatus=False,
        utf8validateIncoming=False,
        maskServerFrames=True,
        requireMaskedClientFrames=False,
        applyMask=False,
        maxFramePayloadSize=10,
        maxMessagePayloadSize=20,
        autoFragmentSize=5,
        failByDrop=True,
        echoCloseCodeReason=True,
        openHandshakeTimeout=2,
        closeHandshakeTimeout=3,
        tcpNoDelay=False,
        perMessageCompressionAccept=lambda offers: None,
        autoPingInterval=4,
        autoPingTimeout=5,
        autoPingSize=20,
        autoPingRestartOnAnyTraffic=False,
        serveFlashSocketPolicy=True,
        flashSocketPolicy="<x/>",
        allowedOrigins=["https://*.example.com"],
        allowNullOrigin=True,
        maxConnections=7,
        trustXForwardedFor=1,
    )
    assert (server.maxConnections, server.autoPingSize, server.failByDrop) == (7, 20, True)
    assert server.allowedOrigins == ["https://*.example.com"]
    server.resetProtocolOptions()
    assert {name: getattr(server, name) for name in Echo.CONFIG_ATTRS if name != "perMessageCompressionAccept"} == {
        k: v for k, v in defaults.items() if k != "perMessageCompressionAccept"
    }
    client = WebSocketClientFactory()
    client.setProtocolOptions(
        version=18,
        acceptMaskedServerFrames=True,
        maskClientFrames=False,
        serverConnectionDropTimeout=2,
        perMessageCompressionOffers=[],
    )
    assert client.acceptMaskedServerFrames and not client.maskClientFrames


def test_session_parameters():
    factory = WebSocketClientFactory("wss://example.com/chat?room=1", origin="https://o", protocols=["a", "b"])
    assert (factory.isSecure, factory.host, factory.port, factory.resource) == (
        True,
        "example.com",
        443,
        "/chat?room=1",
    )
    assert factory.path == "/chat" and factory.params == {"room": ["1"]}
    factory.setSessionParameters("ws://other:9000", protocols=["c"])
    assert (factory.host, factory.port, factory.protocols, factory.origin) == ("other", 9000, ["c"], None)
    with pytest.raises(ValueError, match="query"):
        WebSocketServerFactory("ws://localhost:9000/?x=1")
    with pytest.raises(ValueError):
        WebSocketClientFactory("http://example.com")


# --- what programs observe ---


def test_peer_state_loop_and_transport_details(impl):
    async def main():
        server, sfactory, port = await serve(impl)
        assert sfactory.loop is asyncio.get_running_loop()
        states = []

        def script(proto):
            states.append(proto.state)
            proto.sendMessage(b"x")

        async with server:
            proto = await connect(impl, port, script)
        assert proto.peer == f"tcp4:127.0.0.1:{port}"
        assert sfactory.opened[0].peer.startswith("tcp4:127.0.0.1:")
        assert states == [WebSocketProtocol.STATE_OPEN]
        assert proto.state == WebSocketProtocol.STATE_CLOSED
        assert len(proto.factory.connecting) == 1  # onConnecting ran before the handshake
        assert proto.close_info == (True, 1000, None)
        assert sfactory.getConnectionCount() == 0

    asyncio.run(main())


@pytest.mark.parametrize("echo", [False, True])
def test_close_reply_code_and_reason(impl, echo):
    async def main():
        server, _, port = await serve(impl, echoCloseCodeReason=echo)
        async with server:
            proto = await connect(impl, port, lambda p: p.sendClose(3001, "bye"))
        assert proto.close_info == ((True, 3001, "bye") if echo else (True, 1000, None))

    asyncio.run(main())


def test_web_status_page_for_plain_get(impl):
    async def main():
        for web_status, expected in ((True, b"HTTP/1.1 200 OK"), (False, b"HTTP/1.1 426")):
            server, _, port = await serve(impl, webStatus=web_status)
            async with server:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.write(b"GET /?redirect=https%3A%2F%2Fexample.com HTTP/1.1\r\nHost: x\r\n\r\n")
                answer = await asyncio.wait_for(reader.read(), 5)
                writer.close()
            assert answer.startswith(expected), answer[:80]
            if web_status:
                assert b"text/html" in answer and b"autobahn" in answer and b"https://example.com" in answer

    asyncio.run(main())


def test_max_connections_refuses_with_503(impl):
    async def main():
        server, _, port = await serve(impl, maxConnections=1)
        async with server:
            _first = await raw_open(port)
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(request())
            answer = await asyncio.wait_for(reader.read(), 5)
            writer.close()
            _first[1].close()
            assert answer.startswith(b"HTTP/1.1 503"), answer[:60]

    asyncio.run(main())


def test_trust_x_forwarded_for_sets_peer(impl):
    async def main():
        server, factory, port = await serve(impl, trustXForwardedFor=1)
        async with server:
            _, writer = await raw_open(port, "X-Forwarded-For: 203.0.113.7, 10.0.0.1\r\n")
            await asyncio.sleep(0.05)
            writer.close()
        assert factory.opened[0].peer == "10.0.0.1"

    asyncio.run(main())


@pytest.mark.parametrize("allow_null, status", [(True, b"101"), (False, b"400")])  # refused: 400, as autobahn
def test_allow_null_origin(impl, allow_null, status):
    async def main():
        server, _, port = await serve(impl, allowedOrigins=["https://example.com"], allowNullOrigin=allow_null)
        async with server:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(request("Origin: null\r\n"))
            head = await asyncio.wait_for(reader.readuntil(b"\r\n"), 5)
            writer.close()
        assert head.startswith(b"HTTP/1.1 " + status), head

    asyncio.run(main())


@pytest.mark.parametrize("fail_by_drop", [False, True])
def test_fail_by_drop(impl, fail_by_drop):
    async def main():
        server, _, port = await serve(impl, failByDrop=fail_by_drop)
        async with server:
            reader, writer = await raw_open(port)
            writer.write(frame(0x1, b"\xff", mask=b"abcd"))  # invalid UTF-8: fail with 1007
            rest = await asyncio.wait_for(reader.read(), 5)
            writer.close()
        if fail_by_drop:
            assert rest == b""  # TCP dropped without a close frame
        else:
            assert rest[0] == 0x88 and struct.unpack("!H", rest[2:4])[0] == 1007

    asyncio.run(main())


def test_unmasked_client_frames_when_not_required(impl):
    async def main():
        server, factory, port = await serve(impl, requireMaskedClientFrames=False, maskServerFrames=True)
        async with server:
            reader, writer = await raw_open(port)
            writer.write(frame(0x1, b"plain", mask=None))
            head = await asyncio.wait_for(reader.readexactly(6), 5)
            payload = await reader.readexactly(5)
            writer.close()
        assert factory.messages == [(b"plain", False)]
        assert head[0] == 0x81 and head[1] == 0x80 | 5  # the server masked its echo
        assert bytes(b ^ head[2 + i % 4] for i, b in enumerate(payload)) == b"plain"

    asyncio.run(main())


def test_utf8_validation_can_be_switched_off(impl):
    async def main():
        server, factory, port = await serve(impl, utf8validateIncoming=False)
        async with server:
            reader, writer = await raw_open(port)
            writer.write(frame(0x1, b"\xff\xfe", mask=b"abcd"))
            echo = await asyncio.wait_for(reader.readexactly(4), 5)
            writer.close()
        assert factory.messages == [(b"\xff\xfe", False)] and echo == b"\x81\x02\xff\xfe"

    asyncio.run(main())


# --- streaming, frames, prepared messages ---


def test_streaming_send_and_frame_api(impl):
    def script(proto):
        proto.beginMessage(isBinary=True)
        proto.beginMessageFrame(6)
        assert proto.sendMessageFrameData(b"abc") == 3
        assert proto.sendMessageFrameData(b"def") == 0
        proto.sendMessageFrame(b"ghi")
        proto.endMessage()
        proto.beginMessage()
        proto.sendMessageFrame("€uro".encode())
        proto.endMessage()

    async def main():
        server, factory, port = await serve(impl)
        async with server:
            proto = await connect(impl, port, script, expect=2)
        assert factory.messages == [(b"abcdefghi", True), ("€uro".encode(), False)]
        assert proto.received == factory.messages

    asyncio.run(main())


class StreamingEcho(WebSocketServerProtocol):
    """Receives through the streaming callbacks, answers with the pieces it saw."""

    def onMessageBegin(self, isBinary):
        self.pieces = [("begin", isBinary)]

    def onMessageFrameBegin(self, length):
        self.pieces.append(("frame", length))

    def onMessageFrameData(self, payload):
        self.pieces.append(("data", bytes(payload)))

    def onMessageFrameEnd(self):
        self.pieces.append(("frame-end",))

    def onMessageEnd(self):
        self.pieces.append(("end",))
        self.factory.messages.append(self.pieces)
        data = b"".join(p[1] for p in self.pieces if p[0] == "data")
        self.sendMessage(data, True)


def test_streaming_receive_callbacks(impl):
    async def main():
        server, factory, port = await serve(impl, protocol=StreamingEcho)
        async with server:
            proto = await connect(impl, port, lambda p: p.sendMessage(b"hello world", isBinary=False))
        pieces = factory.messages[0]
        assert pieces[0] == ("begin", False) and pieces[-1] == ("end",)
        assert b"".join(p[1] for p in pieces if p[0] == "data") == b"hello world"
        assert proto.received == [(b"hello world", True)]

    asyncio.run(main())


def test_streaming_send_state_errors(impl):
    errors = []

    def script(proto):
        for call in (
            lambda: proto.beginMessageFrame(1),
            lambda: proto.endMessage(),
            lambda: proto.sendMessageFrameData(b"x"),
        ):
            try:
                call()
            except Exception as exc:  # autobahn raises plain Exception here: type and message checked below
                errors.append((type(exc), str(exc)))
        proto.beginMessage()
        try:
            proto.beginMessage()
        except Exception as exc:
            errors.append((type(exc), str(exc)))
        proto.endMessage()
        proto.sendMessage(b"after")

    async def main():
        server, factory, port = await serve(impl)
        async with server:
            await connect(impl, port, script, expect=2)
        # Each misuse raised, with a message naming the call (plain Exception, as in autobahn).
        assert errors == [
            (Exception, "beginMessageFrame() outside a message, or inside an unfinished frame"),
            (Exception, "endMessage() outside a message, or inside an unfinished frame"),
            (Exception, "sendMessageFrameData() outside a message frame"),
            (Exception, "beginMessage() while a message is being sent"),
        ]
        assert factory.messages == [(b"", False), (b"after", False)]

    asyncio.run(main())


class Broadcaster(WebSocketServerProtocol):
    def onOpen(self):
        self.sendFrame(0x9, b"raw ping")  # a raw control frame through the frame API
        prepared = self.factory.prepareMessage("to everyone")
        self.sendPreparedMessage(prepared)

    def onPong(self, payload):
        self.factory.messages.append(("pong", payload))


def test_prepared_message_and_send_frame(impl):
    async def main():
        server, factory, port = await serve(impl, protocol=Broadcaster)
        async with server:
            proto = await connect(impl, port, lambda p: None)
        assert proto.received == [(b"to everyone", False)]
        assert factory.messages == [("pong", b"raw ping")]

    asyncio.run(main())


class ClientPreparedSender(Client):
    def onOpen(self):
        self.received = []
        self.sendPreparedMessage(self.factory.prepareMessage(b"\x00\x01", isBinary=True))


def test_client_prepared_message_is_masked(impl):
    async def main():
        server, factory, port = await serve(impl)
        async with server:
            proto = await connect(impl, port, None, protocol=ClientPreparedSender)
        assert factory.messages == [(b"\x00\x01", True)] and proto.received == factory.messages

    asyncio.run(main())


class Pinger(Client):
    def onAutoPong(self, ping_sent, ping_seq, pong_received, pong_rtt, payload):
        self.factory.pongs.append((ping_seq, pong_rtt >= 0, len(payload)))
        self.sendClose(1000)


def test_on_auto_pong(impl):
    async def main():
        server, _, port = await serve(impl)
        async with server:
            factory = WebSocketClientFactory(f"ws://127.0.0.1:{port}/")
            factory.protocol = Pinger
            factory.script, factory.expect, factory.connecting, factory.pongs = (lambda p: None), 1, [], []
            factory.setProtocolOptions(autoPingInterval=0.05, autoPingTimeout=2, autoPingSize=16)
            _, proto = await asyncio.get_running_loop().create_connection(factory, "127.0.0.1", port)
            await asyncio.wait_for(proto.is_closed, 5)
        assert factory.pongs == [(1, True, 16)]

    asyncio.run(main())


def test_drop_connection(impl):
    async def main():
        server, factory, port = await serve(impl)
        async with server:
            proto = await connect(impl, port, lambda p: p.dropConnection(abort=True))
            # is_closed fires at once (as autobahn's); onClose follows when the transport reports the
            # connection lost, a loop turn or more later (bounded: 5 s)
            for _ in range(500):
                if hasattr(proto, "close_info"):
                    break
                await asyncio.sleep(0.01)
        assert proto.close_info[0] is False and proto.close_info[1] == 1006

    asyncio.run(main())


# --- HTTP CONNECT proxy ---


async def _connect_proxy(seen: list) -> asyncio.Server:
    """A minimal HTTP CONNECT proxy on 127.0.0.1 (pipes bytes both ways once the tunnel is up)."""

    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        finally:
            writer.close()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        seen.append(head.split(b"\r\n")[0])
        target = head.split(b" ")[1].decode()
        host, port = target.rsplit(":", 1)
        up_reader, up_writer = await asyncio.open_connection(host, int(port))
        writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    return await asyncio.start_server(handle, "127.0.0.1", 0)


def test_client_through_http_connect_proxy(impl):
    async def main():
        seen: list = []
        server, factory, port = await serve(impl)
        proxy = await _connect_proxy(seen)
        proxy_port = proxy.sockets[0].getsockname()[1]
        async with server, proxy:
            cfactory = WebSocketClientFactory(
                f"ws://127.0.0.1:{port}/", proxy={"host": "127.0.0.1", "port": proxy_port}
            )
            cfactory.protocol = Client
            cfactory.script, cfactory.expect, cfactory.connecting = (lambda p: p.sendMessage(b"via proxy")), 1, []
            _, proto = await asyncio.get_running_loop().create_connection(cfactory, "127.0.0.1", proxy_port)
            await asyncio.wait_for(proto.is_closed, 10)
        assert seen == [f"CONNECT 127.0.0.1:{port} HTTP/1.1".encode()]
        assert proto.received == [(b"via proxy", False)]

    asyncio.run(main())


# --- compression the autobahn way (perMessageCompressionOffers / -Accept) ---


def _server_accept(offers):
    from autobahn.websocket.compress import PerMessageDeflateOffer, PerMessageDeflateOfferAccept

    for offer in offers:
        if isinstance(offer, PerMessageDeflateOffer):
            return PerMessageDeflateOfferAccept(offer, request_max_window_bits=10)
    return None


def _client_accept(response):
    from autobahn.websocket.compress import PerMessageDeflateResponse, PerMessageDeflateResponseAccept

    if isinstance(response, PerMessageDeflateResponse):
        return PerMessageDeflateResponseAccept(response)
    return None


@pytest.mark.parametrize("server_accepts", [True, False])
def test_per_message_compression_offers_and_accept(impl, server_accepts):
    from autobahn.websocket.compress import PerMessageDeflate, PerMessageDeflateOffer

    text = "compress me " * 500

    async def main():
        accept = _server_accept if server_accepts else (lambda offers: None)
        server, factory, port = await serve(impl, perMessageCompressionAccept=accept)
        async with server:
            proto = await connect(
                impl,
                port,
                lambda p: p.sendMessage(text.encode()),
                perMessageCompressionOffers=[PerMessageDeflateOffer(accept_max_window_bits=True)],
                perMessageCompressionAccept=_client_accept,
            )
        assert proto.received == [(text.encode(), False)] and factory.messages == proto.received
        in_use = proto.websocket_extensions_in_use
        if server_accepts:
            assert len(in_use) == 1 and isinstance(in_use[0], PerMessageDeflate)
            assert proto.trafficStats.incomingOctetsWireLevel < len(text) // 4  # it really was compressed
        else:
            assert in_use == []

    asyncio.run(main())


def test_client_refusing_the_servers_compression_fails_the_handshake(impl):
    from autobahn.websocket.compress import PerMessageDeflateOffer

    async def main():
        server, factory, port = await serve(impl, perMessageCompressionAccept=_server_accept)
        async with server:
            proto = await connect(
                impl,
                port,
                lambda p: p.sendMessage(b"never"),
                perMessageCompressionOffers=[PerMessageDeflateOffer()],
                perMessageCompressionAccept=lambda response: None,  # autobahn's default: refuse
            )
        assert factory.opened == [] or factory.messages == []
        assert proto.close_info[0] is False

    asyncio.run(main())


class Listening(Echo):
    def onOpen(self):
        super().onOpen()
        self.on("message", lambda payload, is_binary: self.factory.heard.append((payload, is_binary)))


def test_message_listeners(impl):
    async def main():
        server, factory, port = await serve(impl, protocol=Listening)
        factory.heard = []
        async with server:
            await connect(impl, port, lambda p: p.sendMessage(b"\x01", isBinary=True))
        assert factory.heard == [(b"\x01", True)] == factory.messages

    asyncio.run(main())


def test_streaming_receive_sees_the_frames_as_sent(impl):
    def script(proto):
        proto.beginMessage(isBinary=True)
        proto.sendMessageFrame(b"first")
        proto.sendMessageFrame(b"second")
        proto.endMessage()

    async def main():
        server, factory, port = await serve(impl, protocol=StreamingEcho)
        async with server:
            proto = await connect(impl, port, script)
        pieces = factory.messages[0]
        assert [p for p in pieces if p[0] == "frame"] == [("frame", 5), ("frame", 6), ("frame", 0)]
        assert b"".join(p[1] for p in pieces if p[0] == "data") == b"firstsecond"
        assert proto.received == [(b"firstsecond", True)]

    asyncio.run(main())


class HostRecorder(Echo):
    def onConnect(self, request):
        self.factory.hosts.append((request.host, self.http_request_host))


@pytest.mark.parametrize("external_port, status", [(None, b"101"), (9000, b"101"), (9001, b"400")])
def test_host_header_port(impl, external_port, status):
    """request.host has no port, as in autobahn; with externalPort, another port is refused."""

    async def main():
        server, factory, port = await serve(impl, protocol=HostRecorder)
        factory.hosts, factory.externalPort = [], external_port
        async with server:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(request().replace(b"Host: server.example.com", b"Host: server.example.com:9000"))
            head = await asyncio.wait_for(reader.readuntil(b"\r\n"), 5)
            writer.close()
        assert head.startswith(b"HTTP/1.1 " + status), head
        refused = status == b"400"
        assert factory.hosts == ([] if refused else [("server.example.com", "server.example.com")])

    asyncio.run(main())


class CloseThenEcho(Echo):
    """Closes on its first message; the client's next message arrives while we are closing."""

    def onMessage(self, payload, isBinary):
        super().onMessage(payload, isBinary)  # the second echo raises Disconnected: ignored
        self.sendClose(1000) if payload == b"first" else None


def test_message_while_closing_is_delivered_and_closing_goes_on(impl):
    def script(proto):
        proto.sendMessage(b"first")
        proto.sendMessage(b"second")

    async def main():
        server, factory, port = await serve(impl, protocol=CloseThenEcho)
        async with server:
            proto = await connect(impl, port, script, expect=99)
        assert factory.messages == [(b"first", False), (b"second", False)]
        assert factory.closes == [(True, 1000, None)] and proto.close_info == (True, 1000, None)

    asyncio.run(main())


@pytest.mark.parametrize(
    "payload, expected", [(b"", (True, None, None)), (struct.pack("!H", 1001), (True, 1001, None))]
)
def test_close_frame_without_code_reports_none(impl, payload, expected):
    # As autobahn: a close frame without a code gives onClose(True, None, None), not 1005.
    async def main():
        server, factory, port = await serve(impl)
        async with server:
            reader, writer = await raw_open(port)
            writer.write(frame(8, payload))
            await asyncio.wait_for(reader.read(), 5)  # the reply, then the server closes TCP
            writer.close()
            for _ in range(100):  # bounded: onClose follows the transport's report
                if factory.closes:
                    break
                await asyncio.sleep(0.01)
        return factory.closes

    assert asyncio.run(main()) == [expected]
