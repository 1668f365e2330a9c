"""Read and write `content/`: paper records, themes and raw listing files."""

from __future__ import annotations

import difflib
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.content.files import (
    UnsafePath,
    list_folder,
    read_regular,
    real_folder,
    too_deep,
    utf8_text,
)
from generator.content.journal import STAGING_PREFIX, recover
from generator.content.model import Paper, Source, Theme
from generator.content.schema import Validator
from generator.content.titles import paper_keys
from generator.content.yamlio import YamlSyntaxError, loads, top_list
from generator.errors import NotText, Problem, quote

log = logging.getLogger(__name__)

MAX_RECORD_BYTES = 1_000_000
"""A record larger than this is refused before parsing: no paper needs a megabyte."""


@dataclass(frozen=True)
class Layout:
    """Where things live under a project root."""

    root: Path

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def build(self) -> Path:
        """The generator's own folder: `docs/`, `mkdocs.yml` and the lock."""
        return self.root / "build"

    @property
    def papers(self) -> Path:
        return self.content / "papers"

    @property
    def sources(self) -> Path:
        return self.content / "sources"

    @property
    def themes(self) -> Path:
        return self.content / "themes.yml"

    @property
    def source_labels(self) -> Path:
        return self.content / "sources.yml"

    def rel(self, path: Path) -> str:
        """A path as messages show it: relative to the root, with forward slashes."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def paper_path(self, paper_id: str) -> Path:
        return self.papers / f"{paper_id}.yml"

    def source_files(self) -> list[Path]:
        """The raw listing files; `check` reports what `list_folder` finds wrong."""
        if content_problem(self):
            return []
        names, _ = list_folder(self.sources, self.rel(self.sources))
        return [self.sources / name for name in names if is_listing(name)]


def is_listing(name: str) -> bool:
    """A raw listing, BibTeX or daily papers file, by its name: what ingest reads."""
    return name.lower().endswith((".txt", ".bib", ".json"))


def content_problem(layout: Layout) -> Problem | None:
    """Why `content/` may not be read at all, or None: it must be this project's own
    folder, not a link to one. A pull request could point it anywhere, and every
    message would then quote files from there."""
    try:
        real_folder(layout.content)
    except FileNotFoundError:
        return None
    except UnsafePath as exc:
        return Problem(layout.rel(layout.content), 0, exc.reason)
    return None


MAX_DEPTH = 4
"""How deeply folders may nest in `content/`: the tool reads two levels
(`content/papers/<id>.yml`); a repository's thousand levels overflowed the stack."""


def depth_problem(layout: Layout) -> Problem | None:
    """A folder of `content/` nested deeper than `MAX_DEPTH`, as a problem."""
    deep = None if content_problem(layout) else too_deep(layout.content, MAX_DEPTH)
    if deep is None:
        return None
    shown = quote(layout.rel(deep), 80)
    message = f"folders nest more than {MAX_DEPTH} levels deep here ({shown}); remove them"
    return Problem(layout.rel(layout.content), 0, message)


def read_yaml(path: Path, rel: str) -> tuple[object, dict, list[Problem]]:
    """Parse one YAML file; problems instead of exceptions."""
    raw, problems = _read_bytes(path, rel)
    if raw is None:
        return None, {}, problems
    return _parse(raw, rel)


def _read_bytes(path: Path, rel: str) -> tuple[bytes | None, list[Problem]]:
    try:
        return read_regular(path, MAX_RECORD_BYTES), []
    except UnsafePath as exc:
        return None, [Problem(rel, 0, exc.reason)]
    except OSError as exc:
        return None, [Problem(rel, 0, f"cannot read: {exc.strerror}")]


def _parse(raw: bytes, rel: str) -> tuple[object, dict, list[Problem]]:
    try:
        text = utf8_text(raw)
    except NotText as exc:
        return None, {}, [Problem(rel, exc.line, exc.reason)]
    try:
        data, lines = loads(text)
    except YamlSyntaxError as exc:
        return None, {}, [Problem(rel, exc.line, str(exc))]
    if data is None:
        return None, {}, [Problem(rel, 0, "the file is empty")]
    return data, lines, []


def load_paper(
    path: Path, rel: str, kept: KeptRecords | None = None
) -> tuple[Paper | None, list[Problem]]:
    """Load and validate one record file."""
    raw, problems = _read_bytes(path, rel)
    if raw is None:
        return None, problems
    return _paper(raw, path.stem, rel) if kept is None else kept.paper(raw, path.stem, rel)


class KeptRecords:
    """Records as parsed from their files, kept between the rebuilds of one `serve`: a
    file whose bytes have not changed is not parsed and validated again. The same bytes
    give the same record, and nothing in the preview's process edits one, so what comes
    back is what parsing gives. One entry per file name the preview has read."""

    def __init__(self) -> None:
        self._kept: dict[str, tuple[bytes, Paper | None, list[Problem]]] = {}

    def paper(self, raw: bytes, stem: str, rel: str) -> tuple[Paper | None, list[Problem]]:
        kept = self._kept.get(rel)
        if kept is None or kept[0] != raw:
            kept = self._kept[rel] = (raw, *_paper(raw, stem, rel))
        return kept[1], list(kept[2])


def _paper(raw: bytes, stem: str, rel: str) -> tuple[Paper | None, list[Problem]]:
    """Validate a record file's bytes."""
    data, lines, problems = _parse(raw, rel)
    if problems:
        return None, problems
    validator = Validator(lines)
    paper = validator.record(Paper, data)
    problems = _problems(rel, validator)
    if paper is not None and paper.id != stem:
        line = lines.get(("id",), 0)
        message = (
            f"field 'id': expected {quote(stem)} (the file's name), got {quote(paper.id)}; to "
            f"rename the record, set its id to {quote(stem)} and keep {quote(paper.id)} in "
            "former_ids, so that its old page leads to the new one"
        )
        problems.append(Problem(rel, line, message))
        paper = None
    return paper, problems


def _problems(rel: str, validator: Validator) -> list[Problem]:
    errors = [Problem(rel, line, message) for line, message in validator.errors]
    return errors + [Problem(rel, line, msg, "warning") for line, msg in validator.warnings]


def load_papers(
    layout: Layout, kept: KeptRecords | None = None
) -> tuple[dict[str, Paper], list[Problem]]:
    """Every record under `content/papers/`, by id, with the problems found in each
    and across them (two records with the same title, files that are not records)."""
    if refused := content_problem(layout):
        return {}, [refused]
    recover_content(layout)
    shown = layout.rel(layout.papers)  # the folder as messages show it
    names, problems = list_folder(layout.papers, shown)
    problems = foreign_files(layout) + problems
    papers: dict[str, Paper] = {}
    owners: dict[str, tuple[str, str]] = {}  # title key -> (record, title or aliases)
    pinned: dict[str, str] = {}  # a `bibkey` -> the record that pins it
    for name in names:
        rel = f"{shown}/{name}"
        if not name.endswith(".yml"):
            if not name.startswith("."):
                problems.append(Problem(rel, 0, f"not a record: records are {shown}/<id>.yml"))
            continue
        paper, found = load_paper(layout.papers / name, rel, kept)
        problems += found
        if paper is None:
            continue
        kinds = ["title", *["aliases"] * len(paper.aliases)]
        for key, what in zip(paper_keys(paper), kinds, strict=True):
            other, its = owners.setdefault(key, (paper.id, what))
            if other != paper.id:
                message = (
                    f"field {what!r}: same title as {shown}/{other}.yml"
                    + ("" if its == "title" else " (an alias there)")
                    + f"; merge the two records (readinglist merge {other} {paper.id}), or "
                    + (
                        "make one an alias of the other"
                        if what == its == "title"
                        else "remove the alias"
                    )
                )
                line = line_of(layout.papers / name, f"{what}:")
                problems.append(Problem(rel, line, message))
                break
        if paper.bibkey:
            other = pinned.setdefault(paper.bibkey, paper.id)
            if other != paper.id:  # every export cites by key: two papers cannot share one
                line = line_of(layout.papers / name, "bibkey:")
                message = (
                    f"field 'bibkey': {quote(paper.bibkey)} is pinned by {shown}/{other}.yml too"
                )
                problems.append(Problem(rel, line, message))
        papers[paper.id] = paper
    return papers, problems


def recover_content(layout: Layout) -> None:
    """Finish (or drop) what an interrupted `ingest` of this user's left undone."""
    if layout.content.is_dir() and not content_problem(layout):
        for line in recover(layout.content):
            log.warning("%s: %s", layout.rel(layout.content), line)


def foreign_files(layout: Layout) -> list[Problem]:
    """What `content/` must not hold: staging folders (no repository may carry one:
    an older version finished them blindly, which let a pull request write anywhere)
    and a `content/` that is itself a link."""
    if not (layout.content.exists() or layout.content.is_symlink()):
        return []
    names, problems = list_folder(layout.content, layout.rel(layout.content))
    for name in names:
        if name.startswith(STAGING_PREFIX):
            message = (
                "a staging folder of an interrupted write, which this tool no longer "
                "keeps in content/ and never finishes from there; delete it"
            )
            problems.append(Problem(layout.rel(layout.content / name), 0, message))
    return problems


def load_themes(
    layout: Layout, papers: Mapping[str, Paper] | None = None
) -> tuple[list[Theme], list[Problem]]:
    """The themes declared in `content/themes.yml` (none if the file is absent); with
    `papers`, a `start_here` entry naming none of them is an error at its line."""
    if content_problem(layout) or not os.path.lexists(layout.themes):
        return [], []
    rel = layout.rel(layout.themes)
    data, lines, problems = read_yaml(layout.themes, rel)
    if problems:
        return [], problems
    return _themes(data, lines, rel, papers, layout)


def themes_text_problems(text: str, rel: str) -> list[Problem]:
    """The errors the loader would report for a themes file holding `text`."""
    data, lines, problems = _parse(text.encode("utf-8"), rel)
    problems = problems or _themes(data, lines, rel)[1]
    return [p for p in problems if p.is_error]


def _themes(
    data: object,
    lines: dict,
    rel: str,
    papers: Mapping[str, Paper] | None = None,
    layout: Layout | None = None,
) -> tuple[list[Theme], list[Problem]]:
    """The themes, and their problems; with `papers`, the `start_here` entries that
    name none, except one whose record file is in `layout` but does not load: that
    file's own error says why, and once (a `start_here` entry is a slug)."""
    validator = Validator(lines)
    items = top_list(data, "themes")
    if not isinstance(items, list):
        return [], [Problem(rel, 1, "expected a top-level 'themes:' list")]
    themes = [validator.record(Theme, item, ("themes", i)) for i, item in enumerate(items)]
    problems = _problems(rel, validator)
    seen: set[str] = set()
    ids = {t.id for t in themes if t}  # theme/<id or former id>/ is one theme's page
    owners: dict[str, str] = {}
    renamed = {old: [p.id] for p in (papers or {}).values() for old in p.former_ids}
    for i, theme in ((i, t) for i, t in enumerate(themes) if t):
        if theme.id in seen:
            line = lines.get(("themes", i, "id"), 0)
            problems.append(Problem(rel, line, f"duplicate theme id {quote(theme.id)}"))
        seen.add(theme.id)
        for k, old in enumerate(theme.former_ids):
            other = owners.setdefault(old, theme.id)
            if old in ids or other != theme.id:
                clash = "a theme's id" if old in ids else f"a former id of {quote(other)}"
                message = f"theme {quote(theme.id)}: field 'former_ids': {quote(old)} is {clash}"
                problems.append(Problem(rel, lines.get(("themes", i, "former_ids", k), 0), message))
        for k, paper_id in enumerate(theme.start_here):
            line = lines.get(("themes", i, "start_here", k), 0)
            if paper_id in theme.start_here[:k]:  # as a merge of two of them leaves it
                twice = f"{quote(paper_id)} is named twice"
                message = f"theme {quote(theme.id)}: field 'start_here': {twice}"
                problems.append(Problem(rel, line, message, "warning"))
            elif (
                papers is not None
                and paper_id not in papers
                and not (layout and os.path.lexists(layout.paper_path(paper_id)))
            ):
                close = renamed.get(paper_id) or difflib.get_close_matches(paper_id, papers, n=1)
                message = f"theme {quote(theme.id)}: field 'start_here': unknown paper " + (
                    f"{quote(paper_id)}; did you mean {close[0]!r}?" if close else quote(paper_id)
                )
                problems.append(Problem(rel, line, message))
    return [t for t in themes if t is not None], problems


def load_sources(layout: Layout) -> tuple[dict[str, Source], list[Problem]]:
    """What `content/sources.yml` says of the source files (nothing if it is absent)."""
    if content_problem(layout) or not os.path.lexists(layout.source_labels):
        return {}, []
    rel = layout.rel(layout.source_labels)
    data, lines, problems = read_yaml(layout.source_labels, rel)
    if problems:
        return {}, problems
    items = top_list(data, "sources")
    if not isinstance(items, list):
        return {}, [Problem(rel, 1, "expected a top-level 'sources:' list")]
    validator = Validator(lines)
    found = [validator.record(Source, item, ("sources", i)) for i, item in enumerate(items)]
    problems, first = _problems(rel, validator), dict[str, int]()
    for i, item in enumerate(items):  # which of two labels would readers see?
        name, line = item.get("id") if isinstance(item, dict) else None, lines[("sources", i)]
        if isinstance(name, str) and first.setdefault(name, line) != line:
            message = f"source {quote(name)} is named twice (first on line {first[name]})"
            problems.append(Problem(rel, line, message))
    return {s.id: s for s in found if s is not None}, problems


def line_of(path: Path, prefix: str) -> int:
    """The first line of a file that starts with `prefix`; 0 if none."""
    try:
        text = read_regular(path, MAX_RECORD_BYTES).decode("utf-8", "replace")
    except (OSError, UnsafePath):
        return 0
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith(prefix):
            return number
    return 0
