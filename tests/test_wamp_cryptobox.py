"""autobahn.wamp.cryptobox: end-to-end payload encryption, and a payload autobahn 26.10.2 encrypted."""

from __future__ import annotations

import pytest

from autobahn.wamp.cryptobox import HAS_CRYPTOBOX, Key, KeyRing
from autobahn.wamp.types import EncodedPayload

ORIGINATOR = "q6gE8WBbD7Bsgw1yVgfnNMZdqlvhBbsQRw0IYmENZVk="
RESPONDER = "gAB+Nz9bA1eUHC4h+WVu9Qd0w2f0nZCq3zAq8ZtpEus="
# KeyRing.encode(True, "com.example.add2", [1, "two", b"\x03"], {"k": "v"}) by autobahn 26.10.2,
# with Key(originator_priv=ORIGINATOR, responder_priv=RESPONDER) for "com.example"
ORIGINAL_PAYLOAD = bytes.fromhex(
    "162053d4b5721addea6f221b2cd876b74114c11eb2b0c2c197ac23bd3d32092ffd4e9b749a7ecfcddccf25bade1bb9"
    "fce1fcb28fe03cc3ea5c1379d2a8bee196c3e72f22c6322b040e8aac2190cc8d011573e2cac281d816f814d3c4368b"
    "35634f3470ec474098c0ad06c223f41928f436b695"
)


def test_available():
    assert HAS_CRYPTOBOX


def test_decrypts_what_autobahn_encrypted():
    ring = KeyRing()
    ring.set_key("com.example", Key(originator_priv=ORIGINATOR, responder_priv=RESPONDER))
    encoded = EncodedPayload(ORIGINAL_PAYLOAD, "cryptobox", "json")
    assert ring.decode(False, "com.example.add2", encoded) == ("com.example.add2", [1, "two", b"\x03"], {"k": "v"})


def test_originator_and_responder_with_public_keys_only():
    ring = KeyRing()
    originator_priv, originator_pub = ring.generate_key()
    responder_priv, responder_pub = ring.generate_key()
    caller = KeyRing()
    caller.set_key("com.app", Key(originator_priv=originator_priv, responder_pub=responder_pub))
    callee = KeyRing()
    callee.set_key("com.app", Key(originator_pub=originator_pub, responder_priv=responder_priv))
    encoded = caller.encode(True, "com.app.proc", args=[1], kwargs=None)
    assert (encoded.enc_algo, encoded.enc_serializer) == ("cryptobox", "json")
    assert callee.decode(False, "com.app.proc", encoded) == ("com.app.proc", [1], None)
    with pytest.raises(Exception, match="insufficient keys"):
        Key(originator_pub=originator_pub, responder_pub=responder_pub)


def test_longest_prefix_and_default_key():
    ring = KeyRing()
    ring.set_key("com", ORIGINATOR)
    ring.set_key("com.secret", RESPONDER)
    assert ring._get_box(True, "com.secret.x") is ring._uri_to_key["com.secret"].originator_box
    assert ring._get_box(True, "com.other") is ring._uri_to_key["com"].originator_box
    assert ring.encode(True, "org.x") is None  # no key applies
    ring.set_key("", ORIGINATOR)
    assert ring.encode(True, "org.x") is not None
    ring.set_key("com.secret", None)
    assert ring._get_box(True, "com.secret.x") is ring._uri_to_key["com"].originator_box
    hex_priv, hex_pub = ring.generate_key_hex()
    assert len(hex_priv) == len(hex_pub) == 64


def test_wrong_key_or_serializer():
    ring = KeyRing(ORIGINATOR)
    encoded = ring.encode(True, "com.x", [1])
    other = KeyRing(RESPONDER)
    with pytest.raises(Exception, match="[Dd]ecrypt"):
        other.decode(False, "com.x", encoded)
    with pytest.raises(Exception, match="serializer 'cbor'"):
        ring.decode(False, "com.x", EncodedPayload(encoded.payload, "cryptobox", "cbor"))
