"""Hostile and greedy peers against our server on every framework (asyncio, uvloop, Twisted on
the asyncio reactor and, in tests/test_twisted_default_reactor.py, on its epoll reactor): the
frame budget per received chunk (nothing lost, order kept), a readable 431 for an oversized
handshake however much follows it, and keepalive on by default."""

from __future__ import annotations

import asyncio
import pathlib
import socket
import ssl
import struct
import threading

import pytest
from frameworks import Framework
from ws_helpers import frame, request

from autobahn.asyncio import websocket as asyncio_websocket

# Waits, sleeps and raw peers go through the Framework, so this module runs on the epoll reactor too.
FRAMEWORK_NEUTRAL = True


class EchoServer:
    def onMessage(self, payload, isBinary):
        self.sendMessage(payload, isBinary)


async def _serve(fw: Framework, impl, **kw):
    factory = fw.server_factory("ws://127.0.0.1")
    factory.protocol = fw.server_class(EchoServer)
    factory.setProtocolOptions(utf8Validator=impl.Utf8Validator, xorMasker=impl.XorMasker, **kw)
    return await fw.listen(factory)


async def _raw_open(fw: Framework, port):
    peer = await fw.open_raw(port)
    await peer.write(request())
    assert (await peer.read_until(b"\r\n\r\n")).startswith(b"HTTP/1.1 101 ")
    return peer


async def _read_frames(peer, count: int) -> list[tuple[int, bytes]]:
    """``count`` unmasked server frames as (first byte, payload)."""
    frames = []
    for _ in range(count):
        first, second = await peer.read_exactly(2)
        n = second & 0x7F
        if n == 126:
            n = struct.unpack("!H", await peer.read_exactly(2))[0]
        elif n == 127:
            n = struct.unpack("!Q", await peer.read_exactly(8))[0]
        frames.append((first, await peer.read_exactly(n)))
    return frames


def test_more_frames_than_one_budget_in_one_write_all_echo_in_order(framework, impl):
    count = 2500  # 2.5 budgets of 1,000 frames

    async def main():
        port, stop = await _serve(framework, impl)
        try:
            peer = await _raw_open(framework, port)
            await peer.write(b"".join(frame(1, str(i).encode()) for i in range(count)))
            echoes = await _read_frames(peer, count)  # each read bounded (RawPeer.TIMEOUT)
            peer.close()
        finally:
            await stop()
        assert echoes == [(0x81, str(i).encode()) for i in range(count)]

    framework.run(main())


def test_a_fragment_storm_is_assembled_and_echoed(framework, impl):
    n = 20_000

    async def main():
        port, stop = await _serve(framework, impl)
        try:
            peer = await _raw_open(framework, port)
            fragments = [frame(0, bytes((i & 0xFF,)), fin=False) for i in range(n)]
            await peer.write(frame(2, b"", fin=False) + b"".join(fragments) + frame(0, b""))
            [(first, payload)] = await _read_frames(peer, 1)
            peer.close()
        finally:
            await stop()
        assert first == 0x82 and payload == bytes(i & 0xFF for i in range(n))

    framework.run(main())


async def _read_stream_frames(reader: asyncio.StreamReader, count: int) -> list[tuple[int, bytes]]:
    """``count`` unmasked server frames from an asyncio stream, as (first byte, payload)."""
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


CERT = str(pathlib.Path(__file__).parent / "data" / "localhost.pem")  # self-signed localhost, key included


# asyncio's transports only (plain and TLS, whose flow control differs), on its loop and uvloop.
@pytest.mark.usefixtures("event_loop_policy")
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
        factory = asyncio_websocket.WebSocketServerFactory("ws://127.0.0.1")
        factory.protocol = type("EchoServer", (EchoServer, asyncio_websocket.WebSocketServerProtocol), {})
        factory.setProtocolOptions(utf8Validator=impl.Utf8Validator, xorMasker=impl.XorMasker)
        server = await asyncio.get_running_loop().create_server(factory, "127.0.0.1", 0, ssl=server_tls)
        async with server:
            reader, writer = await asyncio.open_connection(
                "127.0.0.1", server.sockets[0].getsockname()[1], ssl=client_tls
            )
            writer.write(request())
            assert (await reader.readuntil(b"\r\n\r\n")).startswith(b"HTTP/1.1 101 ")
            sent = []
            for i, payload in enumerate(large):
                sent += [(0x82, payload), (0x81, f"after {i}".encode())]
            writer.write(b"".join(frame(first & 0x0F, payload) for first, payload in sent))
            writer.write(frame(8, struct.pack("!H", 1000)))
            await asyncio.sleep(0.2)  # let the server's send buffer fill before reading
            echoes = await asyncio.wait_for(_read_stream_frames(reader, len(sent) + 1), 60)
            writer.close()
        assert echoes[:-1] == sent
        assert echoes[-1] == (0x88, struct.pack("!H", 1000))

    asyncio.run(main())


def send_burst(sock: socket.socket) -> None:
    try:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: a\r\nX-Padding: " + b"a" * (4 * 1024 * 1024))
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server closed once it had answered: the rest of the burst has nowhere to go


def test_oversized_handshake_in_one_large_burst_gets_a_readable_431(framework, impl):
    async def main():
        port, stop = await _serve(framework, impl)
        try:
            peer = await framework.open_raw(port)
            # Far more than one read: the server answers after the first 16 KiB and must not
            # reset the connection (which would discard its answer) for the bytes still coming.
            # The burst is written from a thread of its own while this one reads the answer.
            sender = threading.Thread(target=send_burst, args=(peer.sock,), daemon=True)
            sender.start()
            answer = await peer.read_to_eof()
            await framework.in_thread(sender.join, 20)
            peer.close()
        finally:
            await stop()
        assert answer.startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n")
        assert answer.endswith(b"opening handshake too large\n")

    framework.run(main())


def test_keepalive_is_on_by_default():
    from autobahn.twisted import websocket as twisted_websocket

    for module in (asyncio_websocket, twisted_websocket):
        for factory in (
            module.WebSocketServerFactory("ws://127.0.0.1:9000"),
            module.WebSocketClientFactory("ws://127.0.0.1:9000"),
        ):
            assert factory.autoPingInterval == 20.0 and factory.autoPingTimeout == 20.0
            assert factory.maxFramePayloadSize == factory.maxMessagePayloadSize == 16 * 1024 * 1024
