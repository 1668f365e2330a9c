"""Parse raw listings copied from a paper-aggregator page.

A listing is a few header lines, a date line such as `Mar 17` (`listing_date`), then
paragraphs: a title, its abstract, the next title, and so on. Copies from real pages
come with Windows line endings, byte-order marks, non-breaking spaces and missing
abstracts, so pairing is decided by what each paragraph looks like, not by counting.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from generator.content.controls import CONTROL_REPLACED, first_control, without_controls
from generator.content.files import UnsafePath, read_regular, utf8_text
from generator.content.identifiers import (
    arxiv_base,
    arxiv_problem,
    listing_date,
    normal_arxiv,
    web_addresses,
)
from generator.content.titles import ARXIV_BEFORE, unmarked
from generator.errors import NotText, Problem, SourceError, quote
from generator.ingest.clutter import HEADER_LINES, author_names, bylines_apart, is_furniture

_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")
_TITLE_MAX = 250
_FENCED = re.compile(r"^[ \t]*```.*?^[ \t]*```", re.MULTILINE | re.DOTALL)
_RELATIVE_DATE = re.compile(
    r"today|yesterday|(?:an?|one|\d{1,3}) (?:minute|hour|day|week|month)s? ago", re.IGNORECASE
)
"""A date as pages show it relative to now: `Today`, `3 days ago`. No date to keep."""
_LINK_LINE = re.compile(r"(?:[A-Za-z][\w .-]{0,30}:\s*)?(?:https?://\S+|arXiv:\d{4}\.\d{4,5}\S*)")
"""A line that is a paper's address alone (`Code: https://…`, `arXiv:2412.00001`): it
belongs to the title above, and the arXiv one gives its id (`arxiv_of`)."""


def arxiv_of(link: str) -> str:
    """The arXiv id (without its version) a link line names, or ''."""
    found = normal_arxiv(link.split()[-1])  # the address, after any label
    return "" if arxiv_problem(found) else arxiv_base(found)


def _date_of(text: str) -> str | None:
    """A date line's date as a record keeps it (`listing_date`), or "" for one relative
    to when the page was copied (`Today`), which says none; None for no date line."""
    date = listing_date(text)
    return "" if date is None and _RELATIVE_DATE.fullmatch(text) else date


@dataclass(frozen=True)
class Entry:
    """One title (and abstract) found in a listing file."""

    title: str
    abstract: str
    date: str
    position: int
    """1-based index of the entry in its file."""
    line: int
    """Line of the title in the file."""
    links: dict[str, str] = field(default_factory=dict)
    # What a BibTeX entry adds (`ingest.bibtex`); a raw listing has none of it.
    authors: list[str] = field(default_factory=list)
    year: str = ""
    venue: str = ""
    doi: str = ""
    arxiv: str = ""
    key: str = ""
    # What a citation needs, from a BibTeX entry (`Paper`'s fields of the same names).
    type: str = ""
    journal: str = ""
    booktitle: str = ""
    volume: str = ""
    number: str = ""
    pages: str = ""
    publisher: str = ""
    url: str = ""
    arxiv_class: str = ""


CITATION = (
    "type", "journal", "booktitle", "volume", "number", "pages", "publisher", "url",
    "arxiv_class",
)  # fmt: skip
"""The fields of an entry (and of a record) that only a citation needs."""


@dataclass(frozen=True)
class ParsedSource:
    """What one raw listing file holds."""

    path: Path
    entries: list[Entry]
    warnings: list[Problem]
    label: str = ""
    """What readers see of the file until a curator names it, if its reader knows."""

    @property
    def stem(self) -> str:
        return self.path.stem


# Normalisers for abstracts, applied in this order (Pelican keeps its
# METADATA_PROCESSORS together the same way). Anything not listed stays as written:
# `<projektor>` is text, not markup.
LATEX_FIXES: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]] = [
    (re.compile(r"``(.*?)''", re.S), "\u201c\\1\u201d"),
    (re.compile(r"\{\\em(?:ph)?\s+([^{}]*)\}"), r"\1"),
    (re.compile(r"\\emph\{([^{}]*)\}"), r"\1"),
    (re.compile(r"\s*\\times\b\s*"), " \u00d7 "),
    (re.compile(r"\\eg\b\.?,?"), "e.g.,"),
    (re.compile(r"\\ie\b\.?,?"), "i.e.,"),
    (re.compile(r"\\?(?:blue|red|textcolor)\{(https?://[^{}\s]+)\}"), r"\1"),
]


def clean_abstract(text: str) -> str:
    """Undo the LaTeX that aggregator pages leave in abstracts."""
    for pattern, replacement in LATEX_FIXES:
        text = pattern.sub(replacement, text)
    return text


def extract_links(text: str) -> dict[str, str]:
    """Named links from URLs in an abstract: repositories are `code`, others `project`."""
    links: dict[str, str] = {}
    for url in web_addresses(text):
        kind = _link_kind(url)
        if kind is None or url in links.values():
            continue
        name, n = kind, 2
        while name in links:
            name, n = f"{kind}-{n}", n + 1
        links[name] = url
    return links


def _link_kind(url: str) -> str | None:
    parts = urlsplit(url)
    if not parts.netloc:
        return None
    segments = [s for s in parts.path.split("/") if s]
    if parts.netloc.lower() in {"github.com", "gitlab.com", "www.github.com"}:
        # `https://github.com/` alone is a truncated reference, not a repository.
        return "code" if len(segments) >= 2 else None
    return "project"


def normalise_text(raw: str) -> str:
    """Unify line endings and spaces the way browsers' copy buffers vary them."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\u202f", " ").replace("\t", " ")
    return "\n".join(line.rstrip() for line in text.split("\n"))


MAX_SOURCE_BYTES = 64_000_000
"""A source file larger than this is refused. The largest real listing is 0.3 MB; a
reference manager's export of 10,000 papers with their abstracts is about 20 MB."""


def read_source(path: Path) -> str:
    """Read a listing file as UTF-8 (a byte-order mark is allowed).

    A file with NUL bytes is not text (UTF-16 without a byte-order mark looks like that).
    """
    try:
        data = read_regular(path, MAX_SOURCE_BYTES)
    except UnsafePath as exc:
        raise SourceError(path, exc.reason) from None
    except OSError as exc:
        raise SourceError(path, f"cannot read: {exc.strerror}") from None
    try:
        text = utf8_text(data)
    except NotText as exc:
        raise SourceError(path, exc.reason, exc.line) from None
    if "\0" in text:
        line = data.count(b"\n", 0, data.index(b"\0")) + 1
        raise SourceError(
            path, "not UTF-8 text (a NUL byte, as in UTF-16); save it as UTF-8 and try again", line
        )
    if not text.strip():
        raise SourceError(path, "the file is empty")
    return text


def paragraphs(text: str) -> list[tuple[int, str]]:
    """Blank-line separated paragraphs as (first line number, text joined by spaces)."""
    return [(start, " ".join(lines)) for start, lines in _blocks(text)]


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    """Blank-line separated paragraphs as (first line number, their stripped lines)."""
    found: list[tuple[int, list[str]]] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        if found and found[-1][0] + len(found[-1][1]) == number:  # right under the last
            found[-1][1].append(line.strip())
        else:
            found.append((number, [line.strip()]))
    return found


def looks_like_title(text: str) -> bool:
    """Short, and not a run of sentences: what a title looks like next to an abstract."""
    return len(text) <= _TITLE_MAX and not _SENTENCE_END.search(text)


def looks_like_bibtex(text: str) -> int:
    """The line of the first `@type{` in `text` outside Markdown code fences, or 0."""
    text = _FENCED.sub(lambda fence: "\n" * fence[0].count("\n"), text)
    found = re.search(r"^[ \t]*@[A-Za-z]+[ \t]*[{(]", text, re.MULTILINE)
    return text.count("\n", 0, found.start()) + 1 if found else 0


def parse_source(path: Path) -> ParsedSource:
    """Parse one raw listing file; raise SourceError if it holds nothing usable.
    (`records.parse_file` reads a listing copied from arXiv with `ingest.arxiv`.)"""
    text, warnings = listing_text(path)
    return parse_listing(path, text, warnings)


def listing_text(path: Path) -> tuple[str, list[Problem]]:
    """A listing file's text, normalised, and its control characters replaced (with a
    warning). A file that holds BibTeX is refused: read as a listing it would give one
    junk paper per pair of lines."""
    text = normalise_text(read_source(path))
    bibtex = looks_like_bibtex(text)
    if bibtex:
        raise SourceError(
            path,
            "this is BibTeX, not a raw listing; give the file a .bib name to ingest it as BibTeX",
            bibtex,
        )
    control = first_control(text)
    if control is None:
        return text, []
    line = text.count("\n", 0, control) + 1
    return without_controls(text), [Problem(str(path), line, CONTROL_REPLACED, "warning")]


def parse_listing(path: Path, text: str, warnings: list[Problem]) -> ParsedSource:
    """The entries of a listing's text (`listing_text`): titles, abstracts, date lines."""
    reader = _Reader(path)
    reader.warnings = warnings
    blocks = list(_split_at_dates(_links_apart(bylines_apart(_blocks(text)))))
    # A page's header comes before its first date line: nothing there is a paper.
    reader.header = any(_date_of(lines[0]) is not None for _, lines in blocks)
    for line, lines in blocks:
        reader.read(line, " ".join(lines), len(lines))
    return reader.finish()


def _links_apart(blocks: Iterable[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]]:
    """The paragraphs, with each link on the lines under a title one of its own."""
    for start, lines in blocks:
        cut = len(lines)
        while cut > 1 and _LINK_LINE.fullmatch(lines[cut - 1]):
            cut -= 1
        yield start, lines[:cut]
        yield from ((start + n, [lines[n]]) for n in range(cut, len(lines)))


def _split_at_dates(
    blocks: Iterable[tuple[int, list[str]]],
) -> Iterator[tuple[int, list[str]]]:
    """The paragraphs, with a date line run into the lines around it (`Papers I liked`,
    then `Dec 1`, and no blank line) a paragraph of its own."""
    for start, lines in blocks:
        run: list[str] = []
        for n, text in enumerate(lines):
            if len(lines) > 1 and _date_of(text) is not None:
                if run:
                    yield start + n - len(run), run
                yield start + n, [text]
                run = []
            else:
                run.append(text)
        if run:
            yield start + len(lines) - len(run), run


class _Reader:
    """Pairs a listing's paragraphs into entries: each title with the abstract after it
    (and the author line between them, on today's pages), the page's furniture left out."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: list[Entry] = []
        self.warnings: list[Problem] = []
        self.date = ""
        self.dated = False
        """A date line was read: one relative to the copy (`Today`) too."""
        self.pending: tuple[int, str] | None = None
        self.authors: list[str] = []
        self.skipped = False
        """The paragraph before was skipped where a title was due: its abstract may follow."""
        self.header = False
        """Before the first date line of a listing that has one."""
        self.under: list[str] = []
        """The links on the lines under the pending title (`_LINK_LINE`)."""

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(Problem(str(self.path), line, message, "warning"))

    def read(self, line: int, para: str, height: int = 1) -> None:
        """One paragraph of `height` lines. A title is one line (a page's copy never
        breaks one), so a taller paragraph where a title is due is no paper (a list of
        titles read as one title made a junk record); nor is the abstract after it,
        which would be read as the next title."""
        date = _date_of(para)
        if not self.entries and self.pending is None and para.casefold() in HEADER_LINES:
            return
        if self.header and date is None:
            if not (para.casefold() in HEADER_LINES or is_furniture(para)):
                message = "left out: it comes before the first date line, in the page's header"
                self.warn(line, f"{quote(para, 60)} {message}")
            return
        self.header = False
        if _LINK_LINE.fullmatch(para):  # a link alone: read as a title, it made a record
            if self.pending:
                self.under.append(para)
            else:
                self.warn(line, f"left out {quote(para)}: a paper's link goes under its title")
            return
        after_skipped, self.skipped = self.skipped, False
        if date is not None:
            self._flush()
            self.date, self.dated = date, True
            if not date:
                self.warn(
                    line,
                    f"{quote(para)} is a date as of when the page was copied: write the date "
                    "it was, such as 'Mar 17', or the papers after it have none",
                )
        elif is_furniture(para):
            return
        elif self.pending and not self.authors and (names := author_names(para)):
            self.authors = names
        elif after_skipped and self.pending is None and not looks_like_title(para):
            return  # the abstract of the paragraph skipped just before, as its warning says
        elif self.pending is None and len(para) > _TITLE_MAX:
            self.warn(line, f"skipped {quote(para, 60)}: no title comes before it")
        elif self.pending is None and height > 1:
            self.skipped = True
            self.warn(
                line,
                f"skipped {quote(para, 60)}, and its abstract if one follows: {height} "
                "lines where a title is due, and a title is one line; put a blank line "
                "between titles, and between a title and its abstract",
            )
        elif self.pending is None or looks_like_title(para):
            self._flush()
            self.pending = (line, para)
        else:
            self._emit(self.pending, para)

    def _flush(self) -> None:
        """The pending title has no abstract: an entry all the same, with a warning."""
        if self.pending:
            title_line, title = self.pending
            self.warn(title_line, f"no abstract follows the title {quote(title)}")
            self._emit(self.pending, "")

    def _emit(self, pending: tuple[int, str], abstract: str) -> None:
        abstract = clean_abstract(" ".join(abstract.split()))
        before = ARXIV_BEFORE.match(pending[1].strip())
        ids = [*filter(None, map(arxiv_of, self.under)), before[1] if before else ""]
        links = [link for link in self.under if not arxiv_of(link)]
        self.entries.append(
            Entry(
                title=unmarked(pending[1]),
                arxiv=ids[0],
                abstract=abstract,
                date=self.date,
                position=len(self.entries) + 1,
                line=pending[0],
                links=extract_links(" ".join([*links, abstract])),
                authors=self.authors,
            )
        )
        self.pending, self.authors, self.under = None, [], []

    def finish(self) -> ParsedSource:
        self._flush()
        if not self.entries:
            message = "no entries found (expected a title, then its abstract)"
            skipped = [w for w in self.warnings if w.message.startswith("skipped")]
            if skipped:  # why, at its line
                raise SourceError(self.path, f"{message}: {skipped[0].message}", skipped[0].line)
            raise SourceError(self.path, message)
        if not self.dated:
            self.warn(0, "no date line (such as 'Mar 17' or '2024-03-17') found")
        return ParsedSource(self.path, self.entries, self.warnings)
