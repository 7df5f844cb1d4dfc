"""Base classes of the per-message compression extensions (RFC 7692's framework), and the
parameter checks they share.

Each extension (``permessage-deflate``, ``-bzip2``, ``-snappy``, ``-brotli``) has five classes:
the client's *Offer*, the server's *OfferAccept* of one offer, the server's *Response* as the
client parses it, the client's *ResponseAccept*, and the negotiated processor (``PMCE``) that
compresses and decompresses messages. The processors follow one contract for
``decompress_message_data(data, max_output_len=None)``: at most ``max_output_len`` bytes come
out, more raises :class:`~autobahn.exception.PayloadExceededError` (never a silent cut), and
data that cannot be decompressed raises :class:`~autobahn.exception.PayloadCorruptError`.
"""

from __future__ import annotations

import importlib
import importlib.util
import zlib
from typing import Any, Protocol

from autobahn.exception import PayloadCorruptError, PayloadExceededError
from autobahn.websocket._deflate import NegotiationError
from autobahn.websocket._handshake import is_number

__all__ = (
    "PerMessageCompress",
    "PerMessageCompressOffer",
    "PerMessageCompressOfferAccept",
    "PerMessageCompressResponse",
    "PerMessageCompressResponseAccept",
)


class _Described:
    """``__json__()`` and ``repr()`` of the negotiation objects, from the names of their fields:
    ``_NESTED`` (the offer or response an accept refers to, first) and ``_FIELDS``."""

    EXTENSION_NAME: str
    _NESTED: str | None = None
    _FIELDS: tuple[str, ...] = ()

    def __json__(self) -> dict[str, Any]:
        described: dict[str, Any] = {"extension": self.EXTENSION_NAME}
        if self._NESTED:
            described[self._NESTED] = getattr(self, self._NESTED).__json__()
        described.update((name, getattr(self, name)) for name in self._FIELDS)
        return described

    def __repr__(self) -> str:
        return repr_of(self, [self._NESTED, *self._FIELDS] if self._NESTED else list(self._FIELDS))


class PerMessageCompressOffer(_Described):
    """Base class of a client's compression offer (one ``Sec-WebSocket-Extensions`` item)."""


class PerMessageCompressOfferAccept(_Described):
    """Base class of a server's acceptance of a client's offer."""


class PerMessageCompressResponse(_Described):
    """Base class of a server's compression response, as the client parsed it."""


class PerMessageCompressResponseAccept(_Described):
    """Base class of a client's acceptance of a server's response."""


class PerMessageCompress:
    """Base class of a negotiated compression processor: ``start_compress_message()``,
    ``compress_message_data(data)``, ``end_compress_message()`` and
    ``start_decompress_message()``, ``decompress_message_data(data, max_output_len=None)``,
    ``end_decompress_message()`` (see the module docstring for the limits and errors)."""


class CorruptPayload(PayloadCorruptError, zlib.error):
    """Compressed data that cannot be decompressed. A PayloadCorruptError for applications;
    a zlib.error too, because that is what the protocol core treats as corrupt data (close
    code 1007), whichever extension was negotiated."""


class OverLimit(PayloadExceededError, zlib.error):
    """A decompressor that cannot tell how far over the limit a message is: the core fails
    the connection on it as on corrupt data."""


# Extension parameters, as autobahn parses a Sec-WebSocket-Extensions item: each name maps to
# the list of its values, True standing for a parameter without value.
ExtensionParams = dict[str, list[Any]]


def single_values(extension: str, params: ExtensionParams) -> dict[str, Any]:
    """Each parameter's one value; NegotiationError for a repeated parameter."""
    values = {}
    for name, given in params.items():
        if len(given) != 1:
            raise NegotiationError(f"multiple occurrence of extension parameter '{name}' for extension '{extension}'")
        values[name] = given[0]
    return values


def flag(extension: str, name: str, value: Any) -> bool:
    """A parameter that takes no value (``server_no_context_takeover``)."""
    if value is not True:
        raise NegotiationError(f"illegal extension parameter value '{value}' for parameter '{name}' of '{extension}'")
    return True


def int_in(extension: str, name: str, value: Any, allowed: list[int]) -> int:
    """A parameter whose value is a decimal integer from ``allowed``."""
    text = value if isinstance(value, str) else ""
    if not (is_number(text) and text == str(int(text)) and int(text) in allowed):
        raise NegotiationError(f"illegal extension parameter value '{value}' for parameter '{name}' of '{extension}'")
    return int(text)


def unknown(extension: str, name: str) -> NegotiationError:
    return NegotiationError(f"illegal extension parameter '{name}' for extension '{extension}'")


def check_bool(name: str, value: Any) -> None:
    if type(value) is not bool:
        raise TypeError(f"invalid type {type(value).__name__} for {name}: must be bool")


def check_choice(name: str, value: Any, allowed: list[int], zero_ok: bool = False) -> None:
    """``value`` must be one of ``allowed`` (or 0 meaning "not requested", with ``zero_ok``)."""
    if zero_ok and value == 0:
        return
    if type(value) is not int or value not in allowed:
        raise ValueError(f"invalid value {value!r} for {name}: permissible values {allowed}")


def repr_of(obj: Any, fields: list[str]) -> str:
    """``Name(field = value, ...)``, autobahn's repr of these classes."""
    inner = ", ".join(f"{name} = {getattr(obj, name)!r}" for name in fields)
    return f"{type(obj).__name__}({inner})"


class Codec(Protocol):
    """What a connection of the protocol core compresses and decompresses messages with
    (:class:`autobahn.websocket._deflate.PerMessageDeflate` is one)."""

    def compress(self, payload: bytes | bytearray | memoryview) -> bytes:
        """One whole message, compressed."""
        ...

    def start_message(self) -> None:
        """Prepare to decompress a new message."""
        ...

    def decompress(self, chunk: bytes | bytearray, max_length: int) -> bytes:
        """The next piece, at most ``max_length`` bytes (0: no limit); zlib.error when corrupt."""
        ...

    def finish_message(self, max_length: int) -> bytes:
        """The message's last bytes; zlib.error when it is corrupt or truncated."""
        ...


def missing_library(extension: str, module: str, package: str) -> ImportError:
    return ImportError(f"{extension} needs the {module!r} module: pip install {package}")


class CappedDecompress:
    """``decompress_message_data`` over a processor's ``_decompress(data, cap)``, which returns
    at most about ``cap`` bytes (None: no cap): one byte over the budget means "over"."""

    EXTENSION_NAME: str

    def _decompress(self, data: bytes, cap: int | None) -> bytes:
        raise NotImplementedError

    def decompress_message_data(self, data: bytes, max_output_len: int | None = None) -> bytes:
        """The next decompressed piece; PayloadExceededError for more than ``max_output_len``
        bytes, PayloadCorruptError for data that cannot be decompressed."""
        if max_output_len is None:
            return self._decompress(data, None)
        out = self._decompress(data, max(max_output_len, 0) + 1)
        if len(out) > max_output_len:
            raise PayloadExceededError(
                f"WebSocket message exceeds the decompression limit of {max_output_len} bytes ({self.EXTENSION_NAME})"
            )
        return out


class StreamingCodec:
    """A :class:`Codec` over a processor's streaming methods (``start_compress_message`` ...)."""

    def __init__(self, pmce: Any):
        self._pmce = pmce

    def compress(self, payload: bytes | bytearray | memoryview) -> bytes:
        self._pmce.start_compress_message()
        return self._pmce.compress_message_data(bytes(payload)) + self._pmce.end_compress_message()

    def start_message(self) -> None:
        self._pmce.start_decompress_message()

    def decompress(self, chunk: bytes | bytearray, max_length: int) -> bytes:
        # The core passes its remaining budget + 1 and fails the connection when reached.
        try:
            return self._pmce._decompress(bytes(chunk), max_length or None)
        except PayloadExceededError as exc:
            raise OverLimit(str(exc)) from exc

    def finish_message(self, max_length: int) -> bytes:
        self._pmce.end_decompress_message()
        return b""


class NoContextTakeoverMixin:
    """The parameters of extensions that negotiate only context takeover (snappy, brotli)."""

    EXTENSION_NAME: str
    _MODULE: str  # the library the processor needs
    _PACKAGE: str  # what to pip install for it

    @classmethod
    def _library(cls) -> Any:
        try:
            return importlib.import_module(cls._MODULE)
        except ImportError:
            raise missing_library(cls.EXTENSION_NAME, cls._MODULE, cls._PACKAGE) from None


class NoContextTakeoverOffer(PerMessageCompressOffer, NoContextTakeoverMixin):
    """A client's offer: ``accept_no_context_takeover`` (the server may ask the client to
    reset per message), ``request_no_context_takeover`` (asks the server to)."""

    @classmethod
    def parse(cls, params: ExtensionParams) -> Any:
        """The offer a client sent; NegotiationError for a parameter not allowed."""
        accept = request = False
        for key, value in single_values(cls.EXTENSION_NAME, params).items():
            if key == "client_no_context_takeover":
                accept = flag(cls.EXTENSION_NAME, key, value)
            elif key == "server_no_context_takeover":
                request = flag(cls.EXTENSION_NAME, key, value)
            else:
                raise unknown(cls.EXTENSION_NAME, key)
        return cls(accept, request)

    def __init__(self, accept_no_context_takeover: bool = True, request_no_context_takeover: bool = False):
        check_bool("accept_no_context_takeover", accept_no_context_takeover)
        check_bool("request_no_context_takeover", request_no_context_takeover)
        self.accept_no_context_takeover = accept_no_context_takeover
        self.request_no_context_takeover = request_no_context_takeover

    def get_extension_string(self) -> str:
        """The offer as a ``Sec-WebSocket-Extensions`` item."""
        parts = [self.EXTENSION_NAME]
        if self.accept_no_context_takeover:
            parts.append("client_no_context_takeover")
        if self.request_no_context_takeover:
            parts.append("server_no_context_takeover")
        return "; ".join(parts)

    _FIELDS = ("accept_no_context_takeover", "request_no_context_takeover")


class NoContextTakeoverOfferAccept(PerMessageCompressOfferAccept, NoContextTakeoverMixin):
    """A server's acceptance: ``request_no_context_takeover`` asks the client to reset per
    message (if its offer accepts that); ``no_context_takeover`` overrides the server's own."""

    _OFFER: type[NoContextTakeoverOffer]

    def __init__(self, offer: Any, request_no_context_takeover: bool = False, no_context_takeover: bool | None = None):
        if not isinstance(offer, self._OFFER):
            raise TypeError(f"invalid type {type(offer).__name__} for offer: must be {self._OFFER.__name__}")
        check_bool("request_no_context_takeover", request_no_context_takeover)
        if request_no_context_takeover and not offer.accept_no_context_takeover:
            raise ValueError("request_no_context_takeover: the client does not accept it")
        if no_context_takeover is not None:
            check_bool("no_context_takeover", no_context_takeover)
            if offer.request_no_context_takeover and not no_context_takeover:
                raise ValueError("no_context_takeover=False: the client requested no context takeover")
        self.offer = offer
        self.request_no_context_takeover = request_no_context_takeover
        self.no_context_takeover = no_context_takeover

    def get_extension_string(self) -> str:
        """The server's response as a ``Sec-WebSocket-Extensions`` item."""
        parts = [self.EXTENSION_NAME]
        if self.offer.request_no_context_takeover:
            parts.append("server_no_context_takeover")
        if self.request_no_context_takeover:
            parts.append("client_no_context_takeover")
        return "; ".join(parts)

    _NESTED = "offer"
    _FIELDS = ("request_no_context_takeover", "no_context_takeover")


class NoContextTakeoverResponse(PerMessageCompressResponse, NoContextTakeoverMixin):
    """A server's response, as the client parsed it."""

    @classmethod
    def parse(cls, params: ExtensionParams) -> Any:
        """The response a server sent; NegotiationError for a parameter not allowed."""
        values = {"client_no_context_takeover": False, "server_no_context_takeover": False}
        for key, value in single_values(cls.EXTENSION_NAME, params).items():
            if key not in values:
                raise unknown(cls.EXTENSION_NAME, key)
            values[key] = flag(cls.EXTENSION_NAME, key, value)
        return cls(**values)

    def __init__(self, client_no_context_takeover: bool, server_no_context_takeover: bool):
        self.client_no_context_takeover = client_no_context_takeover
        self.server_no_context_takeover = server_no_context_takeover

    _FIELDS = ("client_no_context_takeover", "server_no_context_takeover")


class NoContextTakeoverResponseAccept(PerMessageCompressResponseAccept, NoContextTakeoverMixin):
    """A client's acceptance; ``no_context_takeover`` overrides the client's own compressor."""

    _RESPONSE: type[NoContextTakeoverResponse]

    def __init__(self, response: Any, no_context_takeover: bool | None = None):
        if not isinstance(response, self._RESPONSE):
            raise TypeError(f"invalid type {type(response).__name__} for response: must be {self._RESPONSE.__name__}")
        if no_context_takeover is not None:
            check_bool("no_context_takeover", no_context_takeover)
            if response.client_no_context_takeover and not no_context_takeover:
                raise ValueError("no_context_takeover=False: the server requested no context takeover")
        self.response = response
        self.no_context_takeover = no_context_takeover

    _NESTED = "response"
    _FIELDS = ("no_context_takeover",)


class NoContextTakeoverCompress(CappedDecompress, PerMessageCompress, NoContextTakeoverMixin):
    """The negotiated processor of an extension negotiating only context takeover. Creating
    one needs the extension's library (ImportError naming the package otherwise)."""

    @classmethod
    def available(cls) -> bool:
        """True when the library this extension needs is installed."""
        return importlib.util.find_spec(cls._MODULE) is not None

    @classmethod
    def create_from_response_accept(cls, is_server: bool, accept: Any) -> Any:
        """The client's processor after accepting the server's response."""
        response = accept.response
        own = accept.no_context_takeover
        return cls(
            is_server,
            response.server_no_context_takeover,
            own if own is not None else response.client_no_context_takeover,
        )

    @classmethod
    def create_from_offer_accept(cls, is_server: bool, accept: Any) -> Any:
        """The server's processor after accepting a client's offer."""
        own = accept.no_context_takeover
        return cls(
            is_server,
            own if own is not None else accept.offer.request_no_context_takeover,
            accept.request_no_context_takeover,
        )

    def __init__(self, is_server: bool, server_no_context_takeover: bool, client_no_context_takeover: bool):
        self._lib = self._library()
        self._is_server = is_server
        self.server_no_context_takeover = server_no_context_takeover
        self.client_no_context_takeover = client_no_context_takeover
        self._compressor: Any = None
        self._decompressor: Any = None

    def _own_no_context_takeover(self) -> bool:
        return self.server_no_context_takeover if self._is_server else self.client_no_context_takeover

    def _peer_no_context_takeover(self) -> bool:
        return self.client_no_context_takeover if self._is_server else self.server_no_context_takeover

    def __json__(self) -> dict[str, Any]:
        return {
            "extension": self.EXTENSION_NAME,
            "server_no_context_takeover": self.server_no_context_takeover,
            "client_no_context_takeover": self.client_no_context_takeover,
        }

    def __repr__(self) -> str:
        return repr_of(self, ["_is_server", "server_no_context_takeover", "client_no_context_takeover"])

    def codec(self) -> Codec:
        """The protocol core's codec: this processor, one whole message at a time."""
        return StreamingCodec(self)
