"""``python -m autobahn.benchmark``: NVX against pure Python on the WebSocket hot path.

Prints, per operation, input kind and message size, ns per call and GB/s of each
implementation, and the NVX/pure-Python speed ratio (both timed in this process on the
same input pool). ``--json FILE`` saves the raw figures.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from autobahn.benchmark import _timing, _workloads
from autobahn.benchmark._workloads import KiB, MASK, MiB


@dataclass(frozen=True)
class Contender:
    """One implementation of one operation: ``make()`` returns the per-call function."""

    name: str
    operation: str  # "utf8" | "mask" | "mask_inplace"
    make: Callable[[], Callable[[Any], Any]]


def _validate_fn(cls: Any) -> Callable[[], Callable[[Any], Any]]:
    # Every pooled input is a complete valid message, so one validator serves all calls.
    return lambda: cls().validate


def _mask_fn(cls: Any) -> Callable[[], Callable[[Any], Any]]:
    return lambda: cls(MASK).process


def _mask_inplace_fn(cls: Any) -> Callable[[], Callable[[Any], Any]]:
    return lambda: cls(MASK).process_inplace


def contenders() -> list[Contender]:
    from autobahn.websocket._utf8validator_py import Utf8Validator as PyUtf8Validator
    from autobahn.websocket._xormasker_py import XorMasker as PyXorMasker

    impls: list[tuple[str, Any, Any]] = []
    try:
        from autobahn import nvx
    except ImportError:
        print("note: NVX is not built into this installation; timing pure Python only", file=sys.stderr)
    else:
        impls.append(("nvx", nvx.Utf8Validator, nvx.XorMasker))
    impls.append(("py", PyUtf8Validator, PyXorMasker))
    out = []
    for name, validator, masker in impls:
        out.append(Contender(name, "utf8", _validate_fn(validator)))
        out.append(Contender(name, "mask", _mask_fn(masker)))
        out.append(Contender(name, "mask_inplace", _mask_inplace_fn(masker)))
    return out


def parse_size(text: str) -> int:
    units = {"K": KiB, "M": MiB}
    text = text.strip().upper().removesuffix("B").removesuffix("I")
    if text and text[-1] in units:
        return int(text[:-1]) * units[text[-1]]
    return int(text)


def size_label(size: int) -> str:
    for unit, factor in (("MiB", MiB), ("KiB", KiB)):
        if size >= factor and size % factor == 0:
            return f"{size // factor} {unit}"
    return f"{size} B"


def inputs_for(operation: str, kind: str, size: int) -> list[Any]:
    if operation == "utf8":
        return _workloads.pool(kind, size)
    payloads = _workloads.binary_pool(size)
    # In-place masking needs writable buffers; masking them over and over is harmless.
    return [bytearray(p) for p in payloads] if operation == "mask_inplace" else payloads


def run(args: argparse.Namespace) -> list[dict[str, Any]]:
    rows = []
    all_contenders = [c for c in contenders() if c.operation in args.ops and (not args.only or c.name in args.only)]
    for operation in args.ops:
        kinds = args.texts if operation == "utf8" else ["binary"]
        for kind in kinds:
            for size in args.sizes:
                pool = inputs_for(operation, kind, size)
                for contender in (c for c in all_contenders if c.operation == operation):
                    timing = _timing.measure(contender.make(), pool, args.target_ms, args.repeats)
                    rows.append({
                        "operation": operation, "input": kind, "size": size, "impl": contender.name,
                        "ns_per_call": timing.best_ns, "median_ns_per_call": timing.median_ns,
                        "gb_per_s": timing.gbps(size), "faults_per_call": timing.faults_per_call,
                        "calls_per_run": timing.calls,
                    })  # fmt: skip
                    if args.progress:
                        print(f"  {operation:<12} {kind:<6} {size_label(size):>7} {contender.name:<8} "
                              f"{timing.best_ns:12.1f} ns {timing.gbps(size):8.3f} GB/s", file=sys.stderr)
    return rows


def print_table(rows: list[dict[str, Any]]) -> None:
    names = list(dict.fromkeys(r["impl"] for r in rows))
    groups = list(dict.fromkeys((r["operation"], r["input"]) for r in rows))
    for operation, kind in groups:
        print(f"\n## {operation} ({kind}): GB/s and [ns per call]")
        header = f"| {'size':>7} | " + " | ".join(f"{n:>20}" for n in names)
        if {"nvx", "py"} <= set(names):
            header += " | nvx/py"
        print(header + " |")
        print("|" + "---|" * (header.count("|")))
        for size in dict.fromkeys(r["size"] for r in rows if (r["operation"], r["input"]) == (operation, kind)):
            cells = {r["impl"]: r for r in rows if (r["operation"], r["input"], r["size"]) == (operation, kind, size)}
            line = f"| {size_label(size):>7} | " + " | ".join(
                f"{cells[n]['gb_per_s']:8.3f} [{cells[n]['ns_per_call']:8.0f}]" if n in cells else f"{'-':>20}"
                for n in names
            )
            if "nvx" in cells and "py" in cells:
                line += f" | {cells['py']['ns_per_call'] / cells['nvx']['ns_per_call']:6.1f}x"
            print(line + " |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autobahn.benchmark", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=lambda s: [parse_size(x) for x in s.split(",")],
                        default=list(_workloads.DEFAULT_SIZES), help="comma-separated, e.g. 16,125,1K,16K,1M,16M")
    parser.add_argument("--ops", type=lambda s: s.split(","), default=["utf8", "mask", "mask_inplace"],
                        help="utf8,mask,mask_inplace")
    parser.add_argument("--texts", type=lambda s: s.split(","), default=["ascii", "mixed"], help="ascii,mixed")
    parser.add_argument("--only", type=lambda s: s.split(","), default=None, help="implementations, e.g. nvx,py")
    parser.add_argument("--target-ms", type=float, default=40.0, help="length of one timed run")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per cell (best is reported)")
    parser.add_argument("--quick", action="store_true", help="shorter runs (--target-ms 10 --repeats 3)")
    parser.add_argument("--json", metavar="FILE", help="write the raw figures as JSON")
    parser.add_argument("--progress", action="store_true", help="print each cell as it is measured")
    args = parser.parse_args(argv)
    if args.quick:
        args.target_ms, args.repeats = 10.0, 3
    import autobahn
    import autobahn.websocket

    print(f"autobahn {autobahn.__version__} on {platform.python_implementation()} {platform.python_version()}, "
          f"{platform.machine()}; {autobahn.websocket.NVX_REASON}")
    rows = run(args)
    print_table(rows)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"python": platform.python_version(), "machine": platform.machine(), "rows": rows}, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
