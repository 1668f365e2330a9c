"""Skip generation when nothing it reads has changed since it last filled the folder.

A rebuild after editing only the theme overrides, CSS or MkDocs settings would
otherwise regenerate every page to the same bytes: five seconds at 10,000 papers.
After a complete generation, `docs_dir/.generated.json` records a key over all it
read and the size and modification time of every file it left in the folder. The
key covers every file under `content/` but the raw listings, the generator's own
code and templates, the versions of Python and of the libraries that shape its
output, the site options and the build date. The next generation with the same key,
over a folder still exactly as listed, reuses it. Anything else, including a
transaction `ingest` left unfinished, regenerates. The record is removed before a
generation starts and written only once it has completed, so it never vouches for a
folder that a failed or killed run left behind; serving never writes one.

The key is computed before generating only when there is a record to compare it
with. Otherwise it is computed after the records are loaded, from digests of the
bytes the loader read: the key then describes exactly what was generated from, even
if a record changes meanwhile.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from .files import UnsafePath, file_stats, read_regular, write_atomic
from .render import SiteOptions

NAME = ".generated.json"
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


def generation_key(
    content: Path,
    options: SiteOptions,
    build_date: str,
    records: Mapping[str, bytes] | None = None,
) -> str | None:
    """A digest of everything generation reads; None while a write to `content/` is
    unfinished (the next load completes or drops it).

    `records` holds the `record_digest` of each record file in `content/papers/`, by
    file name, when the caller has just read them (`store.Reading`): they are not
    read again. None is returned too if the folder no longer holds exactly those.
    `content/sources/` is left out: generation never reads the raw listings.
    """
    digest = hashlib.blake2b(digest_size=20)
    digest.update(json.dumps([asdict(options), build_date, sys.version, _versions()]).encode())
    for rel in _files(str(_PACKAGE)):
        with open(os.path.join(_PACKAGE, rel), "rb") as handle:
            data = handle.read()
        digest.update(f"\0generator/{rel}\0{len(data)}\0".encode("utf-8", "surrogateescape"))
        digest.update(data)
    listed = set()
    for rel in _files(str(content)):
        if rel.startswith("sources/"):
            continue
        name = rel.removeprefix("papers/")
        if name != rel and "/" not in name and name.endswith(".yml"):
            listed.add(name)
            if records is not None and name not in records:
                return None
            try:
                record = records[name] if records is not None else _digest_of(content / rel)
            except (OSError, UnsafePath):
                return None  # loading reports it
            digest.update(f"\0content/{rel}\0record\0".encode("utf-8", "surrogateescape") + record)
            continue
        try:
            data = read_regular(content / rel, _MAX_BYTES)
        except (OSError, UnsafePath):
            return None  # loading reports it
        digest.update(f"\0content/{rel}\0{len(data)}\0".encode("utf-8", "surrogateescape"))
        digest.update(data)
    if records is not None and listed != records.keys():
        return None
    return digest.hexdigest()


_MAX_BYTES = 20_000_000
"""More than any file generation reads may hold (loading refuses records over 1 MB)."""


def record_digest(data: bytes) -> bytes:
    """What stands for a record file's bytes in the key."""
    return hashlib.blake2b(data, digest_size=20).digest()


def _digest_of(path: Path) -> bytes:
    return record_digest(read_regular(path, _MAX_BYTES))


def _versions() -> list[str]:
    versions = []
    for name in LIBRARIES:
        try:
            versions.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} missing")
    return versions


def _files(folder: str, rel: str = "") -> list[str]:
    """Relative paths of every file below `folder` (none if it does not exist), sorted,
    bytecode left out."""
    found: list[str] = []
    if not os.path.isdir(os.path.join(folder, rel)):
        return found
    with os.scandir(os.path.join(folder, rel)) as entries:
        for entry in entries:
            path = f"{rel}{entry.name}"
            if entry.is_dir(follow_symlinks=False):
                if entry.name != "__pycache__":
                    found += _files(folder, f"{path}/")
            elif not entry.name.endswith(".pyc"):
                found.append(path)
    return sorted(found)


@dataclass
class Manifest:
    """What a complete generation left in the folder, under the key it was made for."""

    key: str
    nav: list[Any]
    downloads: list[str]
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
    def record(cls, docs_dir: Path, key: str, nav: list[Any], downloads: set[str]) -> None:
        files = {rel: list(stat) for rel, stat in file_stats(docs_dir).items()}
        manifest = cls(key, nav, sorted(downloads), files)
        write_atomic(docs_dir / NAME, json.dumps(asdict(manifest)), durable=False)

    @staticmethod
    def forget(docs_dir: Path) -> None:
        (docs_dir / NAME).unlink(missing_ok=True)
