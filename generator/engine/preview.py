"""What `readinglist serve` adds to a build: quick rebuilds, and content errors in the browser.

`readinglist serve` runs MkDocs' live preview with its public `dirty` build, and marks
the configuration (`FLAG` in `extra`). Each rebuild then regenerates `build/preview/`,
which rewrites only the files whose bytes changed, and MkDocs rebuilds only the pages
whose source is newer than their output. Generating recalls what an edit left alone:
records whose file's bytes are unchanged (`RECORDS`), and pages, citations, maps, feeds
and words whose inputs are (`RECALL`). Two things keep that equal to a clean build:

- `keep_or_clear`: when something every page shows has changed (the navigation and its
  icons, the configuration, the theme overrides, the engine's versions), the site
  folder is emptied first, so that every page is built again;
- `remove_stale`: outputs of pages and files that no longer exist are deleted.

MkDocs' server finds edits by polling: every half second it takes a snapshot of each
file it watches. It watches `content/` between rebuilds only (`ContentWatch`).

A build whose content fails to load is made from an empty folder instead, with the
error in `config.extra`; its 404 page, which MkDocs' server returns for every path,
shows it as text and reloads every two seconds (`overrides/404.html`), so the page comes
back by itself once the file is fixed. Each build prints one line with its time.
Elsewhere a content error stops the build as before.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
from importlib import metadata
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.exceptions import PluginError

from generator.content.files import file_stats, real_folder, write_atomic
from generator.content.recall import NOTHING_KEPT, Recall
from generator.content.store import KeptRecords, Layout

FLAG = "readinglist_preview"
"""Set in `extra` by `readinglist serve` (`engine.build.serve`)."""
MARKER = ".readinglist-preview"
"""In the served site folder: the key of what every page of it shows."""
ENGINE = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "jinja2")
log = logging.getLogger("generator.preview")
_clock = {"started": 0.0}


class TemplateCache(jinja2.BytecodeCache):
    """Compiled theme templates, kept in memory for the life of the preview.

    Each rebuild loads the configuration, and with it a new Jinja environment that
    would compile Material's templates again (a quarter of a second). Jinja keys each
    entry by the template's name and checks it against a digest of its source, so an
    edited override is compiled anew: what comes out is what compiling gives.
    """

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


TEMPLATES = TemplateCache()
RECORDS = KeptRecords()
"""Records parsed from their files' bytes, kept between rebuilds (`store.KeptRecords`)."""
RECALL = Recall()
"""Pages, citations, maps, feeds and words by all they are made from, kept between
rebuilds (`content.recall`)."""


def kept(config: Any) -> tuple[KeptRecords | None, Recall]:
    """What the preview keeps between rebuilds; nothing, elsewhere."""
    return (RECORDS, RECALL) if is_preview(config) else (None, NOTHING_KEPT)


def is_preview(config: Any) -> bool:
    return bool(config.extra.get(FLAG))


class ContentWatch:
    """`content/`, watched by MkDocs' server between rebuilds only.

    The server's poller takes a snapshot of every file it watches twice a second, in
    the process that rebuilds: at 10,000 papers each snapshot held the interpreter for
    a quarter of a second, which made a rebuild 1 to 3.5 s slower. So a rebuild stops
    watching `content/` and notes what it holds (`pause`). When the rebuild ends, the
    server watches it again, and sees every edit from then on; an edit saved while
    the rebuild ran rewrites a file the server also watches (`TRIGGER`), which starts
    the next rebuild (`resume`).
    """

    TRIGGER = ".preview-edited"
    """In `build/`: rewritten when `content/` changed while a rebuild ran."""

    def __init__(self) -> None:
        self.server: Any = None
        self.content = self.trigger = Path()
        self.paused = False
        self.seen: dict[str, tuple[int, int]] | None = None
        """What `content/` held when the rebuild began; None if it could not be read."""

    def start(self, server: Any, layout: Layout) -> None:
        self.server, self.content = server, layout.content
        real_folder(layout.build)  # `generate` made it; never a link
        self.trigger = layout.build / self.TRIGGER
        write_atomic(self.trigger, "", durable=False)  # the server watches what exists
        server.watch(str(self.trigger))
        self._watch()

    def pause(self) -> None:
        if self.server is None or self.paused:
            return  # not serving (a build, or `serve`'s first), or paused already
        self.server.unwatch(str(self.content))
        self.paused = True
        self.seen = _held(self.content)

    def resume(self) -> None:
        if not self.paused:
            return
        self._watch()  # from here on, the server sees each edit
        self.paused = False
        if self.seen is None or _held(self.content) != self.seen:
            write_atomic(self.trigger, str(time.time_ns()), durable=False)

    def _watch(self) -> None:
        """Made if a list emptied in git has none: MkDocs refuses to watch a folder that
        is not there."""
        self.content.mkdir(exist_ok=True)
        self.server.watch(str(self.content))


def _held(folder: Path) -> dict[str, tuple[int, int]] | None:
    """Size and time of each file in `folder`; None if it cannot be read (a folder
    nested past the system's longest path, one removed while it is read): the rebuild
    then reports the problem, not a traceback."""
    try:
        return file_stats(folder)
    except OSError:
        return None


WATCH = ContentWatch()


def started() -> None:
    """A build begins: under `serve`, `content/` is not watched until it ends."""
    _clock["started"] = time.monotonic()
    WATCH.pause()


def failed(config: Any, message: str) -> Any:
    """Stop the build; in the preview, build the error page instead."""
    if not is_preview(config):
        raise PluginError(message)
    log.error(message)
    empty = Path(config.docs_dir).parent / "error"
    shutil.rmtree(empty, ignore_errors=True)
    empty.mkdir(exist_ok=True)
    real_folder(empty)  # a link left there is refused, not built from
    config.docs_dir = str(empty)
    config.nav = []
    config.extra["build_error"] = message
    return config


NAV_META = ("icon", "subtitle", "status")
"""What Material's navigation shows of each page's front matter, beside its title."""


def shared_key(config: Any, nav: Any) -> str:
    """A digest of what every page shows, beyond its own source: the navigation (with
    its pages' icons), the configuration files, the theme overrides, the error shown,
    the engine's versions."""
    digest = hashlib.blake2b(digest_size=16)
    parts = {
        "nav": config.nav,
        "nav_meta": [[page.file.src_uri, *map(page.meta.get, NAV_META)] for page in nav.pages],
        "docs_dir": config.docs_dir,
        "site_url": config.site_url,
        "extra": {k: str(v) for k, v in sorted(config.extra.items())},
        "versions": [_version(name) for name in ENGINE],
    }
    digest.update(json.dumps(parts, sort_keys=True, default=str).encode())
    folders = [Path(config.config_file_path), *map(Path, config.theme.dirs[:1])]
    for path in folders:
        for file in sorted(path.rglob("*")) if path.is_dir() else [path]:
            if file.is_file():
                digest.update(f"\0{file}\0".encode() + file.read_bytes())
    return digest.hexdigest()


def _version(name: str) -> str:
    try:
        return f"{name}=={metadata.version(name)}"
    except metadata.PackageNotFoundError:
        return f"{name} missing"


def keep_or_clear(config: Any, nav: Any) -> None:
    """Empty the site folder when what every page shows has changed since its last build.

    A dirty build reads only the pages it builds, but each built page's navigation shows
    the others' icons: every page of the navigation is read here, as a clean build does."""
    for page in nav.pages:
        page.read_source(config)
    site = Path(config.site_dir)
    marker = site / MARKER
    key = shared_key(config, nav)
    try:
        if marker.read_text(encoding="utf-8") == key:
            return
    except OSError:
        pass
    if site.is_dir():
        for entry in os.scandir(site):
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
    site.mkdir(parents=True, exist_ok=True)
    marker.write_text(key, encoding="utf-8")


def remove_stale(config: Any, outputs: set[str]) -> None:
    """Delete what the site folder holds beyond this build's outputs: the pages of
    deleted records, a search shard no longer needed; and the folders that leaves empty.

    One walk, from the deepest folders up, that knows which folders still hold
    something: at 10,000 papers, a path object and a listing per folder took 0.4 s of
    every rebuild."""
    for name in config.theme.static_templates:
        outputs |= {name, f"{name}.gz"}
    site = os.path.normpath(config.site_dir)
    holding: set[str] = set()  # folders (relative) with something left in them
    for folder, folders, names in os.walk(site, topdown=False):
        rel = folder[len(site) + 1 :].replace(os.sep, "/")  # os.walk joins onto `site`
        base = f"{rel}/" if rel else ""
        left = False
        for name in names:
            if f"{base}{name}" in outputs or (not rel and name == MARKER):
                left = True
            else:
                os.unlink(os.path.join(folder, name))
        for name in folders:
            if f"{base}{name}" in holding:
                left = True
                continue
            try:  # an empty folder goes; a link to one stays (rmdir refuses it)
                os.rmdir(os.path.join(folder, name))
            except OSError:
                left = True
        if left:
            holding.add(rel)


def built(config: Any) -> None:
    WATCH.resume()
    if is_preview(config):
        outcome = "failed" if config.extra.get("build_error") else "built"
        log.info("Site %s in %.1f s", outcome, time.monotonic() - _clock["started"])


def on_build_error(error: Exception) -> None:
    """MkDocs' event (`hooks` imports it): after a failed rebuild too, `content/` is
    watched again."""
    WATCH.resume()


def serving(config: Any, server: Any) -> None:
    """Watch `content/` (`ContentWatch`); `mkdocs.yml` cannot name it, as a list emptied
    in git has none. Not `docs_dir`: each rebuild regenerates it first, and watching it
    too would build each edit twice."""
    server.unwatch(config.docs_dir)
    WATCH.start(server, Layout(Path(config.config_file_path).parent))
    log.info("Serving on %s", config.site_url)
