"""WAMP serializers: JSON, MessagePack, CBOR, UBJSON and FlatBuffers, each also batched.

Two layers, as in autobahn: an *object serializer* (``JsonObjectSerializer``, ...) turns
plain Python values into bytes and back; a *transport serializer* (``JsonSerializer``, ...)
turns WAMP message objects into bytes and back, keeps traffic statistics, and raises
:class:`~autobahn.wamp.exception.ProtocolError` for anything a peer sends that is not a
valid WAMP message.

JSON carries binary values by WAMP's convention: a string starting with ``"\\0"``, followed
by the base64 of the bytes. Batched variants (``"json.batched"``, ...) put several messages
in one transport message: JSON ends each with ``0x18``, the binary formats prefix each with
its length (4 bytes, big-endian).

MessagePack, CBOR and UBJSON need ``pip install autobahn[serialization]``; using one that
is not installed raises ``ImportError`` saying so.
"""

from __future__ import annotations

import base64
import binascii
import decimal
import importlib.util
import json
import re
import struct
from time import time_ns

from autobahn.wamp import message
from autobahn.wamp.exception import ProtocolError, SerializationError

__all__ = [
    "CBORObjectSerializer",
    "CBORSerializer",
    "FlatBuffersObjectSerializer",
    "FlatBuffersSerializer",
    "JsonObjectSerializer",
    "JsonSerializer",
    "MsgPackObjectSerializer",
    "MsgPackSerializer",
    "Serializer",
    "UBJSONObjectSerializer",
    "UBJSONSerializer",
    "create_transport_serializer",
    "create_transport_serializers",
]

# serializer ID ("json", "msgpack", ...) -> object serializer class / transport serializer
# class, for the serializers whose libraries are installed
SERID_TO_OBJSER: dict[str, type] = {}
SERID_TO_SER: dict[str, type] = {}

_EXTRA_HINT = "pip install autobahn[serialization]"


class _ModuleAttribute:
    """A class attribute holding a library module, imported on first access (bjdata, for
    one, imports numpy)."""

    def __init__(self, module_name: str):
        self._module_name = module_name

    def __get__(self, obj, owner=None):
        return importlib.import_module(self._module_name)


def _installed(module_name: str) -> bool:
    try:
        return importlib.util.find_spec(module_name) is not None
    except (ImportError, ValueError):
        return False


class Serializer:
    """Base class of the transport serializers (the ``ISerializer`` of autobahn).

    :param serializer: the object serializer that does the encoding.
    """

    RATED_MESSAGE_SIZE = 512
    """Traffic is also counted in "rated messages": one per started 512 bytes."""

    SERIALIZER_ID: str = ""
    RAWSOCKET_SERIALIZER_ID: int = 0
    MIME_TYPE: str = ""

    MESSAGE_TYPE_MAP = {
        cls.MESSAGE_TYPE: cls
        for cls in (
            message.Hello,
            message.Welcome,
            message.Abort,
            message.Challenge,
            message.Authenticate,
            message.Goodbye,
            message.Error,
            message.Publish,
            message.Published,
            message.Subscribe,
            message.Subscribed,
            message.Unsubscribe,
            message.Unsubscribed,
            message.Event,
            message.EventReceived,
            message.Call,
            message.Cancel,
            message.Result,
            message.Register,
            message.Registered,
            message.Unregister,
            message.Unregistered,
            message.Invocation,
            message.Interrupt,
            message.Yield,
        )
    }
    """WAMP message type code -> message class."""

    def __init__(self, serializer):
        self._serializer = serializer
        self._serializer._parent_serializer = self
        self._stats_reset = time_ns()
        self._stats_cycle = 0
        self._serialized_bytes = 0
        self._serialized_messages = 0
        self._serialized_rated_messages = 0
        self._unserialized_bytes = 0
        self._unserialized_messages = 0
        self._unserialized_rated_messages = 0
        self._autoreset_rated_messages = None
        self._autoreset_duration = None
        self._autoreset_callback = None

    def stats_reset(self):
        """When the statistics were last reset (ns since the epoch)."""
        return self._stats_reset

    def stats_bytes(self):
        """Bytes serialized and unserialized since the last reset."""
        return self._serialized_bytes + self._unserialized_bytes

    def stats_messages(self):
        """Messages serialized and unserialized since the last reset."""
        return self._serialized_messages + self._unserialized_messages

    def stats_rated_messages(self):
        """Rated messages serialized and unserialized since the last reset."""
        return self._serialized_rated_messages + self._unserialized_rated_messages

    def set_stats_autoreset(self, rated_messages, duration, callback, reset_now=False):
        """Call ``callback(stats)`` and reset whenever ``rated_messages`` rated messages have
        passed or ``duration`` ns have elapsed (either may be ``None``, not both)."""
        assert rated_messages is None or type(rated_messages) is int
        assert duration is None or type(duration) is int
        assert rated_messages or duration
        assert callable(callback)
        self._autoreset_rated_messages = rated_messages
        self._autoreset_duration = duration
        self._autoreset_callback = callback
        if reset_now:
            stats = self.stats(reset=True)
            callback(stats)
            return stats
        return None

    def stats(self, reset=True, details=False):
        """The traffic statistics (a dict); by default resets them."""
        assert type(reset) is bool
        assert type(details) is bool
        self._stats_cycle += 1
        data = {
            "cycle": self._stats_cycle,
            "serializer": self.SERIALIZER_ID,
            "timestamp": self._stats_reset,
            "duration": time_ns() - self._stats_reset,
        }
        if details:
            data["serialized"] = {
                "bytes": self._serialized_bytes,
                "messages": self._serialized_messages,
                "rated_messages": self._serialized_rated_messages,
            }
            data["unserialized"] = {
                "bytes": self._unserialized_bytes,
                "messages": self._unserialized_messages,
                "rated_messages": self._unserialized_rated_messages,
            }
        else:
            data["bytes"] = self.stats_bytes()
            data["messages"] = self.stats_messages()
            data["rated_messages"] = self.stats_rated_messages()
        if reset:
            self._serialized_bytes = self._serialized_messages = self._serialized_rated_messages = 0
            self._unserialized_bytes = self._unserialized_messages = self._unserialized_rated_messages = 0
            self._stats_reset = time_ns()
        return data

    def _maybe_autoreset(self):
        if not self._autoreset_callback:
            return
        due = (self._autoreset_duration and time_ns() - self._stats_reset >= self._autoreset_duration) or (
            self._autoreset_rated_messages and self.stats_rated_messages() >= self._autoreset_rated_messages
        )
        if due:
            self._autoreset_callback(self.stats(reset=True))

    def serialize(self, msg) -> tuple[bytes, bool]:
        """``(bytes, is_binary)`` for a WAMP message object; raises :class:`SerializationError`
        if its payload cannot be represented (e.g. an object JSON does not know)."""
        try:
            data = msg.serialize(self._serializer)
        except SerializationError:
            raise
        except Exception as e:
            raise SerializationError(f"{self.SERIALIZER_ID} cannot serialize {type(msg).__name__}: {e}") from e
        size = len(data)
        self._serialized_bytes += size
        self._serialized_messages += 1
        self._serialized_rated_messages += -(-size // self.RATED_MESSAGE_SIZE)  # ceil, in ints
        if self._autoreset_callback:
            self._maybe_autoreset()
        return data, self._serializer.BINARY

    def serialize_payload(self, data):
        """Encode application payload (args/kwargs) by this serializer's payload serializer."""
        payload_serializer = getattr(self, "_payload_serializer", self._serializer)
        return payload_serializer.serialize(data)

    def unserialize(self, payload: bytes, isBinary: bool | None = None) -> list:
        """The WAMP message objects in a transport message; raises :class:`ProtocolError` for
        anything that is not valid WAMP (bad encoding, unknown type, malformed fields)."""
        if isBinary is not None and isBinary != self._serializer.BINARY:
            raise ProtocolError(
                f"invalid serialization of WAMP message (binary {isBinary}, but expected {self._serializer.BINARY})"
            )
        try:
            raw_msgs = self._serializer.unserialize(payload)
        except ProtocolError:
            raise
        except Exception as e:
            raise ProtocolError(f"invalid serialization of WAMP message: {type(e).__name__} {e}") from e
        # FlatBuffers decodes straight into message objects; the others give raw lists
        msgs = raw_msgs if self._serializer.NAME == "flatbuffers" else [self._parse(raw_msg) for raw_msg in raw_msgs]
        size = len(payload)
        self._unserialized_bytes += size
        self._unserialized_messages += len(msgs)
        self._unserialized_rated_messages += -(-size // self.RATED_MESSAGE_SIZE)
        if self._autoreset_callback:
            self._maybe_autoreset()
        return msgs

    def _parse(self, raw_msg):
        if type(raw_msg) is not list:
            raise ProtocolError(f"invalid type {type(raw_msg)} for WAMP message")
        if not raw_msg:
            raise ProtocolError("missing message type in WAMP message")
        message_type = raw_msg[0]
        if type(message_type) is not int:
            raise ProtocolError(f"invalid type {type(message_type)} for WAMP message type")
        cls = self.MESSAGE_TYPE_MAP.get(message_type)
        if cls is None:
            raise ProtocolError(f"invalid WAMP message type {message_type}")
        try:
            return cls.parse(raw_msg)
        except ProtocolError:
            raise
        except Exception as e:
            # e.g. InvalidUriError: still the peer's fault, so a protocol violation
            raise ProtocolError(f"invalid {cls.__name__.upper()} message: {e}") from e


def _split_length_prefixed(payload) -> list:
    """The frames of a batch: each a 4-byte big-endian length and that many bytes."""
    frames = []
    view = memoryview(payload)
    total = len(view)
    i = 0
    while i < total:
        if i + 4 > total:
            raise ProtocolError("batch format error [1]: truncated length prefix")
        (length,) = struct.unpack_from("!L", view, i)
        if i + 4 + length > total:
            raise ProtocolError("batch format error [2]: frame longer than the batch")
        frames.append(view[i + 4 : i + 4 + length])
        i += 4 + length
    return frames


class _BinaryObjectSerializer:
    """Common batching for the binary formats (4-byte length prefix per message)."""

    BINARY = True
    NAME = ""

    def __init__(self, batched=False):
        self._batched = batched

    def _dumps(self, obj) -> bytes:
        raise NotImplementedError

    def _loads(self, data):
        raise NotImplementedError

    def serialize(self, obj):
        """``obj`` as bytes (length-prefixed when batched)."""
        data = self._dumps(obj)
        if self._batched:
            return struct.pack("!L", len(data)) + data
        return data

    def unserialize(self, payload):
        """The list of objects in ``payload`` (one unless batched)."""
        if self._batched:
            return [self._loads(frame) for frame in _split_length_prefixed(payload)]
        return [self._loads(payload)]


# --- JSON ---

_DEC_MATCH = re.compile(r"^[\+\-E\.0-9]+$")


def _json_default(use_binary_hex_encoding):
    def default(obj):
        if isinstance(obj, (bytes, bytearray, memoryview)):
            if use_binary_hex_encoding:
                return "0x" + binascii.b2a_hex(obj).decode("ascii")
            return "\x00" + base64.b64encode(obj).decode("ascii")
        if isinstance(obj, decimal.Decimal):
            return str(obj)
        raise TypeError(f"Object of type {type(obj).__name__} is not JSON serializable")

    return default


def _convert_strings(value, convert):
    """Apply ``convert`` to every string value (not key) inside lists and dicts."""
    if type(value) is str:
        return convert(value)
    if type(value) is list:
        return [_convert_strings(v, convert) for v in value]
    if type(value) is dict:
        return {k: _convert_strings(v, convert) for k, v in value.items()}
    return value


class JsonObjectSerializer:
    """JSON with WAMP's binary convention (bytes as ``"\\0"`` + base64).

    :param batched: several values per payload, each followed by ``0x18``.
    :param use_binary_hex_encoding: bytes as ``"0x"`` + hex instead.
    :param use_decimal_from_str: strings that look like numbers become ``decimal.Decimal``.
    :param use_decimal_from_float: JSON floats become ``decimal.Decimal``.
    """

    JSON_MODULE = json
    NAME = "json"
    BINARY = False

    def __init__(
        self,
        batched=False,
        use_binary_hex_encoding=False,
        use_decimal_from_str=False,
        use_decimal_from_float=False,
    ):
        self._batched = batched
        self._use_binary_hex_encoding = use_binary_hex_encoding
        self._use_decimal_from_str = use_decimal_from_str
        self._use_decimal_from_float = use_decimal_from_float
        self._encoder = json.JSONEncoder(
            separators=(",", ":"),
            ensure_ascii=False,
            allow_nan=True,
            default=_json_default(use_binary_hex_encoding),
        )
        self._decoder = json.JSONDecoder(parse_float=decimal.Decimal if use_decimal_from_float else None)

    def _convert_string(self, s: str):
        if self._use_binary_hex_encoding:
            if s.startswith("0x"):
                return binascii.a2b_hex(s[2:])
        elif s.startswith("\x00"):
            return base64.b64decode(s[1:], validate=True)
        if self._use_decimal_from_str and _DEC_MATCH.match(s):
            try:
                return decimal.Decimal(s)
            except decimal.InvalidOperation:
                pass
        return s

    def _loads(self, text: str):
        value = self._decoder.decode(text)
        # Only walk the decoded value when some string may need converting: JSON writes the
        # NUL that marks binary as "\u0000", so text without it holds no binary.
        if self._use_binary_hex_encoding or self._use_decimal_from_str or "\\u0000" in text:
            value = _convert_strings(value, self._convert_string)
        return value

    def serialize(self, obj):
        """``obj`` as UTF-8 JSON bytes (followed by ``0x18`` when batched)."""
        data = self._encoder.encode(obj).encode("utf8")
        return data + b"\x18" if self._batched else data

    def unserialize(self, payload):
        """The list of values in ``payload`` (one unless batched)."""
        payload = bytes(payload)
        if self._batched:
            chunks = payload.split(b"\x18")
            if chunks[-1]:
                raise ProtocolError("batch format error: JSON batch does not end with 0x18")
            chunks = chunks[:-1]
            if not chunks:
                raise ProtocolError("batch format error: empty JSON batch")
        else:
            chunks = [payload]
        return [self._loads(chunk.decode("utf8")) for chunk in chunks]


SERID_TO_OBJSER[JsonObjectSerializer.NAME] = JsonObjectSerializer


class JsonSerializer(Serializer):
    """WAMP over JSON (``wamp.2.json``, RawSocket serializer 1)."""

    SERIALIZER_ID = "json"
    RAWSOCKET_SERIALIZER_ID = 1
    PAYLOAD_SERIALIZER_ID = "json"
    MIME_TYPE = "application/json"

    def __init__(self, batched=False, use_binary_hex_encoding=False, use_decimal_from_str=False):
        Serializer.__init__(
            self,
            JsonObjectSerializer(
                batched=batched,
                use_binary_hex_encoding=use_binary_hex_encoding,
                use_decimal_from_str=use_decimal_from_str,
            ),
        )
        if batched:
            self.SERIALIZER_ID = "json.batched"


SERID_TO_SER[JsonSerializer.SERIALIZER_ID] = JsonSerializer


# --- MessagePack ---


class MsgPackObjectSerializer(_BinaryObjectSerializer):
    """MessagePack (str as UTF-8 ``str``, bytes as ``bin``)."""

    NAME = "msgpack"
    MSGPACK_MODULE = _ModuleAttribute("msgpack")
    BINARY = True

    def __init__(self, batched=False):
        import msgpack

        _BinaryObjectSerializer.__init__(self, batched)
        self._packer = msgpack.Packer(use_bin_type=True)
        self._unpackb = msgpack.unpackb
        cls = type(self)
        plain = cls._dumps is MsgPackObjectSerializer._dumps and cls._loads is MsgPackObjectSerializer._loads
        if not batched and plain:
            # one message per payload: straight to the C extension, two Python calls less per message
            unpackb = msgpack.unpackb

            def unserialize(payload):
                return [unpackb(payload, raw=False, strict_map_key=False)]

            self.serialize = self._packer.pack
            self.unserialize = unserialize

    def _dumps(self, obj):
        return self._packer.pack(obj)

    def _loads(self, data):
        return self._unpackb(data, raw=False, strict_map_key=False)


class MsgPackSerializer(Serializer):
    """WAMP over MessagePack (``wamp.2.msgpack``, RawSocket serializer 2)."""

    SERIALIZER_ID = "msgpack"
    RAWSOCKET_SERIALIZER_ID = 2
    PAYLOAD_SERIALIZER_ID = "msgpack"
    MIME_TYPE = "application/x-msgpack"

    def __init__(self, batched=False):
        Serializer.__init__(self, MsgPackObjectSerializer(batched=batched))
        if batched:
            self.SERIALIZER_ID = "msgpack.batched"


# --- CBOR ---


class CBORObjectSerializer(_BinaryObjectSerializer):
    """CBOR (RFC 8949)."""

    NAME = "cbor"
    CBOR_MODULE = _ModuleAttribute("cbor2")
    BINARY = True

    def __init__(self, batched=False):
        import cbor2

        _BinaryObjectSerializer.__init__(self, batched)
        self._dumps_impl = cbor2.dumps
        self._loads_impl = cbor2.loads

    def _dumps(self, obj):
        return self._dumps_impl(obj)

    def _loads(self, data):
        return self._loads_impl(data)


class CBORSerializer(Serializer):
    """WAMP over CBOR (``wamp.2.cbor``, RawSocket serializer 3)."""

    SERIALIZER_ID = "cbor"
    RAWSOCKET_SERIALIZER_ID = 3
    PAYLOAD_SERIALIZER_ID = "cbor"
    MIME_TYPE = "application/cbor"

    def __init__(self, batched=False):
        Serializer.__init__(self, CBORObjectSerializer(batched=batched))
        if batched:
            self.SERIALIZER_ID = "cbor.batched"


# --- UBJSON ---


class UBJSONObjectSerializer(_BinaryObjectSerializer):
    """UBJSON as autobahn 26.10 and Crossbar.io speak it: through ``bjdata`` (whose
    encoding, little-endian BJData, is what peers of that generation expect)."""

    NAME = "ubjson"
    UBJSON_MODULE = _ModuleAttribute("bjdata")
    BINARY = True

    def __init__(self, batched=False):
        import bjdata

        _BinaryObjectSerializer.__init__(self, batched)
        self._dumpb = bjdata.dumpb
        self._loadb = bjdata.loadb

    def _dumps(self, obj):
        return self._dumpb(obj)

    def _loads(self, data):
        return self._loadb(bytes(data))


class UBJSONSerializer(Serializer):
    """WAMP over UBJSON (``wamp.2.ubjson``, RawSocket serializer 4)."""

    SERIALIZER_ID = "ubjson"
    RAWSOCKET_SERIALIZER_ID = 4
    PAYLOAD_SERIALIZER_ID = "ubjson"
    MIME_TYPE = "application/ubjson"

    def __init__(self, batched=False):
        Serializer.__init__(self, UBJSONObjectSerializer(batched=batched))
        if batched:
            self.SERIALIZER_ID = "ubjson.batched"


# --- FlatBuffers ---


class FlatBuffersObjectSerializer(_BinaryObjectSerializer):
    """WAMP-FlatBuffers: message objects to and from the tables of ``flatbuffers/wamp.fbs``
    (application payload inside them encoded by the transport serializer's payload serializer)."""

    NAME = "flatbuffers"
    FLATBUFFERS_MODULE = _ModuleAttribute("autobahn.flatbuffers")  # as autobahn: its FlatBuffers runtime
    BINARY = True
    # FlatBuffers union tag -> message class (the tags are the WAMP codes; 37: EVENT_RECEIVED)
    MESSAGE_TYPE_MAP = {
        (37 if cls is message.EventReceived else cls.MESSAGE_TYPE): cls for cls in message.Message.__subclasses__()
    }

    def __init__(self, batched=False):
        from autobahn.wamp import message_fbs

        _BinaryObjectSerializer.__init__(self, batched)
        self._message_fbs = message_fbs
        self._parent_serializer = None

    def _dumps(self, obj):
        if not isinstance(obj, message.Message):
            raise SerializationError(f"WAMP-FlatBuffers serializes WAMP messages, not {type(obj).__name__}")
        return self._message_fbs.build_message(obj, self._parent_serializer)

    def _loads(self, data):
        return self._message_fbs.parse_message(data, self._parent_serializer)


class FlatBuffersSerializer(Serializer):
    """WAMP over FlatBuffers (``wamp.2.flatbuffers``, RawSocket serializer 5).

    :param payload_serializer: the serializer ID for ``args``/``kwargs`` inside the tables.
    """

    SERIALIZER_ID = "flatbuffers"
    RAWSOCKET_SERIALIZER_ID = 5
    MIME_TYPE = "application/x-flatbuffers"

    def __init__(self, batched=False, payload_serializer="cbor"):
        Serializer.__init__(self, FlatBuffersObjectSerializer(batched=batched))
        if batched:
            self.SERIALIZER_ID = "flatbuffers.batched"
        if payload_serializer not in SERID_TO_OBJSER or payload_serializer == "flatbuffers":
            available = sorted(k for k in SERID_TO_OBJSER if k != "flatbuffers")
            raise ValueError(f"Unknown payload serializer '{payload_serializer}'. Available: {available}")
        self._payload_serializer_id = payload_serializer
        self._payload_serializer = SERID_TO_OBJSER[payload_serializer]()

    @property
    def PAYLOAD_SERIALIZER_ID(self):
        """The serializer ID of ``args``/``kwargs`` inside the FlatBuffers tables."""
        return self._payload_serializer_id


# Serializer classes whose library is missing are not importable (as in autobahn); the
# ImportError says which package and which extra bring it.
_OPTIONAL = [
    ("msgpack", MsgPackObjectSerializer, MsgPackSerializer),
    ("cbor2", CBORObjectSerializer, CBORSerializer),
    ("bjdata", UBJSONObjectSerializer, UBJSONSerializer),
    # details dicts (authextra, ...) travel as CBOR inside the FlatBuffers tables
    ("cbor2", FlatBuffersObjectSerializer, FlatBuffersSerializer),
]
_MISSING: dict[str, str] = {}
for _module, _objser, _ser in _OPTIONAL:
    if _installed(_module):
        SERID_TO_OBJSER[_objser.NAME] = _objser
        SERID_TO_SER[_ser.SERIALIZER_ID] = _ser
    else:
        for _cls in (_objser, _ser):
            _MISSING[_cls.__name__] = _module
            del globals()[_cls.__name__]
            __all__.remove(_cls.__name__)
del _module, _objser, _ser


def __getattr__(name: str):
    if name in _MISSING:
        raise ImportError(f"autobahn.wamp.serializer.{name} needs the '{_MISSING[name]}' package: {_EXTRA_HINT}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# Register with the abstract interfaces where the session layer defines them.
try:
    _interfaces = importlib.import_module("autobahn.wamp.interfaces")
    IObjectSerializer, ISerializer = _interfaces.IObjectSerializer, _interfaces.ISerializer
    IMessage = _interfaces.IMessage
except (ImportError, AttributeError):
    pass
else:
    for _name, _cls in list(globals().items()):
        if isinstance(_cls, type) and _name.endswith("ObjectSerializer"):
            IObjectSerializer.register(_cls)
        elif isinstance(_cls, type) and issubclass(_cls, Serializer) and _cls is not Serializer:
            ISerializer.register(_cls)


def create_transport_serializer(serializer_id):
    """A transport serializer for an ID such as ``"json"`` or ``"cbor.batched"``."""
    base_id, _, variant = serializer_id.partition(".")
    batched = variant == "batched"
    if base_id in SERID_TO_SER:
        return SERID_TO_SER[base_id](batched=batched)
    if base_id in ("msgpack", "cbor", "ubjson", "flatbuffers"):
        raise ImportError(f'serializer "{base_id}" is not installed: {_EXTRA_HINT}')
    raise RuntimeError(f'could not create serializer for "{serializer_id}" (available: {sorted(SERID_TO_SER)})')


def create_transport_serializers(transport):
    """The transport serializers for the IDs in ``transport.serializers``."""
    return [create_transport_serializer(serializer_id) for serializer_id in transport.serializers]
