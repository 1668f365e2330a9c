"""MkDocs hook: `mkdocs build` and `mkdocs serve` from the project root generate first.

`mkdocs.yml` names this file under `hooks:`. It runs `readinglist generate`'s `generate`,
gives MkDocs the navigation and spares raw HTML a parse (`lift`); the generated folder
builds the same without it. Under `serve`, it keeps dirty rebuilds exact (`preview`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generator.content.files import project_lock
from generator.content.store import Layout
from generator.engine import preview
from generator.engine.build import no_edit_links_without_a_repository, site_options
from generator.engine.lift import on_page_content, on_page_markdown  # noqa: F401  (events)
from generator.engine.preview import on_build_error  # noqa: F401  (event)
from generator.errors import ContentError, ReadingListError
from generator.site.generate import generate


def on_config(config: Any) -> Any:
    preview.started()
    no_edit_links_without_a_repository(config)
    layout = Layout(Path(config.config_file_path).parent)
    try:
        options, (kept, recall) = site_options(config, layout.root), preview.kept(config)
        with project_lock(layout.build, "generating"):  # `build` may be filling it too
            generated = generate(layout, options, Path(config.docs_dir), kept, recall)
    except ReadingListError as exc:
        problems = [str(p) for p in exc.problems] if isinstance(exc, ContentError) else []
        config = preview.failed(config, "\n".join([f"{exc}:" if problems else str(exc), *problems]))
    else:
        config.nav = generated.nav
    return config


def on_nav(nav: Any, config: Any, files: Any) -> Any:
    if preview.is_preview(config):
        preview.remove_stale(config, {file.dest_uri for file in files})
        preview.keep_or_clear(config, nav)
    return nav


def on_env(env: Any, config: Any, files: Any) -> Any:
    if preview.is_preview(config):
        env.bytecode_cache = preview.TEMPLATES
    return env


def on_post_build(config: Any) -> None:
    preview.built(config)


def on_serve(server: Any, config: Any, builder: Any) -> Any:
    preview.serving(config, server)
    return server
