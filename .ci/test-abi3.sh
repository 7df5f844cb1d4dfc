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
    # Run from a copy of tests/ only, so nothing imports the source tree.
    (cd "$out" && cp -r "$OLDPWD/tests" "tests-$version" && cp "$OLDPWD/Cargo.toml" . &&
        AUTOBAHN_USE_NVX=1 "$out/venv-$version/bin/python" -m pytest -q -p no:cacheprovider \
            "tests-$version" --ignore="tests-$version/test_build_hook.py" --ignore="tests-$version/test_rust.py" \
            --deselect "tests-$version/test_version.py::test_cargo_version_matches_package_version")
    tested=$((tested + 1))
done
echo "abi3 wheel tested on $tested other CPython version(s)"
