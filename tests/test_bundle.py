"""The offline bundle, unzipped and opened from disk in headless Chromium."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from .conftest import make_project, run_cli
from .htmltools import placeholder_links, read, resolve
from .searching import precision
from .test_browser import search

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def unzipped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_project(tmp_path_factory.mktemp("bundle") / "project")
    result = run_cli(root, "bundle")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Offline bundle written to dist/efficient-ml-reading-list-offline.zip\n"
    archive = root / "dist" / "efficient-ml-reading-list-offline.zip"
    target = tmp_path_factory.mktemp("usb stick") / "deep" / "folder"
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(target)
    return target / "efficient-ml-reading-list-offline"


def test_bundle_links_are_relative_html_files(unzipped: Path) -> None:
    html = (
        unzipped / "paper" / "nanoflow-towards-optimal-large-language-model-serving-throughput.html"
    ).read_text(encoding="utf-8")
    assert 'href="../theme/llm-serving.html"' in html
    assert "https://unpkg.com" not in html and "assets/javascripts/search.js" in html
    assert (unzipped / "search-index" / "manifest.js").exists()


def test_every_link_stays_in_the_bundle_or_is_a_real_address(unzipped: Path) -> None:
    # Built with no SITE_URL, REPO_URL or git remote, as a newcomer builds it.
    assert not placeholder_links(unzipped)
    leaving, missing = set(), []
    for page in unzipped.rglob("*.html"):
        for href in read(page).links + read(page).resources:
            target = resolve(unzipped, page, href)
            if target is None:
                if href.split(":", 1)[0] not in ("", "#") and ":" in href.split("/", 1)[0]:
                    leaving.add(href)
            elif not target.is_file():
                missing.append(f"{page.relative_to(unzipped)}: {href}")
    assert not missing, missing[:10]
    assert leaving and all(h.startswith(("https://", "http://")) for h in leaving), sorted(
        h for h in leaving if not h.startswith(("https://", "http://"))
    )


def test_search_and_links_work_from_disk_with_no_network(browser, unzipped: Path) -> None:
    context = browser.new_context(offline=True)
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    # Every page logged an error: Material fetched a sitemap beside the feed's link.
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("requestfailed", lambda r: problems.append(r.url))
    page.goto((unzipped / "index.html").as_uri())
    page.wait_for_load_state("networkidle")
    titles = search(page, "NanoFlow Towards Optimal")
    assert any(t.startswith("NanoFlow: Towards Optimal") for t in titles), titles
    page.locator(".md-search-result__link").first.click()
    page.wait_for_load_state()
    assert page.url.endswith(
        "/paper/nanoflow-towards-optimal-large-language-model-serving-throughput.html"
    )
    page.locator("#related-papers + ul a").first.click()
    page.wait_for_load_state()
    assert page.url.endswith(".html") and "/paper/" in page.url
    assert page.locator("h1").inner_text()
    page.locator(".md-tabs__link", has_text="Themes").click()
    page.wait_for_load_state()
    assert page.url.endswith("/themes.html")
    # All papers loads its rows from disk too, and they link to the .html pages.
    page.locator(".md-tabs__link", has_text="All papers").click()
    page.fill(".rl-filter", "nanoflow towards")
    page.locator(".rl-table tbody a", has_text="NanoFlow").click()
    page.wait_for_load_state()
    assert page.url.endswith(
        "/paper/nanoflow-towards-optimal-large-language-model-serving-throughput.html"
    )
    assert requests and all(u.startswith("file:") for u in requests), [
        u for u in requests if not u.startswith("file:")
    ]
    assert problems == []
    context.close()


def test_every_case_of_the_search_quality_set_from_disk(browser, unzipped: Path) -> None:
    context = browser.new_context(offline=True)
    page = context.new_page()
    base = unzipped.as_uri() + "/"
    page.goto(base + "index.html")
    found = precision(page, base, unzipped)
    assert found["misses"] == [] and found["unmarked"] == []
    assert found["precision_at_10"] >= 0.85
    context.close()
