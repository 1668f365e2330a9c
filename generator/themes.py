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
class Text:
    """Text put through `words_of`, with its set of words for quick rejection."""

    words: str
    vocab: frozenset[str]

    @classmethod
    def of(cls, text: str) -> Text:
        words = words_of(text)
        return cls(words, frozenset(words.split()))


@dataclass(frozen=True)
class Phrases:
    """Phrases matched as whole words; a trailing `*` matches any word ending.

    >>> Phrases.of(["quantiz*", "mixture of experts"]).search(Text.of("Quantized MoE"))
    True
    """

    whole: tuple[tuple[str, str, bool], ...]
    """(padded phrase, its first word, whether it is one word)."""
    prefixes: tuple[tuple[str, str | None], ...]
    """(padded prefix, its first word when the phrase has more than one)."""

    @classmethod
    def of(cls, phrases: list[str]) -> Phrases:
        whole = []
        prefixes = []
        for phrase in phrases:
            if phrase.endswith("*"):
                prefix = words_of(phrase.rstrip("*")).rstrip()
                parts = prefix.split()
                prefixes.append((prefix, parts[0] if len(parts) > 1 else None))
            else:
                padded = words_of(phrase)
                parts = padded.split()
                if parts:
                    whole.append((padded, parts[0], len(parts) == 1))
        return cls(tuple(whole), tuple(prefixes))

    def search(self, text: Text) -> bool:
        """Does any phrase occur in the text? Phrases whose first word is absent are
        rejected by a set lookup, without scanning the text."""
        vocab, words = text.vocab, text.words
        for padded, first, single in self.whole:
            if first in vocab and (single or padded in words):
                return True
        return any(
            (first is None or first in vocab) and prefix in words for prefix, first in self.prefixes
        )


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

    def matches(self, title: Text, text: Text) -> bool:
        """`title`, and `text` (title and abstract), as `Text.of` returns them."""
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
        title = Text.of(paper.title)
        text = Text.of(f"{paper.title} {paper.abstract}")
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
