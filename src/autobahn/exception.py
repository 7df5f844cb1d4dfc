"""Exceptions applications see, under the names autobahn has always used."""

from autobahn.util import public


@public
class PayloadExceededError(RuntimeError):
    """A message is larger than the transport allows: after serialization and framing
    (WebSocket, RawSocket), or after decompression."""


@public
class PayloadCorruptError(RuntimeError):
    """A compressed payload (e.g. of a per-message compression extension) cannot be
    decompressed: it is corrupt, truncated or not in the extension's format."""


@public
class Disconnected(RuntimeError):
    """An operation needs an open WebSocket connection, and this one is not (or no longer) open."""


__all__ = ["Disconnected", "PayloadCorruptError", "PayloadExceededError"]
