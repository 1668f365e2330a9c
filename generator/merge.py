"""`readinglist merge KEEP OTHER`: fold a duplicate record into another.

KEEP gains OTHER's listings, its titles (as aliases) and its id (as a former id, whose
page then redirects to KEEP's), and every field it has empty that OTHER fills. What a
curator adds to a record, its tags, themes, links and notes, is combined: KEEP's first,
then OTHER's. Any other field both fill differently is reported and left as KEEP has
it, as is a link of the same name to another address. OTHER's file is deleted,
the comments a person wrote in it going to the end of KEEP's, and a theme's
`start_here` that named it names KEEP. All of it lands together, or none.
"""

from __future__ import annotations

import copy
import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from generator.content.edit import comments, read_styled
from generator.content.files import read_regular
from generator.content.journal import Transaction
from generator.content.model import Paper
from generator.content.schema import PAPER_FIELDS
from generator.content.store import MAX_RECORD_BYTES, Layout, load_papers, load_themes, read_yaml
from generator.content.titles import title_key
from generator.content.writing import record_text
from generator.errors import ContentError, ReadingListError, quote
from generator.ingest.scaffold import scaffold

_OWN = ("id", "title", "listings", "aliases", "former_ids")
"""Fields that are the record's own, or that merging always combines."""
_CURATED = ("tags", "themes", "links", "notes")
"""Fields a person writes, which merging combines rather than choose one of."""


@dataclass
class MergeReport:
    keep: str
    other: str
    listings: int = 0
    aliases: int = 0
    filled: list[str] = field(default_factory=list)
    combined: list[str] = field(default_factory=list)
    disagree: list[str] = field(default_factory=list)
    themes_changed: bool = False
    comments: int = 0

    def summary(self, dry_run: bool = False) -> str:
        filled = f"; filled {', '.join(self.filled)}" if self.filled else ""
        filled += f"; combined {', '.join(self.combined)}" if self.combined else ""
        filled += f"; {self.comments} comment line(s) moved" if self.comments else ""
        merged, redirects = (
            ("would merge", "would redirect") if dry_run else ("merged", "now redirects")
        )
        return (
            f"{merged} content/papers/{self.other}.yml into content/papers/{self.keep}.yml: "
            f"{self.listings} listing(s), {self.aliases} alias(es){filled}; "
            f"its page {redirects} to {self.keep}'s"
        )


def merged(keep: Paper, other: Paper) -> tuple[Paper, MergeReport]:
    """KEEP with OTHER folded in, and what changed; neither argument is changed."""
    result = copy.deepcopy(keep)
    report = MergeReport(keep.id, other.id)
    places = {(x.source, x.position) for x in result.listings}
    for listing in other.listings:
        if (listing.source, listing.position) not in places:
            result.listings.append(listing)
            report.listings += 1
    known = {title_key(t) for t in [result.title, *result.aliases]}
    for title in [other.title, *other.aliases]:
        if title_key(title) not in known:
            result.aliases.append(title)
            known.add(title_key(title))
            report.aliases += 1
    result.former_ids += [i for i in [other.id, *other.former_ids] if i not in result.former_ids]
    for name in (n for n in PAPER_FIELDS if n not in _OWN):
        mine, theirs = getattr(result, name), getattr(other, name)
        if not theirs or mine == theirs:
            continue
        if not mine:
            setattr(result, name, copy.deepcopy(theirs))
            report.filled.append(name)
        elif name in _CURATED:
            setattr(result, name, _combined(mine, theirs))
            report.combined.append(name)
            if name == "links":  # a name both give another address: KEEP's stays
                report.disagree += [
                    f"field 'links': kept {key} {_shown(mine[key])}; {other.id} had {_shown(url)}"
                    for key, url in theirs.items()
                    if mine.get(key, url) != url
                ]
        else:
            report.disagree.append(
                f"field '{name}': kept {_shown(mine)}; {other.id} had {_shown(theirs)}"
            )
    return result, report


def _combined(mine: Any, theirs: Any) -> Any:
    """KEEP's value, then what OTHER's adds: list items and link names it lacks, or its
    notes as paragraphs after KEEP's."""
    if isinstance(mine, str):
        return mine if theirs in mine else f"{mine.rstrip()}\n\n{theirs}"
    if isinstance(mine, dict):
        return {**mine, **{k: v for k, v in theirs.items() if k not in mine}}
    return [*mine, *(x for x in theirs if x not in mine)]


def _shown(value: object) -> str:
    return quote(value if isinstance(value, str) else repr(value), 60)


def merge(layout: Layout, keep_id: str, other_id: str, dry_run: bool = False) -> MergeReport:
    papers, problems = load_papers(layout)
    # The two may share a title, or a citation key: merging them is what resolves it,
    # and check says to. Any other record's error stops the merge.
    pair = {layout.rel(layout.paper_path(i)) for i in (keep_id, other_id)}
    both = keep_id in papers and other_id in papers
    errors = [p for p in problems if p.is_error and not (both and p.path in pair)]
    if errors:
        raise ContentError(errors)
    for paper_id in (keep_id, other_id):
        if paper_id not in papers:
            close = difflib.get_close_matches(paper_id, list(papers), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ReadingListError(f"no record content/papers/{paper_id}.yml to merge{hint}")
    if keep_id == other_id:
        raise ReadingListError("a record cannot be merged into itself")
    result, report = merged(papers[keep_id], papers[other_id])
    moved = _written_comments(layout, other_id)
    report.comments = len(moved)
    footer = "".join(f"{x}\n" for x in [f"# Merged from {other_id}:", *moved]) if moved else ""
    planned = record_text(layout, result, footer)
    if planned.problems:
        raise ContentError(planned.problems)
    themes = _themes_naming(layout, other_id, keep_id)
    report.themes_changed = themes is not None
    if not dry_run:
        with Transaction(layout.content) as transaction:
            transaction.write(planned.path, planned.text)
            if themes is not None:
                transaction.write(layout.themes, themes)
            transaction.delete(layout.paper_path(other_id))
    return report


_SCAFFOLDED = {line for line in scaffold("x", "x").splitlines() if line.startswith("#")}
"""The comments `readinglist new` writes: not a person's, and not worth moving."""


def _written_comments(layout: Layout, paper_id: str) -> list[str]:
    """The comments a person wrote in a record's file, in order."""
    text, _ = read_styled(read_regular(layout.paper_path(paper_id), MAX_RECORD_BYTES))
    return [line for line in comments(text).values() if line not in _SCAFFOLDED]


def _themes_naming(layout: Layout, old: str, new: str) -> str | None:
    """`themes.yml` with the `start_here` entries that name `old` naming `new`, changed
    on their own lines alone; None when no theme names it."""
    themes, problems = load_themes(layout)
    if problems or not any(old in t.start_here for t in themes):
        return None
    _, lines, _ = read_yaml(layout.themes, layout.rel(layout.themes))
    where = {
        number - 1 for path, number in lines.items() if len(path) == 4 and path[2] == "start_here"
    }
    word = re.compile(rf"(?<![\w-]){re.escape(old)}(?![\w-])")
    text, restyle = read_styled(read_regular(layout.themes, MAX_RECORD_BYTES))
    rows = text.splitlines(keepends=True)
    return restyle("".join(word.sub(new, x) if n in where else x for n, x in enumerate(rows)))
