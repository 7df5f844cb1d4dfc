"""NVX, the native accelerator: its classes, re-exported from the private ``autobahn._nvx``.

Importing this module raises ImportError when NVX was not built into this installation.
It ignores ``AUTOBAHN_USE_NVX``: that switch chooses what ``autobahn.websocket`` uses.

Kernels: the fastest instruction set this CPU supports is chosen at import
(``build_info()["simd"]``); ``AUTOBAHN_NVX_SIMD=scalar|sse2|sse42|avx2|avx512|neon`` forces
one, and ``select_kernels(name)`` switches at run time (tests and benchmarks).

The submodules keep the names autobahn's CFFI-built NVX had: ``_utf8validator.Utf8Validator``,
``_xormasker.XorMaskerNvx`` / ``XorMaskerSimple`` / ``XorMaskerShifted1`` / ``create_xor_masker``
(the same Rust kernels), and ``_compile_args`` (autobahn's C compiler flag policy).
"""

from autobahn._nvx import FrameParser, Utf8Validator, XorMasker, build_info, select_kernels, supported_kernels

__all__ = ["FrameParser", "Utf8Validator", "XorMasker", "build_info", "select_kernels", "supported_kernels"]
