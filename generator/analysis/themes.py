"""Assign papers to themes with the readable rules in `content/themes.yml`."""

from __future__ import annotations

import re
import textwrap
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Generic, TypeVar

from generator.analysis.linked import Linked
from generator.content.model import Paper, Theme
from generator.content.recall import NOTHING_KEPT, Recall

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

    vocab: list[str]
    """The words, in order, repeats and all."""

    @classmethod
    def of(cls, text: str) -> Text:
        return cls(_split(text))

    @cached_property
    def words(self) -> str:
        """The words as `words_of` gives them, made only if a phrase may be in them."""
        return _padded(self.vocab)


Label = TypeVar("Label", bound=Hashable)


class PhraseIndex(Generic[Label]):
    """Phrases, each with a label, indexed so that a text is checked only against the
    phrases that can occur in it.

    Phrases match whole words; a trailing `*` matches any word ending.

    >>> index = PhraseIndex([("q", "quantiz*"), ("moe", "mixture of experts")])
    >>> sorted(index.found(Text.of("Quantized Mixture-of-Experts")))
    ['moe', 'q']

    Each word is looked at once, the first time a text holds it: which labels it
    matches alone, and which phrases it starts. Later texts only look up their words
    (a set operation), so matching 10,000 abstracts costs little more than splitting
    them into words.
    """

    def __init__(self, phrases: Iterable[tuple[Label, str]]) -> None:
        self._alone: dict[str, list[Label]] = defaultdict(list)
        """Word -> labels of the one-word phrases that are that word."""
        self._prefixes: list[tuple[Label, str]] = []
        """(label, prefix) of one-word prefixes."""
        self._phrases: dict[str, list[_Phrase[Label]]] = defaultdict(list)
        """First word -> the longer phrases it starts."""
        for label, phrase in phrases:
            prefix = phrase.endswith("*")
            parts = _split(phrase.rstrip("*"))
            if not parts:
                continue
            if len(parts) == 1:
                if prefix:
                    self._prefixes.append((label, parts[0]))
                else:
                    self._alone[parts[0]].append(label)
                continue
            padded = _padded(parts)
            whole = parts[1:-1] if prefix else parts[1:]
            self._phrases[parts[0]].append(
                _Phrase(label, padded.rstrip() if prefix else padded, frozenset(whole))
            )
        # Whether a word starts with any prefix at all: one match, not one test each.
        starts = "|".join(sorted({re.escape(prefix) for _, prefix in self._prefixes}))
        self._starts_prefixed = re.compile(starts).match if starts else None
        self._seen: set[str] = set()
        self._triggers: dict[str, tuple[list[Label], list[_Phrase[Label]]]] = {}
        """Word -> (labels it matches alone, phrases it starts), for words seen that do
        either."""

    def found(self, text: Text) -> set[Label]:
        """The labels of the phrases that occur in the text."""
        words = set(text.vocab)
        new = words - self._seen
        if new:
            self._seen |= new
            for word in new:
                self._learn(word)
        found: set[Label] = set()
        for word in words & self._triggers.keys():
            labels, phrases = self._triggers[word]
            found.update(labels)
            for phrase in phrases:
                # The phrase's other whole words must be there before it is looked for.
                if phrase.rest <= words and phrase.padded in text.words:
                    found.add(phrase.label)
        return found

    def _learn(self, word: str) -> None:
        labels = self._alone.get(word, [])
        if self._starts_prefixed and self._starts_prefixed(word):
            labels = labels + [label for label, prefix in self._prefixes if word.startswith(prefix)]
        phrases = self._phrases.get(word, [])
        if labels or phrases:
            self._triggers[word] = (labels, phrases)


@dataclass(frozen=True)
class _Phrase(Generic[Label]):
    label: Label
    padded: str
    """The phrase as `words_of` gives it; without the trailing space for a prefix."""
    rest: frozenset[str]
    """The whole words after its first, which a text must hold for it to be there."""


_ANYWHERE, _IN_TITLE, _EXCLUDE = "anywhere", "in title", "exclude"


class ThemeRules:
    """Every theme's rules, indexed: a paper is matched against all of them at once."""

    def __init__(self, themes: list[Theme]) -> None:
        self.themes = themes
        self.key = tuple(
            (t.id, *map(tuple, (t.title_keywords, t.keywords, t.exclude))) for t in themes
        )
        """The rules, as a key to recall a paper's themes by."""
        self._title: PhraseIndex[tuple[int, str]] = PhraseIndex(
            ((i, _IN_TITLE), phrase) for i, t in enumerate(themes) for phrase in t.title_keywords
        )
        self._text: PhraseIndex[tuple[int, str]] = PhraseIndex(
            [((i, _ANYWHERE), phrase) for i, t in enumerate(themes) for phrase in t.keywords]
            + [((i, _EXCLUDE), phrase) for i, t in enumerate(themes) for phrase in t.exclude]
        )

    def match(self, title: str, abstract: str) -> list[str]:
        """Ids of the themes whose rules take this paper, in declaration order."""
        in_title = _split(title)
        everywhere = in_title + _split(abstract)
        found = self._title.found(Text(in_title)) | self._text.found(Text(everywhere))
        taken = {i for i, kind in found if kind != _EXCLUDE}
        taken -= {i for i, kind in found if kind == _EXCLUDE}
        return [self.themes[i].id for i in sorted(taken)]

    def themes_of(self, paper: Paper, recall: Recall = NOTHING_KEPT) -> list[str]:
        """The paper's themes: its curated `themes:` list if it has one, else the rules'."""
        if paper.themes:
            return list(paper.themes)
        key = ("themes", self.key, paper.title, paper.abstract)
        return list(recall(key, lambda: tuple(self.match(paper.title, paper.abstract))))

    def membership(
        self, papers: Iterable[Paper], recall: Recall = NOTHING_KEPT
    ) -> dict[str, list[str]]:
        """Paper id -> its themes, for these papers."""
        return {paper.id: self.themes_of(paper, recall) for paper in papers}


def unsorted(library: Linked) -> list[Paper]:
    """Papers in no theme, in id order."""
    return [p for p in library.papers.values() if not library.membership.get(p.id)]


def theme_counts(library: Linked) -> Counter[str]:
    """How many papers each theme holds."""
    return Counter(t for ids in library.membership.values() for t in ids)


def related_themes(library: Linked, theme_id: str, limit: int = 4) -> list[tuple[str, int]]:
    """Themes sharing the most papers with this one, most first, then by id."""
    shared: Counter[str] = Counter()
    for ids in library.membership.values():
        if theme_id in ids:
            shared.update(t for t in ids if t != theme_id)
    return sorted(shared.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]


def table(library: Linked) -> str:
    """`readinglist themes`: each theme's id, paper count, share and two example titles,
    shortened at a word; then the Unsorted papers."""
    counts, total = theme_counts(library), max(len(library.papers), 1)
    members = library.members()
    width = max((len(t.id) for t in library.themes), default=5)
    lines = [f"{'theme':<{width}}  papers  examples"]
    for theme in library.themes:
        examples = "; ".join(
            textwrap.shorten(p.title, 40, placeholder=" …") for p in members[theme.id][:2]
        )
        share = f"{counts[theme.id]:>4} {counts[theme.id] / total:>4.0%}"
        lines.append(f"{theme.id:<{width}}  {share}  {examples}")
    left = len(unsorted(library))
    lines.append(f"{'(unsorted)':<{width}}  {left:>4} {left / total:>4.0%}")
    return "\n".join(lines)
