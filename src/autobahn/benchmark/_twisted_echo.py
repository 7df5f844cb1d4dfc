"""The Twisted echo server of ``python -m autobahn.benchmark.echo --twisted``.

Run as a script (by path), not as part of the package, so that it measures whichever autobahn
the interpreter imports: ours, or autobahn 26.10.2 from its own folder first on PYTHONPATH. It
uses only autobahn's public Twisted API, which both provide, and Twisted's default reactor.

    python _twisted_echo.py PORT DEFLATE

serves on 127.0.0.1:PORT, accepting a permessage-deflate offer when DEFLATE is ``1``.
"""

from __future__ import annotations

import sys
from typing import Any

# The largest frame and message echoed (echo.py's MAX_SIZE, the same for every server).
MAX_SIZE = 64 * 1024 * 1024


def serve(port: int, deflate: bool) -> None:
    from twisted.internet import reactor

    from autobahn.twisted.websocket import WebSocketServerFactory, WebSocketServerProtocol
    from autobahn.websocket.compress import PerMessageDeflateOffer, PerMessageDeflateOfferAccept

    class Echo(WebSocketServerProtocol):
        def onMessage(self, payload: bytes, isBinary: bool) -> None:
            self.sendMessage(payload, isBinary)

    def accept_deflate(offers: list[Any]) -> Any:
        return next((PerMessageDeflateOfferAccept(o) for o in offers if isinstance(o, PerMessageDeflateOffer)), None)

    factory = WebSocketServerFactory(f"ws://127.0.0.1:{port}")
    factory.protocol = Echo
    factory.setProtocolOptions(maxFramePayloadSize=MAX_SIZE, maxMessagePayloadSize=MAX_SIZE)
    if deflate:
        factory.setProtocolOptions(perMessageCompressionAccept=accept_deflate)
    reactor.listenTCP(port, factory, interface="127.0.0.1")
    reactor.run()


if __name__ == "__main__":
    serve(int(sys.argv[1]), sys.argv[2] == "1")
