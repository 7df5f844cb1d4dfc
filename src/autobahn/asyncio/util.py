"""asyncio helpers with autobahn's names: the event loop to use before one runs, autobahn's
peer notation for a transport, the TLS channel binding and peer certificate of a connection,
and the ``TransportDetails`` built from them."""

from __future__ import annotations

import asyncio
import hashlib
import warnings
from asyncio import sleep
from typing import Any

from autobahn.util import peer_certificate_details, tls_unique
from autobahn.wamp.types import TransportDetails

__all__ = (
    "create_transport_details",
    "extract_peer_certificate",
    "get_or_create_event_loop",
    "get_serializers",
    "peer2str",
    "sleep",
    "transport_channel_id",
)

# What a channel ID is when none can be had (no binding asked for, handshake not complete).
_NO_CHANNEL_ID = bytes(32)


def get_or_create_event_loop() -> asyncio.AbstractEventLoop:
    """The running loop; else the loop set for this thread; else a new loop, set for this
    thread (``asyncio.get_event_loop()`` no longer creates one from Python 3.14 on)."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        pass
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # 3.12/3.13 warn before creating one
            loop: asyncio.AbstractEventLoop | None = asyncio.get_event_loop()
    except RuntimeError:  # 3.14: no loop set for this thread
        loop = None
    if loop is None or loop.is_closed():
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
    return loop


def peer2str(transport: asyncio.BaseTransport) -> str:
    """autobahn's peer descriptor of an asyncio transport: ``tcp4:HOST:PORT``, ``tcp6:HOST:PORT``,
    ``unix:PATH``, ``process:PID`` (a subprocess), ``pipe:PIPE``, or ``unknown``."""
    peer = transport.get_extra_info("peername")
    if isinstance(peer, tuple) and len(peer) >= 2:
        # An IPv6 socket address has four members (host, port, flowinfo, scope_id).
        version = 6 if len(peer) == 4 or ":" in str(peer[0]) else 4
        return f"tcp{version}:{peer[0]}:{peer[1]}"
    if isinstance(peer, (str, bytes)):
        return f"unix:{peer.decode('utf-8', 'replace') if isinstance(peer, bytes) else peer}"
    process = transport.get_extra_info("subprocess")
    if process is not None:
        return f"process:{process.pid}"
    pipe = transport.get_extra_info("pipe")
    if pipe is not None:
        return f"pipe:{pipe}"
    return "unknown"


def transport_channel_id(transport: Any, is_server: bool, channel_id_type: str | None = None) -> bytes:
    """The TLS channel ID of a connection, as WAMP-cryptosign binds to it: the SHA-256 of the
    ``tls-unique`` channel binding (RFC 5929). 32 zero bytes when no type is asked for or the
    TLS handshake has not completed; ValueError for a type other than ``"tls-unique"`` or a
    transport without TLS."""
    if channel_id_type is None:
        return _NO_CHANNEL_ID
    if channel_id_type != "tls-unique":
        raise ValueError(f"invalid TLS channel ID type {channel_id_type!r} (only 'tls-unique' is supported)")
    ssl_object = transport.get_extra_info("ssl_object")
    if ssl_object is None:
        raise ValueError("TLS channel ID 'tls-unique' requested, but the transport has no TLS")
    binding = tls_unique(ssl_object)
    if not isinstance(binding, bytes):
        return _NO_CHANNEL_ID
    return hashlib.sha256(binding).digest()


def extract_peer_certificate(ssl_obj: Any) -> dict[str, Any] | None:
    """What ``TransportDetails.peer_cert`` holds about the certificate the TLS peer presented
    (see ``autobahn.util.peer_certificate_details``); None when it presented none, or one
    ``cryptography`` cannot parse."""
    der = ssl_obj.getpeercert(binary_form=True)
    if not isinstance(der, bytes) or not der:
        return None
    from cryptography import x509

    try:
        cert = x509.load_der_x509_certificate(der)
    except ValueError:
        return None
    return peer_certificate_details(cert)


def create_transport_details(transport: Any, is_server: bool) -> TransportDetails:
    """The ``TransportDetails`` of an asyncio WebSocket connection (TLS details filled in when
    the transport has TLS; call it after the TLS handshake)."""
    ssl_object = transport.get_extra_info("ssl_object")
    is_secure = ssl_object is not None
    return TransportDetails(
        channel_type=TransportDetails.CHANNEL_TYPE_TLS if is_secure else TransportDetails.CHANNEL_TYPE_TCP,
        channel_framing=TransportDetails.CHANNEL_FRAMING_WEBSOCKET,
        peer=peer2str(transport),
        is_server=is_server,
        is_secure=is_secure,
        channel_id={"tls-unique": transport_channel_id(transport, is_server, "tls-unique")} if is_secure else {},
        peer_cert=extract_peer_certificate(ssl_object) if is_secure else None,
    )


def get_serializers() -> list[type]:
    """The WAMP serializer classes of ``autobahn.wamp.serializer``, in autobahn's order of
    preference (CBOR, MessagePack, UBJSON, JSON); one whose library is missing raises
    ImportError when instantiated."""
    from autobahn.wamp import serializer

    names = ("CBORSerializer", "MsgPackSerializer", "UBJSONSerializer", "JsonSerializer")
    return [getattr(serializer, name) for name in names if hasattr(serializer, name)]
