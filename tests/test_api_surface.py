"""Every public name, class member and call signature of autobahn 26.10.2's WebSocket and
WAMP modules exists in ours with a compatible signature; and so does, for every module of
autobahn 26.11.1, each name programs can import from it: its public names, the names it
re-exports at import, and the private and public names real dependents (Crossbar.io, cfxdb,
xbr, zlmdb, daphne) use from it.

The expected surfaces are tests/data/autobahn-26.10.2-api.json (``.ci/api_surface.py dump``,
from the registry's wheel installed with ``pip install --target`` into a temporary folder,
never beside ours) and tests/data/autobahn-26.11.1-api.json (``.ci/api_surface.py dump-all``,
run in a virtual environment with the original installed), the dependents' names
tests/data/autobahn-dependents.json (``.ci/api_surface.py dependents``). ``python
.ci/api_surface.py check`` / ``check-all`` print the same comparisons.
"""

from __future__ import annotations

import importlib.util
import json
import pathlib
import types

import pytest
from conftest import needs

ROOT = pathlib.Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("api_surface", ROOT / ".ci" / "api_surface.py")
assert _spec is not None and _spec.loader is not None
api_surface = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(api_surface)

EXPECTED = json.loads((ROOT / "tests" / "data" / "autobahn-26.10.2-api.json").read_text())
NEWEST = json.loads(api_surface.NEWEST_API.read_text())
DEPENDENTS = json.loads(api_surface.DEPENDENTS.read_text())


def test_dump_is_of_the_release_we_replace():
    assert EXPECTED["autobahn"] == "26.10.2"
    assert set(EXPECTED["modules"]) == set(api_surface.MODULES)


@pytest.mark.parametrize("module_name", api_surface.MODULES)
def test_module_surface(module_name):
    present, compatible, problems = api_surface.compare(EXPECTED["modules"][module_name], module_name)
    assert problems == [], "\n".join(problems)


def test_compatibility_rules():
    P, K, VP, VK = "POSITIONAL_OR_KEYWORD", "KEYWORD_ONLY", "VAR_POSITIONAL", "VAR_KEYWORD"
    original = [["self", P, False], ["payload", P, False], ["isBinary", P, True]]
    assert api_surface.compatible(original, original)
    assert api_surface.compatible(original, [*original, ["extra", P, True]])  # a new optional parameter
    assert not api_surface.compatible(original, [*original, ["extra", P, False]])  # a new required one
    assert not api_surface.compatible(original, [["self", P, False], ["data", P, False], ["isBinary", P, True]])
    assert not api_surface.compatible(original, [["self", P, False], ["payload", P, False]])  # isBinary lost
    assert not api_surface.compatible(original, [["self", P, False], ["payload", P, False], ["isBinary", P, False]])
    assert api_surface.compatible(original, [["self", P, False], ["args", VP, False], ["kwargs", VK, False]])
    assert not api_surface.compatible([["self", P, False], ["x", K, True]], [["self", P, False]])


# --- autobahn 26.11.1, every module ---


def test_newest_dump_covers_the_module_list():
    assert NEWEST["autobahn"] == "26.11.1"
    assert list(NEWEST["modules"]) == api_surface.read_module_list()


# autobahn.wamp.serializer's UBJSON classes need bjdata, which the PyPy leg leaves out (no wheel there).
NEWEST_MODULES = [
    pytest.param(name, marks=needs("bjdata")) if name == "autobahn.wamp.serializer" else name
    for name in NEWEST["modules"]
]


@pytest.mark.parametrize("module_name", NEWEST_MODULES)
def test_newest_module_surface(module_name):
    expected = NEWEST["modules"][module_name]["names"]
    present, compatible, problems = api_surface.compare(expected, module_name)
    assert problems == [], "\n".join(problems)
    assert present == compatible == len(expected)


def test_dependents_names_are_in_the_dump():
    """Every name a dependent uses from a module of the original is checked (or, used but not
    in the original, listed as such): the dump did not drop any."""
    for module_name, names in DEPENDENTS["uses"].items():
        if module_name not in NEWEST["modules"]:
            continue  # a module the original does not have (none today)
        dumped = NEWEST["modules"][module_name]
        for name in filter(None, names):
            assert name in dumped["names"] or name in dumped["dependent_names_not_in_original"], (module_name, name)
            if name in dumped["names"]:
                assert "dependent" in dumped["names"][name]["why"]


def test_dependents_data_has_the_names_crossbar_needs():
    """The scan found what Crossbar.io fails on without (issue 17): the reactor installer it
    imports from the package, the private QR-code helper of its key module, zlmdb's check."""
    uses = DEPENDENTS["uses"]
    assert "crossbar" in uses["autobahn.twisted"]["install_reactor"]
    assert "crossbar" in uses["autobahn.wamp.cryptosign"]["_qrcode_from_signify_ed25519_pubkey"]
    assert "zlmdb" in uses["autobahn.flatbuffers"]["__version__"]
    assert "daphne" in uses["autobahn.twisted.websocket"]["WebSocketServerProtocol"]
    assert set(DEPENDENTS["sources"]) == {"crossbar", "cfxdb", "xbr", "zlmdb", "daphne"}


def test_excluded_names_are_only_cffi_and_lazy_imports():
    excluded = {m: sorted(v["excluded"]) for m, v in NEWEST["modules"].items() if v["excluded"]}
    assert excluded == {
        "autobahn.nvx._utf8validator": ["c_source", "fd", "ffi"],
        "autobahn.nvx._xormasker": ["*.ffi", "*.lib", "c_source", "fd", "ffi"],
        "autobahn.wamp.serializer": ["flatbuffers", "message_fbs"],
    }


SAMPLE_DEPENDENT = """
import autobahn
import autobahn.wamp.types as types
from autobahn.twisted import install_reactor, util
from autobahn.wamp import cryptosign
from autobahn import util as abutil

def f():
    cryptosign._qrcode_from_signify_ed25519_pubkey("k")
    util.sleep(1)
    autobahn.wamp.message.Publish
    types.CallDetails(x=1).y
    abutil.utcnow()
    "autobahn.websocket.protocol.Nothing"  # text is not code
"""


def test_dependents_scan_reads_imports_and_attribute_chains(tmp_path):
    source = tmp_path / "program.py"
    source.write_text(SAMPLE_DEPENDENT)
    modules = {"autobahn", "autobahn.twisted", "autobahn.twisted.util", "autobahn.wamp", "autobahn.wamp.cryptosign",
               "autobahn.wamp.message", "autobahn.wamp.types", "autobahn.util"}  # fmt: skip
    uses = {pair for pair in api_surface._scan_file(source, modules) if pair[1]}
    assert uses == {
        ("autobahn.twisted", "install_reactor"),
        ("autobahn.wamp.cryptosign", "_qrcode_from_signify_ed25519_pubkey"),
        ("autobahn.twisted.util", "sleep"),
        ("autobahn.wamp.message", "Publish"),
        ("autobahn.wamp.types", "CallDetails"),
        ("autobahn.util", "utcnow"),
    }


def test_reexports_are_read_from_import_statements(tmp_path):
    package = tmp_path / "autobahn_sample"
    package.mkdir()
    (package / "__init__.py").write_text(
        "from autobahn.util import public\n"
        "from .sibling import thing as renamed\n"
        "from os import path\n"
        "try:\n    from autobahn.wamp.types import CallDetails\nexcept ImportError:\n    pass\n"
        "def later():\n    from autobahn.util import utcnow\n"
    )

    module = types.SimpleNamespace(__name__="autobahn.sample", __file__=str(package / "__init__.py"))
    assert api_surface.reexported_names(module) == {"public", "renamed", "CallDetails"}
