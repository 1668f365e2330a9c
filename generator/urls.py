"""Where MkDocs puts a page, and how one page's HTML links to another's.

Markdown links (`../paper/x.md`) are rewritten by MkDocs, but the charts are raw SVG,
so their links must already be the final URLs, for both URL styles: `paper/x/` on the
web and `paper/x.html` in the offline bundle.
"""

from __future__ import annotations

import posixpath

from slugify import slugify


def page_url(path: str, use_directory_urls: bool = True) -> str:
    """Site-relative URL of a docs-relative Markdown page: `paper/x.md` -> `paper/x/`."""
    stem = path.removesuffix(".md")
    if not use_directory_urls:
        return f"{stem}.html"
    if stem == "index":
        return ""
    return stem.removesuffix("/index") + "/"


def href(here: str, target: str, use_directory_urls: bool = True) -> str:
    """Relative URL from page `here` to page `target`, as it must appear in HTML."""
    base = page_url(here, use_directory_urls)
    folder = base.rstrip("/") if use_directory_urls else posixpath.dirname(base)
    goal = page_url(target, use_directory_urls)
    relative = posixpath.relpath(goal or ".", folder or ".")
    if goal.endswith("/") or not goal:
        relative = "./" if relative == "." else relative + "/"
    return relative


def bundle_name(site_name: str) -> str:
    """The offline bundle's folder and zip name: `<site-name>-offline`."""
    return f"{slugify(site_name) or 'site'}-offline"
