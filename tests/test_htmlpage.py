"""Paper pages skip Python-Markdown and come out exactly as Markdown would make them."""

from __future__ import annotations

from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.structure.files import get_files
from mkdocs.structure.pages import Page
from mkdocs.utils import meta

from generator import htmlpage, rawhtml
from generator.pipeline import generate
from generator.render import SiteOptions
from generator.store import Layout

from .conftest import make_project


@pytest.fixture
def site(tmp_path: Path):
    root = make_project(tmp_path / "project")
    generate(Layout(root), root / "build" / "docs", SiteOptions())
    config = load_config(str(root / "mkdocs.yml"))
    files = get_files(config)
    htmlpage.install(files, config)
    return config, files


def test_paper_pages_and_only_they_get_an_html_page(site) -> None:
    _, files = site
    pages = files.documentation_pages()
    papers = [f for f in pages if f.src_uri.startswith("paper/")]
    assert papers and all(isinstance(f.page, htmlpage.HtmlPage) for f in papers)
    assert all(f.page is None for f in pages if not f.src_uri.startswith("paper/"))


def test_an_html_page_renders_what_markdown_would(site) -> None:
    config, files = site
    for file in [f for f in files.documentation_pages() if f.src_uri.startswith("paper/")][:20]:
        markdown, _ = meta.get_data(file.content_string)
        lifted, _ = rawhtml.lift(markdown)
        fast, slow = file.page, Page(None, file, config)
        for page in (fast, slow):
            page.markdown = lifted
            page.render(config, files)
        assert fast.content == slow.content
        assert str(fast.toc) == str(slow.toc) and fast._title_from_render is None
        assert fast.present_anchor_ids == slow.present_anchor_ids


def test_anything_but_tokens_goes_through_markdown(site) -> None:
    config, files = site
    page = next(f.page for f in files.documentation_pages() if f.src_uri.startswith("paper/"))
    page.markdown = "# A heading\n\nSome *Markdown*."
    page.render(config, files)
    assert "<em>Markdown</em>" in page.content and page.toc.items[0].title == "A heading"
