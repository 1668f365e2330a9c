"""Render the page chrome that paper pages share once per build, not once per page.

Material renders the navigation, the tabs, the footer, the search box, the palette
toggle, the repository link and its configuration and script tags for every page.
For a page outside the navigation (every paper page) those parts cannot differ from
one page to the next, except through relative links, which depend only on how deep
the page sits: `base_url`. So the theme overrides in `overrides/` wrap them in
`{% call shared(...) %}`, and the first paper page at each depth renders them; the
others reuse that text. Pages in the navigation render everything themselves (their
tab and entry are marked active).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
import material

MATERIAL_TEMPLATES = Path(material.__file__).parent / "templates"
# Overrides include Material's own partial of the same name under this prefix.
PREFIX = "material"


class SharedChrome:
    """The `shared` template function: one rendering per fragment and depth."""

    def __init__(self) -> None:
        self.rendered: dict[tuple[str, str], str] = {}
        # Pages in the navigation, by identity: `Page.__eq__` compares titles, and this
        # is asked eight times per page.
        self.in_nav: set[int] | None = None

    def __call__(
        self, name: str, page: Any, nav: Any, base_url: str, caller: Callable[[], str]
    ) -> str:
        if page is None or nav is None:
            return caller()
        if self.in_nav is None:
            self.in_nav = {id(p) for p in nav.pages}
        if id(page) in self.in_nav:
            return caller()
        key = (name, base_url)
        if key not in self.rendered:
            self.rendered[key] = caller()
        return self.rendered[key]


def install(env: jinja2.Environment) -> None:
    """Give the theme's templates `shared` and a way to include Material's originals."""
    originals = jinja2.PrefixLoader({PREFIX: jinja2.FileSystemLoader(MATERIAL_TEMPLATES)})
    env.loader = jinja2.ChoiceLoader([loader for loader in (env.loader, originals) if loader])
    env.globals["shared"] = SharedChrome()
