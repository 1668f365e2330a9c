"""`readinglist check`: everything a pull request must get right, reported at once."""

from __future__ import annotations

import difflib
import re
from collections import Counter, defaultdict
from pathlib import Path

from generator.analysis import Linked, group
from generator.analysis.tags import spellings, tag_key
from generator.analysis.themes import unsorted
from generator.content.files import list_folder
from generator.content.identifiers import arxiv_base
from generator.content.library import check_references
from generator.content.model import Library, Paper
from generator.content.schema import value_problem
from generator.content.store import (
    Layout,
    content_problem,
    depth_problem,
    is_listing,
    line_of,
    load_papers,
    load_sources,
    load_themes,
    read_yaml,
)
from generator.content.titles import paper_keys
from generator.engine.icons import project_icon_folders
from generator.errors import Problem, SourceError, quote, quote_pair
from generator.ingest.duplicates import make_slug, possible_duplicates, title_key
from generator.ingest.markdown import MARKDOWN_HINT
from generator.ingest.parse import Entry
from generator.ingest.records import SAME_STEM, IngestReport, Merger, parse_file
from generator.site.icons import icon_problems


def check(layout: Layout) -> list[Problem]:
    """Every problem in `content/`, sorted by file and line."""
    refused = content_problem(layout)
    if refused:
        return [refused]  # and nothing read through it
    papers, problems = load_papers(layout)
    problems += [p for p in [depth_problem(layout)] if p]
    broken = unloaded_records(layout, problems)
    problems += source_file_problems(layout)
    themes, theme_problems = load_themes(layout, papers)
    sources, source_problems = load_sources(layout)
    library = Library(papers=dict(sorted(papers.items())), themes=themes, sources=sources)
    problems += theme_problems + source_problems
    if any(theme.icon for theme in themes):
        problems += icon_problems(layout, themes, project_icon_folders(layout.root))
    problems += check_references(layout, library)
    problems += duplicate_warnings(layout, library)
    problems += tag_warnings(layout, library) + note_link_warnings(layout, library)
    problems += unaccounted_listings(layout, library, broken)
    if themes and not theme_problems:
        grouped = group(library)
        for paper in unsorted(grouped):
            path = layout.rel(layout.paper_path(paper.id))
            problems.append(
                Problem(path, 0, "in no theme: it will be listed as Unsorted", "warning")
            )
        problems += theme_warnings(layout, grouped)
    return sorted(set(problems))


def source_file_problems(layout: Layout) -> list[Problem]:
    """Names in `content/sources/` that are not UTF-8; a file nothing reads; and two
    files whose names differ only by the extension, which a record's listing (naming
    its file without one) cannot tell apart."""
    names, problems = list_folder(layout.sources, layout.rel(layout.sources))
    first: dict[str, str] = {}
    for name in names:
        rel = layout.rel(layout.sources / name)
        if not is_listing(name):
            message = "not a listing (.txt, .bib or .json): nothing reads it"
            message += MARKDOWN_HINT if name.lower().endswith((".md", ".markdown")) else ""
            problems += [] if name.startswith(".") else [Problem(rel, 0, message, "warning")]
            continue
        other = first.setdefault(Path(name).stem, name)
        if other != name:
            message = SAME_STEM.format(other) + "; rename one"
            problems.append(Problem(rel, 0, message))
    return problems


def theme_warnings(layout: Layout, grouped: Linked) -> list[Problem]:
    """A theme that no paper is in (a keyword mistyped?), and a `start_here` paper that
    is not in its theme: the page leaves it out. Either went without a word."""
    problems = []
    members = Counter(t for themes in grouped.membership.values() for t in themes)
    _, lines, _ = read_yaml(layout.themes, layout.rel(layout.themes))  # exact lines
    shown = layout.rel(layout.themes)
    for n, theme in enumerate(grouped.themes):
        if not members[theme.id]:
            message = (
                f"theme {quote(theme.id)} has no papers: no record names it and no rule matches"
            )
            problems.append(Problem(shown, lines.get(("themes", n, "id"), 0), message, "warning"))
        for k, paper_id in enumerate(theme.start_here):
            if paper_id in grouped.papers and theme.id not in grouped.membership.get(paper_id, []):
                message = (
                    f"theme {quote(theme.id)}: field 'start_here': {quote(paper_id)} is not "
                    f"in this theme, so the page leaves it out; add {theme.id} to its "
                    "record's themes, or a keyword that matches it"
                )
                line = lines.get(("themes", n, "start_here", k), 0)
                problems.append(Problem(shown, line, message, "warning"))
    return problems


def duplicate_warnings(layout: Layout, library: Library) -> list[Problem]:
    """Titles that are nearly the same (a curator decides, by adding an alias), and an
    arXiv id or DOI that two records share."""
    problems = []
    for a, b in possible_duplicates(library.papers.values()):
        path_a, path_b = (layout.rel(layout.paper_path(p.id)) for p in (a, b))
        title_a, title_b = quote_pair(a.title, b.title)
        message = (
            f"possible duplicate of {path_b} ({title_a} / {title_b}); if they are one "
            f"paper: readinglist merge {a.id} {b.id}"
        )
        line = line_of(layout.paper_path(a.id), "title:")
        problems.append(Problem(path_a, line, message, "warning"))
    # The same arXiv id (any version) or DOI on two records is the same paper twice.
    for name, label, key in (("arxiv", "arXiv id", arxiv_base), ("doi", "DOI", str.lower)):
        first: dict[str, Paper] = {}
        for paper in library.papers.values():
            value = getattr(paper, name)
            other = first.setdefault(key(value), paper) if value else paper
            if other is not paper:
                path = layout.paper_path(paper.id)
                message = (
                    f"same {label} as {layout.rel(layout.paper_path(other.id))} "
                    f"({quote(value)}); if they are one paper: readinglist merge "
                    f"{other.id} {paper.id}"
                )
                line = line_of(path, f"{name}:")
                problems.append(Problem(layout.rel(path), line, message, "warning"))
    return problems


def note_link_warnings(layout: Layout, library: Library) -> list[Problem]:
    """A link in a note that is neither an http(s) address nor a paper's id leads
    nowhere on the web or from disk alike, so the page shows its text only. The page's
    own `notes_html` says which addresses it met, so `check` and the page agree."""
    linking = [p for p in library.papers.values() if "](" in p.notes or "]:" in p.notes]
    if not linking:
        return []
    from generator.site.markup import notes_html  # Markdown, for notes that have links

    ids = [*library.papers, *(old for p in library.papers.values() for old in p.former_ids)]
    known = set(ids)
    problems = []
    for paper in linking:
        met: list[str] = []
        notes_html(paper.notes, met.append)  # each address it met; it keeps none
        for target in (t for t in met if t not in known):
            close = difflib.get_close_matches(target, ids, n=1)
            message = f"field 'notes': the link to {quote(target)} leads nowhere, so it " + (
                f"shows as text; did you mean the paper {close[0]!r}?"
                if close
                else "shows as text: link a paper by its id, or an http(s) address"
            )
            path = layout.paper_path(paper.id)
            problems.append(Problem(layout.rel(path), line_of(path, "notes:"), message, "warning"))
    return problems


def tag_warnings(layout: Layout, library: Library) -> list[Problem]:
    """Tags spelled more than one way (`LLM`, `llm`): one spelling is suggested, the
    one used most (then the first in alphabetical order). And a tag of one paper that
    is one letter away from a tag of several (`speculative-decodng`). One pass over
    the tags, however many there are."""
    best = {
        key: min(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        for key, counts in spellings(library.papers.values()).items()
    }
    users = Counter(tag_key(t) for p in library.papers.values() for t in set(p.tags))
    likely = near_misses(users)
    problems = []
    for paper in library.papers.values():
        path = layout.paper_path(paper.id)
        for tag in dict.fromkeys(paper.tags):
            key = tag_key(tag)
            if key in best and tag != best[key][0]:
                spelling, count = best[key]
                message = (
                    f"tag {quote(tag)} is also spelled {quote(spelling)} "
                    f"({count} paper(s)); use one spelling"
                )
            elif key in likely:
                other = likely[key]
                message = (
                    f"tag {quote(tag)} is on this paper only; did you mean "
                    f"{quote(other)} ({users[other]} papers)?"
                )
            else:
                continue
            problems.append(Problem(layout.rel(path), line_of(path, "tags:"), message, "warning"))
    return problems


def near_misses(users: Counter[str]) -> dict[str, str]:
    """Tag key -> the key one edit away (a letter added, dropped, changed or swapped)
    used by more papers, for keys that one paper uses. Keys one edit apart share a key
    with one letter dropped, so each key is looked at once (no comparing every pair)."""
    dropped: dict[str, set[str]] = defaultdict(set)
    for key in users:
        for variant in {key, *(key[:i] + key[i + 1 :] for i in range(len(key)))}:
            dropped[variant].add(key)
    found = {}
    for key, count in users.items():
        if count != 1:
            continue
        near = {k for i in range(len(key) + 1) for k in dropped.get(key[:i] + key[i + 1 :], ())}
        near = {k for k in near if k != key and users[k] > 1}
        if near:
            found[key] = min(near, key=lambda k: (-users[k], k))
    return found


def unloaded_records(layout: Layout, problems: list[Problem]) -> set[str]:
    """The stems of record files that have an error: what `check` says of them is
    that error, once, and nothing derived from their not loading."""
    folder = layout.rel(layout.papers) + "/"
    return {
        re.sub(r"\.ya?ml$", "", p.path.removeprefix(folder))  # and `x.yaml`, named wrong
        for p in problems
        if p.is_error and p.path.startswith(folder) and "/" not in p.path.removeprefix(folder)
    }


def unaccounted_listings(
    layout: Layout,
    library: Library,
    broken: set[str] = frozenset(),  # type: ignore[assignment]
) -> list[Problem]:
    """Entries of `content/sources/` that no record lists, as `ingest` finds them
    (`Merger.find`): those it would add; and listings of a record that its file no
    longer lists (a curator deleted the entry and kept the record).

    A record that does not load (`broken`) may hold them: what it still says (its
    listings and titles, when it is YAML at all), or its file's name, which is its
    title's slug, keeps them from being reported twice over."""
    finder = Merger(dict(library.papers), IngestReport())
    recorded: set[tuple[str, int]] = set()
    keys: set[str] = set()
    for stem in broken:
        held, titles = _what_it_says(layout, stem)
        recorded.update(held)
        keys |= {title_key(t) for t in titles}
    problems = []
    read: dict[str, str] = {}
    unknown: list[tuple[str, str, Entry]] = []
    for path in layout.source_files():
        rel = layout.rel(path)
        try:
            source = parse_file(path)
        except SourceError as exc:
            problems.append(Problem(rel, exc.line, exc.reason))
            continue
        read[source.stem] = rel
        # What `ingest` warned of, a reviewer sees too: text that became no paper, above all.
        problems += [Problem(rel, w.line, w.message, w.severity) for w in source.warnings]
        for entry in source.entries:
            if finder.find(source.stem, entry)[1]:
                continue
            if (source.stem, entry.position) in recorded and title_key(entry.title) in keys:
                continue
            refused = value_problem(Paper, "title", entry.title)
            if refused:  # ingest skips it: "run ingest" would go round in a circle
                message = f"listing {quote(entry.title)} is skipped: field 'title': {refused}"
                problems.append(Problem(rel, entry.line, message, "warning"))
                continue
            if broken and _slug_of(entry.title, broken):
                continue
            unknown.append((rel, source.stem, entry))
    orphans = _orphaned(library, finder.seen, set(read))
    explained = set()
    renamed, matched = _renamed(library, {p.stem for p in layout.source_files()}, unknown)
    for rel, (old, count) in renamed.items():
        message = (
            f"this file holds {count} entries that records list from {quote(old)}, "
            "which is no longer a file in content/sources/: records name a listing by its "
            f"file's name, so rename it back to {old}{Path(rel).suffix} (readers see the "
            "label content/sources.yml gives it)"
        )
        problems.append(Problem(rel, 0, message))
    for rel, stem, entry in unknown:
        if (stem, entry.position) in matched:
            continue
        owner = orphans.get((stem, entry.position))
        if owner:  # most likely the record's own entry, its title since edited
            explained.add((owner, stem))
            message = (
                f"listing {quote(entry.title)} is not a title of "
                f"{layout.rel(layout.paper_path(owner))}, which lists this entry: if it is "
                "that paper, add the title to its aliases; if not, delete the entry, or run "
                f"'readinglist ingest {rel}'"
            )
        else:
            message = (
                f"listing {quote(entry.title)} is in no record; run 'readinglist ingest {rel}'"
                ", or delete the entry to leave the paper out"
            )
        problems.append(Problem(rel, entry.line, message))
    for paper_id, stem in sorted({(p, s) for (s, _), p in orphans.items()} - explained):
        path = layout.paper_path(paper_id)
        message = f"field 'listings': {read[stem]} no longer lists this paper by its titles "
        message += "as often as this record does: delete the listing it no longer has"
        problems.append(Problem(layout.rel(path), line_of(path, "listings:"), message, "warning"))
    return problems


def _orphaned(
    library: Library, seen: Counter[tuple[str, str]], stems: set[str]
) -> dict[tuple[str, int], str]:
    """(source, position) -> the record whose listing it is, for each listing of a
    record that lists a file more often than the file holds it under the record's
    titles (`seen`: what `Merger.find` found)."""
    orphans: dict[tuple[str, int], str] = {}
    for paper in library.papers.values():
        listed = Counter(x.source for x in paper.listings if x.source in stems)
        for stem in (s for s, count in listed.items() if count > seen[s, paper.id]):
            orphans.update(
                ((stem, x.position), paper.id) for x in paper.listings if x.source == stem
            )
    return orphans


def _renamed(
    library: Library, present: set[str], unknown: list[tuple[str, str, Entry]]
) -> tuple[dict[str, tuple[str, int]], set[tuple[str, int]]]:
    """Files a curator renamed: a file -> (the name it had, how many records list it
    there) when at least half of its unknown entries are, by position and title, the
    listings of a file that is gone; and those entries, which are not "in no record"."""
    gone: dict[int, list[tuple[str, list[str]]]] = defaultdict(list)
    for paper in library.papers.values():
        for x in paper.listings:
            if x.source not in present:
                gone[x.position].append((x.source, paper_keys(paper)))
    votes: Counter[tuple[str, str]] = Counter()
    sizes: Counter[str] = Counter()
    found = set()
    for rel, stem, entry in unknown:
        sizes[rel] += 1
        for old, keys in gone.get(entry.position, []):
            if title_key(entry.title) in keys:
                votes[rel, old] += 1
                found.add((rel, stem, entry.position, old))
    renamed: dict[str, tuple[str, int]] = {}
    for (rel, old), count in votes.most_common():
        if 2 * count >= sizes[rel] and rel not in renamed:
            renamed[rel] = (old, count)
    named = {(old, rel) for rel, (old, _) in renamed.items()}
    matched = {(stem, pos) for rel, stem, pos, old in found if (old, rel) in named}
    return renamed, matched


def _what_it_says(layout: Layout, stem: str) -> tuple[list[tuple[str, int]], list[str]]:
    """The listings and titles a record that does not validate still holds, if any."""
    data, _, problems = read_yaml(layout.paper_path(stem), stem)
    if problems or not isinstance(data, dict):
        return [], []
    listings = data.get("listings")
    aliases = data.get("aliases")
    held = [
        (str(x.get("source")), int(x["position"]))
        for x in (listings if isinstance(listings, list) else [])
        if isinstance(x, dict) and re.fullmatch("[0-9]{1,9}", str(x.get("position", "")))
    ]
    titles = [data.get("title"), *(aliases if isinstance(aliases, list) else [])]
    return held, [t for t in titles if isinstance(t, str)]


def _slug_of(title: str, stems: set[str]) -> bool:
    """Is one of `stems` the file name a record of this title gets (`x`, `x-2`, ...)?"""
    slug = make_slug(title)
    return any(stem == slug or stem.rsplit("-", 1)[0] == slug for stem in stems)
