"""The HTTP/1.1 side of the opening handshake (RFC 6455 §4): parsing and building.

Parsing raises HandshakeError with the HTTP status to answer and a reason a human can act
on; the protocol core turns it into an HTTP error response (server) or a failed
connection (client).
"""

from __future__ import annotations

import base64
import hashlib

# RFC 6455 §1.3: the GUID appended to the key before hashing.
WS_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
# A handshake larger than this is refused rather than buffered without bound.
MAX_HANDSHAKE_SIZE = 16 * 1024

HTTP_REASONS = {
    101: "Switching Protocols",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    406: "Not Acceptable",
    408: "Request Timeout",
    426: "Upgrade Required",
    431: "Request Header Fields Too Large",
    500: "Internal Server Error",
    501: "Not Implemented",
    503: "Service Unavailable",
}


class HandshakeError(Exception):
    """A handshake we must refuse: ``status`` is the HTTP status, ``reason`` says why."""

    def __init__(self, status: int, reason: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{status} {reason}")
        self.status = status
        self.reason = reason
        self.headers = headers or {}


def accept_value(key: str) -> str:
    """Sec-WebSocket-Accept for a Sec-WebSocket-Key."""
    return base64.b64encode(hashlib.sha1(key.encode("ascii") + WS_GUID).digest()).decode("ascii")


def split_header_block(block: bytes) -> tuple[str, dict[str, str]]:
    """The start line and the headers (names lower-cased, repeats joined with ", ")."""
    text = block.decode("iso-8859-1")  # latin-1 decodes every byte: no error to handle
    lines = text.split("\r\n")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if not line:
            continue
        name, sep, value = line.partition(":")
        name = name.strip().lower()
        if not sep or not name or " " in name or "\t" in name:
            raise HandshakeError(400, f"malformed header line {line[:60]!r}")
        value = value.strip()
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return lines[0], headers


def tokens(value: str | None) -> list[str]:
    """The comma-separated tokens of a header value, stripped, empty ones dropped."""
    if not value:
        return []
    return [t.strip() for t in value.split(",") if t.strip()]


def parse_request(block: bytes) -> tuple[str, dict[str, str], str]:
    """Check a client's opening handshake; returns (path, headers, key)."""
    start, headers = split_header_block(block)
    parts = start.split(" ")
    if len(parts) != 3:
        raise HandshakeError(400, f"malformed request line {start[:60]!r}")
    method, path, version = parts
    if method != "GET":
        raise HandshakeError(400, f"the opening handshake must be a GET request, not {method[:20]!r}")
    if version != "HTTP/1.1":
        raise HandshakeError(400, f"the opening handshake needs HTTP/1.1, not {version[:20]!r}")
    if "host" not in headers:
        raise HandshakeError(400, "missing Host header")
    if "upgrade" not in headers:
        # 426, as autobahn answers it; a 426 names the protocol to upgrade to (RFC 9110 15.5.22).
        raise HandshakeError(
            426, "missing 'Upgrade: websocket' header", {"Upgrade": "websocket", "Sec-WebSocket-Version": "13"}
        )
    if "websocket" not in (t.lower() for t in tokens(headers.get("upgrade"))):
        raise HandshakeError(400, "missing 'Upgrade: websocket' header")
    if "upgrade" not in (t.lower() for t in tokens(headers.get("connection"))):
        raise HandshakeError(400, "missing 'Connection: Upgrade' header")
    version_header = headers.get("sec-websocket-version")
    if version_header is None:
        raise HandshakeError(400, "missing Sec-WebSocket-Version header")
    if version_header.strip() != "13":
        raise HandshakeError(
            426, f"unsupported WebSocket version {version_header[:20]!r}", {"Sec-WebSocket-Version": "13"}
        )
    key = headers.get("sec-websocket-key")
    if key is None:
        raise HandshakeError(400, "missing Sec-WebSocket-Key header")
    try:
        raw_key = base64.b64decode(key.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        raw_key = b""
    if len(raw_key) != 16:
        raise HandshakeError(400, "Sec-WebSocket-Key must be 16 bytes, base64-encoded")
    return path, headers, key


def _check_header(name: str, value: str) -> None:
    # Application-supplied headers must not smuggle extra lines into the handshake.
    if any(c in name for c in "\r\n:") or "\r" in value or "\n" in value:
        raise ValueError(f"invalid HTTP header {name!r}: {value!r}")


def build_response(status: int, headers: dict[str, str] | list[tuple[str, str]], body: bytes = b"") -> bytes:
    """An HTTP/1.1 response."""
    items = list(headers.items() if isinstance(headers, dict) else headers)
    for name, value in items:
        _check_header(name, value)
    lines = [f"HTTP/1.1 {status} {HTTP_REASONS.get(status, 'Error')}"]
    lines.extend(f"{name}: {value}" for name, value in items)
    return ("\r\n".join(lines) + "\r\n\r\n").encode("iso-8859-1") + body


def build_error_response(status: int, reason: str, extra: dict[str, str] | None = None) -> bytes:
    """An HTTP error answering a refused handshake, with the reason as a plain-text body."""
    body = (reason + "\n").encode("utf-8")
    headers = {**(extra or {}), "Content-Type": "text/plain; charset=utf-8", "Content-Length": str(len(body))}
    headers["Connection"] = "close"
    return build_response(status, headers, body)


def is_number(text: str) -> bool:
    """Whether ``text`` is ASCII digits only: str.isdigit() also takes digits such as "²"
    (latin-1, as headers are decoded), which int() refuses."""
    return text.isascii() and text.isdigit()


def status_code(status_line: str) -> int | None:
    """The status code of an HTTP response's status line; None when the line is malformed."""
    parts = status_line.split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/") or not is_number(parts[1]):
        return None
    return int(parts[1])


def parse_response(block: bytes) -> tuple[int, dict[str, str]]:
    """The status code and headers of a server's handshake response."""
    start, headers = split_header_block(block)
    status = status_code(start)
    if status is None:
        raise HandshakeError(400, f"malformed status line {start[:60]!r}")
    return status, headers


def build_request(host: str, path: str, key: str, extra: list[tuple[str, str]]) -> bytes:
    """A client's opening handshake."""
    lines = [
        f"GET {path} HTTP/1.1",
        f"Host: {host}",
        "Upgrade: websocket",
        "Connection: Upgrade",
        f"Sec-WebSocket-Key: {key}",
        "Sec-WebSocket-Version: 13",
    ]
    for name, value in extra:
        _check_header(name, value)
        lines.append(f"{name}: {value}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("iso-8859-1")
