"""How the site cites a paper: its byline, its authors in short, and where to read it.

Every function returns escaped HTML or plain text that the caller escapes; nothing here
knows about pages or paths.
"""

from __future__ import annotations

import re
from urllib.parse import quote, quote_plus

from markupsafe import Markup, escape

from generator.content.model import Paper, Source
from generator.ingest.daily import daily_source
from generator.site import markup
from generator.site.cite import Citation

SHOWN_AUTHORS = 12
"""A byline names this many authors and counts the rest (some papers have hundreds)."""


def short_authors(paper: Paper) -> str:
    """`Ada Lovelace`, `Lovelace and Babbage`, `Lovelace et al.` or ''."""
    names = paper.authors
    if len(names) > 2:
        return f"{_surname(names[0])} et al."
    return " and ".join(map(_surname, names)) if len(names) == 2 else "".join(names)


def _surname(name: str) -> str:
    return name.split()[-1] if name.split() else name


def short_credit(paper: Paper) -> str:
    """Short authors and year, e.g. `Lovelace et al., 2024`; '' for neither."""
    return ", ".join(part for part in (short_authors(paper), paper.year) if part)


def author_link(name: str, papers_href: str, text: str = "") -> str:
    """`<a>` to All papers shown for one author (its `#author=` view), as escaped HTML."""
    href = escape(f"{papers_href}#author={quote(name, safe='')}")
    return f'<a class="rl-author" href="{href}">{markup.html_text(text or name)}</a>'


def venue_of(paper: Paper) -> str:
    """Where a paper appeared, as readers see it: its venue, else its journal or
    proceedings."""
    return paper.venue or paper.journal or paper.booktitle


def byline(paper: Paper, papers_href: str = "") -> Markup:
    """Authors · venue and year · DOI link, as escaped HTML; empty for a paper with none.
    With `papers_href` (All papers, from the page), each name opens it for that author."""
    parts = []
    if paper.authors:
        names = paper.authors[:SHOWN_AUTHORS]
        more = len(paper.authors) - len(names)
        shown = [
            author_link(n, papers_href) if papers_href else str(markup.html_text(n)) for n in names
        ]
        parts.append(", ".join(shown) + (f" and {more} more" if more else ""))
    venue = venue_of(paper)
    # Not "NeurIPS 2024 2024": a venue (an arXiv Journal-ref, say) may name the year.
    year = "" if re.search(rf"\b{re.escape(paper.year)}\b", venue) else paper.year
    published = " ".join(part for part in (venue, year) if part)
    if published:
        parts.append(str(markup.html_text(published)))
    if paper.doi:
        url = "https://doi.org/" + quote(paper.doi, safe="/:;()._-")
        parts.append(str(markup.html_link(f"doi:{paper.doi}", url)))
    return Markup(" · ".join(parts))


def read_links(paper: Paper) -> dict[str, str]:
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


def history(paper: Paper, sources: dict[str, Source]) -> Markup:
    """`Listed 4 times: Hugging Face Daily Papers, Mar 11 and Mar 17.`, as escaped HTML.

    Listings are grouped by what `content/sources.yml` calls their files, in the order
    they were first listed, each date once; a file it does not name is "a listing" (a
    file's hash means nothing to a reader), or, if it keeps a day of Hugging Face Daily
    Papers, that day's page there. A paper with no listing was added by hand.
    """
    if not paper.listings:
        return Markup("Added by hand.")
    groups: dict[tuple[str, str], list[str]] = {}
    for listing in paper.listings:
        source = sources.get(listing.source) or daily_source(listing.source)
        dates = groups.setdefault((source.label, source.url) if source else ("a listing", ""), [])
        if listing.date and listing.date not in dates:
            dates.append(listing.date)
    parts = []
    for (label, url), dates in groups.items():
        text = str(markup.html_link(label, url) if url else markup.html_text(label))
        if dates:
            text += ", " + str(markup.html_text(_and(dates)))
        parts.append(text)
    count = len(paper.listings)
    return Markup(f"Listed {count} time{'s' if count != 1 else ''}: " + "; ".join(parts) + ".")


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def meta_tags(paper: Paper, cited: Citation) -> list[list[str]]:
    """The `citation_*` meta tags Google Scholar documents and Zotero's connector reads,
    as (name, value) pairs, for the ones known: `overrides/main.html` escapes them."""
    tags = [["citation_title", paper.title]]
    tags += [["citation_author", name] for name in paper.authors]
    if paper.year:
        tags.append(["citation_publication_date", paper.year])
    if paper.journal or (cited.kind == "article" and paper.venue):
        tags.append(["citation_journal_title", paper.journal or paper.venue])
    elif paper.booktitle or (cited.kind == "inproceedings" and paper.venue):
        tags.append(["citation_conference_title", paper.booktitle or paper.venue])
    pages = re.split(r"\s*(?:--?|–|—)\s*", paper.pages.strip()) if paper.pages else []
    for name, value in [
        ("citation_volume", paper.volume),
        ("citation_issue", paper.number),
        ("citation_firstpage", pages[0] if pages else ""),
        ("citation_lastpage", pages[1] if len(pages) == 2 else ""),
        ("citation_publisher", paper.publisher),
        ("citation_doi", paper.doi),
        ("citation_arxiv_id", paper.arxiv),
    ]:
        if value:
            tags.append([name, value])
    if paper.arxiv:
        tags.append(["citation_pdf_url", f"https://arxiv.org/pdf/{paper.arxiv}"])
    return [[name, " ".join(value.split())] for name, value in tags]
