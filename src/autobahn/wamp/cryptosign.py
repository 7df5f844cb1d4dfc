"""WAMP-cryptosign: Ed25519 keys and challenge signatures (needs ``pip install autobahn[encryption]``).

Keys load from raw 32-byte seeds (``CryptosignKey.from_bytes``), OpenSSH Ed25519 private
and public key files, Crossbar.io key files (``private-key-ed25519: <hex>``) and BIP-39
seed phrases. A challenge signature is the hex of the 64-byte Ed25519 signature followed by
the hex of the signed 32 bytes: the router's challenge, XOR-ed with the TLS channel ID when
the signature is bound to the channel (``tls-unique``).
"""

from __future__ import annotations

import binascii
import os
import re
import struct
from binascii import a2b_hex, b2a_hex
from collections.abc import Callable
from typing import Any

import txaio

from autobahn.util import xor
from autobahn.wamp._slots import add_slot_properties
from autobahn.wamp.interfaces import ICryptosignKey, ISecurityModule
from autobahn.wamp.mnemonic import mnemonic_to_private_key
from autobahn.wamp.types import Challenge

__all__ = ["HAS_CRYPTOSIGN"]

try:
    from nacl import encoding, signing
except ImportError:
    HAS_CRYPTOSIGN = False
else:
    HAS_CRYPTOSIGN = True
    __all__.extend(["CryptosignAuthextra", "CryptosignKey", "format_challenge", "sign_challenge"])

_ETH_ADDRESS = re.compile(r"^0x([A-Fa-f\d]{40})$")
_SSH_PRIVATE_BEGIN = "-----BEGIN OPENSSH PRIVATE KEY-----"
_SSH_PRIVATE_END = "-----END OPENSSH PRIVATE KEY-----"
_OPENSSH_KEY_V1 = b"openssh-key-v1\x00"


def _unpack(keydata):
    """The parts of an SSH wire blob: each a 4-byte big-endian length and that many bytes."""
    parts = []
    while keydata:
        (length,) = struct.unpack(">I", keydata[:4])
        parts.append(keydata[4 : 4 + length])
        keydata = keydata[4 + length :]
    return parts


def _pack(keyparts):
    """The inverse of :func:`_unpack`."""
    return b"".join(struct.pack(">I", len(part)) + part for part in keyparts)


def _read_ssh_ed25519_pubkey(keydata):
    """``(raw 32-byte key, comment)`` from an OpenSSH public key line ``ssh-ed25519 AAAA... comment``."""
    if type(keydata) is not str:
        raise Exception(f"invalid type {type(keydata)} for keydata")
    parts = keydata.strip().split()
    if len(parts) != 3:
        raise Exception("invalid SSH Ed25519 public key")
    algo, blob_b64, comment = parts
    if algo != "ssh-ed25519":
        raise Exception(f"not a Ed25519 SSH public key (but {algo})")
    try:
        key = _unpack(binascii.a2b_base64(blob_b64))[1]
    except Exception as e:
        raise Exception(f"could not parse key ({e})") from e
    if len(key) != 32:
        raise Exception(f"invalid length {len(key)} for embedded raw key (must be 32 bytes)")
    return key, comment


class _SSHPacketReader:
    """Reads the fields of an OpenSSH key blob in order."""

    def __init__(self, packet):
        self._packet = packet
        self._idx = 0

    def get_remaining_payload(self):
        return self._packet[self._idx :]

    def get_bytes(self, size):
        if self._idx + size > len(self._packet):
            raise Exception("incomplete packet")
        value = self._packet[self._idx : self._idx + size]
        self._idx += size
        return value

    def get_uint32(self):
        return struct.unpack(">I", self.get_bytes(4))[0]

    def get_string(self):
        return self.get_bytes(self.get_uint32())


def _makepad(size: int) -> bytes:
    """OpenSSH's private key padding: bytes 1, 2, ..., ``size``."""
    assert 0 <= size < 255
    return bytes(range(1, size + 1))


def _read_ssh_ed25519_privkey(keydata):
    """``(32-byte seed, comment)`` from an unencrypted OpenSSH Ed25519 private key file's text."""
    if not (keydata.startswith(_SSH_PRIVATE_BEGIN) and keydata.endswith(_SSH_PRIVATE_END)):
        raise Exception("invalid OpenSSH private key (does not start/end with OPENSSH preamble)")
    body = "".join(keydata[len(_SSH_PRIVATE_BEGIN) : keydata.find(_SSH_PRIVATE_END)].split())
    blob = binascii.a2b_base64(body)
    if not blob.startswith(_OPENSSH_KEY_V1):
        raise Exception("invalid OpenSSH private key (not openssh-key-v1)")
    packet = _SSHPacketReader(blob[len(_OPENSSH_KEY_V1) :])
    cipher_name = packet.get_string()
    kdf = packet.get_string()
    packet.get_string()  # kdf options
    nkeys = packet.get_uint32()
    packet.get_string()  # public key
    key_data = packet.get_string()
    if cipher_name != b"none":
        raise Exception(
            "encrypted private keys not supported (please remove the passphrase from your private key or use SSH agent)"
        )
    if kdf != b"none":
        raise Exception("passphrase encrypted private keys not supported")
    if nkeys != 1:
        raise Exception(f"multiple private keys in a key file not supported (found {nkeys} keys)")
    if packet.get_remaining_payload():
        raise Exception("invalid OpenSSH private key (found remaining payload for mac)")

    packet = _SSHPacketReader(key_data)
    packet.get_uint32()  # two equal check words
    packet.get_uint32()
    alg = packet.get_string()
    if alg != b"ssh-ed25519":
        raise Exception('invalid key type: we only support Ed25519 (found "{}")'.format(alg.decode("ascii")))
    verify_key = packet.get_string()
    secret_key = packet.get_string()
    if len(verify_key) != 32:
        raise Exception("invalid public key length")
    if len(secret_key) != 64:
        raise Exception("invalid secret key length")
    comment = packet.get_string()
    pad = packet.get_remaining_payload()
    if pad and (len(pad) >= 8 or pad != _makepad(len(pad))):
        raise Exception(f"invalid OpenSSH private key (padlen={len(pad)}, actual_pad={pad})")
    return secret_key[:32], comment.decode("ascii")


def _read_signify_ed25519_signature(signature_file):
    """The raw 64-byte signature from an OpenBSD signify signature file."""
    with open(signature_file) as f:
        sig = binascii.a2b_base64(f.read().splitlines()[1])[10:]
    if len(sig) != 64:
        raise Exception(f"bogus Ed25519 signature: raw signature length was {len(sig)}, but expected 64")
    return sig


def _read_signify_ed25519_pubkey(pubkey_file):
    """The raw 32-byte public key from an OpenBSD signify public key file."""
    with open(pubkey_file) as f:
        pubkey = binascii.a2b_base64(f.read().splitlines()[1])[10:]
    if len(pubkey) != 32:
        raise Exception(f"bogus Ed25519 public key: raw key length was {len(pubkey)}, but expected 32")
    return pubkey


def _qrcode_from_signify_ed25519_pubkey(pubkey_file, mode="text"):
    """A QR code of an OpenBSD signify public key file's key line (its base64 second line), to
    compare a key out of band: ``mode="text"`` for a terminal (str), ``"svg"`` (bytes).
    Needs ``qrcode`` (``autobahn[encryption]``)."""
    if mode not in ("text", "svg"):
        raise ValueError(f"mode must be 'text' or 'svg', not {mode!r}")
    with open(pubkey_file) as f:
        lines = f.read().splitlines()
    if len(lines) < 2:
        raise Exception(f"{pubkey_file}: not a signify public key file (no key line)")
    import qrcode

    code = qrcode.QRCode(box_size=3, error_correction=qrcode.constants.ERROR_CORRECT_L)
    code.add_data(lines[1])
    if mode == "svg":
        import qrcode.image.svg

        return code.make_image(image_factory=qrcode.image.svg.SvgImage).to_string()
    import io

    with io.StringIO() as out:
        code.print_ascii(out=out, invert=True)
        return out.getvalue()


def _verify_signify_ed25519_signature(pubkey_file, signature_file, message):
    """Raise unless ``message`` carries a valid signify signature for the public key."""
    verify_key = signing.VerifyKey(_read_signify_ed25519_pubkey(pubkey_file))
    verify_key.verify(message, _read_signify_ed25519_signature(signature_file))


# --- Crossbar.io key files: "tag: value" lines ---

_KEYFILE_TAGS = {
    "public-key-ed25519",
    "public-adr-eth",
    "created-at",
    "creator",
    "user-id",
    "machine-id",
    "node-authid",
    "node-cluster-ip",
}
_KEYFILE_PRIVATE_TAGS = {"private-key-ed25519", "private-key-eth"}


def _parse_keyfile(path: str, private: bool = True) -> dict[str, str]:
    allowed = _KEYFILE_TAGS | (_KEYFILE_PRIVATE_TAGS if private else set())
    tags: dict[str, str] = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            tag, sep, value = line.partition(":")
            tag = tag.strip()
            if not sep or tag not in allowed:
                raise Exception(f"invalid tag '{tag}' in key file {path}")
            if tag in tags:
                raise Exception(f"duplicate tag '{tag}' in key file {path}")
            tags[tag] = value.strip()
    return tags


if HAS_CRYPTOSIGN:

    def format_challenge(challenge: Challenge, channel_id_raw: bytes | None, channel_id_type: str | None) -> bytes:
        """The 32 bytes to sign for a cryptosign challenge (bound to the TLS channel if asked)."""
        if not isinstance(challenge, Challenge):
            raise Exception(f"challenge must be instance of autobahn.wamp.types.Challenge, not {type(challenge)}")
        if "challenge" not in challenge.extra:
            raise Exception("missing challenge value in challenge.extra")
        challenge_hex = challenge.extra["challenge"]
        if type(challenge_hex) is not str:
            raise Exception(f"invalid type {type(challenge_hex)} for challenge (expected a hex string)")
        if len(challenge_hex) != 64:
            raise Exception(f"unexpected challenge (hex) length: was {len(challenge_hex)}, but expected 64")
        challenge_raw = binascii.a2b_hex(challenge_hex)
        if channel_id_type == "tls-unique":
            if channel_id_raw is None or len(channel_id_raw) != 32:
                raise Exception("unexpected TLS transport channel ID (expected 32 bytes)")
            return xor(challenge_raw, bytes(channel_id_raw))
        if channel_id_type is None:
            return challenge_raw
        raise Exception(f'invalid channel_id_type "{channel_id_type}"')

    def sign_challenge(data: bytes, signer_func: Callable) -> bytes:
        """A future of the challenge signature text: hex(signature) + hex(data).
        ``signer_func(data)`` returns a future of the raw signature."""
        result = txaio.create_future()

        def signed(signature_raw):
            txaio.resolve(result, b2a_hex(signature_raw).decode("ascii") + b2a_hex(data).decode("ascii"))

        def failed(error):
            txaio.reject(result, error)

        txaio.add_callbacks(signer_func(data), signed, failed)
        return result

    # the names autobahn uses internally
    _format_challenge = format_challenge
    _sign_challenge = sign_challenge

    class CryptosignKey:
        """An Ed25519 key for WAMP-cryptosign: a signing key or only a verify (public) key."""

        def __init__(
            self,
            key,
            can_sign: bool,
            security_module: ISecurityModule | None = None,
            key_no: int | None = None,
            comment: str | None = None,
        ) -> None:
            if not isinstance(key, (signing.VerifyKey, signing.SigningKey)):
                raise Exception(f"invalid type {type(key)} for key")
            assert can_sign == isinstance(key, signing.SigningKey)
            self._key = key
            self._can_sign = can_sign
            self._security_module = security_module
            self._key_no = key_no
            self._comment = comment

        @property
        def security_module(self) -> ISecurityModule | None:
            """The security module holding this key, if any."""
            return self._security_module

        @property
        def key_no(self) -> int | None:
            """The key's number within its security module."""
            return self._key_no

        @property
        def comment(self) -> str | None:
            """The key's comment (e.g. from its SSH key file)."""
            return self._comment

        @property
        def key_type(self) -> str:
            """``"cryptosign"``."""
            return "cryptosign"

        @property
        def can_sign(self) -> bool:
            """Whether this is a signing (private) key."""
            return self._can_sign

        def sign(self, data: bytes):
            """A future of the 64-byte Ed25519 signature of ``data``."""
            if not self._can_sign:
                raise Exception("a signing key required to sign")
            if type(data) is not bytes:
                raise Exception("data to be signed must be binary")
            assert isinstance(self._key, signing.SigningKey)
            return txaio.create_future_success(self._key.sign(data).signature)

        def sign_challenge(
            self, challenge: Challenge, channel_id: bytes | None = None, channel_id_type: str | None = None
        ):
            """A future of the signature text that answers a cryptosign challenge."""
            assert challenge.method in ("cryptosign", "cryptosign-proxy"), (
                f'unexpected cryptosign challenge with method "{challenge.method}"'
            )
            return sign_challenge(format_challenge(challenge, channel_id, channel_id_type), self.sign)

        def public_key(self, binary: bool = False) -> str | bytes:
            """The public key: 32 bytes, or (default) as 64 hex characters."""
            key = self._key.verify_key if isinstance(self._key, signing.SigningKey) else self._key
            if binary:
                return key.encode()
            return key.encode(encoder=encoding.HexEncoder).decode("ascii")

        @classmethod
        def from_pubkey(cls, pubkey: bytes, comment: str | None = None) -> CryptosignKey:
            """A verify-only key from the raw 32-byte public key."""
            if not (comment is None or type(comment) is str):
                raise ValueError(f"invalid type {type(comment)} for comment")
            if type(pubkey) is not bytes:
                raise ValueError(f"invalid key type {type(pubkey)} (expected binary)")
            if len(pubkey) != 32:
                raise ValueError(f"invalid key length {len(pubkey)} (expected 32)")
            return cls(key=signing.VerifyKey(pubkey), can_sign=False, comment=comment)

        @classmethod
        def from_bytes(cls, key: bytes, comment: str | None = None) -> CryptosignKey:
            """A signing key from the raw 32-byte private key (seed)."""
            if not (comment is None or type(comment) is str):
                raise ValueError(f"invalid type {type(comment)} for comment")
            if type(key) is not bytes:
                raise ValueError(f"invalid key type {type(key)} (expected binary)")
            if len(key) != 32:
                raise ValueError(f"invalid key length {len(key)} (expected 32)")
            return cls(key=signing.SigningKey(key), can_sign=True, comment=comment)

        @classmethod
        def from_file(cls, filename: str, comment: str | None = None) -> CryptosignKey:
            """A signing key from a file holding the raw 32-byte private key."""
            if not (comment is None or type(comment) is str):
                raise Exception(f"invalid type {type(comment)} for comment")
            if type(filename) is not str:
                raise Exception(f"invalid type {filename} for filename")
            with open(filename, "rb") as f:
                return cls.from_bytes(f.read(), comment=comment)

        @classmethod
        def from_ssh_file(cls, filename: str) -> CryptosignKey:
            """A key from an OpenSSH Ed25519 private key file, or a verify key from a public one."""
            with open(filename, "rb") as f:
                return cls.from_ssh_bytes(f.read().decode("utf-8").strip())

        @classmethod
        def from_ssh_bytes(cls, key_data: str) -> CryptosignKey:
            """A key from the text of an OpenSSH Ed25519 private or public key."""
            if key_data.startswith(_SSH_PRIVATE_BEGIN):
                seed, comment = _read_ssh_ed25519_privkey(key_data)
                return cls(key=signing.SigningKey(seed, encoder=encoding.RawEncoder), can_sign=True, comment=comment)
            raw, comment = _read_ssh_ed25519_pubkey(key_data)
            return cls(key=signing.VerifyKey(raw), can_sign=False, comment=comment)

        @classmethod
        def from_seedphrase(cls, seedphrase: str, index: int = 0) -> CryptosignKey:
            """The signing key number ``index`` of a BIP-39 seed phrase (path ``m/44'/655'/0'/0/index``)."""
            return cls.from_bytes(mnemonic_to_private_key(seedphrase, f"m/44'/655'/0'/0/{index}"))

        @classmethod
        def from_keyfile(cls, keyfile: str) -> CryptosignKey:
            """A key from a Crossbar.io key file (``private-key-ed25519`` or ``public-key-ed25519``)."""
            if not os.path.isfile(keyfile):
                raise RuntimeError(f'keyfile "{keyfile}" is not a file')
            data = _parse_keyfile(keyfile)
            if data.get("private-key-ed25519") is not None:
                return CryptosignKey.from_bytes(binascii.a2b_hex(data["private-key-ed25519"]))
            if data.get("public-key-ed25519") is not None:
                return CryptosignKey.from_pubkey(binascii.a2b_hex(data["public-key-ed25519"]))
            raise RuntimeError(f'neither "private-key-ed25519" nor "public-key-ed25519" found in keyfile {keyfile}')

    def _hex_field(data: dict, name: str, size: int):
        value = data.get(name)
        if value is None:
            return None
        if type(value) is not str:
            raise ValueError(f"invalid type {type(value)} for {name}")
        if len(value) != size * 2:
            raise ValueError(f"invalid length {len(value)} of {name}")
        return a2b_hex(value)

    def _eth_field(data: dict, name: str, where: str):
        value = data.get(name)
        if value is None:
            return None
        if type(value) is not str:
            raise ValueError(f"invalid type {type(value)} for {where} - expected a string")
        if not _ETH_ADDRESS.match(value):
            raise ValueError(f'invalid value "{type(value)}" for {where} - expected an Ethereum address')
        return a2b_hex(value[2:])

    def _int_field(data: dict, name: str, where: str):
        value = data.get(name)
        if value is not None and type(value) is not int:
            raise ValueError(f"invalid type {type(value)} for {where} - expected an integer")
        return value

    _AUTHEXTRA_FIELDS = (
        "pubkey",
        "trustroot",
        "challenge",
        "channel_binding",
        "channel_id",
        "realm",
        "chain_id",
        "block_no",
        "delegate",
        "seeder",
        "bandwidth",
        "signature",
    )

    class CryptosignAuthextra:
        """The ``authextra`` of a cryptosign HELLO/CHALLENGE: public key, channel binding,
        and (for XBR) trust root and reservation."""

        __slots__ = tuple("_" + name for name in _AUTHEXTRA_FIELDS)

        def __init__(
            self,
            pubkey: bytes | None = None,
            challenge: bytes | None = None,
            channel_binding: str | None = None,
            channel_id: bytes | None = None,
            trustroot: bytes | None = None,
            realm: bytes | None = None,
            chain_id: int | None = None,
            block_no: int | None = None,
            delegate: bytes | None = None,
            seeder: bytes | None = None,
            bandwidth: int | None = None,
            signature: bytes | None = None,
        ):
            for value, size in (
                (pubkey, 32),
                (trustroot, 20),
                (challenge, 32),
                (channel_id, 32),
                (realm, 20),
                (delegate, 20),
                (seeder, 20),
                (signature, 65),
            ):
                assert value is None or len(value) == size
            assert channel_binding in (None, "tls-unique")
            self._pubkey = pubkey
            self._trustroot = trustroot
            self._challenge = challenge
            self._channel_binding = channel_binding
            self._channel_id = channel_id
            self._realm = realm
            self._chain_id = chain_id
            self._block_no = block_no
            self._delegate = delegate
            self._seeder = seeder
            self._bandwidth = bandwidth
            self._signature = signature

        @staticmethod
        def parse(data: dict[str, Any]) -> CryptosignAuthextra:
            """From the wire form (hex strings, Ethereum addresses); ``ValueError`` if malformed."""
            obj = CryptosignAuthextra()
            obj._pubkey = _hex_field(data, "pubkey", 32)
            obj._challenge = _hex_field(data, "challenge", 32)
            channel_binding = data.get("channel_binding")
            if channel_binding is not None:
                if type(channel_binding) is not str:
                    raise ValueError(f"invalid type {type(channel_binding)} for channel_binding")
                if channel_binding != "tls-unique":
                    raise ValueError(f'invalid value "{channel_binding}" for channel_binding')
                obj._channel_binding = channel_binding
            obj._channel_id = _hex_field(data, "channel_id", 32)
            obj._trustroot = _eth_field(data, "trustroot", "trustroot")
            reservation = data.get("reservation")
            if reservation is not None:
                if type(reservation) is not dict:
                    raise ValueError(f"invalid type {type(reservation)} for reservation")
                obj._chain_id = _int_field(reservation, "chain_id", "reservation.chain_id")
                obj._block_no = _int_field(reservation, "block_no", "reservation.block_no")
                obj._realm = _eth_field(reservation, "realm", "reservation.realm")
                obj._delegate = _eth_field(reservation, "delegate", "reservation.delegate")
                obj._seeder = _eth_field(reservation, "seeder", "reservation.seeder")
                obj._bandwidth = _int_field(reservation, "bandwidth", "reservation.bandwidth")
            obj._signature = _hex_field(data, "signature", 65)
            return obj

        def marshal(self) -> dict[str, Any]:
            """The wire form: hex strings, ``0x`` Ethereum addresses, a ``reservation`` dict."""
            res: dict[str, Any] = {}
            if self._pubkey is not None:
                res["pubkey"] = b2a_hex(self._pubkey).decode()
            if self._challenge is not None:
                res["challenge"] = b2a_hex(self._challenge).decode()
            if self._channel_binding is not None:
                res["channel_binding"] = self._channel_binding
            if self._channel_id is not None:
                res["channel_id"] = b2a_hex(self._channel_id).decode()
            if self._trustroot is not None:
                res["trustroot"] = "0x" + b2a_hex(self._trustroot).decode()
            reservation: dict[str, Any] = {}
            for name in ("chain_id", "block_no"):
                if getattr(self, "_" + name) is not None:
                    reservation[name] = getattr(self, "_" + name)
            for name in ("realm", "delegate", "seeder"):
                if getattr(self, "_" + name) is not None:
                    reservation[name] = "0x" + b2a_hex(getattr(self, "_" + name)).decode()
            if self._bandwidth is not None:
                reservation["bandwidth"] = self._bandwidth
            if reservation:
                res["reservation"] = reservation
            if self._signature is not None:
                res["signature"] = b2a_hex(self._signature).decode()
            return res

    add_slot_properties(CryptosignAuthextra, _AUTHEXTRA_FIELDS)

    ICryptosignKey.register(CryptosignKey)


_NEEDS_NACL = ("CryptosignAuthextra", "CryptosignKey", "format_challenge", "sign_challenge")

if not HAS_CRYPTOSIGN:
    # Without PyNaCl the classes above are not defined (as in autobahn); asking for one says
    # what to install instead of a bare "cannot import name".
    def __getattr__(name: str):
        if name in _NEEDS_NACL:
            raise ImportError(f'{__name__}.{name} needs PyNaCl: pip install "autobahn[encryption]"', name="nacl")
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# Names autobahn 26.11.1 also has here (programs import them from this module).
from autobahn import util  # noqa: E402, F401
from autobahn.util import parse_keyfile  # noqa: E402, F401
from autobahn.wamp.message import _URI_PAT_REALM_NAME_ETH  # noqa: E402, F401
