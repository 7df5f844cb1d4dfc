#!/usr/bin/env bash
# The Linux half of the release pipeline, end to end on this machine, into a fresh folder:
# build (sdist, NVX manylinux_2_28 wheel, pure wheel) -> validate -> checksums -> metadata ->
# sdist smoke test -> then play release.yml: "download" the artifacts, verify every checksum
# and the expected file set, publish to a package index server on 127.0.0.1, install from it
# into a fresh virtual environment and smoke-test that installation.
#
#   .ci/release-dry-run.sh [OUT]     (default: dist/release-dry-run; TAG=v<version> by default)
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

phase "build (wheels.yml, wheels-docker.yml)"
just build-sdist "$ART/source-distribution"
just build-wheel-manylinux "$ART/artifacts-manylinux_2_28_x86_64"
just build-wheel-pure "$ART/linux-wheels-no-nvx"
sync

phase "validation"
just validate "$ART/source-distribution" pure
just validate "$ART/artifacts-manylinux_2_28_x86_64" nvx
just validate "$ART/linux-wheels-no-nvx" pure
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
just release-verify "$OUT/downloaded" "$LINUX"
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
