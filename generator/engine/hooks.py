"""MkDocs hook: `mkdocs build` and `mkdocs serve` from the project root generate first.

`mkdocs.yml` names this file under `hooks:`. It runs the same `generate` as
`readinglist generate` and gives MkDocs the generated navigation; the pages are
already in `build/docs/`, which the root configuration reads. Nothing else: the
generated folder builds the same without this hook (`mkdocs build -f build/mkdocs.yml`).

Under `readinglist serve` (which sets `PREVIEW` in the environment) a content error does
not stop the preview. The site is built from an empty folder instead, and its 404 page,
which MkDocs serves for every path, shows the error (`overrides/404.html`); each
rebuild prints one line with its time.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

from generator.content.files import real_folder
from generator.content.store import Layout
from generator.engine.build import site_options
from generator.errors import ContentError, ReadingListError
from generator.site.generate import generate

PREVIEW = "READINGLIST_PREVIEW"
log = logging.getLogger("generator.preview")
_started = 0.0


def on_config(config: Any) -> Any:
    global _started
    _started = time.monotonic()
    root = Path(config.config_file_path).parent
    try:
        generated = generate(Layout(root), site_options(config, root))
    except ContentError as exc:
        problems = "\n".join(str(p) for p in exc.problems)
        return _failed(config, f"{exc}:\n{problems}")
    except ReadingListError as exc:
        return _failed(config, str(exc))
    config.nav = generated.nav
    return config


def _failed(config: Any, message: str) -> Any:
    """Stop a build; in the preview, build the error page instead."""
    if not os.environ.get(PREVIEW):
        raise PluginError(message)
    log.error(message)
    empty = Path(config.docs_dir).parent / "error"
    shutil.rmtree(empty, ignore_errors=True)
    empty.mkdir()
    real_folder(empty)
    config.docs_dir = str(empty)
    config.nav = []
    config.extra["build_error"] = message
    return config


def on_post_build(config: Any) -> None:
    if os.environ.get(PREVIEW):
        outcome = "failed" if config.extra.get("build_error") else "built"
        log.info("Site %s in %.1f s", outcome, time.monotonic() - _started)


def on_serve(server: Any, config: Any, builder: Any) -> Any:
    # Every rebuild regenerates `docs_dir` from content/ first: watching it too would
    # rebuild a second time after each edit, for the pages the first one wrote.
    server.unwatch(config.docs_dir)
    log.info("Serving on %s", config.site_url)
    return server
