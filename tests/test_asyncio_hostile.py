"""Hostile and greedy peers against the asyncio server, on the default loop and uvloop: the
frame budget per received chunk (nothing lost, order kept), a readable 431 for an oversized
handshake however much follows it, and keepalive on by default."""

from __future__ import annotations

import asyncio
import pathlib
import ssl
import struct

import pytest
from ws_helpers import frame, request

from autobahn.asyncio.websocket import WebSocketClientFactory, WebSocketServerFactory, WebSocketServerProtocol


class EchoServer(WebSocketServerProtocol):
    def onMessage(self, payload, isBinary):
        self.sendMessage(payload, isBinary)


async def _serve(impl, protocol=EchoServer, **kw):
    factory = WebSocketServerFactory("ws://127.0.0.1")
    factory.protocol = protocol
    factory.setProtocolOptions(utf8Validator=impl.Utf8Validator, xorMasker=impl.XorMasker, **kw)
    server = await asyncio.get_running_loop().create_server(factory, "127.0.0.1", 0)
    return server, factory


def _port(server):
    return server.sockets[0].getsockname()[1]


async def _raw_open(port):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request())
    assert (await reader.readuntil(b"\r\n\r\n")).startswith(b"HTTP/1.1 101 ")
    return reader, writer


pytestmark = pytest.mark.usefixtures("event_loop_policy")


async def _read_frames(reader: asyncio.StreamReader, count: int) -> list[tuple[int, bytes]]:
    """``count`` unmasked server frames as (first byte, payload)."""
    frames = []
    for _ in range(count):
        first, second = await reader.readexactly(2)
        n = second & 0x7F
        if n == 126:
            n = struct.unpack("!H", await reader.readexactly(2))[0]
        elif n == 127:
            n = struct.unpack("!Q", await reader.readexactly(8))[0]
        frames.append((first, await reader.readexactly(n)))
    return frames


def test_more_frames_than_one_budget_in_one_write_all_echo_in_order(impl):
    count = 2500  # 2.5 budgets of 1,000 frames

    async def main():
        server, _ = await _serve(impl)
        async with server:
            reader, writer = await _raw_open(_port(server))
            writer.write(b"".join(frame(1, str(i).encode()) for i in range(count)))
            echoes = await asyncio.wait_for(_read_frames(reader, count), 30)
            writer.close()
        assert echoes == [(0x81, str(i).encode()) for i in range(count)]

    asyncio.run(main())


def test_a_fragment_storm_is_assembled_and_echoed(impl):
    n = 20_000

    async def main():
        server, _ = await _serve(impl)
        async with server:
            reader, writer = await _raw_open(_port(server))
            fragments = [frame(0, bytes((i & 0xFF,)), fin=False) for i in range(n)]
            writer.write(frame(2, b"", fin=False) + b"".join(fragments) + frame(0, b""))
            [(first, payload)] = await asyncio.wait_for(_read_frames(reader, 1), 60)
            writer.close()
        assert first == 0x82 and payload == bytes(i & 0xFF for i in range(n))

    asyncio.run(main())


CERT = str(pathlib.Path(__file__).parent / "data" / "localhost.pem")  # self-signed localhost, key included


@pytest.mark.parametrize("tls", [False, True], ids=["tcp", "tls"])
def test_large_messages_handed_over_in_pieces_keep_their_bytes_and_order(impl, tls):
    # A large payload goes to the transport piece by piece as it drains; what is sent
    # meanwhile (the small echoes, the close reply) must queue behind it, and a slow reader
    # must get every byte (over asyncio's TLS transport too, whose flow control differs).
    large = [bytes((i * 7 + k) & 0xFF for k in range(256)) * (12 * 1024 + i) for i in range(3)]
    server_tls = client_tls = None
    if tls:
        server_tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server_tls.load_cert_chain(CERT)
        client_tls = ssl.create_default_context(cafile=CERT)

    async def main():
        factory = WebSocketServerFactory("ws://127.0.0.1")
        factory.protocol = EchoServer
        factory.setProtocolOptions(utf8Validator=impl.Utf8Validator, xorMasker=impl.XorMasker)
        server = await asyncio.get_running_loop().create_server(factory, "127.0.0.1", 0, ssl=server_tls)
        async with server:
            reader, writer = await asyncio.open_connection("127.0.0.1", _port(server), ssl=client_tls)
            writer.write(request())
            assert (await reader.readuntil(b"\r\n\r\n")).startswith(b"HTTP/1.1 101 ")
            sent = []
            for i, payload in enumerate(large):
                sent += [(0x82, payload), (0x81, f"after {i}".encode())]
            writer.write(b"".join(frame(first & 0x0F, payload) for first, payload in sent))
            writer.write(frame(8, struct.pack("!H", 1000)))
            await asyncio.sleep(0.2)  # let the server's send buffer fill before reading
            echoes = await asyncio.wait_for(_read_frames(reader, len(sent) + 1), 60)
            writer.close()
        assert echoes[:-1] == sent
        assert echoes[-1] == (0x88, struct.pack("!H", 1000))

    asyncio.run(main())


def test_oversized_handshake_in_one_large_burst_gets_a_readable_431(impl):
    async def main():
        server, _ = await _serve(impl)
        async with server:
            reader, writer = await asyncio.open_connection("127.0.0.1", _port(server))
            # Far more than one read: the server answers after the first 16 KiB and must not
            # reset the connection (which would discard its answer) for the bytes still coming.
            writer.write(b"GET / HTTP/1.1\r\nHost: a\r\nX-Padding: " + b"a" * (4 * 1024 * 1024))
            answer = await asyncio.wait_for(reader.read(), 10)
            writer.close()
            await writer.wait_closed()
            await asyncio.sleep(0.1)  # the server sees our EOF and closes its side
        assert answer.startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n")
        assert answer.endswith(b"opening handshake too large\n")

    asyncio.run(main())


def test_keepalive_is_on_by_default():
    for factory in (WebSocketServerFactory("ws://127.0.0.1:9000"), WebSocketClientFactory("ws://127.0.0.1:9000")):
        assert factory.autoPingInterval == 20.0 and factory.autoPingTimeout == 20.0
        assert factory.maxFramePayloadSize == factory.maxMessagePayloadSize == 16 * 1024 * 1024
