"""Transport URLs, below the transports and WAMP alike: WebSocket (``ws://``, ``wss://``) and
RawSocket (``rs://``, ``rss://``), each with ``unix`` as host naming a Unix domain socket.
``autobahn.websocket.util`` and ``autobahn.rawsocket.util`` re-export them as ``parse_url``
and ``create_url``, where autobahn has them."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit, urlunsplit

__all__ = ("create_rawsocket_url", "create_websocket_url", "parse_rawsocket_url", "parse_websocket_url")


def create_websocket_url(
    hostname: str,
    port: int | str | None = None,
    isSecure: bool = False,
    path: str | None = None,
    params: dict[str, Any] | None = None,
) -> str:
    """A ws:// (or with ``isSecure`` wss://) URL with an explicit port (default 80 or 443).

    ``path`` is percent-quoted (default ``/``), ``params`` becomes the query. With
    ``hostname == "unix"``, ``port`` is the path of a Unix domain socket.
    """
    if type(isSecure) is not bool:
        raise TypeError(f"isSecure must be bool, not {type(isSecure).__name__}")
    if hostname == "unix":
        netloc = f"unix:{port}"
    else:
        if port is None:
            port = 443 if isSecure else 80
        elif type(port) is not int or not 0 <= port <= 65535:
            raise ValueError(f"invalid port {port!r}: an int from 0 to 65535")
        netloc = f"{hostname}:{port}"
    query = urlencode(params) if params is not None else ""
    return urlunsplit(("wss" if isSecure else "ws", netloc, quote(path) if path is not None else "/", query, ""))


def parse_websocket_url(url: str) -> tuple[bool, str, int | str, str, str, dict[str, list[str]]]:
    """``(isSecure, host, port, resource, path, params)`` of a WebSocket URL.

    ``resource`` is the path as sent in the request line (with the query), ``path`` its
    unquoted form without the query, ``params`` the query's values as lists. The port
    defaults to 80 (ws) or 443 (wss); for ``ws://unix:/run/x.sock`` the third item is the
    socket's path instead. ValueError for another scheme, no host, a fragment or a bad port.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("ws", "wss"):
        raise ValueError(f"invalid WebSocket URL: protocol scheme '{parts.scheme}' is not for WebSocket")
    if not parts.hostname:
        raise ValueError("invalid WebSocket URL: missing hostname")
    if parts.fragment:
        raise ValueError(f"invalid WebSocket URL: non-empty fragment '{parts.fragment}'")
    quoted_path = parts.path or "/"
    path = unquote(quoted_path)
    resource = f"{quoted_path}?{parts.query}" if parts.query else quoted_path
    params = parse_qs(parts.query) if parts.query else {}
    is_secure = parts.scheme == "wss"
    if parts.hostname == "unix":
        # ws://unix:/tmp/x.sock: the socket path is what follows "unix:" (netloc and path).
        socket_path = (parts.netloc + parts.path).split(":")[1]
        return is_secure, parts.hostname, socket_path, resource, path, params
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"invalid port in WebSocket URL {url!r}") from None
    if port is None:
        port = 443 if is_secure else 80
    if not 1 <= port <= 65535:
        raise ValueError(f"invalid port {port}")
    return is_secure, parts.hostname, port, resource, path, params


def create_rawsocket_url(hostname: str, port: int | str | None = None, isSecure: bool = False) -> str:
    """A RawSocket URL; with ``hostname == "unix"``, ``port`` is the socket's path."""
    if not isinstance(isSecure, bool):
        raise TypeError("isSecure must be bool")
    scheme = "rss" if isSecure else "rs"
    if hostname == "unix":
        return f"{scheme}://unix:{port}"
    if port is None:
        port = 443 if isSecure else 80
    if not isinstance(port, int) or not 0 <= port < 65536:
        raise ValueError(f"invalid port {port!r}")
    return f"{scheme}://{hostname}:{port}"


def parse_rawsocket_url(url: str) -> tuple[bool, str, int | str]:
    """``(isSecure, host, port)`` for TCP, ``(isSecure, "unix", path)`` for a Unix socket."""
    parsed = urlsplit(url)
    if parsed.scheme not in ("rs", "rss"):
        raise Exception(f"invalid RawSocket URL: protocol scheme '{parsed.scheme}' is not for RawSocket")
    if not parsed.hostname:
        raise Exception("invalid RawSocket URL: missing hostname")
    if parsed.query:
        raise Exception(f"invalid RawSocket URL: non-empty query '{parsed.query}'")
    if parsed.fragment:
        raise Exception(f"invalid RawSocket URL: non-empty fragment '{parsed.fragment}'")
    is_secure = parsed.scheme == "rss"
    if parsed.hostname == "unix":
        path = parsed.netloc[len("unix:") :] + parsed.path
        if not path:
            raise Exception("invalid RawSocket URL: missing path for Unix domain socket")
        return is_secure, "unix", path
    if parsed.path:
        raise Exception(f"invalid RawSocket URL: non-empty path '{parsed.path}'")
    port = parsed.port if parsed.port is not None else (443 if is_secure else 80)
    return is_secure, parsed.hostname, port
