#!/usr/bin/env bash
# Regenerate the API-surface data of autobahn 26.11.1 (see .ci/api_surface.py):
#   tests/data/autobahn-26.11.1-modules.txt   the original wheel's modules
#   tests/data/autobahn-dependents.json       the autobahn names crossbar, cfxdb, xbr, zlmdb, daphne use
#   tests/data/autobahn-26.11.1-api.json      every module's importable names with signatures
# Usage: bash .ci/api-data.sh WHEEL [CROSSBAR_SITE_PACKAGES]
#   WHEEL: the original's wheel (pip download --no-deps autobahn==26.11.1); the second argument
#   defaults to the Crossbar.io venv of .ci/setup-crossbar.sh. Needs the registry (daphne, and
#   the original's dependencies in a throwaway venv).
set -euo pipefail
cd "$(dirname "$0")/.."
wheel=$(realpath "$1")
site=${2:-/var/cache/autobahn-ci/crossbar-venv/lib/python3.11/site-packages}
python=${PYTHON:-python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$python" .ci/api_surface.py modules "$wheel" > tests/data/autobahn-26.11.1-modules.txt

"$python" -m pip download -q --no-deps -d "$work/daphne" daphne
"$python" -m zipfile -e "$work"/daphne/daphne-*.whl "$work/daphne/src"
"$python" .ci/api_surface.py dependents "$site" "$work/daphne/src" > tests/data/autobahn-dependents.json

# The original with every extra, and what its compress_snappy and flatbuffers.reflection import.
"$python" -m venv "$work/original"
"$work/original/bin/pip" install -q "$wheel[all]" bcrypt python-snappy flatbuffers==25.12.19
"$work/original/bin/python" .ci/api_surface.py dump-all "$work/original/bin/python" > tests/data/autobahn-26.11.1-api.json
git status --short tests/data
