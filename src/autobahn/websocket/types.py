"""The values that cross the boundary between the protocol core and applications.

The names follow autobahn's ``autobahn.websocket.types`` so that applications written for
autobahn keep working: ``ConnectionRequest`` (what ``onConnect`` gets on a server),
``ConnectionResponse`` (what ``onConnect`` gets on a client), ``ConnectionAccept`` and
``ConnectionDeny`` (what a server's ``onConnect`` may return or raise).
"""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class ConnectionRequest:
    """A client's opening handshake, as the server received it.

    ``headers`` maps lower-cased header names to values (repeated headers joined by ", ").
    ``params`` holds the query string's values, each name mapped to a list of values.
    """

    peer: str
    headers: dict[str, str]
    host: str
    path: str
    params: dict[str, list[str]]
    version: int
    origin: str | None
    protocols: list[str]
    extensions: list[str]


@dataclasses.dataclass(frozen=True)
class ConnectionResponse:
    """A server's accepted opening handshake, as the client received it."""

    peer: str
    headers: dict[str, str]
    version: int
    protocol: str | None
    extensions: list[str]


@dataclasses.dataclass(frozen=True)
class ConnectionAccept:
    """What a server's ``onConnect`` may return: the subprotocol chosen and extra headers."""

    subprotocol: str | None = None
    headers: dict[str, str] | None = None


class ConnectionDeny(Exception):
    """Raised by a server's ``onConnect`` to refuse the connection with an HTTP status."""

    BAD_REQUEST = 400
    FORBIDDEN = 403
    NOT_FOUND = 404
    NOT_ACCEPTABLE = 406
    REQUEST_TIMEOUT = 408
    INTERNAL_SERVER_ERROR = 500
    NOT_IMPLEMENTED = 501
    SERVICE_UNAVAILABLE = 503

    def __init__(self, code: int, reason: str | None = None) -> None:
        super().__init__(code, reason)
        self.code = code
        self.reason = reason


__all__ = ["ConnectionRequest", "ConnectionResponse", "ConnectionAccept", "ConnectionDeny"]
