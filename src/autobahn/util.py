"""General helpers programs written for autobahn import from ``autobahn.util``.

IDs and tokens (``id``, ``rid``, ``newid``, ``IdGenerator``, ``generate_token`` and its
presets), timestamps (``utcnow``, ``utcstr``, ``rtime``, ``Stopwatch``, ``Tracker``),
``ObservableMixin`` (event listeners whose results are gathered into a txaio future),
``EqualityMixin``, byte helpers (``xor``, ``encode_truncate``), console highlighting
(``hl`` and friends, coloured when ``click`` is installed), key files and TLS details.
Names, signatures and results are those of autobahn 26.10.2.
"""

from __future__ import annotations

import base64
import binascii
import importlib
import inspect
import math
import os
import random
import re
import socket
import struct
import subprocess
import sys
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pprint import pformat
from typing import Any

import txaio

# txaio binds create_future/as_future/gather when a framework is chosen, so type checkers see none.
_txaio: Any = txaio

__all__ = (
    "EqualityMixin",
    "IdGenerator",
    "ObservableMixin",
    "Stopwatch",
    "Tracker",
    "encode_truncate",
    "generate_activation_code",
    "generate_serial_number",
    "generate_token",
    "generate_user_password",
    "hl",
    "hlcontract",
    "hlid",
    "hltype",
    "hluserid",
    "hlval",
    "id",
    "machine_id",
    "newid",
    "parse_keyfile",
    "peer_certificate_details",
    "public",
    "tls_unique",
    "rid",
    "rtime",
    "utcnow",
    "utcstr",
    "with_0x",
    "without_0x",
    "write_keyfile",
    "xor",
)

# WAMP IDs are integers in [1, 2**53]: every one is exact as an IEEE double (JavaScript's number).
_MAX_ID = 2**53


def public(obj: Any) -> Any:
    """Mark ``obj`` as public user API (sets ``obj._is_public``); returns ``obj`` unchanged."""
    try:
        obj._is_public = True
    except AttributeError:
        pass  # objects without a __dict__ (e.g. a staticmethod on old Pythons) stay unmarked
    return obj


@public
def encode_truncate(text: str | None, limit: int, encoding: str = "utf8", return_encoded: bool = True):
    """``text`` encoded and cut to at most ``limit`` bytes without splitting a character.

    Returns the bytes, or the (possibly shortened) string when ``return_encoded`` is false;
    None for None.
    """
    if text is None:
        return None
    if not isinstance(text, str):
        raise TypeError(f"text must be str or None, not {type(text).__name__}")
    if not isinstance(limit, int) or limit < 0:
        raise ValueError(f"limit must be a non-negative int, got {limit!r}")
    data = text.encode(encoding)
    if len(data) > limit:
        # A multi-byte sequence cut at the limit decodes to nothing and is dropped.
        text = data[:limit].decode(encoding, "ignore")
        data = text.encode(encoding)
    return data if return_encoded else text


@public
def xor(d1: bytes, d2: bytes) -> bytes:
    """The byte-wise XOR of two byte strings of equal length."""
    for name, value in (("d1", d1), ("d2", d2)):
        if type(value) is not bytes:
            raise TypeError(f"invalid type {type(value).__name__} for {name}: must be bytes")
    if len(d1) != len(d2):
        raise ValueError(f"cannot XOR byte strings of different lengths ({len(d1)} != {len(d2)})")
    return (int.from_bytes(d1, "big") ^ int.from_bytes(d2, "big")).to_bytes(len(d1), "big")


def _utc_naive_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@public
def utcstr(ts: datetime | None = None) -> str:
    """``ts`` (default: now, UTC) as ISO 8601 with milliseconds and ``Z``: ``2026-12-01T09:46:47.123Z``."""
    if ts is None:
        ts = _utc_naive_now()
    elif not isinstance(ts, datetime):
        raise TypeError(f"ts must be a datetime or None, not {type(ts).__name__}")
    return ts.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@public
def utcnow() -> str:
    """The current UTC time as ISO 8601 (see :func:`utcstr`)."""
    return utcstr()


class IdGenerator:
    """Sequential WAMP request IDs: 1, 2, ... up to 2**53, then 1 again."""

    def __init__(self):
        self._next = 0

    def next(self) -> int:
        """The next ID."""
        self._next = self._next + 1 if self._next < _MAX_ID else 1
        return self._next

    def __next__(self) -> int:
        return self.next()

    def __iter__(self) -> IdGenerator:
        return self


def rid() -> int:
    """A cryptographically strong random ID, uniform over [1, 2**53]."""
    # 53 random bits give [0, 2**53 - 1]; 0 stands for 2**53 so the range is exactly [1, 2**53].
    return (struct.unpack(">Q", os.urandom(8))[0] & (_MAX_ID - 1)) or _MAX_ID


def id() -> int:  # noqa: A001 - autobahn's public name
    """A pseudo-random ID from [1, 2**53] (Mersenne Twister: fast, not for secrets)."""
    return random.randint(1, _MAX_ID)


def newid(length: int = 16) -> str:
    """A cryptographically strong random string of ``length`` base64 characters."""
    raw = os.urandom(int(math.ceil(length * 6 / 8)))
    return base64.b64encode(raw)[:length].decode("ascii")


# Base36 without the characters people confuse: 0/O/D, 1/I, 8/B, 2/Z (27 remain).
DEFAULT_TOKEN_CHARS = "345679ACEFGHJKLMNPQRSTUVWXY"
"""The characters :func:`generate_token` draws from by default."""

# z-base-32 (Zooko's human-oriented base 32): no 0, l, v, 2.
DEFAULT_ZBASE32_CHARS = "13456789abcdefghijkmnopqrstuwxyz"
"""The characters of user passwords (:func:`generate_user_password`)."""


@public
def generate_token(
    char_groups: int,
    chars_per_group: int,
    chars: str | None = None,
    sep: str | None = None,
    lower_case: bool | None = False,
) -> str:
    """A cryptographically strong token such as ``M6X5-YO5W-T5IK``.

    ``char_groups`` groups of ``chars_per_group`` characters drawn from ``chars`` (default
    :data:`DEFAULT_TOKEN_CHARS`), joined by ``sep`` (default ``-``); ``chars_per_group == 1``
    gives one ungrouped string. Entropy: ``log2(len(chars)) * char_groups * chars_per_group`` bits.
    """
    if type(char_groups) is not int or type(chars_per_group) is not int:
        raise TypeError("char_groups and chars_per_group must be int")
    if chars is not None and type(chars) is not str:
        raise TypeError(f"chars must be str, was {type(chars).__name__}")
    alphabet = chars or DEFAULT_TOKEN_CHARS
    if lower_case:
        alphabet = alphabet.lower()
    rng = random.SystemRandom()
    value = "".join(rng.choice(alphabet) for _ in range(char_groups * chars_per_group))
    if chars_per_group <= 1:
        return value
    groups = [value[i : i + chars_per_group] for i in range(0, len(value), chars_per_group)]
    return (sep or "-").join(groups)


@public
def generate_activation_code() -> str:
    """A one-time activation code such as ``W97F-96MJ-YGJL`` (3 groups of 4, at least 57 bits)."""
    return generate_token(3, 4, DEFAULT_TOKEN_CHARS, "-", False)


_TOKEN_GROUP = f"([{DEFAULT_TOKEN_CHARS}]{{4}})"
_ACTIVATION_CODE = re.compile(f"^{_TOKEN_GROUP}-{_TOKEN_GROUP}-{_TOKEN_GROUP}$")


@public
def parse_activation_code(code: str) -> re.Match | None:
    """The match of an activation code (its three groups), or None if ``code`` is not one."""
    return _ACTIVATION_CODE.match(code)


@public
def generate_user_password() -> str:
    """A user password such as ``kgojzi61dn5dtb6d`` (16 z-base-32 characters, at least 76 bits)."""
    return generate_token(16, 1, DEFAULT_ZBASE32_CHARS, "-", True)


@public
def generate_serial_number() -> str:
    """A serial number such as ``YRAC-EL4X-FQQE-AW4T-WNUV-VN6T`` (6 groups of 4, at least 114 bits)."""
    return generate_token(6, 4, DEFAULT_TOKEN_CHARS, "-", False)


# Windows' time.time() ticks coarsely; perf_counter() counts from the first call.
_rtime = time.perf_counter if sys.platform.startswith("win") else time.time


@public
def rtime() -> float:
    """Wall-clock seconds, as precise as the platform offers; only differences are meaningful."""
    return _rtime()


class Stopwatch:
    """Measures the wall-clock time during which it runs; pause and resume at will."""

    def __init__(self, start: bool = True):
        self._elapsed = 0.0
        self._started: float | None = rtime() if start else None
        self._running = start

    def elapsed(self) -> float:
        """Seconds run so far."""
        if self._running:
            return self._elapsed + (rtime() - self._started)
        return self._elapsed

    def pause(self) -> float:
        """Stop counting; returns the seconds run so far."""
        if self._running:
            self._elapsed += rtime() - self._started
            self._running = False
        return self._elapsed

    def resume(self) -> float:
        """Count again after :meth:`pause`; returns the seconds run so far."""
        if self._running:
            return self._elapsed + (rtime() - self._started)
        self._started = rtime()
        self._running = True
        return self._elapsed

    def stop(self) -> float:
        """Stop and reset to zero; returns the seconds it had run."""
        elapsed = self.pause()
        self._elapsed = 0.0
        self._started = None
        return elapsed


class Tracker:
    """Named timestamps, and the time between two of them."""

    def __init__(self, tracker, tracked):
        self.tracker = tracker
        self.tracked = tracked
        self._timings: dict[str, float] = {}
        self._offset = rtime()
        self._dt_offset = _utc_naive_now()

    def track(self, key: str) -> None:
        """Record the current time under ``key``."""
        self._timings[key] = rtime()

    def diff(self, start_key: str, end_key: str, formatted: bool = True):
        """Seconds from ``start_key`` to ``end_key`` (None if either is missing), or with
        ``formatted`` a string right-aligned in 8 columns: ``  123 us``, ``    n.a.``."""
        if start_key not in self._timings or end_key not in self._timings:
            return "n.a.".rjust(8) if formatted else None
        d = self._timings[end_key] - self._timings[start_key]
        if not formatted:
            return d
        if d < 1e-5:
            text = f"{round(d * 1e9)} ns"
        elif d < 1e-2:
            text = f"{round(d * 1e6)} us"
        elif d < 10:
            text = f"{round(d * 1e3)} ms"
        else:
            text = f"{round(d)} s"
        return text.rjust(8)

    def absolute(self, key: str) -> datetime:
        """The UTC time (naive datetime) at which ``key`` was tracked; KeyError if it was not."""
        elapsed = self[key]
        if elapsed is None:
            raise KeyError(f'No such key "{key}".')
        return self._dt_offset + timedelta(seconds=elapsed)

    def __getitem__(self, key: str) -> float | None:
        """Seconds from the tracker's creation to ``key`` (None if not tracked)."""
        if key in self._timings:
            return self._timings[key] - self._offset
        return None

    def __iter__(self):
        return iter(self._timings)

    def __str__(self) -> str:
        return pformat(self._timings)


class EqualityMixin:
    """Equality by class and public attributes: objects of the same class are equal when
    every attribute not starting with ``_`` is."""

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, self.__class__):
            return False
        for name, value in self.__dict__.items():
            if not name.startswith("_") and other.__dict__.get(name, _MISSING) != value:
                return False
        return True

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    __hash__ = None  # type: ignore[assignment]  # equal objects must hash alike; attributes may change


_MISSING = object()


def wildcards2patterns(wildcards: Iterable[str]) -> list[re.Pattern]:
    """Compiled patterns for wildcard strings (``*`` matches anything), each anchored at
    both ends: ``*.good.com`` matches ``a.good.com``, never ``good.com.evil.com``."""
    return [re.compile("^" + ".*".join(re.escape(part) for part in wc.split("*")) + "$") for wc in wildcards]


class ObservableMixin:
    """Event listeners: ``on(event, handler)``, ``off(...)``, ``fire(event, *args, **kwargs)``.

    Needs no ``__init__``: the per-instance state is created on first use. ``fire`` calls
    every handler (plain functions, coroutines or Deferred-returning) and returns a txaio
    future (asyncio Future or Twisted Deferred) of the list of their results; a handler's
    exception fails that future.
    """

    _parent: ObservableMixin | None = None
    _valid_events: list[str] | None = None
    _listeners: dict[str, list[Callable[..., Any]]] | None = None
    _results: dict[str, Any] | None = None

    def set_valid_events(self, valid_events=None) -> None:
        """Restrict ``on``/``off``/``fire`` to these event names (others raise RuntimeError)."""
        self._valid_events = list(valid_events or [])
        self._results = {event: None for event in self._valid_events}

    def _check_event(self, event: str) -> None:
        if self._valid_events and event not in self._valid_events:
            raise RuntimeError(f"Invalid event '{event}'. Expected one of: {', '.join(self._valid_events)}")

    def on(self, event: str, handler: Callable[..., Any]) -> None:
        """Call ``handler`` with ``fire``'s arguments whenever ``event`` is fired."""
        self._check_event(event)
        if self._listeners is None:
            self._listeners = {}
        self._listeners.setdefault(event, []).append(handler)

    def off(self, event: str | None = None, handler: Callable[..., Any] | None = None) -> None:
        """Remove ``handler`` from ``event``, every handler of ``event``, or (no event) all."""
        if event is None:
            if handler is not None:
                raise RuntimeError("Can't specify a handler without an event")
            self._listeners = {}
            return
        if self._listeners is None:
            return
        self._check_event(event)
        if event not in self._listeners:
            return
        if handler is None:
            del self._listeners[event]
        else:
            try:
                self._listeners[event].remove(handler)
            except ValueError:
                pass

    def fire(self, event: str, *args: Any, **kwargs: Any):
        """Call the handlers of ``event``; a future of the list of their results (and the parent's)."""
        if self._listeners is None:
            return _txaio.create_future(result=[])
        self._check_event(event)
        futures = [_txaio.as_future(handler, *args, **kwargs) for handler in self._listeners.get(event, [])]
        if self._parent is not None:
            futures.append(self._parent.fire(event, *args, **kwargs))
        gathered = _txaio.gather(futures, consume_exceptions=False)
        if self._results is None:
            self._results = {}
        self._results[event] = gathered
        return gathered


class _LazyHexFormatter:
    """Hex of ``obj``, computed only when formatted (for log calls that may be filtered)."""

    __slots__ = ("obj",)

    def __init__(self, obj: bytes):
        self.obj = obj

    def __str__(self) -> str:
        return binascii.hexlify(self.obj).decode("ascii")


def _is_tls_error(instance: object) -> bool:
    """True when ``instance`` is a pyOpenSSL ``SSL.Error`` (False without pyOpenSSL)."""
    try:
        ssl_module = importlib.import_module("OpenSSL.SSL")
    except ImportError:
        return False
    return isinstance(instance, ssl_module.Error)


def _maybe_tls_reason(instance: Any) -> str:
    """A readable TLS error message for a pyOpenSSL error, else the empty string."""
    if _is_tls_error(instance):
        ssl_error = instance.args[0][0]
        return f"SSL error: {ssl_error[2]} (in {ssl_error[1]})"
    return ""


def machine_id() -> str:
    """An ID of this machine: D-Bus's machine ID on Linux, the hardware serial on macOS,
    the host name elsewhere (or when those are unavailable)."""
    if sys.platform.startswith("linux"):
        try:
            with open("/var/lib/dbus/machine-id") as f:
                return f.read().strip()
        except OSError:
            return socket.gethostname()
    if sys.platform == "darwin":
        import plistlib

        data = subprocess.check_output(["ioreg", "-rd1", "-c", "IOPlatformExpertDevice", "-a"])
        return plistlib.loads(data)[0]["IOPlatformSerialNumber"]
    return socket.gethostname()


try:
    _click: Any = importlib.import_module("click")  # optional: colours for hl()
except ImportError:
    _click = None


def hl(text: Any, bold: bool = False, color: str = "yellow") -> str:
    """``text`` in ANSI colour for consoles when ``click`` is installed, plain otherwise."""
    text = text if isinstance(text, str) else f"{text}"
    if _click is None:
        return text
    return _click.style(text, fg=color, bold=bold)


def _qualified_name(obj: Any) -> str:
    if inspect.isclass(obj) or inspect.isfunction(obj) or inspect.ismethod(obj):
        return f"{obj.__module__}.{obj.__qualname__}"
    return "unknown"


def hltype(obj: Any) -> str:
    """``<module.Qualified.name>`` of a class, function or method, highlighted."""
    head, _, tail = _qualified_name(obj).partition(".")
    return "<" + hl(head, color="yellow", bold=True) + hl("." + tail, color="yellow", bold=False) + ">"


def hlid(oid: Any) -> str:
    """An ID, highlighted."""
    return hl(f"{oid}", color="blue", bold=True)


def hluserid(oid: Any) -> str:
    """A user ID in double quotes, highlighted."""
    return hl(f'"{oid}"', color="yellow", bold=True)


def hlval(val: Any, color: str = "white", bold: bool = True) -> str:
    """A value, highlighted."""
    return hl(f"{val}", color=color, bold=bold)


def hlcontract(oid: Any) -> str:
    """A contract address in angle brackets, highlighted."""
    return hl(f"<{oid}>", color="magenta", bold=True)


def with_0x(address: str | None) -> str | None:
    """``address`` with a ``0x`` prefix (empty and None unchanged)."""
    if address and not address.startswith("0x"):
        return f"0x{address}"
    return address


def without_0x(address: str | None) -> str | None:
    """``address`` without its ``0x`` prefix (empty and None unchanged)."""
    if address and address.startswith("0x"):
        return address[2:]
    return address


def write_keyfile(filepath: str, tags: dict[str, Any], msg: str) -> None:
    """Write a key file: ``msg`` (a comment block ending in a blank line), then one
    ``tag: value`` line per tag with a value."""
    with open(filepath, "w") as f:
        f.write(msg)
        for tag, value in tags.items():
            if value:
                f.write(f"{tag}: {value}\n")


_KEYFILE_TAGS = (
    "public-key-ed25519",
    "public-adr-eth",
    "created-at",
    "creator",
    "user-id",
    "machine-id",
    "node-authid",
    "node-cluster-ip",
)
_PRIVATE_KEYFILE_TAGS = ("private-key-ed25519", "private-key-eth")


def parse_keyfile(key_path: str, private: bool = True) -> OrderedDict:
    """The ``tag: value`` lines after the first blank line of a key file (``node.pub``,
    ``node.priv``), tags lower-cased, in file order. Unknown or repeated tags raise; the
    private key tags are allowed only with ``private``."""
    if os.path.exists(key_path) and not os.path.isfile(key_path):
        raise Exception(f"Key file '{key_path}' exists, but isn't a file")
    allowed = _KEYFILE_TAGS + (_PRIVATE_KEYFILE_TAGS if private else ())
    tags: OrderedDict[str, str] = OrderedDict()
    in_tags = False
    with open(key_path) as f:
        for line in f:
            if not line.strip():
                in_tags = True
                continue
            if not in_tags:
                continue  # the comment block before the first blank line
            tag, sep, value = line.partition(":")
            tag = tag.strip().lower()
            if not sep:
                raise Exception(f"Invalid line {line.strip()!r} in key file {key_path}")
            if tag not in allowed:
                raise Exception(f"Invalid tag '{tag}' in key file {key_path}")
            if tag in tags:
                raise Exception(f"Duplicate tag '{tag}' in key file {key_path}")
            tags[tag] = value.strip()
    return tags


def tls_unique(ssl_object: Any) -> bytes | None:
    """The ``tls-unique`` channel binding (RFC 5929) of an ``ssl.SSLObject``/``SSLSocket``:
    the first Finished message of the latest handshake; None before the handshake completes.

    PyPy's ``get_channel_binding("tls-unique")`` returns the other Finished message; there the
    SSL object's own ``tls_unique_cb()`` gives the right one.
    """
    if sys.implementation.name == "pypy":
        tls_unique_cb = getattr(getattr(ssl_object, "_sslobj", None), "tls_unique_cb", None)
        if tls_unique_cb is not None:
            return tls_unique_cb()
    return ssl_object.get_channel_binding("tls-unique")


def _oid_name(oid: Any) -> str:
    # OpenSSL's short name, or the dotted form for an OID cryptography has no name for.
    name = oid._name
    return oid.dotted_string if name == "Unknown OID" else name


def _x509_name(name: Any) -> dict[str, str]:
    # As pyOpenSSL's X509Name.get_components() gave them: OpenSSL short names, lower case.
    components = {}
    for attribute in name:
        key = attribute.rfc4514_attribute_name
        if key[:1].isdigit():
            key = _oid_name(attribute.oid)  # no RFC 4514 short name (e.g. emailAddress)
        value = attribute.value
        if isinstance(value, bytes):
            value = value.decode("utf8", errors="replace")
        components[key.lower()] = value
    return components


def _general_name(name: Any) -> str:
    # As OpenSSL prints an entry of a subject or issuer alternative name.
    from cryptography import x509

    prefixes = (
        (x509.DNSName, "DNS"),
        (x509.RFC822Name, "email"),
        (x509.UniformResourceIdentifier, "URI"),
        (x509.IPAddress, "IP Address"),
    )
    for kind, prefix in prefixes:
        if isinstance(name, kind):
            return f"{prefix}:{name.value}"
    if isinstance(name, x509.RegisteredID):
        return f"Registered ID:{name.value.dotted_string}"
    if isinstance(name, x509.DirectoryName):
        return f"DirName:{name.value.rfc4514_string()}"
    return "othername:<unsupported>"


def _x509_extension(extension: Any) -> dict[str, Any]:
    from cryptography import x509

    if isinstance(extension.value, (x509.SubjectAlternativeName, x509.IssuerAlternativeName)):
        value = ", ".join(_general_name(n) for n in extension.value)
    else:
        value = str(extension.value)
    return {"name": _oid_name(extension.oid), "value": value, "critical": extension.critical}


def peer_certificate_details(cert: Any, subject_name_hash: int | None = None) -> dict[str, Any]:
    """What ``TransportDetails.peer_cert`` holds about a TLS peer's certificate
    (a ``cryptography.x509.Certificate``; needs ``cryptography``).

    Keys: ``md5``, ``sha1``, ``sha256`` (upper-case hex with colons), ``expired``, ``hash``
    (``subject_name_hash``), ``serial``, ``signature_algorithm``, ``version``, ``not_before``
    and ``not_after`` (``YYYYMMDDhhmmssZ``), ``subject`` and ``issuer`` (lower-case OpenSSL
    short names to values), ``extensions`` (``name``, ``value``, ``critical``). The peer
    controls this data: parts that cannot be read come out empty instead of raising.
    """
    from cryptography.hazmat.primitives import hashes

    def fingerprint(algorithm: Any) -> str:
        return ":".join(f"{b:02X}" for b in cert.fingerprint(algorithm))

    details: dict[str, Any] = {
        "md5": fingerprint(hashes.MD5()),  # an identifier here, not a security measure
        "sha1": fingerprint(hashes.SHA1()),
        "sha256": fingerprint(hashes.SHA256()),
        "expired": datetime.now(UTC) > cert.not_valid_after_utc,
        "hash": subject_name_hash,
        "serial": cert.serial_number,
        "signature_algorithm": _oid_name(cert.signature_algorithm_oid),
        "version": cert.version.value,
        "not_before": cert.not_valid_before_utc.strftime("%Y%m%d%H%M%SZ"),
        "not_after": cert.not_valid_after_utc.strftime("%Y%m%d%H%M%SZ"),
    }
    for entity in ("subject", "issuer"):
        try:
            details[entity] = _x509_name(getattr(cert, entity))
        except ValueError:
            details[entity] = {}
    try:
        details["extensions"] = [_x509_extension(e) for e in cert.extensions]
    except Exception:
        details["extensions"] = []  # e.g. cryptography.x509.DuplicateExtension
    return details
