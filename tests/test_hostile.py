"""Hostile content in every field stays inert: in the HTML, the browser, search and exports."""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from generator.site.markup import NOTES_TAGS

from .conftest import make_project, read_bib, run_cli
from .hostile import FIELDS, HOSTILE, hostile_id, hostile_title, one_line
from .htmltools import read
from .scan import foreign_markup, theme_profile
from .searching import index_documents


def test_the_corpus_is_big_enough() -> None:
    assert len(HOSTILE) >= 40 and len(set(HOSTILE)) == len(HOSTILE)
    assert len(FIELDS) == 8


@pytest.fixture(scope="module")
def hostile_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from .hostile import add_hostile_content

    root = make_project(tmp_path_factory.mktemp("hostile") / "project")
    add_hostile_content(root)
    check = run_cli(root, "check")
    assert check.returncode == 0, check.stdout + check.stderr
    result = run_cli(root, "build", "--strict")
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture(scope="module")
def trusted(seed_site: Path) -> tuple[set[str], set[str]]:
    """What the theme and the generator put into pages built from the seed content."""
    tags, scripts = theme_profile(seed_site)
    return tags | NOTES_TAGS, scripts


def test_no_page_holds_markup_the_theme_did_not_put_there(
    hostile_project: Path, trusted: tuple[set[str], set[str]]
) -> None:
    site = hostile_project / "site"
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 2 * len(HOSTILE)
    found = {}
    for page in pages:
        foreign = foreign_markup(page, *trusted)
        if foreign:
            found[str(page.relative_to(site))] = foreign
    assert found == {}


def test_every_string_reads_as_written(hostile_project: Path) -> None:
    site = hostile_project / "site"
    for i, text in enumerate(HOSTILE):
        page = read(site / "paper" / hostile_id(i) / "index.html")
        assert page.h1 == hostile_title(i)
        assert page.title == f"{hostile_title(i)} - Efficient ML reading list"
        assert f"Abstract {i}: {one_line(text)}" in page.text
        assert f"{one_line(text)} alias {i}" in page.text  # the alias
        assert one_line(text) in page.text.split("Tags:", 1)[1]  # the tag
        theme = read(site / "theme" / f"hostile-theme-{i:02d}" / "index.html")
        assert theme.h1 == f"{one_line(text)} theme {i}"
        assert one_line(text) in theme.text  # the description


def test_notes_keep_markdown_formatting_and_lose_everything_else(hostile_project: Path) -> None:
    assert HOSTILE[6].startswith("<a href=") and HOSTILE[7].startswith("[click 8]")
    html = (hostile_project / "site" / "paper" / hostile_id(6) / "index.html").read_text("utf-8")
    notes = html.split('<div class="rl-notes">', 1)[1].split("</div>", 1)[0]
    # `<a href="javascript:...">` in a note is shown as text, never as a link.
    assert '&lt;a href="javascript:alert(7)"&gt;click 7&lt;/a&gt;' in notes
    markdown_link = (hostile_project / "site" / "paper" / hostile_id(7) / "index.html").read_text(
        "utf-8"
    )
    notes = markdown_link.split('<div class="rl-notes">', 1)[1].split("</div>", 1)[0]
    # The link is gone, its text kept: an `<a>` without an address still looked like one.
    assert "<a" not in notes and "javascript:" not in notes and "click 8" in notes


def test_an_image_in_notes_is_a_link_to_it_and_loads_nothing() -> None:
    """`![diagram](https://…)` in a note vanished from the page, its words too: the
    sanitiser drops an `<img>` whole. The site loads nothing from another host, so an
    image is a link to it, named by its alt text; one with no web address is its text."""
    from generator.site.markup import notes_html

    html = str(
        notes_html(
            'See ![the "big" <diagram>](https://example.org/x.png "Its title") and '
            "![](https://example.org/y.png), ![local](figure.png) and `![c](d)`."
        )
    )
    assert "<img" not in html and "figure.png" not in html
    assert (
        '<p>See <a href="https://example.org/x.png" title="Its title" rel="nofollow noopener '
        'noreferrer">the "big" &lt;diagram&gt;</a> and <a href="https://example.org/y.png" '
        'rel="nofollow noopener noreferrer">https://example.org/y.png</a>, local and '
        "<code>![c](d)</code>.</p>"
    ) in html


def test_search_index_holds_the_strings_as_text(
    hostile_project: Path, trusted: tuple[set[str], set[str]]
) -> None:
    # The index holds each string as the text it is (search.js shows it as text), in
    # files with no markup: JSON, plain ASCII, every `<` escaped.
    site = hostile_project / "site"
    assert all(b"<" not in f.read_bytes() for f in (site / "search-index").rglob("*.js"))
    docs = index_documents(site)
    urls = [d[1] for d in docs]
    for i in range(len(HOSTILE)):
        assert urls.count(f"paper/{hostile_id(i)}/") == 1
        title = next(d[0] for d in docs if d[1] == f"paper/{hostile_id(i)}/")
        assert " ".join(title.split()) == hostile_title(i)


def test_exports_carry_the_strings_exactly(hostile_project: Path) -> None:
    site = hostile_project / "site"
    exported = {e["id"]: e for e in json.loads((site / "papers.json").read_text("utf-8"))}
    for i, text in enumerate(HOSTILE):
        entry = exported[hostile_id(i)]
        assert entry["title"] == hostile_title(i)
        assert entry["tags"] == [text]
    feed = ET.parse(site / "feed.xml").getroot()  # well-formed whatever the titles hold
    assert feed.tag.endswith("feed")
    entries = read_bib((site / "export" / "papers.bib").read_text("utf-8"))
    assert len(entries) == len(exported)
    with (site / "export" / "papers.csv").open(encoding="utf-8", newline="") as f:
        rows = {r["id"]: r for r in csv.DictReader(f)}
    for i in range(len(HOSTILE)):
        cell = rows[hostile_id(i)]["title"]
        assert cell in (hostile_title(i), "'" + hostile_title(i))
        assert not cell.startswith(("=", "+", "-", "@"))


def test_offline_bundle_is_clean_too(
    hostile_project: Path, trusted: tuple[set[str], set[str]], tmp_path: Path
) -> None:
    result = run_cli(hostile_project, "bundle", "--dist-dir", str(tmp_path / "dist"))
    assert result.returncode == 0, result.stderr
    (archive,) = (tmp_path / "dist").glob("*.zip")
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(tmp_path / "unzipped")
    pages = sorted((tmp_path / "unzipped").rglob("*.html"))
    assert len(pages) > 2 * len(HOSTILE)
    # The offline build inlines the search index as a script; that one is the theme's.
    _, scripts = trusted
    found = [
        (str(p), f)
        for p in pages
        for f in foreign_markup(p, trusted[0], scripts)
        if not f.startswith("inline script 'var __index")
    ]
    assert found == []


@pytest.mark.browser
def test_chromium_runs_nothing_and_shows_the_text(browser, hostile_project: Path) -> None:
    from .conftest import serve_folder
    from .test_browser import search

    server, url = serve_folder(hostile_project / "site")
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    errors: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    try:
        paths = ["", "papers/", "themes/"]
        paths += [f"theme/hostile-theme-{i:02d}/" for i in range(len(HOSTILE))]
        for path in paths:
            page.goto(url + path)
        for i in range(len(HOSTILE)):
            page.goto(url + f"paper/{hostile_id(i)}/")
            assert " ".join(page.locator("h1").text_content().split()) == hostile_title(i)
            assert page.title() == f"{hostile_title(i)} - Efficient ML reading list"
        # The All papers table shows every title as text: its cells hold no element
        # but the ones table.js makes.
        page.goto(url + "papers/")
        page.fill(".rl-filter", "hostile")
        titles = page.locator(".rl-table tbody td:first-child").all_inner_texts()
        assert sorted(" ".join(t.split()) for t in titles) == sorted(
            " ".join(hostile_title(i).split()) for i in range(len(HOSTILE))
        )
        tags = page.eval_on_selector_all(
            ".rl-table tbody *", "els => [...new Set(els.map(e => e.localName))]"
        )
        assert set(tags) <= {"tr", "td", "a", "span"}, tags
        # Search shows every title, theme and snippet as text: the results hold no
        # element but the ones search.js makes.
        page.goto(url)
        for i in range(len(HOSTILE)):
            titles = search(page, f"hostile{i:02d}", typed=False)
            assert " ".join(titles[0].split()) == hostile_title(i)
            snippet = page.locator("li.md-search-result__item").first.locator("p").last
            assert snippet.inner_text().startswith(f"Abstract {i}: ")
            tags = page.eval_on_selector_all(
                ".md-search-result__list *", "els => [...new Set(els.map(e => e.localName))]"
            )
            assert set(tags) <= {"li", "a", "article", "h1", "p", "mark"}, tags
            page.fill(".md-search__input", "")
    finally:
        context.close()
        server.shutdown()
    assert dialogs == []
    assert all(r.startswith(url) for r in requests), [r for r in requests if not r.startswith(url)]


PATHOLOGICAL = [
    "[" * 5000,
    "[a](" * 3000,
    "* " * 1000 + "a",
    "> " * 1000 + "a",
    "_" * 5000,
    "`" * 5000,
    "<" * 5000,
    "&" * 5000,
    "{" * 2500 + "}" * 2500,
    "*a" * 2500,
]
"""Python-Markdown 3.11 takes 10 s on the first, 6 s on the second, and overflows the
stack on the third; in any field but notes, none of them reaches Markdown as syntax."""


def test_pathological_markdown_does_not_stall_a_build(tmp_path: Path) -> None:
    from generator.content.model import Paper
    from generator.content.writing import dump_paper

    def build(root: Path) -> None:
        # A stall (catastrophic backtracking: minutes per page) runs past the timeout.
        # No ratio of times: the machines are shared, and one measured 1.7x on a busy day.
        result = run_cli(root, "build", "--strict", timeout=240)
        assert result.returncode == 0, result.stderr

    nasty = make_project(tmp_path / "nasty")
    for i, text in enumerate(PATHOLOGICAL):
        paper = Paper(
            id=f"pathological-{i}",
            # Titles and aliases are at most TITLE_LIMIT characters; the rest is whole.
            title=f"{text[:900]} pathological {i}",
            abstract=f"{text}\n\n{text}",
            tags=[text],
            aliases=[f"{text[:900]} alias {i}"],
        )
        (nasty / "content" / "papers" / f"pathological-{i}.yml").write_text(
            dump_paper(paper), encoding="utf-8"
        )
    build(nasty)
    html = (nasty / "site" / "paper" / "pathological-0" / "index.html").read_text("utf-8")
    assert "[" * 5000 in html
