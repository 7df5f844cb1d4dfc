"""Turning the argument of a pure-Python validate()/process() into something to work on.

Both implementations accept exactly the same objects: any C-contiguous buffer, read-only
or writable; anything else raises TypeError with a message that says what was expected.
"""

from __future__ import annotations

# Imported for type checkers only: `typing` costs milliseconds at import, which every
# `import autobahn.websocket` would pay (see the import-time goal in benchmarks/).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


READABLE = "a C-contiguous bytes-like object (bytes, bytearray, memoryview)"
WRITABLE = "a writable C-contiguous buffer (bytearray, writable memoryview)"


def readable(data: Any, what: str) -> bytes | bytearray | memoryview:
    """``data`` itself for bytes/bytearray, else a flat unsigned-byte memoryview of it."""
    kind = type(data)
    if kind is bytes or kind is bytearray:
        return data
    return _flat_view(data, what, writable=False)


def writable(data: Any, what: str) -> bytearray | memoryview:
    """``data`` itself for a bytearray, else a flat writable unsigned-byte memoryview of it."""
    if type(data) is bytearray:
        return data
    return _flat_view(data, what, writable=True)


def _flat_view(data: Any, what: str, writable: bool) -> memoryview:
    need = WRITABLE if writable else READABLE
    try:
        view = memoryview(data)
    except TypeError:
        raise TypeError(f"{what} needs {need}, not {type(data).__name__}") from None
    if not view.c_contiguous or (writable and view.readonly):
        problem = "read-only" if view.c_contiguous else "non-contiguous"
        raise TypeError(f"{what} needs {need}, not a {problem} {type(data).__name__}")
    if view.ndim != 1 or view.format != "B":
        view = view.cast("B")
    return view
