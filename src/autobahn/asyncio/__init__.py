"""asyncio integration: ``autobahn.asyncio.websocket`` has autobahn's WebSocket classes,
``autobahn.asyncio.wamp`` its WAMP ones, ``autobahn.asyncio.util`` the helpers.

The names autobahn re-exports here (``ApplicationSession``, the WebSocket factories and
protocols, ``USES_NVX``) import on first use, so importing a submodule stays cheap.
"""

import platform as _platform
from typing import TYPE_CHECKING

from autobahn import _framework_glue
from autobahn._version import __version__ as _version

__ident__ = f"Autobahn/{_version}-asyncio-{_platform.python_implementation()}/{_platform.python_version()}"
"""Library, framework and interpreter, as autobahn identifies its asyncio backend."""


# What __getattr__ imports on first use, spelled out for type checkers (the package is py.typed;
# `import X as X` marks a re-export).
if TYPE_CHECKING:
    from autobahn.asyncio.wamp import ApplicationSession as ApplicationSession
    from autobahn.asyncio.websocket import (
        WebSocketClientFactory as WebSocketClientFactory,
    )
    from autobahn.asyncio.websocket import (
        WebSocketClientProtocol as WebSocketClientProtocol,
    )
    from autobahn.asyncio.websocket import (
        WebSocketServerFactory as WebSocketServerFactory,
    )
    from autobahn.asyncio.websocket import (
        WebSocketServerProtocol as WebSocketServerProtocol,
    )
    from autobahn.websocket import USES_NVX as USES_NVX
else:
    __getattr__, __dir__ = _framework_glue.lazy_package_names(__name__, {})
__all__ = _framework_glue.PACKAGE_NAMES
