"""The All papers table's rows, as scripts that `overrides/assets/javascripts/table.js`
loads and shows a page at a time.

The page holds no rows: at 10,000 papers a table written into the HTML was 4.7 MB that
a phone took 46 s to lay out. `table.js` renders one page of rows from these files, as
text nodes, and sorts and filters over all of them. They are scripts (each hands its
part to `__rlTable`) because a page opened from disk may load scripts but not fetch
files, as with the search index. Each holds `PART` rows, so that each runs as a short
task of its own.

Part 0 also names the row's fields (`FIELDS`: the script reads a row by these names,
never by a position of its own), the columns to show (Authors, Year, Venue and Tags are
there when some paper has what they show), the themes, the tags and the venues, which
rows name by their index.
"""

from __future__ import annotations

from generator.analysis import Linked
from generator.analysis.tags import tag_groups, tag_key
from generator.site.citation import short_authors, venue_of
from generator.site.markup import safe_url, script_call
from generator.site.paths import page_url, paper_page, tag_page, theme_page

FOLDER = "all-papers"
PART = 1000
FIELDS = [
    "title", "url", "authors", "year", "themes", "tags", "listed", "code", "names", "venue",
]  # fmt: skip
"""A row's values, in order: `table.js` looks each one up by its name here."""


def parts(count: int) -> int:
    """How many files hold `count` rows (one, empty, for an empty library)."""
    return max(1, -(-count // PART))


def table_files(linked: Linked, directory_urls: bool) -> dict[str, str]:
    """The table's files, by docs-relative path."""
    papers = list(linked.papers.values())
    themes = {t.id: i for i, t in enumerate(linked.themes)}
    groups = tag_groups(papers)
    tags = {tag_key(tag): i for i, tag in enumerate(groups)}
    venues = sorted({venue_of(p) for p in papers} - {""}, key=str.casefold)
    venue_index = {v: i for i, v in enumerate(venues)}
    columns = ["title"]
    columns += ["authors"] if any(p.authors for p in papers) else []
    columns += ["year"] if any(p.year for p in papers) else []
    columns += ["venue"] if venues else []
    columns += ["themes"] + (["tags"] if groups else []) + ["listed", "code"]
    rows = [
        [
            paper.title,
            page_url(paper_page(paper.id), directory_urls),
            short_authors(paper),
            paper.year,
            [themes[t] for t in linked.membership.get(paper.id, [])],
            sorted({tags[tag_key(tag)] for tag in paper.tags}),
            len(paper.listings),
            safe_url(paper.links.get("code", "")) or "",
            paper.authors,
            venue_index.get(venue_of(paper), -1),
        ]
        for paper in papers
    ]
    head = {
        "fields": FIELDS,
        "columns": columns,
        "themes": [
            [t.title, page_url(theme_page(t.id), directory_urls), t.id] for t in linked.themes
        ],
        "tags": [[tag, page_url(tag_page(tag), directory_urls), tag_key(tag)] for tag in groups],
        "venues": venues,
    }
    files = {}
    for n in range(parts(len(rows))):
        data = {**(head if n == 0 else {}), "rows": rows[n * PART : (n + 1) * PART]}
        files[f"{FOLDER}/{n}.js"] = script_call("__rlTable", n, data)
    return files
