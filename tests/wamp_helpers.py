"""Connecting our asyncio WAMP sessions to the test router (tests/conftest.py ``crossbar_router``)."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import ssl
from typing import Any

import txaio

from autobahn import _crossbar
from autobahn._txaio import use_framework

use_framework("asyncio")

from autobahn.asyncio.rawsocket import WampRawSocketClientFactory  # noqa: E402
from autobahn.asyncio.wamp import ApplicationSession  # noqa: E402
from autobahn.asyncio.websocket import WampWebSocketClientFactory  # noqa: E402
from autobahn.wamp import serializer as wamp_serializer  # noqa: E402
from autobahn.wamp.types import ComponentConfig  # noqa: E402

SERIALIZERS = ["json", "msgpack", "cbor", "ubjson"]
TRANSPORTS = ["websocket", "rawsocket", "unix"]

_SERIALIZER_CLASSES = {
    "json": "JsonSerializer",
    "msgpack": "MsgPackSerializer",
    "cbor": "CBORSerializer",
    "ubjson": "UBJSONSerializer",
}


def make_serializer(name: str, batched: bool = False) -> Any:
    return getattr(wamp_serializer, _SERIALIZER_CLASSES[name])(batched=batched)


class Client(ApplicationSession):
    """A session that resolves ``joined`` in onJoin (or fails it on leave), and ``closed`` on disconnect."""

    authmethods: list[str] | None = None
    authid: str | None = None
    authextra: dict[str, Any] | None = None
    challenge_answer: Any = None  # callable(session, challenge) -> signature

    def __init__(self, config=None):
        super().__init__(config)
        self.joined: asyncio.Future = asyncio.get_running_loop().create_future()
        self.closed: asyncio.Future = asyncio.get_running_loop().create_future()
        self.leave_details: Any = None

    def onConnect(self):
        if self.authmethods:
            self.join(self.config.realm, self.authmethods, self.authid, authextra=self.authextra)
        else:
            self.join(self.config.realm)

    def onChallenge(self, challenge):
        return self.challenge_answer(self, challenge)

    def onJoin(self, details):
        if not self.joined.done():
            self.joined.set_result(details)

    def onLeave(self, details):
        self.leave_details = details
        if not self.joined.done():
            self.joined.set_exception(RuntimeError(f"session left before joining: {details.reason} {details.message}"))
        return super().onLeave(details)

    def onDisconnect(self):
        if not self.closed.done():
            self.closed.set_result(True)
        return super().onDisconnect()


# --- authentication: the client side of each method Crossbar is configured with (autobahn._crossbar) ---


def _ticket(session, challenge):
    assert challenge.method == "ticket"
    return _crossbar.TICKET["ticket"]


def _wampcra(secret_of):
    def answer(session, challenge):
        assert challenge.method == "wampcra"
        key = secret_of(challenge).encode()
        return base64.b64encode(hmac.new(key, challenge.extra["challenge"].encode(), hashlib.sha256).digest())

    return answer


def _cra_plain(challenge):
    return _crossbar.WAMPCRA["secret"]


def _cra_salted(challenge):
    extra = challenge.extra
    assert (extra["salt"], extra["iterations"], extra["keylen"]) == (
        _crossbar.WAMPCRA_SALTED["salt"],
        _crossbar.WAMPCRA_SALTED["iterations"],
        _crossbar.WAMPCRA_SALTED["keylen"],
    )
    key = hashlib.pbkdf2_hmac(
        "sha256",
        _crossbar.WAMPCRA_SALTED["secret"].encode(),
        extra["salt"].encode(),
        extra["iterations"],
        extra["keylen"],
    )
    return base64.b64encode(key).decode()


AUTH_CASES = {
    "ticket": (["ticket"], _crossbar.TICKET["authid"], _ticket),
    "wampcra": (["wampcra"], _crossbar.WAMPCRA["authid"], _wampcra(_cra_plain)),
    "wampcra-salted": (["wampcra"], _crossbar.WAMPCRA_SALTED["authid"], _wampcra(_cra_salted)),
}


def authenticating_client(case: str) -> type[Client]:
    """A Client class that authenticates as AUTH_CASES[case] (on the router's authenticated transports)."""
    authmethods, authid, answer = AUTH_CASES[case]
    return type(
        f"Authenticating_{case}",
        (Client,),
        {"authmethods": authmethods, "authid": authid, "challenge_answer": staticmethod(answer)},
    )


AUTHENTICATORS = ["cryptosign", "scram", "ticket", "wampcra"]


def make_authenticator(method: str, authextra: dict[str, Any] | None = None):
    """autobahn.wamp.auth's authenticator for the router's principal of ``method`` (with ``authextra``,
    e.g. cryptosign's ``channel_binding``)."""
    from autobahn.wamp import auth

    kwargs = {
        "cryptosign": {"authid": _crossbar.CRYPTOSIGN["authid"], "privkey": _crossbar.CRYPTOSIGN["seed_hex"]},
        "scram": {"authid": _crossbar.SCRAM["authid"], "password": _crossbar.SCRAM["password"]},
        "ticket": {"authid": _crossbar.TICKET["authid"], "ticket": _crossbar.TICKET["ticket"]},
        "wampcra": {"authid": _crossbar.WAMPCRA["authid"], "secret": _crossbar.WAMPCRA["secret"]},
    }[method]
    if authextra:
        kwargs["authextra"] = authextra
    return auth.create_authenticator(method, **kwargs)


def authenticator_client(method: str, authextra: dict[str, Any] | None = None) -> type[Client]:
    """A Client class on the session shim (autobahn.asyncio.wamp.Session) with ``method``'s authenticator."""
    from autobahn.asyncio.wamp import Session

    class Shim(Session, Client):
        def __init__(self, config=None):
            Client.__init__(self, config)
            self.add_authenticator(make_authenticator(method, authextra))

        def onConnect(self):
            return Session.onConnect(self)

        def onChallenge(self, challenge):
            return Session.onChallenge(self, challenge)

        def on_join(self, details):
            Client.onJoin(self, details)

        def on_leave(self, details):
            Client.onLeave(self, details)

        def on_disconnect(self):
            Client.onDisconnect(self)

    return Shim


async def connect(
    router: Any,
    transport: str = "websocket",
    serializer: str = "json",
    session_class: type[Client] = Client,
    auth: bool = False,
    batched: bool = False,
    timeout: float = 10.0,
) -> Any:
    """A joined session of ``session_class`` on ``router`` over ``transport`` with ``serializer``."""
    loop = asyncio.get_running_loop()
    txaio.config.loop = loop
    config = ComponentConfig(router.realm)
    sessions: list[Client] = []

    def make_session() -> Client:
        session = session_class(config)
        sessions.append(session)
        return session

    ser = make_serializer(serializer, batched)
    if transport in ("tls-websocket", "tls-rawsocket"):
        # the router's TLS transports ask for a client certificate: ours (router.certs)
        tls = ssl.create_default_context(cafile=str(router.certs / "server.crt"))
        tls.load_cert_chain(str(router.certs / "client.crt"), str(router.certs / "client.key"))
    if transport == "tls-websocket":
        factory = WampWebSocketClientFactory(make_session, url=router.tls_ws_url, serializers=[ser])
        await loop.create_connection(factory, "127.0.0.1", factory.port, ssl=tls, server_hostname="localhost")
    elif transport == "tls-rawsocket":
        factory = WampRawSocketClientFactory(make_session, serializer=ser)
        await loop.create_connection(factory, "127.0.0.1", router.tls_rs_port, ssl=tls, server_hostname="localhost")
    elif transport == "websocket":
        url = router.auth_ws_url if auth else router.ws_url
        factory: Any = WampWebSocketClientFactory(make_session, url=url, serializers=[ser])
        await loop.create_connection(factory, "127.0.0.1", factory.port)
    elif transport == "rawsocket":
        factory = WampRawSocketClientFactory(make_session, serializer=ser)
        await loop.create_connection(factory, "127.0.0.1", router.auth_rs_port if auth else router.rs_port)
    elif transport == "unix":
        assert not auth, "the Unix socket transport is anonymous"
        factory = WampRawSocketClientFactory(make_session, serializer=ser)
        await loop.create_unix_connection(factory, router.unix_path)
    else:
        raise ValueError(transport)
    for _ in range(1000):  # the session is made when the WebSocket/RawSocket handshake completes (10 s)
        if sessions:
            break
        await asyncio.sleep(0.01)
    session = sessions[0]
    await asyncio.wait_for(asyncio.shield(session.joined), timeout)
    return session


async def close(*sessions: Client) -> None:
    """Leave and wait until each transport closed."""
    for session in sessions:
        if session.is_attached():
            session.leave()
    for session in sessions:
        try:
            await asyncio.wait_for(asyncio.shield(session.closed), 5)
        except TimeoutError:
            session.disconnect()


# What run() makes its fresh loop with: asyncio's, or uvloop's (test_wamp_crossbar.py's ``wamp_loop``).
LOOP_FACTORY: list[Any] = [asyncio.new_event_loop]


def run(coro: Any, timeout: float = 60.0) -> Any:
    """Run ``coro`` on a fresh event loop (bounded by ``timeout``)."""
    loop = LOOP_FACTORY[0]()
    txaio.config.loop = loop
    try:
        return loop.run_until_complete(asyncio.wait_for(coro, timeout))
    finally:
        # Transports closed at the end of a test finish closing on the loop (connection_lost is
        # a callback): give them a moment, or closing the loop leaves their sockets open.
        loop.run_until_complete(asyncio.sleep(0.1))
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
