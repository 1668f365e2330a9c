"""Mentions: the words abstracts are split into, on the fast path and the slow."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.analysis.mentions import _WORD, _Trimmed, _words, find_mentions
from generator.content.model import Paper


@pytest.mark.parametrize(
    "text",
    [
        "ZeRO-Offload beats GPT-3.5, C++ and S-LoRA.",
        "-lead +plus .dot trail- trail. a.+.+. x--y __init__",
        "(NanoFlow), [T3]; {A/B} e.g. i.e.",
        "\x1ctab\tand\nnewline",
    ],
)
def test_ascii_words_are_the_patterns(text: str) -> None:
    assert _words(text) == _WORD.findall(text)


@settings(max_examples=300, derandomize=True)
@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_any_ascii_text_splits_as_the_pattern_splits_it(text: str) -> None:
    assert _words(text) == re.findall(_WORD, text)


@settings(max_examples=200, derandomize=True)
@given(st.lists(st.text(alphabet=st.characters(max_codepoint=127)), max_size=5))
def test_texts_sharing_what_was_trimmed_split_as_the_pattern_splits_each(
    texts: list[str],
) -> None:
    trimmed = _Trimmed()  # what one text trimmed, the next looks up
    assert [_words(text, trimmed) for text in texts] == [_WORD.findall(t) for t in texts]


def test_other_text_goes_through_the_pattern() -> None:
    assert _words("Größe-Modell, naïve.") == ["Größe-Modell", "naïve"]


def test_a_name_most_abstracts_use_is_not_a_mention() -> None:
    """`LLMs: Buy Cheap GPUs` was linked as mentioned from 97 of 354 pages."""
    papers = [Paper(id="llms", title="LLMs: Buy Cheap GPUs", abstract="A position paper.")]
    papers.append(Paper(id="nanoflow", title="NanoFlow: Serving", abstract="Serving fast."))
    for i in range(40):
        text = "We compare with NanoFlow." if i == 0 else f"LLMs are large, case {i}."
        papers.append(Paper(id=f"p{i:02d}", title=f"Paper {i}", abstract=text))
    mentions = find_mentions(papers)
    assert mentions["p00"] == ["nanoflow"]
    assert all(mentions[f"p{i:02d}"] == [] for i in range(1, 40))
