"""Twisted integration: ``autobahn.twisted.websocket`` has autobahn's WebSocket classes,
``autobahn.twisted.wamp`` the WAMP session and runner, ``autobahn.twisted.component`` WAMP
components, ``autobahn.twisted.resource`` the ``twisted.web`` resources (install
``autobahn[twisted]``).

The package re-exports the names autobahn's does at import time (Crossbar.io imports
``install_reactor`` from here)."""

# Every autobahn.twisted module imports this package first: one check here turns a bare
# "No module named 'twisted'" into an error that names the fix.
try:
    import twisted  # noqa: F401
    import zope.interface  # noqa: F401
except ModuleNotFoundError as exc:
    raise ModuleNotFoundError(
        f'autobahn.twisted needs Twisted ({exc}): pip install "autobahn[twisted]"', name=exc.name
    ) from None

from autobahn.twisted.choosereactor import install_reactor  # noqa: E402
from autobahn.twisted.util import sleep  # noqa: E402
from autobahn.twisted.wamp import ApplicationSession  # noqa: E402
from autobahn.twisted.websocket import (  # noqa: E402
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
