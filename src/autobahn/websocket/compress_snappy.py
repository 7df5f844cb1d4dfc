"""permessage-snappy (autobahn's non-standard extension): messages in Snappy's framing
format; only context takeover is negotiated. Needs ``python-snappy``
(``pip install python-snappy``): without it the classes exist, the processor raises ImportError."""

from __future__ import annotations

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
    "PerMessageSnappy",
    "PerMessageSnappyMixin",
    "PerMessageSnappyOffer",
    "PerMessageSnappyOfferAccept",
    "PerMessageSnappyResponse",
    "PerMessageSnappyResponseAccept",
)

# Snappy framing: a stream identifier chunk (0xff) is 6 bytes long, a data chunk (0x00
# compressed, 0x01 uncompressed) at most a 4-byte CRC plus the largest compressed form of
# 64 KiB; 0x02..0x7f are reserved and not skippable.
_MAX_DATA_CHUNK = 4 + 76490


class PerMessageSnappyMixin(NoContextTakeoverMixin):
    """The extension's name and the library it needs."""

    EXTENSION_NAME = "permessage-snappy"
    _MODULE = "snappy"
    _PACKAGE = "python-snappy"


@public
class PerMessageSnappyOffer(NoContextTakeoverOffer, PerMessageSnappyMixin):
    """A client's permessage-snappy offer."""


@public
class PerMessageSnappyOfferAccept(NoContextTakeoverOfferAccept, PerMessageSnappyMixin):
    """A server's acceptance of a permessage-snappy offer."""

    _OFFER = PerMessageSnappyOffer


@public
class PerMessageSnappyResponse(NoContextTakeoverResponse, PerMessageSnappyMixin):
    """A server's permessage-snappy response."""


@public
class PerMessageSnappyResponseAccept(NoContextTakeoverResponseAccept, PerMessageSnappyMixin):
    """A client's acceptance of a permessage-snappy response."""

    _RESPONSE = PerMessageSnappyResponse


class PerMessageSnappy(NoContextTakeoverCompress, PerMessageSnappyMixin):
    """The negotiated permessage-snappy processor. Decompression goes one framing chunk at
    a time, so it stops within one chunk (64 KiB) of a limit."""

    def __init__(self, is_server: bool, server_no_context_takeover: bool, client_no_context_takeover: bool):
        super().__init__(is_server, server_no_context_takeover, client_no_context_takeover)
        self._pending = bytearray()  # received bytes of an incomplete chunk

    def start_compress_message(self) -> None:
        if self._compressor is None or self._own_no_context_takeover():
            self._compressor = self._lib.StreamCompressor()

    def compress_message_data(self, data: bytes) -> bytes:
        return self._compressor.add_chunk(data)

    def end_compress_message(self) -> bytes:
        return b""  # every chunk is complete as soon as it is added

    def start_decompress_message(self) -> None:
        if self._decompressor is None or self._peer_no_context_takeover():
            self._decompressor = self._lib.StreamDecompressor()
            self._pending = bytearray()

    def _decompress(self, data: bytes, cap: int | None) -> bytes:
        buf = self._pending
        buf += data
        pos, out, size = 0, [], 0
        while len(buf) - pos >= 4 and (cap is None or size < cap):
            kind = buf[pos]
            length = int.from_bytes(buf[pos + 1 : pos + 4], "little")
            if (kind == 0xFF and length != 6) or (kind <= 0x01 and length > _MAX_DATA_CHUNK) or 0x02 <= kind <= 0x7F:
                raise CorruptPayload(f"invalid permessage-snappy data: bad chunk (type 0x{kind:02x}, length {length})")
            end = pos + 4 + length
            if end > len(buf):
                break  # the rest of this chunk comes with the next data
            try:
                chunk = self._decompressor.decompress(bytes(buf[pos:end]))
            except Exception as exc:  # snappy.UncompressError, or OSError from the CRC check
                raise CorruptPayload(f"invalid permessage-snappy data: {exc}") from exc
            pos = end
            size += len(chunk)
            out.append(chunk)
        del buf[:pos]
        return b"".join(out)

    def end_decompress_message(self) -> None:
        """Finish the message: it must end on a chunk boundary."""
        if self._pending:
            self._pending = bytearray()
            raise CorruptPayload("truncated permessage-snappy data")


# Names autobahn 26.11.1 also has here (programs import them from this module).
from autobahn.exception import PayloadCorruptError, PayloadExceededError  # noqa: E402, F401
from autobahn.websocket.compress_base import (  # noqa: E402, F401
    PerMessageCompress,
    PerMessageCompressOffer,
    PerMessageCompressOfferAccept,
    PerMessageCompressResponse,
    PerMessageCompressResponseAccept,
)
