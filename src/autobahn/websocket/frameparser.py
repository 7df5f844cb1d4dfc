"""The receive engine of RFC 6455 framing: parses frames, unmasks, validates text and
assembles messages, a chunk of received bytes per call.

``FrameParser`` is the selected implementation (NVX or pure Python, see
``autobahn.websocket``); ``PyFrameParser`` is always the pure-Python one. Both have the
contract documented in ``autobahn.websocket._frames_py``; the connection classes of
``autobahn.websocket.sansio`` drive them.
"""

from autobahn.websocket import USES_NVX
from autobahn.websocket._frames_py import FrameParser as PyFrameParser

if USES_NVX:
    from autobahn._nvx import FrameParser
else:
    FrameParser = PyFrameParser  # type: ignore[assignment,misc]

__all__ = ["FrameParser", "PyFrameParser"]
