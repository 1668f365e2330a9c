"""Citable papers: BibTeX a style accepts and a round trip that keeps it, CSL-JSON and
RIS that real readers take, `citation_*` meta tags, a feed per theme, and Cite."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree

import bibtexparser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.content.identifiers import arxiv_problem

from .conftest import make_project, make_small_project, read_bib, run_cli, serve_folder
from .htmltools import read

REFS = Path(__file__).parent / "data" / "refs.bib"
KEY = re.compile(r"[a-z]+\d{4}[a-z]+")
"""The common `surnameYEARword` form."""

EXTRA = r"""
@article{zotero1,
  title = {Sparse Attention in Long Documents},
  author = {Lovelace, Ada and Babbage, Charles},
  journal = {Journal of Machine Learning Research},
  volume = {25},
  number = {3},
  pages = {101--130},
  publisher = {JMLR},
  year = {2024},
  doi = {10.5555/1234567},
  url = {https://jmlr.org/papers/v25/sparse.html},
}

@inproceedings{pmlr2,
  title = {Faster Decoding on a Budget},
  author = {Hopper, Grace},
  booktitle = {Proceedings of the 41st International Conference on Machine Learning},
  pages = {5000--5012},
  publisher = {PMLR},
  year = {2024},
  url = {https://proceedings.mlr.press/v235/hopper24a.html},
}

@misc{arxiv3,
  title = {Lovelace Numbers Revisited},
  author = {Lovelace, Ada},
  year = {2024},
  eprint = {2403.10001},
  archivePrefix = {arXiv},
  primaryClass = {cs.LG},
}
"""


@pytest.fixture(scope="module")
def cited(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """refs.bib (356 entries, as Zotero, DBLP, Google Scholar and arXiv export them) and
    a few more, ingested into an empty project and built."""
    root = make_project(tmp_path_factory.mktemp("cite") / "project", with_papers=False)
    shutil.rmtree(root / "content" / "sources")
    (root / "content" / "sources").mkdir()
    extra = root.parent / "extra.bib"
    extra.write_text(EXTRA, encoding="utf-8")
    assert run_cli(root, "ingest", str(REFS), str(extra)).returncode == 0
    built = run_cli(root, "build", "--strict", env={"SITE_URL": "https://example.org/list/"})
    assert built.returncode == 0, built.stderr
    return root / "site"


def source_entries(text: str) -> list[dict[str, str]]:
    library = bibtexparser.parse_string(text)
    return [
        {"ID": e.key, "ENTRYTYPE": e.entry_type, **{f.key.lower(): str(f.value) for f in e.fields}}
        for e in library.entries
    ]


def title(entry: dict[str, str]) -> str:
    return " ".join(re.sub(r"[{}]", "", entry.get("title", "")).lower().split()).rstrip(".")


def test_an_export_ingested_and_exported_again_keeps_what_a_citation_needs(cited: Path) -> None:
    """Every entry was @misc with the venue in howpublished and a note of themes; a
    Zotero export lost its entry types, journals, volumes, pages and publishers."""
    out = read_bib((cited / "export" / "papers.bib").read_text(encoding="utf-8"))  # parses
    exported = {title(e): e for e in out}
    given = [e for e in source_entries(REFS.read_text() + EXTRA) if e["ENTRYTYPE"] != "patent"]
    compared = Counter()
    for entry in given:
        again = exported.get(title(entry))
        if again is None:
            continue  # the broken and duplicate entries ingest skipped
        compared["entries"] += 1
        assert again["ENTRYTYPE"] == entry["ENTRYTYPE"], entry["ID"]
        for name in ("journal", "booktitle", "volume", "number", "pages", "publisher", "doi"):
            if name in entry:
                assert again.get(name) == entry[name], (entry["ID"], name)
                compared[name] += 1
        if "journaltitle" in entry:
            assert again.get("journal") == entry["journaltitle"]
        if "url" in entry and "arxiv.org" not in entry["url"]:
            assert again.get("url") == entry["url"], entry["ID"]
            compared["url"] += 1
        if entry.get("archiveprefix") == "arXiv" and not arxiv_problem(entry["eprint"]):
            assert (again["eprint"], again["archiveprefix"]) == (entry["eprint"], "arXiv")
            assert again.get("primaryclass") == entry.get("primaryclass")
    assert compared["entries"] > 340 and compared["pages"] == 2 and compared["url"] >= 2
    assert all("note" not in e for e in out)
    keys = [e["ID"] for e in out]
    assert len(set(keys)) == len(keys)
    with_both = [e for e in out if e.get("author") and e.get("year")]
    assert all(KEY.fullmatch(e["ID"]) for e in with_both), [
        e["ID"] for e in with_both if not KEY.fullmatch(e["ID"])
    ][:5]
    sparse = exported["sparse attention in long documents"]
    assert sparse["ID"] == "lovelace2024sparse" and sparse["ENTRYTYPE"] == "article"
    assert sum("keywords" in e for e in out) > 100  # themes and tags, for the papers that have some


def test_keys_are_stable_unique_and_can_be_pinned() -> None:
    from generator.content.model import Paper
    from generator.site.cite import citation_keys

    def paper(pid: str, **fields: object) -> Paper:
        return Paper(id=pid, title="Sparse Things", authors=["Ada Lovelace"], year="2024", **fields)

    keys = citation_keys([paper("b"), paper("a"), paper("c", bibkey="lovelace2024sparse")])
    assert keys == {
        "c": "lovelace2024sparse",
        "a": "lovelace2024sparseb",
        "b": "lovelace2024sparsec",
    }
    assert citation_keys(
        [Paper(id="x", title="The Østergaard Effect", authors=["Jens Østergaard"], year="2020")]
    ) == {"x": "ostergaard2020ostergaard"}


def test_a_paper_that_arrives_later_moves_no_other_key() -> None:
    """Suffixes went in id order, so a new paper whose id sorted first took `efficient`
    and moved every other `efficient…` key (9 keys for 3 papers added to the built-in
    list). They go in the order papers came in now: by their first listing, whose file
    is named to sort after the older ones."""
    from generator.content.model import Listing, Paper
    from generator.site.cite import citation_keys

    def paper(pid: str, source: str, position: int) -> Paper:
        return Paper(id=pid, title=f"Efficient {pid}", listings=[Listing(source, "", position)])

    before = [
        paper("zeta", "000_first", 1),
        paper("omega", "000_first", 2),
        paper("mu", "001_b", 1),
    ]
    keys = citation_keys(before)
    assert keys == {"zeta": "efficient", "omega": "efficientb", "mu": "efficientc"}
    later = paper("alpha", "002_later", 1)
    hand = Paper(id="aaa", title="Efficient by hand")  # no listing: after every listed one
    assert citation_keys([*before, later, hand]) == {
        **keys,
        "alpha": "efficientd",
        "aaa": "efficiente",
    }


@settings(max_examples=200, deadline=None)
@given(
    titles=st.lists(
        st.sampled_from(["Sparse", "Sparse B", "Sparseb", "Fast", "Sparse C"]), max_size=60
    ),
    pinned=st.lists(
        st.sampled_from(["sparse", "sparseb", "sparsed", "fast", "fastc"]), max_size=3, unique=True
    ),
)
def test_keys_are_the_first_free_suffix_whatever_collides(
    titles: list[str], pinned: list[str]
) -> None:
    """Each base's search for a free suffix resumes where it stopped: the keys are those
    of trying every suffix from the first, in id order."""
    from generator.content.model import Paper
    from generator.site.cite import _suffix, base_key, citation_keys

    papers = [Paper(id=f"p{i:03}", title=t) for i, t in enumerate(titles)]
    papers += [Paper(id=f"q{i}", title="Pinned", bibkey=key) for i, key in enumerate(pinned)]
    expected = {p.id: p.bibkey for p in papers if p.bibkey}
    for paper in papers[: len(titles)]:
        n = 1
        while base_key(paper) + _suffix(n) in expected.values():
            n += 1
        expected[paper.id] = base_key(paper) + _suffix(n)
    assert citation_keys(papers) == expected


def test_two_records_cannot_pin_the_same_key(tmp_path: Path) -> None:
    """Keys are unique in every export: a pinned key is the record's alone."""
    root = make_small_project(tmp_path / "project")
    first, second = sorted((root / "content" / "papers").glob("*.yml"))[:2]
    for path in (first, second):
        path.write_text(path.read_text(encoding="utf-8") + "bibkey: lovelace2024sparse\n")
    result = run_cli(root, "check")
    assert result.returncode == 1
    line = len(second.read_text(encoding="utf-8").splitlines())
    assert (
        f"content/papers/{second.name}:{line}: error: field 'bibkey': 'lovelace2024sparse' "
        f"is pinned by content/papers/{first.name} too"
    ) in result.stdout


def test_csl_json_and_ris_are_read_by_real_readers(cited: Path) -> None:
    import rispy
    from citeproc import (
        Citation,
        CitationItem,
        CitationStylesBibliography,
        CitationStylesStyle,
        formatter,
    )
    from citeproc.source.json import CiteProcJSON

    items = json.loads((cited / "export" / "papers.csl.json").read_text(encoding="utf-8"))
    assert len(items) == 355
    source = CiteProcJSON(items)
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    bibliography.register(Citation([CitationItem("lovelace2024sparse")]))
    (rendered,) = [str(entry) for entry in bibliography.bibliography()]
    assert "Lovelace" in rendered and "Sparse Attention in Long Documents" in rendered
    assert "Journal of Machine Learning Research" in rendered and "25" in rendered
    sparse = next(i for i in items if i["id"] == "lovelace2024sparse")
    assert sparse["type"] == "article-journal" and sparse["page"] == "101–130"
    assert sparse["author"] == [
        {"family": "Lovelace", "given": "Ada"},
        {"family": "Babbage", "given": "Charles"},
    ]
    records = rispy.loads((cited / "export" / "papers.ris").read_text(encoding="utf-8"))
    assert len(records) == 355
    ris = next(r for r in records if r.get("id") == "lovelace2024sparse")
    assert ris["type_of_reference"] == "JOUR"
    assert ris["authors"] == ["Lovelace, Ada", "Babbage, Charles"]
    assert (ris["start_page"], ris["end_page"], ris["volume"], ris["doi"]) == (
        "101",
        "130",
        "25",
        "10.5555/1234567",
    )
    conference = next(r for r in records if r.get("id") == "hopper2024faster")
    assert conference["type_of_reference"] == "CONF"
    # Per theme too, linked from the theme page beside BibTeX.
    theme = next((cited / "export" / "themes").glob("*.ris"))
    assert rispy.loads(theme.read_text(encoding="utf-8"))
    csl = theme.with_suffix("").with_suffix(".csl.json")
    assert json.loads(csl.read_text(encoding="utf-8"))
    page = read(cited / "theme" / theme.stem / "index.html")
    for target in (
        f"export/themes/{theme.stem}.bib",
        f"export/themes/{theme.stem}.csl.json",
        f"export/themes/{theme.stem}.ris",
        f"feeds/{theme.stem}.xml",
    ):
        assert any(h.endswith(target) for h in page.links), target


def test_a_themes_files_cite_its_papers_and_all_papers_files_add_the_abstracts(
    cited: Path,
) -> None:
    """A theme's three files hold its papers as all papers' files do, themes and tags
    included, but not the abstract: once per theme, abstracts were most of the site."""
    import rispy

    exports = cited / "export"
    every = {i["id"]: i for i in json.loads((exports / "papers.csl.json").read_text("utf-8"))}
    assert sum("abstract" in i for i in every.values()) > 50
    every_ris = {r["id"]: r for r in rispy.loads((exports / "papers.ris").read_text("utf-8"))}
    every_bib = {e["ID"]: e for e in read_bib((exports / "papers.bib").read_text("utf-8"))}
    themes = sorted((exports / "themes").glob("*.csl.json"))
    assert len(themes) > 10
    for path in themes:
        items = json.loads(path.read_text(encoding="utf-8"))
        assert items and all("keyword" in i for i in items)
        assert not any("abstract" in i for i in items)
        assert items == [
            {k: v for k, v in every[i["id"]].items() if k != "abstract"} for i in items
        ]
        base = str(path)[: -len(".csl.json")]
        records = rispy.loads(Path(base + ".ris").read_text(encoding="utf-8"))
        assert [r["id"] for r in records] == [i["id"] for i in items]
        for record in records:
            assert "abstract" not in record
            assert record == {k: v for k, v in every_ris[record["id"]].items() if k != "abstract"}
        entries = read_bib(Path(base + ".bib").read_text(encoding="utf-8"))
        assert [e["ID"] for e in entries] == [i["id"] for i in items]
        for entry in entries:
            whole = every_bib[entry["ID"]]
            assert entry == {k: v for k, v in whole.items() if k != "abstract"}


def test_paper_pages_carry_the_meta_tags_reference_managers_read(cited: Path) -> None:
    html = (cited / "paper" / "sparse-attention-in-long-documents" / "index.html").read_text()
    head = html.split("</head>", 1)[0]
    tags = re.findall(r'<meta name="(citation_[a-z_]+)" content="([^"]*)">', head)
    assert tags == [
        ("citation_title", "Sparse Attention in Long Documents"),
        ("citation_author", "Ada Lovelace"),
        ("citation_author", "Charles Babbage"),
        ("citation_publication_date", "2024"),
        ("citation_journal_title", "Journal of Machine Learning Research"),
        ("citation_volume", "25"),
        ("citation_issue", "3"),
        ("citation_firstpage", "101"),
        ("citation_lastpage", "130"),
        ("citation_publisher", "JMLR"),
        ("citation_doi", "10.5555/1234567"),
    ]
    arxiv = (cited / "paper" / "lovelace-numbers-revisited" / "index.html").read_text()
    assert '<meta name="citation_arxiv_id" content="2403.10001">' in arxiv
    assert '<meta name="citation_pdf_url" content="https://arxiv.org/pdf/2403.10001">' in arxiv


def test_every_paper_page_with_authors_has_one_citation_author_each(cited: Path) -> None:
    entries = json.loads((cited / "papers.json").read_text(encoding="utf-8"))
    for entry in entries:
        head = (cited / entry["url"] / "index.html").read_text().split("</head>", 1)[0]
        assert head.count('<meta name="citation_author"') == len(entry["authors"]), entry["id"]


def test_each_theme_has_a_feed_announced_on_its_page(cited: Path) -> None:
    import feedparser

    page = (cited / "theme" / "llm-serving" / "index.html").read_text(encoding="utf-8")
    assert re.search(
        r'<link rel="alternate" type="application/atom\+xml" title="LLM inference and serving: '
        r'recently listed papers" href="../../feeds/llm-serving.xml">',
        page,
    )
    feed = feedparser.parse((cited / "feeds" / "llm-serving.xml").read_bytes())
    assert not feed.bozo and feed.feed.title.endswith(": LLM inference and serving")
    members = {
        e["id"]
        for e in json.loads((cited / "papers.json").read_text())
        if "llm-serving" in e["themes"]
    }
    assert feed.entries and all(
        e.link.split("/paper/")[1].rstrip("/") in members for e in feed.entries
    )
    assert feed.entries[0].link.startswith("https://example.org/list/paper/")
    # Beside the feeds, a sitemap of them (Material asks for one: the test below).
    sitemap = ElementTree.parse(cited / "feeds" / "sitemap.xml").getroot()
    locs = [e.text for e in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert "https://example.org/list/feeds/llm-serving.xml" in locs
    assert len(locs) == len(list((cited / "theme").glob("*/index.html")))


def test_a_theme_called_sitemap_keeps_its_feed(tmp_path: Path) -> None:
    import feedparser

    root = make_small_project(tmp_path / "project")
    themes = root / "content" / "themes.yml"
    text = themes.read_text(encoding="utf-8").replace("- id: llm-serving\n", "- id: sitemap\n")
    themes.write_text(text, encoding="utf-8")
    assert run_cli(root, "generate").returncode == 0
    feed = feedparser.parse((root / "build" / "docs" / "feeds" / "sitemap.xml").read_bytes())
    assert not feed.bozo and feed.feed.title.endswith(": LLM inference and serving")


@pytest.mark.browser
def test_cite_shows_and_copies_the_bibtex_on_the_web_and_from_disk(browser, tmp_path: Path) -> None:
    root = make_small_project(tmp_path / "project")
    assert run_cli(root, "build").returncode == 0
    assert run_cli(root, "bundle").returncode == 0
    with zipfile.ZipFile(root / "dist" / "efficient-ml-reading-list-offline.zip") as zf:
        zf.extractall(tmp_path / "usb")
    offline = tmp_path / "usb" / "efficient-ml-reading-list-offline"
    server, url = serve_folder(root / "site")
    paper = "nanoflow-towards-optimal-large-language-model-serving-throughput"
    try:
        for address in (f"{url}paper/{paper}/", (offline / "paper" / f"{paper}.html").as_uri()):
            context = browser.new_context()
            context.grant_permissions(["clipboard-read", "clipboard-write"])
            page = context.new_page()
            requests: list[str] = []
            page.on("request", lambda r, seen=requests: seen.append(r.url))
            page.goto(address)
            page.keyboard.press("Tab")  # a real button: reached and pressed with the keyboard
            page.locator("button.rl-cite").first.focus()
            page.keyboard.press("Enter")
            dialog = page.locator("dialog.rl-cite-dialog")
            assert dialog.is_visible()
            shown = dialog.locator("code").inner_text()
            assert shown.startswith("@misc{") and "NanoFlow: Towards Optimal" in shown
            # Its buttons look like buttons (the dialog lies outside Material's typeset).
            borders = dialog.locator("p button").evaluate_all(
                "bs => bs.map(b => getComputedStyle(b).borderTopStyle)"
            )
            assert borders == ["solid", "solid"]
            size = dialog.evaluate("d => parseFloat(getComputedStyle(d).fontSize)")
            assert size >= 15  # the page's text size, not Material's 10 px outside it
            page.keyboard.press("Enter")  # focus is on Copy
            page.wait_for_function("document.querySelector('.rl-copied').textContent === 'Copied.'")
            assert page.evaluate("navigator.clipboard.readText()") == shown
            page.keyboard.press("Escape")
            assert not dialog.is_visible()
            # A card's own Cite button, on its theme page.
            page.goto(address.replace(f"paper/{paper}", "theme/llm-serving"))
            card = page.locator("li", has=page.locator(f'a[href*="{paper}"]')).first
            card.locator("button.rl-cite").click()
            assert (
                "NanoFlow: Towards Optimal"
                in page.locator("dialog.rl-cite-dialog code").inner_text()
            )
            origin = address.split("/paper/")[0]
            assert all(r.startswith(origin) for r in requests), requests
            context.close()
    finally:
        server.shutdown()


@pytest.fixture(scope="module")
def served(cited: Path):
    server, url = serve_folder(cited)
    yield url
    server.shutdown()


@pytest.mark.browser
def test_no_page_asks_for_a_file_the_site_lacks(browser, served: str) -> None:
    """Material fetches `sitemap.xml` beside each `rel=alternate` link: beside a theme's
    feed, in `feeds/`, there was none, and every theme page logged a 404."""
    page = browser.new_page()
    problems: list[object] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("response", lambda r: problems.append((r.status, r.url)) if r.status >= 400 else None)
    for path in ["", "theme/llm-serving/", "paper/lovelace-numbers-revisited/", "papers/"]:
        page.goto(served + path)
        page.wait_for_load_state("networkidle")
        assert not problems, (path, problems)
    page.close()


@pytest.mark.browser
@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("2403.10001", "Lovelace Numbers Revisited"),
        ("arXiv:2403.10001", "Lovelace Numbers Revisited"),
        ("10.5555/1234567", "Sparse Attention in Long Documents"),
        ("https://doi.org/10.5555/1234567", "Sparse Attention in Long Documents"),
        ("Babbage", "Sparse Attention in Long Documents"),
        ("Grace Hopper", "Faster Decoding on a Budget"),
    ],
)
def test_search_finds_a_paper_by_its_id_doi_or_an_authors_surname(
    browser, served: str, query: str, first: str
) -> None:
    from .searching import results

    page = browser.new_page()
    page.goto(served)
    hits = results(page, served, query)
    assert hits and hits[0][1].startswith(first), hits[:3]
    page.close()


@pytest.mark.browser
def test_all_papers_filters_by_year_venue_and_author_and_keeps_the_view_in_its_address(
    browser, served: str, cited: Path
) -> None:
    from .searching import table_rows

    head, rows = table_rows(cited)
    f = {name: i for i, name in enumerate(head["fields"])}
    page = browser.new_page()
    page.goto(served + "papers/")
    status = page.locator(".rl-table-status")
    body = page.locator(".rl-table tbody tr")
    assert status.inner_text() == f"Papers 1–50 of {len(rows)}"
    # A year range.
    page.fill(".rl-year-from", "2020")
    page.fill(".rl-year-to", "2021")
    in_range = [r for r in rows if r[f["year"]] and 2020 <= int(r[f["year"]]) <= 2021]
    assert status.inner_text().startswith(f"Papers 1–{min(50, len(in_range))} of {len(in_range)} ")
    assert "from=2020" in page.url and "to=2021" in page.url
    # A venue, on top of the years.
    page.select_option("select.rl-venue-filter", label="ICML")
    both = [r for r in in_range if r[f["venue"]] >= 0 and head["venues"][r[f["venue"]]] == "ICML"]
    assert status.inner_text().endswith(f" of {len(both)} (of {len(rows)})")
    # Reloaded, the same view; Back, the one before.
    page.reload()
    assert page.input_value(".rl-year-from") == "2020"
    assert status.inner_text().endswith(f" of {len(both)} (of {len(rows)})")
    page.go_back()
    assert page.locator("select.rl-venue-filter").input_value() == ""
    assert status.inner_text().startswith(f"Papers 1–{min(50, len(in_range))} of {len(in_range)} ")
    # Sorting and paging live in the address too.
    page.goto(served + "papers/#sort=year&dir=desc&page=2")
    assert page.locator(".rl-table th[aria-sort=descending]").inner_text().startswith("Year")
    assert status.inner_text().startswith("Papers 51–100 of")
    # An author's name on a paper page opens All papers for that author.
    page.goto(served + "paper/sparse-attention-in-long-documents/")
    page.locator("a.rl-author", has_text="Charles Babbage").click()
    page.wait_for_selector(".rl-table tbody tr")
    assert page.url.endswith("papers/#author=Charles%20Babbage")
    assert body.locator("td:first-child").all_inner_texts() == [
        "Sparse Attention in Long Documents"
    ]
    assert page.locator(".rl-author-filter").inner_text() == "Author: Charles Babbage \u00d7"
    page.locator(".rl-author-filter").click()
    assert status.inner_text() == f"Papers 1–50 of {len(rows)}"
    page.close()


@pytest.mark.browser
def test_on_a_phone_a_column_almost_no_paper_fills_takes_no_room(browser, tmp_path: Path) -> None:
    """Once one paper had authors, the Authors and Year columns were empty for the other
    356 and pushed Themes out of view at 390 px."""
    root = make_small_project(tmp_path / "project")
    record = sorted((root / "content" / "papers").glob("*.yml"))[0]
    record.write_text(record.read_text() + "authors: [Ada Lovelace]\nyear: '2024'\n")
    assert run_cli(root, "build").returncode == 0
    server, url = serve_folder(root / "site")
    try:
        for width, shown in ((390, False), (1280, True)):
            page = browser.new_page(viewport={"width": width, "height": 800})
            page.goto(url + "papers/")
            page.wait_for_selector(".rl-table tbody tr")
            headings = page.locator(".rl-table th:visible").all_inner_texts()
            assert ("Authors" in headings) is shown and ("Year" in headings) is shown, headings
            assert "Themes" in headings
            page.close()
    finally:
        server.shutdown()
