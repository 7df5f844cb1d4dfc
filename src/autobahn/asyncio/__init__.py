"""asyncio integration: ``autobahn.asyncio.websocket`` has autobahn's WebSocket classes,
``autobahn.asyncio.wamp`` its WAMP ones, ``autobahn.asyncio.util`` the helpers.

The names autobahn re-exports here (``ApplicationSession``, the WebSocket factories and
protocols, ``USES_NVX``) import on first use, so importing a submodule stays cheap.
"""

import platform as _platform

from autobahn import _framework_glue
from autobahn._version import __version__ as _version

__ident__ = f"Autobahn/{_version}-asyncio-{_platform.python_implementation()}/{_platform.python_version()}"
"""Library, framework and interpreter, as autobahn identifies its asyncio backend."""


__getattr__, __dir__ = _framework_glue.lazy_package_names(__name__, {})
__all__ = _framework_glue.PACKAGE_NAMES
