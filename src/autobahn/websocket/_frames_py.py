"""The receive path of RFC 6455 framing in pure Python: the twin of NVX's ``FrameParser``
(``rust/frame.rs``), with exactly the same behaviour and the same results.

``FrameParser.parse(data, pos, max_frames)`` parses ``data[pos:]`` as far as it can: every
complete frame header (at most ``max_frames`` of them, so that one call's work is bounded
whatever the peer sends), every payload byte that arrived (unmasked, validated, assembled),
and returns ``(new_pos, frames, items)``: where parsing stopped (the rest, at most an
incomplete header or what the frame budget left, must be passed again with more data), how
many frame headers it parsed, and what it found, as tuples:

* ``(OP_TEXT, payload)`` / ``(OP_BINARY, payload)``: a whole message (``bytes``);
* ``(OP_PING, payload)`` / ``(OP_PONG, payload)``: a control frame;
* ``(OP_CLOSE, payload)``: a close frame, raw (the connection checks code and reason);
* ``(FAIL, code, reason)``: a protocol violation or a limit;
* streaming mode only, instead of whole messages: ``(MESSAGE_BEGIN, is_binary)``,
  ``(FRAME_BEGIN, length)``, ``(FRAME_DATA, payload)``, ``(FRAME_END, None)``,
  ``(MESSAGE_END, None)``.

After a close frame or a failure the parser is ``done``: it consumes and ignores all input.
A message being assembled is held in one ``bytearray`` whatever its fragment count.
"""

from __future__ import annotations

import struct
import sys
import zlib
from typing import Any

from autobahn.websocket._buffers import READABLE, readable
from autobahn.websocket._utf8validator_py import Utf8Validator as PyUtf8Validator
from autobahn.websocket._xormasker_py import XorMasker as PyXorMasker

OP_CONTINUATION = 0x0
OP_TEXT = 0x1
OP_BINARY = 0x2
OP_CLOSE = 0x8
OP_PING = 0x9
OP_PONG = 0xA
MAX_CONTROL_PAYLOAD = 125

# Item kinds beyond the opcodes.
MESSAGE_BEGIN = 0x10
FRAME_BEGIN = 0x11
FRAME_DATA = 0x12
FRAME_END = 0x13
MESSAGE_END = 0x14
FAIL = 0x20

CLOSE_PROTOCOL_ERROR = 1002
CLOSE_INVALID_PAYLOAD = 1007
CLOSE_MESSAGE_TOO_BIG = 1009

# Payload chunks up to this size are unmasked with integer XOR instead of a masker call.
# On PyPy, memoryviews and CFFI buffers of the message buffer are released by the GC, not when
# the call that made them returns: unmasking in place inside the growing buffer would leave it
# exported, and the next append would raise BufferError. There, frames are unmasked into a new
# object and appended (one more copy).
_UNMASK_IN_PLACE = sys.implementation.name != "pypy"
_SMALL = 64

_UNPACK_16 = struct.Struct("!H").unpack_from
_UNPACK_64 = struct.Struct("!Q").unpack_from


def frame_header(opcode: int, length: int, fin: bool = True, rsv1: bool = False, mask: bytes | None = None) -> bytes:
    """The header of one frame (RFC 6455 §5.2): ``length`` is the payload length, ``mask``
    the 4 masking bytes a client sends (None: unmasked, as a server sends)."""
    if not 0 <= opcode <= 0xF:
        raise ValueError(f"invalid opcode {opcode}")
    if mask is not None and len(mask) != 4:
        raise ValueError(f"a WebSocket mask must be exactly 4 bytes, got {len(mask)}")
    if not 0 <= length < 1 << 63:
        raise ValueError(f"invalid payload length {length}")
    first = (0x80 if fin else 0) | (0x40 if rsv1 else 0) | opcode
    mask_bit = 0x80 if mask else 0
    if length < 126:
        header = bytes((first, mask_bit | length))
    elif length < 65536:
        header = struct.pack("!BBH", first, mask_bit | 126, length)
    else:
        header = struct.pack("!BBQ", first, mask_bit | 127, length)
    return header + mask if mask else header


class FrameParser:
    """Incremental parser of the frames one peer sends (see the module docstring).

    ``server``: frames come from a client, so they must be masked (and from a server must
    not be). ``max_frame_size`` / ``max_message_size``: payload limits (0: none; the message
    limit counts decompressed bytes). ``validate_utf8=False`` passes text unchecked;
    ``accept_unmasked`` (server) / ``accept_masked`` (client) take frames RFC 6455 forbids
    (autobahn's testing options). The keyword arguments after those exist in this twin
    only: the validator and masker classes, the connection's ``PerMessageDeflate`` codec
    (None: RSV1 is a protocol error) and ``streaming`` (frame-level items, not messages).
    """

    def __init__(
        self,
        server: bool,
        max_frame_size: int,
        max_message_size: int,
        *,
        validate_utf8: bool = True,
        accept_unmasked: bool = False,
        accept_masked: bool = False,
        utf8_validator: Any = PyUtf8Validator,
        xor_masker: Any = PyXorMasker,
        deflate: Any = None,
        streaming: bool = False,
    ) -> None:
        self.server = server
        self.max_frame_size = max_frame_size
        self.max_message_size = max_message_size
        self.validate_utf8 = validate_utf8
        self.accept_unmasked = accept_unmasked
        self.accept_masked = accept_masked
        self.done = False
        self._masker_class = xor_masker
        self._validator = utf8_validator()
        self._deflate = deflate
        self._streaming = streaming
        # The frame being received.
        self._remaining = -1  # payload bytes still to come; -1: waiting for a header
        self._opcode = 0
        self._fin = False
        self._mask: bytes | None = None
        self._frame_pos = 0  # payload bytes of the frame unmasked so far
        self._masker: Any = None  # for larger chunks; continues from _masker_pos
        self._masker_pos = -1
        self._control = bytearray()
        # The data message being received.
        self._msg_opcode = -1  # -1: none in progress
        self._msg_compressed = False
        self._msg_size = 0
        self._msg_ends_on_code_point = True
        self._buffer = bytearray()
        self._single: bytes | None = None  # a message that came in one frame, unassembled

    @staticmethod
    def frame(opcode: int, payload: Any, fin: bool = True, rsv1: bool = False, mask: bytes | None = None) -> bytes:
        """One whole frame: ``frame_header(...)`` and ``payload``, masked with ``mask``
        (a client's 4 random bytes; None: unmasked, as a server sends)."""
        payload = readable(payload, "FrameParser.frame()")
        header = frame_header(opcode, len(payload), fin, rsv1, mask)
        if mask is None:
            return header + payload
        return header + PyXorMasker(mask).process(payload)

    def buffered(self) -> int:
        """Bytes of memory the message being assembled holds (its buffer's allocation)."""
        return self._buffer.__alloc__()

    def parse(self, data: bytes, pos: int, max_frames: int) -> tuple[int, int, list[tuple[Any, ...]]]:
        """Parse ``data[pos:]``; see the module docstring."""
        items: list[tuple[Any, ...]] = []
        if isinstance(data, str):
            raise TypeError(f"FrameParser.parse() needs {READABLE}, not str")  # the native parser's words
        end = len(data)
        if pos > end:
            raise ValueError(f"pos {pos} is beyond the end of the data ({end} bytes)")
        if self.done:
            return end, 0, items
        frames = 0
        while pos < end:
            if self._remaining < 0:
                if frames >= max_frames:
                    break
                header_len = self._header(data, pos, end, items)
                if header_len == 0:
                    break  # incomplete, or failed
                frames += 1
                pos += header_len
                if self._remaining == 0:
                    self._end_frame(items)
            else:
                n = min(self._remaining, end - pos)
                self._payload(data, pos, n, items)
                pos += n
                if self._remaining == 0 and not self.done:
                    self._end_frame(items)
            if self.done:
                break
        return (end if self.done else pos), frames, items

    def _fail(self, items: list[tuple[Any, ...]], code: int, reason: str) -> int:
        items.append((FAIL, code, reason))
        self.done = True
        self._buffer = bytearray()
        return 0

    def _header(self, data: bytes, pos: int, end: int, items: list[tuple[Any, ...]]) -> int:
        """Parse a frame header at ``pos``; its length, or 0 if incomplete or failed."""
        if end - pos < 2:
            return 0
        first, second = data[pos], data[pos + 1]
        length = second & 0x7F
        masked = second & 0x80
        header_len = 2 + (2 if length == 126 else 8 if length == 127 else 0) + (4 if masked else 0)
        if end - pos < header_len:
            return 0
        fin = bool(first & 0x80)
        rsv1 = bool(first & 0x40)
        opcode = first & 0x0F
        if length == 126:
            length = _UNPACK_16(data, pos + 2)[0]
        elif length == 127:
            length = _UNPACK_64(data, pos + 2)[0]
            if length >> 63:
                return self._fail(items, CLOSE_PROTOCOL_ERROR, "64-bit payload length with the top bit set")
        if first & 0x30:
            return self._fail(items, CLOSE_PROTOCOL_ERROR, "reserved bits RSV2/RSV3 set")
        if opcode >= OP_CLOSE:
            if opcode > OP_PONG:
                return self._fail(items, CLOSE_PROTOCOL_ERROR, f"reserved control opcode {opcode}")
            if not fin:
                return self._fail(items, CLOSE_PROTOCOL_ERROR, "fragmented control frame")
            if length > MAX_CONTROL_PAYLOAD:
                return self._fail(items, CLOSE_PROTOCOL_ERROR, f"control frame payload of {length} bytes (max 125)")
            if rsv1:
                return self._fail(items, CLOSE_PROTOCOL_ERROR, "RSV1 set on a control frame")
        elif opcode > OP_BINARY:
            return self._fail(items, CLOSE_PROTOCOL_ERROR, f"reserved data opcode {opcode}")
        elif opcode == OP_CONTINUATION:
            if self._msg_opcode < 0:
                return self._fail(items, CLOSE_PROTOCOL_ERROR, "continuation frame without a message to continue")
            if rsv1:
                return self._fail(items, CLOSE_PROTOCOL_ERROR, "RSV1 set on a continuation frame")
        else:
            if self._msg_opcode >= 0:
                return self._fail(items, CLOSE_PROTOCOL_ERROR, "new data message before the previous one ended")
            if rsv1 and self._deflate is None:
                return self._fail(items, CLOSE_PROTOCOL_ERROR, "RSV1 set but no extension negotiated")
        if bool(masked) != self.server:
            if masked and not self.accept_masked:
                return self._fail(items, CLOSE_PROTOCOL_ERROR, "masked frame from the server")
            if not masked and not self.accept_unmasked:
                return self._fail(items, CLOSE_PROTOCOL_ERROR, "unmasked frame from the client")
        limit = self.max_frame_size
        if limit and length > limit:
            return self._fail(items, CLOSE_MESSAGE_TOO_BIG, f"frame of {length} bytes exceeds the limit of {limit}")
        if opcode < OP_CLOSE:
            if opcode != OP_CONTINUATION:
                self._start_message(opcode, rsv1, items)
            limit = self.max_message_size
            if limit and not self._msg_compressed and self._msg_size + length > limit:
                return self._fail(
                    items,
                    CLOSE_MESSAGE_TOO_BIG,
                    f"message of {self._msg_size + length}+ bytes exceeds the limit of {limit}",
                )
            if self._streaming:
                items.append((FRAME_BEGIN, length))
        else:
            self._control = bytearray()
        self._opcode = opcode
        self._fin = fin
        self._mask = data[pos + header_len - 4 : pos + header_len] if masked and length else None
        self._frame_pos = 0
        self._masker = None
        self._remaining = length
        return header_len

    def _start_message(self, opcode: int, compressed: bool, items: list[tuple[Any, ...]]) -> None:
        self._msg_opcode = opcode
        self._msg_compressed = compressed
        self._msg_size = 0
        self._msg_ends_on_code_point = True
        if opcode == OP_TEXT:
            self._validator.reset()
        if compressed:
            self._deflate.start_message()
        if self._streaming:
            items.append((MESSAGE_BEGIN, opcode == OP_BINARY))

    def _masker_at(self, n: int) -> Any:
        """A masker positioned at the current frame offset, for the next ``n`` bytes."""
        if self._masker is None or self._masker_pos != self._frame_pos:
            shift = self._frame_pos & 3
            assert self._mask is not None
            self._masker = self._masker_class(self._mask[shift:] + self._mask[:shift])
        self._masker_pos = self._frame_pos + n
        return self._masker

    def _unmasked(self, data: bytes, pos: int, n: int) -> bytes:
        """``data[pos:pos + n]`` (payload bytes of the current frame), unmasked, as bytes."""
        mask = self._mask
        if mask is None:
            return data if (pos == 0 and n == len(data)) else data[pos : pos + n]
        if n > _SMALL:
            return self._masker_at(n).process(memoryview(data)[pos : pos + n])
        # Few bytes (a storm of tiny fragments): XOR as integers, cheaper than a masker call.
        shift = self._frame_pos & 3
        key = int.from_bytes(((mask[shift:] + mask[:shift]) * (n // 4 + 1))[:n], "big")
        return (int.from_bytes(data[pos : pos + n], "big") ^ key).to_bytes(n, "big")

    def _payload(self, data: bytes, pos: int, n: int, items: list[tuple[Any, ...]]) -> None:
        """``n`` payload bytes of the current frame at ``data[pos:]``."""
        whole_frame = n == self._remaining
        self._remaining -= n
        if self._opcode >= OP_CLOSE:
            self._control += self._unmasked(data, pos, n)
        elif self._msg_compressed:
            self._inflate(self._unmasked(data, pos, n), False, items)
        elif self._streaming or (whole_frame and self._fin and not self._msg_size):
            # Streamed, or a message in one frame: no assembly.
            chunk = self._unmasked(data, pos, n)
            if not self._streaming and self._complete_text(chunk):
                self._msg_size += n
                self._single = chunk
            elif self._valid(chunk, items):
                self._msg_size += n
                self._deliver_chunk(chunk, items)
        elif n <= _SMALL or self._mask is None or not _UNMASK_IN_PLACE:
            chunk = self._unmasked(data, pos, n)
            if self._valid(chunk, items):
                self._buffer += chunk
                self._msg_size += n
        else:
            # Copied once into the message buffer and unmasked there.
            buffer = self._buffer
            start = len(buffer)
            buffer += memoryview(data)[pos : pos + n]
            with memoryview(buffer) as view, view[start:] as chunk_view:
                self._masker_at(n).process_inplace(chunk_view)
                valid = self._valid(chunk_view, items)
            if valid:
                self._msg_size += n
        self._frame_pos += n

    def _complete_text(self, payload: bytes) -> bool:
        """True for a whole text message that CPython's UTF-8 decoder (C speed, the same
        rules as RFC 3629) accepts; an invalid one is left to the validator, which gives the
        failing position."""
        if self._msg_opcode != OP_TEXT or not self.validate_utf8:
            return False
        try:
            payload.decode("utf-8")
        except UnicodeDecodeError:
            return False
        self._msg_ends_on_code_point = True
        return True

    def _valid(self, chunk: Any, items: list[tuple[Any, ...]]) -> bool:
        """Check a text message's next bytes (binary ones need none); False after failing."""
        if self._msg_opcode == OP_TEXT and self.validate_utf8:
            valid, self._msg_ends_on_code_point, _, _ = self._validator.validate(chunk)
            if not valid:
                self._fail(items, CLOSE_INVALID_PAYLOAD, "invalid UTF-8 in a text message")
                return False
        return True

    def _deliver_chunk(self, chunk: bytes, items: list[tuple[Any, ...]]) -> None:
        if self._streaming:
            if chunk:
                items.append((FRAME_DATA, chunk))
        else:
            self._single = chunk  # a whole single-frame message: its only chunk

    def _inflate(self, chunk: bytes, final: bool, items: list[tuple[Any, ...]]) -> None:
        """Decompress the next bytes of a compressed message (``final``: the message's end)
        and take in the output, which is bounded by what the message limit leaves."""
        limit = self.max_message_size
        max_length = limit - self._msg_size + 1 if limit else 0
        try:
            deflate = self._deflate
            out = deflate.finish_message(max_length) if final else deflate.decompress(chunk, max_length)
        except zlib.error as exc:
            self._fail(items, CLOSE_INVALID_PAYLOAD, f"invalid compressed data: {exc}")
            return
        if not out:
            return
        if limit and self._msg_size + len(out) > limit:
            self._fail(items, CLOSE_MESSAGE_TOO_BIG, f"message exceeds the limit of {limit} bytes")
            return
        if not self._valid(out, items):
            return
        self._msg_size += len(out)
        if self._streaming:
            items.append((FRAME_DATA, out))
        else:
            self._buffer += out

    def _end_frame(self, items: list[tuple[Any, ...]]) -> None:
        self._remaining = -1
        opcode = self._opcode
        if opcode >= OP_CLOSE:
            payload = bytes(self._control)
            items.append((opcode, payload))
            if opcode == OP_CLOSE:
                self.done = True
            return
        if self._fin:
            if self._msg_compressed:
                self._inflate(b"", True, items)
                if self.done:
                    return
            if self._msg_opcode == OP_TEXT and not self._msg_ends_on_code_point:
                self._fail(items, CLOSE_INVALID_PAYLOAD, "text message ends inside a UTF-8 sequence")
                return
        if self._streaming:
            items.append((FRAME_END, None))
            if self._fin:
                items.append((MESSAGE_END, None))
                self._msg_opcode = -1
            return
        if not self._fin:
            return
        if self._single is not None:
            payload, self._single = self._single, None
        else:
            payload = bytes(self._buffer)
            self._buffer = bytearray()
        items.append((self._msg_opcode, payload))
        self._msg_opcode = -1
