"""Strict YAML loading and readable, faithful dumping."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.content.yamlio import YamlSyntaxError, dumps, loads

TAB = "a tab in the indent: YAML indents with spaces, never tabs"


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("a: 1\nb: 2\na: 3\n", "duplicate key 'a' (first on line 1)", 3),
        ("a: &x [1, 2]\nb: *x\n", "anchors and aliases (&name, *name) are not allowed", 1),
        (
            "a: !!python/object:os.system x\n",
            "tag 'tag:yaml.org,2002:python/object:os.system' is not allowed; write a plain value",
            1,
        ),
        ("a: [1, 2\n", "YAML syntax error: did not find expected ',' or ']'", 1),
        ("a: b: c\n", "YAML syntax error: mapping values are not allowed in this context", 1),
        # An editor's tab, which YAML refuses in an indent: say so, not "cannot start any token".
        ("a: 1\ntags:\n\t- x\n", f"YAML syntax error: {TAB}", 3),
        ("a:\n  - x\n \t- y\n", f"YAML syntax error: {TAB}", 3),
        ("a: x\tb: c\n", "YAML syntax error: mapping values are not allowed in this context", 1),
        # A no-break space, pasted from a web page: it looks like a space and is none.
        (
            "id: x\ntags:\n\u00a0\u00a0- survey\nyear: '2024'\n",
            "YAML syntax error: a no-break space (U+00A0) in the indent: YAML indents with "
            "plain spaces",
            3,
        ),
    ],
)
def test_rejects_with_line(text: str, message: str, line: int) -> None:
    with pytest.raises(YamlSyntaxError) as info:
        loads(text)
    assert (str(info.value), info.value.line) == (message, line)


def test_values_stay_as_written() -> None:
    data, lines = loads(
        "arxiv: 0704.0010\nversion: 1.10\nanswer: NO\nwhen: 2024-01-01\nn: 7\nempty:\n"
    )
    assert data == {
        "arxiv": "0704.0010",
        "version": "1.10",
        "answer": "NO",
        "when": "2024-01-01",
        "n": "7",
        "empty": "",
    }
    assert lines[("answer",)] == 3


def test_yamls_null_is_an_empty_value_and_a_quoted_one_text() -> None:
    """`venue: null` or `doi: ~`, as YAML writes "no value" (and tools that write YAML
    do), was kept as the text "null": a venue shown as "null" on the page, a DOI refused
    as "expected a DOI … got 'null'". A quoted 'null' is still the text."""
    data, _ = loads("a: null\nb: ~\nc: Null\nd: NULL\ne: 'null'\nf: [x, null]\ng: nullable\n")
    assert data == {
        "a": "",
        "b": "",
        "c": "",
        "d": "",
        "e": "null",
        "f": ["x", ""],
        "g": "nullable",
    }
    assert loads(dumps({"x": "null", "y": "~"}))[0] == {"x": "null", "y": "~"}


def test_dump_quotes_yaml11_lookalikes_and_folds_prose() -> None:
    prose = " ".join(["word"] * 30)
    text = dumps({"arxiv": "0704.0010", "flag": "NO", "abstract": prose})
    assert "arxiv: '0704.0010'" in text
    assert "flag: 'NO'" in text
    assert "abstract: >-" in text
    assert loads(text)[0]["abstract"] == prose


text_values = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)


@given(
    st.dictionaries(
        st.sampled_from(["title", "abstract", "notes", "arxiv"]), text_values, min_size=1
    )
)
def test_dump_load_round_trip(data: dict[str, str]) -> None:
    assert loads(dumps(data))[0] == data


def test_a_second_document_is_refused_with_its_line() -> None:
    with pytest.raises(YamlSyntaxError) as info:
        loads("id: a\n---\nid: b\n")
    assert (str(info.value), info.value.line) == (
        "a record is one YAML document; found a second one",
        2,
    )


def test_libyamls_emitter_writes_the_bytes_the_python_one_writes() -> None:
    import yaml

    from generator.content import yamlio
    from generator.content.schema import to_dict
    from generator.content.store import Layout, load_papers

    from .conftest import CORPUS

    class PythonDumper(yaml.SafeDumper):
        pass

    PythonDumper.add_representer(str, yamlio._represent_str)
    papers, _ = load_papers(Layout(CORPUS))
    for paper in papers.values():
        data = to_dict(paper)
        expected = yaml.dump(
            data,
            Dumper=PythonDumper,
            sort_keys=False,
            allow_unicode=True,
            width=88,
            default_flow_style=False,
        )
        assert yamlio.dumps(data) == expected


@pytest.mark.parametrize(
    "text",
    ["id: x\ntitle: [unclosed\nabstract: y\n", "id: x\ntitle: 'open\nabstract: y\n"],
)
def test_an_unclosed_list_or_quote_is_reported_where_it_opens(text: str) -> None:
    with pytest.raises(YamlSyntaxError) as caught:
        loads(text)
    assert caught.value.line == 2
