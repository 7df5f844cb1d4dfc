#!/usr/bin/env bash
# The NVX wheel for one interpreter, into DIR: abi3 cannot serve PyPy or free-threaded CPython
# (3.13t, 3.14t), so each of them gets a version-specific wheel, built by that interpreter
# (maturin asks it for its ABI). The pinned build tools go into a throwaway venv of it.
#   build-wheel-for.sh INTERPRETER DIR
# AUTOBAHN_MATURIN_ARGS defaults to zig linking for manylinux_2_28 on Linux, nothing elsewhere;
# AUTOBAHN_BUNDLE_FLATC defaults to 1 (required).
set -euo pipefail
cd "$(dirname "$0")/.."
interpreter=$1 dir=$(realpath -m "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$interpreter" -m venv "$work/venv"
python="$work/venv/bin/python"
[ -x "$python" ] || python="$work/venv/Scripts/python.exe"  # Windows runners
# maturin finds zig as `python3 -m ziglang` on PATH: the venv's.
PATH="$(dirname "$python"):$PATH"
"$python" -m pip install -q $(grep -oE '^(hatchling|maturin|ziglang)==[^ ]+' .ci/release-tools.txt)
"$python" -c 'import sys, sysconfig; print("building for", sys.implementation.name, sys.version.split()[0],
    "free-threaded" if sysconfig.get_config_var("Py_GIL_DISABLED") else "")'
if [ -z "${AUTOBAHN_MATURIN_ARGS+set}" ] && [ "$(uname -s)" = Linux ]; then
    export AUTOBAHN_MATURIN_ARGS="--zig --compatibility manylinux_2_28"
fi
AUTOBAHN_USE_NVX=1 AUTOBAHN_BUNDLE_FLATC=${AUTOBAHN_BUNDLE_FLATC:-1} "$python" -m hatchling build -t wheel -d "$dir"
