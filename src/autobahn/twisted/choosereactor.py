"""Choosing and installing a Twisted reactor, as autobahn's programs (and examples) do at start.

Twisted's own default (``twisted.internet.default``) already is the best reactor for the
platform (epoll on Linux, poll or select elsewhere), so
"optimal" here means that one, or whatever reactor was installed on purpose before.
"""

from __future__ import annotations

import sys
from typing import Any

import txaio

__all__ = ["current_reactor_klass", "install_optimal_reactor", "install_reactor"]


def current_reactor_klass() -> type | None:
    """The class of the installed reactor, or None when none is installed yet."""
    if "twisted.internet.reactor" in sys.modules:
        return type(sys.modules["twisted.internet.reactor"])
    return None


def install_optimal_reactor(require_optimal_reactor: bool = True) -> None:
    """Install Twisted's default reactor for this platform unless a reactor is installed
    already. With ``require_optimal_reactor``, an installed reactor of another kind than the
    default (e.g. the select reactor on Linux) raises ReactorAlreadyInstalledError; an
    asyncio reactor installed on purpose is kept."""
    from twisted.internet import default

    installed = current_reactor_klass()
    if installed is None:
        default.install()
        return
    if not require_optimal_reactor or installed.__module__ == "twisted.internet.asyncioreactor":
        return
    from twisted.internet.error import ReactorAlreadyInstalledError

    if sys.platform.startswith("linux") and installed.__module__ != "twisted.internet.epollreactor":
        raise ReactorAlreadyInstalledError(f"a {installed.__name__} is installed, not the epoll reactor")


def install_reactor(
    explicit_reactor: str | None = None, verbose: bool = False, log: Any = None, require_optimal_reactor: bool = True
) -> Any:
    """Install the reactor named ``explicit_reactor`` (a Twisted reactor short name such as
    "epoll" or "asyncio"), else the optimal one; returns ``twisted.internet.reactor``."""
    log = log or txaio.make_logger()
    if explicit_reactor:
        from twisted.application.reactors import installReactor

        if verbose:
            log.info('Trying to install the Twisted reactor "{reactor}" ..', reactor=explicit_reactor)
        try:
            installReactor(explicit_reactor)
        except Exception:
            log.failure("Could not install Twisted reactor {reactor}", reactor=explicit_reactor)
            sys.exit(1)
    else:
        if verbose:
            log.info("Automatically choosing the optimal Twisted reactor ..")
        install_optimal_reactor(require_optimal_reactor)
    from twisted.internet import reactor

    txaio.config.loop = reactor
    if verbose:
        log.info("Running on Twisted reactor {reactor}", reactor=f"{type(reactor).__module__}.{type(reactor).__name__}")
    return reactor
