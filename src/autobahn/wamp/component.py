"""Component: a WAMP application that connects (and reconnects) itself, framework-independent.

A Component is configured with transports (URLs or dicts, tried in turn with growing delays),
a realm, authentication and either a ``main`` coroutine or event handlers and decorated
procedures/handlers; ``autobahn.asyncio.component`` and ``autobahn.twisted.component`` connect it.

Transport configuration, as autobahn's: ``{"type": "websocket" | "rawsocket", "url": ...,
"endpoint": {"type": "tcp", "host", "port", "tls", "timeout", "version"} | {"type": "unix", "path"},
"serializers": [...] (websocket) | "serializer": "..." (rawsocket), "options": {...},
"max_retries", "max_retry_delay", "initial_retry_delay", "retry_delay_growth",
"retry_delay_jitter", "proxy": {"host", "port"}, "headers": {...}}``.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import sys
from typing import Any

import txaio

from autobahn._url import parse_rawsocket_url as parse_rs_url
from autobahn._url import parse_websocket_url as parse_ws_url
from autobahn.wamp.auth import create_authenticator
from autobahn.wamp.exception import ApplicationError, SessionNotReady, TransportLost
from autobahn.wamp.interfaces import IAuthenticator
from autobahn.wamp.protocol import _Observable
from autobahn.wamp.types import ComponentConfig, RegisterOptions, SubscribeOptions

__all__ = ("Component",)

SERIALIZER_NAMES = ("json", "msgpack", "cbor", "ubjson", "flatbuffers")
_TRANSPORT_KEYS = {
    "type",
    "url",
    "endpoint",
    "serializer",
    "serializers",
    "options",
    "max_retries",
    "max_retry_delay",
    "initial_retry_delay",
    "retry_delay_growth",
    "retry_delay_jitter",
    "proxy",
    "headers",
}
_RETRY_KEYS = ("max_retries", "max_retry_delay", "initial_retry_delay", "retry_delay_growth", "retry_delay_jitter")
_ENDPOINT_KEYS = {"type", "host", "port", "path", "tls", "timeout", "version"}


def _validate_endpoint(endpoint, check_native_endpoint=None):
    """Check a connecting endpoint configuration (a framework may accept native endpoint objects too)."""
    if check_native_endpoint:
        check_native_endpoint(endpoint)
    elif not isinstance(endpoint, dict):
        raise ValueError("'endpoint' must be a dict")
    if not isinstance(endpoint, dict):
        return
    kind = endpoint.get("type")
    if kind is None:
        raise ValueError("'type' required in endpoint configuration")
    if kind not in ("tcp", "unix"):
        raise ValueError(f'invalid type "{kind}" in endpoint')
    for k in endpoint:
        if k not in _ENDPOINT_KEYS:
            raise ValueError(f"Invalid key '{k}' in endpoint configuration")
    required, forbidden = (("host", "port"), ("path",)) if kind == "tcp" else (("path",), ("host", "port", "tls"))
    for k in required:
        if k not in endpoint:
            raise ValueError(f"'{k}' required in '{kind}' endpoint config")
    for k in forbidden:
        if k in endpoint:
            raise ValueError(f"'{k}' not valid in '{kind}' endpoint config")


def _check_serializer_names(names) -> None:
    if not isinstance(names, (list, tuple)) or not all(isinstance(n, str) for n in names):
        raise ValueError("'serializers' must be a list of strings")
    for name in names:
        if name not in SERIALIZER_NAMES:
            expected = ", ".join(repr(s) for s in SERIALIZER_NAMES)
            raise ValueError(f"Invalid serializer '{name}' (expected one of: {expected})")


def _endpoint_from_url(kind: str, url: str) -> dict[str, Any]:
    if url.startswith("rs"):
        is_secure, host, port = parse_rs_url(url)
    elif url.startswith("ws"):
        is_secure, host, port, *_ = parse_ws_url(url)
    else:
        raise ValueError(f"invalid URL '{url}' for a {kind} transport")
    if host == "unix":
        return {"type": "unix", "path": port}
    endpoint: dict[str, Any] = {"type": "tcp", "host": host, "port": port}
    if kind == "websocket":
        endpoint["tls"] = is_secure
    return endpoint


def _create_transport(index, transport, check_native_endpoint=None):
    """A :class:`_Transport` from one transport configuration (defaults filled in); ValueError when invalid."""
    if not isinstance(transport, dict):
        raise ValueError(f"invalid type {type(transport)} for transport configuration - must be a dict")
    for k in transport:
        if k not in _TRANSPORT_KEYS:
            raise ValueError(f"'{k}' is not a valid configuration item")
    kind = transport.setdefault("type", "websocket")
    if kind not in ("websocket", "rawsocket"):
        raise ValueError(f"Invalid transport type {kind}")
    proxy = transport.get("proxy")
    if proxy is not None:
        if kind != "websocket":
            raise ValueError("proxy= only supported for type=websocket transports")
        for k in proxy:
            if k not in ("host", "port"):
                raise ValueError(f"Unknown key '{k}' in proxy config")
        for k in ("host", "port"):
            if k not in proxy:
                raise ValueError(f"Proxy config requires '{k}'")
    options = transport.get("options", {})
    if not isinstance(options, dict):
        raise ValueError(f"options must be a dict, not {type(options)}")
    headers = transport.get("headers")
    if kind == "websocket" and "url" not in transport:
        raise ValueError("Transport requires 'url' key")
    if "endpoint" in transport:
        endpoint = transport["endpoint"]
        _validate_endpoint(endpoint, check_native_endpoint)
    else:
        endpoint = _endpoint_from_url(kind, transport["url"])
    if kind == "websocket":
        if "serializer" in transport:
            raise ValueError("'serializer' is only for rawsocket; use 'serializers'")
        serializers = transport.get("serializers", ["cbor", "json"])
        _check_serializer_names(serializers)
    else:
        if "serializers" in transport:
            raise ValueError("'serializers' is only for websocket; use 'serializer'")
        if headers is not None:
            raise ValueError("'headers' not supported for rawsocket transport")
        serializer = transport.get("serializer", "cbor")
        if not isinstance(serializer, str):
            raise ValueError("'serializer' must be a string")
        serializers = [serializer]
        _check_serializer_names(serializers)
    retry = {k: transport[k] for k in _RETRY_KEYS if k in transport}
    return _Transport(
        index,
        kind=kind,
        url=transport.get("url"),
        endpoint=endpoint,
        serializers=list(serializers),
        proxy=proxy,
        options=options,
        headers=headers,
        **retry,
    )


def _camel_case_from_snake_case(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(part.capitalize() for part in rest)


def _apply_transport_options(factory, transport) -> None:
    """``transport.options`` into ``factory.setProtocolOptions``, by autobahn's names or in snake case."""
    for key, value in transport.options.items():
        for name in (key, _camel_case_from_snake_case(key)):
            try:
                factory.setProtocolOptions(**{name: value})
                break
            except (TypeError, KeyError):
                continue
        else:
            raise ValueError(f"Unknown {transport.type} transport option: {key}={value}")


class _Transport:
    """One configured transport and its reconnect state (attempts, failures, the next delay)."""

    def __init__(
        self,
        idx,
        kind,
        url,
        endpoint,
        serializers,
        max_retries=-1,
        max_retry_delay=300,
        initial_retry_delay=1.5,
        retry_delay_growth=1.5,
        retry_delay_jitter=0.1,
        proxy=None,
        options=None,
        headers=None,
    ):
        self.idx = idx
        self.type = kind
        self.url = url
        self.endpoint = endpoint
        self.options = options or {}
        self.headers = headers
        self.serializers = serializers
        if kind == "rawsocket" and len(serializers) != 1:
            raise ValueError("'rawsocket' transport requires exactly one serializer")
        self.max_retries = max_retries
        self.max_retry_delay = max_retry_delay
        self.initial_retry_delay = initial_retry_delay
        self.retry_delay_growth = retry_delay_growth
        self.retry_delay_jitter = retry_delay_jitter
        self.proxy = proxy
        self._permanent_failure = False
        self.reset()

    def reset(self):
        """Back to the initial retry delay (after a session joined)."""
        self.connect_attempts = 0
        self.connect_sucesses = 0  # autobahn's spelling
        self.connect_failures = 0
        self.retry_delay = self.initial_retry_delay

    def failed(self):
        """Never try this transport again (an error the component's ``is_fatal`` called fatal)."""
        self._permanent_failure = True

    def can_reconnect(self):
        if self._permanent_failure:
            return False
        return self.max_retries == -1 or self.connect_attempts < self.max_retries + 1

    def next_delay(self):
        """Seconds to wait before the next attempt: 0 the first time, then growing (with jitter) up to the max."""
        if self.connect_attempts == 0:
            return 0
        if self.max_retries != -1 and self.connect_attempts >= self.max_retries + 1:
            raise RuntimeError("max reconnects reached")
        self.retry_delay *= self.retry_delay_growth
        self.retry_delay = random.normalvariate(self.retry_delay, self.retry_delay * self.retry_delay_jitter)
        self.retry_delay = min(self.retry_delay, self.max_retry_delay)
        return self.retry_delay

    def describe_endpoint(self):
        return self.endpoint["type"] if isinstance(self.endpoint, dict) else repr(self.endpoint)


class Component(_Observable):
    """A WAMP application component: connects over its transports (reconnecting), joins ``realm``,
    authenticates with ``authentication`` ({method: config or IAuthenticator}), then runs ``main(reactor,
    session)`` or the handlers added with ``on_join`` etc. and the ``register``/``subscribe`` decorators.

    It is done when ``main`` returns, when the session leaves normally, on :meth:`stop`, or when every
    transport has used up its retries (then the future of ``start`` fails)."""

    session_factory: Any = None
    log: Any  # the framework's Component sets one (txaio needs its framework chosen first)

    def subscribe(self, topic, options=None, check_types=False):
        """Decorator: subscribe the function to ``topic`` whenever a session joins."""
        if options is not None and not isinstance(options, SubscribeOptions):
            raise ValueError("options must be SubscribeOptions")

        def decorator(fn):
            self.on("join", lambda session, details: session.subscribe(fn, topic, options, check_types))
            return fn

        return decorator

    def register(self, uri, options=None, check_types=False):
        """Decorator: register the function for ``uri`` whenever a session joins."""
        if options is not None and not isinstance(options, RegisterOptions):
            raise ValueError("options must be RegisterOptions")

        def decorator(fn):
            self.on("join", lambda session, details: session.register(fn, uri, options, check_types=check_types))
            return fn

        return decorator

    def __init__(
        self,
        main=None,
        transports=None,
        config=None,
        realm="realm1",
        extra=None,
        authentication=None,
        session_factory=None,
        is_fatal=None,
    ):
        self.set_valid_events(["start", "connect", "join", "ready", "leave", "disconnect", "connectfailure"])
        if is_fatal is not None and not callable(is_fatal):
            raise ValueError('"is_fatal" must be a callable or None')
        if main is not None and not callable(main):
            raise ValueError('"main" must be a callable if given')
        self._is_fatal = is_fatal
        self._entry = main
        if transports is None:
            transports = "ws://127.0.0.1:8080/ws"
        if isinstance(transports, (str, dict)):
            transports = [transports]
        self._transports = [
            _create_transport(
                i, {"type": "websocket", "url": t} if isinstance(t, str) else t, self._check_native_endpoint
            )
            for i, t in enumerate(transports)
        ]
        self._authentication = authentication or {}
        if session_factory:
            self.session_factory = session_factory
        self._realm = realm
        self._extra = extra
        self._delay_f = None
        self._done_f = None
        self._session = None
        self._stopping = False

    # --- provided by the framework module ---

    def _check_native_endpoint(self, endpoint):
        if not isinstance(endpoint, dict):
            raise ValueError("'endpoint' configuration must be a dict")

    def _connect_transport(self, reactor, transport, session_factory, done):
        raise NotImplementedError

    def _is_ssl_error(self, e):
        return False

    # --- life cycle ---

    def _can_reconnect(self):
        return any(t.can_reconnect() for t in self._transports)

    def _start(self, loop=None):
        """Connect and reconnect until done; a future of None (or of the error that ended it)."""
        if self._done_f is not None:
            d = self._txaio.create_future()
            self._txaio.add_callbacks(
                self._done_f, lambda r: self._txaio.resolve(d, r), lambda f: self._txaio.resolve(d, f)
            )
            return d
        self._done_f = done_f = self._txaio.create_future()

        def forget(result):
            self._done_f = None
            return result

        self._txaio.add_callbacks(done_f, forget, forget)
        transports = itertools.cycle(self._transports)
        current = [None]

        def internal_error(fail):
            self._delay_f = None
            if self._stopping:
                self._txaio.resolve(done_f, None)
            else:
                self._txaio.reject(done_f, fail)

        def connect_failed(fail):
            self.log.info("connection failed: {msg}", msg=self._txaio.failure_message(fail))
            if isinstance(fail.value, ApplicationError):
                self.log.error("{msg}", msg=fail.value.error_message())
            if self._is_fatal is not None and self._is_fatal(fail.value):
                current[0].failed()
            notified = self.fire("connectfailure", self, fail.value)
            self._txaio.add_callbacks(notified, lambda _: next_attempt(), lambda _: next_attempt())

        def attempt(_):
            self._delay_f = None
            if self._stopping:
                self._txaio.resolve(done_f, None)
                return
            connected = self._txaio.as_future(self._connect_once, loop, current[0])
            self._txaio.add_callbacks(connected, lambda _: self._txaio.resolve(done_f, None), connect_failed)

        def next_attempt(_=None):
            if self._txaio.is_called(done_f):
                return
            if self._stopping:
                self._txaio.resolve(done_f, None)
                return
            if not self._can_reconnect():
                self._txaio.reject(done_f, RuntimeError("Component failed: Exhausted all transport connect attempts"))
                return
            transport = next(transports)
            while not transport.can_reconnect():
                transport = next(transports)
            current[0] = transport
            delay = transport.next_delay()
            self.log.debug(
                "trying transport {idx} ({url}) in {delay}s", idx=transport.idx, url=transport.url, delay=delay
            )
            self._delay_f = self._txaio.sleep(delay)
            self._txaio.add_callbacks(self._delay_f, attempt, internal_error)

        started = self.fire("start", loop, self)
        self._txaio.add_callbacks(started, next_attempt, internal_error)
        return done_f

    def stop(self):
        """Leave the session (or stop waiting to reconnect); the future of ``start`` then resolves."""
        self._stopping = True
        if self._session is not None and self._session.is_attached():
            return self._session.leave()
        if self._delay_f is not None:
            return self._txaio.as_future(self._txaio.cancel, self._delay_f)
        if self._done_f is not None and not self._txaio.is_called(self._done_f):
            self._txaio.resolve(self._done_f, None)
        return self._txaio.create_future_success(None)

    def _connect_once(self, reactor, transport):
        """One connection over ``transport``: a future that resolves when its session ended normally."""
        done = self._txaio.create_future()
        established = [False]  # the session joined (WELCOME arrived)

        def create_session():
            try:
                self._session = session = self.session_factory(ComponentConfig(self._realm, self._extra))
                for name, auth_config in self._authentication.items():
                    if isinstance(auth_config, IAuthenticator):
                        session.add_authenticator(auth_config)
                    else:
                        session.add_authenticator(create_authenticator(name, **auth_config))
            except Exception as e:
                self._txaio.reject(done, self._txaio.create_failure(e))
                raise
            session._parent = self
            session.on("join", on_established)
            session.on("leave", on_leave)
            session.on("disconnect", on_disconnect)
            if self._entry is not None:
                session.on("join", on_join)
            return session

        def on_leave(session, details):
            if not self._txaio.is_called(done):
                if details.reason in ("wamp.close.normal", "wamp.close.goodbye_and_out"):
                    self._txaio.resolve(done, None)
                else:
                    self._txaio.reject(
                        done, self._txaio.create_failure(ApplicationError(details.reason, details.message))
                    )

        def on_join(session, details):
            transport.reset()
            transport.connect_sucesses += 1
            d = self._txaio.as_future(self._entry, reactor, session)

            def main_done(_):
                def leave():
                    try:
                        session.leave()
                    except SessionNotReady:
                        pass

                self._txaio.call_later(0, leave)

            def main_failed(fail):
                self._txaio.reject(done, fail)
                session.disconnect()

            self._txaio.add_callbacks(d, main_done, main_failed)

        def on_established(session, details):
            established[0] = True

        def on_disconnect(session, was_clean):
            if self._txaio.is_called(done):
                return
            if not was_clean:
                self.log.warn("Session disconnected uncleanly")  # the framework module fails the attempt
            elif established[0]:
                self._txaio.resolve(done, None)
            else:
                # closed before WELCOME (a router restarting, a realm not ready): a failed attempt, retried
                self._txaio.reject(
                    done,
                    self._txaio.create_failure(
                        TransportLost("the connection closed before the session was established")
                    ),
                )

        transport.connect_attempts += 1
        d = self._txaio.as_future(self._connect_transport, reactor, transport, create_session, done)

        def connect_failed(fail):
            transport.connect_failures += 1
            if not self._txaio.is_called(done):
                self._txaio.reject(done, fail)

        self._txaio.add_callbacks(d, None, connect_failed)
        return done

    def on_join(self, fn):
        """Decorator: ``fn(session, details)`` runs when a session joins."""
        self.on("join", fn)

    def on_leave(self, fn):
        """Decorator: ``fn(session, details)`` runs when a session leaves."""
        self.on("leave", fn)

    def on_connect(self, fn):
        """Decorator: ``fn(session, transport)`` runs when a transport connects."""
        self.on("connect", fn)

    def on_disconnect(self, fn):
        """Decorator: ``fn(session, was_clean=...)`` runs when a transport closes."""
        self.on("disconnect", fn)

    def on_ready(self, fn):
        """Decorator: ``fn(session)`` runs after the join handlers have finished."""
        self.on("ready", fn)

    def on_connectfailure(self, fn):
        """Decorator: ``fn(component, error)`` runs when a connection attempt fails."""
        self.on("connectfailure", fn)


def _run(reactor, components, done_callback=None, failures=None):
    """Start every component; a future of when all are done (``done_callback(reactor, result)`` then).

    A component that fails or gives up is logged and, when a ``failures`` list is given, appended
    to it (the runners turn that into a non-zero exit status); one cancelled by a shutdown is not.
    """
    if isinstance(components, Component):
        components = [components]
    if not isinstance(components, list):
        raise ValueError(f'"components" must be a list of Component objects - encountered {type(components)}')
    for c in components:
        if not isinstance(c, Component):
            raise ValueError(f'"components" must be a list of Component objects - encountered item of type {type(c)}')
    log = txaio.make_logger()
    api = components[0]._txaio if components else txaio  # the components' framework

    def started(comp):
        d = api.as_future(comp.start, reactor)

        def failed(fail):
            if _is_cancellation(fail.value):
                log.debug("Component '{c}' stopped", c=comp)
                return None
            log.error("Component '{c}' error: {msg}", c=comp, msg=api.failure_message(fail))
            if failures is not None:
                failures.append(comp)
            return None

        api.add_callbacks(d, None, failed)
        return d

    done = api.gather([started(c) for c in components], consume_exceptions=False)
    if done_callback:
        api.add_callbacks(done, lambda r: done_callback(reactor, r), lambda f: done_callback(reactor, f))
    return done


def _is_cancellation(exc):
    """Whether ``exc`` is asyncio's or Twisted's cancellation (a shutdown, not a failure)."""
    if isinstance(exc, asyncio.CancelledError):
        return True
    defer = sys.modules.get("twisted.internet.defer")
    return defer is not None and isinstance(exc, defer.CancelledError)


# Names autobahn 26.11.1 also has here (programs import them from this module).
from autobahn.util import ObservableMixin  # noqa: E402, F401
from autobahn.wamp.serializer import SERID_TO_SER  # noqa: E402, F401
