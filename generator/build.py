"""Build the site with MkDocs into a temporary folder, then swap it into place.

A build that fails or is killed leaves the previous `site/` exactly as it was.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, ConfigurationError, PluginError
from mkdocs.utils.yaml import yaml_load

from .errors import ReadingListError
from .files import is_alive
from .store import Layout

log = logging.getLogger(__name__)
_RENAME_EXCHANGE = 2


class BuildError(ReadingListError):
    """MkDocs could not build the site."""


def build_site(
    config_file: Path,
    site_dir: Path,
    strict: bool = False,
    offline: bool = False,
    **overrides: Any,
) -> Path:
    """Build into a sibling temporary folder and atomically replace `site_dir`.

    `offline` builds the copy that is opened from disk: relative `.html` links and an
    inlined search index (Material's offline plugin).
    """
    site_dir = site_dir.absolute()
    check_site_dir(site_dir, config_file.parent.absolute())
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(site_dir)
    staging = Path(
        tempfile.mkdtemp(prefix=f".{site_dir.name}-new-{os.getpid()}-", dir=site_dir.parent)
    )
    try:
        if offline:
            overrides["use_directory_urls"] = False
        ensure_docs_dir(config_file)
        config = load_config(
            config_file=str(config_file), site_dir=str(staging), strict=strict, **overrides
        )
        if offline:
            config.plugins["material/offline"].config.enabled = True
        mkdocs_build(config)
    except Abort:
        # MkDocs has already logged what went wrong (content errors come with their
        # file and line, from the hook).
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildError(f"the build failed; {site_dir.name}/ was left as it was") from None
    except (ConfigurationError, PluginError) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildError(f"the build failed: {exc}") from None
    except OSError as exc:  # a full disk, a permission, a folder in a file's place
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildError(
            f"the build failed: {_file_problem(exc, Layout(config_file.parent.absolute()))}; "
            f"{site_dir.name}/ was left as it was"
        ) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    (staging / SITE_MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    swap_into_place(staging, site_dir)
    return site_dir


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
    shown = site_dir.name or str(site_dir)
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


def _file_problem(exc: OSError, layout: Layout) -> str:
    """What went wrong and with which file: `Is a directory: build/docs/index.md`.

    A file is written through a temporary one and a rename, so the file meant is the
    rename's target (`filename2`) when there is one.
    """
    target = exc.filename2 or exc.filename
    what = exc.strerror or str(exc)
    return f"{what}: {layout.rel(Path(os.fsdecode(target)))}" if target else what


def ensure_docs_dir(config_file: Path) -> None:
    """Create `mkdocs.yml`'s `docs_dir` if it is missing.

    It holds only generated pages, so `rm -rf build` is a fair way to clean up, but
    MkDocs refuses a configuration whose `docs_dir` does not exist, before the hook
    that would fill it runs.
    """
    with open(config_file, "rb") as handle:
        docs_dir = yaml_load(handle).get("docs_dir")
    if isinstance(docs_dir, str):
        (config_file.parent / docs_dir).mkdir(parents=True, exist_ok=True)


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
        prefix = f".{site_dir.name}-{kind}-"
        for path in site_dir.parent.glob(f"{prefix}*"):
            pid = path.name.removeprefix(prefix).partition("-")[0]
            if pid.isdigit() and not is_alive(int(pid)) and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
