"""The FlatBuffers runtime's ``flatbuffers.number_types`` under autobahn's name (see ``_runtime``)."""

from flatbuffers.number_types import *  # noqa: F403

from autobahn.flatbuffers._runtime import forward

__getattr__, __dir__ = forward(__name__, "flatbuffers.number_types")
