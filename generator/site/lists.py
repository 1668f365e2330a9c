"""Long lists of papers, split into static pages: a theme, a tag or Unsorted with
thousands of papers shows `LIST_PAGE` cards a page (its first page at its usual address,
the others at `<address>/2`, `/3`, ...), each page with links to all of them, so every
paper stays reachable without a script, and no page grows with the library."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import TypeVar

from markupsafe import Markup

LIST_PAGE = 100
"""Cards on one page of a list: with a theme's map, under 300 KB of HTML, which a phone
lays out quickly."""
Item = TypeVar("Item")


def chunked(items: Sequence[Item], size: int = LIST_PAGE) -> list[Sequence[Item]]:
    """`items` in pages of `size`; one empty page for none."""
    return [items[start : start + size] for start in range(0, len(items), size)] or [items[:0]]


def page_paths(first: str, count: int) -> list[str]:
    """`theme/x.md` and the pages after it: `theme/x/2.md`, `theme/x/3.md`, ..."""
    base = first.removesuffix(".md")
    return [first, *(f"{base}/{n}.md" for n in range(2, count + 1))]


def paged(
    first: str, items: Sequence[Item], href: Callable[[str, str], str], before: int = 0
) -> list[tuple[int, str, Sequence[Item], Markup]]:
    """Each page of a list whose first page is `first`: its index, its path, its items
    and its pager (`href(here, target)` links between them). `before` papers are shown
    above the list on its first page (a theme's "Start here"), and counted with it."""
    chunks = chunked(items)
    paths = page_paths(first, len(chunks))
    return [
        (n, here, chunk, pager(paths, n, before + len(items), partial(href, here), before))
        for n, (here, chunk) in enumerate(zip(paths, chunks, strict=True))
    ]


def pager(
    paths: list[str], index: int, total: int, href: Callable[[str], str], before: int = 0
) -> Markup:
    """Which papers a page shows, and a link to every page of the list (none for one).
    The first page also shows the `before` papers above the list."""
    if len(paths) == 1:
        return Markup("")
    first = 1 if index == 0 else before + index * LIST_PAGE + 1
    last = min(total, before + (index + 1) * LIST_PAGE)
    items = "".join(
        f'<li><a href="{href(path)}"'
        + (' aria-current="page"' if n == index else "")
        + f">{n + 1}</a></li>"
        for n, path in enumerate(paths)
    )
    return Markup(
        f'<nav class="rl-list-pages" aria-label="Pages of this list"><p>Papers {first:,}–'
        f"{last:,} of {total:,}. Pages:</p><ul>{items}</ul></nav>"
    )
