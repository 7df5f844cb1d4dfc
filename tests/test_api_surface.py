"""Every public name, class member and call signature of autobahn 26.10.2's WebSocket (and,
where built, WAMP) modules exists in ours with a compatible signature.

The expected surface is tests/data/autobahn-26.10.2-api.json, dumped from the registry's wheel
by ``.ci/api_surface.py dump`` (installed with ``pip install --target`` into a temporary
folder, never beside ours). ``python .ci/api_surface.py check`` prints the same comparison.
"""

from __future__ import annotations

import importlib.util
import json
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("api_surface", ROOT / ".ci" / "api_surface.py")
assert _spec is not None and _spec.loader is not None
api_surface = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(api_surface)

EXPECTED = json.loads((ROOT / "tests" / "data" / "autobahn-26.10.2-api.json").read_text())


def test_dump_is_of_the_release_we_replace():
    assert EXPECTED["autobahn"] == "26.10.2"
    assert set(EXPECTED["modules"]) == set(api_surface.MODULES)


@pytest.mark.parametrize("module_name", api_surface.WEBSOCKET_MODULES)
def test_websocket_module_surface(module_name):
    # The Wamp* classes of the framework modules belong to the WAMP surface (below).
    expected = {k: v for k, v in EXPECTED["modules"][module_name].items() if not k.startswith("Wamp")}
    present, compatible, problems = api_surface.compare(expected, module_name)
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
