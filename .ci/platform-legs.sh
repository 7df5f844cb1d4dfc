#!/usr/bin/env bash
# The second of .ci/run's two lanes: the legs that run in Debian sid roots or build release
# artifacts, one after another, while .ci/run's own lane runs the host's test suites beside them.
# This machine has 2 cores: the host lane's pytest runs use about one, the roots' suites and qemu
# about one, so side by side they take about half the time they took in a row.
#   platform-legs.sh WHEEL OUT
# WHEEL: the abi3 wheel .ci/run built and tests; OUT: a fresh folder for the release dry run.
# Expects .ci/run's venv to be active (just, the release tools) and AUTOBAHN_PLATFORM_WHEELS set.
set -euo pipefail
cd "$(dirname "$0")/.."
wheel=$(realpath "$1")
out=$2
started=$SECONDS
lap() { echo "[platform lane] $1: $(((SECONDS - started) / 60)) min $(((SECONDS - started) % 60)) s in"; }

# The roots (cached tarballs under $AUTOBAHN_CI_CACHE, so this is quick when warm; ~1 h cold).
bash .ci/platform-roots.sh build sid-amd64 sid-arm64
lap "roots ready"

# The same abi3 wheel on every other CPython >= 3.11 on this machine, and on CPython 3.14.
bash .ci/test-abi3.sh "$wheel"
lap "abi3 wheel on CPython 3.12, 3.13, 3.14 done"

# PyPy 3.11 (the whole suite with NVX, then pure Python) and aarch64 (cross-built, the NEON
# selection of the hot-path tests under qemu). Their wheels go to $AUTOBAHN_PLATFORM_WHEELS.
bash .ci/test-platforms.sh all
lap "PyPy and aarch64 done"

# The Linux half of the release pipeline, end to end, with a package index on 127.0.0.1
# (the PyPy and aarch64 wheels are the ones built just above).
just release-dry-run "$out"
lap "release dry run done"
