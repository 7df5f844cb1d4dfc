"""``python -m autobahn``: what is installed and what is active, and why.

Users of the package we replace had no easy way to see why NVX was missing; this prints
the versions, whether NVX is built, whether it is selected (and the reason when not), how
this installation was built, and which kernels run on this CPU.
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
from importlib import resources
from typing import Any

from autobahn import _cli


def report() -> dict[str, Any]:
    """Everything ``python -m autobahn`` prints, as a dict (``--json`` prints it as JSON)."""
    import autobahn
    import autobahn.websocket as ws

    info: dict[str, Any] = {
        "autobahn": autobahn.__version__,
        "python": f"{platform.python_implementation()} {platform.python_version()} ({sys.executable})",
        "platform": platform.platform(),
        "machine": platform.machine(),
        "nvx_built": ws.HAS_NVX,
        "nvx_active": ws.USES_NVX,
        "nvx_switch": f"AUTOBAHN_USE_NVX={ws.NVX_SWITCH}",
        "nvx_reason": ws.NVX_REASON,
        "build": _build_record(),
    }
    if ws.HAS_NVX:
        from autobahn import nvx

        info["nvx_build_info"] = nvx.build_info()
    info["flatc"] = _flatc_status()
    from autobahn.websocket.utf8validator import Utf8Validator
    from autobahn.websocket.xormasker import XorMasker

    info["utf8validator"] = f"{Utf8Validator.__module__}.{Utf8Validator.__qualname__}"
    info["xormasker"] = f"{XorMasker.__module__}.{XorMasker.__qualname__}"
    return info


def _flatc_status() -> str:
    from autobahn import flatc

    try:
        return f"{flatc.path()} (FlatBuffers {flatc.version()})"
    except (OSError, subprocess.CalledProcessError) as exc:  # FlatcNotFoundError is an OSError
        return f"not available: {exc}"


def _build_record() -> Any:
    """What the build hook decided when this installation was built (hatch_build.py)."""
    try:
        return json.loads(resources.files("autobahn").joinpath("_build.json").read_text())
    except (OSError, ValueError):
        return "unknown (no build record: running from a source tree?)"


def main(argv: list[str] | None = None) -> int:
    parser = _cli.parser("python -m autobahn", __doc__)
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    info = report()
    if args.json:
        print(json.dumps(info, indent=2))
        return 0
    width = max(map(len, info))
    for key, value in info.items():
        if isinstance(value, dict):
            value = ", ".join(f"{k}={v}" for k, v in value.items())
        print(f"{key:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
