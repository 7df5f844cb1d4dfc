"""WAMP over RawSocket on asyncio (TCP and Unix sockets, client and server).

The handshake, framing and WAMP handling are framework-independent
(:mod:`autobahn.rawsocket.sansio`, :mod:`autobahn.rawsocket._wamp`); these classes only move bytes::

    factory = WampRawSocketClientFactory(session_factory, serializer=CBORSerializer())
    await loop.create_connection(factory, "127.0.0.1", 8080)     # or loop.create_unix_connection(factory, path)

A malformed frame or handshake closes the connection; a message the serializer cannot parse
aborts the WAMP session with ``wamp.error.protocol_violation`` first.
"""

from __future__ import annotations

import asyncio
from typing import Any

from autobahn._txaio import use_framework
from autobahn.rawsocket._wamp import WampRawSocketFactoryBase, WampRawSocketTransport

use_framework("asyncio")

__all__ = (
    "WampRawSocketClientFactory",
    "WampRawSocketClientProtocol",
    "WampRawSocketServerFactory",
    "WampRawSocketServerProtocol",
)


def _transport_details(transport: asyncio.BaseTransport, is_server: bool) -> Any:
    from autobahn.wamp.types import TransportDetails

    peername = transport.get_extra_info("peername")
    if isinstance(peername, tuple):
        host, port = peername[0], peername[1]
        peer = f"tcp6:{host}:{port}" if ":" in host else f"tcp4:{host}:{port}"
    else:
        peer = f"unix:{peername or transport.get_extra_info('sockname') or ''}"
    is_tls = transport.get_extra_info("sslcontext") is not None
    return TransportDetails(
        channel_type=TransportDetails.CHANNEL_TYPE_TLS if is_tls else TransportDetails.CHANNEL_TYPE_TCP,
        channel_framing=TransportDetails.CHANNEL_FRAMING_RAWSOCKET,
        peer=peer,
        is_server=is_server,
        is_secure=is_tls,
    )


class _AsyncioRawSocket(WampRawSocketTransport, asyncio.Protocol):
    """Bytes between an asyncio transport and the WAMP-RawSocket transport."""

    transport: asyncio.Transport | None = None
    is_closed: asyncio.Future[bool] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.is_closed = asyncio.get_running_loop().create_future()
        self._transport_details = _transport_details(transport, self.is_server)
        self._started()

    def data_received(self, data: bytes) -> None:
        self._received(data)

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        if self.is_closed is not None and not self.is_closed.done():
            self.is_closed.set_result(exc is None)
        self._lost(exc is None)

    def _write(self, data: bytes) -> None:
        if self.transport is not None:
            self.transport.write(data)

    def _close(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.close()

    def _abort(self) -> None:
        if self.transport is not None:
            self.transport.abort()

    def _writable(self) -> bool:
        return self.transport is not None and not self.transport.is_closing()


class WampRawSocketServerProtocol(_AsyncioRawSocket):
    """asyncio WAMP-over-RawSocket server protocol (implements ``autobahn.wamp.interfaces.ITransport``)."""

    is_server = True


class WampRawSocketClientProtocol(_AsyncioRawSocket):
    """asyncio WAMP-over-RawSocket client protocol (implements ``autobahn.wamp.interfaces.ITransport``)."""


class WampRawSocketFactory(WampRawSocketFactoryBase):
    """asyncio calls the factory to make a protocol per connection."""

    protocol: type[_AsyncioRawSocket]

    def __call__(self) -> _AsyncioRawSocket:
        proto = self.protocol()
        proto.factory = self
        proto._set_max_message_size(self._max_message_size)
        return proto


class WampRawSocketServerFactory(WampRawSocketFactory):
    """asyncio WAMP-over-RawSocket server factory: ``loop.create_server(factory, host, port)``."""

    protocol = WampRawSocketServerProtocol

    def __init__(self, factory: Any, serializers: list[Any] | None = None) -> None:
        self._init_server(factory, serializers)


class WampRawSocketClientFactory(WampRawSocketFactory):
    """asyncio WAMP-over-RawSocket client factory: ``loop.create_connection(factory, host, port)``."""

    protocol = WampRawSocketClientProtocol

    def __init__(self, factory: Any, serializer: Any = None) -> None:
        self._init_client(factory, serializer)
