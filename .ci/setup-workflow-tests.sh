#!/usr/bin/env bash
# What .ci/run installs for the README's test command, on a GitHub runner (main.yml): the package
# (NVX and flatc) with the test and documentation extras and the release tools, Crossbar.io with the
# original autobahn and with ours, autobahn's examples, the original autobahn for the differential.
# wstest comes from its Docker image (the workflow's WSTEST). Under AUTOBAHN_CI=1 and the
# AUTOBAHN_REQUIRE_* switches, the tests fail, not skip, when any of these is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf dist/ci-wheel
AUTOBAHN_USE_NVX=1 AUTOBAHN_BUNDLE_FLATC=1 python -m pip wheel -q --no-deps -w dist/ci-wheel .
wheel=$(ls dist/ci-wheel/autobahn-*.whl)
python -m pip install -q "$wheel[test,docs]" -r .ci/release-tools.txt
bash .ci/setup-crossbar.sh
bash .ci/setup-crossbar-ours.sh "$wheel"
bash .ci/fetch-autobahn-examples.sh
bash .ci/setup-original-autobahn.sh
