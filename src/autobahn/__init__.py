"""autobahn: WebSocket hot-path primitives with NVX, a Rust accelerator, and a pure-Python fallback.

See ``autobahn.websocket`` for the UTF-8 validator and XOR maskers, ``autobahn.nvx`` for
the native module, and ``python -m autobahn`` for what is installed and active.
"""

from autobahn._version import __version__

version = __version__
"""The package version (autobahn's older name for ``__version__``)."""


def check_zlmdb_flatbuffers_version_in_sync() -> str:
    """The FlatBuffers runtime version when zlmdb's and ours agree (Crossbar.io stores with
    zlmdb what it sends with autobahn); RuntimeError when they differ, ImportError without zlmdb.

    Imports the runtime only when called: importing autobahn stays light."""
    import zlmdb.flatbuffers

    import autobahn.flatbuffers

    ours, theirs = autobahn.flatbuffers.__version__, zlmdb.flatbuffers.__version__
    if ours != theirs:
        raise RuntimeError(f"FlatBuffers runtime mismatch: autobahn has {ours!r}, zlmdb has {theirs!r}")
    return ours


__all__ = ["__version__", "check_zlmdb_flatbuffers_version_in_sync", "version"]
