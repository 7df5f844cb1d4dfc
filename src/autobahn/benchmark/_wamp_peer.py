"""The peer of ``python -m autobahn.benchmark.wamp``: one session of autobahn 26.10.2 (run with the
Crossbar venv's Python), MessagePack over RawSocket, that serves the measured client.

``python _wamp_peer.py HOST RS_PORT REALM``: registers ``bench.echo`` (returns its argument) and
``bench.flood`` (``flood(topic, n, arg)`` publishes ``n`` events of ``arg`` to ``topic`` without
acknowledgement, then returns ``n``), prints ``ready`` and serves until its stdin closes. The peer
is the same for both measured implementations, so its cost never enters the comparison.
"""

import asyncio
import sys

from autobahn.asyncio.rawsocket import WampRawSocketClientFactory
from autobahn.asyncio.wamp import ApplicationSession
from autobahn.wamp.serializer import MsgPackSerializer
from autobahn.wamp.types import ComponentConfig


class Peer(ApplicationSession):
    async def onJoin(self, details):
        def flood(topic, n, arg):
            for _ in range(n):
                self.publish(topic, arg)
            return n

        await self.register(lambda x: x, "bench.echo")
        await self.register(flood, "bench.flood")
        self.config.extra["ready"].set_result(None)


async def main(host, port, realm):
    loop = asyncio.get_running_loop()
    ready = loop.create_future()
    factory = WampRawSocketClientFactory(lambda: Peer(ComponentConfig(realm, {"ready": ready})), MsgPackSerializer())
    await loop.create_connection(factory, host, port)
    await asyncio.wait_for(ready, 30)
    print("ready", flush=True)
    await loop.run_in_executor(None, sys.stdin.read)  # until the driver closes our stdin


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), sys.argv[3]))
