"""WebSocket hot-path primitives: ``utf8validator`` and ``xormasker``.

``HAS_NVX`` tells whether the native module can be imported, ``USES_NVX`` whether it is
selected, ``NVX_VIA_CFFI`` whether it is called through CFFI (on PyPy, see ``_nvx_cffi``),
and ``NVX_REASON`` why (for ``python -m autobahn``). The choice follows
``AUTOBAHN_USE_NVX``: off -> pure Python; required -> ImportError here when NVX is
missing; auto (default) -> NVX when importable.
"""

import sys

from autobahn._switch import OFF, REQUIRED, read_switch

NVX_SWITCH = read_switch("AUTOBAHN_USE_NVX")

try:
    import autobahn._nvx  # noqa: F401
except ImportError as exc:  # not built into this installation, or broken
    HAS_NVX = False
    _nvx_import_error: ImportError | None = exc
else:
    HAS_NVX = True
    _nvx_import_error = None

USES_NVX = HAS_NVX and NVX_SWITCH != OFF
# PyPy's emulation of the C API makes every PyO3 call slow; its JIT calls CFFI functions cheaply.
NVX_VIA_CFFI = USES_NVX and sys.implementation.name == "pypy"

if USES_NVX:
    NVX_REASON = f"NVX on (AUTOBAHN_USE_NVX={NVX_SWITCH}{', via CFFI' if NVX_VIA_CFFI else ''})"
elif HAS_NVX:
    NVX_REASON = "NVX off: disabled by AUTOBAHN_USE_NVX"
else:
    NVX_REASON = f"NVX off: the native module autobahn._nvx could not be imported ({_nvx_import_error})"
    if NVX_SWITCH == REQUIRED:
        raise ImportError(
            "AUTOBAHN_USE_NVX requires NVX, but "
            f"autobahn._nvx could not be imported ({_nvx_import_error}). Reinstall autobahn "
            "from a binary wheel, or build it from source with a Rust toolchain "
            "(https://rustup.rs) and AUTOBAHN_USE_NVX=1 to make the build fail loudly; "
            "or unset AUTOBAHN_USE_NVX to fall back to pure Python."
        ) from _nvx_import_error

# autobahn's package-level names, imported on first use so that importing the hot-path modules
# (autobahn.websocket.utf8validator, .xormasker) stays cheap.
_LAZY = {
    "ConnectionAccept": "autobahn.websocket.types",
    "ConnectionDeny": "autobahn.websocket.types",
    "ConnectionRequest": "autobahn.websocket.types",
    "ConnectionResponse": "autobahn.websocket.types",
    "IncomingMessage": "autobahn.websocket.types",
    "Message": "autobahn.websocket.types",
    "OutgoingMessage": "autobahn.websocket.types",
    "IWebSocketChannel": "autobahn.websocket.interfaces",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'autobahn.websocket' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


__all__ = ["HAS_NVX", "USES_NVX", "NVX_VIA_CFFI", "NVX_SWITCH", "NVX_REASON", *_LAZY]
