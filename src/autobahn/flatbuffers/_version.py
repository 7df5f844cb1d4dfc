"""The version of the FlatBuffers runtime behind ``autobahn.flatbuffers`` (the PyPI release we
pin, e.g. ``"25.12.19"``; zlmdb checks it equals its own)."""

from flatbuffers._version import __version__

__all__ = ["__version__"]
