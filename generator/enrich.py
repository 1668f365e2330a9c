"""`readinglist enrich`: arXiv ids, authors, years and abstracts from the arXiv API.

Only papers that lack one of them are asked about, one request every three seconds as
arXiv's terms of use ask: by their arXiv id when the record has one (`id_list`, up to
`IDS_PER_REQUEST` in a request; an awesome list may call a paper by a short name), else
by their exact title (`ti:"..."`).
A result is taken when it has the record's id, or, for a record without one, when its
normalised title is one of the record's (its title or an alias) and no other arXiv
paper has that title. Answers are kept in this user's cache (`web.Cache`), so a rerun
asks nothing twice, and a value already in a record is never changed.
"""

from __future__ import annotations

import io
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode

import feedparser

from generator.content.identifiers import arxiv_base, arxiv_problem, year_problem
from generator.content.journal import Transaction
from generator.content.model import Paper
from generator.content.store import Layout, load_papers
from generator.content.titles import paper_keys, title_key
from generator.content.writing import RecordText, record_text
from generator.errors import ContentError
from generator.ingest.parse import clean_abstract
from generator.web import Cache, RequestFailed, get

API = "https://export.arxiv.org/api/query"
DELAY = 3.0
"""Seconds between requests (https://info.arxiv.org/help/api/tou.html)."""
MAX_ANSWER = 5_000_000
IDS_PER_REQUEST = 100
"""arXiv ids asked for in one request: an awesome list of 800 papers is 8 requests, 24 s."""


@dataclass
class EnrichReport:
    asked: int = 0
    cached: int = 0
    found: int = 0
    ambiguous: list[str] = field(default_factory=list)
    missing: int = 0
    failed: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.asked} paper(s) looked up ({self.cached} answered from the cache): "
            f"{self.found} found, {len(self.ambiguous)} ambiguous, {self.missing} not found, "
            f"{len(self.failed)} failed"
        )


class Client:
    """Asks the arXiv API, no more often than `DELAY` allows, and keeps every answer."""

    def __init__(self, api: str, timeout: float) -> None:
        self.api, self.timeout = api, timeout
        self.cache = Cache("arxiv", MAX_ANSWER)
        self.delay = DELAY
        self.last = -self.delay
        self.clock, self.sleep = time.monotonic, time.sleep

    def answer(self, title: str = "", ids: Sequence[str] = ()) -> tuple[bytes, bool]:
        """The Atom answer for these arXiv ids, or else for an exact-title search, and
        whether it came from the cache."""
        words = " ".join(re.findall(r"\w+", title))
        query = urlencode(
            {"id_list": ",".join(ids), "max_results": len(ids)}
            if ids
            else {"search_query": f'ti:"{words}"', "start": 0, "max_results": 10}
        )
        url = f"{self.api}?{query}"
        kept = self.cache.get(url)
        if kept is not None:
            return kept, True
        self.sleep(max(0.0, self.last + self.delay - self.clock()))
        self.last = self.clock()
        data = get(url, self.timeout, MAX_ANSWER, "arXiv")
        self.cache.put(url, data)
        return data, False


def matches(paper: Paper, answer: bytes) -> list[dict[str, object]]:
    """The arXiv papers in `answer` that have the record's arXiv id, or, when it has
    none, whose normalised title is one of the record's."""
    keys = set(paper_keys(paper))
    found: dict[str, dict[str, object]] = {}
    # A stream, never the bytes: feedparser takes a string for a file name or a URL.
    for entry in feedparser.parse(io.BytesIO(answer)).entries:
        arxiv = arxiv_base(str(entry.get("id", "")).rsplit("/abs/", 1)[-1])
        if arxiv_problem(arxiv):
            continue
        if paper.arxiv and arxiv != arxiv_base(paper.arxiv):
            continue
        if not paper.arxiv and title_key(" ".join(str(entry.get("title", "")).split())) not in keys:
            continue
        year = str(entry.get("published", ""))[:4]
        authors = [" ".join(str(a.get("name", "")).split()) for a in entry.get("authors", [])]
        found[arxiv] = {
            "arxiv": arxiv,
            "authors": [name for name in authors if name],
            "year": "" if year_problem(year) else year,
            "abstract": clean_abstract(" ".join(str(entry.get("summary", "")).split())),
        }
    return list(found.values())


def enrich(
    layout: Layout,
    api: str,
    timeout: float,
    dry_run: bool,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> EnrichReport:
    """Look up each paper that lacks an arXiv id, authors, a year or an abstract (an
    awesome list gives none); `progress` hears how many of how many requests have been
    made, after each."""
    papers, problems = load_papers(layout)
    errors = [p for p in problems if p.is_error]
    if errors:
        raise ContentError(errors)
    client = Client(api, timeout)
    report = EnrichReport()
    texts: list[RecordText] = []
    todo = [p for p in papers.values() if not (p.arxiv and p.authors and p.year and p.abstract)]
    known = [p for p in todo if p.arxiv]
    asks = [known[i : i + IDS_PER_REQUEST] for i in range(0, len(known), IDS_PER_REQUEST)]
    asks += [[p] for p in todo if not p.arxiv]
    for done, group in enumerate(asks, 1):
        ids = list(dict.fromkeys(arxiv_base(p.arxiv) for p in group if p.arxiv))
        report.asked += len(group)
        try:
            answer, cached = client.answer(ids=ids) if ids else client.answer(group[0].title)
        except RequestFailed as exc:  # when arXiv cannot be reached at all, Offline ends it
            report.failed += [f"{layout.rel(layout.paper_path(p.id))}: {exc}" for p in group]
            progress(done, len(asks))
            continue
        progress(done, len(asks))
        report.cached += cached * len(group)
        for paper in group:
            texts += _filled(layout, paper, matches(paper, answer), report)
    if texts and not dry_run:
        with Transaction(layout.content) as transaction:
            for planned in texts:
                transaction.write(planned.path, planned.text)
    return report


def _filled(
    layout: Layout, paper: Paper, found: list[dict[str, object]], report: EnrichReport
) -> list[RecordText]:
    """The record with what the one arXiv paper `found` gives and it lacks, if any."""
    shown = layout.rel(layout.paper_path(paper.id))
    if len(found) != 1:
        if found:
            report.ambiguous.append(f"{shown}: {', '.join(str(f['arxiv']) for f in found)}")
        else:
            report.missing += 1
        return []
    report.found += 1
    filled = [name for name, value in found[0].items() if value and not getattr(paper, name)]
    if not filled:
        return []
    for name in filled:
        setattr(paper, name, found[0][name])
    # What the answer gives must make a record the loader accepts: else it is left.
    planned = record_text(layout, paper)
    if planned.problems:
        report.failed.append(f"{shown}: arXiv's answer was not used: {planned.problems[0]}")
        return []
    report.changes.append(f"{shown}: {', '.join(_shown(paper, name) for name in filled)}")
    return [planned]


def _shown(paper: Paper, name: str) -> str:
    if name == "authors":
        return f"authors ({len(paper.authors)})"
    if name == "abstract":
        return f"abstract ({len(paper.abstract.split())} words)"
    return f"{name} {getattr(paper, name)}"
