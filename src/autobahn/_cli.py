"""Command-line parsers of the ``python -m autobahn...`` entry points.

Their descriptions come from module docstrings written in reST (for the documentation
site); ``--help`` is read in a terminal, so the markup is taken out there.
"""

from __future__ import annotations

import argparse
import re

# ``literal``, :role:`target`, `interpreted`: keep the text, drop the markup.
_ROLE = re.compile(r":[a-z]+(?::[a-z]+)?:`~?([^`]+)`")
_LITERAL = re.compile(r"``([^`]+)``")
_INTERPRETED = re.compile(r"`([^`]+)`")


def plain(text: str) -> str:
    """``text`` without reST inline markup."""
    return _INTERPRETED.sub(r"\1", _LITERAL.sub(r"\1", _ROLE.sub(r"\1", text)))


def summary(doc: str | None) -> str:
    """The first paragraph of a docstring, in plain text, on one line (argparse re-wraps it)."""
    paragraph = (doc or "").strip().split("\n\n")[0]
    return plain(" ".join(line.strip() for line in paragraph.splitlines()))


class PlainHelpParser(argparse.ArgumentParser):
    """An ArgumentParser whose help and usage carry no reST markup (subparsers inherit it)."""

    def format_help(self) -> str:
        return plain(super().format_help())

    def format_usage(self) -> str:
        return plain(super().format_usage())


def parser(prog: str, doc: str | None, **kwargs) -> PlainHelpParser:
    """The parser of entry point ``prog`` (its real name, e.g. ``python -m autobahn.benchmark.wamp``),
    described by the first paragraph of ``doc``."""
    return PlainHelpParser(prog=prog, description=summary(doc), **kwargs)
