"""The values that cross the boundary between the protocol and applications.

The names, constructor signatures and attributes are those of autobahn's
``autobahn.websocket.types``: ``ConnectionRequest`` (what a server's ``onConnect`` gets),
``ConnectingRequest`` (what a client's ``onConnecting`` may return), ``ConnectionResponse``
(what a client's ``onConnect`` gets), ``ConnectionAccept`` and ``ConnectionDeny`` (what a
server's ``onConnect`` may return or raise), and the message values ``IncomingMessage``,
``OutgoingMessage`` and ``Ping``. They are mutable, as autobahn's are; bad argument types
raise TypeError (autobahn asserted).
"""

from __future__ import annotations

import dataclasses
from pprint import pformat
from typing import Any

from autobahn.util import public

__all__ = (
    "ConnectingRequest",
    "ConnectionAccept",
    "ConnectionDeny",
    "ConnectionRequest",
    "ConnectionResponse",
    "IncomingMessage",
    "Message",
    "OutgoingMessage",
    "Ping",
)


class _JsonStr:
    """``__json__()``: the fields as a dict; ``str()``: that dict pretty-printed."""

    __slots__ = ()

    def __json__(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}  # type: ignore[arg-type]

    def __str__(self) -> str:
        return pformat(self.__json__())


@public
@dataclasses.dataclass(slots=True)
class ConnectionRequest(_JsonStr):
    """A client's opening handshake, as the server received it (``onConnect``'s argument).

    ``peer``: the client, e.g. ``tcp4:127.0.0.1:54321``. ``headers``: lower-cased header names
    to values. ``host``: the Host header. ``path``: the resource path without the query;
    ``params``: the query's values (``/x?a=1&a=2`` gives ``{'a': ['1', '2']}``). ``version``:
    the WebSocket version (13). ``origin``: the Origin header or None. ``protocols``: the
    subprotocols offered. ``extensions``: the extensions offered.
    """

    peer: str
    headers: dict[str, str]
    host: str
    path: str
    params: dict[str, list[str]]
    version: int
    origin: str | None
    protocols: list[str]
    extensions: list[Any]


@public
@dataclasses.dataclass(slots=True, init=False)
class ConnectingRequest(_JsonStr):
    """What a client's ``onConnecting`` may return to shape its opening handshake: the
    host, port and resource the server is told (defaults ``localhost``, 80, ``/``), extra
    headers, the User-Agent, Origin and subprotocols to offer."""

    host: str
    port: int
    resource: str
    headers: dict[str, Any]
    useragent: str | None
    origin: str | None
    protocols: list[str]

    def __init__(
        self,
        host: str | None = None,
        port: int | None = None,
        resource: str | None = None,
        headers: dict[str, Any] | None = None,
        useragent: str | None = None,
        origin: str | None = None,
        protocols: list[str] | None = None,
    ):
        self.host = host if host is not None else "localhost"
        self.port = port if port is not None else 80
        self.resource = resource if resource is not None else "/"
        self.headers = headers if headers is not None else {}
        self.useragent = useragent
        self.origin = origin
        self.protocols = protocols if protocols is not None else []


@public
@dataclasses.dataclass(slots=True)
class ConnectionResponse(_JsonStr):
    """A server's accepted opening handshake, as the client received it (``onConnect``'s
    argument): ``peer``, ``headers`` (lower-cased names), ``version``, the subprotocol
    chosen (``protocol``, or None) and the extensions in use."""

    peer: str
    headers: dict[str, str]
    version: int
    protocol: str | None
    extensions: list[Any]


@public
@dataclasses.dataclass(slots=True)
class ConnectionAccept:
    """What a server's ``onConnect`` may return: the subprotocol chosen (one the client
    offered, or None) and extra response headers (a list or tuple value sends one header
    line per item)."""

    subprotocol: str | None = None
    headers: dict[str, str | list[str] | tuple[str, ...]] | None = None

    def __post_init__(self) -> None:
        if self.subprotocol is not None and not isinstance(self.subprotocol, str):
            raise TypeError(f"subprotocol must be str or None, not {type(self.subprotocol).__name__}")
        if self.headers is None:
            return
        if not isinstance(self.headers, dict):
            raise TypeError(f"headers must be a dict or None, not {type(self.headers).__name__}")
        for name, value in self.headers.items():
            values = value if isinstance(value, (list, tuple)) else [value]
            if not isinstance(name, str) or not all(isinstance(v, str) for v in values):
                raise TypeError(f"header {name!r}: names and values must be str (or a list/tuple of str)")


@public
class ConnectionDeny(Exception):
    """Raised by a server's ``onConnect`` to refuse the connection with an HTTP status
    (``code``) and reason."""

    __slots__ = ("code", "reason")

    BAD_REQUEST = 400
    FORBIDDEN = 403
    NOT_FOUND = 404
    NOT_ACCEPTABLE = 406
    REQUEST_TIMEOUT = 408
    INTERNAL_SERVER_ERROR = 500
    NOT_IMPLEMENTED = 501
    SERVICE_UNAVAILABLE = 503

    def __init__(self, code: int, reason: str | None = None):
        if type(code) is not int:
            raise TypeError(f"code must be an int HTTP status, not {type(code).__name__}")
        if reason is not None and not isinstance(reason, str):
            raise TypeError(f"reason must be str or None, not {type(reason).__name__}")
        super().__init__(code, reason)
        self.code = code
        self.reason = reason


class Message:
    """Base class of WebSocket messages."""

    __slots__ = ()


def _check_payload(payload: object, is_binary: object) -> None:
    if type(payload) is not bytes:
        raise TypeError(f"payload must be bytes, not {type(payload).__name__}")
    if type(is_binary) is not bool:
        raise TypeError(f"is_binary must be bool, not {type(is_binary).__name__}")


@dataclasses.dataclass(slots=True)
class IncomingMessage(Message):
    """A received message: ``payload`` (bytes; UTF-8 text unless ``is_binary``)."""

    payload: bytes
    is_binary: bool = False

    def __post_init__(self) -> None:
        _check_payload(self.payload, self.is_binary)


@dataclasses.dataclass(slots=True)
class OutgoingMessage(Message):
    """A message to send: ``payload`` (bytes; UTF-8 text unless ``is_binary``);
    ``skip_compress`` sends it uncompressed even when compression was negotiated."""

    payload: bytes
    is_binary: bool = False
    skip_compress: bool = False

    def __post_init__(self) -> None:
        _check_payload(self.payload, self.is_binary)
        if type(self.skip_compress) is not bool:
            raise TypeError(f"skip_compress must be bool, not {type(self.skip_compress).__name__}")


@dataclasses.dataclass(slots=True)
class Ping:
    """A ping to send: ``payload`` is None or at most 125 bytes (RFC 6455 §5.5)."""

    payload: bytes | None = None

    def __post_init__(self) -> None:
        if self.payload is None:
            return
        if type(self.payload) is not bytes:
            raise TypeError(f"ping payload must be bytes or None, not {type(self.payload).__name__}")
        if len(self.payload) > 125:
            raise ValueError(f"ping payload too long ({len(self.payload)} bytes): at most 125")
