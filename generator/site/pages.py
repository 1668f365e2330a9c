"""Render the library as Markdown pages for MkDocs, with Jinja templates.

Every value a template prints is escaped into inert Markdown unless the code marked
it safe (links and paths it built itself), so content can never become markup. Page
bodies are raw HTML blocks built with the `h`, `a_*` and `html_*` helpers, which
HTML-escape every value; Markdown passes such blocks through as they are. Each page's
title (escaped) and edit link are in its front matter, so that any MkDocs-compatible
engine builds the same pages from the folder alone.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from functools import partial
from typing import Any

from markupsafe import Markup, escape

from generator.analysis import Linked
from generator.analysis.linked import Related
from generator.analysis.related import vectorize
from generator.analysis.tags import tag_groups
from generator.analysis.themes import related_themes, theme_counts, unsorted
from generator.content.model import Paper, Theme, recently_listed
from generator.content.recall import NOTHING_KEPT, Recall, typed
from generator.site import charts, citation, lists, markup, table, theme_map
from generator.site.cite import Citation, bibtex, citation_list, inputs
from generator.site.links import Links
from generator.site.markup import meta
from generator.site.paths import (
    CONTRIBUTE,
    HOME,
    PAPERS,
    TAGS,
    THEMES,
    UNSORTED,
    SiteOptions,
    paper_page,
    tag_page,
    theme_exports,
    theme_feed,
    theme_page,
)
from generator.site.templating import environment

RECENT = 8
CARD_LIST = 5
"""A card names at most this many tags, and other themes: a paper shows on the page of
each of its tags and themes, so what its card lists is printed once per page, and the
pages would grow with the square of its list."""
MAP_MIN = 3
"""A theme needs this many papers before a map of them says anything."""
MAP_DOTS = 300
"""The most papers a theme's map places: the dots of thousands would weigh megabytes."""


class Renderer:
    """Renders every page of the site for one library."""

    def __init__(
        self,
        library: Linked,
        options: SiteOptions,
        cited: dict[str, Citation] | None = None,
        recall: Recall = NOTHING_KEPT,
    ) -> None:
        self.library = library
        self.recall = recall
        self.options = options
        self.cited = citation_list(library) if cited is None else cited
        self.env = environment()
        self.counts = theme_counts(library)
        self.members = library.members()
        self.themes = {t.id: t for t in library.themes}
        self.links = Links(library, options.directory_urls)
        self._cards: dict[tuple[int, str, str], str] = {}
        self._bibtex: dict[str, str] = {}

    def pages(self) -> dict[str, str]:
        """Docs-relative path -> Markdown text, for every page."""
        pages = {
            HOME: self.home(),
            THEMES: self.render(THEMES, "themes.md.j2"),
            PAPERS: self.papers_table(),
            CONTRIBUTE: self.render(CONTRIBUTE, "contribute.md.j2", options=self.options),
            **self.unsorted(),
        }
        for theme in self.library.themes:
            pages.update(self.theme(theme))
        pages.update((paper_page(p.id), self.paper(p)) for p in self.library.papers.values())
        tags = tag_groups(self.library.papers.values())
        for tag, papers in tags.items():
            pages.update(self.tag(tag, papers))
        if tags:
            pages[TAGS] = self.render(TAGS, "tags.md.j2", tags=self._tag_list(tags))
        return pages

    def _tag_list(self, tags: dict[str, list[Paper]]) -> Markup:
        """The tag index: a chip per tag, with its number of papers."""
        return _joined(
            "",
            (
                f"<li>{self.links.a_tag(TAGS, tag)} <span>{len(p):,}</span></li>"
                for tag, p in tags.items()
            ),
        )

    def tag(self, tag: str, papers: list[Paper]) -> dict[str, str]:
        """A tag's pages: its papers as cards, most listed first, `LIST_PAGE` a page."""
        ordered = sorted(papers, key=_card_order)
        pages = {}
        for n, here, chunk, pager in lists.paged(tag_page(tag), ordered, self.href):
            cards = self.cards(here, list(chunk))
            template = "tag.md.j2" if n == 0 else "list.md.j2"
            pages[here] = self.render(
                here, template, tag=tag, count=len(papers), cards=cards, pager=pager,
                title=f"Tag: {tag}", number=n + 1,
            )  # fmt: skip
        return pages

    def unsorted(self) -> dict[str, str]:
        """Papers no theme has, as links, `LIST_PAGE` a page."""
        papers = unsorted(self.library)
        pages = {}
        for n, here, chunk, pager in lists.paged(UNSORTED, papers, self.href):
            links = _joined("", (f"<li>{self.links.a_paper(here, p.id)}</li>" for p in chunk))
            pages[here] = self.render(
                here, "unsorted.md.j2", papers=papers, links=links, pager=pager, number=n + 1
            )
        return pages

    def render(self, here: str, template: str, **context: Any) -> str:
        helpers = {
            "to": partial(_relative, here),
            "link_theme": partial(self._link_theme, here),
            "a_paper": partial(self.links.a_paper, here),
            "a_theme": partial(self.links.a_theme, here),
            "a_ext": markup.html_link,
            "h": markup.html_text,
            "h_block": markup.html_block,
            "html_paragraphs": markup.html_paragraphs,
            "link": markup.link,
            "paragraphs": markup.paragraphs,
            "meta": meta,
            "edit": self.edit,
        }
        return self.env.get_template(template).render(
            library=self.library,
            counts=self.counts,
            members=self.members,
            **helpers,
            **context,
        )

    def _link_theme(self, here: str, theme_id: str) -> Markup:
        theme = self.library.theme(theme_id)
        return Markup(f"[{markup.inline(theme.title)}]({_relative(here, theme_page(theme_id))})")

    def href(self, here: str, target: str) -> str:
        return self.links.href(here, target)

    def home(self) -> str:
        recent = recently_listed(self.library.papers.values(), RECENT)
        overlap = Markup()  # how two or more listings overlap; one has nothing to show
        if len({x.source for p in self.library.papers.values() for x in p.listings}) > 1:
            overlap = charts.figure(
                charts.source_overlap(self.library),
                "Rows and columns are listing files, numbered in the order they were added.",
            )
        return self.render(
            HOME,
            "home.md.j2",
            recent=recent,
            theme_map=self.theme_map(),
            overlap=overlap,
            options=self.options,
        )

    def theme_map(self) -> Markup:
        """The home page's map of the themes (a spring layout: 0.01 s at any size)."""
        drawn = theme_map.theme_map(
            self.library, self.counts, lambda t: self.href(HOME, theme_page(t))
        )
        return charts.figure(drawn, "Click a theme to open it.", kind="map")

    def theme(self, theme: Theme) -> dict[str, str]:
        """A theme's page (its description, start here, its map and its first papers)
        and the pages of its other papers, `LIST_PAGE` a page."""
        papers = sorted(self.members[theme.id], key=_card_order)
        first = [p for pid in dict.fromkeys(theme.start_here) for p in papers if p.id == pid]
        chosen = {p.id for p in first}
        rest = [p for p in papers if p.id not in chosen]
        first_page, *more = lists.paged(theme_page(theme.id), rest, self.href, len(first))
        _, here, chunk, pager = first_page
        pages = {
            here: self.render(
                here,
                "theme.md.j2",
                cards=partial(self.cards, here, theme_id=theme.id),
                theme=theme,
                start_here=first,
                papers=list(chunk),
                pager=pager,
                in_table=escape(self.href(here, PAPERS) + f"#theme={theme.id}"),
                related=related_themes(self.library, theme.id),
                paper_map=self.paper_map(theme, papers, here),
                exports=theme_exports(theme.id),
                feed=theme_feed(theme.id),
            )
        }
        for n, path, chunk, pager in more:
            pages[path] = self.render(
                path,
                "list.md.j2",
                title=theme.title,
                number=n + 1,
                pager=pager,
                cards=self.cards(path, list(chunk), theme_id=theme.id),
            )
        return pages

    def cards(self, here: str, papers: list[Paper], badge: str = "", theme_id: str = "") -> Markup:
        """Cards for a theme or tag page, one `<li>` line each (raw HTML, every value
        escaped), each naming the paper's themes (on a theme page, the others).

        A theme holds up to thousands of papers and a paper sits in a few themes, so
        cards are built here rather than by a template macro, and all but the card's
        themes is built once per paper and depth.
        """
        lines = []
        for paper in papers:
            others = [t for t in self.library.membership.get(paper.id, []) if t != theme_id]
            also = self.links.theme_links(here, others[:CARD_LIST])
            more = f" and {len(others) - CARD_LIST} more" if len(others) > CARD_LIST else ""
            lead = " · also in " if theme_id else " · in "
            lines.append(
                self._card_start(here, paper, badge)
                + (f"{lead}{also}{more}" if others else "")
                + "</span></p></li>\n"
            )
        return Markup("".join(lines))

    def papers_table(self) -> str:
        """All papers: the rows are scripts (`site.table`) that the page loads."""
        count = len(self.library.papers)
        return self.render(PAPERS, "papers.md.j2", count=count, parts=table.parts(count))

    def _card_start(self, here: str, paper: Paper, badge: str) -> str:
        # Theme pages (and tag pages) all sit at one depth: the link is the same on each.
        key = (self.links.depth(here), paper.id, badge)
        start = self._cards.get(key)
        if start is None:
            # All it shows is the paper's and its citation's, linked from this depth.
            kept = ("card", *inputs(self.cited[paper.id]), *key, self.options.directory_urls)
            start = self.recall(kept, partial(self._new_card_start, here, paper, badge))
            self._cards[key] = start
        return start

    def _new_card_start(self, here: str, paper: Paper, badge: str) -> str:
        head = f'<span class="rl-badge">{markup.html_text(badge)}</span> ' if badge else ""
        if citation.is_survey(paper):
            head += '<span class="rl-badge rl-survey">Survey</span> '
        code = paper.links.get("code")
        credit = citation.short_credit(paper)
        if paper.authors:  # the surname opens All papers for the first author
            credit_html = citation.author_link(
                paper.authors[0], self.href(here, PAPERS), citation.short_authors(paper)
            ) + (f", {markup.html_text(paper.year)}" if paper.year else "")
        else:
            credit_html = str(markup.html_text(credit))
        sentence = markup.html_text(markup.first_sentence(paper.abstract))
        return (
            f"<li>{head}<p><strong>{self.links.a_paper(here, paper.id)}</strong></p>"
            f'<p>{sentence}</p><p><span class="rl-card-foot">'
            + (f"{credit_html} · " if credit else "")
            + (f"{markup.html_link('code', code)} · " if code else "")
            + f"listed {len(paper.listings)}× · {self._cite_button(paper)}"
            + (f" {self.links.tag_chips(here, paper, CARD_LIST)}" if paper.tags else "")
        )

    def cite_text(self, paper_id: str) -> str:
        """The BibTeX a Cite button copies, made once per paper: a paper's page and each
        of its cards show it."""
        text = self._bibtex.get(paper_id)
        if text is None:
            cited = self.cited[paper_id]
            text = self.recall(("bibtex", *inputs(cited)), lambda: bibtex(cited))
            self._bibtex[paper_id] = text
        return text

    def _cite_button(self, paper: Paper) -> str:
        """A card's Cite button: `readinglist.js` shows its BibTeX and copies it."""
        text = str(escape(self.cite_text(paper.id))).replace("\n", "&#10;")
        label = markup.html_text(f"Cite {paper.title}")
        return (
            f'<button type="button" class="rl-cite" aria-haspopup="dialog" '
            f'data-bibtex="{text}" aria-label="{label}">Cite</button>'
        )

    def paper_map(self, theme: Theme, papers: list[Paper], here: str) -> Markup:
        """The theme's map, or nothing for a theme too small for one to say anything;
        its `MAP_DOTS` most listed papers at most (`papers` come in card order)."""
        if len(papers) < MAP_MIN:
            return Markup("")
        placed = sorted(papers[:MAP_DOTS], key=lambda p: p.id)
        texts = tuple((p.title, p.abstract) for p in placed)  # all the map is made from
        positions = self.recall(("map", texts), partial(_positions, placed, self.recall))
        href = partial(self.href, here)
        scatter = charts.paper_map(theme.title, placed, positions, lambda p: href(paper_page(p)))
        which = (
            "one of the papers listed below"
            if len(placed) == len(papers)
            else (f"one of the theme's {len(placed)} most listed papers (of {len(papers):,})")
        )
        return charts.figure(
            scatter,
            f"Each dot is {which}. Point at, tab to or tap a dot for its title; click it, "
            "or tap it again, to open it.",
        )

    def paper(self, paper: Paper) -> str:
        """A paper's page. Its lists are joined here: Jinja loops cost 10,000 times over."""
        here = paper_page(paper.id)
        themes = self.library.membership.get(paper.id, [])
        a_paper = partial(self.links.a_paper, here)
        links = [*paper.links.items(), *citation.read_links(paper).items()]
        related = self.library.related.get(paper.id, [])
        context = dict(
            byline=citation.byline(paper, self.href(here, PAPERS)),
            themes=self.links.theme_links(here, themes, " · "),
            read=_joined(" · ", (markup.html_link(name, url) for name, url in links)),
            tags=Markup(self.links.tag_chips(here, paper)),
            history=citation.history(paper, self.library.sources),
            aliases=_joined(", ", (f"“{markup.html_text(a)}”" for a in paper.aliases)),
            notes=paper.notes
            and markup.notes_html(paper.notes, partial(self.links.to_paper, here)),
            related=_joined("", (self._related(here, r, themes) for r in related)),
            bibtex=self.cite_text(paper.id),
            mentions=_joined(" · ", map(a_paper, self.library.mentions.get(paper.id, []))),
            mentioned_by=_joined(" · ", map(a_paper, self.library.mentioned_by.get(paper.id, []))),
            edit_url=self.edit(f"content/papers/{paper.id}.yml"),
        )
        # The template reads the paper, its citation and these values, nothing else (the
        # helpers `render` adds are pure): they are the page's key.
        cited = self.cited[paper.id]
        return self.recall(
            ("paper", *inputs(cited), *typed(*context.values())),
            lambda: self.render(
                here,
                "paper.md.j2",
                paper=paper,
                citation=citation.meta_tags(paper, cited),
                **context,
            ),
        )

    def _related(self, here: str, related: Related, themes: list[str]) -> str:
        """One related paper: its link, its score and the themes both share."""
        shared = [t for t in self.library.membership.get(related.id, []) if t in themes]
        return (
            f"<li>{self.links.a_paper(here, related.id)} "
            f'<span class="rl-score" title="TF-IDF cosine similarity">{related.score:.2f}</span>'
            + (f" · shared: {self.links.theme_links(here, shared)}" if shared else "")
            + "</li>"
        )

    def edit(self, source: str) -> str:
        """The edit link of a file in the repository, or '' without one."""
        return f"{self.options.edit_base}{source}" if self.options.edit_base else ""


def _positions(papers: list[Paper], recall: Recall) -> Any:
    """Where a theme's map places its papers: by TF-IDF over these papers alone, so that
    a paper added elsewhere, or joining another theme, leaves this map as it was."""
    positions = charts.paper_positions(vectorize(papers, recall))
    positions.setflags(write=False)  # kept by the preview: read, never written
    return positions


def _joined(separator: str, parts: Iterable[str]) -> Markup:
    """Already-escaped HTML parts, joined."""
    return Markup(separator.join(parts))


def _card_order(paper: Paper) -> tuple[int, str, str]:
    """Most listed first, then by title."""
    return (-len(paper.listings), paper.title.casefold(), paper.id)


def _relative(here: str, target: str) -> Markup:
    return Markup(posixpath.relpath(target, posixpath.dirname(here) or "."))
