"""`readinglist diff BASE`: what a pull request changes in `content/`, as Markdown."""

from __future__ import annotations

import io
import re
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from generator.analysis import Linked, group
from generator.analysis.mentions import find_mentions
from generator.content.model import Library, Paper
from generator.content.schema import to_dict
from generator.content.store import Layout, load_papers, load_themes
from generator.content.titles import title_key
from generator.errors import Problem, ReadingListError, quote
from generator.site.cite import citation_keys
from generator.site.markup import inline


def library_at(layout: Layout, ref: str, scratch: Path) -> tuple[Linked, dict[str, Problem]]:
    """`content/` as it was at a git ref, loaded leniently (`load_leniently`)."""
    try:
        commit = _resolve(layout, ref)
        if commit is None:
            raise ReadingListError(f"{quote(ref)} is not a commit in this repository")
        archive = subprocess.run(
            ["git", "archive", "--format=tar", commit, "content"],
            cwd=layout.root,
            capture_output=True,
            check=True,
        ).stdout
    except FileNotFoundError:
        raise ReadingListError("git is not installed") from None
    except subprocess.CalledProcessError as exc:
        message = exc.stderr.decode("utf-8", "replace").strip()
        if "did not match any files" in message:
            return group(Library()), {}
        raise ReadingListError(f"cannot read content/ at {quote(ref)}: {message}") from None
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        # Regular files only: content never needs a link, and one could point anywhere.
        members = [m for m in tar.getmembers() if m.isfile() or m.isdir()]
        tar.extractall(scratch, members=members, filter="data")
    return load_leniently(Layout(scratch))


def _resolve(layout: Layout, ref: str) -> str | None:
    """The commit a ref names, or None; the ref is never read as an option."""
    found = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"],
        cwd=layout.root,
        capture_output=True,
        text=True,
    )
    if found.returncode == 0:
        return found.stdout.strip()
    repository = subprocess.run(
        ["git", "rev-parse", "--git-dir"], cwd=layout.root, capture_output=True
    )
    if repository.returncode:
        raise ReadingListError(
            "the project is not in a git repository: diff compares with a commit"
        )
    return None


def load_leniently(layout: Layout) -> tuple[Linked, dict[str, Problem]]:
    """The records that load, grouped into themes; and, by id, the first error of each
    record file that does not load. Such a paper is neither added nor removed: a pull
    request that breaks a record was reported as removing its paper."""
    papers, problems = load_papers(layout)
    themes, _ = load_themes(layout)
    unloaded: dict[str, Problem] = {}
    for problem in problems:
        name = Path(problem.path)
        record = name.suffix == ".yml" and name.parent.name == "papers"
        if problem.is_error and record and name.stem not in papers:
            unloaded.setdefault(name.stem, problem)
    return group(Library(papers=dict(sorted(papers.items())), themes=themes)), unloaded


@dataclass
class ContentDiff:
    """Differences between two versions of the library."""

    added: list[Paper] = field(default_factory=list)
    removed: list[Paper] = field(default_factory=list)
    folded: list[tuple[Paper, Paper]] = field(default_factory=list)
    """Papers whose page now redirects to another record's (`merge`, or a new id with
    the old one in `former_ids`): (paper, the record)."""
    renamed: list[tuple[Paper, Paper]] = field(default_factory=list)
    """A record under a new id, the old one not in its `former_ids`: (before, after)."""
    edited: list[tuple[Paper, list[str]]] = field(default_factory=list)
    merged: list[tuple[Paper, int, int]] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    mentions_added: list[tuple[str, str]] = field(default_factory=list)
    mentions_removed: list[tuple[str, str]] = field(default_factory=list)
    unloaded: list[Problem] = field(default_factory=list)
    """The first error of each record that does not load now."""
    repaired: list[Paper] = field(default_factory=list)
    """Papers whose record did not load at the base, and does now."""
    keys_moved: list[tuple[Paper, str, str]] = field(default_factory=list)
    """Papers on both sides whose made-up citation key changes: (paper, before, after)."""

    @property
    def empty(self) -> bool:
        return not (
            self.added
            or self.removed
            or self.folded
            or self.renamed
            or self.edited
            or self.merged
            or self.themes
            or self.mentions_added
            or self.mentions_removed
            or self.unloaded
            or self.repaired
            or self.keys_moved
        )


def compare(
    old: Linked,
    new: Linked,
    unloaded_old: dict[str, Problem] | None = None,
    unloaded_new: dict[str, Problem] | None = None,
) -> ContentDiff:
    """What changed from `old` to `new`; `unloaded_*` name the records of each that do
    not load, whose papers are therefore not counted as added or removed."""
    unloaded_old, unloaded_new = unloaded_old or {}, unloaded_new or {}
    diff = ContentDiff(unloaded=list(unloaded_new.values()))
    diff.added = [p for i, p in new.papers.items() if i not in old.papers and i not in unloaded_old]
    diff.repaired = [p for i, p in new.papers.items() if i in unloaded_old]
    gone = [p for i, p in old.papers.items() if i not in new.papers and i not in unloaded_new]
    into = {o: p for p in new.papers.values() for o in p.former_ids}  # its page redirects
    diff.folded = [(p, into[p.id]) for p in gone if p.id in into]
    # A new record with a gone one's title or listing is that paper under a new id (a
    # title's typo fixed, and the file named after it): its old page goes away.
    came: dict[object, Paper] = {}
    for paper in diff.added:
        for key in _identity(paper):
            came.setdefault(key, paper)
    for paper in (p for p in gone if p.id not in into):
        successor = next((came[k] for k in _identity(paper) if k in came), None)
        if successor:
            diff.renamed.append((paper, successor))
    moved = {p.id for p, _ in diff.folded + diff.renamed}
    diff.removed = [p for p in gone if p.id not in moved]
    moved_to = {q.id for _, q in diff.folded + diff.renamed}  # the same papers, not new
    diff.added = [p for p in diff.added if p.id not in moved_to]
    for pid, paper in new.papers.items():
        before = old.papers.get(pid)
        if before is None:
            continue
        a, b = to_dict(before), to_dict(paper)
        fields = [k for k in dict.fromkeys([*a, *b]) if k != "listings" and a.get(k) != b.get(k)]
        if fields:
            diff.edited.append((paper, fields))
        if len(paper.listings) != len(before.listings):
            diff.merged.append((paper, len(before.listings), len(paper.listings)))
    diff.themes = theme_changes(old, new)
    keys_old, keys_new = citation_keys(old.papers.values()), citation_keys(new.papers.values())
    diff.keys_moved = [
        (paper, keys_old[i], keys_new[i])
        for i, paper in new.papers.items()
        if i in keys_old and keys_old[i] != keys_new[i]
    ]
    links_before, links_after = _mention_links(old), _mention_links(new)
    diff.mentions_added = sorted(links_after - links_before)
    diff.mentions_removed = sorted(links_before - links_after)
    return diff


def _identity(paper: Paper) -> list[object]:
    """What says two records are one paper: its title, and each of its listings."""
    return [title_key(paper.title), *((x.source, x.position) for x in paper.listings)]


def _mention_links(library: Linked) -> set[tuple[str, str]]:
    """(paper id, id of a paper its abstract mentions) for every mention link."""
    found = find_mentions(list(library.papers.values()))
    return {(source, target) for source, targets in found.items() for target in targets}


def theme_changes(old: Linked, new: Linked) -> list[str]:
    """Themes added, removed or redefined, and how their membership moved."""
    lines = []
    old_themes = {t.id: t for t in old.themes}
    new_themes = {t.id: t for t in new.themes}
    gone = old_themes.keys() - new_themes.keys()
    renamed = {o: t.id for t in new.themes for o in t.former_ids if o in gone}  # old -> new
    was = {new_id: old_id for old_id, new_id in renamed.items()}
    for tid in new_themes.keys() - old_themes.keys() - was.keys():
        lines.append(f"Theme `{tid}` added")
    for tid in gone - renamed.keys():
        lines.append(
            f"Theme `{tid}` removed: its page, feed and exports go away (keep `{tid}` in a theme's "
            "`former_ids` if it was renamed)"
        )
    for old_id, new_id in renamed.items():
        lines.append(
            f"Theme `{old_id}` is now `{new_id}`; its old page, feed and exports lead there"
        )
    for tid in new_themes.keys() & old_themes.keys():
        now, then = to_dict(new_themes[tid]), to_dict(old_themes[tid])
        changed = [key for key in now | then if now.get(key) != then.get(key)]
        if changed:
            lines.append(f"Theme `{tid}` redefined: {', '.join(changed)}")
    for tid in sorted(new_themes.keys() | gone - renamed.keys()):
        before = {p for p, ts in old.membership.items() if was.get(tid, tid) in ts}
        after = {p for p, ts in new.membership.items() if tid in ts}
        if before != after:
            lines.append(f"`{tid}`: +{len(after - before)} / \u2212{len(before - after)} papers")
    return sorted(lines)


def markdown_text(text: str) -> str:
    """Text for GitHub's Markdown, shown as written (`inline`), with an invisible space
    after each `@` and `#`: a title that names `@someone` or `#12` notifies no one and
    links no issue."""
    return str(inline(text)).replace("&#64;", "&#64;&#8203;").replace("&#35;", "&#35;&#8203;")


class _Style:
    """How a report marks code, text and headings: Markdown, or plain terminal text."""

    def __init__(self, markdown: bool) -> None:
        self.markdown = markdown

    def code(self, text: str) -> str:
        """A code span shows its text literally: nothing in it is escaped, and a fence
        longer than any run of backticks in it keeps it whole."""
        text = " ".join(text.split())
        if not self.markdown:
            return text
        fence = "`" * (1 + max((len(run) for run in re.findall("`+", text)), default=0))
        pad = " " if text.startswith("`") or text.endswith("`") else ""
        return f"{fence}{pad}{text}{pad}{fence}"

    def text(self, text: str) -> str:
        return markdown_text(text) if self.markdown else " ".join(text.split())

    def heading(self, level: int, text: str) -> list[str]:
        return [f"{'#' * level} {text}" if self.markdown else f"{text}:", ""]

    def strong(self, text: str) -> str:
        return f"**{text}**" if self.markdown else text

    def item(self, paper: Paper, extra: str = "") -> str:
        return f"- {self.code(paper.id)}: {self.text(paper.title)}{extra}"


def to_markdown(diff: ContentDiff, base: str, markdown: bool = True) -> str:
    """The report as Markdown (for a pull request's summary) or as plain text."""
    style = _Style(markdown)
    out = style.heading(2, f"Content changes since {style.code(base)}")
    if diff.empty:
        return "\n".join([*out, f"No changes to {style.code('content/')}.", ""])
    total = sum(new - old for _, old, new in diff.merged)
    moved = len(diff.folded) + len(diff.renamed)
    folded = f"{moved} under another id, " if moved else ""
    summary = (
        f"{len(diff.added)} added, {len(diff.removed)} removed, {folded}"
        f"{len(diff.edited)} edited, {total} listing(s) merged."
    )
    out += [style.strong(summary), ""]
    if diff.unloaded:
        heading = "Records that do not load; run `readinglist check`"
        out += style.heading(
            3, f"\u26a0\ufe0f {heading}" if markdown else heading.replace("`", "'")
        )
        for problem in diff.unloaded:
            where = f"{problem.path}:{problem.line}" if problem.line else problem.path
            out.append(f"- {style.code(where)}: {style.text(problem.message)}")
        out.append("")
    if diff.removed:
        out += style.heading(3, "\u26a0\ufe0f Removed papers" if markdown else "Removed papers")
        out += [style.item(p) for p in diff.removed] + [""]
    if diff.renamed:
        heading = "Papers under a new id: add the old one to `former_ids`, or its page is gone"
        out += style.heading(
            3, f"\u26a0\ufe0f {heading}" if markdown else heading.replace("`", "'")
        )
        out += [style.item(p, f" \u2192 {style.code(q.id)}") for p, q in diff.renamed] + [""]
    if diff.folded:
        out += style.heading(3, "Papers under another id; their old pages redirect there")
        out += [style.item(p, f" \u2192 {style.code(keep.id)}") for p, keep in diff.folded] + [""]
    if diff.added:
        out += style.heading(3, "Added papers") + [style.item(p) for p in diff.added] + [""]
    if diff.repaired:
        out += style.heading(3, "Records that load again")
        out += [style.item(p) for p in diff.repaired] + [""]
    if diff.edited:
        out += style.heading(3, "Edited papers")
        out += [style.item(p, f" ({', '.join(fields)})") for p, fields in diff.edited] + [""]
    if diff.merged:
        out += style.heading(3, "Listings merged")
        out += [style.item(p, f" ({old} \u2192 {new} listings)") for p, old, new in diff.merged] + [
            ""
        ]
    if diff.keys_moved:
        heading = "Citation keys that move"
        out += style.heading(3, f"\u26a0\ufe0f {heading}" if markdown else heading)
        out += [
            "A citation made with the old key no longer finds the paper; "
            f"{style.code('bibkey:')} in its record pins a key.",
            "",
        ]
        out += [
            style.item(p, f" ({style.code(a)} \u2192 {style.code(b)})")
            for p, a, b in diff.keys_moved[:MENTIONS_SHOWN]
        ]
        if len(diff.keys_moved) > MENTIONS_SHOWN:
            out.append(f"- \u2026 and {len(diff.keys_moved) - MENTIONS_SHOWN} more")
        out.append("")
    if diff.themes:
        themes = [f"- {line}" for line in diff.themes]
        out += (
            style.heading(3, "Themes")
            + (themes if markdown else [t.replace("`", "") for t in themes])
            + [""]
        )
    if diff.mentions_added or diff.mentions_removed:
        out += style.heading(3, "Mention links")
        out += [f"{len(diff.mentions_added)} added, {len(diff.mentions_removed)} removed.", ""]
        changes = [("+", link) for link in diff.mentions_added]
        changes += [("\u2212", link) for link in diff.mentions_removed]
        out += [
            f"- {sign} {style.code(a)} \u2192 {style.code(b)}"
            for sign, (a, b) in changes[:MENTIONS_SHOWN]
        ]
        if len(changes) > MENTIONS_SHOWN:
            out.append(f"- \u2026 and {len(changes) - MENTIONS_SHOWN} more")
        out.append("")
    return "\n".join(out)


MENTIONS_SHOWN = 30
"""Mention links (and moved keys) listed one by one; a count covers the rest."""


def diff_against(layout: Layout, base: str, markdown: bool = True) -> str:
    """How the working tree's `content/` differs from `base`, as Markdown or text."""
    with tempfile.TemporaryDirectory() as scratch:
        old, unloaded_old = library_at(layout, base, Path(scratch))
    new, unloaded_new = load_leniently(layout)
    return to_markdown(compare(old, new, unloaded_old, unloaded_new), base, markdown)
