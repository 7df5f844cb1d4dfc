"""The one place the package version is written (Cargo.toml must agree; a test checks it)."""

__version__ = "26.11.0"
