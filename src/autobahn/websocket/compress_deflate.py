"""permessage-deflate (RFC 7692) in autobahn's classes: what a client offers, how a server
accepts, what the server responds, how the client accepts that, and the negotiated processor.

The processor's ``codec()`` is the protocol core's :class:`autobahn.websocket._deflate.PerMessageDeflate`
with the same parameters, which is what connections use; the streaming methods here
(``start_compress_message`` ...), autobahn's API for programs that compress themselves, run on
that same codec: zlib is driven in one place.
"""

from __future__ import annotations

import zlib
from typing import Any

from autobahn.exception import PayloadExceededError
from autobahn.util import public
from autobahn.websocket import _deflate
from autobahn.websocket.compress_base import (
    CorruptPayload,
    ExtensionParams,
    PerMessageCompress,
    PerMessageCompressOffer,
    PerMessageCompressOfferAccept,
    PerMessageCompressResponse,
    PerMessageCompressResponseAccept,
    check_bool,
    check_choice,
    flag,
    int_in,
    single_values,
    unknown,
)

__all__ = (
    "PerMessageDeflate",
    "PerMessageDeflateMixin",
    "PerMessageDeflateOffer",
    "PerMessageDeflateOfferAccept",
    "PerMessageDeflateResponse",
    "PerMessageDeflateResponseAccept",
)


class PerMessageDeflateMixin:
    """The extension's name and permissible parameter values."""

    EXTENSION_NAME = _deflate.EXTENSION_NAME
    # zlib cannot compress with an 8-bit window, so neither side asks for or uses one.
    WINDOW_SIZE_PERMISSIBLE_VALUES = [9, 10, 11, 12, 13, 14, 15]
    MEM_LEVEL_PERMISSIBLE_VALUES = [1, 2, 3, 4, 5, 6, 7, 8, 9]


def _check_own_compressor(
    no_context_takeover: bool | None,
    window_bits: int | None,
    mem_level: int | None,
    peer_requires_no_context_takeover: bool,
    peer_max_window_bits: int,
) -> None:
    """An accept's settings of its own compressor (None: as negotiated) must be valid and
    honour what the peer requested."""
    if no_context_takeover is not None:
        check_bool("no_context_takeover", no_context_takeover)
        if peer_requires_no_context_takeover and not no_context_takeover:
            raise ValueError("no_context_takeover=False: the peer requested no context takeover")
    if window_bits is not None:
        check_choice("window_bits", window_bits, PerMessageDeflateMixin.WINDOW_SIZE_PERMISSIBLE_VALUES)
        if peer_max_window_bits and window_bits > peer_max_window_bits:
            raise ValueError(f"window_bits={window_bits}: the peer requested at most {peer_max_window_bits}")
    if mem_level is not None:
        check_choice("mem_level", mem_level, PerMessageDeflateMixin.MEM_LEVEL_PERMISSIBLE_VALUES)


@public
class PerMessageDeflateOffer(PerMessageCompressOffer, PerMessageDeflateMixin):
    """A client's permessage-deflate offer.

    ``accept_no_context_takeover`` / ``accept_max_window_bits``: the client lets the server
    ask it to reset its compressor per message / to use a smaller window (offered as
    ``client_no_context_takeover`` / ``client_max_window_bits``). ``request_no_context_takeover``
    / ``request_max_window_bits`` (9..15, 0: none): the client asks the server to
    (``server_no_context_takeover`` / ``server_max_window_bits=N``).
    """

    @classmethod
    def parse(cls, params: ExtensionParams) -> PerMessageDeflateOffer:
        """The offer a client sent (params: each name to its list of values, True for none);
        NegotiationError (a ValueError) for a parameter RFC 7692 does not allow."""
        accept_max_window_bits = False
        accept_no_context_takeover = True
        request_max_window_bits = 0
        request_no_context_takeover = False
        name = cls.EXTENSION_NAME
        for key, value in single_values(name, params).items():
            if key == "client_max_window_bits":
                if value is not True:
                    int_in(name, key, value, [8, *cls.WINDOW_SIZE_PERMISSIBLE_VALUES])  # only a hint
                accept_max_window_bits = True
            elif key == "client_no_context_takeover":
                accept_no_context_takeover = flag(name, key, value)
            elif key == "server_max_window_bits":
                request_max_window_bits = int_in(name, key, value, cls.WINDOW_SIZE_PERMISSIBLE_VALUES)
            elif key == "server_no_context_takeover":
                request_no_context_takeover = flag(name, key, value)
            else:
                raise unknown(name, key)
        return cls(
            accept_no_context_takeover, accept_max_window_bits, request_no_context_takeover, request_max_window_bits
        )

    def __init__(
        self,
        accept_no_context_takeover: bool = True,
        accept_max_window_bits: bool = True,
        request_no_context_takeover: bool = False,
        request_max_window_bits: int = 0,
    ):
        check_bool("accept_no_context_takeover", accept_no_context_takeover)
        check_bool("accept_max_window_bits", accept_max_window_bits)
        check_bool("request_no_context_takeover", request_no_context_takeover)
        check_choice("request_max_window_bits", request_max_window_bits, self.WINDOW_SIZE_PERMISSIBLE_VALUES, True)
        self.accept_no_context_takeover = accept_no_context_takeover
        self.accept_max_window_bits = accept_max_window_bits
        self.request_no_context_takeover = request_no_context_takeover
        self.request_max_window_bits = request_max_window_bits

    def get_extension_string(self) -> str:
        """The offer as a ``Sec-WebSocket-Extensions`` item."""
        parts = [self.EXTENSION_NAME]
        if self.accept_no_context_takeover:
            parts.append("client_no_context_takeover")
        if self.accept_max_window_bits:
            parts.append("client_max_window_bits")
        if self.request_no_context_takeover:
            parts.append("server_no_context_takeover")
        if self.request_max_window_bits:
            parts.append(f"server_max_window_bits={self.request_max_window_bits}")
        return "; ".join(parts)

    _FIELDS = (
        "accept_no_context_takeover",
        "accept_max_window_bits",
        "request_no_context_takeover",
        "request_max_window_bits",
    )


@public
class PerMessageDeflateOfferAccept(PerMessageCompressOfferAccept, PerMessageDeflateMixin):
    """A server's acceptance of ``offer``.

    ``request_no_context_takeover`` / ``request_max_window_bits``: ask the client to reset
    its compressor per message / to use a smaller window (allowed only when the offer
    accepts it). ``no_context_takeover`` / ``window_bits``: override the server's own
    compressor (never weaker than the client requested). ``mem_level``: zlib memory level
    (1..9) of the server's compressor. ``max_message_size``: a decompressed size limit.
    """

    def __init__(
        self,
        offer: PerMessageDeflateOffer,
        request_no_context_takeover: bool = False,
        request_max_window_bits: int = 0,
        no_context_takeover: bool | None = None,
        window_bits: int | None = None,
        mem_level: int | None = None,
        max_message_size: int | None = None,
    ):
        if not isinstance(offer, PerMessageDeflateOffer):
            raise TypeError(f"invalid type {type(offer).__name__} for offer: must be PerMessageDeflateOffer")
        check_bool("request_no_context_takeover", request_no_context_takeover)
        if request_no_context_takeover and not offer.accept_no_context_takeover:
            raise ValueError("request_no_context_takeover: the client does not accept it")
        check_choice("request_max_window_bits", request_max_window_bits, self.WINDOW_SIZE_PERMISSIBLE_VALUES, True)
        if request_max_window_bits and not offer.accept_max_window_bits:
            raise ValueError("request_max_window_bits: the client does not accept it")
        _check_own_compressor(
            no_context_takeover,
            window_bits,
            mem_level,
            offer.request_no_context_takeover,
            offer.request_max_window_bits,
        )
        self.offer = offer
        self.request_no_context_takeover = request_no_context_takeover
        self.request_max_window_bits = request_max_window_bits
        self.no_context_takeover = no_context_takeover
        self.window_bits = window_bits
        self.mem_level = mem_level
        self.max_message_size = max_message_size

    def get_extension_string(self) -> str:
        """The server's response as a ``Sec-WebSocket-Extensions`` item."""
        parts = [self.EXTENSION_NAME]
        if self.offer.request_no_context_takeover:
            parts.append("server_no_context_takeover")
        if self.offer.request_max_window_bits:
            parts.append(f"server_max_window_bits={self.offer.request_max_window_bits}")
        if self.request_no_context_takeover:
            parts.append("client_no_context_takeover")
        if self.request_max_window_bits:
            parts.append(f"client_max_window_bits={self.request_max_window_bits}")
        return "; ".join(parts)

    _FIELDS = (
        "request_no_context_takeover",
        "request_max_window_bits",
        "no_context_takeover",
        "window_bits",
        "mem_level",
        "max_message_size",
    )
    _NESTED = "offer"


@public
class PerMessageDeflateResponse(PerMessageCompressResponse, PerMessageDeflateMixin):
    """A server's permessage-deflate response (window bits 0: not given)."""

    @classmethod
    def parse(cls, params: ExtensionParams) -> PerMessageDeflateResponse:
        """The response a server sent; NegotiationError for a parameter RFC 7692 does not allow."""
        values: dict[str, Any] = {
            "client_max_window_bits": 0,
            "client_no_context_takeover": False,
            "server_max_window_bits": 0,
            "server_no_context_takeover": False,
        }
        name = cls.EXTENSION_NAME
        for key, value in single_values(name, params).items():
            if key in ("client_max_window_bits", "server_max_window_bits"):
                values[key] = int_in(name, key, value, cls.WINDOW_SIZE_PERMISSIBLE_VALUES)
            elif key in ("client_no_context_takeover", "server_no_context_takeover"):
                values[key] = flag(name, key, value)
            else:
                raise unknown(name, key)
        return cls(**values)

    def __init__(
        self,
        client_max_window_bits: int,
        client_no_context_takeover: bool,
        server_max_window_bits: int,
        server_no_context_takeover: bool,
    ):
        self.client_max_window_bits = client_max_window_bits
        self.client_no_context_takeover = client_no_context_takeover
        self.server_max_window_bits = server_max_window_bits
        self.server_no_context_takeover = server_no_context_takeover

    _FIELDS = (
        "client_max_window_bits",
        "client_no_context_takeover",
        "server_max_window_bits",
        "server_no_context_takeover",
    )


@public
class PerMessageDeflateResponseAccept(PerMessageCompressResponseAccept, PerMessageDeflateMixin):
    """A client's acceptance of ``response``; ``no_context_takeover`` / ``window_bits`` /
    ``mem_level`` override the client's own compressor (never weaker than the server
    asked), ``max_message_size`` limits decompressed messages."""

    def __init__(
        self,
        response: PerMessageDeflateResponse,
        no_context_takeover: bool | None = None,
        window_bits: int | None = None,
        mem_level: int | None = None,
        max_message_size: int | None = None,
    ):
        if not isinstance(response, PerMessageDeflateResponse):
            raise TypeError(f"invalid type {type(response).__name__} for response: must be PerMessageDeflateResponse")
        _check_own_compressor(
            no_context_takeover,
            window_bits,
            mem_level,
            response.client_no_context_takeover,
            response.client_max_window_bits,
        )
        self.response = response
        self.no_context_takeover = no_context_takeover
        self.window_bits = window_bits
        self.mem_level = mem_level
        self.max_message_size = max_message_size

    _FIELDS = ("no_context_takeover", "window_bits", "mem_level")
    _NESTED = "response"


class PerMessageDeflate(PerMessageCompress, PerMessageDeflateMixin):
    """The negotiated permessage-deflate processor of one connection end (``is_server``).

    Window bits 0 mean the default (15), a ``mem_level`` of 0/None the default (8).
    """

    DEFAULT_WINDOW_BITS = zlib.MAX_WBITS
    DEFAULT_MEM_LEVEL = 8

    @classmethod
    def create_from_response_accept(cls, is_server: bool, accept: PerMessageDeflateResponseAccept) -> PerMessageDeflate:
        """The client's processor after accepting the server's response."""
        response = accept.response
        return cls(
            is_server,
            response.server_no_context_takeover,
            accept.no_context_takeover
            if accept.no_context_takeover is not None
            else response.client_no_context_takeover,
            response.server_max_window_bits,
            accept.window_bits if accept.window_bits is not None else response.client_max_window_bits,
            accept.mem_level,
            accept.max_message_size,
        )

    @classmethod
    def create_from_offer_accept(cls, is_server: bool, accept: PerMessageDeflateOfferAccept) -> PerMessageDeflate:
        """The server's processor after accepting a client's offer."""
        offer = accept.offer
        return cls(
            is_server,
            accept.no_context_takeover if accept.no_context_takeover is not None else offer.request_no_context_takeover,
            accept.request_no_context_takeover,
            accept.window_bits if accept.window_bits is not None else offer.request_max_window_bits,
            accept.request_max_window_bits,
            accept.mem_level,
            accept.max_message_size,
        )

    @classmethod
    def from_codec(cls, codec: _deflate.PerMessageDeflate, is_server: bool = True) -> PerMessageDeflate:
        """The processor describing a connection's negotiated codec (for
        ``websocket_extensions_in_use``); ``codec()`` returns that very codec."""
        own_nct, peer_nct = codec.compress_no_context_takeover, codec.decompress_no_context_takeover
        bits = codec.compress_window_bits
        if is_server:
            pmce = cls(True, own_nct, peer_nct, bits, 0, codec._mem_level)
        else:
            pmce = cls(False, peer_nct, own_nct, 0, bits, codec._mem_level)
        pmce._codec = codec
        return pmce

    def __init__(
        self,
        is_server: bool,
        server_no_context_takeover: bool,
        client_no_context_takeover: bool,
        server_max_window_bits: int,
        client_max_window_bits: int,
        mem_level: int | None,
        max_message_size: int | None = None,
    ):
        self._is_server = is_server
        self.server_no_context_takeover = server_no_context_takeover
        self.client_no_context_takeover = client_no_context_takeover
        self.server_max_window_bits = server_max_window_bits or self.DEFAULT_WINDOW_BITS
        self.client_max_window_bits = client_max_window_bits or self.DEFAULT_WINDOW_BITS
        self.mem_level = mem_level or self.DEFAULT_MEM_LEVEL
        self.max_message_size = max_message_size  # None: no limit
        self._codec: _deflate.PerMessageDeflate | None = None
        self._decompressed = 0  # bytes of the message being decompressed so far

    def _own(self) -> tuple[bool, int]:
        """(no context takeover, window bits) of this end's compressor."""
        if self._is_server:
            return self.server_no_context_takeover, self.server_max_window_bits
        return self.client_no_context_takeover, self.client_max_window_bits

    def _peer(self) -> tuple[bool, int]:
        if self._is_server:
            return self.client_no_context_takeover, self.client_max_window_bits
        return self.server_no_context_takeover, self.server_max_window_bits

    def codec(self) -> _deflate.PerMessageDeflate:
        """The protocol core's codec with these parameters (one per processor)."""
        if self._codec is None:
            own_nct, own_bits = self._own()
            self._codec = _deflate.PerMessageDeflate(
                compress_no_context_takeover=own_nct,
                decompress_no_context_takeover=self._peer()[0],
                compress_window_bits=own_bits,
                mem_level=self.mem_level,
            )
        return self._codec

    def __json__(self) -> dict[str, Any]:
        return {
            "extension": self.EXTENSION_NAME,
            "is_server": self._is_server,
            "server_no_context_takeover": self.server_no_context_takeover,
            "client_no_context_takeover": self.client_no_context_takeover,
            "server_max_window_bits": self.server_max_window_bits,
            "client_max_window_bits": self.client_max_window_bits,
            "mem_level": self.mem_level,
        }

    def __repr__(self) -> str:
        fields = ", ".join(f"{k} = {v!r}" for k, v in self.__json__().items() if k != "extension")
        return f"PerMessageDeflate({fields})"

    # The streaming methods below are the codec's (one zlib implementation: the connections'); what
    # is this class's own is the message budget, max_message_size, and autobahn's exception types.
    def start_compress_message(self) -> None:
        """Begin compressing a message (a fresh compressor without context takeover)."""
        self.codec().start_compress()

    def compress_message_data(self, data: bytes) -> bytes:
        """Compressed bytes of the next piece of the message."""
        return self.codec().compress_piece(data)

    def end_compress_message(self) -> bytes:
        """The message's last compressed bytes (sync flush, its 4-byte tail removed)."""
        return self.codec().end_compress()

    def start_decompress_message(self) -> None:
        """Begin decompressing a message."""
        self.codec().start_message()
        self._decompressed = 0

    def decompress_message_data(self, data: bytes, max_output_len: int | None = None) -> bytes:
        """The next decompressed piece; PayloadExceededError past ``max_output_len`` (this
        call) or ``max_message_size`` (the message), PayloadCorruptError for bad data."""
        limits = [] if max_output_len is None else [max_output_len]
        if self.max_message_size is not None:
            limits.append(self.max_message_size - self._decompressed)
        # One byte over the budget tells "exactly at" from "over" (0 would mean unlimited).
        limit = max(min(limits), 0) if limits else None
        try:
            out = self.codec().decompress(data, 0 if limit is None else limit + 1)
        except zlib.error as exc:
            raise CorruptPayload(f"invalid permessage-deflate data: {exc}") from exc
        if limit is not None and len(out) > limit:
            raise PayloadExceededError(
                f"WebSocket message exceeds the decompression limit (max_message_size="
                f"{self.max_message_size}, max_output_len={max_output_len})"
            )
        self._decompressed += len(out)
        return out

    def end_decompress_message(self) -> None:
        """Finish the message (feeds the removed tail)."""
        try:
            self.codec().finish_message(0)
        except zlib.error as exc:
            raise CorruptPayload(f"invalid permessage-deflate data: {exc}") from exc


# Names autobahn 26.11.1 also has here (programs import them from this module).
from autobahn.exception import PayloadCorruptError  # noqa: E402, F401
