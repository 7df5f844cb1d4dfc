#!/usr/bin/env python3
"""Smoke test of an installed autobahn (run it with the interpreter of the installation,
from outside the source tree): import and versions, NVX active when expected, flatc present,
executable and of the pinned version, reflection files present and loadable.

    python .ci/smoke_test.py [--expect-nvx] [--expect-flatc] [--expect-pure]

Prints one line per check and exits non-zero if any fails. Used by the sdist/wheel
equivalence test, the release pipeline and its dry run.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--expect-nvx", action="store_true", help="NVX must be built and active")
    parser.add_argument("--expect-flatc", action="store_true", help="the bundled flatc must be present and run")
    parser.add_argument("--expect-pure", action="store_true", help="no NVX and no flatc (the pure wheel)")
    args = parser.parse_args()
    failures = 0

    def check(name: str, condition_fn) -> None:
        nonlocal failures
        try:
            detail = condition_fn()
            print(f"ok    {name}: {detail}")
        except Exception as exc:  # every failure is reported, then counted
            failures += 1
            print(f"FAIL  {name}: {exc!r}", flush=True)
            traceback.print_exc(limit=2)
            sys.stderr.flush()

    def imported():
        import autobahn

        assert not autobahn.__file__.startswith(os.getcwd() + os.sep + "src"), "imported the source tree"
        return f"autobahn {autobahn.__version__} from {os.path.dirname(autobahn.__file__)}"

    def nvx():
        import autobahn.websocket as ws

        if args.expect_nvx:
            assert ws.HAS_NVX and ws.USES_NVX, ws.NVX_REASON
            from autobahn import nvx as native

            info = native.build_info()
            return f"{ws.NVX_REASON}; kernels {info['simd']}"
        if args.expect_pure:
            assert not ws.HAS_NVX, "a pure installation has NVX"
        return ws.NVX_REASON

    def hot_path():
        from autobahn.websocket.utf8validator import Utf8Validator
        from autobahn.websocket.xormasker import create_xor_masker

        text = "κόσμε €".encode()
        assert Utf8Validator().validate(text) == (True, True, len(text), len(text))
        assert Utf8Validator().validate(b"\xed\xa0\x80") == (False, False, 1, 1)
        assert create_xor_masker(b"\x01\x02\x03\x04").process(b"\x00" * 5) == b"\x01\x02\x03\x04\x01"
        return "validate() and process() give the expected answers"

    def flatbuffers_runtime():
        import autobahn.flatbuffers as fb

        return f"flatbuffers runtime {fb.FLATBUFFERS_VERSION}"

    def flatc():
        from autobahn import flatc as compiler

        if args.expect_pure:
            assert not compiler.BINARY.exists(), "a pure installation bundles flatc"
            return "absent, as expected"
        path = compiler.path()
        assert os.access(path, os.X_OK), f"{path} is not executable"
        import autobahn.flatbuffers as fb

        version = compiler.version()
        assert version == fb.FLATBUFFERS_VERSION, f"flatc {version} != runtime {fb.FLATBUFFERS_VERSION}"
        return f"{path} reports {version}"

    def reflection():
        import autobahn.flatbuffers as fb

        schema = fb.load_schema(fb.REFLECTION_BFBS)
        assert schema.root_table == "reflection.Schema"
        return f"{fb.REFLECTION_BFBS} ({len(fb.reflection_bfbs())} bytes, {len(schema.objects)} tables)"

    check("import", imported)
    check("nvx", nvx)
    check("hot path", hot_path)
    check("flatbuffers", flatbuffers_runtime)
    if args.expect_flatc or args.expect_pure:
        check("flatc", flatc)
    check("reflection", reflection)
    print(f"smoke test: {'FAILED (' + str(failures) + ')' if failures else 'passed'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
