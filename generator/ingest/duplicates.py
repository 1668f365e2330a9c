"""Decide which listings are the same paper, and which titles only look alike."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable

from rapidfuzz.distance import Indel
from slugify import slugify

from generator.content.model import Paper
from generator.content.titles import paper_keys, title_key

__all__ = ["make_slug", "paper_keys", "possible_duplicates", "title_key", "unique_slug"]

SLUG_MAX = 80
SIMILARITY = 0.9
"""How alike two normalised titles must be to be flagged: the share of their characters
in a longest common subsequence (rapidfuzz's Indel similarity, difflib's ratio with
the exact longest match)."""
OVERLAP = 0.6
"""The share of their words (Jaccard) two titles must have in common to be compared."""


def make_slug(title: str) -> str:
    """A stable URL-safe id: at most 80 characters, cut at a word boundary."""
    return slugify(title, max_length=SLUG_MAX, word_boundary=True, save_order=True) or "paper"


def taken_ids(papers: dict[str, Paper]) -> set[str]:
    """Ids a new record cannot have: the records', and their former ids (`merge`), whose
    pages redirect to the record that has them."""
    return {*papers, *(old for paper in papers.values() for old in paper.former_ids)}


def unique_slug(title: str, taken: set[str]) -> str:
    """`make_slug`, with `-2`, `-3`, ... when another paper holds the slug."""
    base = make_slug(title)
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def possible_duplicates(papers: Iterable[Paper]) -> list[tuple[Paper, Paper]]:
    """Pairs of papers whose titles are nearly, but not exactly, the same.

    A pair where one title's words are a subset of the other's is left alone:
    `Efficient Deep Neural Networks` is not `Efficient Online Processing with Deep
    Neural Networks`. Candidates come from prefix filtering: with each title's words
    ordered rarest first, two titles that share at least `OVERLAP` of their words
    share one of the first few, so only pairs that share a rare word are compared
    (10,000 titles: seconds, not minutes).
    """
    items = [(p, title_key(p.title)) for p in papers]
    words = [frozenset(key.split()) for _, key in items]
    frequency = Counter(w for ws in words for w in ws)
    index: dict[str, list[int]] = defaultdict(list)
    pairs = []
    for i, ws in enumerate(words):
        ordered = sorted(ws, key=lambda w: (frequency[w], w))
        prefix = ordered[: len(ordered) - math.ceil(OVERLAP * len(ordered) - 1e-9) + 1]
        candidates = sorted({j for w in prefix for j in index[w]})
        for w in prefix:
            index[w].append(i)
        for j in candidates:
            shared = len(ws & words[j])
            if _looks_alike(items[j][1], items[i][1], words[j], ws, shared):
                pairs.append((items[j][0], items[i][0]))
    return sorted(pairs, key=lambda pair: (pair[0].id, pair[1].id))


def _looks_alike(a: str, b: str, wa: frozenset[str], wb: frozenset[str], shared: int) -> bool:
    if a == b or wa <= wb or wb <= wa:
        return False
    if shared / len(wa | wb) < OVERLAP:
        return False
    return Indel.normalized_similarity(a, b, score_cutoff=SIMILARITY) >= SIMILARITY
