"""All of `content/`, loaded and checked across files: what records name (themes,
former ids, listing files) must exist. Each file alone is read by `store`."""

from __future__ import annotations

import difflib

from generator.content.model import Library
from generator.content.store import (
    KeptRecords,
    Layout,
    depth_problem,
    line_of,
    load_papers,
    load_sources,
    load_themes,
)
from generator.errors import ContentError, Problem, quote


def load_library(layout: Layout, kept: KeptRecords | None = None) -> Library:
    """All of `content/`, validated; raise ContentError listing every error."""
    papers, problems = load_papers(layout, kept)
    themes, theme_problems = load_themes(layout, papers)
    sources, source_problems = load_sources(layout)
    library = Library(papers=dict(sorted(papers.items())), themes=themes, sources=sources)
    problems += theme_problems + source_problems + check_references(layout, library)
    problems += [p for p in [depth_problem(layout)] if p]
    if any(p.is_error for p in problems):
        raise ContentError(sorted(problems))
    return library


def check_references(layout: Layout, library: Library) -> list[Problem]:
    """Theme ids, former ids and listing sources that records name must exist."""
    theme_ids = [t.id for t in library.themes]
    renamed = {old: [t.id] for t in library.themes for old in t.former_ids}
    problems = []
    for paper in library.papers.values():
        for theme_id in paper.themes:
            if theme_id not in theme_ids:
                message = f"field 'themes': unknown theme {quote(theme_id)}"
                close = renamed.get(theme_id) or difflib.get_close_matches(theme_id, theme_ids, n=1)
                if close:
                    message += f"; did you mean {close[0]!r}?"
                path = layout.paper_path(paper.id)
                problems.append(Problem(layout.rel(path), line_of(path, "themes:"), message))
    owners: dict[str, str] = {}
    for paper in library.papers.values():
        for old in paper.former_ids:
            other = old if old in library.papers else owners.setdefault(old, paper.id)
            if other != paper.id or old == paper.id:
                path = layout.paper_path(paper.id)
                clash = "a record's id" if old in library.papers else f"a former id of {other}"
                message = f"field 'former_ids': {quote(old)} is " + (
                    "this record's own id, whose page cannot lead to itself; remove it"
                    if old == paper.id
                    else f"also {clash}; an old page can redirect to one paper only"
                )
                problems.append(Problem(layout.rel(path), line_of(path, "former_ids:"), message))
    sources = {path.stem for path in layout.source_files()}
    problems += _missing_sources(layout, library, sources)
    for source_id in library.sources:
        if source_id not in sources:
            message = f"source {quote(source_id)} is not a file in {layout.rel(layout.sources)}/"
            line = line_of(layout.source_labels, f"- id: {source_id}")
            problems.append(Problem(layout.rel(layout.source_labels), line, message, "warning"))
    return problems


def _missing_sources(layout: Layout, library: Library, sources: set[str]) -> list[Problem]:
    """A listing of a file that is not in `content/sources/`: one error for each such
    file, at the first record that lists it, with how many others do. A renamed or
    deleted listing file gave an error for each of its ninety records."""
    listing: dict[str, list[str]] = {}
    for paper in library.papers.values():
        for gone in dict.fromkeys(x.source for x in paper.listings if x.source not in sources):
            listing.setdefault(gone, []).append(paper.id)
    problems = []
    folder = layout.rel(layout.sources)
    for source, (first, *others) in listing.items():
        message = f"field 'listings': source {quote(source)} is not a file in {folder}/"
        if others:
            message += (
                f", and {len(others)} other records list it too: put the file back under "
                f"that name, or delete their listings of it (grep -l 'source: {source}' "
                f"{layout.rel(layout.papers)}/)"
            )
        path = layout.paper_path(first)
        problems.append(Problem(layout.rel(path), line_of(path, "listings:"), message))
    return problems
