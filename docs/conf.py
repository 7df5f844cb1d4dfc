"""Sphinx configuration of the autobahn NVX documentation (`just docs`; warnings are errors)."""

import autobahn

project = "autobahn"
release = version = autobahn.__version__
author = "The autobahn NVX team"
extensions = [
    "sphinx.ext.autodoc",  # API reference from the docstrings of the installed package
    "myst_parser",  # pages in Markdown, and the README included as the overview
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]
html_theme = "alabaster"
autodoc_member_order = "bysource"
autodoc_typehints = "description"
myst_heading_anchors = 3
suppress_warnings = ["myst.header"]  # the README starts below the top heading level on some pages
# Document what each module defines, not what it re-exports through __all__ (autobahn.wamp,
# autobahn.asyncio.websocket, ... re-export names documented in their own modules).
autodoc_default_options = {"ignore-module-all": True}
# Annotations are strings (``from __future__ import annotations``); a name two modules define
# is resolved here: autobahn.wamp.interfaces means the WAMP types, not the message classes.
autodoc_type_aliases = {"Challenge": "autobahn.wamp.types.Challenge"}
