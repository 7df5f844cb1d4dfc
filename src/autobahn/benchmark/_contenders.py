"""What the benchmark times: NVX (per kernel set), pure Python, and the peers that are
installed (wsaccel, websockets' C speedups, aiohttp's Cython mask, CPython's own decoder
and memory copy as physical references, and the published autobahn wheel's NVX when
``--published-autobahn DIR`` points at a ``pip install --target DIR autobahn==26.10.2``).

A contender's ``setup(pool)`` returns ``(function, pool, extra)``; the harness calls
``function(data)`` (or with ``extra``, see ``_timing.measure``) for data cycling through
the returned pool, which may be a transformed copy (e.g. bytearrays for in-place maskers).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from autobahn.benchmark._workloads import MASK


@dataclass(frozen=True)
class Contender:
    name: str
    operation: str  # "utf8" | "mask" | "mask_inplace"
    setup: Callable[[list[Any]], tuple[Callable[..., Any], list[Any], tuple[Any, ...]]]
    kernels: str | None = None  # NVX kernel set to select while timing
    group: str = "ours"  # "ours" | "peer" | "reference"


def _plain(make: Callable[[], Callable[..., Any]], convert: Callable[[Any], Any] | None = None):
    def setup(pool: list[Any]):
        return make(), [convert(p) for p in pool] if convert else pool, ()

    return setup


def ours(nvx_kernels: list[str]) -> list[Contender]:
    from autobahn.websocket._utf8validator_py import Utf8Validator as PyUtf8Validator
    from autobahn.websocket._xormasker_py import XorMasker as PyXorMasker

    impls: list[tuple[str, Any, Any, str | None]] = []
    if nvx_kernels:
        from autobahn import nvx
        from autobahn.websocket import NVX_VIA_CFFI

        # What users get: on PyPy that is the CFFI binding (with its pure path for small
        # inputs); the PyO3 classes, which PyPy calls through its C-API emulation, beside it.
        validator: Any
        masker: Any
        if NVX_VIA_CFFI:
            from autobahn.websocket import _nvx_cffi

            validator, masker = _nvx_cffi.Utf8Validator, _nvx_cffi.XorMasker
        else:
            validator, masker = nvx.Utf8Validator, nvx.XorMasker
        for name in nvx_kernels:
            label = "nvx" if len(nvx_kernels) == 1 else f"nvx[{name}]"
            impls.append((label, validator, masker, name))
            if NVX_VIA_CFFI:
                impls.append((label.replace("nvx", "nvx-pyo3"), nvx.Utf8Validator, nvx.XorMasker, name))
    impls.append(("py", PyUtf8Validator, PyXorMasker, None))
    out = []
    for label, validator, masker, kernels in impls:
        out.append(Contender(label, "utf8", _plain(_validate_with(validator)), kernels))
        out.append(Contender(label, "mask", _plain(_mask_with(masker, "process")), kernels))
        out.append(Contender(label, "mask_inplace", _plain(_mask_with(masker, "process_inplace"), bytearray), kernels))
    return out


def _validate_with(validator_class: Any) -> Callable[[], Callable[..., Any]]:
    # Every pooled text is a complete valid message, so one validator serves all calls.
    return lambda: validator_class().validate


def _mask_with(masker_class: Any, method: str) -> Callable[[], Callable[..., Any]]:
    return lambda: getattr(masker_class(MASK), method)


def references() -> list[Contender]:
    """CPython's own primitives: what pure Python is built on, and the memory-copy bound."""

    def copy_into_setup(pool: list[Any]):
        target = bytearray(len(pool[0]))
        return target.__setitem__, [memoryview(p) for p in pool], ("data_last", slice(None))

    return [
        Contender("bytes.decode", "utf8", _plain(lambda: bytes.decode), group="reference"),
        Contender("copy (tobytes)", "mask", _plain(lambda: memoryview.tobytes, memoryview), group="reference"),
        Contender("copy (dst[:]=src)", "mask_inplace", copy_into_setup, group="reference"),
    ]


def peers(published_autobahn: str | None) -> tuple[list[Contender], list[str]]:
    """Peers that can be imported here, and notes on those that cannot."""
    found: list[Contender] = []
    notes: list[str] = []
    try:
        import wsaccel.utf8validator
        import wsaccel.xormask
    except ImportError as exc:
        notes.append(f"wsaccel not installed ({exc})")
    else:
        found.append(
            Contender("wsaccel", "utf8", _plain(lambda: wsaccel.utf8validator.Utf8Validator().validate), group="peer")
        )
        found.append(
            Contender("wsaccel", "mask", _plain(lambda: wsaccel.xormask.XorMaskerSimple(MASK).process), group="peer")
        )
    try:
        from websockets.speedups import apply_mask
    except ImportError as exc:
        notes.append(f"websockets C speedups not installed ({exc})")
    else:
        found.append(
            Contender("websockets (C)", "mask", lambda pool: (apply_mask, pool, ("data_first", MASK)), group="peer")
        )
    try:
        from aiohttp._websocket.mask import _websocket_mask_cython
    except ImportError as exc:
        notes.append(f"aiohttp Cython mask not installed ({exc})")
    else:
        found.append(Contender("aiohttp (Cython)", "mask_inplace",
                               lambda pool: (_websocket_mask_cython, [bytearray(p) for p in pool], ("data_last", MASK)),
                               group="peer"))  # fmt: skip
    if published_autobahn:
        try:
            validator, create_masker = load_published_autobahn(published_autobahn)
        except Exception as exc:  # any failure to load a foreign build is a note, not a crash
            notes.append(f"published autobahn NVX not loadable from {published_autobahn} ({exc!r})")
        else:
            found.append(Contender("autobahn 26.10 NVX", "utf8", _plain(lambda: validator().validate), group="peer"))
            found.append(
                Contender(
                    "autobahn 26.10 NVX", "mask", _plain(lambda: create_masker(MASK, 1 << 20).process), group="peer"
                )
            )
    return found, notes


def load_published_autobahn(directory: str) -> tuple[Any, Any]:
    """The published wheel's NVX wrappers, loaded under private names beside our package.

    Both packages are called ``autobahn``, so its wrapper modules are loaded from their files;
    they import their CFFI extensions (top-level ``_nvx_*`` modules) from ``directory``."""
    if directory not in sys.path:
        sys.path.append(directory)  # after our own autobahn, which stays the one imported
    loaded = []
    for stem in ("_utf8validator", "_xormasker"):
        path = os.path.join(directory, "autobahn", "nvx", f"{stem}.py")
        spec = importlib.util.spec_from_file_location(f"_published_autobahn_nvx{stem}", path)
        if spec is None or spec.loader is None:
            raise ImportError(f"no module at {path}")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        loaded.append(module)
    return loaded[0].Utf8Validator, loaded[1].create_xor_masker
