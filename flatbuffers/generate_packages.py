"""Generate the per-type Python packages of our FlatBuffers schemas with the bundled flatc.

flatc writes one module per table, struct and enum (``reflection/Schema.py``,
``wamp/proto/Hello.py``, ...), and a table that refers to another imports it by its schema
namespace (``from wamp.proto.Principal import Principal``), which only works when that
namespace is a top-level package. We ship them inside autobahn, so those imports are
rewritten to the package they live in; nothing else of flatc's output changes.

    python flatbuffers/generate_packages.py            # regenerate the committed packages
    python flatbuffers/generate_packages.py --check    # exit 1, naming files, when stale

tests/test_flatbuffers.py and tests/test_wamp_gen.py call ``generate()`` into a temporary
folder and compare with the committed files. Needs autobahn installed with its flatc.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

SCHEMA_DIR = Path(__file__).resolve().parent
ROOT = SCHEMA_DIR.parent


@dataclass(frozen=True)
class Target:
    schemas: tuple[str, ...]  # .fbs files in SCHEMA_DIR, compiled in one flatc run
    namespace: str  # the top-level schema namespace flatc makes a folder of
    package: str  # the Python package that folder goes into

    @property
    def folder(self) -> Path:
        return ROOT / "src" / Path(*self.package.split(".")) / self.namespace


TARGETS = (
    Target(("reflection.fbs",), "reflection", "autobahn.flatbuffers"),
    Target(("wamp.fbs", "wamp_auth.fbs"), "wamp", "autobahn.wamp.gen"),
)


def generate(target: Target, out: Path) -> dict[str, str]:
    """Generate ``target`` into ``out`` (a new folder); {relative path: text} of what was written."""
    from autobahn import flatc

    with tempfile.TemporaryDirectory(prefix="autobahn-flatc-") as tmp:
        flatc.run("--python", "-o", tmp, *target.schemas, cwd=SCHEMA_DIR)
        produced = Path(tmp) / target.namespace
        # "from wamp.proto.X import X" -> "from autobahn.wamp.gen.wamp.proto.X import X"
        namespace_import = re.compile(rf"^(\s*from ){re.escape(target.namespace)}\.", re.MULTILINE)
        files = {}
        for path in sorted(produced.rglob("*.py")):
            text = namespace_import.sub(rf"\g<1>{target.package}.{target.namespace}.", path.read_text())
            rel = path.relative_to(produced).as_posix()
            files[rel] = text
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            (out / rel).write_text(text)
    return files


def committed(target: Target) -> dict[str, str]:
    return {p.relative_to(target.folder).as_posix(): p.read_text() for p in sorted(target.folder.rglob("*.py"))}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed files, change nothing")
    args = parser.parse_args(argv)
    stale = []
    for target in TARGETS:
        with tempfile.TemporaryDirectory() as tmp:
            fresh = generate(target, Path(tmp))
            if args.check:
                old = committed(target)
                stale += [f"{target.folder / n}" for n in sorted(set(fresh) | set(old)) if fresh.get(n) != old.get(n)]
            else:
                shutil.rmtree(target.folder, ignore_errors=True)
                shutil.copytree(tmp, target.folder)
    for name in stale:
        print(f"stale: {name}", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
