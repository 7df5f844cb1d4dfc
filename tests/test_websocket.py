"""autobahn's server and client API over real sockets on 127.0.0.1, on asyncio and on Twisted
(the ``framework`` fixture), with every implementation of the hot path (``impl``).

The peers the protocols talk to are asyncio streams or our own client; both frameworks'
protocols share the event loop (tests/frameworks.py)."""

from __future__ import annotations

import asyncio
import struct
from typing import Any

import pytest
from frameworks import run, wait
from ws_helpers import frame, request

from autobahn.exception import Disconnected
from autobahn.websocket.types import ConnectionDeny


class EchoServer:
    def onConnect(self, request):
        self.factory.requests.append(request)

    def onMessage(self, payload, isBinary):
        self.sendMessage(payload, isBinary)

    def onClose(self, wasClean, code, reason):
        self.factory.closes.append((wasClean, code, reason))


class Collector:
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


async def _serve(fw: Any, impl: Any, protocol: type = EchoServer, **kw: Any) -> tuple[int, Any, Any]:
    """(port, factory, stop) of a server of ``protocol`` (a mixin) on ``fw``."""
    factory = fw.server_factory("ws://127.0.0.1", protocols=kw.pop("protocols", None))
    factory.protocol = fw.server_class(protocol)
    factory.requests, factory.closes = [], []
    _configure(factory, impl, **kw)
    port, stop = await fw.listen(factory)
    return port, factory, stop


async def _client(fw: Any, impl: Any, port: int, to_send: list, protocol: type = Collector, **kw: Any) -> Any:
    factory = fw.client_factory(f"ws://127.0.0.1:{port}/echo?x=1", protocols=kw.pop("protocols", None))
    factory.protocol = fw.client_class(protocol)
    factory.to_send = to_send
    _configure(factory, impl, **kw)
    proto = await fw.connect(factory, port)
    await wait(proto.is_closed)
    return proto


@pytest.mark.parametrize("deflate", [False, True], ids=["plain", "deflate"])
def test_echo_round_trip(framework, impl, deflate):
    messages = [
        (b"", False),
        ("hällo wörld".encode(), False),
        (bytes(range(256)) * 4, True),
        ("€" * 400_000).encode(),  # 1.2 MB of text, many TCP segments
    ]
    messages[-1] = (messages[-1], False)

    async def main():
        port, factory, stop = await _serve(framework, impl, perMessageDeflate=deflate)
        proto = await _client(framework, impl, port, messages, perMessageDeflate=deflate)
        await asyncio.sleep(0.05)
        await stop()
        assert proto.received == messages
        assert proto.close_info == (True, 1000, None)  # no reason in the close frame: None, as in autobahn
        assert factory.closes == [(True, 1000, "done")]
        [req] = factory.requests
        assert (req.path, req.params) == ("/echo", {"x": ["1"]})
        assert ("permessage-deflate" in req.extensions[0]) if deflate else not req.extensions
        in_use = proto.websocket_extensions_in_use  # autobahn.websocket.compress objects, as in autobahn
        assert [e.EXTENSION_NAME for e in in_use] == (["permessage-deflate"] if deflate else [])
        assert proto.peer == f"tcp4:127.0.0.1:{port}"

    run(main())


def test_subprotocol_and_async_callbacks(framework, impl):
    class AsyncServer:
        async def onConnect(self, request):
            await asyncio.sleep(0.01) if framework.is_asyncio else None
            return "v2"

        async def onMessage(self, payload, isBinary):
            self.sendMessage(payload.upper(), isBinary)

    async def main():
        port, _, stop = await _serve(framework, impl, AsyncServer)
        proto = await _client(framework, impl, port, [(b"abc", False)], protocols=["v1", "v2"])
        await stop()
        assert proto.websocket_protocol_in_use == "v2"
        assert proto.received == [(b"ABC", False)]

    run(main())


def test_deferred_accept_and_deny(impl):
    """Twisted: onConnect returns a Deferred that fires later with the subprotocol, or fails
    with ConnectionDeny (as Daphne does)."""
    from frameworks import load
    from twisted.internet import defer, reactor

    fw = load("twisted")

    class Later(EchoServer):
        def onConnect(self, request):
            d = defer.Deferred()
            if request.params.get("deny"):
                reactor.callLater(0.02, d.errback, ConnectionDeny(403, "not you"))
            else:
                reactor.callLater(0.02, d.callback, "v1")
            return d

    async def main():
        port, _, stop = await _serve(fw, impl, Later, protocols=["v1"])
        proto = await _client(fw, impl, port, [(b"x", True)], protocols=["v1"])
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(request().replace(b"?x=1", b"?deny=1"))
        answer = await asyncio.wait_for(reader.read(), 5)
        writer.close()
        await stop()
        return proto, answer

    proto, answer = run(main())
    assert proto.websocket_protocol_in_use == "v1" and proto.received == [(b"x", True)]
    assert answer.startswith(b"HTTP/1.1 403 Forbidden\r\n") and b"not you" in answer


def test_connection_deny(framework, impl):
    class Deny:
        def onConnect(self, request):
            raise ConnectionDeny(403, "go away")

    async def main():
        port, _, stop = await _serve(framework, impl, Deny)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(request())
        answer = await asyncio.wait_for(reader.read(), 5)
        writer.close()
        proto = await _client(framework, impl, port, [])
        await stop()
        return answer, proto

    answer, proto = run(main())
    assert answer.startswith(b"HTTP/1.1 403 Forbidden\r\n") and answer.endswith(b"go away\n")
    assert proto.close_info[0] is False  # the client's onClose still fires, unclean


def test_callback_error_closes_with_1011(framework, impl):
    class Broken:
        def onMessage(self, payload, isBinary):
            raise RuntimeError("application bug")

    async def main():
        port, _, stop = await _serve(framework, impl, Broken)
        proto = await _client(framework, impl, port, [(b"x", True)])
        await stop()
        return proto

    assert run(main()).close_info[1] == 1011


async def _read_until_closed(reader: asyncio.StreamReader, timeout: float = 5) -> bytes:
    """Everything the peer sends until it closes the connection, by FIN or by reset (Twisted's
    abortConnection resets, asyncio's abort closes)."""
    chunks = []
    async with asyncio.timeout(timeout):
        while True:
            try:
                chunk = await reader.read(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


async def _raw_open(port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request())
    response = await reader.readuntil(b"\r\n\r\n")
    assert response.startswith(b"HTTP/1.1 101 ")
    return reader, writer


def test_protocol_violation_over_tcp(framework, impl):
    async def main():
        port, factory, stop = await _serve(framework, impl)
        reader, writer = await _raw_open(port)
        writer.write(frame(1, b"ok") + frame(1, b"bad \xff utf-8"))
        rest = await asyncio.wait_for(reader.read(), 5)  # the server closes TCP after its close frame
        writer.close()
        await asyncio.sleep(0.05)
        await stop()
        return rest, factory

    rest, factory = run(main())
    assert rest == b"\x81\x02ok" + b"\x88" + bytes([len(rest) - 6]) + struct.pack("!H", 1007) + rest[8:]
    assert factory.closes[0][:2] == (False, 1006)  # as autobahn: the failure sent 1007, the end is unclean


def test_opening_handshake_timeout(framework, impl):
    async def main():
        port, factory, stop = await _serve(framework, impl, openHandshakeTimeout=0.2)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET / HTTP/1.1\r\n")  # and never the rest
        assert await _read_until_closed(reader) == b""
        writer.close()
        await asyncio.sleep(0.05)
        await stop()
        return factory

    # The drop is the timeout's (its reason), not a refusal of the partial request.
    [(was_clean, code, reason)] = run(main()).closes
    assert (was_clean, code) == (False, 1006) and "opening handshake timeout" in reason


def test_server_close_timeout_drops_a_silent_peer(framework, impl):
    class Closer:
        def onOpen(self):
            self.sendClose(1000, "bye")

        def onClose(self, wasClean, code, reason):
            self.factory.closes.append((wasClean, code, reason))

    async def main():
        port, factory, stop = await _serve(framework, impl, Closer, closeHandshakeTimeout=0.2)
        reader, writer = await _raw_open(port)
        data = await _read_until_closed(reader)  # close frame, then EOF (or reset) by the timeout
        writer.close()
        await asyncio.sleep(0.05)
        await stop()
        return data, factory

    data, factory = run(main())
    assert data == b"\x88\x05\x03\xe8bye"
    assert factory.closes == [(False, 1006, factory.closes[0][2])]


def test_backpressure_pauses_reading(framework, impl):
    if not framework.is_asyncio:
        pytest.skip("Twisted: as in autobahn, backpressure is the application's producer (test_twisted_websocket)")
    # The hook asyncio calls when the transport's write buffer is full.
    hook = "pause_writing"

    class Recording(EchoServer):
        pass

    def paused(self):
        self.factory.paused += 1
        getattr(super(Recording, self), hook)()
        self.factory.reading_while_paused = not framework.reading_paused(self)

    setattr(Recording, hook, paused)

    async def main():
        port, factory, stop = await _serve(framework, impl, Recording)
        factory.paused = 0
        reader, writer = await _raw_open(port)
        writer.transport.pause_reading()  # never read the echoes
        chunk = frame(2, b"\0" * 65536)
        for _ in range(400):  # up to 26 MB, echoes pile up on the server's side
            writer.write(chunk)  # no drain(): the server may rightly stop reading us
            await asyncio.sleep(0.005)
            if factory.paused:
                break
        writer.transport.abort()
        await asyncio.sleep(0.05)
        await stop()
        return factory

    factory = run(main())
    assert factory.paused >= 1
    assert factory.reading_while_paused is False  # we stopped reading the peer


def test_send_on_closed_connection_raises_disconnected(framework, impl):
    class Late(Collector):
        def onClose(self, wasClean, code, reason):
            try:
                self.sendMessage(b"too late")
            except Disconnected as exc:
                self.error = exc

    async def main():
        port, _, stop = await _serve(framework, impl)
        proto = await _client(framework, impl, port, [], protocol=Late)
        await stop()
        return proto

    assert isinstance(run(main()).error, Disconnected)


def test_auto_ping_and_timeout(framework, impl):
    class Pinging(EchoServer):
        def onPong(self, payload):
            self.factory.pongs.append(payload)

    class Idle:
        """Opens, waits 0.4 s, closes."""

        def onOpen(self):
            framework.call_later(0.4, self.sendClose, 1000)

    async def main():
        port, factory, stop = await _serve(
            framework, impl, Pinging, autoPingInterval=0.05, autoPingTimeout=0.3, autoPingSize=10
        )
        factory.pongs = []
        # A client that answers pings (automatically): several pongs arrive.
        await _client(framework, impl, port, [], protocol=Idle)
        assert len(factory.pongs) >= 2 and all(len(p) == 10 for p in factory.pongs)
        # A peer that never answers: dropped after the timeout.
        reader, writer = await _raw_open(port)
        data = await _read_until_closed(reader)
        writer.close()
        await asyncio.sleep(0.05)
        await stop()
        return data, factory.closes

    data, closes = run(main())
    assert data.startswith(b"\x89\x0a")  # the ping came first, then the drop, for the ping's timeout
    was_clean, code, reason = closes[-1]
    assert (was_clean, code) == (False, 1006) and "ping timeout" in reason


@pytest.mark.parametrize(
    ("origin", "status"),
    [("https://app.example.com", b"101"), ("https://evil.test", b"400"), ("https://app.example.com:8443", b"400")],
)
def test_allowed_origins(framework, impl, origin, status):
    # As in autobahn, patterns match "scheme://host:port" (the default port filled in).
    async def main():
        port, _, stop = await _serve(framework, impl, allowedOrigins=["https://*.example.com:443"])
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(request(f"Origin: {origin}\r\n"))
        answer = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
        writer.close()
        await stop()
        return answer

    assert run(main()).startswith(b"HTTP/1.1 " + status)
