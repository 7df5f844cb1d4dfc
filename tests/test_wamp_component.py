"""Component (autobahn.asyncio.component): transport configuration as autobahn parses it, and real runs
against Crossbar: decorators, main, reconnecting past a dead transport, authentication config."""

from __future__ import annotations

import asyncio

import pytest
from wamp_helpers import run

from autobahn import _crossbar
from autobahn.asyncio.component import Component
from autobahn.wamp.component import _create_transport
from autobahn.wamp.types import RegisterOptions


def test_transport_config_defaults_and_checks():
    t = _create_transport(0, {"url": "ws://example.com:8080/ws"})
    assert (t.type, t.endpoint, t.serializers) == (
        "websocket",
        {"type": "tcp", "host": "example.com", "port": 8080, "tls": False},
        ["cbor", "json"],
    )
    t = _create_transport(1, {"type": "rawsocket", "url": "rs://unix:/tmp/x.sock", "serializer": "msgpack"})
    assert (t.endpoint, t.serializers) == ({"type": "unix", "path": "/tmp/x.sock"}, ["msgpack"])
    t = _create_transport(2, {"url": "wss://h/ws", "max_retries": 3, "initial_retry_delay": 0.5})
    assert t.endpoint["tls"] is True and t.max_retries == 3 and t.next_delay() == 0
    bad = [
        {"url": "ws://h/ws", "bogus": 1},
        {"type": "carrier-pigeon", "url": "ws://h/ws"},
        {"type": "websocket"},
        {"url": "ws://h/ws", "serializer": "json"},
        {"type": "rawsocket", "url": "rs://h:1", "serializers": ["json"]},
        {"url": "ws://h/ws", "serializers": ["xml"]},
        {"url": "ws://h/ws", "endpoint": {"type": "tcp", "host": "h"}},
        {"url": "ws://h/ws", "endpoint": {"type": "unix", "path": "/p", "port": 1}},
        {"type": "rawsocket", "url": "rs://h:1", "proxy": {"host": "p", "port": 1}},
        {"url": "ws://h/ws", "options": []},
        "ws://h/ws",
    ]
    for config in bad:
        with pytest.raises(ValueError):
            _create_transport(0, config)


def test_retry_delays_grow_and_stop():
    t = _create_transport(0, {"url": "ws://h/ws", "max_retries": 2, "initial_retry_delay": 1, "retry_delay_jitter": 0})
    delays = []
    while t.can_reconnect():
        delays.append(t.next_delay())
        t.connect_attempts += 1
    assert delays == [0, 1.5, 2.25]
    with pytest.raises(RuntimeError):
        t.next_delay()


def test_component_against_crossbar(crossbar_router):
    r = crossbar_router
    dead_port = _crossbar.free_port()
    backend = Component(
        transports=[
            # nothing listens here: the component goes on to the next transport
            {"url": f"ws://127.0.0.1:{dead_port}/ws", "max_retries": 0},
            {
                "type": "rawsocket",
                "url": f"rs://127.0.0.1:{r.rs_port}",
                "serializer": "json",
                "initial_retry_delay": 0.1,
            },
        ],
        realm=r.realm,
    )
    failures = []
    backend.on_connectfailure(lambda component, error: failures.append(error))
    events = []

    @backend.register("comp.add2", options=RegisterOptions(details_arg="details"))
    def add2(a, b, details=None):
        return a + b

    @backend.subscribe("comp.topic")
    def on_topic(x):
        events.append(x)

    async def frontend_main(reactor, session):
        for _ in range(100):
            try:
                result = await session.call("comp.add2", 2, 3)
                break
            except Exception:
                await asyncio.sleep(0.05)
        session.publish("comp.topic", "hello")
        await asyncio.sleep(0.3)
        results.append(result)

    results = []
    frontend = Component(
        main=frontend_main,
        transports=[{"url": r.auth_ws_url, "serializers": ["msgpack"]}],
        realm=r.realm,
        authentication={"ticket": {"authid": _crossbar.TICKET["authid"], "ticket": _crossbar.TICKET["ticket"]}},
    )
    joined = []
    frontend.on_join(lambda session, details: joined.append(details.authmethod))

    async def main():
        backend_done = backend.start()
        await asyncio.wait_for(frontend.start(), 20)  # done when main returns and the session left
        await backend.stop()
        await asyncio.wait_for(backend_done, 10)

    run(main())
    assert results == [5] and events == ["hello"] and joined == ["ticket"]
    assert len(failures) == 1 and isinstance(failures[0], OSError)


def test_component_gives_up_when_every_transport_fails():
    component = Component(
        transports=[
            {"url": f"ws://127.0.0.1:{_crossbar.free_port()}/ws", "max_retries": 1, "initial_retry_delay": 0.05}
        ]
    )

    async def main():
        with pytest.raises(RuntimeError, match="Exhausted all transport connect attempts"):
            await asyncio.wait_for(component.start(), 10)

    run(main())


def test_twisted_component_against_crossbar(crossbar_router):
    import subprocess
    import sys
    from pathlib import Path

    r = crossbar_router
    script = Path(__file__).with_name("wamp_twisted_component.py")
    out = subprocess.run(
        [sys.executable, str(script), r.ws_url, str(r.rs_port), r.realm], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0 and "OK" in out.stdout.splitlines(), out.stdout + out.stderr


def test_twisted_application_and_service(crossbar_router):
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).with_name("wamp_twisted_app.py")
    out = subprocess.run(
        [sys.executable, str(script), crossbar_router.ws_url, crossbar_router.realm],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0 and "OK" in out.stdout.splitlines(), out.stdout + out.stderr
