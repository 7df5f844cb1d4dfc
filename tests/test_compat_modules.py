"""The smaller modules and names of autobahn 26.11.1 that programs import: autobahn.asyncio.util
(over real TLS on 127.0.0.1), autobahn.testutil, autobahn._flatc, autobahn.version and the zlmdb
check, the signify QR code Crossbar.io shows, the JSON helpers of cryptobox, and message_fbs'
table classes; plus the default dependencies and extras of the installed distribution."""

from __future__ import annotations

import asyncio
import base64
import decimal
import importlib.metadata
import importlib.util
import pathlib
import ssl
import sys
import threading
import types

import pytest

from autobahn.asyncio import util as aio_util
from autobahn.wamp.types import TransportDetails

CERT = str(pathlib.Path(__file__).parent / "data" / "localhost.pem")  # self-signed localhost, key included


# --- autobahn.asyncio.util ---


class FakeTransport:
    def __init__(self, **extra):
        self.extra = extra

    def get_extra_info(self, name, default=None):
        return self.extra.get(name, default)


@pytest.mark.parametrize(
    "extra, expected",
    [
        ({"peername": ("127.0.0.1", 8080)}, "tcp4:127.0.0.1:8080"),
        ({"peername": ("::1", 8080, 0, 0)}, "tcp6:::1:8080"),
        ({"peername": "/run/app.sock"}, "unix:/run/app.sock"),
        ({"subprocess": types.SimpleNamespace(pid=4242)}, "process:4242"),
        ({"pipe": 7}, "pipe:7"),
        ({}, "unknown"),
    ],
)
def test_peer2str(extra, expected):
    assert aio_util.peer2str(FakeTransport(**extra)) == expected


def test_get_or_create_event_loop_outside_and_inside_a_loop():
    found = {}

    def in_a_thread():  # a thread has no event loop set
        loop = aio_util.get_or_create_event_loop()
        found["created"] = loop
        found["again"] = aio_util.get_or_create_event_loop()
        found["running"] = loop.run_until_complete(_running_loop())
        loop.close()

    thread = threading.Thread(target=in_a_thread)
    thread.start()
    thread.join(30)
    assert found["created"] is found["again"] is found["running"]


async def _running_loop():
    return aio_util.get_or_create_event_loop()


def test_channel_id_arguments():
    assert aio_util.transport_channel_id(FakeTransport(), True) == bytes(32)
    with pytest.raises(ValueError, match="tls-unique"):
        aio_util.transport_channel_id(FakeTransport(), True, "tls-exporter")
    with pytest.raises(ValueError, match="no TLS"):
        aio_util.transport_channel_id(FakeTransport(), True, "tls-unique")


def test_get_serializers():
    from autobahn.wamp import serializer

    # UBJSON only where its library (bjdata) is installed: the PyPy leg leaves it out
    ubjson = [serializer.UBJSONSerializer] if importlib.util.find_spec("bjdata") else []
    assert aio_util.get_serializers() == [
        serializer.CBORSerializer,
        serializer.MsgPackSerializer,
        *ubjson,
        serializer.JsonSerializer,
    ]
    assert aio_util.sleep is asyncio.sleep


def test_transport_details_over_tls_with_client_certificates_on_127_0_0_1():
    """Both ends of one mutually authenticated TLS 1.2 connection: TLS channel, the same
    tls-unique channel ID (SHA-256 of the binding), the peer's certificate; and plain TCP."""

    def context(side):
        ctx = ssl.SSLContext(side)
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2  # tls-unique exists up to TLS 1.2
        ctx.load_cert_chain(CERT)
        ctx.load_verify_locations(CERT)
        ctx.verify_mode = ssl.CERT_REQUIRED
        return ctx

    async def exchange(tls):
        details = {}
        done = asyncio.Event()

        async def serve(reader, writer):
            details["server"] = aio_util.create_transport_details(writer.transport, is_server=True)
            await reader.read(1)
            writer.close()
            done.set()

        server = await asyncio.start_server(
            serve, "127.0.0.1", 0, ssl=context(ssl.PROTOCOL_TLS_SERVER) if tls else None
        )
        port = server.sockets[0].getsockname()[1]
        reader, writer = await asyncio.open_connection(
            "127.0.0.1", port, ssl=context(ssl.PROTOCOL_TLS_CLIENT) if tls else None,
            server_hostname="localhost" if tls else None,
        )  # fmt: skip
        details["client"] = aio_util.create_transport_details(writer.transport, is_server=False)
        writer.write(b"x")
        await asyncio.wait_for(done.wait(), 20)
        writer.close()
        server.close()
        await server.wait_closed()
        return details

    tls = asyncio.run(exchange(True))
    server, client = tls["server"], tls["client"]
    assert server.is_secure and client.is_secure and server.is_server and not client.is_server
    assert server.channel_type == client.channel_type == TransportDetails.CHANNEL_TYPE_TLS
    assert server.channel_framing == TransportDetails.CHANNEL_FRAMING_WEBSOCKET
    unique = server.channel_id["tls-unique"]
    assert unique == client.channel_id["tls-unique"] and len(unique) == 32 and unique != bytes(32)
    assert server.peer.startswith("tcp4:127.0.0.1:") and client.peer.startswith("tcp4:127.0.0.1:")
    assert server.peer_cert["subject"]["cn"] == client.peer_cert["subject"]["cn"] == "localhost"

    plain = asyncio.run(exchange(False))
    assert not plain["server"].is_secure and plain["server"].channel_id == {} and plain["server"].peer_cert is None
    assert plain["client"].channel_type == TransportDetails.CHANNEL_TYPE_TCP


# --- autobahn.testutil ---


def test_fake_transport():
    from autobahn.testutil import FakeTransport as Fake

    transport = Fake()
    transport.write(b"ab")
    transport.write(b"c")
    assert transport._written == b"abc" and not transport.abort_called()
    transport.abortConnection()
    assert transport.abort_called()
    transport.loseConnection()
    with pytest.raises(Exception, match="closed"):
        transport.write(b"d")
    with pytest.raises(NotImplementedError):
        transport.registerProducer(object(), True)
    transport.unregisterProducer()
    assert transport.getPeer() is not None and transport.getHost() is not None


# --- autobahn._flatc ---


def test_flatc_under_autobahns_older_name(monkeypatch, tmp_path, capfd):
    from autobahn import _flatc, flatc

    if not flatc.BINARY.is_file():
        pytest.skip("flatc is not bundled in this installation")
    assert _flatc.get_flatc_path() == flatc.path()
    assert _flatc.run_flatc(["--version"]) == 0
    assert capfd.readouterr().out.strip() == "flatc version 25.12.19"
    monkeypatch.setattr(sys, "argv", ["flatc", "--version"])
    with pytest.raises(SystemExit) as exited:
        _flatc.main()
    assert exited.value.code == 0
    monkeypatch.setattr(flatc, "BINARY", tmp_path / "flatc")
    with pytest.raises(FileNotFoundError):
        _flatc.get_flatc_path()


# --- autobahn (package) ---


def test_version_and_the_zlmdb_check(monkeypatch):
    import autobahn.flatbuffers

    assert autobahn.version == autobahn.__version__
    fake = types.ModuleType("zlmdb")
    fake.flatbuffers = types.SimpleNamespace(__version__=autobahn.flatbuffers.__version__)
    monkeypatch.setitem(sys.modules, "zlmdb", fake)
    monkeypatch.setitem(sys.modules, "zlmdb.flatbuffers", fake.flatbuffers)
    assert autobahn.check_zlmdb_flatbuffers_version_in_sync() == "25.12.19"
    fake.flatbuffers.__version__ = "1.2.3"
    with pytest.raises(RuntimeError, match="1.2.3"):
        autobahn.check_zlmdb_flatbuffers_version_in_sync()
    monkeypatch.setitem(sys.modules, "zlmdb", None)
    monkeypatch.setitem(sys.modules, "zlmdb.flatbuffers", None)
    with pytest.raises(ImportError):
        autobahn.check_zlmdb_flatbuffers_version_in_sync()


# --- autobahn.wamp.cryptosign: the signify key QR code (Crossbar's key module) ---


def test_signify_public_key_qrcode(tmp_path):
    pytest.importorskip("qrcode", reason="qrcode is in the extra autobahn[encryption]")
    from autobahn.wamp import cryptosign

    raw = bytes(range(32))
    line = base64.b64encode(b"Ed" + b"K" * 8 + raw).decode()
    keyfile = tmp_path / "release.pub"
    keyfile.write_text(f"untrusted comment: test public key\n{line}\n")
    assert cryptosign._read_signify_ed25519_pubkey(str(keyfile)) == raw
    text = cryptosign._qrcode_from_signify_ed25519_pubkey(str(keyfile))
    assert text == cryptosign._qrcode_from_signify_ed25519_pubkey(str(keyfile))  # the same key, the same code
    assert len(text.splitlines()) > 10 and set(text) - set(" \n")  # block characters, several rows
    other = tmp_path / "other.pub"
    other.write_text(f"untrusted comment: x\n{base64.b64encode(b'Ed' + b'L' * 8 + raw).decode()}\n")
    assert cryptosign._qrcode_from_signify_ed25519_pubkey(str(other)) != text
    svg = cryptosign._qrcode_from_signify_ed25519_pubkey(str(keyfile), mode="svg")
    assert b"<svg" in svg
    with pytest.raises(ValueError):
        cryptosign._qrcode_from_signify_ed25519_pubkey(str(keyfile), mode="png")
    (tmp_path / "empty.pub").write_text("untrusted comment: nothing\n")
    with pytest.raises(Exception, match="no key line"):
        cryptosign._qrcode_from_signify_ed25519_pubkey(str(tmp_path / "empty.pub"))


# --- autobahn.wamp.cryptobox: autobahn's JSON helpers ---


def test_cryptobox_json_helpers():
    from autobahn.wamp.cryptobox import _json_dumps, _json_loads

    value = {"blob": b"\x00\xff", "n": [1, 2.5, "x"]}
    text = _json_dumps(value)
    assert isinstance(text, str) and _json_loads(text) == value and _json_loads(text.encode()) == value
    assert _json_dumps(b"\xab", use_binary_hex_encoding=True) == '"0xab"'
    assert _json_loads('"0xab"', use_binary_hex_encoding=True) == b"\xab"
    assert _json_loads("[1.25]", use_decimal_from_float=True) == [decimal.Decimal("1.25")]


# --- autobahn.wamp.message_fbs: autobahn's table classes ---


def test_message_fbs_tables_read_payload_vectors_without_copying():
    import cbor2

    from autobahn.wamp import message, message_fbs, serializer
    from autobahn.wamp.gen.wamp.proto.Message import Message

    call = message.Call(99, "com.example.add", args=[2, 3], kwargs={"k": "v"})
    data = bytearray(serializer.FlatBuffersSerializer().serialize(call)[0])
    root = Message.GetRootAs(data, 0)
    assert root.MsgType() == message_fbs.MessageType.CALL
    union = root.Msg()
    table = message_fbs.Call()
    table.Init(union.Bytes, union.Pos)
    args = table.ArgsAsBytes()
    assert isinstance(args, memoryview) and args.obj is data  # a view into the message buffer
    assert cbor2.loads(bytes(args)) == [2, 3] and cbor2.loads(bytes(table.KwargsAsBytes())) == {"k": "v"}
    assert table.PayloadAsBytes() is None and table.EncKeyAsBytes() is None
    assert table.Procedure() == b"com.example.add" and table.Request() == 99
    assert message_fbs.CallGen.Call in type(table).__mro__ and message_fbs.Match.PREFIX == 1


def test_message_fbs_tables_as_root():
    import flatbuffers

    from autobahn.wamp import message_fbs

    builder = flatbuffers.Builder(0)
    topic = builder.CreateString("com.example.topic")
    args = builder.CreateByteVector(b"\x82\x01\x02")
    message_fbs.PublishGen.Start(builder)
    message_fbs.PublishGen.AddRequest(builder, 5)
    message_fbs.PublishGen.AddTopic(builder, topic)
    message_fbs.PublishGen.AddArgs(builder, args)
    builder.Finish(message_fbs.PublishGen.End(builder))
    buf = builder.Output()
    for read in (
        message_fbs.Publish.GetRootAsPublish,
        message_fbs.Publish.GetRootAsEvent,
        message_fbs.Publish.GetRootAs,
    ):
        table = read(buf, 0)
        assert type(table) is message_fbs.Publish
        assert (table.Request(), table.Topic(), bytes(table.ArgsAsBytes())) == (
            5,
            b"com.example.topic",
            b"\x82\x01\x02",
        )
        assert table.KwargsAsBytes() is None


# --- dependencies and extras of the installed distribution ---


def test_default_dependencies_and_extras():
    """As autobahn's: MessagePack and CBOR need no extra; every extra of autobahn 26.11.1 exists
    (Crossbar.io installs autobahn[compress,encryption,scram,serialization,twisted])."""
    metadata = importlib.metadata.metadata("autobahn")
    extras = set(metadata.get_all("Provides-Extra"))
    assert extras >= {"compress", "encryption", "scram", "serialization", "twisted", "asyncio", "nvx", "accelerate",
                      "all", "benchmark", "docs", "dev", "build-tools", "test"}  # fmt: skip
    unconditional = {r.split(";")[0].split(">")[0].split("=")[0].strip() for r in metadata.get_all("Requires-Dist")
                     if "extra ==" not in r}  # fmt: skip
    assert {"msgpack", "cbor2", "txaio", "flatbuffers", "cryptography"} <= unconditional
    scripts = {e.name: e.value for e in importlib.metadata.entry_points(group="console_scripts") if e.dist and
               e.dist.name == "autobahn"}  # fmt: skip
    assert scripts == {"flatc": "autobahn.flatc:main", "wamp": "autobahn.__main__:_main"}
    from autobahn.wamp import serializer

    for cls in (serializer.JsonSerializer, serializer.MsgPackSerializer, serializer.CBORSerializer):
        ser = cls()
        data, binary = ser.serialize(__import__("autobahn.wamp.message").wamp.message.Goodbye())
        assert ser.unserialize(data, binary)[0].reason == "wamp.close.normal"


@pytest.mark.parametrize("module_name", ["autobahn.asyncio.websocket", "autobahn.twisted.websocket"])
def test_the_wamp_websocket_classes_are_class_statements(module_name):
    # py.typed promises type checkers these names: a class built at run time (types.new_class) is a
    # variable to mypy, which then refuses it in a program's annotations ("not valid as a type").
    import ast

    from autobahn._framework_glue import WAMP_WEBSOCKET_NAMES

    source = pathlib.Path(importlib.util.find_spec(module_name).origin).read_text()
    declared = {node.name for node in ast.parse(source).body if isinstance(node, ast.ClassDef)}
    assert set(WAMP_WEBSOCKET_NAMES) <= declared


@pytest.mark.parametrize("package", ["autobahn.asyncio", "autobahn.twisted"])
def test_the_lazy_package_names_are_declared_for_type_checkers(package):
    # The packages import their re-exports on first use (module __getattr__), which type checkers
    # cannot follow: an `if TYPE_CHECKING:` block imports each name of __all__ for them.
    import ast
    import importlib

    source = pathlib.Path(importlib.util.find_spec(package).origin).read_text()
    imported = {
        alias.asname or alias.name
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert set(importlib.import_module(package).__all__) <= imported
