"""autobahn: WebSocket hot-path primitives with NVX, a Rust accelerator, and a pure-Python fallback.

See ``autobahn.websocket`` for the UTF-8 validator and XOR maskers, ``autobahn.nvx`` for
the native module, and ``python -m autobahn`` for what is installed and active.
"""

from autobahn._version import __version__

__all__ = ["__version__"]
