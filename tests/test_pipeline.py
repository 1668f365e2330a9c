"""The pipeline: what an edit changes while serving, and what a build writes."""

from __future__ import annotations

from pathlib import Path

from generator.model import Library
from generator.pipeline import download_files, download_paths, keep_unaffected, prepare
from generator.related import related_papers
from generator.render import SiteOptions
from generator.store import Layout

ROOT = Path(__file__).resolve().parent.parent


def test_only_papers_near_an_edit_get_new_related_lists() -> None:
    before = prepare(Layout(ROOT))
    after = prepare(Layout(ROOT))
    edited = next(iter(after.papers))
    after.papers[edited].abstract += " An edit."
    after.related = related_papers(list(after.papers.values()))  # as a rebuild would
    fresh: Library = after
    kept = keep_unaffected(before, fresh)
    for pid, related in kept.items():
        neighbours = {r.id for r in before.related[pid] + fresh.related[pid]}
        if pid == edited or edited in neighbours:
            assert related is fresh.related[pid]
        else:
            assert related is before.related[pid]


def test_download_paths_are_the_files_the_downloads_make() -> None:
    library = prepare(Layout(ROOT))
    for options in (SiteOptions(), SiteOptions(cname="papers.example.org")):
        assert download_paths(library, options) == set(download_files(library, options))
