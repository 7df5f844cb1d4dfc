"""BIP-39 seed phrases and BIP-32 key derivation (secp256k1), as cryptosign's
``CryptosignKey.from_seedphrase`` uses them: the phrase gives a seed, the seed a master key,
and a derivation path such as ``m/44'/655'/0'/0/0`` the private key."""

import hashlib
import hmac
import struct

__all__ = ["mnemonic_to_bip39seed", "mnemonic_to_private_key"]

BIP39_PBKDF2_ROUNDS = 2048
BIP39_SALT_MODIFIER = "mnemonic"
BIP32_PRIVDEV = 0x80000000
"""Child indexes from here on are hardened (written with ``'`` in a path)."""
BIP32_SEED_MODIFIER = b"Bitcoin seed"
LEDGER_ETH_DERIVATION_PATH = "m/44'/60'/0'/0"

# secp256k1: field prime, group order, generator
_P = 2**256 - 2**32 - 977
_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
_G = (
    0x79BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798,
    0x483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8,
)
_B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def mnemonic_to_bip39seed(mnemonic, passphrase):
    """The 64-byte BIP-39 seed of a phrase (PBKDF2-HMAC-SHA512, 2048 rounds)."""
    salt = (BIP39_SALT_MODIFIER + passphrase).encode("utf8")
    return hashlib.pbkdf2_hmac("sha512", mnemonic.encode("utf8"), salt, BIP39_PBKDF2_ROUNDS)


def bip39seed_to_bip32masternode(seed):
    """``(master private key, chain code)`` of a BIP-39 seed."""
    digest = hmac.new(BIP32_SEED_MODIFIER, seed, hashlib.sha512).digest()
    return digest[:32], digest[32:]


def _point_add(a, b):
    if a is None:
        return b
    if b is None:
        return a
    if a[0] == b[0] and (a[1] + b[1]) % _P == 0:
        return None
    # doubling uses the tangent's slope, adding two points the chord's
    tangent = a == b
    slope = 3 * a[0] * a[0] * pow(2 * a[1], -1, _P) if tangent else (b[1] - a[1]) * pow(b[0] - a[0], -1, _P)
    x = (slope * slope - a[0] - b[0]) % _P
    return x, (slope * (a[0] - x) - a[1]) % _P


def derive_public_key(private_key):
    """The compressed (33-byte) secp256k1 public key of a private key."""
    k = int.from_bytes(private_key, "big")
    result, addend = None, _G
    while k:
        if k & 1:
            result = _point_add(result, addend)
        addend = _point_add(addend, addend)
        k >>= 1
    assert result is not None
    return bytes([2 + (result[1] & 1)]) + result[0].to_bytes(32, "big")


def derive_bip32childkey(parent_key, parent_chain_code, i):
    """``(child private key, chain code)`` number ``i`` (hardened from ``BIP32_PRIVDEV``)."""
    assert len(parent_key) == 32 and len(parent_chain_code) == 32
    parent = b"\x00" + parent_key if i & BIP32_PRIVDEV else derive_public_key(parent_key)
    data = parent + struct.pack(">L", i)
    while True:
        digest = hmac.new(parent_chain_code, data, hashlib.sha512).digest()
        tweak = int.from_bytes(digest[:32], "big")
        child = (tweak + int.from_bytes(parent_key, "big")) % _N
        if tweak < _N and child != 0:
            return child.to_bytes(32, "big"), digest[32:]
        data = b"\x01" + digest[32:] + struct.pack(">L", i)  # BIP-32's rule for an invalid key


def fingerprint(public_key):
    """The first 4 bytes of HASH160 (RIPEMD-160 of SHA-256) of a public key."""
    return hashlib.new("ripemd160", hashlib.sha256(public_key).digest()).digest()[:4]


def _b58encode_check(raw: bytes) -> bytes:
    data = raw + hashlib.sha256(hashlib.sha256(raw).digest()).digest()[:4]
    number = int.from_bytes(data, "big")
    text = ""
    while number:
        number, digit = divmod(number, 58)
        text = _B58_ALPHABET[digit] + text
    return ("1" * (len(data) - len(data.lstrip(b"\x00"))) + text).encode("ascii")


def b58xprv(parent_fingerprint, private_key, chain, depth, childnr):
    """The extended private key (``xprv...``) in Base58Check."""
    raw = b"\x04\x88\xad\xe4" + bytes([depth]) + parent_fingerprint + childnr.to_bytes(4, "big") + chain
    return _b58encode_check(raw + b"\x00" + private_key)


def b58xpub(parent_fingerprint, public_key, chain, depth, childnr):
    """The extended public key (``xpub...``) in Base58Check."""
    raw = b"\x04\x88\xb2\x1e" + bytes([depth]) + parent_fingerprint + childnr.to_bytes(4, "big") + chain
    return _b58encode_check(raw + public_key)


def parse_derivation_path(str_derivation_path):
    """The child indexes of a path like ``"m/44'/60'/0'/0"``."""
    if not str_derivation_path.startswith("m/"):
        raise ValueError("Can't recognize derivation path. It should look like \"m/44'/60/0'/0\".")
    return [
        BIP32_PRIVDEV + int(step[:-1]) if step.endswith("'") else int(step)
        for step in str_derivation_path[2:].split("/")
    ]


def mnemonic_to_private_key(mnemonic, str_derivation_path=LEDGER_ETH_DERIVATION_PATH, passphrase=""):
    """The 32-byte private key at a derivation path of a BIP-39 phrase."""
    key, chain_code = bip39seed_to_bip32masternode(mnemonic_to_bip39seed(mnemonic, passphrase))
    for index in parse_derivation_path(str_derivation_path):
        key, chain_code = derive_bip32childkey(key, chain_code, index)
    return key
