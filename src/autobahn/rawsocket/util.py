"""RawSocket URLs: ``rs://host:port``, ``rss://host:port`` (TLS), ``rs://unix:/path/to/socket``."""

from __future__ import annotations

from urllib.parse import urlsplit

__all__ = ("create_url", "parse_url")


def create_url(hostname: str, port: int | str | None = None, isSecure: bool = False) -> str:
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


def parse_url(url: str) -> tuple[bool, str, int | str]:
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


# Names autobahn 26.11.1 also has here (programs import them from this module).
from autobahn.util import public  # noqa: E402, F401
