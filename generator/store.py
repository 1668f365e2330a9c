"""Read and write `content/`: paper records, themes and raw listing files."""

from __future__ import annotations

import difflib
import logging
import os
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from . import parallel
from .errors import ContentError, Problem
from .files import recover
from .merge import paper_keys
from .model import Library, Paper, Theme
from .schema import Validator, to_dict
from .yamlio import YamlSyntaxError, dumps, loads

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
    def papers(self) -> Path:
        return self.content / "papers"

    @property
    def sources(self) -> Path:
        return self.content / "sources"

    @property
    def themes(self) -> Path:
        return self.content / "themes.yml"

    def rel(self, path: Path) -> str:
        """A path as messages show it: relative to the root, with forward slashes."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def paper_path(self, paper_id: str) -> Path:
        return self.papers / f"{paper_id}.yml"

    def source_files(self) -> list[Path]:
        return sorted(self.sources.glob("*.txt"))


def read_yaml(path: Path, rel: str) -> tuple[object, dict, list[Problem]]:
    """Parse one YAML file; problems instead of exceptions."""
    try:
        size = path.stat().st_size
        if size > MAX_RECORD_BYTES:
            message = f"file is {size:,} bytes; records are limited to {MAX_RECORD_BYTES:,}"
            return None, {}, [Problem(rel, 0, message)]
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, {}, [Problem(rel, 0, f"not UTF-8 text (at byte offset {exc.start})")]
    except OSError as exc:
        return None, {}, [Problem(rel, 0, f"cannot read: {exc.strerror}")]
    try:
        data, lines = loads(text)
    except YamlSyntaxError as exc:
        return None, {}, [Problem(rel, exc.line, str(exc))]
    if data is None:
        return None, {}, [Problem(rel, 0, "the file is empty")]
    return data, lines, []


def load_paper(path: Path, rel: str) -> tuple[Paper | None, list[Problem]]:
    """Load and validate one record file."""
    data, lines, problems = read_yaml(path, rel)
    if problems:
        return None, problems
    validator = Validator(lines)
    paper = validator.record(Paper, data)
    problems = [Problem(rel, line, message) for line, message in validator.errors]
    if paper is not None and paper.id != path.stem:
        line = lines.get(("id",), 0)
        message = f"field 'id': expected {path.stem!r} (the file's name), got {paper.id!r}"
        problems.append(Problem(rel, line, message))
        paper = None
    return paper, problems


def load_papers(layout: Layout, may_fork: bool = False) -> tuple[dict[str, Paper], list[Problem]]:
    """Every record under `content/papers/`, by id, with cross-record checks.

    With `may_fork`, a large library's second half is read by a forked child.
    """
    if layout.content.is_dir():
        for line in recover(layout.content):
            log.warning("%s: %s", layout.rel(layout.content), line)
    papers: dict[str, Paper] = {}
    problems: list[Problem] = []
    owners: dict[str, str] = {}
    names = _names(layout.papers)
    records = [name for name in names if name.endswith(".yml")]
    shown = layout.rel(layout.papers)  # the folder as messages show it
    half = len(records) // 2
    first, second = parallel.both(
        partial(_load_each, layout.papers, shown, records[:half]),
        partial(_load_each, layout.papers, shown, records[half:]),
        may_fork and parallel.worth_it(len(records)),
    )
    for name, (paper, found) in zip(records, first + second, strict=True):
        problems += found
        if paper is None:
            continue
        for key in paper_keys(paper):
            other = owners.setdefault(key, paper.id)
            if other != paper.id:
                problems.append(
                    Problem(
                        f"{shown}/{name}",
                        0,
                        f"same title as {shown}/{other}.yml; "
                        "merge the two records, or make one an alias of the other",
                    )
                )
                break
        papers[paper.id] = paper
    for name in names:
        if not name.endswith(".yml") and not name.startswith("."):
            message = "not a record: records end in .yml"
            problems.append(Problem(f"{shown}/{name}", 0, message))
    return papers, problems


def _names(folder: Path) -> list[str]:
    """The names in a folder (none if it does not exist), sorted."""
    try:
        return sorted(os.listdir(folder))
    except FileNotFoundError:
        return []


def _load_each(
    folder: Path, rel: str, names: list[str]
) -> list[tuple[Paper | None, list[Problem]]]:
    return [load_paper(folder / name, f"{rel}/{name}") for name in names]


def load_themes(layout: Layout) -> tuple[list[Theme], list[Problem]]:
    """The themes declared in `content/themes.yml` (none if the file is absent)."""
    if not layout.themes.exists():
        return [], []
    rel = layout.rel(layout.themes)
    data, lines, problems = read_yaml(layout.themes, rel)
    if problems:
        return [], problems
    validator = Validator(lines)
    items = data.get("themes") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return [], [Problem(rel, 1, "expected a top-level 'themes:' list")]
    themes = [validator.record(Theme, item, ("themes", i)) for i, item in enumerate(items)]
    problems = [Problem(rel, line, message) for line, message in validator.errors]
    seen: set[str] = set()
    for i, theme in enumerate(themes):
        if theme and theme.id in seen:
            line = lines.get(("themes", i, "id"), 0)
            problems.append(Problem(rel, line, f"duplicate theme id {theme.id!r}"))
        if theme:
            seen.add(theme.id)
    return [t for t in themes if t is not None], problems


def check_references(layout: Layout, library: Library) -> list[Problem]:
    """Theme ids used by papers and paper ids used by themes must exist."""
    theme_ids = [t.id for t in library.themes]
    problems = []
    for paper in library.papers.values():
        for theme_id in paper.themes:
            if theme_id not in theme_ids:
                message = f"field 'themes': unknown theme {theme_id!r}"
                close = difflib.get_close_matches(theme_id, theme_ids, n=1)
                if close:
                    message += f"; did you mean {close[0]!r}?"
                path = layout.paper_path(paper.id)
                problems.append(Problem(layout.rel(path), _line_of(path, "themes:"), message))
    for theme in library.themes:
        for paper_id in theme.start_here:
            if paper_id not in library.papers:
                message = f"theme {theme.id!r}: field 'start_here': unknown paper {paper_id!r}"
                problems.append(Problem(layout.rel(layout.themes), 0, message))
    return problems


def _line_of(path: Path, prefix: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith(prefix):
            return number
    return 0


def load_library(layout: Layout, may_fork: bool = False) -> Library:
    """All of `content/`, validated; raise ContentError listing every error."""
    papers, problems = load_papers(layout, may_fork)
    themes, theme_problems = load_themes(layout)
    library = Library(papers=dict(sorted(papers.items())), themes=themes)
    problems += theme_problems + check_references(layout, library)
    if any(p.is_error for p in problems):
        raise ContentError(sorted(problems))
    return library


def dump_paper(paper: Paper) -> str:
    """A record as the YAML text that `content/papers/<id>.yml` holds."""
    return dumps(to_dict(paper))
