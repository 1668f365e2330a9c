"""Small readers of built HTML, on the standard library's parser."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class Page(HTMLParser):
    """Links, scripts, the <title> and the visible text of one HTML page."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.chart_links: list[str] = []
        """Links inside inline SVG charts, kept apart from the page's own links."""
        self.resources: list[str] = []
        self.title = ""
        self.h1 = ""
        self.text_parts: list[str] = []
        self._in: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            (self.chart_links if "svg" in self._in else self.links).append(a["href"] or "")
        if tag in {"script", "img", "iframe"} and a.get("src"):
            self.resources.append(a["src"] or "")
        rel = set((a.get("rel") or "").split())
        if (
            tag == "link"
            and a.get("href")
            and rel & {"stylesheet", "icon", "preload", "modulepreload", "manifest", "prefetch"}
        ):
            self.resources.append(a["href"] or "")
        if tag not in {"br", "img", "meta", "link", "input", "hr"}:
            self._in.append(tag)

    def handle_endtag(self, tag: str) -> None:
        while self._in:
            if self._in.pop() == tag:
                break

    def handle_data(self, data: str) -> None:
        if "title" in self._in:
            self.title += data
        if "h1" in self._in:
            self.h1 += data
        if "script" not in self._in and "style" not in self._in:
            self.text_parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.text_parts).split())


def read(path: Path) -> Page:
    return Page(path.read_text(encoding="utf-8"))


def resolve(site: Path, page: Path, href: str) -> Path | None:
    """The file an internal link points at, or None for external and in-page links."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    target = (page.parent / unquote(parts.path)).resolve()
    if target.is_dir() or href.endswith("/"):
        target = target / "index.html"
    return target


PLACEHOLDER = re.compile(r"example\.github\.io|github\.com/example")


def placeholder_links(folder: Path) -> list[str]:
    """Every link in the folder's pages, downloads and feeds that points at a placeholder
    host, or at any `example.` host at all."""
    found = []
    for path in folder.rglob("*"):
        if path.suffix not in (".html", ".bib", ".csv", ".json", ".xml", ".js", ".txt"):
            continue
        if path.name.endswith(".min.js") or path.name.endswith(".map"):
            continue  # Material's own bundles
        text = path.read_text(encoding="utf-8", errors="replace")
        found += [f"{path.name}: {m}" for m in PLACEHOLDER.findall(text)]
        if path.suffix == ".html":
            found += [f"{path.name}: {h}" for h in read(path).links if "//example." in h]
    return found
