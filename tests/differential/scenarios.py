"""The catalogue of differential scenarios: what the program (the subject, a server or a client
built on autobahn's API) does in its callbacks, and what the raw-socket peer sends and reads.

Actions are ``action(protocol, record, *callback_args)``: ``record(name, *values)`` adds an
entry to the trace (what the program would observe, e.g. an exception from an API call), and
a value returned is what the callback returns (``onConnect``'s subprotocol, for one). Options
the two packages default differently (keepalive, size limits, failByDrop) are set explicitly
where a scenario depends on them, so that each difference shows in one place only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wire import Peer, close_payload, frame

TEXT, BINARY, CLOSE, PING, PONG, CONT = 1, 2, 8, 9, 10, 0


@dataclass
class Scenario:
    role: str  # "server" or "client": which side the program is
    peer: Any  # peer(Peer): the raw side's script
    actions: dict[str, Any] = field(default_factory=dict)
    factory_args: tuple[Any, ...] = ()
    factory_kwargs: dict[str, Any] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    after_creation: Any = None  # after_creation(factory): attributes a program sets later
    streaming: list[str] = field(default_factory=list)  # streaming callbacks to record
    resource: str = "/"  # the client's URL path
    twisted_only: bool = False
    random_ping: bool = False  # automatic pings: their payload is random in both packages
    propagate: bool = False  # an exception from an action reaches the package (else it is recorded)
    # Deliberate differences: a trace path prefix -> why ours differs there (README, "Moving
    # from autobahn"). The test ignores differences under these paths, and only these.
    differs: dict[str, str] = field(default_factory=dict)


def ping_payload(peer: Peer, index: int) -> bytes:
    """The payload of a frame the peer received (the subject's ping)."""
    from wire import decode_wire

    return decode_wire(bytes(peer.received))["frames"][index]["payload"].encode("latin-1")


def echo(proto: Any, record: Any, payload: bytes, is_binary: bool) -> None:
    proto.sendMessage(payload, is_binary)


def close_after_echo(peer: Peer, frames: int = 1) -> None:
    """Read the echoed frames, close with 1000 "bye", read until the subject closes."""
    peer.frames(frames)
    peer.send(frame(CLOSE, close_payload(1000, b"bye")))
    peer.until_closed()


def client_handshake_then(script: Any, headers: list[tuple[str, str]] = (), path: str = "/") -> Any:
    def run(peer: Peer) -> None:
        peer.request(path, headers)
        peer.http_head()
        script(peer)

    return run


def server_handshake_then(script: Any, headers: list[tuple[str, str]] = ()) -> Any:
    def run(peer: Peer) -> None:
        peer.answer(headers=headers)
        script(peer)

    return run


SERVER = "ws://127.0.0.1"
PENDING_TIMERS: Any = None  # set by the runner: the loop's/reactor's pending timers now
SCENARIOS: dict[str, Scenario] = {}


def server(name: str, peer: Any, **kwargs: Any) -> None:
    kwargs.setdefault("factory_args", (SERVER,))
    SCENARIOS[f"server_{name}"] = Scenario("server", peer, **kwargs)


# Waits that end when the peer acts get room beyond the default 1 s, so that a slow (loaded)
# machine does not turn a clean close into a timeout in one run and not in the other.
PATIENT = {"closeHandshakeTimeout": 5.0}


def client(name: str, peer: Any, **kwargs: Any) -> None:
    kwargs["options"] = {"serverConnectionDropTimeout": 5.0, **PATIENT, **kwargs.get("options", {})}
    SCENARIOS[f"client_{name}"] = Scenario("client", peer, **kwargs)


# --- server: handshakes ------------------------------------------------------------------------

server(
    "echo_text_and_binary",
    client_handshake_then(
        lambda p: (
            p.send(frame(TEXT, "héllo".encode()) + frame(BINARY, b"\x00\xff")),
            close_after_echo(p, 2),
        )
    ),
    actions={"onMessage": echo},
)
server(
    "subprotocol_default_choice",
    client_handshake_then(lambda p: close_after_echo(p, 0), [("Sec-WebSocket-Protocol", "chat.v2, chat.v1")]),
    factory_kwargs={"protocols": ["chat.v1", "chat.v2"]},
    actions={"onOpen": lambda proto, record: record("in use", proto.websocket_protocol_in_use)},
)
server(
    "subprotocol_and_headers_from_onconnect",
    client_handshake_then(lambda p: close_after_echo(p, 0), [("Sec-WebSocket-Protocol", "a, b")]),
    actions={"onConnect": lambda proto, record, request: ("b", {"X-Extra": "1", "X-Multi": ["m1", "m2"]})},
)


def deny(proto: Any, record: Any, request: Any) -> None:
    from autobahn.websocket.types import ConnectionDeny

    raise ConnectionDeny(403, "not you")


server(
    "deny_in_onconnect", client_handshake_then(lambda p: p.until_closed()), actions={"onConnect": deny}, propagate=True
)


def accept_deflate(offers: list[Any]) -> Any:
    from autobahn.websocket.compress import PerMessageDeflateOffer, PerMessageDeflateOfferAccept

    for offer in offers:
        if isinstance(offer, PerMessageDeflateOffer):
            return PerMessageDeflateOfferAccept(offer)
    return None


def deflated(data: bytes) -> bytes:
    import zlib

    c = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return (c.compress(data) + c.flush(zlib.Z_SYNC_FLUSH))[:-4]


server(
    "permessage_deflate",
    client_handshake_then(
        lambda p: (p.send(frame(TEXT, deflated(b"squeeze " * 20), rsv=4)), close_after_echo(p, 1)),
        [("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits")],
    ),
    options={"perMessageCompressionAccept": accept_deflate},
    actions={
        "onMessage": echo,
        "onOpen": lambda proto, record: record(
            "extensions in use", [type(e).__name__ for e in proto.websocket_extensions_in_use]
        ),
    },
)


def later_subprotocol(proto: Any, record: Any, request: Any) -> Any:
    """onConnect answering later: a Deferred on Twisted, a coroutine on asyncio."""
    if "twisted" in type(proto.transport).__module__:
        from twisted.internet import defer, reactor

        d = defer.Deferred()
        reactor.callLater(0.01, d.callback, ("b", {"X-Later": "yes"}))
        return d

    async def later() -> Any:
        import asyncio

        await asyncio.sleep(0.01)
        return ("b", {"X-Later": "yes"})

    return later()


server(
    "onconnect_answers_later",
    client_handshake_then(lambda p: close_after_echo(p, 0), [("Sec-WebSocket-Protocol", "a, b")]),
    actions={"onConnect": later_subprotocol},
)
server(
    "trust_x_forwarded_for",
    client_handshake_then(lambda p: close_after_echo(p, 0), [("X-Forwarded-For", "203.0.113.7, 10.0.0.1")]),
    options={"trustXForwardedFor": 1},
    actions={"onOpen": lambda proto, record: record("peer", proto.peer)},
)
server(
    "plain_http_without_web_status",
    lambda p: (p.send(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"), p.until_closed()),
    options={"webStatus": False},
    differs={
        ".wire.head.headers.upgrade": "ours names what to upgrade to in its 426 (RFC 9110 15.5.22)",
        ".wire.head.headers.sec-websocket-version": "the same",
    },
)
server(
    "request_details",
    client_handshake_then(
        lambda p: close_after_echo(p, 0),
        [("Origin", "https://good.example"), ("X-Custom", "v")],
        path="/chat?room=1&room=2&x=y",
    ),
)
server(
    "origin_allowed",
    client_handshake_then(lambda p: close_after_echo(p, 0), [("Origin", "https://good.example")]),
    options={"allowedOrigins": ["https://good.example"]},
)
server(
    "origin_refused",
    client_handshake_then(lambda p: p.until_closed(), [("Origin", "https://evil.example")]),
    options={"allowedOrigins": ["https://good.example"]},
)


def change_server_factory(factory: Any) -> None:
    factory.server = "Changed/1.0"
    factory.headers = {"X-Later": "set after creation"}
    factory.protocols = ["later"]


server(
    "factory_attributes_after_creation",
    client_handshake_then(lambda p: close_after_echo(p, 0), [("Sec-WebSocket-Protocol", "later")]),
    after_creation=change_server_factory,
)
server(
    "server_header_none",
    client_handshake_then(lambda p: close_after_echo(p, 0)),
    after_creation=lambda factory: setattr(factory, "server", None),
)


def set_external_port(factory: Any) -> None:
    factory.externalPort = 9999


def request_with_port(peer: Peer) -> None:
    peer.send(
        b"GET / HTTP/1.1\r\nHost: 127.0.0.1:8888\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    peer.until_closed()


server("external_port_after_creation", request_with_port, after_creation=set_external_port)

# --- server: closing ---------------------------------------------------------------------------

for label, payload in (
    ("code_and_reason", close_payload(1000, b"bye")),
    ("code_only", close_payload(1001)),
    ("no_code", close_payload()),
    ("app_code", close_payload(4000, "raison d'être".encode())),
):
    server(
        f"peer_closes_{label}",
        client_handshake_then(lambda p, payload=payload: (p.send(frame(CLOSE, payload)), p.until_closed())),
    )
server(
    "peer_closes_echo_code",
    client_handshake_then(lambda p: (p.send(frame(CLOSE, close_payload(4001, b"why"))), p.until_closed())),
    options={"echoCloseCodeReason": True},
)


def close_and_reply(peer: Peer) -> None:
    peer.frames(1)
    peer.send(frame(CLOSE, close_payload(1000, b"ok")))
    peer.until_closed()


server(
    "program_closes",
    client_handshake_then(close_and_reply),
    actions={"onOpen": lambda proto, record: proto.sendClose(1000, "done")},
    options=PATIENT,
)
server(
    "program_closes_without_code",
    client_handshake_then(close_and_reply),
    actions={"onOpen": lambda proto, record: proto.sendClose()},
    options=PATIENT,
)


def bad_close_code(proto: Any, record: Any) -> None:
    for code in (1005, 999, 5000):
        try:
            proto.sendClose(code)
        except Exception as exc:
            record("sendClose raised", code, exc)
    proto.sendClose(1000)


server(
    "program_closes_bad_codes",
    client_handshake_then(close_and_reply),
    actions={"onOpen": bad_close_code},
    options=PATIENT,
)
server("peer_drops_tcp", client_handshake_then(lambda p: None))
server(
    "program_drops",
    client_handshake_then(lambda p: p.until_closed()),
    actions={"onOpen": lambda proto, record: proto.dropConnection()},
)
server(
    "program_aborts",
    client_handshake_then(lambda p: p.until_closed()),
    actions={"onOpen": lambda proto, record: proto.dropConnection(abort=True)},
)


def drop_and_count_timers(proto: Any, record: Any) -> None:
    proto.dropConnection()
    record("pending timers right after dropConnection", len(PENDING_TIMERS()))


server(
    "program_drops_no_timer_left",
    client_handshake_then(lambda p: p.until_closed()),
    actions={"onOpen": drop_and_count_timers},
)
server(
    "program_closes_long_reason",
    client_handshake_then(close_and_reply),
    actions={"onOpen": lambda proto, record: proto.sendClose(1000, "é" * 100)},
    options=PATIENT,
)


def send_after_close(proto: Any, record: Any, *args: Any) -> None:
    try:
        proto.sendMessage(b"late")
    except Exception as exc:
        record("sendMessage raised", exc)


server(
    "send_after_close",
    client_handshake_then(lambda p: (p.send(frame(CLOSE, close_payload(1000))), p.until_closed())),
    actions={"onClose": send_after_close},
)

# --- server: timeouts --------------------------------------------------------------------------

server("open_handshake_timeout", lambda p: p.until_closed(), options={"openHandshakeTimeout": 0.2})
server(
    "close_handshake_timeout",
    client_handshake_then(lambda p: p.until_closed()),
    options={"closeHandshakeTimeout": 0.4},
    actions={"onOpen": lambda proto, record: proto.sendClose(1000)},
)

# --- server: pings, fragments, streaming --------------------------------------------------------

server(
    "ping_pong",
    client_handshake_then(
        lambda p: (p.send(frame(PING, b"p1") + frame(PONG, b"unsolicited")), p.frames(2), close_after_echo(p, 2)),
    ),
    actions={"onOpen": lambda proto, record: proto.sendPing(b"s1")},
    options={"autoPingInterval": 0},
)
server(
    "fragments_with_ping_between",
    client_handshake_then(
        lambda p: (
            p.send(
                frame(TEXT, b"one ", fin=False)
                + frame(PING, b"mid")
                + frame(CONT, b"two ", fin=False)
                + frame(CONT, b"three")
            ),
            close_after_echo(p, 2),
        )
    ),
    actions={"onMessage": echo},
)
server(
    "program_fragments",
    client_handshake_then(lambda p: close_after_echo(p, 4)),
    actions={"onOpen": lambda proto, record: proto.sendMessage(b"abcdefghij", fragmentSize=3)},
)
server(
    "auto_fragment_size",
    client_handshake_then(lambda p: close_after_echo(p, 3)),
    options={"autoFragmentSize": 4},
    actions={"onOpen": lambda proto, record: proto.sendMessage(b"0123456789", isBinary=True)},
)


def stream_out(proto: Any, record: Any) -> None:
    proto.beginMessage(isBinary=True)
    proto.beginMessageFrame(6)
    record("left", proto.sendMessageFrameData(b"abc"))
    record("left", proto.sendMessageFrameData(b"defgh"))
    proto.sendMessageFrame(b"xyz")
    proto.endMessage()


server("streaming_send", client_handshake_then(lambda p: close_after_echo(p, 3)), actions={"onOpen": stream_out})
server(
    "streaming_receive",
    client_handshake_then(
        lambda p: (
            p.send(frame(BINARY, b"ab", fin=False) + frame(CONT, b"cde")),
            p.idle(0.2),
            p.send(frame(CLOSE, close_payload(1000))),
            p.until_closed(),
        )
    ),
    streaming=["onMessageBegin", "onMessageFrameBegin", "onMessageFrameData", "onMessageFrameEnd", "onMessageEnd"],
)
server(
    "utf8_split_across_fragments",
    client_handshake_then(
        lambda p: (p.send(frame(TEXT, b"h\xc3", fin=False) + frame(CONT, b"\xa9llo")), close_after_echo(p, 1))
    ),
    actions={"onMessage": echo},
)
server(
    "large_and_empty_messages",
    client_handshake_then(
        lambda p: (p.send(frame(BINARY, bytes(range(256)) * 280) + frame(TEXT, b"")), close_after_echo(p, 2))
    ),
    actions={"onMessage": lambda proto, record, payload, is_binary: proto.sendMessage(payload, is_binary)},
)
server(
    "auto_ping_answered",
    client_handshake_then(
        lambda p: (
            p.frames(1),
            p.send(frame(PONG, ping_payload(p, 0))),
            p.frames(2),  # the next ping, an interval after the pong
            close_after_echo(p, 0),
        )
    ),
    options={"autoPingInterval": 0.3, "autoPingTimeout": 2.0, "autoPingSize": 12},
    random_ping=True,
)
server(
    "auto_ping_timeout",
    client_handshake_then(lambda p: (p.frames(1), p.until_closed())),
    options={"autoPingInterval": 0.2, "autoPingTimeout": 0.2, "autoPingSize": 12},
    random_ping=True,
)
server(
    "prepared_message",
    client_handshake_then(lambda p: close_after_echo(p, 1)),
    actions={"onOpen": lambda proto, record: proto.sendPreparedMessage(proto.factory.prepareMessage(b"prepared"))},
)

# --- server: failures ---------------------------------------------------------------------------

for drop in (True, False):
    tag = "drop" if drop else "close"
    server(
        f"reserved_opcode_{tag}",
        client_handshake_then(lambda p: (p.send(frame(3, b"x")), p.until_closed())),
        options={"failByDrop": drop},
    )
    server(
        f"invalid_utf8_{tag}",
        client_handshake_then(lambda p: (p.send(frame(TEXT, b"\xc3\x28")), p.until_closed())),
        options={"failByDrop": drop},
    )
    server(
        f"unmasked_frame_{tag}",
        client_handshake_then(lambda p: (p.send(frame(TEXT, b"x", mask=None)), p.until_closed())),
        options={"failByDrop": drop},
    )
    server(
        f"oversized_message_{tag}",
        client_handshake_then(lambda p: (p.send(frame(BINARY, b"x" * 20)), p.until_closed())),
        options={"failByDrop": drop, "maxMessagePayloadSize": 10},
    )
    server(
        f"rsv_bits_{tag}",
        client_handshake_then(lambda p: (p.send(frame(TEXT, b"x", rsv=4)), p.until_closed())),
        options={"failByDrop": drop},
    )
server(
    "invalid_utf8_default_options",
    client_handshake_then(lambda p: (p.send(frame(TEXT, b"\xc3\x28")), p.until_closed())),
    differs={
        ".wire.frames": "failByDrop defaults to False: a protocol violation is answered with a close frame "
        "saying why (RFC 6455 7.1.7) before TCP closes; autobahn's default drops TCP at once"
    },
)
server(
    "invalid_close_code_from_peer",
    client_handshake_then(lambda p: (p.send(frame(CLOSE, close_payload(1005))), p.until_closed())),
    options={"failByDrop": False},
    differs={
        ".events[3]": "a close code that never goes on the wire (1005) fails the connection with 1002 "
        "(RFC 6455 7.4.1); autobahn 26.10.2 takes it for a clean close with 1000",
        ".wire.frames": "the same: ours answers with a 1002 close frame",
        ".peer_ending": "the same: ours closes with FIN after its close frame, autobahn resets",
    },
)
server(
    "exception_in_onmessage",
    client_handshake_then(lambda p: (p.send(frame(TEXT, b"boom")), p.until_closed())),
    actions={"onMessage": lambda proto, record, payload, is_binary: 1 / 0},
    propagate=True,
    differs={
        ".wire.frames": "an exception in a callback fails the connection with 1011 (internal error), logged; "
        "in autobahn it escapes into the framework, which drops TCP without a close frame"
    },
)
server("not_websocket", lambda p: (p.send(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"), p.until_closed()))
server(
    "bad_version",
    lambda p: (
        p.send(
            b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 7\r\n\r\n"
        ),
        p.until_closed(),
    ),
    differs={
        ".wire.head": "an unsupported WebSocket version is answered 426 Upgrade Required naming the one "
        "version ours speaks (13), as RFC 6455 4.4 says; autobahn answers 400 naming 13 and 8"
    },
)

# --- server: producers (Twisted) ----------------------------------------------------------------


class _Producer:
    def pauseProducing(self) -> None:
        pass

    def resumeProducing(self) -> None:
        pass

    def stopProducing(self) -> None:
        pass


def register_on_transport(proto: Any, record: Any) -> None:
    proto.transport.registerProducer(_Producer(), True)
    record("registered")


def register_on_protocol(proto: Any, record: Any) -> None:
    proto.registerProducer(_Producer(), True)
    record("registered")


server(
    "program_registers_producer_on_transport",
    client_handshake_then(lambda p: close_after_echo(p, 0)),
    actions={"onOpen": register_on_transport},
    twisted_only=True,
)
server(
    "program_registers_producer_then_peer_closes",
    client_handshake_then(lambda p: close_after_echo(p, 0)),
    actions={"onOpen": register_on_protocol},
    twisted_only=True,
)
server(
    "program_registers_producer_then_drops",
    client_handshake_then(lambda p: p.until_closed()),
    actions={"onOpen": lambda proto, record: (register_on_protocol(proto, record), proto.dropConnection())},
    twisted_only=True,
)

# --- client ------------------------------------------------------------------------------------


def server_closes(peer: Peer, frames: int, payload: bytes = close_payload(1000)) -> None:
    """As a server: send a close frame, read the client's reply (the ``frames``-th frame), and
    close TCP first (RFC 6455 7.1.1)."""
    peer.send(frame(CLOSE, payload, mask=None))
    peer.frames(frames)


def client_close(peer: Peer) -> None:
    peer.frames(1)
    peer.send(frame(CLOSE, close_payload(1000, b"ok"), mask=None))
    peer.idle(0.1)


client(
    "handshake_options_and_echo",
    server_handshake_then(
        lambda p: (p.send(frame(TEXT, b"hi", mask=None)), p.frames(1), server_closes(p, 2)),
        [("Sec-WebSocket-Protocol", "v2"), ("X-Server", "s")],
    ),
    factory_kwargs={
        "origin": "https://origin.example",
        "protocols": ["v1", "v2"],
        "useragent": "Agent/1",
        "headers": {"X-Client": "c"},
    },
    resource="/path?q=1",
    actions={"onMessage": echo},
)


def change_client_factory(factory: Any) -> None:
    factory.useragent = "Later/2"
    factory.headers = {"X-Later": "1"}
    factory.protocols = ["later"]
    factory.origin = "https://later.example"


client(
    "fragments_and_ping",
    server_handshake_then(lambda p: (p.frames(4), server_closes(p, 5))),
    actions={"onOpen": lambda proto, record: (proto.sendMessage(b"abcdefg", fragmentSize=3), proto.sendPing(b"c"))},
)


def connecting_request(proto: Any, record: Any, transport_details: Any) -> Any:
    from autobahn.websocket.types import ConnectingRequest

    # (protocols: autobahn offers them, but checks the server's choice against the factory's)
    return ConnectingRequest(resource="/from/onconnecting", headers={"X-From": "onConnecting"}, useragent="UA/3")


client(
    "onconnecting_changes_request",
    server_handshake_then(lambda p: server_closes(p, 1)),
    actions={"onConnecting": connecting_request},
)
client(
    "factory_attributes_after_creation",
    server_handshake_then(lambda p: server_closes(p, 1), [("Sec-WebSocket-Protocol", "later")]),
    after_creation=change_client_factory,
)
client(
    "program_closes",
    server_handshake_then(client_close),
    actions={"onOpen": lambda proto, record: proto.sendClose(1000, "client done")},
)
for label, payload in (("code_and_reason", close_payload(1000, b"bye")), ("no_code", close_payload())):
    client(
        f"peer_closes_{label}",
        server_handshake_then(lambda p, payload=payload: server_closes(p, 1, payload)),
    )
client("server_refuses", lambda p: (p.answer("403 Forbidden", [("Content-Length", "0")]), p.until_closed()))
client(
    "wrong_subprotocol",
    server_handshake_then(lambda p: p.until_closed(), [("Sec-WebSocket-Protocol", "other")]),
    factory_kwargs={"protocols": ["v1"]},
)
client(
    "masked_frame_from_server",
    server_handshake_then(lambda p: (p.send(frame(TEXT, b"x")), p.until_closed())),
    options={"failByDrop": False, "closeHandshakeTimeout": 1.0},  # autobahn waits for the reply that long
)
client(
    "invalid_utf8_from_server",
    server_handshake_then(lambda p: (p.send(frame(TEXT, b"\xed\xa0\x80", mask=None)), p.until_closed())),
    options={"failByDrop": False, "closeHandshakeTimeout": 1.0},
)
client(
    "oversized_from_server",
    server_handshake_then(lambda p: (p.send(frame(BINARY, b"y" * 40, mask=None)), p.until_closed())),
    options={"failByDrop": False, "closeHandshakeTimeout": 1.0, "maxMessagePayloadSize": 16},
)
client(
    "program_drops",
    server_handshake_then(lambda p: p.until_closed()),
    actions={"onOpen": lambda proto, record: proto.dropConnection()},
)
client(
    "server_keeps_tcp_after_close",
    server_handshake_then(
        lambda p: (p.frames(1), p.send(frame(CLOSE, close_payload(1000), mask=None)), p.until_closed())
    ),
    options={"serverConnectionDropTimeout": 0.2},
    actions={"onOpen": lambda proto, record: proto.sendClose(1000)},
)
client(
    "ping_from_server",
    server_handshake_then(lambda p: (p.send(frame(PING, b"srv", mask=None)), p.frames(1), server_closes(p, 2))),
)
client("open_handshake_timeout", lambda p: (p.http_head(), p.until_closed()), options={"openHandshakeTimeout": 0.2})
