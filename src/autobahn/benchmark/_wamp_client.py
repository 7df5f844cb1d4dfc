"""The measured client of ``python -m autobahn.benchmark.wamp``, run as a script by path so that it
works under our package and under autobahn 26.10.2 alike (the driver puts the original's ``pip
--target`` folder first on ``PYTHONPATH`` for the latter; it imports nothing of autobahn.benchmark
but its sibling script ``_wamp_worker.py``, for joining a session).

``python _wamp_client.py URL REALM SERIALIZER N ROUNDS``: joins one asyncio session (``URL``
``ws://...`` for WebSocket, ``rs://HOST:PORT`` for RawSocket) and, for ``ROUNDS`` rounds, measures
this process's CPU time (``time.process_time``) over ``N`` operations of each workload:

- ``call``: ``N`` sequential calls of the peer's ``bench.echo`` (one in flight);
- ``event``: ``N`` events received (the peer publishes them when asked by one call of ``bench.flood``);
- ``publish``: ``N`` sequential publications with ``acknowledge=True`` (one in flight).

Prints one JSON line per workload and round: ``{"workload", "round", "cpu", "user", "system", "ops",
"seconds"}`` (``user``/``system``: the same CPU time split by ``os.times``, coarser).
"""

import asyncio
import json
import os
import sys
import time

from _wamp_worker import SERIALIZERS, join  # the sibling script (this one runs by path, too)

from autobahn.wamp import serializer as wamp_serializer
from autobahn.wamp.types import PublishOptions

ARG = "hello"  # a small application payload


async def calls(session, n):
    for _ in range(n):
        await session.call("bench.echo", ARG)


async def publishes(session, n):
    ack = PublishOptions(acknowledge=True)
    for _ in range(n):
        await session.publish("bench.topic", ARG, options=ack)


def events(topic):
    state = {"count": 0, "want": 0, "done": None}

    def on_event(arg):
        state["count"] += 1
        if state["count"] == state["want"]:
            state["done"].set_result(None)

    async def receive(session, n):
        state["count"], state["want"] = 0, n
        state["done"] = asyncio.get_running_loop().create_future()
        await session.call("bench.flood", topic, n, ARG)
        await asyncio.wait_for(state["done"], 120)

    return on_event, receive


async def main(url, realm, ser_name, n, rounds):
    session = await join(url, realm, getattr(wamp_serializer, SERIALIZERS[ser_name])())
    topic = "bench.events"
    on_event, receive = events(topic)
    await session.subscribe(on_event, topic)
    workloads = {"call": calls, "event": receive, "publish": publishes}
    for run in workloads.values():  # warm up
        await run(session, 100)
    for rnd in range(rounds):
        for name, run in workloads.items():
            start, cpu, times = time.perf_counter(), time.process_time(), os.times()
            await run(session, n)
            cpu, elapsed, after = time.process_time() - cpu, time.perf_counter() - start, os.times()
            user, system = after.user - times.user, after.system - times.system
            row = {
                "workload": name,
                "round": rnd,
                "cpu": cpu,
                "user": user,
                "system": system,
                "ops": n,
                "seconds": elapsed,
            }
            print(json.dumps(row), flush=True)
    session.leave()
    await asyncio.sleep(0.1)


if __name__ == "__main__":
    url, realm, ser_name, n, rounds = sys.argv[1:6]
    asyncio.run(main(url, realm, ser_name, int(n), int(rounds)))
