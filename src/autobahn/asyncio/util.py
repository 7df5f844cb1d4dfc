"""asyncio helpers with autobahn's names: the event loop to use, autobahn's peer notation for a
transport, the TLS channel binding and peer certificate, and the transport details WAMP sessions
and WebSocket connections carry (built by :mod:`autobahn._transport_details`)."""

from __future__ import annotations

import asyncio
import warnings
from asyncio import sleep
from typing import Any

from autobahn import _transport_details
from autobahn.util import peer_certificate_details, tls_unique
from autobahn.wamp.types import TransportDetails  # noqa: F401 - autobahn's programs import it from here

__all__ = (
    "sleep",
    "get_or_create_event_loop",
    "peer2str",
    "transport_channel_id",
    "create_transport_details",
    "extract_peer_certificate",
    "get_serializers",
)


def get_or_create_event_loop() -> asyncio.AbstractEventLoop:
    """The running loop; else the loop set for this thread; else a new loop, set for this thread
    (``asyncio.get_event_loop()`` stopped creating one implicitly in Python 3.14)."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        pass
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # 3.12/3.13 warn when there is none
            loop = asyncio.get_event_loop()
    except RuntimeError:
        loop = None
    if loop is None or loop.is_closed():
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
    return loop


class AsyncioTransportFacts(_transport_details.TransportFacts):
    """What an asyncio transport tells about itself (``get_extra_info``)."""

    def peer(self) -> str:
        return peer2str(self.transport)

    def _ssl_object(self) -> Any:
        # a TLS transport has one whether or not the peer sent a certificate
        return self.transport.get_extra_info("ssl_object") if self.transport is not None else None

    def is_secure(self) -> bool:
        return self._ssl_object() is not None

    def tls_finished(self) -> bytes | None:
        ssl_object = self._ssl_object()
        return tls_unique(ssl_object) if ssl_object is not None else None

    def peer_certificate(self) -> dict[str, Any] | None:
        ssl_object = self._ssl_object()
        return extract_peer_certificate(ssl_object) if ssl_object is not None else None


def peer2str(transport: Any) -> str:
    """autobahn's peer descriptor of an asyncio transport: ``tcp4:HOST:PORT``, ``tcp6:HOST:PORT``,
    ``unix:PATH``, ``process:PID`` (a subprocess transport), ``pipe:PIPE``, or ``unknown``."""
    get = getattr(transport, "get_extra_info", None)
    if get is None:
        return "unknown"
    peername = get("peername")
    if peername is not None:
        return _transport_details.peer_notation(peername)
    process = get("subprocess")
    if process is not None:
        return f"process:{process.pid}"
    pipe = get("pipe")
    if pipe is not None:
        return f"pipe:{pipe}"
    sock = get("socket")
    if sock is not None and getattr(sock, "family", None) is not None and sock.family.name == "AF_UNIX":
        return "unix"  # an unnamed Unix socket peer
    return "unknown"


def transport_channel_id(transport: Any, is_server: bool, channel_id_type: str | None = None) -> bytes:
    """The TLS channel ID of ``channel_id_type`` (only ``"tls-unique"``) of an asyncio TLS transport:
    SHA-256 of the first TLS Finished message (32 NUL bytes before the TLS handshake completed, or
    when no type is asked for). ValueError for another type, or a transport without TLS."""
    return _transport_details.channel_id(
        AsyncioTransportFacts(transport, is_server),
        channel_id_type,
        ValueError,
        f"invalid channel ID type {channel_id_type} (only tls-unique)",
        "TLS transport channel_id for tls-unique requested, but the transport has no TLS",
    )


def extract_peer_certificate(ssl_obj: Any) -> dict[str, Any] | None:
    """``autobahn.util.peer_certificate_details`` of the certificate the TLS peer presented (from the
    ``ssl.SSLObject`` of an asyncio transport); None when it presented none."""
    der = ssl_obj.getpeercert(binary_form=True)
    if not der or not isinstance(der, bytes):
        return None
    from cryptography import x509

    try:
        cert = x509.load_der_x509_certificate(der)
    except ValueError:  # accepted by OpenSSL, but cryptography cannot parse it
        return None
    return peer_certificate_details(cert)


def create_transport_details(transport: Any, is_server: bool) -> Any:
    """The ``TransportDetails`` of an asyncio transport as known when the connection is made
    (WebSocket framing; RawSocket sets its own)."""
    return _transport_details.create(AsyncioTransportFacts(transport, is_server))


def get_serializers() -> list[type]:
    """The WAMP serializer classes installed here, best first (CBOR, MessagePack, UBJSON, JSON)."""
    from autobahn.wamp import serializer

    installed = []
    for name in ("CBORSerializer", "MsgPackSerializer", "UBJSONSerializer", "JsonSerializer"):
        try:
            installed.append(getattr(serializer, name))
        except ImportError:  # its library is not installed (the module names the extra)
            continue
    return installed
