"""autobahn.wamp.message: parse/marshal round trips, validation naming the field, helpers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from wamp_samples import FORWARD_FOR, MESSAGE_CLASSES, sample_messages

from autobahn.wamp import message, role
from autobahn.wamp.exception import InvalidUriError, ProtocolError
from autobahn.wamp.message import (
    check_or_raise_extra,
    check_or_raise_id,
    check_or_raise_realm_name,
    check_or_raise_uri,
    identify_realm_name_category,
    is_valid_enc_algo,
    is_valid_enc_serializer,
)

SAMPLES = sample_messages()


def test_every_message_type_is_sampled():
    expected = {
        name
        for name in message.__all__
        if isinstance(getattr(message, name), type)
        and issubclass(getattr(message, name), message.Message)
        and getattr(message, name).MESSAGE_TYPE
    }
    assert {c.__name__ for c in MESSAGE_CLASSES} == expected | {"EventReceived"}
    codes = [c.MESSAGE_TYPE for c in MESSAGE_CLASSES]
    assert codes == [1, 2, 3, 4, 5, 6, 8, 16, 17, 32, 33, 34, 35, 36, 48, 49, 50, 64, 65, 66, 67, 68, 69, 70, 337]


@pytest.mark.parametrize("msg", SAMPLES, ids=lambda m: type(m).__name__)
def test_parse_of_marshal_round_trips(msg):
    raw = msg.marshal()
    assert raw[0] == msg.MESSAGE_TYPE
    again = type(msg).parse(raw)
    assert again == msg
    assert again.marshal() == raw
    assert str(again).startswith(type(msg).__name__.upper() + "::")


def test_equality_looks_at_fields():
    assert message.Published(1, 2) == message.Published(1, 2)
    assert message.Published(1, 2) != message.Published(1, 3)
    assert message.Result(1, args=[1]) != message.Result(1, args=[2])
    assert message.Published(1, 2) != message.Subscribed(1, 2)


def test_marshal_shapes():
    """The list layouts of the WAMP spec, with empty args and kwargs left off."""
    assert message.Call(1, "com.x").marshal() == [48, 1, {}, "com.x"]
    assert message.Call(1, "com.x", args=(1, 2)).marshal() == [48, 1, {}, "com.x", [1, 2]]
    assert message.Call(1, "com.x", kwargs={"a": 1}).marshal() == [48, 1, {}, "com.x", [], {"a": 1}]
    assert message.Call(1, "com.x", timeout=5).marshal() == [48, 1, {"timeout": 5}, "com.x"]
    assert message.Goodbye().marshal() == [6, {}, "wamp.close.normal"]
    assert message.Subscribe(1, "a.b", match="prefix").marshal() == [32, 1, {"match": "prefix"}, "a.b"]
    assert message.Register(1, "a.b").marshal() == [64, 1, {}, "a.b"]
    assert message.Hello("r1", {"caller": role.RoleCallerFeatures()}).marshal() == [1, "r1", {"roles": {"caller": {}}}]
    published = message.Publish(7, "t", payload=b"xx", enc_algo="xbr", enc_serializer="json").marshal()
    assert published == [16, 7, {"enc_algo": "xbr", "enc_serializer": "json"}, "t", b"xx"]
    assert message.Unsubscribed(0, 5, "wamp.x").marshal() == [35, 0, {"reason": "wamp.x", "subscription": 5}]


def test_defaults_of_the_original():
    assert message.Subscribe(1, "a").match == "exact"
    register = message.Register(1, "a")
    assert (register.match, register.invoke) == ("exact", "single")
    assert message.Goodbye().reason == message.Goodbye.DEFAULT_REASON == "wamp.close.normal"
    assert message.Challenge("ticket").extra == {}
    assert message.Welcome(1, {"broker": role.RoleBrokerFeatures()}).custom == {}


def test_attributes_are_settable_properties():
    msg = message.Call(1, "com.x", args=[1])
    msg.args = [2]
    msg.timeout = 3
    msg.correlation_id = "c1"
    assert (msg.args, msg.timeout, msg.correlation_id) == ([2], 3, "c1")
    assert msg.marshal() == [48, 1, {"timeout": 3}, "com.x", [2]]
    with pytest.raises(AttributeError):
        msg.no_such_field = 1  # slotted, as in autobahn


# (raw message, text the ProtocolError must contain: the field and the message)
MALFORMED = [
    ([1, "realm1"], "invalid message length 2 for HELLO"),
    ([1, "realm1", []], "'details' in HELLO"),
    ([1, "realm1", {}], "missing mandatory roles attribute in options in HELLO"),
    ([1, "realm1", {"roles": {}}], "empty 'roles'"),
    ([1, "realm1", {"roles": {"broker": {}}}], "invalid role 'broker'"),
    ([1, "realm1", {"roles": {"caller": []}}], "role 'caller'"),
    ([1, "realm1", {"roles": {"caller": {"features": {"call_timeout": 1}}}}], "feature 'call_timeout'"),
    ([1, "realm1", {"roles": {"caller": {}}, "authmethods": "ticket"}], "'authmethods' detail in HELLO"),
    ([1, "realm1", {"roles": {"caller": {}}, "authmethods": [1]}], "'authmethods' detail in HELLO"),
    ([1, "realm1", {"roles": {"caller": {}}, "authid": 1}], "'authid' detail in HELLO"),
    ([1, "realm1", {"roles": {"caller": {}}, "resume-session": 1}], "resume-token"),
    ([2, -1, {"roles": {"broker": {}}}], "'session' in WELCOME"),
    ([2, 1, {"roles": {"broker": {}}, "resumed": 1}], "'resumed' detail in WELCOME"),
    ([2, 1, {"roles": {"caller": {}}}], "invalid role 'caller'"),
    ([2, 1, {"roles": {"broker": {}}, "resumable": True}], "resume_token"),
    ([3, {}, 1], "'reason' in ABORT"),
    ([3, {"message": 1}, "wamp.x"], "'message' detail in ABORT"),
    ([4, 1, {}], "'method' in CHALLENGE"),
    ([4, "ticket", None], "'extra' in CHALLENGE"),
    ([5, b"sig", {}], "'signature' in AUTHENTICATE"),
    ([6, {"resumable": "yes"}, "wamp.close.normal"], "'resumable' detail in GOODBYE"),
    ([8, 48, 1, {}], "invalid message length 4 for ERROR"),
    ([8, "48", 1, {}, "wamp.e"], "'request_type' in ERROR"),
    ([8, 99, 1, {}, "wamp.e"], "'request_type' in ERROR"),
    ([8, 48, 2**53 + 1, {}, "wamp.e"], "'request' in ERROR"),
    ([8, 48, 1, {}, "wamp e"], "'error' in ERROR"),
    ([8, 48, 1, {}, "wamp.e", {}], "'args' in ERROR"),
    ([8, 48, 1, {}, "wamp.e", [], []], "'kwargs' in ERROR"),
    ([8, 48, 1, {}, "wamp.e", [], {1: 2}], "key in WAMP kwargs"),
    ([8, 48, 1, {"callee": "x"}, "wamp.e"], "'callee' detail in ERROR"),
    ([16, 1, {}, "com.t", b"x", {}], "'args' in PUBLISH"),
    ([16, 1, {"acknowledge": 1}, "com.t"], "'acknowledge' option in PUBLISH"),
    ([16, 1, {"exclude": [1, "2"]}, "com.t"], "'exclude' option in PUBLISH"),
    ([16, 1, {"eligible_authrole": "r"}, "com.t"], "'eligible_authrole' option in PUBLISH"),
    ([16, 1, {"enc_algo": "rot13"}, "com.t", b"x"], "'enc_algo' option in PUBLISH"),
    ([16, 1, {"enc_key": "k"}, "com.t", b"x"], "without 'enc_algo' in PUBLISH"),
    ([16, 1, {"forward_for": [{"session": 1}]}, "com.t"], "'forward_for' option in PUBLISH"),
    ([16, 1, {}, "com..t"], "'topic' in PUBLISH"),
    ([17, 1], "invalid message length 2 for PUBLISHED"),
    ([17, 1, "2"], "'publication' in PUBLISHED"),
    ([32, 1, {"match": "regex"}, "com.t"], "'match' option in SUBSCRIBE"),
    ([32, 1, {"get_retained": "no"}, "com.t"], "'get_retained' option in SUBSCRIBE"),
    ([33, 1, 1.5], "'subscription' in SUBSCRIBED"),
    ([34, 1, 2, []], "'options' in UNSUBSCRIBE"),
    ([35, 1, {"subscription": "x"}], "'subscription' detail in UNSUBSCRIBED"),
    ([35, 1, {"subscription": 5}], "'subscription' detail"),
    ([35, 0, {"reason": "bad uri"}], "'reason' in UNSUBSCRIBED"),
    ([36, 1, 2, {"publisher": "p"}], "'publisher' detail in EVENT"),
    ([36, 1, 2, {"retained": 0}], "'retained' detail in EVENT"),
    ([36, 1, 2, {}, "args"], "'args' in EVENT"),
    ([337], "EVENT_RECEIVED"),
    ([48, 1, {"timeout": -1}, "com.p"], "'timeout' option in CALL"),
    ([48, 1, {"receive_progress": "yes"}, "com.p"], "'receive_progress' option in CALL"),
    ([48, 1, {"caller": "c"}, "com.p"], "'caller' option in CALL"),
    ([48, 1, {}, 5], "'procedure' in CALL"),
    ([49, 1, {"mode": "stop"}], "'mode' option in CANCEL"),
    ([50, 1, {"progress": 1}], "'progress' detail in RESULT"),
    ([50, 1, "details"], "'details' in RESULT"),
    ([64, 1, {"invoke": "all"}, "com.p"], "'invoke' option in REGISTER"),
    ([64, 1, {"concurrency": 0}, "com.p"], "'concurrency' option in REGISTER"),
    ([64, 1, {"force_reregister": 1}, "com.p"], "'force_reregister' option in REGISTER"),
    ([64, 1, {}, "com..p"], "'procedure' in REGISTER"),
    ([65, 1, None], "'registration' in REGISTERED"),
    ([66, 1, 2, {"forward_for": "x"}], "'forward_for' option in UNREGISTER"),
    ([67, 1, {"registration": True}], "'registration' detail in UNREGISTERED"),
    ([68, 1, 2, {"timeout": "1"}], "'timeout' detail in INVOCATION"),
    ([68, 1, 2, {"procedure": 1}], "'procedure' detail in INVOCATION"),
    ([69, 1, {"mode": "skip"}], "'mode' option in INTERRUPT"),
    ([70, 1, {"callee_authid": 1}], "'callee_authid' option in YIELD"),
    ([70, 1, {}, [], [], {}], "invalid message length 6 for YIELD"),
]


@pytest.mark.parametrize(("raw", "names"), MALFORMED, ids=[f"{r[0]}-{n}" for r, n in MALFORMED])
def test_malformed_message_raises_naming_the_field(raw, names):
    cls = {c.MESSAGE_TYPE: c for c in MESSAGE_CLASSES}[raw[0]]
    with pytest.raises((ProtocolError, InvalidUriError)) as info:
        cls.parse(raw)
    assert names in str(info.value)


def test_forward_for_authid_may_be_null():
    raw = [34, 1, 2, {"forward_for": FORWARD_FOR}]
    assert message.Unsubscribe.parse(raw).forward_for == FORWARD_FOR


def test_check_or_raise_id():
    for good in (0, 1, 2**53):
        assert check_or_raise_id(good) == good
    for bad in (-1, 2**53 + 1, 1.0, "1", None, True):
        with pytest.raises(ProtocolError, match="ID"):
            check_or_raise_id(bad, "'x' in Y")


@pytest.mark.parametrize(
    ("uri", "strict", "empty", "last_empty", "valid"),
    [
        ("com.myapp.topic1", False, False, False, True),
        ("com.myapp.\u00fcber", False, False, False, True),
        ("com.myapp.Topic", True, False, False, False),
        ("com.my-app", True, False, False, False),
        ("com.my-app", False, False, False, True),
        ("com..topic", False, False, False, False),
        ("com..topic", False, True, False, True),
        ("com.myapp.", False, False, True, True),
        ("com.myapp.", False, False, False, False),
        ("com.my app", False, False, False, False),
        ("com.my#app", False, False, False, False),
        ("", False, False, False, False),
        ("", False, True, False, True),
        (".", False, True, False, True),
    ],
)
def test_check_or_raise_uri(uri, strict, empty, last_empty, valid):
    if valid:
        assert check_or_raise_uri(uri, strict=strict, allow_empty_components=empty, allow_last_empty=last_empty) == uri
    else:
        with pytest.raises(InvalidUriError):
            check_or_raise_uri(uri, strict=strict, allow_empty_components=empty, allow_last_empty=last_empty)


def test_check_or_raise_uri_types():
    assert check_or_raise_uri(None, "x", allow_none=True) is None
    with pytest.raises(InvalidUriError, match="cannot be null"):
        check_or_raise_uri(None)
    with pytest.raises(InvalidUriError, match="invalid type"):
        check_or_raise_uri(b"com.x")


def test_realm_names():
    assert identify_realm_name_category("realm1") == "standalone"
    assert identify_realm_name_category("wamp-proto.eth") == "ens"
    assert identify_realm_name_category("eth.wamp-proto") == "reverse_ens"
    assert identify_realm_name_category("0xe59C7418403CF1D973485B36660728a5f4A8fF9c") == "eth"
    assert identify_realm_name_category("1realm") is None
    assert identify_realm_name_category(5) is None
    assert check_or_raise_realm_name("realm1") == "realm1"
    eth = "0xe59C7418403CF1D973485B36660728a5f4A8fF9c"
    assert check_or_raise_realm_name(eth) == eth
    with pytest.raises(InvalidUriError):
        check_or_raise_realm_name(eth, allow_eth=False)
    with pytest.raises(InvalidUriError):
        check_or_raise_realm_name("ab")


def test_check_or_raise_extra():
    assert check_or_raise_extra({"a": 1}) == {"a": 1}
    with pytest.raises(ProtocolError, match="WAMP extra"):
        check_or_raise_extra([])
    with pytest.raises(ProtocolError, match="key in WAMP extra"):
        check_or_raise_extra({1: 2})


def test_payload_transparency_identifiers():
    assert all(is_valid_enc_algo(a) for a in ("cryptobox", "mqtt", "xbr", "x_mine"))
    assert not any(is_valid_enc_algo(a) for a in ("rot13", "x_1", "X_a", None, 1))
    assert all(is_valid_enc_serializer(s) for s in ("json", "msgpack", "cbor", "ubjson", "flatbuffers", "x_own"))
    assert not is_valid_enc_serializer("xml")
    assert message.ENC_ALGOS_FROMSTR["cryptobox"] == message.ENC_ALGO_CRYPTOBOX == 1
    assert message.ENC_SERS[message.ENC_SER_FLATBUFFERS] == "flatbuffers"


# --- fuzzing: whatever a peer sends, parse() accepts it or raises ProtocolError ---

_ANY = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**64), 2**64)
    | st.floats()
    | st.text(max_size=6)
    | st.binary(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)
_KEYS = st.sampled_from(
    [
        "roles", "authmethods", "authid", "authrole", "authextra", "resumable", "resume-session", "resume-token",
        "realm", "authmethod", "authprovider", "resumed", "resume_token", "message", "callee", "callee_authid",
        "acknowledge", "exclude", "eligible", "retain", "match", "get_retained", "forward_for", "subscription",
        "reason", "publisher", "topic", "retained", "timeout", "receive_progress", "caller", "mode", "progress",
        "invoke", "concurrency", "force_reregister", "procedure", "enc_algo", "enc_key", "enc_serializer",
        "x_custom",
    ]
)  # fmt: skip
_EXTRA = st.dictionaries(_KEYS, _ANY, max_size=4) | _ANY
_FIELD = st.one_of(_ANY, _EXTRA, st.integers(0, 2**53), st.just("com.example.uri"))


@settings(max_examples=500, deadline=None)
@given(cls=st.sampled_from(MESSAGE_CLASSES), fields=st.lists(_FIELD, max_size=6))
def test_parse_raises_only_protocol_errors(cls, fields):
    try:
        msg = cls.parse([cls.MESSAGE_TYPE, *fields])
    except (ProtocolError, InvalidUriError):
        return
    # what parse accepted is a valid message: it marshals and parses again to the same
    assert type(msg).parse(msg.marshal()) == msg
