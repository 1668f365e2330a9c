"""Generate the site's Markdown from `content/`: load, group, link, render, write."""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from markupsafe import escape

from . import parallel
from .clock import build_date
from .export import FEED, PAPERS_BIB, PAPERS_CSV, export_files, papers_json, theme_bib
from .files import Mirror
from .manifest import Manifest, generation_key
from .mentions import find_mentions, invert
from .model import Library, Paper, Related
from .related import Neighbours, related_papers, vectorize
from .render import (
    CONTRIBUTE,
    HOME,
    PAPERS,
    THEMES,
    UNSORTED,
    Renderer,
    SiteOptions,
    Skeleton,
    paper_page,
    theme_page,
)
from .store import Layout, Reading, load_library, recover_content
from .themes import ThemeRules, assign_themes, unsorted

log = logging.getLogger(__name__)


def prepare(layout: Layout, previous: Library | None = None) -> Library:
    """Everything the pages show, computed before any page is written, in this process."""
    # Load and validate all records first: pages link across papers, so every page
    # must see the same, complete data.
    library = load_library(layout)
    complete(library, previous)
    return library


def complete(library: Library, previous: Library | None = None) -> None:
    """Themes, mentions and related papers for a loaded library.

    Papers are grouped into themes (curated lists win over keyword rules), papers that
    name each other are found, and similar papers. With the `previous` library (while
    serving), papers whose record did not change and whose related papers did not
    change keep their previous related list, so an edit rewrites only the pages it
    affects, not every page whose similarity scores moved in the third decimal.
    """
    assign_themes(library)
    link_mentions(library)
    relate(library)
    if previous is not None:
        library.related = keep_unaffected(previous, library)


def relate(library: Library) -> None:
    """TF-IDF vectors (kept for the paper maps) and each paper's related papers."""
    papers = list(library.papers.values())
    library.vectors = vectorize(papers)
    library.related = related_papers(papers, matrix=library.vectors)


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
    here rather than from the folder, where it may still be being written. Empty when
    the pages were written as they were made (a small library, or serving). A page in
    `later` is here as a placeholder: a paper page as "", a theme page without its
    cards and map."""
    later: dict[str, parallel.Pending[Pages]] = field(default_factory=dict)
    """Docs-relative path -> the pages, still being rendered, among which it arrives:
    MkDocs reads the placeholder and the hook puts the page in as MkDocs builds it."""
    downloads: parallel.Pending[Any] = field(default_factory=lambda: parallel.Done(0))
    """The downloads, possibly still being made: wait before anything reads them.
    With `later` pages, the downloads are done only when `written` is."""
    written: parallel.Pending[Any] = field(default_factory=lambda: parallel.Done(0))
    """Every generated file in place: wait before the build ends (and before copying
    the downloads, when they are `later` too)."""
    reused: bool = False
    """True when nothing had changed and the folder was kept as it was."""
    key: parallel.Pending[str | None] = field(default_factory=lambda: parallel.Done(None))
    """The key of what was generated from (`manifest.generation_key`), possibly still
    being computed by the child."""


def generate(
    layout: Layout,
    docs_dir: Path,
    options: SiteOptions,
    session: Session | None = None,
    background: bool = False,
) -> Generated:
    """Write the generated pages and downloads into `docs_dir`, touching only files that changed.

    When nothing generation reads has changed since it last completed in `docs_dir`
    (`manifest.py`), the folder is kept as it is. A library large enough to fork for
    is loaded and grouped into themes here, and a forked child does the rest while
    MkDocs builds (`write_later`). With `background`, this returns without waiting
    for that child; without, everything is in place.
    """
    key = None
    recover_content(layout)  # before the key: a finished ingest changes what is read
    # Serving keeps state of its own and rewrites what an edit touched: no manifest.
    manifest = Manifest.read(docs_dir) if session is None else None
    if manifest:
        key = generation_key(layout.content, options, build_date().isoformat())
        if key and manifest.key == key and manifest.holds(docs_dir):
            log.debug("nothing changed: kept the generated pages")
            return Generated(manifest.nav, set(manifest.downloads), {}, reused=True)
    Manifest.forget(docs_dir)
    with tuned_for_generation():
        reading = Reading(layout)
        library = reading.library(may_fork=session is None)
        keyed: Callable[[], str | None] = partial(_same, key)
        if session is None and key is None:  # from the records as read, not read again
            date = build_date().isoformat()
            keyed = partial(generation_key, layout.content, options, date, reading.digests)
        if session is None and parallel.worth_it(len(library.papers)):
            generated = write_later(library, options, docs_dir, keyed)
        else:
            complete(library, session.previous if session else None)
            if session is not None:
                session.previous = library
            generated = write_output(library, options, docs_dir)
            generated.key = parallel.Done(keyed())
        generated.written = parallel.then(
            generated.written,
            partial(_done, docs_dir, generated.key, generated.nav, generated.download_paths),
        )
        if not background:
            generated.written.wait()
    return generated


def _same(value: str | None) -> str | None:
    """A key already computed, as a job for the child."""
    return value


def _done(
    docs_dir: Path,
    key: parallel.Pending[str | None],
    nav: list[Any],
    paths: set[str],
    changed: int,
) -> int:
    """Once every file is in place: the manifest that lets an unchanged rebuild skip all this."""
    log.debug("generated files: %d changed", changed)
    if done_key := key.wait():
        Manifest.record(docs_dir, done_key, nav, paths)
    return changed


@contextmanager
def tuned_for_generation() -> Iterator[None]:
    """The process (and children forked meanwhile) set up for generating.

    - Python's cycle collector is off. Generation builds a large library and then
      many short-lived strings and lists; the collector's passes over the library
      freed nothing (peak memory is the same without them) and cost a tenth of the
      time at 10,000 papers.

    (The paper maps' SVD keeps BLAS to one thread itself: `charts.paper_positions`.)
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
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
Membership = dict[str, list[str]]


def write_output(library: Library, options: SiteOptions, docs_dir: Path) -> Generated:
    """Make `docs_dir` hold exactly the site's generated files, here, one after another.

    Every page is written when this returns, and stale files are gone; the downloads
    are written when `downloads` is waited for. `written` holds how many files changed.
    """
    mirror = Mirror(docs_dir)
    pages = Renderer(library, options).pages()
    paths = download_paths(library, options)
    changed = mirror.prune({*pages, *paths}) + mirror.write(pages)
    downloads = parallel.start(lambda: mirror.write(download_files(library, options)), fork=False)
    written = parallel.then(downloads, lambda count: changed + count)
    return Generated(site_nav(library), paths, {}, {}, downloads, written)


def write_later(
    library: Library,
    options: SiteOptions,
    docs_dir: Path,
    keyed: Callable[[], str | None],
) -> Generated:
    """Hand MkDocs what it needs to start, and leave the rest to a forked child.

    MkDocs builds in one process and reads every page before it renders any. A child
    forked as soon as the records are loaded helps this process group the papers into
    themes (`_SharedThemes`), then finds mentions and makes the similarity index,
    while this process renders what MkDocs reads from the start: the site's pages,
    less the parts that take long and that Markdown never parses (`Skeleton`). The
    child then writes, in the order MkDocs builds them, the home page and the All
    papers page whole; every paper page, 250 at a time, finding their related papers
    just before; the theme pages; and the downloads. It says when each batch is in
    place, and this process reads a batch when MkDocs first builds one of its pages.
    Last, with time to spare, it computes `keyed()`, the generation key. Stale files
    are gone when this returns.
    """
    mirror = Mirror(docs_dir)
    themes = sorted(theme_page(t.id) for t in library.themes)
    papers = sorted(library.papers.values(), key=lambda p: paper_page(p.id))
    paths = download_paths(library, options)
    chunks = [papers[i : i + PAPERS_PER_CHUNK] for i in range(0, len(papers), PAPERS_PER_CHUNK)]
    first, last = list(Skeleton.LATE), themes  # MkDocs builds them before, after the papers
    shared = _SharedThemes(library)
    child = _LaterChild(library, options, mirror)
    stages = parallel.in_turn(
        shared.childs_part,
        child.complete,
        partial(child.write_site_pages, first),
        *(partial(child.write_papers, chunk) for chunk in chunks),
        partial(child.write_site_pages, last),
        child.write_downloads,
        keyed,
        fork=True,
    )
    pages_written = stages[2:-2]
    try:
        library.membership = shared.membership(stages[0])
        child.themes.send(library.membership)
        jobs = Skeleton(library, options).site_page_jobs()
        # The child only writes files kept here, so pruning may go on while it writes.
        keep = {*(path for path, _ in jobs), *(paper_page(p.id) for p in papers), *paths}
        pruned = mirror.prune(keep)
        site = {path: render() for path, render in jobs}
        late = {*first, *last}
        changed = pruned + mirror.write({p: t for p, t in site.items() if p not in late})
    except BaseException:
        stages[0].cancel()
        raise
    batches = [first, *([paper_page(p.id) for p in chunk] for chunk in chunks), last]
    later: dict[str, parallel.Pending[Pages]] = {}
    for batch, stage in zip(batches, pages_written, strict=True):
        later.update(dict.fromkeys(batch, parallel.then(stage, partial(_read, docs_dir, batch))))
    pages = {**site, **dict.fromkeys((paper_page(p.id) for p in papers), "")}
    written = parallel.then(
        stages[-2], lambda count: changed + count + sum(s.wait() for s in pages_written)
    )
    # The downloads come last: the hook copies them once `written` is done.
    generated = Generated(site_nav(library), paths, pages, later, parallel.Done(0), written)
    generated.key = stages[-1]
    return generated


class _SharedThemes:
    """Every paper's themes, matched by this process from the first paper on and by
    the child from the last, until they meet (`parallel.Claims`).

    The child is otherwise free until MkDocs asks for the first paper page, later
    than this process needs the themes (for the navigation and the pages MkDocs reads
    first). Whichever is quicker matches more: at 2,000 papers this process spends
    about 0.065 s on its part instead of 0.11 s on all.
    """

    STEP = 50

    def __init__(self, library: Library) -> None:
        self.papers = list(library.papers.values())
        self.rules = ThemeRules(library.themes)
        self.claims = parallel.Claims(len(self.papers), self.STEP)

    def childs_part(self) -> Membership:
        """In the child: the themes of the papers it claims."""
        return self.rules.membership(self.papers[i] for part in self.claims.back() for i in part)

    def membership(self, childs_part: parallel.Pending[Membership]) -> Membership:
        """Here: the themes of the papers this process claims, and then the child's."""
        mine = self.rules.membership(self.papers[i] for part in self.claims.front() for i in part)
        found = {**mine, **childs_part.wait()}
        return {paper.id: found[paper.id] for paper in self.papers}


class _LaterChild:
    """The jobs of `write_later`'s child, on the library it inherited at the fork."""

    def __init__(self, library: Library, options: SiteOptions, mirror: Mirror) -> None:
        self.library, self.options, self.mirror = library, options, mirror
        self.themes: parallel.Inbox[Membership] = parallel.Inbox()
        self.renderer: Renderer | None = None
        self.neighbours: Neighbours | None = None

    def complete(self) -> int:
        """Mentions and the similarity index, then every paper's themes from the parent.

        Related papers are found a batch at a time, just before the batch's pages are
        rendered, so that MkDocs gets the first pages sooner.
        """
        link_mentions(self.library)
        papers = list(self.library.papers.values())
        self.library.vectors = vectorize(papers)
        self.neighbours = Neighbours(papers, matrix=self.library.vectors)
        self.library.membership = self.themes.receive()
        self.renderer = Renderer(self.library, self.options)
        return 0

    def write_papers(self, papers: list[Paper]) -> int:
        """Paper pages, with their related papers found first."""
        assert self.renderer and self.neighbours, "complete() runs first"
        rows = (self.renderer.row[p.id] for p in papers)
        self.library.related.update(self.neighbours.of(rows))
        return self.mirror.write(self.renderer.paper_pages(papers))

    def write_site_pages(self, paths: list[str]) -> int:
        """Pages whose skeletons MkDocs read, whole."""
        assert self.renderer is not None, "complete() runs first"
        return self.mirror.write(self.renderer.site_pages(paths))

    def write_downloads(self) -> int:
        return self.mirror.write(download_files(self.library, self.options))


def _read(docs_dir: Path, paths: list[str], _: int) -> Pages:
    return {path: (docs_dir / path).read_text(encoding="utf-8") for path in paths}


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
