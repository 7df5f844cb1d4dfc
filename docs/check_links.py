"""Check the internal links of the built documentation site: ``python docs/check_links.py DIR``.

Every relative ``href``/``src`` in DIR's HTML pages must name a file of the build, and a
``#fragment`` an id on the page it points to. Exit status 1 lists the broken ones.

Why not ``sphinx -b linkcheck``: it exists to check external URLs (which this machine and CI
cannot reach, so each would have to be ignored) and leaves local links unchecked; the broken
links a change can cause here are internal ones (a README anchor renamed, a page moved, an
image not copied). Sphinx's own cross-reference warnings (``-W``) cover references between
documents; this checks what ends up in the HTML, images and anchors included.
"""

from __future__ import annotations

import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

LINK_ATTRIBUTES = {("a", "href"), ("img", "src"), ("link", "href"), ("script", "src")}


class Page(HTMLParser):
    """The ids and the relative links of one HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in ("id", "name"):
                self.ids.add(value)
            elif (tag, name) in LINK_ATTRIBUTES:
                parts = urlsplit(value)
                if not parts.scheme and not parts.netloc:
                    self.links.append(value)


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def broken_links(root: Path) -> list[str]:
    """``page: link (why)`` for every internal link under ``root`` that leads nowhere."""
    pages = {path.resolve(): parse(path) for path in sorted(root.rglob("*.html"))}
    broken = []
    for path, page in pages.items():
        for link in page.links:
            parts = urlsplit(link)
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            where = f"{path.relative_to(root.resolve())}: {link}"
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{where} (no such file)")
            elif parts.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else parse(target).ids
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{where} (no id {parts.fragment!r} there)")
    return broken


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python docs/check_links.py BUILD_DIR", file=sys.stderr)
        return 2
    root = Path(argv[0])
    if not any(root.rglob("*.html")):
        print(f"{root} holds no HTML pages: build the site first (just docs)", file=sys.stderr)
        return 2
    broken = broken_links(root)
    for line in broken:
        print(line)
    print(f"{len(broken)} broken internal link(s)" if broken else "internal links: all resolve", file=sys.stderr)
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
