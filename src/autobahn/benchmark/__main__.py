"""``python -m autobahn.benchmark``: NVX against pure Python (and peers) on the WebSocket hot path.

Prints, per operation, input kind and message size, GB/s and ns per call of each
implementation and the NVX/pure-Python speed ratio, all timed in this process on the same
input pools. ``--kernels all`` times every NVX kernel set (``avx2`` and ``sse42`` are the
simdutf8 crate's UTF-8 kernels, ``avx512`` ours); ``--peers`` adds the installed peers;
``--plot FILE`` draws throughput against size (needs matplotlib); ``--json FILE`` saves
the raw figures.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
from typing import Any

from autobahn import _cli
from autobahn.benchmark import _contenders, _timing, _workloads
from autobahn.benchmark._workloads import KiB, parse_size, size_label

OPERATIONS = ("utf8", "mask", "mask_inplace")
TITLES = {
    "utf8": "UTF-8 validation: validate(data)",
    "mask": "XOR masking returning new bytes: process(data)",
    "mask_inplace": "XOR masking in place: process_inplace(bytearray)",
}


def inputs_for(operation: str, kind: str, size: int) -> list[Any]:
    if operation == "utf8":
        return _workloads.pool(kind, size)
    # XOR is branch-free: a small pool of distinct buffers suffices (and stays cache-resident
    # like a frame being processed); big sizes get two buffers.
    return _workloads.binary_pool(size, pool_bytes=2 * size if size < 64 * KiB else 0)


def nvx_kernels(choice: str) -> list[str]:
    try:
        from autobahn import nvx
    except ImportError:
        print("note: NVX is not built into this installation; timing pure Python only", file=sys.stderr)
        return []
    if choice == "auto":
        return [nvx.build_info()["simd"]]
    if choice == "all":
        return list(nvx.supported_kernels())
    return choice.split(",")


def run(args: argparse.Namespace, contenders: list[_contenders.Contender]) -> list[dict[str, Any]]:
    rows = []
    nvx: Any = None
    if any(c.kernels for c in contenders):
        from autobahn import nvx as nvx_module

        nvx = nvx_module
    for operation in args.ops:
        for kind in args.texts if operation == "utf8" else ["binary"]:
            for size in args.sizes:
                pool = inputs_for(operation, kind, size)
                for contender in (c for c in contenders if c.operation == operation):
                    previous = nvx.select_kernels(contender.kernels) if contender.kernels else None
                    try:
                        fn, cell_pool, extra = contender.setup(pool)
                        timing = _timing.measure(fn, cell_pool, args.target_ms, args.repeats, extra=extra)
                    finally:
                        if previous:
                            nvx.select_kernels(previous)
                    rows.append({
                        "operation": operation, "input": kind, "size": size, "impl": contender.name,
                        "group": contender.group, "ns_per_call": timing.best_ns,
                        "median_ns_per_call": timing.median_ns, "gb_per_s": timing.gbps(size),
                        "faults_per_call": timing.faults_per_call, "calls_per_run": timing.calls,
                    })  # fmt: skip
                    if args.progress:
                        print(
                            f"  {operation:<12} {kind:<6} {size_label(size):>7} {contender.name:<20} "
                            f"{timing.best_ns:12.1f} ns {timing.gbps(size):8.3f} GB/s",
                            file=sys.stderr,
                        )
    return rows


def nvx_name(names: list[str]) -> str | None:
    """The column that stands for NVX in ratios: the auto-selected kernel set."""
    return next((n for n in names if n == "nvx"), next((n for n in names if n.startswith("nvx")), None))


def print_table(rows: list[dict[str, Any]], auto_kernel: str | None) -> None:
    for operation, kind in dict.fromkeys((r["operation"], r["input"]) for r in rows):
        cells = [r for r in rows if (r["operation"], r["input"]) == (operation, kind)]
        names = list(dict.fromkeys(r["impl"] for r in cells))
        ours = f"nvx[{auto_kernel}]" if f"nvx[{auto_kernel}]" in names else nvx_name(names)
        print(f"\n### {TITLES[operation]}, {kind} input — GB/s (ns per call)\n")
        header = ["size", *names] + ([f"{ours} / py"] if ours and "py" in names else [])
        print("| " + " | ".join(header) + " |")
        print("|" + "---:|" * len(header))
        for size in dict.fromkeys(r["size"] for r in cells):
            at = {r["impl"]: r for r in cells if r["size"] == size}
            line = [size_label(size)] + [
                f"{at[n]['gb_per_s']:.3g} ({at[n]['ns_per_call']:,.0f})" if n in at else "-" for n in names
            ]
            if ours and "py" in names:
                line.append(f"{at['py']['ns_per_call'] / at[ours]['ns_per_call']:.1f}×")
            print("| " + " | ".join(line) + " |")
        faulty = sorted({(r["impl"], size_label(r["size"])) for r in cells if r["faults_per_call"] >= 1})
        if faulty:
            print("\npage faults ≥ 1 per call (allocation by mmap): " + ", ".join(f"{n} at {s}" for n, s in faulty))


def plot(rows: list[dict[str, Any]], path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    groups = list(dict.fromkeys((r["operation"], r["input"]) for r in rows))
    fig, axes = plt.subplots(1, len(groups), figsize=(4.6 * len(groups), 4.2), squeeze=False)
    for ax, (operation, kind) in zip(axes[0], groups, strict=False):
        cells = [r for r in rows if (r["operation"], r["input"]) == (operation, kind)]
        for name in dict.fromkeys(r["impl"] for r in cells):
            series = sorted((r["size"], r["gb_per_s"]) for r in cells if r["impl"] == name)
            style = "-o" if name.startswith(("nvx", "py")) else "--."
            ax.plot([s for s, _ in series], [g for _, g in series], style, label=name, markersize=4)
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xlabel("message size (bytes)")
        ax.set_ylabel("GB/s")
        ax.set_title(f"{operation} ({kind})", fontsize=10)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main(argv: list[str] | None = None) -> int:
    parser = _cli.parser("python -m autobahn.benchmark", __doc__)
    parser.add_argument(
        "--sizes",
        type=lambda s: [parse_size(x) for x in s.split(",")],
        default=list(_workloads.DEFAULT_SIZES),
        help="comma-separated, e.g. 16,125,1K,16K,1M,16M",
    )
    parser.add_argument("--ops", type=lambda s: s.split(","), default=list(OPERATIONS), help=",".join(OPERATIONS))
    parser.add_argument("--texts", type=lambda s: s.split(","), default=["ascii", "mixed"], help="ascii,mixed")
    parser.add_argument("--kernels", default="auto", help="NVX kernel sets: auto (default), all, or names")
    parser.add_argument("--peers", action="store_true", help="also time installed peers and CPython references")
    parser.add_argument(
        "--published-autobahn", metavar="DIR", help="a `pip install --target DIR autobahn==26.10.2`, timed as a peer"
    )
    parser.add_argument("--target-ms", type=float, default=40.0, help="length of one timed run")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per cell (the best is reported)")
    parser.add_argument("--quick", action="store_true", help="shorter runs (--target-ms 10 --repeats 3)")
    parser.add_argument("--json", metavar="FILE", help="write the raw figures as JSON")
    parser.add_argument("--plot", metavar="FILE", help="write a PNG/SVG plot of GB/s against size")
    parser.add_argument(
        "--threads", action="store_true", help="instead: 1 vs 2 threads on 1 MiB messages (GIL released by NVX)"
    )
    parser.add_argument("--progress", action="store_true", help="print each cell as it is measured")
    args = parser.parse_args(argv)
    if args.quick:
        args.target_ms, args.repeats = 10.0, 3
    unknown = set(args.ops) - set(OPERATIONS)
    if unknown:
        parser.error(f"unknown operation(s) {sorted(unknown)}; choose from {', '.join(OPERATIONS)}")

    import autobahn
    import autobahn.websocket

    if args.threads:
        from autobahn.benchmark import _threads

        _threads.report()
        return 0
    kernels = nvx_kernels(args.kernels)
    contenders = _contenders.ours(kernels)
    notes: list[str] = []
    if args.peers or args.published_autobahn:
        found, notes = _contenders.peers(args.published_autobahn)
        contenders += found + _contenders.references()
    auto_kernel = None
    if kernels:
        from autobahn import nvx

        auto_kernel = nvx.build_info()["simd"]
    print(
        f"autobahn {autobahn.__version__} on {platform.python_implementation()} {platform.python_version()}, "
        f"{platform.machine()}; {autobahn.websocket.NVX_REASON}; kernels: {auto_kernel or '-'}"
    )
    rows = run(args, contenders)
    print_table(rows, auto_kernel)
    for note in notes:
        print(f"note: {note}")
    if args.json:
        with open(args.json, "w") as fh:
            meta = {"python": platform.python_version(), "machine": platform.machine(), "kernels": auto_kernel}
            json.dump({**meta, "rows": rows}, fh, indent=1)
    if args.plot:
        try:
            plot(rows, args.plot)
        except ImportError:
            print("note: --plot needs matplotlib (pip install 'autobahn[benchmark]')", file=sys.stderr)
            return 1
        print(f"plot written to {args.plot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
