"""One version everywhere: _version.py (the source), Cargo.toml, package metadata, NVX."""

import importlib.metadata
import pathlib
import tomllib

import pytest

import autobahn
import autobahn.websocket

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_cargo_version_matches_package_version():
    cargo = tomllib.loads((ROOT / "Cargo.toml").read_text())
    assert cargo["package"]["version"] == autobahn.__version__


def test_installed_metadata_matches():
    assert importlib.metadata.version("autobahn") == autobahn.__version__


def test_nvx_reports_the_same_version():
    if not autobahn.websocket.HAS_NVX:
        pytest.skip("NVX not built")
    from autobahn import nvx

    assert nvx.build_info()["version"] == autobahn.__version__
