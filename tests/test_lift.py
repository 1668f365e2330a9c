"""`engine.lift`: raw HTML blocks set aside before Python-Markdown and put back after it
give exactly the HTML that converting them would. (The whole site, byte for byte
against a build without the hook: `test_generate.test_plain_mkdocs_builds_the_same_site`.)"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mkdocs.exceptions import PluginError

from generator.engine import lift

from .conftest import make_small_project, run_cli
from .hostile import add_hostile_content


def convert(text: str) -> str:
    # The extensions mkdocs.yml names.
    return markdown.Markdown(extensions=["attr_list", "tables", "toc"]).convert(text)


def lifted(text: str, name: str = "page.md") -> tuple[str, int]:
    """The HTML through the hook's two events, and how many blocks it set aside."""
    page = SimpleNamespace(file=SimpleNamespace(src_uri=name))
    source = lift.on_page_markdown(text, page=page)
    count = len(lift._lifted.get(name, {}))
    return lift.on_page_content(convert(source), page=page), count


def test_every_generated_page_converts_the_same_hostile_content_included(
    tmp_path: Path,
) -> None:
    root = make_small_project(tmp_path / "project")
    add_hostile_content(root)
    assert run_cli(root, "generate").returncode == 0
    pages = sorted((root / "build" / "docs").rglob("*.md"))
    total = 0
    for page in pages:
        text = page.read_text(encoding="utf-8").split("---\n", 2)[2]  # as MkDocs hands it
        html, count = lifted(text, page.name)
        assert html == convert(text), page
        total += count
    papers = [p for p in pages if p.parent.name == "paper"]
    assert total >= 4 * len(papers)  # the paper pages' blocks are lifted, not left


CHUNKS = st.sampled_from(
    [
        '<div class="x"><p>a &amp; b</p></div>',
        "<div><div>nested</div></div>",
        "<div>one</div>\n<div>two</div>",
        "<div>\n\n<p>a blank line inside</p>\n\n</div>",
        "<p>a</p> and text after it",
        "<pre><code>kept\n  as written</code></pre>",
        "<pre>\ta tab</pre>",
        "<div>a line of spaces\n   \nin it</div>",
        "<div>\x02 a mark Python-Markdown removes</div>",
        '<ul class="r"><li><a href="x">y</a></li></ul>',
        '<h1 id="title">A title</h1>',
        "<section>not closed",
        "</div>",
        "Plain *Markdown* text",
        "- a list\n- of two",
        "## A heading { #h }",
        "| a | b |\n| - | - |\n| 1 | 2 |",
        "    indented code <div>x</div>",
        "<!-- a comment -->",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(CHUNKS, min_size=1, max_size=8), st.sampled_from(["\n\n", "\n\n\n"]))
def test_any_arrangement_of_blocks_converts_the_same(chunks: list[str], gap: str) -> None:
    text = gap.join(chunks) + "\n"
    assert lifted(text)[0] == convert(text)


def test_a_block_that_cannot_be_put_back_stops_the_build() -> None:
    page = SimpleNamespace(file=SimpleNamespace(src_uri="page.md"))
    lift.on_page_markdown("<div>a block</div>\n", page=page)
    with pytest.raises(PluginError, match=r"page\.md: a raw HTML block could not be put back"):
        lift.on_page_content("<p>an extension rewrote everything</p>", page=page)
