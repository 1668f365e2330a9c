"""Tags: free-form labels that curators give papers, grouped by their spelling-free key."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable

from slugify import slugify

from generator.content.model import Paper


def tag_key(tag: str) -> str:
    """What tags that differ only by case, spacing or punctuation share: `mixture-of-experts`.

    It is also the tag page's name. A tag with nothing a slug can hold (symbols only)
    is keyed by a digest of its text.
    """
    slug = slugify(tag, max_length=80, word_boundary=True, save_order=True)
    return slug or "tag-" + hashlib.blake2b(tag.encode(), digest_size=6).hexdigest()


def tag_groups(papers: Iterable[Paper]) -> dict[str, list[Paper]]:
    """Tag -> its papers, by tag text case-folded; spellings of one key share the first's."""
    found: dict[str, list[Paper]] = {}
    names: dict[str, str] = {}
    for paper in papers:
        for tag in dict.fromkeys(paper.tags):
            tag = names.setdefault(tag_key(tag), tag)
            if paper not in found.setdefault(tag, []):
                found[tag].append(paper)
    return dict(sorted(found.items(), key=lambda kv: kv[0].casefold()))


def spellings(papers: Iterable[Paper]) -> dict[str, Counter[str]]:
    """Key -> how often each spelling is used, for the keys with more than one."""
    seen: dict[str, Counter[str]] = {}
    for paper in papers:
        for tag in dict.fromkeys(paper.tags):
            seen.setdefault(tag_key(tag), Counter())[tag] += 1
    return {key: counts for key, counts in seen.items() if len(counts) > 1}
