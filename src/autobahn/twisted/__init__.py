"""Twisted integration: ``autobahn.twisted.websocket`` has autobahn's WebSocket classes,
``autobahn.twisted.wamp`` its WAMP ones, ``autobahn.twisted.resource`` the ``twisted.web``
resources (install ``autobahn[twisted]``).

The names autobahn re-exports here (``install_reactor``, ``sleep``, ``ApplicationSession``, the
WebSocket factories and protocols, ``USES_NVX``) import on first use: importing this package
neither loads WAMP nor installs a reactor, so ``from autobahn.twisted import install_reactor``
works before any reactor exists (Crossbar.io does that first).
"""

import platform as _platform
from typing import TYPE_CHECKING

from autobahn import _framework_glue
from autobahn._version import __version__ as _version

try:
    # (A bare "import twisted" would succeed without Twisted: twisted/plugins/ of this package
    # makes a namespace package of that name.)
    from twisted import __version__ as _twisted_version
except ImportError as exc:
    raise ImportError('autobahn.twisted needs Twisted: pip install "autobahn[twisted]"', name="twisted") from exc

__ident__ = (
    f"Autobahn/{_version}-Twisted/{_twisted_version}-{_platform.python_implementation()}/{_platform.python_version()}"
)
"""Library, framework and interpreter, as autobahn identifies its Twisted backend."""


# What __getattr__ imports on first use, spelled out for type checkers (the package is py.typed;
# `import X as X` marks a re-export).
if TYPE_CHECKING:
    from autobahn.twisted.choosereactor import install_reactor as install_reactor
    from autobahn.twisted.util import sleep as sleep
    from autobahn.twisted.wamp import ApplicationSession as ApplicationSession
    from autobahn.twisted.websocket import (
        WebSocketClientFactory as WebSocketClientFactory,
    )
    from autobahn.twisted.websocket import (
        WebSocketClientProtocol as WebSocketClientProtocol,
    )
    from autobahn.twisted.websocket import (
        WebSocketServerFactory as WebSocketServerFactory,
    )
    from autobahn.twisted.websocket import (
        WebSocketServerProtocol as WebSocketServerProtocol,
    )
    from autobahn.twisted.websocket import (
        WrappingWebSocketClientFactory as WrappingWebSocketClientFactory,
    )
    from autobahn.twisted.websocket import (
        WrappingWebSocketServerFactory as WrappingWebSocketServerFactory,
    )
    from autobahn.websocket import USES_NVX as USES_NVX
else:
    __getattr__, __dir__ = _framework_glue.lazy_package_names(
        __name__,
        {
            "install_reactor": "autobahn.twisted.choosereactor",
            "sleep": "autobahn.twisted.util",
            "WrappingWebSocketClientFactory": "autobahn.twisted.websocket",
            "WrappingWebSocketServerFactory": "autobahn.twisted.websocket",
        },
    )

__all__ = (*_framework_glue.PACKAGE_NAMES, "WrappingWebSocketServerFactory", "install_reactor", "sleep")
