"""Twisted helpers with autobahn's names: ``sleep`` for ``inlineCallbacks`` code, autobahn's peer
notation for a transport, and the transport details WAMP sessions and WebSocket connections carry."""

from __future__ import annotations

import os
from typing import Any

from twisted.internet.address import IPv4Address, IPv6Address, UNIXAddress
from twisted.internet.defer import Deferred
from twisted.internet.interfaces import IProcessTransport, ISSLTransport

try:
    from twisted.internet.stdio import PipeAddress
except ImportError:  # not on every platform
    PipeAddress = type(None)  # type: ignore[assignment,misc]

from autobahn import _transport_details
from autobahn.wamp.types import TransportDetails  # noqa: F401 - autobahn's programs import it from here

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
        return _transport_details.peer_notation((addr.host, addr.port))
    if isinstance(addr, IPv6Address):
        return _transport_details.peer_notation((addr.host, addr.port, addr.flowInfo, addr.scopeID))
    if isinstance(addr, UNIXAddress):
        return _transport_details.peer_notation(addr.name or "")
    if isinstance(addr, PipeAddress):
        return f"process:{os.getppid()}"  # the other end of a pipe is our parent
    return "unknown"


def _tls_connection(transport: Any) -> Any:
    """The pyOpenSSL connection under a TLS transport (None when there is none)."""
    for candidate in (transport, getattr(transport, "protocol", None)):
        connection = getattr(candidate, "_tlsConnection", None)
        if connection is not None:
            return connection
    get_handle = getattr(transport, "getHandle", None)
    return get_handle() if get_handle is not None else None


def _session_reused(connection: Any) -> bool:
    """Whether the TLS handshake resumed a session (pyOpenSSL has no public API; Twisted does not
    resume sessions unless told to, so a full handshake is assumed when this cannot be asked)."""
    try:
        from OpenSSL.SSL import _lib

        return bool(_lib.SSL_session_reused(connection._ssl))
    except Exception:
        return False


class TwistedTransportFacts(_transport_details.TransportFacts):
    """What a Twisted transport tells about itself."""

    def peer(self) -> str:
        return peer2str(self.transport)

    def is_secure(self) -> bool:
        return ISSLTransport.providedBy(self.transport)

    def tls_finished(self) -> bytes | None:
        if not self.is_secure():
            return None
        connection = _tls_connection(self.transport)
        if connection is None or not hasattr(connection, "get_finished"):
            return None
        # The first Finished message of the handshake: the client's in a full handshake, the
        # server's in a resumed one (what Python's ssl module gives for asyncio, so both agree).
        ours_came_first = self.is_server if _session_reused(connection) else not self.is_server
        return connection.get_finished() if ours_came_first else connection.get_peer_finished()

    def peer_certificate(self) -> dict[str, Any] | None:
        return extract_peer_certificate(self.transport)


def transport_channel_id(transport: Any, is_server: bool, channel_id_type: str | None = None) -> bytes:
    """The TLS channel ID of ``channel_id_type`` (only ``"tls-unique"``) of a Twisted TLS transport:
    SHA-256 of the first TLS Finished message (32 NUL bytes before the TLS handshake completed, or
    when no type is asked for). RuntimeError for another type, or a transport without TLS."""
    return _transport_details.channel_id(
        TwistedTransportFacts(transport, is_server),
        channel_id_type,
        RuntimeError,
        f'invalid TLS channel ID type "{channel_id_type}" requested',
        f'cannot determine TLS channel ID of type "{channel_id_type}" when TLS is not available on this '
        f"transport {type(transport)}",
    )


def extract_peer_certificate(transport: Any) -> dict[str, Any] | None:
    """What ``TransportDetails.peer_cert`` holds about the TLS peer's certificate (see
    ``autobahn.util.peer_certificate_details``); None without TLS or without a certificate."""
    if not ISSLTransport.providedBy(transport) or not hasattr(transport, "getPeerCertificate"):
        return None
    cert = transport.getPeerCertificate()
    if cert is None:
        return None
    from autobahn.util import peer_certificate_details

    try:
        crypto_cert = cert.to_cryptography()
    except ValueError:  # accepted by OpenSSL, but cryptography cannot parse it
        return None
    return peer_certificate_details(crypto_cert, cert.subject_name_hash())


def create_transport_details(transport: Any, is_server: bool) -> Any:
    """The ``TransportDetails`` of a Twisted transport as known when the connection is made (None
    when WAMP's types are not installed). The TLS handshake is still running then: the channel ID
    and peer certificate are filled in when the opening handshake of WebSocket or RawSocket completes."""
    return _transport_details.create(TwistedTransportFacts(transport, is_server))


# Names autobahn 26.11.1 also has here (programs import them from this module).
from autobahn import util as _util  # noqa: E402

peer_certificate_details = _util.peer_certificate_details
