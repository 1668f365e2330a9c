"""The map of the field, source overlap, exports and the feed, read back from a real build."""

from __future__ import annotations

import csv
import json
import math
import re
import xml.etree.ElementTree as ET
from collections import Counter
from itertools import combinations
from pathlib import Path

import numpy as np
import pytest

from generator.analysis import Linked
from generator.content.model import Library, Listing, Paper, Theme
from generator.site.charts import source_overlap
from generator.site.citation import is_survey
from generator.site.cite import bib_text
from generator.site.theme_map import (
    EDGES_PER_THEME,
    LABEL_SIZE,
    _place_labels,
    box_meets_circle,
    label_box,
    label_lines,
    theme_map,
)

from .conftest import read_bib
from .htmltools import read, resolve

SVG = "{http://www.w3.org/2000/svg}"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def exported(seed_site: Path) -> list[dict]:
    return json.loads((seed_site / "papers.json").read_text(encoding="utf-8"))


def chart(page: Path, kind: str) -> ET.Element:
    """The inline SVG chart of that kind, parsed as XML (it must be well formed)."""
    html = page.read_text(encoding="utf-8")
    match = re.search(rf'<svg class="rl-chart rl-{kind}".*?</svg>', html, re.DOTALL)
    assert match, f"no {kind} chart in {page}"
    return ET.fromstring(match.group(0))


def text_alternative(svg: ET.Element) -> tuple[str, str]:
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert title is not None and desc is not None
    # An image, or a group when it holds links (an image's parts are out of reach).
    assert svg.get("role") == ("group" if svg.find(f".//{SVG}a") is not None else "img")
    assert set(svg.get("aria-labelledby", "").split()) == {title.get("id"), desc.get("id")}
    return title.text or "", desc.text or ""


def test_theme_map_has_a_node_per_theme_and_an_edge_per_shared_pair(
    seed_site: Path, exported: list[dict]
) -> None:
    home = seed_site / "index.html"
    svg = chart(home, "theme-map")
    counts = Counter(t for e in exported for t in e["themes"])
    shared = Counter(pair for e in exported for pair in combinations(sorted(e["themes"]), 2))
    nodes = svg.findall(f".//{SVG}a[@class='rl-node']")
    assert sorted(n.get("data-theme") for n in nodes) == sorted(counts)
    for node in nodes:
        theme = node.get("data-theme")
        assert f": {counts[theme]} papers" in node.findtext(f"{SVG}title")
        target = resolve(seed_site, home, node.get("href"))
        assert target == (seed_site / "theme" / theme / "index.html").resolve()
        assert target.exists()
    # Only each theme's strongest links are drawn; the tooltip names its closest themes.
    edges = svg.findall(f".//{SVG}line[@class='rl-edge']")
    drawn = {int(e.get("data-shared")) for e in edges}
    strongest = {
        theme: sorted((n for pair, n in shared.items() if theme in pair), reverse=True)
        for theme in counts
    }
    assert len(edges) <= EDGES_PER_THEME * len(counts)
    assert max(shared.values()) in drawn
    for theme, ns in strongest.items():
        if ns:
            assert ns[0] in drawn, theme
    title, desc = text_alternative(svg)
    assert title == "Map of the themes"
    assert f"{len(counts)} themes" in desc and f"the {EDGES_PER_THEME} themes" in desc
    serving = next(n for n in nodes if n.get("data-theme") == "llm-serving")
    assert "; shares most with " in serving.findtext(f"{SVG}title")
    # Node sizes follow paper counts.
    radius = {n.get("data-theme"): float(n.find(f"{SVG}circle").get("r")) for n in nodes}
    biggest, smallest = counts.most_common()[0][0], counts.most_common()[-1][0]
    assert radius[biggest] > radius[smallest]


def map_label_problems(svg: ET.Element) -> list[str]:
    """Labels of the theme map that overlap another label or another theme's circle, or
    leave the picture; boxes estimated from the font size (`charts.label_box`)."""
    _, _, width, height = map(float, svg.get("viewBox").split())
    nodes = []
    for node in svg.findall(f".//{SVG}a[@class='rl-node']"):
        text, circle = node.find(f"{SVG}text"), node.find(f"{SVG}circle")
        assert text.get("font-size") == str(LABEL_SIZE)
        lines = [text.text or ""] + [t.text or "" for t in text.findall(f"{SVG}tspan")]
        box = label_box(float(text.get("x")), float(text.get("y")), text.get("text-anchor"), lines)
        where = tuple(float(circle.get(k)) for k in ("cx", "cy", "r"))
        nodes.append((node.get("data-theme"), box, where))
    problems = []
    for theme, box, _ in nodes:
        if box[0] < 0 or box[1] < 0 or box[2] > width or box[3] > height:
            problems.append(f"{theme}: label leaves the map")
        for other, other_box, (x, y, r) in nodes:
            if other == theme:
                continue
            if box_meets_circle(box, x, y, r):
                problems.append(f"{theme}: label on the circle of {other}")
            across = box[0] < other_box[2] and other_box[0] < box[2]
            if across and box[1] < other_box[3] and other_box[1] < box[3]:
                problems.append(f"{theme}: label on the label of {other}")
    return problems


def test_no_theme_map_label_overlaps_a_label_or_a_circle(seed_site: Path) -> None:
    svg = chart(seed_site / "index.html", "theme-map")
    assert len(svg.findall(f".//{SVG}a[@class='rl-node']")) == 19
    assert map_label_problems(svg) == []
    # Long titles take two lines, split at a space.
    assert label_lines("Quantization, pruning and distillation") == [
        "Quantization, pruning",
        "and distillation",
    ]


def test_each_theme_page_maps_its_papers_and_related_papers_sit_close(
    seed_site: Path, exported: list[dict]
) -> None:
    by_id = {e["id"]: e for e in exported}
    related_gap, overall_gap = [], []
    for theme in sorted({t for e in exported for t in e["themes"]}):
        page = seed_site / "theme" / theme / "index.html"
        svg = chart(page, "paper-map")
        dots = svg.findall(f".//{SVG}a[@class='rl-dot']")
        members = sorted(e["id"] for e in exported if theme in e["themes"])
        assert sorted(d.get("data-paper") for d in dots) == members, theme
        where = {}
        for dot in dots:
            paper = dot.get("data-paper")
            assert (
                resolve(seed_site, page, dot.get("href"))
                == (seed_site / "paper" / paper / "index.html").resolve()
            )
            circle = dot.find(f"{SVG}circle")
            assert circle.findtext(f"{SVG}title") == by_id[paper]["title"]
            where[paper] = (float(circle.get("cx")), float(circle.get("cy")))
        text_alternative(svg)
        if len(members) < 10:
            continue
        overall_gap.append(
            sum(math.dist(where[a], where[b]) for a, b in combinations(members, 2))
            / math.comb(len(members), 2)
        )
        pairs = [(p, r) for p in members for r in by_id[p]["related"] if r in where]
        related_gap.append(sum(math.dist(where[a], where[b]) for a, b in pairs) / len(pairs))
    # Averaged over themes, a paper's related papers sit clearly closer than the rest.
    assert sum(related_gap) / sum(overall_gap) < 0.8


def test_source_overlap_counts_shared_papers_and_listing_sizes(
    seed_site: Path, exported: list[dict]
) -> None:
    svg = chart(seed_site / "index.html", "overlap")
    sources = sorted({x["source"] for e in exported for x in e["listings"]})
    cells = {
        (int(g.get("data-row")), int(g.get("data-col"))): int(g.get("data-count"))
        for g in svg.findall(f"{SVG}g")
    }
    assert len(cells) == len(sources) ** 2
    for i, a in enumerate(sources):
        entries = sum(1 for e in exported for x in e["listings"] if x["source"] == a)
        assert cells[i, i] == entries
        for j, b in enumerate(sources):
            if i != j:
                both = sum(1 for e in exported if {a, b} <= {x["source"] for x in e["listings"]})
                assert cells[i, j] == cells[j, i] == both
    # The diagonal adds up to every listing in content/sources/.
    assert sum(cells[i, i] for i in range(len(sources))) == sum(
        len(e["listings"]) for e in exported
    )
    assert "one row and one column per listing" in text_alternative(svg)[1]


def test_the_charts_write_counts_as_the_pages_do() -> None:
    """Past a thousand, the charts' tips and descriptions write "1,200", as every count on
    the pages does; the cells keep the bare number, for room."""
    both = [Listing("a", "Mar 1", "1"), Listing("b", "Mar 2", "1")]
    papers = {f"p{i}": Paper(id=f"p{i}", title=f"P {i}", listings=both) for i in range(1200)}
    svg = str(source_overlap(Library(papers=papers)))
    assert ": 1,200 entries</title>" in svg and ": 1,200 shared papers</title>" in svg
    assert "(1,200 shared pairs in all)" in svg
    assert ">1200</text>" in svg
    # And the theme map's edges, between two themes of the same 1,200 papers.
    themes = [Theme(id="a", title="Alpha"), Theme(id="b", title="Beta")]
    linked = Linked(Library(papers, themes), {pid: ["a", "b"] for pid in papers})
    drawn = str(theme_map(linked, Counter({"a": 1200, "b": 1200}), lambda t: t))
    assert "Alpha and Beta: 1,200 shared</title>" in drawn


def bib_entries(path: Path) -> list[dict]:
    return read_bib(path.read_text(encoding="utf-8"))


def test_bibtex_exports_parse_and_match_papers_json(seed_site: Path, exported: list[dict]) -> None:
    entries = bib_entries(seed_site / "export" / "papers.bib")
    assert [e["ID"] for e in entries] == [e["key"] for e in exported]
    assert {e["ENTRYTYPE"] for e in entries} == {"misc"}
    by_id = {e["key"]: e for e in exported}
    for entry in entries:
        paper = by_id[entry["ID"]]
        assert entry["title"] == "{" + bib_text(paper["title"]) + "}"
        if paper["arxiv"]:
            assert entry["url"] == f"https://arxiv.org/abs/{paper['arxiv']}"
        else:  # built with no SITE_URL: the arXiv page or nothing
            assert "url" not in entry
        assert entry.get("abstract", "") == bib_text(paper["abstract"])
    for theme in sorted({t for e in exported for t in e["themes"]}):
        themed = bib_entries(seed_site / "export" / "themes" / f"{theme}.bib")
        assert [e["ID"] for e in themed] == [e["key"] for e in exported if theme in e["themes"]]


def test_bibtex_escaping_keeps_braces_balanced_and_parses() -> None:
    nasty = r"50% of {x} \cite{a} $y_1$ & #2 ~ ^ } {"
    escaped = bib_text(nasty)
    depth = 0
    for char in escaped:
        depth += {"{": 1, "}": -1}.get(char, 0)
        assert depth >= 0
    assert depth == 0
    parsed = read_bib(f"@misc{{k,\n  abstract = {{{escaped}}},\n}}\n")
    assert parsed[0]["abstract"] == escaped


def test_csv_export_has_a_row_per_paper(seed_site: Path, exported: list[dict]) -> None:
    with (seed_site / "export" / "papers.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["id"] for r in rows] == [e["id"] for e in exported]
    for row, paper in zip(rows, exported, strict=True):
        assert row["title"].lstrip("'") == paper["title"]
        assert row["themes"] == "; ".join(paper["themes"])
        assert int(row["listings"]) == len(paper["listings"])
        assert row["abstract"] == " ".join(paper["abstract"].split())


def test_atom_feed_parses_and_the_pages_point_at_it(seed_site: Path, exported: list[dict]) -> None:
    feed = ET.parse(seed_site / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 30
    titles = {e["title"] for e in exported}
    urls = {e["url"] for e in exported}
    for entry in entries:
        assert entry.findtext(f"{ATOM}title") in titles
        link = entry.find(f"{ATOM}link").get("href")
        assert link in urls  # relative: the build knows no SITE_URL
        assert entry.findtext(f"{ATOM}updated")
    html = (seed_site / "index.html").read_text(encoding="utf-8")
    alternate = re.search(r'<link rel="alternate" type="application/atom\+xml"[^>]*>', html)
    assert alternate and 'href="feed.xml"' in alternate.group(0)


def test_home_page_offers_every_download(seed_site: Path) -> None:
    home = seed_site / "index.html"
    links = read(home).links
    for target in ("export/papers.bib", "export/papers.csv", "papers.json", "feed.xml"):
        assert target in links
        assert resolve(seed_site, home, target).exists()
    # With no SITE_URL there is no published bundle to point at (see test_ship).
    assert not [h for h in links if h.endswith("-offline.zip")]


def test_start_here_comes_first_and_surveys_are_marked(seed_site: Path) -> None:
    html = (seed_site / "theme" / "mixture-of-experts" / "index.html").read_text(encoding="utf-8")
    start, papers = html.index(">Start here</h2>"), html.index(">Papers</h2>")
    survey = "a-survey-on-inference-optimization-techniques-for-mixture-of-experts-models"
    assert start < html.index(f"paper/{survey}/") < papers
    card = html[html.index(f"paper/{survey}/") - 400 : html.index(f"paper/{survey}/")]
    assert ">Start here</span>" in card and ">Survey</span>" in card
    page = read(seed_site / "theme" / "mixture-of-experts" / "index.html")
    assert page.links.count(f"../../paper/{survey}/") == 1  # one card, not listed twice


@pytest.mark.parametrize(
    ("title", "survey"),
    [
        ("Model Compression for Large Language Models: A Survey", True),
        ("A Survey on Inference Optimization Techniques", True),
        ("On-Device Language Models: A Comprehensive Review", True),
        ("Beyond Efficiency: A Systematic Survey of Resource-Efficient LLMs", True),
        ("Replication in Visual Diffusion Models: A Survey and Outlook", True),
        ("Automated Review Generation Method Based on Large Language Models", False),
        ("Peer-review scores predict nothing", False),
    ],
)
def test_surveys_are_recognised_by_title(title: str, survey: bool) -> None:
    assert is_survey(Paper(id="x", title=title)) is survey


def test_labels_are_placed_even_when_two_circles_share_a_place() -> None:
    # Spreading never parts two circles drawn in one place: the last try places
    # the labels as they come instead of spreading forever.
    themes = [Theme(id="a", title="Alpha"), Theme(id="b", title="Beta")]
    where = {"a": np.array([100.0, 100.0]), "b": np.array([100.0, 100.0])}
    radius = {"a": 10.0, "b": 10.0}
    assert _place_labels(themes, where, radius, 860, 520) is None
    assert set(_place_labels(themes, where, radius, 860, 520, strict=False)) == {"a", "b"}
