"""Skip generation when nothing it reads has changed since it last filled the folder.

A rebuild after editing only the theme overrides, CSS or MkDocs settings would
otherwise regenerate every page to the same bytes: five seconds at 10,000 papers.
After a complete generation, `docs_dir/.generated.json` records a key over all it
read and the size and modification time of every file it left in the folder. The
key covers every file under `content/` but the raw listings, the generator's own
code and templates, the versions of Python and of the libraries that shape its
output, the site options and the build date. The next generation with the same key,
over a folder still exactly as listed, reuses it. Anything else regenerates. The record
is removed before a generation starts and written only once it has completed, so it
never vouches for a folder that a failed or killed run left behind; serving never
writes one.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from generator.content.files import UnsafePath, file_stats, read_regular, write_atomic
from generator.site.paths import SiteOptions

NAME = ".generated.json"
_MAX_BYTES = 20_000_000
"""More than any file generation reads may hold (loading refuses records over 1 MB)."""
# Libraries whose versions can change what the generator writes.
LIBRARIES = (
    "jinja2",
    "markdown",
    "markupsafe",
    "nh3",
    "feedgen",
    "networkx",
    "numpy",
    "scipy",
    "python-slugify",
    "pyyaml",
)
_PACKAGE = Path(__file__).parent


def generation_key(content: Path, options: SiteOptions) -> str | None:
    """A digest of everything generation reads; None if a file cannot be read (loading
    then says why). `content/sources/` is left out: generation never reads the raw
    listings."""
    if content.is_symlink():
        return None  # loading refuses it, before reading anything through it
    digest = hashlib.blake2b(digest_size=20)
    digest.update(json.dumps([asdict(options), sys.version, _versions()]).encode())
    for folder, prefix in ((_PACKAGE.parent, "generator/"), (content, "content/")):
        for rel in _files(str(folder)):
            if prefix == "content/" and rel.startswith("sources/"):
                continue
            try:
                data = read_regular(folder / rel, _MAX_BYTES)
            except (OSError, UnsafePath):
                return None
            name = f"\0{prefix}{rel}\0{len(data)}\0".encode("utf-8", "surrogateescape")
            digest.update(name + data)
    return digest.hexdigest()


def _versions() -> list[str]:
    versions = []
    for name in LIBRARIES:
        try:
            versions.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} missing")
    return versions


def _files(folder: str) -> list[str]:
    """Relative paths of every file below `folder` (none if it does not exist), sorted,
    bytecode left out. Links are not followed, and the walk is a loop, not a recursion:
    a repository may hold a folder a thousand levels deep."""
    found: list[str] = []
    pending = [""] if os.path.isdir(folder) and not os.path.islink(folder) else []
    while pending:
        rel = pending.pop()
        with os.scandir(os.path.join(folder, rel)) as entries:
            for entry in entries:
                path = f"{rel}{entry.name}"
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__":
                        pending.append(f"{path}/")
                elif not entry.name.endswith(".pyc"):
                    found.append(path)
    return sorted(found)


@dataclass
class Manifest:
    """What a complete generation left in the folder, under the key it was made for."""

    key: str
    nav: list[Any]
    files: dict[str, list[int]]
    """Relative path -> [size, modification time in ns], every file but dotfiles."""

    @classmethod
    def read(cls, docs_dir: Path) -> Manifest | None:
        try:
            data = json.loads(read_regular(docs_dir / NAME, 10 * _MAX_BYTES))
            return cls(**data)
        except (OSError, UnsafePath, ValueError, TypeError):
            return None

    def holds(self, docs_dir: Path) -> bool:
        """Is the folder still exactly as this generation left it?"""
        return file_stats(docs_dir) == {rel: tuple(stat) for rel, stat in self.files.items()}

    @classmethod
    def record(cls, docs_dir: Path, key: str, nav: list[Any]) -> None:
        files = {rel: list(stat) for rel, stat in file_stats(docs_dir).items()}
        manifest = cls(key, nav, files)
        write_atomic(docs_dir / NAME, json.dumps(asdict(manifest)), durable=False)

    @staticmethod
    def forget(docs_dir: Path) -> None:
        (docs_dir / NAME).unlink(missing_ok=True)
