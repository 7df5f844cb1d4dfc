#!/usr/bin/env bash
# Prepare a PyPA manylinux container for the wheel build: Rust (rustup, minimal profile), a
# CPython 3.11 virtual environment at /opt/autobahn-venv with the pinned release tools (just
# among them). Later steps run through .ci/in-container, which puts both on PATH.
set -euo pipefail
curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
/opt/python/cp311-cp311/bin/python -m venv /opt/autobahn-venv
/opt/autobahn-venv/bin/pip install --quiet -r .ci/release-tools.txt
.ci/in-container rustc --version
.ci/in-container just --version
