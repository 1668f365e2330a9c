"""Charts drawn at build time as inline SVG: the theme map, paper maps and source overlap.

Nothing is fetched or computed in the browser. Colours are CSS classes styled with
Material's palette variables (see `readinglist.css`), so the charts follow the light and
dark schemes. Every label is escaped text, and every chart carries a `<title>` and a
`<desc>` as its text alternative.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import combinations

import networkx as nx
import numpy as np
from markupsafe import Markup
from markupsafe import escape as _escape
from scipy import sparse
from scipy.sparse.linalg import ArpackError, svds

from generator.analysis import Linked
from generator.content.model import Library, Paper, Theme
from generator.site.markup import xml_chars

Href = Callable[[str], str]
"""Maps a theme or paper id to the URL of its page, relative to the page drawing it."""

LAYOUT_SEED = 7
"""Fixed seed for the spring layout: the same data always gives the same picture."""


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


def shared_counts(library: Linked) -> Counter[tuple[str, str]]:
    """(theme a, theme b) with a < b in declaration order -> papers in both."""
    order = {t.id: i for i, t in enumerate(library.themes)}
    shared: Counter[tuple[str, str]] = Counter()
    for ids in library.membership.values():
        ranked = sorted(set(ids), key=order.__getitem__)
        shared.update(combinations(ranked, 2))
    return shared


def theme_map(library: Linked, counts: Counter[str], href: Href) -> Markup:
    """One node per theme, sized by its papers, joined to the `EDGES_PER_THEME` themes it
    shares most papers with; each node's tooltip names them with the counts.

    No label overlaps another label or another theme's circle: each label goes below,
    above, beside or at a corner of its circle, the first of those places that is free;
    when one finds no free place, the layout is spread out and the labels placed again.
    """
    themes = _largest([t for t in library.themes if counts[t.id]], counts, MAP_THEMES)
    drawn = {t.id for t in themes}
    shared = Counter(
        {pair: n for pair, n in shared_counts(library).items() if drawn.issuperset(pair)}
    )
    strongest = _strongest(shared)
    width, height = 860, 520
    where = _theme_layout([t.id for t in themes], shared, width, height)
    biggest = max((counts[t.id] for t in themes), default=1)
    radius = {t.id: 7 + 21 * math.sqrt(counts[t.id] / biggest) for t in themes}
    labels = _place_labels(themes, where, radius, width, height)
    while labels is None:
        centre = np.array([width / 2, height / 2])
        width, height = round(width * SPREAD), round(height * SPREAD)
        where = {
            t: (p - centre) * SPREAD + np.array([width / 2, height / 2]) for t, p in where.items()
        }
        labels = _place_labels(themes, where, radius, width, height)
    kept = {pair for pairs in strongest.values() for pair in pairs}
    heaviest = max((shared[pair] for pair in kept), default=1)
    body = ['<g class="rl-edges">']
    for a, b in sorted(kept):
        (x1, y1), (x2, y2), n = where[a], where[b], shared[(a, b)]
        body.append(
            f'<line class="rl-edge" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'stroke-width="{0.5 + 6 * n / heaviest:.1f}" '
            f'stroke-opacity="{0.15 + 0.45 * n / heaviest:.2f}" data-shared="{n}">'
            f"<title>{escape(_title(library, a))} and {escape(_title(library, b))}: "
            f"{n} shared</title></line>"
        )
    body.append('</g><g class="rl-nodes">')
    for theme in themes:
        (x, y), (lx, ly, anchor) = where[theme.id], labels[theme.id]
        near = ", ".join(
            f"{_title(library, other)} ({n})" for other, n in _neighbours(theme.id, shared)
        )
        tip = f"{theme.title}: {counts[theme.id]} papers" + (
            f"; shares most with {near}" if near else ""
        )
        body.append(
            f'<a href="{escape(href(theme.id))}" class="rl-node" data-theme="{escape(theme.id)}">'
            f"<title>{escape(tip)}</title>"
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius[theme.id]:.1f}"/>'
            f"{_label_svg(lx, ly, anchor, label_lines(theme.title))}</a>"
        )
    body.append("</g>")
    title = "Map of the themes"
    among = sum(1 for t in library.themes if counts[t.id])
    which = (
        f"The {len(themes)} largest of {among} themes"
        if among > len(themes)
        else (f"{len(themes)} themes")
    )
    desc = (
        f"{which} drawn as circles sized by their number of papers. Each is joined to the "
        f"{EDGES_PER_THEME} themes it shares most papers with, by lines whose width is the "
        "number of papers shared. Each circle links to its theme page."
    )
    return _svg("theme-map", width, height, title, desc, body)


SPREAD = 1.08
"""How much the layout is spread out each time a label finds no place."""
EDGES_PER_THEME = 2
"""Lines drawn per theme: its strongest links. Nearly every theme shares a paper with
nearly every other, and all of those lines together were a tangle."""
LABEL_SIZE = 13
"""The labels' font size, in the map's units (the CSS sets the same)."""
LABEL_EM = 0.62
"""A label's width per character, in ems: generous for a semi-bold sans-serif."""
LINE = 1.15
"""A label's line height, in ems."""
WRAP = 18
"""A label longer than this many characters takes two lines."""

Box = tuple[float, float, float, float]


def label_lines(text: str) -> list[str]:
    """A label as one line, or as two split at the space nearest its middle."""
    spaces = [i for i, c in enumerate(text) if c == " "]
    if len(text) <= WRAP or not spaces:
        return [text]
    cut = min(spaces, key=lambda i: abs(2 * i - len(text)))
    return [text[:cut], text[cut + 1 :]]


def label_box(x: float, y: float, anchor: str, lines: list[str]) -> Box:
    """The box (left, top, right, bottom) a label takes, estimated from the font size:
    `y` is its first baseline, `anchor` its SVG `text-anchor`."""
    width = LABEL_EM * LABEL_SIZE * max(len(line) for line in lines)
    left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
    bottom = y + (len(lines) - 1) * LINE * LABEL_SIZE + 0.25 * LABEL_SIZE
    return (left, y - 0.8 * LABEL_SIZE, left + width, bottom)


def box_meets_circle(box: Box, x: float, y: float, r: float) -> bool:
    nearest_x, nearest_y = min(max(x, box[0]), box[2]), min(max(y, box[1]), box[3])
    return (nearest_x - x) ** 2 + (nearest_y - y) ** 2 < r * r


def _label_svg(x: float, y: float, anchor: str, lines: list[str]) -> str:
    first, *rest = lines
    text = str(escape(first)) + "".join(
        f'<tspan x="{x:.1f}" dy="{LINE}em">{escape(line)}</tspan>' for line in rest
    )
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{LABEL_SIZE}">'
        f"{text}</text>"
    )


def _place_labels(
    themes: list[Theme],
    where: dict[str, np.ndarray],
    radius: dict[str, float],
    width: float,
    height: float,
) -> dict[str, tuple[float, float, str]] | None:
    """Each theme's label (x, first baseline, anchor), or None if some label finds no
    place clear of every other label and circle, or two circles overlap."""
    circles = [(t.id, *where[t.id], radius[t.id]) for t in themes]
    for (_, xa, ya, ra), (_, xb, yb, rb) in combinations(circles, 2):
        if (xa - xb) ** 2 + (ya - yb) ** 2 < (ra + rb + 2) ** 2:
            return None
    placed: list[Box] = []
    labels = {}
    for theme in sorted(themes, key=lambda t: -radius[t.id]):
        (x, y), r, gap = where[theme.id], radius[theme.id], 3.0
        lines = label_lines(theme.title)
        tall = (len(lines) - 1) * LINE * LABEL_SIZE  # from the first baseline to the last
        ascent, descent = 0.8 * LABEL_SIZE, 0.25 * LABEL_SIZE
        middle = y - (ascent + tall + descent) / 2 + ascent  # centred beside the circle
        side = r * 0.7 + gap  # the corners: where a diagonal leaves the circle
        candidates = [
            (x, y + r + gap + ascent, "middle"),
            (x, y - r - gap - descent - tall, "middle"),
            (x + r + gap, middle, "start"),
            (x - r - gap, middle, "end"),
            (x + side, y + side + ascent, "start"),
            (x - side, y + side + ascent, "end"),
            (x + side, y - side - descent - tall, "start"),
            (x - side, y - side - descent - tall, "end"),
        ]
        for lx, ly, anchor in candidates:
            box = label_box(lx, ly, anchor, lines)
            if (
                box[0] >= 0
                and box[1] >= 0
                and box[2] <= width
                and box[3] <= height
                and not any(_overlap(box, other) for other in placed)
                and not any(
                    box_meets_circle(box, cx, cy, cr) for t, cx, cy, cr in circles if t != theme.id
                )
            ):
                placed.append(box)
                labels[theme.id] = (lx, ly, anchor)
                break
        else:
            return None
    return labels


def _strongest(shared: Counter[tuple[str, str]]) -> dict[str, list[tuple[str, str]]]:
    """Theme id -> the pairs of its `EDGES_PER_THEME` strongest links."""
    by_theme: dict[str, list[tuple[str, str]]] = {}
    for pair, _ in sorted(shared.items(), key=lambda kv: (-kv[1], kv[0])):
        for theme_id in pair:
            mine = by_theme.setdefault(theme_id, [])
            if len(mine) < EDGES_PER_THEME:
                mine.append(pair)
    return by_theme


def _neighbours(theme_id: str, shared: Counter[tuple[str, str]], limit: int = 3) -> list:
    """The themes sharing most papers with this one, with the counts, most first."""
    mine = [(b if a == theme_id else a, n) for (a, b), n in shared.items() if theme_id in (a, b)]
    return sorted(mine, key=lambda kv: (-kv[1], kv[0]))[:limit]


MAP_THEMES = 40
"""The most themes the map draws (the largest): past that it is a blot, and its lines
grow with the square of the themes (500 themes made a 16.8 MB home page)."""
OVERLAP_SOURCES = 20
"""The most listing files the overlap grid shows one by one (the largest); the rest are
grouped by month, so the grid stays small however many listings there are."""


def _largest(themes: list[Theme], counts: Counter[str], limit: int) -> list[Theme]:
    """The `limit` themes with the most papers, in declaration order."""
    keep = set(sorted(range(len(themes)), key=lambda i: (-counts[themes[i].id], i))[:limit])
    return [theme for i, theme in enumerate(themes) if i in keep]


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _theme_layout(
    ids: list[str], shared: Counter[tuple[str, str]], width: int, height: int
) -> dict[str, np.ndarray]:
    """Spring layout with a fixed seed, stretched to the box (labels need the margins)."""
    graph = nx.Graph()
    graph.add_nodes_from(ids)
    # Log weights: a pair sharing 30 papers pulls harder than one sharing 3, but not
    # ten times harder, so the big themes do not collapse into one blob.
    graph.add_weighted_edges_from((a, b, math.log1p(n)) for (a, b), n in shared.items())
    layout = nx.spring_layout(graph, weight="weight", seed=LAYOUT_SEED, k=2.0, iterations=300)
    points = _fit(np.array([layout[i] for i in ids]), width, height, margin=(130, 40))
    return {theme_id: points[i] for i, theme_id in enumerate(ids)}


def _title(library: Linked, theme_id: str) -> str:
    return library.theme(theme_id).title


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
    theme_title: str, papers: Sequence[Paper], vectors: sparse.csr_matrix, href: Href
) -> Markup:
    """A scatter of a theme's papers (with their TF-IDF rows): similar papers sit close."""
    width, height = 800, 420
    points = _fit(paper_positions(vectors), width, height, margin=(20, 20))
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
    share one per month (`Mar · 12 more`), in month order.
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
            months.setdefault(dates[name].split(" ")[0][:3] or "undated", set()).add(name)
    order = {m: i for i, m in enumerate(_MONTH_ORDER)}
    for month in sorted(months, key=lambda m: (order.get(m, 99), m)):
        kept.append(Source(frozenset(months[month]), f"{month} · {len(months[month])} more"))
    return kept


_MONTH_ORDER = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


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
                f"listing {sources[i].label}: {n} entries"
                if i == j
                else f"listings {sources[i].label} and {sources[j].label}: {n} shared papers"
            )
            body.append(_cell(i, j, n, n / peak, what, (left + cell * j, top + cell * i), cell))
    shared = sum(matrix[i][j] for i, j in combinations(range(len(sources)), 2))
    title = "How much the listings overlap"
    desc = (
        f"A {len(sources)} by {len(sources)} grid, one row and one column per listing file"
        f"{_grouped(sources)}. "
        "The diagonal holds each listing's number of entries; every other cell holds the "
        f"number of papers both listings contain ({shared} shared pairs in all)."
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
        f'<figure class="{classes}">\n{svg}\n'
        f"<figcaption>{escape(caption)}</figcaption>\n</figure>"
    )
