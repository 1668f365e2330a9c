"""Results that the preview's rebuilds would compute again, kept between them.

`serve` regenerates the whole site after every edit, and most of what a rebuild makes
is per paper and the same as the last time: a paper's page, its citations, its words
for the search index. A `Recall` keeps each such result under a key that holds every
input it was made from, so what comes back is what computing it gives
(`tests/test_serve.py` generates after forty random edits with and without what was
kept, and compares the files). A kept result is a value nothing edits (a string, a
tuple, a map's positions, which are only read). A record is part of a key by identity
(`Same`): the preview's `store.KeptRecords` hands back the same object while its
file's bytes are unchanged, and nothing edits a loaded record. Each rebuild keeps only
the results it used (`next_round`), so memory stays that of one rebuild's results.
One-shot builds keep nothing (`NOTHING_KEPT`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Hashable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from generator.content.files import Left

T = TypeVar("T")


class Same:
    """An object as part of a key, by identity. The key holds it, so while the entry
    lives the object cannot be freed and its `id` taken by another."""

    __slots__ = ("thing",)

    def __init__(self, thing: Any) -> None:
        self.thing = thing

    def __hash__(self) -> int:
        return id(self.thing)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Same) and other.thing is self.thing


def typed(*values: Any) -> tuple[Any, ...]:
    """Values as part of a key, each with its type: `Markup("a&b")` and `"a&b"` are
    equal strings that a template prints differently."""
    return tuple((type(v), v) for v in values)


class Recall:
    """Results by key, kept from one rebuild to the next (`keep`), or not at all."""

    def __init__(self, keep: bool = True) -> None:
        self.keep = keep
        self.hits = 0
        """Results recalled, not computed, since the round began."""
        self._now: dict[Hashable, Any] = {}
        self._before: dict[Hashable, Any] = {}
        self._left: tuple[Path, Left] | None = None

    def left(self, folder: Path) -> Left | None:
        """What the last rebuild's `files.sync_folder` left in `folder`, for this one's to
        fill; None when nothing is kept. Only files whose texts this recall kept stay
        remembered (`next_round`): the others' would hold memory of their own."""
        if not self.keep:
            return None
        if self._left is None or self._left[0] != folder:
            self._left = (folder, {})
        return self._left[1]

    def words(self, words: Iterable[str]) -> tuple[str, ...]:
        """Words as a result to keep: a tuple, which nothing can edit, of interned
        strings, so that a word a thousand papers use is kept once (at 10,000 papers,
        lists of words took 160 MB as strings of their own, and 16 MB so). Interning
        would cost a one-shot build, which keeps nothing, 0.15 to 0.4 s at 10,000
        papers: there the words stay as they are."""
        return tuple(map(sys.intern, words) if self.keep else words)

    def next_round(self) -> None:
        """A rebuild starts: what the last one did not use is dropped."""
        if self._left:
            kept = {id(value) for value in self._now.values()}
            left = self._left[1]
            for rel in [rel for rel, (text, *_) in left.items() if id(text) not in kept]:
                del left[rel]
        self._before, self._now = self._now, {}
        self.hits = 0

    def __call__(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The result kept under `key`, or `compute()`'s, kept."""
        if not self.keep:
            return compute()
        if key in self._now:
            self.hits += 1
            return self._now[key]
        if key in self._before:
            value = self._before.pop(key)
            self.hits += 1
        else:
            value = compute()
        self._now[key] = value
        return value


NOTHING_KEPT = Recall(keep=False)
"""Computes every time: what a one-shot build uses."""
