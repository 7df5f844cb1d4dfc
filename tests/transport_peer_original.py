"""The other end of tests/test_transport_details.py's interoperability test: the ORIGINAL autobahn 26.10.2.

Run with the Crossbar venv's Python (which has autobahn 26.10.2, never ours), on asyncio, over TLS:

- ``server FRAMING CERT KEY TRUSTED``: listens on 127.0.0.1, prints the port, and once a session opens
  prints ``{"channel_id": hex, "peer_cn": ...}`` as autobahn's transport details give them, then exits;
- ``client FRAMING PORT TRUSTED CERT KEY``: connects (with that client certificate) and prints the same.

FRAMING is ``websocket`` or ``rawsocket``; the peer's WAMP session is a stand-in that only reports.
"""

import asyncio
import json
import ssl
import sys

from autobahn.asyncio import rawsocket, websocket
from autobahn.wamp.serializer import JsonSerializer


def main() -> None:
    role, framing = sys.argv[1], sys.argv[2]
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    reported = loop.create_future()

    class Reporter:
        def onOpen(self, transport):
            details = transport.transport_details
            cert = details.peer_cert or {}
            report = {
                "channel_id": details.channel_id["tls-unique"].hex(),
                "peer_cn": cert.get("subject", {}).get("cn"),
            }
            if not reported.done():
                reported.set_result(report)

        def onMessage(self, msg):
            pass

        def onClose(self, wasClean):
            pass

    if role == "server":
        cert, key, trusted = sys.argv[3:6]
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        ctx.verify_mode = ssl.CERT_OPTIONAL
        ctx.load_verify_locations(trusted)
        if framing == "websocket":
            factory = websocket.WampWebSocketServerFactory(Reporter, serializers=[JsonSerializer()])
        else:
            factory = rawsocket.WampRawSocketServerFactory(Reporter, serializers=[JsonSerializer()])
        server = loop.run_until_complete(loop.create_server(factory, "127.0.0.1", 0, ssl=ctx))
        print(server.sockets[0].getsockname()[1], flush=True)
    else:
        port, trusted, cert, key = sys.argv[3:7]
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.load_verify_locations(trusted)
        ctx.load_cert_chain(cert, key)
        if framing == "websocket":
            factory = websocket.WampWebSocketClientFactory(
                Reporter, url=f"wss://localhost:{port}/ws", serializers=[JsonSerializer()]
            )
        else:
            factory = rawsocket.WampRawSocketClientFactory(Reporter, serializer=JsonSerializer())
        loop.run_until_complete(
            loop.create_connection(factory, "127.0.0.1", int(port), ssl=ctx, server_hostname="localhost")
        )
    print(json.dumps(loop.run_until_complete(asyncio.wait_for(reported, 30))), flush=True)


if __name__ == "__main__":
    main()
