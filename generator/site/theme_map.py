"""The home page's map of the themes: a node per theme, sized by its papers, joined to
the themes it shares most papers with, with labels that overlap nothing."""

from __future__ import annotations

import math
from collections import Counter
from itertools import combinations

import networkx as nx
import numpy as np
from markupsafe import Markup

from generator.analysis import Linked
from generator.content.model import Theme
from generator.site.charts import Href, _fit, _svg, escape

LAYOUT_SEED = 7
"""Fixed seed for the spring layout: the same data always gives the same picture."""


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
    for tries in range(MAX_SPREADS):
        if labels is not None:
            break
        centre = np.array([width / 2, height / 2])
        width, height = round(width * SPREAD), round(height * SPREAD)
        where = {
            t: (p - centre) * SPREAD + np.array([width / 2, height / 2]) for t, p in where.items()
        }
        last = tries == MAX_SPREADS - 1  # two circles in one place: draw what there is
        labels = _place_labels(themes, where, radius, width, height, strict=not last)
    assert labels is not None
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
            f"{n:,} shared</title></line>"
        )
    body.append('</g><g class="rl-nodes">')
    for theme in themes:
        (x, y), (lx, ly, anchor) = where[theme.id], labels[theme.id]
        near = ", ".join(
            f"{_title(library, other)} ({n:,})" for other, n in _neighbours(theme.id, shared)
        )
        tip = f"{theme.title}: {counts[theme.id]:,} papers" + (
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
MAX_SPREADS = 30
"""Spreads before the labels are placed as they come (the picture is then 10 times
wider than it began, which only circles drawn in one place need)."""
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
    strict: bool = True,
) -> dict[str, tuple[float, float, str]] | None:
    """Each theme's label (x, first baseline, anchor), or None if some label finds no
    place clear of every other label and circle, or two circles overlap. Not `strict`,
    a label with no free place goes below its circle."""
    circles = [(t.id, *where[t.id], radius[t.id]) for t in themes]
    for (_, xa, ya, ra), (_, xb, yb, rb) in combinations(circles, 2):
        if strict and (xa - xb) ** 2 + (ya - yb) ** 2 < (ra + rb + 2) ** 2:
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
            if strict:
                return None
            labels[theme.id] = candidates[0]
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
