"""A WebSocket echo server and a client on asyncio, in one process.

    python examples/websocket/echo_asyncio.py [PORT]

The server echoes every message; the client sends one text and one binary message, prints
the echoes and closes. PORT 0 (the default) lets the system choose a free port.
"""

import asyncio
import sys

from autobahn.asyncio.websocket import (
    WebSocketClientFactory,
    WebSocketClientProtocol,
    WebSocketServerFactory,
    WebSocketServerProtocol,
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
        self.factory.closed.set_result((wasClean, code))


async def main(port):
    loop = asyncio.get_running_loop()
    server_factory = WebSocketServerFactory()
    server_factory.protocol = EchoServer
    server = await loop.create_server(server_factory, "127.0.0.1", port)
    port = server.sockets[0].getsockname()[1]

    client_factory = WebSocketClientFactory(f"ws://127.0.0.1:{port}")
    client_factory.protocol = EchoClient
    client_factory.closed = loop.create_future()
    await loop.create_connection(client_factory, "127.0.0.1", port)
    was_clean, code = await asyncio.wait_for(client_factory.closed, 10)
    print(f"closed: clean={was_clean} code={code}")
    server.close()
    await server.wait_closed()
    return 0 if was_clean else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 0)))
