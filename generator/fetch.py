"""`readinglist fetch`: new papers from the Hugging Face Daily Papers API.

For each date, `{HF_ENDPOINT}/api/daily_papers?date=YYYY-MM-DD` is asked (the variable
the Hugging Face client libraries read; `https://huggingface.co` by default). A paper
is taken when the list already has it (by arXiv id, then by title), when some theme's
rules match it, when it is named with `--id`, or with `--all`; the others are reported.
The papers taken are kept as the answer gave them in `content/sources/hf-daily-<date>.json`
(a later fetch of the same date adds only the papers named with `--id`, or `--all`, so
that what a curator deleted from it stays out), and ingested from it:
arXiv id, authors, year, abstract, code link and the listing's full date. Every date is
asked before anything is written; if any request fails, nothing is.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass, field
from typing import Any

from generator.analysis.themes import ThemeRules
from generator.content.identifiers import arxiv_base, arxiv_problem, normal_arxiv
from generator.content.model import Paper
from generator.content.schema import value_problem
from generator.content.store import Layout, load_papers, load_themes
from generator.content.titles import title_key
from generator.errors import ContentError, ReadingListError
from generator.ingest.daily import (
    kept_date,
    loads,
    papers_of,
    read_daily,
    source_name,
    source_text,
)
from generator.ingest.exports import ingest_texts
from generator.ingest.records import IngestReport
from generator.web import RequestFailed, get

ENDPOINT = "https://huggingface.co"
MAX_ANSWER = 20_000_000
MAX_DAYS = 92
"""The most dates one fetch asks for (`--since`): a quarter."""
CATCH_UP = 31
"""The most days a fetch without dates asks for: a month, for a pull request not merged
for weeks (a day with no paper taken keeps no file, so it is asked again)."""


@dataclass
class FetchReport:
    asked: list[str] = field(default_factory=list)
    """One line per date: how many papers the answer had and how many were taken."""
    left_out: list[tuple[str, str, str]] = field(default_factory=list)
    """(date, arXiv id, title) of each paper not taken."""
    warnings: list[str] = field(default_factory=list)
    ingested: IngestReport | None = None


def dates_between(since: datetime.date, until: datetime.date) -> list[str]:
    """Every date from `since` to `until`, as the API takes them."""
    days = (until - since).days
    if days < 0:
        raise ReadingListError(f"--since {since} is after {until}")
    if days >= MAX_DAYS:
        raise ReadingListError(f"--since asks for {days + 1} days; at most {MAX_DAYS} at once")
    return [(since + datetime.timedelta(days=n)).isoformat() for n in range(days + 1)]


def yesterday() -> str:
    return (datetime.datetime.now(datetime.timezone.utc).date() - datetime.timedelta(1)).isoformat()


def catch_up(layout: Layout) -> tuple[list[str], str]:
    """The days a fetch without dates asks for: every day after the newest one kept in
    `content/sources/`, through yesterday, so that a day whose pull request was not
    merged before the next run is asked again, not lost; yesterday alone if none is kept
    or the newest is yesterday. At most `CATCH_UP` days, with a note when that cuts."""
    until = datetime.date.fromisoformat(yesterday())
    newest = max(filter(None, (kept_date(p.name) for p in layout.source_files())), default=until)
    start = max(
        min(newest + datetime.timedelta(1), until), until - datetime.timedelta(CATCH_UP - 1)
    )
    note = ""
    if newest + datetime.timedelta(1) < start:
        note = f"the newest day kept is {newest}; asking for the last {CATCH_UP} days only"
    return dates_between(start, until), note


def answers(endpoint: str, dates: list[str], timeout: float) -> dict[str, list[dict[str, Any]]]:
    """Each date's papers, normalised, with the warnings of each; one failure stops all."""
    found: dict[str, list[dict[str, Any]]] = {}
    for date in dates:
        url = f"{endpoint.rstrip('/')}/api/daily_papers?date={date}"
        try:
            body = get(url, timeout, MAX_ANSWER, "Hugging Face")
            found[date] = loads(body)
        except RequestFailed as exc:
            raise ReadingListError(f"{date}: {exc}; nothing was changed") from None
        except ValueError:
            raise ReadingListError(
                f"{date}: Hugging Face answered something that is not JSON; nothing was changed"
            ) from None
    return found


def fetch(
    layout: Layout,
    endpoint: str,
    dates: list[str],
    ids: frozenset[str] = frozenset(),
    take_all: bool = False,
    timeout: float = 30.0,
    dry_run: bool = False,
) -> FetchReport:
    papers, problems = load_papers(layout)
    themes, theme_problems = load_themes(layout)
    errors = [p for p in problems + theme_problems if p.is_error]
    if errors:
        raise ContentError(errors)
    for wanted in sorted(ids):  # before asking anything: a typo would take nothing
        refused = arxiv_problem(arxiv_base(normal_arxiv(wanted)))
        if refused:
            raise ReadingListError(f"--id: {refused}; nothing was changed")
    report = FetchReport()
    if not themes and not take_all:  # a list just begun: say why so little is taken
        report.warnings.append(
            "the list has no themes yet, so only the papers it has and those named with "
            "--id are taken (--all takes every one)"
        )
    chosen = Chooser(papers, ThemeRules(themes), ids, take_all)
    files: dict[str, str] = {}
    listed: set[str] = set()
    for date, answer in answers(endpoint, dates, timeout).items():
        try:
            items, warnings = papers_of(answer, date)
        except ValueError as exc:
            raise ReadingListError(
                f"{date}: Hugging Face's answer is not the daily papers list ({exc}); "
                "nothing was changed"
            ) from None
        report.warnings += warnings
        # A paper the Hub lists twice in a day is listed once (the first time).
        once = {paper["id"]: paper for paper in reversed(items)}
        items = [paper for paper in items if once[paper["id"]] is paper]
        listed.update(once)
        items = [paper for paper in items if _usable(paper, date, report)]
        kept = _kept(layout, date)
        known = {p["id"] for p in kept}
        # A day kept already was chosen then: what its rules left out, or a curator
        # took out of its file, stays out unless asked for by id.
        taken = [p for p in items if p["id"] in known or chosen.takes(p, by_rules=not kept)]
        report.left_out += [(date, p["id"], p["title"]) for p in items if p not in taken]
        report.asked.append(f"{date}: {len(items)} paper(s), {len(taken)} taken")
        new = [p for p in sorted(taken, key=lambda p: p["id"]) if p["id"] not in known]
        if new or kept:
            files[source_name(date)] = source_text(date, kept + new)
    asked = ", ".join(sorted(dates)) if len(dates) < 4 else f"{min(dates)} to {max(dates)}"
    report.warnings += [
        f"--id {wanted}: not among the papers of {asked or 'any day'}; ask for the day "
        "that lists it with --date"
        for wanted in sorted(chosen.ids - listed)
    ]
    if files:
        texts = {name: text.encode() for name, text in files.items()}
        report.ingested = ingest_texts(layout, [], texts, dry_run=dry_run)
    return report


def _usable(paper: dict[str, Any], date: str, report: FetchReport) -> bool:
    """False, with a warning, for a paper whose title a record cannot have: ingest
    would skip it, and a kept paper that is in no record fails `check`."""
    refused = value_problem(Paper, "title", paper["title"])
    if refused:
        report.warnings.append(f"{date}: {paper['id']}: field 'title': {refused}; left out")
    return not refused


def _kept(layout: Layout, date: str) -> list[dict[str, Any]]:
    """The papers an earlier fetch kept for this date, in their order (their positions
    are in records' listings)."""
    path = layout.sources / source_name(date)
    if not os.path.lexists(path):
        return []
    _, papers, _ = read_daily(path, layout.rel(path))
    kept, _ = papers_of(papers, date)
    return kept


class Chooser:
    """Which papers of an answer belong in the list."""

    def __init__(
        self, papers: dict[str, Paper], rules: ThemeRules, ids: frozenset[str], take_all: bool
    ) -> None:
        self.arxiv = {arxiv_base(p.arxiv) for p in papers.values() if p.arxiv}
        self.titles = {title_key(t) for p in papers.values() for t in [p.title, *p.aliases]}
        self.ids = {arxiv_base(normal_arxiv(i)) for i in ids}  # as people paste them
        self.rules, self.take_all = rules, take_all

    def takes(self, item: dict[str, Any], by_rules: bool = True) -> bool:
        if self.take_all or item["id"] in self.ids:
            return True
        if not by_rules:
            return False
        if item["id"] in self.arxiv:
            return True
        if title_key(item["title"]) in self.titles:
            return True
        paper = Paper(id="candidate", title=item["title"], abstract=item.get("summary", ""))
        return bool(self.rules.themes_of(paper))
