"""Where every generated file lives, and how one page's HTML links to another's.

Markdown links (`../paper/x.md`) are rewritten by MkDocs, but the charts are raw SVG,
so their links must already be the final URLs, for both URL styles: `paper/x/` on the
web and `paper/x.html` in the offline bundle.
"""

from __future__ import annotations

from dataclasses import dataclass

from slugify import slugify

from generator.analysis.tags import tag_key

HOME = "index.md"
THEMES = "themes.md"
PAPERS = "papers.md"
UNSORTED = "unsorted.md"
TAGS = "tags.md"
CONTRIBUTE = "contribute.md"
PAPER_DIR = "paper"
TAG_DIR = "tag"
PAPERS_JSON = "papers.json"
PAPERS_BIB = "export/papers.bib"
EXPORTS = {"bib": PAPERS_BIB, "csl": "export/papers.csl.json", "ris": "export/papers.ris"}
"""Every paper, for reference managers: BibTeX, CSL-JSON and RIS."""
PAPERS_CSV = "export/papers.csv"
FEED = "feed.xml"
CONFIG = "mkdocs.yml"
"""The generated configuration, beside the generated `docs/` folder."""


def paper_page(paper_id: str) -> str:
    return f"{PAPER_DIR}/{paper_id}.md"


def theme_page(theme_id: str) -> str:
    return f"theme/{theme_id}.md"


def tag_page(tag: str) -> str:
    return f"{TAG_DIR}/{tag_slug(tag)}.md"


tag_slug = tag_key
"""A tag's page name (`analysis.tags.tag_key`): spellings of one tag share a page."""


def theme_exports(theme_id: str) -> dict[str, str]:
    """A theme's papers for reference managers, by format (as `EXPORTS`)."""
    base = f"export/themes/{theme_id}"
    return {"bib": f"{base}.bib", "csl": f"{base}.csl.json", "ris": f"{base}.ris"}


def theme_feed(theme_id: str) -> str:
    """The Atom feed of a theme's newly listed papers."""
    return f"feeds/{theme_id}.xml"


FEEDS_SITEMAP = "feeds/sitemap.xml"
"""A sitemap of the theme feeds (`export.feeds_sitemap`)."""


@dataclass(frozen=True)
class SiteOptions:
    """What pages need to know about where the site and its repository live."""

    edit_base: str = ""
    """Prefix of edit links, e.g. `https://github.com/o/r/edit/main/`; empty for none."""
    suggest_url: str = ""
    """Where a reader suggests a paper: the repository's issue form on GitHub; empty
    for none."""
    cname: str = ""
    """Custom domain for GitHub Pages, written to a `CNAME` file; empty for none."""
    site_url: str = ""
    """Where the site is published, ending in `/`; empty when unknown."""
    site_name: str = "Reading list"
    site_description: str = ""
    """`mkdocs.yml`'s: what the list is about, under its name on the home page."""
    directory_urls: bool = True
    """MkDocs' `use_directory_urls`: `paper/x/` on the web, `paper/x.html` offline."""
    build_date: str = "1970-01-01T00:00:00+00:00"
    """The date the output carries (ISO 8601), from `site.clock.build_date`."""

    icon_folders: tuple[str, ...] = ()
    """The site theme's `.icons` folders, which a theme's `icon` must be in; none to
    leave icons unchecked."""

    offline_bundle: bool = False
    """The published site carries its offline bundle under `download/` (the Pages
    workflow puts it there and says so with `OFFLINE_BUNDLE`)."""

    @property
    def bundle_url(self) -> str:
        """The home page's link to the offline bundle, relative to it; '' where there is
        none to link to: no bundle published with the site, or this is the bundle."""
        if not (self.offline_bundle and self.directory_urls):
            return ""
        return f"download/{bundle_name(self.site_name)}.zip"


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
