"""autobahn's older name for the bundled FlatBuffers compiler: ``get_flatc_path()``,
``run_flatc(args, cwd=None)`` and ``main()`` over :mod:`autobahn.flatc`, which holds the
binary and says why it is missing when it is (``FlatcNotFoundError``, a FileNotFoundError)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from autobahn import flatc


def get_flatc_path() -> Path:
    """Path of the bundled flatc; FileNotFoundError saying why when it is not installed."""
    return flatc.path()


def run_flatc(args: list[str], cwd: str | None = None) -> int:
    """Run the bundled flatc with ``args`` (output not captured); its exit status."""
    return subprocess.call([str(get_flatc_path()), *map(str, args)], cwd=cwd)


def main() -> None:
    """Console entry point: flatc with this process's arguments; exits with its status."""
    raise SystemExit(flatc.main(sys.argv[1:]))


__all__ = ["get_flatc_path", "main", "run_flatc"]

if __name__ == "__main__":
    main()
