"""`papers.json`: the machine-readable export other tools read the site through."""

from __future__ import annotations

import json
from typing import Any

from .model import Library, Paper
from .render import paper_page


def page_url(paper_id: str, use_directory_urls: bool) -> str:
    """A paper page's site-relative URL, as MkDocs will write it."""
    stem = paper_page(paper_id).removesuffix(".md")
    return f"{stem}/" if use_directory_urls else f"{stem}.html"


def paper_entry(library: Library, paper: Paper, use_directory_urls: bool) -> dict[str, Any]:
    related = library.related.get(paper.id, [])
    return {
        "id": paper.id,
        "title": paper.title,
        "abstract": paper.abstract,
        "url": page_url(paper.id, use_directory_urls),
        "themes": library.membership.get(paper.id, []),
        "links": paper.links,
        "listings": [
            {"source": x.source, "date": x.date, "position": x.position} for x in paper.listings
        ],
        "related": [r.id for r in related],
        "related_scores": [r.score for r in related],
        "mentions": library.mentions.get(paper.id, []),
        "mentioned_by": library.mentioned_by.get(paper.id, []),
        "aliases": paper.aliases,
        "tags": paper.tags,
        "arxiv": paper.arxiv,
    }


def papers_json(library: Library, use_directory_urls: bool) -> str:
    """One object per paper, sorted by id; the same bytes for the same content."""
    entries = [
        paper_entry(library, p, use_directory_urls)
        for p in sorted(library.papers.values(), key=lambda p: p.id)
    ]
    return json.dumps(entries, ensure_ascii=False, indent=1) + "\n"
