"""The other side of the mixed-session tests: a component on the ORIGINAL autobahn 26.10.2.

Run with the Crossbar venv's Python (which has autobahn 26.10.2, never ours):
``python wamp_peer.py URL REALM SERIALIZER [AUTHMETHOD AUTHID SECRET]`` (SECRET: the ticket, WAMP-CRA secret,
SCRAM password or cryptosign private key, given to the original's authenticator). It prints ``READY`` once it
has registered and subscribed, then serves until ``peer.stop`` is called:

- ``peer.add2(a, b)``, ``peer.countdown(n)`` (progressive results), ``peer.fail()`` (ApplicationError
  ``peer.error.failed``), ``peer.echo(*args, **kwargs)`` -> ``{"args": ..., "kwargs": ...}``;
- ``peer.call_ours(procedure, *args)``: calls back into our session and returns what it got;
- events on ``ours.event`` are published again on ``peer.event`` with the same payload.
"""

import asyncio
import sys

from autobahn.asyncio.wamp import ApplicationRunner, ApplicationSession
from autobahn.wamp import auth, serializer
from autobahn.wamp.exception import ApplicationError
from autobahn.wamp.types import PublishOptions, RegisterOptions

SERIALIZERS = {
    "json": serializer.JsonSerializer,
    "msgpack": serializer.MsgPackSerializer,
    "cbor": serializer.CBORSerializer,
    "ubjson": serializer.UBJSONSerializer,
}


def main() -> None:
    url, realm, ser = sys.argv[1:4]
    authmethod, authid, secret = (sys.argv[4:7] + [None, None, None])[:3]

    authenticator = None
    if authmethod:
        secret_name = {"ticket": "ticket", "wampcra": "secret", "scram": "password", "cryptosign": "privkey"}[
            authmethod
        ]
        authenticator = auth.create_authenticator(authmethod, authid=authid, **{secret_name: secret})

    class Peer(ApplicationSession):
        def onConnect(self):
            if authenticator:
                self.join(realm, [authmethod], authid, authextra=authenticator.authextra)
            else:
                self.join(realm)

        def onChallenge(self, challenge):
            return authenticator.on_challenge(self, challenge)

        def onWelcome(self, welcome):
            return authenticator.on_welcome(self, welcome.authextra) if authenticator else None

        async def onJoin(self, details):
            async def countdown(n, details=None):
                for i in range(n, 0, -1):
                    details.progress(i)
                    await asyncio.sleep(0)
                return "liftoff"

            def fail():
                raise ApplicationError("peer.error.failed", "as asked", why="test")

            async def call_ours(procedure, *args):
                return await self.call(procedure, *args)

            def on_event(*args, **kwargs):
                self.publish("peer.event", *args, **kwargs)

            await self.register(lambda a, b: a + b, "peer.add2")
            await self.register(countdown, "peer.countdown", RegisterOptions(details_arg="details"))
            await self.register(fail, "peer.fail")
            await self.register(lambda *a, **kw: {"args": list(a), "kwargs": kw}, "peer.echo")
            await self.register(call_ours, "peer.call_ours")
            # leave after answering, so that the call to peer.stop gets its result
            await self.register(lambda: asyncio.get_event_loop().call_later(0.1, self.leave) and None, "peer.stop")
            await self.subscribe(on_event, "ours.event")
            self.publish("peer.ready", options=PublishOptions(acknowledge=False))
            print("READY", flush=True)

        def onDisconnect(self):
            asyncio.get_event_loop().stop()

    ApplicationRunner(url, realm, serializers=[SERIALIZERS[ser]()]).run(Peer)


if __name__ == "__main__":
    main()
