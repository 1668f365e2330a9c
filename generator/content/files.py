"""File writing that never leaves a half-written file behind."""

from __future__ import annotations

import errno
import fcntl
import logging
import os
import posixpath
import stat
import tempfile
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from generator.errors import NotText, Problem, ReadingListError

log = logging.getLogger(__name__)


def write_atomic(path: Path, text: str | bytes, durable: bool = True) -> bool:
    """Write bytes (or text as UTF-8) via a temporary file and a rename.

    Unchanged files are left alone. Returns True when the file changed. `durable`
    flushes the data to disk before the rename (curated content); generated files
    that the next build recreates anyway skip that.
    """
    data = as_bytes(text)
    if holds(path, data):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    _replace(path, data, durable)
    return True


def _replace(path: Path, data: bytes, durable: bool) -> None:
    """Put `data` at `path` (whose folder exists) through a temporary file, with the mode
    the file had, or the one the umask gives a new file (a temporary file is 0600)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=_TMP, dir=path.parent)
    try:
        os.fchmod(fd, _mode_of(path))
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


_TMP = ".tmp"


def _mode_of(path: Path) -> int:
    """An existing regular file's permissions, or a new file's under this umask."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return 0o666 & ~umask()
    return stat.S_IMODE(info.st_mode) if stat.S_ISREG(info.st_mode) else 0o666 & ~umask()


def umask() -> int:
    """This process's umask (it can only be read by setting it, and set back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def temporary_of(name: str) -> str | None:
    """The file a temporary name (`.x.yml.k3j2_a.tmp`) was made for, or None."""
    if not (name.startswith(".") and name.endswith(_TMP)):
        return None
    head, dot, _ = name[1 : -len(_TMP)].rpartition(".")
    return head if dot else None


def as_bytes(text: str | bytes) -> bytes:
    return text.encode("utf-8") if isinstance(text, str) else text


def holds(path: Path, data: bytes) -> bool:
    """Is there a regular file (not a link) at `path` with exactly these bytes?"""
    try:
        return read_regular(path, len(data)) == data
    except (FileNotFoundError, UnsafePath):
        return False


Left = dict[str, tuple[str | bytes, int, int]]
"""What `sync_folder` left in a folder: each file's text, and its size and modification
time (ns) once it held it."""


def sync_folder(folder: Path, files: Mapping[str, str | bytes], left: Left | None = None) -> int:
    """Make `folder` hold exactly `files` (relative path -> text or bytes); dotfiles are kept.

    Only files whose bytes differ are written (`_overwrite`), so a live-reloading server sees just
    the pages an edit affected, and folders left empty go. Returns how many files were
    written or removed. The generator writes only regular files and folders: a link or
    a FIFO found here was put by someone else (writing through it could land
    anywhere), and is removed first.

    `left` is what the last sync of this folder left, and is filled with what this one
    leaves. A file is not read again to compare when its new text is the very object
    it was given last time and its size and time are still those it had then: the
    preview keeps its pages' texts between rebuilds (`content.recall`), and at 10,000
    papers reading them all again took 0.5 s of each rebuild.
    """
    if folder.exists() or folder.is_symlink():
        real_folder(folder)
    stats, folders = _listing(folder)
    for rel, info in list(stats.items()):
        if not stat.S_ISREG(info.st_mode):
            (folder / rel).unlink()
            del stats[rel]
    changed = 0
    for rel in sorted(stats.keys() - files.keys()):
        (folder / rel).unlink()
        changed += 1
    for rel in sorted(folders - {""} - _ancestors(files), reverse=True):
        if not os.listdir(folder / rel):
            os.rmdir(folder / rel)
    for parent in sorted({posixpath.dirname(rel) for rel in files} - folders):
        (folder / parent).mkdir(parents=True, exist_ok=True)
    before, now = left or {}, {}
    for rel, text in sorted(files.items()):
        found = stats.get(rel)
        held = (found.st_size, found.st_mtime_ns) if found else (-1, 0)
        last = before.get(rel)
        if not (last and last[0] is text and last[1:] == held):
            data = as_bytes(text)
            # A size that differs settles it without reading the file.
            if not (held[0] == len(data) and holds(folder / rel, data)):
                held = _overwrite(folder / rel, data)
                changed += 1
        now[rel] = (text, *held)
    if left is not None:
        left.clear()
        left.update(now)
    return changed


def _overwrite(path: Path, data: bytes) -> tuple[int, int]:
    """Write a generated file in place, never through a link. Not atomic, as it need not
    be: the folder's manifest, gone until generation ends, vouches for no half-written
    file (a temporary file and a rename per page cost 0.8 s at 354 papers). A new file
    gets the umask's mode; an existing one keeps its own. Returns the file's size and
    modification time once written."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC
    fd = os.open(path, flags, 0o666)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        info = os.fstat(fd)
    return info.st_size, info.st_mtime_ns


def _ancestors(paths: Collection[str]) -> set[str]:
    """Every folder that holds one of `paths`, directly or further down."""
    folders: set[str] = set()
    for path in paths:
        folder = posixpath.dirname(path)
        while folder and folder not in folders:
            folders.add(folder)
            folder = posixpath.dirname(folder)
    return folders


def too_deep(folder: Path, levels: int) -> Path | None:
    """A folder nested more than `levels` deep below `folder`, or None. Walked with a
    loop, links not followed: tools that recurse (a file watcher) overflow their stack
    on a thousand levels."""
    pending = [(folder, 0)] if folder.is_dir() and not folder.is_symlink() else []
    while pending:
        current, depth = pending.pop()
        with os.scandir(current) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if depth + 1 > levels:
                        return Path(entry.path)
                    pending.append((Path(entry.path), depth + 1))
    return None


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


def is_alive(pid: int) -> bool:
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class UnsafePath(ReadingListError):
    """A path the tool will not read through or write to; `reason` says why."""

    def __init__(self, path: object, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.reason = reason


def inside(root: Path, rel: str) -> Path:
    """`root/rel`, after making sure it stays inside `root` on disk.

    `rel` must be a plain relative path (no `..`, no absolute path), and neither
    `root` nor any folder between it and the file may be a symbolic link, so that
    writing the file cannot land anywhere else.
    """
    parts = PurePosixPath(rel).parts
    if not parts or rel.startswith("/") or any(p in ("..", ".") for p in parts) or "\\" in rel:
        raise UnsafePath(repr(rel), f"not a path inside {root.name}/")
    folder = root
    for part in ("", *parts[:-1]):  # `root` itself first: a new list has no content/
        folder = folder / part
        try:
            real_folder(folder)
        except FileNotFoundError:
            return root.joinpath(*parts)  # created by the write, below a real folder
    return root.joinpath(*parts)


def real_folder(path: Path) -> None:
    """Raise UnsafePath unless `path` is a folder itself, not a link to one.

    FileNotFoundError passes through: a missing folder is the caller's to handle.
    """
    info = path.lstat()
    if stat.S_ISLNK(info.st_mode):
        raise UnsafePath(path, "is a symbolic link; the tool does not follow links")
    if not stat.S_ISDIR(info.st_mode):
        raise UnsafePath(path, "is not a folder")


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of the regular file `path`, opened without following a symbolic link.

    A link, a FIFO, a device or a folder raises UnsafePath, and so does a file longer
    than `limit` bytes: at most `limit + 1` bytes are read, whatever its size claims.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UnsafePath(path, "is a symbolic link; the tool does not follow links") from None
        raise
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise UnsafePath(path, "is not a regular file")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise UnsafePath(path, f"is over {limit:,} bytes, the limit")
    return data


@contextmanager
def project_lock(folder: Path, what: str) -> Iterator[None]:
    """Hold `folder/.lock` exclusively while a command changes the project.

    A second command waits for the first, saying so once. The lock is a POSIX record
    lock (`lockf`), which belongs to this process alone: the system frees it when the
    process ends, even if a child it forked lives on.
    """
    folder.mkdir(parents=True, exist_ok=True)
    real_folder(folder)
    fd = os.open(folder / ".lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EACCES, errno.EAGAIN):
                raise
            log.warning("waiting for another readinglist command to finish before %s", what)
            fcntl.lockf(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def utf8_text(data: bytes) -> str:
    """`data` as UTF-8 text (a byte-order mark is allowed), or NotText with the line of
    the first byte that is not, and what to do about it."""
    again = "; save it as UTF-8 and try again"
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # what Windows' Notepad calls "Unicode"
        raise NotText(f"not UTF-8 text: it begins as UTF-16 does{again}", 1)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise NotText(f"not UTF-8 text (byte 0x{data[exc.start]:02x}){again}", line) from None


def list_folder(folder: Path, shown: str) -> tuple[list[str], list[Problem]]:
    """The names in a content folder, sorted (none if it does not exist), and problems:
    a folder that is a symbolic link is not read, and a name that is not UTF-8 is
    reported (escaped) and left out."""
    try:
        real_folder(folder)
        names = sorted(os.listdir(folder))
    except FileNotFoundError:
        return [], []
    except UnsafePath as exc:
        return [], [Problem(shown, 0, exc.reason)]
    kept, problems = [], []
    for name in names:
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:
            shown_name = os.fsencode(name).decode("utf-8", "backslashreplace")
            problems.append(Problem(f"{shown}/{shown_name}", 0, "the file name is not UTF-8"))
        else:
            kept.append(name)
    return kept, problems
