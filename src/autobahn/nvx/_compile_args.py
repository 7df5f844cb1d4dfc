"""The C compiler flags autobahn's CFFI-built NVX used, as a policy other build scripts can
call: ``get_compile_args()``, ``is_building_wheel()``.

Our NVX is Rust and picks its SIMD kernels at run time (CPU feature detection), so nothing
in our own build reads these flags; they are kept for tools that compile C code the way
autobahn did. The policy: a portable baseline instruction set by default (x86-64-v2 on x86-64,
ARMv8-A on 64-bit ARM, none for other targets), ``-march=native`` only when
``AUTOBAHN_ARCH_TARGET=native`` asks for it (the build host is the run host), MSVC's own
flags on Windows.
"""

from __future__ import annotations

import os
import platform
import sys
import sysconfig

_POSIX_BASE = ["-std=c99", "-Wall", "-Wno-strict-prototypes", "-O3"]
_MSVC = ["/O2", "/W3"]


def is_building_wheel() -> bool:
    """True when the environment says a wheel for distribution is being built (CI,
    cibuildwheel, auditwheel, or ``AUTOBAHN_WHEEL_BUILD``). The flags no longer depend on it."""
    env = os.environ
    return (
        env.get("CI") in ("true", "1")
        or bool(env.get("CIBUILDWHEEL"))
        or bool(env.get("AUDITWHEEL_PLAT"))
        or env.get("AUTOBAHN_WHEEL_BUILD") in ("true", "1")
    )


def _get_target_machine() -> str:
    """The architecture being built for, from the interpreter's platform (which is the target's
    when cross-compiling, unlike ``platform.machine()``, the build host's)."""
    plat = sysconfig.get_platform().lower()
    if plat == "win32":
        return "x86"
    return plat.rsplit("-", 1)[-1] or platform.machine().lower()


def _get_safe_march_flag(machine: str) -> str | None:
    """The portable ``-march`` of an architecture, None when there is none to give."""
    if machine in ("x86_64", "amd64", "x64"):
        return "-march=x86-64-v2"  # SSE4.2, POPCNT: CPUs from 2009 on
    if machine in ("aarch64", "arm64"):
        return "-march=armv8-a"
    return None


def get_compile_args() -> list[str]:
    """The compiler flags for a native extension built in this environment."""
    if sys.platform == "win32":
        return list(_MSVC)
    if os.environ.get("AUTOBAHN_ARCH_TARGET", "").lower() == "native":
        return [*_POSIX_BASE, "-march=native"]
    march = _get_safe_march_flag(_get_target_machine())
    return [*_POSIX_BASE, march] if march else list(_POSIX_BASE)


__all__ = ["get_compile_args", "is_building_wheel"]
