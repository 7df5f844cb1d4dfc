"""The autobahn echo server of ``python -m autobahn.benchmark.echo``, run as a script by path so
that it serves under our package and under autobahn 26.10.2 alike (it imports nothing of
autobahn.benchmark).

``python _autobahn_echo_server.py PORT LOOP TLS_DIR DEFLATE [aiofastnet]``: an asyncio WebSocket echo
server on 127.0.0.1:PORT, on LOOP (asyncio or uvloop); with TLS (``cert.pem``, ``key.pem`` in
TLS_DIR) unless TLS_DIR is ``-``; accepting a permessage-deflate offer when DEFLATE is ``1``. With
``aiofastnet``, the loop is patched with ``aiofastnet.patch_loop`` first, as a program does to move
its connections onto aiofastnet's transports (C socket and TLS I/O, which picows uses by default).
"""

from __future__ import annotations

import asyncio
import ssl
import sys
from pathlib import Path
from typing import Any

# The largest frame and message echoed (echo.py's MAX_SIZE, the same for every server).
MAX_SIZE = 64 * 1024 * 1024


def server_ssl_context(tls_dir: str | None) -> ssl.SSLContext | None:
    """The TLS context of every Python echo server: the run's self-signed certificate, or None."""
    if tls_dir is None:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(Path(tls_dir, "cert.pem"), Path(tls_dir, "key.pem"))
    return context


async def serve(port: int, tls_dir: str | None, deflate: bool, aiofastnet: bool = False) -> None:
    from autobahn.asyncio.websocket import WebSocketServerFactory, WebSocketServerProtocol
    from autobahn.websocket.compress import PerMessageDeflateOffer, PerMessageDeflateOfferAccept

    class Echo(WebSocketServerProtocol):
        def onMessage(self, payload: bytes, isBinary: bool) -> None:
            self.sendMessage(payload, isBinary)

    def accept_deflate(offers: list[Any]) -> Any:
        for offer in offers:
            if isinstance(offer, PerMessageDeflateOffer):
                return PerMessageDeflateOfferAccept(offer)
        return None

    scheme = "ws" if tls_dir is None else "wss"
    factory = WebSocketServerFactory(f"{scheme}://127.0.0.1:{port}")
    factory.protocol = Echo
    factory.setProtocolOptions(maxFramePayloadSize=MAX_SIZE, maxMessagePayloadSize=MAX_SIZE)
    if deflate:
        factory.setProtocolOptions(perMessageCompressionAccept=accept_deflate)
    loop = asyncio.get_running_loop()
    if aiofastnet:
        import aiofastnet as fastnet

        fastnet.patch_loop(loop)
    server = await loop.create_server(factory, "127.0.0.1", port, ssl=server_ssl_context(tls_dir))
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    port, loop_name, tls_dir, deflate = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4] == "1"
    main = serve(port, None if tls_dir == "-" else tls_dir, deflate, sys.argv[5:] == ["aiofastnet"])
    if loop_name == "uvloop":
        import uvloop

        uvloop.run(main)
    else:
        asyncio.run(main)
