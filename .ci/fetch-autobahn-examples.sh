#!/usr/bin/env bash
# autobahn-python's own examples (examples/ of the autobahn 26.10.2 sdist on PyPI, SHA-256 pinned) into
# $AUTOBAHN_EXAMPLES_DIR (default /var/cache/autobahn-ci/autobahn-26.10.2-examples), for
# tests/test_wamp_examples.py. They are read and run from there, never copied into this repository.
set -euo pipefail
dest=${AUTOBAHN_EXAMPLES_DIR:-/var/cache/autobahn-ci/autobahn-26.10.2-examples}
sha256=6c69fca89106567060941c5568e67a5369738813d883db4e3d62b76f0a2c497e
[ -f "$dest/.complete" ] && { echo "autobahn examples already in $dest"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# (pip prepares the sdist's metadata, which takes ~15 s; done once per machine)
python3 -m pip download -q --no-deps --no-binary :all: -d "$tmp" autobahn==26.10.2
echo "$sha256  $tmp/autobahn-26.10.2.tar.gz" | sha256sum -c --quiet
rm -rf "$dest"
mkdir -p "$dest"
tar -xzf "$tmp/autobahn-26.10.2.tar.gz" -C "$dest" --strip-components=2 autobahn-26.10.2/examples
touch "$dest/.complete"
echo "autobahn examples: $dest"
