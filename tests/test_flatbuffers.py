"""The bundled flatc, the precompiled reflection schema, and autobahn.flatbuffers."""

from __future__ import annotations

import importlib
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autobahn.flatbuffers as fb
from autobahn import flatc
from autobahn._switch import REQUIRED, read_switch

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_DIR = ROOT / "flatbuffers"
HAS_FLATC = flatc.BINARY.is_file()
needs_flatc = pytest.mark.skipif(not HAS_FLATC, reason="flatc is not bundled in this installation")


def test_flatc_bundled_when_required():
    if read_switch("AUTOBAHN_BUNDLE_FLATC") == REQUIRED:
        assert HAS_FLATC, flatc.BINARY
    elif not HAS_FLATC:
        pytest.skip("flatc not bundled; run with AUTOBAHN_BUNDLE_FLATC=1 to make this a failure")


@needs_flatc
def test_flatc_version_matches_the_runtime():
    assert flatc.version() == fb.FLATBUFFERS_VERSION == "25.12.19"
    assert os.access(flatc.path(), os.X_OK)


@needs_flatc
@pytest.mark.parametrize("command", [[sys.executable, "-m", "autobahn.flatc"], ["flatc"]], ids=["module", "script"])
def test_flatc_entry_points(command):
    if command == ["flatc"]:
        command = [str(Path(sys.executable).with_name("flatc"))]
    result = subprocess.run([*command, "--version"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"flatc version {fb.FLATBUFFERS_VERSION}"


def test_missing_flatc_says_why_and_how(monkeypatch, tmp_path):
    monkeypatch.setattr(flatc, "BINARY", tmp_path / "flatc")
    with pytest.raises(flatc.FlatcNotFoundError, match="AUTOBAHN_BUNDLE_FLATC=1"):
        flatc.path()
    assert flatc.main(["--version"]) == 127


@needs_flatc
def test_shipped_reflection_bfbs_is_current(tmp_path):
    """reflection.bfbs is committed precompiled (so builds never run flatc); it must be what
    flatc makes of flatbuffers/reflection.fbs today. Regenerate with `just generate`."""
    flatc.run("-b", "--schema", "-o", tmp_path, "reflection.fbs", cwd=SCHEMA_DIR)
    fresh = (tmp_path / "reflection.bfbs").read_bytes()
    assert fresh == fb.reflection_bfbs() == (ROOT / "src/autobahn/flatbuffers/reflection.bfbs").read_bytes()


@needs_flatc
def test_generated_reflection_classes_are_current(tmp_path):
    flatc.run("--python", "--gen-onefile", "-o", tmp_path, "reflection.fbs", cwd=SCHEMA_DIR)
    fresh = (tmp_path / "reflection_generated.py").read_text()
    assert fresh == Path(fb.reflection_generated.__file__).read_text()


def _generate_packages():
    spec = importlib.util.spec_from_file_location("generate_packages", SCHEMA_DIR / "generate_packages.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@needs_flatc
def test_reflection_package_is_current(tmp_path):
    """autobahn.flatbuffers.reflection (one module per type) is what flatc makes of
    reflection.fbs, imports rewritten into the package (`just generate` refreshes it)."""
    gen = _generate_packages()
    (target,) = [t for t in gen.TARGETS if t.package == "autobahn.flatbuffers"]
    assert gen.generate(target, tmp_path) == gen.committed(target)


def test_reflection_package_reads_the_schema_with_nested_tables():
    from autobahn.flatbuffers.reflection.BaseType import BaseType
    from autobahn.flatbuffers.reflection.Object import Object
    from autobahn.flatbuffers.reflection.Schema import Schema

    data = bytearray(fb.reflection_bfbs())
    assert Schema.SchemaBufferHasIdentifier(data, 0)
    root = Schema.GetRootAs(data, 0)
    objects = [root.Objects(i) for i in range(root.ObjectsLength())]  # imports ...reflection.Object inside
    assert all(isinstance(o, Object) for o in objects)
    assert sorted(o.Name().decode() for o in objects) == sorted(f"reflection.{t}" for t in REFLECTION_TABLES)
    assert root.RootTable().Name() == b"reflection.Schema"
    field = next(o for o in objects if o.Name() == b"reflection.Field").Fields(0)
    assert field.Type().BaseType() in vars(BaseType).values()


@pytest.mark.parametrize(
    "name", ["builder", "compat", "encode", "flexbuffers", "number_types", "packer", "table", "util"]
)
def test_runtime_modules_are_the_pinned_library(name):
    """autobahn.flatbuffers.<name> serves the PyPI runtime's flatbuffers.<name>: the same objects,
    private names included; an unknown name is an AttributeError naming our module."""
    ours = importlib.import_module(f"autobahn.flatbuffers.{name}")
    library = importlib.import_module(f"flatbuffers.{name}")
    for attr in [a for a in vars(library) if not a.startswith("__")]:
        assert getattr(ours, attr) is getattr(library, attr), attr
    assert set(dir(library)) <= set(dir(ours))
    with pytest.raises(AttributeError, match=f"autobahn.flatbuffers.{name}"):
        ours.no_such_name  # noqa: B018


def test_runtime_builds_and_reads_a_buffer():
    """Builder and Table under autobahn's names write and read a FlatBuffer (a vector of
    strings in a table), as generated code does."""
    from autobahn.flatbuffers import Builder, Table, number_types, packer

    builder = Builder(0)
    strings = [builder.CreateString(s) for s in ("alpha", "β")]
    builder.StartVector(4, len(strings), 4)
    for offset in reversed(strings):
        builder.PrependUOffsetTRelative(offset)
    vector = builder.EndVector()
    builder.StartObject(2)
    builder.PrependUOffsetTRelativeSlot(0, vector, 0)
    builder.PrependUint32Slot(1, 7, 0)
    builder.Finish(builder.EndObject())
    buf = builder.Output()
    table = Table(buf, fb.encode.Get(packer.uoffset, buf, 0))
    at = table.Offset(4)
    items = table.Vector(at)
    assert [bytes(table.String(items + i * 4)) for i in range(table.VectorLen(at))] == [b"alpha", "β".encode()]
    assert table.Get(number_types.Uint32Flags, table.Pos + table.Offset(6)) == 7


def test_runtime_version_is_what_zlmdb_checks():
    import flatbuffers

    assert fb.__version__ == flatbuffers.__version__ == fb.FLATBUFFERS_VERSION == "25.12.19"
    assert fb.__git_version__ == "v25.12.19"
    assert fb.version() == (25, 12, 19, None, None)
    assert fb.compat_range is fb.compat.range_func


@pytest.mark.parametrize(
    "described, expected",
    [
        ("v25.9.23", (25, 9, 23, None, None)),
        ("v25.9.23-71", (25, 9, 23, 71, None)),
        ("v25.9.23-71-g19b2300f", (25, 9, 23, 71, "19b2300f")),
        ("19b2300f", (25, 12, 19, None, None)),  # a bare hash: the released version
        ("unknown", (25, 12, 19, None, None)),
    ],
)
def test_version_parses_git_describe(monkeypatch, described, expected):
    monkeypatch.setattr(fb, "__git_version__", described)
    assert fb.version() == expected


REFLECTION_TABLES = [
    "Type",
    "KeyValue",
    "EnumVal",
    "Enum",
    "Field",
    "Object",
    "RPCCall",
    "Service",
    "SchemaFile",
    "Schema",
]


def test_reflection_schema_describes_itself():
    schema = fb.load_schema(fb.REFLECTION_BFBS)
    assert schema.file_ident == "BFBS" and schema.file_ext == "bfbs"
    assert schema.root_table == "reflection.Schema"
    assert set(schema.objects) == {f"reflection.{t}" for t in REFLECTION_TABLES}
    field = schema.objects["reflection.Field"]
    assert list(field.fields) == [
        "name", "type", "id", "offset", "default_integer", "default_real", "deprecated", "required",
        "key", "attributes", "documentation", "optional", "padding", "offset64",
    ]  # fmt: skip
    assert all(f.offset == 4 + 2 * f.id for f in field.fields.values())  # vtable slot layout
    assert field.fields["name"].required and field.fields["name"].key
    assert field.fields["type"].type.name == "reflection.Type"
    key_value = list(schema.objects).index("reflection.KeyValue")  # objects are sorted by name
    assert field.fields["attributes"].type == fb.Type("Vector", "Obj", key_value, 0, "reflection.KeyValue")
    type_table = schema.objects["reflection.Type"].fields
    assert type_table["index"].default == -1 and type_table["base_size"].default == 4
    assert schema.objects["reflection.EnumVal"].fields["retired_slot_2"].deprecated
    base_type = schema.enums["reflection.BaseType"]
    assert base_type.underlying_type == "Byte" and not base_type.is_union
    assert base_type.values["Vector64"] == 18 and base_type.values["MaxBaseType"] == 19
    features = schema.enums["reflection.AdvancedFeatures"]
    assert features.underlying_type == "ULong"
    assert features.values == {
        "AdvancedArrayFeatures": 1, "AdvancedUnionFeatures": 2, "OptionalScalars": 4, "DefaultVectorsAndStrings": 8
    }  # fmt: skip


def test_generated_classes_read_the_raw_buffer():
    root = fb.reflection_generated.Schema.GetRootAs(bytearray(fb.reflection_bfbs()), 0)
    assert fb.reflection_generated.Schema.SchemaBufferHasIdentifier(fb.reflection_bfbs(), 0)
    names = sorted(root.Objects(i).Name().decode() for i in range(root.ObjectsLength()))
    assert names == sorted(f"reflection.{t}" for t in REFLECTION_TABLES)


COMMON_FBS = """
namespace sample.common;
/// Three floats.
struct Vec3 { x:float; y:float; z:float; }
enum Color : ubyte (bit_flags) { Red, Green, Blue }
"""

SAMPLE_FBS = """
include "common.fbs";
namespace sample;
attribute "priority";
/// Kind of event.
enum Kind : short { Unknown = 0, Hello = 1, Goodbye = 5 }
struct Grid { cells:[int:4]; flag:bool; }
table Ping { seq:uint; }
table Pong { seq:uint; grid:Grid; }
union Payload { Ping, Pong }
/// Everything at once.
table Event (priority: "1") {
  id:ulong (key);
  kind:Kind = Hello;
  label:string (required);
  ratio:double = 0.5;
  maybe:int = null;
  pos:sample.common.Vec3;
  colors:sample.common.Color = Green;
  tags:[string];
  payload:Payload;
  old:short (deprecated);
}
rpc_service Echo { Call(Ping):Pong; }
root_type Event;
file_identifier "SMPL";
file_extension "smp";
"""


@pytest.fixture(scope="module")
def sample_schema(tmp_path_factory):
    if not HAS_FLATC:
        pytest.skip("flatc is not bundled")
    folder = tmp_path_factory.mktemp("fbs")
    (folder / "common.fbs").write_text(COMMON_FBS)
    (folder / "sample.fbs").write_text(SAMPLE_FBS)
    return fb.load_schema(fb.compile_schema(folder / "sample.fbs"))


def test_sample_objects_and_fields(sample_schema):
    s = sample_schema
    assert s.root_table == "sample.Event" and s.file_ident == "SMPL" and s.file_ext == "smp"
    assert set(s.objects) == {"sample.Event", "sample.Grid", "sample.Ping", "sample.Pong", "sample.common.Vec3"}
    event = s.objects["sample.Event"]
    assert not event.is_struct and event.attributes == {"priority": "1"}
    assert event.documentation == [" Everything at once."]
    f = event.fields
    assert list(f) == ["id", "kind", "label", "ratio", "maybe", "pos", "colors", "tags",
                       "payload_type", "payload", "old"]  # fmt: skip
    assert f["id"].key and f["id"].type.base_type == "ULong"
    assert f["kind"].default == 1 and f["kind"].type.name == "sample.Kind"
    assert f["label"].required and f["label"].type.base_type == "String"
    assert f["ratio"].default == 0.5 and f["ratio"].type.base_type == "Double"
    assert f["maybe"].optional and not f["ratio"].optional
    assert f["pos"].type == fb.Type("Obj", "None", f["pos"].type.index, 0, "sample.common.Vec3")
    assert f["colors"].default == 2 and f["colors"].type.name == "sample.common.Color"
    assert f["tags"].type.base_type == "Vector" and f["tags"].type.element == "String"
    assert f["payload_type"].type.base_type == "UType" and f["payload"].type.name == "sample.Payload"
    assert f["old"].deprecated
    grid = s.objects["sample.Grid"]
    assert grid.is_struct and grid.bytesize == 20 and grid.minalign == 4
    assert grid.fields["cells"].type == fb.Type("Array", "Int", -1, 4, None)
    vec3 = s.objects["sample.common.Vec3"]
    assert vec3.is_struct and vec3.bytesize == 12 and list(vec3.fields) == ["x", "y", "z"]
    assert vec3.documentation == [" Three floats."]


def test_sample_enums_unions_services(sample_schema):
    s = sample_schema
    kind = s.enums["sample.Kind"]
    assert kind.values == {"Unknown": 0, "Hello": 1, "Goodbye": 5} and kind.underlying_type == "Short"
    assert s.enums["sample.common.Color"].values == {"Red": 1, "Green": 2, "Blue": 4}
    payload = s.enums["sample.Payload"]
    assert payload.is_union and payload.values == {"NONE": 0, "Ping": 1, "Pong": 2}
    assert s.services == {"sample.Echo": [("Call", "sample.Ping", "sample.Pong")]}


@needs_flatc
def test_compile_is_independent_of_location(tmp_path):
    a, b = tmp_path / "a", tmp_path / "deep" / "er" / "b"
    for folder in (a, b):
        folder.mkdir(parents=True)
        (folder / "common.fbs").write_text(COMMON_FBS)
        (folder / "sample.fbs").write_text(SAMPLE_FBS)
    assert fb.compile_schema(a / "sample.fbs") == fb.compile_schema(b / "sample.fbs")


@needs_flatc
def test_schema_errors_from_flatc(tmp_path):
    broken = tmp_path / "broken.fbs"
    broken.write_text("table T { x:int }\nroot_type Nope;\n")
    with pytest.raises(fb.SchemaError, match="broken.fbs"):
        fb.compile_schema(broken)
    with pytest.raises(FileNotFoundError, match="missing.fbs"):
        fb.compile_schema(tmp_path / "missing.fbs")


@pytest.mark.parametrize("data", [b"", b"BFBS", b"\0" * 8, b"xxxxNOPE" + b"\0" * 64, os.urandom(100)])
def test_not_a_bfbs(data):
    with pytest.raises(fb.SchemaError, match="BFBS"):
        fb.load_schema(data)


def test_load_errors(tmp_path):
    with pytest.raises(FileNotFoundError):
        fb.load_schema(tmp_path / "nope.bfbs")
    with pytest.raises(TypeError, match="path or bytes"):
        fb.load_schema(42)  # type: ignore[arg-type]


def test_every_truncation_is_a_clear_error():
    data = fb.reflection_bfbs()
    full = fb.load_schema(data)
    # Every 7th cut, and every cut into the last string and its padding.
    for cut in [*range(8, len(data), 7), *range(len(data) - 16, len(data))]:
        try:
            loaded = fb.load_schema(data[:cut])
        except fb.SchemaError as exc:
            assert "truncated" in str(exc) or "corrupt" in str(exc)
        else:
            # Only padding was cut (bytes no offset reaches): the very same schema.
            assert loaded == full, cut
            assert not data[cut:].strip(b"\0"), cut


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(st.integers(min_value=8, max_value=5711), st.integers(0, 255)), min_size=1, max_size=8))
def test_corrupted_schemas_never_crash(flips):
    data = bytearray(fb.reflection_bfbs())
    for position, value in flips:
        data[position % len(data)] = value
    data[4:8] = b"BFBS"
    try:
        schema = fb.load_schema(bytes(data))
    except fb.SchemaError as exc:
        assert "corrupt" in str(exc)
    else:
        # Flipped bytes that still parse give a schema like any other: its tables by name.
        assert isinstance(schema, fb.Schema)
        assert all(name == obj.name for name, obj in schema.objects.items())
