"""Several files replaced together, all of them or none, through a journal kept outside
the project (`Transaction`); and finishing what a killed process left (`recover`)."""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
from contextlib import suppress
from pathlib import Path

from generator.content.files import (
    UnsafePath,
    as_bytes,
    holds,
    inside,
    is_alive,
    temporary_of,
    write_atomic,
)

STAGING_PREFIX = ".transaction-"
"""Names that older versions staged ingests under inside `content/`; nothing writes or
trusts them now, and `check` refuses any that a repository carries."""
_COMMITTED = "COMMITTED"
_FILES = "files"
_DELETE = "-\t"
"""A line of the commit list that starts so names a file to delete, not one to copy."""


class Transaction:
    """Replace several files under `root` together: all of them, or none.

    The new files are staged in this process's own journal folder (`journal_folder`),
    outside the work tree, where no repository can put anything. Once every file is
    there, a `COMMITTED` list is written (atomically), and only then are the files
    copied into place. A process killed before the list exists leaves the old files;
    one killed after it leaves a journal that `recover` finishes, so readers never see
    half of one. The data is flushed to disk twice, with `os.sync`: once before the list
    is written, and once after the files are in place. (One `fsync` per file cost 12 s
    of an ingest of 10,000 BibTeX entries.)
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.staging = journal_folder(root) / str(os.getpid())
        self.paths: list[str] = []

    def __enter__(self) -> Transaction:
        if (self.staging / _COMMITTED).exists():  # this process's own, cut short by an error
            _finish(self.staging, self.root)
        _drop(self.staging)
        return self

    def write(self, path: Path, text: str | bytes) -> bool:
        """Stage `path`'s new content; False (and nothing staged) when it is unchanged."""
        data = as_bytes(text)
        rel = path.relative_to(self.root).as_posix()
        if holds(inside(self.root, rel), data):
            return False
        write_atomic(self.staging / _FILES / rel, data, durable=False)
        self.paths.append(rel)
        return True

    def delete(self, path: Path) -> None:
        """Remove `path` with the rest: it goes when the other files land."""
        rel = path.relative_to(self.root).as_posix()
        inside(self.root, rel)
        self.paths.append(_DELETE + rel)

    def __exit__(self, kind: object, error: object, traceback: object) -> None:
        if kind is None and self.paths:
            os.sync()  # every staged file is on disk before the list that commits them
            write_atomic(self.staging / _COMMITTED, "\n".join(self.paths) + "\n")
            # If copying fails, the committed journal stays for `recover` to finish.
            _finish(self.staging, self.root)
        _drop(self.staging)


def _finish(staging: Path, root: Path) -> None:
    """Copy a committed journal's files into place; doing it twice changes nothing."""
    written: dict[Path, set[str]] = {}
    for rel in (staging / _COMMITTED).read_text(encoding="utf-8").splitlines():
        if rel.startswith(_DELETE):
            inside(root, rel.removeprefix(_DELETE)).unlink(missing_ok=True)
            continue
        target = inside(root, rel)
        write_atomic(target, (staging / _FILES / rel).read_bytes(), durable=False)
        written.setdefault(target.parent, set()).add(target.name)
    # Copies cut short by a kill, looked for once per folder (not once per file: a
    # folder of 10,000 records would be listed 10,000 times).
    for folder, names in written.items():
        for entry in os.scandir(folder):
            if temporary_of(entry.name) in names:
                os.unlink(entry.path)
    os.sync()  # the files are on disk before the journal that could redo them goes


def _drop(staging: Path) -> None:
    """Remove a journal, its commit list first: a removal cut short by a kill then
    leaves a journal that is dropped, never a committed one with files missing."""
    with suppress(FileNotFoundError):
        os.unlink(staging / _COMMITTED)
    shutil.rmtree(staging, ignore_errors=True)


def recover(root: Path) -> list[str]:
    """Finish committed transactions of dead processes and drop uncommitted ones.

    Only this user's journals for `root` are looked at: whatever a repository holds
    is never taken for one. Returns a line per transaction found, for the log.
    """
    journals = journal_folder(root, create=False)
    found: list[str] = []
    if not journals.exists():
        return found
    for staging in sorted(journals.iterdir()):
        pid = staging.name
        if not pid.isdigit() or len(pid) > 10 or is_alive(int(pid)):
            continue
        if (staging / _COMMITTED).exists():
            _finish(staging, root)
            found.append(f"finished an interrupted write (process {pid})")
        else:
            found.append(f"dropped an interrupted write (process {pid})")
        _drop(staging)
    return found


def state_home() -> Path:
    """Where this user's journals live: `$XDG_STATE_HOME/readinglist`, by default
    `~/.local/state/readinglist`. Never inside a project."""
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(Path.home(), ".local", "state")
    return Path(base) / "readinglist"


def journal_folder(root: Path, create: bool = True) -> Path:
    """This user's owner-only folder of journals for the folder `root`.

    Keyed by `root`'s real path, so two checkouts never share one. A folder that
    another user could write to, or a symbolic link, is refused: its journals would
    not be this user's. Without `create`, the folder may not exist.
    """
    key = hashlib.blake2b(os.fsencode(os.path.realpath(root)), digest_size=10).hexdigest()
    folder = state_home() / key
    if create:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    elif not os.path.lexists(folder):
        return folder
    info = folder.lstat()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise UnsafePath(folder, "is not a folder that only you can write to; remove it")
    return folder
