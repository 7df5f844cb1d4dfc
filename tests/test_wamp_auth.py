"""autobahn.wamp.auth and .cryptosign, against the test vectors autobahn 26.10.2 publishes
(RFC 6070 PBKDF2, WAMP-CRA, WAMP-SCRAM, cryptosign signatures and key files)."""

from __future__ import annotations

import asyncio
import binascii
import hashlib
import json
import re
from unittest.mock import Mock

import pytest
import txaio

from autobahn.wamp import auth, types
from autobahn.wamp.cryptosign import CryptosignAuthextra, CryptosignKey, _makepad

txaio.use_asyncio()


@pytest.fixture(scope="module")
def loop():
    """txaio's futures here are asyncio's: they resolve on a loop of this module's own."""
    previous = txaio.config.loop
    txaio.config.loop = asyncio.new_event_loop()
    yield txaio.config.loop
    txaio.config.loop.close()
    txaio.config.loop = previous


PBKDF2_VECTORS = [
    (b"password", b"salt", 1, 20, "0c60c80f961f0e71f3a9b524af6012062fe037a6"),
    (b"password", b"salt", 2, 20, "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957"),
    (b"password", b"ATHENA.MIT.EDUraeburn", 1, 16, "cdedb5281bb2f801565a1122b2563515"),
    (b"password", b"ATHENA.MIT.EDUraeburn", 2, 32, "01dbee7f4a9e243e988b62c73cda935da05378b93244ec8f48a99e61ad799d86"),
    (
        b"password",
        b"ATHENA.MIT.EDUraeburn",
        1200,
        32,
        "5c08eb61fdf71e4e4ec3cf6ba1f5512ba7e52ddbc5e5142f708a31e2e62b1e13",
    ),
    (
        b"X" * 64,
        b"pass phrase equals block size",
        1200,
        32,
        "139c30c0966bc32ba55fdbf212530ac9c5ec59f1a452f5cc9ad940fea0598ed1",
    ),
    (
        b"X" * 65,
        b"pass phrase exceeds block size",
        1200,
        32,
        "9ccad6d468770cd51b10e6a68721be611a8b4d282601db3b36be9246915ec82a",
    ),
    (b"password", b"salt", 4096, 20, "4b007901b765489abead49d926f721d065a429c1"),
    (b"pass\x00word", b"sa\x00lt", 4096, 16, "56fa6aa75548099dcc37d7f03425e0c3"),
]


@pytest.mark.parametrize(("data", "salt", "iterations", "keylen", "expected"), PBKDF2_VECTORS)
def test_pbkdf2(data, salt, iterations, keylen, expected):
    assert auth.pbkdf2(data, salt, iterations, keylen, "sha1").hex() == expected


def test_pbkdf2_checks_types():
    with pytest.raises(ValueError):
        auth.pbkdf2("password", b"salt")


def test_wampcra():
    assert auth.derive_key(b"L3L1YUE8Txlw", b"salt123") == b"qzcdsr9uu/L5hnss3kjNTRe490ETgA70ZBaB5rvnJ5Y="
    challenge = json.dumps([1, 2, 3], ensure_ascii=False).encode("utf8")
    assert auth.compute_wcs(b"L3L1YUE8Txlw", challenge) == b"1njQtmmeYO41N5EWEzD2kAjjEKRZ5kPZt/TzpYXOzR0="
    secret = auth.generate_wcs(20)
    assert type(secret) is bytes and len(secret) == 20 and len(auth.generate_wcs()) == 14

    authenticator = auth.create_authenticator("wampcra", authid="joe", secret="L3L1YUE8Txlw")
    signature = authenticator.on_challenge(Mock(), types.Challenge("wampcra", {"challenge": "[1, 2, 3]"}))
    assert signature == "1njQtmmeYO41N5EWEzD2kAjjEKRZ5kPZt/TzpYXOzR0="
    salted = types.Challenge("wampcra", {"challenge": "[1, 2, 3]", "salt": "salt123", "iterations": 1000, "keylen": 32})
    expected = auth.compute_wcs(b"qzcdsr9uu/L5hnss3kjNTRe490ETgA70ZBaB5rvnJ5Y=", b"[1, 2, 3]").decode()
    assert authenticator.on_challenge(Mock(), salted) == expected
    with pytest.raises(ValueError, match="authid"):
        auth.create_authenticator("wampcra", secret="x")


def test_totp():
    secret = auth.generate_totp_secret()
    assert type(secret) is str and len(secret) == 16
    assert len(auth.generate_totp_secret(20)) == 32
    token = auth.compute_totp("MFRGGZDFMZTWQ2LK")
    assert re.fullmatch(r"\d{6}", token)
    assert auth.check_totp("MFRGGZDFMZTWQ2LK", token)
    assert auth.check_totp("MFRGGZDFMZTWQ2LK", auth.compute_totp("MFRGGZDFMZTWQ2LK", -1))
    assert not auth.check_totp("MFRGGZDFMZTWQ2LK", auth.compute_totp("MFRGGZDFMZTWQ2LK", 5))


def test_totp_rfc6238_vector(monkeypatch):
    """RFC 6238 appendix B, SHA-1, T = 59 s: 94287082 (we keep its last 6 digits)."""
    monkeypatch.setattr(auth.time, "time", lambda: 59)
    import base64

    assert auth.compute_totp(base64.b32encode(b"12345678901234567890").decode()) == "287082"


def test_ticket_and_anonymous():
    ticket = auth.create_authenticator("ticket", ticket="secret!", authextra={"a": 1})
    assert ticket.on_challenge(Mock(), types.Challenge("ticket")) == "secret!"
    assert ticket.authextra == {"a": 1} and ticket.on_welcome(None, None) is None
    with pytest.raises(ValueError, match="ticket="):
        auth.create_authenticator("ticket")
    anonymous = auth.create_authenticator("anonymous")
    with pytest.raises(RuntimeError):
        anonymous.on_challenge(Mock(), types.Challenge("anonymous"))
    with pytest.raises(ValueError, match="Unknown authenticator"):
        auth.create_authenticator("kerberos")


# --- WAMP-SCRAM ---

SCRAM_CREDENTIAL_VECTORS = [
    (
        None,
        {
            "iterations": 4096,
            "kdf": "argon2id-13",
            "memory": 512,
            "salt": "3bc3ca01dd1d501ca1c22e1c5d7d16fe",
            "server-key": "8de7864c316f3c2356fd76cfdab696db55bc70e680fe5180e2f731e2345acca2",
            "stored-key": "e796c2f0a51770303ee4616bc630a66774d51a55003154aff2a54ec7c4ac0e38",
        },
    ),
    (
        binascii.a2b_hex("ae1f0d2f422757809077785e660b62c6"),
        {
            "iterations": 4096,
            "kdf": "argon2id-13",
            "memory": 512,
            "salt": "ae1f0d2f422757809077785e660b62c6",
            "server-key": "0d8e7e9222a7c0e54c9e979aa342115699ff5696c45dc379b5ee241338a5861d",
            "stored-key": "5f19358ff6f38e267b6ef1ea1d862514ec4e8745a84682259fd3894be09febb5",
        },
    ),
]


@pytest.mark.parametrize(("salt", "expected"), SCRAM_CREDENTIAL_VECTORS)
def test_derive_scram_credential(salt, expected):
    assert auth.derive_scram_credential("foobar@example.com", "secret123", salt) == expected


def test_scram_kdfs():
    expected = binascii.unhexlify("ee4a8acf9d5958354fb79a95ae20692d05e42591ba49fae85eb6700e8b0ed293")
    raw = auth._hash_argon2id13_secret(b"p4ssw0rd", binascii.b2a_base64(b"1234567890abcdef"), 32, 512)
    assert binascii.a2b_base64(raw + b"==\n") == expected
    expected = binascii.unhexlify("f6991a28c75f43751e0d75499fd7b8649f659118ddc1d61cee5883af547d15f5")
    assert auth._hash_pbkdf2_secret(b"p4ssw0rd", b"1234567890abcdef", 8) == expected


def _scram_challenge(**extra):
    fields = {
        "nonce": "1234567890abcdeffedcba0987654321",
        "kdf": "argon2id-13",
        "salt": binascii.b2a_hex(b"1234567890abcdef").decode("ascii"),
        "iterations": 32,
        "memory": 512,
    }
    fields.update(extra)
    return types.Challenge("scram", {k: v for k, v in fields.items() if v is not None})


def test_scram_client_proof():
    scram = auth.AuthScram(password="p4ssw0rd", authid="username")
    scram._client_nonce = binascii.b2a_hex(b"1234567890abcdef").decode("ascii")
    assert scram.authextra == {"nonce": "31323334353637383930616263646566"}
    reply = scram.on_challenge(Mock(), _scram_challenge())
    assert reply == b"f5r3loERzGVSuimE+lvO0bWna2zyswBo0HrZkaaEy38="
    session = Mock()
    # the server signature for this exchange: HMAC(ServerKey, AuthMessage)
    import hashlib as h
    import hmac

    server_key = hmac.new(scram._salted_password, b"Server Key", h.sha256).digest()
    good = binascii.b2a_base64(hmac.new(server_key, scram._auth_message, h.sha256).digest())
    assert scram.on_welcome(session, {"scram_server_signature": good}) is None
    assert "failed" in scram.on_welcome(session, {"scram_server_signature": reply})


def test_scram_rejects_bad_challenges():
    scram = auth.AuthScram(password="p4ssw0rd", authid="username")
    scram.authextra  # noqa: B018 (makes the client nonce)
    with pytest.raises(ValueError, match="requires 'memory' parameter"):
        scram.on_challenge(Mock(), _scram_challenge(memory=None))
    with pytest.raises(RuntimeError, match="an_invalid_key"):
        scram.on_challenge(Mock(), _scram_challenge(an_invalid_key=1))
    with pytest.raises(RuntimeError, match="unknown KDF"):
        scram.on_challenge(Mock(), _scram_challenge(kdf="md5"))


def test_saslprep():
    assert auth.saslprep("I\u00adX") == "IX"  # RFC 4013 examples
    assert auth.saslprep("user") == "user"
    assert auth.saslprep("\u00aa") == "a"
    assert auth.saslprep("\u2168") == "IX"
    with pytest.raises(ValueError):
        auth.saslprep("\u0007")
    with pytest.raises(ValueError):
        auth.saslprep("\u0627\u0031")


# --- WAMP-cryptosign ---

SSH_PRIVATE_KEY = """-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
QyNTUxOQAAACAa38i/4dNWFuZN/72QAJbyOwZvkUyML/u2b2B1uW4RbQAAAJj4FLyB+BS8
gQAAAAtzc2gtZWQyNTUxOQAAACAa38i/4dNWFuZN/72QAJbyOwZvkUyML/u2b2B1uW4RbQ
AAAEBNV9l6aPVVaWYgpthJwM5YJWhRjXKet1PcfHMt4oBFEBrfyL/h01YW5k3/vZAAlvI7
Bm+RTIwv+7ZvYHW5bhFtAAAAFXNvbWV1c2VyQGZ1bmt0aGF0LmNvbQ==
-----END OPENSSH PRIVATE KEY-----"""
SSH_PUBLIC_KEY = (
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJVp3hjHwIQyEladzd8mFcf0YSXcmyKS3qMLB7VqTQKm someuser@example.com\n"
)
CHANNEL_ID = "62e935ae755f3d48f80d4d59f6121358c435722a67e859cc0caa8b539027f2ff"
SIGNATURE_VECTORS = [
    (
        None,
        "4d57d97a68f555696620a6d849c0ce582568518d729eb753dc7c732de2804510",
        "ff" * 32,
        "b32675b221f08593213737bef8240e7c15228b07028e19595294678c90d11c0cae80a357331bfc5cc9fb71081464e6e75013517c2cf067ad566a6b7b728e5d03"
        + "ff" * 32,
    ),
    (
        None,
        "d511fe78e23934b3dadb52fcd022974b80bd92bccc7c5cf404e46cc0a8a2f5cd",
        "b26c1f87c13fc1da14997f1b5a71995dff8fbe0a62fae8473c7bdbd05bfb607d",
        "d4209ad10d5aff6bfbc009d7e924795de138a63515efc7afc6b01b7fe5201372190374886a70207b042294af5bd64ce725cd8dceb344e6d11c09d1aaaf4d660f"
        "b26c1f87c13fc1da14997f1b5a71995dff8fbe0a62fae8473c7bdbd05bfb607d",
    ),
    (
        None,
        "6e1fde9cf9e2359a87420b65a87dc0c66136e66945196ba2475990d8a0c3a25b",
        "b05e6b8ad4d69abf74aa3be3c0ee40ae07d66e1895b9ab09285a2f1192d562d2",
        "7beb282184baadd08f166f16dd683b39cab53816ed81e6955def951cb2ddad1ec184e206746fd82bda075af03711d3d5658fc84a76196b0fa8d1ebc92ef9f30b"
        "b05e6b8ad4d69abf74aa3be3c0ee40ae07d66e1895b9ab09285a2f1192d562d2",
    ),
    (
        CHANNEL_ID,
        "4d57d97a68f555696620a6d849c0ce582568518d729eb753dc7c732de2804510",
        "ff" * 32,
        "9b6f41540c9b95b4b7b281c3042fa9c54cef43c842d62ea3fd6030fcb66e70b3e80d49d44c29d1635da9348d02ec93f3ed1ef227dfb59a07b580095c2b82f80f"
        "9d16ca518aa0c2b707f2b2a609edeca73bca8dd59817a633f35574ac6fd80d00",
    ),
    (
        CHANNEL_ID,
        "d511fe78e23934b3dadb52fcd022974b80bd92bccc7c5cf404e46cc0a8a2f5cd",
        "b26c1f87c13fc1da14997f1b5a71995dff8fbe0a62fae8473c7bdbd05bfb607d",
        "305aaa3ac25e98f651427688b3fc43fe7d8a68a7ec1d7d61c61517c519bd4a427c3015599d83ca28b4c652333920223844ef0725eb5dc2febfd6af7677b73f01"
        "d0852a29b460fc92ec943242ac638a053bbacc200512b18b30d15083cbdc9282",
    ),
    (
        CHANNEL_ID,
        "6e1fde9cf9e2359a87420b65a87dc0c66136e66945196ba2475990d8a0c3a25b",
        "b05e6b8ad4d69abf74aa3be3c0ee40ae07d66e1895b9ab09285a2f1192d562d2",
        "ee3c7644fd8070532bc1fde3d70d742267da545d8c8f03e63bda63f1ad4214f4d2c4bfdb4eb9526def42deeb7e31602a6ff99eba893e0a4ad4d45892ca75e608"
        "d2b75e24a189a7f78ca776ba36fc53f6c3e31c32f251f2c524f0a44202f2902d",
    ),
]


def _result(loop, future):
    """The value of a txaio future."""
    return loop.run_until_complete(future)


@pytest.mark.parametrize(("channel_id", "private_key", "challenge", "signature"), SIGNATURE_VECTORS)
def test_cryptosign_signature_vectors(loop, channel_id, private_key, challenge, signature):
    key = CryptosignKey.from_bytes(binascii.a2b_hex(private_key))
    signed = _result(
        loop,
        key.sign_challenge(
            types.Challenge("cryptosign", {"challenge": challenge}),
            channel_id=binascii.a2b_hex(channel_id) if channel_id else None,
            channel_id_type="tls-unique" if channel_id else None,
        ),
    )
    assert signed == signature and len(signed) == 192


def test_ssh_keys(tmp_path):
    key = CryptosignKey.from_ssh_bytes(SSH_PRIVATE_KEY)
    assert key.can_sign and key.key_type == "cryptosign"
    assert key.public_key() == "1adfc8bfe1d35616e64dffbd900096f23b066f914c8c2ffbb66f6075b96e116d"
    assert key.comment == "someuser@funkthat.com"
    private_file = tmp_path / "id_ed25519"
    private_file.write_text(SSH_PRIVATE_KEY)
    assert CryptosignKey.from_ssh_file(str(private_file)).public_key(binary=True) == key.public_key(binary=True)
    public_file = tmp_path / "id_ed25519.pub"
    public_file.write_text(SSH_PUBLIC_KEY)
    public = CryptosignKey.from_ssh_file(str(public_file))
    assert not public.can_sign and public.comment == "someuser@example.com"
    assert public.public_key() == "9569de18c7c0843212569dcddf2615c7f46125dc9b2292dea30b07b56a4d02a6"
    with pytest.raises(Exception, match="signing key required"):
        public.sign(b"x")
    assert _makepad(0) == b"" and _makepad(3) == b"\x01\x02\x03"
    with pytest.raises(Exception, match="not a Ed25519"):
        CryptosignKey.from_ssh_bytes(SSH_PUBLIC_KEY.replace("ssh-ed25519", "ssh-rsa"))


def test_key_files(tmp_path):
    seed = bytes(range(32))
    raw_file = tmp_path / "key.bin"
    raw_file.write_bytes(seed)
    key = CryptosignKey.from_file(str(raw_file))
    keyfile = tmp_path / "node.priv"
    keyfile.write_text(f"# a node key\ncreator: test\nprivate-key-ed25519: {seed.hex()}\n")
    assert CryptosignKey.from_keyfile(str(keyfile)).public_key() == key.public_key()
    pubfile = tmp_path / "node.pub"
    pubfile.write_text(f"public-key-ed25519: {key.public_key()}\n")
    assert not CryptosignKey.from_keyfile(str(pubfile)).can_sign
    assert CryptosignKey.from_pubkey(key.public_key(binary=True)).public_key() == key.public_key()
    with pytest.raises(ValueError, match="length"):
        CryptosignKey.from_bytes(b"short")


def test_bip32_derivation_vector():
    """BIP-32 test vector 1: seed 000102...0f, path m/0'/1/2'/2/1000000000."""
    from autobahn.wamp import mnemonic

    key, chain = mnemonic.bip39seed_to_bip32masternode(bytes.fromhex("000102030405060708090a0b0c0d0e0f"))
    public = mnemonic.derive_public_key(key)
    assert public.hex() == "0339a36013301597daef41fbe593a02cc513d0b55527ec2df1050e2e8ff49c85c2"
    assert mnemonic.b58xprv(b"\0" * 4, key, chain, 0, 0) == (
        b"xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi"
    )
    assert mnemonic.b58xpub(b"\0" * 4, public, chain, 0, 0) == (
        b"xpub661MyMwAqRbcFtXgS5sYJABqqG9YLmC4Q1Rdap9gSE8NqtwybGhePY2gZ29ESFjqJoCu1Rupje8YtGqsefD265TMg7usUDFdp6W1EGMcet8"
    )
    for index in mnemonic.parse_derivation_path("m/0'/1/2'/2/1000000000"):
        key, chain = mnemonic.derive_bip32childkey(key, chain, index)
    assert key.hex() == "471b76e389e528d6de6d816857e012c5455051cad6660850e58372a6c3e6e7c8"


def test_bip39_seed_vector():
    """BIP-39's first English vector (passphrase "TREZOR")."""
    from autobahn.wamp import mnemonic

    seed = mnemonic.mnemonic_to_bip39seed("abandon " * 11 + "about", "TREZOR")
    assert seed.hex() == (
        "c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c81b2f001698e7463b04"
    )


def test_seedphrase_keys_match_autobahn():
    """The keys autobahn 26.10.2 derives from this BIP-39 phrase (m/44'/655'/0'/0/index)."""
    phrase = "abandon " * 11 + "about"
    assert CryptosignKey.from_seedphrase(phrase).public_key() == (
        "d75d9504a00ba114a2314428fc84318843a2df2f266e08973cc102f74f661cce"
    )
    assert CryptosignKey.from_seedphrase(phrase, 3).public_key() == (
        "8393b369ece3ceec01115bfaed145f358bb5b1254ba5be2c7a7d8cc796864e11"
    )


def test_cryptosign_authenticator_with_channel_binding(loop):
    key = CryptosignKey.from_ssh_bytes(SSH_PRIVATE_KEY)
    privkey_hex = key._key.encode().hex()
    authenticator = auth.create_authenticator(
        "cryptosign", authid="someone", authextra={"channel_binding": "tls-unique"}, privkey=privkey_hex
    )
    assert authenticator.authextra["pubkey"] == key.public_key()
    session = Mock()
    session._transport.transport_details = types.TransportDetails(
        channel_id={"tls-unique": hashlib.sha256(b"some TLS message").digest()}
    )
    reply = _result(loop, authenticator.on_challenge(session, types.Challenge("cryptosign", {"challenge": "ff" * 32})))
    assert reply == SIGNATURE_VECTORS[3][3]
    with pytest.raises(ValueError, match="doesn't correspond"):
        auth.create_authenticator("cryptosign", privkey=privkey_hex, authextra={"pubkey": "00" * 32})


def test_cryptosign_authextra():
    assert CryptosignAuthextra().marshal() == {}
    wire = {
        "pubkey": "11" * 32,
        "challenge": "22" * 32,
        "channel_binding": "tls-unique",
        "trustroot": "0x" + "33" * 20,
        "reservation": {"chain_id": 1, "block_no": 2, "realm": "0x" + "44" * 20, "bandwidth": 10},
    }
    parsed = CryptosignAuthextra.parse(wire)
    assert parsed.pubkey == b"\x11" * 32 and parsed.chain_id == 1
    assert parsed.marshal() == wire
    with pytest.raises(ValueError, match="pubkey"):
        CryptosignAuthextra.parse({"pubkey": "11"})
