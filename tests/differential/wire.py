"""The raw-socket peer of the differential scenarios, and the decoding of what it received."""

from __future__ import annotations

import base64
import hashlib
import socket
import struct
import time
from typing import Any

MASK = b"\x37\xfa\x21\x3d"
KEY = "dGhlIHNhbXBsZSBub25jZQ=="
GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def accept_for(key: str) -> str:
    return base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()


def frame(opcode: int, payload: bytes = b"", fin: bool = True, mask: bytes | None = MASK, rsv: int = 0) -> bytes:
    """One frame as the peer sends it (masked with the fixed mask unless ``mask`` is None)."""
    head = bytearray([(0x80 if fin else 0) | (rsv << 4) | opcode])
    n = len(payload)
    bit = 0x80 if mask else 0
    if n < 126:
        head.append(bit | n)
    elif n < 65536:
        head.append(bit | 126)
        head += struct.pack("!H", n)
    else:
        head.append(bit | 127)
        head += struct.pack("!Q", n)
    if mask:
        head += mask
        payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return bytes(head) + payload


def close_payload(code: int | None = None, reason: bytes = b"") -> bytes:
    return b"" if code is None else struct.pack("!H", code) + reason


class Peer:
    """The raw-socket side: what the scenario's peer script sends, and all it receives."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self.sock = sock
        self.deadline = deadline
        self.received = bytearray()
        self.ending = "open"  # how reading ended: eof, reset, or still open when the script ended
        sock.settimeout(0.05)

    def send(self, data: bytes) -> None:
        try:
            self.sock.sendall(data)
        except OSError as exc:
            self.ending = f"send failed: {type(exc).__name__}"

    def _read_until(self, done: Any, limit: float) -> None:
        end = min(self.deadline, time.monotonic() + limit)
        while not done() and self.ending == "open" and time.monotonic() < end:
            try:
                data = self.sock.recv(65536)
            except TimeoutError:
                continue
            except ConnectionResetError:
                self.ending = "reset"
                return
            if not data:
                self.ending = "eof"
                return
            self.received += data

    def http_head(self, limit: float = 3.0) -> None:
        """Read until the end of an HTTP head (and whatever came with it)."""
        self._read_until(lambda: b"\r\n\r\n" in self.received, limit)

    def frames(self, count: int, limit: float = 3.0) -> None:
        """Read until ``count`` whole frames follow the HTTP head."""
        self._read_until(lambda: len(decode_wire(bytes(self.received))["frames"]) >= count, limit)

    def until_closed(self, limit: float = 3.0) -> None:
        """Read until the subject closes (EOF or reset)."""
        self._read_until(lambda: False, limit)

    def idle(self, seconds: float) -> None:
        """Read for ``seconds`` (what arrives meanwhile is kept)."""
        self._read_until(lambda: False, seconds)

    def request(self, path: str = "/", headers: list[tuple[str, str]] = ()) -> None:
        """Send a client's opening handshake (fixed key) with extra ``headers``."""
        lines = [
            f"GET {path} HTTP/1.1",
            "Host: 127.0.0.1",
            "Upgrade: websocket",
            "Connection: Upgrade",
            f"Sec-WebSocket-Key: {KEY}",
            "Sec-WebSocket-Version: 13",
            *(f"{k}: {v}" for k, v in headers),
        ]
        self.send(("\r\n".join(lines) + "\r\n\r\n").encode())

    def answer(self, status: str = "101 Switching Protocols", headers: list[tuple[str, str]] = ()) -> None:
        """Read a client's opening handshake and answer it (101 with the right accept value)."""
        self.http_head()
        head = bytes(self.received).partition(b"\r\n\r\n")[0].decode("latin-1")
        key = ""
        for line in head.split("\r\n")[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "sec-websocket-key":
                key = value.strip()
        lines = [f"HTTP/1.1 {status}"]
        if status.startswith("101"):
            lines += ["Upgrade: websocket", "Connection: Upgrade", f"Sec-WebSocket-Accept: {accept_for(key)}"]
        lines += [f"{k}: {v}" for k, v in headers]
        self.send(("\r\n".join(lines) + "\r\n\r\n").encode())

    def shutdown_write(self) -> None:
        try:
            self.sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass


def decode_frames(data: bytes) -> list[Any]:
    frames = []
    pos = 0
    while pos + 2 <= len(data):
        b0, b1 = data[pos], data[pos + 1]
        n = b1 & 0x7F
        at = pos + 2
        if n == 126:
            if at + 2 > len(data):
                break
            n = struct.unpack("!H", data[at : at + 2])[0]
            at += 2
        elif n == 127:
            if at + 8 > len(data):
                break
            n = struct.unpack("!Q", data[at : at + 8])[0]
            at += 8
        mask = None
        if b1 & 0x80:
            if at + 4 > len(data):
                break
            mask = data[at : at + 4]
            at += 4
        if at + n > len(data):
            break
        payload = data[at : at + n]
        if mask:
            payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        opcode = b0 & 0x0F
        entry: dict[str, Any] = {"fin": bool(b0 & 0x80), "rsv": (b0 >> 4) & 7, "opcode": opcode, "masked": bool(mask)}
        if opcode == 8 and len(payload) >= 2:
            entry["close"] = [struct.unpack("!H", payload[:2])[0], payload[2:].decode("utf-8", "replace")]
        elif opcode == 8:
            entry["close"] = None if not payload else payload.hex()
        else:
            entry["payload"] = payload.decode("latin-1")
        frames.append(entry)
        pos = at + n
    return frames if pos == len(data) else [*frames, {"partial": len(data) - pos}]


def decode_wire(data: bytes) -> dict[str, Any]:
    """An HTTP head (status or request line, headers) and the frames after it."""
    head, sep, rest = data.partition(b"\r\n\r\n")
    if not sep:
        return {"head": None, "frames": [], "raw": data.decode("latin-1")}
    lines = head.decode("latin-1").split("\r\n")
    headers = []
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.append([name.strip(), value.strip()])
    result: dict[str, Any] = {"head": {"start": lines[0], "headers": headers}, "frames": []}
    if lines[0].startswith(("HTTP/1.1 101", "GET ")):
        result["frames"] = decode_frames(rest)
    else:
        result["body"] = rest.decode("utf-8", "replace")
    return result
