"""autobahn 26.10.2's WebSocket API beyond plain messaging: every option of
setProtocolOptions, the streaming and frame APIs, prepared messages, the status page,
proxies, and what programs observe (peer, state, loop, close codes). Over real sockets, on
every framework (tests/frameworks.py: asyncio, uvloop, Twisted on the asyncio reactor and,
in tests/test_twisted_default_reactor.py, on its default epoll reactor)."""

from __future__ import annotations

import socket
import struct
import threading
from typing import Any

import pytest
from frameworks import Framework
from ws_helpers import frame, request

from autobahn.asyncio.websocket import WebSocketClientFactory, WebSocketServerFactory, WebSocketServerProtocol
from autobahn.exception import Disconnected
from autobahn.websocket.protocol import WebSocketProtocol

# Waits, sleeps and raw peers go through the Framework, so this module runs on the epoll reactor too.
FRAMEWORK_NEUTRAL = True


class Echo:
    def onOpen(self):
        self.factory.opened.append(self)

    def onMessage(self, payload, isBinary):
        self.factory.messages.append((payload, isBinary))
        self.sendMessage(payload, isBinary)

    def onClose(self, wasClean, code, reason):
        self.factory.closes.append((wasClean, code, reason))


class Client:
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


class Served:
    """``async with`` a listening server: stops listening on the way out."""

    def __init__(self, stop: Any) -> None:
        self.stop = stop

    async def __aenter__(self) -> Served:
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.stop()


async def serve(fw: Framework, impl: Any, protocol: type = Echo, **options: Any) -> tuple[Served, Any, int]:
    factory = fw.server_factory("ws://127.0.0.1")
    factory.protocol = fw.server_class(protocol)
    factory.opened, factory.messages, factory.closes = [], [], []
    factory.setProtocolOptions(utf8Validator=impl.Utf8Validator, xorMasker=impl.XorMasker, **options)
    port, stop = await fw.listen(factory)
    return Served(stop), factory, port


def client_factory(fw: Framework, url: str, script: Any, expect: int = 1, protocol: type = Client, **kw: Any) -> Any:
    factory = fw.client_factory(url, **kw)
    factory.protocol = fw.client_class(protocol)
    factory.script, factory.expect, factory.connecting = script, expect, []
    return factory


async def connect(
    fw: Framework, impl: Any, port: int, script: Any, expect: int = 1, protocol: type = Client, **options: Any
) -> Any:
    factory = client_factory(fw, f"ws://127.0.0.1:{port}/", script, expect, protocol)
    factory.setProtocolOptions(utf8Validator=impl.Utf8Validator, xorMasker=impl.XorMasker, **options)
    proto = await fw.connect(factory, port)
    await fw.wait(proto.is_closed, 10)
    return proto


async def raw_open(fw: Framework, port: int, extra: str = "") -> Any:
    peer = await fw.open_raw(port)
    await peer.write(request(extra))
    head = await peer.read_until(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 101"), head
    return peer


async def until(fw: Framework, condition: Any, what: str) -> None:
    """Wait (bounded: 5 s) until ``condition()`` holds: callbacks that follow the transport's report."""
    for _ in range(500):
        if condition():
            return
        await fw.sleep(0.01)
    raise AssertionError(f"{what} did not happen within 5 s")


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
    defaults = {name: getattr(server, name) for name in WebSocketServerProtocol.CONFIG_ATTRS}
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
    assert {
        name: getattr(server, name)
        for name in WebSocketServerProtocol.CONFIG_ATTRS
        if name != "perMessageCompressionAccept"
    } == {k: v for k, v in defaults.items() if k != "perMessageCompressionAccept"}
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


def test_peer_state_loop_and_transport_details(framework, impl):
    async def main():
        server, sfactory, port = await serve(framework, impl)
        if framework.is_asyncio:
            assert sfactory.loop is framework.loop
        else:
            from twisted.internet import reactor

            assert sfactory.reactor is reactor
        states = []

        def script(proto):
            states.append(proto.state)
            proto.sendMessage(b"x")

        async with server:
            proto = await connect(framework, impl, port, script)
        assert proto.peer == f"tcp4:127.0.0.1:{port}"
        assert sfactory.opened[0].peer.startswith("tcp4:127.0.0.1:")
        assert states == [WebSocketProtocol.STATE_OPEN]
        assert proto.state == WebSocketProtocol.STATE_CLOSED
        assert len(proto.factory.connecting) == 1  # onConnecting ran before the handshake
        assert proto.close_info == (True, 1000, None)
        assert sfactory.getConnectionCount() == 0

    framework.run(main())


@pytest.mark.parametrize("echo", [False, True])
def test_close_reply_code_and_reason(framework, impl, echo):
    async def main():
        server, _, port = await serve(framework, impl, echoCloseCodeReason=echo)
        async with server:
            proto = await connect(framework, impl, port, lambda p: p.sendClose(3001, "bye"))
        assert proto.close_info == ((True, 3001, "bye") if echo else (True, 1000, None))

    framework.run(main())


def test_web_status_page_for_plain_get(framework, impl):
    async def main():
        for web_status, expected in ((True, b"HTTP/1.1 200 OK"), (False, b"HTTP/1.1 426")):
            server, _, port = await serve(framework, impl, webStatus=web_status)
            async with server:
                peer = await framework.open_raw(port)
                await peer.write(b"GET /?redirect=https%3A%2F%2Fexample.com HTTP/1.1\r\nHost: x\r\n\r\n")
                answer = await peer.read_to_eof()
                peer.close()
            assert answer.startswith(expected), answer[:80]
            if web_status:
                assert b"text/html" in answer and b"autobahn" in answer and b"https://example.com" in answer

    framework.run(main())


def test_max_connections_refuses_with_503(framework, impl):
    async def main():
        server, _, port = await serve(framework, impl, maxConnections=1)
        async with server:
            first = await raw_open(framework, port)
            peer = await framework.open_raw(port)
            await peer.write(request())
            answer = await peer.read_to_eof()
            peer.close()
            first.close()
            assert answer.startswith(b"HTTP/1.1 503"), answer[:60]

    framework.run(main())


def test_trust_x_forwarded_for_sets_peer(framework, impl):
    async def main():
        server, factory, port = await serve(framework, impl, trustXForwardedFor=1)
        async with server:
            peer = await raw_open(framework, port, "X-Forwarded-For: 203.0.113.7, 10.0.0.1\r\n")
            await until(framework, lambda: factory.opened, "onOpen")
            peer.close()
        assert factory.opened[0].peer == "10.0.0.1"

    framework.run(main())


@pytest.mark.parametrize("allow_null, status", [(True, b"101"), (False, b"400")])  # refused: 400, as autobahn
def test_allow_null_origin(framework, impl, allow_null, status):
    async def main():
        server, _, port = await serve(
            framework, impl, allowedOrigins=["https://example.com"], allowNullOrigin=allow_null
        )
        async with server:
            peer = await framework.open_raw(port)
            await peer.write(request("Origin: null\r\n"))
            head = await peer.read_until(b"\r\n")
            peer.close()
        assert head.startswith(b"HTTP/1.1 " + status), head

    framework.run(main())


@pytest.mark.parametrize("fail_by_drop", [False, True])
def test_fail_by_drop(framework, impl, fail_by_drop):
    async def main():
        server, _, port = await serve(framework, impl, failByDrop=fail_by_drop)
        async with server:
            peer = await raw_open(framework, port)
            await peer.write(frame(0x1, b"\xff", mask=b"abcd"))  # invalid UTF-8: fail with 1007
            rest = await peer.read_to_eof(reset_ends=fail_by_drop)
            peer.close()
        if fail_by_drop:
            assert rest == b""  # TCP dropped (closed, or reset on Twisted) without a close frame
        else:
            assert rest[0] == 0x88 and struct.unpack("!H", rest[2:4])[0] == 1007

    framework.run(main())


def test_unmasked_client_frames_when_not_required(framework, impl):
    async def main():
        server, factory, port = await serve(framework, impl, requireMaskedClientFrames=False, maskServerFrames=True)
        async with server:
            peer = await raw_open(framework, port)
            await peer.write(frame(0x1, b"plain", mask=None))
            head = await peer.read_exactly(6)
            payload = await peer.read_exactly(5)
            peer.close()
        assert factory.messages == [(b"plain", False)]
        assert head[0] == 0x81 and head[1] == 0x80 | 5  # the server masked its echo
        assert bytes(b ^ head[2 + i % 4] for i, b in enumerate(payload)) == b"plain"

    framework.run(main())


def test_utf8_validation_can_be_switched_off(framework, impl):
    async def main():
        server, factory, port = await serve(framework, impl, utf8validateIncoming=False)
        async with server:
            peer = await raw_open(framework, port)
            await peer.write(frame(0x1, b"\xff\xfe", mask=b"abcd"))
            echo = await peer.read_exactly(4)
            peer.close()
        assert factory.messages == [(b"\xff\xfe", False)] and echo == b"\x81\x02\xff\xfe"

    framework.run(main())


# --- streaming, frames, prepared messages ---


def test_streaming_send_and_frame_api(framework, impl):
    states = []  # send_state (autobahn's SEND_STATE_* values) after each step

    def script(proto):
        states.append(proto.send_state)
        proto.beginMessage(isBinary=True)
        states.append(proto.send_state)
        proto.beginMessageFrame(6)
        assert proto.sendMessageFrameData(b"abc") == 3
        states.append(proto.send_state)
        assert proto.sendMessageFrameData(b"def") == 0
        states.append(proto.send_state)
        proto.sendMessageFrame(b"ghi")
        proto.endMessage()
        states.append(proto.send_state)
        proto.beginMessage()
        proto.sendMessageFrame("€uro".encode())
        proto.endMessage()

    async def main():
        server, factory, port = await serve(framework, impl)
        async with server:
            proto = await connect(framework, impl, port, script, expect=2)
        assert factory.messages == [(b"abcdefghi", True), ("€uro".encode(), False)]
        assert proto.received == factory.messages
        p = WebSocketProtocol
        assert states == [
            p.SEND_STATE_GROUND,
            p.SEND_STATE_MESSAGE_BEGIN,
            p.SEND_STATE_INSIDE_MESSAGE_FRAME,
            p.SEND_STATE_INSIDE_MESSAGE,
            p.SEND_STATE_GROUND,
        ]

    framework.run(main())


class StreamingEcho:
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


def test_streaming_receive_callbacks(framework, impl):
    async def main():
        server, factory, port = await serve(framework, impl, protocol=StreamingEcho)
        async with server:
            proto = await connect(framework, impl, port, lambda p: p.sendMessage(b"hello world", isBinary=False))
        pieces = factory.messages[0]
        assert pieces[0] == ("begin", False) and pieces[-1] == ("end",)
        assert b"".join(p[1] for p in pieces if p[0] == "data") == b"hello world"
        assert proto.received == [(b"hello world", True)]

    framework.run(main())


def test_streaming_send_state_errors(framework, impl):
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
        for call in (proto.beginMessage, lambda: proto.sendMessage(b"whole")):
            try:
                call()
            except Exception as exc:
                errors.append((type(exc), str(exc)))
        proto.endMessage()
        proto.sendMessage(b"after")

    async def main():
        server, factory, port = await serve(framework, impl)
        async with server:
            await connect(framework, impl, port, script, expect=2)
        # Each misuse raised, with a message naming the call (plain Exception, as in autobahn).
        assert errors == [
            (Exception, "beginMessageFrame() outside a message, or inside an unfinished frame"),
            (Exception, "endMessage() outside a message, or inside an unfinished frame"),
            (Exception, "sendMessageFrameData() outside a message frame"),
            (Exception, "beginMessage() while a message is being sent"),
            (Disconnected, "cannot send a message while one is being sent frame by frame"),
        ]
        assert factory.messages == [(b"", False), (b"after", False)]

    framework.run(main())


class Broadcaster:
    def onOpen(self):
        self.sendFrame(0x9, b"raw ping")  # a raw control frame through the frame API
        prepared = self.factory.prepareMessage("to everyone")
        self.sendPreparedMessage(prepared)

    def onPong(self, payload):
        self.factory.messages.append(("pong", payload))


def test_prepared_message_and_send_frame(framework, impl):
    async def main():
        server, factory, port = await serve(framework, impl, protocol=Broadcaster)
        async with server:
            proto = await connect(framework, impl, port, lambda p: None)
        assert proto.received == [(b"to everyone", False)]
        assert factory.messages == [("pong", b"raw ping")]

    framework.run(main())


class ClientPreparedSender(Client):
    def onOpen(self):
        self.received = []
        self.sendPreparedMessage(self.factory.prepareMessage(b"\x00\x01", isBinary=True))


def test_client_prepared_message_is_masked(framework, impl):
    async def main():
        server, factory, port = await serve(framework, impl)
        async with server:
            proto = await connect(framework, impl, port, None, protocol=ClientPreparedSender)
        assert factory.messages == [(b"\x00\x01", True)] and proto.received == factory.messages

    framework.run(main())


class Pinger(Client):
    def onAutoPong(self, ping_sent, ping_seq, pong_received, pong_rtt, payload):
        self.factory.pongs.append((ping_seq, pong_rtt >= 0, len(payload)))
        self.sendClose(1000)


def test_on_auto_pong(framework, impl):
    async def main():
        server, _, port = await serve(framework, impl)
        async with server:
            factory = client_factory(framework, f"ws://127.0.0.1:{port}/", lambda p: None, protocol=Pinger)
            factory.pongs = []
            factory.setProtocolOptions(autoPingInterval=0.05, autoPingTimeout=2, autoPingSize=16)
            proto = await framework.connect(factory, port)
            await framework.wait(proto.is_closed, 5)
        assert factory.pongs == [(1, True, 16)]

    framework.run(main())


def test_drop_connection(framework, impl):
    async def main():
        server, factory, port = await serve(framework, impl)
        async with server:
            proto = await connect(framework, impl, port, lambda p: p.dropConnection(abort=True))
            # is_closed fires at once (as autobahn's); onClose follows when the transport reports the
            # connection lost, a loop turn or more later (bounded: 5 s)
            await until(framework, lambda: hasattr(proto, "close_info"), "onClose")
        assert proto.close_info[0] is False and proto.close_info[1] == 1006

    framework.run(main())


# --- HTTP CONNECT proxy ---


class ConnectProxy:
    """A minimal HTTP CONNECT proxy on 127.0.0.1 in threads of its own (so it is the same proxy on
    every framework's loop): reads the CONNECT line, opens the tunnel, pipes bytes both ways."""

    def __init__(self) -> None:
        self.seen: list[bytes] = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(20)  # bounded: the one connection it serves must come
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._serve_one, daemon=True)
        self.thread.start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            sink.close()

    def _serve_one(self) -> None:
        client, _ = self.listener.accept()
        client.settimeout(20)
        head = b""
        while b"\r\n\r\n" not in head:
            head += client.recv(4096) or b"\r\n\r\n"
        self.seen.append(head.split(b"\r\n")[0])
        host, port = head.split(b" ")[1].decode().rsplit(":", 1)
        upstream = socket.create_connection((host, int(port)), 20)
        client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        threading.Thread(target=self._pipe, args=(upstream, client), daemon=True).start()
        self._pipe(client, upstream)

    def close(self) -> None:
        self.listener.close()
        self.thread.join(20)


def test_client_through_http_connect_proxy(framework, impl):
    async def main():
        server, factory, port = await serve(framework, impl)
        proxy = ConnectProxy()
        proxy_port = proxy.port
        async with server:
            cfactory = client_factory(
                framework,
                f"ws://127.0.0.1:{port}/",
                lambda p: p.sendMessage(b"via proxy"),
                proxy={"host": "127.0.0.1", "port": proxy_port},
            )
            proto = await framework.connect(cfactory, proxy_port)
            await framework.wait(proto.is_closed, 10)
        await framework.in_thread(proxy.close)
        assert proxy.seen == [f"CONNECT 127.0.0.1:{port} HTTP/1.1".encode()]
        assert proto.received == [(b"via proxy", False)]

    framework.run(main())


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
def test_per_message_compression_offers_and_accept(framework, impl, server_accepts):
    from autobahn.websocket.compress import PerMessageDeflate, PerMessageDeflateOffer

    text = "compress me " * 500

    async def main():
        accept = _server_accept if server_accepts else (lambda offers: None)
        server, factory, port = await serve(framework, impl, perMessageCompressionAccept=accept)
        async with server:
            proto = await connect(
                framework,
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

    framework.run(main())


def test_client_refusing_the_servers_compression_fails_the_handshake(framework, impl):
    from autobahn.websocket.compress import PerMessageDeflateOffer

    async def main():
        server, factory, port = await serve(framework, impl, perMessageCompressionAccept=_server_accept)
        async with server:
            proto = await connect(
                framework,
                impl,
                port,
                lambda p: p.sendMessage(b"never"),
                perMessageCompressionOffers=[PerMessageDeflateOffer()],
                perMessageCompressionAccept=lambda response: None,  # autobahn's default: refuse
            )
        assert factory.opened == [] or factory.messages == []
        assert proto.close_info[0] is False

    framework.run(main())


class Listening(Echo):
    def onOpen(self):
        super().onOpen()
        self.on("message", lambda payload, is_binary: self.factory.heard.append((payload, is_binary)))


def test_message_listeners(framework, impl):
    async def main():
        server, factory, port = await serve(framework, impl, protocol=Listening)
        factory.heard = []
        async with server:
            await connect(framework, impl, port, lambda p: p.sendMessage(b"\x01", isBinary=True))
        assert factory.heard == [(b"\x01", True)] == factory.messages

    framework.run(main())


def test_streaming_receive_sees_the_frames_as_sent(framework, impl):
    def script(proto):
        proto.beginMessage(isBinary=True)
        proto.sendMessageFrame(b"first")
        proto.sendMessageFrame(b"second")
        proto.endMessage()

    async def main():
        server, factory, port = await serve(framework, impl, protocol=StreamingEcho)
        async with server:
            proto = await connect(framework, impl, port, script)
        pieces = factory.messages[0]
        assert [p for p in pieces if p[0] == "frame"] == [("frame", 5), ("frame", 6), ("frame", 0)]
        assert b"".join(p[1] for p in pieces if p[0] == "data") == b"firstsecond"
        assert proto.received == [(b"firstsecond", True)]

    framework.run(main())


class HostRecorder(Echo):
    def onConnect(self, request):
        self.factory.hosts.append((request.host, self.http_request_host))


@pytest.mark.parametrize("external_port, status", [(None, b"101"), (9000, b"101"), (9001, b"400")])
def test_host_header_port(framework, impl, external_port, status):
    """request.host has no port, as in autobahn; with externalPort, another port is refused."""

    async def main():
        server, factory, port = await serve(framework, impl, protocol=HostRecorder)
        factory.hosts, factory.externalPort = [], external_port
        async with server:
            peer = await framework.open_raw(port)
            await peer.write(request().replace(b"Host: server.example.com", b"Host: server.example.com:9000"))
            head = await peer.read_until(b"\r\n")
            peer.close()
        assert head.startswith(b"HTTP/1.1 " + status), head
        refused = status == b"400"
        assert factory.hosts == ([] if refused else [("server.example.com", "server.example.com")])

    framework.run(main())


class CloseThenEcho(Echo):
    """Closes on its first message; the client's next message arrives while we are closing."""

    def onMessage(self, payload, isBinary):
        super().onMessage(payload, isBinary)  # the second echo raises Disconnected: ignored
        self.sendClose(1000) if payload == b"first" else None


def test_message_while_closing_is_delivered_and_closing_goes_on(framework, impl):
    def script(proto):
        proto.sendMessage(b"first")
        proto.sendMessage(b"second")

    async def main():
        server, factory, port = await serve(framework, impl, protocol=CloseThenEcho)
        async with server:
            proto = await connect(framework, impl, port, script, expect=99)
        assert factory.messages == [(b"first", False), (b"second", False)]
        assert factory.closes == [(True, 1000, None)] and proto.close_info == (True, 1000, None)

    framework.run(main())


@pytest.mark.parametrize(
    "payload, expected", [(b"", (True, None, None)), (struct.pack("!H", 1001), (True, 1001, None))]
)
def test_close_frame_without_code_reports_none(framework, impl, payload, expected):
    # As autobahn: a close frame without a code gives onClose(True, None, None), not 1005.
    async def main():
        server, factory, port = await serve(framework, impl)
        async with server:
            peer = await raw_open(framework, port)
            await peer.write(frame(8, payload))
            await peer.read_to_eof()  # the reply, then the server closes TCP
            peer.close()
            await until(framework, lambda: factory.closes, "onClose")  # it follows the transport's report
        return factory.closes

    assert framework.run(main()) == [expected]
