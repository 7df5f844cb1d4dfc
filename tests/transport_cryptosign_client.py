"""The client of tests/test_transport_details.py's cryptosign test, in a process of its own as a program would
run it (txaio, and with it the cryptosign signing code, serves the framework chosen first in a process):
``python transport_cryptosign_client.py FRAMEWORK FRAMING PORT TRUSTED_CERT SEED_HEX``. Joins with
WAMP-cryptosign bound to the TLS channel (``channel_binding="tls-unique"``) and prints ``joined METHOD`` or
``left REASON``."""

import sys

import txaio

FRAMEWORK, FRAMING, PORT, TRUSTED, SEED_HEX = sys.argv[1:6]
getattr(txaio, f"use_{FRAMEWORK}")()

from autobahn.wamp import auth  # noqa: E402
from autobahn.wamp.serializer import JsonSerializer  # noqa: E402
from autobahn.wamp.types import ComponentConfig  # noqa: E402


def make_session(Session, on_outcome):
    session = Session(ComponentConfig("realm1"))
    session.add_authenticator(
        auth.create_authenticator(
            "cryptosign", authid="alice", privkey=SEED_HEX, authextra={"channel_binding": "tls-unique"}
        )
    )
    session.on("join", lambda s, details: on_outcome(("joined", details.authmethod)))
    session.on("leave", lambda s, details: on_outcome(("left", details.reason)))
    return session


def run_asyncio():
    import asyncio
    import ssl

    from autobahn.asyncio.rawsocket import WampRawSocketClientFactory
    from autobahn.asyncio.wamp import Session
    from autobahn.asyncio.websocket import WampWebSocketClientFactory

    async def main():
        outcome = asyncio.get_running_loop().create_future()
        session = make_session(Session, lambda result: outcome.done() or outcome.set_result(result))
        if FRAMING == "websocket":
            factory = WampWebSocketClientFactory(
                lambda: session, url=f"wss://localhost:{PORT}/ws", serializers=[JsonSerializer()]
            )
        else:
            factory = WampRawSocketClientFactory(lambda: session, serializer=JsonSerializer())
        context = ssl.create_default_context(cafile=TRUSTED)
        await asyncio.get_running_loop().create_connection(
            factory, "127.0.0.1", int(PORT), ssl=context, server_hostname="localhost"
        )
        result = await asyncio.wait_for(outcome, 30)
        print(" ".join(result), flush=True)
        if result[0] == "joined":
            await session.leave()

    asyncio.run(main())


def run_twisted():
    from twisted.internet import defer, endpoints, ssl, task

    from autobahn.twisted.rawsocket import WampRawSocketClientFactory
    from autobahn.twisted.wamp import Session
    from autobahn.twisted.websocket import WampWebSocketClientFactory

    @defer.inlineCallbacks
    def main(reactor):
        outcome = defer.Deferred()
        session = make_session(Session, lambda result: outcome.called or outcome.callback(result))
        if FRAMING == "websocket":
            factory = WampWebSocketClientFactory(
                lambda: session, url=f"wss://localhost:{PORT}/ws", serializers=[JsonSerializer()]
            )
        else:
            factory = WampRawSocketClientFactory(lambda: session, serializer=JsonSerializer())
        with open(TRUSTED) as f:
            trust = ssl.Certificate.loadPEM(f.read())
        tcp = endpoints.TCP4ClientEndpoint(reactor, "127.0.0.1", int(PORT))
        yield endpoints.wrapClientTLS(ssl.optionsForClientTLS("localhost", trustRoot=trust), tcp).connect(factory)
        result = yield outcome.addTimeout(30, reactor)
        print(" ".join(result), flush=True)
        if result[0] == "joined":
            yield session.leave()

    task.react(main)


if __name__ == "__main__":
    run_asyncio() if FRAMEWORK == "asyncio" else run_twisted()
