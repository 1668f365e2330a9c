"""Related papers: exact on small lists, pruned candidates with exact scores on large ones."""

from __future__ import annotations

import random
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from generator.analysis.related import Neighbours, paper_text, related_papers, vectorize, words
from generator.analysis.stop_words import ENGLISH_STOP_WORDS as OUR_STOP_WORDS
from generator.content.library import load_library
from generator.content.model import Paper
from generator.content.store import Layout
from generator.site.charts import paper_positions

from .conftest import CORPUS


def seed_papers() -> list[Paper]:
    return list(load_library(Layout(CORPUS)).papers.values())


def recall(exact: dict, pruned: dict) -> float:
    found = sum(len({r.id for r in exact[p]} & {r.id for r in pruned[p]}) for p in exact)
    return found / sum(len(v) for v in exact.values())


def test_pruned_search_finds_what_the_exhaustive_one_finds_on_the_seeds() -> None:
    papers = seed_papers()
    exact = related_papers(papers, exact=True)
    pruned = related_papers(papers, exact=False)
    assert recall(exact, pruned) >= 0.95
    # Scores are exact cosines either way, so a paper found by both has the same score.
    for pid, found in pruned.items():
        truth = {r.id: r.score for r in exact[pid]}
        assert all(truth[r.id] == r.score for r in found if r.id in truth)


def test_pruned_search_recall_on_a_larger_synthetic_list() -> None:
    seeds = seed_papers()
    rng = random.Random(3)
    papers = []
    for i in range(2500):
        base = seeds[i % len(seeds)]
        words = base.abstract.split()
        rng.shuffle(words)
        papers.append(Paper(id=f"p{i:05d}", title=f"{base.title} {i}", abstract=" ".join(words)))
    assert recall(related_papers(papers, exact=True), related_papers(papers, exact=False)) >= 0.95


@pytest.mark.parametrize("exact", [True, False])
def test_papers_asked_for_a_few_at_a_time_get_what_all_at_once_get(exact: bool) -> None:
    papers = seed_papers()
    everyone = related_papers(papers, exact=exact)
    neighbours = Neighbours(papers, exact=exact)
    rows = list(range(len(papers)))
    random.Random(5).shuffle(rows)  # batches of scattered papers, as page order gives
    found: dict[str, list] = {}
    for start in range(0, len(rows), 50):
        found.update(neighbours.of(rows[start : start + 50], block=16))
    assert found == everyone


def test_no_paper_is_related_to_itself_and_ties_go_by_id() -> None:
    papers = [
        Paper(id="b", title="Sparse attention kernels", abstract="sparse attention on GPUs"),
        Paper(id="a", title="Sparse attention kernels", abstract="sparse attention on GPUs"),
        Paper(id="c", title="Sparse attention kernels", abstract="sparse attention on GPUs"),
        Paper(id="d", title="Federated averaging", abstract="clients average weights"),
    ]
    papers.sort(key=lambda p: p.id)
    for exact in (True, False):
        result = related_papers(papers, exact=exact)
        assert [r.id for r in result["b"]] == ["a", "c"]
        assert all(r.id != pid for pid, found in result.items() for r in found)
        assert result["d"] == []


@pytest.mark.parametrize(
    "text",
    [
        "plain words, a b c2 and_under (parens) x-y",
        "tabs\tand\nlines\x1cz",
        "größe naïve ümlaut",
        "",
    ],
)
def test_words_of_two_letters_are_scikit_learns_default_tokens(text: str) -> None:
    assert [w for w in words(text) if len(w) > 1] == re.findall(r"(?u)\b\w\w+\b", text)


def scikit_learn_tfidf(papers: list[Paper]):
    """What `vectorize` stands in for (a build does not import scikit-learn)."""
    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True, dtype=np.float32)
    try:
        matrix = vectorizer.fit_transform(paper_text(p) for p in papers).tocsr()
    except ValueError:  # "empty vocabulary": only stop words, so no columns
        return sparse.csr_matrix((len(papers), 0), dtype=np.float32)
    matrix.sort_indices()
    return matrix


def assert_same_matrix(ours, theirs) -> None:
    assert ours.dtype == theirs.dtype == np.float32
    assert ours.shape == theirs.shape
    assert (ours.indptr == theirs.indptr).all()
    assert (ours.indices == theirs.indices).all()
    np.testing.assert_allclose(ours.data, theirs.data, rtol=1e-6)


def test_tf_idf_is_scikit_learns_on_the_seeds() -> None:
    papers = seed_papers()
    assert_same_matrix(vectorize(papers), scikit_learn_tfidf(papers))


# Words from a small pool, so that terms repeat across papers; stop words, one-letter
# words, digits, underscores and non-ASCII letters among them.
_POOL = ["sparse", "attention", "the", "and", "a", "x", "gpu2", "low_rank", "naïve", "Größe"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from([*_POOL, " ", "-", ".", "\n"]), max_size=30).map("".join),
        min_size=1,
        max_size=8,
    )
)
def test_tf_idf_is_scikit_learns_on_any_text(abstracts: list[str]) -> None:
    papers = [Paper(id=f"p{i}", title="T", abstract=a) for i, a in enumerate(abstracts)]
    assert_same_matrix(vectorize(papers), scikit_learn_tfidf(papers))


def test_the_stop_words_are_scikit_learns() -> None:
    assert OUR_STOP_WORDS == ENGLISH_STOP_WORDS


def test_paper_map_positions_are_scikit_learns_truncated_svd() -> None:
    matrix = vectorize(seed_papers())[:120]
    svd = TruncatedSVD(n_components=2, algorithm="arpack", random_state=0)
    np.testing.assert_allclose(paper_positions(matrix), svd.fit_transform(matrix), atol=1e-6)


def test_a_theme_of_stop_words_only_gets_a_map_without_arpack() -> None:
    """Texts with fewer than three words in use: ARPACK used to raise ArpackError."""
    rows = sparse.csr_matrix(np.zeros((5, 40)))
    assert paper_positions(rows).shape == (5, 2)


def test_papers_with_nothing_but_stop_words_have_no_related_papers() -> None:
    papers = [Paper(id=f"p{i}", title="The", abstract="and of the") for i in range(3)]
    assert related_papers(papers) == {"p0": [], "p1": [], "p2": []}


def test_heaviest_terms_keeps_each_rows_largest_weights_ties_in_column_order() -> None:
    from generator.analysis.related import _heaviest_terms

    rng = np.random.default_rng(3)
    # Few distinct weights, so that many are equal.
    dense = rng.choice([0, 0, 0, 0.25, 0.5, 0.5, 1.0], size=(60, 40)).astype(np.float32)
    dense[5] = 0  # an empty row
    matrix = sparse.csr_matrix(dense)
    for terms in (1, 3, 10, 40):
        expected = np.zeros_like(dense)
        for row, weights in enumerate(dense):
            columns = [c for c in np.flatnonzero(weights)]
            columns.sort(key=lambda c: -weights[c])  # stable: equal weights by column
            expected[row, columns[:terms]] = weights[columns[:terms]]
        assert (_heaviest_terms(matrix, terms).toarray() == expected).all()
