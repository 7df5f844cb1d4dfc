"""The one parser for autobahn's on/off/auto build and run-time switches.

``AUTOBAHN_USE_NVX`` (and ``AUTOBAHN_BUNDLE_FLATC``) are read by the build hook
(``hatch_build.py`` loads this file directly, without importing the package) and at
run time by ``autobahn.websocket``, so both always agree on what a value means.
Kept free of imports beyond ``os``: it runs at every ``import autobahn.websocket``.
"""

from __future__ import annotations

import os

# Imported for type checkers only: `typing` costs milliseconds at import, which every
# `import autobahn.websocket` would pay (see the import-time goal in benchmarks/).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping


OFF = "off"
"""Never use (run time) or build (build time) the feature."""
REQUIRED = "required"
"""The feature must be there: a missing one is an error, never a silent fallback."""
AUTO = "auto"
"""Use the feature when available; otherwise fall back (and say so at build time)."""

_VALUES = {
    **dict.fromkeys(("0", "false", "no", "off"), OFF),
    **dict.fromkeys(("1", "true", "yes", "on"), REQUIRED),
    **dict.fromkeys(("", "auto"), AUTO),
}

ACCEPTED = "0/false/no/off (off), 1/true/yes/on (required), auto or empty (auto)"


def parse_switch(name: str, value: str | None) -> str:
    """Return OFF, REQUIRED or AUTO for the value of the variable ``name``.

    Case and surrounding whitespace are ignored; ``None`` (unset) means AUTO.
    Raises ValueError naming the variable and the accepted values otherwise.
    """
    if value is None:
        return AUTO
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, not {type(value).__name__}")
    try:
        return _VALUES[value.strip().lower()]
    except KeyError:
        raise ValueError(f"{name}={value!r} is not a valid setting; accepted values: {ACCEPTED}") from None


def read_switch(name: str, environ: Mapping[str, str] | None = None) -> str:
    """Parse the switch ``name`` from ``environ`` (default: ``os.environ``)."""
    return parse_switch(name, (os.environ if environ is None else environ).get(name))
