"""The FlatBuffers table classes autobahn's ``autobahn.wamp.message_fbs`` has (re-exported
there): ``Event``, ``Publish``, ``Error``, ``Call``, ``Result``, ``Invocation``, ``Yield`` — the
generated readers of ``autobahn.wamp.gen`` plus zero-copy accessors of the payload vectors
(``ArgsAsBytes()``, ``KwargsAsBytes()``, ``PayloadAsBytes()``: a memoryview into the buffer,
None when the field is absent) — the generated modules under autobahn's ``*Gen`` names, and the
schema's enums (``MessageType``, ``Match``, ``InvocationPolicy``, ``CancelMode``).

Field positions come from the compiled schema (``wamp.bfbs``), not from constants.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from autobahn.flatbuffers import encode, load_schema, packer
from autobahn.wamp.flatbuffers import wamp_bfbs
from autobahn.wamp.gen.wamp.proto import Abort as AbortGen
from autobahn.wamp.gen.wamp.proto import Authenticate as AuthenticateGen
from autobahn.wamp.gen.wamp.proto import Call as CallGen
from autobahn.wamp.gen.wamp.proto import Cancel as CancelGen
from autobahn.wamp.gen.wamp.proto import Challenge as ChallengeGen
from autobahn.wamp.gen.wamp.proto import Error as ErrorGen
from autobahn.wamp.gen.wamp.proto import Event as EventGen
from autobahn.wamp.gen.wamp.proto import EventReceived as EventReceivedGen
from autobahn.wamp.gen.wamp.proto import Goodbye as GoodbyeGen
from autobahn.wamp.gen.wamp.proto import Hello as HelloGen
from autobahn.wamp.gen.wamp.proto import Interrupt as InterruptGen
from autobahn.wamp.gen.wamp.proto import Invocation as InvocationGen
from autobahn.wamp.gen.wamp.proto import Message
from autobahn.wamp.gen.wamp.proto import Publish as PublishGen
from autobahn.wamp.gen.wamp.proto import Published as PublishedGen
from autobahn.wamp.gen.wamp.proto import Register as RegisterGen
from autobahn.wamp.gen.wamp.proto import Registered as RegisteredGen
from autobahn.wamp.gen.wamp.proto import Result as ResultGen
from autobahn.wamp.gen.wamp.proto import Subscribe as SubscribeGen
from autobahn.wamp.gen.wamp.proto import Subscribed as SubscribedGen
from autobahn.wamp.gen.wamp.proto import Unregister as UnregisterGen
from autobahn.wamp.gen.wamp.proto import Unregistered as UnregisteredGen
from autobahn.wamp.gen.wamp.proto import Unsubscribe as UnsubscribeGen
from autobahn.wamp.gen.wamp.proto import Unsubscribed as UnsubscribedGen
from autobahn.wamp.gen.wamp.proto import Welcome as WelcomeGen
from autobahn.wamp.gen.wamp.proto import Yield as YieldGen
from autobahn.wamp.gen.wamp.proto.CancelMode import CancelMode
from autobahn.wamp.gen.wamp.proto.InvocationPolicy import InvocationPolicy
from autobahn.wamp.gen.wamp.proto.Match import Match
from autobahn.wamp.gen.wamp.proto.MessageType import MessageType


@cache
def _vtable_slot(table: str, field: str) -> int | None:
    """The vtable offset of ``field`` in ``wamp.proto.<table>``; None when the schema has no such field."""
    described = load_schema(wamp_bfbs()).objects[f"wamp.proto.{table}"].fields.get(field)
    return None if described is None else 4 + 2 * described.id


class _PayloadVectors:
    """Zero-copy access to the payload vectors of a generated message table."""

    __slots__ = ()
    _tab: Any
    _table: str  # the schema table, "Event", ...

    @classmethod
    def GetRootAs(cls, buf: Any, offset: int = 0) -> Any:
        """The table at the root of ``buf``, as this class."""
        table = cls()
        table.Init(buf, encode.Get(packer.uoffset, buf, offset) + offset)
        return table

    def _vector(self, field: str) -> memoryview | None:
        slot = _vtable_slot(self._table, field)
        at = self._tab.Offset(slot) if slot is not None else 0
        if not at:
            return None
        start = self._tab.Vector(at)
        return memoryview(self._tab.Bytes)[start : start + self._tab.VectorLen(at)]

    def ArgsAsBytes(self) -> memoryview | None:
        """The encoded positional arguments."""
        return self._vector("args")

    def KwargsAsBytes(self) -> memoryview | None:
        """The encoded keyword arguments."""
        return self._vector("kwargs")

    def PayloadAsBytes(self) -> memoryview | None:
        """The transparent payload."""
        return self._vector("payload")

    def EncKeyAsBytes(self) -> memoryview | None:
        """The payload's encryption key: this schema has no such vector (the key is named by
        ``ppt_keyid``), so always None."""
        return self._vector("enc_key")


class Event(_PayloadVectors, EventGen.Event):
    __slots__ = ()
    _table = "Event"
    GetRootAsEvent = classmethod(_PayloadVectors.GetRootAs.__func__)


class Publish(_PayloadVectors, PublishGen.Publish):
    __slots__ = ()
    _table = "Publish"
    GetRootAsPublish = classmethod(_PayloadVectors.GetRootAs.__func__)
    GetRootAsEvent = classmethod(_PayloadVectors.GetRootAs.__func__)  # autobahn's Publish has it under this name too


class Error(_PayloadVectors, ErrorGen.Error):
    __slots__ = ()
    _table = "Error"
    GetRootAsError = classmethod(_PayloadVectors.GetRootAs.__func__)


class Call(_PayloadVectors, CallGen.Call):
    __slots__ = ()
    _table = "Call"
    GetRootAsCall = classmethod(_PayloadVectors.GetRootAs.__func__)


class Result(_PayloadVectors, ResultGen.Result):
    __slots__ = ()
    _table = "Result"
    GetRootAsResult = classmethod(_PayloadVectors.GetRootAs.__func__)


class Invocation(_PayloadVectors, InvocationGen.Invocation):
    __slots__ = ()
    _table = "Invocation"
    GetRootAsInvocation = classmethod(_PayloadVectors.GetRootAs.__func__)


class Yield(_PayloadVectors, YieldGen.Yield):
    __slots__ = ()
    _table = "Yield"
    GetRootAsYield = classmethod(_PayloadVectors.GetRootAs.__func__)


__all__ = (
    "Event", "Publish", "Error", "Call", "Result", "Invocation", "Yield", "Message", "MessageType", "Match",
    "InvocationPolicy", "CancelMode", "HelloGen", "WelcomeGen", "AbortGen", "ChallengeGen", "AuthenticateGen",
    "GoodbyeGen", "SubscribeGen", "SubscribedGen", "UnsubscribeGen", "UnsubscribedGen", "PublishedGen",
    "RegisterGen", "RegisteredGen", "UnregisterGen", "UnregisteredGen", "EventReceivedGen", "CancelGen",
    "InterruptGen", "ErrorGen", "EventGen", "CallGen", "ResultGen", "InvocationGen", "YieldGen", "PublishGen",
)  # fmt: skip
