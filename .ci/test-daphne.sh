#!/usr/bin/env bash
# Daphne (Django Channels' ASGI server, built on autobahn.twisted) runs its own test suite,
# unchanged, with our package installed in place of autobahn 26.10.2, and must pass as many
# tests as it does with autobahn 26.10.2. Both runs happen here, each in a fresh venv, so the
# comparison is measured on this machine rather than remembered.
#   bash .ci/test-daphne.sh [WHEEL]   (WHEEL: our wheel; default: built from this checkout)
set -euo pipefail
cd "$(dirname "$0")/.."
DAPHNE_VERSION=4.2.3   # the registry's current release; its sdist carries tests/
ORIGINAL=26.10.2       # the autobahn release Daphne is compared with
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

wheel=${1:-}
if [ -z "$wheel" ]; then
    AUTOBAHN_USE_NVX=1 python3 -m pip wheel -q --no-deps -w "$work/wheel" .
    wheel=$(ls "$work"/wheel/autobahn-*.whl)
fi

# Daphne's sources at the release (the sdist holds its tests and pytest configuration).
python3 -m pip download -q --no-deps --no-binary :all: -d "$work/sdist" "daphne==$DAPHNE_VERSION"
tar -xzf "$work"/sdist/daphne-*.tar.gz -C "$work"
src="$work/daphne-$DAPHNE_VERSION"

# One run: a fresh venv with Daphne, its test dependencies (those of its "tests" extra that
# run tests; black/flake8/mypy/tox/coverage are its linters) and the autobahn given.
run_suite() {
    local name=$1 autobahn=$2
    python3 -m venv "$work/$name"
    "$work/$name/bin/python" -m pip install -q "$autobahn" "daphne==$DAPHNE_VERSION" \
        django hypothesis pytest pytest-asyncio
    "$work/$name/bin/python" -c "import autobahn, sys; print('$name: autobahn', autobahn.__version__, 'from', autobahn.__file__, file=sys.stderr)"
    # Run from a copy of the tests only, so `import daphne` finds the installed release.
    rm -rf "$work/run-$name" && mkdir "$work/run-$name"
    cp -r "$src/tests" "$src/pyproject.toml" "$work/run-$name/"
    (cd "$work/run-$name" && "$work/$name/bin/python" -m pytest -q -p no:cacheprovider tests 2>&1) \
        | tee "$work/$name.log" | tail -3 >&2 || true
    grep -E "^[0-9]+ (passed|failed)|passed|failed" "$work/$name.log" | tail -1
}

count() {  # count WORD LINE: the number before WORD in a pytest summary line, 0 if absent
    echo "$2" | grep -oE "[0-9]+ $1" | grep -oE "[0-9]+" || echo 0
}

theirs=$(run_suite original "autobahn==$ORIGINAL")
ours=$(run_suite ours "$wheel[twisted]")
echo "Daphne $DAPHNE_VERSION with autobahn $ORIGINAL: $theirs"
echo "Daphne $DAPHNE_VERSION with our autobahn:     $ours"
tp=$(count passed "$theirs"); op=$(count passed "$ours")
if [ "$tp" -eq 0 ] || [ "$op" -lt "$tp" ] || [ "$(count failed "$ours")" -gt "$(count failed "$theirs")" ]; then
    echo "FAIL: Daphne passes fewer tests with our autobahn ($op) than with autobahn $ORIGINAL ($tp)" >&2
    sed -n '/= FAILURES =/,$p' "$work/ours.log" | head -150 >&2
    exit 1
fi
echo "OK: Daphne passes $op tests with our autobahn (autobahn $ORIGINAL: $tp)"
