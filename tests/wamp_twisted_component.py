"""The Twisted half of tests/test_wamp_component.py (its own process: txaio serves one framework per
process): ``python wamp_twisted_component.py WS_URL RS_PORT REALM``. A backend Component on RawSocket
registers a procedure; a frontend Component on WebSocket calls it from ``main``; prints ``OK``."""

import sys

import txaio

txaio.use_twisted()

from twisted.internet import defer, task  # noqa: E402

from autobahn.twisted.component import Component  # noqa: E402


def main(reactor, ws_url, rs_port, realm):
    backend = Component(
        transports=[{"type": "rawsocket", "url": f"rs://127.0.0.1:{rs_port}", "serializer": "cbor"}], realm=realm
    )
    registered = defer.Deferred()

    @backend.register("twcomp.mul")
    def mul(a, b):
        return a * b

    backend.on_ready(lambda session: registered.callback(None))
    results = []

    @defer.inlineCallbacks
    def frontend_main(reactor_, session):
        yield registered
        results.append((yield session.call("twcomp.mul", 6, 7)))

    frontend = Component(main=frontend_main, transports=[{"url": ws_url, "serializers": ["json"]}], realm=realm)

    @defer.inlineCallbacks
    def run_both():
        backend_done = backend.start(reactor)
        yield frontend.start(reactor)
        yield backend.stop()
        yield backend_done
        if results != [42]:
            raise AssertionError(f"results: {results}")
        print("OK", flush=True)

    return run_both()


if __name__ == "__main__":
    task.react(main, sys.argv[1:4])
