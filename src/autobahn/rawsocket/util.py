"""RawSocket URLs: ``rs://host:port``, ``rss://host:port`` (TLS), ``rs://unix:/path/to/socket``.
Defined in :mod:`autobahn._url`, below WebSocket, RawSocket and WAMP."""

from __future__ import annotations

from autobahn._url import create_rawsocket_url as create_url
from autobahn._url import parse_rawsocket_url as parse_url

__all__ = ("create_url", "parse_url")


# Names autobahn 26.11.1 also has here (programs import them from this module).
from autobahn.util import public  # noqa: E402, F401
