"""The asyncio server and client (autobahn's API) over real sockets on 127.0.0.1."""

from __future__ import annotations

import asyncio
import struct
from typing import Any

import pytest
from ws_helpers import frame, request

from autobahn.asyncio.websocket import (
    ConnectionDeny,
    WebSocketClientFactory,
    WebSocketClientProtocol,
    WebSocketServerFactory,
    WebSocketServerProtocol,
)
from autobahn.exception import Disconnected

# Every test on the default event loop and on uvloop (conftest.event_loop_policy).
pytestmark = pytest.mark.usefixtures("event_loop_policy")


class EchoServer(WebSocketServerProtocol):
    def onConnect(self, request):
        self.factory.requests.append(request)

    def onMessage(self, payload, isBinary):
        self.sendMessage(payload, isBinary)

    def onClose(self, wasClean, code, reason):
        self.factory.closes.append((wasClean, code, reason))


class Collector(WebSocketClientProtocol):
    """Sends ``factory.to_send``, collects the answers, then closes with 1000."""

    def onOpen(self):
        self.received = []
        for payload, is_binary in self.factory.to_send:
            self.sendMessage(payload, is_binary)
        if not self.factory.to_send:
            self.sendClose(1000)

    def onMessage(self, payload, isBinary):
        self.received.append((payload, isBinary))
        if len(self.received) == len(self.factory.to_send):
            self.sendClose(1000, "done")

    def onClose(self, wasClean, code, reason):
        self.close_info = (wasClean, code, reason)


def _configure(factory: Any, impl: Any, **kw: Any) -> None:
    factory.setProtocolOptions(utf8Validator=impl.Utf8Validator, xorMasker=impl.XorMasker, **kw)


async def _serve(impl: Any, protocol: type = EchoServer, **kw: Any) -> tuple[asyncio.Server, WebSocketServerFactory]:
    factory = WebSocketServerFactory("ws://127.0.0.1", protocols=kw.pop("protocols", None))
    factory.protocol = protocol
    factory.requests, factory.closes = [], []
    _configure(factory, impl, **kw)
    server = await asyncio.get_running_loop().create_server(factory, "127.0.0.1", 0)
    return server, factory


def _port(server: asyncio.Server) -> int:
    return server.sockets[0].getsockname()[1]


async def _client(impl: Any, port: int, to_send: list, protocol: type = Collector, **kw: Any) -> Any:
    factory = WebSocketClientFactory(f"ws://127.0.0.1:{port}/echo?x=1", protocols=kw.pop("protocols", None))
    factory.protocol = protocol
    factory.to_send = to_send
    _configure(factory, impl, **kw)
    _, proto = await asyncio.get_running_loop().create_connection(factory, "127.0.0.1", port)
    await asyncio.wait_for(proto.is_closed, 20)
    return proto


@pytest.mark.parametrize("deflate", [False, True], ids=["plain", "deflate"])
def test_echo_round_trip(impl, deflate):
    messages = [
        (b"", False),
        ("hällo wörld".encode(), False),
        (bytes(range(256)) * 4, True),
        ("€" * 400_000).encode(),  # 1.2 MB of text, many TCP segments
    ]
    messages[-1] = (messages[-1], False)

    async def main():
        server, factory = await _serve(impl, perMessageDeflate=deflate)
        async with server:
            proto = await _client(impl, _port(server), messages, perMessageDeflate=deflate)
            await asyncio.sleep(0.05)
        assert proto.received == messages
        assert proto.close_info == (True, 1000, None)  # no reason in the close frame: None, as in autobahn
        assert factory.closes == [(True, 1000, "done")]
        [req] = factory.requests
        assert (req.path, req.params) == ("/echo", {"x": ["1"]})
        assert ("permessage-deflate" in req.extensions[0]) if deflate else not req.extensions
        in_use = proto.websocket_extensions_in_use  # autobahn.websocket.compress objects, as in autobahn
        assert [e.EXTENSION_NAME for e in in_use] == (["permessage-deflate"] if deflate else [])

    asyncio.run(main())


def test_subprotocol_and_async_callbacks(impl):
    class AsyncServer(WebSocketServerProtocol):
        async def onConnect(self, request):
            await asyncio.sleep(0.01)
            return "v2"

        async def onMessage(self, payload, isBinary):
            await asyncio.sleep(0)
            self.sendMessage(payload.upper(), isBinary)

    async def main():
        server, _ = await _serve(impl, AsyncServer)
        async with server:
            proto = await _client(impl, _port(server), [(b"abc", False)], protocols=["v1", "v2"])
        assert proto.websocket_protocol_in_use == "v2"
        assert proto.received == [(b"ABC", False)]

    asyncio.run(main())


def test_connection_deny(impl):
    class Deny(WebSocketServerProtocol):
        def onConnect(self, request):
            raise ConnectionDeny(403, "go away")

    async def main():
        server, _ = await _serve(impl, Deny)
        async with server:
            reader, writer = await asyncio.open_connection("127.0.0.1", _port(server))
            writer.write(request())
            answer = await asyncio.wait_for(reader.read(), 5)
            writer.close()
            proto = await _client(impl, _port(server), [])
        assert answer.startswith(b"HTTP/1.1 403 Forbidden\r\n") and answer.endswith(b"go away\n")
        assert proto.close_info[0] is False  # the client's onClose still fires, unclean

    asyncio.run(main())


def test_callback_error_closes_with_1011(impl):
    class Broken(WebSocketServerProtocol):
        def onMessage(self, payload, isBinary):
            raise RuntimeError("application bug")

    async def main():
        server, _ = await _serve(impl, Broken)
        async with server:
            proto = await _client(impl, _port(server), [(b"x", True)])
        assert proto.close_info[1] == 1011

    asyncio.run(main())


async def _raw_open(port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request())
    response = await reader.readuntil(b"\r\n\r\n")
    assert response.startswith(b"HTTP/1.1 101 ")
    return reader, writer


def test_protocol_violation_over_tcp(impl):
    async def main():
        server, factory = await _serve(impl)
        async with server:
            reader, writer = await _raw_open(_port(server))
            writer.write(frame(1, b"ok") + frame(1, b"bad \xff utf-8"))
            rest = await asyncio.wait_for(reader.read(), 5)  # the server closes TCP after its close frame
            writer.close()
            await asyncio.sleep(0.05)
        assert rest == b"\x81\x02ok" + b"\x88" + bytes([len(rest) - 6]) + struct.pack("!H", 1007) + rest[8:]
        assert factory.closes[0][:2] == (False, 1007)

    asyncio.run(main())


def test_opening_handshake_timeout(impl):
    async def main():
        server, _ = await _serve(impl, openHandshakeTimeout=0.2)
        async with server:
            loop = asyncio.get_running_loop()
            reader, writer = await asyncio.open_connection("127.0.0.1", _port(server))
            writer.write(b"GET / HTTP/1.1\r\n")  # and never the rest
            started = loop.time()
            assert await asyncio.wait_for(reader.read(), 5) == b""
            elapsed = loop.time() - started
            writer.close()
        assert 0.15 < elapsed < 2

    asyncio.run(main())


def test_server_close_timeout_drops_a_silent_peer(impl):
    class Closer(WebSocketServerProtocol):
        def onOpen(self):
            self.sendClose(1000, "bye")

        def onClose(self, wasClean, code, reason):
            self.factory.closes.append((wasClean, code, reason))

    async def main():
        server, factory = await _serve(impl, Closer, closeHandshakeTimeout=0.2)
        async with server:
            reader, writer = await _raw_open(_port(server))
            data = await asyncio.wait_for(reader.read(), 5)  # close frame, then EOF by the timeout
            writer.close()
            await asyncio.sleep(0.05)
        assert data == b"\x88\x05\x03\xe8bye"
        assert factory.closes == [(False, 1006, factory.closes[0][2])]

    asyncio.run(main())


def test_backpressure_pauses_reading(impl):
    class Recording(EchoServer):
        def pause_writing(self):
            self.factory.paused += 1
            super().pause_writing()
            self.factory.reading_while_paused = self.transport.is_reading()

    async def main():
        server, factory = await _serve(impl, Recording)
        factory.paused = 0
        async with server:
            reader, writer = await _raw_open(_port(server))
            writer.transport.pause_reading()  # never read the echoes
            chunk = frame(2, b"\0" * 65536)
            for _ in range(400):  # up to 26 MB, echoes pile up on the server's side
                writer.write(chunk)  # no drain(): the server may rightly stop reading us
                await asyncio.sleep(0.005)
                if factory.paused:
                    break
            writer.transport.abort()
            await asyncio.sleep(0.05)
        assert factory.paused >= 1
        assert factory.reading_while_paused is False  # we stopped reading the peer

    asyncio.run(main())


def test_send_on_closed_connection_raises_disconnected(impl):
    class Late(Collector):
        def onClose(self, wasClean, code, reason):
            try:
                self.sendMessage(b"too late")
            except Disconnected as exc:
                self.error = exc

    async def main():
        server, _ = await _serve(impl)
        async with server:
            proto = await _client(impl, _port(server), [], protocol=Late)
        assert isinstance(proto.error, Disconnected)

    asyncio.run(main())


def test_auto_ping_and_timeout(impl):
    class Pinging(EchoServer):
        def onPong(self, payload):
            self.factory.pongs.append(payload)

    async def main():
        server, factory = await _serve(impl, Pinging, autoPingInterval=0.05, autoPingTimeout=0.3, autoPingSize=10)
        factory.pongs = []
        async with server:
            # A client that answers pings (automatically): several pongs arrive.
            await _client(impl, _port(server), [], protocol=_Idle)
            assert len(factory.pongs) >= 2 and all(len(p) == 10 for p in factory.pongs)
            # A peer that never answers: dropped after the timeout.
            reader, writer = await _raw_open(_port(server))
            loop = asyncio.get_running_loop()
            started = loop.time()
            data = await asyncio.wait_for(reader.read(), 5)
            elapsed = loop.time() - started
            writer.close()
        assert data.startswith(b"\x89\x0a")  # the ping
        assert 0.3 < elapsed < 2

    asyncio.run(main())


class _Idle(WebSocketClientProtocol):
    """Opens, waits 0.4 s, closes."""

    def onOpen(self):
        asyncio.get_running_loop().call_later(0.4, self.sendClose, 1000)


@pytest.mark.parametrize(("origin", "status"), [("https://app.example.com", b"101"), ("https://evil.test", b"403")])
def test_allowed_origins(impl, origin, status):
    async def main():
        server, _ = await _serve(impl, allowedOrigins=["https://*.example.com"])
        async with server:
            reader, writer = await asyncio.open_connection("127.0.0.1", _port(server))
            writer.write(request(f"Origin: {origin}\r\n"))
            answer = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
            writer.close()
        return answer

    assert asyncio.run(main()).startswith(b"HTTP/1.1 " + status)
