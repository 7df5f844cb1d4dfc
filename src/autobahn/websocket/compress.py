"""Per-message compression in autobahn's API, and the bridge to the protocol core.

autobahn's API: a client lists what it offers (``perMessageCompressionOffers``, e.g.
``[PerMessageDeflateOffer()]``) and accepts the server's response with a callback
(``perMessageCompressionAccept(response) -> PerMessageDeflateResponseAccept | None``); a
server accepts one of the client's offers with a callback
(``perMessageCompressionAccept(offers) -> PerMessageDeflateOfferAccept | None``).
``PERMESSAGE_COMPRESSION_EXTENSION`` maps each available extension's name to its classes.

The bridge turns those objects into what a connection of the protocol core needs: the
``Sec-WebSocket-Extensions`` strings and a codec (``compress(payload)``, ``start_message()``,
``decompress(chunk, max_length)``, ``finish_message(max_length)``; for permessage-deflate
:class:`autobahn.websocket._deflate.PerMessageDeflate`).

- server: :func:`offers_from_header` (the client's header to offer objects),
  :func:`accept_to_response` (the callback's accept to the response string and codec), or
  both in one: :func:`server_negotiate`;
- client: :func:`offers_to_header` (the request's header), :func:`response_from_header`,
  :func:`response_accept_to_codec`, or all in one: :func:`client_negotiate`;
  :func:`deflate_options_from_offers` for the core's own offer (``DeflateOptions``).

Invalid offers are declined (RFC 7692 §5), where autobahn failed the handshake; an invalid
or unwanted response fails the client's handshake (NegotiationError, a ValueError), as in
autobahn.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from autobahn.websocket import _deflate
from autobahn.websocket._deflate import DeflateOptions, NegotiationError
from autobahn.websocket.compress_base import (
    Codec,
    ExtensionParams,
    PerMessageCompress,
    PerMessageCompressOffer,
    PerMessageCompressOfferAccept,
    PerMessageCompressResponse,
    PerMessageCompressResponseAccept,
)
from autobahn.websocket.compress_brotli import (
    PerMessageBrotli,
    PerMessageBrotliOffer,
    PerMessageBrotliOfferAccept,
    PerMessageBrotliResponse,
    PerMessageBrotliResponseAccept,
)
from autobahn.websocket.compress_brotli import PerMessageBrotliMixin as PerMessageBrotliMixin
from autobahn.websocket.compress_bzip2 import (
    PerMessageBzip2,
    PerMessageBzip2Offer,
    PerMessageBzip2OfferAccept,
    PerMessageBzip2Response,
    PerMessageBzip2ResponseAccept,
)
from autobahn.websocket.compress_bzip2 import PerMessageBzip2Mixin as PerMessageBzip2Mixin
from autobahn.websocket.compress_deflate import (
    PerMessageDeflate,
    PerMessageDeflateOffer,
    PerMessageDeflateOfferAccept,
    PerMessageDeflateResponse,
    PerMessageDeflateResponseAccept,
)
from autobahn.websocket.compress_deflate import PerMessageDeflateMixin as PerMessageDeflateMixin
from autobahn.websocket.compress_snappy import (
    PerMessageSnappy,
    PerMessageSnappyOffer,
    PerMessageSnappyOfferAccept,
    PerMessageSnappyResponse,
    PerMessageSnappyResponseAccept,
)
from autobahn.websocket.compress_snappy import PerMessageSnappyMixin as PerMessageSnappyMixin

# A list, as autobahn's: the optional extensions below add their names when available.
__all__ = [
    "PERMESSAGE_COMPRESSION_EXTENSION",
    "PerMessageCompress",
    "PerMessageCompressOffer",
    "PerMessageCompressOfferAccept",
    "PerMessageCompressResponse",
    "PerMessageCompressResponseAccept",
    "PerMessageDeflate",
    "PerMessageDeflateOffer",
    "PerMessageDeflateOfferAccept",
    "PerMessageDeflateResponse",
    "PerMessageDeflateResponseAccept",
]


PERMESSAGE_COMPRESSION_EXTENSION: dict[str, dict[str, Any]] = {}


def _register(offer: type, offer_accept: type, response: type, response_accept: type, pmce: Any, export: bool) -> None:
    PERMESSAGE_COMPRESSION_EXTENSION[pmce.EXTENSION_NAME] = {
        "Offer": offer,
        "OfferAccept": offer_accept,
        "Response": response,
        "ResponseAccept": response_accept,
        "PMCE": pmce,
    }
    if export:
        __all__.extend(c.__name__ for c in (pmce, offer, offer_accept, response, response_accept))


# The extensions this installation can speak: deflate (zlib) always, bzip2 when Python was
# built with bz2, snappy and brotli when their library is installed.
_register(
    PerMessageDeflateOffer,
    PerMessageDeflateOfferAccept,
    PerMessageDeflateResponse,
    PerMessageDeflateResponseAccept,
    PerMessageDeflate,
    export=False,  # listed above
)
if PerMessageBzip2.available():
    _register(
        PerMessageBzip2Offer,
        PerMessageBzip2OfferAccept,
        PerMessageBzip2Response,
        PerMessageBzip2ResponseAccept,
        PerMessageBzip2,
        export=True,
    )
if PerMessageSnappy.available():
    _register(
        PerMessageSnappyOffer,
        PerMessageSnappyOfferAccept,
        PerMessageSnappyResponse,
        PerMessageSnappyResponseAccept,
        PerMessageSnappy,
        export=True,
    )
if PerMessageBrotli.available():
    _register(
        PerMessageBrotliOffer,
        PerMessageBrotliOfferAccept,
        PerMessageBrotliResponse,
        PerMessageBrotliResponseAccept,
        PerMessageBrotli,
        export=True,
    )

Extensions = str | list[tuple[str, _deflate.Params]]


def _parsed(extensions: Extensions) -> list[tuple[str, _deflate.Params]]:
    """A Sec-WebSocket-Extensions value, parsed (NegotiationError when malformed)."""
    return _deflate.parse_extensions(extensions) if isinstance(extensions, str) else extensions


def _autobahn_params(params: _deflate.Params) -> ExtensionParams:
    """The core's ``[(name, value or None)]`` as autobahn's ``{name: [value or True, ...]}``."""
    result: ExtensionParams = {}
    for name, value in params:
        result.setdefault(name.lower(), []).append(True if value is None else value)
    return result


def _extension(obj: Any) -> dict[str, Any]:
    classes = PERMESSAGE_COMPRESSION_EXTENSION.get(getattr(obj, "EXTENSION_NAME", None))  # type: ignore[arg-type]
    if classes is None:
        raise TypeError(f"{obj!r} is not an object of a compression extension available here")
    return classes


# The server side.


def offers_from_header(extensions: Extensions) -> list[PerMessageCompressOffer]:
    """The compression offers of a client's ``Sec-WebSocket-Extensions`` (a string, or the
    core's parsed list), in the client's order of preference, for the server's
    ``perMessageCompressionAccept(offers)``. Offers of extensions not available here, and
    offers with parameters RFC 7692 does not allow, are left out (declined)."""
    offers = []
    for name, params in _parsed(extensions):
        classes = PERMESSAGE_COMPRESSION_EXTENSION.get(name.lower())
        if classes is None:
            continue
        try:
            offers.append(classes["Offer"].parse(_autobahn_params(params)))
        except NegotiationError:
            continue
    return offers


def accept_to_response(accept: Any) -> tuple[str, Codec]:
    """The server's ``Sec-WebSocket-Extensions`` response item and the connection's codec
    for the accept its ``perMessageCompressionAccept`` returned."""
    classes = _extension(accept)
    if not isinstance(accept, classes["OfferAccept"]):
        raise TypeError(f"perMessageCompressionAccept must return an offer accept or None, got {accept!r}")
    pmce = classes["PMCE"].create_from_offer_accept(True, accept)
    return accept.get_extension_string(), pmce.codec()


def server_negotiate(
    extensions: Extensions, accept: Callable[[list[PerMessageCompressOffer]], PerMessageCompressOfferAccept | None]
) -> tuple[str, Codec] | None:
    """The response item and codec for a client's extensions header, or None when it
    offered nothing usable or ``accept`` (the server's ``perMessageCompressionAccept``)
    declined."""
    offers = offers_from_header(extensions)
    if not offers:
        return None
    chosen = accept(offers)
    return None if chosen is None else accept_to_response(chosen)


# The client side.


def offers_to_header(offers: list[PerMessageCompressOffer]) -> str:
    """The request's ``Sec-WebSocket-Extensions`` value for ``perMessageCompressionOffers``
    (empty for no offers)."""
    for offer in offers:
        if not isinstance(offer, _extension(offer)["Offer"]):
            raise TypeError(f"perMessageCompressionOffers takes offers, got {offer!r}")
    return ", ".join(offer.get_extension_string() for offer in offers)  # type: ignore[attr-defined]


def response_from_header(name: str, params: _deflate.Params) -> PerMessageCompressResponse:
    """The response object of one item of the server's extensions header, for the client's
    ``perMessageCompressionAccept(response)``; NegotiationError when it is not valid."""
    classes = PERMESSAGE_COMPRESSION_EXTENSION.get(name.lower())
    if classes is None:
        raise NegotiationError(f"the server chose extension {name!r}, which is not available here")
    return classes["Response"].parse(_autobahn_params(params))


def response_accept_to_codec(accept: PerMessageCompressResponseAccept) -> Codec:
    """The connection's codec for the accept the client's ``perMessageCompressionAccept`` returned."""
    classes = _extension(accept)
    if not isinstance(accept, classes["ResponseAccept"]):
        raise TypeError(f"perMessageCompressionAccept must return a response accept or None, got {accept!r}")
    return classes["PMCE"].create_from_response_accept(False, accept).codec()


def client_negotiate(
    extensions: Extensions,
    offers: list[PerMessageCompressOffer],
    accept: Callable[[PerMessageCompressResponse], PerMessageCompressResponseAccept | None],
) -> Codec | None:
    """The codec for the server's ``Sec-WebSocket-Extensions`` response (None when it chose
    none). NegotiationError when it chose an extension not offered, more than one, invalid
    parameters, a smaller client window than any offer allowed, or when ``accept`` (the
    client's ``perMessageCompressionAccept``) returns None."""
    codec = None
    offered = {offer.EXTENSION_NAME: offer for offer in offers}
    for name, params in _parsed(extensions):
        if codec is not None:
            raise NegotiationError("multiple occurrence of a permessage-compress extension")
        if name.lower() not in offered:
            raise NegotiationError(f"the server chose extension {name!r}, which was not offered")
        response = response_from_header(name, params)
        window_offered = any(getattr(o, "accept_max_window_bits", False) for o in offers)
        if isinstance(response, PerMessageDeflateResponse) and response.client_max_window_bits and not window_offered:
            raise NegotiationError("client_max_window_bits in the response, but no offer allowed it")
        chosen = accept(response)
        if chosen is None:
            raise NegotiationError("WebSocket permessage-compress extension response from server denied by client")
        codec = response_accept_to_codec(chosen)
    return codec


def deflate_options_from_offers(offers: list[PerMessageCompressOffer]) -> DeflateOptions | None:
    """The core's ``DeflateOptions`` closest to the first ``PerMessageDeflateOffer`` (None
    without one), for a client that lets the core make its own offer: the request for server
    no context takeover carries over; an offer accepting client no context takeover makes our
    compressor reset per message; a requested server window size cannot be expressed."""
    for offer in offers:
        if isinstance(offer, PerMessageDeflateOffer):
            return DeflateOptions(
                request_no_context_takeover=offer.request_no_context_takeover,
                no_context_takeover=offer.accept_no_context_takeover,
            )
    return None
