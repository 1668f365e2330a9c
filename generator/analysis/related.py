"""Related papers: the most similar abstracts by TF-IDF cosine, computed in sparse blocks.

Similarities are computed for a block of rows at a time, so memory grows with
`block x n`, never `n x n`.

Up to `EXACT_LIMIT` papers every pair is scored. Beyond that, scoring every pair grows
with n² and nearly every pair shares some word, so candidates come from a pruned index:
each paper keeps its `PRUNE_TERMS` heaviest terms, and each term its `POSTINGS` papers
that weigh it most (so the sparse product stays sparse). The best `CANDIDATES` of those
are re-scored exactly. Scores shown are always exact cosines;
what can differ from the exhaustive search is, rarely, which paper fills the last
places (recall is measured in the tests).
"""

from __future__ import annotations

import os
import re
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import numpy as np
from scipy import sparse

from generator.analysis.linked import Related
from generator.analysis.stop_words import ENGLISH_STOP_WORDS
from generator.content.model import Paper
from generator.content.recall import NOTHING_KEPT, Recall

TOP_K = 5
BLOCK = 256
COUNT_BLOCK = 4096
EXACT_LIMIT = 3000
PRUNE_TERMS = 48
CANDIDATES = 50
POSTINGS = 256


def paper_text(paper: Paper) -> str:
    """What similarity is computed over: the title counts twice, being denser."""
    return f"{paper.title}. {paper.title}. {paper.abstract}"


_WORD = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token pattern
_ASCII_NON_WORD = {c: " " for c in range(128) if not (chr(c).isalnum() or chr(c) == "_")}


def words(text: str) -> list[str]:
    """The text's words: with those of one letter left out, the tokens scikit-learn's
    default pattern finds.

    ASCII text (nearly all of it) is split with `str.translate`, three times faster
    than the pattern; `_term_counts` drops the one-letter words with the stop words.
    """
    if text.isascii():
        return text.translate(_ASCII_NON_WORD).split()
    return _WORD.findall(text)


def _lower_words(paper: Paper, recall: Recall) -> tuple[str, ...]:
    return recall.words(words(paper_text(paper).lower()))


def vectorize(papers: Sequence[Paper], recall: Recall = NOTHING_KEPT) -> sparse.csr_matrix:
    """TF-IDF rows (L2-normalised, so a dot product is a cosine) in the papers' order.

    The weights are scikit-learn's `TfidfVectorizer(stop_words="english",
    sublinear_tf=True, dtype=np.float32)`, with its default tokens: terms in
    sorted order, `1 + ln(count)` times the smoothed idf `1 + ln((n + 1) / (df + 1))`,
    rows scaled to unit length (`tests/test_related.py` checks the two agree). Written
    here against SciPy because importing scikit-learn took 0.45 s of every build.
    """
    rows, columns, counts, terms = _term_counts(papers, recall)
    if not terms:  # no papers, or none with a word that is not a stop word
        return sparse.csr_matrix((len(papers), 0), dtype=np.float32)
    tf = np.log(counts) + np.float32(1.0)
    df = np.bincount(columns, minlength=terms).astype(np.float32)
    idf = np.full_like(df, len(papers) + 1)
    idf /= df + 1.0
    np.log(idf, out=idf)
    idf += 1.0
    weights = tf * idf[columns]
    # Squares in single precision, summed in double, as scikit-learn's normaliser does.
    norms = np.sqrt(np.bincount(rows, np.square(weights), minlength=len(papers)))
    weights = (weights / norms[rows]).astype(np.float32)
    indptr = np.zeros(len(papers) + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=len(papers)), out=indptr[1:])
    matrix = sparse.csr_matrix((weights, columns, indptr), shape=(len(papers), terms))
    matrix.sort_indices()
    return matrix


def _term_counts(
    papers: Sequence[Paper], recall: Recall = NOTHING_KEPT
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """How often each term occurs in each paper, as arrays of (row, column, count), row
    by row, with terms numbered in sorted order; and how many terms there are.

    Each paper's words are numbered in the order they are first seen, into one flat
    array per `COUNT_BLOCK` papers, and NumPy counts the block's (paper, word) pairs
    with one sort; memory grows with the block, not the library. One-letter words and
    stop words are dropped after: that is faster than leaving them out word by word.
    """
    seen: defaultdict[str, int] = defaultdict()
    seen.default_factory = seen.__len__  # a new word gets the next number
    none = np.zeros(0, dtype=np.int32)
    found_rows, found_numbers, found_counts = [none], [none], [none.astype(np.float32)]
    for start in range(0, len(papers), COUNT_BLOCK):
        numbered, sizes = array("q"), array("q")
        for paper in papers[start : start + COUNT_BLOCK]:
            key = ("tf-idf words", paper.title, paper.abstract)
            found = recall(key, partial(_lower_words, paper, recall))
            numbered.extend(map(seen.__getitem__, found))
            sizes.append(len(found))
        width = max(len(seen), 1)
        rows = np.arange(start, start + len(sizes), dtype=np.int64)
        rows = np.repeat(rows, np.frombuffer(sizes, dtype=np.int64))
        pairs, counts = np.unique(
            rows * width + np.frombuffer(numbered, np.int64), return_counts=True
        )
        found_rows.append((pairs // width).astype(np.int32))
        found_numbers.append((pairs % width).astype(np.int32))
        found_counts.append(counts.astype(np.float32))
    rows, numbers = np.concatenate(found_rows), np.concatenate(found_numbers)
    counts = np.concatenate(found_counts)
    vocabulary = sorted(w for w in seen if len(w) > 1 and w not in ENGLISH_STOP_WORDS)
    column = np.full(len(seen), -1, dtype=np.int32)  # first-seen number -> column
    column[[seen[w] for w in vocabulary]] = np.arange(len(vocabulary))
    columns = column[numbers]
    kept = columns >= 0
    return rows[kept], columns[kept], counts[kept], len(vocabulary)


def related_papers(
    papers: list[Paper],
    k: int = TOP_K,
    block: int = BLOCK,
    exact: bool | None = None,
    matrix: sparse.csr_matrix | None = None,
) -> dict[str, list[Related]]:
    """For each paper (given in id order), its `k` most similar others, most similar first.

    `exact` forces (True) or forbids (False) scoring every pair; by default every pair
    is scored up to `EXACT_LIMIT` papers. Ties are broken by id, so the result is the
    same on every run. `matrix` is `vectorize(papers)` when the caller already has it.
    Blocks run on every core: SciPy's sparse kernels release the GIL.
    """
    neighbours = Neighbours(papers, k, exact, matrix)
    return neighbours.of(range(len(papers)), block, threads=os.cpu_count() or 1)


class Neighbours:
    """The papers' similarity index, asked for the related papers of any of them.

    A paper's related papers do not depend on which others are asked for with it, so
    they can be computed a batch at a time, as pages need them (`pipeline.write_later`).
    """

    def __init__(
        self,
        papers: list[Paper],
        k: int = TOP_K,
        exact: bool | None = None,
        matrix: sparse.csr_matrix | None = None,
    ) -> None:
        self.papers, self.k = papers, k
        self.matrix = vectorize(papers) if matrix is None else matrix
        if exact is None:
            exact = len(papers) <= EXACT_LIMIT
        self._score = self._every_pair if exact else self._candidates
        if len(papers) < 2:
            return
        if exact:
            self._transposed = self.matrix.T.tocsr()
        else:
            self._pruned = _heaviest_terms(self.matrix, PRUNE_TERMS)
            # Term -> the papers that weigh it most. CSR @ CSR: scipy would convert a
            # CSC operand once per block.
            self._postings = _heaviest_terms(self._pruned.T.tocsr(), POSTINGS)

    def of(
        self, rows: Iterable[int], block: int = BLOCK, threads: int = 1
    ) -> dict[str, list[Related]]:
        """Paper id -> its related papers, for the papers at these positions, scored
        `block` rows at a time on `threads` threads (SciPy's sparse kernels release
        the GIL)."""
        wanted = np.fromiter(rows, dtype=np.int64)
        if len(self.papers) < 2:
            return {self.papers[i].id: [] for i in wanted.tolist()}
        blocks = [wanted[i : i + block] for i in range(0, len(wanted), block)]
        if threads < 2:
            return self._best_of(map(self._score, blocks))
        with ThreadPoolExecutor(max_workers=threads) as pool:
            return self._best_of(pool.map(self._score, blocks))

    def _best_of(
        self, scored: Iterable[tuple[np.ndarray, np.ndarray, np.ndarray]]
    ) -> dict[str, list[Related]]:
        papers, result = self.papers, {}
        for at, candidates, scores in scored:
            found = _best(at, candidates, scores, self.k)
            for index, best in zip(at.tolist(), found, strict=True):
                result[papers[index].id] = [Related(papers[j].id, round(s, 3)) for j, s in best]
        return result

    def _every_pair(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(rows, candidate columns, scores): every column, exact scores."""
        scores = (self.matrix[rows] @ self._transposed).toarray()
        columns = np.arange(self.matrix.shape[0])
        return rows, np.broadcast_to(columns, scores.shape), scores

    def _candidates(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(rows, candidate columns, exact scores), candidates from pruned rows."""
        rough = (self._pruned[rows] @ self._postings).tocsr()
        candidates = np.full((rough.shape[0], CANDIDATES), -1, dtype=np.int64)
        for row in range(rough.shape[0]):
            lo, hi = rough.indptr[row], rough.indptr[row + 1]
            cols, vals = rough.indices[lo:hi], rough.data[lo:hi]
            if len(cols) > CANDIDATES:
                cols = cols[np.argpartition(-vals, CANDIDATES - 1)[:CANDIDATES]]
            candidates[row, : len(cols)] = cols
        pairs_rows = np.repeat(rows, CANDIDATES)
        flat = candidates.ravel()
        valid = flat >= 0
        exact = np.zeros(flat.shape, dtype=np.float32)
        pairs = self.matrix[pairs_rows[valid]].multiply(self.matrix[flat[valid]])
        exact[valid] = np.asarray(pairs.sum(axis=1)).ravel()
        return rows, candidates, exact.reshape(candidates.shape)


def _best(
    rows: np.ndarray, candidates: np.ndarray, scores: np.ndarray, k: int
) -> Iterator[list[tuple[int, float]]]:
    """Each row's `k` best (column, score) pairs, leaving out the row's own paper and
    zero scores: highest score first, equal scores in column order."""
    own = rows[:, None]
    valid = (candidates >= 0) & (candidates != own) & (scores > 0)
    if candidates.shape[1] > 4 * CANDIDATES:  # every column: partition row by row
        for row in range(candidates.shape[0]):
            keep = valid[row]
            yield _top(candidates[row][keep], scores[row][keep], k)
        return
    # A few candidates a row: one sort for the block, row by row along the last axis.
    order = np.lexsort((candidates, -scores, ~valid))[:, :k]
    ids = np.take_along_axis(candidates, order, axis=1).tolist()
    values = np.take_along_axis(scores, order, axis=1).tolist()
    kept = np.take_along_axis(valid, order, axis=1).tolist()
    for row_ids, row_values, row_kept in zip(ids, values, kept, strict=True):
        yield [(i, v) for i, v, ok in zip(row_ids, row_values, row_kept, strict=True) if ok]


def _heaviest_terms(matrix: sparse.csr_matrix, terms: int) -> sparse.csr_matrix:
    """Each row cut to its `terms` largest weights (a paper's terms, or a term's papers).

    Equal weights keep their column order. One sort of 64-bit keys, the row above the
    weight's float32 bits (which order as the weights do, for the non-negative weights
    TF-IDF gives), is three times faster than sorting by row and then weight.
    """
    rows = np.repeat(np.arange(matrix.shape[0], dtype=np.int64), np.diff(matrix.indptr))
    bits = matrix.data.astype(np.float32).view(np.uint32).astype(np.int64)
    order = np.argsort((rows << 32) | (0xFFFFFFFF - bits), kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size) - matrix.indptr[rows[order]]
    keep = rank < terms
    counts = np.bincount(rows[keep], minlength=matrix.shape[0])
    indptr = np.concatenate(([0], np.cumsum(counts)))
    return sparse.csr_matrix((matrix.data[keep], matrix.indices[keep], indptr), shape=matrix.shape)


def _top(ids: np.ndarray, scores: np.ndarray, k: int) -> list[tuple[int, float]]:
    """The `k` best (id, score) pairs: highest score first, equal scores in id order."""
    if ids.size > 4 * k:
        threshold = -np.partition(-scores, k - 1)[k - 1]
        near = scores >= threshold  # every tie at the boundary stays in
        ids, scores = ids[near], scores[near]
    order = np.lexsort((ids, -scores))[:k]
    return [(int(ids[i]), float(scores[i])) for i in order]
