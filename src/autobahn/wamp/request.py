"""What a session keeps for its subscriptions, registrations and outstanding requests."""

from __future__ import annotations

from typing import Any

__all__ = (
    "CallRequest",
    "Endpoint",
    "Handler",
    "InvocationRequest",
    "Publication",
    "PublishRequest",
    "RegisterRequest",
    "Registration",
    "SubscribeRequest",
    "Subscription",
    "UnregisterRequest",
    "UnsubscribeRequest",
)


class Publication:
    """The router's receipt for an acknowledged publish."""

    __slots__ = ("id", "was_encrypted")

    def __init__(self, publication_id: int, was_encrypted: bool):
        self.id = publication_id
        self.was_encrypted = was_encrypted

    def __str__(self) -> str:
        return f"Publication(id={self.id}, was_encrypted={self.was_encrypted})"


class Subscription:
    """One handler subscribed to a topic; several handlers may share one router subscription ``id``."""

    __slots__ = ("id", "topic", "active", "session", "handler")

    def __init__(self, subscription_id: int, topic: str, session: Any, handler: Handler):
        self.id = subscription_id
        self.topic = topic
        self.active = True
        self.session = session
        self.handler = handler

    def unsubscribe(self):
        """Remove this handler; the router subscription goes when its last handler does. Returns a future."""
        if not self.active:
            raise Exception("subscription no longer active")
        return self.session._unsubscribe(self)

    def __str__(self) -> str:
        return f"Subscription(id={self.id}, is_active={self.active})"


class Handler:
    """An event handler: the function, the object it is bound to (or None), the keyword for EventDetails."""

    __slots__ = ("fn", "obj", "details_arg")

    def __init__(self, fn, obj=None, details_arg: str | None = None):
        self.fn = fn
        self.obj = obj
        self.details_arg = details_arg


class Registration:
    """A procedure registered by this session."""

    __slots__ = ("id", "active", "session", "procedure", "endpoint")

    def __init__(self, session: Any, registration_id: int, procedure: str, endpoint: Endpoint):
        self.id = registration_id
        self.active = True
        self.session = session
        self.procedure = procedure
        self.endpoint = endpoint

    def unregister(self):
        """Unregister the procedure. Returns a future."""
        if not self.active:
            raise Exception("registration no longer active")
        return self.session._unregister(self)

    def __str__(self) -> str:
        return f'Registration(id={self.id}, is_active={self.active}, procedure="{self.procedure}")'


class Endpoint:
    """A procedure endpoint: the function, the object it is bound to (or None), the keyword for CallDetails."""

    __slots__ = ("fn", "obj", "details_arg")

    def __init__(self, fn, obj=None, details_arg: str | None = None):
        self.fn = fn
        self.obj = obj
        self.details_arg = details_arg


class Request:
    """A request waiting for the router's answer; ``on_reply`` is the future given to the caller."""

    __slots__ = ("request_id", "on_reply")

    def __init__(self, request_id: int, on_reply):
        self.request_id = request_id
        self.on_reply = on_reply


class PublishRequest(Request):
    """An acknowledged publish waiting for PUBLISHED."""

    __slots__ = ("was_encrypted",)

    def __init__(self, request_id: int, on_reply, was_encrypted: bool):
        super().__init__(request_id, on_reply)
        self.was_encrypted = was_encrypted


class SubscribeRequest(Request):
    """A SUBSCRIBE waiting for SUBSCRIBED."""

    __slots__ = ("handler", "topic")

    def __init__(self, request_id: int, topic: str, on_reply, handler: Handler):
        super().__init__(request_id, on_reply)
        self.topic = topic
        self.handler = handler


class UnsubscribeRequest(Request):
    """An UNSUBSCRIBE waiting for UNSUBSCRIBED."""

    __slots__ = ("subscription_id",)

    def __init__(self, request_id: int, on_reply, subscription_id: int):
        super().__init__(request_id, on_reply)
        self.subscription_id = subscription_id


class CallRequest(Request):
    """A CALL waiting for its RESULT (progressive results go to ``options.on_progress``)."""

    __slots__ = ("procedure", "options")

    def __init__(self, request_id: int, procedure: str, on_reply, options):
        super().__init__(request_id, on_reply)
        self.procedure = procedure
        self.options = options


class InvocationRequest(Request):
    """An INVOCATION being run by one of our endpoints; ``on_reply`` is the endpoint's future."""

    __slots__ = ()


class RegisterRequest(Request):
    """A REGISTER waiting for REGISTERED."""

    __slots__ = ("procedure", "endpoint")

    def __init__(self, request_id: int, on_reply, procedure: str, endpoint: Endpoint):
        super().__init__(request_id, on_reply)
        self.procedure = procedure
        self.endpoint = endpoint


class UnregisterRequest(Request):
    """An UNREGISTER waiting for UNREGISTERED."""

    __slots__ = ("registration_id",)

    def __init__(self, request_id: int, on_reply, registration_id: int):
        super().__init__(request_id, on_reply)
        self.registration_id = registration_id
