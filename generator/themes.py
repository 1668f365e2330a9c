"""Assign papers to themes with the readable rules in `content/themes.yml`."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

from .model import Library, Paper, Theme

_NON_WORD = re.compile(r"[^\w+]+")
_ASCII_NON_WORD = {c: " " for c in range(128) if not (chr(c).isalnum() or chr(c) in "_+")}


def words_of(text: str) -> str:
    """Lower-case words separated by single spaces, padded: the form rules match against.

    >>> words_of("A Mixture-of-Experts (MoE) model")
    ' a mixture of experts moe model '
    """
    return _padded(_split(text))


def _padded(words: list[str]) -> str:
    return f" {' '.join(words)} "


def _split(text: str) -> list[str]:
    """The lower-case words of `text`."""
    text = text.casefold()
    if text.isascii():  # the common case, three times faster than the expression
        return text.translate(_ASCII_NON_WORD).split()
    return _NON_WORD.sub(" ", text).split()


@dataclass(frozen=True)
class Text:
    """Text put through `words_of`, with its words."""

    words: str
    vocab: list[str]
    """The words, in order, repeats and all (only ever intersected with a set)."""

    @classmethod
    def of(cls, text: str) -> Text:
        words = _split(text)
        return cls(_padded(words), words)


class PhraseIndex:
    """Phrases, each with a label, indexed by first word so that a text is checked only
    against the phrases that can occur in it.

    Phrases match whole words; a trailing `*` matches any word ending.

    >>> index = PhraseIndex([("q", "quantiz*"), ("moe", "mixture of experts")])
    >>> sorted(index.found(Text.of("Quantized Mixture-of-Experts")))
    ['moe', 'q']
    """

    def __init__(self, phrases: Iterable[tuple[Hashable, str]]) -> None:
        self._by_word: dict[str, list[tuple[Hashable, str | None]]] = defaultdict(list)
        """First whole word -> (label, padded phrase to find, or None when the word is all)."""
        self._prefixes: list[tuple[Hashable, str]] = []
        """(label, padded prefix) of one-word prefixes, which no whole word can index."""
        for label, phrase in phrases:
            prefix = phrase.endswith("*")
            padded = words_of(phrase.rstrip("*"))
            if prefix:
                padded = padded.rstrip()
            parts = padded.split()
            if not parts:
                continue
            if prefix and len(parts) == 1:
                self._prefixes.append((label, padded))
            else:
                whole = len(parts) == 1 and not prefix
                self._by_word[parts[0]].append((label, None if whole else padded))
        # The words that start with some prefix: one scan of a text instead of one each.
        longest_first = sorted({padded for _, padded in self._prefixes}, key=len, reverse=True)
        self._prefixed = re.compile(f"(?:{'|'.join(map(re.escape, longest_first))})[^ ]*")

    def found(self, text: Text) -> set[Hashable]:
        """The labels of the phrases that occur in the text."""
        found = set()
        words = text.words
        for word in self._by_word.keys() & text.vocab:
            for label, padded in self._by_word[word]:
                if padded is None or padded in words:
                    found.add(label)
        if self._prefixes:
            for word in set(self._prefixed.findall(words)):
                found.update(label for label, padded in self._prefixes if word.startswith(padded))
        return found


_ANYWHERE, _IN_TITLE, _EXCLUDE = "anywhere", "in title", "exclude"


class ThemeRules:
    """Every theme's rules, indexed: a paper is matched against all of them at once."""

    def __init__(self, themes: list[Theme]) -> None:
        self.themes = themes
        self._title = PhraseIndex(
            ((i, _IN_TITLE), phrase) for i, t in enumerate(themes) for phrase in t.title_keywords
        )
        self._text = PhraseIndex(
            [((i, _ANYWHERE), phrase) for i, t in enumerate(themes) for phrase in t.keywords]
            + [((i, _EXCLUDE), phrase) for i, t in enumerate(themes) for phrase in t.exclude]
        )

    def match(self, title: str, abstract: str) -> list[str]:
        """Ids of the themes whose rules take this paper, in declaration order."""
        in_title = _split(title)
        everywhere = in_title + _split(abstract)
        found = self._title.found(Text(_padded(in_title), in_title))
        found |= self._text.found(Text(_padded(everywhere), everywhere))
        labels: set[tuple[int, str]] = found  # type: ignore[assignment]
        taken = {i for i, kind in labels if kind != _EXCLUDE}
        taken -= {i for i, kind in labels if kind == _EXCLUDE}
        return [self.themes[i].id for i in sorted(taken)]


def assign_themes(library: Library) -> None:
    """Fill `library.membership`: curated `themes:` lists win over the rules."""
    rules = ThemeRules(library.themes)
    library.membership = {
        paper.id: list(paper.themes) if paper.themes else rules.match(paper.title, paper.abstract)
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
