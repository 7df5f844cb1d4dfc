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
