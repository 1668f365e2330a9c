"""What writers put in a record file: the file as it is, changed only where it must be
(`content.edit`), and checked with the loader's own rules before anything is written."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.content.edit import edited_record, read_styled
from generator.content.files import read_regular
from generator.content.model import Paper
from generator.content.schema import to_dict
from generator.content.store import MAX_RECORD_BYTES, Layout, _paper
from generator.content.yamlio import dumps
from generator.errors import Problem


def dump_paper(paper: Paper) -> str:
    """A record as the YAML text that `content/papers/<id>.yml` holds."""
    return dumps(to_dict(paper))


@dataclass(frozen=True)
class RecordText:
    """What a writer is about to put in a record file, checked as the loader checks."""

    path: Path
    text: str
    problems: list[Problem]
    """The loader's errors for this text: a writer writes nothing that has one."""
    rewritten: bool
    """The file had to be written whole: its comments and layout are lost."""


def record_text(layout: Layout, paper: Paper, footer: str = "") -> RecordText:
    """The text that makes `content/papers/<id>.yml` hold `paper`: the file as it is,
    changed only where it must be (`content.edit`), or a new file; then `footer`, lines
    of comments to add at its end."""
    path = layout.paper_path(paper.id)
    try:
        old, restyle = read_styled(read_regular(path, MAX_RECORD_BYTES))
    except FileNotFoundError:
        old = None
    if old is None:
        text, in_place = dump_paper(paper) + footer, True
    else:
        text, in_place = edited_record(old, paper)
        text = restyle(text + footer)
    return RecordText(path, text, record_problems(text, paper.id, layout.rel(path)), not in_place)


def record_problems(text: str, paper_id: str, rel: str) -> list[Problem]:
    """The errors the loader would report for a record file holding `text`."""
    raw = text.encode("utf-8")
    if len(raw) > MAX_RECORD_BYTES:
        return [
            Problem(rel, 0, f"would be {len(raw):,} bytes, over {MAX_RECORD_BYTES:,}, the limit")
        ]
    return [p for p in _paper(raw, paper_id, rel)[1] if p.is_error]
