"""A WebSocket echo server and a client on Twisted, in one process (``pip install "autobahn[twisted]"``).

    python examples/websocket/echo_twisted.py [PORT]

The server echoes every message; the client sends one text and one binary message, prints
the echoes and closes. PORT 0 (the default) lets the system choose a free port.
"""

import sys

from twisted.internet import defer, task

from autobahn.twisted.websocket import (
    WebSocketClientFactory,
    WebSocketClientProtocol,
    WebSocketServerFactory,
    WebSocketServerProtocol,
    connectWS,
    listenWS,
)


class EchoServer(WebSocketServerProtocol):
    def onMessage(self, payload, isBinary):
        self.sendMessage(payload, isBinary)


class EchoClient(WebSocketClientProtocol):
    def onOpen(self):
        self.echoes = []
        self.sendMessage(b"Hello, world!")
        self.sendMessage(b"\x00\x01\x02\x03", isBinary=True)

    def onMessage(self, payload, isBinary):
        print("echo:", payload if isBinary else payload.decode())
        self.echoes.append(payload)
        if len(self.echoes) == 2:
            self.sendClose(1000)

    def onClose(self, wasClean, code, reason):
        self.factory.closed.callback((wasClean, code))


@defer.inlineCallbacks
def main(reactor, port="0"):
    server_factory = WebSocketServerFactory(f"ws://127.0.0.1:{port}")
    server_factory.protocol = EchoServer
    listener = listenWS(server_factory, interface="127.0.0.1")
    port = listener.getHost().port

    client_factory = WebSocketClientFactory(f"ws://127.0.0.1:{port}")
    client_factory.protocol = EchoClient
    client_factory.closed = defer.Deferred().addTimeout(10, reactor)
    connectWS(client_factory)
    was_clean, code = yield client_factory.closed
    print(f"closed: clean={was_clean} code={code}")
    yield listener.stopListening()
    if not was_clean:
        raise SystemExit(1)


if __name__ == "__main__":
    task.react(main, sys.argv[1:])
