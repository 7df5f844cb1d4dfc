"""The FlatBuffers runtime's ``flatbuffers.table`` under autobahn's name (see ``_runtime``)."""

from flatbuffers.table import *  # noqa: F403

from autobahn.flatbuffers._runtime import forward

__getattr__, __dir__ = forward(__name__, "flatbuffers.table")
