"""WAMP exceptions: local failures (``Error`` and its subclasses) and application errors
(``ApplicationError``), which travel between peers as WAMP ERROR messages with an error URI."""

from __future__ import annotations

from autobahn.wamp.uri import error

__all__ = (
    "ApplicationError",
    "Error",
    "InvalidPayload",
    "InvalidUri",
    "InvalidUriError",
    "NotAuthorized",
    "ProtocolError",
    "SerializationError",
    "SessionNotReady",
    "TransportLost",
    "TypeCheckError",
)


class Error(RuntimeError):
    """Base class for every WAMP failure raised locally."""


class SessionNotReady(Error):
    """An action needs a joined session, and the session has not joined (or has left)."""


class SerializationError(Error):
    """A value cannot be serialized or unserialized by the chosen serializer."""


class InvalidUriError(Error):
    """A string is not a valid WAMP URI (or realm name)."""


class ProtocolError(Error):
    """A peer broke the WAMP protocol, e.g. sent a malformed message; the message names the field."""


class TransportLost(Error):
    """The transport underneath the session went away."""


class ApplicationError(Error):
    """An error reported by (or to) the application, carried as a WAMP ERROR message.

    ``error`` is the error URI; positional and keyword arguments are the error's payload.
    The keyword arguments ``enc_algo``, ``callee``, ``callee_authid``, ``callee_authrole``
    and ``forward_for`` are metadata and are taken out of the payload.
    """

    # The standard error URIs of the WAMP specification (and Crossbar.io's additions).
    INVALID_URI = "wamp.error.invalid_uri"
    INVALID_PAYLOAD = "wamp.error.invalid_payload"
    PAYLOAD_SIZE_EXCEEDED = "wamp.error.payload_size_exceeded"
    NO_SUCH_PROCEDURE = "wamp.error.no_such_procedure"
    PROCEDURE_ALREADY_EXISTS = "wamp.error.procedure_already_exists"
    PROCEDURE_EXISTS_INVOCATION_POLICY_CONFLICT = "wamp.error.procedure_exists_with_different_invocation_policy"
    NO_SUCH_REGISTRATION = "wamp.error.no_such_registration"
    NO_SUCH_SUBSCRIPTION = "wamp.error.no_such_subscription"
    NO_SUCH_SESSION = "wamp.error.no_such_session"
    INVALID_ARGUMENT = "wamp.error.invalid_argument"
    SYSTEM_SHUTDOWN = "wamp.error.system_shutdown"
    CLOSE_REALM = "wamp.error.close_realm"
    GOODBYE_AND_OUT = "wamp.error.goodbye_and_out"
    NOT_AUTHORIZED = "wamp.error.not_authorized"
    AUTHORIZATION_FAILED = "wamp.error.authorization_failed"
    AUTHENTICATION_FAILED = "wamp.error.authentication_failed"
    NO_AUTH_METHOD = "wamp.error.no_auth_method"
    NO_SUCH_REALM = "wamp.error.no_such_realm"
    NO_SUCH_ROLE = "wamp.error.no_such_role"
    NO_SUCH_PRINCIPAL = "wamp.error.no_such_principal"
    CANCELED = "wamp.error.canceled"
    TIMEOUT = "wamp.error.timeout"
    NO_ELIGIBLE_CALLEE = "wamp.error.no_eligible_callee"
    ENC_NO_PAYLOAD_CODEC = "wamp.error.no_payload_codec"
    ENC_TRUSTED_URI_MISMATCH = "wamp.error.encryption.trusted_uri_mismatch"
    ENC_DECRYPT_ERROR = "wamp.error.encryption.decrypt_error"
    TYPE_CHECK_ERROR = "wamp.error.type_check_error"

    def __init__(self, error, *args, **kwargs):
        Exception.__init__(self, *args)
        self.error = error
        self.enc_algo = kwargs.pop("enc_algo", None)
        self.callee = kwargs.pop("callee", None)
        self.callee_authid = kwargs.pop("callee_authid", None)
        self.callee_authrole = kwargs.pop("callee_authrole", None)
        self.forward_for = kwargs.pop("forward_for", None)
        self.kwargs = kwargs

    def error_message(self):
        """The error URI followed by the positional arguments, as one line."""
        return "{}: {}".format(self.error, " ".join(str(a) for a in self.args))

    def __unicode__(self):
        kwargs = self.kwargs
        trailer = ""
        if kwargs and "traceback" in kwargs:
            # A remote traceback is shown after the summary, not inside the kwargs dict.
            kwargs = dict(kwargs)
            trailer = ":\n" + str(kwargs.pop("traceback")) + "\n"
            kwargs["traceback"] = "..."
        return (
            f"ApplicationError(error=<{self.error}>, args={list(self.args)}, kwargs={kwargs}, "
            f"enc_algo={self.enc_algo}, callee={self.callee}, callee_authid={self.callee_authid}, "
            f"callee_authrole={self.callee_authrole}, forward_for={self.forward_for}){trailer}"
        )

    def __str__(self):
        return self.__unicode__()


@error(ApplicationError.NOT_AUTHORIZED)
class NotAuthorized(Exception):
    """Not authorized to perform the action (maps to ``wamp.error.not_authorized``)."""


@error(ApplicationError.INVALID_URI)
class InvalidUri(Exception):
    """The URI given for an action is invalid (maps to ``wamp.error.invalid_uri``)."""


@error(ApplicationError.INVALID_PAYLOAD)
class InvalidPayload(Exception):
    """The payload of an action is invalid (maps to ``wamp.error.invalid_payload``)."""


class TypeCheckError(ApplicationError):
    """Arguments of a call or event failed the endpoint's type check (``wamp.error.type_check_error``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(ApplicationError.TYPE_CHECK_ERROR, *args, **kwargs)


# Names autobahn 26.11.1 also has here (programs import them from this module).
from autobahn.util import public  # noqa: E402, F401
