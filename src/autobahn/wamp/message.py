"""Every WAMP message of the basic and the advanced profile, as Python objects.

Each class has its ``MESSAGE_TYPE`` code, a constructor taking the message's fields, a
``parse(wmsg)`` static method that checks a message as it came from a serializer (a list
whose first item is the type code) and raises :class:`~autobahn.wamp.exception.ProtocolError`
naming the offending field, and ``marshal()``, which gives that list back. Constructors check
their arguments with assertions only: they are called by trusted code, ``parse`` by the wire.

The seven messages that carry application payload (PUBLISH, EVENT, CALL, INVOCATION, YIELD,
RESULT, ERROR) hold either ``args``/``kwargs`` or, in payload transparency mode, an opaque
``payload`` (bytes) with ``enc_algo``, ``enc_key`` and ``enc_serializer``.
"""

from __future__ import annotations

import binascii
import re
import textwrap
from pprint import pformat
from typing import TYPE_CHECKING, Any, Literal, overload

from autobahn.wamp._fields import (  # noqa: F401 (the payload transparency codes of the FlatBuffers schema)
    ENC,
    ENC_ALGO_CRYPTOBOX,
    ENC_ALGO_MQTT,
    ENC_ALGO_NONE,
    ENC_ALGO_XBR,
    ENC_ALGOS,
    ENC_ALGOS_FROMSTR,
    ENC_SER_CBOR,
    ENC_SER_FLATBUFFERS,
    ENC_SER_JSON,
    ENC_SER_MSGPACK,
    ENC_SER_NONE,
    ENC_SER_OPAQUE,
    ENC_SER_UBJSON,
    ENC_SERS,
    ENC_SERS_FROMSTR,
    PAYLOAD,
    F,
    Generated,
    _check_forward_for,
    message_class,
)
from autobahn.wamp._slots import add_slot_properties
from autobahn.wamp.exception import InvalidUriError, ProtocolError
from autobahn.wamp.role import ROLE_NAME_TO_CLASS

__all__ = (
    "PAYLOAD_ENC_CRYPTO_BOX",
    "PAYLOAD_ENC_MQTT",
    "PAYLOAD_ENC_STANDARD_IDENTIFIERS",
    "Abort",
    "Authenticate",
    "Call",
    "Cancel",
    "Challenge",
    "Error",
    "Event",
    "Goodbye",
    "Hello",
    "Interrupt",
    "Invocation",
    "Message",
    "MessageWithAppPayload",
    "MessageWithForwardFor",
    "Publish",
    "Published",
    "Register",
    "Registered",
    "Result",
    "Subscribe",
    "Subscribed",
    "Unregister",
    "Unregistered",
    "Unsubscribe",
    "Unsubscribed",
    "Welcome",
    "Yield",
    "check_or_raise_extra",
    "check_or_raise_id",
    "check_or_raise_realm_name",
    "check_or_raise_uri",
    "identify_realm_name_category",
    "is_valid_enc_algo",
    "is_valid_enc_serializer",
)

# Realm names: a letter, then 2..254 of letters, digits and "_-@.".
_URI_PAT_REALM_NAME = re.compile(r"^[A-Za-z][A-Za-z\d_\-@\.]{2,254}$")
# An Ethereum address as realm name ("0x" and 40 hex digits).
_URI_PAT_REALM_NAME_ETH = re.compile(r"^0x([A-Fa-f\d]{40})$")
# An ENS name ("wamp-proto.eth") and the same in reverse dotted notation ("eth.wamp-proto").
_URI_PAT_REALM_NAME_ENS = re.compile(r"^([a-z\d_\-@\.]{2,250})\.eth$")
_URI_PAT_REALM_NAME_ENS_REVERSE = re.compile(r"^eth\.([a-z\d_\-@\.]{2,250})$")

# URI checks (WAMP spec "URIs"): strict allows lower-case letters, digits and "_" per
# component, loose anything but whitespace, "." and "#". Variants allow empty components
# (wildcard patterns) or only an empty last component (prefix patterns).
_URI_PAT_STRICT_EMPTY = re.compile(r"^(([\da-z_]+\.)|\.)*([\da-z_]+)?$")
_URI_PAT_LOOSE_EMPTY = re.compile(r"^(([^\s\.#]+\.)|\.)*([^\s\.#]+)?$")
_URI_PAT_STRICT_NON_EMPTY = re.compile(r"^([\da-z_]+\.)*([\da-z_]+)$")
_URI_PAT_LOOSE_NON_EMPTY = re.compile(r"^([^\s\.#]+\.)*([^\s\.#]+)$")
_URI_PAT_STRICT_LAST_EMPTY = re.compile(r"^([\da-z_]+\.)*([\da-z_]*)$")
_URI_PAT_LOOSE_LAST_EMPTY = re.compile(r"^([^\s\.#]+\.)*([^\s\.#]*)$")

# Implementation-specific attributes in details/options start with "x_".
_CUSTOM_ATTRIBUTE = re.compile(r"^x_([a-z][\da-z_]+)?$")

# Payload transparency ("enc_algo") identifiers of the WAMP spec: cryptobox (Curve25519,
# XSalsa20-Poly1305), MQTT (opaque MQTT payloads) and XBR.
PAYLOAD_ENC_CRYPTO_BOX = "cryptobox"
PAYLOAD_ENC_MQTT = "mqtt"
PAYLOAD_ENC_XBR = "xbr"
PAYLOAD_ENC_STANDARD_IDENTIFIERS = [PAYLOAD_ENC_CRYPTO_BOX, PAYLOAD_ENC_MQTT, PAYLOAD_ENC_XBR]

# Payload transparency serializer ("enc_serializer") identifiers of the WAMP spec.
PAYLOAD_ENC_STANDARD_SERIALIZERS = ["json", "msgpack", "cbor", "ubjson", "flatbuffers"]

# Largest WAMP ID: IDs are integers in [0, 2**53] (exact in an IEEE double).
_MAX_ID = 2**53


def is_valid_enc_algo(enc_algo: str):
    """True if ``enc_algo`` is a standard payload transparency algorithm or a custom ``x_...`` one."""
    return type(enc_algo) is str and (
        enc_algo in PAYLOAD_ENC_STANDARD_IDENTIFIERS or bool(_CUSTOM_ATTRIBUTE.match(enc_algo))
    )


def is_valid_enc_serializer(enc_serializer: str):
    """True if ``enc_serializer`` is a standard payload serializer or a custom ``x_...`` one."""
    return type(enc_serializer) is str and (
        enc_serializer in PAYLOAD_ENC_STANDARD_SERIALIZERS or bool(_CUSTOM_ATTRIBUTE.match(enc_serializer))
    )


def b2a(data, max_len=40):
    """A short printable form of ``data`` (bytes as hex), cut to ``max_len`` characters."""
    if type(data) is str:
        text = data
    elif type(data) is bytes:
        text = binascii.b2a_hex(data).decode("ascii")
    elif data is None:
        text = "-"
    else:
        text = f"{data}"
    return text[:max_len] + ".." if len(text) > max_len else text


def identify_realm_name_category(value: Any) -> str | None:
    """The kind of realm name ``value`` is: ``"standalone"`` (e.g. ``"realm1"``), ``"eth"``
    (an Ethereum address), ``"ens"`` (``"wamp-proto.eth"``), ``"reverse_ens"``
    (``"eth.wamp-proto"``), or ``None`` if it is no realm name."""
    if type(value) is not str:
        return None
    if _URI_PAT_REALM_NAME.match(value):
        if _URI_PAT_REALM_NAME_ENS.match(value):
            return "ens"
        if _URI_PAT_REALM_NAME_ENS_REVERSE.match(value):
            return "reverse_ens"
        return "standalone"
    if _URI_PAT_REALM_NAME_ETH.match(value):
        return "eth"
    return None


@overload
def check_or_raise_uri(
    value: Any,
    message: str = "WAMP message invalid",
    strict: bool = False,
    allow_empty_components: bool = False,
    allow_last_empty: bool = False,
    *,
    allow_none: Literal[True],
) -> str | None: ...


@overload
def check_or_raise_uri(
    value: Any,
    message: str = "WAMP message invalid",
    strict: bool = False,
    allow_empty_components: bool = False,
    allow_last_empty: bool = False,
    allow_none: Literal[False] = False,
) -> str: ...


def check_or_raise_uri(
    value: Any,
    message: str = "WAMP message invalid",
    strict: bool = False,
    allow_empty_components: bool = False,
    allow_last_empty: bool = False,
    allow_none: bool = False,
) -> str | None:
    """Return ``value`` if it is a valid WAMP URI, else raise :class:`InvalidUriError`.

    :param message: what the value is, for the error (e.g. ``"'topic' in PUBLISH"``).
    :param strict: the spec's strict URI rules instead of the loose ones.
    :param allow_empty_components: allow empty components (wildcard patterns).
    :param allow_last_empty: allow only the last component to be empty (prefix patterns).
    :param allow_none: accept ``None`` (and return it).
    """
    if value is None:
        if allow_none:
            return None
        raise InvalidUriError(f"{message}: URI cannot be null")
    if type(value) is not str:
        raise InvalidUriError(f"{message}: invalid type {type(value)} for URI")
    if allow_last_empty:
        pattern = _URI_PAT_STRICT_LAST_EMPTY if strict else _URI_PAT_LOOSE_LAST_EMPTY
    elif allow_empty_components:
        pattern = _URI_PAT_STRICT_EMPTY if strict else _URI_PAT_LOOSE_EMPTY
    else:
        pattern = _URI_PAT_STRICT_NON_EMPTY if strict else _URI_PAT_LOOSE_NON_EMPTY
    if not pattern.match(value):
        raise InvalidUriError(
            f'{message}: invalid value "{value}" for URI (did not match pattern "{pattern.pattern}" with options '
            f"strict={strict}, allow_empty_components={allow_empty_components}, "
            f"allow_last_empty={allow_last_empty}, allow_none={allow_none})"
        )
    return value


def check_or_raise_realm_name(value, message="WAMP message invalid", allow_eth=True):
    """Return ``value`` if it is a valid realm name (or, with ``allow_eth``, an Ethereum
    address), else raise :class:`InvalidUriError`."""
    if value is None:
        raise InvalidUriError(f"{message}: realm name cannot be null")
    if type(value) is not str:
        raise InvalidUriError(f"{message}: invalid type {type(value)} for realm name")
    if _URI_PAT_REALM_NAME.match(value) or (allow_eth and _URI_PAT_REALM_NAME_ETH.match(value)):
        return value
    patterns = f'"{_URI_PAT_REALM_NAME.pattern}"'
    if allow_eth:
        patterns += f' or "{_URI_PAT_REALM_NAME_ETH.pattern}"'
    raise InvalidUriError(f'{message}: invalid value "{value}" for realm name (did not match {patterns})')


def check_or_raise_id(value: Any, message: str = "WAMP message invalid") -> int:
    """Return ``value`` if it is a valid WAMP ID (an int in [0, 2**53]), else raise
    :class:`ProtocolError`. (0 is valid: UNREGISTERED uses it for router revocation.)"""
    if type(value) is not int:
        raise ProtocolError(f"{message}: invalid type {type(value)} for ID")
    if value < 0 or value > _MAX_ID:
        raise ProtocolError(f"{message}: invalid value {value} for ID")
    return value


def check_or_raise_extra(value: Any, message: str = "WAMP message invalid") -> dict[str, Any]:
    """Return ``value`` if it is a details/options dict with string keys, else raise
    :class:`ProtocolError`."""
    if type(value) is not dict:
        raise ProtocolError(f"{message}: invalid type {type(value)} for WAMP extra")
    for key in value:
        if not isinstance(key, str):
            raise ProtocolError(f"{message}: invalid type {type(key)} for key in WAMP extra ('{key}')")
    return value


def _validate_kwargs(kwargs, message="WAMP message invalid"):
    """Return ``kwargs`` if it is ``None`` or a dict with string keys, else raise :class:`ProtocolError`."""
    if kwargs is None:
        return None
    if type(kwargs) is not dict:
        raise ProtocolError(f"{message}: invalid type {type(kwargs)} for WAMP kwargs")
    for key in kwargs:
        if not isinstance(key, str):
            raise ProtocolError(f"{message}: invalid type {type(key)} for key in WAMP kwargs ('{key}')")
    return kwargs


# --- helpers for parse(): each names the field and the message in its ProtocolError ---


def _typed(extra: dict, key: str, kind: type, where: str, what: str = "option"):
    """The value of ``extra[key]`` (``None`` if absent), which must be exactly of ``kind``."""
    if key not in extra:
        return None
    value = extra[key]
    if type(value) is not kind:
        raise ProtocolError(f"invalid type {type(value)} for '{key}' {what} in {where}")
    return value


def _typed_list(extra: dict, key: str, kind: type, where: str, what: str = "option"):
    """The value of ``extra[key]`` (``None`` if absent), which must be a list of ``kind``."""
    values = _typed(extra, key, list, where, what)
    for item in values or ():
        if type(item) is not kind:
            raise ProtocolError(f"invalid type {type(item)} for value in '{key}' {what} in {where}")
    return values


def _choice(extra: dict, key: str, allowed, where: str, what: str = "option"):
    value = _typed(extra, key, str, where, what)
    if value is not None and value not in allowed:
        raise ProtocolError(f"invalid value '{value}' for '{key}' {what} in {where}")
    return value


def _parse_forward_for(extra: dict | None, where: str):
    """``forward_for``: the router-to-router chain, a list of
    ``{"session": int, "authid": str|None, "authrole": str}``."""
    if not extra or "forward_for" not in extra:
        return None
    forward_for = extra["forward_for"]
    valid = type(forward_for) is list and all(
        type(ff) is dict
        and type(ff.get("session")) is int
        and "authid" in ff
        and (ff["authid"] is None or type(ff["authid"]) is str)
        and type(ff.get("authrole")) is str
        for ff in forward_for
    )
    if not valid:
        raise ProtocolError(f"invalid type/value {forward_for!r} for/within 'forward_for' option in {where}")
    return forward_for


def _parse_app_payload(wmsg, index: int, extra: dict, where: str, what: str):
    """The application payload of a message whose payload starts at ``wmsg[index]``:
    ``(args, kwargs, payload, enc_algo, enc_key, enc_serializer)``.

    A single ``bytes`` item there is a transparent payload (its encoding in the details or
    options); otherwise ``args`` (a list) and ``kwargs`` (a dict with string keys) follow.
    """
    if len(wmsg) == index + 1 and type(wmsg[index]) is bytes:
        enc_algo = extra.get("enc_algo")
        if enc_algo is not None and not is_valid_enc_algo(enc_algo):
            raise ProtocolError(f"invalid value {enc_algo!r} for 'enc_algo' {what} in {where}")
        enc_key = extra.get("enc_key")
        if enc_key is not None and type(enc_key) is not str:
            raise ProtocolError(f"invalid type {type(enc_key)} for 'enc_key' {what} in {where}")
        enc_serializer = extra.get("enc_serializer")
        if enc_serializer is not None and not is_valid_enc_serializer(enc_serializer):
            raise ProtocolError(f"invalid value {enc_serializer!r} for 'enc_serializer' {what} in {where}")
        if enc_algo is None and (enc_key is not None or enc_serializer is not None):
            raise ProtocolError(f"'enc_key'/'enc_serializer' {what} without 'enc_algo' in {where}")
        return None, None, wmsg[index], enc_algo, enc_key, enc_serializer
    args = wmsg[index] if len(wmsg) > index else None
    if args is not None and type(args) is not list:
        raise ProtocolError(f"invalid type {type(args)} for 'args' in {where}")
    kwargs = None
    if len(wmsg) > index + 1:
        kwargs = wmsg[index + 1]
        if type(kwargs) is not dict:
            raise ProtocolError(f"invalid type {type(kwargs)} for 'kwargs' in {where}")
        _validate_kwargs(kwargs, f"'kwargs' in {where}")
    return args, kwargs, None, None, None, None


def _check_app_payload(args, kwargs, payload, enc_algo, enc_key, enc_serializer):
    assert args is None or type(args) in (list, tuple)
    assert kwargs is None or type(kwargs) is dict
    assert payload is None or type(payload) is bytes
    assert payload is None or (args is None and kwargs is None)
    assert enc_algo is None or is_valid_enc_algo(enc_algo)
    assert enc_key is None or type(enc_key) is str
    assert enc_serializer is None or is_valid_enc_serializer(enc_serializer)
    assert (enc_algo is None and enc_key is None and enc_serializer is None) or (
        payload is not None and enc_algo is not None
    )


def _marshal_roles(roles: dict) -> dict:
    """``{"roles": {role: {"features": {...}}}}`` contents: the announced (non-None) features."""
    marshalled = {}
    for features in roles.values():
        announced = {k: v for k, v in features.__dict__.items() if not k.startswith("_") and v is not None}
        marshalled[features.ROLE] = {"features": announced} if announced else {}
    return marshalled


def _parse_roles(details: dict, allowed, where: str) -> dict:
    if "roles" not in details:
        raise ProtocolError(f"missing mandatory roles attribute in options in {where}")
    details_roles = check_or_raise_extra(details["roles"], f"'roles' in 'details' in {where}")
    if not details_roles:
        raise ProtocolError(f"empty 'roles' in 'details' in {where}")
    roles = {}
    for role, value in details_roles.items():
        if role not in allowed:
            raise ProtocolError(f"invalid role '{role}' in 'roles' in 'details' in {where}")
        value = check_or_raise_extra(value, f"role '{role}' in 'roles' in 'details' in {where}")
        features = {}
        if "features" in value:
            features = check_or_raise_extra(
                value["features"], f"'features' in role '{role}' in 'roles' in 'details' in {where}"
            )
        roles[role] = ROLE_NAME_TO_CLASS[role](**features)
    return roles


def _add_if_set(target: dict, **values):
    for key, value in values.items():
        if value is not None:
            target[key] = value


def _args_list(args):
    return list(args) if type(args) is tuple else args


class Message(Generated):
    """Base class of the WAMP messages (not instantiated itself).

    Equal messages are of the same class and marshal to the same list.
    """

    MESSAGE_TYPE: int | None = None
    """The WAMP message type code."""

    __slots__ = (
        "_from_fbs",
        "_serialized",
        "_correlation_id",
        "_correlation_uri",
        "_correlation_is_anchor",
        "_correlation_is_last",
        "_router_internal",
    )

    if not TYPE_CHECKING:  # (the concrete classes' constructors are generated from their tables)

        def __init__(self, from_fbs=None):
            # the FlatBuffers buffer this message was read from (None unless via FlatBuffers)
            self._from_fbs = from_fbs
            # serializer -> bytes: a message sent to many peers is serialized once per serializer
            self._serialized: dict = {}
            # message tracing; never serialized
            self._correlation_id = None
            self._correlation_uri = None
            self._correlation_is_anchor = None
            self._correlation_is_last = None
            # for the router's own bookkeeping; never serialized
            self._router_internal = None

    def __eq__(self, other):
        return isinstance(other, self.__class__) and self.marshal() == other.marshal()

    def __ne__(self, other):
        return not self.__eq__(other)

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __str__(self) -> str:
        return "{}::\n{}".format(self.__class__.__name__.upper(), textwrap.indent(pformat(self.marshal()), "    "))

    @staticmethod
    def parse(wmsg):
        """Make a message of this class from a raw message (a list, as a serializer gives it)."""
        raise NotImplementedError()

    def marshal(self):
        """This message as a raw message (a list starting with the type code)."""
        raise NotImplementedError()

    @staticmethod
    def cast(buf):
        """Read a message of this class from a FlatBuffers buffer holding just that table."""
        raise NotImplementedError()

    def build(self, builder, serializer=None):
        """Write this message as its table into the FlatBuffers ``builder``; returns the offset.

        ``serializer`` (a transport serializer) encodes ``args``/``kwargs`` as its
        ``PAYLOAD_SERIALIZER_ID`` says (CBOR when not given).
        """
        return _flatbuffers().build_table(self, builder, serializer)

    def uncache(self):
        """Forget the serialized forms (after changing the message)."""
        self._serialized = {}

    def serialize(self, serializer):
        """This message as bytes by the object serializer ``serializer``, cached per serializer."""
        data = self._serialized.get(serializer)
        if data is None:
            if serializer.NAME == "flatbuffers":
                data = serializer.serialize(self)
            else:
                data = serializer.serialize(self.marshal())
            self._serialized[serializer] = data
        return data


def _flatbuffers():
    """The FlatBuffers codec, imported on first use: it loads the FlatBuffers runtime (and numpy
    where installed), which a program not speaking WAMP-FlatBuffers should not pay for. No
    cycle: message_fbs imports no message module, it reads the tables registered in _fields."""
    from autobahn.wamp import message_fbs

    return message_fbs


def _fbs_caster(cls):
    """Give ``cls`` its ``cast(buf)`` (FlatBuffers reader) as autobahn's classes have it."""

    def cast(buf):
        return _flatbuffers().cast_table(cls, buf)

    cast.__doc__ = f"Read a {cls.__name__} from a FlatBuffers buffer holding just its table."
    cls.cast = staticmethod(cast)
    cls.build = Message.build  # each message class has its own, as in autobahn
    return cls


def _checked_properties(cls, checks: dict):
    """A read/write property per ``name: (check, doc)``; the setter asserts ``check(value)``."""
    for name, (check, doc) in checks.items():
        slot = "_" + name

        def setter(self, value, _slot=slot, _check=check):
            assert value is None or _check(value)
            setattr(self, _slot, value)

        def getter(self, _slot=slot):
            return getattr(self, _slot)

        setattr(cls, name, property(getter, setter, doc=doc))
    return cls


_checked_properties(
    Message,
    {
        "correlation_id": (
            lambda v: type(v) is str,
            "Tracing: an ID correlating this message with others (never serialized).",
        ),
        "correlation_uri": (lambda v: type(v) is str, "Tracing: the URI the correlated messages are about."),
        "correlation_is_anchor": (lambda v: type(v) is bool, "Tracing: this message starts a correlated sequence."),
        "correlation_is_last": (lambda v: type(v) is bool, "Tracing: this message ends a correlated sequence."),
    },
)


class MessageWithAppPayload(Generated):
    """Mixin of the seven messages that carry application payload: ``args``, ``kwargs``,
    ``payload`` and its ``enc_algo``, ``enc_key``, ``enc_serializer``."""

    __slots__ = ()  # the slots are the concrete classes'; an empty tuple keeps them slotted

    def _payload_tail(self, extra: dict) -> list:
        """The list's payload items; adds the payload transparency keys to ``extra``."""
        if self._payload is not None:
            _add_if_set(extra, enc_algo=self._enc_algo, enc_key=self._enc_key, enc_serializer=self._enc_serializer)
            return [bytes(self._payload)]
        if self._kwargs:
            return [_args_list(self._args) or [], self._kwargs]
        if self._args:
            return [_args_list(self._args)]
        return []


_checked_properties(
    MessageWithAppPayload,
    {
        "args": (lambda v: type(v) in (list, tuple), "Positional application payload (list), or ``None``."),
        "kwargs": (lambda v: type(v) is dict, "Keyword application payload (dict with string keys), or ``None``."),
        "payload": (lambda v: type(v) is bytes, "Transparent (encoded or encrypted) payload as bytes, or ``None``."),
        "enc_algo": (
            is_valid_enc_algo,
            "Payload transparency algorithm (``cryptobox``, ``mqtt``, ``xbr``, ``x_...``).",
        ),
        "enc_key": (lambda v: type(v) is str, "Payload transparency key ID."),
        "enc_serializer": (is_valid_enc_serializer, "The serializer the transparent payload was encoded with."),
    },
)


class MessageWithForwardFor(Generated):
    """Mixin of the messages a router may forward to another router, with ``forward_for``:
    the chain of ``{"session", "authid", "authrole"}`` hops."""

    __slots__ = ()

    @property
    def forward_for(self):
        """The forwarding chain (list of dicts), or ``None``."""
        return self._forward_for

    @forward_for.setter
    def forward_for(self, value):
        _check_forward_for(value)
        setattr(self, "_forward_for", value)  # noqa: B010 (a slot of the concrete class)


# --- the messages: each described once by its wire layout and field table (see _fields) ---

_MATCH_POLICIES = ("exact", "prefix", "wildcard")
_INVOKE_POLICIES = ("single", "first", "last", "roundrobin", "random")
_CLIENT_ROLES = ("subscriber", "publisher", "caller", "callee")
_ROUTER_ROLES = ("broker", "dealer")
# The requests an ERROR can answer: SUBSCRIBE, UNSUBSCRIBE, PUBLISH, REGISTER, UNREGISTER, CALL, INVOCATION.
_ERROR_REQUEST_TYPES = frozenset((32, 34, 16, 64, 66, 48, 68))


def _check_roles(roles, allowed):
    assert len(roles) > 0
    for role, features in roles.items():
        assert role in allowed
        assert isinstance(features, ROLE_NAME_TO_CLASS[role])


# The payload and forwarding fields every message of these families has.
_FORWARD = F("forward_for", "forward_for", feature="router-to-router links")
_CALLER = (
    F("caller", int, feature="caller_identification"),
    F("caller_authid", str, feature="caller_identification"),
    F("caller_authrole", str, feature="caller_identification"),
)
_CALLEE = (
    F("callee", int, feature="callee identification"),
    F("callee_authid", str, feature="callee identification"),
    F("callee_authrole", str, feature="callee identification"),
)
_TX = F("transaction_hash", str, feature="transaction hash")


def _message(cls):
    """A message class from its table: slots' properties, constructor, parse, marshal, cast/build."""
    own = [f.name for f in cls.FIELDS if f.kind not in (PAYLOAD, ENC, "forward_for")]
    return _fbs_caster(add_slot_properties(message_class(globals())(cls), own))


def _slots(fields):
    """``__slots__`` of a field table (the payload fields expand to their six slots)."""
    names: list[str] = []
    for f in fields:
        names += {PAYLOAD: ("args", "kwargs", "payload"), ENC: ("enc_algo", "enc_key", "enc_serializer")}.get(
            f.name, (f.name,)
        )
    return tuple("_" + n for n in names)


@_message
class Hello(Message):
    """HELLO: a client asks to join ``realm`` with its ``roles``. ``[HELLO, Realm|uri, Details|dict]``"""

    MESSAGE_TYPE = 1
    SENDERS = ("client",)
    WIRE = ("realm", "details")
    FIELDS = (
        F("realm", "uri", uri={"allow_none": True}),
        F("roles", "roles", allowed=_CLIENT_ROLES),
        F("authmethods", [str], feature="authentication"),
        F("authid", str, feature="authentication"),
        F("authrole", str, feature="authentication"),
        F("authextra", dict, feature="authentication"),
        F("resumable", bool, feature="session resumption"),
        F("resume_session", int, "resume-session", feature="session resumption"),
        F("resume_token", str, "resume-token", feature="session resumption",
          reject=("resume_session and resume_token is None",
                  "resume-token must be provided if resume-session is provided in HELLO")),
    )  # fmt: skip
    __slots__ = _slots(FIELDS)


@_message
class Welcome(Message):
    """WELCOME: the router accepts the session. ``[WELCOME, Session|id, Details|dict]``"""

    MESSAGE_TYPE = 2
    SENDERS = ("router",)
    WIRE = ("session", "details")
    FIELDS = (
        F("session", "id"),
        F("roles", "roles", allowed=_ROUTER_ROLES),
        F("realm", str, marshal="truthy"),
        F("authid", str, marshal="truthy", feature="authentication"),
        F("authrole", str, marshal="truthy", feature="authentication"),
        F("authmethod", str, marshal="truthy", feature="authentication"),
        F("authprovider", str, marshal="truthy", feature="authentication"),
        F("authextra", dict, marshal="truthy", feature="authentication"),
        F("resumed", bool, marshal="truthy", feature="session resumption"),
        F("resumable", bool, marshal="truthy", feature="session resumption"),
        F("resume_token", str, marshal="truthy", feature="session resumption",
          reject=("resumable and resume_token is None", "resume_token required when resumable is given in WELCOME")),
        F("custom", "custom", check="custom is None or all(_CUSTOM_ATTRIBUTE.match(k) for k in custom)"),
    )  # fmt: skip
    __slots__ = _slots(FIELDS)
    # details: the custom "x_..." attributes first, the roles last
    EXTRA_ORDER = ("custom", *(f.name for f in FIELDS[2:-1]), "roles")


@_message
class Abort(Message):
    """ABORT: a session is refused or ended before it was established. ``[ABORT, Details|dict, Reason|uri]``"""

    MESSAGE_TYPE = 3
    SENDERS = ("client", "router")
    WIRE = ("details", "reason")
    FIELDS = (F("reason", "uri"), F("message", str, marshal="truthy"))
    __slots__ = _slots(FIELDS)


@_message
class Challenge(Message):
    """CHALLENGE: the router asks the client to authenticate with ``method``.
    ``[CHALLENGE, AuthMethod|string, Extra|dict]``"""

    MESSAGE_TYPE = 4
    SENDERS = ("router",)
    WIRE = ("method", "extra")
    FIELDS = (F("method", str, feature="authentication"), F("extra", "extra", feature="authentication"))
    __slots__ = _slots(FIELDS)


@_message
class Authenticate(Message):
    """AUTHENTICATE: the client's answer to a CHALLENGE. ``[AUTHENTICATE, Signature|string, Extra|dict]``"""

    MESSAGE_TYPE = 5
    SENDERS = ("client",)
    WIRE = ("signature", "extra")
    FIELDS = (F("signature", str, feature="authentication"), F("extra", "extra", feature="authentication"))
    __slots__ = _slots(FIELDS)


@_message
class Goodbye(Message):
    """GOODBYE: either peer closes the session; the other answers with GOODBYE.
    ``[GOODBYE, Details|dict, Reason|uri]``"""

    MESSAGE_TYPE = 6
    SENDERS = ("client", "router")
    DEFAULT_REASON = "wamp.close.normal"
    """The reason of a normal close."""
    WIRE = ("details", "reason")
    FIELDS = (
        F("reason", "uri", default=DEFAULT_REASON),
        F("message", str, marshal="truthy"),
        F("resumable", bool, marshal="truthy", feature="session resumption"),
    )
    __slots__ = _slots(FIELDS)


@_message
class Error(MessageWithAppPayload, MessageWithForwardFor, Message):
    """ERROR: a request failed with the error URI ``error``.
    ``[ERROR, REQUEST.Type|int, REQUEST.Request|id, Details|dict, Error|uri, Arguments|list, ArgumentsKw|dict]``"""

    MESSAGE_TYPE = 8
    SENDERS = ("broker", "dealer", "callee")
    WIRE = ("request_type", "request", "details", "error", PAYLOAD)
    ENC_LAST = True
    FIELDS = (
        F("request_type", int, allowed=_ERROR_REQUEST_TYPES),
        F("request", "id"),
        F("error", "uri"),
        F(PAYLOAD, PAYLOAD),
        F(ENC, ENC, feature="payload_transparency"),
        *_CALLEE,
        _FORWARD,
    )
    __slots__ = _slots(FIELDS)


@_message
class Publish(MessageWithAppPayload, MessageWithForwardFor, Message):
    """PUBLISH: a publisher publishes an event to ``topic``.
    ``[PUBLISH, Request|id, Options|dict, Topic|uri, Arguments|list, ArgumentsKw|dict]``"""

    MESSAGE_TYPE = 16
    SENDERS = ("publisher",)
    WIRE = ("request", "options", "topic", PAYLOAD)
    MARSHAL_OPTIONS = True
    FIELDS = (
        F("request", "id"),
        F("topic", "uri"),
        F(PAYLOAD, PAYLOAD),
        F("acknowledge", bool),
        F("exclude_me", bool, feature="publisher_exclusion"),
        F("exclude", [int], feature="subscriber_blackwhite_listing"),
        F("exclude_authid", [str], feature="subscriber_blackwhite_listing"),
        F("exclude_authrole", [str], feature="subscriber_blackwhite_listing"),
        F("eligible", [int], feature="subscriber_blackwhite_listing"),
        F("eligible_authid", [str], feature="subscriber_blackwhite_listing"),
        F("eligible_authrole", [str], feature="subscriber_blackwhite_listing"),
        F("retain", bool, feature="event_retention"),
        _TX,
        F(ENC, ENC, feature="payload_transparency"),
        _FORWARD,
    )
    __slots__ = _slots(FIELDS)


@_message
class Published(Message):
    """PUBLISHED: the broker acknowledges a PUBLISH. ``[PUBLISHED, PUBLISH.Request|id, Publication|id]``"""

    MESSAGE_TYPE = 17
    SENDERS = ("broker",)
    WIRE = ("request", "publication")
    FIELDS = (F("request", "id"), F("publication", "id"))
    __slots__ = _slots(FIELDS)


@_message
class Subscribe(MessageWithForwardFor, Message):
    """SUBSCRIBE: a subscriber subscribes to ``topic`` (or a topic pattern).
    ``[SUBSCRIBE, Request|id, Options|dict, Topic|uri]``"""

    MESSAGE_TYPE = 32
    SENDERS = ("subscriber",)
    MATCH_EXACT, MATCH_PREFIX, MATCH_WILDCARD = _MATCH_POLICIES
    WIRE = ("request", "options", "topic")
    MARSHAL_OPTIONS = True
    FIELDS = (
        F("request", "id"),
        F("topic", "uri", uri={"allow_empty_components": True}),
        F("match", _MATCH_POLICIES, fallback="exact", marshal="nondefault", feature="pattern_based_subscription"),
        F("get_retained", bool, feature="event_retention"),
        _FORWARD,
    )
    __slots__ = _slots(FIELDS)


@_message
class Subscribed(Message):
    """SUBSCRIBED: the broker confirms a SUBSCRIBE. ``[SUBSCRIBED, SUBSCRIBE.Request|id, Subscription|id]``"""

    MESSAGE_TYPE = 33
    SENDERS = ("broker",)
    WIRE = ("request", "subscription")
    FIELDS = (F("request", "id"), F("subscription", "id"))
    __slots__ = _slots(FIELDS)


@_message
class Unsubscribe(MessageWithForwardFor, Message):
    """UNSUBSCRIBE: a subscriber ends a subscription.
    ``[UNSUBSCRIBE, Request|id, SUBSCRIBED.Subscription|id(, Options|dict)]``"""

    MESSAGE_TYPE = 34
    SENDERS = ("subscriber",)
    LENGTH_NAME = "WAMP UNSUBSCRIBE"
    WIRE = ("request", "subscription", "options?")
    FIELDS = (F("request", "id"), F("subscription", "id"), F("forward_for", "forward_for", marshal="truthy"))
    __slots__ = _slots(FIELDS)


def _revocation_fields(target: str, name: str) -> tuple[F, ...]:
    """UNSUBSCRIBED/UNREGISTERED: ``target`` (the subscription/registration) and ``reason``
    are set only when the router revokes it, with ``request`` 0."""
    return (
        F("request", "id"),
        F(target, int, feature=f"{target}_revocation",
          check=f"request is None or {target} is None or (request != 0 and {target} is None) "
                f"or (request == 0 and {target} != 0)",
          reject=(f"{target} is not None and not (request == 0 and {target} != 0)",
                  f"invalid '{target}' detail {{{target}}} for request {{request}} in {name}")),
        F("reason", "uri", feature=f"{target}_revocation"),
    )  # fmt: skip


@_message
class Unsubscribed(Message):
    """UNSUBSCRIBED: the broker confirms an UNSUBSCRIBE (``request`` set), or revokes a
    subscription (``request`` 0, ``subscription`` and ``reason`` set).
    ``[UNSUBSCRIBED, UNSUBSCRIBE.Request|id(, Details|dict)]``"""

    MESSAGE_TYPE = 35
    SENDERS = ("broker",)
    WIRE = ("request", "details?")
    FIELDS = _revocation_fields("subscription", "UNSUBSCRIBED")
    __slots__ = _slots(FIELDS)
    EXTRA_ORDER = ("reason", "subscription")


@_message
class Event(MessageWithAppPayload, MessageWithForwardFor, Message):
    """EVENT: the broker delivers a published event to a subscriber.
    ``[EVENT, SUBSCRIBED.Subscription|id, PUBLISHED.Publication|id, Details|dict, Arguments|list, ArgumentsKw|dict]``"""

    MESSAGE_TYPE = 36
    SENDERS = ("broker",)
    WIRE = ("subscription", "publication", "details", PAYLOAD)
    ENC_LAST = True
    FIELDS = (
        F("subscription", "id"),
        F("publication", "id"),
        F(PAYLOAD, PAYLOAD),
        F("publisher", int, feature="publisher_identification"),
        F("publisher_authid", str, feature="publisher_identification"),
        F("publisher_authrole", str, feature="publisher_identification"),
        F("topic", str, feature="pattern_based_subscription"),
        F("retained", bool, feature="event_retention"),
        _TX,
        F("x_acknowledged_delivery", bool, fbs="acknowledge", feature="acknowledged event delivery"),
        F(ENC, ENC, feature="payload_transparency"),
        _FORWARD,
    )
    __slots__ = _slots(FIELDS)


@_message
class EventReceived(Message):
    """EVENT_RECEIVED: a subscriber confirms an EVENT (acknowledged event delivery).
    ``[EVENT_RECEIVED, EVENT.Publication|id]``"""

    MESSAGE_TYPE = 337
    SENDERS = ("subscriber",)
    WIRE = ("publication",)
    FIELDS = (F("publication", "id", feature="acknowledged event delivery"),)
    __slots__ = _slots(FIELDS)


@_message
class Call(MessageWithAppPayload, MessageWithForwardFor, Message):
    """CALL: a caller calls ``procedure``.
    ``[CALL, Request|id, Options|dict, Procedure|uri, Arguments|list, ArgumentsKw|dict]``"""

    MESSAGE_TYPE = 48
    SENDERS = ("caller",)
    WIRE = ("request", "options", "procedure", PAYLOAD)
    MARSHAL_OPTIONS = True
    FIELDS = (
        F("request", "id", required=True),
        F("procedure", "uri", required=True),
        F(PAYLOAD, PAYLOAD),
        F("timeout", int, minimum=0, feature="call_timeout"),
        F("receive_progress", bool, feature="progressive_call_results"),
        _TX,
        F(ENC, ENC, feature="payload_transparency"),
        *_CALLER,
        _FORWARD,
    )
    __slots__ = _slots(FIELDS)


@_message
class Cancel(MessageWithForwardFor, Message):
    """CANCEL: a caller cancels a pending call (call canceling). ``[CANCEL, CALL.Request|id, Options|dict]``"""

    MESSAGE_TYPE = 49
    SENDERS = ("caller",)
    SKIP, KILL, KILLNOWAIT = "skip", "kill", "killnowait"
    WIRE = ("request", "options")
    FIELDS = (F("request", "id"), F("mode", ("skip", "killnowait", "kill"), feature="call_canceling"), _FORWARD)
    __slots__ = _slots(FIELDS)


# RESULT (dealer to caller) and YIELD (callee to dealer) carry the same fields.
_RESULT_FIELDS = (
    F("request", "id"),
    F(PAYLOAD, PAYLOAD),
    F("progress", bool, feature="progressive_call_results"),
    F(ENC, ENC, feature="payload_transparency"),
    *_CALLEE,
    _FORWARD,
)


@_message
class Result(MessageWithAppPayload, MessageWithForwardFor, Message):
    """RESULT: the dealer returns a call's (final or progressive) result to the caller.
    ``[RESULT, CALL.Request|id, Details|dict, YIELD.Arguments|list, YIELD.ArgumentsKw|dict]``"""

    MESSAGE_TYPE = 50
    SENDERS = ("dealer",)
    WIRE = ("request", "details", PAYLOAD)
    ENC_LAST = True
    FIELDS = _RESULT_FIELDS
    __slots__ = _slots(FIELDS)


@_message
class Register(MessageWithForwardFor, Message):
    """REGISTER: a callee registers ``procedure`` (or a procedure pattern).
    ``[REGISTER, Request|id, Options|dict, Procedure|uri]``"""

    MESSAGE_TYPE = 64
    SENDERS = ("callee",)
    MATCH_EXACT, MATCH_PREFIX, MATCH_WILDCARD = _MATCH_POLICIES
    INVOKE_SINGLE, INVOKE_FIRST, INVOKE_LAST, INVOKE_ROUNDROBIN, INVOKE_RANDOM = _INVOKE_POLICIES
    WIRE = ("request", "options", "procedure")
    MARSHAL_OPTIONS = True
    FIELDS = (
        F("request", "id"),
        F("procedure", "uri", uri={"pattern_of": "match"}),
        F("match", _MATCH_POLICIES, fallback="exact", marshal="nondefault", feature="pattern_based_registration"),
        F("invoke", _INVOKE_POLICIES, fallback="single", marshal="nondefault", feature="shared_registration"),
        F("concurrency", int, minimum=1, marshal="truthy", feature="concurrency (Crossbar.io)"),
        F("force_reregister", "flag", feature="registration takeover (Crossbar.io)"),
        _FORWARD,
    )
    __slots__ = _slots(FIELDS)


@_message
class Registered(Message):
    """REGISTERED: the dealer confirms a REGISTER. ``[REGISTERED, REGISTER.Request|id, Registration|id]``"""

    MESSAGE_TYPE = 65
    SENDERS = ("dealer",)
    WIRE = ("request", "registration")
    FIELDS = (F("request", "id"), F("registration", "id"))
    __slots__ = _slots(FIELDS)


@_message
class Unregister(MessageWithForwardFor, Message):
    """UNREGISTER: a callee ends a registration.
    ``[UNREGISTER, Request|id, REGISTERED.Registration|id(, Options|dict)]``"""

    MESSAGE_TYPE = 66
    SENDERS = ("callee",)
    LENGTH_NAME = "WAMP UNREGISTER"
    WIRE = ("request", "registration", "options?")
    FIELDS = (F("request", "id"), F("registration", "id"), F("forward_for", "forward_for", marshal="truthy"))
    __slots__ = _slots(FIELDS)


@_message
class Unregistered(Message):
    """UNREGISTERED: the dealer confirms an UNREGISTER (``request`` set), or revokes a
    registration (``request`` 0, ``registration`` and ``reason`` set).
    ``[UNREGISTERED, UNREGISTER.Request|id(, Details|dict)]``"""

    MESSAGE_TYPE = 67
    SENDERS = ("dealer",)
    WIRE = ("request", "details?")
    FIELDS = _revocation_fields("registration", "UNREGISTERED")
    __slots__ = _slots(FIELDS)
    EXTRA_ORDER = ("reason", "registration")


@_message
class Invocation(MessageWithAppPayload, MessageWithForwardFor, Message):
    """INVOCATION: the dealer invokes a registered procedure at its callee.
    ``[INVOCATION, Request|id, REGISTERED.Registration|id, Details|dict, CALL.Arguments|list,
    CALL.ArgumentsKw|dict]``"""

    MESSAGE_TYPE = 68
    SENDERS = ("dealer",)
    WIRE = ("request", "registration", "details", PAYLOAD)
    ENC_LAST = True
    FIELDS = (
        F("request", "id"),
        F("registration", "id"),
        F(PAYLOAD, PAYLOAD),
        F("timeout", int, minimum=0, feature="call_timeout"),
        F("receive_progress", bool, feature="progressive_call_results"),
        *_CALLER,
        F("procedure", str, feature="pattern_based_registration"),
        _TX,
        F(ENC, ENC, feature="payload_transparency"),
        _FORWARD,
    )
    __slots__ = _slots(FIELDS)


@_message
class Interrupt(MessageWithForwardFor, Message):
    """INTERRUPT: the dealer asks a callee to stop a canceled invocation.
    ``[INTERRUPT, INVOCATION.Request|id, Options|dict]``"""

    MESSAGE_TYPE = 69
    SENDERS = ("dealer",)
    KILL, KILLNOWAIT = "kill", "killnowait"
    WIRE = ("request", "options")
    FIELDS = (
        F("request", "id"),
        F("mode", ("kill", "killnowait"), feature="call_canceling"),
        F("reason", "uri", feature="call_canceling"),
        _FORWARD,
    )
    __slots__ = _slots(FIELDS)


@_message
class Yield(MessageWithAppPayload, MessageWithForwardFor, Message):
    """YIELD: a callee returns an invocation's (final or progressive) result to the dealer.
    ``[YIELD, INVOCATION.Request|id, Options|dict, Arguments|list, ArgumentsKw|dict]``"""

    MESSAGE_TYPE = 70
    SENDERS = ("callee",)
    WIRE = ("request", "options", PAYLOAD)
    ENC_LAST = True
    FIELDS = _RESULT_FIELDS
    __slots__ = _slots(FIELDS)


# Names autobahn 26.11.1 also has here (programs import them from this module).
from autobahn.util import hlval  # noqa: E402, F401
