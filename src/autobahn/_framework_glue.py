"""What the asyncio and Twisted integrations share, written once: the lazy names of their
packages, the body of the ``Wamp*`` WebSocket factories' ``__init__``, and the WebSocket or RawSocket client factory
an ``ApplicationRunner`` or a ``Component`` makes for a URL. Each framework module passes in
only what is its own (its WebSocket classes, its loop or reactor, its futures).

Nothing here imports a framework, nor WAMP until a function that needs it is called, so the
packages ``autobahn.asyncio`` and ``autobahn.twisted`` stay cheap to import.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from typing import Any

# The WebSocket options an ApplicationRunner sets on its client factory, on both frameworks (as
# autobahn 26.10.2's runners do): limits for typical components, quick handshakes, pings that
# notice a dead router. failByDrop is the one autobahn set differently per framework (see
# runner_transport_factory).
RUNNER_WEBSOCKET_OPTIONS: dict[str, Any] = {
    "maxFramePayloadSize": 1048576,
    "maxMessagePayloadSize": 1048576,
    "autoFragmentSize": 65536,
    "openHandshakeTimeout": 2.5,
    "closeHandshakeTimeout": 1.0,
    "tcpNoDelay": True,
    "autoPingInterval": 10.0,
    "autoPingTimeout": 5.0,
    "autoPingSize": 12,
}


# What both framework packages (autobahn.asyncio, autobahn.twisted) export, as autobahn's do.
PACKAGE_NAMES = (
    "ApplicationSession",
    "WebSocketClientFactory",
    "WebSocketClientProtocol",
    "WebSocketServerFactory",
    "WebSocketServerProtocol",
)


def lazy_package_names(package: str, own: dict[str, str]) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """A framework package's ``__getattr__`` and ``__dir__``: :data:`PACKAGE_NAMES` (from the package's
    ``wamp`` and ``websocket`` modules), ``USES_NVX`` and the package's ``own`` names (name -> module)
    are imported on first use."""
    lazy = {name: f"{package}.websocket" for name in PACKAGE_NAMES}
    lazy.update(ApplicationSession=f"{package}.wamp", USES_NVX="autobahn.websocket", **own)

    def __getattr__(name: str) -> object:
        module = lazy.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(module), name)

    def __dir__() -> list[str]:
        return sorted({*vars(sys.modules[package]), *lazy})

    return __getattr__, __dir__


def init_wamp_factory(self: Any, websocket_factory: type, factory: Any, args: tuple, kwargs: dict) -> None:
    """The body of a framework's ``WampWebSocket{Server,Client}Factory.__init__(factory, *args, **kwargs)``:
    the WAMP mixin's part (``factory`` makes the sessions, ``serializers=`` picks the subprotocols), then
    the framework's ``websocket_factory`` with those subprotocols."""
    from autobahn.wamp.websocket import WampWebSocketFactory

    WampWebSocketFactory.__init__(self, factory, kwargs.pop("serializers", None))
    kwargs["protocols"] = self._protocols
    websocket_factory.__init__(self, *args, **kwargs)


# The Wamp* WebSocket classes of a framework module (its __all__ has them). Each module declares them
# as classes of its own, so that type checkers and readers see them (a few lines each).
WAMP_WEBSOCKET_NAMES = (
    "WampWebSocketServerProtocol",
    "WampWebSocketServerFactory",
    "WampWebSocketClientProtocol",
    "WampWebSocketClientFactory",
)


def runner_transport_factory(
    runner: Any,
    create: Any,
    websocket_factory: type,
    rawsocket_factory: type,
    fail_by_drop: bool,
    websocket_options: dict[str, Any] | None = None,
    **framework_kwargs: Any,
) -> tuple[Any, bool, str, Any]:
    """The client factory an ApplicationRunner connects with, for its URL (``rs://``/``rss://``:
    RawSocket with the first of its serializers; else WebSocket with :data:`RUNNER_WEBSOCKET_OPTIONS`,
    ``failByDrop=fail_by_drop`` and then ``websocket_options``), and the URL's TLS flag, host and port.

    ``fail_by_drop`` is the framework's: autobahn 26.10.2's asyncio runner does not drop the TCP
    connection on a protocol error (False), its Twisted runner does (True)."""
    if runner.url.startswith("rs"):
        from autobahn.rawsocket.util import parse_url as parse_rs_url

        is_secure, host, port = parse_rs_url(runner.url)
        serializer = runner.serializers[0] if runner.serializers else None
        return rawsocket_factory(create, serializer=serializer), is_secure, host, port
    factory = websocket_factory(
        create,
        url=runner.url,
        serializers=runner.serializers,
        proxy=runner.proxy,
        headers=runner.headers,
        **framework_kwargs,
    )
    factory.setProtocolOptions(**{**RUNNER_WEBSOCKET_OPTIONS, "failByDrop": fail_by_drop, **(websocket_options or {})})
    return factory, factory.isSecure, factory.host, factory.port


def component_transport_factory(
    transport: Any, session_factory: Any, websocket_factory: type, rawsocket_factory: type, **framework_kwargs: Any
) -> Any:
    """The WAMP-over-WebSocket or -RawSocket client factory for one transport of a Component (its
    ``transport.options`` applied); ``framework_kwargs`` go to the WebSocket factory."""
    from autobahn.wamp.component import _apply_transport_options
    from autobahn.wamp.serializer import create_transport_serializer, create_transport_serializers

    if transport.type == "websocket":
        serializers = create_transport_serializers(transport)
        factory = websocket_factory(
            session_factory,
            url=transport.url,
            serializers=serializers,
            proxy=transport.proxy,
            headers=transport.headers,
            **framework_kwargs,
        )
    else:
        factory = rawsocket_factory(session_factory, serializer=create_transport_serializer(transport.serializers[0]))
    _apply_transport_options(factory, transport)
    return factory


class RunnerSettings:
    """The connection settings both frameworks' ApplicationRunner keep (their common base)."""

    def __init__(self, url: str, realm: Any, extra: Any, serializers: Any, ssl: Any, proxy: Any, headers: Any) -> None:
        self.url = url
        self.realm = realm
        self.extra = extra or {}
        self.serializers = serializers
        self.ssl = ssl
        self.proxy = proxy
        self.headers = headers
