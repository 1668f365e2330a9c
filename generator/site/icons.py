"""A theme's `icon`: shown beside its title in the site's navigation, so it must be one
of the site theme's icons (Material's own, or an `.svg` under `overrides/.icons/`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from generator.content.model import Theme
from generator.content.store import Layout, read_yaml
from generator.content.yamlio import top_list
from generator.errors import Problem, quote

ICONS = "https://squidfunk.github.io/mkdocs-material/reference/icons-emojis/"
"""Where Material's icons can be searched for their names."""


def icon_problems(layout: Layout, themes: Sequence[Theme], folders: Sequence[str]) -> list[Problem]:
    """An error at its line for each theme whose icon is none of the `.icons` folders'
    (the theme's folders, `engine.icons.icon_folders`). The schema has already held the
    name to `set/name`, so it names a file inside one of them."""
    missing = [
        theme
        for theme in themes
        if theme.icon and not any(Path(f, f"{theme.icon}.svg").is_file() for f in folders)
    ]
    if not missing:
        return []
    rel = layout.rel(layout.themes)
    data, lines, _ = read_yaml(layout.themes, rel)
    # By id: a theme that does not validate is not among `themes`, but is in the file.
    at = {
        item.get("id"): i
        for i, item in enumerate(top_list(data, "themes") or [])
        if isinstance(item, dict)
    }
    return [
        Problem(
            rel,
            lines.get(("themes", at.get(theme.id), "icon"), 0),
            f"theme {quote(theme.id)}: field 'icon': the site's theme has no icon "
            f"{quote(theme.icon)}, nor is there an overrides/.icons/{theme.icon}.svg; "
            f"find Material's at {ICONS}",
        )
        for theme in missing
    ]
