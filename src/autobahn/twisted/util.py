"""Twisted helpers with autobahn's names: ``sleep`` for ``inlineCallbacks`` code, autobahn's peer
notation for a transport, and the transport details WAMP sessions and WebSocket connections carry."""

from __future__ import annotations

import os
import threading
from typing import Any

from twisted.internet.address import IPv4Address, IPv6Address, UNIXAddress
from twisted.internet.defer import Deferred
from twisted.internet.interfaces import IProcessTransport, ISSLTransport, ITransport

try:
    from twisted.internet.stdio import PipeAddress
except ImportError:  # not on every platform
    PipeAddress = type(None)  # type: ignore[assignment,misc]

try:  # looked up once: WAMP's types are optional for the WebSocket half
    from autobahn.wamp.types import TransportDetails
except ImportError:
    TransportDetails = None  # type: ignore[assignment,misc]

__all__ = ("sleep", "peer2str", "transport_channel_id", "extract_peer_certificate", "create_transport_details")


def sleep(delay: float, reactor: Any = None) -> Deferred:
    """A Deferred that fires with None after ``delay`` seconds (``yield sleep(1)``)."""
    if reactor is None:
        from twisted.internet import reactor
    d: Deferred = Deferred()
    reactor.callLater(delay, d.callback, None)
    return d


def peer2str(transport: Any) -> str:
    """autobahn's peer descriptor of a transport: ``tcp4:HOST:PORT``, ``tcp6:HOST:PORT``,
    ``unix:PATH`` (``unix`` when unnamed), ``process:PID``, or ``unknown``."""
    if IProcessTransport.providedBy(transport):
        return f"process:{transport.pid}"
    try:
        addr = transport.getPeer()
    except Exception:  # a transport without addresses (a test double)
        return "unknown"
    if isinstance(addr, IPv4Address):
        return f"tcp4:{addr.host}:{addr.port}"
    if isinstance(addr, IPv6Address):
        return f"tcp6:{addr.host}:{addr.port}"
    if isinstance(addr, UNIXAddress):
        name = addr.name.decode("utf-8", "replace") if isinstance(addr.name, bytes) else addr.name
        return f"unix:{name}" if name else "unix"
    if isinstance(addr, PipeAddress):
        return f"process:{os.getppid()}"  # the other end of a pipe is our parent
    return "unknown" if not ITransport.providedBy(transport) else str(addr)


def _tls_connection(transport: Any) -> Any:
    """The pyOpenSSL connection under a TLS transport (None when there is none)."""
    for candidate in (transport, getattr(transport, "protocol", None)):
        connection = getattr(candidate, "_tlsConnection", None)
        if connection is not None:
            return connection
    get_handle = getattr(transport, "getHandle", None)
    return get_handle() if get_handle is not None else None


def transport_channel_id(transport: Any, is_server: bool, channel_id_type: str | None = None) -> bytes | None:
    """The ``tls-unique`` channel binding (RFC 5929) of a TLS transport: the first Finished message
    of the handshake (the server's when it resumed a session); None without TLS, or before the
    handshake completed."""
    if channel_id_type is None:
        return None
    if channel_id_type != "tls-unique":
        raise ValueError(f"invalid channel ID type {channel_id_type!r}")
    if not ISSLTransport.providedBy(transport):
        return None
    connection = _tls_connection(transport)
    if connection is None:
        return None
    # The first Finished message: the client's, unless the session was resumed.
    if connection.session_reused() if hasattr(connection, "session_reused") else False:
        first_finished_by_us = is_server
    else:
        first_finished_by_us = not is_server
    return connection.get_finished() if first_finished_by_us else connection.get_peer_finished()


def extract_peer_certificate(transport: Any) -> dict[str, Any] | None:
    """What ``TransportDetails.peer_cert`` holds about the TLS peer's certificate (see
    ``autobahn.util.peer_certificate_details``); None without TLS or without a certificate."""
    if not ISSLTransport.providedBy(transport):
        return None
    cert = transport.getPeerCertificate()
    if cert is None:
        return None
    from autobahn.util import peer_certificate_details

    return peer_certificate_details(cert.to_cryptography(), cert.subject_name_hash())


def create_transport_details(transport: Any, is_server: bool) -> Any:
    """The ``TransportDetails`` of a Twisted transport (None when WAMP's types are not installed)."""
    if TransportDetails is None:
        return None
    is_secure = ISSLTransport.providedBy(transport)
    return TransportDetails(
        channel_type=TransportDetails.CHANNEL_TYPE_TLS if is_secure else TransportDetails.CHANNEL_TYPE_TCP,
        channel_framing=TransportDetails.CHANNEL_FRAMING_WEBSOCKET,
        peer=peer2str(transport),
        is_server=is_server,
        own_pid=os.getpid(),
        own_tid=threading.get_native_id(),
        own_fd=-1,
        is_secure=is_secure,
        channel_id={"tls-unique": _before_handshake(transport_channel_id, transport, is_server, "tls-unique")}
        if is_secure
        else {},
        peer_cert=_before_handshake(extract_peer_certificate, transport) if is_secure else None,
    )


def _before_handshake(get: Any, *args: Any) -> Any:
    """TLS details, or None while the handshake is still running (as when a connection is made)."""
    try:
        return get(*args)
    except Exception:  # pyOpenSSL raises before the handshake completed
        return None


# Names autobahn 26.11.1 also has here (programs import them from this module).
from autobahn import util as _util  # noqa: E402

peer_certificate_details = _util.peer_certificate_details
