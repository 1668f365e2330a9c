"""Charts drawn at build time as inline SVG: the theme map, paper maps and source overlap.

Nothing is fetched or computed in the browser. Colours are CSS classes styled with
Material's palette variables (see `readinglist.css`), so the charts follow the light and
dark schemes. Every label is escaped text, and every chart carries a `<title>` and a
`<desc>` as its text alternative.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np
from markupsafe import Markup
from markupsafe import escape as _escape
from scipy import sparse
from scipy.sparse.linalg import ArpackError, svds

from generator.analysis import Linked
from generator.content.identifiers import MONTHS, month_of
from generator.content.model import Library, Paper
from generator.site.markup import xml_chars

Href = Callable[[str], str]
"""Maps a theme or paper id to the URL of its page, relative to the page drawing it."""


def escape(text: str) -> Markup:
    """Text for SVG inside HTML: escaped, and without characters XML cannot hold."""
    return _escape(xml_chars(text))


def _svg(kind: str, width: int, height: int, title: str, desc: str, body: list[str]) -> Markup:
    """The `<svg>` element: scalable and labelled for screen readers; an image, or a group
    when it holds links (an image's parts are hidden from assistive technology)."""
    role = "group" if any("<a " in part for part in body) else "img"
    head = (
        f'<svg class="rl-chart rl-{kind}" viewBox="0 0 {width} {height}" role="{role}" '
        f'aria-labelledby="rl-{kind}-title rl-{kind}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="rl-{kind}-title">{escape(title)}</title>'
        f'<desc id="rl-{kind}-desc">{escape(desc)}</desc>'
    )
    return Markup(head + "".join(body) + "</svg>")


def _fit(points: np.ndarray, width: int, height: int, margin: tuple[float, float]) -> np.ndarray:
    """Stretch points to fill the box inside `margin`, each axis on its own.

    A layout's axes carry no meaning, and filling the box keeps one outlier from
    squeezing everything else into a corner.
    """
    if len(points) == 0:
        return points
    low, high = points.min(axis=0), points.max(axis=0)
    span = np.where(high - low > 1e-9, high - low, 1.0)
    box = np.array([width - 2 * margin[0], height - 2 * margin[1]])
    placed = (points - low) / span * box + np.array(margin)
    # A single point, or points on one line, sit in the middle of the empty axis.
    return np.where(high - low > 1e-9, placed, np.array([width / 2, height / 2]))


OVERLAP_SOURCES = 20
"""The most listing files the overlap grid shows one by one (the largest); the rest are
grouped by month, so the grid stays small however many listings there are."""


def paper_positions(vectors: sparse.csr_matrix) -> np.ndarray:
    """2-D coordinates for papers' TF-IDF rows: their two leading LSA components.

    This is scikit-learn's `TruncatedSVD(n_components=2, algorithm="arpack",
    random_state=0).fit_transform` (`tests/test_related.py` checks the two agree):
    ARPACK's two largest singular triplets from a fixed start vector, each
    component's sign chosen so that its largest loading is positive.
    """
    count = vectors.shape[0]
    in_a_row = np.array([[float(i), 0.0] for i in range(count)]).reshape(-1, 2)
    # With fewer than three distinct words in use (texts of stop words only), there
    # are no two components to find, and ARPACK fails rather than say so.
    if count < 3 or vectors.shape[1] < 3 or _columns_used(vectors) < 3:
        return in_a_row
    start = np.random.RandomState(0).uniform(-1, 1, min(vectors.shape))
    try:
        u, sigma, vt = svds(vectors, k=2, tol=0.0, v0=start)
    except ArpackError:
        return in_a_row
    u, sigma, vt = u[:, ::-1], sigma[::-1], vt[::-1]  # largest first
    signs = np.sign(vt[np.arange(2), np.abs(vt).argmax(axis=1)])
    return np.asarray(u * signs * sigma, dtype=float)


def _columns_used(vectors: sparse.csr_matrix) -> int:
    return len(np.unique(vectors.indices[vectors.data != 0]))


def paper_map(
    theme_title: str, papers: Sequence[Paper], positions: np.ndarray, href: Href
) -> Markup:
    """A scatter of a theme's papers at their `paper_positions`: similar papers sit close."""
    width, height = 800, 420
    points = _fit(positions, width, height, margin=(20, 20))
    body = ['<rect class="rl-frame" x="0.5" y="0.5" width="799" height="419" rx="6"/>']
    for paper, (x, y) in zip(papers, points, strict=True):
        body.append(
            f'<a href="{escape(href(paper.id))}" class="rl-dot" data-paper="{escape(paper.id)}">'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6"><title>{escape(paper.title)}</title>'
            "</circle></a>"
        )
    title = f"Map of the papers in {theme_title}"
    desc = (
        f"{len(papers)} papers placed by the similarity of their titles and abstracts: "
        "papers close together are about similar things. Each dot links to its paper."
    )
    return _svg("paper-map", width, height, title, desc, body)


@dataclass(frozen=True)
class Source:
    """A row of the overlap chart: one listing file, or the smaller ones of a month."""

    names: frozenset[str]
    label: str


def sources_of(library: Linked | Library) -> list[Source]:
    """Every listing file that records cite, in file order, labelled `1 · Mar 17`.

    Past `OVERLAP_SOURCES` files, only the largest keep a row of their own; the others
    share one per month (`Mar · 12 more`), in month order, and one for no date: at most
    `OVERLAP_SOURCES` + 13 rows, however many files there are.
    """
    dates: dict[str, str] = {}
    sizes: Counter[str] = Counter()
    for paper in library.papers.values():
        for listing in paper.listings:
            dates.setdefault(listing.source, listing.date)
            sizes[listing.source] += 1
    names = sorted(dates)
    if len(names) <= OVERLAP_SOURCES:
        return [Source(frozenset([n]), f"{i} · {dates[n]}") for i, n in enumerate(names, 1)]
    largest = set(sorted(names, key=lambda n: (-sizes[n], n))[:OVERLAP_SOURCES])
    rows = [Source(frozenset([n]), f"{i} · {dates[n]}") for i, n in enumerate(names, 1)]
    kept = [row for row in rows if row.names <= largest]
    months: dict[str, set[str]] = {}
    for name in names:
        if name not in largest:
            months.setdefault(month_of(dates[name]) or "undated", set()).add(name)
    order = {m: i for i, m in enumerate(MONTHS)}
    for month in sorted(months, key=lambda m: (order.get(m, 99), m)):
        kept.append(Source(frozenset(months[month]), f"{month} · {len(months[month])} more"))
    return kept


def overlap_matrix(library: Linked | Library, sources: list[Source]) -> list[list[int]]:
    """Cell (i, j): papers listed in both rows i and j; the diagonal: entries in row i."""
    index = {name: i for i, s in enumerate(sources) for name in s.names}
    size = len(sources)
    matrix = [[0] * size for _ in range(size)]
    for paper in library.papers.values():
        for listing in paper.listings:
            matrix[index[listing.source]][index[listing.source]] += 1
        for a, b in combinations(sorted({index[x.source] for x in paper.listings}), 2):
            matrix[a][b] += 1
            matrix[b][a] += 1
    return matrix


def source_overlap(library: Linked | Library) -> Markup:
    """A heat map of how many papers each pair of listings shares."""
    sources = sources_of(library)
    matrix = overlap_matrix(library, sources)
    cell, left, top = 64, 110, 40
    width, height = left + cell * len(sources) + 10, top + cell * len(sources) + 10
    peak = max((max(row) for row in matrix), default=1) or 1
    body: list[str] = []
    for i, source in enumerate(sources):
        label = escape(source.label)
        body.append(
            f'<text class="rl-axis" x="{left - 8}" y="{top + cell * i + cell / 2 + 5:.0f}" '
            f'text-anchor="end">{label}</text>'
            f'<text class="rl-axis" x="{left + cell * i + cell / 2:.0f}" y="{top - 12}" '
            f'text-anchor="middle">{i + 1}</text>'
        )
    for i, row in enumerate(matrix):
        for j, n in enumerate(row):
            what = (
                f"listing {sources[i].label}: {n:,} entr{'y' if n == 1 else 'ies'}"
                if i == j
                else f"listings {sources[i].label} and {sources[j].label}: {n:,} shared "
                + ("paper" if n == 1 else "papers")
            )
            body.append(_cell(i, j, n, n / peak, what, (left + cell * j, top + cell * i), cell))
    shared = sum(matrix[i][j] for i, j in combinations(range(len(sources)), 2))
    title = "How much the listings overlap"
    desc = (
        f"A {len(sources)} by {len(sources)} grid, one row and one column per listing file"
        f"{_grouped(sources)}. "
        "The diagonal holds each listing's number of entries; every other cell holds the "
        f"number of papers both listings contain ({shared:,} shared pairs in all)."
    )
    return _svg("overlap", width, height, title, desc, body)


def _grouped(sources: list[Source]) -> str:
    grouped = sum(len(s.names) for s in sources if len(s.names) > 1)
    return f" (the {grouped} smallest grouped by month)" if grouped else ""


def _cell(i: int, j: int, n: int, share: float, what: str, at: tuple[int, int], size: int) -> str:
    """One square of the heat map: shaded by `share` of the largest count, labelled `n`."""
    kind = "rl-diag" if i == j else "rl-cell"
    strong = " rl-strong" if share > 0.5 else ""
    x, y = at
    return (
        f'<g class="{kind}{strong}" data-row="{i}" data-col="{j}" data-count="{n}">'
        f"<title>{escape(what)}</title>"
        f'<rect x="{x + 1}" y="{y + 1}" width="{size - 2}" height="{size - 2}" rx="4" '
        f'fill-opacity="{0.08 + 0.92 * share:.2f}"/>'
        f'<text x="{x + size / 2:.0f}" y="{y + size / 2 + 5:.0f}" '
        f'text-anchor="middle">{n}</text></g>'
    )


def figure(svg: Markup, caption: str, kind: str = "") -> Markup:
    """Wrap a chart for a Markdown page: a raw HTML block, kept out of search. `kind`
    adds a class, `rl-figure-<kind>`."""
    classes = "rl-figure" + (f" rl-figure-{kind}" if kind else "")
    return Markup(
        f'<figure class="{classes}">\n{svg}\n<figcaption>{escape(caption)}</figcaption>\n</figure>'
    )
