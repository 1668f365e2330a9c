"""`Linked`: a library with what the analysis found in it (`analysis.analyse`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.content.model import Library, Paper, Source, Theme


@dataclass(frozen=True)
class Related:
    """A paper similar to another one, by TF-IDF cosine similarity."""

    id: str
    score: float


@dataclass(frozen=True)
class Linked:
    """A library with what the analysis found in it."""

    library: Library
    membership: dict[str, list[str]]
    """Paper id -> theme ids it belongs to (curated or by rule)."""
    related: dict[str, list[Related]] = field(default_factory=dict)
    """Paper id -> most similar papers, most similar first."""
    mentions: dict[str, list[str]] = field(default_factory=dict)
    """Paper id -> ids of the papers its abstract names."""
    mentioned_by: dict[str, list[str]] = field(default_factory=dict)
    """Paper id -> ids of the papers whose abstracts name it, in id order."""

    @property
    def papers(self) -> dict[str, Paper]:
        return self.library.papers

    @property
    def themes(self) -> list[Theme]:
        return self.library.themes

    @property
    def sources(self) -> dict[str, Source]:
        return self.library.sources

    @property
    def listing_count(self) -> int:
        return self.library.listing_count

    def theme(self, theme_id: str) -> Theme:
        return self.library.theme(theme_id)

    def members(self) -> dict[str, list[Paper]]:
        """Theme id -> its papers, in id order."""
        groups: dict[str, list[Paper]] = {t.id: [] for t in self.themes}
        for paper in self.papers.values():
            for theme_id in self.membership.get(paper.id, []):
                groups[theme_id].append(paper)
        return groups
