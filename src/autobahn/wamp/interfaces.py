"""The abstract interfaces of autobahn's WAMP layer.

They document the contracts between the pieces (serializers, transports, sessions,
authenticators, keys) and let code check them with ``isinstance``; the concrete classes in
``autobahn.wamp`` and the framework modules implement (or are registered with) them.
"""

from __future__ import annotations

import abc
from collections.abc import Callable
from typing import Any

from autobahn.util import public  # noqa: F401 (autobahn 26.11.1 has it here)
from autobahn.wamp.message import Message, Welcome  # noqa: F401 (Message: autobahn 26.11.1 has it here)
from autobahn.wamp.request import Publication, Registration, Subscription
from autobahn.wamp.types import (
    CallResult,
    Challenge,
    CloseDetails,
    ComponentConfig,
    RegisterOptions,
    SessionDetails,
    SubscribeOptions,
    TransportDetails,
)

__all__ = (
    "IAuthenticator",
    "ICryptosignKey",
    "IEthereumKey",
    "IKey",
    "IMessage",
    "IObjectSerializer",
    "IPayloadCodec",
    "ISecurityModule",
    "ISerializer",
    "ISession",
    "ITransport",
    "ITransportHandler",
)


class IObjectSerializer(abc.ABC):
    """Turns Python objects into bytes and back (JSON, MessagePack, CBOR, UBJSON, ...)."""

    @property
    @abc.abstractmethod
    def NAME(self) -> str:
        """Short name of the format, e.g. ``"json"``."""

    @property
    @abc.abstractmethod
    def BINARY(self) -> bool:
        """True when the format is binary (WebSocket binary messages)."""

    @abc.abstractmethod
    def serialize(self, obj: Any) -> bytes:
        """One object to bytes."""

    @abc.abstractmethod
    def unserialize(self, payload: bytes) -> list[Any]:
        """Bytes to the list of objects they contain (more than one when batched)."""


class ISerializer(abc.ABC):
    """Turns WAMP messages into bytes and back, on top of an :class:`IObjectSerializer`."""

    @property
    @abc.abstractmethod
    def MESSAGE_TYPE_MAP(self) -> dict[int, IMessage]:
        """WAMP message type code to message class."""

    @property
    @abc.abstractmethod
    def SERIALIZER_ID(self) -> str:
        """The WebSocket subprotocol suffix, e.g. ``"json"`` in ``wamp.2.json``."""

    @property
    @abc.abstractmethod
    def RAWSOCKET_SERIALIZER_ID(self) -> int:
        """The serializer number in the RawSocket handshake."""

    @property
    @abc.abstractmethod
    def PAYLOAD_SERIALIZER_ID(self) -> str:
        """The name used for payload transparency (``enc_serializer``)."""

    @property
    @abc.abstractmethod
    def MIME_TYPE(self) -> str:
        """The MIME type of the format."""

    @abc.abstractmethod
    def serialize(self, message: IMessage) -> tuple[bytes, bool]:
        """A message to ``(bytes, is_binary)``."""

    @abc.abstractmethod
    def unserialize(self, payload: bytes, is_binary: bool | None = None) -> list[IMessage]:
        """Bytes to messages; raises ``ProtocolError`` for anything that is not a valid WAMP message."""


class IMessage(abc.ABC):
    """One WAMP message."""

    @property
    @abc.abstractmethod
    def MESSAGE_TYPE(self) -> int:
        """The WAMP message type code."""

    @staticmethod
    @abc.abstractmethod
    def parse(wmsg) -> IMessage:
        """The message from its unserialized list form; ``ProtocolError`` when malformed."""

    @abc.abstractmethod
    def serialize(self, serializer: ISerializer) -> bytes:
        """The message's bytes in ``serializer``'s format (cached per serializer)."""

    @abc.abstractmethod
    def uncache(self):
        """Drop the cached serializations."""


class ITransport(abc.ABC):
    """A WAMP transport: a connection that carries whole WAMP messages."""

    @abc.abstractmethod
    def send(self, message: IMessage):
        """Send a message (serialized by the transport's serializer)."""

    @abc.abstractmethod
    def isOpen(self) -> bool:
        """True while messages can be sent."""

    @property
    @abc.abstractmethod
    def transport_details(self) -> TransportDetails | None:
        """What is known about the connection (peer, kind, framing, ...)."""

    @abc.abstractmethod
    def close(self):
        """Close the transport cleanly."""

    @abc.abstractmethod
    def abort(self):
        """Drop the transport at once."""


class ITransportHandler(abc.ABC):
    """What a transport drives: usually a WAMP session."""

    @abc.abstractmethod
    def onOpen(self, transport: ITransport):
        """The transport is open and ready to send."""

    @abc.abstractmethod
    def onMessage(self, message: IMessage):
        """A message arrived."""

    @abc.abstractmethod
    def onClose(self, wasClean: bool):
        """The transport closed (``wasClean``: by a closing handshake)."""


class _ABC(abc.ABC):  # noqa: B024 - only gives ISession an abc_register that ISession.register cannot shadow
    abc_register = abc.ABC.register


class ISession(_ABC):
    """A WAMP session: joins a realm over a transport, then calls, registers, publishes and subscribes."""

    @property
    @abc.abstractmethod
    def config(self) -> ComponentConfig:
        """The component configuration the session was created with."""

    @property
    @abc.abstractmethod
    def transport(self) -> ITransport | None:
        """The WAMP transport while connected, else None."""

    @property
    @abc.abstractmethod
    def session_details(self) -> SessionDetails | None:
        """Details of the joined session, else None."""

    @abc.abstractmethod
    def onUserError(self, fail, msg):
        """User code (a handler, an endpoint, a callback) raised: log it (override to do more)."""

    @abc.abstractmethod
    def onConnect(self):
        """The transport is connected; the default joins ``config.realm``."""

    @abc.abstractmethod
    def join(
        self,
        realm: str,
        authmethods: list[str] | None = None,
        authid: str | None = None,
        authrole: str | None = None,
        authextra: dict[str, Any] | None = None,
        resumable: bool | None = None,
        resume_session: int | None = None,
        resume_token: str | None = None,
    ):
        """Send HELLO to join ``realm``."""

    @abc.abstractmethod
    def onChallenge(self, challenge: Challenge) -> str:
        """The router asks to authenticate: return the signature (or a future of it)."""

    @abc.abstractmethod
    def onWelcome(self, welcome: Welcome) -> str | None:
        """WELCOME arrived: return None to accept it, or a reason string to abort the session."""

    @abc.abstractmethod
    def onJoin(self, details: SessionDetails):
        """The session joined a realm."""

    @abc.abstractmethod
    def leave(self, reason: str | None = None, message: str | None = None):
        """Send GOODBYE to leave the realm."""

    @abc.abstractmethod
    def onLeave(self, details: CloseDetails):
        """The session left the realm (GOODBYE, ABORT or a lost transport)."""

    @abc.abstractmethod
    def disconnect(self):
        """Close the transport."""

    @abc.abstractmethod
    def onDisconnect(self):
        """The transport closed."""

    @abc.abstractmethod
    def is_connected(self) -> bool:
        """True while the transport is open."""

    @abc.abstractmethod
    def is_attached(self) -> bool:
        """True while joined to a realm."""

    @abc.abstractmethod
    def set_payload_codec(self, payload_codec: IPayloadCodec | None):
        """Set (or clear) the payload codec for end-to-end encrypted payloads."""

    @abc.abstractmethod
    def get_payload_codec(self) -> IPayloadCodec | None:
        """The payload codec in use, if any."""

    @abc.abstractmethod
    def define(self, exception: Exception, error: str | None = None):
        """Map an exception class to a WAMP error URI (both directions)."""

    @abc.abstractmethod
    def call(self, procedure: str, *args, **kwargs) -> Any | CallResult:
        """Call a procedure; returns a future of its result (``options=CallOptions(...)`` in kwargs)."""

    @abc.abstractmethod
    def register(
        self,
        endpoint: Callable | Any,
        procedure: str | None = None,
        options: RegisterOptions | None = None,
        prefix: str | None = None,
        check_types: bool | None = None,
    ) -> Registration | list[Registration]:
        """Register a callable (or an object's decorated methods); returns a future."""

    @abc.abstractmethod
    def publish(self, topic: str, *args, **kwargs) -> Publication | None:
        """Publish an event; returns a future of the Publication when acknowledged, else None."""

    @abc.abstractmethod
    def subscribe(
        self,
        handler: Callable | Any,
        topic: str | None = None,
        options: SubscribeOptions | None = None,
        check_types: bool | None = None,
    ) -> Subscription | list[Subscription]:
        """Subscribe a callable (or an object's decorated methods); returns a future."""


class IAuthenticator(abc.ABC):
    """Client side of one WAMP authentication method."""

    @abc.abstractmethod
    def on_challenge(self, session: ISession, challenge: Challenge):
        """Answer the router's CHALLENGE (the signature string, or a future of it)."""

    @abc.abstractmethod
    def on_welcome(self, authextra: dict[str, Any] | None) -> str | None:
        """Check WELCOME's authextra (mutual authentication): None if fine, else an error message."""


class IKey(abc.ABC):
    """A signing key, possibly held by a security module."""

    @property
    @abc.abstractmethod
    def security_module(self) -> ISecurityModule | None:
        """The security module holding the key, if any."""

    @property
    @abc.abstractmethod
    def key_no(self) -> int | None:
        """The key's number in its security module, if any."""

    @property
    @abc.abstractmethod
    def key_type(self) -> str:
        """``"cryptosign"`` or ``"ethereum"``."""

    @abc.abstractmethod
    def public_key(self, binary: bool = False) -> str | bytes:
        """The public key, hex-encoded or raw."""

    @abc.abstractmethod
    def can_sign(self) -> bool:
        """True when the private key is available."""

    @abc.abstractmethod
    def sign(self, data: bytes) -> bytes:
        """Sign ``data``."""

    @abc.abstractmethod
    def recover(self, data: bytes, signature: bytes) -> bytes:
        """The signer's public key from a signature, where the scheme allows it."""


class ICryptosignKey(IKey):
    """An Ed25519 key for WAMP-cryptosign."""

    @abc.abstractmethod
    def sign_challenge(
        self, challenge: Challenge, channel_id: bytes | None = None, channel_id_type: str | None = None
    ) -> bytes:
        """Sign a WAMP-cryptosign challenge (optionally bound to the TLS channel)."""

    @abc.abstractmethod
    def verify_challenge(
        self,
        challenge: Challenge,
        signature: bytes,
        channel_id: bytes | None = None,
        channel_id_type: str | None = None,
    ) -> bool:
        """Check a signed WAMP-cryptosign challenge."""


class IEthereumKey(IKey):
    """A secp256k1 key with an Ethereum address."""

    @abc.abstractmethod
    def address(self, binary: bool = False) -> str | bytes:
        """The Ethereum address of the key."""

    @abc.abstractmethod
    def sign_typed_data(self, data: dict[str, Any]) -> bytes:
        """Sign EIP-712 typed data."""

    @abc.abstractmethod
    def verify_typed_data(self, data: dict[str, Any], signature: bytes, signer_address: str | bytes) -> bool:
        """Check an EIP-712 signature."""


class ISecurityModule(abc.ABC):
    """A store of keys and counters (e.g. a hardware token), indexed by key number."""

    @abc.abstractmethod
    def __len__(self) -> int:
        """How many keys it holds."""

    @abc.abstractmethod
    def __contains__(self, key_no: int) -> bool:
        """True when a key with that number exists."""

    @abc.abstractmethod
    def __getitem__(self, key_no: int) -> ICryptosignKey | IEthereumKey:
        """The key with that number."""

    @abc.abstractmethod
    def __setitem__(self, key_no: int, key: ICryptosignKey | IEthereumKey) -> None:
        """Store a key under a number."""

    @abc.abstractmethod
    def __delitem__(self, key_no: int) -> None:
        """Remove a key."""

    @abc.abstractmethod
    def open(self):
        """Open the module."""

    @abc.abstractmethod
    def close(self):
        """Close the module."""

    @property
    @abc.abstractmethod
    def is_open(self) -> bool:
        """True while open."""

    @property
    @abc.abstractmethod
    def can_lock(self) -> bool:
        """True when the module can be locked."""

    @property
    @abc.abstractmethod
    def is_locked(self) -> bool:
        """True while locked."""

    @abc.abstractmethod
    def lock(self):
        """Lock the module."""

    @abc.abstractmethod
    def unlock(self):
        """Unlock the module."""

    @abc.abstractmethod
    def create_key(self, key_type: str) -> int:
        """Create a key; returns its number."""

    @abc.abstractmethod
    def delete_key(self, key_no: int):
        """Delete a key."""

    @abc.abstractmethod
    def get_random(self, octets: int) -> bytes:
        """Random bytes from the module."""

    @abc.abstractmethod
    def get_counter(self, counter_no: int) -> int:
        """A counter's value."""

    @abc.abstractmethod
    def increment_counter(self, counter_no: int) -> int:
        """Increment a counter; returns the new value."""


class IPayloadCodec(abc.ABC):
    """Encodes and decodes application payloads for WAMP payload transparency (end-to-end encryption)."""

    @abc.abstractmethod
    def encode(self, is_originating, uri, args=None, kwargs=None):
        """``(uri, args, kwargs)`` to an ``EncodedPayload``, or None to send in the clear."""

    @abc.abstractmethod
    def decode(self, is_originating, uri, encoded_payload):
        """An ``EncodedPayload`` to ``(uri, args, kwargs)``."""
