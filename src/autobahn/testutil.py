"""Test doubles autobahn's own test suites used, kept for programs whose tests import them.

``FakeTransport`` stands in for a Twisted transport under a protocol: it records what is
written (``_written``) and each ``abortConnection`` call (``abort_called()``), refuses writes
after ``loseConnection()``, and does not take producers."""

from __future__ import annotations

from typing import Any


class _FakeAddress:
    """An address object without any attributes (a transport's getPeer()/getHost())."""


class FakeTransport:
    """A transport that keeps in memory what a protocol does to it."""

    _written = b""
    _open = True

    def __init__(self) -> None:
        self._abort_calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []

    def write(self, msg: bytes) -> None:
        if not self._open:
            raise Exception("Can't write to a closed connection")
        self._written = self._written + msg

    def loseConnection(self) -> None:
        self._open = False

    def abortConnection(self, *args: Any, **kw: Any) -> None:
        self._abort_calls.append((args, kw))

    def abort_called(self) -> bool:
        """True once ``abortConnection`` was called."""
        return bool(self._abort_calls)

    def registerProducer(self, producer: Any, streaming: bool) -> None:
        raise NotImplementedError("FakeTransport does not take producers")

    def unregisterProducer(self) -> None:
        pass  # nothing was registered

    def getPeer(self) -> _FakeAddress:
        return _FakeAddress()

    def getHost(self) -> _FakeAddress:
        return _FakeAddress()


__all__ = ["FakeTransport"]
