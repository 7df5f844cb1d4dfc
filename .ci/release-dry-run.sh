#!/usr/bin/env bash
# The Linux half of the release pipeline, end to end on this machine, into a fresh folder:
# build (sdist, NVX manylinux_2_28 wheel, pure wheel; the PyPy 3.11 x86-64 and the aarch64 wheels
# come from the Debian sid roots of .ci/test-platforms.sh) -> validate -> checksums -> metadata ->
# sdist smoke test -> then play release.yml: "download" the artifacts, verify every checksum
# and the expected file set, publish to a package index server on 127.0.0.1, install from it
# into a fresh virtual environment and smoke-test that installation.
#
#   .ci/release-dry-run.sh [OUT]     (default: dist/release-dry-run; TAG=v<version> by default)
#
# The PyPy and aarch64 wheels are taken from $AUTOBAHN_PLATFORM_WHEELS (default dist/platforms/,
# where .ci/test-platforms.sh leaves them), and built there first when missing. Free-threaded
# wheels and PyPy's aarch64 wheel are not part of it: no such interpreter runs on this machine
# (the workflows build them; the full release gate requires them).
#
# Every step is a `just` recipe, the same ones the workflows call.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=$(realpath -m "${1:-dist/release-dry-run}")
rm -rf "$OUT" && mkdir -p "$OUT"
VERSION=$(python .ci/artifacts.py version)
export TAG=${TAG:-v$VERSION}
ART=$OUT/artifacts
phase() { echo; echo "=== $*"; }

phase "build (wheels.yml, wheels-docker.yml; wheels-docker.yml's PyPy and wheels-arm64.yml's abi3 wheel in sid roots)"
just build-sdist "$ART/source-distribution"
just build-wheel-manylinux "$ART/artifacts-manylinux_2_28_x86_64"
just build-wheel-pure "$ART/linux-wheels-no-nvx"
PLATFORM_WHEELS=$(realpath -m "${AUTOBAHN_PLATFORM_WHEELS:-dist/platforms}")
PYPY_WHEEL="autobahn-$VERSION-pp311-pypy311_pp*-manylinux_2_28_x86_64.whl"
AARCH64_WHEEL="autobahn-$VERSION-cp311-abi3-manylinux_2_28_aarch64.whl"
if ! compgen -G "$PLATFORM_WHEELS/$PYPY_WHEEL" >/dev/null || ! compgen -G "$PLATFORM_WHEELS/$AARCH64_WHEEL" >/dev/null; then
    AUTOBAHN_PLATFORM_WHEELS=$PLATFORM_WHEELS bash .ci/test-platforms.sh wheels
fi
mkdir -p "$ART/artifacts-manylinux_2_28_x86_64-pypy" "$ART/artifacts-arm64-manylinux_2_28_aarch64"
cp "$PLATFORM_WHEELS"/$PYPY_WHEEL "$ART/artifacts-manylinux_2_28_x86_64-pypy/"
cp "$PLATFORM_WHEELS/$AARCH64_WHEEL" "$ART/artifacts-arm64-manylinux_2_28_aarch64/"
sync

phase "validation"
just validate "$ART/source-distribution" pure
just validate "$ART/artifacts-manylinux_2_28_x86_64" nvx
just validate "$ART/linux-wheels-no-nvx" pure
just validate "$ART/artifacts-manylinux_2_28_x86_64-pypy" nvx
just validate "$ART/artifacts-arm64-manylinux_2_28_aarch64" nvx
for dir in "$ART"/*/; do just checksums "$dir"; done
sync

phase "metadata"
for dir in "$ART"/*/; do just build-info "$dir"; done
sync

phase "sdist smoke test"
just smoke-sdist "$ART"/source-distribution/autobahn-*.tar.gz "$OUT/sdist-venv"

phase "release.yml ($(just release-kind "$TAG") release for tag $TAG)"
mkdir -p "$OUT/downloaded"
cp -r "$ART"/. "$OUT/downloaded/"   # what the verified download action leaves behind
sync
LINUX=source-distribution,linux-wheels-no-nvx,artifacts-manylinux_2_28_x86_64
LINUX=$LINUX,artifacts-manylinux_2_28_x86_64-pypy,artifacts-arm64-manylinux_2_28_aarch64
just release-verify "$OUT/downloaded" "$LINUX"
# ... and without the PyPy or the aarch64 wheel, the same gate refuses the release.
for missing in artifacts-manylinux_2_28_x86_64-pypy artifacts-arm64-manylinux_2_28_aarch64; do
    rm -rf "$OUT/incomplete" && cp -r "$OUT/downloaded" "$OUT/incomplete" && rm -rf "${OUT:?}/incomplete/$missing"
    if just release-verify "$OUT/incomplete" "$LINUX" >"$OUT/incomplete.log" 2>&1; then
        echo "the release gate passed without $missing" >&2
        exit 1
    fi
    grep "release refused: expected artifact $missing" "$OUT/incomplete.log"
done
rm -rf "$OUT/incomplete"
if [ "$(just release-kind "$TAG")" != stable ]; then
    echo "development release: nothing is published for tag $TAG"
    exit 0
fi
PORT=$(python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$OUT/index"
python -m pypiserver run --host 127.0.0.1 -p "$PORT" -a . -P . "$OUT/index" >"$OUT/index.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
python - "$PORT" <<'PY'
import socket, sys, time
for _ in range(100):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=0.2).close()
        break
    except OSError:
        time.sleep(0.1)
else:
    sys.exit("package index did not start")
PY
just release-publish "$OUT/downloaded" "$LINUX" "http://127.0.0.1:$PORT"

phase "install from the index and smoke-test"
python -m venv "$OUT/index-venv"
"$OUT/index-venv/bin/pip" install -q --index-url "http://127.0.0.1:$PORT/simple/" \
    --extra-index-url https://pypi.org/simple/ --only-binary autobahn "autobahn==$VERSION"
(cd "$OUT" && "$OUT/index-venv/bin/python" "$OLDPWD/.ci/smoke_test.py" --expect-nvx --expect-flatc)
echo
echo "release dry run passed: $OUT"
