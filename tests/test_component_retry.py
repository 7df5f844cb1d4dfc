"""A Component retries when its router ends the connection before WELCOME (autobahn.wamp.component).

A router that is restarting, or whose realm is not ready yet, may close the connection cleanly
before the session is established; a RawSocket router may also send a frame the client rejects
right after the handshake. Each is a failed attempt: the component must try again (within its
``max_retries``), join once the router admits it, and leave nothing behind such as a future whose
exception nobody retrieved. The fake router here refuses the first ``REFUSALS`` connections, then
admits the session (WELCOME) and answers GOODBYE. Both frameworks run on one loop (tests/frameworks.py).
"""

from __future__ import annotations

import asyncio
import gc
import json
import logging

import pytest
import txaio
from frameworks import LOOP, run, wait

from autobahn.wamp import message, role

REFUSALS = 3


class RawSocketRouter(asyncio.Protocol):
    """A tiny WAMP router over RawSocket with JSON: WELCOME to HELLO, GOODBYE to GOODBYE; a refused
    connection is closed when HELLO arrives (``close``) or gets an invalid frame right after the
    handshake (``bad-frame``)."""

    def __init__(self, state: dict, how: str) -> None:
        self.state, self.how = state, how
        state["connections"] += 1
        self.refused = state["connections"] <= REFUSALS
        self.buffer = b""
        self.handshake_done = False

    def connection_made(self, transport):
        self.transport = transport

    def _send(self, msg: list) -> None:
        payload = json.dumps(msg).encode()
        self.transport.write(len(payload).to_bytes(4, "big") + payload)

    def data_received(self, data):
        self.buffer += data
        if not self.handshake_done:
            if len(self.buffer) < 4:
                return
            hello, self.buffer = self.buffer[:4], self.buffer[4:]
            self.transport.write(bytes((0x7F, 0xF0 | (hello[1] & 0x0F), 0, 0)))
            self.handshake_done = True
            if self.refused and self.how == "bad-frame":
                self.transport.write(b"\x07\x00\x00\x00")  # frame type 7 does not exist
                return
        while len(self.buffer) >= 4:
            length = int.from_bytes(self.buffer[1:4], "big")
            if len(self.buffer) < 4 + length:
                return
            frame, self.buffer = self.buffer[4 : 4 + length], self.buffer[4 + length :]
            msg = json.loads(frame)
            if msg[0] == message.Hello.MESSAGE_TYPE:
                if self.refused:
                    self.transport.close()  # cleanly, before WELCOME
                    return
                self._send([message.Welcome.MESSAGE_TYPE, 1234, {"roles": {"broker": {}, "dealer": {}}}])
            elif msg[0] == message.Goodbye.MESSAGE_TYPE:
                self._send([message.Goodbye.MESSAGE_TYPE, {}, "wamp.close.goodbye_and_out"])


class WebSocketRouterSession:
    """The same router behind our WAMP-over-WebSocket server: a refused session's transport closes
    with a clean WebSocket closing handshake when HELLO arrives."""

    def __init__(self, state: dict) -> None:
        state["connections"] += 1
        self.refused = state["connections"] <= REFUSALS

    def onOpen(self, transport):
        self.transport = transport

    def onMessage(self, msg):
        if isinstance(msg, message.Hello):
            if self.refused:
                self.transport.close()
                return
            roles = {"broker": role.RoleBrokerFeatures(), "dealer": role.RoleDealerFeatures()}
            self.transport.send(message.Welcome(1234, roles, authid="anon", authrole="anonymous"))
        elif isinstance(msg, message.Goodbye):
            self.transport.send(message.Goodbye("wamp.close.goodbye_and_out"))

    def onClose(self, wasClean):
        pass


async def _serve(how: str, state: dict):
    if how == "websocket-close":
        from autobahn.asyncio.websocket import WampWebSocketServerFactory
        from autobahn.wamp.serializer import JsonSerializer

        factory = WampWebSocketServerFactory(lambda: WebSocketRouterSession(state), serializers=[JsonSerializer()])
        server = await LOOP.create_server(factory, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        return server, {"type": "websocket", "url": f"ws://127.0.0.1:{port}/ws", "serializers": ["json"]}
    server = await LOOP.create_server(lambda: RawSocketRouter(state, how.split("-", 1)[1]), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    return server, {"type": "rawsocket", "url": f"rs://127.0.0.1:{port}", "serializer": "json"}


HOWS = ["rawsocket-close", "rawsocket-bad-frame", "websocket-close"]


@pytest.mark.parametrize("framework", ["asyncio", "twisted"])
@pytest.mark.parametrize("how", HOWS)
def test_component_retries_until_the_router_admits_it(framework, how, caplog):
    if framework == "asyncio":
        from autobahn.asyncio.component import Component
    else:
        from autobahn.twisted.component import Component
    state = {"connections": 0}
    unretrieved = []
    previous_handler = LOOP.get_exception_handler()
    LOOP.set_exception_handler(lambda loop, context: unretrieved.append(context.get("message")))

    async def main():
        server, transport = await _serve(how, state)
        transport.update(max_retries=REFUSALS + 2, initial_retry_delay=0.01, retry_delay_growth=1.0)
        transport["retry_delay_jitter"] = 0.0
        joined, failures = [], []

        async def app(reactor, session):
            joined.append(session.session_id)

        component = Component(main=app, transports=[transport], realm="realm1")
        component.on_connectfailure(lambda comp, error: failures.append(error))
        try:
            if framework == "asyncio":
                # As autobahn's run() does: txaio's futures on the loop the component runs on (an
                # earlier test may have left txaio.config.loop on a loop it closed).
                txaio.config.loop = LOOP
                await wait(component.start(LOOP), 30)
            else:
                from twisted.internet import reactor

                await wait(component.start(reactor), 30)
        finally:
            server.close()
        return joined, failures

    try:
        with caplog.at_level(logging.DEBUG):
            joined, failures = run(main())
            gc.collect()  # an unretrieved future's exception is reported when it is collected
            run(asyncio.sleep(0))
    finally:
        LOOP.set_exception_handler(previous_handler)
    assert state["connections"] == REFUSALS + 1
    assert len(failures) == REFUSALS
    assert joined == [1234]
    assert not unretrieved, unretrieved
    assert "never retrieved" not in caplog.text
    assert "no transport set for session" not in caplog.text
