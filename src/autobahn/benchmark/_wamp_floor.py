"""The floor of ``python -m autobahn.benchmark.wamp``: the same workloads as ``_wamp_client.py`` by a
client that is no library at all, a few lines of WAMP over RawSocket with MessagePack on asyncio
(no checks, no message objects, no session). What it costs is what asyncio, the kernel and the
codec cost per operation on this machine; no WAMP client on asyncio can cost less, so
``original / floor`` bounds the ratio any client can reach against autobahn 26.10.2.

``python _wamp_floor.py HOST:PORT REALM N ROUNDS``; prints the lines ``_wamp_client.py`` prints.
"""

import asyncio
import json
import sys
import time

import msgpack

ARG = "hello"
HELLO, WELCOME, PUBLISH, PUBLISHED, SUBSCRIBE, SUBSCRIBED, EVENT, CALL, RESULT = 1, 2, 16, 17, 32, 33, 36, 48, 50


class Floor(asyncio.Protocol):
    def __init__(self):
        self.buffer = b""
        self.handshake = False
        self.waiting = {}  # request id -> future
        self.events = 0
        self.events_wanted = 0
        self.events_done = None
        self.next_id = 0
        self.welcome = asyncio.get_running_loop().create_future()

    def connection_made(self, transport):
        self.transport = transport
        transport.write(bytes((0x7F, 0xF2, 0, 0)))  # MessagePack, up to 16 MiB

    def data_received(self, data):
        buffer = self.buffer + data
        if not self.handshake:
            if len(buffer) < 4:
                self.buffer = buffer
                return
            buffer, self.handshake = buffer[4:], True
        pos = 0
        while len(buffer) - pos >= 4:
            end = pos + 4 + int.from_bytes(buffer[pos + 1 : pos + 4], "big")
            if end > len(buffer):
                break
            msg = msgpack.unpackb(buffer[pos + 4 : end])
            pos = end
            if msg[0] == EVENT:
                self.events += 1
                if self.events == self.events_wanted:
                    self.events_done.set_result(None)
            elif msg[0] == WELCOME:
                self.welcome.set_result(msg)
            else:
                self.waiting.pop(msg[1]).set_result(msg)
        self.buffer = buffer[pos:]

    def request(self, msg):
        data = msgpack.packb(msg)
        self.transport.write(len(data).to_bytes(4, "big") + data)
        future = asyncio.get_running_loop().create_future()
        self.waiting[msg[1]] = future
        return future

    def new_id(self):
        self.next_id += 1
        return self.next_id


async def main(address, realm, n, rounds):
    host, port = address.rsplit(":", 1)
    loop = asyncio.get_running_loop()
    _, peer = await loop.create_connection(Floor, host, int(port))
    data = msgpack.packb([HELLO, realm, {"roles": {"caller": {}, "publisher": {}, "subscriber": {}}}])
    peer.transport.write(len(data).to_bytes(4, "big") + data)
    await asyncio.wait_for(peer.welcome, 30)
    topic = "bench.events"
    await peer.request([SUBSCRIBE, peer.new_id(), {}, topic])

    async def calls(count):
        for _ in range(count):
            await peer.request([CALL, peer.new_id(), {}, "bench.echo", [ARG]])

    async def events(count):
        peer.events, peer.events_wanted, peer.events_done = 0, count, loop.create_future()
        await peer.request([CALL, peer.new_id(), {}, "bench.flood", [topic, count, ARG]])
        await asyncio.wait_for(peer.events_done, 120)

    async def publishes(count):
        for _ in range(count):
            await peer.request([PUBLISH, peer.new_id(), {"acknowledge": True}, "bench.topic", [ARG]])

    workloads = {"call": calls, "event": events, "publish": publishes}
    for run in workloads.values():
        await run(100)
    for rnd in range(rounds):
        for name, run in workloads.items():
            start, cpu = time.perf_counter(), time.process_time()
            await run(n)
            cpu, elapsed = time.process_time() - cpu, time.perf_counter() - start
            print(json.dumps({"workload": name, "round": rnd, "cpu": cpu, "ops": n, "seconds": elapsed}), flush=True)
    peer.transport.close()


if __name__ == "__main__":
    address, realm, n, rounds = sys.argv[1:5]
    asyncio.run(main(address, realm, int(n), int(rounds)))
