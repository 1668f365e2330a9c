"""Domain types: listings, papers, themes and the library. No file I/O here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Listing:
    """One appearance of a paper in a raw listing file."""

    source: str = field(metadata={"doc": "Stem of the listing file, e.g. `000_6b32cc8f1414c3bd`."})
    date: str = field(
        metadata={"doc": "The date as the listing wrote it: `Mar 17` (no year), or `2024-03-17`."}
    )
    position: int = field(metadata={"doc": "1-based position of the entry within its file."})
    key: str = field(default="", metadata={"doc": "The entry's key, when the file is BibTeX."})


@dataclass
class Paper:
    """A curated record: one per paper, however often it was listed."""

    id: str = field(
        metadata={"doc": "Slug of the title; also the record's file name and the page's name."}
    )
    title: str = field(metadata={"doc": "The title as first listed."})
    authors: list[str] = field(
        default_factory=list, metadata={"doc": "Author names in order, e.g. `Ada Lovelace`."}
    )
    year: str = field(
        default="", metadata={"doc": "Year of publication: four digits, kept as written."}
    )
    venue: str = field(default="", metadata={"doc": "Where it appeared, e.g. `NeurIPS`."})
    doi: str = field(default="", metadata={"doc": "DOI, e.g. `10.1145/3600006.3613165`."})
    type: str = field(
        default="",
        metadata={"doc": "BibTeX entry type, e.g. `inproceedings`; chosen from the rest if empty."},
    )
    journal: str = field(default="", metadata={"doc": "Journal, for a citation."})
    booktitle: str = field(
        default="", metadata={"doc": "Proceedings the paper appeared in, for a citation."}
    )
    volume: str = field(default="", metadata={"doc": "Volume, for a citation."})
    number: str = field(default="", metadata={"doc": "Issue number, for a citation."})
    pages: str = field(default="", metadata={"doc": "Pages, e.g. `1234--1245`."})
    publisher: str = field(default="", metadata={"doc": "Publisher, for a citation."})
    url: str = field(default="", metadata={"doc": "Where the paper is published, if not arXiv."})
    abstract: str = field(
        default="", metadata={"doc": "The abstract, with leftover LaTeX cleaned up."}
    )
    links: dict[str, str] = field(
        default_factory=dict, metadata={"doc": "Named http(s) links, e.g. `code` and `project`."}
    )
    listings: list[Listing] = field(
        default_factory=list,
        metadata={"doc": "Every appearance in `content/sources/`, in ingest order."},
    )
    aliases: list[str] = field(
        default_factory=list,
        metadata={"doc": "Other spellings of the title that belong to this record."},
    )
    themes: list[str] = field(
        default_factory=list,
        metadata={
            "doc": "Curated theme ids; when present they replace the theme rules for this paper."
        },
    )
    tags: list[str] = field(
        default_factory=list,
        metadata={"doc": "Free-form curated tags; each tag has a page listing its papers."},
    )
    notes: str = field(default="", metadata={"doc": "Curator's notes, in Markdown."})
    arxiv: str = field(
        default="",
        metadata={"doc": "arXiv identifier, e.g. `2309.10818`; an arXiv URL is read as its id."},
    )
    arxiv_class: str = field(
        default="", metadata={"doc": "arXiv's primary category, e.g. `cs.LG`."}
    )
    bibkey: str = field(
        default="",
        metadata={"doc": "The citation key to export under, instead of the one made up."},
    )
    former_ids: list[str] = field(
        default_factory=list,
        metadata={"doc": "Ids of records merged into this one; their pages redirect here."},
    )

    @property
    def short_name(self) -> str:
        """The part of the title before the first colon, e.g. `NanoFlow`."""
        head, sep, _ = self.title.partition(":")
        return head.strip() if sep else ""


@dataclass
class Theme:
    """A group of papers, declared in `content/themes.yml`."""

    id: str = field(metadata={"doc": "Slug used in URLs and in papers' `themes:` lists."})
    title: str = field(metadata={"doc": "Display name."})
    description: str = field(
        default="", metadata={"doc": "One or two sentences for readers, shown as written."}
    )
    icon: str = field(
        default="",
        metadata={
            "doc": "Beside its title in the navigation: `material/memory`,"
            " or yours in `overrides/.icons/`."
        },
    )
    keywords: list[str] = field(
        default_factory=list,
        metadata={
            "doc": "Phrases matched as whole words against title and abstract (case-insensitive)."
        },
    )
    title_keywords: list[str] = field(
        default_factory=list, metadata={"doc": "Phrases matched against the title only."}
    )
    exclude: list[str] = field(
        default_factory=list,
        metadata={"doc": "Phrases that keep a paper out of the theme even when a keyword matches."},
    )
    start_here: list[str] = field(
        default_factory=list, metadata={"doc": "Paper ids to list first as good first reads."}
    )
    former_ids: list[str] = field(
        default_factory=list,
        metadata={"doc": "Ids the theme had before; their addresses lead here."},
    )


@dataclass(frozen=True)
class Source:
    """A file of `content/sources/`, as `content/sources.yml` names it for readers."""

    id: str = field(metadata={"doc": "The file's name without its extension."})
    label: str = field(metadata={"doc": "What readers see, e.g. `Hugging Face Daily Papers`."})
    url: str = field(default="", metadata={"doc": "Where the listing came from, if public."})


@dataclass
class Library:
    """Every paper and theme, as `content/` declares them."""

    papers: dict[str, Paper] = field(default_factory=dict)
    """Papers by id, in id order."""
    themes: list[Theme] = field(default_factory=list)
    """Themes in the order `themes.yml` declares them."""
    sources: dict[str, Source] = field(default_factory=dict)
    """What `sources.yml` says of each source file, by id (file names without suffix)."""

    def theme(self, theme_id: str) -> Theme:
        return next(t for t in self.themes if t.id == theme_id)

    @property
    def listing_count(self) -> int:
        return sum(len(p.listings) for p in self.papers.values())


def recently_listed(papers: Iterable[Paper], limit: int) -> list[Paper]:
    """Papers from the newest listing files first.

    Listing dates carry no year, so "newest" means the source file that sorts last
    (files are named in the order they were added), then the order on the page.
    """

    def key(paper: Paper) -> tuple[str, int]:
        newest = max(paper.listings, key=lambda x: (x.source, -x.position), default=None)
        return (newest.source, -newest.position) if newest else ("", 0)

    return sorted(papers, key=lambda p: (*key(p), p.id), reverse=True)[:limit]
