"""URI patterns and the ``register``/``subscribe``/``error`` decorators.

A decorated function or exception class carries a list of :class:`Pattern` in its
``_wampuris`` attribute; ``ApplicationSession.register``/``subscribe`` (given an object)
and the session's error mapping read it.
"""

import re

from autobahn.wamp.types import RegisterOptions, SubscribeOptions

__all__ = ("Pattern", "convert_starred_uri", "error", "register", "subscribe")


def convert_starred_uri(uri: str):
    """Turn a URI with ``*`` into ``(uri, match)`` for WAMP pattern matching.

    No star: exact match. A single star at the end: prefix match on what comes before it.
    Anything else: wildcard match, each star becoming an empty component
    (``"com.*.foo.*.bar"`` -> ``("com..foo..bar", "wildcard")``).
    """
    assert type(uri) is str
    stars = uri.count("*")
    if stars == 0:
        return uri, "exact"
    if stars == 1 and uri.endswith("*"):
        return uri[:-1], "prefix"
    return uri.replace("*", ""), "wildcard"


# One URI component as it may appear in a concrete URI (no whitespace, dot or hash).
_COMPONENT_VALUE = r"[^\s\.#]+"
_CONVERTERS = {"str": str, "string": str, "suffix": str, "int": int}


class Pattern:
    """A URI pattern for an endpoint (procedure), a handler (topic) or an exception.

    Components may be plain (``com.myapp``), named (``<name>`` or ``<name:int>``, typed by
    ``str``/``string``/``int``/``suffix``, the latter only last) or empty (a positional
    wildcard). A pattern with named or empty components is a wildcard pattern, and
    :meth:`match` extracts the components' values as keyword arguments.
    """

    URI_TARGET_ENDPOINT = 1
    URI_TARGET_HANDLER = 2
    URI_TARGET_EXCEPTION = 3

    URI_TYPE_EXACT = 1
    URI_TYPE_PREFIX = 2
    URI_TYPE_WILDCARD = 3

    _URI_COMPONENT = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
    _URI_NAMED_COMPONENT = re.compile(r"^<([a-z][a-z0-9_]*)>$")
    _URI_NAMED_CONVERTED_COMPONENT = re.compile(r"^<([a-z][a-z0-9_]*):([a-z]*)>$")

    def __init__(
        self,
        uri: str,
        target: int,
        options: SubscribeOptions | RegisterOptions | None = None,
        check_types: bool | None = None,
    ):
        assert type(uri) is str and uri
        assert target in (Pattern.URI_TARGET_ENDPOINT, Pattern.URI_TARGET_HANDLER, Pattern.URI_TARGET_EXCEPTION)
        if target == Pattern.URI_TARGET_ENDPOINT:
            assert options is None or type(options) is RegisterOptions
        elif target == Pattern.URI_TARGET_HANDLER:
            assert options is None or type(options) is SubscribeOptions
        else:
            options = None

        components = uri.split(".")
        regex_parts = []
        # group name (or positional group number) -> converter for the matched text
        names: dict[str | int, type] = {}
        groups = 0
        for index, component in enumerate(components):
            converted = Pattern._URI_NAMED_CONVERTED_COMPONENT.match(component)
            named = Pattern._URI_NAMED_COMPONENT.match(component)
            if converted:
                name, kind = converted.groups()
            elif named:
                name, kind = named.group(1), "str"
            if converted or named:
                if kind not in _CONVERTERS or name in names:
                    raise TypeError("invalid URI")
                if kind == "suffix" and index != len(components) - 1:
                    raise TypeError("invalid URI")
                names[name] = _CONVERTERS[kind]
                regex_parts.append(f"(?P<{name}>{_COMPONENT_VALUE})")
                groups += 1
            elif Pattern._URI_COMPONENT.match(component):
                regex_parts.append(component)
            elif component == "":
                groups += 1
                names[groups] = str
                regex_parts.append(f"({_COMPONENT_VALUE})")
            else:
                raise TypeError("invalid URI")

        self._type = Pattern.URI_TYPE_WILDCARD if names else Pattern.URI_TYPE_EXACT
        self._pattern: re.Pattern | None = re.compile("^" + r"\.".join(regex_parts) + "$") if names else None
        self._names: dict[str | int, type] | None = names or None
        self._uri = uri
        self._target = target
        self._options = options
        self._check_types = check_types

    @property
    def options(self):
        """The :class:`RegisterOptions` or :class:`SubscribeOptions` given, or ``None``."""
        return self._options

    @property
    def uri_type(self):
        """``URI_TYPE_EXACT`` or ``URI_TYPE_WILDCARD``."""
        return self._type

    def uri(self):
        """The URI this pattern was made from."""
        return self._uri

    def match(self, uri):
        """Match a concrete URI; returns ``(args, kwargs)`` (the components' values as kwargs).

        Raises ``ValueError`` if a wildcard pattern does not match.
        """
        args: list = []
        kwargs: dict = {}
        if self._type == Pattern.URI_TYPE_EXACT:
            return args, kwargs
        assert self._pattern is not None and self._names is not None
        found = self._pattern.match(uri)
        if not found:
            raise ValueError("no match")
        for key, convert in self._names.items():
            kwargs[key] = convert(found.group(key))
        return args, kwargs

    def is_endpoint(self):
        """True if this pattern names a procedure endpoint."""
        return self._target == Pattern.URI_TARGET_ENDPOINT

    def is_handler(self):
        """True if this pattern names a topic handler."""
        return self._target == Pattern.URI_TARGET_HANDLER

    def is_exception(self):
        """True if this pattern names an exception class."""
        return self._target == Pattern.URI_TARGET_EXCEPTION


def _add_pattern(target_object, pattern: Pattern):
    if not hasattr(target_object, "_wampuris"):
        target_object._wampuris = []
    target_object._wampuris.append(pattern)
    return target_object


def register(uri: str | None, options: RegisterOptions | None = None, check_types: bool | None = None):
    """Decorate a function as a WAMP procedure endpoint (``uri=None``: the function's name)."""

    def decorate(f):
        assert callable(f)
        real_uri = f.__name__ if uri is None else uri
        return _add_pattern(f, Pattern(real_uri, Pattern.URI_TARGET_ENDPOINT, options, check_types))

    return decorate


def subscribe(uri: str | None, options: SubscribeOptions | None = None, check_types: bool | None = None):
    """Decorate a function as a WAMP event handler for the topic ``uri``."""

    def decorate(f):
        assert callable(f)
        assert uri is not None, "a topic URI is required"
        return _add_pattern(f, Pattern(uri, Pattern.URI_TARGET_HANDLER, options, check_types))

    return decorate


def error(uri: str):
    """Decorate an exception class so that it maps to (and from) the WAMP error ``uri``."""

    def decorate(cls):
        assert issubclass(cls, Exception)
        return _add_pattern(cls, Pattern(uri, Pattern.URI_TARGET_EXCEPTION))

    return decorate


# Names autobahn 26.11.1 also has here (programs import them from this module).
from autobahn.util import public  # noqa: E402, F401
