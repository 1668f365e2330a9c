"""Render the library as Markdown pages for MkDocs, with Jinja templates.

Every value a template prints is escaped into inert Markdown unless the code marked
it safe (links and paths it built itself), so content can never become markup. Page
bodies are raw HTML built with the `h`, `a_*` and `html_*` helpers, which HTML-escape
every value; `rawhtml` carries those blocks past Python-Markdown.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any
from urllib.parse import quote_plus

import jinja2
from markdown.extensions.toc import slugify
from markupsafe import Markup

from . import charts, markup, urls
from .model import Library, Listing, Paper, Related, Theme
from .themes import related_themes, theme_counts, unsorted

HOME = "index.md"
THEMES = "themes.md"
PAPERS = "papers.md"
UNSORTED = "unsorted.md"
CONTRIBUTE = "contribute.md"
RECENT = 8
MAP_MIN = 3
"""A theme needs this many papers before a map of them says anything."""


PAPER_DIR = "paper"


def paper_page(paper_id: str) -> str:
    return f"{PAPER_DIR}/{paper_id}.md"


def theme_page(theme_id: str) -> str:
    return f"theme/{theme_id}.md"


@dataclass(frozen=True)
class SiteOptions:
    """What pages need to know about where the site and its repository live."""

    edit_base: str = ""
    """Prefix of edit links, e.g. `https://github.com/o/r/edit/main/`; empty for none."""
    cname: str = ""
    """Custom domain for GitHub Pages, written to a `CNAME` file; empty for none."""
    site_url: str = ""
    """Where the site is published, ending in `/`; empty when unknown."""
    site_name: str = "Reading list"
    directory_urls: bool = True
    """MkDocs' `use_directory_urls`: `paper/x/` on the web, `paper/x.html` offline."""

    @property
    def bundle_url(self) -> str:
        """Where the published offline bundle lives (see the Pages workflow)."""
        if not self.site_url:
            return ""
        return f"{self.site_url}download/{urls.bundle_name(self.site_name)}.zip"


def _finalize(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Markup):
        return value
    return markup.inline(str(value))


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """One environment per process, so `serve` compiles the templates once."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("generator", "templates"),
        finalize=_finalize,
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


class Renderer:
    """Renders every page of the site for one library."""

    def __init__(self, library: Library, options: SiteOptions) -> None:
        self.library = library
        self.options = options
        self.env = environment()
        self.counts = theme_counts(library)
        self.members = library.members()
        self.themes = {t.id: t for t in library.themes}
        self._anchors: dict[tuple[int, str], Markup] = {}
        self._depths: dict[str, int] = {}
        self._links: dict[tuple[int, tuple[str, ...], str], Markup] = {}
        self._cards: dict[tuple[str, str], str] = {}
        self.row = {pid: i for i, pid in enumerate(library.papers)}

    def pages(self) -> dict[str, str]:
        """Docs-relative path -> Markdown text, for every page."""
        site = {path: render() for path, render in self.site_page_jobs()}
        return {**site, **self.paper_pages(self.library.papers.values())}

    def site_page_jobs(self) -> list[tuple[str, Callable[[], str]]]:
        """(path, what renders it) for every page but the papers' own, largest first."""
        themes = sorted(self.library.themes, key=lambda t: -len(self.members[t.id]))
        return [
            *((theme_page(t.id), partial(self.theme, t)) for t in themes),
            (PAPERS, lambda: self.render(PAPERS, "papers.md.j2", rows=self.paper_rows())),
            (HOME, self.home),
            (
                UNSORTED,
                lambda: self.render(UNSORTED, "unsorted.md.j2", papers=unsorted(self.library)),
            ),
            (THEMES, partial(self.render, THEMES, "themes.md.j2")),
            (CONTRIBUTE, partial(self.render, CONTRIBUTE, "contribute.md.j2")),
        ]

    def paper_pages(self, papers: Iterable[Paper]) -> dict[str, str]:
        return {paper_page(paper.id): self.paper(paper) for paper in papers}

    def site_pages(self, paths: Iterable[str]) -> dict[str, str]:
        """The pages at these paths, none of them a paper's."""
        wanted = set(paths)
        return {path: render() for path, render in self.site_page_jobs() if path in wanted}

    def render(self, here: str, template: str, **context: Any) -> str:
        helpers = {
            "to": partial(_relative, here),
            "link_theme": partial(self._link_theme, here),
            "a_paper": partial(self._a_paper, here),
            "a_theme": partial(self._a_theme, here),
            "a_ext": markup.html_link,
            "h": markup.html_text,
            "html_paragraphs": markup.html_paragraphs,
            "link": markup.link,
            "paragraphs": markup.paragraphs,
            "notes_html": markup.notes_html,
        }
        return self.env.get_template(template).render(
            library=self.library,
            counts=self.counts,
            members=self.members,
            **helpers,
            **context,
        )

    def _a_paper(self, here: str, paper_id: str) -> Markup:
        """`<a>` to a paper page, for raw HTML blocks (the URL is final: MkDocs keeps it)."""
        return self._anchor(here, paper_page(paper_id), self.library.papers[paper_id].title)

    def _a_theme(self, here: str, theme_id: str) -> Markup:
        return self._anchor(here, theme_page(theme_id), self.themes[theme_id].title)

    def _theme_links(self, here: str, theme_ids: Iterable[str], separator: str = ", ") -> Markup:
        """Links to these themes' pages, joined: built once per depth and set of themes,
        which thousands of papers share."""
        ids = tuple(theme_ids)
        key = (self._depth(here), ids, separator)
        links = self._links.get(key)
        if links is None:
            links = self._links[key] = _joined(separator, (self._a_theme(here, t) for t in ids))
        return links

    def _depth(self, here: str) -> int:
        depth = self._depths.get(here)
        if depth is None:
            depth = self._depths[here] = urls.depth(here, self.options.directory_urls)
        return depth

    def _anchor(self, here: str, target: str, title: str) -> Markup:
        # Pages at the same depth link alike: a theme page's 2,000 cards repeat the same
        # few theme links, so each is built once per depth.
        key = (self._depth(here), target)
        anchor = self._anchors.get(key)
        if anchor is None:
            url = self.href(here, target)
            anchor = Markup(f'<a href="{url}">{markup.html_text(title)}</a>')
            self._anchors[key] = anchor
        return anchor

    def _link_theme(self, here: str, theme_id: str) -> Markup:
        theme = self.library.theme(theme_id)
        return Markup(f"[{markup.inline(theme.title)}]({_relative(here, theme_page(theme_id))})")

    def vectors_of(self, papers: list[Paper]) -> Any:
        """The papers' rows of the library's TF-IDF matrix (`pipeline.relate` makes it)."""
        return self.library.vectors[[self.row[p.id] for p in papers]]

    def href(self, here: str, target: str) -> str:
        return urls.href(here, target, self.options.directory_urls)

    def home(self) -> str:
        recent = recently_listed(self.library, RECENT)
        return self.render(
            HOME,
            "home.md.j2",
            recent=recent,
            theme_map=self.theme_map(),
            overlap=charts.figure(
                charts.source_overlap(self.library),
                "Rows and columns are listing files, numbered in the order they were added.",
            ),
            options=self.options,
        )

    def theme_map(self) -> Markup:
        """The home page's map of the themes (a spring layout: 0.01 s at any size)."""
        theme_map = charts.theme_map(
            self.library, self.counts, lambda t: self.href(HOME, theme_page(t))
        )
        return charts.figure(theme_map, "Click a theme to open it.")

    def theme(self, theme: Theme) -> str:
        papers = sorted(self.members[theme.id], key=_card_order)
        first = [p for pid in theme.start_here for p in papers if p.id == pid]
        rest = [p for p in papers if p not in first]
        here = theme_page(theme.id)
        return self.render(
            here,
            "theme.md.j2",
            cards=partial(self.cards, theme.id),
            theme=theme,
            start_here=first,
            papers=rest,
            related=related_themes(self.library, theme.id),
            paper_map=self.paper_map(theme, papers, here),
            bib=f"export/themes/{theme.id}.bib",
        )

    def cards(self, theme_id: str, papers: list[Paper], badge: str = "") -> Markup:
        """A theme page's cards, one `<li>` line each (raw HTML, every value escaped).

        A theme holds up to thousands of papers and a paper sits in a few themes, so
        cards are built here rather than by a template macro, and all but the card's
        "also in" themes is built once per paper.
        """
        here = theme_page(theme_id)
        lines = []
        for paper in papers:
            others = [t for t in self.library.membership.get(paper.id, []) if t != theme_id]
            also = self._theme_links(here, others)
            lines.append(
                self._card_start(here, paper, badge)
                + (f" · also in {also}" if others else "")
                + "</span></p></li>\n"
            )
        return Markup("".join(lines))

    def paper_rows(self) -> Markup:
        """The All papers table's rows, one line each (built here for the same reason as
        theme cards: a template loop over every paper is the slow part of the page)."""
        lines = []
        for paper in self.library.papers.values():
            themes = self._theme_links(PAPERS, self.library.membership.get(paper.id, []))
            code = paper.links.get("code")
            lines.append(
                f"<tr><td>{self._a_paper(PAPERS, paper.id)}</td><td>{themes}</td>"
                f'<td style="text-align: right">{len(paper.listings)}</td>'
                f"<td>{markup.html_link('code', code) if code else ''}</td></tr>\n"
            )
        return Markup("".join(lines))

    def _card_start(self, here: str, paper: Paper, badge: str) -> str:
        # Theme pages all sit at one depth, so the paper's link is the same on each.
        key = (paper.id, badge)
        start = self._cards.get(key)
        if start is None:
            head = f'<span class="rl-badge">{markup.html_text(badge)}</span> ' if badge else ""
            if is_survey(paper):
                head += '<span class="rl-badge rl-survey">Survey</span> '
            code = paper.links.get("code")
            sentence = markup.html_text(markup.first_sentence(paper.abstract))
            start = (
                f"<li>{head}<p><strong>{self._a_paper(here, paper.id)}</strong></p>"
                f'<p>{sentence}</p><p><span class="rl-card-foot">'
                + (f"{markup.html_link('code', code)} · " if code else "")
                + f"listed {len(paper.listings)}×"
            )
            self._cards[key] = start
        return start

    def paper_map(self, theme: Theme, papers: list[Paper], here: str) -> Markup:
        """The theme's map, or nothing for a theme too small for one to say anything."""
        if len(papers) < MAP_MIN:
            return Markup("")
        placed = sorted(papers, key=lambda p: p.id)
        scatter = charts.paper_map(
            theme.title, placed, self.vectors_of(placed), lambda p: self.href(here, paper_page(p))
        )
        return charts.figure(scatter, "Hover over a dot for its title; click to open it.")

    def paper(self, paper: Paper) -> str:
        """A paper's page. Its lists are joined here: Jinja loops cost 10,000 times over."""
        here = paper_page(paper.id)
        themes = self.library.membership.get(paper.id, [])
        a_paper = partial(self._a_paper, here)
        links = [*paper.links.items(), *search_links(paper).items()]
        related = self.library.related.get(paper.id, [])
        return self.render(
            here,
            "paper.md.j2",
            paper=paper,
            title_id=title_anchor(paper.title),
            themes=self._theme_links(here, themes, " · "),
            read=_joined(" · ", (markup.html_link(name, url) for name, url in links)),
            tags=_joined(", ", map(markup.html_text, paper.tags)),
            listings=_joined(", ", map(_listing, paper.listings)),
            aliases=_joined(", ", (f"“{markup.html_text(a)}”" for a in paper.aliases)),
            related=_joined("", (self._related(here, r, themes) for r in related)),
            mentions=_joined(" · ", map(a_paper, self.library.mentions.get(paper.id, []))),
            mentioned_by=_joined(" · ", map(a_paper, self.library.mentioned_by.get(paper.id, []))),
            edit_url=self.edit_url(paper.id),
        )

    def _related(self, here: str, related: Related, themes: list[str]) -> str:
        """One related paper: its link, its score and the themes both share."""
        shared = [t for t in self.library.membership.get(related.id, []) if t in themes]
        return (
            f"<li>{self._a_paper(here, related.id)} "
            f'<span class="rl-score" title="TF-IDF cosine similarity">{related.score:.2f}</span>'
            + (f" · shared: {self._theme_links(here, shared)}" if shared else "")
            + "</li>"
        )

    def edit_url(self, paper_id: str) -> str:
        if not self.options.edit_base:
            return ""
        return f"{self.options.edit_base}content/papers/{paper_id}.yml"


class Skeleton(Renderer):
    """Renders pages without the parts that take most of the time: a theme page's
    cards and map, the home page's map of the themes and the All papers table's rows.

    MkDocs reads a page's Markdown long before it builds the page; these parts are raw
    HTML blocks that Markdown never parses, so they can arrive later (`LATE`). The
    blocks are there, empty, so the page has as many as the whole one.
    """

    LATE = (HOME, PAPERS)
    """The pages besides the theme pages that a skeleton leaves parts out of."""

    def cards(self, theme_id: str, papers: list[Paper], badge: str = "") -> Markup:
        return Markup("")

    def paper_map(self, theme: Theme, papers: list[Paper], here: str) -> Markup:
        return Markup("<!-- rl:map -->") if len(papers) >= MAP_MIN else Markup("")

    def theme_map(self) -> Markup:
        return Markup("")

    def paper_rows(self) -> Markup:
        return Markup("")


_SURVEY = re.compile(
    r"\b(?:an?|the)\s+(?:[\w-]+\s+){0,2}(?:survey|review)\b"
    r"|\b(?:survey|review)\s+(?:of|on)\b|\b(?:survey|review)(?:\s+and\s+\w+)?\s*$",
    re.IGNORECASE,
)


def is_survey(paper: Paper) -> bool:
    """A survey or review article, by its title ("...: A Survey", "A Review of ...") or tag.

    >>> is_survey(Paper(id="x", title="Automated Review Generation Method"))
    False
    """
    return "survey" in paper.tags or bool(_SURVEY.search(paper.title))


def title_anchor(title: str) -> str:
    """The `id` of a page's `h1`: the slug Python-Markdown's `toc` would give the title."""
    return slugify(title, "-") or "title"


def _joined(separator: str, parts: Iterable[str]) -> Markup:
    """Already-escaped HTML parts, joined."""
    return Markup(separator.join(parts))


def _listing(listing: Listing) -> str:
    return (
        f"{markup.html_text(listing.date)} in <code>{markup.html_text(listing.source)}</code>"
        f" (entry {listing.position})"
    )


def _card_order(paper: Paper) -> tuple[int, str, str]:
    """Most listed first, then by title."""
    return (-len(paper.listings), paper.title.casefold(), paper.id)


def _relative(here: str, target: str) -> Markup:
    return Markup(posixpath.relpath(target, posixpath.dirname(here) or "."))


def search_links(paper: Paper) -> dict[str, str]:
    """Where to read the paper: arXiv pages when the id is known, else title searches."""
    if paper.arxiv:
        return {
            "arXiv": f"https://arxiv.org/abs/{paper.arxiv}",
            "PDF": f"https://arxiv.org/pdf/{paper.arxiv}",
        }
    query = quote_plus(paper.title)
    return {
        "Search arXiv": f"https://arxiv.org/search/?query={query}&searchtype=title",
        "Search Hugging Face": f"https://huggingface.co/papers?q={query}",
    }


def recently_listed(library: Library, limit: int) -> list[Paper]:
    """Papers from the newest listing files first.

    Listing dates carry no year, so "newest" means the source file that sorts last
    (files are named in the order they were added), then the order on the page.
    """

    def key(paper: Paper) -> tuple[str, int]:
        newest = max(paper.listings, key=lambda x: (x.source, -x.position), default=None)
        return (newest.source, -newest.position) if newest else ("", 0)

    return sorted(library.papers.values(), key=lambda p: (*key(p), p.id), reverse=True)[:limit]
