"""Exports: `papers.json`, BibTeX, CSV and an Atom feed, the same bytes for the same content.

`papers.json` is what other tools read the site through; the BibTeX files go into
reference managers, the CSV into spreadsheets, and the feed into feed readers.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime
from typing import Any

from feedgen.feed import FeedGenerator

from generator.analysis import Linked
from generator.content.model import Paper, recently_listed
from generator.site import paths
from generator.site.markup import safe_url, xml_chars
from generator.site.paths import FEED, PAPERS_BIB, PAPERS_CSV, paper_page, theme_bib

FEED_SIZE = 30
"""How many of the most recently listed papers the feed carries."""


def page_url(paper_id: str, use_directory_urls: bool) -> str:
    """A paper page's site-relative URL, as MkDocs will write it."""
    return paths.page_url(paper_page(paper_id), use_directory_urls)


def paper_entry(library: Linked, paper: Paper, use_directory_urls: bool) -> dict[str, Any]:
    related = library.related.get(paper.id, [])
    return {
        "id": paper.id,
        "title": paper.title,
        "authors": paper.authors,
        "year": paper.year,
        "venue": paper.venue,
        "doi": paper.doi,
        "abstract": paper.abstract,
        "url": page_url(paper.id, use_directory_urls),
        "themes": library.membership.get(paper.id, []),
        "links": paper.links,
        "listings": [
            {"source": x.source, "date": x.date, "position": x.position} for x in paper.listings
        ],
        "related": [r.id for r in related],
        "related_scores": [r.score for r in related],
        "mentions": library.mentions.get(paper.id, []),
        "mentioned_by": library.mentioned_by.get(paper.id, []),
        "aliases": paper.aliases,
        "tags": paper.tags,
        "arxiv": paper.arxiv,
    }


def papers_json(library: Linked, use_directory_urls: bool) -> str:
    """One object per paper, sorted by id; the same bytes for the same content.

    Each paper is one line: as easy to read and diff as indented JSON, and written
    by `json`'s C encoder, which indentation would turn off (5 times slower).
    """
    lines = [
        json.dumps(paper_entry(library, p, use_directory_urls), ensure_ascii=False)
        for p in sorted(library.papers.values(), key=lambda p: p.id)
    ]
    return "[\n" + ",\n".join(lines) + "\n]\n" if lines else "[]\n"


# BibTeX has no escape for braces (a backslash does not stop them counting), so every
# special character becomes a command whose own braces are balanced.
_BIB = str.maketrans(
    {
        "\\": r"\textbackslash{}",
        "{": r"\textbraceleft{}",
        "}": r"\textbraceright{}",
        "%": r"\%",
        "&": r"\&",
        "$": r"\$",
        "#": r"\#",
        "_": r"\_",
        "^": r"\textasciicircum{}",
        "~": r"\textasciitilde{}",
    }
)


_LIGATURE = re.compile(r"(?<=-)(?=-)|(?<=`)(?=`)|(?<=')(?=')")
"""`--`, ``` `` ``` and `''` would read back as a dash and quotes: `-{}-` keeps them."""


def bib_text(text: str) -> str:
    """A BibTeX field value: one line, LaTeX specials escaped, braces always balanced."""
    return _LIGATURE.sub("{}", " ".join(xml_chars(text).split()).translate(_BIB))


def _bib_name(name: str) -> str:
    """One author: a name holding the word `and` is braced, or BibTeX would split it."""
    text = bib_text(name)
    return "{" + text + "}" if " and " in f" {text.lower()} " else text


def bib_entry(library: Linked, paper: Paper, site_url: str) -> str:
    titles = {t.id: t.title for t in library.themes}
    themes = [titles[t] for t in library.membership.get(paper.id, [])]
    arxiv = safe_url(f"https://arxiv.org/abs/{paper.arxiv}") if paper.arxiv else None
    page = safe_url(site_url + page_url(paper.id, True)) if site_url else None
    url = arxiv or page
    fields = [("title", "{" + bib_text(paper.title) + "}")]
    if paper.authors:
        fields.append(("author", " and ".join(_bib_name(name) for name in paper.authors)))
    if paper.year:
        fields.append(("year", bib_text(paper.year)))
    if paper.venue:
        fields.append(("howpublished", bib_text(paper.venue)))
    if paper.doi:
        fields.append(("doi", bib_text(paper.doi)))
    if themes:
        fields.append(("note", bib_text("Themes: " + "; ".join(themes))))
    if url:
        fields.append(("url", url))
    if paper.arxiv:
        fields += [("eprint", bib_text(paper.arxiv)), ("archiveprefix", "arXiv")]
    if paper.abstract:
        fields.append(("abstract", bib_text(paper.abstract)))
    body = "".join(f"  {name} = {{{value}}},\n" for name, value in fields)
    return f"@misc{{{paper.id},\n{body}}}\n"


def bibtex(
    library: Linked, papers: list[Paper], site_url: str, entries: dict[str, str] | None = None
) -> str:
    """`@misc` entries keyed by paper id, in id order (`entries`: ones already made)."""
    ordered = sorted(papers, key=lambda p: p.id)
    if entries is None:
        return "\n".join(bib_entry(library, p, site_url) for p in ordered)
    return "\n".join(entries[p.id] for p in ordered)


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


def papers_csv(library: Linked, site_url: str) -> str:
    """One row per paper, in id order; lists are joined with `; `."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for paper in library.papers.values():
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
            "themes": "; ".join(library.membership.get(paper.id, [])),
            "listings": str(len(paper.listings)),
            "aliases": "; ".join(paper.aliases),
            "tags": "; ".join(paper.tags),
            "abstract": " ".join(paper.abstract.split()),
        }
        writer.writerow([_cell(row[c]) for c in CSV_COLUMNS])
    return out.getvalue()


def atom_feed(library: Linked, site_name: str, site_url: str, updated: datetime) -> bytes:
    """The most recently listed papers as an Atom feed, newest first."""
    feed = FeedGenerator()
    home = site_url or "./"
    feed.id(home)
    feed.title(xml_chars(site_name))
    feed.subtitle(f"The {FEED_SIZE} papers most recently added to the reading list.")
    feed.link(href=home, rel="alternate")
    feed.link(href=f"{site_url}{FEED}", rel="self")
    feed.language("en")
    feed.updated(updated)
    for paper in recently_listed(library.papers.values(), FEED_SIZE):
        url = site_url + page_url(paper.id, True)
        entry = feed.add_entry(order="append")
        entry.id(url)
        entry.title(xml_chars(paper.title))
        entry.link(href=url)
        entry.updated(updated)
        if paper.abstract:
            entry.summary(xml_chars(" ".join(paper.abstract.split())))
    return feed.atom_str(pretty=True)


def export_files(library: Linked, site_name: str, site_url: str, updated: str) -> dict:
    """Docs-relative path -> content, for every download but `papers.json`."""
    papers = list(library.papers.values())
    # Each paper's entry is made once, then shared by papers.bib and its themes' files.
    entries = {p.id: bib_entry(library, p, site_url) for p in papers}
    files: dict[str, str | bytes] = {
        PAPERS_BIB: bibtex(library, papers, site_url, entries),
        PAPERS_CSV: papers_csv(library, site_url),
        FEED: atom_feed(library, site_name, site_url, datetime.fromisoformat(updated)),
    }
    for theme, members in library.members().items():
        files[theme_bib(theme)] = bibtex(library, members, site_url, entries)
    return files
