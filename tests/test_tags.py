"""Tags: chips that link to each tag's page, a tag index, a tag filter, and spellings checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import make_project, run_cli, serve_folder
from .htmltools import Page

RECORDS = {
    "alpha": ("Alpha Experts Everywhere", ["LLM", "Mixture of Experts"]),
    "beta": ("Beta Experts Anywhere", ["llm"]),
    "gamma": ("Gamma Experts Nowhere", ["LLM", "survey", "llm", "LLM"]),
    "delta": ("Delta Experts Somewhere", []),
}


@pytest.fixture(scope="module")
def tagged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_project(tmp_path_factory.mktemp("tags") / "project", with_papers=False)
    (root / "content" / "themes.yml").write_text(
        "themes:\n- id: experts\n  title: Experts\n  keywords: [experts]\n", encoding="utf-8"
    )
    for paper_id, (title, tags) in RECORDS.items():
        lines = f"id: {paper_id}\ntitle: {title}\nabstract: About experts.\n"
        lines += "tags:\n" + "".join(f"- {t}\n" for t in tags) if tags else ""
        (root / "content" / "papers" / f"{paper_id}.yml").write_text(lines, encoding="utf-8")
    result = run_cli(root, "build")
    assert result.returncode == 0, result.stderr
    return root


def test_paper_pages_and_cards_carry_chips_that_lead_to_the_tag_page(tagged: Path) -> None:
    site = tagged / "site"
    paper = Page((site / "paper" / "alpha" / "index.html").read_text(encoding="utf-8"))
    assert "../../tag/llm/" in paper.links and "../../tag/mixture-of-experts/" in paper.links
    theme = (site / "theme" / "experts" / "index.html").read_text(encoding="utf-8")
    assert theme.count('<span class="rl-tags">') == 3  # delta has no tags
    # One chip per tag page: gamma's `LLM`, `llm` and `LLM` were three chips "LLM".
    gamma = (site / "paper" / "gamma" / "index.html").read_text(encoding="utf-8")
    chips = gamma.split('<span class="rl-tags">', 1)[1].split("</span>", 1)[0]
    assert chips.index("tag/llm/") < chips.index("tag/survey/")  # in the record's order
    assert (chips.count('href="../../tag/llm/"'), chips.count("tag/survey/")) == (1, 1)
    # `LLM` and `llm` share one page, under the first spelling met.
    tag = Page((site / "tag" / "llm" / "index.html").read_text(encoding="utf-8"))
    assert tag.h1.strip() == "Tag: LLM"
    assert "3 papers tagged “LLM”." in tag.text


def test_the_tag_index_is_in_the_navigation(tagged: Path) -> None:
    index = Page((tagged / "site" / "tags" / "index.html").read_text(encoding="utf-8"))
    assert (
        "LLM 3" in index.text and "Mixture of Experts 1" in index.text and "survey 1" in index.text
    )
    home = (tagged / "site" / "index.html").read_text(encoding="utf-8")
    assert 'href="tags/"' in home


def test_check_suggests_one_spelling_for_a_tag(tagged: Path) -> None:
    result = run_cli(tagged, "check")
    assert (
        "content/papers/beta.yml:4: warning: tag 'llm' is also spelled 'LLM' (2 paper(s)); "
        "use one spelling" in result.stdout
    )
    assert "alpha.yml: warning: tag" not in result.stdout


@pytest.mark.browser
def test_the_papers_table_filters_by_tag_in_chromium(browser, tagged: Path) -> None:
    server, url = serve_folder(tagged / "site")
    try:
        page = browser.new_page()
        page.goto(url + "papers/")
        # One entry per tag page: `LLM` and `llm` are one tag.
        options = page.locator("select.rl-tag-filter option").all_inner_texts()
        assert options == ["All tags", "LLM", "Mixture of Experts", "survey"]
        page.select_option("select.rl-tag-filter", label="LLM")
        assert page.locator(".rl-table tbody tr").count() == 3
        page.select_option("select.rl-tag-filter", label="survey")
        visible = page.locator(".rl-table tbody tr td:first-child").all_inner_texts()
        assert visible == ["Gamma Experts Nowhere"]
        page.select_option("select.rl-tag-filter", "")
        assert page.locator(".rl-table tbody tr").count() == 4
        page.goto(url + "paper/alpha/")
        page.locator(".rl-tags a", has_text="Mixture of Experts").click()
        page.wait_for_url("**/tag/mixture-of-experts/")
        page.close()
    finally:
        server.shutdown()
