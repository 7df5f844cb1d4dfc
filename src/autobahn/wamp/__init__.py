"""WAMP, the Web Application Messaging Protocol: RPC and PubSub between application components.

The names applications use most are importable from here.
"""

from autobahn.wamp.exception import (
    ApplicationError,
    Error,
    InvalidUri,
    ProtocolError,
    SerializationError,
    SessionNotReady,
    TransportLost,
)
from autobahn.wamp.interfaces import ISession
from autobahn.wamp.types import (
    CallDetails,
    CallOptions,
    CallResult,
    CloseDetails,
    ComponentConfig,
    EventDetails,
    PublishOptions,
    RegisterOptions,
    SessionDetails,
    SubscribeOptions,
)
from autobahn.wamp.uri import error, register, subscribe

__all__ = (
    "ApplicationError",
    "CallDetails",
    "CallOptions",
    "CallResult",
    "CloseDetails",
    "ComponentConfig",
    "Error",
    "EventDetails",
    "ISession",
    "InvalidUri",
    "ProtocolError",
    "PublishOptions",
    "RegisterOptions",
    "SerializationError",
    "SessionDetails",
    "SessionNotReady",
    "SubscribeOptions",
    "TransportLost",
    "error",
    "register",
    "subscribe",
)
