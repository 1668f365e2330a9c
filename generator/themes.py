"""Assign papers to themes with the readable rules in `content/themes.yml`."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .model import Library, Paper, Theme

_NON_WORD = re.compile(r"[^\w+]+")


def words_of(text: str) -> str:
    """Lower-case words separated by single spaces, padded: the form rules match against.

    >>> words_of("A Mixture-of-Experts (MoE) model")
    ' a mixture of experts moe model '
    """
    return f" {_NON_WORD.sub(' ', text.casefold()).strip()} "


@dataclass(frozen=True)
class Phrases:
    """Phrases matched as whole words; a trailing `*` matches any word ending.

    >>> Phrases.of(["quantiz*", "mixture of experts"]).search(words_of("Quantized MoE"))
    True
    """

    whole: tuple[str, ...]
    prefixes: tuple[str, ...]

    @classmethod
    def of(cls, phrases: list[str]) -> Phrases:
        whole = tuple(words_of(p) for p in phrases if not p.endswith("*"))
        prefixes = tuple(words_of(p.rstrip("*")).rstrip() for p in phrases if p.endswith("*"))
        return cls(whole, prefixes)

    def search(self, words: str) -> bool:
        """Does any phrase occur in text already put through `words_of`?"""
        return any(p in words for p in self.whole) or any(p in words for p in self.prefixes)


@dataclass(frozen=True)
class Rule:
    """A theme's matching rules, prepared for fast matching."""

    theme: Theme
    anywhere: Phrases
    in_title: Phrases
    exclude: Phrases

    @classmethod
    def of(cls, theme: Theme) -> Rule:
        return cls(
            theme,
            Phrases.of(theme.keywords),
            Phrases.of(theme.title_keywords),
            Phrases.of(theme.exclude),
        )

    def matches(self, title: str, text: str) -> bool:
        """`title` and `text` (title and abstract) as `words_of` returns them."""
        if self.exclude.search(text):
            return False
        return self.in_title.search(title) or self.anywhere.search(text)


def assign_themes(library: Library) -> None:
    """Fill `library.membership`: curated `themes:` lists win over the rules."""
    rules = [Rule.of(t) for t in library.themes]
    membership = {}
    for paper in library.papers.values():
        if paper.themes:
            membership[paper.id] = list(paper.themes)
            continue
        title = words_of(paper.title)
        text = words_of(f"{paper.title} {paper.abstract}")
        membership[paper.id] = [r.theme.id for r in rules if r.matches(title, text)]
    library.membership = membership


def unsorted(library: Library) -> list[Paper]:
    """Papers in no theme, in id order."""
    return [p for p in library.papers.values() if not library.membership.get(p.id)]


def theme_counts(library: Library) -> Counter[str]:
    """How many papers each theme holds."""
    return Counter(t for ids in library.membership.values() for t in ids)


def related_themes(library: Library, theme_id: str, limit: int = 4) -> list[tuple[str, int]]:
    """Themes sharing the most papers with this one, most first, then by id."""
    shared: Counter[str] = Counter()
    for ids in library.membership.values():
        if theme_id in ids:
            shared.update(t for t in ids if t != theme_id)
    return sorted(shared.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
