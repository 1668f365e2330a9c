"""Assign papers to themes with the readable rules in `content/themes.yml`."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .model import Library, Paper, Theme


def phrase_pattern(phrases: list[str]) -> re.Pattern[str] | None:
    """One case-insensitive pattern matching any phrase as whole words.

    A trailing `*` matches any word ending: `quantiz*` finds quantized and quantization.

    >>> bool(phrase_pattern(["mixture of experts"]).search("A Mixture-of-Experts model"))
    True
    """
    if not phrases:
        return None
    parts = []
    for phrase in sorted(phrases):
        stem = phrase.rstrip("*")
        words = [re.escape(w) for w in re.split(r"[\s-]+", stem.strip()) if w]
        body = r"[\s-]+".join(words)
        tail = r"\w*" if phrase.endswith("*") else r"(?!\w)"
        parts.append(rf"(?<!\w){body}{tail}")
    return re.compile("|".join(parts), re.IGNORECASE)


@dataclass(frozen=True)
class Rule:
    """A theme's compiled matching rules."""

    theme: Theme
    anywhere: re.Pattern[str] | None
    in_title: re.Pattern[str] | None
    exclude: re.Pattern[str] | None

    @classmethod
    def of(cls, theme: Theme) -> Rule:
        return cls(
            theme,
            phrase_pattern(theme.keywords),
            phrase_pattern(theme.title_keywords),
            phrase_pattern(theme.exclude),
        )

    def matches(self, paper: Paper) -> bool:
        text = f"{paper.title}\n{paper.abstract}"
        if self.exclude and self.exclude.search(text):
            return False
        if self.in_title and self.in_title.search(paper.title):
            return True
        return bool(self.anywhere and self.anywhere.search(text))


def assign_themes(library: Library) -> None:
    """Fill `library.membership`: curated `themes:` lists win over the rules."""
    rules = [Rule.of(t) for t in library.themes]
    library.membership = {
        paper.id: list(paper.themes) or [r.theme.id for r in rules if r.matches(paper)]
        for paper in library.papers.values()
    }


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
