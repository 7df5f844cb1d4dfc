"""The WAMP messages' field tables (autobahn.wamp._fields): held against the FlatBuffers schema
(flatbuffers/wamp.fbs, compiled as wamp.bfbs), and the code derived from them checked for
every field: a wrong value names the message and the field. Also: no import cycles in the
package, hidden ones (function-local imports, importlib.import_module) included."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from autobahn.wamp import _fields, message, message_fbs
from autobahn.wamp.exception import InvalidUriError, ProtocolError

CLASSES = sorted(_fields.MESSAGE_CLASSES.values(), key=lambda cls: cls.MESSAGE_TYPE)

# Schema fields no table field stands for: the schema's own "session" (not on the WAMP wire),
# the payload cipher (implied by the scheme), the string-Map forms of dicts (travelling as
# "*_cbor"), the names beside AuthMethod enums (for a method the enum lacks), and
# EVENT_RECEIVED's forwarding (no WAMP message carries it there).
SCHEMA_ONLY = {"session", "ppt_cipher", "authextra", "extra", "authmethod_name", "authmethod_names", "method_name"}
SCHEMA_ONLY_OF = {"EventReceived": {"forward_for"}}

# Table kind -> schema field types (base type, element). Authentication methods travel as the
# schema's AuthMethod enum (UByte) with a "*_name(s)" string field beside it.
SCHEMA_TYPES = {
    "id": {("ULong", "None")},
    "uri": {("String", "None")},
    str: {("String", "None"), ("UByte", "None")},
    int: {("UByte", "None"), ("UShort", "None"), ("UInt", "None"), ("ULong", "None")},
    bool: {("Bool", "None")},
    "flag": {("Bool", "None")},
    "roles": {("Obj", "None")},
    "forward_for": {("Vector", "Obj")},
    "choice": {("UByte", "None")},
    "cbor": {("Vector", "UByte")},
    "list int": {("Vector", "ULong")},
    "list str": {("Vector", "String"), ("Vector", "UByte")},
}


def _schema_names(f: _fields.F) -> list[str]:
    if f.kind == _fields.PAYLOAD:
        return ["args", "kwargs", "payload"]
    if f.kind == _fields.ENC:
        return ["ppt_scheme", "ppt_serializer", "ppt_keyid"]
    if f.kind in (dict, "extra", "custom"):
        return [f.fbs + "_cbor"]
    return [f.fbs]


def _kind_name(f: _fields.F):
    if f.kind in (dict, "extra", "custom"):
        return "cbor"
    if isinstance(f.kind, list):
        return f"list {f.kind[0].__name__}"
    if isinstance(f.kind, tuple):
        return "choice"
    return f.kind


def test_every_message_class_is_in_the_table_registry():
    assert {cls.__name__ for cls in CLASSES} == {
        c.__name__ for c in vars(message).values() if isinstance(c, type) and c.__module__ == message.__name__
    } - {"Message", "MessageWithAppPayload", "MessageWithForwardFor"}
    assert len(CLASSES) == 25


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_field_table_agrees_with_the_flatbuffers_schema(cls):
    schema = {f.name: f for f in message_fbs._tables()[cls.__name__]}
    covered = set()
    for f in cls.FIELDS:
        for name in _schema_names(f):
            assert name in schema, f"{cls.__name__}.{f.name}: no field {name!r} in the schema's table"
            covered.add(name)
        if f.kind not in (_fields.PAYLOAD, _fields.ENC):
            field = schema[_schema_names(f)[0]]
            assert (field.kind, field.element) in SCHEMA_TYPES[_kind_name(f)], f"{cls.__name__}.{f.name}"
            if (field.kind, f.kind) == ("UByte", str) or (field.element, _kind_name(f)) == ("UByte", "list str"):
                assert {f.fbs + "_name", f.fbs[:-1] + "_names"} & set(schema), f"{cls.__name__}.{f.name}: no name"
    assert set(schema) - covered <= SCHEMA_ONLY | SCHEMA_ONLY_OF.get(cls.__name__, set())


# One valid raw message of each type.
VALID = {
    1: [1, "realm1", {"roles": {"caller": {}}}],
    2: [2, 1, {"roles": {"dealer": {}}}],
    3: [3, {}, "wamp.error.no_such_realm"],
    4: [4, "ticket", {}],
    5: [5, "secret", {}],
    6: [6, {}, "wamp.close.normal"],
    8: [8, 48, 1, {}, "com.error"],
    16: [16, 1, {}, "com.topic"],
    17: [17, 1, 2],
    32: [32, 1, {}, "com.topic"],
    33: [33, 1, 2],
    34: [34, 1, 2, {}],
    35: [35, 0, {}],
    36: [36, 1, 2, {}],
    337: [337, 1],
    48: [48, 1, {}, "com.proc"],
    49: [49, 1, {}],
    50: [50, 1, {}],
    64: [64, 1, {}, "com.proc"],
    65: [65, 1, 2],
    66: [66, 1, 2, {}],
    67: [67, 0, {}],
    68: [68, 1, 2, {}],
    69: [69, 1, {}],
    70: [70, 1, {}],
}


def _wrong_value(f: _fields.F):
    """A value of the wrong type for the field (a float fits none of the kinds)."""
    return 1.5


def _cases():
    for cls in CLASSES:
        wire = [w.rstrip("?") for w in cls.WIRE]
        for f in cls.FIELDS:
            if f.kind in (_fields.PAYLOAD, _fields.ENC, "roles", "custom"):
                continue
            yield pytest.param(cls, f, wire, id=f"{cls.__name__}.{f.name}")


@pytest.mark.parametrize(("cls", "f", "wire"), list(_cases()))
def test_parse_names_the_message_and_the_field(cls, f, wire):
    raw = list(VALID[cls.MESSAGE_TYPE])
    cls.parse(list(raw))  # valid as it is
    if f.name in wire:
        raw[wire.index(f.name) + 1] = _wrong_value(f)
    else:
        container = next(i for i, w in enumerate(wire, 1) if w in ("options", "details"))
        raw[container] = {**raw[container], f.key: _wrong_value(f)}
    with pytest.raises((ProtocolError, InvalidUriError)) as error:
        cls.parse(raw)
    text = str(error.value)
    assert _fields.wamp_name(cls) in text
    assert re.search(rf"'{re.escape(f.key)}'|{re.escape(f.key)}", text), text


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_generated_members_round_trip(cls):
    msg = cls.parse(list(VALID[cls.MESSAGE_TYPE]))
    assert cls.parse(msg.marshal()) == msg
    assert "def __init__" in _fields.source_of(cls) and "def parse" in _fields.source_of(cls)


# --- imports ---

SRC = Path(__file__).resolve().parent.parent / "src"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _import_graph() -> dict[str, set[str]]:
    """Module -> the package's modules it imports anywhere (module level, inside functions,
    by ``importlib.import_module("...")``); packages' ``__init__`` left out (every submodule
    import runs its package's)."""
    files = {
        _module_name(p): p
        for p in (SRC / "autobahn").rglob("*.py")
        if not {"gen", "reflection"} & set(p.relative_to(SRC).parts)
    }
    packages = {m for m, p in files.items() if p.name == "__init__.py"}
    graph = {}
    for name, path in files.items():
        here = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                module = node.module or ""
                if node.level:
                    base = here.split(".")[: len(here.split(".")) - node.level + 1]
                    module = ".".join(base + ([module] if module else []))
                targets.update(f"{module}.{a.name}" if f"{module}.{a.name}" in files else module for a in node.names)
            elif (
                isinstance(node, ast.Call)
                and getattr(node.func, "attr", None) == "import_module"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                targets.add(node.args[0].value)
        graph[name] = {t for t in targets if t in files and t not in packages and t != name}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    return found


def test_the_package_has_no_import_cycles():
    assert _cycles(_import_graph()) == []


def test_the_cycle_finder_finds_a_hidden_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]


def test_wamp_imports_no_transport_module_for_urls():
    graph = _import_graph()
    assert "autobahn._url" in graph["autobahn.wamp.component"]
    assert not {"autobahn.rawsocket.util", "autobahn.websocket.protocol"} & graph["autobahn.wamp.component"]
    assert graph["autobahn._url"] == set()
