"""autobahn.twisted.wamp's Application and Service against the test router, in a process of its own
(txaio: one framework per process): ``python wamp_twisted_app.py WS_URL REALM``; prints ``OK``."""

import sys

import txaio

txaio.use_twisted()

from twisted.internet import defer, task  # noqa: E402

from autobahn.twisted.wamp import Application, ApplicationSession, Service  # noqa: E402


def main(reactor, url, realm):
    app = Application("twapp")
    results = []

    @app.register()  # URI from the prefix and the name: twapp.add2
    def add2(a, b):
        return a + b

    service_joined = defer.Deferred()

    @app.signal("onjoined")
    @defer.inlineCallbacks
    def joined():
        results.append((yield app.session.call("twapp.add2", 20, 22)))
        yield service_joined  # keep serving twapp.add2 until the Service has called it
        app.session.leave()

    left = defer.Deferred()
    app.signal("ondisconnect")(lambda: left.callback(None))
    app.run(url, realm, start_reactor=False)

    class ServiceSession(ApplicationSession):
        @defer.inlineCallbacks
        def onJoin(self, details):
            for _ in range(100):  # until the Application has registered it
                try:
                    results.append((yield self.call("twapp.add2", 1, 2)))
                    break
                except Exception:
                    yield task.deferLater(reactor, 0.05, lambda: None)
            service_joined.callback(None)

    service = Service(url, realm, ServiceSession)

    @defer.inlineCallbacks
    def run():
        service.startService()
        yield service_joined
        yield service.stopService()
        yield left
        if results != [3, 42] and results != [42, 3]:
            raise AssertionError(f"results: {results}")
        print("OK", flush=True)

    return run()


if __name__ == "__main__":
    task.react(main, sys.argv[1:3])
