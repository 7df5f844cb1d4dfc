#!/usr/bin/env bash
# "Crossbar on ours": Crossbar.io 26.10.1 in a virtual environment of its own at
# $AUTOBAHN_CROSSBAR_OURS_VENV (default /var/cache/autobahn-ci/crossbar-ours-venv), installed as a user
# would (`pip install crossbar`, which brings the original autobahn), then our wheel installed over the
# original (`--force-reinstall --no-deps`, then once more with dependencies to add what ours needs
# beyond the original's). The router tests, Crossbar's own unit suite and the examples run on it.
#
#   bash .ci/setup-crossbar-ours.sh WHEEL     (WHEEL: our autobahn wheel, e.g. from `pip wheel --no-deps .`)
set -euo pipefail
wheel=${1:?usage: setup-crossbar-ours.sh WHEEL}
venv=${AUTOBAHN_CROSSBAR_OURS_VENV:-/var/cache/autobahn-ci/crossbar-ours-venv}
version=26.10.1
# the router as `pip install crossbar` brings it, and what Crossbar's own unit suite imports (trial crossbar)
pins=("crossbar==$version" "autobahn==26.10.2" "mock==5.2.0" "pytest>=8")
py=${AUTOBAHN_CROSSBAR_PYTHON:-$(command -v python3.11 || command -v python3)}
mkdir -p "$(dirname "$venv")"
log="$(dirname "$venv")/crossbar-ours-setup.log"
{
    if ! "$venv/bin/python" -c "import importlib.metadata as m, sys, mock; sys.exit(m.version('crossbar') != '$version')"; then
        rm -rf "$venv"
        "$py" -m venv "$venv"
        "$venv/bin/python" -m pip install -q --upgrade pip
        "$venv/bin/python" -m pip install -q "${pins[@]}"
    fi
    "$venv/bin/python" -m pip install -q --force-reinstall --no-deps "$wheel"
    "$venv/bin/python" -m pip install -q "$wheel"
    "$venv/bin/python" -m pip check || true  # reported, not fatal: Crossbar's own pins are its business
    "$venv/bin/crossbar" version
} >"$log" 2>&1 || { tail -30 "$log" >&2; exit 1; }
"$venv/bin/python" -c "import autobahn, sys; print(f'crossbar $version on our autobahn {autobahn.__version__}: $venv/bin/crossbar')"
