"""File writing that never leaves a half-written file behind."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path


def write_atomic(path: Path, text: str | bytes) -> bool:
    """Write bytes (or text as UTF-8) via a temporary file and a rename.

    Unchanged files are left alone. Returns True when the file changed.
    """
    data = text.encode("utf-8") if isinstance(text, str) else text
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def sync_folder(folder: Path, files: Mapping[str, str | bytes]) -> int:
    """Make `folder` hold exactly `files` (relative path -> text or bytes); dotfiles are kept.

    Only files whose bytes differ are written, so a live-reloading server sees
    just the pages an edit affected. Returns how many files were written or removed.
    """
    changed = sum(write_atomic(folder / rel, text) for rel, text in sorted(files.items()))
    wanted = {folder / rel for rel in files}
    for path in sorted(folder.rglob("*"), reverse=True):
        if path.name.startswith("."):
            continue
        if path.is_file() and path not in wanted:
            path.unlink()
            changed += 1
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return changed
