"""WAMP-FlatBuffers: our schema (flatbuffers/wamp.fbs) compiled by the bundled flatc, messages
to and from it, autobahn 26.10.2's FlatBuffers bytes read by ours, malformed buffers."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import flatbuffers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from wamp_samples import sample_messages, serializer_param

from autobahn import flatc
from autobahn.flatbuffers import load_schema
from autobahn.wamp import message, message_fbs, serializer
from autobahn.wamp.exception import ProtocolError, SerializationError
from autobahn.wamp.flatbuffers import WAMP_BFBS, wamp_bfbs

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_DIR = ROOT / "flatbuffers"
GENERATED = ROOT / "src/autobahn/wamp/flatbuffers"
REFERENCE = json.loads((Path(__file__).parent / "data" / "wamp_autobahn_26_10_2.json").read_text())
SAMPLES = sample_messages()
needs_flatc = pytest.mark.skipif(not flatc.BINARY.is_file(), reason="flatc is not bundled in this installation")


@needs_flatc
def test_shipped_wamp_bfbs_is_current(tmp_path):
    """wamp.bfbs is committed precompiled; it must be what flatc makes of flatbuffers/wamp.fbs
    today (`just generate` refreshes it)."""
    flatc.run("-b", "--schema", "-o", tmp_path, "wamp.fbs", cwd=SCHEMA_DIR)
    assert (tmp_path / "wamp.bfbs").read_bytes() == wamp_bfbs() == WAMP_BFBS.read_bytes()


@needs_flatc
def test_generated_wamp_classes_are_current(tmp_path):
    flatc.run("--python", "--gen-onefile", "-o", tmp_path, "wamp.fbs", cwd=SCHEMA_DIR)
    assert (tmp_path / "wamp_generated.py").read_text() == (GENERATED / "wamp_generated.py").read_text()


def test_schema_layout_is_autobahns():
    """The wire layout autobahn 26.10 and Crossbar.io use: union tags are the WAMP type codes,
    and fields sit at their ids (a few, added by us, after theirs)."""
    schema = load_schema(wamp_bfbs())
    assert schema.root_table == "wamp.proto.Message"
    tags = schema.enums["wamp.proto.AnyMessage"].values
    for cls in message.Message.__subclasses__():
        expected = 37 if cls is message.EventReceived else cls.MESSAGE_TYPE
        assert tags[cls.__name__] == expected
    event = list(schema.objects["wamp.proto.Event"].fields)
    assert event[:6] == ["session", "subscription", "publication", "args", "kwargs", "payload"]
    assert event.index("publisher") == 10 and event.index("forward_for") == 17
    call = list(schema.objects["wamp.proto.Call"].fields)
    assert call.index("procedure") == 2 and call.index("timeout") == 10 and call.index("caller_authrole") == 15
    assert list(schema.objects["wamp.proto.Message"].fields) == ["msg_type", "msg"]


@pytest.mark.parametrize("msg", SAMPLES, ids=lambda m: type(m).__name__)
def test_every_message_round_trips(msg):
    ser = serializer.FlatBuffersSerializer()
    data, is_binary = ser.serialize(msg)
    assert is_binary
    assert ser.unserialize(data, True) == [msg]


@pytest.mark.parametrize("msg", SAMPLES, ids=lambda m: type(m).__name__)
def test_both_writers_agree(msg):
    """The FlatBuffers runtime's Builder (Message.build) and our front-to-back writer make
    buffers that read back as the same message."""
    builder = flatbuffers.Builder(0)
    builder.Finish(msg.build(builder))
    by_runtime = bytes(builder.Output())
    ours = message_fbs.build_message(msg)
    assert message_fbs.parse_message(by_runtime) == message_fbs.parse_message(ours) == msg


def test_forward_writer_aligns_values():
    data = message_fbs.build_message(message.Publish(1, "com.t", exclude=[2**64 - 1, 5], eligible_authid=["a"]))
    table = message_fbs._Table(data, message_fbs._root(data))
    inner = message_fbs._Table(data, table.target(table.field_at(1)))
    assert inner.pos % 8 == 0
    start, length = inner.vector(inner.field_at(12), 8)  # "exclude": [uint64]
    assert (length, start % 8) == (2, 0)
    assert struct.unpack_from("<2Q", data, start) == (2**64 - 1, 5)


@pytest.mark.parametrize("payload_serializer", [serializer_param(s) for s in ["json", "msgpack", "cbor", "ubjson"]])
def test_payload_serializers(payload_serializer):
    ser = serializer.FlatBuffersSerializer(payload_serializer=payload_serializer)
    assert payload_serializer == ser.PAYLOAD_SERIALIZER_ID
    msg = message.Call(1, "com.x", args=[1, "two", b"\x03"], kwargs={"four": [4.5]})
    assert ser.unserialize(ser.serialize(msg)[0]) == [msg]
    with pytest.raises(ValueError, match="Unknown payload serializer"):
        serializer.FlatBuffersSerializer(payload_serializer="xml")


@pytest.mark.parametrize(
    "entry",
    [e for e in REFERENCE["messages"] if "flatbuffers" in e["encodings"]],
    ids=lambda e: f"{e['index']}-{e['type']}",
)
def test_autobahn_26_10_2_flatbuffers_read_by_ours(entry):
    """Every FlatBuffers message the original writes is read by ours; where the original
    keeps every field (it drops some: roles, extras, some forward_for), ours reads the message
    it was made from."""
    (decoded,) = serializer.FlatBuffersSerializer().unserialize(bytes.fromhex(entry["encodings"]["flatbuffers"]))
    expected = SAMPLES[entry["index"]]
    assert type(decoded) is type(expected)
    if entry["flatbuffers_lossless"]:
        assert decoded == expected
    else:
        for name in ("request", "subscription", "publication", "registration", "topic", "procedure", "reason"):
            if hasattr(expected, name):
                assert getattr(decoded, name) == getattr(expected, name), name


def test_reference_covers_data_plane_losslessly():
    lossless = {e["type"] for e in REFERENCE["messages"] if e.get("flatbuffers_lossless")}
    assert {"Publish", "Event", "Call", "Result", "Invocation", "Yield", "Error"} <= lossless


def test_build_and_cast_api():
    msg = message.Event(1, 2, args=[3], publisher=4)
    builder = flatbuffers.Builder(0)
    builder.Finish(msg.build(builder))
    assert message_fbs.parse_message(bytes(builder.Output())) == msg
    # cast(): a buffer whose root is the message's own table
    builder = flatbuffers.Builder(0)
    inner = message_fbs._builder_table(builder, "Event", message_fbs._field_values(msg, "Event", None))
    builder.Finish(inner)
    assert message.Event.cast(bytes(builder.Output())) == msg


def test_values_the_schema_cannot_carry():
    ser = serializer.FlatBuffersSerializer()
    with pytest.raises(SerializationError, match="does not fit"):
        ser.serialize(message.Call(1, "com.x", timeout=2**32))
    with pytest.raises(SerializationError, match="enc_algo"):
        ser.serialize(message.Event(1, 2, payload=b"x", enc_algo="x_custom"))


def _valid_event() -> bytes:
    return serializer.FlatBuffersSerializer().serialize(message.Event(1, 2, args=[1], topic="com.t"))[0]


@pytest.mark.parametrize(
    ("data", "names"),
    [
        (b"", "root offset"),
        (b"\x01\x00", "root offset"),
        (b"\xff\xff\xff\x7f", "outside the buffer"),
        (_valid_event()[:-8], "outside the buffer"),
    ],
)
def test_malformed_buffers(data, names):
    with pytest.raises(ProtocolError, match=names):
        serializer.FlatBuffersSerializer().unserialize(data)


def test_unknown_union_tag_and_bad_fields():
    builder = flatbuffers.Builder(0)
    builder.StartObject(0)
    inner = builder.EndObject()
    builder.StartObject(2)
    builder.PrependUint8Slot(0, 99, 0)
    builder.PrependUOffsetTRelativeSlot(1, inner, 0)
    builder.Finish(builder.EndObject())
    with pytest.raises(ProtocolError, match="message type 99"):
        serializer.FlatBuffersSerializer().unserialize(bytes(builder.Output()))
    # a PUBLISH whose topic is not a URI: the message's own validation applies
    bad_topic = serializer.FlatBuffersSerializer().serialize(message.Publish(1, "com.x"))[0].replace(b"com.x", b"com x")
    with pytest.raises(ProtocolError, match="'topic' in PUBLISH"):
        serializer.FlatBuffersSerializer().unserialize(bad_topic)
    bad_utf8 = (
        serializer.FlatBuffersSerializer().serialize(message.Publish(1, "com.x"))[0].replace(b"com.x", b"com\xff")
    )
    with pytest.raises(ProtocolError, match="UTF-8"):
        serializer.FlatBuffersSerializer().unserialize(bad_utf8)


def _messages_or_protocol_error(ser, data: bytes) -> None:
    """The documented outcome of any bytes: WAMP messages, or a ProtocolError saying what is wrong."""
    try:
        messages = ser.unserialize(data)
    except ProtocolError as exc:
        assert str(exc)
    else:
        assert isinstance(messages, list) and all(isinstance(m, message.Message) for m in messages)


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=200))
def test_random_bytes_raise_protocol_error_or_decode(data):
    _messages_or_protocol_error(serializer.FlatBuffersSerializer(), data)


@settings(max_examples=300, deadline=None)
@given(position=st.integers(min_value=0), value=st.integers(min_value=0, max_value=255))
def test_corrupted_messages_raise_protocol_error_or_decode(position, value):
    data = bytearray(_valid_event())
    data[position % len(data)] = value
    _messages_or_protocol_error(serializer.FlatBuffersSerializer(), bytes(data))


def test_vector_length_is_checked_against_the_buffer():
    data = bytearray(_valid_event())
    # find the args vector (CBOR [1] = 0x81 0x01) and claim it is huge
    at = data.index(b"\x02\x00\x00\x00\x81\x01")
    struct.pack_into("<I", data, at, 2**31)
    with pytest.raises(ProtocolError, match="longer than the buffer"):
        serializer.FlatBuffersSerializer().unserialize(bytes(data))
