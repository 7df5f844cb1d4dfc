"""The features a WAMP peer announces per role in HELLO (client roles) and WELCOME (router roles).

Every feature is a flag: ``True``, ``False`` or ``None`` (not announced). Unknown features
given as keyword arguments are accepted and ignored, as peers may announce features this
version does not know.
"""

from __future__ import annotations

import json

from autobahn.wamp.exception import ProtocolError

__all__ = (
    "DEFAULT_CLIENT_ROLES",
    "ROLE_NAME_TO_CLASS",
    "RoleBrokerFeatures",
    "RoleCalleeFeatures",
    "RoleCallerFeatures",
    "RoleDealerFeatures",
    "RoleFeatures",
    "RolePublisherFeatures",
    "RoleSubscriberFeatures",
)


class RoleFeatures:
    """Base class of the per-role feature sets; compares equal by class and features."""

    ROLE: str | None = None

    def _features(self):
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}

    def __eq__(self, other):
        return isinstance(other, self.__class__) and self._features() == other._features()

    def __ne__(self, other):
        return not self.__eq__(other)

    def __str__(self):
        return json.dumps(self.__dict__)

    def __repr__(self):
        announced = ", ".join(f"{k}={v}" for k, v in self.__dict__.items() if v is not None)
        return f"{self.ROLE}({announced})"

    def _set_features(self, features: dict):
        for name, value in features.items():
            if value is not None and type(value) is not bool:
                raise ProtocolError(f"invalid type {value} for feature '{name}' for role '{self.ROLE}'")
            setattr(self, name, value)


class RoleBrokerFeatures(RoleFeatures):
    """Features of the router's broker role (PubSub)."""

    ROLE = "broker"

    def __init__(
        self,
        publisher_identification=None,
        publication_trustlevels=None,
        pattern_based_subscription=None,
        session_meta_api=None,
        subscription_meta_api=None,
        subscriber_blackwhite_listing=None,
        publisher_exclusion=None,
        subscription_revocation=None,
        event_history=None,
        payload_transparency=None,
        x_acknowledged_event_delivery=None,
        payload_encryption_cryptobox=None,
        event_retention=None,
        **kwargs,
    ):
        self._set_features(
            {
                "publisher_identification": publisher_identification,
                "publication_trustlevels": publication_trustlevels,
                "pattern_based_subscription": pattern_based_subscription,
                "session_meta_api": session_meta_api,
                "subscription_meta_api": subscription_meta_api,
                "subscriber_blackwhite_listing": subscriber_blackwhite_listing,
                "publisher_exclusion": publisher_exclusion,
                "subscription_revocation": subscription_revocation,
                "event_history": event_history,
                "payload_transparency": payload_transparency,
                "x_acknowledged_event_delivery": x_acknowledged_event_delivery,
                "payload_encryption_cryptobox": payload_encryption_cryptobox,
                "event_retention": event_retention,
            }
        )


class RoleSubscriberFeatures(RoleFeatures):
    """Features of a client's subscriber role."""

    ROLE = "subscriber"

    def __init__(
        self,
        publisher_identification=None,
        publication_trustlevels=None,
        pattern_based_subscription=None,
        subscription_revocation=None,
        event_history=None,
        payload_transparency=None,
        payload_encryption_cryptobox=None,
        **kwargs,
    ):
        self._set_features(
            {
                "publisher_identification": publisher_identification,
                "publication_trustlevels": publication_trustlevels,
                "pattern_based_subscription": pattern_based_subscription,
                "subscription_revocation": subscription_revocation,
                "event_history": event_history,
                "payload_transparency": payload_transparency,
                "payload_encryption_cryptobox": payload_encryption_cryptobox,
            }
        )


class RolePublisherFeatures(RoleFeatures):
    """Features of a client's publisher role."""

    ROLE = "publisher"

    def __init__(
        self,
        publisher_identification=None,
        subscriber_blackwhite_listing=None,
        publisher_exclusion=None,
        payload_transparency=None,
        x_acknowledged_event_delivery=None,
        payload_encryption_cryptobox=None,
        **kwargs,
    ):
        self._set_features(
            {
                "publisher_identification": publisher_identification,
                "subscriber_blackwhite_listing": subscriber_blackwhite_listing,
                "publisher_exclusion": publisher_exclusion,
                "payload_transparency": payload_transparency,
                "x_acknowledged_event_delivery": x_acknowledged_event_delivery,
                "payload_encryption_cryptobox": payload_encryption_cryptobox,
            }
        )


class RoleDealerFeatures(RoleFeatures):
    """Features of the router's dealer role (RPC)."""

    ROLE = "dealer"

    def __init__(
        self,
        caller_identification=None,
        call_trustlevels=None,
        pattern_based_registration=None,
        session_meta_api=None,
        registration_meta_api=None,
        shared_registration=None,
        call_timeout=None,
        call_canceling=None,
        progressive_call_results=None,
        registration_revocation=None,
        payload_transparency=None,
        testament_meta_api=None,
        payload_encryption_cryptobox=None,
        **kwargs,
    ):
        self._set_features(
            {
                "caller_identification": caller_identification,
                "call_trustlevels": call_trustlevels,
                "pattern_based_registration": pattern_based_registration,
                "session_meta_api": session_meta_api,
                "registration_meta_api": registration_meta_api,
                "shared_registration": shared_registration,
                "call_timeout": call_timeout,
                "call_canceling": call_canceling,
                "progressive_call_results": progressive_call_results,
                "registration_revocation": registration_revocation,
                "payload_transparency": payload_transparency,
                "testament_meta_api": testament_meta_api,
                "payload_encryption_cryptobox": payload_encryption_cryptobox,
            }
        )


class RoleCallerFeatures(RoleFeatures):
    """Features of a client's caller role."""

    ROLE = "caller"

    def __init__(
        self,
        caller_identification=None,
        call_timeout=None,
        call_canceling=None,
        progressive_call_results=None,
        payload_transparency=None,
        payload_encryption_cryptobox=None,
        **kwargs,
    ):
        self._set_features(
            {
                "caller_identification": caller_identification,
                "call_timeout": call_timeout,
                "call_canceling": call_canceling,
                "progressive_call_results": progressive_call_results,
                "payload_transparency": payload_transparency,
                "payload_encryption_cryptobox": payload_encryption_cryptobox,
            }
        )


class RoleCalleeFeatures(RoleFeatures):
    """Features of a client's callee role."""

    ROLE = "callee"

    def __init__(
        self,
        caller_identification=None,
        call_trustlevels=None,
        pattern_based_registration=None,
        shared_registration=None,
        call_timeout=None,
        call_canceling=None,
        progressive_call_results=None,
        registration_revocation=None,
        payload_transparency=None,
        payload_encryption_cryptobox=None,
        **kwargs,
    ):
        self._set_features(
            {
                "caller_identification": caller_identification,
                "call_trustlevels": call_trustlevels,
                "pattern_based_registration": pattern_based_registration,
                "shared_registration": shared_registration,
                "call_timeout": call_timeout,
                "call_canceling": call_canceling,
                "progressive_call_results": progressive_call_results,
                "registration_revocation": registration_revocation,
                "payload_transparency": payload_transparency,
                "payload_encryption_cryptobox": payload_encryption_cryptobox,
            }
        )


ROLE_NAME_TO_CLASS = {
    cls.ROLE: cls
    for cls in (
        RoleBrokerFeatures,
        RoleSubscriberFeatures,
        RolePublisherFeatures,
        RoleDealerFeatures,
        RoleCallerFeatures,
        RoleCalleeFeatures,
    )
}

# What a client session announces unless told otherwise.
DEFAULT_CLIENT_ROLES = {
    "subscriber": RoleSubscriberFeatures(
        publisher_identification=True,
        pattern_based_subscription=True,
        subscription_revocation=True,
        payload_transparency=True,
        payload_encryption_cryptobox=True,
    ),
    "publisher": RolePublisherFeatures(
        publisher_identification=True,
        subscriber_blackwhite_listing=True,
        publisher_exclusion=True,
        payload_transparency=True,
        x_acknowledged_event_delivery=True,
        payload_encryption_cryptobox=True,
    ),
    "caller": RoleCallerFeatures(
        caller_identification=True,
        progressive_call_results=True,
        payload_transparency=True,
        payload_encryption_cryptobox=True,
        call_canceling=True,
    ),
    "callee": RoleCalleeFeatures(
        caller_identification=True,
        pattern_based_registration=True,
        shared_registration=True,
        progressive_call_results=True,
        registration_revocation=True,
        payload_transparency=True,
        payload_encryption_cryptobox=True,
        call_canceling=True,
    ),
}


# Names autobahn 26.11.1 also has here (programs import them from this module).
from autobahn import util  # noqa: E402, F401
