"""permessage-deflate (RFC 7692): parameter negotiation and the per-connection codec.

Negotiation is pure functions over parsed ``Sec-WebSocket-Extensions`` values; the codec
wraps zlib's raw-deflate streams. Decompression is bounded by ``max_length`` so that a
compression bomb is noticed after at most ``limit + 1`` bytes of output.
"""

from __future__ import annotations

import dataclasses
import zlib

from autobahn.websocket import _handshake

EXTENSION_NAME = "permessage-deflate"
# RFC 7692 §7.2.1: a message is compressed with a sync flush whose 4-byte tail is removed.
_TAIL = b"\x00\x00\xff\xff"
# zlib refuses a raw-deflate *compressor* with an 8-bit window (it would silently use 9,
# which the peer may not accept), so we only agree to compress with 9..15.
_MIN_COMPRESS_BITS = 9


class NegotiationError(ValueError):
    """An extension offer or response that RFC 7692 does not allow."""


Params = list[tuple[str, str | None]]


def parse_extensions(header: str) -> list[tuple[str, Params]]:
    """Split a Sec-WebSocket-Extensions value into ``[(name, [(param, value or None)])]``.

    Raises NegotiationError for a malformed value (empty names, unbalanced quotes).
    """
    result: list[tuple[str, Params]] = []
    for item in _split_outside_quotes(header, ","):
        parts = _split_outside_quotes(item, ";")
        name = parts[0].strip()
        if not name:
            if len(parts) == 1 and not item.strip():
                continue  # tolerate "a, , b" and a trailing comma
            raise NegotiationError(f"extension without a name in {header!r}")
        params: Params = []
        for raw in parts[1:]:
            key, sep, value = raw.partition("=")
            key = key.strip()
            if not key:
                raise NegotiationError(f"empty extension parameter in {header!r}")
            if not sep:
                params.append((key, None))
                continue
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1]
            params.append((key, value))
        result.append((name, params))
    return result


def _split_outside_quotes(text: str, sep: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        if ch == sep and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    if quoted:
        raise NegotiationError(f"unbalanced quotes in {text!r}")
    parts.append("".join(current))
    return parts


@dataclasses.dataclass(frozen=True)
class DeflateOptions:
    """What this endpoint is willing to do.

    ``request_no_context_takeover``: ask the peer to reset its compressor for every message
    (server: answer with client_no_context_takeover; client: offer server_no_context_takeover).
    ``no_context_takeover``: reset our own compressor for every message.
    ``max_window_bits``: the window our compressor uses (9..15), lowered by the peer's request.
    ``level``: zlib level for outgoing messages.
    """

    request_no_context_takeover: bool = False
    no_context_takeover: bool = False
    max_window_bits: int = 15
    level: int = zlib.Z_DEFAULT_COMPRESSION
    mem_level: int = 8


def _window_bits(value: str | None, param: str) -> int:
    if value is None or not _handshake.is_number(value) or not 8 <= int(value) <= 15 or len(value) > 2:
        raise NegotiationError(f"{param} must be an integer 8..15, got {value!r}")
    return int(value)


def _params_dict(params: Params) -> dict[str, str | None]:
    seen: dict[str, str | None] = {}
    for key, value in params:
        if key in seen:
            raise NegotiationError(f"duplicate parameter {key}")
        seen[key] = value
    return seen


def server_accept(offers: list[tuple[str, Params]], options: DeflateOptions) -> tuple[str, PerMessageDeflate] | None:
    """Accept the first permessage-deflate offer we can honour.

    Returns the response extension string and the codec, or None to decline all offers
    (offers with unknown or invalid parameters are declined, as RFC 7692 §5 requires).
    """
    for name, params in offers:
        if name != EXTENSION_NAME:
            continue
        try:
            p = _params_dict(params)
            for key in p:
                if key not in (
                    "server_no_context_takeover",
                    "client_no_context_takeover",
                    "server_max_window_bits",
                    "client_max_window_bits",
                ):
                    raise NegotiationError(f"unknown parameter {key}")
            for flag in ("server_no_context_takeover", "client_no_context_takeover"):
                if flag in p and p[flag] is not None:
                    raise NegotiationError(f"{flag} takes no value")
            server_bits = options.max_window_bits
            if "server_max_window_bits" in p:
                server_bits = min(server_bits, _window_bits(p["server_max_window_bits"], "server_max_window_bits"))
            if "client_max_window_bits" in p and p["client_max_window_bits"] is not None:
                _window_bits(p["client_max_window_bits"], "client_max_window_bits")
        except NegotiationError:
            continue
        if server_bits < _MIN_COMPRESS_BITS:
            continue  # the client demands a window zlib cannot compress with
        response = [EXTENSION_NAME]
        server_nct = options.no_context_takeover or "server_no_context_takeover" in p
        client_nct = options.request_no_context_takeover or "client_no_context_takeover" in p
        if server_nct:
            response.append("server_no_context_takeover")
        if client_nct:
            response.append("client_no_context_takeover")
        if "server_max_window_bits" in p:
            response.append(f"server_max_window_bits={server_bits}")
        codec = PerMessageDeflate(
            compress_no_context_takeover=server_nct,
            decompress_no_context_takeover=client_nct,
            compress_window_bits=server_bits,
            level=options.level,
            mem_level=options.mem_level,
        )
        return "; ".join(response), codec
    return None


def client_offer(options: DeflateOptions) -> str:
    """The Sec-WebSocket-Extensions value a client sends."""
    offer = [EXTENSION_NAME, "client_max_window_bits"]
    if options.request_no_context_takeover:
        offer.append("server_no_context_takeover")
    if options.no_context_takeover:
        offer.append("client_no_context_takeover")
    return "; ".join(offer)


def client_accept(params: Params, options: DeflateOptions) -> PerMessageDeflate:
    """The codec for a server's response; NegotiationError when the response is not allowed."""
    p = _params_dict(params)
    compress_bits = options.max_window_bits
    for key, value in p.items():
        if key in ("server_no_context_takeover", "client_no_context_takeover"):
            if value is not None:
                raise NegotiationError(f"{key} takes no value")
        elif key == "server_max_window_bits":
            _window_bits(value, key)
        elif key == "client_max_window_bits":
            compress_bits = min(compress_bits, _window_bits(value, key))
        else:
            raise NegotiationError(f"unknown parameter {key}")
    if compress_bits < _MIN_COMPRESS_BITS:
        raise NegotiationError("client_max_window_bits=8 cannot be honoured by zlib")
    if options.request_no_context_takeover and "server_no_context_takeover" not in p:
        raise NegotiationError("server_no_context_takeover was requested but not granted")
    return PerMessageDeflate(
        compress_no_context_takeover=options.no_context_takeover or "client_no_context_takeover" in p,
        decompress_no_context_takeover="server_no_context_takeover" in p,
        compress_window_bits=compress_bits,
        level=options.level,
        mem_level=options.mem_level,
    )


class PerMessageDeflate:
    """One connection's compressor and decompressor."""

    def __init__(
        self,
        compress_no_context_takeover: bool,
        decompress_no_context_takeover: bool,
        compress_window_bits: int,
        level: int = zlib.Z_DEFAULT_COMPRESSION,
        mem_level: int = 8,
    ) -> None:
        self.compress_no_context_takeover = compress_no_context_takeover
        self.decompress_no_context_takeover = decompress_no_context_takeover
        self.compress_window_bits = compress_window_bits
        self._level = level
        self._mem_level = mem_level
        self._compressor: zlib._Compress | None = None
        self._decompressor: zlib._Decompress | None = None

    def compress(self, payload: bytes | bytearray | memoryview) -> bytes:
        """One whole message, compressed, without the sync-flush tail."""
        self.start_compress()
        data = self.compress_piece(payload) + self.end_compress()
        # An empty message compresses to just the tail; RFC 7692 §7.2.3.6 sends a single 0x00.
        return data or b"\x00"

    # A message compressed piece by piece (autobahn's streaming API, compress_deflate):
    # start_compress(), compress_piece() for each piece, end_compress().
    def start_compress(self) -> None:
        """Begin a message: a fresh compressor unless the context is taken over."""
        if self._compressor is None or self.compress_no_context_takeover:
            self._compressor = zlib.compressobj(self._level, zlib.DEFLATED, -self.compress_window_bits, self._mem_level)

    def compress_piece(self, data: bytes | bytearray | memoryview) -> bytes:
        """Compressed bytes of the next piece of the message (possibly none yet)."""
        assert self._compressor is not None, "start_compress() first"
        return self._compressor.compress(data)

    def end_compress(self) -> bytes:
        """The message's last compressed bytes: a sync flush, without its 4-byte tail."""
        assert self._compressor is not None, "start_compress() first"
        data = self._compressor.flush(zlib.Z_SYNC_FLUSH)
        return data[:-4] if data.endswith(_TAIL) else data

    def start_message(self) -> None:
        """Prepare to decompress a new message."""
        if self._decompressor is None or self.decompress_no_context_takeover:
            # A 15-bit window decodes any stream the peer may produce with a smaller one.
            self._decompressor = zlib.decompressobj(-15)

    def decompress(self, chunk: bytes | bytearray, max_length: int) -> bytes:
        """Decompress the next piece of a message; at most ``max_length`` bytes (0: no limit).

        Output beyond ``max_length`` is left inside zlib: the caller treats
        ``len(result) == max_length`` as "over the limit" by passing ``limit + 1``.
        Raises zlib.error for corrupt data.
        """
        assert self._decompressor is not None
        return self._decompressor.decompress(chunk, max_length)

    def finish_message(self, max_length: int) -> bytes:
        """Feed the removed tail; returns the message's last bytes."""
        return self.decompress(_TAIL, max_length)
