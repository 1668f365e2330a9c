"""The `readinglist` command line. The only place that turns errors into exit codes."""

from __future__ import annotations

import functools
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

from generator.content.store import Layout
from generator.errors import ContentError, Problem, ReadingListError

log = logging.getLogger("generator")


def _root() -> Layout:
    return Layout(Path.cwd())


def _reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Print our errors as `path:line: message` and exit 1, never with a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ContentError as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            raise click.ClickException(str(exc)) from None
        except ReadingListError as exc:
            raise click.ClickException(str(exc)) from None
        except OSError as exc:  # a full disk, a read-only folder: nothing was half-written
            raise click.ClickException(_os_problem(exc)) from None

    return wrapper


def _os_problem(exc: OSError) -> str:
    """`cannot write content/papers/x.yml: No space left on device`, relative to here."""
    name = exc.filename2 or exc.filename
    what = exc.strerror or str(exc)
    if not name:
        return what
    path = Path(os.fsdecode(name))
    shown = _root().rel(path) if path.is_absolute() else path.as_posix()
    return f"{shown}: {what}"


def _locked(command: Callable[..., Any]) -> Callable[..., Any]:
    """Run a command that writes to the project while holding `build/.lock`."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from generator.content.files import project_lock

        with project_lock(_root().root / "build", command.__name__):
            return command(*args, **kwargs)

    return wrapper


def _format_option(other: str, help: str) -> Callable[[Any], Any]:
    """`--format text|<other>`, text by default, passed as `output_format`."""
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(["text", other]),
        default="text",
        show_default=True,
        help=help,
    )


class _Formatter(logging.Formatter):
    """`Serving on …` as it is; `WARNING: …` and `ERROR: …` with their level."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        return text if record.levelno == logging.INFO else f"{record.levelname}: {text}"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="readinglist", message="%(prog)s %(version)s")
@click.option("-v", "--verbose", is_flag=True, help="Show debug messages.")
def main(verbose: bool) -> None:
    """Turn raw paper listings into a searchable reading-list website.

    Run the commands from the project root (the folder with mkdocs.yml).
    """
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Formatter())
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO, handlers=[handler], force=True
    )
    logging.getLogger("mkdocs").setLevel(logging.INFO if verbose else logging.WARNING)


@main.command(short_help="Add papers from raw listings (.txt) or BibTeX (.bib).")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@_reports_errors
@_locked
def ingest(files: tuple[Path, ...]) -> None:
    """Add the papers in raw listing (.txt) or BibTeX (.bib) FILES to content/.

    New papers get a record in content/papers/; papers already there (by title) gain
    a listing and fill only their empty fields: what a person wrote is never changed.
    A file from outside content/sources/ is copied there first, so that every listing
    stays accounted for. Running it twice changes nothing.

    \b
    A raw listing is text copied from a paper-aggregator page: a date line such as
    'Mar 17', then each paper's title and its abstract, as paragraphs separated by
    blank lines:
        Mar 17

        A Paper's Title

        Its abstract, in one or more lines.
    """
    from generator.ingest.records import ingest as run_ingest

    # The files named here are the user's choice: a link among them is followed once,
    # here, and everything read from content/ itself is read through no link.
    paths = [path.resolve() for path in files]
    report = run_ingest(_root(), paths, progress=len(files) > 3)
    for warning in report.warnings:
        click.echo(str(warning), err=True)
    click.echo(report.summary())


@main.command(short_help="Fill in arXiv ids, authors and years from arXiv.")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option(
    "--timeout", type=float, default=20.0, show_default=True, help="Seconds to wait for arXiv."
)
@_reports_errors
@_locked
def enrich(dry_run: bool, timeout: float) -> None:
    """Fill in arXiv ids, authors and years from the arXiv API.

    Papers that lack one are looked up by exact title, one request every three
    seconds; answers are kept in your cache folder (~/.cache/readinglist/), never in
    the project. Values already set are never changed.
    """
    from generator.enrich import API
    from generator.enrich import enrich as run_enrich

    api = os.environ.get("ARXIV_API_URL", API)
    report = run_enrich(_root(), api, timeout, dry_run)
    for line in report.changes:
        click.echo(("would set " if dry_run else "set ") + line)
    for line in report.ambiguous:
        click.echo(f"{line}: more than one arXiv paper has this title; left as it is", err=True)
    for line in report.failed:
        click.echo(line, err=True)
    click.echo(report.summary())


@main.command(short_help="Validate content/ and report every problem.")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@_format_option("github", help="'github' prints GitHub Actions annotations.")
@_reports_errors
def check(strict: bool, output_format: str) -> None:
    """Validate all of content/ and report every problem as path:line: message."""
    from generator.check import check as run_check

    # Errors first: a new one must not hide among the warnings already there.
    problems = sorted(run_check(_root()), key=lambda p: not p.is_error)
    for problem in problems:
        click.echo(problem.annotation() if output_format == "github" else str(problem))
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    click.echo(f"{errors} error(s), {warnings} warning(s)", err=True)
    if errors or (strict and warnings):
        sys.exit(1)


@main.command(short_help="Print each theme's paper count, or propose new themes.")
@click.option("--suggest", is_flag=True, help="Propose themes for the Unsorted papers, as YAML.")
@click.option(
    "--apply", is_flag=True, help="With --suggest: append the proposals to content/themes.yml."
)
@_reports_errors
def themes(suggest: bool, apply: bool) -> None:
    """Print each theme with its paper count and a few example titles.

    With --suggest, cluster the Unsorted papers and print, for each cluster, a theme
    with the keywords that would catch it, as items for the themes: list in
    content/themes.yml. --apply appends them there; give each a description after.
    """
    from generator.analysis import group
    from generator.content.store import load_library

    if apply and not suggest:
        raise click.UsageError("--apply goes with --suggest")
    linked = group(load_library(_root()))
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
    append_to_themes(_root(), proposals)
    click.echo(f"{summary} Appended to content/themes.yml: give each a description.", err=True)


def _folder_option(flag: str, default: str, help: str) -> Callable[[Any], Any]:
    """An option naming an output folder, relative to the project root."""
    return click.option(
        flag,
        type=click.Path(file_okay=False, path_type=Path),
        default=Path(default),
        show_default=True,
        help=help,
    )


def _prepare(layout: Layout) -> Path:
    """The project's `mkdocs.yml`, with `build/docs/` in place (MkDocs refuses a
    configuration whose docs_dir does not exist), never made through a link."""
    from generator.content.files import real_folder

    config_file = layout.root / "mkdocs.yml"
    if not config_file.exists():
        raise ReadingListError(f"no mkdocs.yml in {layout.root}: run this from the project root")
    for folder in (layout.build, layout.build / "docs"):
        folder.mkdir(exist_ok=True)
        real_folder(folder)
    return config_file


def _generate(layout: Layout, offline: bool = False) -> Path:
    """Generate `build/` for the project's `mkdocs.yml`; the generated config's path.

    `offline` generates for the copy opened from disk (`.html` links).
    """
    from generator.engine.build import project_config, site_options
    from generator.site.generate import generate

    config_file = _prepare(layout)
    overrides = {"use_directory_urls": False} if offline else {}
    options = site_options(project_config(config_file, **overrides), layout.root)
    generated = generate(layout, options)
    log.debug("generated %d file(s)%s", generated.changed, " (reused)" if generated.reused else "")
    return layout.build / "mkdocs.yml"


@main.command(name="generate", short_help="Write build/docs/ and build/mkdocs.yml.")
@_reports_errors
@_locked
def generate_command() -> None:
    """Write the site's pages into build/docs/ and its configuration, build/mkdocs.yml.

    Plain `mkdocs build -f build/mkdocs.yml` (or another MkDocs-compatible engine)
    then builds the site; `readinglist build` does both.
    """
    layout = _root()
    config = _generate(layout)
    click.echo(f"Generated {layout.rel(config.parent / 'docs')}/ and {layout.rel(config)}")


@main.command(short_help="Generate, then build the site into site/.")
@click.option("--strict", is_flag=True, help="Fail on MkDocs warnings (broken links, ...).")
@_folder_option("--site-dir", "site", "Where to write the site.")
@_reports_errors
@_locked
def build(strict: bool, site_dir: Path) -> None:
    """Generate the pages and build the site into site/.

    The site is built in a temporary folder and swapped into place only when the
    build has succeeded, so a failed build leaves the previous site untouched.
    """
    from generator.engine.build import build_site
    from generator.site.output import check_site_dir

    layout = _root()
    check_site_dir(layout.root / site_dir, layout.root)  # before anything is written
    target = build_site(_generate(layout), layout.root / site_dir, layout.root, strict=strict)
    click.echo(f"Site built in {layout.rel(target)}/")


@main.command(short_help="Preview the site with live reload.")
@click.option(
    "-a",
    "--dev-addr",
    default="127.0.0.1:8000",
    show_default=True,
    metavar="IP:PORT",
    help="Address to serve the preview on.",
)
@_reports_errors
def serve(dev_addr: str) -> None:
    """Preview the site, rebuilding when content/, overrides/ or mkdocs.yml change.

    A content error replaces the page in the browser until the file is fixed.
    """
    from generator.engine.build import check_address
    from generator.engine.build import serve as serve_site

    check_address(dev_addr)
    if not logging.getLogger().isEnabledFor(logging.DEBUG):
        # MkDocs' server warns of every request that is not a 200, the error page's too.
        logging.getLogger("mkdocs.livereload").setLevel(logging.ERROR)
    serve_site(_prepare(_root()), dev_addr)


@main.command(short_help="Zip the site for reading offline, into dist/.")
@_folder_option("--dist-dir", "dist", "Where to write the zip.")
@_reports_errors
@_locked
def bundle(dist_dir: Path) -> None:
    """Build the offline site and zip it into dist/<site-name>-offline.zip.

    Unzipped anywhere and opened from disk, it works with no network: navigation,
    links and search.
    """
    from generator.bundle import make_bundle
    from generator.engine.build import project_config

    layout = _root()
    config_file = _generate(layout, offline=True)
    site_name = project_config(config_file).site_name
    target = make_bundle(config_file, layout.root, layout.root / dist_dir, site_name)
    click.echo(f"Offline bundle written to {layout.rel(target)}")


@main.command(short_help="What content/ gained, lost and changed since BASE.")
@click.argument("base")
@_format_option("markdown", help="'markdown' for a pull request's job summary.")
@_reports_errors
def diff(base: str, output_format: str) -> None:
    """Compare content/ at git ref BASE with the working tree.

    Reports papers added, removed and edited, listings merged and theme changes, as
    plain text; the pull-request workflow asks for Markdown for its job summary.
    """
    from generator.diff import diff_against

    click.echo(diff_against(_root(), base, output_format == "markdown"), nl=False)


@main.command(short_help="Scaffold a record for a new paper.")
@click.argument("title")
@_reports_errors
@_locked
def new(title: str) -> None:
    """Scaffold content/papers/<id>.yml for TITLE, with every field commented."""
    from generator.ingest.scaffold import new_record

    click.echo(f"Created {new_record(_root(), title)}")


def _verbose(context: click.Context, parameter: click.Parameter, value: bool) -> None:
    if value:
        logging.getLogger().setLevel(logging.DEBUG)
        logging.getLogger("mkdocs").setLevel(logging.INFO)


# `-v` works after the command's name too (`readinglist check -v`), as people type it.
for _command in main.commands.values():
    _command.params.append(
        click.Option(
            ["-v", "--verbose"],
            is_flag=True,
            expose_value=False,
            callback=_verbose,
            help="Show debug messages.",
        )
    )


def run() -> None:
    """The `readinglist` program."""
    main(prog_name="readinglist")
