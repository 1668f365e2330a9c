"""`readinglist enrich`: arXiv ids, authors and years from the arXiv API.

Only papers that lack one of them are asked about, by their exact title (`ti:"..."`),
one request every three seconds as arXiv's terms of use ask. A result is taken only
when its normalised title is one of the record's (its title or an alias) and no other
arXiv paper has that title. Answers are kept in `build/arxiv/`, so a rerun asks
nothing twice, and a value already in a record is never changed.
"""

from __future__ import annotations

import hashlib
import re
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import feedparser

from generator.content.files import Transaction, read_regular, real_folder, write_atomic
from generator.content.identifiers import arxiv_problem, year_problem
from generator.content.model import Paper
from generator.content.store import Layout, dump_paper, load_papers
from generator.errors import ContentError, ReadingListError
from generator.ingest.merge import paper_keys, title_key

API = "https://export.arxiv.org/api/query"
DELAY = 3.0
"""Seconds between requests (https://info.arxiv.org/help/api/tou.html)."""
MAX_ANSWER = 5_000_000
_VERSION = re.compile(r"v\d+$")


class Offline(ReadingListError):
    """arXiv cannot be reached at all: nothing is changed."""


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
            f"{self.asked} paper(s) looked up ({self.cached} answered from build/arxiv/): "
            f"{self.found} found, {len(self.ambiguous)} ambiguous, {self.missing} not found, "
            f"{len(self.failed)} failed"
        )


class Client:
    """Asks the arXiv API, no more often than `delay` allows, and keeps every answer."""

    def __init__(self, api: str, cache: Path, timeout: float, delay: float = DELAY) -> None:
        self.api, self.cache, self.timeout, self.delay = api, cache, timeout, delay
        self.last = -delay

    def answer(self, title: str) -> tuple[bytes, bool]:
        """The Atom answer for an exact-title search, and whether it came from the cache."""
        words = " ".join(re.findall(r"\w+", title))
        query = urlencode({"search_query": f'ti:"{words}"', "start": 0, "max_results": 10})
        url = f"{self.api}?{query}"
        kept = self.cache / (hashlib.sha256(url.encode()).hexdigest()[:32] + ".xml")
        if kept.exists():
            return read_regular(kept, MAX_ANSWER), True
        time.sleep(max(0.0, self.last + self.delay - time.monotonic()))
        self.last = time.monotonic()
        try:
            with urllib.request.urlopen(url, timeout=self.timeout) as response:
                data = response.read(MAX_ANSWER)
        except urllib.error.HTTPError as exc:
            raise LookupFailed(f"arXiv answered HTTP {exc.code}") from None
        except TimeoutError:
            raise LookupFailed(f"no answer within {self.timeout:g} s") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, TimeoutError):
                raise LookupFailed(f"no answer within {self.timeout:g} s") from None
            raise Offline(f"arXiv cannot be reached ({reason}); nothing was changed") from None
        write_atomic(kept, data, durable=False)
        return data, False


class LookupFailed(Exception):
    """One paper's request failed; the others go on."""


def matches(paper: Paper, answer: bytes) -> list[dict[str, object]]:
    """The arXiv papers in `answer` whose normalised title is one of the record's."""
    keys = set(paper_keys(paper))
    found: dict[str, dict[str, object]] = {}
    for entry in feedparser.parse(answer).entries:
        if title_key(" ".join(str(entry.get("title", "")).split())) not in keys:
            continue
        arxiv = _VERSION.sub("", str(entry.get("id", "")).rsplit("/abs/", 1)[-1])
        if arxiv_problem(arxiv):
            continue
        year = str(entry.get("published", ""))[:4]
        found[arxiv] = {
            "arxiv": arxiv,
            "authors": [str(a.get("name", "")).strip() for a in entry.get("authors", [])],
            "year": "" if year_problem(year) else year,
        }
    return list(found.values())


def enrich(layout: Layout, api: str, timeout: float, dry_run: bool) -> EnrichReport:
    papers, problems = load_papers(layout)
    errors = [p for p in problems if p.is_error]
    if errors:
        raise ContentError(errors)
    for folder in (layout.build, layout.build / "arxiv"):  # never through a link
        folder.mkdir(exist_ok=True)
        real_folder(folder)
    client = Client(api, layout.build / "arxiv", timeout)
    report = EnrichReport()
    changed: list[Paper] = []
    for paper in papers.values():
        if paper.arxiv and paper.authors and paper.year:
            continue
        report.asked += 1
        try:
            answer, cached = client.answer(paper.title)
        except LookupFailed as exc:
            report.failed.append(f"{layout.rel(layout.paper_path(paper.id))}: {exc}")
            continue
        report.cached += cached
        found = matches(paper, answer)
        if len(found) != 1:
            if found:
                ids = ", ".join(str(f["arxiv"]) for f in found)
                report.ambiguous.append(f"{layout.rel(layout.paper_path(paper.id))}: {ids}")
            else:
                report.missing += 1
            continue
        report.found += 1
        filled = [name for name, value in found[0].items() if value and not getattr(paper, name)]
        if filled:
            for name in filled:
                setattr(paper, name, found[0][name])
            shown = ", ".join(_shown(paper, name) for name in filled)
            report.changes.append(f"{layout.rel(layout.paper_path(paper.id))}: {shown}")
            changed.append(paper)
    if changed and not dry_run:
        with Transaction(layout.content) as transaction:
            for paper in changed:
                transaction.write(layout.paper_path(paper.id), dump_paper(paper))
    return report


def _shown(paper: Paper, name: str) -> str:
    if name == "authors":
        return f"authors ({len(paper.authors)})"
    return f"{name} {getattr(paper, name)}"
