"""Trust, round two: what content, or an answer from outside, could still make the tool
break, leak or exhaust itself. Each test reproduces one way it did."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from .conftest import make_small_project, run_cli

SECRET = "the-private-notes-of-someone-else"


@pytest.fixture
def small(tmp_path: Path) -> Path:
    return make_small_project(tmp_path / "project")


@pytest.mark.parametrize("command", ["check --format github", "generate", "build", "themes"])
def test_a_content_folder_that_is_a_link_is_refused_before_anything_is_read(
    small: Path, tmp_path: Path, command: str
) -> None:
    """`content -> ../private/content`: check printed the link error, then quoted the
    files out there; generate hashed every one of them first."""
    private = tmp_path / "private" / "content"
    shutil.move(small / "content", private)
    bad = private / "papers" / "leak.yml"
    bad.write_text(f"id: leak\ntitle: x\nnotes: [{SECRET}\n", encoding="utf-8")
    (private / "sources" / "leak.txt").write_text(f"Mar 3\n\n{SECRET}\n\nx\n")
    (small / "content").symlink_to(private)
    result = run_cli(small, *command.split())
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert (
        "content: error: is a symbolic link; the tool does not follow links" in output
        or "::error file=content::is a symbolic link; the tool does not follow links" in output
    ), output
    assert SECRET not in output and "leak" not in output
    assert not (small / "site").exists()
    assert not list((small / "build" / "docs").iterdir())


@pytest.mark.parametrize("command", ["check", "generate", "build", "bundle"])
def test_a_folder_a_thousand_levels_deep_is_a_clear_error(small: Path, command: str) -> None:
    """check passed, then generate, build, bundle and serve died with RecursionError."""
    folder = small / "content"
    os.chdir(folder)
    try:
        for _ in range(1000):
            os.mkdir("d")
            os.chdir("d")
    finally:
        os.chdir(small)
    try:
        result = run_cli(small, command)
    finally:
        remove_deep(folder / "d")  # shutil.rmtree, pytest's too, recurses
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert (
        "content: error: folders nest more than 4 levels deep here ('content/d/d/d/d/d')" in output
    )
    assert "Traceback" not in output and "RecursionError" not in output


def remove_deep(top: Path) -> None:
    """Remove a chain of single folders, deepest first, with a loop."""
    path = top
    while inner := [p for p in path.iterdir() if p.is_dir()]:
        path = inner[0]
    while path != top.parent:
        for entry in path.iterdir():
            entry.unlink()
        path.rmdir()
        path = path.parent


def test_serve_refuses_a_deep_folder_before_watching_it(small: Path) -> None:
    """MkDocs' file watcher recursed into it and died, and the preview went stale."""
    deep = small / "content" / "sources" / "a" / "b" / "c" / "d"
    deep.mkdir(parents=True)
    result = run_cli(small, "serve", "--dev-addr", "127.0.0.1:0", timeout=60)
    assert result.returncode == 1
    assert "folders nest more than 4 levels deep" in result.stderr


def test_a_record_with_thousands_of_tags_is_refused_with_its_line(small: Path) -> None:
    """4,000 tags on one record (31 KB) made generate use 1.2 GB and write 551 MB."""
    record = sorted((small / "content" / "papers").glob("*.yml"))[0]
    lines = record.read_text(encoding="utf-8").count("\n")
    tags = ", ".join(f"t{i}" for i in range(4000))
    record.write_text(record.read_text(encoding="utf-8") + f"tags: [{tags}]\n")
    for command in ("check", "build"):
        result = run_cli(small, command)
        assert result.returncode == 1
        assert (
            f"content/papers/{record.name}:{lines + 1}: error: field 'tags': 4,000 items; "
            "the limit is 100"
        ) in result.stdout + result.stderr


def test_what_a_card_lists_stays_in_proportion(small: Path) -> None:
    """Every tag page shows the card of each of its papers: a card that listed all of a
    paper's tags made the pages grow with the square of the tags."""
    papers = sorted((small / "content" / "papers").glob("*.yml"))
    tags = [f"topic-{i}" for i in range(100)]
    for path in papers:
        path.write_text(path.read_text(encoding="utf-8") + f"tags: [{', '.join(tags)}]\n")
    assert run_cli(small, "generate").returncode == 0
    docs = small / "build" / "docs"
    page = (docs / "tag" / "topic-7.md").read_text(encoding="utf-8")
    assert page.count("+95 more") == len(papers)
    assert page.count('href="../../tag/') == 5 * len(papers)
    total = sum(p.stat().st_size for p in (docs / "tag").glob("*.md"))
    # Linear in the tags given: 100 pages of 24 cards, each card a few hundred bytes.
    assert total < 100 * len(papers) * 2_000, total
    # The paper's own page lists them all.
    paper = (docs / "paper" / f"{papers[0].stem}.md").read_text(encoding="utf-8")
    assert paper.count('href="../../tag/') == 100


def test_checking_tag_spellings_takes_one_pass() -> None:
    """check compared every spelling group with every paper: 16,000 tags took 58 s."""
    import time

    from generator.check import tag_warnings
    from generator.content.model import Library, Paper
    from generator.content.store import Layout

    papers = {
        f"p{i}": Paper(
            id=f"p{i}", title=f"P {i}", tags=[f"Tag{j}" if i % 2 else f"tag{j}" for j in range(100)]
        )
        for i in range(160)
    }
    began = time.process_time()
    problems = tag_warnings(Layout(Path("/nonexistent")), Library(papers=papers))
    spent = time.process_time() - began
    assert len(problems) == 80 * 100
    assert spent < 30  # quadratic, this was minutes; it is well under a second


def test_ingest_writes_no_record_the_loader_would_refuse(small: Path, tmp_path: Path) -> None:
    """A listing with a 2.1 MB abstract gave a 2 MB record over the 1 MB limit; check,
    build, ingest and enrich then all failed until someone edited it by hand."""
    listing = tmp_path / "huge.txt"
    abstract = "We study a thing. " * 120_000
    listing.write_text(
        f"Mar 3\n\nA Paper With A Huge Abstract\n\n{abstract}\n\nA Normal Paper\n\nIt is fine. Really.\n"
    )
    result = run_cli(small, "ingest", str(listing))
    assert result.returncode == 0, result.stderr
    assert (
        f"{listing}:3: warning: entry 'A Paper With A Huge Abstract': left out field "
        "'abstract': 2,159,999 characters; the limit is 50,000"
    ) in result.stderr
    assert "2 new paper(s)" in result.stdout
    assert run_cli(small, "check").returncode == 0
    assert run_cli(small, "new", "x" * 2000).stderr.startswith(
        "Error: the title cannot be a record's: 2,000 characters; the limit is 1,000"
    )


def test_serve_and_bundle_never_share_a_folder(small: Path) -> None:
    """serve regenerated build/docs/ without the lock while bundle built from it: bundle
    exited 0 with offline pages whose links were broken. serve fills build/preview/."""
    import inspect

    from generator.engine import build

    assert '"build" / "preview"' in inspect.getsource(build.serve)
    # The hook takes the lock around generating, as build and bundle do.
    from generator.engine import hooks

    assert "project_lock(layout.build" in inspect.getsource(hooks.on_config)


@pytest.mark.parametrize("umask", [0o022, 0o002])
def test_files_keep_the_modes_the_umask_gives(small: Path, tmp_path: Path, umask: int) -> None:
    """Under umask 022, site/ was drwx------ and records were rewritten 0600: a web
    server running as another user got 403."""
    record = sorted((small / "content" / "papers").glob("*.yml"))[0]
    record.chmod(0o640)  # a curator's own choice stays
    listing = tmp_path / "more.txt"
    listing.write_text("Mar 4\n\nAn Entirely New Paper Title\n\nAbstract. Here.\n")
    old = os.umask(umask)
    try:
        assert run_cli(small, "ingest", str(listing)).returncode == 0
        assert run_cli(small, "new", "Another New Paper").returncode == 0
        assert run_cli(small, "build").returncode == 0
    finally:
        os.umask(old)
    expected = 0o666 & ~umask
    papers = small / "content" / "papers"
    assert (papers / "an-entirely-new-paper-title.yml").stat().st_mode & 0o777 == expected
    assert (papers / "another-new-paper.yml").stat().st_mode & 0o777 == expected
    assert (small / "content" / "sources" / "more.txt").stat().st_mode & 0o777 == expected
    assert record.stat().st_mode & 0o777 == 0o640
    assert (small / "site").stat().st_mode & 0o777 == 0o777 & ~umask


def test_a_killed_bundle_leaves_nothing_for_good(small: Path) -> None:
    """A bundle killed during its build left dist/.bundle-*/ (a whole site) forever."""
    dist = small / "dist"
    dead = dist / ".bundle-999999999-abc"  # a process that no longer exists
    (dead / "site").mkdir(parents=True)
    (dead / "site" / "index.html").write_text("old")
    live = dist / f".bundle-{os.getppid()}-xyz"  # a running one's stays
    live.mkdir()
    assert run_cli(small, "bundle").returncode == 0
    assert not dead.exists() and live.exists()
    live.rmdir()


def test_listing_dates_are_dates_and_the_overlap_grid_stays_bounded(small: Path) -> None:
    """300 one-paper listing files made a 25 MB home page (1,000: 286 MB and 3.1 GB),
    their free-text dates each making a row of its own."""
    papers = sorted((small / "content" / "papers").glob("*.yml"))
    record = papers[0]
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("date: Mar 17", "date: yesterday-ish", 1))
    line = next(n for n, row in enumerate(record.read_text().splitlines(), 1) if "yesterday" in row)
    result = run_cli(small, "check")
    assert (
        f"content/papers/{record.name}:{line}: error: field 'listings[0].date': expected a date "
        "such as 'Mar 17' or '2024-03-17', got 'yesterday-ish'"
    ) in result.stdout
    record.write_text(text)
    # 300 listing files of one paper each, every date a different day.
    sources = small / "content" / "sources"
    for i in range(300):
        day = f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}"
        (sources / f"{100 + i:04d}_one.txt").write_text(
            f"Mar 3\n\nSolo Paper Number {i}\n\nIt is one. Alone.\n"
        )
        (small / "content" / "papers" / f"solo-paper-number-{i}.yml").write_text(
            f"id: solo-paper-number-{i}\ntitle: Solo Paper Number {i}\nabstract: It is one.\n"
            f"listings:\n- source: {100 + i:04d}_one\n  date: '{day}'\n  position: 1\n",
            encoding="utf-8",
        )
    assert run_cli(small, "generate").returncode == 0
    home = (small / "build" / "docs" / "index.md").read_text(encoding="utf-8")
    grid = home.split('<svg class="rl-chart rl-overlap"', 1)[1].split("</svg>", 1)[0]
    rows = grid.count('data-col="0"')
    assert rows <= 20 + 13, rows
    assert len(home.encode()) < 600_000


@pytest.mark.parametrize("command", ["check", "build", "ingest", "diff"])
def test_a_position_of_thousands_of_digits_is_an_error_with_its_line(
    small: Path, command: str
) -> None:
    """A ValueError traceback (Python's limit on reading long integers) in check,
    build, ingest and diff; under serve the page stayed stale."""
    import subprocess

    record = sorted((small / "content" / "papers").glob("*.yml"))[0]
    text = record.read_text(encoding="utf-8")
    import re

    record.write_text(re.sub(r"position: \d+", "position: " + "9" * 5000, text, count=1))
    line = next(n for n, row in enumerate(record.read_text().splitlines(), 1) if "99999" in row)
    if command == "diff":
        subprocess.run(["git", "init", "-q"], cwd=small, check=True)
        args = ["diff", "HEAD"]
    else:
        args = (
            [command, "content/sources/003_3e6e6f2d8cb0006f.txt"]
            if command == "ingest"
            else [command]
        )
    result = run_cli(small, *args)
    output = result.stdout + result.stderr
    assert "Traceback" not in output and "ValueError" not in output, output
    if command != "diff":
        assert result.returncode == 1
        assert (
            f"content/papers/{record.name}:{line}: error: field 'listings[0].position': "
            "expected a whole number of at most 9 digits, got '9999"
        ) in output


def test_a_staging_folder_named_with_a_huge_pid_stops_nothing(small: Path) -> None:
    (small / (".site-new-" + "9" * 200 + "-x")).mkdir()  # os.kill overflowed on it
    result = run_cli(small, "build")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("nonchar", ["\ufffe", "\uffff", "\U0001ffff", "\ufdd0"])
def test_a_title_of_a_noncharacter_builds(small: Path, tmp_path: Path, nonchar: str) -> None:
    """U+FFFE or U+FFFF as a title passed check and ingest; the feed then had no title
    and the build failed ("Required fields not set")."""
    listing = tmp_path / "odd.txt"
    listing.write_text(f"Mar 3\n\n{nonchar}\n\nAn abstract. It is here.\n", encoding="utf-8")
    result = run_cli(small, "ingest", str(listing))
    assert result.returncode == 0, result.stderr
    assert "control characters replaced with \ufffd" in result.stderr
    papers = small / "content" / "papers"
    odd = papers / "paper.yml"
    assert odd.exists()
    # By hand, too (YAML writes it escaped): a warning, and a title the build can show.
    escaped = f"\\U{ord(nonchar):08X}"
    odd.write_text(f'id: paper\ntitle: "{escaped}"\n', encoding="utf-8")
    checked = run_cli(small, "check")
    assert "control characters replaced with \ufffd" in checked.stdout
    build = run_cli(small, "build")
    assert build.returncode == 0, build.stderr
    feed = (small / "site" / "feed.xml").read_text(encoding="utf-8")
    assert "<title>\ufffd</title>" in feed


def test_a_theme_title_outside_the_basic_plane_shows_as_itself(small: Path) -> None:
    """An emoji in a theme's title showed as two replacement characters in the page
    title, the tabs and the sidebar: the navigation was written as JSON surrogate
    pairs, which YAML reads as two broken characters."""
    themes = small / "content" / "themes.yml"
    text = themes.read_text(encoding="utf-8")
    themes.write_text(
        text.replace("title: Mixture of experts", "title: Mixture of experts \U0001f680", 1)
    )
    assert run_cli(small, "build").returncode == 0
    page = (small / "site" / "theme" / "mixture-of-experts" / "index.html").read_text("utf-8")
    assert "<title>Mixture of experts \U0001f680 - " in page
    nav = page.split("md-nav--primary", 1)[1]
    assert "Mixture of experts \U0001f680" in nav
    assert "\ufffd" not in page and "&#55357;" not in page


HOSTILE_TEXT = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=40),
    st.sampled_from(
        [
            "\ufffe",
            "\uffff",
            "\U0010ffff",
            "\ufdd0",
            "\x00",
            "\x1b[31m",
            "\u2028",
            "<b>",
            "{{",
            "NO",
            "0704.0010",
        ]
    ),
)
POSITIONS = st.one_of(
    st.integers(min_value=0, max_value=10**12).map(str),
    st.integers(min_value=4290, max_value=4400).map(lambda n: "9" * n),
    st.text(max_size=5),
)
RECORDS = st.fixed_dictionaries(
    {"id": st.just("fuzz"), "title": HOSTILE_TEXT},
    optional={
        "abstract": HOSTILE_TEXT,
        "authors": st.lists(HOSTILE_TEXT, max_size=5),
        "tags": st.lists(HOSTILE_TEXT, max_size=150),
        "year": st.sampled_from(["2024", "99", "१९९९", ""]),
        "listings": st.lists(
            st.fixed_dictionaries(
                {
                    "source": HOSTILE_TEXT,
                    "date": st.one_of(HOSTILE_TEXT, st.just("Mar 3")),
                    "position": POSITIONS,
                }
            ),
            max_size=3,
        ),
    },
)


@settings(max_examples=200, deadline=None)
@given(record=RECORDS)
def test_the_loader_never_raises_and_writers_write_what_it_accepts(record: dict) -> None:
    """Fuzz the record loader with huge positions, noncharacters, long lists and odd
    dates: problems with lines, never an exception; and what loads, a writer writes
    back as a record that loads to the same."""
    from generator.content.edit import edited_record
    from generator.content.store import _paper
    from generator.content.writing import record_problems
    from generator.content.yamlio import dumps

    text = dumps(record)
    paper, problems = _paper(text.encode("utf-8"), "fuzz", "content/papers/fuzz.yml")
    assert all(p.path == "content/papers/fuzz.yml" for p in problems)
    if paper is None:
        assert any(p.is_error for p in problems)
        return
    written, _ = edited_record(text, paper)
    assert record_problems(written, "fuzz", "content/papers/fuzz.yml") == []
    again, _ = _paper(written.encode("utf-8"), "fuzz", "x")
    assert again == paper


def test_a_title_that_leaves_an_override_open_cannot_turn_the_page_around(
    small: Path, browser
) -> None:
    """A title that opened a right-to-left override (U+202E) and never closed it turned
    the rest of its block around: the score after it in a related list read "11.0" for
    0.11, and the window's title read the site's name backwards. The loader now closes
    what a text leaves open, with a warning at its line; and a link's text is isolated
    from what follows it, as a title written right to left needs too."""
    record = sorted((small / "content" / "papers").glob("*.yml"))[0]
    paper = yaml.safe_load(record.read_text(encoding="utf-8"))
    assert "aliases" not in paper
    lines = record.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(n for n, line in enumerate(lines) if line.startswith("title:"))
    end = next(n for n in range(at + 1, len(lines) + 1) if n == len(lines) or lines[n][0] != " ")
    # The title it had stays as an alias, so that its listing still finds it.
    lines[at:end] = [
        'title: "\\u202eA reversed title"\n',
        f"aliases: [{json.dumps(paper['title'])}]\n",
    ]
    record.write_text("".join(lines), encoding="utf-8")
    checked = run_cli(small, "check")
    assert checked.returncode == 0, checked.stdout
    shown = f"content/papers/{record.name}:{at + 1}"
    assert f"{shown}: warning: field 'title': direction marks left open; closed at its end" in (
        checked.stdout
    )
    assert run_cli(small, "build").returncode == 0
    site = small / "site"
    own = (site / "paper" / record.stem / "index.html").read_text(encoding="utf-8")
    assert "<title>\u202eA reversed title\u202c - " in own
    link = '&#x202e;A reversed title&#x202c;</a> <span class="rl-score"'
    page = next(p for p in sorted(site.glob("paper/*/index.html")) if link in p.read_text("utf-8"))
    tab = browser.new_page()
    try:
        tab.goto(page.as_uri())
        item = tab.locator("li", has_text="A reversed title").first
        title = item.locator("a").first.bounding_box()
        score = item.locator(".rl-score").bounding_box()
        assert title and score
        assert score["x"] >= title["x"] + title["width"] - 1  # the score still follows
    finally:
        tab.close()
