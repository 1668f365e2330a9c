"""Related papers: the most similar abstracts by TF-IDF, computed in sparse blocks.

Similarities are computed for a block of rows at a time against the sparse matrix of
all papers, so memory grows with `block x n`, never `n x n`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from .model import Paper, Related

TOP_K = 5
BLOCK = 256


def paper_text(paper: Paper) -> str:
    """What similarity is computed over: the title counts twice, being denser."""
    return f"{paper.title}. {paper.title}. {paper.abstract}"


def vectorize(papers: Sequence[Paper]) -> sparse.csr_matrix:
    """TF-IDF rows (L2-normalised, so a dot product is a cosine) in the papers' order."""
    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True, dtype=np.float32)
    return vectorizer.fit_transform(paper_text(p) for p in papers).tocsr()


def related_papers(
    papers: list[Paper], k: int = TOP_K, block: int = BLOCK
) -> dict[str, list[Related]]:
    """For each paper (given in id order), its `k` most similar others, most similar first.

    Ties are broken by id, so the result is the same on every run.
    """
    if len(papers) < 2:
        return {p.id: [] for p in papers}
    matrix = vectorize(papers)
    transposed = matrix.T.tocsc()
    result: dict[str, list[Related]] = {}
    for start in range(0, matrix.shape[0], block):
        scores = (matrix[start : start + block] @ transposed).toarray()
        rows = np.arange(scores.shape[0])
        scores[rows, rows + start] = -1.0  # a paper is not related to itself
        for row, index in zip(scores, rows + start, strict=True):
            result[papers[index].id] = [
                Related(papers[j].id, round(float(row[j]), 3)) for j in _top(row, k)
            ]
    return result


def _top(row: np.ndarray, k: int) -> list[int]:
    """Indices of the `k` largest positive scores; equal scores in index (= id) order."""
    k = min(k, row.size)
    candidates = np.argpartition(-row, k - 1)[:k]
    threshold = row[candidates].min()
    candidates = np.flatnonzero(row >= threshold)  # every tie at the boundary
    order = np.lexsort((candidates, -row[candidates]))
    return [int(j) for j in candidates[order][:k] if row[j] > 0]
