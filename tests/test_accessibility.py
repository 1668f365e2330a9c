"""axe-core (npm, injected by Playwright) finds no serious or critical violation on any
page type, in either colour scheme, at desktop and phone widths, search dialog included.

Material's own theme fails some of these rules (contrast of its tabs, footer and search
results; links told apart by colour alone); `readinglist.css` overrides them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import make_project, node_package, run_cli, serve_folder

pytestmark = pytest.mark.browser

PAPER = "nanoflow-towards-optimal-large-language-model-serving-throughput"
PAGES = {
    "home": "",
    "themes": "themes/",
    "theme": "theme/llm-serving/",
    "paper": f"paper/{PAPER}/",
    "all papers": "papers/",
    "unsorted": "unsorted/",
    "tags": "tags/",
    "tag": "tag/llm/",
    "contribute": "contribute/",
}
SERIOUS = ("serious", "critical")
RUN_AXE = """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
    .filter(v => ["serious", "critical"].includes(v.impact))
    .map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", ")}`)"""


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The built-in data with a tag on one paper (so the tag pages exist), served."""
    root = make_project(tmp_path_factory.mktemp("a11y") / "project")
    record = root / "content" / "papers" / f"{PAPER}.yml"
    record.write_text(record.read_text(encoding="utf-8") + "tags: [LLM]\n", encoding="utf-8")
    result = run_cli(root, "build")
    assert result.returncode == 0, result.stderr
    server, url = serve_folder(root / "site")
    yield url
    server.shutdown()


@pytest.fixture(scope="module")
def axe() -> Path:
    return node_package("axe-core") / "axe.min.js"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 390])
def test_no_serious_violations_on_any_page_type(
    browser, site_url: str, axe: Path, scheme: str, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    found = {}
    try:
        for name, path in PAGES.items():
            response = page.goto(site_url + path)
            assert response and response.ok, path
            expected = "slate" if scheme == "dark" else "default"
            assert page.get_attribute("body", "data-md-color-scheme") == expected
            if path == "papers/":  # its rows come from a script
                page.wait_for_selector(".rl-table tbody tr")
            page.add_script_tag(path=str(axe))
            found[name] = page.evaluate(RUN_AXE)
        # The Cite dialog, open on a paper page.
        page.goto(site_url + PAGES["paper"])
        page.locator("button.rl-cite").first.click()
        page.wait_for_selector("dialog.rl-cite-dialog[open]")
        page.add_script_tag(path=str(axe))
        found["cite"] = page.evaluate(RUN_AXE)
        # The search dialog, open with results, snippets and highlights.
        page.goto(site_url)
        page.keyboard.press("/")
        page.keyboard.type("mixture of experts")
        page.wait_for_selector(".md-search-result__item mark")
        # A hovered result is tinted: its small print must still be legible.
        page.hover(".md-search-result__item:first-child .md-search-result__link")
        page.add_script_tag(path=str(axe))
        found["search"] = page.evaluate(RUN_AXE)
    finally:
        context.close()
    assert not {name: v for name, v in found.items() if v}, found
