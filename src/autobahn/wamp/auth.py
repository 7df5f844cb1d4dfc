"""WAMP authentication, client side: anonymous, ticket, WAMP-CRA, WAMP-SCRAM and
WAMP-cryptosign authenticators (``create_authenticator``), and the helpers behind them
(PBKDF2 key derivation, WAMP-CRA signatures, TOTP).

WAMP-SCRAM needs ``pip install autobahn[scram]`` (argon2-cffi); WAMP-cryptosign needs
``pip install autobahn[encryption]`` (PyNaCl).
"""

import base64
import binascii
import hashlib
import hmac
import importlib.util
import os
import secrets
import stringprep
import struct
import time
import unicodedata

from autobahn.wamp import cryptosign
from autobahn.wamp.interfaces import IAuthenticator

__all__ = (
    "AuthAnonymous",
    "AuthCryptoSign",
    "AuthScram",
    "AuthTicket",
    "AuthWampCra",
    "check_totp",
    "compute_totp",
    "compute_wcs",
    "create_authenticator",
    "derive_key",
    "derive_scram_credential",
    "generate_totp_secret",
    "generate_wcs",
    "pbkdf2",
    "qrcode_from_totp",
)

HAS_ARGON = importlib.util.find_spec("argon2") is not None
"""Whether WAMP-SCRAM's Argon2id is available (the ``scram`` extra)."""


def create_authenticator(name, **kwargs):
    """An authenticator for the WAMP authentication method ``name`` (``"ticket"``,
    ``"wampcra"``, ``"scram"``, ``"cryptosign"``, ``"anonymous"``, and the ``-proxy``
    variants), configured by ``kwargs``; ``ValueError`` for an unknown method."""
    classes = {
        cls.name: cls
        for cls in (
            AuthScram,
            AuthCryptoSign,
            AuthCryptoSignProxy,
            AuthWampCra,
            AuthAnonymous,
            AuthAnonymousProxy,
            AuthTicket,
        )
    }
    try:
        cls = classes[name]
    except KeyError:
        raise ValueError(f"Unknown authenticator '{name}'") from None
    return cls(**kwargs)


class AuthAnonymous:
    """Anonymous authentication: nothing to answer."""

    name = "anonymous"

    def __init__(self, **kw):
        self._args = kw

    @property
    def authextra(self):
        """The ``authextra`` to send in HELLO."""
        return self._args.get("authextra", {})

    def on_challenge(self, session, challenge):
        """Anonymous authentication is never challenged."""
        raise RuntimeError("on_challenge called on anonymous authentication")

    def on_welcome(self, msg, authextra):
        """Nothing to verify; returns ``None`` (success)."""
        return None


class AuthAnonymousProxy(AuthAnonymous):
    """Anonymous authentication forwarded by a proxy."""

    name = "anonymous-proxy"


class AuthTicket:
    """Ticket authentication: answers the challenge with the ``ticket`` (a shared secret)."""

    name = "ticket"

    def __init__(self, **kw):
        self._args = kw
        try:
            self._ticket = self._args.pop("ticket")
        except KeyError:
            raise ValueError("ticket authentication requires 'ticket=' kwarg") from None

    @property
    def authextra(self):
        """The ``authextra`` to send in HELLO."""
        return self._args.get("authextra", {})

    def on_challenge(self, session, challenge):
        """The ticket."""
        assert challenge.method == "ticket"
        return self._ticket

    def on_welcome(self, msg, authextra):
        """Nothing to verify; returns ``None`` (success)."""
        return None


class AuthCryptoSign:
    """WAMP-cryptosign: signs the router's challenge with an Ed25519 key.

    :param privkey: the private key (its 32-byte seed) as hex.
    :param authextra: sent in HELLO; ``pubkey`` is added (checked if given), and
        ``channel_binding="tls-unique"`` binds the signature to the TLS channel.
    """

    name = "cryptosign"

    def __init__(self, **kw):
        for key in kw:
            if key not in ("authextra", "authid", "authrole", "privkey"):
                raise ValueError(f"Unexpected key '{key}' for {self.__class__.__name__}")
        if "privkey" not in kw:
            raise ValueError("Must provide 'privkey' for cryptosign")
        # cryptosign.CryptosignKey needs PyNaCl; without it, this raises an ImportError saying so
        self._privkey = cryptosign.CryptosignKey.from_bytes(binascii.a2b_hex(kw["privkey"]))
        authextra = kw.setdefault("authextra", {})
        if "pubkey" in authextra:
            if authextra["pubkey"] != self._privkey.public_key():
                raise ValueError("Public key doesn't correspond to private key")
        else:
            authextra["pubkey"] = self._privkey.public_key()
        self._channel_binding = authextra.get("channel_binding", None)
        self._args = kw

    @property
    def authextra(self):
        """The ``authextra`` to send in HELLO (with ``pubkey``)."""
        return self._args.get("authextra", {})

    def on_challenge(self, session, challenge):
        """A future of the signature (hex of signature and challenge), bound to the transport's
        TLS channel ID if ``channel_binding`` was asked for."""
        channel_id = None
        if self._channel_binding:
            channel_id = (session._transport.transport_details.channel_id or {}).get(self._channel_binding)
        return self._privkey.sign_challenge(challenge, channel_id=channel_id, channel_id_type=self._channel_binding)

    def on_welcome(self, msg, authextra):
        """Nothing to verify; returns ``None`` (success)."""
        return None


class AuthCryptoSignProxy(AuthCryptoSign):
    """WAMP-cryptosign forwarded by a proxy."""

    name = "cryptosign-proxy"


def _xor(a: bytes, b: bytes) -> bytes:
    if len(a) != len(b):
        raise ValueError(f"cannot XOR binary strings of differing length ({len(a)} != {len(b)})")
    return (int.from_bytes(a, "big") ^ int.from_bytes(b, "big")).to_bytes(len(a), "big")


def saslprep(source, param="value"):
    """SASLprep (RFC 4013) of a user name or password, as SCRAM (RFC 5802) asks;
    ``param`` names the value in errors."""
    text = source
    # mapping: non-ASCII spaces to space, "commonly mapped to nothing" removed; then NFKC
    mapped = "".join(" " if stringprep.in_table_c12(c) else c for c in text if not stringprep.in_table_b1(c))
    normalized = unicodedata.normalize("NFKC", mapped)
    prohibited = (
        stringprep.in_table_c12,
        stringprep.in_table_c21_c22,
        stringprep.in_table_c3,
        stringprep.in_table_c4,
        stringprep.in_table_c5,
        stringprep.in_table_c6,
        stringprep.in_table_c7,
        stringprep.in_table_c8,
        stringprep.in_table_c9,
        stringprep.in_table_a1,  # unassigned code points
    )
    for c in normalized:
        if any(check(c) for check in prohibited):
            raise ValueError(f"SASLprep: prohibited character {c!r} in {param}")
    # bidirectional text (RFC 3454 section 6)
    if any(stringprep.in_table_d1(c) for c in normalized):
        if any(stringprep.in_table_d2(c) for c in normalized):
            raise ValueError(f"SASLprep: mixed left-to-right and right-to-left text in {param}")
        if not (stringprep.in_table_d1(normalized[0]) and stringprep.in_table_d1(normalized[-1])):
            raise ValueError(f"SASLprep: right-to-left {param} must start and end with a right-to-left character")
    return normalized


def _hash_argon2id13_secret(password, salt, iterations, memory):
    """Argon2id (v1.3) of the password, as WAMP-SCRAM uses it: the salt arrives base64-encoded,
    and the result is the hash as argon2 encodes it (unpadded base64), as Crossbar.io does."""
    from argon2.low_level import Type, hash_secret

    encoded = hash_secret(
        secret=password,
        salt=base64.b64decode(salt),
        time_cost=iterations,
        memory_cost=memory,
        parallelism=1,
        hash_len=32,
        type=Type.ID,
        version=19,
    )
    return encoded.split(b"$")[-1]


def _hash_pbkdf2_secret(password, salt, iterations):
    """PBKDF2-HMAC-SHA256 of the password (32 bytes)."""
    return pbkdf2(password, salt, iterations, keylen=32)


class AuthScram:
    """WAMP-SCRAM (RFC 5802 with Argon2id or PBKDF2 as key derivation).

    :param authid: the user name.
    :param password: the password.
    """

    name = "scram"

    def __init__(self, **kw):
        if not HAS_ARGON:
            raise RuntimeError(
                "Cannot support WAMP-SCRAM without the argon2-cffi library; install autobahn['scram']"
                " (pip install autobahn[scram])"
            )
        self._args = kw
        self._client_nonce = None
        self._auth_message = None
        self._salted_password = None

    @property
    def authextra(self):
        """The ``authextra`` to send in HELLO: a fresh client nonce."""
        if self._client_nonce is None:
            self._client_nonce = base64.b64encode(os.urandom(16)).decode("ascii")
        return {"nonce": self._client_nonce}

    def on_challenge(self, session, challenge):
        """The client proof (base64 bytes) for the router's SCRAM challenge."""
        assert challenge.method == "scram"
        assert self._client_nonce is not None
        required = ("nonce", "kdf", "salt", "iterations")
        optional = ("memory", "channel_binding")
        for key in required:
            if key not in challenge.extra:
                raise RuntimeError(f"WAMP-SCRAM challenge option '{key}' is  required but not specified")
        for key in challenge.extra:
            if key not in required + optional:
                raise RuntimeError(f"WAMP-SCRAM challenge has unknown attribute '{key}'")

        channel_binding = challenge.extra.get("channel_binding", "")
        server_nonce = challenge.extra["nonce"]
        salt = challenge.extra["salt"]
        iterations = int(challenge.extra["iterations"])
        memory = int(challenge.extra.get("memory", -1))
        password = self._args["password"].encode("utf8")
        authid = saslprep(self._args["authid"])
        kdf = challenge.extra["kdf"]

        client_first_bare = f"n={authid},r={self._client_nonce}"
        server_first = f"r={server_nonce},s={salt},i={iterations}"
        client_final_no_proof = f"c={channel_binding},r={server_nonce}"
        self._auth_message = f"{client_first_bare},{server_first},{client_final_no_proof}".encode("ascii")

        if kdf == "argon2id-13":
            if memory == -1:
                raise ValueError("WAMP-SCRAM 'argon2id-13' challenge requires 'memory' parameter")
            self._salted_password = _hash_argon2id13_secret(password, salt, iterations, memory)
        elif kdf == "pbkdf2":
            self._salted_password = _hash_pbkdf2_secret(password, base64.b64decode(salt), iterations)
        else:
            raise RuntimeError(f"WAMP-SCRAM specified unknown KDF '{kdf}'")

        client_key = hmac.new(self._salted_password, b"Client Key", hashlib.sha256).digest()
        stored_key = hashlib.sha256(client_key).digest()
        client_signature = hmac.new(stored_key, self._auth_message, hashlib.sha256).digest()
        return base64.b64encode(_xor(client_key, client_signature))

    def on_welcome(self, session, authextra):
        """Verify the router's SCRAM server signature; ``None`` on success, else the reason."""
        assert self._salted_password is not None and self._auth_message is not None, "no challenge answered yet"
        alleged = base64.b64decode(authextra["scram_server_signature"])
        server_key = hmac.new(self._salted_password, b"Server Key", hashlib.sha256).digest()
        server_signature = hmac.new(server_key, self._auth_message, hashlib.sha256).digest()
        if not hmac.compare_digest(server_signature, alleged):
            session.log.error("Verification of server SCRAM signature failed")
            return "Verification of server SCRAM signature failed"
        session.log.info("Verification of server SCRAM signature successful")
        return None


class AuthWampCra:
    """WAMP-CRA: signs the router's challenge with HMAC-SHA256 of the (derived) secret.

    :param authid: the user.
    :param secret: the shared secret (str or bytes); salted secrets are derived with PBKDF2
        as the challenge's ``salt``, ``iterations`` and ``keylen`` say.
    """

    name = "wampcra"

    def __init__(self, **kw):
        for key in kw:
            if key not in ("authextra", "authid", "authrole", "secret"):
                raise ValueError(f"Unexpected key '{key}' for {self.__class__.__name__}")
        for key in ("secret", "authid"):
            if key not in kw:
                raise ValueError(f"Must provide '{key}' for wampcra")
        self._args = kw
        secret = kw.pop("secret")
        self._secret = secret if isinstance(secret, str) else secret.decode("utf8")

    @property
    def authextra(self):
        """The ``authextra`` to send in HELLO."""
        return self._args.get("authextra", {})

    def on_challenge(self, session, challenge):
        """The signature (base64 text) of the challenge string."""
        key = self._secret.encode("utf8")
        if "salt" in challenge.extra:
            key = derive_key(key, challenge.extra["salt"], challenge.extra["iterations"], challenge.extra["keylen"])
        return compute_wcs(key, challenge.extra["challenge"].encode("utf8")).decode("ascii")

    def on_welcome(self, msg, authextra):
        """Nothing to verify; returns ``None`` (success)."""
        return None


for _cls in (
    AuthAnonymous,
    AuthAnonymousProxy,
    AuthTicket,
    AuthCryptoSign,
    AuthCryptoSignProxy,
    AuthScram,
    AuthWampCra,
):
    IAuthenticator.register(_cls)


def generate_totp_secret(length=10):
    """A new TOTP secret: ``length`` random bytes, base32-encoded (as authenticator apps take it)."""
    assert type(length) is int
    return base64.b32encode(os.urandom(length)).decode("ascii")


def compute_totp(secret, offset=0):
    """The 6-digit TOTP (RFC 6238: HMAC-SHA1, 30 s steps) for ``secret`` now, ``offset`` steps away."""
    assert type(secret) is str
    assert type(offset) is int
    try:
        key = base64.b32decode(secret)
    except (TypeError, binascii.Error):
        raise Exception("invalid secret") from None
    counter = offset + int(time.time()) // 30
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    start = digest[19] & 15
    token = (struct.unpack(">I", digest[start : start + 4])[0] & 0x7FFFFFFF) % 1000000
    return f"{token:06d}"


def check_totp(secret, ticket):
    """True if ``ticket`` is the TOTP of this, the previous or the next 30 s window."""
    return any(ticket == compute_totp(secret, offset) for offset in (0, 1, -1))


def qrcode_from_totp(secret, label, issuer):
    """An SVG QR code of the ``otpauth://`` URI for a TOTP secret (needs ``qrcode``)."""
    if type(secret) is not str:
        raise Exception(f"secret must be of type unicode, not {type(secret)}")
    if type(label) is not str:
        raise Exception(f"label must be of type unicode, not {type(label)}")
    try:
        import qrcode
        import qrcode.image.svg
    except ImportError:
        raise Exception("qrcode not installed") from None
    uri = f"otpauth://totp/{label}?secret={secret}&issuer={issuer}"
    return qrcode.make(uri, box_size=3, image_factory=qrcode.image.svg.SvgImage).to_string()


def pbkdf2(data, salt, iterations=1000, keylen=32, hashfunc=None):
    """PBKDF2 (RFC 2898) of ``data`` with ``salt``: ``keylen`` bytes, with HMAC over the hash
    named ``hashfunc`` (default ``"sha256"``)."""
    if type(data) is not bytes or type(salt) is not bytes or type(iterations) is not int or type(keylen) is not int:
        raise ValueError("Invalid argument types")
    if hashfunc is None:
        hashfunc = "sha256"
    if callable(hashfunc):
        raise ValueError("pbkdf2 now takes the name of a hash algorithm for 'hashfunc='")
    return hashlib.pbkdf2_hmac(hashfunc.lower(), data, salt, iterations, keylen)


def derive_key(secret, salt, iterations=1000, keylen=32):
    """WAMP-CRA's salted secret: PBKDF2-HMAC-SHA256, base64-encoded (bytes)."""
    if type(secret) not in (str, bytes):
        raise ValueError("'secret' must be bytes")
    if type(salt) not in (str, bytes):
        raise ValueError("'salt' must be bytes")
    if type(iterations) is not int:
        raise ValueError("'iterations' must be an integer")
    if type(keylen) is not int:
        raise ValueError("'keylen' must be an integer")
    if type(secret) is str:
        secret = secret.encode("utf8")
    if type(salt) is str:
        salt = salt.encode("utf8")
    return binascii.b2a_base64(pbkdf2(secret, salt, iterations, keylen)).strip()


WCS_SECRET_CHARSET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
"""The characters of generated WAMP-CRA secrets."""


def generate_wcs(length=14):
    """A new random WAMP-CRA secret of ``length`` characters (bytes)."""
    assert type(length) is int
    return "".join(secrets.choice(WCS_SECRET_CHARSET) for _ in range(length)).encode("ascii")


def compute_wcs(key, challenge):
    """WAMP-CRA's signature: HMAC-SHA256 of ``challenge`` with ``key``, base64-encoded (bytes)."""
    assert type(key) in (str, bytes)
    assert type(challenge) in (str, bytes)
    if type(key) is str:
        key = key.encode("utf8")
    if type(challenge) is str:
        challenge = challenge.encode("utf8")
    return binascii.b2a_base64(hmac.new(key, challenge, hashlib.sha256).digest()).strip()


def derive_scram_credential(email: str, password: str, salt: bytes | None = None) -> dict:
    """A WAMP-SCRAM credential for a router's user database (Argon2id, 4096 iterations,
    512 KiB): ``kdf``, ``memory``, ``iterations``, ``salt``, ``stored-key``, ``server-key``.
    Without ``salt``, the first 16 bytes of SHA-256 of the e-mail address."""
    if not HAS_ARGON:
        raise RuntimeError("derive_scram_credential needs argon2-cffi: pip install autobahn[scram]")
    from argon2.low_level import Type, hash_secret

    if not salt:
        salt = hashlib.sha256(email.encode("utf8")).digest()[:16]
    assert len(salt) == 16
    encoded = hash_secret(
        secret=password.encode("utf8"),
        salt=salt,
        time_cost=4096,
        memory_cost=512,
        parallelism=1,
        hash_len=32,
        type=Type.ID,
        version=19,
    ).decode("ascii")
    _, tag, version, params, _, salted_password = encoded.split("$")
    assert tag == "argon2id" and version == "v=19"
    settings = dict(item.split("=") for item in params.split(","))
    salted = salted_password.encode("ascii")
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    return {
        "kdf": "argon2id-13",
        "memory": int(settings["m"]),
        "iterations": int(settings["t"]),
        "salt": binascii.b2a_hex(salt).decode("ascii"),
        "stored-key": binascii.b2a_hex(hashlib.sha256(client_key).digest()).decode("ascii"),
        "server-key": binascii.b2a_hex(hmac.new(salted, b"Server Key", hashlib.sha256).digest()).decode("ascii"),
    }


# Names autobahn 26.11.1 also has here (programs import them from this module).
from autobahn.util import public  # noqa: E402, F401
from autobahn.util import xor as xor_array  # noqa: E402, F401
