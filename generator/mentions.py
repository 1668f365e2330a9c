"""Mentions: an abstract that names another paper by its short name links to it.

A short name is the part of a title before the colon (`NanoFlow`, `ZeRO`). Only names
that look coined are used, so common words never become links.
"""

from __future__ import annotations

import re
from collections import defaultdict

from .model import Paper

_WORD = re.compile(r"[\w][\w+.-]*[\w+]|[\w]")
MAX_WORDS = 3


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _looks_coined(name: str, lowercase_words: set[str]) -> bool:
    """`ZeRO`, `S-LoRA`, `T3`, or a word the corpus never uses in lower case."""
    for word in name.split():
        if any(c.isdigit() or c == "-" for c in word) or any(c.isupper() for c in word[1:]):
            continue
        if word.lower() in lowercase_words:
            return False
    return True


def short_names(papers: list[Paper], abstracts: list[list[str]]) -> dict[tuple[str, ...], str]:
    """Short name (as a tuple of words) -> paper id, for unambiguous coined names.

    `abstracts` holds each paper's abstract split by `_words` (split once, used twice).
    """
    lowercase_words = {
        w
        for p, words in zip(papers, abstracts, strict=True)
        for w in (*_words(p.title), *words)
        if w.islower()
    }
    owners: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for paper in papers:
        words = tuple(_words(paper.short_name))
        usable = 0 < len(words) <= MAX_WORDS and len("".join(words)) >= 2
        if usable and _looks_coined(" ".join(words), lowercase_words):
            owners[words].add(paper.id)
    return {name: ids.pop() for name, ids in owners.items() if len(ids) == 1}


def find_mentions(papers: list[Paper]) -> dict[str, list[str]]:
    """Paper id -> ids of the papers its abstract names, in id order."""
    abstracts = [_words(p.abstract) for p in papers]
    names = short_names(papers, abstracts)
    # Only positions holding the first word of some name can start a mention.
    firsts = {name[0] for name in names}
    mentions: dict[str, list[str]] = {}
    for paper, words in zip(papers, abstracts, strict=True):
        found: set[str] = set()
        for i, word in enumerate(words):
            if word not in firsts:
                continue
            for size in range(1, MAX_WORDS + 1):
                target = names.get(tuple(words[i : i + size]))
                if target and target != paper.id:
                    found.add(target)
        mentions[paper.id] = sorted(found)
    return mentions


def invert(mentions: dict[str, list[str]]) -> dict[str, list[str]]:
    """Target id -> ids of the papers that mention it, in id order."""
    back: dict[str, list[str]] = defaultdict(list)
    for source in sorted(mentions):
        for target in mentions[source]:
            back[target].append(source)
    return dict(back)
