"""Proposed themes for the papers no rule takes (`readinglist themes --suggest`).

The Unsorted papers are clustered by TF-IDF (spherical k-means, seeded the same way
every run, so the same library always gets the same proposals). Each cluster gets
keywords greedily: the word or two-word phrase in the titles of the most of its papers
not yet caught, among phrases that say something about the cluster (see `PRECISION`,
`LIFT` and `MAX_SHARE`). What no proposal catches is clustered again, up to `PASSES`
times. Phrases are found in the words the theme rules match (`themes._split`), so a
proposed keyword catches exactly the papers it is counted as catching; the counts
printed are the theme rules' own.
"""

from __future__ import annotations

import math
import os
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import yaml
from slugify import slugify

from generator.analysis.linked import Linked
from generator.analysis.related import vectorize
from generator.analysis.stop_words import ENGLISH_STOP_WORDS
from generator.analysis.themes import ThemeRules, _split, unsorted
from generator.content.edit import read_styled
from generator.content.files import project_lock, read_regular, real_folder, write_atomic
from generator.content.model import Paper, Theme
from generator.content.store import MAX_RECORD_BYTES, Layout, themes_text_problems
from generator.content.yamlio import YamlSyntaxError, loads, top_list
from generator.errors import ContentError, ReadingListError

MAX_CLUSTERS = 12
MIN_CLUSTER = 3
MAX_KEYWORDS = 8
COVERED = 0.95
"""A cluster's keywords stop growing once they catch this share of it."""
PRECISION = 0.5
"""Of the Unsorted papers a keyword catches, at least this share is in its cluster."""
LIFT = 3.0
"""A keyword is at least this many times as common in its cluster as in the library."""
MAX_SHARE = 0.1
"""A keyword catches at most this share of the library: a broader one names no theme."""
ROUNDS = 30
PASSES = 3


@dataclass(frozen=True)
class Proposal:
    """A theme no rule has yet, and the Unsorted papers its keywords catch."""

    theme: Theme
    caught: list[Paper]
    sorted_too: int
    """How many papers already in a theme it would catch as well."""


def suggest(library: Linked) -> list[Proposal]:
    """Proposed themes for the library's Unsorted papers, largest first."""
    everywhere = Counter(g for p in library.papers.values() for g in _grams(p))
    taken = {i for t in library.themes for i in [t.id, *t.former_ids]}  # pages taken
    themes: list[Theme] = []
    left = unsorted(library)
    for _ in range(PASSES):
        found = _propose(left, everywhere, len(library.papers), taken)
        if not found:
            break
        themes += found
        taken.update(t.id for t in found)
        rules = ThemeRules(found)
        left = [p for p in left if not rules.match(p.title, p.abstract)]
    rules = ThemeRules(themes)
    caught: dict[str, list[Paper]] = {t.id: [] for t in themes}
    sorted_too: Counter[str] = Counter()
    for paper in library.papers.values():
        for theme_id in rules.match(paper.title, paper.abstract):
            if library.membership.get(paper.id):
                sorted_too[theme_id] += 1
            else:
                caught[theme_id].append(paper)
    proposals = [Proposal(t, caught[t.id], sorted_too[t.id]) for t in themes]
    return sorted(proposals, key=lambda p: -len(p.caught))


def _propose(
    left: list[Paper], everywhere: Counter[str], total: int, taken: set[str]
) -> list[Theme]:
    """Themes for clusters of these papers, each catching at least `MIN_CLUSTER` of them."""
    if len(left) < MIN_CLUSTER:
        return []
    grams = [_grams(p) for p in left]
    titles = [_grams(p, title_only=True) for p in left]
    in_left = Counter(g for found in grams for g in found)
    themes: list[Theme] = []
    for members in _clusters(left):
        keywords = _keywords([(titles[i], grams[i]) for i in members], in_left, everywhere, total)
        caught = sum(1 for found in grams if any(k in found for k in keywords))
        if caught >= MIN_CLUSTER:
            themes.append(_theme(keywords, taken | {t.id for t in themes}))
    return themes


def _grams(paper: Paper, title_only: bool = False) -> set[str]:
    """The words (of three letters or more, not stop words) and two-word phrases (of
    such words) in the paper, as the theme rules see its title and abstract."""
    words = _split(paper.title) + ([] if title_only else _split(paper.abstract))
    useful = [len(w) > 2 and w not in ENGLISH_STOP_WORDS and not w.isdigit() for w in words]
    found = {w for w, ok in zip(words, useful, strict=True) if ok}
    found.update(
        f"{a} {b}"
        for a, b, ok_a, ok_b in zip(words, words[1:], useful, useful[1:], strict=False)
        if ok_a and ok_b
    )
    return found


def _clusters(papers: list[Paper]) -> list[list[int]]:
    """Groups of similar papers (indexes into `papers`), by spherical k-means on TF-IDF."""
    matrix = vectorize(papers)
    n = matrix.shape[0]
    k = max(1, min(MAX_CLUSTERS, round(math.sqrt(n / 2))))
    if matrix.shape[1] == 0:
        return [list(range(n))]
    rng = np.random.default_rng(0)
    # k-means++ seeding: each next centre is a paper far from the centres so far.
    chosen = [int(rng.integers(n))]
    distance = 1.0 - (matrix @ matrix[chosen[0]].T).toarray().ravel()
    while len(chosen) < k and distance.max() > 0:
        weights = np.clip(distance, 0, None)
        chosen.append(int(rng.choice(n, p=weights / weights.sum())))
        distance = np.minimum(distance, 1.0 - (matrix @ matrix[chosen[-1]].T).toarray().ravel())
    centres = matrix[chosen].toarray()
    labels = np.full(n, -1)
    for _ in range(ROUNDS):
        new = np.asarray(matrix @ centres.T).argmax(axis=1)
        if np.array_equal(new, labels):
            break
        labels = new
        for j in range(len(centres)):
            total = np.asarray(matrix[labels == j].sum(axis=0)).ravel()
            norm = np.linalg.norm(total)
            centres[j] = total / norm if norm else 0.0
    return [list(np.flatnonzero(labels == j)) for j in range(len(centres))]


def _keywords(
    members: list[tuple[set[str], set[str]]],
    in_left: Counter[str],
    everywhere: Counter[str],
    total: int,
) -> list[str]:
    """The keywords that together catch most of the cluster, best first.

    `members` holds each paper's phrases, in its title and anywhere. Keywords are
    chosen by how many papers not yet caught have them in their title, which names what
    a paper is about, and then by how many have them anywhere, which is what they catch.
    """
    anywhere = Counter(g for _, found in members for g in found)
    size = len(members)
    candidates = {
        g
        for g, count in anywhere.items()
        if count >= 2
        and count >= PRECISION * in_left[g]
        and everywhere[g] <= MAX_SHARE * total
        and count / size >= LIFT * everywhere[g] / total
    }
    left = list(range(size))
    keywords: list[str] = []
    while len(keywords) < MAX_KEYWORDS and len(left) > (1 - COVERED) * size:
        in_titles = Counter(g for i in left for g in members[i][0] & candidates)
        catches = Counter(g for i in left for g in members[i][1] & candidates)
        if not in_titles:
            break
        best = min(in_titles, key=lambda g: (-in_titles[g], -catches[g], -g.count(" "), g))
        if in_titles[best] < 2:
            break
        keywords.append(best)
        candidates.remove(best)
        left = [i for i in left if best not in members[i][1]]
    return keywords


def _theme(keywords: list[str], taken: set[str]) -> Theme:
    """A proposed theme named after its first keywords, with an id not yet taken."""
    base = slugify(keywords[0]) or "theme"
    theme_id, n = base, 2
    while theme_id in taken:
        theme_id, n = f"{base}-{n}", n + 1
    title = " and ".join(keywords[:2])
    return Theme(id=theme_id, title=title[:1].upper() + title[1:], keywords=keywords)


def as_yaml(proposals: Iterable[Proposal], examples: int = 5) -> str:
    """The proposals as YAML list items to append to the `themes:` list as they are, each
    followed by comments: what it catches, with a few of the titles."""
    items = []
    for proposal in proposals:
        fields = {"id": proposal.theme.id, "title": proposal.theme.title}
        text = yaml.safe_dump(
            [fields | {"keywords": proposal.theme.keywords}],
            sort_keys=False,
            default_flow_style=None,
            allow_unicode=True,
            width=10**6,
        )
        also = f", and {proposal.sorted_too} papers in other themes" if proposal.sorted_too else ""
        text += f"  # catches {len(proposal.caught)} Unsorted papers{also}; such as:\n"
        text += "".join(f"  #   {' '.join(p.title.split())}\n" for p in proposal.caught[:examples])
        items.append(text)
    return "".join(items)


def append_to_themes(layout: Layout, proposals: list[Proposal]) -> None:
    """Append the proposals to `content/themes.yml`, keeping its text as it is."""
    with project_lock(layout.build, "themes"):
        real_folder(layout.content)
        existing = b""
        if os.path.lexists(layout.themes):
            existing = read_regular(layout.themes, MAX_RECORD_BYTES)
        old, restyle = read_styled(existing)
        text = restyle(appended(old, proposals))
        problems = themes_text_problems(text, layout.rel(layout.themes))
        if problems:  # what is written must load: else nothing is
            raise ContentError(problems)
        write_atomic(layout.themes, text)


def appended(themes_yml: str, proposals: list[Proposal]) -> str:
    """`content/themes.yml`'s text with the proposals added at the end of its `themes:`
    list, comments and all; ReadingListError if the file does not end with that list."""
    text = themes_yml if themes_yml.strip() else "themes:\n"
    if _theme_ids(text) == []:  # `themes: []`, as a new list may have it: a block list
        text = re.sub(r"(?m)^themes:[ \t]*\[[ \t]*\]", "themes:", text, count=1)
    new = (text if text.endswith("\n") else text + "\n") + as_yaml(proposals)
    before = _theme_ids(text)
    if before is None or _theme_ids(new) != [*before, *(p.theme.id for p in proposals)]:
        raise ReadingListError(
            "content/themes.yml does not end with its themes: list, so the proposals "
            "cannot be appended to it: add them by hand"
        )
    return new


def _theme_ids(text: str) -> list[object] | None:
    try:
        data, _ = loads(text)
    except YamlSyntaxError:
        return None
    items = top_list(data, "themes")
    if not isinstance(items, list):
        return None
    return [item.get("id") if isinstance(item, dict) else None for item in items]
