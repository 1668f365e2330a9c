"""MkDocs hook: `mkdocs build` and `mkdocs serve` from the project root generate first.

`mkdocs.yml` names this file under `hooks:`. It runs the same `generate` as
`readinglist generate` and gives MkDocs the generated navigation; the pages are
already in `build/docs/`, which the root configuration reads. Nothing else: the
generated folder builds the same without this hook (`mkdocs build -f build/mkdocs.yml`).
Under `readinglist serve` a content error builds the error page instead (`preview`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generator.content.store import Layout
from generator.engine import preview
from generator.engine.build import site_options
from generator.errors import ContentError, ReadingListError
from generator.site.generate import generate


def on_config(config: Any) -> Any:
    preview.started()
    root = Path(config.config_file_path).parent
    try:
        generated = generate(Layout(root), site_options(config, root))
    except ContentError as exc:
        problems = "\n".join(str(p) for p in exc.problems)
        return preview.failed(config, f"{exc}:\n{problems}")
    except ReadingListError as exc:
        return preview.failed(config, str(exc))
    config.nav = generated.nav
    return config


def on_post_build(config: Any) -> None:
    preview.built(config)


def on_serve(server: Any, config: Any, builder: Any) -> Any:
    # Every rebuild regenerates `docs_dir` from content/ first: watching it too would
    # rebuild a second time after each edit, for the pages the first one wrote.
    server.unwatch(config.docs_dir)
    preview.serving(config)
    return server
