"""What the records say about each other: themes, mentions and related papers.

`analyse` takes the loaded library and returns everything the pages show about it, in
one `Linked` value; `group` does the themes alone, for the commands that need no more
(`check`, `themes`, `diff`), which therefore never import SciPy.
"""

from __future__ import annotations

from generator.analysis.linked import Linked
from generator.analysis.themes import ThemeRules
from generator.content.model import Library
from generator.content.recall import NOTHING_KEPT, Recall

__all__ = ["Linked", "analyse", "group"]


def group(library: Library, recall: Recall = NOTHING_KEPT) -> Linked:
    """The library grouped into themes: curated `themes:` lists win over the rules."""
    rules = ThemeRules(library.themes)
    return Linked(library, rules.membership(library.papers.values(), recall))


def analyse(library: Library, recall: Recall = NOTHING_KEPT) -> Linked:
    """Themes, mentions both ways, and each paper's related papers. `recall` keeps each
    paper's words for the next rebuild of a preview."""
    # Imported here: TF-IDF needs SciPy, which alone took half of `check`'s time.
    from generator.analysis.mentions import find_mentions, invert
    from generator.analysis.related import related_papers, vectorize

    papers = list(library.papers.values())
    mentions = find_mentions(papers, recall)
    vectors = vectorize(papers, recall)
    return Linked(
        library,
        membership=group(library, recall).membership,
        related=related_papers(papers, matrix=vectors),
        mentions=mentions,
        mentioned_by=invert(mentions),
    )
