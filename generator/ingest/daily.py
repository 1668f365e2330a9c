"""Hugging Face Daily Papers: the API's answer, read leniently, and the source file
`readinglist fetch` keeps of it in `content/sources/` (one per date).

The answer is the JSON array the Hub documents for `/api/daily_papers`: each item holds
a `paper` object with `id` (the arXiv id), `title`, `summary`, `authors` (objects with a
`name`), `publishedAt`, `upvotes` and, for some, `githubRepo` and `projectPage`. Unknown
fields are ignored; a known one of the wrong type is a warning for that paper alone.
The source file keeps the papers taken, as the answer gave them, one per line:

    {"source": "Hugging Face Daily Papers", "date": "2024-03-17", "papers": [
    {"id": "2403.10131", "title": "...", ...},
    ...
    ]}
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

from generator.content.controls import CONTROL_REPLACED, first_control, without_controls
from generator.content.files import UnsafePath, read_regular, utf8_text
from generator.content.model import Source
from generator.errors import NotText, Problem, SourceError, quote
from generator.ingest.parse import MAX_SOURCE_BYTES, Entry, ParsedSource, extract_links

SOURCE = "Hugging Face Daily Papers"
SUFFIX = ".json"
_PREFIX = "hf-daily-"
_TEXT = ("id", "title", "summary", "publishedAt", "githubRepo", "projectPage")


def source_name(date: str) -> str:
    """The file a date's papers are kept in: `hf-daily-2024-03-17.json`."""
    return f"{_PREFIX}{date}{SUFFIX}"


def kept_date(name: str) -> datetime.date | None:
    """The date whose papers a file of this name keeps (`source_name`); None for any
    other name."""
    try:
        date = datetime.date.fromisoformat(name[len(_PREFIX) : -len(SUFFIX)])
    except ValueError:
        return None
    return date if name == source_name(date.isoformat()) else None


def daily_source(stem: str) -> Source | None:
    """What readers see of a day's file that `content/sources.yml` does not name. Such
    a file needs no entry there: the daily pull request leaves `sources.yml` alone, so
    that it does not conflict with a pull request that adds a listing the same day."""
    date = kept_date(stem + SUFFIX)
    if date is None:
        return None
    return Source(stem, SOURCE, f"https://huggingface.co/papers?date={date.isoformat()}")


def loads(text: str | bytes) -> Any:
    """`json.loads`, with nesting deeper than it can follow a ValueError like any other
    text it cannot read (`[` a hundred thousand times was a RecursionError)."""
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("arrays or objects nested too deeply to read") from None


def papers_of(answer: object, where: str) -> tuple[list[dict[str, Any]], list[str]]:
    """The papers of an API answer, each normalised to the fields kept (strings, and
    `authors` as names), and a warning for each value of the wrong type. ValueError
    when the answer is not the documented list."""
    if not isinstance(answer, list):
        raise ValueError("expected a JSON list of daily papers")
    papers, warnings = [], []
    for n, item in enumerate(answer, 1):
        paper = item.get("paper", item) if isinstance(item, dict) else None
        if not isinstance(paper, dict):
            warnings.append(f"{where}: item {n}: not an object; left out")
            continue
        kept, problems = _normalised(paper)
        warnings += [f"{where}: item {n}: {problem}" for problem in problems]
        if kept.get("id") and kept.get("title"):
            papers.append(kept)
        else:
            warnings.append(f"{where}: item {n}: no arXiv id or no title; left out")
    return papers, warnings


def _normalised(paper: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    kept: dict[str, Any] = {}
    problems = []
    for name in _TEXT:
        value = paper.get(name)
        if value is None:
            continue
        if isinstance(value, str):
            if first_control(value) is not None:
                problems.append(f"field '{name}': {CONTROL_REPLACED}")
            kept[name] = " ".join(without_controls(value).split())
        else:
            problems.append(f"field '{name}': expected text, got {_kind(value)}; ignored")
    authors = paper.get("authors")
    if isinstance(authors, list):
        given = [a.get("name") if isinstance(a, dict) else a for a in authors]
        names: list[str] = [n for n in given if isinstance(n, str) and n.strip()]
        if any(first_control(n) is not None for n in names):
            problems.append(f"field 'authors': {CONTROL_REPLACED}")
        kept["authors"] = [" ".join(without_controls(n).split()) for n in names]
    elif authors is not None:
        problems.append(f"field 'authors': expected a list, got {_kind(authors)}; ignored")
    upvotes = paper.get("upvotes")
    if isinstance(upvotes, int) and not isinstance(upvotes, bool):
        kept["upvotes"] = upvotes
    return kept, problems


def _kind(value: object) -> str:
    return type(value).__name__ if not isinstance(value, str) else quote(value, 40)


def source_text(date: str, papers: list[dict[str, Any]]) -> str:
    """The source file for a date: one paper per line, so that each has a line."""
    head = json.dumps({"source": SOURCE, "date": date}, ensure_ascii=False)[:-1]
    lines = [json.dumps(p, ensure_ascii=False, sort_keys=True) for p in papers]
    return head + ', "papers": [\n' + ",\n".join(lines) + "\n]}\n"


def read_daily(path: Path, shown: str) -> tuple[str, list[Any], str]:
    """A source file `fetch` wrote: its date, its papers as written, and its text.
    SourceError, naming the file (as `shown`), when it is not one."""
    try:
        text = utf8_text(read_regular(path, MAX_SOURCE_BYTES))
        data = loads(text)
    except UnsafePath as exc:
        raise SourceError(shown, exc.reason) from None
    except OSError as exc:
        raise SourceError(shown, f"cannot read: {exc.strerror}") from None
    except NotText as exc:
        raise SourceError(shown, exc.reason, exc.line) from None
    except ValueError as exc:
        line, at = getattr(exc, "lineno", 0), getattr(exc, "pos", 0)
        hint = " (a comma after the last paper?)" if text[:at].rstrip().endswith(",") else ""
        raise SourceError(shown, f"not a daily papers file: {exc}{hint}", line) from None
    papers = data.get("papers") if isinstance(data, dict) else None
    date = data.get("date") if isinstance(data, dict) else None
    if isinstance(data, list) and data and all(isinstance(x, dict) and "type" in x for x in data):
        raise SourceError(  # what Zotero exports, and the site offers, as "CSL-JSON"
            shown,
            "this is CSL-JSON, which ingest does not read: export the collection as "
            "BibTeX and ingest the .bib file",
        )
    if not isinstance(papers, list) or not isinstance(date, str):
        raise SourceError(shown, "not a daily papers file: expected 'date' and 'papers'")
    return date, papers, text


def parse_daily(path: Path) -> ParsedSource:
    """The entries of a source file `fetch` wrote: a listing dated in full."""
    date, papers, text = read_daily(path, str(path))
    rows = text.splitlines()
    first = next((n for n, row in enumerate(rows, 1) if row.endswith('"papers": [')), 0)
    lines = [n for n, row in enumerate(rows, 1) if n > first and row.startswith("{")]
    papers, notes = papers_of(papers, path.name)
    warnings = [Problem(str(path), 0, note, "warning") for note in notes]
    entries = [
        _entry(paper, date, position, lines[position - 1] if len(lines) == len(papers) else 0)
        for position, paper in enumerate(papers, 1)
    ]
    if not entries:
        raise SourceError(path, "no papers in it")
    return ParsedSource(path, entries, warnings)


def _entry(paper: dict[str, Any], date: str, position: int, line: int) -> Entry:
    links = extract_links(" ".join(paper.get(k, "") for k in ("githubRepo", "projectPage")))
    published = paper.get("publishedAt", "")
    return Entry(
        title=paper["title"],
        abstract=paper.get("summary", ""),
        date=date,
        position=position,
        line=line,
        links=links,
        authors=list(paper.get("authors", [])),
        year=published[:4] if published[:4].isdigit() else "",
        arxiv=paper["id"],
    )
