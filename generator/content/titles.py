"""What makes two titles name the same paper: the key they share."""

from __future__ import annotations

import re
import unicodedata

from generator.content.model import Paper

_DASHES = dict.fromkeys(
    map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"), "-"
)
_QUOTES = dict.fromkeys(map(ord, "\u2018\u2019\u201a\u201b\u2032`\u00b4"), "'") | dict.fromkeys(
    map(ord, "\u201c\u201d\u201e\u201f\u2033"), '"'
)
_PUNCTUATION = re.compile(r"[^\w\s]|_")
_LIST_MARKER = re.compile(r"(?:[0-9]{1,3}[.)]|[-*\u2022\u2023\u25e6]) (?=\S)")
ARXIV_BEFORE = re.compile(r"\[(?:arXiv:)?(\d{4}\.\d{4,5})(?:v\d+)?\] (?=\S)", re.IGNORECASE)
"""`[2412.00001] ` before a title: its arXiv id, as some pages list papers."""


def unmarked(title: str) -> str:
    """The title without a `1. `, `2) `, `- ` or `• ` before it (the numbered or
    bulleted list it was copied from), or a `[2412.00001] ` (its arXiv id): not the
    title. Whitespace is collapsed."""
    title = " ".join(title.split())
    marker = _LIST_MARKER.match(title) or ARXIV_BEFORE.match(title)
    return title[marker.end() :] if marker else title


def title_key(title: str) -> str:
    """The form two titles share when they name the same paper.

    >>> title_key("NanoFlow: Towards Optimal LLM Serving.")
    'nanoflow towards optimal llm serving'
    """
    text = unicodedata.normalize("NFKC", title).casefold()
    text = text.translate(_DASHES).translate(_QUOTES).strip()
    text = text.removesuffix(".")
    # Dashes join words ("Megatron-LM"), other punctuation goes away.
    text = _PUNCTUATION.sub(lambda m: " " if m.group(0) == "-" else "", text)
    key = " ".join(text.split())
    # A title of punctuation only has no words to compare: only the same text matches
    # (otherwise "[[[" and "___" would be the same paper).
    return key or " ".join(unicodedata.normalize("NFKC", title).casefold().split())


def paper_keys(paper: Paper) -> list[str]:
    """Every key that identifies a paper: its title and each alias."""
    return [title_key(paper.title), *(title_key(a) for a in paper.aliases)]


_SPELLINGS = [
    (re.compile(r"(?<=[a-z]{2})is(ation|ations|e|es|ed|ing|er|ers)$"), r"iz\1"),
    (re.compile(r"(?<=[a-z])ys(e|es|ed|ing|er|ers)$"), r"yz\1"),
    (re.compile(r"(?<=[a-z]{3})our(s|ed|ing|able|ite|ites)?$"), r"or\1"),
    (re.compile(r"(?<=[a-z]{2})tre(s)?$"), r"ter\1"),
    (re.compile(r"(?<=[a-z]{3})ogue(s)?$"), r"og\1"),
    (re.compile(r"(?<=[a-z][ae])ll(ing|ed|er|ers)$"), r"l\1"),
    (re.compile(r"^programme(s)?$"), r"program\1"),
    (re.compile(r"^grey$"), "gray"),
]
"""British spellings and their American forms, per word: `-ise`/`-ize`, `-yse`/`-yze`,
`-our`/`-or`, `-tre`/`-ter`, `-ogue`/`-og`, `-lling`/`-ling` and a few words."""
_ANY_SPELLING = re.compile("|".join(pattern.pattern for pattern, _ in _SPELLINGS))
"""Whether any of `_SPELLINGS` matches a word: a word none matches, most words, is left
as it is by all of them, and is tried once instead of eight times."""
_MARK = re.compile("[\u0300-\u036f]")


def variant_key(title: str) -> str:
    """What two spellings of one title share: `title_key` without accents, in American
    spelling, with no space or hyphen between words (`Multi-GPU`, `multi GPU`, `MultiGPU`).

    >>> variant_key("EasySpec: Layer-Parallel Speculative Decoding for Multi-GPU Utilisation")
    'easyspeclayerparallelspeculativedecodingformultigpuutilization'
    """
    # `ingest` reads a listing's "1. Title" as "Title"; a record may predate that.
    text = _MARK.sub("", unicodedata.normalize("NFKD", title_key(unmarked(title))))
    return "".join(
        _american(word) if _ANY_SPELLING.search(word) else word
        for word in re.split(r"[\s-]+", text)
    )


def _american(word: str) -> str:
    for pattern, american in _SPELLINGS:
        word = pattern.sub(american, word)
    return word
