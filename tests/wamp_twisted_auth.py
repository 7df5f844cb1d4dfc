"""Twisted's WAMP session authenticating against the test router, run as its own process (txaio
serves one framework per process) on Twisted's default reactor:
``python wamp_twisted_auth.py METHOD TRANSPORT AUTH_WS_URL AUTH_RS_PORT REALM``.

autobahn.twisted.wamp.Session with autobahn.wamp.auth's authenticator for METHOD (cryptosign, scram,
ticket, wampcra) over the router's authenticated WebSocket or RawSocket transport; prints the
authmethod and authrole the router welcomed it with, then ``OK``."""

import sys

import txaio

txaio.use_twisted()

from twisted.internet import defer, reactor  # noqa: E402
from twisted.internet.endpoints import TCP4ClientEndpoint  # noqa: E402

from autobahn import _crossbar  # noqa: E402
from autobahn.twisted.rawsocket import WampRawSocketClientFactory  # noqa: E402
from autobahn.twisted.wamp import Session  # noqa: E402
from autobahn.twisted.websocket import WampWebSocketClientFactory  # noqa: E402
from autobahn.wamp import auth  # noqa: E402
from autobahn.wamp.serializer import JsonSerializer  # noqa: E402
from autobahn.wamp.types import ComponentConfig  # noqa: E402

CREDENTIALS = {
    "cryptosign": {"authid": _crossbar.CRYPTOSIGN["authid"], "privkey": _crossbar.CRYPTOSIGN["seed_hex"]},
    "scram": {"authid": _crossbar.SCRAM["authid"], "password": _crossbar.SCRAM["password"]},
    "ticket": {"authid": _crossbar.TICKET["authid"], "ticket": _crossbar.TICKET["ticket"]},
    "wampcra": {"authid": _crossbar.WAMPCRA["authid"], "secret": _crossbar.WAMPCRA["secret"]},
}


@defer.inlineCallbacks
def main(method, transport, ws_url, rs_port, realm):
    joined, left, sessions = defer.Deferred(), defer.Deferred(), []

    class Authenticating(Session):
        def on_join(self, details):
            joined.callback(details)

        def on_leave(self, details):
            if not joined.called:
                joined.errback(RuntimeError(f"left before joining: {details.reason} {details.message}"))
            left.callback(None)
            self.disconnect()

    def make():
        session = Authenticating(ComponentConfig(realm))
        session.add_authenticator(auth.create_authenticator(method, **CREDENTIALS[method]))
        sessions.append(session)
        return session

    if transport == "websocket":
        factory = WampWebSocketClientFactory(make, url=ws_url, serializers=[JsonSerializer()])
        endpoint = TCP4ClientEndpoint(reactor, factory.host, factory.port)
    else:
        factory = WampRawSocketClientFactory(make, serializer=JsonSerializer())
        endpoint = TCP4ClientEndpoint(reactor, "127.0.0.1", int(rs_port))
    yield endpoint.connect(factory)
    details = yield joined.addTimeout(10, reactor)
    print(details.authmethod, details.authrole, flush=True)
    sessions[0].leave()
    yield left.addTimeout(5, reactor)
    print("OK", flush=True)


if __name__ == "__main__":
    from twisted.internet import task

    task.react(lambda _reactor, *args: main(*args), sys.argv[1:6])
