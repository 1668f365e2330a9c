"""`readinglist merge KEEP OTHER`: a duplicate folded into another, its old page a
redirect, and what a person wrote kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.content.store import Layout, load_papers

from .conftest import make_small_project, run_cli
from .test_ingest import kept_lines

KEEP = "nanoflow-towards-optimal-large-language-model-serving-throughput"
OTHER = "nanoflow-the-copy"


@pytest.fixture
def twins(tmp_path: Path) -> Path:
    """The small project and a second record of NanoFlow, under another title."""
    root = make_small_project(tmp_path / "project")
    papers = root / "content" / "papers"
    keep = papers / f"{KEEP}.yml"
    keep.write_text(
        "# Curated by hand: keep this comment.\n"
        + keep.read_text(encoding="utf-8")
        + "year: '2024'  # from the paper's first page\n",
        encoding="utf-8",
    )
    (root / "content" / "sources" / "900_copy.txt").write_text(
        "Mar 20\n\nNanoFlow: The Copy\n\nA second listing. Of the same paper.\n"
    )
    (papers / f"{OTHER}.yml").write_text(
        f"id: {OTHER}\ntitle: 'NanoFlow: The Copy'\nyear: '2025'\nvenue: OSDI\n"
        "tags: [serving]\nlistings:\n- source: 900_copy\n  date: Mar 20\n  position: 1\n",
        encoding="utf-8",
    )
    themes = root / "content" / "themes.yml"
    themes.write_text(
        themes.read_text(encoding="utf-8").replace(
            "  icon: material/rocket-launch",
            f"  start_here: [{OTHER}]\n  icon: material/rocket-launch",
            1,
        ),
        encoding="utf-8",
    )
    assert run_cli(root, "check").returncode == 0
    return root


def test_merge_folds_the_other_record_in_and_keeps_what_was_written(twins: Path) -> None:
    keep = twins / "content" / "papers" / f"{KEEP}.yml"
    before = keep.read_text(encoding="utf-8")
    result = run_cli(twins, "merge", KEEP, OTHER)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        f"merged content/papers/{OTHER}.yml into content/papers/{KEEP}.yml: 1 listing(s), "
        f"1 alias(es); filled venue, tags; its page now redirects to {KEEP}'s\n"
    )
    assert (
        f"content/papers/{KEEP}.yml: warning: field 'year': kept '2024'; {OTHER} had '2025'"
        in result.stderr
    )
    after = keep.read_text(encoding="utf-8")
    assert kept_lines(before, after)
    assert not (twins / "content" / "papers" / f"{OTHER}.yml").exists()
    papers, _ = load_papers(Layout(twins))
    paper = papers[KEEP]
    assert [x.source for x in paper.listings][-1] == "900_copy"
    assert paper.aliases == ["NanoFlow: The Copy"]
    assert (paper.year, paper.venue, paper.tags, paper.former_ids) == (
        "2024",
        "OSDI",
        ["serving"],
        [OTHER],
    )
    assert f"start_here: [{KEEP}]" in (twins / "content" / "themes.yml").read_text()
    checked = run_cli(twins, "check")
    assert checked.returncode == 0, checked.stdout


def test_what_a_curator_added_to_both_records_is_combined(twins: Path) -> None:
    """Tags, themes, links and notes are what a person adds to a record. When both had
    them, KEEP's were kept, OTHER's went with its file, and a warning said so: notes a
    curator wrote were lost. Now both are kept, KEEP's first; a link name that both give
    a different address keeps KEEP's, with a warning."""
    papers = twins / "content" / "papers"
    keep, other = papers / f"{KEEP}.yml", papers / f"{OTHER}.yml"
    keep.write_text(
        keep.read_text(encoding="utf-8")
        + "tags: [serving, mine]\nthemes: [llm-serving]\nnotes: Read section 3 first.\n"
        + "links:\n  code: https://github.com/keep/nanoflow\n",
        encoding="utf-8",
    )
    other.write_text(
        other.read_text(encoding="utf-8").replace("tags: [serving]\n", "tags: [serving, theirs]\n")
        + "themes: [hardware]\nnotes: |-\n  The artifact is worth running:\n\n  - it builds\n"
        + "links:\n  code: https://github.com/other/nanoflow\n  slides: https://example.org/s\n",
        encoding="utf-8",
    )
    result = run_cli(twins, "merge", KEEP, OTHER)
    assert result.returncode == 0, result.stderr
    assert "; filled venue; combined links, themes, tags, notes;" in result.stdout
    assert (
        f"content/papers/{KEEP}.yml: warning: field 'links': kept code "
        f"'https://github.com/keep/nanoflow'; {OTHER} had 'https://github.com/other/nanoflow'"
    ) in result.stderr
    assert "field 'notes'" not in result.stderr and "field 'tags'" not in result.stderr
    paper = load_papers(Layout(twins))[0][KEEP]
    assert paper.tags == ["serving", "mine", "theirs"]
    assert paper.themes == ["llm-serving", "hardware"]
    assert paper.links == {
        "code": "https://github.com/keep/nanoflow",
        "slides": "https://example.org/s",
    }
    assert paper.notes == "Read section 3 first.\n\nThe artifact is worth running:\n\n- it builds"
    assert run_cli(twins, "check").returncode == 0


def test_merge_keeps_a_windows_themes_files_line_ends_and_byte_order_mark(twins: Path) -> None:
    """`themes.yml` saved by Windows' Notepad: renaming a `start_here` entry wrote every
    line of it back with LF alone."""
    themes = twins / "content" / "themes.yml"
    before = themes.read_bytes()
    themes.write_bytes(b"\xef\xbb\xbf" + before.replace(b"\n", b"\r\n"))
    result = run_cli(twins, "merge", KEEP, OTHER)
    assert result.returncode == 0, result.stderr
    renamed = before.replace(f"start_here: [{OTHER}]".encode(), f"start_here: [{KEEP}]".encode())
    assert renamed != before
    assert themes.read_bytes() == b"\xef\xbb\xbf" + renamed.replace(b"\n", b"\r\n")


def test_the_old_page_redirects_on_the_site_and_from_disk(twins: Path, browser) -> None:
    from .conftest import serve_folder

    assert run_cli(twins, "merge", KEEP, OTHER).returncode == 0
    assert run_cli(twins, "build", "--strict").returncode == 0
    assert run_cli(twins, "bundle").returncode == 0
    server, url = serve_folder(twins / "site")
    page = browser.new_page()
    try:
        page.goto(f"{url}paper/{OTHER}/")
        page.wait_for_url(f"{url}paper/{KEEP}/")
        assert page.locator("h1").inner_text().startswith("NanoFlow: Towards Optimal")
    finally:
        server.shutdown()
    import zipfile

    offline = twins / "offline"
    with zipfile.ZipFile(twins / "dist" / "efficient-ml-reading-list-offline.zip") as zf:
        zf.extractall(offline)
    old = offline / "efficient-ml-reading-list-offline" / "paper" / f"{OTHER}.html"
    page.goto(old.as_uri())
    page.wait_for_url(f"**/paper/{KEEP}.html")
    assert page.locator("h1").inner_text().startswith("NanoFlow: Towards Optimal")
    page.close()


def test_a_dry_run_changes_nothing_and_mistakes_are_one_line(twins: Path) -> None:
    content = {p: p.read_bytes() for p in (twins / "content").rglob("*") if p.is_file()}
    result = run_cli(twins, "merge", "--dry-run", KEEP, OTHER)
    assert result.returncode == 0 and result.stdout.startswith("would merge ")
    # It says what would happen as what would happen: "its page now redirects" did not.
    assert result.stdout.endswith(f"; its page would redirect to {KEEP}'s\n")
    assert {p: p.read_bytes() for p in (twins / "content").rglob("*") if p.is_file()} == content
    missing = run_cli(twins, "merge", KEEP, "no-such-paper")
    assert missing.returncode == 1
    assert missing.stderr == "Error: no record content/papers/no-such-paper.yml to merge\n"
    same = run_cli(twins, "merge", KEEP, KEEP)
    assert same.stderr == "Error: a record cannot be merged into itself\n"
    # A mistyped id gets the closest one; a record's path, as a shell completes it, works.
    typo = run_cli(twins, "merge", KEEP, "nanoflow-the-cpy")
    assert typo.stderr == (
        f"Error: no record content/papers/nanoflow-the-cpy.yml to merge; did you mean {OTHER!r}?\n"
    )
    by_path = run_cli(twins, "merge", "--dry-run", f"content/papers/{KEEP}.yml", f"{OTHER}.yml")
    assert by_path.returncode == 0, by_path.stderr
    assert by_path.stdout == result.stdout


def test_a_new_record_never_takes_a_merged_records_old_id(tmp_path: Path) -> None:
    """`new` and `ingest` gave a new paper the id of a record merged away, whose page
    redirects to the record that has it: check then failed on that other record."""
    root = make_small_project(tmp_path / "project")
    keep = root / "content" / "papers" / f"{KEEP}.yml"
    keep.write_text(
        keep.read_text(encoding="utf-8")
        + "former_ids: [sparse-caches-for-serving, dense-caches-for-serving]\n",
        "utf-8",
    )
    assert run_cli(root, "new", "Sparse Caches for Serving").returncode == 0
    listing = tmp_path / "more.txt"
    listing.write_text("Mar 9\n\nDense caches for serving!\n\nAn abstract. Two.\n", "utf-8")
    ingested = run_cli(root, "ingest", str(listing))
    names = sorted(p.name for p in (root / "content" / "papers").glob("*-caches-for-serving*"))
    assert names == ["dense-caches-for-serving-2.yml", "sparse-caches-for-serving-2.yml"]
    assert "the id 'dense-caches-for-serving' is taken" in ingested.stderr
    check = run_cli(root, "check")
    assert check.returncode == 0, check.stdout


def test_diff_calls_a_merged_paper_merged_not_removed(twins: Path) -> None:
    """The pull-request summary put a merged record under "Removed papers", the alarm
    for a paper whose page goes away, though its page redirects."""
    from .test_ship import commit_base

    commit_base(twins)
    assert run_cli(twins, "merge", KEEP, OTHER).returncode == 0
    out = run_cli(twins, "diff", "--format", "markdown", "main").stdout
    assert "**0 added, 0 removed, 1 under another id, 1 edited, 1 listing(s) merged.**" in out
    assert "Removed papers" not in out
    assert (
        "### Papers under another id; their old pages redirect there\n\n"
        f"- `{OTHER}`: NanoFlow&#58; The Copy \u2192 `{KEEP}`\n"
    ) in out


def test_a_record_renamed_back_may_not_keep_its_own_id_as_a_former_one(tmp_path: Path) -> None:
    """A record renamed and then renamed back (`former_ids: [x]` on record `x`) passed
    check, and the build wrote a page that leads to itself over the paper's own."""
    root = make_small_project(tmp_path / "project")
    keep = root / "content" / "papers" / f"{KEEP}.yml"
    keep.write_text(
        keep.read_text(encoding="utf-8") + f"former_ids: [nanoflow-renamed, {KEEP}]\n", "utf-8"
    )
    check = run_cli(root, "check")
    assert check.returncode == 1
    assert f"'{KEEP}' is this record's own id, whose page cannot lead to itself" in check.stdout
    assert "nanoflow-renamed" not in check.stdout


def test_the_comments_a_person_wrote_in_the_other_record_move_to_the_kept_one(
    twins: Path,
) -> None:
    """OTHER's file is deleted, and the comments in it went with it, with no word."""
    from generator.ingest.scaffold import scaffold

    other = twins / "content" / "papers" / f"{OTHER}.yml"
    text = other.read_text(encoding="utf-8")
    lines = scaffold("NanoFlow: The Copy", OTHER).splitlines(keepends=True)
    template = "".join(x for x in lines if x.startswith("#"))  # what `new` comments
    other.write_text(
        template
        + text.replace("venue: OSDI\n", "venue: OSDI  # the camera-ready\n")
        + "# Section 3 is the part to read.\n",
        encoding="utf-8",
    )
    result = run_cli(twins, "merge", KEEP, OTHER)
    assert result.returncode == 0, result.stderr
    assert "2 comment line(s) moved" in result.stdout
    kept = (twins / "content" / "papers" / f"{KEEP}.yml").read_text(encoding="utf-8")
    assert kept.endswith(
        f"# Merged from {OTHER}:\n# the camera-ready\n# Section 3 is the part to read.\n"
    )
    assert "# A paper record" not in kept
    assert run_cli(twins, "check").returncode == 0


def test_two_records_of_one_title_are_merged_as_check_says(twins: Path) -> None:
    """check called two records of one title an error and said to merge them, and merge
    refused while content had an error: that one. It now merges the two; an error in
    any other record still stops it. An alias that is another record's title is named
    at its line, with what to do."""
    papers = twins / "content" / "papers"
    other = papers / f"{OTHER}.yml"
    title = "NanoFlow: Towards Optimal Large Language Model Serving Throughput"
    other.write_text(
        other.read_text(encoding="utf-8").replace("'NanoFlow: The Copy'", f"'{title}'"), "utf-8"
    )
    listing = twins / "content" / "sources" / "900_copy.txt"
    listing.write_text(listing.read_text().replace("NanoFlow: The Copy", title), "utf-8")
    checked = run_cli(twins, "check")
    assert (  # on the record read second: its line 3, under the comment
        f"content/papers/{KEEP}.yml:3: error: field 'title': same title as "
        f"content/papers/{OTHER}.yml; merge the two records (readinglist merge {OTHER} {KEEP}), "
        "or make one an alias of the other"
    ) in checked.stdout.splitlines(), checked.stdout
    (papers / "broken.yml").write_text("id: broken\ntitle: [\n", encoding="utf-8")
    stopped = run_cli(twins, "merge", KEEP, OTHER)
    assert stopped.returncode == 1 and "broken.yml" in stopped.stderr and other.exists()
    (papers / "broken.yml").unlink()
    assert run_cli(twins, "merge", KEEP, OTHER).returncode == 0
    assert not other.exists() and run_cli(twins, "check").returncode == 0
    # An alias that is another record's title.
    second = papers / "second.yml"
    second.write_text(f"id: second\ntitle: Second\naliases:\n- '{title}'\n", encoding="utf-8")
    checked = run_cli(twins, "check")
    assert (
        "content/papers/second.yml:3: error: field 'aliases': same title as "
        f"content/papers/{KEEP}.yml; merge the two records (readinglist merge {KEEP} second), "
        "or remove the alias"
    ) in checked.stdout.splitlines(), checked.stdout
