"""All papers over several of its row files: a real build, sorted, filtered and paged in
Chromium. (The time at 10,000 papers is `bench/run.py --table`'s to measure.)"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from .conftest import make_project, run_cli, serve_folder
from .searching import table_rows

N = 2_500
"""Three files of rows (`site.table.PART` is 1,000): sorting and filtering span them."""
TAGS = [f"topic {i}" for i in range(30)]


@pytest.fixture(scope="module")
def big_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """The built-in records and copies of them, with authors, years and tags, to `N`."""
    root = make_project(tmp_path_factory.mktemp("table") / "project")
    folder = root / "content" / "papers"
    seeds = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.yml"))]
    for i in range(N - len(seeds)):
        record = dict(seeds[i % len(seeds)])
        record["id"] = f"copy-{i:05d}"
        record["title"] = f"{record['title']} (copy {i:05d})"
        record["authors"] = [f"Author Number{i}", "Second Author"]
        record["year"] = str(1990 + i % 35)
        record["tags"] = [TAGS[i % len(TAGS)]]
        (folder / f"copy-{i:05d}.yml").write_text(json.dumps(record), encoding="utf-8")
    result = run_cli(root, "build", "--strict")  # as the pull-request workflow builds
    assert result.returncode == 0, result.stderr[-3000:]
    server, url = serve_folder(root / "site")
    yield root / "site", url
    server.shutdown()


def test_the_page_stays_small(big_site: tuple[Path, str]) -> None:
    site, _ = big_site
    assert (site / "papers" / "index.html").stat().st_size < 300_000
    _, rows = table_rows(site)
    assert len(rows) == N


@pytest.mark.browser
def test_sort_filter_and_page_through_every_part(browser, big_site: tuple[Path, str]) -> None:
    site, url = big_site
    head, rows = table_rows(site)
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url + "papers/")
    status = page.locator(".rl-table-status")
    body = page.locator(".rl-table tbody tr")
    assert status.inner_text() == f"Papers 1–50 of {N:,}"
    assert body.count() == 50
    page.locator(".rl-pager button", has_text="Next").click()
    assert status.inner_text() == f"Papers 51–100 of {N:,}"
    # Sorting goes over every paper, not over the page shown.
    page.locator(".rl-table th button", has_text="Year").click()
    page.locator(".rl-table th button", has_text="Year").click()
    assert status.inner_text() == f"Papers 1–50 of {N:,}"
    assert set(body.locator("td:nth-child(3)").all_inner_texts()) == {"2024"}
    page.locator(".rl-table th button", has_text="Title").click()
    first = min(rows, key=lambda r: r[0].lower())[0]
    assert body.first.locator("td").first.inner_text() == first
    # Words, a theme and a tag.
    page.fill(".rl-filter", "number1234")
    assert body.locator("td:nth-child(2)").all_inner_texts() == ["Number1234 and Author"]
    page.fill(".rl-filter", "")
    theme = head["themes"].index(next(t for t in head["themes"] if t[0] == "Mixture of experts"))
    members = sum(theme in r[4] for r in rows)
    page.select_option("select.rl-theme-filter", label="Mixture of experts")
    assert status.inner_text() == f"Papers 1–50 of {members:,} (of {N:,})"
    page.select_option("select.rl-tag-filter", label="topic 7")
    both = sum(theme in r[4] and head["tags"][r[5][0]][0] == "topic 7" for r in rows if r[5])
    assert status.inner_text().endswith(f" of {both:,} (of {N:,})")
    assert errors == []
    page.close()


def test_no_page_is_heavy_and_every_paper_is_reachable_without_a_script(
    big_site: tuple[Path, str],
) -> None:
    """A theme page carried every one of its papers as a card: 2.3 MB at 10,000. Now a
    list shows 100 cards a page, linked from the others: no page is over 300 KB, and
    following plain links from a theme's page reaches every paper of the theme."""
    import re

    from .htmltools import read, resolve

    site, _ = big_site
    heavy = [
        (p.relative_to(site), p.stat().st_size)
        for p in site.rglob("*.html")
        if p.stat().st_size > 300_000
    ]
    assert heavy == []
    exported = json.loads((site / "papers.json").read_text(encoding="utf-8"))
    by_theme: dict[str, set[str]] = {}
    for entry in exported:
        for theme in entry["themes"]:
            by_theme.setdefault(theme, set()).add(entry["url"])
    biggest = max(by_theme, key=lambda t: len(by_theme[t]))
    assert len(by_theme[biggest]) > 300  # the test is about a long list
    for theme, members in by_theme.items():
        start = site / "theme" / theme / "index.html"
        seen, pending, reached = {start}, [start], set()
        while pending:
            page = pending.pop()
            for href in read(page).links:
                target = resolve(site, page, href)
                if target is None or not target.exists():
                    continue
                rel = target.relative_to(site).as_posix()
                if rel.startswith("paper/"):
                    reached.add(rel.removesuffix("index.html"))
                elif re.fullmatch(rf"theme/{theme}/\d+/index\.html", rel) and target not in seen:
                    seen.add(target)
                    pending.append(target)
        assert members <= reached, (theme, len(members - reached))
        if len(seen) > 1:  # a list of several pages also links the theme in All papers,
            # plainly (it was written as character references, which MkDocs reported).
            link = f'href="../../papers/#theme={theme}"'
            assert link in start.read_text(encoding="utf-8")


@pytest.mark.browser
def test_a_long_lists_pages_are_a_row_of_numbers_and_counts_read_as_the_table_does(
    browser, big_site: tuple[Path, str]
) -> None:
    """A list's pager had no style: a bulleted column of page numbers, 32 lines above
    the first card for a theme of 3,000 papers. And the pages wrote 2500 where the pager
    and the All papers table wrote 2,500."""
    from .conftest import node_package
    from .test_accessibility import RUN_AXE

    site, url = big_site
    exported = json.loads((site / "papers.json").read_text(encoding="utf-8"))
    sizes: dict[str, int] = {}
    for entry in exported:
        for theme in entry["themes"]:
            sizes[theme] = sizes.get(theme, 0) + 1
    biggest = max(sizes, key=lambda t: sizes[t])
    home = (site / "index.html").read_text(encoding="utf-8")
    assert f"<strong>{N:,} papers</strong>" in home  # 2,500: every count takes one filter
    first = (site / "theme" / biggest / "index.html").read_text(encoding="utf-8")
    assert f"<strong>{sizes[biggest]:,} papers.</strong>" in first
    page = browser.new_page(viewport={"width": 390, "height": 900})
    page.goto(url + f"theme/{biggest}/2/")
    items = page.locator("nav.rl-list-pages").first.locator("li")
    assert items.count() > 5
    tops = [box["y"] for box in (items.nth(i).bounding_box() for i in range(5)) if box]
    assert len(set(tops)) == 1, tops  # one row, not a column
    assert items.first.evaluate("li => getComputedStyle(li).listStyleType") == "none"
    current = page.locator('nav.rl-list-pages a[aria-current="page"]').first
    assert current.inner_text() == "2"
    assert current.evaluate("a => getComputedStyle(a).fontWeight") == "700"
    page.add_script_tag(path=str(node_package("axe-core") / "axe.min.js"))
    assert page.evaluate(RUN_AXE) == []
    # A theme's first page shows its "Start here" papers above the list, and the pager
    # counts them: it said "Papers 1–100 of 452" under "453 papers." over 101 cards.
    starting = [
        t
        for t in sizes
        if sizes[t] > 200
        and (site / "theme" / t / "index.html").read_text(encoding="utf-8").count('id="start-here"')
    ]
    assert starting
    theme = starting[0]
    page.goto(url + f"theme/{theme}/")
    cards = page.locator(".grid.cards > ul > li").count()
    said = page.locator("nav.rl-list-pages p").first.inner_text()
    assert said == f"Papers 1–{cards} of {sizes[theme]:,}. Pages:", said
    assert cards > 100  # the start-here cards and a page of the others
    page.goto(url + f"theme/{theme}/2/")
    said = page.locator("nav.rl-list-pages p").first.inner_text()
    last = min(cards + 100, sizes[theme])
    assert said == f"Papers {cards + 1}–{last} of {sizes[theme]:,}. Pages:", said
    page.close()
