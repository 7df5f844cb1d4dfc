"""The Twisted client of tests/test_transport_details.py's cryptosign test, in a process of its own (txaio,
and with it the cryptosign signing code, serves one framework per process):
``python transport_twisted_cryptosign.py FRAMING PORT TRUSTED_CERT SEED_HEX``. Joins with WAMP-cryptosign
bound to the TLS channel (``channel_binding="tls-unique"``) and prints ``joined METHOD`` or ``left REASON``."""

import sys

import txaio

txaio.use_twisted()

from twisted.internet import defer, endpoints, ssl, task  # noqa: E402

from autobahn.twisted.rawsocket import WampRawSocketClientFactory  # noqa: E402
from autobahn.twisted.wamp import Session  # noqa: E402
from autobahn.twisted.websocket import WampWebSocketClientFactory  # noqa: E402
from autobahn.wamp import auth  # noqa: E402
from autobahn.wamp.serializer import JsonSerializer  # noqa: E402
from autobahn.wamp.types import ComponentConfig  # noqa: E402


@defer.inlineCallbacks
def main(reactor, framing, port, trusted, seed_hex):
    session = Session(ComponentConfig("realm1"))
    session.add_authenticator(
        auth.create_authenticator(
            "cryptosign", authid="alice", privkey=seed_hex, authextra={"channel_binding": "tls-unique"}
        )
    )
    outcome = defer.Deferred()
    session.on("join", lambda s, details: outcome.called or outcome.callback(("joined", details.authmethod)))
    session.on("leave", lambda s, details: outcome.called or outcome.callback(("left", details.reason)))
    if framing == "websocket":
        factory = WampWebSocketClientFactory(
            lambda: session, url=f"wss://localhost:{port}/ws", serializers=[JsonSerializer()]
        )
    else:
        factory = WampRawSocketClientFactory(lambda: session, serializer=JsonSerializer())
    with open(trusted) as f:
        trust = ssl.Certificate.loadPEM(f.read())
    tcp = endpoints.TCP4ClientEndpoint(reactor, "127.0.0.1", int(port))
    yield endpoints.wrapClientTLS(ssl.optionsForClientTLS("localhost", trustRoot=trust), tcp).connect(factory)
    result = yield outcome
    print(" ".join(result), flush=True)
    if result[0] == "joined":
        yield session.leave()


if __name__ == "__main__":
    task.react(main, sys.argv[1:5])
