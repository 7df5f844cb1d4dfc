"""Twisted integration: ``autobahn.twisted.websocket`` has autobahn's WebSocket classes,
``autobahn.twisted.wamp`` the WAMP session and runner, ``autobahn.twisted.resource`` the
``twisted.web`` resources (install ``autobahn[twisted]``).

The package re-exports the names autobahn's does at import time (Crossbar.io imports
``install_reactor`` from here)."""

from autobahn.twisted.choosereactor import install_reactor
from autobahn.twisted.util import sleep
from autobahn.twisted.wamp import ApplicationSession
from autobahn.twisted.websocket import (
    WebSocketClientFactory,
    WebSocketClientProtocol,
    WebSocketServerFactory,
    WebSocketServerProtocol,
    WrappingWebSocketClientFactory,
    WrappingWebSocketServerFactory,
)

__all__ = (
    "ApplicationSession",
    "WebSocketClientFactory",
    "WebSocketClientProtocol",
    "WebSocketServerFactory",
    "WebSocketServerProtocol",
    "WrappingWebSocketClientFactory",
    "WrappingWebSocketServerFactory",
    "install_reactor",
    "sleep",
)
