"""Sizes that used to grow with the square of the input: the home page, and check."""

from __future__ import annotations

import random
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from generator.content.store import Layout
from generator.ingest.parse import parse_source
from generator.site.generate import generate
from generator.site.paths import SiteOptions

from .conftest import make_project, run_cli
from .test_extras import map_label_problems

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def spread_out(root: Path, themes: int, sources: int) -> None:
    """The seed papers spread over `sources` listing files, grouped by `themes` rules."""
    folder = root / "content" / "sources"
    entries = [e for p in sorted(folder.glob("*.txt")) for e in parse_source(p).entries]
    for path in folder.glob("*.txt"):
        path.unlink()
    for i in range(sources):
        chunk = entries[i::sources]
        body = "\n\n".join(f"{e.title}\n\n{e.abstract or 'No abstract. None.'}" for e in chunk)
        (folder / f"{i:03d}_s.txt").write_text(f"{MONTHS[i % 12]} {1 + i % 28}\n\n{body}\n")
    words = sorted({w.lower() for e in entries for w in re.findall(r"[A-Za-z]{5,}", e.title)})
    rng = random.Random(1)
    lines = ["themes:"]
    for i in range(themes):
        keywords = ", ".join(rng.sample(words, 3))
        lines += [f"- id: theme-{i:03d}", f"  title: Theme {i}", f"  keywords: [{keywords}]"]
    (root / "content" / "themes.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_project(tmp_path_factory.mktemp("crowded") / "project", with_papers=False)
    spread_out(root, themes=500, sources=365)
    names = sorted(str(p) for p in (root / "content" / "sources").glob("*.txt"))
    result = run_cli(root, "ingest", *names)
    assert result.returncode == 0, result.stderr[-2000:]
    return root


def test_the_home_page_stays_small_with_500_themes_and_365_listings(crowded: Path) -> None:
    """365 listings made a 34.7 MB home page, and 500 themes a 16.8 MB one."""
    docs = crowded / "build" / "docs"
    generate(Layout(crowded), SiteOptions())
    home = (docs / "index.md").read_text(encoding="utf-8")
    assert len(home.encode("utf-8")) < 600_000
    overlap = home.split('<svg class="rl-chart rl-overlap"', 1)[1].split("</svg>", 1)[0]
    rows = re.findall(r'data-row="(\d+)" data-col="0"', overlap)
    assert len(rows) == 20 + 12  # the 20 largest listings, then one row per month
    assert "Mar · 29 more" in overlap or "Mar · 30 more" in overlap
    assert "(the 345 smallest grouped by month)" in overlap
    theme_map = home.split('<svg class="rl-chart rl-theme-map"', 1)[1].split("</svg>", 1)[0]
    assert theme_map.count('class="rl-node"') == 40
    assert "The 40 largest of" in theme_map
    svg = ET.fromstring('<svg class="rl-chart rl-theme-map"' + theme_map + "</svg>")
    assert map_label_problems(svg) == []
