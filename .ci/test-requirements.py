"""Print the requirements of pyproject.toml's ``test`` extra, one a line (autobahn's own extras that it
names expanded), less the distributions given as arguments: what a platform leg installs beside the
wheel when its interpreter cannot install everything (.ci/test-platforms.sh).
    test-requirements.py [LEFT_OUT_DISTRIBUTION ...]
"""

from __future__ import annotations

import re
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

EXTRAS = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text())["project"][
    "optional-dependencies"
]
NAME = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirements(extra: str) -> Iterator[tuple[str, str]]:
    """(canonical distribution name, requirement) of ``extra``, autobahn's own extras expanded."""
    for requirement in EXTRAS[extra]:
        match = NAME.match(requirement)
        assert match, requirement
        name, extras = canonical(match.group(1)), match.group(2)
        if name == "autobahn":
            for inner in (extras or "").split(","):
                yield from requirements(inner.strip())
        else:
            yield name, requirement


def main(left_out: list[str]) -> int:
    wanted = dict(requirements("test"))
    unknown = {canonical(n) for n in left_out} - wanted.keys()
    if unknown:  # a stale list would leave out nothing and say it did
        print(f"not in the test extra: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 1
    for name, requirement in wanted.items():
        if name not in {canonical(n) for n in left_out}:
            print(requirement)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
