"""autobahn.wamp.serializer: every message through every serializer (plain and batched),
autobahn 26.10.2's encodings decoded by ours, hypothesis-made messages, bad input."""

from __future__ import annotations

import decimal
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wamp_samples import installed, sample_messages, serializer_param

from autobahn.wamp import message, serializer
from autobahn.wamp.exception import ProtocolError, SerializationError

REFERENCE = json.loads((Path(__file__).parent / "data" / "wamp_autobahn_26_10_2.json").read_text())
TEXT_AND_BINARY_IDS = ["json", "msgpack", "cbor", "ubjson"]
ALL_IDS = [*TEXT_AND_BINARY_IDS, "flatbuffers"]
SERIALIZER_IDS = [*ALL_IDS, *(f"{s}.batched" for s in ALL_IDS)]
# What the loops over every serializer run (wamp_samples.installed: all of them, but where a run
# leaves a library out); the parametrized tests take every one and skip those by name.
INSTALLED_TEXT_AND_BINARY_IDS = installed(TEXT_AND_BINARY_IDS)
INSTALLED_SERIALIZER_IDS = installed(SERIALIZER_IDS)
SAMPLES = sample_messages()


def test_all_serializers_installed():
    """The test extra brings every serializer library (but those a run leaves out, by name), so
    none is silently untested."""
    assert set(installed(ALL_IDS)) == set(serializer.SERID_TO_SER) == set(serializer.SERID_TO_OBJSER)


@pytest.fixture(params=[serializer_param(s) for s in SERIALIZER_IDS])
def transport_serializer(request):
    return serializer.create_transport_serializer(request.param)


def test_every_message_round_trips(transport_serializer):
    for msg in SAMPLES:
        data, is_binary = transport_serializer.serialize(msg)
        assert is_binary == (not transport_serializer.SERIALIZER_ID.startswith("json"))
        assert transport_serializer.unserialize(data, is_binary) == [msg], type(msg).__name__


def test_cross_trip_through_two_serializers():
    """A router decodes with one serializer and re-encodes with another."""
    serializers = [serializer.create_transport_serializer(s) for s in INSTALLED_SERIALIZER_IDS]
    for msg in SAMPLES:
        for first in serializers:
            decoded = first.unserialize(*first.serialize(msg))[0]
            for second in serializers:
                decoded.uncache()
                assert second.unserialize(*second.serialize(decoded)) == [msg]


@pytest.mark.parametrize("ser_id", [serializer_param(s) for s in ALL_IDS])
def test_batches_carry_several_messages(ser_id):
    transport_serializer = serializer.create_transport_serializer(ser_id + ".batched")
    chunks = [transport_serializer.serialize(m)[0] for m in SAMPLES[:10]]
    assert transport_serializer.unserialize(b"".join(chunks)) == SAMPLES[:10]


@pytest.mark.parametrize("entry", REFERENCE["messages"], ids=lambda e: f"{e['index']}-{e['type']}")
def test_autobahn_26_10_2_encodings_decode_identically(entry):
    """Bytes the original wrote (tests/data/make_wamp_reference.py) decode to the same message,
    and ours encode to the same bytes, except where dict order or integer width differ."""
    expected = SAMPLES[entry["index"]]
    assert type(expected).__name__ == entry["type"]
    for ser_id in INSTALLED_TEXT_AND_BINARY_IDS:
        original = bytes.fromhex(entry["encodings"][ser_id])
        ours = serializer.create_transport_serializer(ser_id)
        assert ours.unserialize(original) == [expected], ser_id
        expected.uncache()
        encoded, _ = ours.serialize(expected)
        assert ours.unserialize(encoded) == [expected]


def test_reference_encodings_are_byte_identical_for_most():
    identical = total = 0
    for entry in REFERENCE["messages"]:
        msg = SAMPLES[entry["index"]]
        for ser_id in INSTALLED_TEXT_AND_BINARY_IDS:
            msg.uncache()
            total += 1
            identical += (
                serializer.create_transport_serializer(ser_id).serialize(msg)[0].hex() == (entry["encodings"][ser_id])
            )
    assert total == len(REFERENCE["messages"]) * len(INSTALLED_TEXT_AND_BINARY_IDS)
    assert identical == total


# --- hypothesis: arbitrary payloads and ids survive every serializer ---

ID = st.integers(min_value=0, max_value=2**53)
TIMEOUT = st.integers(min_value=0, max_value=2**32 - 1)
# WAMP's JSON reserves strings that start with NUL for binary values.
TEXT = st.text(max_size=12).filter(lambda s: not s.startswith("\x00"))
URI = st.from_regex(r"\A[a-z][a-z0-9_]{0,8}(\.[a-z0-9_]{1,8}){0,4}\Z")
SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**64 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    TEXT,
    st.binary(max_size=64),
)
VALUE = st.recursive(
    SCALAR, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4), max_leaves=12
)
ARGS = st.none() | st.lists(VALUE, max_size=5)
KWARGS = st.none() | st.dictionaries(TEXT, VALUE, max_size=5)
OPT_BOOL = st.none() | st.booleans()
OPT_STR = st.none() | TEXT


def _payload_messages():
    return st.one_of(
        # timeouts in ms; FlatBuffers carries 32 bits
        st.builds(message.Call, ID, URI, ARGS, KWARGS, timeout=st.none() | TIMEOUT, receive_progress=OPT_BOOL),
        st.builds(
            message.Event, ID, ID, ARGS, KWARGS, publisher=st.none() | ID, topic=st.none() | URI, retained=OPT_BOOL
        ),
        st.builds(message.Publish, ID, URI, ARGS, KWARGS, acknowledge=OPT_BOOL, exclude=st.none() | st.lists(ID)),
        st.builds(message.Result, ID, ARGS, KWARGS, progress=OPT_BOOL, callee_authid=OPT_STR),
        st.builds(message.Invocation, ID, ID, ARGS, KWARGS, caller=st.none() | ID, procedure=st.none() | URI),
        st.builds(message.Yield, ID, ARGS, KWARGS, progress=OPT_BOOL),
        st.builds(message.Error, st.sampled_from([48, 68, 16, 32]), ID, URI, ARGS, KWARGS),
        st.builds(message.Event, ID, ID, payload=st.binary(), enc_algo=st.just("cryptobox"), enc_key=OPT_STR),
        st.builds(message.Published, ID, ID),
        st.builds(message.Unsubscribed, ID),
        st.builds(message.Abort, URI, OPT_STR),
        st.builds(message.Challenge, TEXT, st.dictionaries(TEXT, VALUE, max_size=3)),
    )


def _normalized(value):
    """What a value becomes after any serializer: tuples are lists, -0.0 compares as 0.0."""
    if isinstance(value, (list, tuple)):
        return [_normalized(v) for v in value]
    if isinstance(value, dict):
        return {k: _normalized(v) for k, v in value.items()}
    return value


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(msg=_payload_messages())
def test_hypothesis_messages_survive_every_serializer(msg):
    for ser_id in INSTALLED_SERIALIZER_IDS:
        ser = serializer.create_transport_serializer(ser_id)
        msg.uncache()
        (decoded,) = ser.unserialize(*ser.serialize(msg))
        assert type(decoded) is type(msg)
        assert _normalized(decoded.marshal()) == _normalized(msg.marshal()), ser_id


# --- bad input from the network ---

MESSAGE_CODES = sorted(serializer.Serializer.MESSAGE_TYPE_MAP)


@pytest.mark.parametrize(
    ("ser_id", "payload", "names"),
    [
        ("json", b"[1, 2", "invalid serialization"),
        ("json", b"\xff\xfe", "invalid serialization"),
        ("json", b'{"a": 1}', "invalid type"),
        ("json", b"[]", "missing message type"),
        ("json", b'["1"]', "WAMP message type"),
        ("json", b"[999]", "invalid WAMP message type 999"),
        ("json", b'[17, 1, "x"]', "'publication' in PUBLISHED"),
        ("json", b'[16, 1, {}, "com x"]', "'topic' in PUBLISH"),
        ("json", b'[36, 1, 2, {}, ["\\u0000not-base64!"]]', "invalid serialization"),
        ("json.batched", b"[17, 1, 2]", "batch"),
        ("json.batched", b"", "batch"),
        ("msgpack", b"\xc1", "invalid serialization"),
        ("msgpack", b"\x93\x11\x01", "invalid serialization"),
        ("msgpack.batched", b"\x00\x00\x00\x09\x93\x11\x01\x02", "batch format error [2]"),
        ("msgpack.batched", b"\x00\x00", "batch format error [1]"),
        ("cbor", b"\x83\x11\x01", "invalid serialization"),
        ("cbor", b"\xa1\x01\x02", "invalid type"),
        ("cbor.batched", b"\x00\x00\x00\x01", "batch format error [2]"),
        serializer_param("ubjson", b"[", "invalid serialization"),
    ],
)
def test_bad_input_raises_protocol_error(ser_id, payload, names):
    with pytest.raises(ProtocolError) as info:
        serializer.create_transport_serializer(ser_id).unserialize(payload)
    assert names in str(info.value)


def test_text_and_binary_frames_must_match():
    with pytest.raises(ProtocolError, match="binary True"):
        serializer.JsonSerializer().unserialize(b"[17, 1, 2]", isBinary=True)
    with pytest.raises(ProtocolError, match="binary False"):
        serializer.CBORSerializer().unserialize(b"\x83\x11\x01\x02", isBinary=False)


def test_unserializable_payload_raises_serialization_error():
    with pytest.raises(SerializationError):
        serializer.JsonSerializer().serialize(message.Call(1, "com.x", args=[object()]))
    with pytest.raises(SerializationError):
        serializer.MsgPackSerializer().serialize(message.Call(1, "com.x", args=[2**65]))


# --- JSON specifics ---


def test_json_binary_convention():
    ser = serializer.JsonObjectSerializer()
    assert ser.serialize([b"\x00\xff", "x"]) == b'["\\u0000AP8=","x"]'
    assert ser.unserialize(b'["\\u0000AP8=","x"]') == [[b"\x00\xff", "x"]]
    hexed = serializer.JsonObjectSerializer(use_binary_hex_encoding=True)
    assert hexed.serialize([b"\x00\xff"]) == b'["0x00ff"]'
    assert hexed.unserialize(b'["0x00ff"]') == [[b"\x00\xff"]]
    assert ser.serialize({"k": "\u00e9"}) == '{"k":"\u00e9"}'.encode()  # UTF-8, not \\u escapes


def test_json_decimals():
    big = decimal.Decimal("0.123456789012345678901234567890123456701234567890123456789012345678901234567")
    ser = serializer.JsonObjectSerializer(use_decimal_from_str=True)
    assert ser.unserialize(ser.serialize({"d": big, "i": 2**256, "f": 0.5})) == [{"d": big, "i": 2**256, "f": 0.5}]
    plain = serializer.JsonObjectSerializer()
    assert plain.unserialize(plain.serialize([big])) == [[str(big)]]
    floats = serializer.JsonObjectSerializer(use_decimal_from_float=True)
    assert floats.unserialize(b"[0.1]") == [[decimal.Decimal("0.1")]]


def test_serializer_attributes():
    for ser_id, raw_id, mime in [
        ("json", 1, "application/json"),
        ("msgpack", 2, "application/x-msgpack"),
        ("cbor", 3, "application/cbor"),
        ("ubjson", 4, "application/ubjson"),
    ]:
        if ser_id not in INSTALLED_TEXT_AND_BINARY_IDS:
            continue
        ser = serializer.SERID_TO_SER[ser_id]()
        assert (ser_id, raw_id, mime) == (ser.SERIALIZER_ID, ser.RAWSOCKET_SERIALIZER_ID, ser.MIME_TYPE)
        assert ser_id == ser.PAYLOAD_SERIALIZER_ID
        assert ser_id + ".batched" == serializer.SERID_TO_SER[ser_id](batched=True).SERIALIZER_ID
        assert ser_id == serializer.SERID_TO_OBJSER[ser_id].NAME
    with pytest.raises(RuntimeError, match="could not create serializer"):
        serializer.create_transport_serializer("xml")

    class Transport:
        serializers = ["cbor", "json.batched"]

    assert [s.SERIALIZER_ID for s in serializer.create_transport_serializers(Transport())] == [
        "cbor",
        "json.batched",
    ]


def test_serialization_is_cached_per_serializer():
    msg = message.Event(1, 2, args=[1])
    ser = serializer.JsonSerializer()
    data, _ = ser.serialize(msg)
    assert msg._serialized[ser._serializer] == data
    msg.uncache()
    assert msg._serialized == {}


def test_stats():
    ser = serializer.JsonSerializer()
    data, _ = ser.serialize(message.Published(1, 2))
    ser.unserialize(data)
    stats = ser.stats(reset=False, details=True)
    assert stats["serialized"] == {"bytes": len(data), "messages": 1, "rated_messages": 1}
    assert stats["unserialized"]["messages"] == 1
    assert ser.stats()["messages"] == 2
    assert ser.stats_messages() == ser.stats_bytes() == 0
    seen = []
    ser.set_stats_autoreset(rated_messages=3, duration=None, callback=seen.append)
    for _ in range(3):
        ser.serialize(message.Published(1, 2))
    assert len(seen) == 1 and seen[0]["rated_messages"] == 3


# --- a missing serializer library says which extra brings it ---

_BLOCKED_IMPORT = """
import sys
from importlib.abc import MetaPathFinder

class Blocker(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == {module!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}}")
        return None

sys.meta_path.insert(0, Blocker())
from autobahn.wamp import serializer
assert {ser_id!r} not in serializer.SERID_TO_SER
try:
    from autobahn.wamp.serializer import {name}
except ImportError as e:
    print(e)
else:
    raise SystemExit("imported " + {name!r})
"""


@pytest.mark.parametrize(
    ("module", "ser_id", "name"),
    [
        ("msgpack", "msgpack", "MsgPackSerializer"),
        ("cbor2", "cbor", "CBORObjectSerializer"),
        ("bjdata", "ubjson", "UBJSONSerializer"),
    ],
)
def test_missing_library_import_error_names_the_extra(module, ser_id, name):
    code = _BLOCKED_IMPORT.format(module=module, ser_id=ser_id, name=name)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=dict(os.environ))
    assert result.returncode == 0, result.stderr + result.stdout
    assert "pip install autobahn[serialization]" in result.stdout
    assert module in result.stdout


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=64), ser_id=st.sampled_from(INSTALLED_SERIALIZER_IDS))
def test_random_bytes_give_messages_or_protocol_error(data, ser_id):
    ser = serializer.create_transport_serializer(ser_id)
    try:
        msgs = ser.unserialize(data)
    except ProtocolError:
        return
    assert all(isinstance(m, message.Message) for m in msgs)


@settings(max_examples=200, deadline=None)
@given(raw=st.lists(VALUE, min_size=1, max_size=6), code=st.sampled_from(MESSAGE_CODES))
def test_random_raw_messages_through_msgpack(raw, code):
    """Well-formed MessagePack whose content is any list with a valid type code first."""
    import msgpack

    ser = serializer.MsgPackSerializer()
    try:
        msgs = ser.unserialize(msgpack.packb([code, *raw], use_bin_type=True))
    except ProtocolError as exc:
        assert str(exc)
    else:
        assert len(msgs) == 1 and isinstance(msgs[0], message.Message) and code == msgs[0].MESSAGE_TYPE


@pytest.mark.parametrize(
    ("ser_id", "payload"),
    [
        ("json", b"[" * 100000 + b"]" * 100000),
        ("msgpack", b"\x91" * 100000 + b"\x00"),
        ("cbor", b"\x81" * 100000 + b"\x00"),
        serializer_param("ubjson", b"[" * 20000 + b"]" * 20000),
    ],
)
def test_deep_nesting_is_a_protocol_error(ser_id, payload):
    """A peer cannot exhaust the stack: nesting past the decoders' limits is refused."""
    with pytest.raises(ProtocolError):
        serializer.create_transport_serializer(ser_id).unserialize(payload)
