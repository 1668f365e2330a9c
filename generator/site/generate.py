"""`readinglist generate`: `content/` into `build/docs/` and `build/mkdocs.yml`.

One path at every size: load and validate every record, analyse them, render every
page and download in memory, then make the folder hold exactly those files. The
folder and its configuration (which inherits the project's `mkdocs.yml` and adds the
navigation) build with plain `mkdocs build -f build/mkdocs.yml`: no hook is needed.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import escape

from generator.analysis import Linked, analyse
from generator.analysis.themes import unsorted
from generator.content.files import real_folder, sync_folder, write_atomic
from generator.content.library import load_library
from generator.content.recall import NOTHING_KEPT, Recall
from generator.content.store import KeptRecords, Layout, recover_content
from generator.errors import ContentError
from generator.site import paths
from generator.site.cite import Citation, citation_list
from generator.site.export import export_files, papers_json
from generator.site.icons import icon_problems
from generator.site.manifest import Manifest, generation_key
from generator.site.markup import yaml_json
from generator.site.pages import Renderer
from generator.site.paths import (
    CONFIG,
    CONTRIBUTE,
    HOME,
    PAPERS,
    PAPERS_JSON,
    TAGS,
    THEMES,
    UNSORTED,
    SiteOptions,
    paper_page,
    theme_page,
)
from generator.site.search import search_files
from generator.site.table import table_files

log = logging.getLogger(__name__)
DOCS = "docs"


@dataclass(frozen=True)
class Generated:
    """What one generation did."""

    nav: list[Any]
    """The site's navigation, as `mkdocs.yml`'s `nav` takes it."""
    changed: int
    """Files written or removed."""
    reused: bool = False
    """True when nothing had changed and the folder was kept as it was."""


def generate(
    layout: Layout,
    options: SiteOptions,
    docs: Path | None = None,
    kept: KeptRecords | None = None,
    recall: Recall = NOTHING_KEPT,
) -> Generated:
    """Write the site's pages and downloads into `build/docs/` and its configuration
    beside it; or the pages alone into `docs`, for a build that has its own
    configuration (the root `mkdocs.yml`'s hook, the preview's own folder). `kept`
    spares the preview parsing a record whose file has not changed, and `recall`
    making a page or a citation whose inputs have not."""
    config = docs is None
    docs = layout.build / DOCS if docs is None else docs
    # The generator's own folder: never a link (a repository could point it anywhere).
    layout.build.mkdir(exist_ok=True)
    real_folder(layout.build)
    recover_content(layout)  # before the key: a finished ingest changes what is read
    key = generation_key(layout.content, options)
    manifest = Manifest.read(docs)
    if key and manifest and manifest.key == key and manifest.holds(docs):
        log.debug("nothing changed: kept the generated pages")
        if config:
            write_config(layout.build, manifest.nav)
        return Generated(manifest.nav, 0, reused=True)
    with collector_paused():
        Manifest.forget(docs)
        recall.next_round()
        # Every record first: pages link across papers, so every page must see the same,
        # complete data.
        library = load_library(layout, kept)
        if options.icon_folders:  # an unknown icon would stop the theme's templates mid-build
            problems = icon_problems(layout, library.themes, options.icon_folders)
            if problems:
                raise ContentError(problems)
        linked = analyse(library, recall)
        cited = citation_list(linked, recall)  # one key per paper, on its page and in every export
        files = {
            **Renderer(linked, options, cited, recall).pages(),
            **download_files(linked, options, cited, recall),
            **search_files(linked, options.directory_urls, recall),
            **table_files(linked, options.directory_urls),
            **redirect_files(linked, options.directory_urls),
        }
        changed = sync_folder(docs, files, recall.left(docs))
        nav = site_nav(linked)
        if config:
            write_config(layout.build, nav)
        if key:
            Manifest.record(docs, key, nav)
        log.debug("generated files: %d changed", changed)
        return Generated(nav, changed)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector paused: it walks every object alive whenever enough have
    been made, and generating makes millions, nearly all freed by reference counting as
    soon as they are used. At 10,000 papers that walking took a tenth of a preview's
    rebuild. What cycles generating leaves are collected when the collector next runs."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def download_files(
    linked: Linked,
    options: SiteOptions,
    cited: dict[str, Citation],
    recall: Recall = NOTHING_KEPT,
) -> dict[str, str | bytes]:
    """`papers.json`, BibTeX, CSL-JSON, RIS, CSV, the feeds and `CNAME`."""
    files: dict[str, str | bytes] = {
        PAPERS_JSON: papers_json(linked, options.directory_urls, cited, recall)
    }
    site = (options.site_name, options.site_url, options.build_date)
    files.update(export_files(linked, *site, cited, recall))
    if options.cname:
        files["CNAME"] = options.cname.strip() + "\n"
    return files


def redirect_files(linked: Linked, directory_urls: bool) -> dict[str, str]:
    """A page for each former id of a record (`readinglist merge`) or a theme (renamed)
    that sends the reader on to its page: plain HTML with a relative address, on the web
    and from disk alike."""
    moves = [
        (paper_page(o), paper_page(p.id), p.title, "paper")
        for p in linked.papers.values()
        for o in p.former_ids
    ]
    moves += [
        (theme_page(o), theme_page(t.id), t.title, "theme")
        for t in linked.themes
        for o in t.former_ids
    ]
    files = {}
    for here, there, name, noun in moves:
        href = escape(paths.href(here, there, directory_urls))
        title = escape(name)
        stem = here.removesuffix(".md")
        files[f"{stem}/index.html" if directory_urls else f"{stem}.html"] = (
            '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{title}</title>"
            f'<link rel="canonical" href="{href}">'
            f'<meta http-equiv="refresh" content="0; url={href}"></head>\n'
            f'<body><p>This {noun}\'s page has moved: <a href="{href}">{title}</a>.</p>'
            "</body></html>\n"
        )
    return files


def site_nav(linked: Linked) -> list[Any]:
    """Home, Themes, All papers, Tags (when there are any) and Contribute; paper and tag
    pages stay out of it."""
    themes: list[Any] = [{"Overview": THEMES}]
    # Material prints navigation titles (tabs, sidebar, footer) unescaped: escape them here.
    themes += [{str(escape(t.title)): theme_page(t.id)} for t in linked.themes]
    if unsorted(linked):
        themes.append({"Unsorted": UNSORTED})
    nav = [{"Home": HOME}, {"Themes": themes}, {"All papers": PAPERS}]
    if any(p.tags for p in linked.papers.values()):
        nav.append({"Tags": TAGS})
    return [*nav, {"Contribute": CONTRIBUTE}]


def write_config(build: Path, nav: list[Any]) -> None:
    """`build/mkdocs.yml`: the project's configuration, this folder and the navigation.

    Relative paths in an inherited configuration are read from the inheriting file's
    folder, so each one the project's `mkdocs.yml` sets is set again here. The hook
    is dropped: the pages are already here. (JSON is YAML: the values need no care.)
    """
    config = {
        "INHERIT": "../mkdocs.yml",
        "docs_dir": DOCS,
        "site_dir": "../site",
        "hooks": [],
        "watch": [],
        "theme": {"custom_dir": "../overrides"},
        "nav": nav,
    }
    text = "# Written by `readinglist generate`; edit ../mkdocs.yml instead.\n"
    text += "\n".join(f"{key}: {yaml_json(value)}" for key, value in config.items()) + "\n"
    write_atomic(build / CONFIG, text, durable=False)
