"""A WAMP procedure registered and called through a router, on Twisted (``pip install "autobahn[twisted]"``).

    python examples/wamp/call_twisted.py [URL] [REALM]

URL defaults to ws://127.0.0.1:8080/ws and REALM to realm1: what a Crossbar.io node made by
``crossbar init`` serves (see examples/README.md). The component registers
``com.example.add2``, calls it, prints the result and leaves; the exit status is 1 when it
cannot connect or the call fails.
"""

import sys

from twisted.internet.defer import inlineCallbacks

from autobahn.twisted.component import Component, run

url = sys.argv[1] if len(sys.argv) > 1 else "ws://127.0.0.1:8080/ws"
realm = sys.argv[2] if len(sys.argv) > 2 else "realm1"
component = Component(transports=[{"url": url, "max_retries": 0}], realm=realm)


@component.register("com.example.add2")
def add2(x, y):
    return x + y


@component.on_join
@inlineCallbacks
def joined(session, details):
    result = yield session.call("com.example.add2", 2, 3)
    print(f"com.example.add2(2, 3) = {result}")
    yield session.leave()


if __name__ == "__main__":
    run([component])
