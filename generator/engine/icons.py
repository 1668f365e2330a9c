"""Where the site theme keeps its icons, which a theme's `icon` must name
(`site.icons` checks it): MkDocs' theme folders, without the rest of MkDocs."""

from __future__ import annotations

from pathlib import Path


def icon_folders(theme_dirs: list[str]) -> tuple[str, ...]:
    """`.icons` in each of the theme's folders, the project's `custom_dir` first
    (Material's documented place for icons of one's own)."""
    return tuple(str(Path(folder, ".icons")) for folder in theme_dirs)


def project_icon_folders(root: Path) -> tuple[str, ...]:
    """`icon_folders` without loading the whole configuration and its plugins, for
    `check`: Material with the project's `overrides/`, as `mkdocs.yml` sets it up."""
    from mkdocs.theme import Theme

    overrides = root / "overrides"
    theme = Theme(name="material", custom_dir=str(overrides) if overrides.is_dir() else None)
    return icon_folders(theme.dirs)
