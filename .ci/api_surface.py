"""The public API of autobahn 26.10.2, as data: dump it from the original, check ours against it.

    python .ci/api_surface.py dump TARGET_DIR > tests/data/autobahn-26.10.2-api.json
        TARGET_DIR holds the original (``pip install --target TARGET_DIR autobahn==26.10.2 twisted``;
        never beside ours: both are called ``autobahn``). Records every public name of the modules
        below, and for functions and classes (with their public members) the call signature.
    python .ci/api_surface.py check [--modules a,b]
        Imports ours and prints, per module, how many names exist and how many signatures are
        compatible; lists what is missing. tests/test_api_surface.py runs the same comparison.

A signature is compatible when every call the original accepts is accepted by ours: the same
positional parameters in the same order, every keyword, no new required parameter (``*args`` /
``**kwargs`` of ours absorb anything).
"""

from __future__ import annotations

import importlib
import inspect
import json
import subprocess
import sys

# The modules a program written for autobahn 26.10.2 imports (issues 9 and 12).
WEBSOCKET_MODULES = [
    "autobahn.exception",
    "autobahn.util",
    "autobahn.websocket",
    "autobahn.websocket.protocol",
    "autobahn.websocket.types",
    "autobahn.websocket.compress",
    "autobahn.websocket.util",
    "autobahn.websocket.interfaces",
    "autobahn.websocket.utf8validator",
    "autobahn.websocket.xormasker",
    "autobahn.asyncio.websocket",
    "autobahn.twisted.websocket",
    "autobahn.twisted.resource",
]
WAMP_MODULES = [
    "autobahn.wamp",
    "autobahn.wamp.message",
    "autobahn.wamp.serializer",
    "autobahn.wamp.types",
    "autobahn.wamp.protocol",
    "autobahn.wamp.uri",
    "autobahn.wamp.exception",
    "autobahn.wamp.role",
    "autobahn.wamp.auth",
    "autobahn.wamp.component",
    "autobahn.wamp.interfaces",
    "autobahn.wamp.websocket",
    "autobahn.asyncio.wamp",
    "autobahn.asyncio.component",
    "autobahn.asyncio.rawsocket",
    "autobahn.twisted.wamp",
    "autobahn.twisted.component",
    "autobahn.twisted.rawsocket",
]
MODULES = WEBSOCKET_MODULES + WAMP_MODULES


def _parameters(obj: object) -> list[list] | None:
    """[[name, kind, has_default], ...] of a callable, None when it has no signature."""
    try:
        sig = inspect.signature(obj)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return [[p.name, p.kind.name, p.default is not inspect.Parameter.empty] for p in sig.parameters.values()]


def _public_module_names(module: object) -> list[str]:
    """``__all__``, plus the public classes and functions the module defines itself (programs
    import those by name, e.g. ``autobahn.websocket.protocol.PreparedMessage``)."""
    names = set(getattr(module, "__all__", ()))
    for name, value in vars(module).items():
        if name.startswith("_") or inspect.ismodule(value):
            continue
        defined_here = getattr(value, "__module__", None) == module.__name__ and callable(value)
        constant = not hasattr(module, "__all__") and not callable(value)
        if defined_here or constant:
            names.add(name)
    return sorted(names)


def _class_members(cls: type) -> dict[str, dict]:
    members: dict[str, dict] = {}
    for klass in reversed(cls.__mro__):
        if not (klass.__module__ or "").startswith("autobahn"):
            continue  # members of framework or builtin bases come with those bases
        for name, value in vars(klass).items():
            if name.startswith("_") and name != "__init__":
                continue
            if isinstance(value, (staticmethod, classmethod)):
                value = value.__func__
            if isinstance(value, property):
                members[name] = {"kind": "property"}
            elif inspect.isfunction(value):
                members[name] = {"kind": "method", "params": _parameters(value)}
            else:
                members[name] = {"kind": "attribute"}
    return dict(sorted(members.items()))


def describe(module_name: str) -> dict[str, dict]:
    module = importlib.import_module(module_name)
    out: dict[str, dict] = {}
    for name in _public_module_names(module):
        if not hasattr(module, name):
            continue
        value = getattr(module, name)
        if inspect.isclass(value):
            out[name] = {"kind": "class", "params": _parameters(value), "members": _class_members(value)}
        elif callable(value):
            out[name] = {"kind": "function", "params": _parameters(value)}
        else:
            out[name] = {"kind": "attribute"}
    return out


def compatible(original: list[list] | None, ours: list[list] | None) -> bool:
    """True when every call the original signature accepts is accepted by ours."""
    if original is None or ours is None:
        return True  # a builtin without introspectable signature: existence is all we can check
    ours_by_name = {p[0]: p for p in ours}
    has_var_pos = any(p[1] == "VAR_POSITIONAL" for p in ours)
    has_var_kw = any(p[1] == "VAR_KEYWORD" for p in ours)
    ours_positional = [p for p in ours if p[1] in ("POSITIONAL_ONLY", "POSITIONAL_OR_KEYWORD")]
    orig_positional = [p for p in original if p[1] in ("POSITIONAL_ONLY", "POSITIONAL_OR_KEYWORD")]
    for i, p in enumerate(orig_positional):
        if i < len(ours_positional):
            if p[1] == "POSITIONAL_OR_KEYWORD" and ours_positional[i][0] != p[0] and not has_var_kw:
                return False
        elif not has_var_pos:
            return False
    for p in original:
        if p[1] == "KEYWORD_ONLY" and p[0] not in ours_by_name and not has_var_kw:
            return False
        if p[1] in ("VAR_POSITIONAL",) and not has_var_pos:
            return False
        if p[1] == "VAR_KEYWORD" and not has_var_kw:
            return False
    accepted = {p[0] for p in original if p[1] not in ("VAR_POSITIONAL", "VAR_KEYWORD")}
    for p in ours:
        if p[1] in ("VAR_POSITIONAL", "VAR_KEYWORD") or p[2]:
            continue
        if p[0] not in accepted:
            return False  # a parameter the original's callers never pass is required
    # A parameter the original lets callers leave out must not be required in ours.
    optional = {p[0] for p in original if p[2]}
    return not any(p[0] in optional and not p[2] for p in ours if p[1] not in ("VAR_POSITIONAL", "VAR_KEYWORD"))


def compare(expected: dict[str, dict], module_name: str) -> tuple[int, int, list[str]]:
    """(names present, signatures compatible, problems) of our module against the original's."""
    try:
        ours = describe(module_name)
    except ImportError as exc:
        return 0, 0, [f"{module_name}: cannot import ({exc})"]
    module = sys.modules[module_name]
    present = compatible_count = 0
    problems: list[str] = []
    for name, entry in expected.items():
        if not hasattr(module, name):
            problems.append(f"{module_name}.{name}: missing")
            continue
        mine = ours.get(name) or {"kind": "attribute"}
        present += 1
        ok = True
        if entry["kind"] in ("class", "function") and not compatible(entry.get("params"), mine.get("params")):
            problems.append(f"{module_name}.{name}: signature {entry.get('params')} vs ours {mine.get('params')}")
            ok = False
        for member, info in entry.get("members", {}).items():
            # As the dump saw it: the function in the class, classmethods and staticmethods unwrapped.
            value = inspect.getattr_static(getattr(module, name), member, _MISSING)
            if isinstance(value, (staticmethod, classmethod)):
                value = value.__func__
            if value is _MISSING:
                problems.append(f"{module_name}.{name}.{member}: missing")
                ok = False
            elif info["kind"] == "method" and not compatible(info["params"], _parameters(value)):
                problems.append(
                    f"{module_name}.{name}.{member}: signature {info['params']} vs ours {_parameters(value)}"
                )
                ok = False
        compatible_count += ok
    return present, compatible_count, problems


_MISSING = object()


def main(argv: list[str]) -> int:
    if argv[:1] == ["dump"] and len(argv) == 2:
        sys.path.insert(0, argv[1])
        import autobahn

        if not autobahn.__file__.startswith(argv[1]):
            raise SystemExit(f"imported {autobahn.__file__}, not the original in {argv[1]}")
        # One interpreter per module: the original's asyncio and Twisted modules each pin txaio
        # to their framework at import, so they cannot be imported side by side.
        modules = {}
        for module_name in MODULES:
            out = subprocess.run(
                [sys.executable, __file__, "describe", argv[1], module_name], check=True, capture_output=True, text=True
            ).stdout
            modules[module_name] = json.loads(out)
        json.dump({"autobahn": autobahn.__version__, "modules": modules}, sys.stdout, indent=1, sort_keys=True)
        print()
        return 0
    if argv[:1] == ["describe"] and len(argv) == 3:
        sys.path.insert(0, argv[1])
        json.dump(describe(argv[2]), sys.stdout)
        return 0
    if argv[:1] == ["check"]:
        with open("tests/data/autobahn-26.10.2-api.json") as f:
            data = json.load(f)
        modules = argv[2].split(",") if argv[1:2] == ["--modules"] else MODULES
        total = total_present = total_ok = 0
        for module_name in modules:
            expected = data["modules"][module_name]
            present, ok, problems = compare(expected, module_name)
            total, total_present, total_ok = total + len(expected), total_present + present, total_ok + ok
            print(f"{module_name}: {present}/{len(expected)} names, {ok}/{len(expected)} complete and compatible")
            for problem in problems:
                print("   ", problem)
        print(f"total: {total_present}/{total} names, {total_ok}/{total} complete and compatible")
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
