"""Value types of the WAMP API: options an application passes in (``CallOptions``, ...),
details it gets back (``CallDetails``, ``SessionDetails``, ...) and router-side HELLO answers
(``Accept``, ``Deny``, ``Challenge``)."""

from __future__ import annotations

import importlib
from binascii import a2b_hex
from pprint import pformat
from typing import Any

from autobahn.wamp._fields import F, Generated, _check_forward_for, options_class, slots_of
from autobahn.wamp._slots import SlotEquality, add_slot_properties

__all__ = (
    "Accept",
    "CallDetails",
    "CallOptions",
    "CallResult",
    "Challenge",
    "CloseDetails",
    "ComponentConfig",
    "Deny",
    "EncodedPayload",
    "EventDetails",
    "HelloDetails",
    "HelloReturn",
    "Publication",  # noqa: F822 (from autobahn.wamp.request, see __getattr__)
    "PublishOptions",
    "RegisterOptions",
    "Registration",  # noqa: F822
    "SessionDetails",
    "SessionIdent",
    "SubscribeOptions",
    "Subscription",  # noqa: F822
    "TransportDetails",
)

# Publication, Registration and Subscription live in autobahn.wamp.request (the session's
# bookkeeping); they are re-exported here on first use, as autobahn always did.
_FROM_REQUEST = ("Publication", "Registration", "Subscription")


def __getattr__(name: str):
    if name in _FROM_REQUEST:
        return getattr(importlib.import_module("autobahn.wamp.request"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_CORRELATION = tuple(F(n, None, show=None) for n in ("correlation_id", "correlation_uri", "correlation_is_anchor",
                                                      "correlation_is_last"))  # fmt: skip
_FORWARD = F("forward_for", "forward_for", message=True)


def _one_or_list(name: str, kind: type) -> F:
    """A receivers' option of PublishOptions: one value or a list (messages always carry lists)."""
    check = f"{name} is None or type({name}) is {kind.__name__} or "
    check += f"(type({name}) is list and all(type(x) is {kind.__name__} for x in {name}))"
    return F(name, None, check=check, message="_as_list(value)")


@options_class
class ComponentConfig(Generated):
    """Configuration handed to an application component (``ApplicationSession(config)``).

    :param realm: the realm to join.
    :param extra: anything the application wants to pass to its component.
    :param keyring: a payload encryption keyring, if any.
    :param controller: a WAMP session to the component's controller (Crossbar.io).
    :param shared: a dict shared between the components of one container.
    :param runner: the ``ApplicationRunner`` that made this component.
    """

    FIELDS = (F("realm", str, show="<>"), *(F(n, None) for n in ("extra", "keyring", "controller", "shared", "runner")))
    __slots__ = slots_of(FIELDS)


class HelloReturn:
    """Base class of what a router's ``onHello`` returns: Accept, Deny or Challenge."""


@options_class
class Accept(HelloReturn, Generated):
    """The router accepts the joining session, under these authentication facts."""

    FIELDS = (
        *(F(n, str, show="<>") for n in ("realm", "authid", "authrole")),
        *(F(n, str) for n in ("authmethod", "authprovider")),
        F("authextra", dict),
    )
    __slots__ = slots_of(FIELDS)


@options_class
class Deny(HelloReturn, Generated):
    """The router refuses the joining session with an error URI and an optional message."""

    FIELDS = (
        F("reason", str, default="wamp.error.not_authorized", required=True, show="<>"),
        F("message", str, show="''"),
    )
    __slots__ = slots_of(FIELDS)


@options_class
class Challenge(HelloReturn, Generated):
    """An authentication challenge: the method (``wampcra``, ``cryptosign``, ...) and its data."""

    FIELDS = (F("method", str, default=..., required=True), F("extra", dict, value="extra or {}"))
    __slots__ = slots_of(FIELDS)


@options_class
class HelloDetails(Generated):
    """What a router learns from a client's HELLO."""

    FIELDS = (
        F("realm", str, show="<>"),
        F("authmethods", [str]),
        F("authid", str, show="<>"),
        F("authrole", str, show="<>"),
        F("authextra", dict),
        F("session_roles", None),
        F("pending_session", int),
        F("resumable", bool),
        F("resume_session", int),
        F("resume_token", str),
    )
    __slots__ = slots_of(FIELDS)


@options_class
class SessionIdent(Generated):
    """Who a session is: its ID, authid and authrole."""

    FIELDS = (F("session", int), F("authid", str), F("authrole", str, required=True))
    __slots__ = slots_of(FIELDS)

    def marshal(self):
        """As a dict with ``session``, ``authid``, ``authrole``."""
        return {"session": self.session, "authid": self.authid, "authrole": self.authrole}

    @staticmethod
    def from_calldetails(call_details):
        """The original caller of an invocation (the first hop of ``forward_for`` if routed)."""
        assert isinstance(call_details, CallDetails)
        if call_details.forward_for:
            first = call_details.forward_for[0]
            return SessionIdent(first["session"], first["authid"], first["authrole"])
        return SessionIdent(call_details.caller, call_details.caller_authid, call_details.caller_authrole)

    @staticmethod
    def from_eventdetails(event_details):
        """The original publisher of an event (the first hop of ``forward_for`` if routed)."""
        assert isinstance(event_details, EventDetails)
        if event_details.forward_for:
            first = event_details.forward_for[0]
            return SessionIdent(first["session"], first["authid"], first["authrole"])
        return SessionIdent(event_details.publisher, event_details.publisher_authid, event_details.publisher_authrole)


@options_class
class CloseDetails(Generated):
    """Why a session closed: a WAMP reason URI and an optional message."""

    REASON_DEFAULT = "wamp.close.normal"
    REASON_TRANSPORT_LOST = "wamp.close.transport_lost"

    FIELDS = (F("reason", str, show="<>"), F("message", str, show="''"))
    __slots__ = slots_of(FIELDS)

    def marshal(self):
        """As a dict with ``reason`` and ``message``."""
        return {"reason": self.reason, "message": self.message}


@options_class
class SubscribeOptions(Generated):
    """Options of ``session.subscribe()``.

    :param match: ``"exact"`` (default), ``"prefix"`` or ``"wildcard"``.
    :param details: pass ``EventDetails`` to the handler as ``details=``.
    :param details_arg: pass them under this keyword instead.
    :param get_retained: ask the broker for the topic's retained event.
    """

    MESSAGE = "Subscribe"
    FIELDS = (
        F("match", ("exact", "prefix", "wildcard"), message=True),
        F("details", bool, check="details is None or details_arg is None"),
        F("details_arg", str, value='"details" if details else details_arg'),
        _FORWARD,
        F("get_retained", bool, message=True),
        *_CORRELATION,
    )
    __slots__ = slots_of(FIELDS)
    STR = ("match", "details", "details_arg", "get_retained", "forward_for")


@options_class
class EventDetails(Generated):
    """Details of an event handed to a subscriber's handler."""

    FIELDS = (
        F("subscription", None, default=...),
        F("publication", int, default=..., required=True),
        F("publisher", int),
        F("publisher_authid", str),
        F("publisher_authrole", str),
        F("topic", str, show="<>"),
        F("retained", bool),
        F("transaction_hash", str),
        F("enc_algo", str),
        F("forward_for", "forward_for"),
    )
    __slots__ = slots_of(FIELDS)


@options_class
class PublishOptions(Generated):
    """Options of ``session.publish()``.

    :param acknowledge: ask the broker to confirm (``publish`` then returns a Publication).
    :param exclude_me: exclude the publisher from receivers (default: the broker's, True).
    :param exclude, exclude_authid, exclude_authrole: receivers to exclude (one or a list).
    :param eligible, eligible_authid, eligible_authrole: restrict receivers (one or a list).
    :param retain: let the broker keep this event for later subscribers.
    """

    MESSAGE = "Publish"
    FIELDS = (
        F("acknowledge", bool, message=True),
        F("exclude_me", bool, message=True),
        _one_or_list("exclude", int),
        _one_or_list("exclude_authid", str),
        _one_or_list("exclude_authrole", str),
        _one_or_list("eligible", int),
        _one_or_list("eligible_authid", str),
        _one_or_list("eligible_authrole", str),
        F("retain", bool, message=True),
        _FORWARD,
        F("transaction_hash", str, message=True),
        *_CORRELATION,
    )
    __slots__ = slots_of(FIELDS)
    STR = (*(f.name for f in FIELDS[:9]), "transaction_hash", "forward_for")


@options_class
class RegisterOptions(Generated):
    """Options of ``session.register()``.

    :param match: ``"exact"`` (default), ``"prefix"`` or ``"wildcard"``.
    :param invoke: shared registration policy: ``"single"``, ``"first"``, ``"last"``,
        ``"roundrobin"`` or ``"random"``.
    :param concurrency: at most this many invocations in flight.
    :param force_reregister: take over an existing registration of the procedure.
    :param details: pass ``CallDetails`` to the endpoint as ``details=``.
    :param details_arg: pass them under this keyword instead.
    """

    MESSAGE = "Register"
    FIELDS = (
        F("match", ("exact", "prefix", "wildcard"), message=True),
        F("invoke", ("single", "first", "last", "roundrobin", "random"), message=True),
        F("concurrency", int, minimum=1, message=True),
        F("force_reregister", None, check="force_reregister in (None, True, False)", message=True),
        _FORWARD,
        F("details", bool, check="details is None or details_arg is None"),
        F("details_arg", str, value='"details" if details else details_arg'),
        *_CORRELATION,
    )
    __slots__ = slots_of(FIELDS)
    STR = ("match", "invoke", "concurrency", "details", "details_arg", "force_reregister", "forward_for")


@options_class
class CallDetails(Generated):
    """Details of an invocation handed to an endpoint; ``progress`` sends progressive results."""

    FIELDS = (
        F("registration", None, default=...),
        F("progress", "callable"),
        F("caller", int),
        F("caller_authid", str),
        F("caller_authrole", str),
        F("procedure", str, show="<>"),
        F("transaction_hash", str),
        F("enc_algo", str),
        F("forward_for", "forward_for"),
    )
    __slots__ = slots_of(FIELDS)


@options_class
class CallOptions(Generated):
    """Options of ``session.call()``.

    :param on_progress: called with each progressive result (asks for them).
    :param timeout: seconds after which the dealer cancels the call.
    :param details: return a ``CallResult`` with the callee's details.
    """

    MESSAGE = "Call"
    FIELDS = (
        F("on_progress", "callable", key="receive_progress", message="True"),
        F("timeout", None, check="timeout is None or (type(timeout) in (int, float) and timeout > 0)", message=True),
        F("transaction_hash", str, message=True),
        F("caller", int, message=True),
        F("caller_authid", str, message=True),
        F("caller_authrole", str, message=True),
        _FORWARD,
        *_CORRELATION,
        F("details", bool),
    )
    __slots__ = slots_of(FIELDS)


class CallResult:
    """A call's result with more than one value, keyword results, or callee details.

    ``CallResult(1, 2, c=3)``; the keywords ``enc_algo``, ``callee``, ``callee_authid``,
    ``callee_authrole`` and ``forward_for`` are metadata, not results.
    """

    __slots__ = ("results", "kwresults", "enc_algo", "callee", "callee_authid", "callee_authrole", "forward_for")

    def __init__(self, *results, **kwresults):
        enc_algo = kwresults.pop("enc_algo", None)
        callee = kwresults.pop("callee", None)
        callee_authid = kwresults.pop("callee_authid", None)
        callee_authrole = kwresults.pop("callee_authrole", None)
        forward_for = kwresults.pop("forward_for", None)
        assert enc_algo is None or type(enc_algo) is str
        assert callee is None or type(callee) is int
        assert callee_authid is None or type(callee_authid) is str
        assert callee_authrole is None or type(callee_authrole) is str
        _check_forward_for(forward_for)
        self.enc_algo = enc_algo
        self.callee = callee
        self.callee_authid = callee_authid
        self.callee_authrole = callee_authrole
        self.forward_for = forward_for
        self.results = results
        self.kwresults = kwresults

    def __str__(self):
        return (
            f"CallResult(results={self.results}, kwresults={self.kwresults}, enc_algo={self.enc_algo}, "
            f"callee={self.callee}, callee_authid={self.callee_authid}, callee_authrole={self.callee_authrole}, "
            f"forward_for={self.forward_for})"
        )


class EncodedPayload:
    """An application payload already encoded (and possibly encrypted): WAMP payload transparency."""

    __slots__ = ("payload", "enc_algo", "enc_serializer", "enc_key")

    def __init__(self, payload, enc_algo, enc_serializer=None, enc_key=None):
        assert type(payload) is bytes
        assert type(enc_algo) is str
        assert enc_serializer is None or type(enc_serializer) is str
        assert enc_key is None or type(enc_key) is str
        self.payload = payload
        self.enc_algo = enc_algo
        self.enc_serializer = enc_serializer
        self.enc_key = enc_key


class IPublication:
    """A publication, as returned by an acknowledged publish."""

    def id(self):
        """The publication ID the broker assigned."""


class ISubscription:
    """A subscription, as returned by ``subscribe``."""

    def id(self):
        """The subscription ID the broker assigned."""

    def active(self):
        """Whether the subscription is still active."""

    def unsubscribe(self):
        """Unsubscribe."""


class IRegistration:
    """A registration, as returned by ``register``."""

    def id(self):
        """The registration ID the dealer assigned."""

    def active(self):
        """Whether the registration is still active."""

    def unregister(self):
        """Unregister."""


def _name_of(names: dict[int, str], code: int | None) -> str | None:
    return None if code is None else names.get(code)


def _parse_typed(data: dict, name: str, kind: type, article: str):
    value = data.get(name)
    if value is not None and type(value) is not kind:
        raise ValueError(f'"{name}" must be {article}, was {type(value)}')
    return value


# Field -> its type in the marshalled dict (None: parsed on its own); the articles name the
# types in parse's errors.
_TRANSPORT_FIELDS = {
    "channel_type": None,
    "channel_framing": None,
    "channel_serializer": None,
    "own": str,
    "peer": str,
    "is_server": bool,
    "own_pid": int,
    "own_tid": int,
    "own_fd": int,
    "is_secure": bool,
    "channel_id": None,
    "peer_cert": None,
    "websocket_protocol": str,
    "websocket_extensions_in_use": list,
    "http_headers_received": dict,
    "http_headers_sent": dict,
    "http_cbtid": str,
}
_ARTICLES = {str: "a string", bool: "a bool", int: "an int", dict: "a dict", list: "a list of strings"}


class TransportDetails(SlotEquality):
    """Facts about the transport a session runs on: channel type, framing and serializer,
    the endpoints, TLS channel binding (``channel_id``), the WebSocket handshake."""

    __slots__ = tuple("_" + name for name in _TRANSPORT_FIELDS)

    CHANNEL_TYPE_NONE = 0
    CHANNEL_TYPE_FUNCTION = 1
    CHANNEL_TYPE_MEMORY = 2
    CHANNEL_TYPE_SERIAL = 3
    CHANNEL_TYPE_TCP = 4
    CHANNEL_TYPE_TLS = 5
    CHANNEL_TYPE_UDP = 6
    CHANNEL_TYPE_DTLS = 7

    CHANNEL_TYPE_TO_STR = {
        CHANNEL_TYPE_NONE: "null",
        CHANNEL_TYPE_FUNCTION: "function",
        CHANNEL_TYPE_MEMORY: "memory",
        CHANNEL_TYPE_SERIAL: "serial",
        CHANNEL_TYPE_TCP: "tcp",
        CHANNEL_TYPE_TLS: "tls",
        CHANNEL_TYPE_UDP: "udp",
        CHANNEL_TYPE_DTLS: "dtls",
    }
    CHANNEL_TYPE_FROM_STR = {v: k for k, v in CHANNEL_TYPE_TO_STR.items()}

    CHANNEL_FRAMING_NONE = 0
    CHANNEL_FRAMING_NATIVE = 1
    CHANNEL_FRAMING_WEBSOCKET = 2
    CHANNEL_FRAMING_RAWSOCKET = 3

    CHANNEL_FRAMING_TO_STR = {
        CHANNEL_FRAMING_NONE: "null",
        CHANNEL_FRAMING_NATIVE: "native",
        CHANNEL_FRAMING_WEBSOCKET: "websocket",
        CHANNEL_FRAMING_RAWSOCKET: "rawsocket",
    }
    CHANNEL_FRAMING_FROM_STR = {v: k for k, v in CHANNEL_FRAMING_TO_STR.items()}

    CHANNEL_SERIALIZER_NONE = 0
    CHANNEL_SERIALIZER_JSON = 1
    CHANNEL_SERIALIZER_MSGPACK = 2
    CHANNEL_SERIALIZER_CBOR = 3
    CHANNEL_SERIALIZER_UBJSON = 4
    CHANNEL_SERIALIZER_FLATBUFFERS = 5

    CHANNEL_SERIALIZER_TO_STR = {
        CHANNEL_SERIALIZER_NONE: "null",
        CHANNEL_SERIALIZER_JSON: "json",
        CHANNEL_SERIALIZER_MSGPACK: "msgpack",
        CHANNEL_SERIALIZER_CBOR: "cbor",
        CHANNEL_SERIALIZER_UBJSON: "ubjson",
        CHANNEL_SERIALIZER_FLATBUFFERS: "flatbuffers",
    }
    CHANNEL_SERIALIZER_FROM_STR = {v: k for k, v in CHANNEL_SERIALIZER_TO_STR.items()}

    def __init__(
        self,
        channel_type: int | None = None,
        channel_framing: int | None = None,
        channel_serializer: int | None = None,
        own: str | None = None,
        peer: str | None = None,
        is_server: bool | None = None,
        own_pid: int | None = None,
        own_tid: int | None = None,
        own_fd: int | None = None,
        is_secure: bool | None = None,
        channel_id: dict[str, bytes] | None = None,
        peer_cert: dict[str, Any] | None = None,
        websocket_protocol: str | None = None,
        websocket_extensions_in_use: list[str] | None = None,
        http_headers_received: dict[str, Any] | None = None,
        http_headers_sent: dict[str, Any] | None = None,
        http_cbtid: str | None = None,
    ):
        self._channel_type = channel_type
        self._channel_framing = channel_framing
        self._channel_serializer = channel_serializer
        self._own = own
        self._peer = peer
        self._is_server = is_server
        self._own_pid = own_pid
        self._own_tid = own_tid
        self._own_fd = own_fd
        self._is_secure = is_secure
        self._channel_id = channel_id
        self._peer_cert = peer_cert
        self._websocket_protocol = websocket_protocol
        self._websocket_extensions_in_use = websocket_extensions_in_use
        self._http_headers_received = http_headers_received
        self._http_headers_sent = http_headers_sent
        self._http_cbtid = http_cbtid

    @staticmethod
    def parse(data: dict[str, Any]) -> TransportDetails:
        """From the dict :meth:`marshal` makes; raises ``ValueError`` on a wrong type or value."""
        assert type(data) is dict
        obj = TransportDetails()
        for name, table in (
            ("channel_type", TransportDetails.CHANNEL_TYPE_FROM_STR),
            ("channel_framing", TransportDetails.CHANNEL_FRAMING_FROM_STR),
            ("channel_serializer", TransportDetails.CHANNEL_SERIALIZER_FROM_STR),
        ):
            value = data.get(name)
            if value is not None:
                if type(value) is not str or value not in table:
                    raise ValueError(f'invalid "{name}", was type {type(value)} (value {value})')
                setattr(obj, "_" + name, table[value])
        for name, kind in _TRANSPORT_FIELDS.items():
            if kind is not None:
                article = "a map of strings" if name.startswith("http_headers") else _ARTICLES[kind]
                setattr(obj, "_" + name, _parse_typed(data, name, kind, article))
        channel_id = _parse_typed(data, "channel_id", dict, "a dict")
        if channel_id is not None:
            obj._channel_id = {}
            for binding_type, binding_id_hex in channel_id.items():
                if binding_type != "tls-unique":
                    raise ValueError(f'invalid binding type "{binding_type}" in "channel_id" map')
                if type(binding_id_hex) is not str or len(binding_id_hex) != 64:
                    raise ValueError(f'invalid binding ID "{binding_id_hex}" in "channel_id" map')
                obj._channel_id[binding_type] = a2b_hex(binding_id_hex)
        return obj

    def marshal(self) -> dict[str, Any]:
        """As a dict of plain values (channel type, framing and serializer by name)."""
        data = {name: getattr(self, "_" + name) for name in _TRANSPORT_FIELDS}
        data["channel_type"] = _name_of(self.CHANNEL_TYPE_TO_STR, self._channel_type)
        data["channel_framing"] = _name_of(self.CHANNEL_FRAMING_TO_STR, self._channel_framing)
        data["channel_serializer"] = _name_of(self.CHANNEL_SERIALIZER_TO_STR, self._channel_serializer)
        return data

    def __str__(self) -> str:
        return pformat(self.marshal())

    @property
    def channel_typeid(self):
        """``"<type>-<framing>-<serializer>"``, e.g. ``"tcp-websocket-json"``."""
        kind = self.CHANNEL_TYPE_TO_STR[self._channel_type or 0]
        framing = self.CHANNEL_FRAMING_TO_STR[self._channel_framing or 0]
        serializer = self.CHANNEL_SERIALIZER_TO_STR[self._channel_serializer or 0]
        return f"{kind}-{framing}-{serializer}"


add_slot_properties(TransportDetails, _TRANSPORT_FIELDS, "of these details")


_SESSION_FIELDS = {
    "realm": str,
    "session": int,
    "authid": str,
    "authrole": str,
    "authmethod": str,
    "authprovider": str,
    "authextra": dict,
    "serializer": str,
    "transport": None,
    "resumed": bool,
    "resumable": bool,
    "resume_token": str,
}


class SessionDetails(SlotEquality):
    """Facts about a joined session, handed to ``onJoin``: realm, session ID, authentication,
    serializer and transport."""

    __slots__ = tuple("_" + name for name in _SESSION_FIELDS)

    def __init__(
        self,
        realm: str | None = None,
        session: int | None = None,
        authid: str | None = None,
        authrole: str | None = None,
        authmethod: str | None = None,
        authprovider: str | None = None,
        authextra: dict[str, Any] | None = None,
        serializer: str | None = None,
        transport: TransportDetails | None = None,
        resumed: bool | None = None,
        resumable: bool | None = None,
        resume_token: str | None = None,
    ):
        self._realm = realm
        self._session = session
        self._authid = authid
        self._authrole = authrole
        self._authmethod = authmethod
        self._authprovider = authprovider
        self._authextra = authextra
        self._serializer = serializer
        self._transport = transport
        self._resumed = resumed
        self._resumable = resumable
        self._resume_token = resume_token

    @staticmethod
    def parse(data: dict[str, Any]) -> SessionDetails:
        """From the dict :meth:`marshal` makes; raises ``ValueError`` on a wrong type."""
        assert type(data) is dict
        obj = SessionDetails()
        for name, kind in _SESSION_FIELDS.items():
            if kind is not None:
                setattr(obj, "_" + name, _parse_typed(data, name, kind, _ARTICLES[kind]))
        for key in obj._authextra or ():
            if type(key) is not str:
                raise ValueError(f'key "{key}" in authextra must be a string, was {type(key)}')
        if data.get("transport") is not None:
            obj._transport = TransportDetails.parse(data["transport"])
        return obj

    def marshal(self) -> dict[str, Any]:
        """As a dict of plain values (the transport marshalled too)."""
        data = {name: getattr(self, "_" + name) for name in _SESSION_FIELDS}
        data["transport"] = self._transport.marshal() if self._transport else None
        return data

    def __str__(self) -> str:
        return pformat(self.marshal())


add_slot_properties(SessionDetails, _SESSION_FIELDS, "of these details")


# Names autobahn 26.11.1 also has here (programs import them from this module).
from autobahn.util import public  # noqa: E402, F401
