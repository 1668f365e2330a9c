"""Loading and validating records: messages name the file, the line and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.content.library import load_library
from generator.content.schema import to_dict
from generator.content.store import Layout, load_paper, load_papers
from generator.content.writing import dump_paper
from generator.errors import ContentError

from .conftest import CORPUS

GOOD = """\
id: x
title: A Paper
abstract: Short.
listings:
- source: 000_a
  date: Mar 17
  position: 3
"""


def problems_for(tmp_path: Path, text: str, name: str = "x") -> list[str]:
    path = tmp_path / f"{name}.yml"
    path.write_text(text, encoding="utf-8")
    _, problems = load_paper(path, f"content/papers/{name}.yml")
    return [str(p) for p in problems]


def test_good_record_loads(tmp_path: Path) -> None:
    path = tmp_path / "x.yml"
    path.write_text(GOOD, encoding="utf-8")
    paper, problems = load_paper(path, "x.yml")
    assert problems == []
    assert paper is not None and paper.listings[0].position == 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            GOOD + "abstrct: x\n",
            "content/papers/x.yml:8: error: unknown field 'abstrct'; did you mean 'abstract'? Expected one of: id, title, authors, year, venue, doi, type, journal, booktitle, volume, number, pages, publisher, url, abstract, links, listings, aliases, themes, tags, notes, arxiv, arxiv_class, bibkey, former_ids",
        ),
        (
            GOOD.replace("title: A Paper", "title: [A, Paper]"),
            "content/papers/x.yml:2: error: field 'title': expected a string, got a list",
        ),
        (
            GOOD.replace("title: A Paper\n", ""),
            "content/papers/x.yml:1: error: missing required field 'title'",
        ),
        (
            GOOD.replace("position: 3", "position: three"),
            "content/papers/x.yml:7: error: field 'listings[0].position': expected a whole number of at most 9 digits, got 'three'",
        ),
        (
            GOOD.replace("  date: Mar 17\n", "  date: Mar 17\n  page: 2\n"),
            "content/papers/x.yml:7: error: unknown field 'listings[0].page'. Expected one of: source, date, position, key",
        ),
        (
            GOOD + "links:\n  code: javascript:alert(1)\n",
            "content/papers/x.yml:9: error: field 'links.code': expected an http(s) URL, got 'javascript:alert(1)'",
        ),
        (
            GOOD + "arxiv: 1.10\n",
            "content/papers/x.yml:8: error: field 'arxiv': expected an arXiv id such as '2309.10818', got '1.10'",
        ),
        (
            GOOD.replace("id: x", "id: y"),
            "content/papers/x.yml:1: error: field 'id': expected 'x' (the file's name), got 'y'; "
            "to rename the record, set its id to 'x' and keep 'y' in former_ids, so that its "
            "old page leads to the new one",
        ),
        (
            GOOD + "title: Again\n",
            "content/papers/x.yml:8: error: duplicate key 'title' (first on line 2)",
        ),
        (
            "id: x\ntitle: &t A\naliases: [*t]\n",
            "content/papers/x.yml:2: error: anchors and aliases (&name, *name) are not allowed",
        ),
        (
            GOOD + "notes: '" + "[" * 300 + "'\n",
            "content/papers/x.yml:8: error: field 'notes': notes hold 300 '['; at most 200 are allowed",
        ),
        (
            GOOD + "notes: '" + "* " * 20 + "a'\n",
            "content/papers/x.yml:8: error: field 'notes': notes nest lists or quotes more than 10 levels deep",
        ),
        (
            GOOD + "notes: " + "x" * 5000 + "\n",
            "content/papers/x.yml:8: error: field 'notes': notes are 5,000 characters; the limit is 4,000",
        ),
        ("", "content/papers/x.yml: error: the file is empty"),
        (
            "- just\n- a list\n",
            "content/papers/x.yml:1: error: expected a mapping of fields, got a list",
        ),
    ],
)
def test_record_errors(tmp_path: Path, text: str, expected: str) -> None:
    assert problems_for(tmp_path, text) == [expected]


def test_every_bad_item_of_a_field_is_reported_and_a_bare_address_named(tmp_path: Path) -> None:
    """Of two links pasted without `https://`, the first alone was reported: fixing it
    gave the second, one `check` at a time. And the error did not say what was missing."""
    text = GOOD + "links:\n  code: github.com/x/y\n  paper: www.example.org/p.pdf\n"
    assert problems_for(tmp_path, text) == [
        "content/papers/x.yml:9: error: field 'links.code': expected an http(s) URL, got "
        "'github.com/x/y'; did you mean 'https://github.com/x/y'?",
        "content/papers/x.yml:10: error: field 'links.paper': expected an http(s) URL, got "
        "'www.example.org/p.pdf'; did you mean 'https://www.example.org/p.pdf'?",
    ]


def test_a_list_written_as_one_value_is_shown_as_a_list(tmp_path: Path) -> None:
    """`tags: quantization` is a slip anyone new to YAML makes; the error now shows the
    list it meant, where YAML would read that as written."""
    text = GOOD + "tags: quantization\nauthors: Ada Lovelace, Charles Babbage\naliases: 'a: b'\n"
    assert problems_for(tmp_path, text) == [
        "content/papers/x.yml:8: error: field 'tags': expected a list, got 'quantization': "
        "write [quantization]",
        "content/papers/x.yml:9: error: field 'authors': expected a list, got 'Ada Lovelace, "
        "Charles Babbage': write [Ada Lovelace, Charles Babbage]",
        "content/papers/x.yml:10: error: field 'aliases': expected a list, got 'a: b'",
    ]


def test_an_empty_tag_is_an_error(tmp_path: Path) -> None:
    """`tags: ['', ' ', ~]` loaded, and each made a link with no text on the page."""
    text = GOOD + "tags: ['', ' ', x, ~]\n"
    assert problems_for(tmp_path, text) == [
        f"content/papers/x.yml:8: error: field 'tags[{n}]': expected some text, got {got}"
        for n, got in ((0, "nothing"), (1, "only spaces"), (3, "nothing"))
    ]


def test_arxiv_id_that_yaml11_would_make_a_float_stays_a_string(tmp_path: Path) -> None:
    path = tmp_path / "x.yml"
    path.write_text(GOOD + "arxiv: 0704.0010\n", encoding="utf-8")
    paper, _ = load_paper(path, "x.yml")
    assert paper is not None and paper.arxiv == "0704.0010"
    assert "arxiv: '0704.0010'" in dump_paper(paper)


def test_non_utf8_record(tmp_path: Path) -> None:
    path = tmp_path / "x.yml"
    path.write_bytes(b"id: x\ntitle: Caf\xe9\n")
    assert [str(p) for p in load_paper(path, "x.yml")[1]] == [
        "x.yml:2: error: not UTF-8 text (byte 0xe9); save it as UTF-8 and try again"
    ]
    # Saved as Windows' Notepad saves "Unicode": UTF-16, with its byte-order mark.
    path.write_text("id: x\ntitle: Café\n", encoding="utf-16")
    assert [str(p) for p in load_paper(path, "x.yml")[1]] == [
        "x.yml:1: error: not UTF-8 text: it begins as UTF-16 does; save it as UTF-8 and try again"
    ]


def test_same_title_in_two_records(tmp_path: Path) -> None:
    papers = tmp_path / "content" / "papers"
    papers.mkdir(parents=True)
    (papers / "a.yml").write_text("id: a\ntitle: Same Title\n", encoding="utf-8")
    (papers / "b.yml").write_text("id: b\ntitle: 'same title.'\n", encoding="utf-8")
    _, problems = load_papers(Layout(tmp_path))
    assert [str(p) for p in problems] == [
        "content/papers/b.yml:2: error: field 'title': same title as content/papers/a.yml; merge "
        "the two records (readinglist merge a b), or make one an alias of the other"
    ]


def test_files_that_are_not_records_are_named_and_dotfiles_left_alone(tmp_path: Path) -> None:
    papers = tmp_path / "content" / "papers"
    papers.mkdir(parents=True)
    (papers / "a.yml").write_text("id: a\ntitle: A Paper\n", encoding="utf-8")
    (papers / "notes.txt").write_text("todo", encoding="utf-8")
    (papers / "b.yaml").write_text("id: b\ntitle: B\n", encoding="utf-8")
    (papers / ".DS_Store").write_bytes(b"\0")
    (papers / "sub").mkdir()
    (papers / "sub" / "c.yml").write_text("id: c\ntitle: C\n", encoding="utf-8")
    found, problems = load_papers(Layout(tmp_path))
    assert list(found) == ["a"]
    assert [str(p) for p in problems] == [
        f"content/papers/{name}: error: not a record: records are content/papers/<id>.yml"
        for name in ("b.yaml", "notes.txt", "sub")
    ]
    assert load_papers(Layout(tmp_path / "nowhere")) == ({}, [])


def test_unknown_theme_suggests_closest(tmp_path: Path) -> None:
    (tmp_path / "content" / "papers").mkdir(parents=True)
    (tmp_path / "content" / "themes.yml").write_text(
        "themes:\n- id: llm-serving\n  title: Serving\n", encoding="utf-8"
    )
    (tmp_path / "content" / "papers" / "a.yml").write_text(
        "id: a\ntitle: A\nthemes: [llm-serve]\n", encoding="utf-8"
    )
    with pytest.raises(ContentError) as info:
        load_library(Layout(tmp_path))
    assert [str(p) for p in info.value.problems] == [
        "content/papers/a.yml:3: error: field 'themes': unknown theme 'llm-serve'; did you mean 'llm-serving'?"
    ]


def test_every_record_round_trips() -> None:
    layout = Layout(CORPUS)
    papers, problems = load_papers(layout)
    assert problems == []
    assert len(papers) == 354
    for paper in papers.values():
        path = layout.paper_path(paper.id)
        assert path.read_text(encoding="utf-8") == dump_paper(paper)
        again, _ = load_paper(path, path.name)
        assert again == paper and to_dict(again) == to_dict(paper)


def test_control_characters_in_a_record_are_replaced_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "x.yml"
    path.write_text('id: x\ntitle: "A \\e[31mred\\0 title"\n', encoding="utf-8")
    paper, problems = load_paper(path, "content/papers/x.yml")
    assert paper is not None and paper.title == "A \ufffd[31mred\ufffd title"
    assert [str(p) for p in problems] == [
        "content/papers/x.yml:2: warning: field 'title': control characters replaced with \ufffd"
    ]


def test_messages_quote_only_the_start_of_a_long_value(tmp_path: Path) -> None:
    long_id = "Not A Slug " * 1000
    problems = problems_for(tmp_path, f"id: {long_id}\ntitle: T\n")
    assert len(problems) == 1 and len(problems[0]) < 300
    assert problems[0].endswith("Not A Slug\u2026'")


def test_a_list_just_begun_may_declare_no_themes_or_sources_yet(tmp_path: Path) -> None:
    """`themes:` with nothing under it is how a new list's file begins; it was "expected
    a top-level 'themes:' list", as was `sources:` alone. A file without the key still is."""
    from generator.content.store import load_sources, load_themes

    layout = Layout(tmp_path)
    (tmp_path / "content" / "papers").mkdir(parents=True)
    (tmp_path / "content" / "themes.yml").write_text("# To come.\nthemes:\n", encoding="utf-8")
    (tmp_path / "content" / "sources.yml").write_text("sources:\n", encoding="utf-8")
    assert load_themes(layout) == ([], [])
    assert load_sources(layout) == ({}, [])
    (tmp_path / "content" / "themes.yml").write_text("theme:\n- id: x\n", encoding="utf-8")
    assert [str(p) for p in load_themes(layout)[1]] == [
        "content/themes.yml:1: error: expected a top-level 'themes:' list"
    ]
