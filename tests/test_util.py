"""autobahn.util: the helpers programs import, with autobahn 26.10.2's results."""

from __future__ import annotations

import datetime
import math
import pathlib
import re
import subprocess
import sys
import textwrap
import time

import pytest

from autobahn import util


def test_public_marks_and_returns_the_object():
    def f():
        pass

    assert util.public(f) is f and f._is_public is True
    assert util.public(3) == 3  # an int has no attributes to set: returned unmarked


@pytest.mark.parametrize(
    ("text", "limit", "encoded", "decoded"),
    [
        ("hello", 10, b"hello", "hello"),
        ("hello", 3, b"hel", "hel"),
        ("hello", 0, b"", ""),
        ("h\u00e9llo", 2, b"h", "h"),  # é is 2 bytes: never cut in half
        ("h\u00e9llo", 3, b"h\xc3\xa9", "h\u00e9"),
        ("\U0001f600x", 3, b"", ""),  # a 4-byte code point
        ("\U0001f600x", 4, b"\xf0\x9f\x98\x80", "\U0001f600"),
    ],
)
def test_encode_truncate(text, limit, encoded, decoded):
    assert util.encode_truncate(text, limit) == encoded
    assert util.encode_truncate(text, limit, return_encoded=False) == decoded
    assert len(util.encode_truncate(text, limit)) <= limit


def test_encode_truncate_none_and_other_encodings():
    assert util.encode_truncate(None, 5) is None
    assert util.encode_truncate("\u00e9\u00e9\u00e9", 5, encoding="utf-16-le") == "\u00e9\u00e9".encode("utf-16-le")
    with pytest.raises(TypeError):
        util.encode_truncate(b"bytes", 5)
    with pytest.raises(ValueError):
        util.encode_truncate("x", -1)


def test_xor():
    assert util.xor(b"\x00\xff\x0f", b"\xff\xff\xf0") == b"\xff\x00\xff"
    assert util.xor(b"", b"") == b""
    assert util.xor(b"\x00\x01", b"\x00\x00") == b"\x00\x01"  # leading zero bytes kept
    with pytest.raises(ValueError, match="different lengths"):
        util.xor(b"ab", b"a")
    with pytest.raises(TypeError):
        util.xor("ab", b"ab")
    with pytest.raises(TypeError):
        util.xor(b"ab", bytearray(b"ab"))


def test_utcstr_format():
    ts = datetime.datetime(2026, 12, 1, 9, 46, 47, 123456)
    assert util.utcstr(ts) == "2026-12-01T09:46:47.123Z"
    with pytest.raises(TypeError):
        util.utcstr("2026-12-01")


def test_utcnow_is_now_in_utc():
    before = datetime.datetime.now(datetime.UTC)
    text = util.utcnow()
    after = datetime.datetime.now(datetime.UTC)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", text)
    parsed = datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.UTC)
    # UTC read between two readings, cut to milliseconds (a local-time clock would be hours off).
    assert before.replace(microsecond=before.microsecond // 1000 * 1000) <= parsed <= after


def test_id_generator_counts_from_one_and_wraps_after_2_53():
    gen = util.IdGenerator()
    assert [gen.next(), next(gen), gen.next()] == [1, 2, 3]
    gen._next = 2**53 - 1
    assert [gen.next(), gen.next(), gen.next()] == [2**53, 1, 2]


@pytest.mark.parametrize("make", [util.id, util.rid])
def test_random_ids_in_range(make):
    ids = [make() for _ in range(2000)]
    assert all(type(i) is int and 1 <= i <= 2**53 for i in ids)
    assert len(set(ids)) == len(ids)
    # Spread over the whole range: with 2000 draws, some lie above 2**52.
    assert max(ids) > 2**52


def test_rid_maps_zero_to_2_53(monkeypatch):
    monkeypatch.setattr(util.os, "urandom", lambda n: b"\x00" * n)
    assert util.rid() == 2**53
    monkeypatch.setattr(util.os, "urandom", lambda n: b"\xff" * n)
    assert util.rid() == 2**53 - 1


@pytest.mark.parametrize("length", [0, 1, 5, 16, 17, 100])
def test_newid(length):
    value = util.newid(length)
    assert len(value) == length and re.fullmatch(r"[A-Za-z0-9+/]*", value)
    assert len(util.newid()) == 16


def test_generate_token_grouping_and_charset():
    token = util.generate_token(3, 4)
    assert re.fullmatch(r"[345679ACEFGHJKLMNPQRSTUVWXY]{4}(-[345679ACEFGHJKLMNPQRSTUVWXY]{4}){2}", token)
    assert re.fullmatch(r"[ab]{3}(\.[ab]{3}){4}", util.generate_token(5, 3, chars="ab", sep="."))
    assert re.fullmatch(r"[345679acefghjklmnpqrstuvwxy]{10}", util.generate_token(10, 1, lower_case=True))
    assert util.generate_token(0, 4) == ""
    assert len({util.generate_token(4, 4) for _ in range(50)}) == 50
    with pytest.raises(TypeError):
        util.generate_token(3.0, 4)
    with pytest.raises(TypeError):
        util.generate_token(3, 4, chars=b"abc")


def test_token_presets():
    chars = util.DEFAULT_TOKEN_CHARS
    assert len(chars) == 27 and not set(chars) & set("0O1I8B2ZD")
    code = util.generate_activation_code()
    assert re.fullmatch(rf"[{chars}]{{4}}-[{chars}]{{4}}-[{chars}]{{4}}", code)
    assert util.parse_activation_code(code).groups() == tuple(code.split("-"))
    assert util.parse_activation_code("ABCD-EFGH-IJKL") is None  # B, D, I are not token chars
    assert util.parse_activation_code(code + "-") is None
    serial = util.generate_serial_number()
    assert re.fullmatch(rf"[{chars}]{{4}}(-[{chars}]{{4}}){{5}}", serial)
    password = util.generate_user_password()
    assert re.fullmatch(rf"[{util.DEFAULT_ZBASE32_CHARS}]{{16}}", password)
    # The entropy the docstrings promise.
    assert math.log2(27) * 12 >= 57 and math.log2(32) * 16 >= 76 and math.log2(27) * 24 >= 114


def test_stopwatch(monkeypatch):
    now = [100.0]
    monkeypatch.setattr(util, "_rtime", lambda: now[0])
    sw = util.Stopwatch()
    now[0] = 101.5
    assert sw.elapsed() == 1.5
    assert sw.pause() == 1.5
    now[0] = 110.0
    assert sw.elapsed() == 1.5  # paused time does not count
    assert sw.resume() == 1.5
    now[0] = 111.0
    assert sw.resume() == 2.5  # resuming a running watch just reports
    assert sw.stop() == 2.5
    assert sw.elapsed() == 0
    idle = util.Stopwatch(start=False)
    now[0] = 200.0
    assert idle.elapsed() == 0
    idle.resume()
    now[0] = 201.0
    assert idle.elapsed() == 1.0


def test_rtime_is_wall_clock():
    before = time.time()
    now = util.rtime()
    after = time.time()
    assert before <= now <= after  # the wall clock (not a monotonic one), read in between


def test_tracker(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(util, "_rtime", lambda: now[0])
    tracker = util.Tracker("me", "it")
    assert (tracker.tracker, tracker.tracked) == ("me", "it")
    for key, t in [("a", 1000.5), ("b", 1000.5000005), ("c", 1000.505), ("d", 1003.0), ("e", 1100.0)]:
        now[0] = t
        tracker.track(key)
    assert tracker.diff("a", "b") == "  500 ns"
    assert tracker.diff("a", "c") == " 5000 us"
    assert tracker.diff("a", "d") == " 2500 ms"
    assert tracker.diff("a", "e") == "   100 s"
    assert tracker.diff("a", "zz") == "    n.a."
    assert tracker.diff("a", "d", formatted=False) == pytest.approx(2.5)
    assert tracker.diff("zz", "a", formatted=False) is None
    assert tracker["a"] == pytest.approx(0.5) and tracker["zz"] is None
    assert list(tracker) == ["a", "b", "c", "d", "e"]
    assert tracker.absolute("d") - tracker._dt_offset == datetime.timedelta(seconds=3)
    with pytest.raises(KeyError):
        tracker.absolute("zz")
    assert "'a'" in str(tracker)


def test_equality_mixin():
    class Point(util.EqualityMixin):
        def __init__(self, x, y):
            self.x, self.y, self._cache = x, y, object()

    class Other(util.EqualityMixin):
        def __init__(self, x, y):
            self.x, self.y = x, y

    assert Point(1, 2) == Point(1, 2)  # private attributes do not count
    assert Point(1, 2) != Point(1, 3)
    assert Point(1, 2).__ne__(Point(1, 2)) is False
    assert Point(1, 2) != Other(1, 2)
    assert Point(1, 2) != (1, 2)


def test_wildcards2patterns():
    [p, q] = util.wildcards2patterns(["*.good.com", "http://localhost:*"])
    assert p.match("a.good.com") and p.match("x.y.good.com")
    assert not p.match("good.com.evil.com") and not p.match("agood.com")
    assert q.match("http://localhost:8080") and not q.match("https://localhost:8080")


def test_hl_family_carries_the_text():
    # Coloured with click installed, plain without: the text is there either way.
    for fn, value, text in [
        (util.hl, 42, "42"),
        (util.hlid, 7, "7"),
        (util.hluserid, "bob", '"bob"'),
        (util.hlval, 1.5, "1.5"),
        (util.hlcontract, "0xab", "<0xab>"),
    ]:
        assert text in fn(value)
    plain = re.sub(r"\x1b\[[0-9;]*m", "", util.hltype(util.Stopwatch))
    assert plain == "<autobahn.util.Stopwatch>"
    assert re.sub(r"\x1b\[[0-9;]*m", "", util.hltype(3)) == "<unknown.>"  # as autobahn prints it


@pytest.mark.parametrize(
    ("address", "with_", "without"),
    [("ab12", "0xab12", "ab12"), ("0xab12", "0xab12", "ab12"), ("", "", ""), (None, None, None)],
)
def test_0x(address, with_, without):
    assert util.with_0x(address) == with_
    assert util.without_0x(address) == without


def test_keyfile_round_trip(tmp_path):
    path = tmp_path / "node.priv"
    tags = {"created-at": "2026-12-01", "machine-id": "abc", "private-key-ed25519": "deadbeef", "creator": ""}
    util.write_keyfile(str(path), tags, "# a comment\n# another: with colon\n\n")
    parsed = util.parse_keyfile(str(path))
    assert list(parsed.items()) == [
        ("created-at", "2026-12-01"),
        ("machine-id", "abc"),
        ("private-key-ed25519", "deadbeef"),
    ]
    with pytest.raises(Exception, match="Invalid tag 'private-key-ed25519'"):
        util.parse_keyfile(str(path), private=False)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("\nfoo: bar\n", "Invalid tag 'foo'"),
        ("\nuser-id: a\nUser-ID: b\n", "Duplicate tag 'user-id'"),
        ("\nno colon here\n", "Invalid line"),
    ],
)
def test_parse_keyfile_rejects(tmp_path, body, message):
    path = tmp_path / "k.pub"
    path.write_text("# head\n" + body)
    with pytest.raises(Exception, match=message):
        util.parse_keyfile(str(path))


def test_parse_keyfile_directory(tmp_path):
    with pytest.raises(Exception, match="isn't a file"):
        util.parse_keyfile(str(tmp_path))


def test_machine_id_is_stable():
    assert util.machine_id() == util.machine_id() != ""


def test_lazy_hex_formatter():
    assert str(util._LazyHexFormatter(b"\x01\xab")) == "01ab"
    assert util._maybe_tls_reason(ValueError("x")) == ""


# A self-signed certificate for localhost and its key, for tests only (valid 2026 to 2126).
_TEST_CERT = str(pathlib.Path(__file__).parent / "data" / "localhost.pem")


def test_tls_unique_on_a_real_connection():
    """The channel binding both ends of one TLS connection agree on."""
    import socket
    import ssl
    import threading

    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.maximum_version = ssl.TLSVersion.TLSv1_2  # tls-unique is defined up to TLS 1.2
    server_ctx.load_cert_chain(_TEST_CERT)
    client_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    client_ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    client_ctx.load_verify_locations(_TEST_CERT)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(10)
    result = {}

    def serve():
        conn, _ = listener.accept()
        with server_ctx.wrap_socket(conn, server_side=True) as tls:
            result["server"] = util.tls_unique(tls)
            tls.recv(1)

    thread = threading.Thread(target=serve)
    thread.start()
    with (
        socket.create_connection(listener.getsockname(), timeout=10) as raw,
        client_ctx.wrap_socket(raw, server_hostname="localhost") as tls,
    ):
        result["client"] = util.tls_unique(tls)
        tls.sendall(b"x")
    thread.join(10)
    listener.close()
    assert result["client"] == result["server"] and len(result["client"]) == 12


def _self_signed(tmp_path):
    x509 = pytest.importorskip("cryptography.x509", reason="cryptography makes the test certificate")
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "localhost"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test Org"),
            x509.NameAttribute(NameOID.EMAIL_ADDRESS, "a@example.com"),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(123456789)
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(__import__("ipaddress").ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return str(cert_path), str(key_path)


def test_peer_certificate_details(tmp_path):
    cert_path, _ = _self_signed(tmp_path)
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    with open(cert_path, "rb") as f:
        cert = x509.load_pem_x509_certificate(f.read())
    details = util.peer_certificate_details(cert, subject_name_hash=77)
    assert details["sha256"] == ":".join(f"{b:02X}" for b in cert.fingerprint(hashes.SHA256()))
    assert re.fullmatch(r"([0-9A-F]{2}:){15}[0-9A-F]{2}", details["md5"])
    assert details["serial"] == 123456789 and details["hash"] == 77 and details["expired"] is False
    assert details["subject"] == {"cn": "localhost", "o": "Test Org", "emailaddress": "a@example.com"}
    assert details["issuer"] == details["subject"]
    assert details["signature_algorithm"] == "ecdsa-with-SHA256" and details["version"] == 2
    assert re.fullmatch(r"\d{14}Z", details["not_before"])
    names = {e["name"]: e for e in details["extensions"]}
    assert names["subjectAltName"]["value"] == "DNS:localhost, IP Address:127.0.0.1"
    assert names["basicConstraints"]["critical"] is True


# ObservableMixin.fire returns a txaio future, and txaio binds one framework per process:
# each framework runs in its own interpreter.
_OBSERVABLE_SCRIPT = """
import txaio
txaio.use_{framework}()
from autobahn.util import ObservableMixin

class Thing(ObservableMixin):
    pass

results = []
def check(value, expected):
    assert value == expected, (value, expected)
    results.append(value)

{body}
print("ok", len(results))
"""

_ASYNCIO_BODY = """
import asyncio

async def main():
    t = Thing()
    check(await t.fire("x", 1), [])                    # no listener yet: an already-done future
    t.on("x", lambda a, k=0: a + k)
    async def coro(a, k=0):
        await asyncio.sleep(0)
        return a * 10 + k
    t.on("x", coro)
    check(await t.fire("x", 2, k=1), [3, 21])         # plain and coroutine handlers, in order
    parent = Thing()
    parent.on("x", lambda a, k=0: "parent")
    t._parent = parent
    check(await t.fire("x", 2), [2, 20, ["parent"]])  # the parent's gathered results come last
    t._parent = None
    t.off("x", coro)
    check(await t.fire("x", 5), [5])
    def bad(a):
        raise ValueError("boom")
    t.on("x", bad)
    try:
        await t.fire("x", 5)
    except ValueError as e:
        check(str(e), "boom")
    t.off("x")
    check(await t.fire("x", 5), [])
    t.on("y", bad)
    t.off()
    check(await t.fire("y", 5), [])

    v = Thing()
    v.set_valid_events(["open", "close"])
    for call in (lambda: v.on("nope", print), lambda: v.fire("nope"), lambda: v.off("nope")):
        try:
            v.on("open", print); call()
        except RuntimeError as e:
            check("Invalid event 'nope'" in str(e), True)
    try:
        v.off(handler=print)
    except RuntimeError:
        check("handler without event", "handler without event")

asyncio.run(main())
"""

_TWISTED_BODY = """
from twisted.internet import defer

t = Thing()
t.on("x", lambda a: a + 1)
later = defer.Deferred()
t.on("x", lambda a: later)
d = t.fire("x", 1)
assert isinstance(d, defer.Deferred)
got = []
d.addCallback(got.append)
check(got, [])                      # waits for the Deferred a handler returned
later.callback("late")
check(got, [[2, "late"]])
t.on("x", lambda a: 1 / 0)
failed = []
t.fire("x", 1).addErrback(lambda f: failed.append(f.type))
check(failed, [ZeroDivisionError])
"""


@pytest.mark.parametrize(("framework", "body"), [("asyncio", _ASYNCIO_BODY), ("twisted", _TWISTED_BODY)])
def test_observable_mixin(framework, body):
    if framework == "twisted":
        pytest.importorskip("twisted", reason="Twisted is the [twisted] extra")
    script = _OBSERVABLE_SCRIPT.format(framework=framework, body=textwrap.indent(body, ""))
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("ok ") and int(out.stdout.split()[1]) >= 3


def test_observable_mixin_needs_a_txaio_framework():
    """Without txaio.use_asyncio()/use_twisted(), fire() says so (as autobahn's does)."""
    script = "from autobahn.util import ObservableMixin as O\no = O(); o.on('x', print)\no.fire('x')"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert out.returncode != 0 and "select a framework" in out.stderr
