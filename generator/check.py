"""`readinglist check`: everything a pull request must get right, reported at once."""

from __future__ import annotations

from collections import Counter

from generator.analysis import group
from generator.analysis.tags import spellings
from generator.analysis.themes import unsorted
from generator.content.model import Library
from generator.content.schema import CONTROL_REPLACED
from generator.content.store import (
    Layout,
    check_references,
    list_folder,
    load_papers,
    load_sources,
    load_themes,
)
from generator.errors import Problem, SourceError, quote
from generator.ingest.merge import possible_duplicates, title_key
from generator.ingest.records import parse_file


def check(layout: Layout) -> list[Problem]:
    """Every problem in `content/`, sorted by file and line."""
    papers, problems = load_papers(layout)
    problems += list_folder(layout.sources, layout.rel(layout.sources))[1]
    themes, theme_problems = load_themes(layout)
    sources, source_problems = load_sources(layout)
    library = Library(papers=dict(sorted(papers.items())), themes=themes, sources=sources)
    problems += theme_problems + source_problems
    problems += check_references(layout, library)
    problems += duplicate_warnings(layout, library)
    problems += tag_warnings(layout, library)
    problems += unaccounted_listings(layout, library)
    if themes and not theme_problems:
        for paper in unsorted(group(library)):
            path = layout.rel(layout.paper_path(paper.id))
            problems.append(
                Problem(path, 0, "in no theme: it will be listed as Unsorted", "warning")
            )
    return sorted(set(problems))


def duplicate_warnings(layout: Layout, library: Library) -> list[Problem]:
    """Titles that are nearly the same: a curator decides, by adding an alias."""
    problems = []
    for a, b in possible_duplicates(library.papers.values()):
        path_a, path_b = (layout.rel(layout.paper_path(p.id)) for p in (a, b))
        message = (
            f"possible duplicate of {path_b} ({quote(a.title)} / {quote(b.title)}); if they "
            "are the same paper, merge them and add the other title to 'aliases'"
        )
        problems.append(Problem(path_a, 0, message, "warning"))
    return problems


def tag_warnings(layout: Layout, library: Library) -> list[Problem]:
    """Tags spelled more than one way (`LLM`, `llm`): one spelling is suggested, the
    one used most (then the first in alphabetical order)."""
    problems = []
    for counts in spellings(library.papers.values()).values():
        best = sorted(counts, key=lambda t: (-counts[t], t))[0]
        for paper in library.papers.values():
            for tag in dict.fromkeys(paper.tags):
                if tag in counts and tag != best:
                    message = (
                        f"tag {quote(tag)} is also spelled {quote(best)} "
                        f"({counts[best]} paper(s)); use one spelling"
                    )
                    problems.append(
                        Problem(layout.rel(layout.paper_path(paper.id)), 0, message, "warning")
                    )
    return problems


def unaccounted_listings(layout: Layout, library: Library) -> list[Problem]:
    """Entries of `content/sources/` that no record lists: run `readinglist ingest`."""
    recorded = Counter(
        (listing.source, listing.position)
        for paper in library.papers.values()
        for listing in paper.listings
    )
    keys = {title_key(k) for p in library.papers.values() for k in [p.title, *p.aliases]}
    problems = []
    for path in layout.source_files():
        rel = layout.rel(path)
        try:
            source = parse_file(path)
        except SourceError as exc:
            problems.append(Problem(rel, 0, str(exc).removeprefix(f"{path}: ")))
            continue
        problems += [
            Problem(rel, w.line, w.message, w.severity)
            for w in source.warnings
            if w.message == CONTROL_REPLACED
        ]
        for entry in source.entries:
            if (source.stem, entry.position) in recorded and title_key(entry.title) in keys:
                continue
            message = (
                f"listing {quote(entry.title)} is in no record; run 'readinglist ingest {rel}'"
            )
            problems.append(Problem(rel, entry.line, message))
    return problems
