"""One measurement of ``python -m autobahn.benchmark.wamp``, run as a script by path so that it works
under our package and under autobahn 26.10.2 alike (it imports nothing of autobahn.benchmark).

``python _wamp_worker.py URL REALM SERIALIZER WORKLOAD SIZE DURATION``: a callee/subscriber session
and a caller/publisher session of the installed autobahn, both asyncio, on one event loop; prints
one JSON line ``{"ops": ..., "seconds": ..., "cpu": ...}``, ``cpu`` being this process's CPU seconds
(both sessions' work: what the client library costs, without the router's share). ``rpc``: calls
one at a time (each waits for its result) for DURATION seconds. ``events``: publishes without
acknowledgement, at most WINDOW events in flight (counted back by the subscriber), for DURATION
seconds. A URL ``rs://HOST:PORT`` joins over RawSocket instead of WebSocket.
"""

import asyncio
import json
import sys
import time

from autobahn.asyncio.rawsocket import WampRawSocketClientFactory
from autobahn.asyncio.wamp import ApplicationSession
from autobahn.asyncio.websocket import WampWebSocketClientFactory
from autobahn.wamp import serializer as wamp_serializer
from autobahn.wamp.types import ComponentConfig

SERIALIZERS = {
    "json": "JsonSerializer",
    "msgpack": "MsgPackSerializer",
    "cbor": "CBORSerializer",
    "ubjson": "UBJSONSerializer",
}
WINDOW = 64


class Session(ApplicationSession):
    def onJoin(self, details):
        self.config.extra["joined"].set_result(self)


async def join(url, realm, ser):
    loop = asyncio.get_running_loop()
    joined = loop.create_future()

    def make_session():
        return Session(ComponentConfig(realm, {"joined": joined}))

    if url.startswith("rs://"):
        host, port = url[len("rs://") :].rsplit(":", 1)
        factory = WampRawSocketClientFactory(make_session, serializer=ser)
        await loop.create_connection(factory, host, int(port))
    else:
        factory = WampWebSocketClientFactory(make_session, url=url, serializers=[ser])
        factory.setProtocolOptions(maxFramePayloadSize=16 * 2**20, maxMessagePayloadSize=16 * 2**20)
        await loop.create_connection(factory, factory.host, factory.port)
    return await asyncio.wait_for(joined, 20)


async def main(url, realm, ser_name, workload, size, duration):
    ser = getattr(wamp_serializer, SERIALIZERS[ser_name])
    server = await join(url, realm, ser())
    client = await join(url, realm, ser())
    arg = bytes(range(256)) * (size // 256) + bytes(size % 256) if size > 8 else 7
    if workload == "rpc":
        await server.register(lambda x: x, "bench.echo")
        for _ in range(50):  # warm up
            await client.call("bench.echo", arg)
        count, start, cpu = 0, time.perf_counter(), time.process_time()
        deadline = start + duration
        while time.perf_counter() < deadline:
            await client.call("bench.echo", arg)
            count += 1
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    else:
        received = [0]
        room = asyncio.Event()

        def on_event(x):
            received[0] += 1
            room.set()

        await server.subscribe(on_event, "bench.topic")
        await asyncio.sleep(0.2)
        sent, start, cpu = 0, time.perf_counter(), time.process_time()
        deadline = start + duration
        while time.perf_counter() < deadline:
            while sent - received[0] >= WINDOW:
                room.clear()
                await asyncio.wait_for(room.wait(), 10)
            client.publish("bench.topic", arg)
            sent += 1
            await asyncio.sleep(0)
        while received[0] < sent:  # drain what is in flight
            room.clear()
            await asyncio.wait_for(room.wait(), 10)
        count, elapsed, cpu = received[0], time.perf_counter() - start, time.process_time() - cpu
    print(json.dumps({"ops": count, "seconds": elapsed, "cpu": cpu}), flush=True)
    for session in (client, server):
        session.leave()
    await asyncio.sleep(0.2)


if __name__ == "__main__":
    url, realm, ser_name, workload, size, duration = sys.argv[1:7]
    asyncio.run(main(url, realm, ser_name, workload, int(size), float(duration)))
