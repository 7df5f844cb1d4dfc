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
# One output per expected artifact, named artifact_<name with - and . as _> (release.yml's
# download steps use them); the release gate then checks every file of every one.
python3 - "$out" <<'PY'
import json, re, sys
names = [k for k in json.load(open(".ci/expected-artifacts.json")) if not k.startswith("_")]
with open(sys.argv[1], "a") as fh:
    for name in names:
        fh.write("artifact_" + re.sub(r"\W", "_", name) + "=" + name + "\n")
PY
case "${HEAD_BRANCH:-}" in v*) echo "tag=$HEAD_BRANCH" >>"$out" ;; *) echo "tag=" >>"$out" ;; esac
