"""Value types of the WAMP API: options an application passes in (``CallOptions``, ...),
details it gets back (``CallDetails``, ``SessionDetails``, ...) and router-side HELLO answers
(``Accept``, ``Deny``, ``Challenge``)."""

from __future__ import annotations

import importlib
from binascii import a2b_hex
from pprint import pformat
from typing import Any

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


def _check_forward_for(forward_for):
    """``forward_for``: a list of ``{"session": int, "authid": str|None, "authrole": str}``."""
    assert forward_for is None or type(forward_for) is list
    for ff in forward_for or ():
        assert type(ff) is dict
        assert "session" in ff and type(ff["session"]) is int
        assert "authid" in ff and (ff["authid"] is None or type(ff["authid"]) is str)
        assert "authrole" in ff and type(ff["authrole"]) is str


def _as_list(value):
    return value if type(value) is list else [value]


class ComponentConfig:
    """Configuration handed to an application component (``ApplicationSession(config)``).

    :param realm: the realm to join.
    :param extra: anything the application wants to pass to its component.
    :param keyring: a payload encryption keyring, if any.
    :param controller: a WAMP session to the component's controller (Crossbar.io).
    :param shared: a dict shared between the components of one container.
    :param runner: the ``ApplicationRunner`` that made this component.
    """

    __slots__ = ("realm", "extra", "keyring", "controller", "shared", "runner")

    def __init__(self, realm=None, extra=None, keyring=None, controller=None, shared=None, runner=None):
        assert realm is None or type(realm) is str
        self.realm = realm
        self.extra = extra
        self.keyring = keyring
        self.controller = controller
        self.shared = shared
        self.runner = runner

    def __str__(self):
        return (
            f"ComponentConfig(realm=<{self.realm}>, extra={self.extra}, keyring={self.keyring}, "
            f"controller={self.controller}, shared={self.shared}, runner={self.runner})"
        )


class HelloReturn:
    """Base class of what a router's ``onHello`` returns: Accept, Deny or Challenge."""


class Accept(HelloReturn):
    """The router accepts the joining session, under these authentication facts."""

    __slots__ = ("realm", "authid", "authrole", "authmethod", "authprovider", "authextra")

    def __init__(
        self,
        realm: str | None = None,
        authid: str | None = None,
        authrole: str | None = None,
        authmethod: str | None = None,
        authprovider: str | None = None,
        authextra: dict[str, Any] | None = None,
    ):
        for value in (realm, authid, authrole, authmethod, authprovider):
            assert value is None or type(value) is str
        assert authextra is None or type(authextra) is dict
        self.realm = realm
        self.authid = authid
        self.authrole = authrole
        self.authmethod = authmethod
        self.authprovider = authprovider
        self.authextra = authextra

    def __str__(self):
        return (
            f"Accept(realm=<{self.realm}>, authid=<{self.authid}>, authrole=<{self.authrole}>, "
            f"authmethod={self.authmethod}, authprovider={self.authprovider}, authextra={self.authextra})"
        )


class Deny(HelloReturn):
    """The router refuses the joining session with an error URI and an optional message."""

    __slots__ = ("reason", "message")

    def __init__(self, reason="wamp.error.not_authorized", message=None):
        assert type(reason) is str
        assert message is None or type(message) is str
        self.reason = reason
        self.message = message

    def __str__(self):
        return f"Deny(reason=<{self.reason}>, message='{self.message}')"


class Challenge(HelloReturn):
    """An authentication challenge: the method (``wampcra``, ``cryptosign``, ...) and its data."""

    __slots__ = ("method", "extra")

    def __init__(self, method, extra=None):
        assert type(method) is str
        assert extra is None or type(extra) is dict
        self.method = method
        self.extra = extra or {}

    def __str__(self):
        return f"Challenge(method={self.method}, extra={self.extra})"


class HelloDetails:
    """What a router learns from a client's HELLO."""

    __slots__ = (
        "realm",
        "authmethods",
        "authid",
        "authrole",
        "authextra",
        "session_roles",
        "pending_session",
        "resumable",
        "resume_session",
        "resume_token",
    )

    def __init__(
        self,
        realm=None,
        authmethods=None,
        authid=None,
        authrole=None,
        authextra=None,
        session_roles=None,
        pending_session=None,
        resumable=None,
        resume_session=None,
        resume_token=None,
    ):
        assert realm is None or type(realm) is str
        assert authmethods is None or (type(authmethods) is list and all(type(x) is str for x in authmethods))
        assert authid is None or type(authid) is str
        assert authrole is None or type(authrole) is str
        assert authextra is None or type(authextra) is dict
        assert pending_session is None or type(pending_session) is int
        assert resumable is None or type(resumable) is bool
        assert resume_session is None or type(resume_session) is int
        assert resume_token is None or type(resume_token) is str
        self.realm = realm
        self.authmethods = authmethods
        self.authid = authid
        self.authrole = authrole
        self.authextra = authextra
        self.session_roles = session_roles
        self.pending_session = pending_session
        self.resumable = resumable
        self.resume_session = resume_session
        self.resume_token = resume_token

    def __str__(self):
        return (
            f"HelloDetails(realm=<{self.realm}>, authmethods={self.authmethods}, authid=<{self.authid}>, "
            f"authrole=<{self.authrole}>, authextra={self.authextra}, session_roles={self.session_roles}, "
            f"pending_session={self.pending_session}, resumable={self.resumable}, "
            f"resume_session={self.resume_session}, resume_token={self.resume_token})"
        )


class SessionIdent:
    """Who a session is: its ID, authid and authrole."""

    __slots__ = ("session", "authid", "authrole")

    def __init__(self, session=None, authid=None, authrole=None):
        assert session is None or type(session) is int
        assert authid is None or type(authid) is str
        assert type(authrole) is str
        self.session = session
        self.authid = authid
        self.authrole = authrole

    def __str__(self):
        return f"SessionIdent(session={self.session}, authid={self.authid}, authrole={self.authrole})"

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


class CloseDetails:
    """Why a session closed: a WAMP reason URI and an optional message."""

    REASON_DEFAULT = "wamp.close.normal"
    REASON_TRANSPORT_LOST = "wamp.close.transport_lost"

    __slots__ = ("reason", "message")

    def __init__(self, reason=None, message=None):
        assert reason is None or type(reason) is str
        assert message is None or type(message) is str
        self.reason = reason
        self.message = message

    def marshal(self):
        """As a dict with ``reason`` and ``message``."""
        return {"reason": self.reason, "message": self.message}

    def __str__(self):
        return f"CloseDetails(reason=<{self.reason}>, message='{self.message}')"


class SubscribeOptions:
    """Options of ``session.subscribe()``.

    :param match: ``"exact"`` (default), ``"prefix"`` or ``"wildcard"``.
    :param details: pass ``EventDetails`` to the handler as ``details=``.
    :param details_arg: pass them under this keyword instead.
    :param get_retained: ask the broker for the topic's retained event.
    """

    __slots__ = (
        "match",
        "details",
        "details_arg",
        "get_retained",
        "forward_for",
        "correlation_id",
        "correlation_uri",
        "correlation_is_anchor",
        "correlation_is_last",
    )

    def __init__(
        self,
        match=None,
        details=None,
        details_arg=None,
        forward_for=None,
        get_retained=None,
        correlation_id=None,
        correlation_uri=None,
        correlation_is_anchor=None,
        correlation_is_last=None,
    ):
        assert match is None or (type(match) is str and match in ("exact", "prefix", "wildcard"))
        assert details is None or (type(details) is bool and details_arg is None)
        assert details_arg is None or type(details_arg) is str
        assert get_retained is None or type(get_retained) is bool
        _check_forward_for(forward_for)
        self.match = match
        self.details = details
        self.details_arg = "details" if details else details_arg
        self.get_retained = get_retained
        self.forward_for = forward_for
        self.correlation_id = correlation_id
        self.correlation_uri = correlation_uri
        self.correlation_is_anchor = correlation_is_anchor
        self.correlation_is_last = correlation_is_last

    def message_attr(self):
        """The keyword arguments these options give to ``message.Subscribe``."""
        options: dict[str, Any] = {}
        if self.match is not None:
            options["match"] = self.match
        if self.get_retained is not None:
            options["get_retained"] = self.get_retained
        if self.forward_for is not None:
            options["forward_for"] = self.forward_for
        return options

    def __str__(self):
        return (
            f"SubscribeOptions(match={self.match}, details={self.details}, details_arg={self.details_arg}, "
            f"get_retained={self.get_retained}, forward_for={self.forward_for})"
        )


class EventDetails:
    """Details of an event handed to a subscriber's handler."""

    __slots__ = (
        "subscription",
        "publication",
        "publisher",
        "publisher_authid",
        "publisher_authrole",
        "topic",
        "retained",
        "transaction_hash",
        "enc_algo",
        "forward_for",
    )

    def __init__(
        self,
        subscription,
        publication,
        publisher=None,
        publisher_authid=None,
        publisher_authrole=None,
        topic=None,
        retained=None,
        transaction_hash=None,
        enc_algo=None,
        forward_for=None,
    ):
        assert type(publication) is int
        assert publisher is None or type(publisher) is int
        assert publisher_authid is None or type(publisher_authid) is str
        assert publisher_authrole is None or type(publisher_authrole) is str
        assert topic is None or type(topic) is str
        assert retained is None or type(retained) is bool
        assert transaction_hash is None or type(transaction_hash) is str
        assert enc_algo is None or type(enc_algo) is str
        _check_forward_for(forward_for)
        self.subscription = subscription
        self.publication = publication
        self.publisher = publisher
        self.publisher_authid = publisher_authid
        self.publisher_authrole = publisher_authrole
        self.topic = topic
        self.retained = retained
        self.transaction_hash = transaction_hash
        self.enc_algo = enc_algo
        self.forward_for = forward_for

    def __str__(self):
        return (
            f"EventDetails(subscription={self.subscription}, publication={self.publication}, "
            f"publisher={self.publisher}, publisher_authid={self.publisher_authid}, "
            f"publisher_authrole={self.publisher_authrole}, topic=<{self.topic}>, retained={self.retained}, "
            f"transaction_hash={self.transaction_hash}, enc_algo={self.enc_algo}, forward_for={self.forward_for})"
        )


# PublishOptions that take one value or a list; messages always carry lists.
_PUBLISH_RECEIVER_LISTS = (
    "exclude",
    "exclude_authid",
    "exclude_authrole",
    "eligible",
    "eligible_authid",
    "eligible_authrole",
)


class PublishOptions:
    """Options of ``session.publish()``.

    :param acknowledge: ask the broker to confirm (``publish`` then returns a Publication).
    :param exclude_me: exclude the publisher from receivers (default: the broker's, True).
    :param exclude, exclude_authid, exclude_authrole: receivers to exclude (one or a list).
    :param eligible, eligible_authid, eligible_authrole: restrict receivers (one or a list).
    :param retain: let the broker keep this event for later subscribers.
    """

    __slots__ = (
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
        "forward_for",
        "correlation_id",
        "correlation_uri",
        "correlation_is_anchor",
        "correlation_is_last",
    )

    def __init__(
        self,
        acknowledge=None,
        exclude_me=None,
        exclude=None,
        exclude_authid=None,
        exclude_authrole=None,
        eligible=None,
        eligible_authid=None,
        eligible_authrole=None,
        retain=None,
        forward_for=None,
        transaction_hash=None,
        correlation_id=None,
        correlation_uri=None,
        correlation_is_anchor=None,
        correlation_is_last=None,
    ):
        assert acknowledge is None or type(acknowledge) is bool
        assert exclude_me is None or type(exclude_me) is bool
        for value, kind in (
            (exclude, int),
            (exclude_authid, str),
            (exclude_authrole, str),
            (eligible, int),
            (eligible_authid, str),
            (eligible_authrole, str),
        ):
            assert value is None or type(value) is kind or (type(value) is list and all(type(x) is kind for x in value))
        assert retain is None or type(retain) is bool
        assert transaction_hash is None or type(transaction_hash) is str
        _check_forward_for(forward_for)
        self.acknowledge = acknowledge
        self.exclude_me = exclude_me
        self.exclude = exclude
        self.exclude_authid = exclude_authid
        self.exclude_authrole = exclude_authrole
        self.eligible = eligible
        self.eligible_authid = eligible_authid
        self.eligible_authrole = eligible_authrole
        self.retain = retain
        self.transaction_hash = transaction_hash
        self.forward_for = forward_for
        self.correlation_id = correlation_id
        self.correlation_uri = correlation_uri
        self.correlation_is_anchor = correlation_is_anchor
        self.correlation_is_last = correlation_is_last

    def message_attr(self):
        """The keyword arguments these options give to ``message.Publish`` (single values as lists)."""
        options: dict[str, Any] = {}
        for name in ("acknowledge", "exclude_me"):
            if getattr(self, name) is not None:
                options[name] = getattr(self, name)
        for name in _PUBLISH_RECEIVER_LISTS:
            if getattr(self, name) is not None:
                options[name] = _as_list(getattr(self, name))
        for name in ("retain", "transaction_hash", "forward_for"):
            if getattr(self, name) is not None:
                options[name] = getattr(self, name)
        return options

    def __str__(self):
        return (
            f"PublishOptions(acknowledge={self.acknowledge}, exclude_me={self.exclude_me}, exclude={self.exclude}, "
            f"exclude_authid={self.exclude_authid}, exclude_authrole={self.exclude_authrole}, "
            f"eligible={self.eligible}, eligible_authid={self.eligible_authid}, "
            f"eligible_authrole={self.eligible_authrole}, retain={self.retain}, "
            f"transaction_hash={self.transaction_hash}, forward_for={self.forward_for})"
        )


class RegisterOptions:
    """Options of ``session.register()``.

    :param match: ``"exact"`` (default), ``"prefix"`` or ``"wildcard"``.
    :param invoke: shared registration policy: ``"single"``, ``"first"``, ``"last"``,
        ``"roundrobin"`` or ``"random"``.
    :param concurrency: at most this many invocations in flight.
    :param force_reregister: take over an existing registration of the procedure.
    :param details: pass ``CallDetails`` to the endpoint as ``details=``.
    :param details_arg: pass them under this keyword instead.
    """

    __slots__ = (
        "match",
        "invoke",
        "concurrency",
        "force_reregister",
        "forward_for",
        "details",
        "details_arg",
        "correlation_id",
        "correlation_uri",
        "correlation_is_anchor",
        "correlation_is_last",
    )

    def __init__(
        self,
        match=None,
        invoke=None,
        concurrency=None,
        force_reregister=None,
        forward_for=None,
        details=None,
        details_arg=None,
        correlation_id=None,
        correlation_uri=None,
        correlation_is_anchor=None,
        correlation_is_last=None,
    ):
        assert match is None or (type(match) is str and match in ("exact", "prefix", "wildcard"))
        assert invoke is None or (type(invoke) is str and invoke in ("single", "first", "last", "roundrobin", "random"))
        assert concurrency is None or (type(concurrency) is int and concurrency > 0)
        assert details is None or (type(details) is bool and details_arg is None)
        assert details_arg is None or type(details_arg) is str
        assert force_reregister in (None, True, False)
        _check_forward_for(forward_for)
        self.match = match
        self.invoke = invoke
        self.concurrency = concurrency
        self.force_reregister = force_reregister
        self.forward_for = forward_for
        self.details = details
        self.details_arg = "details" if details else details_arg
        self.correlation_id = correlation_id
        self.correlation_uri = correlation_uri
        self.correlation_is_anchor = correlation_is_anchor
        self.correlation_is_last = correlation_is_last

    def message_attr(self):
        """The keyword arguments these options give to ``message.Register``."""
        return {
            name: getattr(self, name)
            for name in ("match", "invoke", "concurrency", "force_reregister", "forward_for")
            if getattr(self, name) is not None
        }

    def __str__(self):
        return (
            f"RegisterOptions(match={self.match}, invoke={self.invoke}, concurrency={self.concurrency}, "
            f"details={self.details}, details_arg={self.details_arg}, force_reregister={self.force_reregister}, "
            f"forward_for={self.forward_for})"
        )


class CallDetails:
    """Details of an invocation handed to an endpoint; ``progress`` sends progressive results."""

    __slots__ = (
        "registration",
        "progress",
        "caller",
        "caller_authid",
        "caller_authrole",
        "procedure",
        "transaction_hash",
        "enc_algo",
        "forward_for",
    )

    def __init__(
        self,
        registration,
        progress=None,
        caller=None,
        caller_authid=None,
        caller_authrole=None,
        procedure=None,
        transaction_hash=None,
        enc_algo=None,
        forward_for=None,
    ):
        assert progress is None or callable(progress)
        assert caller is None or type(caller) is int
        assert caller_authid is None or type(caller_authid) is str
        assert caller_authrole is None or type(caller_authrole) is str
        assert procedure is None or type(procedure) is str
        assert transaction_hash is None or type(transaction_hash) is str
        assert enc_algo is None or type(enc_algo) is str
        _check_forward_for(forward_for)
        self.registration = registration
        self.progress = progress
        self.caller = caller
        self.caller_authid = caller_authid
        self.caller_authrole = caller_authrole
        self.procedure = procedure
        self.transaction_hash = transaction_hash
        self.enc_algo = enc_algo
        self.forward_for = forward_for

    def __str__(self):
        return (
            f"CallDetails(registration={self.registration}, progress={self.progress}, caller={self.caller}, "
            f"caller_authid={self.caller_authid}, caller_authrole={self.caller_authrole}, "
            f"procedure=<{self.procedure}>, transaction_hash={self.transaction_hash}, enc_algo={self.enc_algo}, "
            f"forward_for={self.forward_for})"
        )


class CallOptions:
    """Options of ``session.call()``.

    :param on_progress: called with each progressive result (asks for them).
    :param timeout: seconds after which the dealer cancels the call.
    :param details: return a ``CallResult`` with the callee's details.
    """

    __slots__ = (
        "on_progress",
        "timeout",
        "transaction_hash",
        "caller",
        "caller_authid",
        "caller_authrole",
        "forward_for",
        "correlation_id",
        "correlation_uri",
        "correlation_is_anchor",
        "correlation_is_last",
        "details",
    )

    def __init__(
        self,
        on_progress=None,
        timeout=None,
        transaction_hash=None,
        caller=None,
        caller_authid=None,
        caller_authrole=None,
        forward_for=None,
        correlation_id=None,
        correlation_uri=None,
        correlation_is_anchor=None,
        correlation_is_last=None,
        details=None,
    ):
        assert on_progress is None or callable(on_progress)
        assert timeout is None or (type(timeout) in (int, float) and timeout > 0)
        assert transaction_hash is None or type(transaction_hash) is str
        assert details is None or type(details) is bool
        assert caller is None or type(caller) is int
        assert caller_authid is None or type(caller_authid) is str
        assert caller_authrole is None or type(caller_authrole) is str
        _check_forward_for(forward_for)
        self.on_progress = on_progress
        self.timeout = timeout
        self.transaction_hash = transaction_hash
        self.caller = caller
        self.caller_authid = caller_authid
        self.caller_authrole = caller_authrole
        self.forward_for = forward_for
        self.details = details
        self.correlation_id = correlation_id
        self.correlation_uri = correlation_uri
        self.correlation_is_anchor = correlation_is_anchor
        self.correlation_is_last = correlation_is_last

    def message_attr(self):
        """The keyword arguments these options give to ``message.Call``."""
        options: dict[str, Any] = {}
        if self.timeout is not None:
            options["timeout"] = self.timeout
        if self.on_progress is not None:
            options["receive_progress"] = True
        for name in ("transaction_hash", "forward_for", "caller", "caller_authid", "caller_authrole"):
            if getattr(self, name) is not None:
                options[name] = getattr(self, name)
        return options

    def __str__(self):
        return (
            f"CallOptions(on_progress={self.on_progress}, timeout={self.timeout}, "
            f"transaction_hash={self.transaction_hash}, caller={self.caller}, caller_authid={self.caller_authid}, "
            f"caller_authrole={self.caller_authrole}, forward_for={self.forward_for}, details={self.details})"
        )


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


_TRANSPORT_FIELDS = (
    "channel_type",
    "channel_framing",
    "channel_serializer",
    "own",
    "peer",
    "is_server",
    "own_pid",
    "own_tid",
    "own_fd",
    "is_secure",
    "channel_id",
    "peer_cert",
    "websocket_protocol",
    "websocket_extensions_in_use",
    "http_headers_received",
    "http_headers_sent",
    "http_cbtid",
)


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
        for name, kind, article in (
            ("own", str, "a string"),
            ("peer", str, "a string"),
            ("is_server", bool, "a bool"),
            ("own_pid", int, "an int"),
            ("own_tid", int, "an int"),
            ("own_fd", int, "an int"),
            ("is_secure", bool, "a bool"),
            ("websocket_protocol", str, "a string"),
            ("websocket_extensions_in_use", list, "a list of strings"),
            ("http_headers_received", dict, "a map of strings"),
            ("http_headers_sent", dict, "a map of strings"),
            ("http_cbtid", str, "a string"),
        ):
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


_SESSION_FIELDS = (
    "realm",
    "session",
    "authid",
    "authrole",
    "authmethod",
    "authprovider",
    "authextra",
    "serializer",
    "transport",
    "resumed",
    "resumable",
    "resume_token",
)


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
        for name, kind, article in (
            ("realm", str, "a string"),
            ("session", int, "an int"),
            ("authid", str, "a string"),
            ("authrole", str, "a string"),
            ("authmethod", str, "a string"),
            ("authprovider", str, "a string"),
            ("authextra", dict, "a dict"),
            ("serializer", str, "a string"),
            ("resumed", bool, "a bool"),
            ("resumable", bool, "a bool"),
            ("resume_token", str, "a string"),
        ):
            setattr(obj, "_" + name, _parse_typed(data, name, kind, article))
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
