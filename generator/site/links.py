"""Links between the site's pages, for raw HTML: every title escaped, every address final
(MkDocs keeps it as written) and relative, built once per depth of the linking page,
since thousands of cards repeat the same few theme and tag links."""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup

from generator.analysis import Linked
from generator.content.model import Paper
from generator.site import markup, paths
from generator.site.paths import paper_page, tag_page, theme_page


class Links:
    """`<a>` elements to papers, themes and tags, from any page."""

    def __init__(self, library: Linked, directory_urls: bool) -> None:
        self.library = library
        self.directory_urls = directory_urls
        self._anchors: dict[tuple[int, str], Markup] = {}
        self._depths: dict[str, int] = {}
        self._joined: dict[tuple[int, tuple[str, ...], str], Markup] = {}
        self._renamed = {old: p.id for p in library.papers.values() for old in p.former_ids}

    def href(self, here: str, target: str) -> str:
        return paths.href(here, target, self.directory_urls)

    def a_paper(self, here: str, paper_id: str) -> Markup:
        """`<a>` to a paper page, for raw HTML blocks (the URL is final: MkDocs keeps it)."""
        return self.anchor(here, paper_page(paper_id), self.library.papers[paper_id].title)

    def to_paper(self, here: str, paper_id: str) -> str | None:
        """The address of a paper's page (one merged away leads to the paper it went
        into) from `here`, for a link a curator wrote as its id; None for no paper."""
        paper_id = self._renamed.get(paper_id, paper_id)
        found = paper_id in self.library.papers
        return self.href(here, paper_page(paper_id)) if found else None

    def a_tag(self, here: str, tag: str) -> Markup:
        return self.anchor(here, tag_page(tag), tag)

    def tag_chips(self, here: str, paper: Paper, limit: int | None = None) -> str:
        """The paper's tags as links, one per tag page (`LLM` and `llm` are one tag); on a
        card, the first `limit` and how many more."""
        pages: dict[str, str] = {}
        for tag in paper.tags:
            pages.setdefault(tag_page(tag), tag)
        tags = list(pages.values())
        shown = tags if limit is None else tags[:limit]
        chips = "".join(self.a_tag(here, tag) for tag in shown)
        more = f" +{len(tags) - len(shown)} more" if len(tags) > len(shown) else ""
        return f'<span class="rl-tags">{chips}{more}</span>' if chips else ""

    def a_theme(self, here: str, theme_id: str) -> Markup:
        return self.anchor(here, theme_page(theme_id), self.library.theme(theme_id).title)

    def theme_links(self, here: str, theme_ids: Iterable[str], separator: str = ", ") -> Markup:
        """Links to these themes' pages, joined: built once per depth and set of themes,
        which thousands of papers share."""
        ids = tuple(theme_ids)
        key = (self.depth(here), ids, separator)
        links = self._joined.get(key)
        if links is None:
            links = self._joined[key] = Markup(separator.join(self.a_theme(here, t) for t in ids))
        return links

    def depth(self, here: str) -> int:
        depth = self._depths.get(here)
        if depth is None:
            depth = self._depths[here] = paths.depth(here, self.directory_urls)
        return depth

    def anchor(self, here: str, target: str, title: str) -> Markup:
        # Pages at the same depth link alike: a theme page's 2,000 cards repeat the same
        # few theme links, so each is built once per depth.
        key = (self.depth(here), target)
        anchor = self._anchors.get(key)
        if anchor is None:
            url = self.href(here, target)
            anchor = Markup(f'<a href="{url}">{markup.html_text(title)}</a>')
            self._anchors[key] = anchor
        return anchor
