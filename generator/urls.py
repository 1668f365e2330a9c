"""Where MkDocs puts a page, and how one page's HTML links to another's.

Markdown links (`../paper/x.md`) are rewritten by MkDocs, but the charts are raw SVG,
so their links must already be the final URLs, for both URL styles: `paper/x/` on the
web and `paper/x.html` in the offline bundle.
"""

from __future__ import annotations

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
    """Relative URL from page `here` to page `target`, as it must appear in HTML.

    Always up to the site's root and down again (`../../paper/x/`): as correct as the
    shortest path, and cheap enough to call for every link on 10,000 pages.
    """
    return "../" * depth(here, use_directory_urls) + page_url(target, use_directory_urls) or "./"


def depth(page: str, use_directory_urls: bool = True) -> int:
    """How many folders deep a page's URL is: `paper/x/` is 2, `paper/x.html` is 1."""
    return page_url(page, use_directory_urls).count("/")


def bundle_name(site_name: str) -> str:
    """The offline bundle's folder and zip name: `<site-name>-offline`."""
    return f"{slugify(site_name) or 'site'}-offline"
