"""asyncio integration: ``autobahn.asyncio.websocket`` has autobahn's WebSocket classes,
``autobahn.asyncio.wamp`` its WAMP ones, ``autobahn.asyncio.util`` the helpers.

The names autobahn re-exports here (``ApplicationSession``, the WebSocket factories and
protocols, ``USES_NVX``) import on first use, so importing a submodule stays cheap.
"""

import platform as _platform

from autobahn import _framework_glue
from autobahn._version import __version__ as _version

_LAZY = {
    "ApplicationSession": "autobahn.asyncio.wamp",
    "WebSocketClientFactory": "autobahn.asyncio.websocket",
    "WebSocketClientProtocol": "autobahn.asyncio.websocket",
    "WebSocketServerFactory": "autobahn.asyncio.websocket",
    "WebSocketServerProtocol": "autobahn.asyncio.websocket",
    "USES_NVX": "autobahn.websocket",
}

__ident__ = f"Autobahn/{_version}-asyncio-{_platform.python_implementation()}/{_platform.python_version()}"
"""Library, framework and interpreter, as autobahn identifies its asyncio backend."""


__getattr__, __dir__ = _framework_glue.lazy_package_names(__name__, _LAZY)


__all__ = (
    "ApplicationSession",
    "WebSocketClientFactory",
    "WebSocketClientProtocol",
    "WebSocketServerFactory",
    "WebSocketServerProtocol",
)
