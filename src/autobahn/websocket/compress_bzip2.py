"""permessage-bzip2 (autobahn's non-standard extension): each message is one complete bzip2
stream. Parameters: the compress levels (1..9) each side may ask the other to stay under."""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

from autobahn.util import public
from autobahn.websocket.compress_base import (
    CappedDecompress,
    Codec,
    CorruptPayload,
    ExtensionParams,
    PerMessageCompress,
    PerMessageCompressOffer,
    PerMessageCompressOfferAccept,
    PerMessageCompressResponse,
    PerMessageCompressResponseAccept,
    StreamingCodec,
    check_bool,
    check_choice,
    flag,
    int_in,
    missing_library,
    repr_of,
    single_values,
    unknown,
)

__all__ = (
    "PerMessageBzip2",
    "PerMessageBzip2Mixin",
    "PerMessageBzip2Offer",
    "PerMessageBzip2OfferAccept",
    "PerMessageBzip2Response",
    "PerMessageBzip2ResponseAccept",
)


class PerMessageBzip2Mixin:
    """The extension's name and permissible compress levels."""

    EXTENSION_NAME = "permessage-bzip2"
    COMPRESS_LEVEL_PERMISSIBLE_VALUES = [1, 2, 3, 4, 5, 6, 7, 8, 9]


@public
class PerMessageBzip2Offer(PerMessageCompressOffer, PerMessageBzip2Mixin):
    """A client's offer: ``accept_max_compress_level`` (the server may cap the client's
    level), ``request_max_compress_level`` (1..9, 0: none; caps the server's)."""

    @classmethod
    def parse(cls, params: ExtensionParams) -> PerMessageBzip2Offer:
        """The offer a client sent; NegotiationError for a parameter not allowed."""
        accept, request = False, 0
        name = cls.EXTENSION_NAME
        for key, value in single_values(name, params).items():
            if key == "client_max_compress_level":
                accept = flag(name, key, value)
            elif key == "server_max_compress_level":
                request = int_in(name, key, value, cls.COMPRESS_LEVEL_PERMISSIBLE_VALUES)
            else:
                raise unknown(name, key)
        return cls(accept, request)

    def __init__(self, accept_max_compress_level: bool = True, request_max_compress_level: int = 0):
        check_bool("accept_max_compress_level", accept_max_compress_level)
        levels = self.COMPRESS_LEVEL_PERMISSIBLE_VALUES
        check_choice("request_max_compress_level", request_max_compress_level, levels, True)
        self.accept_max_compress_level = accept_max_compress_level
        self.request_max_compress_level = request_max_compress_level

    def get_extension_string(self) -> str:
        """The offer as a ``Sec-WebSocket-Extensions`` item."""
        parts = [self.EXTENSION_NAME]
        if self.accept_max_compress_level:
            parts.append("client_max_compress_level")
        if self.request_max_compress_level:
            parts.append(f"server_max_compress_level={self.request_max_compress_level}")
        return "; ".join(parts)

    _FIELDS = ("accept_max_compress_level", "request_max_compress_level")


@public
class PerMessageBzip2OfferAccept(PerMessageCompressOfferAccept, PerMessageBzip2Mixin):
    """A server's acceptance: ``request_max_compress_level`` caps the client's level (if its
    offer accepts that), ``compress_level`` sets the server's own (within the client's cap)."""

    def __init__(
        self, offer: PerMessageBzip2Offer, request_max_compress_level: int = 0, compress_level: int | None = None
    ):
        if not isinstance(offer, PerMessageBzip2Offer):
            raise TypeError(f"invalid type {type(offer).__name__} for offer: must be PerMessageBzip2Offer")
        levels = self.COMPRESS_LEVEL_PERMISSIBLE_VALUES
        check_choice("request_max_compress_level", request_max_compress_level, levels, True)
        if request_max_compress_level and not offer.accept_max_compress_level:
            raise ValueError("request_max_compress_level: the client does not accept it")
        if compress_level is not None:
            check_choice("compress_level", compress_level, levels)
            if offer.request_max_compress_level and compress_level > offer.request_max_compress_level:
                raise ValueError(
                    f"compress_level={compress_level}: the client requested at most {offer.request_max_compress_level}"
                )
        self.offer = offer
        self.request_max_compress_level = request_max_compress_level
        self.compress_level = compress_level

    def get_extension_string(self) -> str:
        """The server's response as a ``Sec-WebSocket-Extensions`` item."""
        parts = [self.EXTENSION_NAME]
        if self.offer.request_max_compress_level:
            parts.append(f"server_max_compress_level={self.offer.request_max_compress_level}")
        if self.request_max_compress_level:
            parts.append(f"client_max_compress_level={self.request_max_compress_level}")
        return "; ".join(parts)

    _NESTED = "offer"
    _FIELDS = ("request_max_compress_level", "compress_level")


@public
class PerMessageBzip2Response(PerMessageCompressResponse, PerMessageBzip2Mixin):
    """A server's response (levels 0: not given)."""

    @classmethod
    def parse(cls, params: ExtensionParams) -> PerMessageBzip2Response:
        """The response a server sent; NegotiationError for a parameter not allowed."""
        values = {"client_max_compress_level": 0, "server_max_compress_level": 0}
        for key, value in single_values(cls.EXTENSION_NAME, params).items():
            if key not in values:
                raise unknown(cls.EXTENSION_NAME, key)
            values[key] = int_in(cls.EXTENSION_NAME, key, value, cls.COMPRESS_LEVEL_PERMISSIBLE_VALUES)
        return cls(**values)

    def __init__(self, client_max_compress_level: int, server_max_compress_level: int):
        self.client_max_compress_level = client_max_compress_level
        self.server_max_compress_level = server_max_compress_level

    _FIELDS = ("client_max_compress_level", "server_max_compress_level")


@public
class PerMessageBzip2ResponseAccept(PerMessageCompressResponseAccept, PerMessageBzip2Mixin):
    """A client's acceptance; ``compress_level`` sets its own level (within the server's cap)."""

    def __init__(self, response: PerMessageBzip2Response, compress_level: int | None = None):
        if not isinstance(response, PerMessageBzip2Response):
            raise TypeError(f"invalid type {type(response).__name__} for response: must be PerMessageBzip2Response")
        if compress_level is not None:
            check_choice("compress_level", compress_level, self.COMPRESS_LEVEL_PERMISSIBLE_VALUES)
            cap = response.client_max_compress_level
            if cap and compress_level > cap:
                raise ValueError(f"compress_level={compress_level}: the server requested at most {cap}")
        self.response = response
        self.compress_level = compress_level

    _NESTED = "response"
    _FIELDS = ("compress_level",)


class PerMessageBzip2(CappedDecompress, PerMessageCompress, PerMessageBzip2Mixin):
    """The negotiated permessage-bzip2 processor (levels 0: the default, 9)."""

    DEFAULT_COMPRESS_LEVEL = 9

    @classmethod
    def available(cls) -> bool:
        """True when this Python has the bz2 module."""
        return importlib.util.find_spec("bz2") is not None

    @classmethod
    def create_from_response_accept(cls, is_server: bool, accept: PerMessageBzip2ResponseAccept) -> PerMessageBzip2:
        """The client's processor after accepting the server's response."""
        response = accept.response
        own = accept.compress_level if accept.compress_level is not None else response.client_max_compress_level
        return cls(is_server, response.server_max_compress_level, own)

    @classmethod
    def create_from_offer_accept(cls, is_server: bool, accept: PerMessageBzip2OfferAccept) -> PerMessageBzip2:
        """The server's processor after accepting a client's offer."""
        own = accept.compress_level if accept.compress_level is not None else accept.offer.request_max_compress_level
        return cls(is_server, own, accept.request_max_compress_level)

    def __init__(self, is_server: bool, server_max_compress_level: int, client_max_compress_level: int):
        try:
            self._bz2: Any = importlib.import_module("bz2")
        except ImportError:
            raise missing_library(self.EXTENSION_NAME, "bz2", "a Python built with libbz2") from None
        self._is_server = is_server
        self.server_max_compress_level = server_max_compress_level or self.DEFAULT_COMPRESS_LEVEL
        self.client_max_compress_level = client_max_compress_level or self.DEFAULT_COMPRESS_LEVEL
        self._compressor: Any = None
        self._decompressor: Any = None

    def __json__(self) -> dict[str, Any]:
        return {
            "extension": self.EXTENSION_NAME,
            "isServer": self._is_server,
            "server_max_compress_level": self.server_max_compress_level,
            "client_max_compress_level": self.client_max_compress_level,
        }

    def __repr__(self) -> str:
        return repr_of(self, ["_is_server", "server_max_compress_level", "client_max_compress_level"])

    def codec(self) -> Codec:
        """The protocol core's codec: this processor, one whole message at a time."""
        return StreamingCodec(self)

    def start_compress_message(self) -> None:
        """Begin a message: a new bzip2 stream."""
        level = self.server_max_compress_level if self._is_server else self.client_max_compress_level
        self._compressor = self._bz2.BZ2Compressor(level)

    def compress_message_data(self, data: bytes) -> bytes:
        return self._compressor.compress(data)

    def end_compress_message(self) -> bytes:
        """The end of the message's stream (a bzip2 compressor cannot continue after it)."""
        data = self._compressor.flush()
        self._compressor = None
        return data

    def start_decompress_message(self) -> None:
        self._decompressor = self._bz2.BZ2Decompressor()

    def _decompress(self, data: bytes, cap: int | None) -> bytes:
        try:
            return self._decompressor.decompress(data, -1 if cap is None else cap)
        except (OSError, EOFError) as exc:  # invalid data / data after the stream's end
            raise CorruptPayload(f"invalid permessage-bzip2 data: {exc}") from exc

    def end_decompress_message(self) -> None:
        """Finish the message: its stream must be complete."""
        complete = self._decompressor.eof
        self._decompressor = None
        if not complete:
            raise CorruptPayload("truncated permessage-bzip2 data")


# Names autobahn 26.11.1 also has here (programs import them from this module).
from autobahn.exception import PayloadCorruptError, PayloadExceededError  # noqa: E402, F401
