"""Generate the site's Markdown from `content/`: load, group, link, render, write."""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from markupsafe import escape
from threadpoolctl import threadpool_limits

from . import parallel
from .clock import build_date
from .export import FEED, PAPERS_BIB, PAPERS_CSV, export_files, papers_json, theme_bib
from .files import Mirror
from .manifest import Manifest, generation_key
from .mentions import find_mentions, invert
from .model import Library, Related
from .related import related_papers, vectorize
from .render import (
    CONTRIBUTE,
    HOME,
    PAPERS,
    THEMES,
    UNSORTED,
    Renderer,
    SiteOptions,
    paper_page,
    theme_page,
)
from .store import Layout, load_library
from .themes import assign_themes, unsorted

log = logging.getLogger(__name__)


def prepare(layout: Layout, previous: Library | None = None, may_fork: bool = False) -> Library:
    """Everything the pages show, computed before any page is written.

    With the `previous` library (while serving), papers whose record did not change
    and whose related papers did not change keep their previous related list, so an
    edit rewrites only the pages it affects, not every page whose similarity scores
    moved in the third decimal. `may_fork` lets a large library use a second core
    (never while serving: the server has threads of its own).
    """
    # Load and validate all records first: pages link across papers, so every page
    # must see the same, complete data.
    library = load_library(layout, may_fork)
    # Group papers into themes (curated lists win over keyword rules) and find papers
    # that name each other, while a second core finds similar papers.
    fork = may_fork and parallel.worth_it(len(library.papers))
    _, (library.vectors, library.related) = parallel.both(
        partial(group_and_mention, library), partial(similarities, library), fork
    )
    if previous is not None:
        library.related = keep_unaffected(previous, library)
    return library


def group_and_mention(library: Library) -> None:
    """Themes, and mentions both ways."""
    assign_themes(library)
    link_mentions(library)


def relate(library: Library) -> None:
    """TF-IDF vectors (kept for the paper maps) and each paper's related papers."""
    library.vectors, library.related = similarities(library)


def similarities(library: Library) -> tuple[Any, dict[str, list[Related]]]:
    """The papers' TF-IDF matrix, and each paper's most similar papers."""
    papers = list(library.papers.values())
    vectors = vectorize(papers)
    return vectors, related_papers(papers, matrix=vectors)


def link_mentions(library: Library) -> None:
    """Papers whose abstracts name another paper, both ways."""
    library.mentions = find_mentions(list(library.papers.values()))
    library.mentioned_by = invert(library.mentions)


def keep_unaffected(previous: Library, library: Library) -> dict[str, list[Related]]:
    """The new related lists, except where neither a paper nor its neighbours changed."""
    changed = {
        pid
        for pid in previous.papers.keys() | library.papers.keys()
        if previous.papers.get(pid) != library.papers.get(pid)
    }
    related = {}
    for pid, fresh in library.related.items():
        old = previous.related.get(pid)
        if old is None or pid in changed or changed & {r.id for r in old + fresh}:
            related[pid] = fresh
        else:
            related[pid] = old
    return related


class Session:
    """What a live-reloading server keeps between rebuilds: the last library built."""

    def __init__(self) -> None:
        self.previous: Library | None = None


_sessions: dict[Path, Session] = {}
_serving = False


def start_serving() -> None:
    """From now on, rebuilds of a project reuse what the previous rebuild computed."""
    global _serving
    _serving = True


def is_serving() -> bool:
    return _serving


def session_for(root: Path) -> Session | None:
    """The project's serve session, or None for a one-off build."""
    return _sessions.setdefault(root, Session()) if _serving else None


@dataclass
class Generated:
    """What a build needs from the generator, and what it waits for before finishing."""

    nav: list[Any]
    """The site's navigation, for `mkdocs.yml`'s `nav`."""
    download_paths: set[str]
    pages: dict[str, str]
    """Docs-relative path -> Markdown of each generated page, for MkDocs to take from
    here rather than from the folder, where they may still be being written. Empty
    when the pages were written as they were made (a small library, or serving)."""
    downloads: parallel.Pending[Any]
    """The downloads, possibly still being made: wait before anything reads them."""
    written: parallel.Pending[Any]
    """Every generated file in place: wait before the build ends."""
    reused: bool = False
    """True when nothing had changed and the folder was kept as it was."""


def generate(
    layout: Layout,
    docs_dir: Path,
    options: SiteOptions,
    session: Session | None = None,
    background: bool = False,
) -> Generated:
    """Write the generated pages and downloads into `docs_dir`, touching only files that changed.

    When nothing generation reads has changed since it last completed in `docs_dir`
    (`manifest.py`), the folder is kept as it is. Otherwise, for a library large
    enough to fork for, the pages are rendered in memory and returned in `pages`,
    and a forked child writes the downloads and then the pages. With `background`,
    this returns without waiting for that child; without, everything is in place.
    """
    key = None
    if session is None:  # serving keeps its own state, and rewrites what an edit touched
        key = generation_key(layout.content, options, build_date().isoformat())
        manifest = Manifest.read(docs_dir)
        if key and manifest and manifest.key == key and manifest.holds(docs_dir):
            log.debug("nothing changed: kept the generated pages")
            done = parallel.Done(0)
            return Generated(manifest.nav, set(manifest.downloads), {}, done, done, True)
    Manifest.forget(docs_dir)
    with tuned_for_generation():
        library = prepare(layout, session.previous if session else None, session is None)
        if session is not None:
            session.previous = library
        fork = session is None and parallel.worth_it(len(library.papers))
        pages, downloads, written = write_output(library, options, docs_dir, fork)
        nav, paths = site_nav(library), download_paths(library, options)
        written = parallel.then(written, partial(_done, docs_dir, key, nav, paths))
        if not background:
            written.wait()
    return Generated(nav, paths, pages, downloads, written)


def _done(docs_dir: Path, key: str | None, nav: list[Any], paths: set[str], changed: int) -> int:
    """Once every file is in place: the manifest that lets an unchanged rebuild skip all this."""
    log.debug("generated files: %d changed", changed)
    if key:
        Manifest.record(docs_dir, key, nav, paths)
    return changed


@contextmanager
def tuned_for_generation() -> Iterator[None]:
    """The process (and children forked meanwhile) set up for generating.

    - Python's cycle collector is off. Generation builds a large library and then
      many short-lived strings and lists; the collector's passes over the library
      freed nothing (peak memory is the same without them) and cost a tenth of the
      time at 10,000 papers.
    - BLAS (behind the paper maps' SVD) keeps to one thread. The generator already
      runs two processes on two cores, and BLAS threads that spin while waiting for
      work took a core from the other one: rendering and writing at 10,000 papers
      took 2.3 s instead of 1.7 s.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        with threadpool_limits(limits=1, user_api="blas"):
            yield
    finally:
        # What generation made lives on through the build: put it straight into the
        # oldest generation (freeze, then unfreeze), or the first collections would go
        # through every object made meanwhile. A 10,000-paper build then spends 0.45 s
        # instead of 0.57 s collecting. (This also unfreezes anything frozen before.)
        gc.freeze()
        gc.unfreeze()
        if was_enabled:
            gc.enable()


PAPERS_PER_CHUNK = 250

Pages = dict[str, str]


def write_output(
    library: Library, options: SiteOptions, docs_dir: Path, fork: bool = False
) -> tuple[Pages, parallel.Pending[int], parallel.Pending[int]]:
    """Make `docs_dir` hold exactly the site's generated files.

    Returns the pages' text (with `fork`), a `Pending` for the downloads and one for
    every file: how many changed. Stale files are gone when this returns.

    Without `fork`, every page is written here and the downloads when waited for.
    With `fork`, this process and a child take pages from one queue (theme pages,
    largest first, then the other pages, then paper pages 250 at a time) until none
    are left, and the child sends its pages back. Then a new child writes the
    downloads (`papers.json`, BibTeX, CSV) and then the pages, while this process
    returns to MkDocs with the pages' text: creating ten thousand files is a second of
    the kernel's time that MkDocs need not wait for.
    """
    mirror = Mirror(docs_dir)
    renderer = Renderer(library, options)
    papers = list(library.papers.values())
    site = renderer.site_page_jobs()
    jobs: list[Callable[[], Pages]] = [
        *(partial(_one_page, path, render) for path, render in site),
        *(
            partial(renderer.paper_pages, papers[start : start + PAPERS_PER_CHUNK])
            for start in range(0, len(papers), PAPERS_PER_CHUNK)
        ),
    ]
    queue = parallel.Queue(len(jobs), shared=fork)
    keep = {
        *(path for path, _ in site),
        *(paper_page(p.id) for p in papers),
        *download_paths(library, options),
    }
    # MkDocs lists the folder next: a page left from an earlier build must be gone.
    pruned = mirror.prune(keep)

    def write_downloads() -> int:
        return mirror.write(download_files(library, options))

    if not fork:
        changed = pruned + sum(mirror.write(jobs[number]()) for number in queue)
        downloads = parallel.start(write_downloads, fork=False)
        return {}, downloads, parallel.then(downloads, lambda count: changed + count)

    def render_pages() -> Pages:
        pages: Pages = {}
        for number in queue:
            pages.update(jobs[number]())
        return pages

    mine, theirs = parallel.both(render_pages, render_pages, fork=True)
    pages = {**mine, **theirs}
    downloads, pages_written = parallel.in_turn(
        write_downloads, partial(mirror.write, pages), fork=True
    )
    return pages, downloads, parallel.then(pages_written, lambda n: pruned + downloads.wait() + n)


def _one_page(path: str, render: Callable[[], str]) -> dict[str, str]:
    return {path: render()}


def output_files(library: Library, options: SiteOptions) -> dict[str, str | bytes]:
    """Docs-relative path -> content: every page, export and file the site needs."""
    return {**Renderer(library, options).pages(), **download_files(library, options)}


def download_paths(library: Library, options: SiteOptions) -> set[str]:
    """The paths `download_files` writes, without making them."""
    paths = {
        "papers.json",
        PAPERS_BIB,
        PAPERS_CSV,
        FEED,
        *(theme_bib(t.id) for t in library.themes),
    }
    return paths | ({"CNAME"} if options.cname else set())


def download_files(library: Library, options: SiteOptions) -> dict[str, str | bytes]:
    """`papers.json`, BibTeX, CSV, the feed and `CNAME`."""
    files: dict[str, str | bytes] = {"papers.json": papers_json(library, options.directory_urls)}
    files.update(export_files(library, options.site_name, options.site_url, build_date()))
    if options.cname:
        files["CNAME"] = options.cname.strip() + "\n"
    return files


def site_nav(library: Library) -> list[Any]:
    """Home, Themes, All papers and Contribute; paper pages stay out of the navigation."""
    themes: list[Any] = [{"Overview": THEMES}]
    # Material prints navigation titles (tabs, sidebar, footer) unescaped: escape them here.
    themes += [{str(escape(t.title)): theme_page(t.id)} for t in library.themes]
    if unsorted(library):
        themes.append({"Unsorted": UNSORTED})
    return [{"Home": HOME}, {"Themes": themes}, {"All papers": PAPERS}, {"Contribute": CONTRIBUTE}]
