"""Read a BibTeX file (a Zotero, Google Scholar, arXiv or DBLP export) as entries to ingest.

bibtexparser parses; pylatexenc turns LaTeX into Unicode. An entry that cannot be used
(no title, an unknown type, broken braces, a repeated key) is a warning with its line,
and the rest still import. Values are checked as records check them: a year or an id
of the wrong shape is left out, with a warning.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import bibtexparser
import bibtexparser.middlewares as mw
from bibtexparser.middlewares.names import NameParts
from bibtexparser.model import Entry as BibEntry
from pylatexenc import latexwalker
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from generator.content.controls import without_controls
from generator.content.identifiers import (
    arxiv_problem,
    doi_problem,
    normal_arxiv,
    normal_doi,
    year_problem,
)
from generator.content.model import Paper
from generator.content.schema import value_problem
from generator.errors import Problem, SourceError, quote
from generator.ingest.parse import Entry, ParsedSource, clean_abstract, read_source

# bibtexparser logs each broken entry itself; they are reported here, with their lines.
logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)

TYPES = frozenset(
    [
        "article",
        "book",
        "booklet",
        "conference",
        "inbook",
        "incollection",
        "inproceedings",
        "manual",
        "mastersthesis",
        "misc",
        "online",
        "phdthesis",
        "preprint",
        "proceedings",
        "report",
        "techreport",
        "thesis",
        "unpublished",
    ]
)
"""BibTeX's and biblatex's entry types that describe a work."""
_VENUE_FIELDS = ("journaltitle", "journal", "booktitle", "howpublished", "publisher")
_DECODED = (*_VENUE_FIELDS, "volume", "number", "issue", "pages")
"""Fields read out of LaTeX, beside the title, abstract, year, DOI and eprint."""
_FILE_FIELD = re.compile(r"file|pdf|local-url|bdsk-file-\d+", re.IGNORECASE)
_ARXIV_VENUE = re.compile(r"arxiv|corr$", re.IGNORECASE)
_ARXIV_IN_TEXT = re.compile(r"arxiv[:\s]+([0-9]{4}\.[0-9]{4,5}(?:v\d+)?)", re.IGNORECASE)


class Latex:
    """LaTeX to Unicode with pylatexenc, which also reads the escapes `site/export.py`
    writes. Its parser's tables are built once, not once per value; a value with
    nothing LaTeX would change is returned as it is, and one seen before (a name, a
    venue) is decoded once."""

    _SPECIAL = re.compile(r"[\\{}$~]|--|``|''")
    _PERCENT = re.compile(r"(?<!\\)%")

    def __init__(self) -> None:
        context = get_default_latex_context_db()
        specials = {"textbraceleft": "{", "textbraceright": "}", "textbackslash": "\\"}
        specials |= {"textasciicircum": "^", "textasciitilde": "~"}
        macros = [MacroTextSpec(name, text) for name, text in specials.items()]
        context.add_context_category("readinglist-export", prepend=True, macros=macros)
        self.parsing = latexwalker.get_default_latex_context_db()
        self.text = LatexNodes2Text(
            latex_context=context, math_mode="verbatim", keep_braced_groups=False
        )
        self.decoded: dict[str, str] = {}

    def __call__(self, value: str) -> str:
        """`value` as Unicode text; LatexError if the decoder fails on it."""
        if not self._SPECIAL.search(value):
            return value
        if value not in self.decoded:
            # BibTeX keeps a bare % as it is; LaTeX would drop the rest of the line.
            latex = self._PERCENT.sub(r"\\%", value)
            walker = latexwalker.LatexWalker(
                latex, latex_context=self.parsing, tolerant_parsing=True
            )
            # pylatexenc fails on some macros it knows with other arguments (`\href`
            # with one, say) and recurses on deep braces: any failure of its own is
            # one value's problem, not the file's.
            try:
                nodes = walker.get_latex_nodes()[0]
                self.decoded[value] = str(self.text.nodelist_to_text(nodes))
            except Exception as exc:
                raise LatexError(type(exc).__name__) from None
        return self.decoded[value]


class Joined(mw.LibraryMiddleware):
    """`@string` names and `#` joins resolved as BibTeX resolves them, before the
    enclosing braces or quotes go: `booktitle = "Advances in " # nips`. bibtexparser
    resolves a lone name only, and kept a join as its text (a venue of
    `"Advances in " # nips`). A value naming a string the file does not define (or a
    month: no field read here needs one) is left as it is."""

    def __init__(self) -> None:
        super().__init__(allow_inplace_modification=True)

    @classmethod
    def metadata_key(cls) -> str:
        return "readinglist-joined"

    def transform(self, library: bibtexparser.Library) -> bibtexparser.Library:
        names: dict[str, str] = {}
        for string in library.strings:
            text = _joined(str(string.value), names)
            if text is not None:
                names[string.key.lower()] = text
        for entry in library.entries:
            for field in entry.fields:
                value = field.value
                if isinstance(value, str) and not _plain(value):
                    text = _joined(value, names)
                    if text is not None:
                        field.value = "{" + text + "}"
        return library


def _plain(value: str) -> bool:
    """One braced or quoted text, or a number: what bibtexparser reads on its own."""
    return "#" not in value and (value[:1] in ("{", '"') or value.isdigit())


def _joined(value: str, names: dict[str, str]) -> str | None:
    """The text of `value`, pieces joined by `#`: braced or quoted text, numbers and
    names of strings; None when a name is unknown or a piece does not close."""
    pieces, depth, quoted, start = [], 0, False, 0
    for at, char in enumerate(value):
        if at and value[at - 1] == "\\":  # escaped, as bibtexparser's splitter reads it
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0:
            quoted = not quoted
        elif char == "#" and depth == 0 and not quoted:
            pieces.append(value[start:at].strip())
            start = at + 1
    pieces.append(value[start:].strip())
    text = []
    for piece in pieces:
        if len(piece) > 1 and (piece[0], piece[-1]) in (("{", "}"), ('"', '"')):
            text.append(piece[1:-1])
        elif piece.isdigit():
            text.append(piece)
        elif piece.lower() in names:
            text.append(names[piece.lower()])
        else:
            return None
    return "".join(text)


class LatexError(Exception):
    """The LaTeX decoder failed on one value; `str()` names how."""


def parse_bibtex(path: Path) -> ParsedSource:
    """The usable entries of a BibTeX file; raise SourceError if it has none."""
    text = read_source(path)
    stack = [Joined(), mw.RemoveEnclosingMiddleware(), mw.SeparateCoAuthors(), mw.SplitNameParts()]
    library = bibtexparser.parse_string(text, parse_stack=stack)
    latex = Latex()
    warnings = [
        Problem(str(path), (block.start_line or 0) + 1, _failure(block), "warning")
        for block in library.failed_blocks
    ]
    read = []
    for block in library.entries:
        line = (block.start_line or 0) + 1
        fields = {name.lower(): field.value for name, field in block.fields_dict.items()}
        for name in ("title", "abstract", "year", "date", "doi", "eprint", *_DECODED):
            if isinstance(fields.get(name), str):
                try:
                    fields[name] = latex(fields[name])
                except LatexError as exc:
                    message = _undecoded(block.key, name, exc)
                    warnings.append(Problem(str(path), line, message, "warning"))
        if isinstance(fields.get("author"), list):
            try:
                fields["author"] = [_decoded(name, latex) for name in fields["author"]]
            except LatexError as exc:
                message = _undecoded(block.key, "author", exc)
                warnings.append(Problem(str(path), line, message, "warning"))
        read.append((block, line, fields))
    warnings += _local_files(path, library.entries)
    entries: list[Entry] = []
    volumes = {block.key.lower(): fields for block, _, fields in read}
    named = {_text(fields.get("crossref", "")).lower() for _, _, fields in read} - {""}
    for block, line, fields in read:
        if block.key.lower() in named:
            continue  # a volume (DBLP's @proceedings) that entries name: no paper
        _inherit(fields, volumes.get(_text(fields.get("crossref", "")).lower()))
        title = _text(fields.get("title", ""))
        problem = _unusable(block.entry_type.lower(), block.key, title)
        if problem:
            warnings.append(Problem(str(path), line, problem, "warning"))
            continue
        kind = block.entry_type.lower()
        entry, notes = _entry(fields, kind, title, block.key, len(entries) + 1, line)
        warnings += [Problem(str(path), line, note, "warning") for note in notes]
        entries.append(entry)
    if not entries:
        raise SourceError(path, "no BibTeX entries with a title found")
    return ParsedSource(path, entries, warnings)


def _local_files(path: Path, entries: list[BibEntry]) -> list[Problem]:
    """One warning for the entries whose `file` field (Zotero's, JabRef's, Mendeley's;
    BibDesk's `bdsk-file-1`) names where the exporter keeps each PDF: the copy in
    `content/sources/` is public. The copy stays as exported (`ingest.exports`)."""
    found = [
        field
        for entry in entries
        for field in entry.fields
        if _FILE_FIELD.fullmatch(field.key) and not str(field.value).startswith("http")
    ]
    if not found:
        return []
    shown = quote(str(found[0].value), 50)
    message = (
        f"{len(found)} field(s) such as {found[0].key} = {shown} name files on the computer "
        "this was exported from, which a public repository shows: delete them, or export "
        "without files"
    )
    return [Problem(str(path), (found[0].start_line or 0) + 1, message, "warning")]


def _inherit(fields: dict[str, object], volume: dict[str, object] | None) -> None:
    """The fields an entry leaves to the volume its `crossref` names, as BibTeX fills
    them: its year, publisher and volume, and its booktitle, or else its title."""
    if volume is None:
        return
    for name in ("year", "publisher", "volume", "booktitle"):
        if not _text(fields.get(name, "")):
            fields[name] = volume.get(name) or ""
    if not _text(fields["booktitle"]):
        fields["booktitle"] = volume.get("title") or ""


def _undecoded(key: str, name: str, error: LatexError) -> str:
    return (
        f"entry {quote(key, 60)}: field '{name}': its LaTeX could not be read ({error}); "
        "kept as written"
    )


def _failure(block: object) -> str:
    error = getattr(block, "error", None)
    if "Duplicate" in type(block).__name__:
        return f"{error}; the first entry with this key was kept" if error else "repeated key"
    raw = str(getattr(block, "raw", "")).strip().splitlines()
    start = quote(raw[0], 60) if raw else "an entry"
    return f"skipped {start}: its braces or quotes do not balance, so it cannot be read"


def _unusable(kind: str, key: str, title: str) -> str | None:
    if kind not in TYPES:
        return f"skipped @{kind}{{{key}}}: not a kind of entry that describes a paper"
    if not title:
        return f"skipped @{kind}{{{key}}}: it has no title"
    return None


def _entry(
    fields: dict[str, object], kind: str, title: str, key: str, position: int, line: int
) -> tuple[Entry, list[str]]:
    """One entry's values, each checked as a record would check it."""
    notes: list[str] = []

    def checked(name: str, value: str, problem: str | None) -> str:
        if value and problem:
            notes.append(f"entry '{key}': left out field '{name}': {problem}")
            return ""
        return value

    authors = [name for name in map(_name, _list(fields.get("author"))) if name]
    year = _text(fields.get("year", "")) or _text(fields.get("date", ""))[:4]
    venues = [_text(fields.get(name, "")) for name in _VENUE_FIELDS]
    arxiv = _arxiv(fields, next(filter(None, venues), ""))
    # Google Scholar's "arXiv preprint arXiv:…", Semantic Scholar's "ArXiv" and DBLP's
    # "CoRR" say where the preprint is, which the arXiv id says; the next field may not.
    venue = next((v for v in venues if v and not _ARXIV_VENUE.match(v)), "")
    doi = normal_doi(_text(fields.get("doi", "")))
    url = _text(fields.get("url", ""))
    citation: dict[str, Any] = {
        "type": kind,
        "journal": _text(fields.get("journal", "") or fields.get("journaltitle", "")),
        "booktitle": _text(fields.get("booktitle", "")),
        "volume": _text(fields.get("volume", "")),
        "number": _text(fields.get("number", "") or fields.get("issue", "")),
        "pages": _text(fields.get("pages", "")),
        "publisher": _text(fields.get("publisher", "")),
        # An arXiv page is the arXiv id's, which the record keeps on its own.
        "url": "" if "arxiv.org/" in url else url,
        "arxiv_class": _text(fields.get("primaryclass", "")) if arxiv else "",
    }
    citation = {
        name: checked(name, v, value_problem(Paper, name, v)) for name, v in citation.items()
    }
    entry = Entry(
        title=title,
        abstract=clean_abstract(_text(fields.get("abstract", ""))),
        date="",
        position=position,
        line=line,
        authors=authors,
        year=checked("year", year, year_problem(year)),
        venue=venue,
        doi=checked("doi", doi, doi_problem(doi)),
        arxiv=checked("arxiv", arxiv, arxiv_problem(arxiv)),
        key=key,
        **citation,
    )
    return entry, notes


def _arxiv(fields: dict[str, object], venue: str) -> str:
    prefix = _text(fields.get("archiveprefix", "") or fields.get("eprinttype", "")).lower()
    if prefix == "arxiv" and _text(fields.get("eprint", "")):
        return normal_arxiv(_text(fields["eprint"]))
    url = _text(fields.get("url", ""))
    if "arxiv.org/" in url:
        return normal_arxiv(url)
    volume = _text(fields.get("volume", ""))
    if _ARXIV_VENUE.match(venue) and volume.startswith("abs/"):
        return volume[len("abs/") :]  # Semantic Scholar's and DBLP's `volume = {abs/<id>}`
    found = _ARXIV_IN_TEXT.search(venue)
    return found.group(1) if found else ""


def _text(value: object) -> str:
    """One line of Unicode text, control characters replaced."""
    return without_controls(" ".join(str(value).split())) if value else ""


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else [value] if value else []


def _decoded(name: object, latex: Latex) -> object:
    """A name split by bibtexparser, each of its parts out of LaTeX."""
    if not isinstance(name, NameParts):
        return latex(str(name))
    parts = (name.first, name.von, name.last, name.jr)
    return NameParts(*([latex(word) for word in part] for part in parts))


def _name(name: object) -> str:
    """`Lovelace, Ada` (split by bibtexparser) -> `Ada Lovelace`; `and others` goes."""
    if not isinstance(name, NameParts):
        return _text(name)
    text = " ".join([*name.first, *name.von, *name.last])
    text = _text(text + (", " + " ".join(name.jr) if name.jr else ""))
    return "" if text.lower() == "others" else text
