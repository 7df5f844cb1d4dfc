"""Incremental UTF-8 validation of WebSocket text messages (RFC 3629, RFC 6455 §8.1).

``Utf8Validator`` is the selected implementation (NVX or pure Python, see
``autobahn.websocket``; on PyPy, NVX is bound through CFFI, see ``_nvx_cffi``);
``PyUtf8Validator`` is always the pure-Python one.

``Utf8Validator().validate(data)`` checks the next fragment of a message and returns
``(valid, endsOnCodePoint, currentIndex, totalIndex)``:

* valid so far: ``(True, ends_on_code_point, len(data), bytes_since_reset)``; a code point
  split across fragments gives ``endsOnCodePoint == False``;
* invalid: ``(False, False, i, t)`` with ``i`` the index in ``data`` of the byte where the
  input became invalid (Hoehrmann's DFA) and ``t`` that position counted from ``reset()``;
  every later call returns ``(False, False, 0, t)`` until ``reset()``.

``data`` is any C-contiguous buffer; anything else raises TypeError.
"""

from autobahn.websocket import NVX_VIA_CFFI, USES_NVX
from autobahn.websocket._utf8validator_py import Utf8Validator as PyUtf8Validator

if NVX_VIA_CFFI:
    from autobahn.websocket._nvx_cffi import Utf8Validator
elif USES_NVX:
    from autobahn._nvx import Utf8Validator  # type: ignore[assignment]
else:
    Utf8Validator = PyUtf8Validator  # type: ignore[assignment,misc]

__all__ = ["Utf8Validator", "PyUtf8Validator"]
