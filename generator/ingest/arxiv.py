"""Listings copied from arXiv itself: a listing page, search results or the daily email.

A page such as `arxiv.org/list/cs.LG/new`, copied from the browser, gives each paper as

    [1] arXiv:2412.04453 [pdf, html, other]
    Title: Sparse Widget Routing
    Ada Lovelace, Charles Babbage
    Comments: 12 pages. Code: https://github.com/ada/widgets
    Subjects: Machine Learning (cs.LG); Computation and Language (cs.CL)

    We route widgets sparsely...   (the abstract: on the `new` pages, not the `recent` ones)

under a date such as `Fri, 6 Dec 2024`. Its search results give

    arXiv:2412.04453  [pdf, other]  cs.LG cs.CL
    Sparse Widget Routing
    Authors: Ada Lovelace, Charles Babbage
    Abstract: We route widgets sparsely... ▽ More
    Submitted 5 December, 2024; originally announced December 2024.

each field labelled but the title, each abstract cut short unless its `More` was clicked
(`△ Less` then ends it), and at most 25 authors (`et al. (N additional authors not
shown)`). The email gives `arXiv:2412.04453` on a line of
its own, then `Date:`, `Title:`, `Authors:`, `Categories:` and the rest, a field wrapped
onto indented lines, and the abstract between `\\\\` lines. Both are read here
(`from_arxiv` tells them from other listings), with the arXiv id, the authors, the year,
the primary category, a `Journal-ref:` as the venue and a `DOI:`. Each paper's date is
the page's date above it, or its own `Date:` (the email) or `Submitted` date (a search).
Lines between papers that name none (the page's header, the email's separators) are left
out.
"""

from __future__ import annotations

import re
from itertools import dropwhile, takewhile
from pathlib import Path

from generator.content.identifiers import arxiv_year, listing_date, normal_doi
from generator.errors import Problem, SourceError
from generator.ingest.parse import Entry, ParsedSource, clean_abstract, extract_links

WARN = "warning"
_CATEGORY = r"(?:[a-z-]+\.[A-Za-z-]+|[a-z]+-[a-z]+)"
"""An arXiv category: `cs.LG`, `q-bio.NC`, `hep-th`."""
_ID_LINE = re.compile(
    r"(?:\[\d+\]\s+|\d+\.\s+)?arXiv:(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?"
    r"(?:\s+\([^()]*\))*(?:\s+\[[^\[\]]*\](?:\s+\([^()]*\))*)?"
    rf"((?:\s+{_CATEGORY})*)(?:\s+doi\s+(10\.\S+))?"
)
"""`[1] arXiv:2412.04453 [pdf, html, other]` (a page), `arXiv:2412.04453` (the email) or
`1. arXiv:2412.04453 [pdf] cs.LG cs.CL doi 10.1/x` (a search, its categories and DOI in
groups 2 and 3), with what a page adds: `(cross-list from cs.CL)`, `(replaced)`. No part
of it can match the same text two ways, so a line that is almost one costs no
backtracking."""
_ID_MAX = 200
"""An id line is short; a longer line is not looked at (`_arxiv_id`)."""
_FIELD = re.compile(
    r"(Title|Authors|Date|Categories|Subjects|Comments|Journal-ref|DOI|License|Abstract"
    r"|Journal ref|Report-no|Report-number|Report number|MSC-class|ACM-class):\s*(.*)"
)
_SUBMITTED = re.compile(r"Submitted (\d{1,2} [A-Z][a-z]+, \d{4});.* originally announced .*")
MORE, LESS = "▽ More", "△ Less"
"""What ends an abstract in search results: a link to show all of it, or less of it."""
_CATEGORIES = re.compile(rf"{_CATEGORY}(?:\s+{_CATEGORY})*")
"""A line of a search result's categories (`cs.LG cs.CL`), should a copy break it off."""
_NOT_SHOWN = re.compile(r",? et al\. \(\d+ additional authors not shown\)$")
SHORT = {
    "abstract": "abstracts are cut short ('… ▽ More'), as arXiv's search results show "
    "them; click each 'More' before copying to keep them whole",
    "authors": "author lists are cut short at 25 names ('et al.'), as arXiv's search results "
    "show them; each paper's arXiv page names them all",
}
"""What a search result may cut short, and the warning for the file when it does."""
_DATE = re.compile(r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*, \d{1,2} [A-Z][a-z]+ \d{4}")
_CLASS = re.compile(r"\(([a-z-]+(?:\.[A-Za-z-]+)?)\)")
_MARKER = re.compile(r" ?\(\d+(?:, ?\d+)*\)")
"""The email's affiliation marks: `Ada Lovelace (1), Charles Babbage (2) ((1) Cambridge,
(2) London)`, where the names of the places close the line."""
_ABSTRACT_WORDS = 12
"""A page's paragraph after a paper's fields is its abstract if it is one line (as a
browser copies it) of this many words, with no ` | `. Another is a heading (`Cross
submissions (showing 5 of 5 entries)`) or the page's footer, its links one to a line."""


def from_arxiv(text: str) -> bool:
    """Whether a listing is arXiv's: a line that is an arXiv id, as a page, a search or
    the email writes it, followed by a title or by a search's fields."""
    lines = text.split("\n")
    for n, line in enumerate(lines):
        found = _arxiv_id(line)
        if found and (line.lstrip().startswith("[") or _titled(lines[n + 1 : n + 5])):
            return True
    return False


def _arxiv_id(line: str) -> str:
    """The arXiv id of a line that is an id line (`_ID_LINE`), or ''."""
    found = _ID_LINE.fullmatch(line.strip()) if len(line) <= _ID_MAX else None
    return found.group(1) if found else ""


def _titled(lines: list[str]) -> bool:
    return any(line.startswith(("Title:", "Authors:", "Abstract:")) for line in lines)


def parse_arxiv(path: Path, text: str, warnings: list[Problem]) -> ParsedSource:
    """The papers of an arXiv listing (`from_arxiv`), in the order given."""
    lines = text.split("\n")
    starts = [n for n, line in enumerate(lines) if _arxiv_id(line)]
    entries: list[Entry] = []
    cut: dict[str, list[Entry]] = {field: [] for field in SHORT}  # by a search
    date, email = "", "\\\\" in lines  # each of the email's papers has its own date
    for n, start in enumerate(starts):
        for line in [] if email else lines[(starts[n - 1] + 1 if n else 0) : start]:
            heading = _DATE.search(line) if len(line) <= 80 else None  # `Fri, 6 Dec 2024`
            if heading and not _FIELD.match(line):
                date = listing_date(heading.group(0)) or date
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        found = _entry(lines, start, end, date, len(entries) + 1)
        if found is not None:
            entries.append(found[0])
            for field in found[1]:
                cut[field].append(found[0])
    if not entries:
        raise SourceError(path, "no papers found in this arXiv listing")
    if not any(e.date for e in entries):
        warnings.append(Problem(str(path), 0, "no date (such as 'Fri, 6 Dec 2024') found", WARN))
    bare = [e for e in entries if not e.abstract]
    for field, short in cut.items():
        if short:
            message = f"{len(short)} of {len(entries)} {SHORT[field]}"
            warnings.append(Problem(str(path), short[0].line, message, WARN))
    if bare:
        message = (
            f"{len(bare)} of {len(entries)} papers come without an abstract: arXiv's "
            "'recent' pages and its replacements show none, its 'new' pages do"
        )
        warnings.append(Problem(str(path), bare[0].line, message, WARN))
    return ParsedSource(path, entries, warnings, label="arXiv listing")


def _entry(
    lines: list[str], start: int, end: int, date: str, position: int
) -> tuple[Entry, list[str]] | None:
    """The paper whose id is on line `start` (0-based), read up to line `end`: its
    fields, then its abstract (the email's, between `\\\\` lines; the page's, the line
    after the fields, with or without a blank line between; a search's, labelled), and
    the fields a search cut short (`SHORT`)."""
    id_line = _ID_LINE.fullmatch(lines[start].strip())
    if id_line is None:  # `starts` holds id lines only
        return None
    arxiv, categories, doi = id_line.groups()
    body = list(enumerate(lines[start + 1 : end], start + 2))  # (line number, text)
    # The email's marks: `\\` alone, and `\\ ( https://arxiv.org/abs/… )` after a paper
    # (at once, when it has no abstract). A line of the abstract may start with `\\`.
    marks = [i for i, (_, text) in enumerate(body) if text == "\\\\" or text.startswith("\\\\ (")]
    if marks:
        fields, line, _ = _fields(body[: marks[0]], labelled=True)
        stop = (marks[1:] or [marks[0]])[0]
        bare = body[marks[0]][1] == "\\\\"
        abstract = " ".join(text for _, text in body[marks[0] + 1 : stop]) if bare else ""
    elif any(text.startswith("Abstract:") or _SUBMITTED.match(text) for _, text in body):
        fields, line = _search_fields(body)
        abstract = ""  # labelled, as it may be anywhere
    else:
        fields, line, rest = _fields(body, labelled=False)
        paragraph = list(takewhile(bool, dropwhile(lambda text: not text, rest)))
        abstract = paragraph[0] if len(paragraph) == 1 else ""
        if len(abstract.split()) < _ABSTRACT_WORDS or " | " in abstract:
            abstract = ""  # a heading or the page's footer
    if not fields.get("Title"):
        return None
    abstract = " ".join((abstract or fields.get("Abstract", "")).split())
    text = clean_abstract(abstract.removesuffix(MORE).removesuffix(LESS).rstrip())
    classes = _CLASS.findall(fields.get("Subjects", "")) or fields.get("Categories", "").split()
    classes = classes or categories.split()
    own = _DATE.search(fields.get("Date", ""))
    day = own.group(0) if own else fields.get("Submitted", "")
    named = _NOT_SHOWN.sub("", fields.get("Authors", ""))
    entry = Entry(
        title=fields["Title"],
        abstract=text,
        date=(listing_date(day) if day else None) or date,
        position=position,
        line=line,
        links=extract_links(f"{text} {fields.get('Comments', '')}"),
        authors=_authors(named),
        year=arxiv_year(arxiv),
        venue=fields.get("Journal-ref", "") or fields.get("Journal ref", ""),
        doi=normal_doi((fields.get("DOI", "") or doi or "").split(" ")[0]),
        arxiv=arxiv,
        arxiv_class=classes[0] if classes else "",
    )
    short = ["abstract"] if abstract.endswith(MORE) else []
    return entry, short + (["authors"] if named != fields.get("Authors", "") else [])


def _search_fields(body: list[tuple[int, str]]) -> tuple[dict[str, str], int]:
    """A search result's fields: each labelled (`Authors:`, `Abstract:`, `Comments:`,
    `Journal ref:`), but the title, the first line that is none of them, the date of
    `Submitted …; originally announced …`, and the categories, should a copy put them on
    a line of their own. Lines that follow the last result (the page's links) are none
    of them, and are left out."""
    fields: dict[str, str] = {}
    title_line = 0
    for number, line in body:
        text = line.strip()
        field = _FIELD.fullmatch(text)
        if field:
            fields.setdefault(field.group(1), field.group(2).strip())
        elif submitted := _SUBMITTED.match(text):
            fields.setdefault("Submitted", submitted.group(1))
        elif "Title" in fields or not text:
            continue
        elif _CATEGORIES.fullmatch(text) and "." in text:
            fields.setdefault("Categories", text)
        else:
            fields["Title"], title_line = text, number
    return _tidy(fields), title_line


def _fields(body: list[tuple[int, str]], labelled: bool) -> tuple[dict[str, str], int, list[str]]:
    """`Name: value` lines (a value the email wraps onto indented lines joined), the
    title's line, and the lines after the fields. On a page, the title and the authors
    may come unlabelled, in that order, and the fields end at a blank line or at a line
    that is none of them (an abstract, indented or not)."""
    fields: dict[str, str] = {}
    name, title_line = "", 0
    for n, (number, line) in enumerate(body):
        field = _FIELD.fullmatch(line)
        if field:
            name = field.group(1)
            fields[name] = field.group(2).strip()
        elif labelled and line[:1].isspace() and line.strip() and name:
            fields[name] += " " + line.strip()
        elif labelled and "Date" not in fields and _DATE.search(line):
            fields["Date"] = line  # `replaced with revised version Tue, 3 Dec 2024 …`
        elif labelled or not (line.strip() or fields):
            continue
        elif line.strip() and "Title" not in fields:
            name, fields["Title"] = "Title", line.strip()
        elif line.strip() and name == "Title" and "Authors" not in fields:
            name, fields["Authors"] = "Authors", line.strip()
        else:
            return _tidy(fields), title_line, [text.strip() for _, text in body[n:]]
        if name == "Title" and not title_line:
            title_line = number
    return _tidy(fields), title_line, []


def _tidy(fields: dict[str, str]) -> dict[str, str]:
    return {name: " ".join(value.split()) for name, value in fields.items()}


def _authors(text: str) -> list[str]:
    """`Ada Lovelace, Charles Babbage and Grace Hopper` -> the three names."""
    places = text.find("((")
    text = _MARKER.sub("", text[:places] if places > 0 else text)
    return [a.strip() for a in re.split(r",\s*(?:and\s+)?|\s+and\s+", text) if a.strip()]
