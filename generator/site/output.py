"""The site folder: built beside it, then swapped in whole, and only over a site.

A build that fails or is killed leaves the previous site exactly as it was. The
folder is replaced only if an earlier build made it (`SITE_MARKER`), and never when
it is, holds or lies in one of the project's own folders.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import tempfile
from pathlib import Path

from generator.content.files import is_alive, umask
from generator.errors import ReadingListError

_RENAME_EXCHANGE = 2


class BuildError(ReadingListError):
    """The site could not be built."""


def staging_for(site_dir: Path, root: Path) -> Path:
    """A new empty folder beside `site_dir` to build into, once `site_dir` is checked."""
    check_site_dir(site_dir, root)
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(site_dir)
    prefix = f".{site_dir.name}-new-{os.getpid()}-"
    staging = Path(tempfile.mkdtemp(prefix=prefix, dir=site_dir.parent))
    staging.chmod(0o777 & ~umask())  # mkdtemp's is 0700: a web server could not read it
    return staging


def publish(staging: Path, site_dir: Path) -> None:
    """Mark the finished build as a site, and put it in place of `site_dir`."""
    (staging / SITE_MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    swap_into_place(staging, site_dir)


SITE_MARKER = ".readinglist-site"
"""A file in every built site: only a folder that holds one is ever replaced."""
MARKER_TEXT = "Built by readinglist: the next build replaces this folder.\n"
_PROTECTED = ("content", "build", "generator", "overrides", "tests", ".git")
"""Folders of a project that a site folder may not be, hold or lie in."""


def check_site_dir(site_dir: Path, root: Path) -> None:
    """Refuse a site folder whose replacement would destroy something.

    The build replaces the whole folder, so it must be a site an earlier build made
    (it holds `SITE_MARKER`), or empty, or not exist yet; and it must not be the
    project, hold it, or be, hold or lie in a folder of the project's sources.
    """
    shown = site_dir.name or str(site_dir).rstrip("/")  # "/" is shown as "/", not "//"
    # As written and as the links resolve: either way must stay clear of the project.
    for where, top in [
        (Path(os.path.normpath(site_dir)), Path(os.path.normpath(root))),
        (Path(os.path.realpath(site_dir)), Path(os.path.realpath(root))),
    ]:
        if where == top or top.is_relative_to(where):
            raise BuildError(f"the site folder {shown}/ would replace the project; choose another")
        for name in _PROTECTED:
            folder = top / name
            if where.is_relative_to(folder) or folder.is_relative_to(where):
                raise BuildError(
                    f"the site folder {shown}/ would replace {name}/ of the project; choose another"
                )
    if site_dir.is_symlink():
        raise BuildError(f"the site folder {shown}/ is a symbolic link; choose another")
    if site_dir.exists():
        if not site_dir.is_dir():
            raise BuildError(f"{shown} is a file, not a site folder; choose another")
        if any(site_dir.iterdir()) and not os.path.isfile(site_dir / SITE_MARKER):
            raise BuildError(
                f"{shown}/ holds files that no build made (it has no {SITE_MARKER}); "
                "the build would delete them: remove the folder or choose another"
            )


def swap_into_place(new: Path, target: Path) -> None:
    """Replace `target` with `new` in one step where the OS allows it."""
    if not target.exists():
        os.rename(new, target)
        return
    if _exchange(new, target):
        shutil.rmtree(new)  # now holds the old site
        return
    old = target.with_name(f".{target.name}-old-{os.getpid()}")
    os.rename(target, old)
    os.rename(new, target)
    shutil.rmtree(old)


def _exchange(a: Path, b: Path) -> bool:
    """Linux renameat2(RENAME_EXCHANGE): swap two directories atomically."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def _remove_leftovers(site_dir: Path) -> None:
    """Staging folders of builds that were killed part way (never a live build's)."""
    for kind in ("new", "old"):
        remove_dead(site_dir.parent, f".{site_dir.name}-{kind}-")


def remove_dead(folder: Path, prefix: str) -> None:
    """Remove the folders `<prefix><pid>-...` in `folder` whose process is gone: what a
    build or bundle killed part way left behind (never a running one's)."""
    for path in folder.glob(f"{prefix}*"):
        pid = path.name.removeprefix(prefix).partition("-")[0]
        # The name is the repository's to choose: a pid has at most 10 digits.
        if pid.isdigit() and len(pid) <= 10 and not is_alive(int(pid)) and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
