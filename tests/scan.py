"""Scan built HTML for anything content could have smuggled in: scripts, handlers, schemes."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "poster", "srcset"}
BAD_SCHEME = re.compile(r"^\s*(?:javascript|data|vbscript)\s*:", re.IGNORECASE)


class Elements(HTMLParser):
    """Every element of a page: its tag, attributes, and the text of inline scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.inline_scripts: list[str] = []
        self._script: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        if tag == "script" and not dict(attrs).get("src"):
            self._script = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.inline_scripts.append("".join(self._script).strip())
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)


def elements(source: Path | str) -> Elements:
    """Parse a page (a path) or a fragment of HTML (a string)."""
    parser = Elements()
    parser.feed(source.read_text(encoding="utf-8") if isinstance(source, Path) else source)
    parser.close()
    return parser


def normalise_script(text: str) -> str:
    """Inline scripts differ per page only in relative paths; compare them without those."""
    return re.sub(r'"(?:\.\./)*(?:\.)?"|"(?:\.\./)+[^"]*"', '""', text)


def theme_profile(site: Path) -> tuple[set[str], set[str]]:
    """The element names and inline scripts a site built from trusted content contains."""
    tags: set[str] = set()
    scripts: set[str] = set()
    for path in site.rglob("*.html"):
        page = elements(path)
        tags |= {tag for tag, _ in page.tags}
        scripts |= {normalise_script(s) for s in page.inline_scripts}
    return tags, scripts


def foreign_markup(
    source: Path | str, allowed_tags: set[str], allowed_scripts: set[str]
) -> list[str]:
    """What in this page (or fragment) the theme and the generator did not put there."""
    page = elements(source)
    found = []
    for tag, attrs in page.tags:
        if tag not in allowed_tags:
            found.append(f"element <{tag}>")
        for name, value in attrs.items():
            if name.startswith("on"):
                found.append(f"<{tag} {name}=...>")
            if name in URL_ATTRIBUTES and BAD_SCHEME.match(value):
                found.append(f"<{tag} {name}={value!r}>")
        if tag == "script" and attrs.get("src") and "assets/" not in attrs["src"]:
            found.append(f"<script src={attrs['src']!r}>")
    for script in page.inline_scripts:
        if normalise_script(script) not in allowed_scripts:
            found.append(f"inline script {script[:60]!r}")
    return found
