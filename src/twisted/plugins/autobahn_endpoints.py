"""Twisted endpoint plugins: ``autobahn:`` endpoint strings carry a byte stream over WebSocket.

    serverFromString(reactor, r"autobahn:tcp\\:9000\\:interface\\=127.0.0.1:url=ws\\://localhost\\:9000")
    clientFromString(reactor, r"autobahn:tcp\\:host\\=localhost\\:port\\=9000:url=ws\\://localhost\\:9000")

The first argument is the endpoint string of the transport underneath (its colons escaped);
the options are ``url`` (required), ``compression`` (``true``/``false``: permessage-deflate),
``autofrag`` (fragment size, 0 = none), ``subprotocol`` and ``debug`` (``true``/``false``;
accepted, as autobahn accepts it, with no effect). Streams travel in
``WrappingWebSocketServerFactory`` / ``WrappingWebSocketClientFactory`` (autobahn.twisted.websocket).

Installed at ``twisted/plugins/`` (Twisted's plugin namespace), where ``twisted.plugin`` finds it.
"""

from __future__ import annotations

from typing import Any

from twisted.internet.endpoints import clientFromString, serverFromString
from twisted.internet.interfaces import (
    IStreamClientEndpoint,
    IStreamClientEndpointStringParserWithReactor,
    IStreamServerEndpoint,
    IStreamServerEndpointStringParser,
)
from twisted.plugin import IPlugin
from zope.interface import implementer

from autobahn.twisted.websocket import WrappingWebSocketClientFactory, WrappingWebSocketServerFactory

_BOOLEANS = {"true": True, "false": False}


def _boolean(options: dict[str, str], name: str) -> bool:
    value = options[name].strip().lower()
    if value not in _BOOLEANS:
        raise ValueError(f"invalid value {options[name]!r} for {name} (true or false)")
    return _BOOLEANS[value]


def _parseOptions(options: dict[str, str]) -> dict[str, Any]:
    """The wrapping factory's keyword arguments from an endpoint string's options."""
    if "url" not in options:
        raise ValueError("an autobahn endpoint needs the option url (ws:// or wss://)")
    parsed: dict[str, Any] = {"url": options["url"]}
    if "compression" in options:
        parsed["enableCompression"] = _boolean(options, "compression")
    if "autofrag" in options:
        try:
            size = int(options["autofrag"])
        except ValueError:
            raise ValueError(f"invalid value {options['autofrag']!r} for autofrag (a byte count)") from None
        if size < 0:
            raise ValueError(f"negative value {size} for autofrag")
        parsed["autoFragmentSize"] = size
    if "subprotocol" in options:
        parsed["subprotocol"] = options["subprotocol"].strip().lower()
    if "debug" in options:
        _boolean(options, "debug")  # checked, as autobahn does; logging is txaio's to configure
    return parsed


@implementer(IPlugin, IStreamServerEndpoint)
class AutobahnServerEndpoint:
    """Listens on ``endpoint``; each connection carries a stream of ``protocolFactory`` over WebSocket."""

    def __init__(self, reactor: Any, endpoint: Any, options: dict[str, Any]) -> None:
        self._reactor = reactor
        self._endpoint = endpoint
        self._options = options

    def listen(self, protocolFactory: Any) -> Any:
        return self._endpoint.listen(
            WrappingWebSocketServerFactory(protocolFactory, reactor=self._reactor, **self._options)
        )


@implementer(IPlugin, IStreamClientEndpoint)
class AutobahnClientEndpoint:
    """Connects through ``endpoint``; the connection carries ``protocolFactory`` 's stream over WebSocket."""

    def __init__(self, reactor: Any, endpoint: Any, options: dict[str, Any]) -> None:
        self._reactor = reactor
        self._endpoint = endpoint
        self._options = options

    def connect(self, protocolFactory: Any) -> Any:
        return self._endpoint.connect(
            WrappingWebSocketClientFactory(protocolFactory, reactor=self._reactor, **self._options)
        )


@implementer(IPlugin, IStreamServerEndpointStringParser)
class AutobahnServerParser:
    """``serverFromString`` 's parser for the ``autobahn:`` prefix."""

    prefix = "autobahn"

    def parseStreamServer(self, reactor: Any, description: str, **options: str) -> AutobahnServerEndpoint:
        return AutobahnServerEndpoint(reactor, serverFromString(reactor, description), _parseOptions(options))


@implementer(IPlugin, IStreamClientEndpointStringParserWithReactor)
class AutobahnClientParser:
    """``clientFromString`` 's parser for the ``autobahn:`` prefix."""

    prefix = "autobahn"

    def parseStreamClient(self, reactor: Any, *args: str, **options: str) -> AutobahnClientEndpoint:
        if len(args) != 1:
            raise ValueError("an autobahn client endpoint takes exactly one positional argument")
        return AutobahnClientEndpoint(reactor, clientFromString(reactor, args[0]), _parseOptions(options))


autobahnServerParser = AutobahnServerParser()
autobahnClientParser = AutobahnClientParser()
