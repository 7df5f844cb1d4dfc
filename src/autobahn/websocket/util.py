"""WebSocket URLs: ``parse_url`` splits one into what a connection needs, ``create_url``
builds one. Results and errors are autobahn 26.10.2's (``ws://unix:/path.sock`` names a
Unix domain socket). Defined in :mod:`autobahn._url`, below WebSocket, RawSocket and WAMP."""

from __future__ import annotations

from autobahn._url import create_websocket_url as create_url
from autobahn._url import parse_websocket_url as parse_url
from autobahn.util import public

__all__ = (
    "create_url",
    "parse_url",
)

public(create_url)
public(parse_url)
