#!/usr/bin/env bash
# Install the original autobahn 26.10.2 (without dependencies: the test venv's Twisted and txaio
# serve it) into a `pip --target` folder of its own, $AUTOBAHN_ORIGINAL_TARGET (default
# .peers/autobahn-26.10.2, gitignored; the benchmarks use the same folder), never beside ours.
# tests/differential/ runs each scenario against it with that folder first on the path. Does
# nothing when the folder already holds that version.
set -euo pipefail
cd "$(dirname "$0")/.."
version=26.10.2
target=${AUTOBAHN_ORIGINAL_TARGET:-.peers/autobahn-$version}
if [ -f "$target/autobahn-$version.dist-info/METADATA" ]; then
    echo "autobahn $version already in $target"
    exit 0
fi
rm -rf "$target"
python -m pip install -q --no-deps --target "$target" "autobahn==$version"
echo "autobahn $version installed in $target"
