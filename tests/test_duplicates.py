"""Which titles are the same paper, which only look alike, and how ids are made."""

from __future__ import annotations

import random
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.content.model import Paper
from generator.content.store import Layout, load_papers
from generator.ingest.duplicates import (
    _looks_alike,
    make_slug,
    possible_duplicates,
    title_key,
    unique_slug,
)

from .conftest import CORPUS


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("NanoFlow: Towards Optimal LLM Serving", "nanoflow — towards optimal llm serving."),
        ("Megatron-LM: Training", "Megatron\u2013LM  Training"),
        ("\u201cQuoted\u201d Title", '"Quoted" title'),
        ("Ｆｕｌｌwidth Title", "Fullwidth Title"),
        ("Trailing period.", "Trailing period"),
    ],
)
def test_same_paper(a: str, b: str) -> None:
    assert title_key(a) == title_key(b)


def test_different_papers_differ() -> None:
    assert title_key("Efficient Deep Neural Networks") != title_key(
        "Efficient Online Processing with Deep Neural Networks"
    )


def test_slug_is_at_most_80_chars_at_a_word_boundary() -> None:
    title = "Speculative MoE: Communication Efficient Parallel MoE Inference with Speculative Token and Expert Pre-scheduling"
    slug = make_slug(title)
    assert slug == "speculative-moe-communication-efficient-parallel-moe-inference-with-speculative"
    assert len(slug) <= 80


def test_colliding_slug_gets_suffix() -> None:
    assert unique_slug("Same Title", {"same-title"}) == "same-title-2"
    assert unique_slug("Same Title", {"same-title", "same-title-2"}) == "same-title-3"


def paper(pid: str, title: str) -> Paper:
    return Paper(id=pid, title=title)


def test_possible_duplicates_flags_near_misses_only() -> None:
    papers = [
        paper("a", "Efficient Deep Neural Networks"),
        paper("b", "Efficient Online Processing with Deep Neural Networks"),
        paper("c", "Scaling Laws for Data Filtering and Curation"),
        paper("d", "Scaling Law for Data Filtering and Curation"),
        paper("e", "A Completely Different Paper"),
    ]
    assert [(x.id, y.id) for x, y in possible_duplicates(papers)] == [("c", "d")]


def test_seed_titles_have_no_possible_duplicates() -> None:
    papers, _ = load_papers(Layout(CORPUS))
    assert possible_duplicates(papers.values()) == []


def test_titles_without_words_only_match_themselves() -> None:
    assert title_key("[[[[") != title_key("____")
    assert title_key("[[[[") == title_key(" [[[[ ")
    assert title_key("NanoFlow!") == title_key("nanoflow")


def test_the_duplicate_index_finds_what_comparing_every_pair_finds() -> None:
    """Prefix filtering only prunes pairs that could not pass: checked against all pairs."""
    rng = random.Random(3)
    vocabulary = [
        "sparse",
        "fast",
        "llm",
        "serving",
        "kv",
        "cache",
        "attention",
        "pruning",
        "low",
        "rank",
        "quantized",
        "efficient",
        "training",
        "inference",
        "models",
        "language",
        "vision",
        "transformer",
        "mixture",
        "experts",
    ]
    titles = []
    for _ in range(100):
        words = rng.sample(vocabulary, rng.randint(4, 9))
        titles.append(words)
        titles.append([*words, rng.choice(vocabulary)])  # a word more
        titles.append(words[:-1])  # a word less
        typo = list(words)
        typo[0] = typo[0][:-1]
        titles.append(typo)
    papers = [Paper(id=f"p{i:03d}", title=" ".join(t)) for i, t in enumerate(titles)]
    keys = [title_key(p.title) for p in papers]
    sets = [frozenset(k.split()) for k in keys]
    every_pair = [
        (papers[i].id, papers[j].id)
        for i in range(len(papers))
        for j in range(i + 1, len(papers))
        if _looks_alike(keys[i], keys[j], sets[i], sets[j], len(sets[i] & sets[j]))
    ]
    found = [(a.id, b.id) for a, b in possible_duplicates(papers)]
    assert len(every_pair) > 50
    assert found == sorted(every_pair)


def test_a_possible_duplicate_shows_where_the_titles_differ_and_how_to_merge(
    tmp_path: Path,
) -> None:
    """Two long titles alike in their first 120 characters were quoted as the same text,
    and the advice predated `readinglist merge`."""
    from .conftest import make_small_project, run_cli

    root = make_small_project(tmp_path / "project", entries=2)
    head = "Open-Sourcing Highly Capable Foundation Models: An Evaluation of Risks, " * 2
    for pid, tail in (("first", "Benefits and Alternatives"), ("second", "Benefits or Others")):
        (root / "content" / "papers" / f"{pid}.yml").write_text(
            f"id: {pid}\ntitle: '{head}{tail}'\n", encoding="utf-8"
        )
    result = run_cli(root, "check")
    output = result.stdout + result.stderr
    warning = next(line for line in output.splitlines() if "possible duplicate" in line)
    assert warning.startswith("content/papers/first.yml:2: warning: "), warning  # its title
    assert "Risks, Benefits and Alternatives' / '" in warning, warning
    assert "Risks, Benefits or Others')" in warning, warning
    assert warning.endswith("if they are one paper: readinglist merge first second"), warning


def test_an_arxiv_id_or_doi_on_two_records_is_a_warning_with_the_merge(tmp_path: Path) -> None:
    """Two records with one arXiv id (in two versions) or one DOI (in two cases) passed
    `check` in silence: the same paper had two pages."""
    from .conftest import make_small_project, run_cli

    root = make_small_project(tmp_path / "project", entries=2)
    papers = root / "content" / "papers"
    (papers / "engine.yml").write_text(
        "id: engine\ntitle: Notes on the Engine\narxiv: '2309.10818'\ndoi: 10.5555/Engine.1\n",
        encoding="utf-8",
    )
    (papers / "machine.yml").write_text(
        "id: machine\ntitle: A Machine for Sums\narxiv: '2309.10818v2'\ndoi: 10.5555/engine.1\n",
        encoding="utf-8",
    )
    result = run_cli(root, "check")
    assert result.returncode == 0, result.stdout
    merge = "if they are one paper: readinglist merge engine machine"
    assert (
        "content/papers/machine.yml:3: warning: same arXiv id as content/papers/engine.yml "
        f"('2309.10818v2'); {merge}"
    ) in result.stdout
    assert (
        "content/papers/machine.yml:4: warning: same DOI as content/papers/engine.yml "
        f"('10.5555/engine.1'); {merge}"
    ) in result.stdout


BRITISH = ["organisation", "analysed", "colours", "centre", "catalogue", "travelling"]


@given(
    st.lists(
        st.sampled_from([*BRITISH, "programme", "grey", "is", "our", "Multi-GPU"])
        | st.text(alphabet="aegilmnorstuyz- ", max_size=12),
        max_size=8,
    )
)
def test_a_title_spelt_either_way_has_the_key_of_each_rule_in_turn(words: list[str]) -> None:
    """`variant_key` tries a word against the spelling rules only when one matches it
    (one pattern instead of eight); the key is what each rule in turn gives."""
    from generator.content.titles import _MARK, _SPELLINGS, title_key, variant_key

    title = " ".join(words)
    every = re.split(r"[\s-]+", _MARK.sub("", unicodedata.normalize("NFKD", title_key(title))))
    for pattern, american in _SPELLINGS:
        every = [pattern.sub(american, word) for word in every]
    assert variant_key(title) == "".join(every)
