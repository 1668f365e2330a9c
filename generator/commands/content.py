"""The commands that read and change `content/`: ingest, enrich, fetch, check, themes, diff,
new and merge. Each imports what it needs when it runs: `check` stays quick."""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

import click

from generator.commands import format_option, locked, project, reports_errors

if TYPE_CHECKING:
    from generator.ingest.records import IngestReport


@click.command(short_help="Add papers from raw listings (.txt) or BibTeX (.bib).")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--dry-run", is_flag=True, help="Show what would be added and merged; write nothing.")
@reports_errors
@locked
def ingest(files: tuple[Path, ...], dry_run: bool) -> None:
    """Add the papers in raw listing (.txt) or BibTeX (.bib) FILES to content/.

    New papers get a record in content/papers/; papers already there (by title) gain
    a listing and fill only their empty fields: what a person wrote is never changed.
    A file from outside content/sources/ is copied there first, so that every listing
    stays accounted for. Running it twice changes nothing. A newer export of a
    BibTeX file copied before, under the same name, adds its new entries to the copy.

    \b
    A raw listing is text copied from a paper-aggregator page: a date line such as
    'Mar 17' (or '2024-03-17', 'Dec 1, 2024'), then each paper's title (one line)
    and its abstract, as paragraphs separated by blank lines:
        Mar 17

        A Paper's Title

        Its abstract, in one or more lines.

    \b
    A page of arXiv's listings (arxiv.org/list/cs.LG/new) or search results, copied as
    it is, or its daily email, is read as arXiv writes it, with each paper's arXiv id
    and authors. An awesome list's Markdown, saved as .txt, gives a paper for each list
    item or table row ('- [A Paper's Title](https://arxiv.org/abs/...)').
    """
    from generator.ingest.exports import ingest_files

    # The files named here are the user's choice: a link among them is followed once,
    # here, and everything read from content/ itself is read through no link.
    paths = [path.resolve() for path in files]
    report = ingest_files(project(), paths, progress=len(files) > 3, dry_run=dry_run)
    _print_ingested(report, dry_run)


def _print_ingested(report: IngestReport, dry_run: bool) -> None:
    """An ingest's warnings, each change and its summary, as `ingest` and `fetch` say them."""
    for warning in report.warnings:
        click.echo(str(warning), err=True)
    for line in report.changes:
        click.echo(("would " if dry_run else "") + line)
    click.echo(("would be: " if dry_run else "") + report.summary())


@click.command(short_help="Fill in arXiv ids, authors, years and abstracts from arXiv.")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option(
    "--timeout", type=float, default=20.0, show_default=True, help="Seconds to wait for arXiv."
)
@reports_errors
@locked
def enrich(dry_run: bool, timeout: float) -> None:
    """Fill in arXiv ids, authors, years and abstracts from the arXiv API.

    Papers that lack one are looked up by arXiv id (up to 100 in a request), or else
    by exact title, one request every three seconds; answers are kept in your cache
    folder (~/.cache/readinglist/), never in the project. Values already set are never
    changed.
    """
    from generator import enrich as lookup

    def progress(done: int, total: int) -> None:
        """A lookup of the built-in list takes 18 minutes: say so, and how far it is."""
        if done == 1 and total > 1:
            minutes = math.ceil((total - 1) * lookup.DELAY / 60)
            click.echo(
                f"arXiv request 1 of {total}; the rest take up to {minutes} min (one "
                f"request every {lookup.DELAY:g} s, for a title or for up to "
                f"{lookup.IDS_PER_REQUEST} arXiv ids; answers in your cache come at once)",
                err=True,
            )
        elif done % 25 == 0 and done < total:
            click.echo(f"arXiv request {done} of {total}", err=True)

    api = os.environ.get("ARXIV_API_URL", lookup.API)
    report = lookup.enrich(project(), api, timeout, dry_run, progress)
    for line in report.changes:
        click.echo(("would set " if dry_run else "set ") + line)
    for line in report.ambiguous:
        click.echo(f"{line}: more than one arXiv paper has this title; left as it is", err=True)
    for line in report.failed:
        click.echo(line, err=True)
    click.echo(report.summary())


@click.command(short_help="Validate content/ and report every problem.")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@format_option("github", help="'github' prints GitHub Actions annotations.")
@reports_errors
def check(strict: bool, output_format: str) -> None:
    """Validate all of content/ and report every problem as path:line: message."""
    from generator.check import check as run_check

    # Errors first: a new one must not hide among the warnings already there.
    problems = sorted(run_check(project()), key=lambda p: not p.is_error)
    for problem in problems:
        click.echo(problem.annotation() if output_format == "github" else str(problem))
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    click.echo(f"{errors} error(s), {warnings} warning(s)", err=True)
    if errors or (strict and warnings):
        sys.exit(1)


@click.command(short_help="Print each theme's paper count, or propose new themes.")
@click.option("--suggest", is_flag=True, help="Propose themes for the Unsorted papers, as YAML.")
@click.option(
    "--apply", is_flag=True, help="With --suggest: append the proposals to content/themes.yml."
)
@reports_errors
def themes(suggest: bool, apply: bool) -> None:
    """Print each theme with its paper count and a few example titles.

    With --suggest, cluster the Unsorted papers and print, for each cluster, a theme
    with the keywords that would catch it, as items for the themes: list in
    content/themes.yml. --apply appends them there; give each a description after.
    """
    from generator.analysis import group
    from generator.content.library import load_library

    if apply and not suggest:
        raise click.UsageError("--apply goes with --suggest")
    linked = group(load_library(project()))
    if suggest:
        _suggest(linked, apply)
        return
    from generator.analysis.themes import table

    click.echo(table(linked))


def _suggest(linked: Any, apply: bool) -> None:
    """Print the proposed themes (on stdout, as YAML) and, with `apply`, append them."""
    from generator.analysis.suggest import append_to_themes, as_yaml, suggest
    from generator.analysis.themes import unsorted

    proposals = suggest(linked)
    left = len(unsorted(linked))
    if not proposals:
        click.echo(f"No themes to propose for the {left} Unsorted paper(s).", err=True)
        return
    click.echo(as_yaml(proposals), nl=False)
    caught = len({p.id for proposal in proposals for p in proposal.caught})
    total = max(len(linked.papers), 1)
    summary = (
        f"{len(proposals)} theme(s) proposed; they catch {caught} of the {left} Unsorted "
        f"papers, leaving {left - caught} ({(left - caught) / total:.0%} of {total})."
    )
    if not apply:
        click.echo(f"{summary} Append them to content/themes.yml, or run with --apply.", err=True)
        return
    append_to_themes(project(), proposals)
    click.echo(f"{summary} Appended to content/themes.yml: give each a description.", err=True)


@click.command(short_help="What content/ gained, lost and changed since BASE.")
@click.argument("base", default="HEAD")
@format_option("markdown", help="'markdown' for a pull request's job summary.")
@reports_errors
def diff(base: str, output_format: str) -> None:
    """Compare content/ at git ref BASE (default: HEAD, the last commit) with the
    working tree.

    Reports papers added, removed and edited, listings merged, theme changes,
    records that do not load and citation keys that move, as plain text; the
    pull-request workflow asks for Markdown for its job summary.
    """
    from generator.diff import diff_against

    click.echo(diff_against(project(), base, output_format == "markdown"), nl=False)


@click.command(short_help="Scaffold a record for a new paper.")
@click.argument("title")
@reports_errors
@locked
def new(title: str) -> None:
    """Scaffold content/papers/<id>.yml for TITLE, with every field commented."""
    from generator.ingest.scaffold import new_record

    click.echo(f"Created {new_record(project(), title)}")


@click.command(short_help="Fold a duplicate record into another.")
@click.argument("keep")
@click.argument("other")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@reports_errors
@locked
def merge(keep: str, other: str, dry_run: bool) -> None:
    """Fold content/papers/OTHER.yml into content/papers/KEEP.yml, by their ids (or
    their files' paths).

    KEEP gains OTHER's listings, its title (as an alias) and the fields it has empty;
    a field both have, differently, is reported and left as KEEP has it. OTHER's file
    is deleted and its page redirects to KEEP's, on the site and offline.
    """
    from generator.merge import merge as run_merge

    # A shell completes a record's path, not its id.
    keep, other = (PurePath(x).stem if x.endswith(".yml") else x for x in (keep, other))

    report = run_merge(project(), keep, other, dry_run)
    for line in report.disagree:
        click.echo(f"content/papers/{keep}.yml: warning: {line}", err=True)
    if report.themes_changed:
        click.echo(f"content/themes.yml: start_here names {keep} instead of {other}", err=True)
    click.echo(report.summary(dry_run))


@click.command(short_help="Add papers from Hugging Face Daily Papers.")
@click.option(
    "--date",
    "dates",
    multiple=True,
    metavar="YYYY-MM-DD",
    help=(
        "A day to fetch; repeat for several. Default: each day after the newest one kept "
        "in content/sources/, through yesterday (UTC), at most a month."
    ),
)
@click.option("--since", metavar="YYYY-MM-DD", help="Every day from this one to yesterday.")
@click.option(
    "--id", "ids", multiple=True, metavar="ARXIV_ID", help="Take this paper whatever its themes."
)
@click.option("--all", "take_all", is_flag=True, help="Take every paper, in a theme or not.")
@click.option("--dry-run", is_flag=True, help="Show what would be added; write nothing.")
@click.option("--timeout", type=float, default=30.0, show_default=True, help="Seconds per request.")
@format_option("markdown", help="'markdown' writes the titles left out for a pull request.")
@reports_errors
@locked
def fetch(
    dates: tuple[str, ...],
    since: str | None,
    ids: tuple[str, ...],
    take_all: bool,
    dry_run: bool,
    timeout: float,
    output_format: str,
) -> None:
    """Add the papers of a day of Hugging Face Daily Papers that belong to the list.

    A paper is taken when some theme's rules match it or the list has it already (by
    arXiv id, then title); the others are listed as left out, for --id or --all. The
    papers taken are kept in content/sources/hf-daily-<date>.json and ingested with
    their arXiv id, authors, year and code link; a day kept already takes only the
    papers named with --id (or --all). Without --date or --since, it catches
    up: each day after the newest one kept is asked, so a day whose pull request was
    not merged in time is asked again. Asks HF_ENDPOINT, as the Hugging Face libraries
    do (https://huggingface.co by default). Without a network, or on any error, nothing
    changes.
    """
    import datetime

    from generator.diff import markdown_text
    from generator.fetch import ENDPOINT, catch_up, dates_between, yesterday
    from generator.fetch import fetch as run_fetch

    try:
        days = [datetime.date.fromisoformat(d).isoformat() for d in dates]
        if since:
            days += dates_between(
                datetime.date.fromisoformat(since), datetime.date.fromisoformat(yesterday())
            )
    except ValueError as exc:
        raise click.BadParameter(f"expected a date such as 2024-03-17 ({exc})") from None
    unfinished = [day for day in days if day > yesterday()]
    if unfinished:  # the Hub still adds to it, and a day kept is not chosen from again
        raise click.BadParameter(
            f"{unfinished[0]} is not over yet (in UTC): the papers the Hub lists later would "
            "never be taken; fetch it from tomorrow on"
        )
    endpoint = os.environ.get("HF_ENDPOINT") or ENDPOINT
    if not days:
        days, note = catch_up(project())
        if note:
            click.echo(f"note: {note}", err=True)
    report = run_fetch(
        project(),
        endpoint,
        sorted(set(days)),
        frozenset(ids),
        take_all,
        timeout,
        dry_run,
    )
    for line in report.warnings:
        click.echo(f"warning: {line}", err=True)
    for line in report.asked:
        click.echo(f"fetched {line}")
    shown = markdown_text if output_format == "markdown" else str
    for day, arxiv, title in report.left_out:
        click.echo(f"left out {day} {shown(arxiv)}: {shown(title)}")
    if report.ingested:
        _print_ingested(report.ingested, dry_run)


COMMANDS = [ingest, enrich, fetch, check, themes, diff, new, merge]
