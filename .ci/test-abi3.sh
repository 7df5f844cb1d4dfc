#!/usr/bin/env bash
# The abi3 wheel (WHEEL, or built here with this machine's default Python): the hot-path tests of
# the installed package with it (.ci/test-wheel.sh) on every other CPython >= 3.11 found under
# pyenv, and the whole suite on CPython 3.14 in a Debian sid root (.ci/test-platforms.sh; needs
# root): one wheel must serve them all.
#   test-abi3.sh [WHEEL]
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${1:-}" ]; then
    wheel=$(realpath "$1")
else
    out=$(mktemp -d)
    trap 'rm -rf "$out"' EXIT
    AUTOBAHN_USE_NVX=1 python3 -m pip wheel -q --no-deps -w "$out" .
    wheel=$(ls "$out"/autobahn-*-cp311-abi3-*.whl)
fi
case $(basename "$wheel") in *-cp311-abi3-*) ;; *) echo "not an abi3 wheel: $wheel" >&2; exit 1 ;; esac
echo "abi3 wheel: $(basename "$wheel")"
tested=0
for py in /root/.pyenv/versions/3.1[2-9]*/bin/python3; do
    [ -x "$py" ] || continue
    echo "== CPython $("$py" -c 'import platform; print(platform.python_version())')"
    bash .ci/test-wheel.sh "$wheel" "$py"
    tested=$((tested + 1))
done
bash .ci/test-platforms.sh py314 "$wheel"
tested=$((tested + 1))
echo "abi3 wheel tested on $tested other CPython version(s)"
