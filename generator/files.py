"""File writing that never leaves a half-written file behind."""

from __future__ import annotations

import os
import posixpath
import shutil
import tempfile
from collections.abc import Collection, Mapping
from pathlib import Path


def write_atomic(path: Path, text: str | bytes, durable: bool = True) -> bool:
    """Write bytes (or text as UTF-8) via a temporary file and a rename.

    Unchanged files are left alone. Returns True when the file changed. `durable`
    flushes the data to disk before the rename (curated content); generated files
    that the next build recreates anyway skip that.
    """
    data = _bytes(text)
    if _holds(path, data):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    _replace(path, data, durable)
    return True


def _replace(path: Path, data: bytes, durable: bool) -> None:
    """Put `data` at `path` (whose folder exists) through a temporary file."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _bytes(text: str | bytes) -> bytes:
    return text.encode("utf-8") if isinstance(text, str) else text


def _holds(path: Path, data: bytes) -> bool:
    """Does the file exist with exactly these bytes?"""
    try:
        return path.read_bytes() == data
    except FileNotFoundError:
        return False


def sync_folder(folder: Path, files: Mapping[str, str | bytes]) -> int:
    """Make `folder` hold exactly `files` (relative path -> text or bytes); dotfiles are kept.

    Only files whose bytes differ are written, so a live-reloading server sees
    just the pages an edit affected. Returns how many files were written or removed.
    """
    mirror = Mirror(folder)
    return mirror.write(files) + mirror.prune(files.keys())


class Mirror:
    """A folder made to hold exactly a set of files, given in parts.

    The folder is listed once, up front. `write` puts each part in place, and `prune`
    then removes whatever no part held. Two processes forked after the listing may
    each write their own parts.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        stats, self._folders = _listing(folder)
        self._sizes = {rel: stat.st_size for rel, stat in stats.items()}

    def write(self, files: Mapping[str, str | bytes]) -> int:
        """Write the files whose bytes differ from what is there; return how many."""
        for parent in sorted({posixpath.dirname(rel) for rel in files} - self._folders):
            (self.folder / parent).mkdir(parents=True, exist_ok=True)
            self._folders.add(parent)
        changed = 0
        for rel, text in sorted(files.items()):
            data = _bytes(text)
            # A size that differs settles it without reading the file.
            if self._sizes.get(rel) == len(data) and (self.folder / rel).read_bytes() == data:
                continue
            _replace(self.folder / rel, data, durable=False)
            changed += 1
        return changed

    def prune(self, keep: Collection[str]) -> int:
        """Remove the files listed at the start that are not in `keep`, and empty folders.

        A folder on the way to a kept file stays, even empty: another process may be
        about to write that file.
        """
        changed = 0
        for rel in sorted(self._sizes.keys() - set(keep)):
            (self.folder / rel).unlink()
            changed += 1
        for rel in sorted(self._folders - {""} - _ancestors(keep), reverse=True):
            if not os.listdir(self.folder / rel):
                os.rmdir(self.folder / rel)
        return changed


def _ancestors(paths: Collection[str]) -> set[str]:
    """Every folder that holds one of `paths`, directly or further down."""
    folders: set[str] = set()
    for path in paths:
        folder = posixpath.dirname(path)
        while folder and folder not in folders:
            folders.add(folder)
            folder = posixpath.dirname(folder)
    return folders


def file_stats(folder: Path) -> dict[str, tuple[int, int]]:
    """Size and modification time (ns) of every file under `folder`; no dotfiles."""
    stats, _ = _listing(folder)
    return {rel: (stat.st_size, stat.st_mtime_ns) for rel, stat in stats.items()}


def _listing(folder: Path) -> tuple[dict[str, os.stat_result], set[str]]:
    """The files under `folder` and its subfolders, by relative path, and the folders;
    no dotfiles."""
    stats: dict[str, os.stat_result] = {}
    folders: set[str] = set()
    pending = [""] if folder.is_dir() else []
    while pending:
        rel = pending.pop()
        folders.add(rel)
        with os.scandir(folder / rel) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                child = posixpath.join(rel, entry.name)
                if entry.is_dir(follow_symlinks=False):
                    pending.append(child)
                else:
                    stats[child] = entry.stat(follow_symlinks=False)
    return stats, folders


_STAGING = ".transaction-"
_COMMITTED = "COMMITTED"


class Transaction:
    """Replace several files under `root` together: all of them, or none.

    Files are first written into `root/.transaction-<pid>/`. Once every one is there, a
    `COMMITTED` list is written (atomically), and only then are they moved into place.
    A process killed before the list exists leaves the old files; one killed after it
    leaves a transaction that `recover` finishes, so readers never see half of one.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.staging = root / f"{_STAGING}{os.getpid()}"
        self.paths: list[str] = []

    def __enter__(self) -> Transaction:
        shutil.rmtree(self.staging, ignore_errors=True)
        return self

    def write(self, path: Path, text: str | bytes) -> bool:
        """Stage `path`'s new content; False (and nothing staged) when it is unchanged."""
        data = _bytes(text)
        if _holds(path, data):
            return False
        rel = path.relative_to(self.root).as_posix()
        write_atomic(self.staging / rel, data)
        self.paths.append(rel)
        return True

    def __exit__(self, kind: object, error: object, traceback: object) -> None:
        if kind is None and self.paths:
            write_atomic(self.staging / _COMMITTED, "\n".join(self.paths) + "\n")
            _finish(self.staging, self.root)
        shutil.rmtree(self.staging, ignore_errors=True)


def _finish(staging: Path, root: Path) -> None:
    for rel in (staging / _COMMITTED).read_text(encoding="utf-8").splitlines():
        staged = staging / rel
        if staged.exists():  # a previous attempt may have moved it already
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged, root / rel)
    _sync_dir(root)


def _sync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def recover(root: Path) -> list[str]:
    """Finish committed transactions of dead processes and drop uncommitted ones.

    Returns a line per transaction found, for the log.
    """
    found = []
    for staging in sorted(root.glob(f"{_STAGING}*")):
        pid = staging.name.removeprefix(_STAGING)
        if pid.isdigit() and _alive(int(pid)):
            continue
        if (staging / _COMMITTED).exists():
            _finish(staging, root)
            found.append(f"finished an interrupted write ({staging.name})")
        else:
            found.append(f"dropped an interrupted write ({staging.name})")
        shutil.rmtree(staging, ignore_errors=True)
    return found


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
