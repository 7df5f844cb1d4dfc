"""The documentation site (docs/, `just docs`): it builds with warnings as errors, its internal
links resolve, the API reference lists every public module, and the security page states the
defaults the factories really have.

The build needs the docs extra (`pip install ".[docs]"`); without it that test skips, unless
AUTOBAHN_REQUIRE_DOCS=1 (CI), which makes it fail.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import autobahn

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
sys.path.insert(0, str(DOCS))
import check_links  # noqa: E402

# Packages of flatc-generated modules, one per schema type: documented as a package.
GENERATED_PACKAGES = ("autobahn.flatbuffers.reflection.", "autobahn.wamp.gen.")


def public_modules() -> list[str]:
    """Every public module of the package, read from its files (importing them all would, e.g.,
    install a Twisted reactor in this process)."""
    package = Path(autobahn.__file__).parent
    names = []
    for path in package.rglob("*.py"):
        parts = ["autobahn", *path.relative_to(package).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        name = ".".join(parts)
        if not any(part.startswith("_") for part in parts[1:]) and not name.startswith(GENERATED_PACKAGES):
            names.append(name)
    return sorted(names)


def test_api_reference_lists_every_public_module():
    documented = set(re.findall(r"^\.\. automodule:: (\S+)$", (DOCS / "api.rst").read_text(), re.M))
    missing = sorted(set(public_modules()) - documented)
    assert not missing, f"add to docs/api.rst: {missing}"


# The security page's "default" column, read back as values.
def parse_default(cell: str):
    cell = re.sub(r"\s*\(.*\)$", "", cell.strip().strip("`"))
    if cell in ("True", "False"):
        return cell == "True"
    if cell.startswith("["):
        return [s.strip().strip('"') for s in cell.strip("[]").split(",")]
    if " / " in cell:
        return tuple(parse_default(part) for part in cell.split(" / "))
    number, _, unit = cell.partition(" ")
    return {"MiB": int(number) * 1024 * 1024, "s": float(number), "": int(number)}[unit]


def test_security_page_states_the_real_defaults():
    from autobahn.asyncio.websocket import WebSocketServerFactory

    factory = WebSocketServerFactory()
    rows = re.findall(r"^\| `([^`]+)`(?: / `([^`]+)`)? \| ([^|]+) \|", (DOCS / "security.md").read_text(), re.M)
    assert len(rows) >= 10, rows
    for first, second, default in rows:
        expected = parse_default(default)
        actual = getattr(factory, first) if not second else (getattr(factory, first), getattr(factory, second))
        assert actual == expected, f"docs/security.md says {first}{' / ' + second if second else ''} = {default}"


def test_link_checker_reports_broken_links(tmp_path):
    (tmp_path / "index.html").write_text(
        '<h1 id="top">x</h1><a href="#top">ok</a><a href="other.html#there">ok</a>'
        '<a href="missing.html">no file</a><a href="other.html#nowhere">no id</a>'
        '<img src="_images/plot.png"><a href="https://example.org/">external: not checked</a>'
    )
    (tmp_path / "other.html").write_text('<p id="there">y</p>')
    assert check_links.broken_links(tmp_path) == [
        "index.html: missing.html (no such file)",
        "index.html: other.html#nowhere (no id 'nowhere' there)",
        "index.html: _images/plot.png (no such file)",
    ]


def test_docs_build_without_warnings_and_internal_links_resolve(tmp_path):
    missing = [m for m in ("sphinx", "myst_parser") if importlib.util.find_spec(m) is None]
    if missing:
        reason = f'the documentation build needs {", ".join(missing)}: pip install ".[docs]"'
        if os.environ.get("AUTOBAHN_REQUIRE_DOCS") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    out = tmp_path / "html"
    build = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", str(DOCS), str(out)],
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert build.returncode == 0, build.stderr[-5000:]
    assert check_links.broken_links(out) == []
    # the pages a newcomer is sent to are there, with the examples in them
    started = (out / "getting-started.html").read_text()
    assert "com.example.add2" in started and "WebSocketServerProtocol" in started
    for page in ("migration", "security", "api", "benchmarks", "overview"):
        assert (out / f"{page}.html").is_file()


# --- the README: its first screen and its map of the source tree ---

README = (ROOT / "README.md").read_text()


def section(title: str) -> str:
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start : end if end >= 0 else None]


def test_readme_first_screen_says_what_the_package_is():
    title, _, rest = README.partition("\n")
    assert "WebSocket and WAMP" in title and "asyncio and Twisted" in title
    first_paragraph = rest.strip().split("\n\n")[0]
    for words in ("WebSocket", "WAMP", "asyncio", "Twisted", "replaces", "faster", "hardened"):
        assert words in first_paragraph, words
    import tomllib

    description = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["description"]
    for words in ("WebSocket and WAMP", "asyncio and Twisted", "replaces autobahn"):
        assert words in description, words


def test_readme_quickstart_runs_files_that_exist():
    quickstart = section("Quickstart")
    commands = re.search(r"```sh\n(.*?)```", quickstart, re.S).group(1)
    assert len(commands.strip().splitlines()) == 2
    for path in re.findall(r"python ((?:examples|src)/\S+\.py)", commands):
        assert (ROOT / path).is_file(), path


def test_readme_section_titles_carry_no_issue_numbers():
    titles = re.findall(r"^#+ .*$", README, re.M)
    assert titles and not [t for t in titles if re.search(r"\bissue \d+", t, re.I)]


def test_readme_layout_names_every_subpackage():
    layout = section("Layout")
    package = ROOT / "src" / "autobahn"
    subpackages = sorted(p.name for p in package.iterdir() if (p / "__init__.py").is_file())
    missing = [name for name in subpackages if f"{name}/" not in layout]
    assert not missing, f"README's Layout does not mention {missing}"
    for framework in ("asyncio", "twisted"):  # the WAMP modules of each framework too
        line = next(line for line in layout.splitlines() if f"{framework}/" in line)
        assert "wamp.py" in line and "component.py" in line, line
