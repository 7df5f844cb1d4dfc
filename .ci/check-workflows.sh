#!/usr/bin/env bash
# release.yml's check-workflows job: find the runs of the three build workflows for HEAD_SHA,
# decide whether all finished successfully, and publish (as job outputs) their run ids, the
# artifact names from .ci/expected-artifacts.json, and the tag (a v* tag push has it as branch).
set -euo pipefail
out=${GITHUB_OUTPUT:-/dev/stdout}
ready=true
for pair in wheels:wheels.yml docker:wheels-docker.yml arm64:wheels-arm64.yml; do
    key=${pair%%:*} workflow=${pair#*:}
    read -r id status conclusion < <(gh api "repos/$GITHUB_REPOSITORY/actions/workflows/$workflow/runs?head_sha=$HEAD_SHA" \
        --jq '.workflow_runs[0] | "\(.id) \(.status) \(.conclusion)"')
    echo "$workflow: run $id $status/$conclusion"
    [ "$status" = completed ] && [ "$conclusion" = success ] || ready=false
    echo "${key}_run_id=$id" >>"$out"
done
echo "ready=$ready" >>"$out"
python3 - "$out" <<'PY'
import json, sys
names = {k for k in json.load(open(".ci/expected-artifacts.json")) if not k.startswith("_")}
outputs = {
    "artifact_macos_wheels": "wheels-macos-arm64",
    "artifact_windows_wheels": "wheels-windows-x86_64",
    "artifact_source_dist": "source-distribution",
    "artifact_linux_no_nvx": "linux-wheels-no-nvx",
    "artifact_manylinux_x86_64": "artifacts-manylinux_2_28_x86_64",
    "artifact_arm64": "artifacts-arm64-manylinux_2_28_aarch64",
}
assert set(outputs.values()) == names, "expected-artifacts.json and release.yml disagree"
with open(sys.argv[1], "a") as fh:
    fh.writelines(f"{key}={value}\n" for key, value in outputs.items())
PY
case "${HEAD_BRANCH:-}" in v*) echo "tag=$HEAD_BRANCH" >>"$out" ;; *) echo "tag=" >>"$out" ;; esac
