"""A newer export of a BibTeX file whose copy is in `content/sources/` already.

A reference manager's collection is exported again as it grows, under the same name.
Its copy is kept as it is, every byte of it: a curator may have fixed an entry there,
and the records' listings name its entries by key and position. The entries of the
export whose keys the copy does not hold are appended to it, with the `@string`s it
lacks before them; an entry both hold that reads otherwise in the export is named, and
stays as the copy has it. (An entry a curator deleted from the copy comes back, as a
new paper that `ingest` reports: leaving a paper out for good takes deleting it in the
reference manager too.)
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import bibtexparser
from bibtexparser.model import Block, Entry, ParsingFailedBlock, String

from generator.content.files import UnsafePath, read_regular
from generator.content.store import Layout
from generator.errors import ContentError, Problem, quote
from generator.ingest.parse import MAX_SOURCE_BYTES, read_source
from generator.ingest.records import IngestReport, ingest


@dataclass(frozen=True)
class Grown:
    """A copy with the new entries of an export appended."""

    data: bytes
    added: list[str]
    """The keys of the entries appended."""
    differ: list[tuple[str, int]]
    """Each entry or `@string` both hold that the export has otherwise: what it is
    (`entry 'k'`) and its line in the copy."""
    unread: list[int]
    """The lines of the export's entries that cannot be read, left out."""


def grown(copy: bytes, export: str) -> Grown:
    """`copy`, byte for byte, then what `export` adds to it."""
    text = copy.decode("utf-8-sig", errors="replace")  # only to find its keys
    held = {
        _name(b): (_raw(b), (b.start_line or 0) + 1)
        for b in bibtexparser.parse_string(text).blocks
        if _name(b)
    }
    strings: list[Block] = []
    entries: list[Block] = []
    differ: list[tuple[str, int]] = []
    unread: list[int] = []
    for block in bibtexparser.parse_string(export).blocks:
        name = _name(block)
        if type(block) is ParsingFailedBlock:
            unread.append((block.start_line or 0) + 1)
        elif name and name not in held:
            (entries if isinstance(block, Entry) else strings).append(block)
        elif name and held[name][0] != _raw(block):
            what = "entry" if isinstance(block, Entry) else "@string"
            differ.append((f"{what} {quote(name[1])}", held[name][1]))
    if not entries:
        return Grown(copy, [], differ, unread)
    added = "\n\n".join((b.raw or "").strip() for b in strings + entries)
    tail = ("" if text.endswith("\n") else "\n") + "\n" + added + "\n"
    if "\r\n" in text:
        tail = tail.replace("\r\n", "\n").replace("\n", "\r\n")
    keys = [b.key for b in entries if isinstance(b, Entry)]
    return Grown(copy + tail.encode(), keys, differ, unread)


def _name(block: Block) -> tuple[str, str] | None:
    """An entry's or a `@string`'s kind and key; None for anything else."""
    return (type(block).__name__, block.key) if isinstance(block, Entry | String) else None


def _raw(block: Block) -> str:
    """A block's text, its spacing aside."""
    return " ".join((block.raw or "").split())


def ingest_files(
    layout: Layout, paths: list[Path], progress: bool = False, dry_run: bool = False
) -> IngestReport:
    """`ingest` of `paths`, where a newer export of a BibTeX file that has a copy in
    `content/sources/` grows that copy instead of being refused."""
    texts: dict[str, bytes] = {}
    exports: set[Path] = set()
    notes: list[str] = []
    warnings: list[Problem] = []
    for path in paths:
        copy = layout.sources / path.name
        if path.suffix.lower() != ".bib" or path.parent == layout.sources or path in exports:
            continue
        if path.name in texts:  # two exports to grow one copy: which is newer?
            message = f"another file named {path.name} is ingested too; rename one of them"
            raise ContentError([Problem(str(path), 0, message)])
        try:
            data = read_regular(copy, MAX_SOURCE_BYTES)
        except (OSError, UnsafePath):  # none, or not one to read: ingest says which
            continue
        export = read_source(path)  # refused here as ingest would refuse it
        if data == read_regular(path, MAX_SOURCE_BYTES):
            continue
        more = grown(data, export)
        texts[path.name] = more.data
        exports.add(path)
        rel = layout.rel(copy)
        if more.added:
            keys = ", ".join(more.added)
            notes.append(f"append to {rel} the entries of {path} it lacks: {keys}")
        for what, line in more.differ:
            message = f"{what} reads otherwise in {path}; the copy here is kept "
            message += "as it is: change the record by hand to take what changed"
            warnings.append(Problem(rel, line, message, "warning"))
        for line in more.unread:
            message = "an entry that cannot be read (its braces or quotes do not balance) "
            warnings.append(Problem(str(path), line, message + f"is not added to {rel}", "warning"))
    report = ingest_texts(layout, paths, texts, progress, dry_run)
    report.changes[:0] = notes
    report.warnings[:0] = warnings
    return report


def ingest_texts(
    layout: Layout,
    paths: list[Path],
    texts: dict[str, bytes],
    progress: bool = False,
    dry_run: bool = False,
) -> IngestReport:
    """`ingest` of `paths`, where the file of each name in `texts` is ingested with
    those bytes, which replace its copy in `content/sources/` (they only add to it);
    `paths` may name no file for them. Warnings name the copies, not the scratch
    folder they are read from."""
    with tempfile.TemporaryDirectory(prefix="readinglist-") as folder:
        scratch = {name: Path(folder) / name for name in texts}
        for name, data in texts.items():
            scratch[name].write_bytes(data)
        named = [scratch.get(path.name, path) for path in paths]
        named += [path for name, path in scratch.items() if path not in named]
        report = ingest(layout, named, progress, dry_run, updates=frozenset(texts))
    kept_as = {str(path): layout.rel(layout.sources / name) for name, path in scratch.items()}
    report.warnings = [replace(w, path=kept_as.get(w.path, w.path)) for w in report.warnings]
    return report
