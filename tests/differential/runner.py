"""Run one differential scenario (``python runner.py FRAMEWORK SCENARIO``) and print its trace
as JSON: the callbacks the program saw with their arguments, what a raw-socket peer on
127.0.0.1 received on the wire, and the reactor/loop state once the connection is closed.

Which autobahn runs is decided by the path (the test puts the original's ``pip --target``
folder first, or not); the trace says which one was imported. The peer is a plain blocking
socket in a thread with a fixed handshake key and fixed masks, so its side of the wire is
the same on every run; what it receives is decoded (frames unmasked) before it is compared.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import threading
import time
from typing import Any

from scenarios import SCENARIOS, Scenario
from wire import Peer, decode_wire

DEADLINE = 6.0  # seconds a scenario may run at most (every wait below is bounded by it)


# --- the program side: a protocol that records every callback -----------------------------


def describe(value: Any) -> Any:
    """A JSON-able, run-independent view of a callback argument."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"bytes": bytes(value).decode("latin-1")}
    if isinstance(value, (list, tuple)):
        return [describe(v) for v in value]
    if isinstance(value, dict):
        return {str(k): describe(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, BaseException):
        return {"exception": type(value).__name__}
    cls = type(value).__name__
    if cls == "ConnectionRequest":
        headers = {k: v for k, v in value.headers.items() if k != "sec-websocket-key"}
        return {
            "request": {
                "path": value.path,
                "params": describe(value.params),
                "host": value.host,
                "origin": value.origin,
                "protocols": describe(value.protocols),
                "version": value.version,
                "extensions": describe(value.extensions),
                "headers": describe(headers),
            }
        }
    if cls == "ConnectionResponse":
        headers = {k: v for k, v in value.headers.items() if k != "sec-websocket-accept"}
        return {
            "response": {
                "protocol": value.protocol,
                "version": value.version,
                "extensions": describe(value.extensions),
                "headers": describe(headers),
            }
        }
    return {"object": cls}


def fired(future: Any) -> Any:
    """Whether an is_open/is_closed Future or Deferred has fired."""
    if future is None:
        return None
    if hasattr(future, "called"):
        return bool(future.called)
    return future.done()


def make_protocol(base: type, sc: Scenario, trace: dict[str, Any]) -> type:
    events: list[Any] = trace["events"]

    def record(name: str, *args: Any) -> None:
        events.append([name, *(describe(a) for a in args)])

    def act(self: Any, name: str, *args: Any) -> Any:
        action = sc.actions.get(name)
        if action is None:
            return None
        try:
            return action(self, record, *args)
        except Exception as exc:  # what the program would see: recorded, not raised on
            record(f"{name} raised", exc)
            if sc.propagate:
                raise  # the scenario is about what the package does with it
            return None

    def callback(name: str) -> Any:
        def method(self: Any, *args: Any) -> Any:
            record(name, *args)
            if name in ("onOpen", "onClose"):
                # What a program can check at these moments: the state and the futures.
                future = self.is_open if name == "onOpen" else self.is_closed
                record(f"{name} sees", {"state": self.state, "future_fired": fired(future)})
            trace["protocol"] = self
            result = act(self, name, *args)
            if result is not None:
                return result
            return getattr(base, name)(self, *args)

        method.__name__ = name
        return method

    names = ["onOpen", "onMessage", "onPing", "onPong", "onClose", "onConnect"]
    if sc.role == "client":
        names.append("onConnecting")
    names += sc.streaming
    namespace = {name: callback(name) for name in names}
    return type("Subject", (base,), namespace)


class Framework:
    """asyncio or Twisted, driven in small steps by the harness (no timers of its own)."""

    def __init__(self, name: str) -> None:
        self.name = name
        if name == "asyncio":
            import asyncio

            from autobahn.asyncio import websocket

            self.asyncio = asyncio
            self.loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self.loop)
        else:
            from twisted.internet import reactor

            from autobahn.twisted import websocket

            self.reactor = reactor
        self.ws = websocket

    def pump(self, seconds: float = 0.01) -> None:
        if self.name == "asyncio":
            # A turn of the loop without a timer of the harness's own (asyncio.sleep(x > 0)
            # would be one, and count among the pending timers the scenarios check).
            self.loop.run_until_complete(self.asyncio.sleep(0))
            time.sleep(seconds)
        else:
            self.reactor.iterate(seconds)

    def listen(self, factory: Any) -> tuple[int, Any]:
        if self.name == "asyncio":
            server = self.loop.run_until_complete(self.loop.create_server(factory, "127.0.0.1", 0))
            return server.sockets[0].getsockname()[1], server
        port = self.reactor.listenTCP(0, factory, interface="127.0.0.1")
        return port.getHost().port, port

    def stop_listening(self, handle: Any) -> None:
        if self.name == "asyncio":
            handle.close()
        else:
            handle.stopListening()
        self.pump(0)

    def connect(self, factory: Any, port: int) -> None:
        if self.name == "asyncio":
            self.loop.run_until_complete(self.loop.create_connection(factory, "127.0.0.1", port))
        else:
            self.reactor.connectTCP("127.0.0.1", port, factory)

    def pending_timers(self) -> list[str]:
        if self.name == "asyncio":
            handles = [h for h in self.loop._scheduled if not h.cancelled()]
            return sorted(getattr(h._callback, "__qualname__", repr(h._callback)) for h in handles)
        return sorted(
            getattr(c.func, "__qualname__", repr(c.func)) for c in self.reactor.getDelayedCalls() if c.active()
        )

    def producer(self, proto: Any) -> Any:
        transport = getattr(proto, "transport", None)
        if self.name == "asyncio" or transport is None:
            return None
        producer = getattr(transport, "producer", None)
        return None if producer is None else type(producer).__name__


def run(framework_name: str, name: str) -> dict[str, Any]:
    sc = SCENARIOS[name]
    fw = Framework(framework_name)
    import scenarios

    scenarios.PENDING_TIMERS = fw.pending_timers  # for actions that check timers at a moment
    import autobahn

    trace: dict[str, Any] = {"events": [], "autobahn": os.path.dirname(autobahn.__file__)}
    end = time.monotonic() + DEADLINE
    base = fw.ws.WebSocketServerProtocol if sc.role == "server" else fw.ws.WebSocketClientProtocol
    protocol_class = make_protocol(base, sc, trace)
    if sc.role == "server":
        factory = fw.ws.WebSocketServerFactory(*sc.factory_args, **sc.factory_kwargs)
    else:
        listener = socket.create_server(("127.0.0.1", 0))
        port = listener.getsockname()[1]
        factory = fw.ws.WebSocketClientFactory(
            f"ws://127.0.0.1:{port}{sc.resource}", *sc.factory_args, **sc.factory_kwargs
        )
    factory.protocol = protocol_class
    if sc.options:
        factory.setProtocolOptions(**sc.options)
    if sc.after_creation is not None:
        sc.after_creation(factory)

    peer_holder: dict[str, Any] = {}

    def peer_main(sock: socket.socket) -> None:
        peer = Peer(sock, end)
        peer_holder["peer"] = peer
        try:
            sc.peer(peer)
        except Exception as exc:
            peer_holder["error"] = repr(exc)
        finally:
            sock.close()

    if sc.role == "server":
        port, handle = fw.listen(factory)
        sock = socket.create_connection(("127.0.0.1", port))
        thread = threading.Thread(target=peer_main, args=(sock,))
    else:
        handle = None

        def accept_then_run() -> None:
            listener.settimeout(DEADLINE)
            try:
                sock, _ = listener.accept()
            except OSError as exc:
                peer_holder["error"] = repr(exc)
                return
            finally:
                listener.close()
            peer_main(sock)

        thread = threading.Thread(target=accept_then_run)
        fw.connect(factory, port)
    thread.start()
    # Run until the peer script ended and the program saw onClose (or the deadline).
    while time.monotonic() < end:
        fw.pump()
        closed = any(e[0] == "onClose" for e in trace["events"])
        if not thread.is_alive() and closed:
            break
    for _ in range(5):  # let what the close set in motion run (still no timers of ours)
        fw.pump()
    thread.join(max(0.0, end - time.monotonic()) + 1)
    proto = trace.pop("protocol", None)
    peer = peer_holder.get("peer")
    trace["wire"] = decode_wire(bytes(peer.received)) if peer else None
    trace["peer_ending"] = peer.ending if peer else None
    trace["peer_error"] = peer_holder.get("error")
    timers = fw.pending_timers()
    trace["after"] = {
        "pending_timers": len(timers),
        "producer": fw.producer(proto) if proto is not None else None,
        "state": getattr(proto, "state", None) if proto is not None else None,
    }
    trace["timer_names"] = timers  # for the report, not compared (names are implementation's)
    if handle is not None:
        fw.stop_listening(handle)
    return trace


def serve(framework_name: str) -> None:
    """Run the scenarios named on stdin (one a line), each in a process of its own forked from
    this one once the framework and autobahn are imported (no reactor yet: each child makes
    its own), writing one JSON trace a line, in order."""
    import select
    import signal
    import traceback

    __import__(f"autobahn.{framework_name}.websocket")
    for line in sys.stdin:
        name = line.strip()
        if not name:
            continue
        started = time.monotonic()
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the scenario's process
            os.close(read_end)
            try:
                out = json.dumps(run(framework_name, name), sort_keys=True)
            except BaseException as exc:
                out = json.dumps({"crashed": repr(exc), "stderr": traceback.format_exc()})
            with os.fdopen(write_end, "w") as pipe:
                pipe.write(out)
            os._exit(0)  # no interpreter teardown of the reactor: the trace is written
        os.close(write_end)
        chunks = []
        deadline = started + DEADLINE + 20
        while (left := deadline - time.monotonic()) > 0:
            if select.select([read_end], [], [], left)[0]:
                chunk = os.read(read_end, 1 << 16)
                if not chunk:
                    break
                chunks.append(chunk)
        else:
            os.kill(pid, signal.SIGKILL)
        os.close(read_end)
        os.waitpid(pid, 0)
        try:
            trace = json.loads(b"".join(chunks))
        except ValueError:
            trace = {"crashed": "no trace (hung or died)", "stderr": b"".join(chunks).decode(errors="replace")}
        trace["seconds"] = round(time.monotonic() - started, 2)  # for the report, not compared
        sys.stdout.write(json.dumps(trace, sort_keys=True) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    if sys.argv[1] == "--serve":
        serve(sys.argv[2])
        sys.exit(0)
    framework_name, scenario_name = sys.argv[1], sys.argv[2]
    result = run(framework_name, scenario_name)
    sys.stdout.write(json.dumps(result, sort_keys=True) + "\n")
    sys.stdout.flush()
    os._exit(0)  # no interpreter teardown of the reactor: the trace is written
