"""Exports: `papers.json`, BibTeX, CSL-JSON, RIS, CSV and Atom feeds, for all papers and
per theme, the same bytes for the same content.

`papers.json` is what other tools read the site through; BibTeX, CSL-JSON and RIS go
into reference managers (`site.cite`), the CSV into spreadsheets, and the feeds into
feed readers.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from functools import partial
from typing import Any
from xml.sax.saxutils import escape

from feedgen.feed import FeedGenerator

from generator.analysis import Linked
from generator.analysis.linked import Related
from generator.content.model import Paper, recently_listed
from generator.content.recall import NOTHING_KEPT, Recall, Same
from generator.site import paths
from generator.site.cite import Citation, bibtex_pair, csl_pair, inputs, ris_pair
from generator.site.markup import xml_chars
from generator.site.paths import (
    EXPORTS,
    FEED,
    FEEDS_SITEMAP,
    PAPERS_CSV,
    paper_page,
    theme_exports,
    theme_feed,
)

FEED_SIZE = 30
"""How many of the most recently listed papers the feed carries."""


def page_url(paper_id: str, use_directory_urls: bool) -> str:
    """A paper page's site-relative URL, as MkDocs will write it."""
    return paths.page_url(paper_page(paper_id), use_directory_urls)


def papers_json(
    library: Linked,
    use_directory_urls: bool,
    cited: dict[str, Citation] | None = None,
    recall: Recall = NOTHING_KEPT,
) -> str:
    """One object per paper, sorted by id; the same bytes for the same content.

    Each paper is one line: as easy to read and diff as indented JSON, and written
    by `json`'s C encoder, which indentation would turn off (5 times slower). A line
    is made from its arguments alone (`_json_line`), and recalled by them.
    """
    keys = {pid: c.key for pid, c in (cited or {}).items()}
    lines = []
    for paper in sorted(library.papers.values(), key=lambda p: p.id):
        pid = paper.id
        made = (
            keys.get(pid, ""),
            use_directory_urls,
            tuple(library.membership.get(pid, ())),
            tuple(library.related.get(pid, ())),
            tuple(library.mentions.get(pid, ())),
            tuple(library.mentioned_by.get(pid, ())),
        )
        lines.append(recall(("json", Same(paper), *made), partial(_json_line, paper, *made)))
    return "[\n" + ",\n".join(lines) + "\n]\n" if lines else "[]\n"


def _json_line(
    paper: Paper,
    key: str,
    use_directory_urls: bool,
    themes: tuple[str, ...],
    related: tuple[Related, ...],
    mentions: tuple[str, ...],
    mentioned_by: tuple[str, ...],
) -> str:
    """A paper's object in `papers.json`: the record, its citation key, its page's
    address and what the analysis found of it."""
    entry = {
        "id": paper.id,
        "key": key,
        "title": paper.title,
        "authors": paper.authors,
        "year": paper.year,
        "venue": paper.venue,
        "doi": paper.doi,
        "abstract": paper.abstract,
        "url": page_url(paper.id, use_directory_urls),
        "themes": list(themes),
        "links": paper.links,
        "listings": [
            {"source": x.source, "date": x.date, "position": x.position} for x in paper.listings
        ],
        "related": [r.id for r in related],
        "related_scores": [r.score for r in related],
        "mentions": list(mentions),
        "mentioned_by": list(mentioned_by),
        "aliases": paper.aliases,
        "tags": paper.tags,
        "notes": paper.notes,
        "arxiv": paper.arxiv,
    }
    return json.dumps(entry, ensure_ascii=False)


CSV_COLUMNS = [
    "id",
    "title",
    "authors",
    "year",
    "venue",
    "doi",
    "url",
    "arxiv",
    "code",
    "project",
    "themes",
    "listings",
    "aliases",
    "tags",
    "abstract",
]


def _cell(value: str) -> str:
    """Spreadsheets run a cell that starts with = + - @ as a formula; such cells get a '."""
    value = xml_chars(value)
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def papers_csv(library: Linked, site_url: str, recall: Recall = NOTHING_KEPT) -> str:
    """One row per paper, in id order; lists are joined with `; `. A row is recalled by
    all it is made from."""
    rows = [_csv_line(CSV_COLUMNS)]
    for paper in library.papers.values():
        themes = tuple(library.membership.get(paper.id, ()))
        rows.append(
            recall(("csv", Same(paper), themes, site_url), partial(_row, paper, themes, site_url))
        )
    return "".join(rows)


def _row(paper: Paper, themes: tuple[str, ...], site_url: str) -> str:
    row = {
        "id": paper.id,
        "title": paper.title,
        "authors": "; ".join(paper.authors),
        "year": paper.year,
        "venue": paper.venue,
        "doi": paper.doi,
        "url": site_url + page_url(paper.id, True) if site_url else "",
        "arxiv": paper.arxiv,
        "code": paper.links.get("code", ""),
        "project": paper.links.get("project", ""),
        "themes": "; ".join(themes),
        "listings": str(len(paper.listings)),
        "aliases": "; ".join(paper.aliases),
        "tags": "; ".join(paper.tags),
        "abstract": " ".join(paper.abstract.split()),
    }
    return _csv_line([_cell(row[c]) for c in CSV_COLUMNS])


def _csv_line(cells: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(cells)
    return out.getvalue()


def atom_feed(
    papers: list[Paper],
    title: str,
    subtitle: str,
    where: tuple[str, str, str],
    updated: datetime,
) -> bytes:
    """The most recently listed of `papers` as an Atom feed, newest first. `where` is the
    site's address (or ''), the page the feed belongs to and the feed's own address."""
    site, home, address = where
    feed = FeedGenerator()
    feed.id(home)
    feed.title(xml_chars(title))
    feed.subtitle(subtitle)
    feed.link(href=home, rel="alternate")
    feed.link(href=address, rel="self")
    feed.language("en")
    feed.updated(updated)
    for paper in recently_listed(papers, FEED_SIZE):
        url = site + page_url(paper.id, True)
        entry = feed.add_entry(order="append")
        entry.id(url)
        entry.title(xml_chars(paper.title) or paper.id)
        entry.link(href=url)
        entry.updated(updated)
        if paper.abstract:
            entry.summary(xml_chars(" ".join(paper.abstract.split())))
    return feed.atom_str(pretty=True)


def feeds_sitemap(site_url: str, feeds: list[str]) -> str:
    """A sitemap of the theme feeds, beside them. Material fetches `sitemap.xml` beside
    each `rel=alternate` link of a page, and a theme page announces its feed: with none
    in `feeds/`, every theme page logged a 404. Like MkDocs' own sitemap, it lists
    nothing when the site's address is unknown."""
    urls = [f"  <url><loc>{escape(site_url + f)}</loc></url>\n" for f in feeds if site_url]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{''.join(urls)}</urlset>\n"
    )


class CitationTexts:
    """Each paper's BibTeX, CSL-JSON and RIS, made once, with its abstract and without.

    All papers' files carry each abstract. A theme's files cite its papers, as the Cite
    buttons do, with their themes and tags but no abstract: at 10,000 papers the same
    abstracts again in every theme's three files were 151 MB of a 396 MB site folder.
    """

    def __init__(self, every: dict[str, Citation], recall: Recall) -> None:
        self.bib, self.csl, self.ris = {}, {}, {}
        for pid, c in every.items():
            made = recall(("texts", *inputs(c)), partial(_texts, c))
            self.bib[pid], self.csl[pid], self.ris[pid] = made

    def files(self, ids: list[str], paths: dict[str, str], abstracts: bool) -> dict[str, str]:
        """BibTeX, CSL-JSON and RIS of these papers (in this order), at `paths`."""
        which = 0 if abstracts else 1
        csl = ",\n".join(self.csl[i][which] for i in ids)
        return {
            paths["bib"]: "\n".join(self.bib[i][which] for i in ids),
            paths["csl"]: f"[\n{csl}\n]\n" if ids else "[]\n",
            paths["ris"]: "\n".join(self.ris[i][which] for i in ids),
        }


def _texts(c: Citation) -> tuple[tuple[str, str], tuple[str, str], tuple[str, str]]:
    return bibtex_pair(c), csl_pair(c), ris_pair(c)


def export_files(
    library: Linked,
    site_name: str,
    site_url: str,
    updated: str,
    every: dict[str, Citation],
    recall: Recall = NOTHING_KEPT,
) -> dict:
    """Docs-relative path -> content, for every download but `papers.json`."""
    when = datetime.fromisoformat(updated)
    home = site_url or "./"
    texts = CitationTexts(every, recall)

    def feed(papers: list[Paper], *about: Any) -> bytes:
        """`atom_feed`, recalled by the papers it carries and what it says of itself."""
        recent = recently_listed(papers, FEED_SIZE)
        return recall(("feed", *map(Same, recent), *about), partial(atom_feed, recent, *about))

    files: dict[str, str | bytes] = {
        **texts.files(sorted(every), EXPORTS, abstracts=True),
        PAPERS_CSV: papers_csv(library, site_url, recall),
        FEED: feed(
            list(library.papers.values()),
            site_name,
            f"The {FEED_SIZE} papers most recently added to the reading list.",
            (site_url, home, f"{site_url}{FEED}"),
            when,
        ),
    }
    for theme_id, members in library.members().items():
        theme = library.theme(theme_id)
        ids = sorted(p.id for p in members)
        files.update(texts.files(ids, theme_exports(theme_id), abstracts=False))
        page = site_url + paths.page_url(paths.theme_page(theme_id)) if site_url else "./"
        files[theme_feed(theme_id)] = feed(
            members,
            f"{site_name}: {theme.title}",
            f"The {FEED_SIZE} papers of {theme.title} most recently added to the reading list.",
            (site_url, page, f"{site_url}{theme_feed(theme_id)}"),
            when,
        )
        for old in theme.former_ids:  # a renamed theme's readers keep their links
            files[theme_feed(old)] = files[theme_feed(theme_id)]
            for kind, path in theme_exports(old).items():
                files[path] = files[theme_exports(theme_id)[kind]]
    if library.themes:  # a theme called "sitemap" has the name: Material reads its feed
        feeds = [theme_feed(t.id) for t in library.themes]
        files.setdefault(FEEDS_SITEMAP, feeds_sitemap(site_url, feeds))
    return files
