"""What a hostile RawSocket peer can make us hold: a 16 MiB ping must not cost 16 MiB several times.

The sans-IO core streams a ping's payload into its pong as it arrives (autobahn.rawsocket.sansio),
so pings cost one read's worth of memory; a message is held once while it arrives. Measured with
tracemalloc's peak over a bounded sequence of frames, in the core alone and through the asyncio
and Twisted adapters against a router in another process (so its own buffers are not counted)
that sends three pings of 16 MiB - 1, is slow to read the pongs, and checks every one of them.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap

import pytest
from frameworks import LOOP, run, wait

from autobahn.rawsocket import sansio

tracemalloc = pytest.importorskip("tracemalloc", reason="this interpreter has no tracemalloc (PyPy)")

BIG = sansio.MAX_LENGTH - 1  # the longest frame the 24-bit length allows
MiB = 2**20
READ = 256 * 1024  # what one read from a socket gives at most (asyncio's default)


def _peak(work) -> int:
    """Peak traced memory (bytes) while ``work()`` runs, above what was allocated before."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before, _ = tracemalloc.get_traced_memory()
        work()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    print("PEAK", (peak - before) / 2**20)
    return peak - before


def _client():
    client = sansio.ClientConnection(1)
    client.receive_data(bytes((sansio.MAGIC, 0xF1, 0, 0)))  # the server's handshake: JSON, 16 MiB
    assert client.handshake_done
    return client


def test_pings_are_answered_without_being_held():
    client = _client()
    payload = os.urandom(BIG)
    frame = memoryview(sansio.frame_header(sansio.FRAME_PING, BIG) + payload)
    expected = hashlib.sha256(sansio.frame_header(sansio.FRAME_PONG, BIG) + payload).digest()
    digests = []

    def three_pings():
        for _ in range(3):
            pong = hashlib.sha256()
            for i in range(0, len(frame), READ):
                assert client.receive_data(frame[i : i + READ]) == []
                pong.update(client.data_to_send())  # the adapter writes it out at once
            digests.append(pong.digest())

    peak = _peak(three_pings)
    assert digests == [expected] * 3
    assert peak < 2 * READ + 64 * 1024, f"{peak / MiB:.1f} MiB for three pings of 16 MiB"


def test_our_frames_wait_behind_a_pong_being_streamed():
    client = _client()
    frame = sansio.frame_header(sansio.FRAME_PING, 6) + b"abcdef"
    client.receive_data(frame[:7])
    assert client.send_message(b"hi") == b""  # the pong is half sent: our message waits
    assert client.data_to_send() == sansio.frame_header(sansio.FRAME_PONG, 6) + b"abc"
    client.receive_data(frame[7:])
    assert client.data_to_send() == b"def" + sansio.frame_header(sansio.FRAME_MESSAGE, 2) + b"hi"
    assert client.send_message(b"now") == sansio.frame_header(sansio.FRAME_MESSAGE, 3) + b"now"


def test_a_message_is_held_once_while_it_arrives():
    client = _client()
    frame = memoryview(sansio.frame_header(sansio.FRAME_MESSAGE, BIG) + bytes(BIG))
    received = []

    def one_message():
        for i in range(0, len(frame), READ):
            for event in client.receive_data(frame[i : i + READ]):
                received.append(len(event.payload))

    peak = _peak(one_message)
    assert received == [BIG]
    # the growing buffer, then the message's bytes made from it (and kept here)
    assert peak < 2 * BIG + 4 * MiB, f"{peak / MiB:.1f} MiB for a message of 16 MiB"


ROUTER = textwrap.dedent(
    """
    import hashlib, os, socket, sys, threading, time
    BIG = 2**24 - 1
    listener = socket.create_server(("127.0.0.1", 0))
    print(listener.getsockname()[1], flush=True)
    listener.settimeout(60)
    conn, _ = listener.accept()
    conn.settimeout(60)

    def read(n):
        chunks = []
        while n:
            chunk = conn.recv(min(n, 1 << 20))
            if not chunk:
                raise SystemExit("connection closed early")
            chunks.append(chunk)
            n -= len(chunk)
        return b"".join(chunks)

    hello = read(4)
    conn.sendall(bytes((0x7F, 0xF0 | (hello[1] & 0x0F), 0, 0)))
    payloads = [os.urandom(BIG) for _ in range(3)]

    def send_pings():
        for p in payloads:
            conn.sendall(bytes((1,)) + BIG.to_bytes(3, "big") + p)

    sender = threading.Thread(target=send_pings)
    sender.start()
    time.sleep(0.5)  # hostile: it takes its time to read the pongs (a client without backpressure piles them up)
    for p in payloads:
        head = read(4)
        assert head == bytes((2,)) + BIG.to_bytes(3, "big"), head
        assert hashlib.sha256(read(BIG)).digest() == hashlib.sha256(p).digest()
    sender.join()
    print("OK", flush=True)
    conn.close()
    """
)


class Silent:
    """A stand-in WAMP session that does nothing (the router never completes a WAMP session)."""

    def onOpen(self, transport):
        pass

    def onMessage(self, msg):
        pass

    def onClose(self, wasClean):
        pass


@pytest.mark.parametrize("framework", ["asyncio", "twisted"])
def test_three_big_pings_through_the_adapter(framework):
    from autobahn.wamp.serializer import JsonSerializer

    if framework == "asyncio":
        from autobahn.asyncio.rawsocket import WampRawSocketClientFactory
    else:
        from twisted.internet import defer, endpoints, reactor

        from autobahn.twisted.rawsocket import WampRawSocketClientFactory
    factory = WampRawSocketClientFactory(Silent, serializer=JsonSerializer())  # made (and imported) before measuring
    router = subprocess.Popen([sys.executable, "-c", ROUTER], stdout=subprocess.PIPE, text=True)
    try:
        port = int(router.stdout.readline())

        async def connect_and_wait_for_close():
            if framework == "asyncio":
                _, proto = await LOOP.create_connection(factory, "127.0.0.1", port)
                await wait(proto.is_closed, 120)
                return
            proto = await wait(endpoints.TCP4ClientEndpoint(reactor, "127.0.0.1", port).connect(factory))
            closed = defer.Deferred()
            lost = proto.connectionLost
            proto.connectionLost = lambda reason: (lost(reason), closed.callback(None))
            await wait(closed, 120)

        peak = _peak(lambda: run(connect_and_wait_for_close()))
        assert router.stdout.readline().strip() == "OK"
    finally:
        router.kill()
        router.wait()
        router.stdout.close()
    # the pongs are never held whole, and reading pauses while the router does not take them
    assert peak < 4 * MiB, f"{peak / MiB:.1f} MiB for three pings of 16 MiB on {framework}"
