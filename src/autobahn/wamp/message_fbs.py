"""WAMP messages to and from FlatBuffers, driven by the compiled schema ``wamp.bfbs``
(``flatbuffers/wamp.fbs``): the field ids and types of every table come from the schema,
so this module only says how each field maps to a message attribute.

Fields that are ``None`` on the message are left out of the table, and fields missing from a
table read back as ``None`` (scalars are written even when they equal the schema default).
Application payload (``args``, ``kwargs``) is encoded by a payload serializer (CBOR unless
the transport serializer names another). Reading checks every offset and length against the
buffer, and the decoded message goes through the message class's own ``parse`` validation,
so a malformed buffer raises :class:`~autobahn.wamp.exception.ProtocolError`.
"""

from __future__ import annotations

import importlib
import struct
from functools import cache
from typing import Any

from autobahn.flatbuffers import load_schema
from autobahn.wamp import _fields, role
from autobahn.wamp.exception import ProtocolError, SerializationError
from autobahn.wamp.flatbuffers import wamp_bfbs

__all__ = ("build_message", "build_table", "cast_table", "parse_message")

# The FlatBuffers runtime's builder. (Imported by name: the source tree's schema folder is
# also called "flatbuffers", and type checkers run from there take it for the package.)
_Builder = importlib.import_module("flatbuffers").Builder

_NAMESPACE = "wamp.proto."


def _union_tag(message_type: int) -> int:
    """The union tag of a message type: its code, except EVENT_RECEIVED (337 does not fit a byte)."""
    return 37 if message_type == 337 else message_type


_SCALAR_FORMATS = {"Bool": "<?", "UByte": "<B", "UType": "<B", "UShort": "<H", "UInt": "<I", "ULong": "<Q"}
_SCALAR_SIZES = {"Bool": 1, "UByte": 1, "UType": 1, "UShort": 2, "UInt": 4, "ULong": 8}
_SCALAR_RANGES = {"UByte": 0xFF, "UShort": 0xFFFF, "UInt": 0xFFFFFFFF, "ULong": 0xFFFFFFFFFFFFFFFF}
_PREPEND = {
    "Bool": "PrependBool",
    "UByte": "PrependUint8",
    "UShort": "PrependUint16",
    "UInt": "PrependUint32",
    "ULong": "PrependUint64",
}

_MATCH = ("exact", "prefix", "wildcard")
_INVOKE = ("single", "first", "last", "roundrobin", "random")
_CANCEL_MODE = ("skip", "kill", "killnowait")
_AUTH_METHODS = ("anonymous", "ticket", "wampcra", "scram", "cryptosign")
# role feature attribute -> schema field, where the names differ
_FEATURE_FIELD = {"x_acknowledged_event_delivery": "acknowledge_event_received"}
_FEATURE_ATTR = {v: k for k, v in _FEATURE_FIELD.items()}
# Schema fields this module does not fill: the cipher (implied by the scheme) and the
# string-pair Maps (dicts travel as *_cbor instead). "session" is only WELCOME's own.
_UNUSED = frozenset({"ppt_cipher", "authextra", "extra"})


class _Field:
    __slots__ = ("id", "name", "kind", "element", "table", "size")

    def __init__(self, field):
        self.id = field.id
        self.name = field.name
        self.kind = field.type.base_type
        self.element = field.type.element
        self.table: str = field.type.name[len(_NAMESPACE) :] if field.type.name else ""
        # bytes in the table: an offset for strings, vectors and tables, else the scalar's size
        self.size = 4 if self.kind in ("String", "Vector", "Obj", "Union") else _SCALAR_SIZES[self.kind]


@cache
def _tables() -> dict[str, list[_Field]]:
    """Table name (without namespace) -> its fields, from the compiled schema."""
    schema = load_schema(wamp_bfbs())
    return {
        name[len(_NAMESPACE) :]: [_Field(f) for f in obj.fields.values() if not f.deprecated]
        for name, obj in schema.objects.items()
    }


@cache
def _cbor():
    import cbor2

    return cbor2


class _CBORPayload:
    """``args``/``kwargs`` as CBOR, when no transport serializer names their format (what the
    CBOR object serializer does, unbatched)."""

    @staticmethod
    def serialize(obj) -> bytes:
        return _cbor().dumps(obj)

    @staticmethod
    def unserialize(data) -> list:
        return [_cbor().loads(data)]


# --- the mapping of message attributes to schema fields, from the messages' field tables ---


@cache
def _renamed() -> dict[tuple[str, str], str]:
    """(table, schema field) -> message attribute, where the names differ."""
    return {
        (cls.__name__, f.fbs): f.name for cls in _fields.MESSAGE_CLASSES.values() for f in cls.FIELDS if f.fbs != f.name
    }


@cache
def _dict_fields(table: str) -> tuple[str, ...]:
    """The message's dict attributes, carried as CBOR (in the ``<attr>_cbor`` field)."""
    return tuple(f.name for f in _class_of(table).FIELDS if f.kind in (dict, "extra", "custom"))


@cache
def _required_ids(table: str) -> tuple[str, ...]:
    """The IDs a message always has: FlatBuffers writers (autobahn 26.10's among them) may
    leave a zero ID out, as it is the schema default, so absent means 0."""
    cls = _class_of(table)
    return tuple(f.name for f in cls.FIELDS if f.name in cls.WIRE and f.kind in ("id", int))


@cache
def _all_roles(table: str) -> tuple[str, ...]:
    """HELLO and WELCOME without roles (autobahn 26.10 does not write them): every role."""
    return next((f.allowed for f in _class_of(table).FIELDS if f.kind == "roles"), ())


@cache
def _class_of(table: str):
    return next(cls for cls in _fields.MESSAGE_CLASSES.values() if cls.__name__ == table)


@cache
def _class_of_tag() -> dict[int, type]:
    return {_union_tag(code): cls for code, cls in _fields.MESSAGE_CLASSES.items()}


def _payload_serializer(serializer):
    if serializer is None:
        return _CBORPayload
    return getattr(serializer, "_payload_serializer", None) or serializer._serializer


# --- writing ---
#
# A message first becomes its "table values": field name -> Python value, with a dict for a
# sub-table and a list for a vector (forwarding hops as dicts). Two writers make bytes of
# them: the FlatBuffers runtime's Builder, for Message.build(builder) as autobahn has it, and
# _ForwardWriter, which serializes whole messages several times faster (it lays the buffer
# out front to back: tables first, the strings and vectors they point to after them).

_OFFSET_KINDS = ("String", "Vector", "Obj", "Union")


def _check_range(kind: str, value, name: str):
    if kind in _SCALAR_RANGES and not (0 <= value <= _SCALAR_RANGES[kind]):
        raise SerializationError(f"value {value} of '{name}' does not fit FlatBuffers {kind}")


def _enum_index(names, value, name):
    try:
        return names.index(value)
    except ValueError:
        raise SerializationError(f"invalid value {value!r} for '{name}'") from None


def _enum_code(table: dict, value: str, name: str) -> int:
    try:
        return table[value]
    except KeyError:
        raise SerializationError(f"'{name}' {value!r} cannot be carried by WAMP-FlatBuffers") from None


def _features_values(features) -> dict[str, Any]:
    return {
        _FEATURE_FIELD.get(attr, attr): value
        for attr, value in features.__dict__.items()
        if value is not None and not attr.startswith("_")
    }


@cache
def _value_plan(table: str) -> list[tuple[str, str]]:
    """(field name, message attribute) of the fields a message fills, in schema order."""
    return [
        (f.name, _renamed().get((table, f.name), f.name))
        for f in _tables()[table]
        if f.name not in _UNUSED and not f.name.endswith(("_cbor", "_name", "_names"))
    ]


def _field_values(msg, table: str, serializer) -> dict[str, Any]:
    """The table values of a message."""
    values: dict[str, Any] = {}
    for name, attr in _value_plan(table):
        special = _SPECIAL_FIELDS.get(name)
        if special is None:
            values[name] = getattr(msg, attr, None)
        else:
            special(msg, name, values, serializer)
    for dict_attr in _dict_fields(table):
        value = getattr(msg, dict_attr)
        if value:
            values[f"{dict_attr}_cbor"] = _cbor().dumps(value)
    return values


def _put_args(msg, name, values, serializer):
    # empty args are left out (kwargs alone read back with args []), as autobahn 26.10
    # does: its reader mistakes a one-byte args vector for other bytes
    if msg.args:
        values[name] = _payload_serializer(serializer).serialize(list(msg.args))


def _put_kwargs(msg, name, values, serializer):
    if msg.kwargs:
        values[name] = _payload_serializer(serializer).serialize(msg.kwargs)


def _put_ppt_scheme(msg, name, values, serializer):
    if msg.enc_algo is not None:
        values[name] = _enum_code(_fields.ENC_ALGOS_FROMSTR, msg.enc_algo, "enc_algo")


def _put_ppt_serializer(msg, name, values, serializer):
    if msg.enc_serializer is not None:
        values[name] = _enum_code(_fields.ENC_SERS_FROMSTR, msg.enc_serializer, "enc_serializer")


def _put_ppt_keyid(msg, name, values, serializer):
    values[name] = msg.enc_key


def _put_enum(names):
    def put(msg, name, values, serializer):
        value = getattr(msg, name)
        if value is not None:
            values[name] = _enum_index(names, value, name)

    return put


def _put_roles(msg, name, values, serializer):
    if msg.roles:
        values[name] = {role_name: _features_values(f) for role_name, f in msg.roles.items()}


def _put_authmethods(msg, name, values, serializer):
    methods = msg.authmethods
    if methods is not None:
        known = [m for m in methods if m in _AUTH_METHODS]
        values[name] = [_AUTH_METHODS.index(m) for m in known]
        if len(known) != len(methods):
            values["authmethod_names"] = methods


def _put_authmethod(msg, name, values, serializer):
    method = getattr(msg, name)
    if method in _AUTH_METHODS:
        values[name] = _AUTH_METHODS.index(method)
    elif method is not None:
        values[name + "_name"] = method  # a method AuthMethod has no value for


# field name -> how the message fills it, where it is not just the attribute of that name
_SPECIAL_FIELDS = {
    "args": _put_args,
    "kwargs": _put_kwargs,
    "ppt_scheme": _put_ppt_scheme,
    "ppt_serializer": _put_ppt_serializer,
    "ppt_keyid": _put_ppt_keyid,
    "match": _put_enum(_MATCH),
    "invoke": _put_enum(_INVOKE),
    "mode": _put_enum(_CANCEL_MODE),
    "roles": _put_roles,
    "authmethods": _put_authmethods,
    "authmethod": _put_authmethod,
    "method": _put_authmethod,
}


def _builder_table(builder, table: str, values: dict[str, Any]) -> int:
    """Write table values with a FlatBuffers ``Builder``; returns the table's offset."""
    fields = _tables()[table]
    offsets: dict[int, int] = {}
    for field in fields:
        value = values.get(field.name)
        if value is None:
            continue
        if field.kind == "String":
            offsets[field.id] = builder.CreateString(value)
        elif field.kind == "Vector":
            offsets[field.id] = _builder_vector(builder, field, value)
        elif field.kind == "Obj":
            offsets[field.id] = _builder_table(builder, field.table, value)
    builder.StartObject(len(fields))
    for field in fields:
        value = values.get(field.name)
        if value is None:
            continue
        if field.id in offsets:
            builder.PrependUOffsetTRelativeSlot(field.id, offsets[field.id], 0)
        else:
            _check_range(field.kind, value, field.name)
            getattr(builder, _PREPEND[field.kind])(value)
            builder.Slot(field.id)
    return builder.EndObject()


def _builder_vector(builder, field: _Field, value) -> int:
    if field.element == "UByte" and not field.table:
        return builder.CreateByteVector(bytes(value))
    if field.element in ("String", "Obj"):
        if field.element == "String":
            items = [builder.CreateString(v) for v in value]
        else:
            items = [_builder_table(builder, field.table, v) for v in value]
        builder.StartVector(4, len(items), 4)
        for item in reversed(items):
            builder.PrependUOffsetTRelative(item)
        return builder.EndVector()
    size = _SCALAR_SIZES[field.element]
    builder.StartVector(size, len(value), size)
    for item in reversed(value):
        _check_range(field.element, item, field.name)
        getattr(builder, _PREPEND[field.element])(item)
    return builder.EndVector()


@cache
def _widest_first(table: str) -> list[_Field]:
    return sorted(_tables()[table], key=lambda f: -f.size)


class _ForwardWriter:
    """Writes table values into one bytearray, front to back: the root offset, then each
    table (its vtable just before it) followed by what it points to. Every offset so points
    forward, as FlatBuffers' unsigned offsets must, and every value sits at its alignment."""

    def __init__(self):
        self.buf = bytearray(4)  # the root offset, set by finish()

    def _pad(self, align: int, ahead: int = 0):
        """Pad so that the byte ``ahead`` bytes from the end lands on ``align``."""
        self.buf += bytes(-(len(self.buf) + ahead) % align)

    def table(self, table: str, values: dict[str, Any]) -> int:
        # the table after its 4-byte vtable offset: widest values first, each aligned
        slots = []
        end = 4
        field_count = 0
        for field in _widest_first(table):
            value = values.get(field.name)
            if value is None:
                continue
            end += -end % field.size
            slots.append((field, value, end))
            end += field.size
            if field.id >= field_count:
                field_count = field.id + 1
        voffsets = [0] * field_count
        for field, _, at in slots:
            voffsets[field.id] = at
        buf = self.buf
        self._pad(2)
        vtable = len(buf)
        buf += struct.pack(f"<{2 + field_count}H", 4 + 2 * field_count, end, *voffsets)
        self._pad(8)
        start = len(buf)
        buf += bytes(end)
        struct.pack_into("<i", buf, start, start - vtable)
        pointers = []
        for field, value, at in slots:
            if field.kind in _OFFSET_KINDS:
                pointers.append((field, value, start + at))
            else:
                _check_range(field.kind, value, field.name)
                struct.pack_into(_SCALAR_FORMATS[field.kind], buf, start + at, value)
        for field, value, at in pointers:
            struct.pack_into("<I", buf, at, self._pointee(field, value) - at)
        return start

    def _bytes(self, data: bytes, terminator: bytes = b"") -> int:
        self._pad(4)
        at = len(self.buf)
        self.buf += struct.pack("<I", len(data))
        self.buf += data
        self.buf += terminator
        return at

    def _pointee(self, field: _Field, value) -> int:
        if field.kind == "String":
            return self._bytes(value.encode("utf8"), b"\x00")
        if field.kind == "Obj":
            return self.table(field.table, value)
        if field.kind == "Union":
            return self.table(*value)
        element = field.element
        if element == "UByte":
            return self._bytes(bytes(value))
        if element in ("String", "Obj"):
            self._pad(4)
            at = len(self.buf)
            self.buf += struct.pack("<I", len(value)) + bytes(4 * len(value))
            for i, item in enumerate(value):
                slot = at + 4 + 4 * i
                pointee = (
                    self._bytes(item.encode("utf8"), b"\x00") if element == "String" else self.table(field.table, item)
                )
                struct.pack_into("<I", self.buf, slot, pointee - slot)
            return at
        size = _SCALAR_SIZES[element]
        for item in value:
            _check_range(element, item, field.name)
        self._pad(size, 4)
        at = len(self.buf)
        self.buf += struct.pack(f"<I{len(value)}{_SCALAR_FORMATS[element][1]}", len(value), *value)
        return at

    def finish(self, root: int) -> bytes:
        struct.pack_into("<I", self.buf, 0, root)
        return bytes(self.buf)


def build_table(msg, builder, serializer=None) -> int:
    """Write ``msg`` as the envelope ``Message`` (its table in the union) into the FlatBuffers
    ``builder``; returns the envelope's offset, ready for ``builder.Finish``."""
    table = type(msg).__name__
    inner = _builder_table(builder, table, _field_values(msg, table, serializer))
    builder.StartObject(2)
    builder.PrependUint8Slot(0, _union_tag(msg.MESSAGE_TYPE), 0)
    builder.PrependUOffsetTRelativeSlot(1, inner, 0)
    return builder.EndObject()


def build_message(msg, serializer=None) -> bytes:
    """``msg`` as a complete WAMP-FlatBuffers message."""
    table = type(msg).__name__
    writer = _ForwardWriter()
    inner = (table, _field_values(msg, table, serializer))
    return writer.finish(writer.table("Message", {"msg_type": _union_tag(msg.MESSAGE_TYPE), "msg": inner}))


# --- reading ---


class _Table:
    """One table in a buffer, every access checked against the buffer's bounds."""

    __slots__ = ("buf", "pos", "vtable", "vtable_size")

    def __init__(self, buf, pos: int):
        self.buf = buf
        self.pos = pos
        self.vtable = pos - self._unpack("<i", pos)
        self.vtable_size = self._unpack("<H", self.vtable)
        if self.vtable_size < 4 or self.vtable + self.vtable_size > len(buf):
            raise ProtocolError("WAMP-FlatBuffers: invalid vtable")

    def _unpack(self, fmt: str, at: int):
        if at < 0 or at + struct.calcsize(fmt) > len(self.buf):
            raise ProtocolError(f"WAMP-FlatBuffers: offset {at} outside the buffer")
        return struct.unpack_from(fmt, self.buf, at)[0]

    def field_at(self, field_id: int) -> int:
        """The position of a field's value, or 0 when the table leaves it out."""
        slot = 4 + 2 * field_id
        if slot + 2 > self.vtable_size:
            return 0
        offset = self._unpack("<H", self.vtable + slot)
        return self.pos + offset if offset else 0

    def target(self, at: int) -> int:
        return at + self._unpack("<I", at)

    def vector(self, at: int, element_size: int) -> tuple[int, int]:
        start = self.target(at)
        length = self._unpack("<I", start)
        if start + 4 + length * element_size > len(self.buf):
            raise ProtocolError("WAMP-FlatBuffers: vector longer than the buffer")
        return start + 4, length

    def string(self, at: int) -> str:
        start, length = self.vector(at, 1)
        try:
            return bytes(self.buf[start : start + length]).decode("utf8")
        except UnicodeDecodeError as e:
            raise ProtocolError(f"WAMP-FlatBuffers: invalid UTF-8 in a string: {e}") from e


def _read_table(table: _Table, name: str) -> dict[str, Any]:
    """Field name -> Python value of the fields present in a table."""
    values: dict[str, Any] = {}
    for field in _tables()[name]:
        at = table.field_at(field.id)
        if not at:
            continue
        if field.kind in _SCALAR_FORMATS:
            values[field.name] = table._unpack(_SCALAR_FORMATS[field.kind], at)
        elif field.kind == "String":
            values[field.name] = table.string(at)
        elif field.kind == "Obj":
            values[field.name] = _Table(table.buf, table.target(at))
        elif field.kind == "Vector":
            values[field.name] = _read_vector(table, at, field)
    return values


def _read_vector(table: _Table, at: int, field: _Field):
    if field.element in ("String", "Obj"):
        start, length = table.vector(at, 4)
        positions = [start + 4 * i for i in range(length)]
        if field.element == "String":
            return [table.string(p) for p in positions]
        return [_read_principal(_Table(table.buf, table.target(p))) for p in positions]
    fmt = _SCALAR_FORMATS[field.element]
    size = struct.calcsize(fmt)
    start, length = table.vector(at, size)
    if field.element == "UByte" and not field.table:
        return bytes(table.buf[start : start + length])
    return [struct.unpack_from(fmt, table.buf, start + size * i)[0] for i in range(length)]


def _read_principal(table: _Table) -> dict:
    values = _read_table(table, "Principal")
    return {"session": values.get("session", 0), "authid": values.get("authid"), "authrole": values.get("authrole")}


def _read_roles(table: _Table, name: str) -> dict:
    roles = {}
    for role_name, subtable in _read_table(table, name).items():
        features = {
            _FEATURE_ATTR.get(k, k): v for k, v in _read_table(subtable, f"{role_name.capitalize()}Features").items()
        }
        roles[role_name] = role.ROLE_NAME_TO_CLASS[role_name](**features)
    return roles


def _from_enum(names, value: int, name: str):
    if value >= len(names):
        raise ProtocolError(f"invalid value {value} for '{name}' in WAMP-FlatBuffers message")
    return names[value]


def _message_kwargs(values: dict[str, Any], table: str, serializer) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    for name, value in values.items():
        if name in _UNUSED or (name == "session" and table != "Welcome"):
            continue
        if name in ("args", "kwargs"):
            kwargs[name] = _payload_serializer(serializer).unserialize(value)[0]
        elif name == "ppt_scheme":
            kwargs["enc_algo"] = _fields.ENC_ALGOS.get(value) if value else None
        elif name == "ppt_serializer":
            kwargs["enc_serializer"] = _fields.ENC_SERS.get(value) if value else None
        elif name == "ppt_keyid":
            kwargs["enc_key"] = value
        elif name == "match":
            kwargs[name] = _from_enum(_MATCH, value, name)
        elif name == "invoke":
            kwargs[name] = _from_enum(_INVOKE, value, name)
        elif name == "mode":
            kwargs[name] = _from_enum(_CANCEL_MODE, value, name)
        elif name == "roles":
            kwargs[name] = _read_roles(value, _tables_field_table(table, name))
        elif name == "authmethods":
            kwargs.setdefault(name, [_from_enum(_AUTH_METHODS, v, name) for v in value])
        elif name == "authmethod_names":
            kwargs["authmethods"] = value
        elif name in ("authmethod", "method"):
            kwargs.setdefault(name, _from_enum(_AUTH_METHODS, value, name))
        elif name in ("authmethod_name", "method_name"):
            kwargs[name[: -len("_name")]] = value
        elif name.endswith("_cbor"):
            kwargs[name[: -len("_cbor")]] = _cbor().loads(value)
        else:
            kwargs[_renamed().get((table, name), name)] = value
    return kwargs


def _tables_field_table(table: str, field_name: str) -> str:
    return next(f.table for f in _tables()[table] if f.name == field_name)


def _decode(cls, table: _Table, serializer):
    name = cls.__name__
    values = _read_table(table, name)
    kwargs = _message_kwargs(values, name, serializer)
    for id_name in _required_ids(name):
        kwargs.setdefault(id_name, 0)
    if _all_roles(name) and not kwargs.get("roles"):
        kwargs["roles"] = {r: role.ROLE_NAME_TO_CLASS[r]() for r in _all_roles(name)}
    try:
        msg = cls(**kwargs)
        raw = msg.marshal()
    except ProtocolError:
        raise
    except Exception as e:
        raise ProtocolError(f"invalid WAMP-FlatBuffers {cls.__name__.upper()}: {type(e).__name__} {e}") from e
    # the message classes' own checks (URIs, IDs, option types), as for every other serializer
    return cls.parse(raw)


def parse_message(data, serializer=None):
    """The WAMP message object in a complete WAMP-FlatBuffers message."""
    buf = memoryview(data).cast("B") if not isinstance(data, bytes) else data
    envelope = _Table(buf, _root(buf))
    at_tag = envelope.field_at(0)
    at_msg = envelope.field_at(1)
    if not at_tag or not at_msg:
        raise ProtocolError("WAMP-FlatBuffers: message without a message")
    tag = envelope._unpack("<B", at_tag)
    cls = _class_of_tag().get(tag)
    if cls is None:
        raise ProtocolError(f"invalid WAMP message type {tag} in WAMP-FlatBuffers message")
    return _decode(cls, _Table(buf, envelope.target(at_msg)), serializer)


def _root(buf) -> int:
    if len(buf) < 4:
        raise ProtocolError("WAMP-FlatBuffers: message shorter than its root offset")
    return struct.unpack_from("<I", buf, 0)[0]


def cast_table(cls, buf):
    """A message of class ``cls`` from a buffer whose root table is that message's table."""
    return _decode(cls, _Table(buf, _root(buf)), None)


# autobahn 26.11.1's table classes, generated modules and enums of this module.
from autobahn import flatbuffers  # noqa: E402, F401
from autobahn.wamp._message_fbs_tables import *  # noqa: E402, F401, F403
