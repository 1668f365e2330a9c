"""Authors, year, venue, DOI and arXiv: checked as written, shown on every page and export."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from generator.content.store import load_paper

from .conftest import make_project, read_bib, run_cli, serve_folder
from .htmltools import Page
from .searching import table_rows
from .test_store import GOOD, problems_for

FULL = """\
id: lovelace
title: Notes on the Analytical Engine
authors:
- Ada Lovelace
- Charles Babbage
- Luigi Menabrea
year: '1843'
venue: Scientific Memoirs
doi: https://doi.org/10.5555/Engine.1843
arxiv: https://arxiv.org/abs/2309.10818v2
abstract: The engine weaves algebraic patterns.
"""

OTHER = """\
id: later
title: A Later Engine
authors: [Grace Hopper]
year: '1952'
abstract: 'Compilers for "the engine" <b>&</b> more. A second sentence.'
"""


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("year: '24'", "field 'year': expected a year of four digits, 1600 to"),
        ("year: '1492'", "field 'year': expected a year of four digits, 1600 to"),
        (
            "doi: 11.1/x",
            "field 'doi': expected a DOI such as '10.1145/3600006.3613165', got '11.1/x'",
        ),
        (
            "arxiv: '2313.01234'",
            "field 'arxiv': expected an arXiv id such as '2309.10818' (there is no month 13), got '2313.01234'",
        ),
        ("arxiv: '1412.12345'", "(ids from 2014 have 4 digits after the dot), got '1412.12345'"),
        ("arxiv: '0612.1234'", "(ids of this shape began in April 2007), got '0612.1234'"),
        ("arxiv: hep-th/0804001", "(ids of this shape ran from August 1991 to March 2007)"),
        ("authors: [Ada, '  ']", "field 'authors[1]': expected some text, got only spaces"),
    ],
)
def test_bad_metadata_is_refused_with_file_line_and_field(
    tmp_path: Path, line: str, expected: str
) -> None:
    (problem,) = problems_for(tmp_path, GOOD + line + "\n")
    assert problem.startswith("content/papers/x.yml:8: error: ") and expected in problem


def test_identifiers_are_read_from_the_urls_people_paste(tmp_path: Path) -> None:
    path = tmp_path / "lovelace.yml"
    path.write_text(FULL, encoding="utf-8")
    paper, problems = load_paper(path, "content/papers/lovelace.yml")
    assert problems == [] and paper is not None
    assert paper.arxiv == "2309.10818v2" and paper.doi == "10.5555/Engine.1843"
    assert paper.year == "1843" and paper.authors[0] == "Ada Lovelace"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_project(tmp_path_factory.mktemp("metadata") / "project", with_papers=False)
    (root / "content" / "papers" / "lovelace.yml").write_text(FULL, encoding="utf-8")
    (root / "content" / "papers" / "later.yml").write_text(OTHER, encoding="utf-8")
    (root / "content" / "themes.yml").write_text(
        "themes:\n- id: engines\n  title: Engines\n  keywords: [engine]\n"
        "  description: Machines that compute. More of them.\n",
        encoding="utf-8",
    )
    result = run_cli(root, "build")
    assert result.returncode == 0, result.stderr
    return root / "site"


def test_the_paper_page_shows_authors_venue_year_doi_and_arxiv_links(site: Path) -> None:
    page = Page((site / "paper" / "lovelace" / "index.html").read_text(encoding="utf-8"))
    text = page.text.replace(" ,", ",")  # the text of each link stands apart
    assert (
        "Ada Lovelace, Charles Babbage, Luigi Menabrea · Scientific Memoirs 1843 · "
        "doi:10.5555/Engine.1843" in text
    )
    # Each name opens All papers for that author.
    assert "../../papers/#author=Charles%20Babbage" in page.links
    assert "https://doi.org/10.5555/Engine.1843" in page.links
    assert "https://arxiv.org/abs/2309.10818v2" in page.links
    assert "https://arxiv.org/pdf/2309.10818v2" in page.links
    assert not any("arxiv.org/search" in link for link in page.links)


def test_a_page_describes_itself_to_search_engines_and_link_previews(site: Path) -> None:
    """Every page had the site's description: a search result or a shared link to any
    of 10,000 papers read "A curated, searchable reading list ...". A paper page now
    has its abstract's first sentence, and a theme page its description's."""

    def description(path: str) -> str:
        html = (site / path / "index.html").read_text(encoding="utf-8")
        (found,) = re.findall(r'<meta name="description" content="([^"]*)">', html)
        return found

    assert description("paper/lovelace") == "The engine weaves algebraic patterns."
    assert description("paper/later") == (
        "Compilers for &#34;the engine&#34; &lt;b&gt;&amp;&lt;/b&gt; more."
    )
    assert description("theme/engines") == "Machines that compute."
    # A page with nothing of its own to say has the site's description.
    site_description = (
        "A curated map of research on making machine learning cheaper, faster and smaller: "
        "training at scale, serving, compression, architecture search and more."
    )
    assert description("papers") == site_description


def test_cards_and_the_table_credit_the_authors(site: Path) -> None:
    cards = Page((site / "theme" / "engines" / "index.html").read_text(encoding="utf-8"))
    text = re.sub(r" ,", ",", cards.text)
    assert "Lovelace et al., 1843" in text and "Hopper, 1952" in text
    assert "../../papers/#author=Ada%20Lovelace" in cards.links
    head, rows = table_rows(site)
    assert head["columns"][:3] == ["title", "authors", "year"]
    f = {name: i for i, name in enumerate(head["fields"])}
    assert ["Lovelace et al.", "1843"] in [[row[f["authors"]], row[f["year"]]] for row in rows]


def test_exports_carry_the_metadata(site: Path) -> None:
    (entry,) = [
        e for e in json.loads((site / "papers.json").read_text("utf-8")) if e["id"] == "lovelace"
    ]
    assert entry["authors"] == ["Ada Lovelace", "Charles Babbage", "Luigi Menabrea"]
    assert (entry["year"], entry["venue"], entry["doi"]) == (
        "1843",
        "Scientific Memoirs",
        "10.5555/Engine.1843",
    )
    bib = read_bib((site / "export" / "papers.bib").read_text(encoding="utf-8"))
    (record,) = [r for r in bib if r["ID"] == entry["key"]]
    assert entry["key"] == "lovelace1843notes"
    assert record["author"] == "Ada Lovelace and Charles Babbage and Luigi Menabrea"
    assert (record["year"], record["doi"], record["eprint"]) == (
        "1843",
        "10.5555/Engine.1843",
        "2309.10818v2",
    )
    assert record["archiveprefix"] == "arXiv"
    rows = list(csv.DictReader(io.StringIO((site / "export" / "papers.csv").read_text("utf-8"))))
    (row,) = [r for r in rows if r["id"] == "lovelace"]
    assert (
        row["authors"] == "Ada Lovelace; Charles Babbage; Luigi Menabrea" and row["year"] == "1843"
    )


def test_search_finds_a_paper_by_its_author(site: Path) -> None:
    from .searching import index_documents

    docs = {d[1]: d for d in index_documents(site)}
    assert docs["paper/lovelace/"][2].startswith("Lovelace et al., 1843")
    # The terms of the authors are in the index, in the shard whose key starts "hopper".
    shards = [p for p in (site / "search-index" / "t").glob("*.js") if "hopper".startswith(p.stem)]
    assert any('"hopper":' in shard.read_text(encoding="utf-8") for shard in shards)


@pytest.mark.browser
def test_the_table_sorts_by_year_in_chromium(browser, site: Path) -> None:
    server, url = serve_folder(site)
    try:
        page = browser.new_page()
        page.goto(url + "papers/")
        page.locator(".rl-table th button", has_text="Year").click()
        years = page.locator(".rl-table tbody tr td:nth-child(3)").all_inner_texts()
        assert years == ["1843", "1952"]
        page.locator(".rl-table th button", has_text="Year").click()
        assert page.locator(".rl-table tbody tr td:nth-child(3)").all_inner_texts() == [
            "1952",
            "1843",
        ]
        page.goto(url + "paper/lovelace/")
        assert page.locator(".rl-byline").inner_text().startswith("Ada Lovelace, Charles Babbage")
        page.close()
    finally:
        server.shutdown()


@pytest.mark.parametrize(
    ("venue", "year", "shown"),
    [
        ("NeurIPS 2024", "2024", "NeurIPS 2024"),
        ("Phys. Rev. D 100, 012345 (2019)", "2019", "Phys. Rev. D 100, 012345 (2019)"),
        ("Scientific Memoirs", "1843", "Scientific Memoirs 1843"),
        ("Proceedings 20245", "2024", "Proceedings 20245 2024"),
    ],
)
def test_the_byline_names_the_year_once(venue: str, year: str, shown: str) -> None:
    """An arXiv listing's `Journal-ref: NeurIPS 2024` is the venue, and the id gives the
    year: the page said "NeurIPS 2024 2024"."""
    from generator.content.model import Paper
    from generator.site.citation import byline

    assert str(byline(Paper(id="p", title="P", venue=venue, year=year))) == shown
