"""Generated HTML is carried past Python-Markdown and put back unchanged."""

from __future__ import annotations

import random
import re

import markdown

from generator import rawhtml


def test_blocks_skip_markdown_and_come_back() -> None:
    block = '<div class="x"><p>*not emphasis* &lt;b&gt;</p>\n\n<p>two</p></div>'
    text = f"# Title\n\n{rawhtml.OPEN}\n{block}\n{rawhtml.CLOSE}\n\nSome *Markdown*.\n"
    lifted, blocks = rawhtml.lift(text)
    assert blocks == [block] and block not in lifted
    html = rawhtml.restore(markdown.markdown(lifted), blocks)
    assert block in html and "<em>Markdown</em>" in html


def test_content_cannot_forge_a_token() -> None:
    _, blocks = rawhtml.lift(f"{rawhtml.OPEN}\n<p>real</p>\n{rawhtml.CLOSE}\n")
    forged = "<p>rlhtml0000000000000000x0</p>"
    assert rawhtml.restore(forged, blocks) == forged


def test_search_sees_no_excluded_block() -> None:
    kept = '<div class="rl-abstract"><p>data-search-exclude is only text here</p></div>'
    dropped = [
        "<div data-search-exclude><p>history</p></div>",
        '<ul class="x" data-search-exclude>',
    ]
    assert rawhtml.searchable([kept, *dropped]) == [kept, "", ""]


def test_block_headings_join_the_table_of_contents_under_the_title() -> None:
    from mkdocs.structure.toc import get_toc

    toc = get_toc([{"level": 1, "id": "title", "name": "Title", "children": []}])
    blocks = [
        '<h2 id="notes">Notes</h2><p>x</p>',
        '<h2 id="mentions" data-search-exclude>Mentions</h2>',
    ]
    rawhtml.add_headings(toc, rawhtml.headings(blocks))
    (title,) = toc.items
    assert [(a.id, a.title, a.level) for a in title.children] == [
        ("notes", "Notes", 2),
        ("mentions", "Mentions", 2),
    ]


def test_a_generated_title_heads_the_table_of_contents() -> None:
    from mkdocs.structure.toc import get_toc

    toc = get_toc([])
    blocks = ['<h1 id="zero">ZeRO &#38; friends</h1>', '<h2 id="notes">Notes</h2><p>x</p>']
    rawhtml.add_headings(toc, rawhtml.headings(blocks))
    (title,) = toc.items
    assert (title.id, title.title, title.level) == ("zero", "ZeRO &#38; friends", 1)
    assert [a.id for a in title.children] == ["notes"]


# The definition `lift` implements with str.find, as a regular expression.
_BLOCK = re.compile(
    rf"^{re.escape(rawhtml.OPEN)}\n(.*?)\n{re.escape(rawhtml.CLOSE)}$", re.DOTALL | re.MULTILINE
)


def test_lift_finds_exactly_the_blocks_its_definition_does() -> None:
    pieces = [rawhtml.OPEN, rawhtml.CLOSE, "\n", "\n\n", "x", " ", f"x{rawhtml.OPEN}"]
    pieces.append(f"{rawhtml.CLOSE}x")
    rnd = random.Random(5)
    for _ in range(20000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 12)))
        lifted, blocks = rawhtml.lift(text)
        assert blocks == _BLOCK.findall(text), text
        assert re.sub(r"rlhtml[0-9a-f]+x\d+", "T", lifted) == _BLOCK.sub("\nT\n", text), text


def test_a_page_of_tokens_renders_as_markdown_would() -> None:
    blocks = "".join(f"{rawhtml.OPEN}\n<p>{i}</p>\n{rawhtml.CLOSE}\n\n" for i in range(4))
    lifted, _ = rawhtml.lift(blocks)
    md = markdown.Markdown(extensions=["toc", "attr_list", "tables"])
    assert rawhtml.tokens_only(lifted) == md.convert(lifted)
    assert rawhtml.tokens_only(lifted + "\nSome *Markdown*.\n") is None
    # A page that is still on its way (`pipeline.write_later`) is empty meanwhile.
    assert rawhtml.tokens_only("") == md.convert("") == ""
