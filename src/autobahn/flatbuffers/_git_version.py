"""The runtime's version as ``git describe`` names its release tag (``"v25.12.19"``): we use the
released runtime, never a build between tags."""

from autobahn.flatbuffers._version import __version__

__git_version__ = f"v{__version__}"
