"""WAMP end-to-end payload encryption with "cryptobox" (Curve25519, XSalsa20-Poly1305):
a :class:`KeyRing` maps URI prefixes to keys and encodes the application payload of calls and
events into an encrypted :class:`~autobahn.wamp.types.EncodedPayload` (payload transparency),
which routers pass on without reading. Needs ``pip install autobahn[encryption]`` (PyNaCl).

The encrypted bytes are the NaCl box (nonce first) of the JSON text
``{"uri": ..., "args": ..., "kwargs": ...}``, as autobahn writes them.
"""

from __future__ import annotations

import importlib

from autobahn.wamp.serializer import JsonObjectSerializer
from autobahn.wamp.types import EncodedPayload

__all__ = ["HAS_CRYPTOBOX", "EncodedPayload"]

try:
    from nacl.encoding import Base64Encoder, HexEncoder, RawEncoder
    from nacl.public import Box, PrivateKey, PublicKey
    from nacl.utils import random
except ImportError:
    HAS_CRYPTOBOX = False
else:
    HAS_CRYPTOBOX = True
    __all__.extend(["Key", "KeyRing"])

_JSON = JsonObjectSerializer()


if HAS_CRYPTOBOX:

    class Key:
        """The keys of one payload encryption relation: the originator's (who encrypts, e.g.
        the caller or publisher) and the responder's, each a private key or only its public
        key, base64-encoded. Each side needs its own private key and the other's public key."""

        def __init__(self, originator_priv=None, originator_pub=None, responder_priv=None, responder_pub=None):
            self.originator_priv = PrivateKey(originator_priv, encoder=Base64Encoder) if originator_priv else None
            if self.originator_priv:
                self.originator_pub = self.originator_priv.public_key
                assert originator_pub is None or originator_pub == self.originator_pub
            else:
                self.originator_pub = PublicKey(originator_pub, encoder=Base64Encoder)
            self.responder_priv = PrivateKey(responder_priv, encoder=Base64Encoder) if responder_priv else None
            if self.responder_priv:
                self.responder_pub = self.responder_priv.public_key
                assert responder_pub is None or responder_pub == self.responder_pub
            else:
                self.responder_pub = PublicKey(responder_pub, encoder=Base64Encoder)
            self.originator_box = (
                Box(self.originator_priv, self.responder_pub) if self.originator_priv and self.responder_pub else None
            )
            self.responder_box = (
                Box(self.responder_priv, self.originator_pub) if self.responder_priv and self.originator_pub else None
            )
            if not (self.originator_box or self.responder_box):
                raise Exception("insufficient keys provided for at least originator or responder role")

    class SymKey:
        """Reserved for symmetric payload keys (not used by the cryptobox scheme)."""

        def __init__(self, raw=None):
            self.raw = raw

    class KeyRing:
        """Keys by URI prefix (the longest matching prefix wins; ``""`` or ``default_key``
        for everything else). A key given as one base64 private key serves both roles."""

        def __init__(self, default_key=None):
            assert default_key is None or isinstance(default_key, (Key, str))
            self._uri_to_key: dict[str, Key] = {}
            if isinstance(default_key, str):
                default_key = Key(originator_priv=default_key, responder_priv=default_key)
            self._default_key = default_key

        def generate_key(self):
            """A new key pair: ``(private, public)``, base64."""
            key = PrivateKey.generate()
            return (
                key.encode(encoder=Base64Encoder).decode("ascii"),
                key.public_key.encode(encoder=Base64Encoder).decode("ascii"),
            )

        def generate_key_hex(self):
            """A new key pair: ``(private, public)``, hex."""
            key = PrivateKey.generate()
            return (
                key.encode(encoder=HexEncoder).decode("ascii"),
                key.public_key.encode(encoder=HexEncoder).decode("ascii"),
            )

        def set_key(self, uri, key):
            """Use ``key`` (a :class:`Key`, a base64 private key, or ``None`` to remove) for URIs
            starting with ``uri`` (``""``: the default key)."""
            assert type(uri) is str
            assert key is None or isinstance(key, (Key, str))
            if isinstance(key, str):
                key = Key(originator_priv=key, responder_priv=key)
            if uri == "":
                self._default_key = key
            elif key is None:
                self._uri_to_key.pop(uri, None)
            else:
                self._uri_to_key[uri] = key

        def rotate_key(self, uri):
            """Key rotation is not supported by the cryptobox scheme."""
            raise NotImplementedError("cryptobox keys cannot be rotated; set a new key with set_key()")

        def _get_box(self, is_originating, uri, match_exact=False):
            key = None
            if match_exact:
                key = self._uri_to_key.get(uri)
            else:
                for end in range(len(uri), -1, -1):  # the longest prefix with a key
                    key = self._uri_to_key.get(uri[:end])
                    if key is not None:
                        break
            if key is None:
                key = self._default_key
            if key is None:
                return None
            return key.originator_box if is_originating else key.responder_box

        def encode(self, is_originating, uri, args=None, kwargs=None):
            """The encrypted payload for ``uri``, or ``None`` when no key applies."""
            assert type(is_originating) is bool
            assert type(uri) is str
            assert args is None or type(args) in (list, tuple)
            assert kwargs is None or type(kwargs) is dict
            box = self._get_box(is_originating, uri)
            if not box:
                return None
            plain = _JSON.serialize({"uri": uri, "args": args, "kwargs": kwargs})
            encrypted = bytes(box.encrypt(plain, random(Box.NONCE_SIZE), encoder=RawEncoder))
            return EncodedPayload(encrypted, "cryptobox", "json", enc_key=None)

        def decode(self, is_originating, uri, encoded_payload):
            """``(uri, args, kwargs)`` from an encrypted payload; raises if no key applies or
            the payload does not decrypt."""
            assert type(uri) is str
            assert isinstance(encoded_payload, EncodedPayload)
            assert encoded_payload.enc_algo == "cryptobox"
            box = self._get_box(is_originating, uri)
            if not box:
                raise Exception("received encrypted payload, but can't find key!")
            plain = box.decrypt(encoded_payload.payload, encoder=RawEncoder)
            if encoded_payload.enc_serializer != "json":
                raise Exception(
                    "received encrypted payload, but don't know how to process serializer "
                    f"'{encoded_payload.enc_serializer}'"
                )
            payload = _JSON.unserialize(plain)[0]
            return payload.get("uri"), payload.get("args"), payload.get("kwargs")

    try:
        IPayloadCodec = importlib.import_module("autobahn.wamp.interfaces").IPayloadCodec
    except (ImportError, AttributeError):
        pass
    else:
        IPayloadCodec.register(KeyRing)


_NEEDS_NACL = ("Key", "KeyRing")

if not HAS_CRYPTOBOX:
    # Without PyNaCl the classes above are not defined (as in autobahn); asking for one says
    # what to install instead of a bare "cannot import name".
    def __getattr__(name: str):
        if name in _NEEDS_NACL:
            raise ImportError(f'{__name__}.{name} needs PyNaCl: pip install "autobahn[encryption]"', name="nacl")
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _json_dumps(obj, use_binary_hex_encoding=False):
    """``obj`` as WAMP JSON text (bytes as ``"\\x00"`` + base64, or ``"0x"`` + hex)."""
    return JsonObjectSerializer(use_binary_hex_encoding=use_binary_hex_encoding).serialize(obj).decode("utf8")


def _json_loads(s, use_binary_hex_encoding=False, use_decimal_from_str=False, use_decimal_from_float=False):
    """The value of WAMP JSON text ``s`` (str or UTF-8 bytes), WAMP's binary strings decoded."""
    serializer = JsonObjectSerializer(
        use_binary_hex_encoding=use_binary_hex_encoding,
        use_decimal_from_str=use_decimal_from_str,
        use_decimal_from_float=use_decimal_from_float,
    )
    (value,) = serializer.unserialize(s.encode("utf8") if isinstance(s, str) else s)
    return value


# Names autobahn 26.11.1 also has here (programs import them from this module).
from autobahn.util import public  # noqa: E402, F401
