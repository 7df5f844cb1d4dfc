"""Field tables of the WAMP messages, and the code derived from them.

A message class declares its wire layout (``WIRE``: what stands at list positions 1, 2, ...),
the roles that send it (``SENDERS``) and its fields (``FIELDS``: one :class:`F` each, in the
order of the constructor's parameters: kind, options/details key, default, advanced-profile
feature). :func:`message_class` writes the class's constructor (with the construction checks),
``parse`` (which raises ``ProtocolError`` naming the message and the field) and ``marshal``
from them, as Python source compiled once at import: straight-line code, as fast as written
by hand (:func:`source_of` shows it). The class itself declares ``__slots__`` from the table;
message_fbs maps the table onto the FlatBuffers schema, tests/test_wamp_tables.py holds the
two together. A class keeps any member it defines itself.

Options/details classes (``CallOptions``, ...) are described the same way with
:class:`F` and made by :func:`options_class`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

__all__ = ("ENC", "PAYLOAD", "F", "Generated", "message_class", "options_class", "slots_of", "source_of", "wamp_name")

# The pseudo-fields of application payload: args/kwargs/payload (WIRE item "payload") and the
# payload transparency keys carried in the options/details (FIELDS item ENC).
PAYLOAD = "payload"
ENC = "enc"
_PAYLOAD_PARAMS = ("args", "kwargs", "payload")
_ENC_PARAMS = ("enc_algo", "enc_key", "enc_serializer")

# Payload transparency algorithms and serializers: the enum values of the WAMP FlatBuffers
# schema (message_fbs) and their names in the options/details of the other serializers.
ENC_ALGO_NONE = 0
ENC_ALGO_CRYPTOBOX = 1
ENC_ALGO_MQTT = 2
ENC_ALGO_XBR = 3
ENC_ALGOS = {ENC_ALGO_NONE: "null", ENC_ALGO_CRYPTOBOX: "cryptobox", ENC_ALGO_MQTT: "mqtt", ENC_ALGO_XBR: "xbr"}
ENC_ALGOS_FROMSTR = {name: code for code, name in ENC_ALGOS.items()}

ENC_SER_NONE = 0
ENC_SER_JSON = 1
ENC_SER_MSGPACK = 2
ENC_SER_CBOR = 3
ENC_SER_UBJSON = 4
ENC_SER_OPAQUE = 5
ENC_SER_FLATBUFFERS = 6
ENC_SERS = {
    ENC_SER_NONE: "null",
    ENC_SER_JSON: "json",
    ENC_SER_MSGPACK: "msgpack",
    ENC_SER_CBOR: "cbor",
    ENC_SER_UBJSON: "ubjson",
    ENC_SER_OPAQUE: "opaque",
    ENC_SER_FLATBUFFERS: "flatbuffers",
}
ENC_SERS_FROMSTR = {name: code for code, name in ENC_SERS.items()}

# WAMP message type code -> message class, as autobahn.wamp.message defines them; the
# FlatBuffers codec (message_fbs) finds the classes and their tables here.
MESSAGE_CLASSES: dict[int, Any] = {}

# kind -> the type its values must have (for the constructor's assertion and parse's check)
_TYPE_NAMES = {int: "int", str: "str", bool: "bool", dict: "dict", list: "list"}


class Generated:
    """Base of the classes whose members are generated from their tables at import: to a
    type checker, their constructors take any arguments and their attributes are ``Any``."""

    __slots__ = ()

    if TYPE_CHECKING:

        def __init__(self, *args: Any, **kwargs: Any) -> None: ...

        def __getattr__(self, name: str) -> Any: ...


class F:
    """One field: its attribute name, kind, and where it travels.

    :param kind: ``"id"``, ``"uri"``, ``"extra"`` (a dict with string keys), ``"flag"`` (a
        bool on the wire, ``in (True, False)`` when constructed), ``"roles"``,
        ``"forward_for"``, a Python type (``int``, ``str``, ``bool``, ``dict``), ``[type]``
        for a list of that type, or a tuple of allowed strings.
    :param key: the key in the options/details dict (default: the name); fields named in
        the class's ``WIRE`` travel at their list position instead.
    :param default: the constructor's default (``...``: none, a required parameter).
    :param fallback: the value a missing (or ``None``) field stands for.
    :param marshal: when the field is written: ``"set"`` (not None), ``"truthy"``, or
        ``"nondefault"`` (truthy and not the fallback).
    :param minimum: smallest valid value (an int field).
    :param check: an extra construction assertion (Python expression over the parameters).
    :param uri: ``check_or_raise_uri`` keyword arguments for a URI field.
    :param allowed: the valid values of a positional field, or the roles of a ``"roles"`` field.
    :param reject: ``(condition, error)``: ``parse`` raises ``ProtocolError(error)`` (an f-string
        over the parsed fields) when the condition (a Python expression over them) holds.
    :param required: the constructor asserts a value unless the message comes from FlatBuffers.
    :param fbs: the field's name in the FlatBuffers schema, where it differs.
    :param value: (options classes) the attribute's value, an expression over the parameters.
    :param message: (options classes) what ``message_attr()`` passes to the message under
        ``key``: ``True`` (the value, when not None) or an expression over ``value``.
    :param show: (options classes) how ``__str__`` shows the field: ``""`` plainly, ``"<>"``
        in angle brackets, ``"''"`` in quotes, ``None`` not at all.
    :param feature: the WAMP advanced-profile feature that brings the field (``None``: basic
        profile). The spec does not version single fields; its features are what peers announce.
    """

    __slots__ = ("name", "kind", "key", "default", "fallback", "marshal", "minimum", "check", "uri", "allowed",
                 "reject", "required", "fbs", "value", "message", "show", "feature")  # fmt: skip

    def __init__(
        self,
        name: str,
        kind: Any,
        key: str | None = None,
        *,
        default: Any = None,
        fallback: Any = None,
        marshal: str = "set",
        minimum: int | None = None,
        check: str | None = None,
        uri: dict | None = None,
        allowed: Any = None,
        reject: tuple[str, str] | None = None,
        required: bool = False,
        fbs: str | None = None,
        value: str | None = None,
        message: Any = None,
        show: str | None = "",
        feature: str | None = None,
    ):
        self.name = name
        self.kind = kind
        self.key = key or name
        self.default = default
        self.fallback = fallback
        self.marshal = marshal
        self.minimum = minimum
        self.check = check
        self.uri = uri or {}
        self.allowed = allowed
        self.reject = reject
        self.required = required
        self.fbs = fbs or name
        self.value = value
        self.message = message
        self.show = show
        self.feature = feature

    def __repr__(self):
        return f"F({self.name!r}, {self.kind!r}, key={self.key!r})"


def wamp_name(cls) -> str:
    """``EventReceived`` -> ``EVENT_RECEIVED``: the message's name in the spec and in errors."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).upper()


def _type_test(kind, var: str) -> str | None:
    """A Python expression: ``var`` (not None) has the kind's type."""
    if kind in ("id",):
        return f"type({var}) is int"
    if kind in ("uri",):  # a str subclass passes, as HELLO's realm does in autobahn
        return f"isinstance({var}, str)"
    if kind in ("extra", "custom"):
        return f"type({var}) is dict"
    if kind == "flag":  # a bool, or 0/1 from a caller (autobahn's check is "in (True, False)")
        return f"{var} in (True, False)"
    if isinstance(kind, type):
        return f"type({var}) is {_TYPE_NAMES[kind]}"
    if isinstance(kind, list):
        return f"(type({var}) is list and all(type(v) is {_TYPE_NAMES[kind[0]]} for v in {var}))"
    if isinstance(kind, tuple):
        return f"{var} in {kind!r}"
    return None


class _Source:
    def __init__(self):
        self.lines: list[str] = []

    def __call__(self, indent: int, line: str):
        self.lines.append("    " * indent + line)

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def _init_source(cls, fields: list[F], payload: bool) -> str:
    params = []
    for f in fields:
        if f.kind == ENC:
            params += [f"{p}=None" for p in _ENC_PARAMS]
        elif f.kind == PAYLOAD:
            params += [f"{p}=None" for p in _PAYLOAD_PARAMS]
        else:
            params.append(f"{f.name}={f.name}_default" if f.default is not None else f"{f.name}=None")
    src = _Source()
    src(0, f"def __init__(self, {', '.join(params)}, from_fbs=None):")
    for f in fields:
        if f.kind in (ENC, PAYLOAD):
            continue
        if f.kind == "forward_for":
            src(1, f"_check_forward_for({f.name})")
            continue
        if f.kind == "roles":
            src(1, f"assert {f.name} is None or type({f.name}) is dict")
            src(1, f"if {f.name} is not None and not from_fbs:")
            src(2, f"_check_roles({f.name}, {f.name}_allowed)")
            continue
        test = _type_test(f.kind, f.name)
        if f.required:
            src(1, "if from_fbs is None:")
            src(2, f"assert {test}")
            continue
        if f.minimum is not None:
            test = f"({test} and {f.name} >= {f.minimum})"
        src(1, f"assert {f.name} is None or {test}")
        if f.check:
            src(1, f"assert {f.check}")
    if payload:
        src(1, "_check_app_payload(args, kwargs, payload, enc_algo, enc_key, enc_serializer)")
    # Message.__init__, inlined: construction is on every message's path
    src(1, "self._from_fbs = from_fbs")
    src(1, "self._serialized = {}")
    src(1, "self._correlation_id = self._correlation_uri = None")
    src(1, "self._correlation_is_anchor = self._correlation_is_last = self._router_internal = None")
    for f in fields:
        if f.kind == ENC:
            for p in _ENC_PARAMS:
                src(1, f"self._{p} = {p}")
        elif f.kind == PAYLOAD:
            src(1, "self._args = args")
            src(1, "self._kwargs = kwargs if kwargs is None else _validate_kwargs(kwargs)")
            src(1, "self._payload = payload")
        elif f.kind in ("extra", "custom"):
            src(1, f"self._{f.name} = {f.name} or {{}}")
        elif f.fallback is not None:
            src(1, f"self._{f.name} = {f.name} or {f.name}_fallback")
        else:
            src(1, f"self._{f.name} = {f.name}")
    return src.text()


def _parse_source(cls, fields: list[F], name: str) -> str:
    wire = [w.rstrip("?") for w in cls.WIRE]
    optional = [w for w in cls.WIRE if w.endswith("?")]
    by_name = {f.name: f for f in fields}
    container = next((w for w in wire if w in ("options", "details")), None)
    what = "option" if container == "options" else "detail"
    required_len = len(cls.WIRE) - len(optional) + 1
    if PAYLOAD in wire:
        lengths: tuple[int, ...] = (required_len - 1, required_len, required_len + 1)
    else:
        lengths = tuple(range(required_len, len(cls.WIRE) + 2))
    length_name = getattr(cls, "LENGTH_NAME", name)
    src = _Source()
    src(0, "def parse(wmsg):")
    src(1, f'"""Parse a raw {name}; raises :class:`ProtocolError` naming the invalid field."""')
    src(1, f"assert len(wmsg) > 0 and wmsg[0] == {cls.MESSAGE_TYPE}")
    src(1, f"if len(wmsg) not in {lengths!r}:")
    src(2, f'raise ProtocolError(f"invalid message length {{len(wmsg)}} for {length_name}")')
    for i, item in enumerate(wire, 1):
        label = f"'{item}' in {name}"
        if item == PAYLOAD:
            src(1, "args, kwargs, payload, enc_algo, enc_key, enc_serializer = _parse_app_payload(")
            src(2, f'wmsg, {i}, {container}, "{name}", "{what}")')
            continue
        if item == container:
            if cls.WIRE[i - 1].endswith("?"):
                src(1, f'{item} = check_or_raise_extra(wmsg[{i}], "{label}") if len(wmsg) > {i} else {{}}')
            else:
                src(1, f'{item} = check_or_raise_extra(wmsg[{i}], "{label}")')
            continue
        f = by_name[item]
        if f.kind == "id":
            src(1, f'{item} = check_or_raise_id(wmsg[{i}], "{label}")')
        elif f.kind == "uri" and "pattern_of" in f.uri:
            continue  # checked after the match policy it is a pattern of
        elif f.kind == "uri":
            flags = "".join(f", {k}={v!r}" for k, v in f.uri.items())
            src(1, f'{item} = check_or_raise_uri(wmsg[{i}], "{label}"{flags})')
        elif f.kind == "extra":
            src(1, f'{item} = check_or_raise_extra(wmsg[{i}], "{label}")')
        else:
            src(1, f"{item} = wmsg[{i}]")
            src(1, f"if not ({_type_test(f.kind, item)}):")
            src(2, f'raise ProtocolError(f"invalid type {{type({item})}} for {label}")')
            if f.allowed:
                src(1, f"if {item} not in {item}_allowed:")
                src(2, f'raise ProtocolError(f"invalid value {{{item}}} for {label}")')
    for f in fields:
        if f.name in wire or f.kind in (ENC, PAYLOAD):
            continue
        v, key, where = f.name, f.key, f'"{name}", "{what}"'
        if f.kind == "forward_for":
            src(1, f'{v} = _parse_forward_for({container}, "{name}")')
        elif f.kind == "roles":
            src(1, f'{v} = _parse_roles({container}, {v}_allowed, "{name}")')
        elif f.kind == "uri":
            check = f"check_or_raise_uri({container}[{key!r}], \"'{key}' in {name}\")"
            src(1, f"{v} = {check} if {key!r} in {container} else None")
        elif f.kind == "custom":
            src(1, f"{v} = {{k: v for k, v in {container}.items() if _CUSTOM_ATTRIBUTE.match(k)}}")
        elif isinstance(f.kind, list):
            src(1, f"{v} = _typed_list({container}, {key!r}, {_TYPE_NAMES[f.kind[0]]}, {where})")
        elif isinstance(f.kind, tuple):
            src(1, f"{v} = _choice({container}, {key!r}, {f.kind!r}, {where})")
        else:
            kind = {"id": "int", "extra": "dict", "flag": "bool"}.get(f.kind) or _TYPE_NAMES[f.kind]
            src(1, f"{v} = _typed({container}, {key!r}, {kind}, {where})")
        if f.minimum is not None:
            src(1, f"if {v} is not None and {v} < {f.minimum}:")
            src(2, f"raise ProtocolError(f\"invalid value {{{v}}} for '{key}' {what} in {name}\")")
        if f.fallback is not None:
            src(1, f"{v} = {v} or {v}_fallback")
    for i, item in enumerate(wire, 1):
        pattern = by_name.get(item)
        if pattern is not None and "pattern_of" in pattern.uri:
            policy = pattern.uri["pattern_of"]
            src(1, f"{item} = check_or_raise_uri(wmsg[{i}], \"'{item}' in {name}\",")
            src(2, f'allow_empty_components={policy} == "wildcard", allow_last_empty={policy} == "prefix")')
    for f in fields:
        if f.reject:
            condition, error = f.reject
            src(1, f"if {condition}:")
            src(2, f"raise ProtocolError(f{error!r})")
    args: list[str] = []
    for f in fields:
        if f.kind == PAYLOAD:
            args += _PAYLOAD_PARAMS
        elif f.kind == ENC:
            args += _ENC_PARAMS
        else:
            args.append(f.name)
    src(1, f"return {cls.__name__}({', '.join(args)})")
    return src.text()


def _put_source(src: _Source, f: F, target: str, indent: int = 1):
    value = f"self._{f.name}"
    if f.marshal == "set":
        src(indent, f"if {value} is not None:")
    elif f.marshal == "truthy":
        src(indent, f"if {value}:")
    else:  # nondefault
        src(indent, f"if {value} and {value} != {f.name}_fallback:")
    src(indent + 1, f"{target}[{f.key!r}] = {value}")


def _container_source(src: _Source, fields: list[F], container: str, enc_last: bool):
    for f in fields:
        if f.kind == ENC:
            if enc_last:
                continue  # _payload_tail adds them after the others
            src(1, "if self._payload is not None:")
            for p in _ENC_PARAMS:
                src(2, f"if self._{p} is not None:")
                src(3, f"{container}[{p!r}] = self._{p}")
        elif f.kind == "roles":
            src(1, f"{container}[{f.key!r}] = _marshal_roles(self._{f.name} or {{}})")
        elif f.kind == "custom":
            src(1, f"{container}.update(self._{f.name} or {{}})")
        else:
            _put_source(src, f, container)


def _marshal_source(cls, fields: list[F]) -> tuple[str, str | None]:
    """``marshal`` and (for a class with ``MARSHAL_OPTIONS``) ``marshal_options``."""
    wire = [w.rstrip("?") for w in cls.WIRE]
    container = next((w for w in wire if w in ("options", "details")), None)
    enc_last = getattr(cls, "ENC_LAST", False)
    keyed = [f for f in fields if f.name not in wire and f.kind != PAYLOAD]
    order = getattr(cls, "EXTRA_ORDER", None)
    if order:
        keyed = [next(f for f in keyed if f.name == n) for n in order]
    options_fn = None
    if container and getattr(cls, "MARSHAL_OPTIONS", False):
        src = _Source()
        src(0, f"def marshal_{container}(self):")
        src(1, f'"""The {container} dict of this {wamp_name(cls)}."""')
        src(1, f"{container} = {{}}")
        _container_source(src, keyed, container, enc_last)
        src(1, f"return {container}")
        options_fn = src.text()
    items = []
    for item in wire:
        if item == PAYLOAD:
            items.append(f"*self._payload_tail({container})")
        elif item == container:
            items.append(container)
        else:
            items.append(f"self._{item}")
    src = _Source()
    src(0, "def marshal(self):")
    src(1, f'"""``[{cls.MESSAGE_TYPE}, {", ".join(wire)}]``."""')
    if container:
        src(1, f"{container} = {{}}")
        _container_source(src, keyed, container, enc_last)
    if cls.WIRE and cls.WIRE[-1].endswith("?"):
        src(1, f"if not {container}:")
        src(2, f"return [{cls.MESSAGE_TYPE}, {', '.join(items[:-1])}]")
    src(1, f"return [{cls.MESSAGE_TYPE}, {', '.join(items)}]")
    return src.text(), options_fn


def _compile(source: str, filename: str, namespace: dict, name: str):
    exec(compile(source, filename, "exec"), namespace)  # noqa: S102 (our own generated code)
    return namespace.pop(name)


def message_class(helpers: dict):
    """Class decorator: derive a message class's members from its ``WIRE`` and ``FIELDS``.

    ``helpers``: the checking functions the generated code calls (the message module's globals).
    """

    def decorate(cls):
        fields: list[F] = list(cls.FIELDS)
        name = wamp_name(cls)
        payload = any(f.kind == PAYLOAD for f in fields)
        namespace = dict(helpers)
        for f in fields:
            if f.default is not None:
                namespace[f"{f.name}_default"] = f.default
            if f.fallback is not None:
                namespace[f"{f.name}_fallback"] = f.fallback
            if f.allowed:
                namespace[f"{f.name}_allowed"] = f.allowed
        sources = {}
        filename = f"<autobahn.wamp.message.{cls.__name__} (generated by autobahn.wamp._fields)>"
        if "__init__" not in cls.__dict__:
            sources["__init__"] = _init_source(cls, fields, payload)
            cls.__init__ = _compile(sources["__init__"], filename, namespace, "__init__")
        if "marshal" not in cls.__dict__:
            sources["marshal"], options_fn = _marshal_source(cls, fields)
            cls.marshal = _compile(sources["marshal"], filename, namespace, "marshal")
            if options_fn:
                sources["marshal_options"] = options_fn
                cls.marshal_options = _compile(options_fn, filename, namespace, "marshal_options")
        if "parse" not in cls.__dict__:
            sources["parse"] = _parse_source(cls, fields, name)
            namespace[cls.__name__] = cls
            cls.parse = staticmethod(_compile(sources["parse"], filename, namespace, "parse"))
        cls._GENERATED = sources
        MESSAGE_CLASSES[cls.MESSAGE_TYPE] = cls
        return cls

    return decorate


def source_of(cls) -> str:
    """The generated source of a message class's members (for reading and debugging)."""
    return "\n".join(cls._GENERATED.values())


def options_class(cls):
    """Class decorator for an options/details class: its constructor (with the checks),
    ``message_attr()`` (the message's keyword arguments) and ``__str__``, from ``FIELDS``
    (the class declares ``__slots__ = slots_of(FIELDS)``; ``STR`` orders ``__str__`` where it
    differs from the table)."""
    fields: list[F] = list(cls.FIELDS)
    src = _Source()
    params = ", ".join(
        f.name if f.default is ... else f"{f.name}={f.name}_default" if f.default is not None else f"{f.name}=None"
        for f in fields
    )
    src(0, f"def __init__(self, {params}):")
    namespace: dict[str, Any] = {"_check_forward_for": _check_forward_for}
    for f in fields:
        if f.default is not None and f.default is not ...:
            namespace[f"{f.name}_default"] = f.default
        if f.kind == "forward_for":
            src(1, f"_check_forward_for({f.name})")
        elif f.kind == "callable":
            src(1, f"assert {f.name} is None or callable({f.name})")
        elif f.kind is not None:
            test = _type_test(f.kind, f.name)
            if f.minimum is not None:
                test = f"({test} and {f.name} >= {f.minimum})"
            src(1, f"assert {test}" if f.required else f"assert {f.name} is None or {test}")
        if f.check:
            src(1, f"assert {f.check}")
    for f in fields:
        src(1, f"self.{f.name} = {f.value or f.name}")
    filename = f"<autobahn.wamp.types.{cls.__name__} (generated by autobahn.wamp._fields)>"
    sources = {"__init__": src.text()}
    cls.__init__ = _compile(sources["__init__"], filename, namespace, "__init__")
    to_message = [f for f in fields if f.message is not None]
    if to_message:
        src = _Source()
        src(0, "def message_attr(self):")
        src(1, f'"""The keyword arguments these options give to ``message.{cls.MESSAGE}``."""')
        src(1, "options = {}")
        for f in to_message:
            src(1, f"if self.{f.name} is not None:")
            value = f"self.{f.name}" if f.message is True else f.message.replace("value", f"self.{f.name}")
            src(2, f"options[{f.key!r}] = {value}")
        src(1, "return options")
        sources["message_attr"] = src.text()
        namespace["_as_list"] = _as_list
        cls.message_attr = _compile(sources["message_attr"], filename, namespace, "message_attr")
    by_name = {f.name: f for f in fields}
    shown = [by_name[n] for n in getattr(cls, "STR", ())] or [f for f in fields if f.show is not None]
    parts = []
    for f in shown:
        left, right = (f.show or "")[:1], (f.show or "")[1:]
        parts.append(f"{f.name}={left}{{self.{f.name}}}{right}")
    sources["__str__"] = f'def __str__(self):\n    return f"{cls.__name__}({", ".join(parts)})"\n'
    cls.__str__ = _compile(sources["__str__"], filename, namespace, "__str__")
    cls._GENERATED = sources
    return cls


def slots_of(fields) -> tuple[str, ...]:
    """The ``__slots__`` of an options class: its fields' names."""
    return tuple(f.name for f in fields)


def _as_list(value):
    return value if type(value) is list else [value]


def _check_forward_for(forward_for):
    """``forward_for``: a list of ``{"session": int, "authid": str|None, "authrole": str}``."""
    assert forward_for is None or type(forward_for) is list
    for ff in forward_for or ():
        assert type(ff) is dict
        assert "session" in ff and type(ff["session"]) is int
        assert "authid" in ff and (ff["authid"] is None or type(ff["authid"]) is str)
        assert "authrole" in ff and type(ff["authrole"]) is str
