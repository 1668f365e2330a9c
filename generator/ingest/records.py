"""Add raw listings to `content/`: new papers become records, known ones gain listings.

Ingest never changes a field a person may have edited: it only appends listings and
title spellings (aliases) to existing records, and creates records for new papers.
"""

from __future__ import annotations

import copy
import logging
import os
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from generator.content.edit import read_styled
from generator.content.files import holds, read_regular
from generator.content.identifiers import arxiv_base
from generator.content.journal import Transaction
from generator.content.model import Listing, Paper
from generator.content.schema import value_problem
from generator.content.store import Layout, load_papers, load_sources
from generator.content.titles import variant_key
from generator.content.writing import record_text
from generator.content.yamlio import YamlSyntaxError, dumps, loads
from generator.errors import ContentError, Problem, SourceError, quote, quote_pair
from generator.ingest.arxiv import from_arxiv, parse_arxiv
from generator.ingest.bibtex import parse_bibtex
from generator.ingest.daily import SOURCE, SUFFIX, daily_source, parse_daily
from generator.ingest.duplicates import (
    paper_keys,
    possible_duplicates,
    taken_ids,
    title_key,
    unique_slug,
)
from generator.ingest.markdown import MARKDOWN_HINT, from_markdown, parse_markdown
from generator.ingest.parse import (
    CITATION,
    MAX_SOURCE_BYTES,
    Entry,
    ParsedSource,
    listing_text,
    parse_listing,
)

log = logging.getLogger(__name__)


@dataclass
class IngestReport:
    """What an ingest did, for the summary line."""

    files: int = 0
    listings: int = 0
    new_papers: int = 0
    merged: int = 0
    unchanged: int = 0
    warnings: list[Problem] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    """One line per record added or changed: `add content/papers/x.yml: Title`."""

    def summary(self) -> str:
        return (
            f"{self.files} file(s), {self.listings} listing(s): {self.new_papers} new paper(s), "
            f"{self.merged} listing(s) merged into existing papers, "
            f"{self.unchanged} already known, {len(self.warnings)} warning(s)"
        )


def parse_file(path: Path) -> ParsedSource:
    """A raw listing (`.txt`; one copied from arXiv is read as arXiv writes it, and a
    Markdown list as an awesome list), a BibTeX file (`.bib`) or the daily papers
    `fetch` kept (`.json`); anything else is refused."""
    suffix = path.suffix.lower()
    if suffix == ".bib":
        return parse_bibtex(path)
    if suffix == ".txt":
        text, warnings = listing_text(path)
        if from_markdown(text):
            return parse_markdown(path, text, warnings)
        return (parse_arxiv if from_arxiv(text) else parse_listing)(path, text, warnings)
    if suffix == SUFFIX:
        return parse_daily(path)
    hint = MARKDOWN_HINT if suffix in (".md", ".markdown") else ""
    raise SourceError(
        path, f"expected a raw listing (.txt), a BibTeX file (.bib) or daily papers (.json){hint}"
    )


SAME_STEM = "{} has this name but for the extension, and a listing names its file without it"
"""Two listing files a record's listing cannot tell apart (`str.format` the other)."""

FILLED = ("authors", "year", "venue", "doi", "arxiv", "abstract", *CITATION)
"""Fields an entry fills in when a record has them empty (it never overwrites one)."""


def lists(paper: Paper, stem: str, entry: Entry, nth: int = 1) -> bool:
    """Does `paper` list `entry` of source `stem` already, the `nth` of the paper's
    entries in that source? At the entry's position, or by its BibTeX key; an entry
    without a key (a raw listing's, a daily paper's) also when the paper lists the source
    `nth` times. A curator may delete an entry: those after it move up a position, and
    each stays held by its key or its count."""
    mine = [x for x in paper.listings if x.source == stem]
    if entry.key:
        return any(x.position == entry.position or x.key == entry.key for x in mine)
    return len(mine) >= nth or any(x.position == entry.position for x in mine)


class Merger:
    """Folds parsed entries into the set of records: by arXiv id first, then by
    normalised title, then by a spelling of it (`variant_key`), which becomes an alias."""

    def __init__(self, papers: dict[str, Paper], report: IngestReport) -> None:
        self.papers = papers
        self.report = report
        self.by_key = {key: p.id for p in papers.values() for key in paper_keys(p)}
        self.by_arxiv = {arxiv_base(p.arxiv): p.id for p in papers.values() if p.arxiv}
        self.taken = taken_ids(papers)
        self.changed: set[str] = set()
        self.created: dict[str, tuple[str, int]] = {}
        """New paper id -> the file and line of the entry that made it."""
        self.seen: Counter[tuple[str, str]] = Counter()
        """(source, paper id) -> how many of the source's entries so far are that paper's."""

    @cached_property
    def by_variant(self) -> dict[str, str]:
        """Spelling (`variant_key`) -> paper id, made when a title is not known as it is."""
        return {variant_key(t): p.id for p in self.papers.values() for t in [p.title, *p.aliases]}

    def known(self, entry: Entry) -> str | None:
        """The id of the record an entry belongs to, or None for a new paper."""
        return (
            (self.by_arxiv.get(arxiv_base(entry.arxiv)) if entry.arxiv else None)
            or self.by_key.get(title_key(entry.title))
            or self.by_variant.get(variant_key(entry.title))
        )

    def find(self, stem: str, entry: Entry) -> tuple[str | None, bool]:
        """The id of the record `entry` is a paper of (None: a new paper), and whether
        that record lists it already (`lists`). Asked once per entry, in the file's order:
        `check` asks it too, so that it reports what `ingest` would add."""
        paper_id = self.known(entry)
        if paper_id is None:
            return None, False
        self.seen[stem, paper_id] += 1
        return paper_id, lists(self.papers[paper_id], stem, entry, self.seen[stem, paper_id])

    def add(self, source: ParsedSource, entry: Entry) -> None:
        listing = Listing(
            source=source.stem, date=entry.date, position=entry.position, key=entry.key
        )
        self.report.listings += 1
        entry = self._checked(source, entry)
        if not entry.title:
            return
        paper_id, held = self.find(source.stem, entry)
        if paper_id is None:
            self._create(source, entry, listing)
            return
        if held:
            self.report.unchanged += 1
            return
        paper = self.papers[paper_id]
        paper.listings.append(listing)
        if entry.title != paper.title and entry.title not in paper.aliases:
            paper.aliases.append(entry.title)
        for name in FILLED:
            if getattr(entry, name) and not getattr(paper, name):
                setattr(paper, name, getattr(entry, name))
        self.report.merged += 1
        self.changed.add(paper_id)

    def _checked(self, source: ParsedSource, entry: Entry) -> Entry:
        """The entry without the values the loader would refuse in a record (each one a
        warning with the entry's line); without a title, when the title is one."""
        changes: dict[str, object] = {}
        for name in ("title", *FILLED, "links"):
            value = getattr(entry, name)
            problem = value_problem(Paper, name, value) if value else None
            if problem:
                what = "skipped it: field" if name == "title" else "left out field"
                message = f"entry {quote(entry.title, 60)}: {what} '{name}': {problem}"
                self.report.warnings.append(
                    Problem(str(source.path), entry.line, message, "warning")
                )
                changes[name] = type(value)()
        return replace(entry, **changes) if changes else entry  # type: ignore[arg-type]

    def _create(self, source: ParsedSource, entry: Entry, listing: Listing) -> None:
        paper_id = unique_slug(entry.title, self.taken)
        self.taken.add(paper_id)
        if paper_id != unique_slug(entry.title, set()):
            self.report.warnings.append(
                Problem(
                    str(source.path),
                    entry.line,
                    f"the id {unique_slug(entry.title, set())!r} is taken (another paper's, "
                    f"or a merged one's); this one gets {paper_id!r}",
                    "warning",
                )
            )
        self.papers[paper_id] = Paper(
            id=paper_id,
            title=entry.title,
            links=dict(entry.links),
            listings=[listing],
            **{name: copy.copy(getattr(entry, name)) for name in FILLED},
        )
        self.by_key[title_key(entry.title)] = paper_id
        self.by_variant[variant_key(entry.title)] = paper_id
        if entry.arxiv:
            self.by_arxiv[arxiv_base(entry.arxiv)] = paper_id
        self.created[paper_id] = (str(source.path), entry.line)
        self.seen[source.stem, paper_id] += 1
        self.report.new_papers += 1
        self.changed.add(paper_id)


def near_duplicates(merger: Merger) -> list[Problem]:
    """New records whose titles look like an existing record's without being a spelling
    of it: kept apart, with a warning that says how to merge them."""
    problems = []
    for a, b in possible_duplicates(merger.papers.values()):
        for new, old in ((a, b), (b, a)):
            if new.id in merger.created and old.id not in merger.created:
                path, line = merger.created[new.id]
                title_new, title_old = quote_pair(new.title, old.title, 80)
                message = (
                    f"{title_new} may be the paper of content/papers/{old.id}.yml "
                    f"({title_old}); it was added as {new.id}. If they are one "
                    f"paper: readinglist merge {old.id} {new.id}"
                )
                problems.append(Problem(path, line, message, "warning"))
    return problems


def ingest(
    layout: Layout,
    files: list[Path],
    progress: bool = False,
    dry_run: bool = False,
    updates: frozenset[str] = frozenset(),
) -> IngestReport:
    """Parse `files` and merge them into `content/papers/`; all or nothing. A dry run
    reports the same and writes nothing. `updates` names source files that may replace
    the ones of their name (they only add papers: `fetch`)."""
    papers, problems = load_papers(layout)
    errors = [p for p in problems if p.is_error]
    if errors:
        raise ContentError(errors)
    report = IngestReport()
    merger = Merger(papers, report)
    # Parse everything before writing anything: a bad file aborts the whole run.
    try:
        sources = [parse_file(path) for path in files]
    except SourceError as exc:  # a file in the project is named as `check` names it
        raise SourceError(layout.rel(Path(str(exc.path))), exc.reason, exc.line) from None
    copies = _adopt_sources(layout, sources, updates)
    for source in sources:
        report.files += 1
        report.warnings += source.warnings
        for entry in source.entries:
            merger.add(source, entry)
        if progress:
            log.info("%s: %d listing(s)", layout.rel(source.path), len(source.entries))
    if merger.created:
        report.warnings += near_duplicates(merger)
    labels = _labels(layout, sources)
    # Every record as it will be written, checked as the loader checks, before any is.
    planned = [record_text(layout, papers[paper_id]) for paper_id in sorted(merger.changed)]
    refused = [problem for plan in planned for problem in plan.problems]
    if refused:
        raise ContentError(refused)
    for plan in planned:
        if plan.rewritten:
            message = "written whole: its layout is not one ingest can change in place"
            report.warnings.append(Problem(layout.rel(plan.path), 0, message, "warning"))
        what = "add" if plan.path.stem in merger.created else "update"
        report.changes.append(f"{what} {layout.rel(plan.path)}: {papers[plan.path.stem].title}")
    # A file in the project is named as `check` names it, not by its absolute path.
    report.warnings = [replace(w, path=layout.rel(Path(w.path))) for w in report.warnings]
    if dry_run:
        return report
    # Source copies and records land together or not at all: a run killed half way
    # must not leave listings that no record accounts for.
    with Transaction(layout.content) as transaction:
        for target, data in copies:
            transaction.write(target, data)
        if labels:
            transaction.write(layout.source_labels, labels)
        for plan in planned:
            if transaction.write(plan.path, plan.text):
                report.written.append(plan.path)
    return report


def _labels(layout: Layout, sources: list[ParsedSource]) -> str:
    """`content/sources.yml` with a default label for each source it does not name yet,
    appended as text so that a curator's comments and order stay; '' when none is new."""
    known, problems = load_sources(layout)
    if problems:
        raise ContentError(problems)
    new = {
        source.path: source
        for source in sources
        if source.stem not in known and not daily_source(source.stem)  # which needs none
    }.values()
    if not new:
        return ""
    path = layout.source_labels
    text, restyle = read_styled(read_regular(path, MAX_SOURCE_BYTES) if path.exists() else b"")
    if not text.strip():
        text = (
            "# What readers see for each file in sources/: edit the labels, add a url.\nsources:\n"
        )
    indent = re.search(r"^( *)- ", text, re.MULTILINE)
    pad = indent.group(1) if indent else ""
    lines = [text.rstrip("\n")]
    for source in new:
        item = dumps({"id": source.stem, **_label(source)}).rstrip("\n").splitlines()
        lines += [pad + ("- " if i == 0 else "  ") + line for i, line in enumerate(item)]
    text = "\n".join(lines) + "\n"
    # Appending is right for a block list at the end of the file; anything else (a flow
    # list, a key after the list) is left to the curator rather than written broken.
    try:
        data, _ = loads(text)
        ids = [item.get("id") for item in data["sources"]]
    except (YamlSyntaxError, TypeError, KeyError, AttributeError):
        ids = []
    if ids != [*known, *(source.stem for source in new)]:
        names = ", ".join(source.stem for source in new)
        message = f"cannot add labels for {names} to it; add them to its 'sources:' list"
        raise ContentError([Problem(layout.rel(path), 0, message)])
    return restyle(text)


def _label(source: ParsedSource) -> dict[str, str]:
    """What readers see of a new source file, until a curator says better."""
    suffix = source.path.suffix.lower()
    if suffix == ".bib":
        return {"label": source.path.name}
    return {"label": SOURCE if suffix == SUFFIX else source.label or "Paper listing"}


def _adopt_sources(
    layout: Layout, sources: list[ParsedSource], updates: frozenset[str] = frozenset()
) -> list[tuple[Path, bytes]]:
    """Raw files from elsewhere are copied into `content/sources/` so `check` can
    account for their listings; a different file of the same name is an error, but
    for the names in `updates` (a day's papers that `fetch` has grown)."""
    copies = []
    names = {path.stem: path.name for path in layout.source_files()}
    planned: dict[str, bytes] = {}
    for source in sources:
        target = layout.sources / source.path.name
        other = names.setdefault(target.stem, target.name)
        if other != target.name:
            message = SAME_STEM.format(layout.rel(layout.sources / other)) + "; rename the file"
            raise ContentError([Problem(layout.rel(source.path), 0, message)])
        data = read_regular(source.path, MAX_SOURCE_BYTES)
        if planned.setdefault(target.name, data) != data:  # one copy would replace the other
            message = f"another file named {target.name} is ingested too; rename one of them"
            raise ContentError([Problem(layout.rel(source.path), 0, message)])
        if os.path.lexists(target):
            if target.name not in updates and not holds(target, data):
                message = f"{layout.rel(target)} already exists with other content; rename the file"
                raise ContentError([Problem(layout.rel(source.path), 0, message)])
            if holds(target, data):
                continue
        copies.append((target, data))
    return copies
