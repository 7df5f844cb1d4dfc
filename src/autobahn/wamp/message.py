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
from typing import Any, Literal, overload

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

# The same identifiers as the enum values of the WAMP FlatBuffers schema.
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


def _check_length(wmsg, allowed, name):
    if len(wmsg) not in allowed:
        raise ProtocolError(f"invalid message length {len(wmsg)} for {name}")


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


def _check_forward_for(forward_for):
    assert forward_for is None or type(forward_for) is list
    for ff in forward_for or ():
        assert type(ff) is dict
        assert "session" in ff and type(ff["session"]) is int
        assert "authid" in ff and (ff["authid"] is None or type(ff["authid"]) is str)
        assert "authrole" in ff and type(ff["authrole"]) is str


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


class Message:
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

    @property
    def correlation_id(self):
        """Tracing: an ID correlating this message with others (never serialized)."""
        return self._correlation_id

    @correlation_id.setter
    def correlation_id(self, value):
        assert value is None or type(value) is str
        self._correlation_id = value

    @property
    def correlation_uri(self):
        """Tracing: the URI the correlated messages are about."""
        return self._correlation_uri

    @correlation_uri.setter
    def correlation_uri(self, value):
        assert value is None or type(value) is str
        self._correlation_uri = value

    @property
    def correlation_is_anchor(self):
        """Tracing: this message starts a correlated sequence."""
        return self._correlation_is_anchor

    @correlation_is_anchor.setter
    def correlation_is_anchor(self, value):
        assert value is None or type(value) is bool
        self._correlation_is_anchor = value

    @property
    def correlation_is_last(self):
        """Tracing: this message ends a correlated sequence."""
        return self._correlation_is_last

    @correlation_is_last.setter
    def correlation_is_last(self, value):
        assert value is None or type(value) is bool
        self._correlation_is_last = value

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
        from autobahn.wamp import message_fbs

        return message_fbs.build_table(self, builder, serializer)

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


def _fbs_caster(cls):
    """Give ``cls`` its ``cast(buf)`` (FlatBuffers reader) as autobahn's classes have it."""

    def cast(buf):
        from autobahn.wamp import message_fbs

        return message_fbs.cast_table(cls, buf)

    cast.__doc__ = f"Read a {cls.__name__} from a FlatBuffers buffer holding just its table."
    cls.cast = staticmethod(cast)
    cls.build = Message.build  # each message class has its own, as in autobahn
    return cls


def _properties(*names):
    """Class decorator: a read/write property per field name, and ``cast``."""

    def decorate(cls):
        return _fbs_caster(add_slot_properties(cls, names))

    return decorate


class MessageWithAppPayload:
    """Mixin of the seven messages that carry application payload: ``args``, ``kwargs``,
    ``payload`` and its ``enc_algo``, ``enc_key``, ``enc_serializer``."""

    __slots__ = ()  # the slots are the concrete classes'; an empty tuple keeps them slotted

    def _init_app_payload(self, args=None, kwargs=None, payload=None, enc_algo=None, enc_key=None, enc_serializer=None):
        self._args = args  # type: ignore[misc]  # a slot of the concrete class
        self._kwargs = _validate_kwargs(kwargs)  # type: ignore[misc]  # a slot of the concrete class
        self._payload = payload  # type: ignore[misc]  # a slot of the concrete class
        self._enc_algo = enc_algo  # type: ignore[misc]  # a slot of the concrete class
        self._enc_key = enc_key  # type: ignore[misc]  # a slot of the concrete class
        self._enc_serializer = enc_serializer  # type: ignore[misc]  # a slot of the concrete class

    @property
    def args(self):
        """Positional application payload (list), or ``None``."""
        return self._args

    @args.setter
    def args(self, value):
        assert value is None or type(value) in (list, tuple)
        self._args = value

    @property
    def kwargs(self):
        """Keyword application payload (dict with string keys), or ``None``."""
        return self._kwargs

    @kwargs.setter
    def kwargs(self, value):
        assert value is None or type(value) is dict
        self._kwargs = value

    @property
    def payload(self):
        """Transparent (encoded or encrypted) payload as bytes, or ``None``."""
        return self._payload

    @payload.setter
    def payload(self, value):
        assert value is None or type(value) is bytes
        self._payload = value

    @property
    def enc_algo(self):
        """Payload transparency algorithm (``"cryptobox"``, ``"mqtt"``, ``"xbr"``, ``"x_..."``)."""
        return self._enc_algo

    @enc_algo.setter
    def enc_algo(self, value):
        assert value is None or is_valid_enc_algo(value)
        self._enc_algo = value

    @property
    def enc_key(self):
        """Payload transparency key ID."""
        return self._enc_key

    @enc_key.setter
    def enc_key(self, value):
        assert value is None or type(value) is str
        self._enc_key = value

    @property
    def enc_serializer(self):
        """The serializer the transparent payload was encoded with."""
        return self._enc_serializer

    @enc_serializer.setter
    def enc_serializer(self, value):
        assert value is None or is_valid_enc_serializer(value)
        self._enc_serializer = value

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


class MessageWithForwardFor:
    """Mixin of the messages a router may forward to another router, with ``forward_for``:
    the chain of ``{"session", "authid", "authrole"}`` hops."""

    __slots__ = ()

    def _init_forward_for(self, forward_for=None):
        self._forward_for = forward_for  # type: ignore[misc]  # a slot of the concrete class

    @property
    def forward_for(self):
        """The forwarding chain (list of dicts), or ``None``."""
        return self._forward_for

    @forward_for.setter
    def forward_for(self, value):
        _check_forward_for(value)
        self._forward_for = value


@_properties(
    "realm", "roles", "authmethods", "authid", "authrole", "authextra", "resumable", "resume_session", "resume_token"
)
class Hello(Message):
    """HELLO: a client asks to join ``realm`` with its ``roles``.

    ``[HELLO, Realm|uri, Details|dict]``
    """

    MESSAGE_TYPE = 1

    __slots__ = (
        "_realm",
        "_roles",
        "_authmethods",
        "_authid",
        "_authrole",
        "_authextra",
        "_resumable",
        "_resume_session",
        "_resume_token",
    )

    def __init__(
        self,
        realm=None,
        roles=None,
        authmethods=None,
        authid=None,
        authrole=None,
        authextra=None,
        resumable=None,
        resume_session=None,
        resume_token=None,
        from_fbs=None,
    ):
        assert realm is None or isinstance(realm, str)
        assert roles is None or type(roles) is dict
        if roles is not None and not from_fbs:
            assert len(roles) > 0
            for role, features in roles.items():
                assert role in ("subscriber", "publisher", "caller", "callee")
                assert isinstance(features, ROLE_NAME_TO_CLASS[role])
        assert authmethods is None or (type(authmethods) is list and all(type(m) is str for m in authmethods))
        assert authid is None or type(authid) is str
        assert authrole is None or type(authrole) is str
        assert authextra is None or type(authextra) is dict
        assert resumable is None or type(resumable) is bool
        assert resume_session is None or type(resume_session) is int
        assert resume_token is None or type(resume_token) is str
        Message.__init__(self, from_fbs=from_fbs)
        self._realm = realm
        self._roles = roles
        self._authmethods = authmethods
        self._authid = authid
        self._authrole = authrole
        self._authextra = authextra
        self._resumable = resumable
        self._resume_session = resume_session
        self._resume_token = resume_token

    @staticmethod
    def parse(wmsg):
        """Parse a raw HELLO; raises :class:`ProtocolError` naming the invalid field."""
        assert len(wmsg) > 0 and wmsg[0] == Hello.MESSAGE_TYPE
        _check_length(wmsg, (3,), "HELLO")
        realm = check_or_raise_uri(wmsg[1], "'realm' in HELLO", allow_none=True)
        details = check_or_raise_extra(wmsg[2], "'details' in HELLO")
        roles = _parse_roles(details, ("subscriber", "publisher", "caller", "callee"), "HELLO")
        authmethods = _typed_list(details, "authmethods", str, "HELLO", "detail")
        authid = _typed(details, "authid", str, "HELLO", "detail")
        authrole = _typed(details, "authrole", str, "HELLO", "detail")
        authextra = _typed(details, "authextra", dict, "HELLO", "detail")
        resumable = _typed(details, "resumable", bool, "HELLO", "detail")
        resume_session = _typed(details, "resume-session", int, "HELLO", "detail")
        resume_token = _typed(details, "resume-token", str, "HELLO", "detail")
        if resume_session and resume_token is None:
            raise ProtocolError("resume-token must be provided if resume-session is provided in HELLO")
        return Hello(realm, roles, authmethods, authid, authrole, authextra, resumable, resume_session, resume_token)

    def marshal(self):
        """``[1, realm, details]``."""
        details: dict[str, Any] = {"roles": _marshal_roles(self._roles or {})}
        _add_if_set(
            details,
            authmethods=self._authmethods,
            authid=self._authid,
            authrole=self._authrole,
            authextra=self._authextra,
            resumable=self._resumable,
        )
        if self._resume_session is not None:
            details["resume-session"] = self._resume_session
        if self._resume_token is not None:
            details["resume-token"] = self._resume_token
        return [Hello.MESSAGE_TYPE, self._realm, details]


@_properties(
    "session",
    "roles",
    "realm",
    "authid",
    "authrole",
    "authmethod",
    "authprovider",
    "authextra",
    "resumed",
    "resumable",
    "resume_token",
    "custom",
)
class Welcome(Message):
    """WELCOME: the router accepts the session.

    ``[WELCOME, Session|id, Details|dict]``
    """

    MESSAGE_TYPE = 2

    __slots__ = (
        "_session",
        "_roles",
        "_realm",
        "_authid",
        "_authrole",
        "_authmethod",
        "_authprovider",
        "_authextra",
        "_resumed",
        "_resumable",
        "_resume_token",
        "_custom",
    )

    def __init__(
        self,
        session=None,
        roles=None,
        realm=None,
        authid=None,
        authrole=None,
        authmethod=None,
        authprovider=None,
        authextra=None,
        resumed=None,
        resumable=None,
        resume_token=None,
        custom=None,
        from_fbs=None,
    ):
        assert session is None or type(session) is int
        assert roles is None or type(roles) is dict
        if roles is not None and not from_fbs:
            assert len(roles) > 0
            for role, features in roles.items():
                assert role in ("broker", "dealer")
                assert isinstance(features, ROLE_NAME_TO_CLASS[role])
        for value in (realm, authid, authrole, authmethod, authprovider, resume_token):
            assert value is None or type(value) is str
        assert authextra is None or type(authextra) is dict
        assert resumed is None or type(resumed) is bool
        assert resumable is None or type(resumable) is bool
        assert custom is None or (type(custom) is dict and all(_CUSTOM_ATTRIBUTE.match(k) for k in custom))
        Message.__init__(self, from_fbs=from_fbs)
        self._session = session
        self._roles = roles
        self._realm = realm
        self._authid = authid
        self._authrole = authrole
        self._authmethod = authmethod
        self._authprovider = authprovider
        self._authextra = authextra
        self._resumed = resumed
        self._resumable = resumable
        self._resume_token = resume_token
        self._custom = custom or {}

    @staticmethod
    def parse(wmsg):
        """Parse a raw WELCOME; raises :class:`ProtocolError` naming the invalid field."""
        assert len(wmsg) > 0 and wmsg[0] == Welcome.MESSAGE_TYPE
        _check_length(wmsg, (3,), "WELCOME")
        session = check_or_raise_id(wmsg[1], "'session' in WELCOME")
        details = check_or_raise_extra(wmsg[2], "'details' in WELCOME")
        realm = _typed(details, "realm", str, "WELCOME", "detail")
        authid = _typed(details, "authid", str, "WELCOME", "detail")
        authrole = _typed(details, "authrole", str, "WELCOME", "detail")
        authmethod = _typed(details, "authmethod", str, "WELCOME", "detail")
        authprovider = _typed(details, "authprovider", str, "WELCOME", "detail")
        authextra = _typed(details, "authextra", dict, "WELCOME", "detail")
        resumed = _typed(details, "resumed", bool, "WELCOME", "detail")
        resumable = _typed(details, "resumable", bool, "WELCOME", "detail")
        resume_token = _typed(details, "resume_token", str, "WELCOME", "detail")
        if resumable and resume_token is None:
            raise ProtocolError("resume_token required when resumable is given in WELCOME")
        roles = _parse_roles(details, ("broker", "dealer"), "WELCOME")
        custom = {k: v for k, v in details.items() if _CUSTOM_ATTRIBUTE.match(k)}
        return Welcome(
            session,
            roles,
            realm,
            authid,
            authrole,
            authmethod,
            authprovider,
            authextra,
            resumed,
            resumable,
            resume_token,
            custom,
        )

    def marshal(self):
        """``[2, session, details]``."""
        details = dict(self._custom or {})
        for key in ("realm", "authid", "authrole", "authmethod", "authprovider", "authextra", "resumed", "resumable"):
            value = getattr(self, "_" + key)
            if value:
                details[key] = value
        if self._resume_token:
            details["resume_token"] = self._resume_token
        details["roles"] = _marshal_roles(self._roles or {})
        return [Welcome.MESSAGE_TYPE, self._session, details]


@_properties("reason", "message")
class Abort(Message):
    """ABORT: a session is refused or ended before it was established.

    ``[ABORT, Details|dict, Reason|uri]``
    """

    MESSAGE_TYPE = 3

    __slots__ = ("_reason", "_message")

    def __init__(self, reason=None, message=None, from_fbs=None):
        assert reason is None or type(reason) is str
        assert message is None or type(message) is str
        Message.__init__(self, from_fbs=from_fbs)
        self._reason = reason
        self._message = message

    @staticmethod
    def parse(wmsg):
        """Parse a raw ABORT; raises :class:`ProtocolError` naming the invalid field."""
        assert len(wmsg) > 0 and wmsg[0] == Abort.MESSAGE_TYPE
        _check_length(wmsg, (3,), "ABORT")
        details = check_or_raise_extra(wmsg[1], "'details' in ABORT")
        reason = check_or_raise_uri(wmsg[2], "'reason' in ABORT")
        message = _typed(details, "message", str, "ABORT", "detail")
        return Abort(reason, message)

    def marshal(self):
        """``[3, details, reason]``."""
        details = {"message": self._message} if self._message else {}
        return [Abort.MESSAGE_TYPE, details, self._reason]


@_properties("method", "extra")
class Challenge(Message):
    """CHALLENGE: the router asks the client to authenticate with ``method``.

    ``[CHALLENGE, AuthMethod|string, Extra|dict]``
    """

    MESSAGE_TYPE = 4

    __slots__ = ("_method", "_extra")

    def __init__(self, method=None, extra=None, from_fbs=None):
        assert method is None or type(method) is str
        assert extra is None or type(extra) is dict
        Message.__init__(self, from_fbs=from_fbs)
        self._method = method
        self._extra = extra or {}

    @staticmethod
    def parse(wmsg):
        """Parse a raw CHALLENGE; raises :class:`ProtocolError` naming the invalid field."""
        assert len(wmsg) > 0 and wmsg[0] == Challenge.MESSAGE_TYPE
        _check_length(wmsg, (3,), "CHALLENGE")
        method = wmsg[1]
        if type(method) is not str:
            raise ProtocolError(f"invalid type {type(method)} for 'method' in CHALLENGE")
        extra = check_or_raise_extra(wmsg[2], "'extra' in CHALLENGE")
        return Challenge(method, extra)

    def marshal(self):
        """``[4, method, extra]``."""
        return [Challenge.MESSAGE_TYPE, self._method, self._extra]


@_properties("signature", "extra")
class Authenticate(Message):
    """AUTHENTICATE: the client's answer to a CHALLENGE.

    ``[AUTHENTICATE, Signature|string, Extra|dict]``
    """

    MESSAGE_TYPE = 5

    __slots__ = ("_signature", "_extra")

    def __init__(self, signature=None, extra=None, from_fbs=None):
        assert signature is None or type(signature) is str
        assert extra is None or type(extra) is dict
        Message.__init__(self, from_fbs=from_fbs)
        self._signature = signature
        self._extra = extra or {}

    @staticmethod
    def parse(wmsg):
        """Parse a raw AUTHENTICATE; raises :class:`ProtocolError` naming the invalid field."""
        assert len(wmsg) > 0 and wmsg[0] == Authenticate.MESSAGE_TYPE
        _check_length(wmsg, (3,), "AUTHENTICATE")
        signature = wmsg[1]
        if type(signature) is not str:
            raise ProtocolError(f"invalid type {type(signature)} for 'signature' in AUTHENTICATE")
        extra = check_or_raise_extra(wmsg[2], "'extra' in AUTHENTICATE")
        return Authenticate(signature, extra)

    def marshal(self):
        """``[5, signature, extra]``."""
        return [Authenticate.MESSAGE_TYPE, self._signature, self._extra]


@_properties("reason", "message", "resumable")
class Goodbye(Message):
    """GOODBYE: either peer closes the session; the other answers with GOODBYE.

    ``[GOODBYE, Details|dict, Reason|uri]``
    """

    MESSAGE_TYPE = 6

    DEFAULT_REASON = "wamp.close.normal"
    """The reason of a normal close."""

    __slots__ = ("_reason", "_message", "_resumable")

    def __init__(self, reason=DEFAULT_REASON, message=None, resumable=None, from_fbs=None):
        assert reason is None or type(reason) is str
        assert message is None or type(message) is str
        assert resumable is None or type(resumable) is bool
        Message.__init__(self, from_fbs=from_fbs)
        self._reason = reason
        self._message = message
        self._resumable = resumable

    @staticmethod
    def parse(wmsg):
        """Parse a raw GOODBYE; raises :class:`ProtocolError` naming the invalid field."""
        assert len(wmsg) > 0 and wmsg[0] == Goodbye.MESSAGE_TYPE
        _check_length(wmsg, (3,), "GOODBYE")
        details = check_or_raise_extra(wmsg[1], "'details' in GOODBYE")
        reason = check_or_raise_uri(wmsg[2], "'reason' in GOODBYE")
        message = _typed(details, "message", str, "GOODBYE", "detail")
        resumable = _typed(details, "resumable", bool, "GOODBYE", "detail")
        return Goodbye(reason=reason, message=message, resumable=resumable)

    def marshal(self):
        """``[6, details, reason]``."""
        details: dict[str, Any] = {}
        if self._message:
            details["message"] = self._message
        if self._resumable:
            details["resumable"] = self._resumable
        return [Goodbye.MESSAGE_TYPE, details, self._reason]


@_properties("request_type", "request", "error", "callee", "callee_authid", "callee_authrole")
class Error(MessageWithAppPayload, MessageWithForwardFor, Message):
    """ERROR: a request (SUBSCRIBE, UNSUBSCRIBE, PUBLISH, REGISTER, UNREGISTER, CALL,
    INVOCATION) failed with the error URI ``error``.

    ``[ERROR, REQUEST.Type|int, REQUEST.Request|id, Details|dict, Error|uri, Arguments|list, ArgumentsKw|dict]``
    """

    MESSAGE_TYPE = 8

    __slots__ = (
        "_request_type",
        "_request",
        "_error",
        "_callee",
        "_callee_authid",
        "_callee_authrole",
        "_args",
        "_kwargs",
        "_payload",
        "_enc_algo",
        "_enc_key",
        "_enc_serializer",
        "_forward_for",
    )

    def __init__(
        self,
        request_type=None,
        request=None,
        error=None,
        args=None,
        kwargs=None,
        payload=None,
        enc_algo=None,
        enc_key=None,
        enc_serializer=None,
        callee=None,
        callee_authid=None,
        callee_authrole=None,
        forward_for=None,
        from_fbs=None,
    ):
        assert request_type is None or type(request_type) is int
        assert request is None or type(request) is int
        assert error is None or type(error) is str
        _check_app_payload(args, kwargs, payload, enc_algo, enc_key, enc_serializer)
        assert callee is None or type(callee) is int
        assert callee_authid is None or type(callee_authid) is str
        assert callee_authrole is None or type(callee_authrole) is str
        _check_forward_for(forward_for)
        Message.__init__(self, from_fbs=from_fbs)
        self._init_app_payload(args, kwargs, payload, enc_algo, enc_key, enc_serializer)
        self._init_forward_for(forward_for)
        self._request_type = request_type
        self._request = request
        self._error = error
        self._callee = callee
        self._callee_authid = callee_authid
        self._callee_authrole = callee_authrole

    @staticmethod
    def parse(wmsg):
        """Parse a raw ERROR; raises :class:`ProtocolError` naming the invalid field."""
        assert len(wmsg) > 0 and wmsg[0] == Error.MESSAGE_TYPE
        _check_length(wmsg, (5, 6, 7), "ERROR")
        request_type = wmsg[1]
        if type(request_type) is not int:
            raise ProtocolError(f"invalid type {type(request_type)} for 'request_type' in ERROR")
        if request_type not in _ERROR_REQUEST_TYPES:
            raise ProtocolError(f"invalid value {request_type} for 'request_type' in ERROR")
        request = check_or_raise_id(wmsg[2], "'request' in ERROR")
        details = check_or_raise_extra(wmsg[3], "'details' in ERROR")
        error = check_or_raise_uri(wmsg[4], "'error' in ERROR")
        args, kwargs, payload, enc_algo, enc_key, enc_serializer = _parse_app_payload(
            wmsg, 5, details, "ERROR", "detail"
        )
        return Error(
            request_type,
            request,
            error,
            args=args,
            kwargs=kwargs,
            payload=payload,
            enc_algo=enc_algo,
            enc_key=enc_key,
            enc_serializer=enc_serializer,
            callee=_typed(details, "callee", int, "ERROR", "detail"),
            callee_authid=_typed(details, "callee_authid", str, "ERROR", "detail"),
            callee_authrole=_typed(details, "callee_authrole", str, "ERROR", "detail"),
            forward_for=_parse_forward_for(details, "ERROR"),
        )

    def marshal(self):
        """``[8, request_type, request, details, error, (args, (kwargs)) | payload]``."""
        details: dict[str, Any] = {}
        _add_if_set(
            details,
            callee=self._callee,
            callee_authid=self._callee_authid,
            callee_authrole=self._callee_authrole,
            forward_for=self._forward_for,
        )
        tail = self._payload_tail(details)
        return [Error.MESSAGE_TYPE, self._request_type, self._request, details, self._error, *tail]


@_properties(
    "request",
    "topic",
    "acknowledge",
    "exclude_me",
    "exclude",
    "exclude_authid",
    "exclude_authrole",
    "eligible",
    "eligible_authid",
    "eligible_authrole",
    "retain",
    "transaction_hash",
)
class Publish(MessageWithAppPayload, MessageWithForwardFor, Message):
    """PUBLISH: a publisher publishes an event to ``topic``.

    ``[PUBLISH, Request|id, Options|dict, Topic|uri, Arguments|list, ArgumentsKw|dict]``
    """

    MESSAGE_TYPE = 16

    __slots__ = (
        "_request",
        "_topic",
        "_acknowledge",
        "_exclude_me",
        "_exclude",
        "_exclude_authid",
        "_exclude_authrole",
        "_eligible",
        "_eligible_authid",
        "_eligible_authrole",
        "_retain",
        "_transaction_hash",
        "_args",
        "_kwargs",
        "_payload",
        "_enc_algo",
        "_enc_key",
        "_enc_serializer",
        "_forward_for",
    )

    def __init__(
        self,
        request=None,
        topic=None,
        args=None,
        kwargs=None,
        payload=None,
        acknowledge=None,
        exclude_me=None,
        exclude=None,
        exclude_authid=None,
        exclude_authrole=None,
        eligible=None,
        eligible_authid=None,
        eligible_authrole=None,
        retain=None,
        transaction_hash=None,
        enc_algo=None,
        enc_key=None,
        enc_serializer=None,
        forward_for=None,
        from_fbs=None,
    ):
        assert request is None or type(request) is int
        assert topic is None or type(topic) is str
        _check_app_payload(args, kwargs, payload, enc_algo, enc_key, enc_serializer)
        assert acknowledge is None or type(acknowledge) is bool
        assert exclude_me is None or type(exclude_me) is bool
        for values, kind in (
            (exclude, int),
            (exclude_authid, str),
            (exclude_authrole, str),
            (eligible, int),
            (eligible_authid, str),
            (eligible_authrole, str),
        ):
            assert values is None or (type(values) is list and all(type(v) is kind for v in values))
        assert retain is None or type(retain) is bool
        assert transaction_hash is None or type(transaction_hash) is str
        _check_forward_for(forward_for)
        Message.__init__(self, from_fbs=from_fbs)
        self._init_app_payload(args, kwargs, payload, enc_algo, enc_key, enc_serializer)
        self._init_forward_for(forward_for)
        self._request = request
        self._topic = topic
        self._acknowledge = acknowledge
        self._exclude_me = exclude_me
        self._exclude = exclude
        self._exclude_authid = exclude_authid
        self._exclude_authrole = exclude_authrole
        self._eligible = eligible
        self._eligible_authid = eligible_authid
        self._eligible_authrole = eligible_authrole
        self._retain = retain
        self._transaction_hash = transaction_hash

    @staticmethod
    def parse(wmsg):
        """Parse a raw PUBLISH; raises :class:`ProtocolError` naming the invalid field."""
        assert len(wmsg) > 0 and wmsg[0] == Publish.MESSAGE_TYPE
        _check_length(wmsg, (4, 5, 6), "PUBLISH")
        request = check_or_raise_id(wmsg[1], "'request' in PUBLISH")
        options = check_or_raise_extra(wmsg[2], "'options' in PUBLISH")
        topic = check_or_raise_uri(wmsg[3], "'topic' in PUBLISH")
        args, kwargs, payload, enc_algo, enc_key, enc_serializer = _parse_app_payload(
            wmsg, 4, options, "PUBLISH", "option"
        )
        return Publish(
            request,
            topic,
            args=args,
            kwargs=kwargs,
            payload=payload,
            acknowledge=_typed(options, "acknowledge", bool, "PUBLISH"),
            exclude_me=_typed(options, "exclude_me", bool, "PUBLISH"),
            exclude=_typed_list(options, "exclude", int, "PUBLISH"),
            exclude_authid=_typed_list(options, "exclude_authid", str, "PUBLISH"),
            exclude_authrole=_typed_list(options, "exclude_authrole", str, "PUBLISH"),
            eligible=_typed_list(options, "eligible", int, "PUBLISH"),
            eligible_authid=_typed_list(options, "eligible_authid", str, "PUBLISH"),
            eligible_authrole=_typed_list(options, "eligible_authrole", str, "PUBLISH"),
            retain=_typed(options, "retain", bool, "PUBLISH"),
            transaction_hash=_typed(options, "transaction_hash", str, "PUBLISH"),
            enc_algo=enc_algo,
            enc_key=enc_key,
            enc_serializer=enc_serializer,
            forward_for=_parse_forward_for(options, "PUBLISH"),
        )

    def marshal_options(self):
        """The options dict of this PUBLISH."""
        options: dict[str, Any] = {}
        _add_if_set(
            options,
            acknowledge=self._acknowledge,
            exclude_me=self._exclude_me,
            exclude=self._exclude,
            exclude_authid=self._exclude_authid,
            exclude_authrole=self._exclude_authrole,
            eligible=self._eligible,
            eligible_authid=self._eligible_authid,
            eligible_authrole=self._eligible_authrole,
            retain=self._retain,
            transaction_hash=self._transaction_hash,
        )
        if self._payload is not None:
            _add_if_set(options, enc_algo=self._enc_algo, enc_key=self._enc_key, enc_serializer=self._enc_serializer)
        _add_if_set(options, forward_for=self._forward_for)
        return options

    def marshal(self):
        """``[16, request, options, topic, (args, (kwargs)) | payload]``."""
        options = self.marshal_options()
        return [Publish.MESSAGE_TYPE, self._request, options, self._topic, *self._payload_tail(options)]


@_properties("request", "publication")
class Published(Message):
    """PUBLISHED: the broker acknowledges a PUBLISH (asked for with ``acknowledge``).

    ``[PUBLISHED, PUBLISH.Request|id, Publication|id]``
    """

    MESSAGE_TYPE = 17

    __slots__ = ("_request", "_publication")

    def __init__(self, request=None, publication=None, from_fbs=None):
        assert request is None or type(request) is int
        assert publication is None or type(publication) is int
        Message.__init__(self, from_fbs=from_fbs)
        self._request = request
        self._publication = publication

    @staticmethod
    def parse(wmsg):
        """Parse a raw PUBLISHED; raises :class:`ProtocolError` naming the invalid field."""
        assert len(wmsg) > 0 and wmsg[0] == Published.MESSAGE_TYPE
        _check_length(wmsg, (3,), "PUBLISHED")
        request = check_or_raise_id(wmsg[1], "'request' in PUBLISHED")
        publication = check_or_raise_id(wmsg[2], "'publication' in PUBLISHED")
        return Published(request, publication)

    def marshal(self):
        """``[17, request, publication]``."""
        return [Published.MESSAGE_TYPE, self._request, self._publication]


@_properties("request", "topic", "match", "get_retained")
class Subscribe(MessageWithForwardFor, Message):
    """SUBSCRIBE: a subscriber subscribes to ``topic`` (or a topic pattern).

    ``[SUBSCRIBE, Request|id, Options|dict, Topic|uri]``
    """

    MESSAGE_TYPE = 32

    MATCH_EXACT = "exact"
    MATCH_PREFIX = "prefix"
    MATCH_WILDCARD = "wildcard"

    __slots__ = ("_request", "_topic", "_match", "_get_retained", "_forward_for")

    def __init__(self, request=None, topic=None, match=None, get_retained=None, forward_for=None, from_fbs=None):
        assert request is None or type(request) is int
        assert topic is None or type(topic) is str
        assert match is None or match in (Subscribe.MATCH_EXACT, Subscribe.MATCH_PREFIX, Subscribe.MATCH_WILDCARD)
        assert get_retained is None or type(get_retained) is bool
        _check_forward_for(forward_for)
        Message.__init__(self, from_fbs=from_fbs)
        self._init_forward_for(forward_for)
        self._request = request
        self._topic = topic
        self._match = match or Subscribe.MATCH_EXACT
        self._get_retained = get_retained

    @staticmethod
    def parse(wmsg):
        """Parse a raw SUBSCRIBE; raises :class:`ProtocolError` naming the invalid field."""
        assert len(wmsg) > 0 and wmsg[0] == Subscribe.MESSAGE_TYPE
        _check_length(wmsg, (4,), "SUBSCRIBE")
        request = check_or_raise_id(wmsg[1], "'request' in SUBSCRIBE")
        options = check_or_raise_extra(wmsg[2], "'options' in SUBSCRIBE")
        topic = check_or_raise_uri(wmsg[3], "'topic' in SUBSCRIBE", allow_empty_components=True)
        match = _choice(options, "match", _MATCH_POLICIES, "SUBSCRIBE") or Subscribe.MATCH_EXACT
        return Subscribe(
            request,
            topic,
            match=match,
            get_retained=_typed(options, "get_retained", bool, "SUBSCRIBE"),
            forward_for=_parse_forward_for(options, "SUBSCRIBE"),
        )

    def marshal_options(self):
        """The options dict of this SUBSCRIBE."""
        options: dict[str, Any] = {}
        if self._match and self._match != Subscribe.MATCH_EXACT:
            options["match"] = self._match
        _add_if_set(options, get_retained=self._get_retained, forward_for=self._forward_for)
        return options

    def marshal(self):
        """``[32, request, options, topic]``."""
        return [Subscribe.MESSAGE_TYPE, self._request, self.marshal_options(), self._topic]


@_properties("request", "subscription")
class Subscribed(Message):
    """SUBSCRIBED: the broker confirms a SUBSCRIBE.

    ``[SUBSCRIBED, SUBSCRIBE.Request|id, Subscription|id]``
    """

    MESSAGE_TYPE = 33

    __slots__ = ("_request", "_subscription")

    def __init__(self, request=None, subscription=None, from_fbs=None):
        assert request is None or type(request) is int
        assert subscription is None or type(subscription) is int
        Message.__init__(self, from_fbs=from_fbs)
        self._request = request
        self._subscription = subscription

    @staticmethod
    def parse(wmsg):
        """Parse a raw SUBSCRIBED; raises :class:`ProtocolError` naming the invalid field."""
        assert len(wmsg) > 0 and wmsg[0] == Subscribed.MESSAGE_TYPE
        _check_length(wmsg, (3,), "SUBSCRIBED")
        request = check_or_raise_id(wmsg[1], "'request' in SUBSCRIBED")
        subscription = check_or_raise_id(wmsg[2], "'subscription' in SUBSCRIBED")
        return Subscribed(request, subscription)

    def marshal(self):
        """``[33, request, subscription]``."""
        return [Subscribed.MESSAGE_TYPE, self._request, self._subscription]


@_properties("request", "subscription")
class Unsubscribe(MessageWithForwardFor, Message):
    """UNSUBSCRIBE: a subscriber ends a subscription.

    ``[UNSUBSCRIBE, Request|id, SUBSCRIBED.Subscription|id(, Options|dict)]``
    """

    MESSAGE_TYPE = 34

    __slots__ = ("_request", "_subscription", "_forward_for")

    def __init__(self, request=None, subscription=None, forward_for=None, from_fbs=None):
        assert request is None or type(request) is int
        assert subscription is None or type(subscription) is int
        _check_forward_for(forward_for)
        Message.__init__(self, from_fbs=from_fbs)
        self._init_forward_for(forward_for)
        self._request = request
        self._subscription = subscription

    @staticmethod
    def parse(wmsg):
        """Parse a raw UNSUBSCRIBE; raises :class:`ProtocolError` naming the invalid field."""
        assert len(wmsg) > 0 and wmsg[0] == Unsubscribe.MESSAGE_TYPE
        _check_length(wmsg, (3, 4), "WAMP UNSUBSCRIBE")
        request = check_or_raise_id(wmsg[1], "'request' in UNSUBSCRIBE")
        subscription = check_or_raise_id(wmsg[2], "'subscription' in UNSUBSCRIBE")
        options = check_or_raise_extra(wmsg[3], "'options' in UNSUBSCRIBE") if len(wmsg) > 3 else None
        return Unsubscribe(request, subscription, forward_for=_parse_forward_for(options, "UNSUBSCRIBE"))

    def marshal(self):
        """``[34, request, subscription(, {"forward_for": ...})]``."""
        if self._forward_for:
            return [Unsubscribe.MESSAGE_TYPE, self._request, self._subscription, {"forward_for": self._forward_for}]
        return [Unsubscribe.MESSAGE_TYPE, self._request, self._subscription]


@_properties("request", "subscription", "reason")
class Unsubscribed(Message):
    """UNSUBSCRIBED: the broker confirms an UNSUBSCRIBE (``request`` set), or revokes a
    subscription (``request`` 0, ``subscription`` and ``reason`` set).

    ``[UNSUBSCRIBED, UNSUBSCRIBE.Request|id(, Details|dict)]``
    """

    MESSAGE_TYPE = 35

    __slots__ = ("_request", "_subscription", "_reason")

    def __init__(self, request=None, subscription=None, reason=None, from_fbs=None):
        assert request is None or type(request) is int
        assert subscription is None or type(subscription) is int
        assert reason is None or type(reason) is str
        if request is not None and subscription is not None:
            assert (request != 0 and subscription is None) or (request == 0 and subscription != 0)
        Message.__init__(self, from_fbs=from_fbs)
        self._request = request
        self._subscription = subscription
        self._reason = reason

    @staticmethod
    def parse(wmsg):
        """Parse a raw UNSUBSCRIBED; raises :class:`ProtocolError` naming the invalid field."""
        assert len(wmsg) > 0 and wmsg[0] == Unsubscribed.MESSAGE_TYPE
        _check_length(wmsg, (2, 3), "UNSUBSCRIBED")
        request = check_or_raise_id(wmsg[1], "'request' in UNSUBSCRIBED")
        subscription = reason = None
        if len(wmsg) > 2:
            details = check_or_raise_extra(wmsg[2], "'details' in UNSUBSCRIBED")
            subscription = _typed(details, "subscription", int, "UNSUBSCRIBED", "detail")
            if "reason" in details:
                reason = check_or_raise_uri(details["reason"], "'reason' in UNSUBSCRIBED")
        if subscription is not None and not (request == 0 and subscription != 0):
            raise ProtocolError(f"invalid 'subscription' detail {subscription} for request {request} in UNSUBSCRIBED")
        return Unsubscribed(request, subscription, reason)

    def marshal(self):
        """``[35, request(, details)]``."""
        if self._reason is None and self._subscription is None:
            return [Unsubscribed.MESSAGE_TYPE, self._request]
        details: dict[str, Any] = {}
        _add_if_set(details, reason=self._reason, subscription=self._subscription)
        return [Unsubscribed.MESSAGE_TYPE, self._request, details]


@_properties(
    "subscription",
    "publication",
    "publisher",
    "publisher_authid",
    "publisher_authrole",
    "topic",
    "retained",
    "transaction_hash",
    "x_acknowledged_delivery",
)
class Event(MessageWithAppPayload, MessageWithForwardFor, Message):
    """EVENT: the broker delivers a published event to a subscriber.

    ``[EVENT, SUBSCRIBED.Subscription|id, PUBLISHED.Publication|id, Details|dict, Arguments|list, ArgumentsKw|dict]``
    """

    MESSAGE_TYPE = 36

    __slots__ = (
        "_subscription",
        "_publication",
        "_publisher",
        "_publisher_authid",
        "_publisher_authrole",
        "_topic",
        "_retained",
        "_transaction_hash",
        "_x_acknowledged_delivery",
        "_args",
        "_kwargs",
        "_payload",
        "_enc_algo",
        "_enc_key",
        "_enc_serializer",
        "_forward_for",
    )

    def __init__(
        self,
        subscription=None,
        publication=None,
        args=None,
        kwargs=None,
        payload=None,
        publisher=None,
        publisher_authid=None,
        publisher_authrole=None,
        topic=None,
        retained=None,
        transaction_hash=None,
        x_acknowledged_delivery=None,
        enc_algo=None,
        enc_key=None,
        enc_serializer=None,
        forward_for=None,
        from_fbs=None,
    ):
        assert subscription is None or type(subscription) is int
        assert publication is None or type(publication) is int
        _check_app_payload(args, kwargs, payload, enc_algo, enc_key, enc_serializer)
        assert publisher is None or type(publisher) is int
        assert publisher_authid is None or type(publisher_authid) is str
        assert publisher_authrole is None or type(publisher_authrole) is str
        assert topic is None or type(topic) is str
        assert retained is None or type(retained) is bool
        assert transaction_hash is None or type(transaction_hash) is str
        assert x_acknowledged_delivery is None or type(x_acknowledged_delivery) is bool
        _check_forward_for(forward_for)
        Message.__init__(self, from_fbs=from_fbs)
        self._init_app_payload(args, kwargs, payload, enc_algo, enc_key, enc_serializer)
        self._init_forward_for(forward_for)
        self._subscription = subscription
        self._publication = publication
        self._publisher = publisher
        self._publisher_authid = publisher_authid
        self._publisher_authrole = publisher_authrole
        self._topic = topic
        self._retained = retained
        self._transaction_hash = transaction_hash
        self._x_acknowledged_delivery = x_acknowledged_delivery

    @staticmethod
    def parse(wmsg):
        """Parse a raw EVENT; raises :class:`ProtocolError` naming the invalid field."""
        assert len(wmsg) > 0 and wmsg[0] == Event.MESSAGE_TYPE
        _check_length(wmsg, (4, 5, 6), "EVENT")
        subscription = check_or_raise_id(wmsg[1], "'subscription' in EVENT")
        publication = check_or_raise_id(wmsg[2], "'publication' in EVENT")
        details = check_or_raise_extra(wmsg[3], "'details' in EVENT")
        args, kwargs, payload, enc_algo, enc_key, enc_serializer = _parse_app_payload(
            wmsg, 4, details, "EVENT", "detail"
        )
        return Event(
            subscription,
            publication,
            args=args,
            kwargs=kwargs,
            payload=payload,
            publisher=_typed(details, "publisher", int, "EVENT", "detail"),
            publisher_authid=_typed(details, "publisher_authid", str, "EVENT", "detail"),
            publisher_authrole=_typed(details, "publisher_authrole", str, "EVENT", "detail"),
            topic=_typed(details, "topic", str, "EVENT", "detail"),
            retained=_typed(details, "retained", bool, "EVENT", "detail"),
            transaction_hash=_typed(details, "transaction_hash", str, "EVENT", "detail"),
            x_acknowledged_delivery=_typed(details, "x_acknowledged_delivery", bool, "EVENT", "detail"),
            enc_algo=enc_algo,
            enc_key=enc_key,
            enc_serializer=enc_serializer,
            forward_for=_parse_forward_for(details, "EVENT"),
        )

    def marshal(self):
        """``[36, subscription, publication, details, (args, (kwargs)) | payload]``."""
        details: dict[str, Any] = {}
        _add_if_set(
            details,
            publisher=self._publisher,
            publisher_authid=self._publisher_authid,
            publisher_authrole=self._publisher_authrole,
            topic=self._topic,
            retained=self._retained,
            transaction_hash=self._transaction_hash,
            x_acknowledged_delivery=self._x_acknowledged_delivery,
            forward_for=self._forward_for,
        )
        tail = self._payload_tail(details)
        return [Event.MESSAGE_TYPE, self._subscription, self._publication, details, *tail]


@_properties("publication")
class EventReceived(Message):
    """EVENT_RECEIVED (advanced profile, acknowledged event delivery): a subscriber confirms an EVENT.

    ``[EVENT_RECEIVED, EVENT.Publication|id]``
    """

    MESSAGE_TYPE = 337

    __slots__ = ("_publication",)

    def __init__(self, publication=None, from_fbs=None):
        assert publication is None or type(publication) is int
        Message.__init__(self, from_fbs=from_fbs)
        self._publication = publication

    @staticmethod
    def parse(wmsg):
        """Parse a raw EVENT_RECEIVED; raises :class:`ProtocolError` naming the invalid field."""
        assert len(wmsg) > 0 and wmsg[0] == EventReceived.MESSAGE_TYPE
        _check_length(wmsg, (2,), "EVENT_RECEIVED")
        return EventReceived(check_or_raise_id(wmsg[1], "'publication' in EVENT_RECEIVED"))

    def marshal(self):
        """``[337, publication]``."""
        return [EventReceived.MESSAGE_TYPE, self._publication]


@_properties(
    "request",
    "procedure",
    "timeout",
    "receive_progress",
    "transaction_hash",
    "caller",
    "caller_authid",
    "caller_authrole",
)
class Call(MessageWithAppPayload, MessageWithForwardFor, Message):
    """CALL: a caller calls ``procedure``.

    ``[CALL, Request|id, Options|dict, Procedure|uri, Arguments|list, ArgumentsKw|dict]``
    """

    MESSAGE_TYPE = 48

    __slots__ = (
        "_request",
        "_procedure",
        "_timeout",
        "_receive_progress",
        "_transaction_hash",
        "_caller",
        "_caller_authid",
        "_caller_authrole",
        "_args",
        "_kwargs",
        "_payload",
        "_enc_algo",
        "_enc_key",
        "_enc_serializer",
        "_forward_for",
    )

    def __init__(
        self,
        request=None,
        procedure=None,
        args=None,
        kwargs=None,
        payload=None,
        timeout=None,
        receive_progress=None,
        transaction_hash=None,
        enc_algo=None,
        enc_key=None,
        enc_serializer=None,
        caller=None,
        caller_authid=None,
        caller_authrole=None,
        forward_for=None,
        from_fbs=None,
    ):
        if from_fbs is None:
            assert type(request) is int
            assert type(procedure) is str
        _check_app_payload(args, kwargs, payload, enc_algo, enc_key, enc_serializer)
        assert timeout is None or type(timeout) is int
        assert receive_progress is None or type(receive_progress) is bool
        assert transaction_hash is None or type(transaction_hash) is str
        assert caller is None or type(caller) is int
        assert caller_authid is None or type(caller_authid) is str
        assert caller_authrole is None or type(caller_authrole) is str
        _check_forward_for(forward_for)
        Message.__init__(self, from_fbs=from_fbs)
        self._init_app_payload(args, kwargs, payload, enc_algo, enc_key, enc_serializer)
        self._init_forward_for(forward_for)
        self._request = request
        self._procedure = procedure
        self._timeout = timeout
        self._receive_progress = receive_progress
        self._transaction_hash = transaction_hash
        self._caller = caller
        self._caller_authid = caller_authid
        self._caller_authrole = caller_authrole

    @staticmethod
    def parse(wmsg):
        """Parse a raw CALL; raises :class:`ProtocolError` naming the invalid field."""
        assert len(wmsg) > 0 and wmsg[0] == Call.MESSAGE_TYPE
        _check_length(wmsg, (4, 5, 6), "CALL")
        request = check_or_raise_id(wmsg[1], "'request' in CALL")
        options = check_or_raise_extra(wmsg[2], "'options' in CALL")
        procedure = check_or_raise_uri(wmsg[3], "'procedure' in CALL")
        args, kwargs, payload, enc_algo, enc_key, enc_serializer = _parse_app_payload(
            wmsg, 4, options, "CALL", "option"
        )
        timeout = _typed(options, "timeout", int, "CALL")
        if timeout is not None and timeout < 0:
            raise ProtocolError(f"invalid value {timeout} for 'timeout' option in CALL")
        return Call(
            request,
            procedure,
            args=args,
            kwargs=kwargs,
            payload=payload,
            timeout=timeout,
            receive_progress=_typed(options, "receive_progress", bool, "CALL"),
            transaction_hash=_typed(options, "transaction_hash", str, "CALL"),
            enc_algo=enc_algo,
            enc_key=enc_key,
            enc_serializer=enc_serializer,
            caller=_typed(options, "caller", int, "CALL"),
            caller_authid=_typed(options, "caller_authid", str, "CALL"),
            caller_authrole=_typed(options, "caller_authrole", str, "CALL"),
            forward_for=_parse_forward_for(options, "CALL"),
        )

    def marshal_options(self):
        """The options dict of this CALL."""
        options: dict[str, Any] = {}
        _add_if_set(
            options,
            timeout=self._timeout,
            receive_progress=self._receive_progress,
            transaction_hash=self._transaction_hash,
        )
        if self._payload is not None:
            _add_if_set(options, enc_algo=self._enc_algo, enc_key=self._enc_key, enc_serializer=self._enc_serializer)
        _add_if_set(
            options,
            caller=self._caller,
            caller_authid=self._caller_authid,
            caller_authrole=self._caller_authrole,
            forward_for=self._forward_for,
        )
        return options

    def marshal(self):
        """``[48, request, options, procedure, (args, (kwargs)) | payload]``."""
        options = self.marshal_options()
        return [Call.MESSAGE_TYPE, self._request, options, self._procedure, *self._payload_tail(options)]


@_properties("request", "mode")
class Cancel(MessageWithForwardFor, Message):
    """CANCEL: a caller cancels a pending call (advanced profile, call canceling).

    ``[CANCEL, CALL.Request|id, Options|dict]``
    """

    MESSAGE_TYPE = 49

    SKIP = "skip"
    KILL = "kill"
    KILLNOWAIT = "killnowait"

    __slots__ = ("_request", "_mode", "_forward_for")

    def __init__(self, request=None, mode=None, forward_for=None, from_fbs=None):
        assert request is None or type(request) is int
        assert mode in (None, self.SKIP, self.KILLNOWAIT, self.KILL)
        _check_forward_for(forward_for)
        Message.__init__(self, from_fbs=from_fbs)
        self._init_forward_for(forward_for)
        self._request = request
        self._mode = mode

    @staticmethod
    def parse(wmsg):
        """Parse a raw CANCEL; raises :class:`ProtocolError` naming the invalid field."""
        assert len(wmsg) > 0 and wmsg[0] == Cancel.MESSAGE_TYPE
        _check_length(wmsg, (3,), "CANCEL")
        request = check_or_raise_id(wmsg[1], "'request' in CANCEL")
        options = check_or_raise_extra(wmsg[2], "'options' in CANCEL")
        mode = _choice(options, "mode", (Cancel.SKIP, Cancel.KILLNOWAIT, Cancel.KILL), "CANCEL")
        return Cancel(request, mode=mode, forward_for=_parse_forward_for(options, "CANCEL"))

    def marshal(self):
        """``[49, request, options]``."""
        options: dict[str, Any] = {}
        _add_if_set(options, mode=self._mode, forward_for=self._forward_for)
        return [Cancel.MESSAGE_TYPE, self._request, options]


@_properties("request", "progress", "callee", "callee_authid", "callee_authrole")
class Result(MessageWithAppPayload, MessageWithForwardFor, Message):
    """RESULT: the dealer returns a call's (final or progressive) result to the caller.

    ``[RESULT, CALL.Request|id, Details|dict, YIELD.Arguments|list, YIELD.ArgumentsKw|dict]``
    """

    MESSAGE_TYPE = 50

    __slots__ = (
        "_request",
        "_progress",
        "_callee",
        "_callee_authid",
        "_callee_authrole",
        "_args",
        "_kwargs",
        "_payload",
        "_enc_algo",
        "_enc_key",
        "_enc_serializer",
        "_forward_for",
    )

    def __init__(
        self,
        request=None,
        args=None,
        kwargs=None,
        payload=None,
        progress=None,
        enc_algo=None,
        enc_key=None,
        enc_serializer=None,
        callee=None,
        callee_authid=None,
        callee_authrole=None,
        forward_for=None,
        from_fbs=None,
    ):
        assert request is None or type(request) is int
        _check_app_payload(args, kwargs, payload, enc_algo, enc_key, enc_serializer)
        assert progress is None or type(progress) is bool
        assert callee is None or type(callee) is int
        assert callee_authid is None or type(callee_authid) is str
        assert callee_authrole is None or type(callee_authrole) is str
        _check_forward_for(forward_for)
        Message.__init__(self, from_fbs=from_fbs)
        self._init_app_payload(args, kwargs, payload, enc_algo, enc_key, enc_serializer)
        self._init_forward_for(forward_for)
        self._request = request
        self._progress = progress
        self._callee = callee
        self._callee_authid = callee_authid
        self._callee_authrole = callee_authrole

    @staticmethod
    def parse(wmsg):
        """Parse a raw RESULT; raises :class:`ProtocolError` naming the invalid field."""
        assert len(wmsg) > 0 and wmsg[0] == Result.MESSAGE_TYPE
        _check_length(wmsg, (3, 4, 5), "RESULT")
        request = check_or_raise_id(wmsg[1], "'request' in RESULT")
        details = check_or_raise_extra(wmsg[2], "'details' in RESULT")
        args, kwargs, payload, enc_algo, enc_key, enc_serializer = _parse_app_payload(
            wmsg, 3, details, "RESULT", "detail"
        )
        return Result(
            request,
            args=args,
            kwargs=kwargs,
            payload=payload,
            progress=_typed(details, "progress", bool, "RESULT", "detail"),
            enc_algo=enc_algo,
            enc_key=enc_key,
            enc_serializer=enc_serializer,
            callee=_typed(details, "callee", int, "RESULT", "detail"),
            callee_authid=_typed(details, "callee_authid", str, "RESULT", "detail"),
            callee_authrole=_typed(details, "callee_authrole", str, "RESULT", "detail"),
            forward_for=_parse_forward_for(details, "RESULT"),
        )

    def marshal(self):
        """``[50, request, details, (args, (kwargs)) | payload]``."""
        details: dict[str, Any] = {}
        _add_if_set(
            details,
            progress=self._progress,
            callee=self._callee,
            callee_authid=self._callee_authid,
            callee_authrole=self._callee_authrole,
            forward_for=self._forward_for,
        )
        tail = self._payload_tail(details)
        return [Result.MESSAGE_TYPE, self._request, details, *tail]


@_properties("request", "procedure", "match", "invoke", "concurrency", "force_reregister")
class Register(MessageWithForwardFor, Message):
    """REGISTER: a callee registers ``procedure`` (or a procedure pattern).

    ``[REGISTER, Request|id, Options|dict, Procedure|uri]``
    """

    MESSAGE_TYPE = 64

    MATCH_EXACT = "exact"
    MATCH_PREFIX = "prefix"
    MATCH_WILDCARD = "wildcard"

    INVOKE_SINGLE = "single"
    INVOKE_FIRST = "first"
    INVOKE_LAST = "last"
    INVOKE_ROUNDROBIN = "roundrobin"
    INVOKE_RANDOM = "random"

    __slots__ = ("_request", "_procedure", "_match", "_invoke", "_concurrency", "_force_reregister", "_forward_for")

    def __init__(
        self,
        request=None,
        procedure=None,
        match=None,
        invoke=None,
        concurrency=None,
        force_reregister=None,
        forward_for=None,
        from_fbs=None,
    ):
        assert request is None or type(request) is int
        assert procedure is None or type(procedure) is str
        assert match is None or match in _MATCH_POLICIES
        assert invoke is None or invoke in _INVOKE_POLICIES
        assert concurrency is None or (type(concurrency) is int and concurrency > 0)
        assert force_reregister in (None, True, False)
        _check_forward_for(forward_for)
        Message.__init__(self, from_fbs=from_fbs)
        self._init_forward_for(forward_for)
        self._request = request
        self._procedure = procedure
        self._match = match or Register.MATCH_EXACT
        self._invoke = invoke or Register.INVOKE_SINGLE
        self._concurrency = concurrency
        self._force_reregister = force_reregister

    @staticmethod
    def parse(wmsg):
        """Parse a raw REGISTER; raises :class:`ProtocolError` naming the invalid field."""
        assert len(wmsg) > 0 and wmsg[0] == Register.MESSAGE_TYPE
        _check_length(wmsg, (4,), "REGISTER")
        request = check_or_raise_id(wmsg[1], "'request' in REGISTER")
        options = check_or_raise_extra(wmsg[2], "'options' in REGISTER")
        match = _choice(options, "match", _MATCH_POLICIES, "REGISTER") or Register.MATCH_EXACT
        procedure = check_or_raise_uri(
            wmsg[3],
            "'procedure' in REGISTER",
            allow_empty_components=match == Register.MATCH_WILDCARD,
            allow_last_empty=match == Register.MATCH_PREFIX,
        )
        invoke = _choice(options, "invoke", _INVOKE_POLICIES, "REGISTER") or Register.INVOKE_SINGLE
        concurrency = _typed(options, "concurrency", int, "REGISTER")
        if concurrency is not None and concurrency < 1:
            raise ProtocolError(f"invalid value {concurrency} for 'concurrency' option in REGISTER")
        force_reregister = options.get("force_reregister")
        if force_reregister is not None and type(force_reregister) is not bool:
            raise ProtocolError(f"invalid type {type(force_reregister)} for 'force_reregister' option in REGISTER")
        return Register(
            request,
            procedure,
            match=match,
            invoke=invoke,
            concurrency=concurrency,
            force_reregister=force_reregister,
            forward_for=_parse_forward_for(options, "REGISTER"),
        )

    def marshal_options(self):
        """The options dict of this REGISTER."""
        options: dict[str, Any] = {}
        if self._match and self._match != Register.MATCH_EXACT:
            options["match"] = self._match
        if self._invoke and self._invoke != Register.INVOKE_SINGLE:
            options["invoke"] = self._invoke
        if self._concurrency:
            options["concurrency"] = self._concurrency
        _add_if_set(options, force_reregister=self._force_reregister, forward_for=self._forward_for)
        return options

    def marshal(self):
        """``[64, request, options, procedure]``."""
        return [Register.MESSAGE_TYPE, self._request, self.marshal_options(), self._procedure]


@_properties("request", "registration")
class Registered(Message):
    """REGISTERED: the dealer confirms a REGISTER.

    ``[REGISTERED, REGISTER.Request|id, Registration|id]``
    """

    MESSAGE_TYPE = 65

    __slots__ = ("_request", "_registration")

    def __init__(self, request=None, registration=None, from_fbs=None):
        assert request is None or type(request) is int
        assert registration is None or type(registration) is int
        Message.__init__(self, from_fbs=from_fbs)
        self._request = request
        self._registration = registration

    @staticmethod
    def parse(wmsg):
        """Parse a raw REGISTERED; raises :class:`ProtocolError` naming the invalid field."""
        assert len(wmsg) > 0 and wmsg[0] == Registered.MESSAGE_TYPE
        _check_length(wmsg, (3,), "REGISTERED")
        request = check_or_raise_id(wmsg[1], "'request' in REGISTERED")
        registration = check_or_raise_id(wmsg[2], "'registration' in REGISTERED")
        return Registered(request, registration)

    def marshal(self):
        """``[65, request, registration]``."""
        return [Registered.MESSAGE_TYPE, self._request, self._registration]


@_properties("request", "registration")
class Unregister(MessageWithForwardFor, Message):
    """UNREGISTER: a callee ends a registration.

    ``[UNREGISTER, Request|id, REGISTERED.Registration|id(, Options|dict)]``
    """

    MESSAGE_TYPE = 66

    __slots__ = ("_request", "_registration", "_forward_for")

    def __init__(self, request=None, registration=None, forward_for=None, from_fbs=None):
        assert request is None or type(request) is int
        assert registration is None or type(registration) is int
        _check_forward_for(forward_for)
        Message.__init__(self, from_fbs=from_fbs)
        self._init_forward_for(forward_for)
        self._request = request
        self._registration = registration

    @staticmethod
    def parse(wmsg):
        """Parse a raw UNREGISTER; raises :class:`ProtocolError` naming the invalid field."""
        assert len(wmsg) > 0 and wmsg[0] == Unregister.MESSAGE_TYPE
        _check_length(wmsg, (3, 4), "WAMP UNREGISTER")
        request = check_or_raise_id(wmsg[1], "'request' in UNREGISTER")
        registration = check_or_raise_id(wmsg[2], "'registration' in UNREGISTER")
        options = check_or_raise_extra(wmsg[3], "'options' in UNREGISTER") if len(wmsg) > 3 else None
        return Unregister(request, registration, forward_for=_parse_forward_for(options, "UNREGISTER"))

    def marshal(self):
        """``[66, request, registration(, {"forward_for": ...})]``."""
        if self._forward_for:
            return [Unregister.MESSAGE_TYPE, self._request, self._registration, {"forward_for": self._forward_for}]
        return [Unregister.MESSAGE_TYPE, self._request, self._registration]


@_properties("request", "registration", "reason")
class Unregistered(Message):
    """UNREGISTERED: the dealer confirms an UNREGISTER (``request`` set), or revokes a
    registration (``request`` 0, ``registration`` and ``reason`` set).

    ``[UNREGISTERED, UNREGISTER.Request|id(, Details|dict)]``
    """

    MESSAGE_TYPE = 67

    __slots__ = ("_request", "_registration", "_reason")

    def __init__(self, request=None, registration=None, reason=None, from_fbs=None):
        assert request is None or type(request) is int
        assert registration is None or type(registration) is int
        assert reason is None or type(reason) is str
        if request is not None and registration is not None:
            assert (request != 0 and registration is None) or (request == 0 and registration != 0)
        Message.__init__(self, from_fbs=from_fbs)
        self._request = request
        self._registration = registration
        self._reason = reason

    @staticmethod
    def parse(wmsg):
        """Parse a raw UNREGISTERED; raises :class:`ProtocolError` naming the invalid field."""
        assert len(wmsg) > 0 and wmsg[0] == Unregistered.MESSAGE_TYPE
        _check_length(wmsg, (2, 3), "UNREGISTERED")
        request = check_or_raise_id(wmsg[1], "'request' in UNREGISTERED")
        registration = reason = None
        if len(wmsg) > 2:
            details = check_or_raise_extra(wmsg[2], "'details' in UNREGISTERED")
            registration = _typed(details, "registration", int, "UNREGISTERED", "detail")
            if "reason" in details:
                reason = check_or_raise_uri(details["reason"], "'reason' in UNREGISTERED")
        if registration is not None and not (request == 0 and registration != 0):
            raise ProtocolError(f"invalid 'registration' detail {registration} for request {request} in UNREGISTERED")
        return Unregistered(request, registration, reason)

    def marshal(self):
        """``[67, request(, details)]``."""
        if self._reason is None and self._registration is None:
            return [Unregistered.MESSAGE_TYPE, self._request]
        details: dict[str, Any] = {}
        _add_if_set(details, reason=self._reason, registration=self._registration)
        return [Unregistered.MESSAGE_TYPE, self._request, details]


@_properties(
    "request",
    "registration",
    "timeout",
    "receive_progress",
    "caller",
    "caller_authid",
    "caller_authrole",
    "procedure",
    "transaction_hash",
)
class Invocation(MessageWithAppPayload, MessageWithForwardFor, Message):
    """INVOCATION: the dealer invokes a registered procedure at its callee.

    ``[INVOCATION, Request|id, REGISTERED.Registration|id, Details|dict, CALL.Arguments|list, CALL.ArgumentsKw|dict]``
    """

    MESSAGE_TYPE = 68

    __slots__ = (
        "_request",
        "_registration",
        "_timeout",
        "_receive_progress",
        "_caller",
        "_caller_authid",
        "_caller_authrole",
        "_procedure",
        "_transaction_hash",
        "_args",
        "_kwargs",
        "_payload",
        "_enc_algo",
        "_enc_key",
        "_enc_serializer",
        "_forward_for",
    )

    def __init__(
        self,
        request=None,
        registration=None,
        args=None,
        kwargs=None,
        payload=None,
        timeout=None,
        receive_progress=None,
        caller=None,
        caller_authid=None,
        caller_authrole=None,
        procedure=None,
        transaction_hash=None,
        enc_algo=None,
        enc_key=None,
        enc_serializer=None,
        forward_for=None,
        from_fbs=None,
    ):
        assert request is None or type(request) is int
        assert registration is None or type(registration) is int
        _check_app_payload(args, kwargs, payload, enc_algo, enc_key, enc_serializer)
        assert timeout is None or type(timeout) is int
        assert receive_progress is None or type(receive_progress) is bool
        assert caller is None or type(caller) is int
        assert caller_authid is None or type(caller_authid) is str
        assert caller_authrole is None or type(caller_authrole) is str
        assert procedure is None or type(procedure) is str
        assert transaction_hash is None or type(transaction_hash) is str
        _check_forward_for(forward_for)
        Message.__init__(self, from_fbs=from_fbs)
        self._init_app_payload(args, kwargs, payload, enc_algo, enc_key, enc_serializer)
        self._init_forward_for(forward_for)
        self._request = request
        self._registration = registration
        self._timeout = timeout
        self._receive_progress = receive_progress
        self._caller = caller
        self._caller_authid = caller_authid
        self._caller_authrole = caller_authrole
        self._procedure = procedure
        self._transaction_hash = transaction_hash

    @staticmethod
    def parse(wmsg):
        """Parse a raw INVOCATION; raises :class:`ProtocolError` naming the invalid field."""
        assert len(wmsg) > 0 and wmsg[0] == Invocation.MESSAGE_TYPE
        _check_length(wmsg, (4, 5, 6), "INVOCATION")
        request = check_or_raise_id(wmsg[1], "'request' in INVOCATION")
        registration = check_or_raise_id(wmsg[2], "'registration' in INVOCATION")
        details = check_or_raise_extra(wmsg[3], "'details' in INVOCATION")
        args, kwargs, payload, enc_algo, enc_key, enc_serializer = _parse_app_payload(
            wmsg, 4, details, "INVOCATION", "detail"
        )
        timeout = _typed(details, "timeout", int, "INVOCATION", "detail")
        if timeout is not None and timeout < 0:
            raise ProtocolError(f"invalid value {timeout} for 'timeout' detail in INVOCATION")
        return Invocation(
            request,
            registration,
            args=args,
            kwargs=kwargs,
            payload=payload,
            timeout=timeout,
            receive_progress=_typed(details, "receive_progress", bool, "INVOCATION", "detail"),
            caller=_typed(details, "caller", int, "INVOCATION", "detail"),
            caller_authid=_typed(details, "caller_authid", str, "INVOCATION", "detail"),
            caller_authrole=_typed(details, "caller_authrole", str, "INVOCATION", "detail"),
            procedure=_typed(details, "procedure", str, "INVOCATION", "detail"),
            transaction_hash=_typed(details, "transaction_hash", str, "INVOCATION", "detail"),
            enc_algo=enc_algo,
            enc_key=enc_key,
            enc_serializer=enc_serializer,
            forward_for=_parse_forward_for(details, "INVOCATION"),
        )

    def marshal(self):
        """``[68, request, registration, details, (args, (kwargs)) | payload]``."""
        details: dict[str, Any] = {}
        _add_if_set(
            details,
            timeout=self._timeout,
            receive_progress=self._receive_progress,
            caller=self._caller,
            caller_authid=self._caller_authid,
            caller_authrole=self._caller_authrole,
            procedure=self._procedure,
            transaction_hash=self._transaction_hash,
            forward_for=self._forward_for,
        )
        tail = self._payload_tail(details)
        return [Invocation.MESSAGE_TYPE, self._request, self._registration, details, *tail]


@_properties("request", "mode", "reason")
class Interrupt(MessageWithForwardFor, Message):
    """INTERRUPT: the dealer asks a callee to stop a canceled invocation.

    ``[INTERRUPT, INVOCATION.Request|id, Options|dict]``
    """

    MESSAGE_TYPE = 69

    KILL = "kill"
    KILLNOWAIT = "killnowait"

    __slots__ = ("_request", "_mode", "_reason", "_forward_for")

    def __init__(self, request=None, mode=None, reason=None, forward_for=None, from_fbs=None):
        assert request is None or type(request) is int
        assert mode is None or mode in (self.KILL, self.KILLNOWAIT)
        assert reason is None or type(reason) is str
        _check_forward_for(forward_for)
        Message.__init__(self, from_fbs=from_fbs)
        self._init_forward_for(forward_for)
        self._request = request
        self._mode = mode
        self._reason = reason

    @staticmethod
    def parse(wmsg):
        """Parse a raw INTERRUPT; raises :class:`ProtocolError` naming the invalid field."""
        assert len(wmsg) > 0 and wmsg[0] == Interrupt.MESSAGE_TYPE
        _check_length(wmsg, (3,), "INTERRUPT")
        request = check_or_raise_id(wmsg[1], "'request' in INTERRUPT")
        options = check_or_raise_extra(wmsg[2], "'options' in INTERRUPT")
        mode = _choice(options, "mode", (Interrupt.KILL, Interrupt.KILLNOWAIT), "INTERRUPT")
        reason = None
        if "reason" in options:
            reason = check_or_raise_uri(options["reason"], "'reason' in INTERRUPT")
        return Interrupt(request, mode=mode, reason=reason, forward_for=_parse_forward_for(options, "INTERRUPT"))

    def marshal(self):
        """``[69, request, options]``."""
        options: dict[str, Any] = {}
        _add_if_set(options, mode=self._mode, reason=self._reason, forward_for=self._forward_for)
        return [Interrupt.MESSAGE_TYPE, self._request, options]


@_properties("request", "progress", "callee", "callee_authid", "callee_authrole")
class Yield(MessageWithAppPayload, MessageWithForwardFor, Message):
    """YIELD: a callee returns an invocation's (final or progressive) result to the dealer.

    ``[YIELD, INVOCATION.Request|id, Options|dict, Arguments|list, ArgumentsKw|dict]``
    """

    MESSAGE_TYPE = 70

    __slots__ = (
        "_request",
        "_progress",
        "_callee",
        "_callee_authid",
        "_callee_authrole",
        "_args",
        "_kwargs",
        "_payload",
        "_enc_algo",
        "_enc_key",
        "_enc_serializer",
        "_forward_for",
    )

    def __init__(
        self,
        request=None,
        args=None,
        kwargs=None,
        payload=None,
        progress=None,
        enc_algo=None,
        enc_key=None,
        enc_serializer=None,
        callee=None,
        callee_authid=None,
        callee_authrole=None,
        forward_for=None,
        from_fbs=None,
    ):
        assert request is None or type(request) is int
        _check_app_payload(args, kwargs, payload, enc_algo, enc_key, enc_serializer)
        assert progress is None or type(progress) is bool
        assert callee is None or type(callee) is int
        assert callee_authid is None or type(callee_authid) is str
        assert callee_authrole is None or type(callee_authrole) is str
        _check_forward_for(forward_for)
        Message.__init__(self, from_fbs=from_fbs)
        self._init_app_payload(args, kwargs, payload, enc_algo, enc_key, enc_serializer)
        self._init_forward_for(forward_for)
        self._request = request
        self._progress = progress
        self._callee = callee
        self._callee_authid = callee_authid
        self._callee_authrole = callee_authrole

    @staticmethod
    def parse(wmsg):
        """Parse a raw YIELD; raises :class:`ProtocolError` naming the invalid field."""
        assert len(wmsg) > 0 and wmsg[0] == Yield.MESSAGE_TYPE
        _check_length(wmsg, (3, 4, 5), "YIELD")
        request = check_or_raise_id(wmsg[1], "'request' in YIELD")
        options = check_or_raise_extra(wmsg[2], "'options' in YIELD")
        args, kwargs, payload, enc_algo, enc_key, enc_serializer = _parse_app_payload(
            wmsg, 3, options, "YIELD", "option"
        )
        return Yield(
            request,
            args=args,
            kwargs=kwargs,
            payload=payload,
            progress=_typed(options, "progress", bool, "YIELD"),
            enc_algo=enc_algo,
            enc_key=enc_key,
            enc_serializer=enc_serializer,
            callee=_typed(options, "callee", int, "YIELD"),
            callee_authid=_typed(options, "callee_authid", str, "YIELD"),
            callee_authrole=_typed(options, "callee_authrole", str, "YIELD"),
            forward_for=_parse_forward_for(options, "YIELD"),
        )

    def marshal(self):
        """``[70, request, options, (args, (kwargs)) | payload]``."""
        options: dict[str, Any] = {}
        _add_if_set(
            options,
            progress=self._progress,
            callee=self._callee,
            callee_authid=self._callee_authid,
            callee_authrole=self._callee_authrole,
            forward_for=self._forward_for,
        )
        tail = self._payload_tail(options)
        return [Yield.MESSAGE_TYPE, self._request, options, *tail]


_MATCH_POLICIES = (Register.MATCH_EXACT, Register.MATCH_PREFIX, Register.MATCH_WILDCARD)
_INVOKE_POLICIES = (
    Register.INVOKE_SINGLE,
    Register.INVOKE_FIRST,
    Register.INVOKE_LAST,
    Register.INVOKE_ROUNDROBIN,
    Register.INVOKE_RANDOM,
)
# The requests an ERROR can answer.
_ERROR_REQUEST_TYPES = frozenset(
    cls.MESSAGE_TYPE for cls in (Subscribe, Unsubscribe, Publish, Register, Unregister, Call, Invocation)
)


# Names autobahn 26.11.1 also has here (programs import them from this module).
from autobahn.util import hlval  # noqa: E402, F401
