"""The API of autobahn as data: dump it from the original, check ours against it.

autobahn 26.10.2's WebSocket and WAMP modules (the release we replace):

    python .ci/api_surface.py dump TARGET_DIR > tests/data/autobahn-26.10.2-api.json
        TARGET_DIR holds the original (``pip install --target TARGET_DIR autobahn==26.10.2 twisted``;
        never beside ours: both are called ``autobahn``). Records every public name of the modules
        below, and for functions and classes (with their public members) the call signature.
    python .ci/api_surface.py check [--modules a,b]
        Imports ours and prints, per module, how many names exist and how many signatures are
        compatible; lists what is missing. tests/test_api_surface.py runs the same comparison.

Every module of the newest release, autobahn 26.11.1, with what programs import from it:

    python .ci/api_surface.py modules WHEEL > tests/data/autobahn-26.11.1-modules.txt
        The modules of the original's wheel (its file list; test modules left out).
    python .ci/api_surface.py dependents SITE_PACKAGES DAPHNE_DIR > tests/data/autobahn-dependents.json
        The autobahn names real dependents use, private ones included: an AST scan of crossbar,
        cfxdb, xbr and zlmdb in SITE_PACKAGES (a Crossbar.io installation) and of daphne in
        DAPHNE_DIR (``pip download --no-deps daphne``, unzipped): ``from autobahn.x import n``,
        ``import autobahn.x as m`` with ``m.n``, and ``autobahn.x.n`` attribute chains.
    python .ci/api_surface.py dump-all PYTHON > tests/data/autobahn-26.11.1-api.json
        PYTHON runs in an environment with the original 26.11.1 installed (``pip install
        "autobahn[all]==26.11.1" bcrypt python-snappy flatbuffers==25.12.19`` in a fresh venv:
        its compress_snappy and flatbuffers.reflection modules import those). Per module of the list: the public
        names (as above), the names it re-exports at import (``from autobahn... import n``,
        relative imports included), and the names dependents use from it; each with its
        signature and class members. Names that are build internals of autobahn's C/CFFI NVX are
        listed under "excluded" with the reason.
    python .ci/api_surface.py check-all
        The same comparison for that dump; tests/test_api_surface.py runs it too.

A signature is compatible when every call the original accepts is accepted by ours: the same
positional parameters in the same order, every keyword, no new required parameter (``*args`` /
``**kwargs`` of ours absorb anything).
"""

from __future__ import annotations

import ast
import enum
import importlib
import inspect
import json
import subprocess
import sys
import zipfile
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
NEWEST = "26.11.1"
MODULE_LIST = DATA / f"autobahn-{NEWEST}-modules.txt"
DEPENDENTS = DATA / "autobahn-dependents.json"
NEWEST_API = DATA / f"autobahn-{NEWEST}-api.json"

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


def describe_value(value: object) -> dict:
    if inspect.ismodule(value):
        return {"kind": "module"}
    if inspect.isclass(value):
        return {"kind": "class", "params": _parameters(value), "members": _class_members(value)}
    if callable(value):
        return {"kind": "function", "params": _parameters(value)}
    return {"kind": "attribute"}


def describe(module_name: str, extra_names: Iterable[str] = ()) -> dict[str, dict]:
    module = importlib.import_module(module_name)
    out: dict[str, dict] = {}
    for name in sorted({*_public_module_names(module), *extra_names}):
        if hasattr(module, name):
            out[name] = describe_value(getattr(module, name))
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
        module = importlib.import_module(module_name)
    except ImportError as exc:
        return 0, 0, [f"{module_name}: cannot import ({exc})"]
    present = compatible_count = 0
    problems: list[str] = []
    for name, entry in expected.items():
        if not hasattr(module, name):
            problems.append(f"{module_name}.{name}: missing")
            continue
        value = getattr(module, name)
        mine = describe_value(value)
        present += 1
        ok = True
        # An Enum class is called through the interpreter's enum module, whose signature changed in
        # Python 3.14: not something a package chooses, so only its members are compared.
        interpreter_signature = isinstance(value, enum.EnumMeta)
        if (
            entry["kind"] in ("class", "function")
            and not interpreter_signature
            and not compatible(entry.get("params"), mine.get("params"))
        ):
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


# --- every module of the newest release -------------------------------------------------------


def wheel_modules(wheel: str) -> list[str]:
    """Dotted names of the modules in a wheel's file list, without test modules (``*/test/*``)."""
    names = []
    for path in zipfile.ZipFile(wheel).namelist():
        parts = path.split("/")
        if not path.endswith(".py") or parts[0].endswith((".dist-info", ".data")) or "test" in parts[:-1]:
            continue
        parts[-1] = parts[-1].removesuffix(".py")
        if parts[-1] == "__init__":
            parts.pop()
        names.append(".".join(parts))
    return sorted(names)


def read_module_list() -> list[str]:
    lines = MODULE_LIST.read_text().splitlines()
    return [line for line in lines if line and not line.startswith("#")]


# Names of these modules that are build internals of autobahn's C NVX (compiled with CFFI at
# install time): the FFI object, the C source text, the file it was read from. Ours is Rust.
_CFFI_INTERNALS = {"ffi": "autobahn's CFFI builder object", "c_source": "the C source autobahn compiles",
                   "fd": "the file handle autobahn read its C source with"}  # fmt: skip
EXCLUDED = {
    "autobahn.nvx._utf8validator": _CFFI_INTERNALS,
    "autobahn.nvx._xormasker": _CFFI_INTERNALS,
    # Modules autobahn's serializer imports at import time when it can: importing them would load
    # the FlatBuffers runtime (and numpy) with every WAMP program; ours loads them on first use.
    "autobahn.wamp.serializer": {
        "flatbuffers": "the module autobahn.flatbuffers, imported on first FlatBuffers use",
        "message_fbs": "the module autobahn.wamp.message_fbs, imported on first FlatBuffers use",
    },
}
# Class members of the same kind: the FFI object and the compiled library a masker holds.
EXCLUDED_MEMBERS = {
    "autobahn.nvx._xormasker": {"ffi": "autobahn's CFFI object", "lib": "autobahn's compiled CFFI library"},
}


def _import_targets(node: ast.ImportFrom, module_name: str, is_package: bool) -> str | None:
    """The absolute module an ``ImportFrom`` in ``module_name`` imports from."""
    if node.level == 0:
        return node.module
    base = module_name.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def reexported_names(module: object) -> set[str]:
    """Names ``module`` binds at import from autobahn modules (``from autobahn.x import n``, or
    relative): what programs can import from it. Function and class bodies are not import time."""
    source = Path(module.__file__).read_text()  # type: ignore[attr-defined]
    is_package = Path(module.__file__).name == "__init__.py"  # type: ignore[attr-defined]
    names: set[str] = set()

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, ast.ImportFrom):
                origin = _import_targets(node, module.__name__, is_package) or ""  # type: ignore[attr-defined]
                if origin.split(".")[0] == "autobahn":
                    names.update(a.asname or a.name for a in node.names if a.name != "*")
            for field in ("body", "orelse", "finalbody"):
                if isinstance(node, (ast.If, ast.Try, ast.With)) and hasattr(node, field):
                    visit(getattr(node, field))
            if isinstance(node, ast.Try):
                for handler in node.handlers:
                    visit(handler.body)

    visit(ast.parse(source).body)
    return names


def _scan_file(path: Path, modules: set[str]) -> set[tuple[str, str]]:
    """(module, name) pairs of autobahn that one source file uses."""
    try:
        tree = ast.parse(path.read_text(errors="replace"))
    except SyntaxError:
        return set()
    aliases: dict[str, str] = {}  # local name -> autobahn module it stands for
    uses: set[tuple[str, str]] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] == "autobahn":
                    if a.asname:
                        aliases[a.asname] = a.name
                    else:
                        aliases["autobahn"] = "autobahn"
                    uses.add((a.name, ""))
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == "autobahn":
            for a in node.names:
                if f"{node.module}.{a.name}" in modules:
                    aliases[a.asname or a.name] = f"{node.module}.{a.name}"
                    uses.add((f"{node.module}.{a.name}", ""))
                elif a.name != "*":
                    uses.add((node.module, a.name))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        chain = []
        base: ast.expr = node
        while isinstance(base, ast.Attribute):
            chain.append(base.attr)
            base = base.value
        if not isinstance(base, ast.Name) or base.id not in aliases:
            continue
        dotted = [aliases[base.id], *reversed(chain)]
        # The longest prefix that is a module; the next part is the name used from it.
        for cut in range(len(dotted), 0, -1):
            prefix = ".".join(dotted[:cut])
            if prefix in modules or cut == 1:
                if cut < len(dotted):
                    uses.add((prefix, dotted[cut]))
                break
    return uses


DEPENDENT_PACKAGES = ("crossbar", "cfxdb", "xbr", "zlmdb")


def scan_dependents(site_packages: str, daphne_dir: str) -> dict:
    modules = set(read_module_list())
    roots = [(name, Path(site_packages) / name) for name in DEPENDENT_PACKAGES]
    roots.append(("daphne", Path(daphne_dir) / "daphne"))
    versions = {}
    users: dict[str, dict[str, set[str]]] = {}
    for package, root in roots:
        if not root.is_dir():
            raise SystemExit(f"{root} not found")
        dist = sorted(root.parent.glob(f"{package}-*.dist-info"))
        versions[package] = dist[-1].name.removeprefix(f"{package}-").removesuffix(".dist-info") if dist else "?"
        for path in sorted(root.rglob("*.py")):
            for module, name in _scan_file(path, modules):
                users.setdefault(module, {}).setdefault(name, set()).add(package)
    return {
        "sources": versions,
        "uses": {m: {n: sorted(u) for n, u in sorted(names.items())} for m, names in sorted(users.items())},
    }


def describe_module_full(module_name: str, dependent_names: list[str]) -> dict:
    """What dump-all records of one module (run in the original's interpreter)."""
    module = importlib.import_module(module_name)
    public = set(_public_module_names(module))
    if not hasattr(module, "__all__"):  # autobahn.asyncio.util misspells it
        public.update(n for n in getattr(module, "__all", ()) if hasattr(module, n))
    reexports = reexported_names(module)
    excluded = EXCLUDED.get(module_name, {})
    wanted = {n for n in public | reexports | set(dependent_names) if n not in excluded}
    names = {}
    for name in sorted(wanted):
        if hasattr(module, name):
            value = getattr(module, name)
            entry = describe_value(value)
            if entry["kind"] == "module" and (
                value.__name__ == f"{module_name}.{name}" or value.__name__.split(".")[0] != "autobahn"
            ):
                continue  # its own submodules are in the module list; other libraries' are not API
            for member in EXCLUDED_MEMBERS.get(module_name, {}):
                entry.get("members", {}).pop(member, None)
            reasons = [("public", public), ("re-export", reexports), ("dependent", dependent_names)]
            entry["why"] = [reason for reason, names_of in reasons if name in names_of]
            names[name] = entry
    missing = sorted(n for n in dependent_names if not hasattr(module, n))
    excluded = {**excluded, **{f"*.{m}": why for m, why in EXCLUDED_MEMBERS.get(module_name, {}).items()}}
    return {"names": names, "excluded": excluded, "dependent_names_not_in_original": missing}


def dump_all(python: str) -> dict:
    dependents = json.loads(DEPENDENTS.read_text())["uses"]
    out: dict = {"autobahn": NEWEST, "modules": {}}
    for module_name in read_module_list():
        used = [n for n in dependents.get(module_name, {}) if n]
        result = subprocess.run(
            [python, __file__, "describe-full", module_name, json.dumps(used)],
            capture_output=True, text=True, cwd="/",
        )  # fmt: skip
        if result.returncode != 0:
            raise SystemExit(f"{module_name}: {result.stderr}")
        out["modules"][module_name] = json.loads(result.stdout)
    return out


def check_all(modules: Iterable[str] | None = None) -> int:
    data = json.loads(NEWEST_API.read_text())["modules"]
    total = total_present = total_ok = 0
    for module_name in modules or data:
        expected = data[module_name]["names"]
        present, ok, problems = compare(expected, module_name)
        total, total_present, total_ok = total + len(expected), total_present + present, total_ok + ok
        if problems or present != len(expected):
            print(f"{module_name}: {present}/{len(expected)} names, {ok}/{len(expected)} complete and compatible")
        for problem in problems:
            print("   ", problem)
    print(f"total: {total_present}/{total} names, {total_ok}/{total} complete and compatible")
    return 0


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
    if argv[:1] == ["modules"] and len(argv) == 2:
        print(f"# The modules of autobahn {NEWEST}'s wheel, test modules left out; regenerate with")
        target = MODULE_LIST.relative_to(ROOT)
        print(f"#   python .ci/api_surface.py modules autobahn-{NEWEST}-<platform>.whl > {target}")
        print("\n".join(wheel_modules(argv[1])))
        return 0
    if argv[:1] == ["dependents"] and len(argv) == 3:
        json.dump(scan_dependents(argv[1], argv[2]), sys.stdout, indent=1, sort_keys=True)
        print()
        return 0
    if argv[:1] == ["dump-all"] and len(argv) == 2:
        json.dump(dump_all(argv[1]), sys.stdout, indent=1, sort_keys=True)
        print()
        return 0
    if argv[:1] == ["describe-full"] and len(argv) == 3:
        json.dump(describe_module_full(argv[1], json.loads(argv[2])), sys.stdout)
        return 0
    if argv[:1] == ["check-all"]:
        return check_all(argv[2].split(",") if argv[1:2] == ["--modules"] else None)
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
