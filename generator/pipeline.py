"""Generate the site's Markdown from `content/`: load, group, link, render, write."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from .clock import build_date
from .export import export_files, papers_json
from .files import sync_folder
from .mentions import find_mentions, invert
from .model import Library
from .related import related_papers
from .render import CONTRIBUTE, HOME, PAPERS, THEMES, UNSORTED, Renderer, SiteOptions, theme_page
from .store import Layout, load_library
from .themes import assign_themes, unsorted

log = logging.getLogger(__name__)


def prepare(layout: Layout) -> Library:
    """Everything the pages show, computed before any page is written."""
    # Load and validate all records first: pages link across papers, so every page
    # must see the same, complete data.
    library = load_library(layout)
    # Group papers into themes (curated lists win over keyword rules).
    assign_themes(library)
    # Cross-link: similar papers, and papers that name each other.
    papers = list(library.papers.values())
    library.related = related_papers(papers)
    library.mentions = find_mentions(papers)
    library.mentioned_by = invert(library.mentions)
    return library


def generate(layout: Layout, docs_dir: Path, options: SiteOptions) -> Library:
    """Write the generated pages and exports into `docs_dir`, touching only files that changed."""
    library = prepare(layout)
    files: dict[str, str | bytes] = {}
    files.update(Renderer(library, options).pages())
    files["papers.json"] = papers_json(library, options.directory_urls)
    files.update(export_files(library, options.site_name, options.site_url, build_date()))
    if options.cname:
        files["CNAME"] = options.cname.strip() + "\n"
    changed = sync_folder(docs_dir, files)
    log.debug("generated %d files, %d changed", len(files), changed)
    return library


def site_nav(library: Library) -> list[Any]:
    """Home, Themes, All papers and Contribute; paper pages stay out of the navigation."""
    themes: list[Any] = [{"Overview": THEMES}]
    themes += [{t.title: theme_page(t.id)} for t in library.themes]
    if unsorted(library):
        themes.append({"Unsorted": UNSORTED})
    return [{"Home": HOME}, {"Themes": themes}, {"All papers": PAPERS}, {"Contribute": CONTRIBUTE}]
