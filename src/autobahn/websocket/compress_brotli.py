"""permessage-brotli (autobahn's non-standard extension): each message is one complete
Brotli stream; only context takeover is negotiated. Needs ``brotli`` (``brotlicffi`` on
PyPy; ``pip install brotli``): without it the classes exist, the processor raises ImportError."""

from __future__ import annotations

import platform

from autobahn.exception import PayloadExceededError
from autobahn.util import public
from autobahn.websocket.compress_base import (
    CorruptPayload,
    NoContextTakeoverCompress,
    NoContextTakeoverMixin,
    NoContextTakeoverOffer,
    NoContextTakeoverOfferAccept,
    NoContextTakeoverResponse,
    NoContextTakeoverResponseAccept,
)

__all__ = (
    "PerMessageBrotli",
    "PerMessageBrotliMixin",
    "PerMessageBrotliOffer",
    "PerMessageBrotliOfferAccept",
    "PerMessageBrotliResponse",
    "PerMessageBrotliResponseAccept",
)

_PYPY = platform.python_implementation() == "PyPy"


class PerMessageBrotliMixin(NoContextTakeoverMixin):
    """The extension's name and the library it needs."""

    EXTENSION_NAME = "permessage-brotli"
    _MODULE = "brotlicffi" if _PYPY else "brotli"
    _PACKAGE = "brotlicffi" if _PYPY else "brotli"


@public
class PerMessageBrotliOffer(NoContextTakeoverOffer, PerMessageBrotliMixin):
    """A client's permessage-brotli offer."""


@public
class PerMessageBrotliOfferAccept(NoContextTakeoverOfferAccept, PerMessageBrotliMixin):
    """A server's acceptance of a permessage-brotli offer."""

    _OFFER = PerMessageBrotliOffer


@public
class PerMessageBrotliResponse(NoContextTakeoverResponse, PerMessageBrotliMixin):
    """A server's permessage-brotli response."""


@public
class PerMessageBrotliResponseAccept(NoContextTakeoverResponseAccept, PerMessageBrotliMixin):
    """A client's acceptance of a permessage-brotli response."""

    _RESPONSE = PerMessageBrotliResponse


class PerMessageBrotli(NoContextTakeoverCompress, PerMessageBrotliMixin):
    """The negotiated permessage-brotli processor. A finished Brotli stream cannot go on, so
    every message starts a new one whatever was negotiated (which is also the wire format
    of no context takeover)."""

    def start_compress_message(self) -> None:
        self._compressor = self._lib.Compressor()

    def compress_message_data(self, data: bytes) -> bytes:
        return self._compressor.process(data)

    def end_compress_message(self) -> bytes:
        data = self._compressor.finish()
        self._compressor = None
        return data

    def start_decompress_message(self) -> None:
        self._decompressor = self._lib.Decompressor()

    def _decompress(self, data: bytes, cap: int | None) -> bytes:
        try:
            if cap is None:
                return self._decompressor.process(data)
            # The library stops near the cap (CPython's brotli in output blocks); what it
            # holds back means the message is over the limit anyway.
            out = self._decompressor.process(data, output_buffer_limit=cap)
        except self._lib.error as exc:
            raise CorruptPayload(f"invalid permessage-brotli data: {exc}") from exc
        if len(out) < cap and not self._decompressor.can_accept_more_data():
            raise PayloadExceededError(f"WebSocket message exceeds the decompression limit ({self.EXTENSION_NAME})")
        return out

    def end_decompress_message(self) -> None:
        """Finish the message: its stream must be complete."""
        complete = self._decompressor.is_finished()
        self._decompressor = None
        if not complete:
            raise CorruptPayload("truncated permessage-brotli data")


# Names autobahn 26.11.1 also has here (programs import them from this module).
from autobahn.exception import PayloadCorruptError  # noqa: E402, F401
from autobahn.websocket.compress_base import (  # noqa: E402, F401
    PerMessageCompress,
    PerMessageCompressOffer,
    PerMessageCompressOfferAccept,
    PerMessageCompressResponse,
    PerMessageCompressResponseAccept,
)
