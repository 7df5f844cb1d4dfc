"""Exceptions applications see, under the names autobahn has always used."""


class Disconnected(RuntimeError):
    """An operation needs an open WebSocket connection, and this one is not (or no longer) open."""


__all__ = ["Disconnected"]
