"""What `readinglist serve` adds to a build: a content error does not stop the preview.

`readinglist serve` sets `PREVIEW` in the environment. Then a build whose content fails
to load is made from an empty folder instead, with the error in `config.extra`; its 404
page, which MkDocs' server returns for every path, shows it as text and reloads every
two seconds (`overrides/404.html`), so the page comes back by itself once the file is
fixed. Each build prints one line with its time. Elsewhere a content error stops the
build as before.
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

PREVIEW = "READINGLIST_PREVIEW"
log = logging.getLogger("generator.preview")
_clock = {"started": 0.0}


def started() -> None:
    _clock["started"] = time.monotonic()


def failed(config: Any, message: str) -> Any:
    """Stop the build; in the preview, build the error page instead."""
    if not os.environ.get(PREVIEW):
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


def built(config: Any) -> None:
    if os.environ.get(PREVIEW):
        outcome = "failed" if config.extra.get("build_error") else "built"
        log.info("Site %s in %.1f s", outcome, time.monotonic() - _clock["started"])


def serving(config: Any) -> None:
    log.info("Serving on %s", config.site_url)
