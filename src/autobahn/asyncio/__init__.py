"""asyncio integration: ``autobahn.asyncio.websocket`` has autobahn's WebSocket classes,
``autobahn.asyncio.wamp`` its WAMP ones, ``autobahn.asyncio.util`` the helpers.

The names autobahn re-exports here (``ApplicationSession``, the WebSocket factories and
protocols, ``USES_NVX``) import on first use, so importing a submodule stays cheap.
"""

import platform as _platform

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


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'autobahn.asyncio' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__all__ = (
    "ApplicationSession",
    "WebSocketClientFactory",
    "WebSocketClientProtocol",
    "WebSocketServerFactory",
    "WebSocketServerProtocol",
)
