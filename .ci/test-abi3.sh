#!/usr/bin/env bash
# Build the abi3 wheel once with this machine's default Python, then install it into a fresh
# virtual environment of every other CPython >= 3.11 found under pyenv and run the test suite
# there (NVX required). One wheel must serve them all.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
AUTOBAHN_USE_NVX=1 python3 -m pip wheel --no-deps -w "$out/wheel" . >/dev/null
wheel=$(ls "$out"/wheel/autobahn-*-cp311-abi3-*.whl)
echo "abi3 wheel: $(basename "$wheel")"
tested=0
for py in /root/.pyenv/versions/3.1[2-9]*/bin/python3; do
    [ -x "$py" ] || continue
    version=$("$py" -c 'import platform; print(platform.python_version())')
    echo "== CPython $version"
    "$py" -m venv "$out/venv-$version"
    "$out/venv-$version/bin/python" -m pip install -q "$wheel" pytest hypothesis
    # The tests of the installed package (not of the source tree or the build), from a copy of
    # tests/, so that nothing imports the checkout.
    t="$out/tests-$version"
    cp -r tests "$t"
    (cd "$out" && AUTOBAHN_USE_NVX=1 "$out/venv-$version/bin/python" -m pytest -q -p no:cacheprovider \
        "$t/test_utf8validator.py" "$t/test_xormasker.py" "$t/test_guard.py" "$t/test_switch.py" "$t/test_threads.py")
    tested=$((tested + 1))
done
echo "abi3 wheel tested on $tested other CPython version(s)"
