"""The site in a real headless Chromium: search, the papers table, nothing external."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from urllib.request import urlopen

import pytest

from .conftest import make_project, run_cli, serve_folder

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser, served_site: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.requests = []  # type: ignore[attr-defined]
    page.on("request", lambda r: page.requests.append(r.url))  # type: ignore[attr-defined]
    page.dialogs = []  # type: ignore[attr-defined]
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))  # type: ignore[attr-defined]
    yield page
    context.close()


def foreign(requests: list[str]) -> list[str]:
    return [u for u in requests if urlsplit(u).hostname not in {"127.0.0.1", None}]


def search(page, query: str, typed: bool = True) -> list[str]:
    """Type into the search box as a person would (or, not `typed`, paste the whole
    query at once); the titles of the results, once the list shows the answer to it."""
    page.click(".md-search__input")
    if typed:
        page.keyboard.type(query, delay=20)
    else:
        page.fill(".md-search__input", query)
    page.wait_for_function(
        "q => document.querySelector('.md-search-result__list').dataset.rlQuery === q",
        arg=query,
        timeout=10_000,
    )
    return page.locator(".md-search-result__item h1").all_inner_texts()


def test_search_finds_a_paper_by_title(page, served_site: str) -> None:
    page.goto(served_site)
    titles = search(page, "NanoFlow optimal serving throughput")
    assert any(
        "NanoFlow: Towards Optimal Large Language Model Serving Throughput" in t for t in titles
    )
    page.locator(".md-search-result__link").first.click()
    page.wait_for_load_state()
    assert "/paper/nanoflow-towards-optimal" in page.url
    assert page.locator("h1").inner_text().startswith("NanoFlow")
    assert foreign(page.requests) == []


def test_related_link_leads_to_another_paper(page, served_site: str) -> None:
    page.goto(
        served_site + "paper/nanoflow-towards-optimal-large-language-model-serving-throughput/"
    )
    page.locator("#related-papers + ul a").first.click()
    page.wait_for_load_state()
    assert "/paper/flexllm" in page.url
    assert foreign(page.requests) == []


def test_papers_table_filters_and_sorts(page, served_site: str) -> None:
    page.goto(served_site + "papers/")
    rows = page.locator(".rl-table tbody tr")
    assert rows.count() == 50  # a page of rows at a time
    assert page.locator(".rl-table-status").inner_text() == "Papers 1–50 of 354"
    page.fill(".rl-filter", "nanoflow")
    assert rows.count() == 1
    assert page.locator(".rl-pager").is_hidden()
    rows.first.locator("a").first.click()
    page.wait_for_url("**/paper/nanoflow-towards-optimal-large-language-model-serving-throughput/")
    page.go_back()
    page.fill(".rl-filter", "")
    page.locator(".rl-table th button", has_text="Listed").click()
    page.locator(".rl-table th button", has_text="Listed").click()
    assert page.get_attribute(".rl-table th:has-text('Listed')", "aria-sort") == "descending"
    assert rows.first.locator("td").nth(2).inner_text() == "4"
    page.select_option("select.rl-theme-filter", label="Mixture of experts")
    themes = rows.locator("td:nth-child(2)").all_inner_texts()
    assert themes and all("Mixture of experts" in t for t in themes)
    assert foreign(page.requests) == []


def test_papers_page_without_scripts_says_where_the_papers_are(browser, served_site: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(served_site + "papers/")
    assert "This browser runs no scripts" in page.locator(".rl-table").inner_text()
    csv = urljoin(page.url, page.locator("a", has_text="one CSV file").get_attribute("href"))
    assert csv == served_site + "export/papers.csv"
    with urlopen(csv) as response:
        assert response.read().startswith(b"id,")
    context.close()


def test_papers_page_of_an_empty_library_says_so(browser, tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", with_papers=False)
    (root / "content" / "themes.yml").write_text("themes: []\n", encoding="utf-8")
    result = run_cli(root, "build")
    assert result.returncode == 0, result.stderr
    server, url = serve_folder(root / "site")
    try:
        page = browser.new_page()
        page.goto(url + "papers/")
        assert page.locator(".rl-table-status").inner_text() == "No papers yet."
        assert page.locator(".rl-table tbody tr").count() == 0
        assert page.locator(".rl-pager").is_hidden()
        assert page.locator("select.rl-theme-filter").count() == 0  # no themes to pick
        page.close()
    finally:
        server.shutdown()


def test_palette_toggle_switches_to_dark(page, served_site: str) -> None:
    page.goto(served_site)
    before = page.get_attribute("body", "data-md-color-scheme")
    page.locator("label.md-header__button[for^='__palette']").first.click()
    assert page.get_attribute("body", "data-md-color-scheme") != before


TRICKY = "</title><script>alert('t')</script> *bold* | [x] {{ jinja }} <b>zzqq</b>"


def test_markup_in_titles_stays_text_in_search_results(browser, tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    (root / "content" / "papers" / "tricky.yml").write_text(
        f"id: tricky\ntitle: {json.dumps(TRICKY)}\nabstract: Zzqq <img src=x onerror=alert(2)> here.\n"
        # A host no browser parses: the table shows the word, and the rest of the row.
        "links: {code: 'https://a^b.example/x'}\n",
        encoding="utf-8",
    )
    assert run_cli(root, "build").returncode == 0
    server, url = serve_folder(root / "site")
    try:
        context = browser.new_context()
        page = context.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(url + "paper/tricky/")
        assert page.title() == f"{TRICKY} - Efficient ML reading list"
        assert page.locator("h1").inner_text() == TRICKY
        titles = search(page, "zzqq")
        assert any(TRICKY in t for t in titles), titles
        page.goto(url + "papers/")
        page.fill(".rl-filter", "zzqq")
        assert page.locator(".rl-table tbody td:first-child").all_inner_texts() == [TRICKY]
        assert page.locator(".rl-table tbody td:last-child").inner_text() == "code"
        assert dialogs == []
        context.close()
    finally:
        server.shutdown()


SCREENSHOTS = Path(__file__).parent / "screenshots"
"""Git ignores this folder: look at the pictures after a run."""


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 390])
def test_charts_render_and_fit_at_desktop_and_phone_width(
    browser, served_site: str, width: int, scheme: str
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    SCREENSHOTS.mkdir(exist_ok=True)
    try:
        for path, kinds in (("", ["theme-map", "overlap"]), ("theme/compression/", ["paper-map"])):
            page.goto(served_site + path)
            # Material picks the palette from prefers-color-scheme on a first visit.
            expected = "slate" if scheme == "dark" else "default"
            assert page.get_attribute("body", "data-md-color-scheme") == expected
            for kind in kinds:
                if kind == "theme-map" and width < 720:
                    # On a phone the theme cards below stand in for the map.
                    assert not page.locator("svg.rl-theme-map").is_visible()
                    assert page.locator(".grid.cards li").first.is_visible()
                    continue
                box = page.locator(f"svg.rl-{kind}").bounding_box()
                assert box and box["width"] > 300 and box["height"] > 150, kind
            # Charts scroll inside their figure; the page itself never scrolls sideways.
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            name = (path.strip("/").replace("/", "-") or "home") + f"-{width}-{scheme}.png"
            page.screenshot(path=str(SCREENSHOTS / name), full_page=True)
            page.locator("figure.rl-figure >> visible=true").first.screenshot(
                path=str(SCREENSHOTS / f"chart-{name}")
            )
    finally:
        context.close()


def test_theme_map_node_opens_its_theme(page, served_site: str) -> None:
    page.goto(served_site)
    page.locator('svg.rl-theme-map a[data-theme="model-merging"] circle').click()
    page.wait_for_url("**/theme/model-merging/")
    assert page.locator("h1").inner_text() == "Model merging"


def test_a_paper_page_marks_the_all_papers_tab(page, served_site: str) -> None:
    page.goto(
        f"{served_site}paper/nanoflow-towards-optimal-large-language-model-serving-throughput/"
    )
    active = page.locator(".md-tabs__item--active .md-tabs__link")
    assert active.count() == 1 and active.inner_text().strip() == "All papers"
    page.goto(f"{served_site}themes/")
    assert page.locator(".md-tabs__item--active .md-tabs__link").inner_text().strip() == "Themes"


def test_theme_map_labels_overlap_nothing_as_drawn(page, served_site: str) -> None:
    """The labels' real boxes, as Chromium lays them out, overlap no other label and no
    other theme's circle."""
    page.goto(served_site)
    problems = page.evaluate(
        """() => {
        const nodes = [...document.querySelectorAll("svg.rl-theme-map a.rl-node")];
        const items = nodes.map(n => ({
            id: n.dataset.theme, box: n.querySelector("text").getBBox(),
            c: n.querySelector("circle"),
        }));
        const out = [];
        for (const a of items) for (const b of items) {
            if (a === b) continue;
            const p = a.box, q = b.box;
            if (p.x < q.x + q.width && q.x < p.x + p.width && p.y < q.y + q.height && q.y < p.y + p.height)
                out.push(`${a.id} label on ${b.id} label`);
            const cx = +b.c.getAttribute("cx"), cy = +b.c.getAttribute("cy"), r = +b.c.getAttribute("r");
            const nx = Math.min(Math.max(cx, p.x), p.x + p.width), ny = Math.min(Math.max(cy, p.y), p.y + p.height);
            if ((nx - cx) ** 2 + (ny - cy) ** 2 < r * r) out.push(`${a.id} label on ${b.id} circle`);
        }
        return [items.length, out];
    }"""
    )
    assert problems == [19, []]


def test_paper_map_titles_by_focus_and_by_tap(browser, served_site: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 800}, has_touch=True)
    page = context.new_page()
    try:
        url = served_site + "theme/compression/"
        page.goto(url)
        dots = page.locator("svg.rl-paper-map a.rl-dot")
        count = dots.count()
        assert count > 20
        # Every dot is in the tab order, and focus writes its title under the map.
        assert page.evaluate(
            "[...document.querySelectorAll('svg.rl-paper-map a.rl-dot')].every(a => a.tabIndex >= 0)"
        )
        dots.nth(3).focus()
        title = dots.nth(3).locator("title").text_content()
        assert page.locator(".rl-map-now").inner_text() == title
        page.keyboard.press("Tab")
        assert (
            page.locator(".rl-map-now").inner_text() == dots.nth(4).locator("title").text_content()
        )
        # A first tap shows the title and stays; a second tap opens the paper.
        target = dots.nth(7)
        paper = target.get_attribute("data-paper")
        target.scroll_into_view_if_needed()
        target.locator("circle").tap()
        assert page.url == url
        assert page.locator(".rl-map-now").inner_text() == target.locator("title").text_content()
        target.locator("circle").tap()
        page.wait_for_url(f"**/paper/{paper}/")
    finally:
        context.close()
