"""Generate the site's Markdown from `content/`: load, group, link, render, write."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from typing import Any

from markupsafe import escape

from . import parallel
from .clock import build_date
from .export import export_files, papers_json
from .files import Mirror
from .mentions import find_mentions, invert
from .model import Library, Related
from .related import related_papers, vectorize
from .render import CONTRIBUTE, HOME, PAPERS, THEMES, UNSORTED, Renderer, SiteOptions, theme_page
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


def generate(
    layout: Layout, docs_dir: Path, options: SiteOptions, session: Session | None = None
) -> Library:
    """Write the generated pages and exports into `docs_dir`, touching only files that changed."""
    library = prepare(layout, session.previous if session else None, may_fork=session is None)
    if session is not None:
        session.previous = library
    fork = session is None and parallel.worth_it(len(library.papers))
    changed = write_output(library, options, docs_dir, fork)
    log.debug("generated %d papers' pages, %d files changed", len(library.papers), changed)
    return library


PAPERS_PER_CHUNK = 250


def write_output(library: Library, options: SiteOptions, docs_dir: Path, fork: bool = False) -> int:
    """Make `docs_dir` hold exactly the site's generated files; return how many changed.

    With `fork`, a child makes and writes the downloads while this process renders
    the site's own pages; then both render and write paper pages, a chunk at a time,
    until none are left. The child sends back only the paths it wrote.
    """
    mirror = Mirror(docs_dir)
    renderer = Renderer(library, options)
    papers = list(library.papers.values())
    chunks = parallel.Chunks(len(papers), PAPERS_PER_CHUNK, shared=fork)

    def write(first: Callable[[], Mapping[str, str | bytes]]) -> tuple[set[str], int]:
        files = first()
        paths, changed = set(files), mirror.write(files)
        for start, stop in chunks:
            files = renderer.paper_pages(papers[start:stop])
            paths.update(files)
            changed += mirror.write(files)
        return paths, changed

    (mine, mine_changed), (theirs, theirs_changed) = parallel.both(
        partial(write, renderer.site_pages),
        partial(write, partial(download_files, library, options)),
        fork,
    )
    return mine_changed + theirs_changed + mirror.prune(mine | theirs)


def output_files(library: Library, options: SiteOptions) -> dict[str, str | bytes]:
    """Docs-relative path -> content: every page, export and file the site needs."""
    return {**Renderer(library, options).pages(), **download_files(library, options)}


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
