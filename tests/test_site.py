"""The built seed site, read as a reader would: pages, links, text and papers.json."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from generator.content.store import Layout, load_papers

from .conftest import CORPUS, make_project, run_cli
from .htmltools import Page, read, resolve
from .searching import index_documents, table_rows


@pytest.fixture(scope="session")
def exported(seed_site: Path) -> list[dict]:
    return json.loads((seed_site / "papers.json").read_text(encoding="utf-8"))


def test_papers_json_matches_the_records(exported: list[dict]) -> None:
    papers, _ = load_papers(Layout(CORPUS))
    assert [e["id"] for e in exported] == sorted(papers)
    for entry in exported:
        paper = papers[entry["id"]]
        assert (entry["title"], entry["abstract"], entry["links"]) == (
            paper.title,
            paper.abstract,
            paper.links,
        )
        assert entry["listings"] == [
            {"source": x.source, "date": x.date, "position": x.position} for x in paper.listings
        ]
        assert entry["url"] == f"paper/{paper.id}/"
        assert len(entry["related"]) <= 5 and entry["id"] not in entry["related"]
    assert sum(len(e["listings"]) for e in exported) == 427


def test_every_paper_has_one_page_with_its_title(seed_site: Path, exported: list[dict]) -> None:
    for entry in exported:
        page = read(seed_site / entry["url"] / "index.html")
        assert page.h1.strip() == entry["title"]
        assert page.title == f"{entry['title']} - Efficient ML reading list"
    assert len(list((seed_site / "paper").glob("*/index.html"))) == len(exported)


def test_theme_pages_list_each_member_once(seed_site: Path, exported: list[dict]) -> None:
    themes = sorted({t for e in exported for t in e["themes"]})
    assert len(themes) >= 12
    for theme in themes:
        page = read(seed_site / "theme" / theme / "index.html")
        linked = [h.split("/")[-2] for h in page.links if h.startswith("../../paper/")]
        members = sorted(e["id"] for e in exported if theme in e["themes"])
        assert sorted(linked) == members, theme


def test_theme_coverage_and_balance(exported: list[dict]) -> None:
    total = len(exported)
    assert sum(bool(e["themes"]) for e in exported) >= 0.95 * total
    counts: dict[str, int] = {}
    for e in exported:
        for t in e["themes"]:
            counts[t] = counts.get(t, 0) + 1
    assert max(counts.values()) <= 0.40 * total
    assert 12 <= len(counts) <= 20


def test_every_internal_link_resolves(seed_site: Path) -> None:
    broken = []
    # 404.html uses absolute links on purpose: it is served at any depth.
    for path in sorted(set(seed_site.rglob("*.html")) - {seed_site / "404.html"}):
        page = read(path)
        for href in page.links + page.chart_links:
            target = resolve(seed_site, path, href)
            if target is not None and not target.exists():
                broken.append((str(path.relative_to(seed_site)), href))
    assert broken == []


def test_site_requests_nothing_from_other_hosts(seed_site: Path) -> None:
    for path in [seed_site / "index.html", *seed_site.glob("paper/*/index.html")][:50]:
        external = [r for r in read(path).resources if r.startswith(("http:", "https:", "//"))]
        assert external == [], path


def test_projektor_is_text(seed_site: Path) -> None:
    pid = "performance-scaling-via-optimal-transport-enabling-data-selection-from-partially"
    html = (seed_site / "paper" / pid / "index.html").read_text(encoding="utf-8")
    assert "<projektor>" not in html
    assert "a framework called <projektor>, which predicts" in Page(html).text


def test_paper_page_shows_history_links_related_and_edit(
    seed_site: Path, exported: list[dict]
) -> None:
    nanoflow = next(e for e in exported if e["id"].startswith("nanoflow"))
    page = read(seed_site / nanoflow["url"] / "index.html")
    # Readers see where and when, not file hashes and entry numbers.
    assert "Listed 4 times: Hugging Face Daily Papers , Mar 17, Mar 11 and Aug 7." in page.text
    assert "https://huggingface.co/papers" in page.links
    assert "https://arxiv.org/search/?query=NanoFlow%3A+Towards" in " ".join(page.links)
    # From paper/<id>/, other papers are ../../paper/<id>/ and themes ../../theme/<id>/.
    paper_links = [
        h.split("/")[-2] for h in page.links if re.fullmatch(r"\.\./\.\./paper/[^/]+/", h)
    ]
    assert paper_links == nanoflow["related"] and len(paper_links) == 5
    # Built with no REPO_URL and no GitHub remote: no repository, so no edit links.
    assert not [h for h in page.links if "/edit/" in h]
    assert "Edit this entry" not in page.text


def test_mentions_link_both_ways(seed_site: Path, exported: list[dict]) -> None:
    by_id = {e["id"]: e for e in exported}
    fsmoe = next(e for e in exported if e["id"].startswith("fsmoe"))
    tutel = next(e for e in exported if e["id"].startswith("tutel"))
    assert fsmoe["mentions"] == [tutel["id"]] and fsmoe["id"] in tutel["mentioned_by"]
    page = read(seed_site / tutel["url"] / "index.html")
    assert "Mentioned by: FSMoE" in page.text
    assert all(m in by_id for e in exported for m in e["mentions"])


def test_paper_pages_stay_out_of_navigation(seed_site: Path) -> None:
    home = (seed_site / "index.html").read_text(encoding="utf-8")
    start = home.index("md-nav--primary")
    nav = home[start : home.index("md-sidebar--secondary", start)]
    assert "Themes" in nav and "All papers" in nav
    assert 'href="paper/' not in nav


def test_rebuild_is_deterministic(seed_site: Path, tmp_path: Path) -> None:
    root = make_project(tmp_path / "again")
    assert run_cli(root, "build").returncode == 0
    again = root / "site"
    assert (again / "papers.json").read_bytes() == (seed_site / "papers.json").read_bytes()
    for path in sorted(seed_site.glob("paper/*/index.html"))[:60]:
        assert (again / path.relative_to(seed_site)).read_bytes() == path.read_bytes()


TRICKY = "</title><script>alert(1)</script> *bold* _u_ | [x](y) <b>b</b> & {{ jinja }}"


def test_markup_in_content_renders_as_written(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    (root / "content" / "papers" / "tricky.yml").write_text(
        "id: tricky\n"
        f"title: {json.dumps(TRICKY)}\n"
        "abstract: 'Mixture of experts with <img src=x onerror=alert(1)> and [link](javascript:alert(1)).'\n"
        # Code in a note: it read `&#34;` where a quote was, and a fence was not one.
        'notes: |-\n  Run `a < b && "c"` first:\n\n  ```python\n  print("hi")\n\n'
        "  x = 1  # <tag> &amp;\n  ```\n\n"
        # A heading ran into the next line as bare text, and a table was a line of pipes.
        "  ## Why\n\n  | a | b |\n  | - | - |\n  | <x> | 2 |\n\n"
        # A quote was '&gt; text', and a link with a title lost its address.
        '  > Quoted, with [a titled link](https://example.org/p "The title").\n\n'
        "  Also <https://example.org/q?a=1&b=2>.\n",
        encoding="utf-8",
    )
    result = run_cli(root, "build", "--strict")
    assert result.returncode == 0, result.stderr
    site = root / "site"
    html = (site / "paper" / "tricky" / "index.html").read_text(encoding="utf-8")
    page = Page(html)
    assert page.title == f"{TRICKY} - Efficient ML reading list"
    assert page.h1.strip() == TRICKY
    assert "with <img src=x onerror=alert(1)> and [link](javascript:alert(1))." in page.text
    assert (
        "<script>alert" not in html and "<img src=x" not in html and 'href="javascript:' not in html
    )
    other = (site / "theme" / "mixture-of-experts" / "index.html").read_text(encoding="utf-8")
    assert TRICKY in Page(other).text and "<script>alert" not in other
    assert '<p>Run <code>a &lt; b &amp;&amp; "c"</code> first:</p>' in html
    assert '<pre><code>print("hi")\n\nx = 1  # &lt;tag&gt; &amp;amp;\n</code></pre>' in html
    # Under the page's "Notes" (h2), the note's own highest heading is an h3.
    assert "<h3>Why</h3>" in html and "<th>a</th>" in html and "<td>&lt;x&gt;</td>" in html
    assert (
        '<blockquote>\n<p>Quoted, with <a href="https://example.org/p" title="The title" '
        'rel="nofollow noopener noreferrer">a titled link</a>.</p>\n</blockquote>'
    ) in html
    assert (
        '<p>Also <a href="https://example.org/q?a=1&amp;b=2" rel="nofollow noopener noreferrer">'
        "https://example.org/q?a=1&amp;b=2</a>.</p>"
    ) in html
    tricky = next(e for e in json.loads((site / "papers.json").read_text()) if e["id"] == "tricky")
    assert tricky["notes"].startswith('Run `a < b && "c"` first:\n\n```python\n')  # as written
    # The All papers table's rows hold it as data, in files with no markup at all.
    assert [r[0] for r in table_rows(site)[1] if r[1] == "paper/tricky/"] == [TRICKY]
    assert all(b"<" not in f.read_bytes() for f in (site / "all-papers").glob("*.js"))
    # The search index holds the title as text, in files with no markup at all.
    assert [d[0] for d in index_documents(site) if d[1] == "paper/tricky/"] == [TRICKY]
    assert all(b"<" not in f.read_bytes() for f in (site / "search-index").rglob("*.js"))


def test_search_index_holds_each_paper_once_with_its_themes(
    seed_site: Path, exported: list[dict]
) -> None:
    docs = index_documents(seed_site)
    by_url = {url: (title, themes, text) for title, url, themes, text, _ids in docs}
    assert len(by_url) == len(docs)
    for entry in exported:
        assert by_url[entry["url"]][0] == entry["title"]
        assert by_url[entry["url"]][2] == entry["abstract"]
    # The theme pages are there to be found by their titles.
    assert by_url["theme/model-merging/"][0] == "Model merging"
    nanoflow = by_url["paper/nanoflow-towards-optimal-large-language-model-serving-throughput/"]
    assert "LLM inference and serving" in nanoflow[1].split(" · ")


def test_two_builds_are_byte_identical(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setenv("SITE_URL", "https://reader.github.io/list/")  # a sitemap needs it
    trees = []
    for name in ("a", "b"):
        root = make_project(tmp_path / name)
        result = run_cli(root, "build")
        assert result.returncode == 0, result.stderr
        site = root / "site"
        trees.append({p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()})
    assert trees[0].keys() == trees[1].keys()
    different = [str(p) for p in trees[0] if trees[0][p] != trees[1][p]]
    assert different == []
    # The sitemap and the feed carry the pinned date, not the time of the build.
    sitemap = trees[0][Path("sitemap.xml")].decode()
    assert "<lastmod>2023-11-14</lastmod>" in sitemap
    assert "<updated>2023-11-14T22:13:20+00:00</updated>" in trees[0][Path("feed.xml")].decode()


def test_shared_chrome_marks_only_the_page_itself_active(
    seed_site: Path, exported: list[dict]
) -> None:
    active = re.compile(r'md-tabs__item--active">\s*<a href="([^"]*)" class="md-tabs__link">')

    def text(path: str) -> str:
        return (seed_site / path / "index.html").read_text(encoding="utf-8")

    # Pages in the navigation render their own chrome: their own tab is the active one.
    assert [active.findall(text(p)) for p in ("", "papers", "contribute")] == [
        ["."],
        ["./"],
        ["./"],
    ]
    # Paper pages share one rendering of it: no tab or entry of theirs is active, and
    # the tabs climb out of paper/<id>/.
    for entry in exported[:20]:
        html = text(entry["url"])
        assert active.findall(html) == [] and "md-nav__link--active" not in html
        assert '<a href="../../papers/" class="md-tabs__link">' in html


def test_paper_sections_are_in_the_table_of_contents(seed_site: Path, exported: list[dict]) -> None:
    # The section headings are generated HTML that Markdown never sees; the hook adds
    # them to the page's table of contents.
    for entry in exported[:20]:
        html = (seed_site / entry["url"] / "index.html").read_text(encoding="utf-8")
        start = html.index("md-nav--secondary")
        toc = re.findall(r'href="(#[^"]+)"', html[start : html.index("</nav>", start)])
        expected = ["#cite", "#listing-history"] + (["#related-papers"] if entry["related"] else [])
        assert toc[: len(expected)] == expected, entry["id"]
        assert all(f'id="{anchor[1:]}"' in html for anchor in toc)


def test_the_home_page_is_the_lists_own(tmp_path: Path) -> None:
    """Someone starting a list of their own got the built-in list's heading and intro
    ("Efficient machine learning: ..."), written into the template, "1 papers from 1
    listings, grouped into 0 themes", an empty map of themes, and before any paper an
    empty "Recently listed" and a 0 by 0 grid. The heading and the intro are now
    `mkdocs.yml`'s site_name and site_description; counts agree with their number, and
    a section with nothing to show is left out."""
    root = make_project(tmp_path / "p", with_papers=False)
    for path in [*(root / "content" / "sources").iterdir(), root / "content" / "themes.yml"]:
        path.unlink()
    (root / "content" / "sources.yml").unlink()
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    start = text.index("site_name:")
    end = text.index("# Where the site is published")
    config.write_text(
        text[:start]
        + "site_name: Robot learning notes\nsite_description: Papers on *robots* & <b>.\n"
        + text[end:],
        encoding="utf-8",
    )

    def home() -> tuple[Page, str]:
        result = run_cli(root, "build", "--strict")
        assert result.returncode == 0, result.stderr
        html = (root / "site" / "index.html").read_text(encoding="utf-8")
        return Page(html), html

    page, html = home()  # nothing in it yet
    assert page.h1 == "Robot learning notes" and "<title>Robot learning notes</title>" in html
    words = " ".join(page.text.split())
    assert "Papers on *robots* & <b>. 0 papers from 0 listings ." in words
    assert "Efficient" not in words
    for section in ("themes", "recently-listed", "where-the-papers-come-from"):
        assert f'id="{section}"' not in html
    themes = (root / "site" / "themes" / "index.html").read_text(encoding="utf-8")
    assert "This list has no themes yet" in Page(themes).text and "<table" not in themes
    for n in (1, 2):  # one paper, listed twice
        listing = root / "content" / "sources" / f"{n}.txt"
        listing.write_text(f"Mar 1{n}\n\nA Paper On Robots\n\nRobots learn.\n", "utf-8")
        assert run_cli(root, "ingest", f"content/sources/{n}.txt").returncode == 0
    page, html = home()
    words = " ".join(page.text.split())
    assert "Papers on *robots* & <b>. 1 paper from 2 listings ." in words
    assert 'id="recently-listed"' in html and 'id="where-the-papers-come-from"' in html
    assert 'id="themes"' not in html
    assert "1 · Mar 11: 1 entry" in words and "1 · Mar 11 and 2 · Mar 12: 1 shared paper" in words


def test_a_note_links_another_paper_by_its_id_on_the_web_and_from_disk(tmp_path: Path) -> None:
    """A relative link in a note went through as written: `../other/` worked on the web
    and not from disk, `other` nowhere. A link to a paper's id (or an id it had before a
    merge) now leads to its page in both; any other relative link is its text, and
    `check` says why, with the id it was probably meant to be."""
    import zipfile

    from .conftest import make_small_project

    root = make_small_project(tmp_path / "project")
    papers = sorted((root / "content" / "papers").glob("*.yml"))
    first, second, third = (p.stem for p in papers[:3])
    (root / "content" / "papers" / f"{third}.yml").write_text(
        (root / "content" / "papers" / f"{third}.yml").read_text(encoding="utf-8")
        + "former_ids: [an-old-name]\n",
        encoding="utf-8",
    )
    record = root / "content" / "papers" / f"{first}.yml"
    record.write_text(
        record.read_text(encoding="utf-8")
        + f"notes: |-\n  See [the second]({second}), [the third](an-old-name),\n"
        f"  [not this](../{second}/), [nor this]({second[:-2]}) and [that](/elsewhere).\n"
        "  Nor [by reference][r].\n\n  [r]: /by-reference\n",
        encoding="utf-8",
    )
    line = len(record.read_text(encoding="utf-8").splitlines()) - 5
    checked = run_cli(root, "check").stdout
    prefix = f"content/papers/{first}.yml:{line}: warning: field 'notes': the link to "
    assert (
        prefix + "'/elsewhere' leads nowhere, so it shows as text: link a paper by its id, "
        "or an http(s) address"
    ) in checked
    assert (
        (  # a link by reference: check asks the page's own renderer what it met
            prefix + "'/by-reference' leads nowhere, so it shows as text: link a paper by its id, "
            "or an http(s) address"
        )
        in checked
    )
    for near in (f"../{second}/", second[:-2]):
        assert (
            prefix + f"'{near}' leads nowhere, so it shows as text; did you mean the paper "
            f"'{second}'?"
        ) in checked
    assert run_cli(root, "build", "--strict").returncode == 0
    assert run_cli(root, "bundle").returncode == 0
    page = root / "site" / "paper" / first / "index.html"
    with zipfile.ZipFile(root / "dist" / "efficient-ml-reading-list-offline.zip") as zf:
        zf.extractall(tmp_path / "offline")
    offline = tmp_path / "offline" / "efficient-ml-reading-list-offline"
    for site, here, suffix in [
        (root / "site", page, "/index.html"),
        (offline, offline / "paper" / f"{first}.html", ".html"),
    ]:
        html = here.read_text(encoding="utf-8")
        notes = html[html.index('<div class="rl-notes">') :].split("</div>")[0]
        links = re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', notes)
        assert [(str(resolve(site, here, h)), text) for h, text in links] == [
            (str((site / "paper" / f"{second}{suffix}").resolve()), "the second"),
            (str((site / "paper" / f"{third}{suffix}").resolve()), "the third"),
        ]
        assert all((site / "paper" / f"{p}{suffix}").is_file() for p in (second, third))
        assert "not this, nor this and that. Nor by reference." in Page(html).text
