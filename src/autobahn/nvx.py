"""NVX, the native accelerator: its classes, re-exported from the private ``autobahn._nvx``.

Importing this module raises ImportError when NVX was not built into this installation.
It ignores ``AUTOBAHN_USE_NVX``: that switch chooses what ``autobahn.websocket`` uses.
"""

from autobahn._nvx import Utf8Validator, XorMasker, build_info

__all__ = ["Utf8Validator", "XorMasker", "build_info"]
