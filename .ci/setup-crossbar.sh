#!/usr/bin/env bash
# Install the Crossbar.io router (crossbar 26.10.1 from PyPI) into a virtual environment of its own at
# $AUTOBAHN_CROSSBAR_VENV (default /var/cache/autobahn-ci/crossbar-venv). Crossbar depends on the
# original autobahn 26.10.2, which must never share an environment with ours; the WAMP tests also use
# that venv's autobahn as the peer for mixed sessions and the speed comparison. Does nothing when the
# venv already has the pinned version.
set -euo pipefail
venv=${AUTOBAHN_CROSSBAR_VENV:-/var/cache/autobahn-ci/crossbar-venv}
version=26.10.1
# crossbar's dependency tree is pinned by crossbar itself; we pin the router and the peer autobahn.
# mock and pytest: what Crossbar's own unit suite imports (`trial crossbar`, tests/test_crossbar_suite.py).
pins=("crossbar==$version" "autobahn==26.10.2" "mock==5.2.0" "pytest>=8")
if [ -x "$venv/bin/crossbar" ] && "$venv/bin/python" -c "import importlib.metadata as m, sys, mock; sys.exit(m.version('crossbar') != '$version')" 2>/dev/null; then
    echo "crossbar $version already installed in $venv"
    exit 0
fi
py=${AUTOBAHN_CROSSBAR_PYTHON:-$(command -v python3.11 || command -v python3)}
mkdir -p "$(dirname "$venv")"
log="$(dirname "$venv")/crossbar-setup.log"
{
    rm -rf "$venv"
    "$py" -m venv "$venv"
    "$venv/bin/python" -m pip install -q --upgrade pip
    "$venv/bin/python" -m pip install -q "${pins[@]}"
    "$venv/bin/crossbar" version
} >"$log" 2>&1 || { tail -30 "$log" >&2; exit 1; }
echo "crossbar $version installed: $venv/bin/crossbar"
