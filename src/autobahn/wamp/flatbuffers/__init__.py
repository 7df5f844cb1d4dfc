"""WAMP's FlatBuffers schema, compiled: ``wamp.bfbs`` (binary schema, read by
``autobahn.wamp.message_fbs``) and ``wamp_generated.py`` (flatc's Python classes), both made
by the bundled flatc from ``flatbuffers/wamp.fbs`` in the source tree (``just generate``)."""

from __future__ import annotations

from pathlib import Path

WAMP_BFBS = Path(__file__).resolve().parent / "wamp.bfbs"
"""The binary schema of the WAMP messages."""


def wamp_bfbs() -> bytes:
    """The bytes of :data:`WAMP_BFBS`."""
    return WAMP_BFBS.read_bytes()
