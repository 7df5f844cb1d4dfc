"""The WAMP client session, independent of the networking framework.

:class:`ApplicationSession` speaks the WAMP basic and advanced profile over any
:class:`~autobahn.wamp.interfaces.ITransport`: the transport hands it parsed messages
(``onMessage``) and it sends messages back (``transport.send``). Futures come from txaio, so the
same class serves asyncio and Twisted (``autobahn.asyncio.wamp`` / ``autobahn.twisted.wamp``
select the framework).

Anything the router sends that breaks the protocol (an answer to no request, an event for no
subscription, a message that is not allowed in the session's state, a malformed message found by
the transport) aborts the session with ``wamp.error.protocol_violation`` and closes the
transport; it is never raised into the event loop.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from functools import reduce
from typing import Any, Union

import txaio

from autobahn.wamp import message, role, types, uri
from autobahn.wamp.exception import (
    ApplicationError,
    ProtocolError,
    SerializationError,
    TransportLost,
    TypeCheckError,
)
from autobahn.wamp.interfaces import IAuthenticator, IPayloadCodec, ISession, ITransport
from autobahn.wamp.request import (
    CallRequest,
    Endpoint,
    Handler,
    InvocationRequest,
    Publication,
    PublishRequest,
    RegisterRequest,
    Registration,
    SubscribeRequest,
    Subscription,
    UnregisterRequest,
    UnsubscribeRequest,
)
from autobahn.wamp.types import CallResult, Challenge, CloseDetails, EncodedPayload, SessionDetails

__all__ = ("ApplicationSession", "ApplicationSessionFactory", "BaseSession")

# The request kinds of the tracker: the WAMP message type of the request (what an ERROR names).
_PUBLISH = message.Publish.MESSAGE_TYPE
_SUBSCRIBE = message.Subscribe.MESSAGE_TYPE
_UNSUBSCRIBE = message.Unsubscribe.MESSAGE_TYPE
_CALL = message.Call.MESSAGE_TYPE
_REGISTER = message.Register.MESSAGE_TYPE
_UNREGISTER = message.Unregister.MESSAGE_TYPE

# WAMP ids are drawn from [1, 2^53] (the range a JSON number carries exactly).
_MAX_ID = 2**53
PROTOCOL_VIOLATION = "wamp.error.protocol_violation"


def is_method_or_function(f) -> bool:
    return inspect.ismethod(f) or inspect.isfunction(f)


class _RequestIds:
    """Session-scope request ids: 1, 2, 3, ... wrapping at 2^53 (WAMP spec, "IDs")."""

    __slots__ = ("_next",)

    def __init__(self) -> None:
        self._next = 0

    def next(self) -> int:
        self._next = self._next + 1 if self._next < _MAX_ID else 1
        return self._next


class _RequestTracker:
    """The session's outstanding requests of every kind (PUBLISH with acknowledge, SUBSCRIBE,
    UNSUBSCRIBE, CALL, REGISTER, UNREGISTER): one table keyed by request id (ids are session-wide),
    each entry remembering its kind (the request's WAMP message type), so that an answer of the
    wrong kind, or to no request, is a protocol violation, and one place hands them all back when
    the transport goes. The futures stay with the session (``request.on_reply``): cancellation is
    the future's canceller (a call sends CANCEL while it is still here), progressive results read
    the call's entry without closing it (:meth:`get`).
    """

    __slots__ = ("_ids", "_pending")

    def __init__(self, ids: _RequestIds) -> None:
        self._ids = ids
        self._pending: dict[int, tuple[int, Any]] = {}

    def next_id(self) -> int:
        return self._ids.next()

    def add(self, kind: int, request) -> None:
        """Track ``request`` (an :mod:`autobahn.wamp.request` object) until it is answered."""
        self._pending[request.request_id] = (kind, request)

    def __contains__(self, request_id: int) -> bool:
        return request_id in self._pending

    def __len__(self) -> int:
        return len(self._pending)

    def discard(self, request_id: int) -> None:
        """Forget a request that could not be sent."""
        self._pending.pop(request_id, None)

    def get(self, kind: int, request_id: int, answer: str):
        """The request of ``kind`` that ``answer`` (a message name) answers, left open (progressive results)."""
        entry = self._pending.get(request_id)
        if entry is None or entry[0] != kind:
            raise ProtocolError(f"{answer} received for non-pending request ID {request_id}")
        return entry[1]

    def close(self, kind: int, request_id: int, answer: str):
        """Take out the request of ``kind`` that ``answer`` answers."""
        entry = self._pending.get(request_id)
        if entry is None or entry[0] != kind:
            raise ProtocolError(f"{answer} received for non-pending request ID {request_id}")
        del self._pending[request_id]
        return entry[1]

    def close_by_error(self, request_type: int, request_id: int):
        """Take out the request an ERROR answers (the request's type must match)."""
        entry = self._pending.get(request_id)
        if entry is None or entry[0] != request_type:
            raise ProtocolError(
                f"ERROR received for non-pending request_type {request_type} and request ID {request_id}"
            )
        del self._pending[request_id]
        return entry[1]

    def take_all(self) -> list:
        """Every outstanding request, none left tracked (the transport is gone)."""
        outstanding = [request for _, request in self._pending.values()]
        self._pending.clear()
        return outstanding


class _Observable:
    """``on``/``off``/``fire`` for the session's life-cycle events (autobahn's ObservableMixin API)."""

    # The futures API: txaio's global choice here; the framework modules' classes pin theirs, so that an
    # asyncio session works in a process where something chose Twisted first (and the other way round).
    _txaio: Any = txaio

    _valid_events: list[str] | None = None
    _listeners: dict[str, list[Callable]] | None = None

    def set_valid_events(self, valid_events: list[str] | None = None) -> None:
        self._valid_events = list(valid_events) if valid_events else None

    def _check_event(self, event: str) -> None:
        if self._valid_events is not None and event not in self._valid_events:
            raise Exception(f"Invalid event '{event}'; expected one of: {', '.join(self._valid_events)}")

    def on(self, event: str, handler: Callable) -> None:
        """Call ``handler`` when ``event`` fires (it may return a future; ``fire`` waits for it)."""
        self._check_event(event)
        if self._listeners is None:
            self._listeners = {}
        self._listeners.setdefault(event, []).append(handler)

    def off(self, event: str | None = None, handler: Callable | None = None) -> None:
        """Remove one handler, every handler of one event, or every handler."""
        if self._listeners is None:
            return
        if event is None:
            self._listeners = {}
            return
        self._check_event(event)
        if handler is None:
            self._listeners.pop(event, None)
        elif handler in self._listeners.get(event, []):
            self._listeners[event].remove(handler)

    _parent: _Observable | None = None  # a Component: sees every event of its sessions too

    def fire(self, event: str, *args, **kwargs):
        """Call every handler of ``event`` (then the parent's); a future that resolves when all have finished."""
        handlers = list((self._listeners or {}).get(event, ()))
        futures = [self._txaio.as_future(h, *args, **kwargs) for h in handlers]
        if self._parent is not None:
            futures.append(self._parent.fire(event, *args, **kwargs))
        if not futures:
            return self._txaio.create_future_success(None)
        return self._txaio.gather(futures, consume_exceptions=False)


def _payload_args(args, kwargs) -> tuple[tuple, dict]:
    return (tuple(args) if args else ()), (dict(kwargs) if kwargs else {})


# URIs that passed the session's (loose) check, by whether empty components were allowed: an
# application uses a few URIs over and over. Bounded: emptied when full.
_CHECKED_URIS: dict[tuple[str, bool], bool] = {}
_CHECKED_URIS_MAX = 4096


def _check_uri(value: str, session, action: str, allow_empty: bool) -> None:
    """InvalidUriError naming ``<session class>.<action>()`` unless ``value`` is a valid (loose) URI."""
    key = (value, allow_empty) if type(value) is str else None
    if key in _CHECKED_URIS:
        return
    message.check_or_raise_uri(
        value, message=f"{type(session).__name__}.{action}()", strict=False, allow_empty_components=allow_empty
    )
    if key is not None:
        if len(_CHECKED_URIS) >= _CHECKED_URIS_MAX:
            _CHECKED_URIS.clear()
        _CHECKED_URIS[key] = True


def _returned(value):
    """``value`` itself (hands a handler's coroutine or future to ``txaio.as_future``)."""
    return value


def _copy_correlation(options, msg) -> None:
    for name in ("correlation_id", "correlation_uri", "correlation_is_anchor", "correlation_is_last"):
        value = getattr(options, name, None)
        if value is not None:
            setattr(msg, name, value)


class BaseSession(_Observable):
    """State and helpers every WAMP session has (implements :class:`~autobahn.wamp.interfaces.ISession` partly)."""

    log = None

    def __init__(self):
        self.log = txaio.make_logger()
        self.set_valid_events(["join", "leave", "ready", "connect", "disconnect"])
        # include a remote traceback in errors from our endpoints (kwargs["traceback"])
        self.traceback_app = False
        self._ecls_to_uri_pat: dict[Any, list[uri.Pattern]] = {}
        self._uri_to_ecls: dict[str, Any] = {
            ApplicationError.INVALID_PAYLOAD: SerializationError,
            ApplicationError.PAYLOAD_SIZE_EXCEEDED: _payload_exceeded_class(),
        }
        self._transport: ITransport | None = None
        self._realm: str | None = None
        self._session_id: int | None = None
        self._authid: str | None = None
        self._authrole: str | None = None
        self._authmethod: str | None = None
        self._authprovider: str | None = None
        self._authextra: dict[str, Any] | None = None
        self._session_roles: dict[str, role.RoleFeatures] = role.DEFAULT_CLIENT_ROLES
        self._router_roles: dict[str, Any] = {}
        self._session_details: SessionDetails | None = None
        self._payload_codec: IPayloadCodec | None = None
        self._request_id_gen = _RequestIds()

    @property
    def transport(self) -> ITransport | None:
        """The WAMP transport (for Twisted sessions this is not the Twisted protocol's ``transport``)."""
        return self._transport

    def is_connected(self) -> bool:
        return self._transport is not None and self._transport.isOpen()

    def is_attached(self) -> bool:
        return self._session_id is not None and self.is_connected()

    @property
    def session_details(self) -> SessionDetails | None:
        return self._session_details

    @property
    def realm(self) -> str | None:
        return self._realm

    @property
    def session_id(self) -> int | None:
        return self._session_id

    @property
    def authid(self) -> str | None:
        return self._authid

    @property
    def authrole(self) -> str | None:
        return self._authrole

    @property
    def authmethod(self) -> str | None:
        return self._authmethod

    @property
    def authprovider(self) -> str | None:
        return self._authprovider

    @property
    def authextra(self) -> dict[str, Any] | None:
        return self._authextra

    def define(self, exception: Exception, error: str | None = None):
        """Map an exception class to an error URI: raised in our endpoints it is sent with that URI, and an
        ERROR with that URI arrives as that class. Without ``error`` the class must carry ``@wamp.error``."""
        patterns = getattr(exception, "_wampuris", None)
        if error is None:
            if not patterns:
                raise RuntimeError('cannot define WAMP exception from class with no decoration ("_wampuris" unset)')
            self._ecls_to_uri_pat[exception] = patterns
            self._uri_to_ecls[patterns[0].uri()] = exception
        else:
            if patterns:
                raise RuntimeError(
                    'cannot define WAMP exception: error URI is explicit, but class is decorated ("_wampuris" set'
                )
            self._ecls_to_uri_pat[exception] = [uri.Pattern(error, uri.Pattern.URI_TARGET_HANDLER)]
            self._uri_to_ecls[error] = exception

    def _message_from_exception(self, request_type, request, exc, tb=None, enc_algo=None):
        """The ERROR message that reports ``exc`` (raised by one of our endpoints) to the router."""
        args = list(exc.args) if getattr(exc, "args", None) is not None else None
        kwargs = getattr(exc, "kwargs", None)
        if tb:
            kwargs = {**(kwargs or {}), "traceback": tb}
        if isinstance(exc, ApplicationError):
            error = exc.error
        elif exc.__class__ in self._ecls_to_uri_pat:
            error = self._ecls_to_uri_pat[exc.__class__][0].uri()
        else:
            error = "wamp.error.runtime_error"
        encoded = self._payload_codec.encode(False, error, args, kwargs) if self._payload_codec else None
        if encoded:
            return message.Error(
                request_type,
                request,
                error,
                payload=encoded.payload,
                enc_algo=encoded.enc_algo,
                enc_key=encoded.enc_key,
                enc_serializer=encoded.enc_serializer,
            )
        return message.Error(request_type, request, error, args, kwargs)

    def _decode_payload(self, msg, uri_: str, is_originating: bool, what: str):
        """Decrypt ``msg``'s transparent payload in place; an ApplicationError when that fails, else None."""
        if not msg.enc_algo:
            return None
        if not self._payload_codec:
            return ApplicationError(
                ApplicationError.ENC_NO_PAYLOAD_CODEC, f"received encoded {what} payload, but no payload codec active"
            )
        try:
            encoded = EncodedPayload(msg.payload, msg.enc_algo, msg.enc_serializer, msg.enc_key)
            decoded_uri, msg.args, msg.kwargs = self._payload_codec.decode(is_originating, uri_, encoded)
        except Exception as e:
            return ApplicationError(ApplicationError.ENC_DECRYPT_ERROR, f"failed to decrypt {what} payload: {e}")
        if decoded_uri != uri_:
            return ApplicationError(
                ApplicationError.ENC_TRUSTED_URI_MISMATCH,
                f"URI within encrypted {what} payload ('{decoded_uri}') does not match the envelope ('{uri_}')",
            )
        return None

    def _exception_from_message(self, msg):
        """The exception an ERROR message stands for: a class from :meth:`define`, else ApplicationError."""
        enc_err = self._decode_payload(msg, msg.error, True, "error")
        if enc_err:
            return enc_err
        args, kwargs = _payload_args(msg.args, msg.kwargs)
        exc = None
        ecls = self._uri_to_ecls.get(msg.error)
        if ecls is not None:
            try:
                exc = ecls(*args, **kwargs)
            except Exception:
                # the class cannot be built from these args: report it, fall back to ApplicationError
                self._swallow_error(self._txaio.create_failure(), "While re-constructing exception")
        if exc is None:
            exc = ApplicationError(msg.error, *args, **kwargs)
        for name in ("enc_algo", "callee", "callee_authid", "callee_authrole", "forward_for"):
            if hasattr(exc, name):
                try:
                    setattr(exc, name, getattr(msg, name, None))
                except AttributeError:
                    pass
        return exc


def _payload_exceeded_class():
    from autobahn.wamp import exception

    return getattr(exception, "PayloadExceededError", SerializationError)


class ApplicationSession(BaseSession):
    """A WAMP client session for applications. Override the ``on*`` callbacks (plain functions or
    coroutines); call the WAMP actions from ``onJoin`` on (each returns a future)."""

    def __init__(self, config: types.ComponentConfig | None = None):
        BaseSession.__init__(self)
        self._config: types.ComponentConfig = config or types.ComponentConfig(realm="realm1")
        self._goodbye_sent = False
        self._transport_is_closing = False
        self._requests = _RequestTracker(self._request_id_gen)
        self._subscriptions: dict[int, list[Subscription]] = {}
        self._registrations: dict[int, Registration] = {}
        self._invocations: dict[int, InvocationRequest] = {}

    @property
    def config(self) -> types.ComponentConfig:
        return self._config

    def set_payload_codec(self, payload_codec: IPayloadCodec | None):
        self._payload_codec = payload_codec

    def get_payload_codec(self) -> IPayloadCodec | None:
        return self._payload_codec

    # --- transport side (ITransportHandler) ---

    def onOpen(self, transport: ITransport):
        """The transport opened: fire ``connect``, then ``onConnect``."""
        self._transport = transport
        d = self.fire("connect", self, transport)
        self._txaio.add_callbacks(d, None, lambda fail: self._swallow_error(fail, "While notifying 'connect'"))

        def connect(_):
            if self._transport is None:
                return None  # the transport closed before this turn came (asyncio runs it later): nothing to join
            connected = self._txaio.as_future(self.onConnect)
            # asyncio: a future returned from a callback is not chained, so its error is handled here
            self._txaio.add_callbacks(
                connected, None, lambda fail: self._swallow_error(fail, "While calling 'onConnect'")
            )
            return connected

        self._txaio.add_callbacks(d, connect, lambda fail: self._swallow_error(fail, "While calling 'onConnect'"))
        self._txaio.add_callbacks(d, None, lambda fail: self._swallow_error(fail, "While calling 'onConnect'"))

    def onMessage(self, msg):
        """A message from the router. A protocol violation aborts the session (never raises)."""
        try:
            if self._session_id is None:
                handler = self._BEFORE_JOIN.get(type(msg))
                if handler is None:
                    raise ProtocolError(
                        f"Received {msg.__class__.__name__} message, and session is not yet established"
                    )
            else:
                handler = self._AFTER_JOIN.get(type(msg))
                if handler is None:
                    raise ProtocolError(f"Unexpected message {msg.__class__.__name__}")
            handler(self, msg)
        except ProtocolError as e:
            self._protocol_violation(str(e))

    def _protocol_violation(self, reason: str) -> None:
        """The router broke the protocol: ABORT with ``wamp.error.protocol_violation``, leave, close the transport.
        Also called by the transports when a message cannot be parsed."""
        self.log.warn("WAMP protocol violation: {reason}", reason=reason)
        transport = self._transport
        if transport is not None and transport.isOpen():
            try:
                transport.send(message.Abort(PROTOCOL_VIOLATION, reason))
            except Exception:
                pass
        if self._session_id is not None:
            self._session_id = None
            self._leave(CloseDetails(PROTOCOL_VIOLATION, reason))
        if transport is not None and transport.isOpen():
            try:
                transport.close()
            except Exception:
                transport.abort()

    def onClose(self, wasClean: bool):
        """The transport closed: leave (if joined), then ``onDisconnect`` and ``disconnect``."""
        self._transport = None
        if self._session_id:
            details = CloseDetails(
                reason=CloseDetails.REASON_TRANSPORT_LOST,
                message=f"WAMP transport was lost without closing the session {self._session_id} before",
            )
            self._session_id = None
            self._leave(details)
        d = self._txaio.as_future(self.onDisconnect)
        self._txaio.add_callbacks(
            d,
            lambda _: self.fire("disconnect", self, was_clean=wasClean),
            lambda e: self._swallow_error(e, "While firing onDisconnect"),
        )
        self._txaio.add_callbacks(d, None, lambda e: self._swallow_error(e, "While notifying 'disconnect'"))

    # --- session life cycle ---

    def onConnect(self):
        """The transport is connected: join ``config.realm`` (override to authenticate)."""
        self.join(self.config.realm)

    def join(
        self,
        realm: str,
        authmethods: list[str] | None = None,
        authid: str | None = None,
        authrole: str | None = None,
        authextra: dict[str, Any] | None = None,
        resumable: bool | None = None,
        resume_session: int | None = None,
        resume_token: str | None = None,
    ):
        """Send HELLO for ``realm`` (the router answers with WELCOME, CHALLENGE or ABORT)."""
        if self._session_id:
            raise Exception("session already joined")
        if not self._transport:
            raise Exception("no transport set for session")
        self._realm = realm
        self._goodbye_sent = False
        self._transport.send(
            message.Hello(
                realm=realm,
                roles=self._session_roles,
                authmethods=authmethods,
                authid=authid,
                authrole=authrole,
                authextra=authextra,
                resumable=resumable,
                resume_session=resume_session,
                resume_token=resume_token,
            )
        )

    def disconnect(self):
        """Close the transport."""
        if self._transport:
            self._transport.close()

    def onUserError(self, fail, msg):
        """User code failed (a handler, an endpoint, a callback): logged here; override to do more."""
        if isinstance(getattr(fail, "value", None), ApplicationError):
            self.log.warn('{klass}.onUserError(): "{msg}"', klass=type(self).__name__, msg=fail.value.error_message())
        else:
            self.log.error(
                '{klass}.onUserError(): "{msg}"\n{traceback}',
                klass=type(self).__name__,
                msg=msg,
                traceback=self._txaio.failure_format_traceback(fail),
            )

    def _swallow_error(self, fail, msg):
        """Errback for the chains of on*() callbacks: report to onUserError and end the error there."""
        try:
            self.onUserError(fail, msg)
        except Exception:
            self.log.error(
                "Internal error: {tb}", tb=self._txaio.failure_format_traceback(self._txaio.create_failure())
            )
        return None

    def type_check(self, func):
        """Wrap ``func`` so that arguments not matching its annotations raise TypeCheckError (sent to the caller)."""

        async def _type_check(*args, **kwargs):
            arguments = inspect.getcallargs(func, *args, **kwargs)
            problems = []
            for name, kind in func.__annotations__.items():
                if name not in arguments or name == "return":
                    continue
                if getattr(kind, "__origin__", None) is Union:
                    if not isinstance(arguments[name], kind.__args__):
                        expected = [a.__name__ for a in kind.__args__]
                        problems.append(f"'{name}' expected types={expected} got={type(arguments[name]).__name__}")
                elif isinstance(kind, type) and not isinstance(arguments[name], kind):
                    problems.append(f"'{name}' expected type={kind.__name__} got={type(arguments[name]).__name__}")
            if problems:
                raise TypeCheckError(", ".join(problems))
            return await self._txaio.as_future(func, *args, **kwargs)

        return _type_check

    def onChallenge(self, challenge: Challenge) -> str:
        """The router asks us to authenticate: return the signature. Not implemented by default."""
        raise RuntimeError("received authentication challenge, but onChallenge not implemented")

    def onJoin(self, details: SessionDetails):
        """The session joined its realm."""

    def onWelcome(self, welcome) -> str | None:
        """WELCOME arrived: None accepts it; a string aborts the session with that reason (mutual auth)."""
        return None

    def onLeave(self, details: CloseDetails):
        """The session left its realm: fail what is still outstanding and close the transport."""
        if details.reason != CloseDetails.REASON_DEFAULT:
            self.log.warn(
                "session closed with reason {reason} [{message}]", reason=details.reason, message=details.message
            )
        d = self._errback_outstanding_requests(ApplicationError(details.reason, details.message))

        def disconnect(_):
            if self._transport:
                self.disconnect()

        self._txaio.add_callbacks(d, disconnect, disconnect)
        return d

    def leave(self, reason: str | None = None, message: str | None = None):
        """Send GOODBYE (the router answers with GOODBYE, then ``onLeave`` runs)."""
        if not self._session_id:
            self.log.warn("session is not joined on a realm - no session to leave")
            return None
        if self._goodbye_sent:
            self.log.warn("session was already requested to leave - not sending GOODBYE again")
        else:
            self._transport.send(_goodbye(reason or CloseDetails.REASON_DEFAULT, message))
            self._goodbye_sent = True
        return getattr(self._transport, "is_closed", None) if self._transport else None

    def onDisconnect(self):
        """The transport closed: fail what is still outstanding with TransportLost."""
        self._errback_outstanding_requests(TransportLost())

    def _errback_outstanding_requests(self, exc):
        txaio_api = self._txaio
        for request in self._requests.take_all():
            if not txaio_api.is_called(request.on_reply):
                txaio_api.reject(request.on_reply, exc)
                # the caller may not be waiting any more: keep the error from being reported as unhandled
                txaio_api.add_callbacks(request.on_reply, None, lambda _: None)
        return txaio_api.create_future_success(None)

    def _answered(self, kind: int, msg, answer: str):
        """Take out the request ``msg`` answers; None when the application settled its future already
        (cancelled it)."""
        request = self._requests.close(kind, msg.request, answer)
        return None if self._txaio.is_called(request.on_reply) else request

    def _leave(self, details: CloseDetails):
        """Run ``onLeave`` then fire ``leave``, errors to onUserError."""
        d = self._txaio.as_future(self.onLeave, details)
        self._txaio.add_callbacks(
            d, lambda _: self.fire("leave", self, details), lambda e: self._swallow_error(e, "While firing onLeave")
        )
        self._txaio.add_callbacks(d, None, lambda e: self._swallow_error(e, "While notifying 'leave'"))
        return d

    # --- messages before the session is joined ---

    def _on_welcome(self, msg):
        d = self._txaio.as_future(self.onWelcome, msg)

        def welcomed(deny_reason):
            if deny_reason is not None:
                self._send_if_open(message.Abort("wamp.error.cannot_authenticate", f"{deny_reason}"))
                return None
            if msg.realm:
                self._realm = msg.realm
            self._session_id = msg.session
            self._authid = msg.authid
            self._authrole = msg.authrole
            self._authmethod = msg.authmethod
            self._authprovider = msg.authprovider
            self._authextra = msg.authextra
            self._router_roles = msg.roles or {}
            serializer = getattr(self._transport, "_serializer", None)
            self._session_details = SessionDetails(
                realm=self._realm,
                session=self._session_id,
                authid=self._authid,
                authrole=self._authrole,
                authmethod=self._authmethod,
                authprovider=self._authprovider,
                authextra=msg.authextra,
                serializer=getattr(serializer, "SERIALIZER_ID", None),
                transport=getattr(self._transport, "transport_details", None),
                resumed=False,
                resumable=False,
                resume_token=None,
            )
            # "join" fires before onJoin, so that leaving from within onJoin works; "ready" after both
            j = self.fire("join", self, self._session_details)
            self._txaio.add_callbacks(j, None, lambda e: self._swallow_error(e, "While notifying 'join'"))
            self._txaio.add_callbacks(j, lambda _: self._txaio.as_future(self.onJoin, self._session_details), None)
            self._txaio.add_callbacks(j, None, lambda e: self._swallow_error(e, "While firing onJoin"))
            self._txaio.add_callbacks(j, lambda _: self.fire("ready", self), None)
            self._txaio.add_callbacks(j, None, lambda e: self._swallow_error(e, "While notifying 'ready'"))
            return None

        def failed(fail):
            self._send_if_open(message.Abort("wamp.error.cannot_authenticate", "Error calling onWelcome handler"))
            return self._swallow_error(fail, "While firing onWelcome")

        self._txaio.add_callbacks(d, welcomed, failed)

    def _on_abort_before_join(self, msg):
        self._leave(CloseDetails(msg.reason, msg.message))

    def _on_challenge(self, msg):
        d = self._txaio.as_future(self.onChallenge, Challenge(msg.method, msg.extra))

        def answer(signature):
            if signature is None:
                raise Exception("onChallenge user callback did not return a signature")
            if isinstance(signature, bytes):
                signature = signature.decode("utf8")
            if not isinstance(signature, str):
                raise Exception(f"signature must be unicode (was {type(signature)})")
            self._transport.send(message.Authenticate(signature))

        def failed(fail):
            self.onUserError(fail, "Authentication failed")
            reply = message.Abort("wamp.error.cannot_authenticate", f"{fail.value}")
            self._send_if_open(reply)
            return self._leave(CloseDetails(reply.reason, reply.message))

        self._txaio.add_callbacks(d, answer, None)
        self._txaio.add_callbacks(d, None, failed)

    # --- messages of a joined session ---

    def _on_goodbye(self, msg):
        if not self._goodbye_sent:
            self._send_if_open(_goodbye("wamp.close.goodbye_and_out", None))  # the reply reason of the WAMP spec
        self._session_id = None
        self._leave(CloseDetails(msg.reason, msg.message))

    def _on_abort_after_join(self, msg):
        self._session_id = None
        self._leave(CloseDetails(msg.reason, msg.message))

    def _on_event(self, msg):
        subscriptions = self._subscriptions.get(msg.subscription)
        if subscriptions is None:
            raise ProtocolError(f"EVENT received for non-subscribed subscription ID {msg.subscription}")
        txaio_api = self._txaio
        for subscription in list(subscriptions):
            handler = subscription.handler
            topic = msg.topic or subscription.topic
            if msg.enc_algo:
                enc_err = self._decode_payload(msg, topic, False, "event")
                if enc_err:
                    self.log.warn("dropping event: {err}", err=enc_err)
                    return
            args = tuple(msg.args) if msg.args else ()
            kwargs = dict(msg.kwargs) if msg.kwargs else {}
            if handler.obj is not None:
                args = (handler.obj, *args)
            if handler.details_arg:
                kwargs[handler.details_arg] = types.EventDetails(
                    subscription,
                    msg.publication,
                    publisher=msg.publisher,
                    publisher_authid=msg.publisher_authid,
                    publisher_authrole=msg.publisher_authrole,
                    topic=topic,
                    retained=msg.retained,
                    transaction_hash=getattr(msg, "transaction_hash", None),
                    enc_algo=msg.enc_algo,
                    forward_for=msg.forward_for,
                )
            fn = handler.fn
            if inspect.iscoroutinefunction(fn):
                future = txaio_api.as_future(fn, *args, **kwargs)
            else:
                try:
                    result = fn(*args, **kwargs)
                except Exception:
                    self._swallow_error(
                        txaio_api.create_failure(), f"While firing {fn} subscribed under {msg.subscription}."
                    )
                    continue
                if result is None or not (
                    txaio_api.is_future(result) or inspect.isawaitable(result) or inspect.isasyncgen(result)
                ):
                    # a plain handler is done: no future and no loop turn per event
                    self._acknowledge_event(msg)
                    continue
                future = txaio_api.as_future(_returned, result)  # what txaio makes of a returned future/coroutine
            # acknowledge (or report the error) when the handler's future is done
            txaio_api.add_callbacks(
                future,
                lambda _: self._acknowledge_event(msg),
                lambda e, fn=fn: self._swallow_error(e, f"While firing {fn} subscribed under {msg.subscription}."),
            )

    def _acknowledge_event(self, msg):
        # acknowledged event delivery: only when asked for and the broker announced it
        # (the broker's feature first: looking for a field an EVENT does not have costs an AttributeError)
        broker = self._router_roles.get("broker")
        if getattr(broker, "x_acknowledged_event_delivery", False) and getattr(msg, "x_acknowledged_delivery", None):
            self._send_if_open(message.EventReceived(msg.publication))

    def _on_published(self, msg):
        request = self._answered(_PUBLISH, msg, "PUBLISHED")
        if request is not None:
            self._txaio.resolve(request.on_reply, Publication(msg.publication, was_encrypted=request.was_encrypted))

    def _on_subscribed(self, msg):
        request = self._answered(_SUBSCRIBE, msg, "SUBSCRIBED")
        if request is not None:
            subscription = Subscription(msg.subscription, request.topic, self, request.handler)
            self._subscriptions.setdefault(msg.subscription, []).append(subscription)
            self._txaio.resolve(request.on_reply, subscription)

    def _on_unsubscribed(self, msg):
        if msg.request == 0:
            # the router revoked a subscription (subscription_revocation)
            for subscription in self._subscriptions.pop(getattr(msg, "subscription", None), []):
                subscription.active = False
            return
        request = self._answered(_UNSUBSCRIBE, msg, "UNSUBSCRIBED")
        if request is not None:
            for subscription in self._subscriptions.pop(request.subscription_id, []):
                subscription.active = False
            self._txaio.resolve(request.on_reply, 0)

    def _on_result(self, msg):
        if msg.progress:
            self._on_progressive_result(msg)
            return
        request = self._requests.close(_CALL, msg.request, "RESULT")
        enc_err = self._decode_payload(msg, request.procedure, True, "result") if msg.enc_algo else None
        txaio_api = self._txaio
        on_reply = request.on_reply
        if txaio_api.is_called(on_reply):
            return  # cancelled by the application
        options = request.options
        if enc_err:
            txaio_api.reject(on_reply, enc_err)
        elif msg.kwargs or (options is not None and options.details):
            txaio_api.resolve(on_reply, self._call_result(msg))
        elif msg.args:
            args = msg.args
            txaio_api.resolve(on_reply, args[0] if len(args) == 1 else CallResult(*args))
        else:
            txaio_api.resolve(on_reply, None)

    def _on_progressive_result(self, msg):
        """A progressive RESULT: to the call's ``on_progress``; the call stays outstanding."""
        request = self._requests.get(_CALL, msg.request, "RESULT")
        enc_err = self._decode_payload(msg, request.procedure, True, "result")
        options = request.options
        on_progress = getattr(options, "on_progress", None)
        if on_progress is None:
            raise ProtocolError(f"progressive RESULT received for request ID {msg.request} that did not ask for it")
        if enc_err:
            self.onUserError(self._txaio.create_failure(enc_err), "progressive result could not be decrypted")
            return
        if options.details:
            d = self._txaio.as_future(on_progress, self._call_result(msg))
        else:
            args, kwargs = _payload_args(msg.args, msg.kwargs)
            d = self._txaio.as_future(on_progress, *args, **kwargs)
        self._txaio.add_callbacks(d, None, lambda fail: self._swallow_error(fail, "While firing on_progress"))

    @staticmethod
    def _call_result(msg) -> CallResult:
        args, kwargs = _payload_args(msg.args, msg.kwargs)
        return CallResult(
            *args,
            callee=msg.callee,
            callee_authid=msg.callee_authid,
            callee_authrole=msg.callee_authrole,
            forward_for=msg.forward_for,
            **kwargs,
        )

    def _on_invocation(self, msg):
        if msg.request in self._invocations:
            raise ProtocolError(f"INVOCATION received for request ID {msg.request} already invoked")
        registration = self._registrations.get(msg.registration)
        if registration is None:
            raise ProtocolError(f"INVOCATION received for non-registered registration ID {msg.registration}")
        endpoint = registration.endpoint
        proc = msg.procedure or registration.procedure
        enc_err = self._decode_payload(msg, proc, False, "INVOCATION")
        if enc_err:
            self._send_if_open(self._message_from_exception(message.Invocation.MESSAGE_TYPE, msg.request, enc_err))
            return
        args, kwargs = _payload_args(msg.args, msg.kwargs)
        if endpoint.obj is not None:
            args = (endpoint.obj, *args)
        if endpoint.details_arg:
            progress = self._progress_sender(msg, proc) if msg.receive_progress else None
            kwargs[endpoint.details_arg] = types.CallDetails(
                registration,
                progress=progress,
                caller=msg.caller,
                caller_authid=msg.caller_authid,
                caller_authrole=msg.caller_authrole,
                procedure=proc,
                transaction_hash=getattr(msg, "transaction_hash", None),
                enc_algo=msg.enc_algo,
            )
        on_reply = self._txaio.as_future(endpoint.fn, *args, **kwargs)
        self._invocations[msg.request] = InvocationRequest(msg.request, on_reply)

        def success(res):
            self._invocations.pop(msg.request, None)
            self._send_yield(msg, registration, proc, res)

        def error(fail):
            self._invocations.pop(msg.request, None)
            if _is_cancellation(fail):
                # cancelled by INTERRUPT: the router answers the caller ("kill" mode waits for this ERROR)
                err = ApplicationError(ApplicationError.CANCELED, "call canceled")
                self._send_error(msg, registration, err, None)
                return None
            try:
                self.onUserError(fail, self._txaio.failure_message(fail))
            except Exception:
                pass
            tb = self._txaio.failure_format_traceback(fail) if self.traceback_app else None
            self._send_error(msg, registration, fail.value, tb)
            return None

        self._txaio.add_callbacks(on_reply, success, error)

    def _progress_sender(self, msg, proc):
        def progress(*args, **kwargs):
            encoded = None
            if msg.enc_algo:
                if not self._payload_codec:
                    raise Exception("trying to send encrypted payload, but no keyring active")
                encoded = self._payload_codec.encode(False, proc, args, kwargs)
            if encoded:
                reply = message.Yield(
                    msg.request,
                    payload=encoded.payload,
                    progress=True,
                    enc_algo=encoded.enc_algo,
                    enc_key=encoded.enc_key,
                    enc_serializer=encoded.enc_serializer,
                )
            else:
                reply = message.Yield(msg.request, args=list(args), kwargs=kwargs, progress=True)
            if self._transport is None:
                raise TransportLost()
            self._transport.send(reply)

        return progress

    def _send_yield(self, msg, registration, proc, res):
        if self._transport is None:
            self.log.debug("result of {proc} dropped: transport lost", proc=registration.procedure)
            return
        is_result = isinstance(res, CallResult)
        args = list(res.results) if is_result else [res]
        kwargs = res.kwresults if is_result else None
        extra = {}
        if is_result:
            extra = dict(
                callee=res.callee,
                callee_authid=res.callee_authid,
                callee_authrole=res.callee_authrole,
                forward_for=res.forward_for,
            )
        encoded = None
        if msg.enc_algo and self._payload_codec:
            try:
                encoded = self._payload_codec.encode(False, proc, args, kwargs)
            except Exception as e:
                self.log.warn("failed to encrypt application payload: {err}", err=e)
        if encoded:
            reply = message.Yield(
                msg.request,
                payload=encoded.payload,
                enc_algo=encoded.enc_algo,
                enc_key=encoded.enc_key,
                enc_serializer=encoded.enc_serializer,
                **extra,
            )
        else:
            reply = message.Yield(msg.request, args=args, kwargs=kwargs, **extra)
        self._send_reply_or_error(msg, registration, reply, "success return value")

    def _send_error(self, msg, registration, exc, tb):
        reply = self._message_from_exception(message.Invocation.MESSAGE_TYPE, msg.request, exc, tb, msg.enc_algo)
        self._send_reply_or_error(msg, registration, reply, "error return value")

    def _send_reply_or_error(self, msg, registration, reply, what):
        """Send YIELD/ERROR; when it cannot be serialized or is too large, tell the caller so instead."""
        if self._transport is None:
            return
        try:
            self._transport.send(reply)
            return
        except SerializationError as e:
            error, text = ApplicationError.INVALID_PAYLOAD, "could not be serialized"
            detail = e
        except _payload_exceeded_class() as e:
            error, text = ApplicationError.PAYLOAD_SIZE_EXCEEDED, "exceeds transport size limit"
            detail = e
        except TransportLost:
            return
        self._send_if_open(
            message.Error(
                message.Invocation.MESSAGE_TYPE,
                msg.request,
                error,
                args=[f'{what} from invoked procedure "{registration.procedure}" {text}: {detail}'],
            )
        )

    def _on_interrupt(self, msg):
        invocation = self._invocations.get(msg.request)
        if invocation is None:
            self.log.debug("INTERRUPT received for non-pending invocation {request}", request=msg.request)
            return
        self._txaio.cancel(invocation.on_reply)

    def _on_registered(self, msg):
        request = self._answered(_REGISTER, msg, "REGISTERED")
        if request is None:
            return
        if msg.registration in self._registrations:
            raise ProtocolError(f"REGISTERED received for already existing registration ID {msg.registration}")
        registration = Registration(self, msg.registration, request.procedure, request.endpoint)
        self._registrations[msg.registration] = registration
        self._txaio.resolve(request.on_reply, registration)

    def _on_unregistered(self, msg):
        if msg.request == 0:
            # the router revoked a registration (registration_revocation)
            registration = self._registrations.pop(msg.registration, None)
            if registration is None:
                raise ProtocolError(f"UNREGISTERED received for non-existent registration ID {msg.registration}")
            registration.active = False
            return
        request = self._answered(_UNREGISTER, msg, "UNREGISTERED")
        if request is not None:
            registration = self._registrations.pop(request.registration_id, None)
            if registration is not None:
                registration.active = False
            self._txaio.resolve(request.on_reply, None)

    def _on_error(self, msg):
        request = self._requests.close_by_error(msg.request_type, msg.request)
        if not self._txaio.is_called(request.on_reply):
            self._txaio.reject(request.on_reply, self._exception_from_message(msg))

    def _send_if_open(self, msg) -> None:
        if self._transport is not None:
            try:
                self._transport.send(msg)
            except TransportLost:
                pass

    def _send_request(self, kind: int, request, msg):
        """Track ``request`` and send its message ``msg``; its future (nothing tracked when sending fails)."""
        self._requests.add(kind, request)
        try:
            self._transport.send(msg)
        except Exception:
            self._requests.discard(request.request_id)
            raise
        return request.on_reply

    # --- WAMP actions ---

    def publish(self, topic: str, *args, **kwargs) -> Publication | None:
        """Publish to ``topic``. With ``options=PublishOptions(acknowledge=True)`` returns a future of the
        Publication, else None."""
        if not isinstance(topic, str):
            raise TypeError(f"topic must be str, not {type(topic).__name__}")
        _check_uri(topic, self, "publish", False)
        options = kwargs.pop("options", None)
        if options is not None and not isinstance(options, types.PublishOptions):
            raise Exception("options must be of type a.w.t.PublishOptions")
        if not self._transport:
            raise TransportLost()
        request_id = self._requests.next_id()
        encoded = self._payload_codec.encode(True, topic, args, kwargs) if self._payload_codec else None
        attrs = options.message_attr() if options else {}
        if encoded:
            msg = message.Publish(
                request_id,
                topic,
                payload=encoded.payload,
                enc_algo=encoded.enc_algo,
                enc_key=encoded.enc_key,
                enc_serializer=encoded.enc_serializer,
                **attrs,
            )
        else:
            msg = message.Publish(request_id, topic, args=args, kwargs=kwargs, **attrs)
        if options:
            _copy_correlation(options, msg)
        on_reply = None
        if options and options.acknowledge:
            on_reply = self._txaio.create_future()
            self._requests.add(_PUBLISH, PublishRequest(request_id, on_reply, was_encrypted=encoded is not None))
        try:
            self._transport.send(msg)
        except Exception:
            self._requests.discard(request_id)
            raise
        return on_reply

    def subscribe(
        self,
        handler: Callable | Any,
        topic: str | None = None,
        options: types.SubscribeOptions | None = None,
        check_types: bool | None = None,
    ) -> Subscription | list[Subscription]:
        """Subscribe ``handler`` to ``topic`` (a future of the Subscription), or every method of the object
        ``handler`` decorated with ``@wamp.subscribe`` (a future of the list)."""
        if callable(handler) and topic is None:
            raise TypeError("subscribe(handler): topic is required for a callable handler")
        if options is not None and not isinstance(options, types.SubscribeOptions):
            raise TypeError("options must be of type a.w.t.SubscribeOptions")
        if not self._transport:
            raise TransportLost()

        def _subscribe(obj, fn, topic, options, check_types):
            _check_uri(topic, self, "subscribe", True)
            request_id = self._requests.next_id()
            if check_types:
                fn = self.type_check(fn)
            handler_obj = Handler(fn, obj, options.details_arg if options else None)
            msg = message.Subscribe(request_id, topic, **(options.message_attr() if options else {}))
            if options:
                _copy_correlation(options, msg)
            request = SubscribeRequest(request_id, topic, self._txaio.create_future(), handler_obj)
            return self._send_request(_SUBSCRIBE, request, msg)

        if callable(handler):
            return _subscribe(None, handler, topic, options, check_types)
        on_replies = []
        for _, fn in inspect.getmembers(handler.__class__, is_method_or_function):
            for pat in fn.__dict__.get("_wampuris", ()):
                if pat.is_handler():
                    subopts = pat.options or options
                    if subopts is None:
                        match = "wildcard" if pat.uri_type == uri.Pattern.URI_TYPE_WILDCARD else "exact"
                        subopts = types.SubscribeOptions(match=match)
                    on_replies.append(_subscribe(handler, fn, pat.uri(), subopts, pat._check_types))
        return self._txaio.gather(on_replies, consume_exceptions=True)

    def _unsubscribe(self, subscription: Subscription):
        """From :meth:`Subscription.unsubscribe`: UNSUBSCRIBE once the last handler of the subscription goes."""
        handlers = self._subscriptions.get(subscription.id, [])
        if subscription not in handlers:
            raise Exception("subscription no longer active")
        if not self._transport:
            raise TransportLost()
        handlers.remove(subscription)
        subscription.active = False
        if handlers:
            return self._txaio.create_future_success(len(handlers))
        request_id = self._requests.next_id()
        request = UnsubscribeRequest(request_id, self._txaio.create_future(), subscription.id)
        return self._send_request(_UNSUBSCRIBE, request, message.Unsubscribe(request_id, subscription.id))

    def call(self, procedure: str, *args, **kwargs) -> Any | CallResult:
        """Call ``procedure``; a future of its result: the single positional result, a CallResult when there
        are several or keyword results (or ``details=True``). ``options=CallOptions(...)`` for progress,
        timeout, ... Cancel the call with ``future.cancel()`` (see :meth:`set_cancel_mode`)."""
        if not isinstance(procedure, str):
            raise TypeError(f"procedure must be str, not {type(procedure).__name__}")
        _check_uri(procedure, self, "call", False)
        options = kwargs.pop("options", None)
        if options is not None and not isinstance(options, types.CallOptions):
            raise Exception("options must be of type a.w.t.CallOptions")
        if not self._transport:
            raise TransportLost()
        request_id = self._requests.next_id()
        encoded = None
        if self._payload_codec:
            encoded = self._payload_codec.encode(True, procedure, args, kwargs)
        attrs = options.message_attr() if options else {}
        if encoded:
            msg = message.Call(
                request_id,
                procedure,
                payload=encoded.payload,
                enc_algo=encoded.enc_algo,
                enc_key=encoded.enc_key,
                enc_serializer=encoded.enc_serializer,
                **attrs,
            )
        else:
            msg = message.Call(request_id, procedure, args=args, kwargs=kwargs, **attrs)
        if options:
            _copy_correlation(options, msg)

        def canceller(_future):
            # the router answers CANCEL with ERROR wamp.error.canceled, which finds the future settled already
            if self._transport is not None and request_id in self._requests:
                self._send_if_open(message.Cancel(request_id, mode=self._cancel_mode))

        request = CallRequest(request_id, procedure, self._call_future(canceller), options)
        return self._send_request(_CALL, request, msg)

    def _call_future(self, canceller):
        """A call's future, which runs ``canceller(future)`` when the application cancels it."""
        return self._txaio.create_future(canceller=canceller)

    _cancel_mode: str | None = None

    def set_cancel_mode(self, mode: str | None) -> None:
        """The CANCEL mode sent when a call's future is cancelled: ``"skip"``, ``"kill"``, ``"killnowait"``, or
        None (the router's default). (An addition of this package; autobahn sends no mode.)"""
        if mode not in (None, message.Cancel.SKIP, message.Cancel.KILL, message.Cancel.KILLNOWAIT):
            raise ValueError(f"invalid cancel mode {mode!r}")
        self._cancel_mode = mode

    def register(
        self,
        endpoint: Callable | Any,
        procedure: str | None = None,
        options: types.RegisterOptions | None = None,
        prefix: str | None = None,
        check_types: bool | None = None,
    ) -> Registration | list[Registration]:
        """Register ``endpoint`` for ``procedure`` (a future of the Registration), or every method of the object
        ``endpoint`` decorated with ``@wamp.register`` (a future of the list); ``prefix`` goes before each URI."""
        if callable(endpoint) and procedure is None:
            raise TypeError("register(endpoint): procedure is required for a callable endpoint")
        if options is not None and not isinstance(options, types.RegisterOptions):
            raise TypeError("options must be of type a.w.t.RegisterOptions")
        if not self._transport:
            raise TransportLost()

        def _register(obj, fn, procedure, options, check_types):
            if prefix is not None:
                procedure = f"{prefix}{procedure}"
            _check_uri(procedure, self, "register", True)
            request_id = self._requests.next_id()
            if check_types:
                fn = self.type_check(fn)
            endpoint_obj = Endpoint(fn, obj, options.details_arg if options else None)
            msg = message.Register(request_id, procedure, **(options.message_attr() if options else {}))
            if options:
                _copy_correlation(options, msg)
            request = RegisterRequest(request_id, self._txaio.create_future(), procedure, endpoint_obj)
            return self._send_request(_REGISTER, request, msg)

        if callable(endpoint):
            return _register(None, endpoint, procedure, options, check_types)
        on_replies = []
        for _, fn in inspect.getmembers(endpoint.__class__, is_method_or_function):
            for pat in fn.__dict__.get("_wampuris", ()):
                if pat.is_endpoint():
                    on_replies.append(_register(endpoint, fn, pat.uri(), pat.options or options, pat._check_types))
        return self._txaio.gather(on_replies, consume_exceptions=True)

    def _unregister(self, registration: Registration):
        """From :meth:`Registration.unregister`."""
        if self._registrations.get(registration.id) is not registration:
            raise Exception("registration no longer active")
        if not self._transport:
            raise TransportLost()
        request_id = self._requests.next_id()
        request = UnregisterRequest(request_id, self._txaio.create_future(), registration.id)
        return self._send_request(_UNREGISTER, request, message.Unregister(request_id, registration.id))

    _BEFORE_JOIN: dict[type, Callable] = {}
    _AFTER_JOIN: dict[type, Callable] = {}


def _goodbye(reason: str, text: str | None):
    return message.Goodbye(reason=reason, message=text)


def _is_cancellation(fail) -> bool:
    value = getattr(fail, "value", None)
    if value is None:
        return False
    # asyncio.CancelledError and twisted.internet.defer.CancelledError, without importing either framework
    return any(cls.__name__ == "CancelledError" for cls in type(value).__mro__)


ApplicationSession._BEFORE_JOIN = {
    message.Welcome: ApplicationSession._on_welcome,
    message.Abort: ApplicationSession._on_abort_before_join,
    message.Challenge: ApplicationSession._on_challenge,
}
ApplicationSession._AFTER_JOIN = {
    message.Goodbye: ApplicationSession._on_goodbye,
    message.Abort: ApplicationSession._on_abort_after_join,
    message.Event: ApplicationSession._on_event,
    message.Published: ApplicationSession._on_published,
    message.Subscribed: ApplicationSession._on_subscribed,
    message.Unsubscribed: ApplicationSession._on_unsubscribed,
    message.Result: ApplicationSession._on_result,
    message.Invocation: ApplicationSession._on_invocation,
    message.Interrupt: ApplicationSession._on_interrupt,
    message.Registered: ApplicationSession._on_registered,
    message.Unregistered: ApplicationSession._on_unregistered,
    message.Error: ApplicationSession._on_error,
}


class _SessionShim(ApplicationSession):
    """The PEP 8 callbacks (``on_join``, ...) and ``add_authenticator`` for Component's sessions; the public
    classes are ``autobahn.asyncio.wamp.Session`` and ``autobahn.twisted.wamp.Session``."""

    _authenticators: dict[str, IAuthenticator] | None = None

    def onJoin(self, details):
        return self.on_join(details)

    def onConnect(self):
        if not self._authenticators:
            return self.on_connect()
        authenticators = list(self._authenticators.values())
        self.join(
            self.config.realm,
            authmethods=list(self._authenticators),
            authid=[a._args.get("authid") for a in authenticators][-1],
            authrole=[a._args.get("authrole") for a in authenticators][-1],
            authextra=self._merged_authextra(),
        )

    def onChallenge(self, challenge):
        authenticator = (self._authenticators or {}).get(challenge.method)
        if authenticator is None:
            raise RuntimeError(
                f"Received challenge for unknown authmethod '{challenge.method}' "
                f"[authenticators={sorted(self._authenticators or {})}]"
            )
        return authenticator.on_challenge(self, challenge)

    def onWelcome(self, msg):
        if msg.authmethod is None or self._authenticators is None:
            return None
        authenticator = self._authenticators.get(msg.authmethod)
        if authenticator is None:
            raise RuntimeError(
                f"Received onWelcome for unknown authmethod '{msg.authmethod}' "
                f"[authenticators={sorted(self._authenticators)}]"
            )
        return authenticator.on_welcome(self, msg.authextra)

    def onLeave(self, details):
        return self.on_leave(details)

    def onDisconnect(self):
        return self.on_disconnect()

    def add_authenticator(self, authenticator):
        """Offer one more authentication method; authid, authrole and authextra keys must agree with the others."""
        if self._authenticators is None:
            self._authenticators = {}
        everyone = [*self._authenticators.values(), authenticator]
        for name in ("authid", "authrole"):
            values = {a._args[name] for a in everyone if name in a._args}
            if len(values) > 1:
                raise ValueError(f"Inconsistent {name}s: {' '.join(sorted(values))}")
        merged = self._merged_authextra()
        for k, v in (authenticator.authextra or {}).items():
            if k in merged and merged[k] != v:
                raise ValueError(f"Inconsistent authextra values for '{k}': '{merged[k]}' vs '{v}'")
        self._authenticators[authenticator.name] = authenticator

    def _merged_authextra(self) -> dict[str, Any]:
        """Every authenticator's authextra in one dict (add_authenticator checked that they agree)."""
        extras = [a.authextra or {} for a in (self._authenticators or {}).values()]
        return reduce(lambda acc, extra: {**extra, **acc}, extras, {})

    def on_join(self, details):
        pass

    def on_leave(self, details):
        self.disconnect()

    def on_connect(self):
        self.join(self.config.realm)

    def on_disconnect(self):
        pass


ISession.abc_register(ApplicationSession)


class ApplicationSessionFactory:
    """Makes one ``session`` per transport connection, each with this factory's ``config``."""

    session: type[ApplicationSession] = ApplicationSession

    def __init__(self, config: types.ComponentConfig | None = None):
        self.config = config or types.ComponentConfig(realm="realm1")

    def __call__(self) -> ApplicationSession:
        session = self.session(self.config)
        session.factory = self
        return session


# Names autobahn 26.11.1 also has here (programs import them from this module).
from autobahn import wamp  # noqa: E402, F401
from autobahn.exception import PayloadExceededError  # noqa: E402, F401
from autobahn.util import IdGenerator, ObservableMixin, public  # noqa: E402, F401
from autobahn.wamp.interfaces import IMessage  # noqa: E402, F401
from autobahn.wamp.types import RegisterOptions, SubscribeOptions  # noqa: E402, F401

exception = wamp.exception  # a function here imports it by that name too
