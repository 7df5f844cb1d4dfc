"""``TransportDetails`` for every connection, in one place for both frameworks and both framings.

A connection's details are made twice, as autobahn makes them:

1. when the connection is made (:func:`create`): peer, channel type, framing, TLS or not;
2. when the opening handshake of the framing completed (:func:`complete`: WebSocket when the
   connection opens, RawSocket when its handshake is done): the TLS channel binding
   ``channel_id["tls-unique"]`` and the peer's certificate, which exist only once the TLS
   handshake has completed (Twisted calls ``connectionMade`` before it), and for WebSocket the
   negotiated subprotocol and the request/response headers received.

The framework adapters only say what their transport knows, through a :class:`TransportFacts`
(``autobahn.asyncio.util``, ``autobahn.twisted.util``); everything else is decided here.
"""

from __future__ import annotations

import hashlib
import os
import threading
from typing import Any

try:  # looked up once: WAMP's types are optional for the WebSocket half
    from autobahn.wamp.types import TransportDetails
except ImportError:
    TransportDetails = None  # type: ignore[assignment,misc]

__all__ = (
    "TransportFacts",
    "create",
    "complete",
    "peer_notation",
    "tls_unique_channel_id",
    "channel_id",
    "NO_CHANNEL_ID",
)

# autobahn's channel ID when there is none yet (the TLS handshake has not completed).
NO_CHANNEL_ID = b"\x00" * 32


def tls_unique_channel_id(finished: bytes | None) -> bytes:
    """The ``tls-unique`` channel ID autobahn and Crossbar use: SHA-256 of the first TLS Finished
    message of the handshake (RFC 5929 §3.1), so it is 32 bytes whatever the TLS version and cipher
    (WAMP-cryptosign XORs it into the 32-byte challenge); 32 NUL bytes before the handshake completed."""
    if not isinstance(finished, bytes) or not finished:
        return NO_CHANNEL_ID
    return hashlib.sha256(finished).digest()


def channel_id(
    facts: TransportFacts, channel_id_type: str | None, error: type[Exception], bad_type: str, no_tls: str
) -> bytes:
    """A framework's ``transport_channel_id``: :data:`NO_CHANNEL_ID` when no type is asked for, else the
    ``tls-unique`` channel ID of the transport ``facts`` tell about. ``error`` is raised, with the
    framework's message ``bad_type`` or ``no_tls``, for another type or a transport without TLS."""
    if channel_id_type is None:
        return NO_CHANNEL_ID
    if channel_id_type != "tls-unique":
        raise error(bad_type)
    if not facts.is_secure():
        raise error(no_tls)
    return tls_unique_channel_id(facts.tls_finished())


def peer_notation(address: Any) -> str:
    """autobahn's peer notation for a socket address as Python's socket module gives it:
    ``tcp4:HOST:PORT``, ``tcp6:HOST:PORT`` for ``(host, port[, flowinfo, scope_id])``,
    ``unix:PATH`` for a Unix socket (``unix`` when unnamed), ``unknown`` otherwise."""
    if isinstance(address, tuple) and len(address) >= 2:
        host, port = address[0], address[1]
        return f"tcp6:{host}:{port}" if len(address) == 4 or ":" in str(host) else f"tcp4:{host}:{port}"
    if isinstance(address, bytes):
        address = address.decode("utf-8", "replace")
    if isinstance(address, str):
        # a leading NUL: Linux's abstract namespace, shown as the kernel does (with @)
        name = "@" + address[1:] if address.startswith("\x00") else address
        return f"unix:{name}" if name else "unix"
    return "unknown"


class TransportFacts:
    """What a framework adapter can tell about a connected transport (one subclass per framework)."""

    is_server: bool = False

    def __init__(self, transport: Any, is_server: bool) -> None:
        self.transport = transport
        self.is_server = bool(is_server)

    def peer(self) -> str:
        """The peer in autobahn's notation (:func:`peer_notation`)."""
        raise NotImplementedError

    def is_secure(self) -> bool:
        """True for a TLS transport (whether or not its handshake has completed)."""
        raise NotImplementedError

    def tls_finished(self) -> bytes | None:
        """The ``tls-unique`` binding: the first Finished message of the TLS handshake (the client's
        in a full handshake); None without TLS or before the handshake completed."""
        raise NotImplementedError

    def peer_certificate(self) -> dict[str, Any] | None:
        """``autobahn.util.peer_certificate_details`` of the TLS peer's certificate; None without one."""
        raise NotImplementedError


def _quietly(get: Any) -> Any:
    """A TLS fact, or None while the TLS library cannot give it yet (pyOpenSSL raises before the
    handshake completed)."""
    try:
        return get()
    except Exception:
        return None


def create(facts: TransportFacts, framing: str = "websocket") -> Any:
    """The details known when the connection is made (None when WAMP's types are not installed).

    ``framing``: ``"websocket"`` or ``"rawsocket"``."""
    if TransportDetails is None:
        return None
    is_secure = facts.is_secure()
    details = TransportDetails(
        channel_type=TransportDetails.CHANNEL_TYPE_TLS if is_secure else TransportDetails.CHANNEL_TYPE_TCP,
        channel_framing=TransportDetails.CHANNEL_FRAMING_FROM_STR[framing],
        peer=facts.peer(),
        is_server=facts.is_server,
        own_pid=os.getpid(),
        own_tid=threading.get_native_id(),
        own_fd=-1,
        is_secure=is_secure,
        channel_id={} if not is_secure else None,
        peer_cert=None,
    )
    if is_secure:
        _fill_tls(details, facts)  # asyncio completes TLS before connection_made: known already there
    return details


def _fill_tls(details: Any, facts: TransportFacts) -> None:
    details.channel_id = {"tls-unique": tls_unique_channel_id(_quietly(facts.tls_finished))}
    details.peer_cert = _quietly(facts.peer_certificate)


def complete(
    details: Any,
    facts: TransportFacts,
    websocket_protocol: str | None = None,
    http_headers_received: dict[str, Any] | None = None,
) -> None:
    """Fill in what the completed opening handshake made known (see the module docstring).

    What the application set on the details meanwhile (Crossbar sets the WebSocket fields in
    ``onConnect``) is kept: only fields still unset are filled, except the TLS ones, which only
    this layer knows."""
    if details is None:
        return
    if details.is_secure:
        _fill_tls(details, facts)
    if websocket_protocol is not None and details.websocket_protocol is None:
        details.websocket_protocol = websocket_protocol
    if http_headers_received is not None and details.http_headers_received is None:
        details.http_headers_received = dict(http_headers_received)
