"""The Jinja environment the pages are rendered with.

Nothing a template prints is escaped by Jinja (the pages are Markdown, not HTML): a
value the code did not mark safe is made inert Markdown by `markup.inline`.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import jinja2
from markupsafe import Markup

from generator.site import markup


def _finalize(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Markup):
        return value
    return markup.inline(str(value))


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """One environment per process, so `serve` compiles the templates once."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("generator.site", "templates"),
        finalize=_finalize,
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["number"] = number
    env.filters["count"] = count
    return env


def number(count: int) -> Markup:
    """A count as the pages and the All papers table write it: 3,121."""
    return Markup(f"{count:,}")


def count(n: int, noun: str) -> Markup:
    """`1 paper`, `3,121 papers`."""
    return Markup(f"{n:,} {noun}{'' if n == 1 else 's'}")
