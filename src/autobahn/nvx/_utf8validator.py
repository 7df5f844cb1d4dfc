"""``autobahn.nvx._utf8validator.Utf8Validator``: autobahn's name for the native incremental
UTF-8 validator. Ours is NVX's (rust/utf8.rs), reached through CFFI on PyPy as
``autobahn.websocket`` does there; it behaves as ``autobahn.websocket.utf8validator``
describes. ImportError when NVX is not built into this installation."""

import os
import sys

from autobahn.nvx._compile_args import get_compile_args

if sys.implementation.name == "pypy":
    from autobahn.websocket._nvx_cffi import Utf8Validator
else:
    from autobahn._nvx import Utf8Validator

# autobahn's build-time settings of its CFFI module, for code that reads them: whether the
# native module may be missing (AUTOBAHN_USE_NVX not forcing it) and the C compiler flags.
optional = os.environ.get("AUTOBAHN_USE_NVX") not in ("1", "true")
extra_compile_args = get_compile_args()

__all__ = ["Utf8Validator"]
