"""Ingest: new papers become records, repeats merge, nothing curated is lost."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from generator.content.store import Layout, load_papers
from generator.errors import ContentError, SourceError
from generator.ingest.records import ingest

from .conftest import CORPUS, SEEDS

NANOFLOW = "nanoflow-towards-optimal-large-language-model-serving-throughput"


def snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def empty(tmp_path: Path) -> Layout:
    (tmp_path / "content" / "papers").mkdir(parents=True)
    shutil.copytree(SEEDS, tmp_path / "content" / "sources")
    return Layout(tmp_path)


def test_seeds_make_354_records_with_nanoflow_listed_four_times(empty: Layout) -> None:
    report = ingest(empty, empty.source_files())
    assert (report.files, report.listings, report.new_papers, report.merged) == (5, 427, 354, 73)
    papers, problems = load_papers(empty)
    assert problems == [] and len(papers) == 354
    assert sum(len(p.listings) for p in papers.values()) == 427
    assert sum(len(p.listings) > 1 for p in papers.values()) == 57
    nanoflow = papers[NANOFLOW]
    assert [x.source[:3] for x in nanoflow.listings] == ["000", "001", "003", "004"]


def test_output_matches_committed_records(empty: Layout) -> None:
    ingest(empty, empty.source_files())
    assert snapshot(empty.papers) == snapshot(CORPUS / "content" / "papers")


def test_ingest_is_idempotent(empty: Layout) -> None:
    ingest(empty, empty.source_files())
    before = snapshot(empty.content)
    report = ingest(empty, empty.source_files())
    assert (report.new_papers, report.merged, report.unchanged) == (0, 0, 427)
    assert report.written == []
    assert snapshot(empty.content) == before


def test_merge_keeps_curated_fields_and_records_alias(empty: Layout, tmp_path: Path) -> None:
    ingest(empty, [empty.sources / "000_6b32cc8f1414c3bd.txt"])
    record = empty.paper_path(NANOFLOW)
    curated = (
        record.read_text(encoding="utf-8")
        + "themes: [llm-serving]\nnotes: Read this first.\narxiv: '2408.12757'\n"
    )
    record.write_text(curated, encoding="utf-8")
    extra = tmp_path / "extra.txt"
    extra.write_text(
        "Mar 30\n\nNanoflow - Towards Optimal Large Language Model Serving Throughput.\n\n"
        "A different copy of the abstract. It should not replace the curated one.\n",
        encoding="utf-8",
    )
    report = ingest(empty, [extra])
    assert (report.new_papers, report.merged) == (0, 1)
    paper = load_papers(empty)[0][NANOFLOW]
    assert paper.themes == ["llm-serving"] and paper.notes == "Read this first."
    assert paper.arxiv == "2408.12757"
    assert paper.abstract.startswith("The increasing usage")
    assert paper.aliases == ["Nanoflow - Towards Optimal Large Language Model Serving Throughput."]
    assert paper.listings[-1].source == "extra" and paper.listings[-1].date == "Mar 30"
    assert (empty.sources / "extra.txt").exists()


def test_slug_collision_gets_suffix_and_warning(empty: Layout, tmp_path: Path) -> None:
    a = tmp_path / "a.txt"
    # Two titles whose slugs, cut at 80 characters, are the same.
    long = "Scaling " * 11
    a.write_text(
        f"Mar 1\n\n{long}Alpha\n\nOne abstract. It is here.\n\n{long}Beta\n\nAnother abstract. Also here.\n",
        encoding="utf-8",
    )
    report = ingest(empty, [a])
    slug = "-".join(["scaling"] * 10)
    assert sorted(p.name for p in empty.papers.iterdir()) == [f"{slug}-2.yml", f"{slug}.yml"]
    assert [w.message for w in report.warnings] == [
        f"the id '{slug}' is taken (another paper's, or a merged one's); this one gets '{slug}-2'"
    ]


def test_bad_file_aborts_before_anything_is_written(empty: Layout, tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"Mar 1\n\n\xff\xfe title\n")
    before = snapshot(empty.content)
    with pytest.raises(SourceError):
        ingest(empty, [empty.sources / "000_6b32cc8f1414c3bd.txt", bad])
    assert snapshot(empty.content) == before


def test_invalid_records_stop_ingest(empty: Layout) -> None:
    (empty.papers / "broken.yml").write_text("id: broken\ntitle: [oops\n", encoding="utf-8")
    before = snapshot(empty.content)
    with pytest.raises(ContentError) as info:
        ingest(empty, empty.source_files())
    assert str(info.value.problems[0]).startswith(
        "content/papers/broken.yml:2: error: YAML syntax error"
    )
    assert snapshot(empty.content) == before


def kept_lines(before: str, after: str) -> bool:
    """Every line of `before` is in `after`, byte for byte and in order."""
    rest = iter(after.splitlines(keepends=True))
    return all(any(line == other for other in rest) for line in before.splitlines(keepends=True))


def test_ingest_keeps_every_comment_and_line_a_person_wrote(tmp_path: Path) -> None:
    """A record scaffolded by `new` (37 comment lines) plus `year: "2024"  # checked on
    arXiv` kept none of its comments once a listing that names it was ingested."""
    from .conftest import make_small_project, run_cli

    root = make_small_project(tmp_path / "project")
    assert run_cli(root, "new", "Sparse Caches for Serving at Scale").returncode == 0
    record = root / "content" / "papers" / "sparse-caches-for-serving-at-scale.yml"
    text = record.read_text(encoding="utf-8")
    text = text.replace("# year:", 'year: "2024"  # checked on arXiv\n# year:', 1)
    text = text.replace(
        "title: Sparse", "\n# The curator's own note, with a blank line above.\ntitle: Sparse", 1
    )
    record.write_text(text, encoding="utf-8")
    comments = sum(line.startswith("#") for line in text.splitlines())
    assert comments >= 37
    listing = tmp_path / "listing.txt"
    listing.write_text(
        "Mar 19\n\nSparse Caches for Serving at Scale\n\nAda Lovelace, Charles Babbage\n\n"
        "We serve with sparse caches. It is fast.\n",
        encoding="utf-8",
    )
    result = run_cli(root, "ingest", str(listing))
    assert result.returncode == 0, result.stderr
    after = record.read_text(encoding="utf-8")
    assert after != text and kept_lines(text, after)
    assert 'year: "2024"  # checked on arXiv\n' in after
    papers, _ = load_papers(Layout(root))
    paper = papers["sparse-caches-for-serving-at-scale"]
    assert [x.source for x in paper.listings] == ["listing"]
    assert paper.authors == ["Ada Lovelace", "Charles Babbage"]
    assert paper.year == "2024"
    # A second listing goes after the first, in the same block list.
    again = tmp_path / "again.txt"
    again.write_text("Mar 20\n\nSparse caches for serving at scale\n\nSame. Again.\n")
    assert run_cli(root, "ingest", str(again)).returncode == 0
    last = record.read_text(encoding="utf-8")
    assert kept_lines(after, last)
    assert [x.source for x in load_papers(Layout(root))[0][paper.id].listings] == [
        "listing",
        "again",
    ]


def test_a_comment_on_the_lines_of_a_field_that_changes_is_kept(tmp_path: Path) -> None:
    """Only the lines of a field that changes are written anew, and those lost their
    comments: `listings: [...]  # flow style` after a new listing, `abstract: ""  # to
    paste` once an entry filled it. Each comment stays: at the end of the field's first
    line where the value can have one there, on a line of its own above it otherwise."""
    from .conftest import make_small_project, run_cli

    root = make_small_project(tmp_path / "project")
    record = root / "content" / "papers" / "sparse-caches.yml"
    record.write_text(
        "id: sparse-caches\ntitle: Sparse Caches\n"
        "listings: [  # flow style\n  {source: x, date: Mar 1, position: 1},  # the first\n]\n"
        'abstract: ""  # to paste\nyear: ""  # on arXiv?\nvenue: ""  # ask\n',
        encoding="utf-8",
    )
    (root / "content" / "sources" / "x.txt").write_text(
        "Mar 1\n\nSparse Caches\n\nShort. Text.\n", encoding="utf-8"
    )
    listing = tmp_path / "refs.bib"
    abstract = "We cache sparsely, " * 12 + "and it is fast."
    listing.write_text(
        f"@article{{k1, title={{Sparse Caches}}, year={{2024}}, abstract={{{abstract}}}}}\n",
        encoding="utf-8",
    )
    result = run_cli(root, "ingest", str(listing))
    assert result.returncode == 0 and "warning" not in result.stderr, result.stderr
    after = record.read_text(encoding="utf-8")
    for comment in ("# flow style", "# the first", "# to paste", "# on arXiv?", "# ask"):
        assert after.count(comment) == 1, after
    assert "listings:  # flow style\n" in after
    assert "abstract: >-  # to paste\n" in after and "year: '2024'  # on arXiv?\n" in after
    assert 'venue: ""  # ask\n' in after
    paper = load_papers(Layout(root))[0]["sparse-caches"]
    assert [x.source for x in paper.listings] == ["x", "refs"]
    assert (paper.year, paper.abstract) == ("2024", abstract)


def test_ingest_keeps_a_windows_records_line_ends_and_byte_order_mark(tmp_path: Path) -> None:
    """A record saved by Windows' Notepad (a byte-order mark, CRLF) lost its mark when a
    listing was added to it, and the new lines ended in LF alone; `sources.yml` got its
    new label's lines with LF alone."""
    from .conftest import make_small_project, run_cli

    root = make_small_project(tmp_path / "project")
    assert run_cli(root, "new", "Sparse Caches for Serving at Scale").returncode == 0
    record = root / "content" / "papers" / "sparse-caches-for-serving-at-scale.yml"
    windows = b"\xef\xbb\xbf" + record.read_bytes().replace(b"\n", b"\r\n")
    record.write_bytes(windows)
    labels = root / "content" / "sources.yml"
    labels_before = b"\xef\xbb\xbf" + labels.read_bytes().replace(b"\n", b"\r\n")
    labels.write_bytes(labels_before)
    listing = tmp_path / "listing.txt"
    listing.write_text("Mar 19\n\nSparse Caches for Serving at Scale\n\nIt is fast.\n")
    result = run_cli(root, "ingest", str(listing))
    assert result.returncode == 0, result.stderr
    after = record.read_bytes()
    assert after.startswith(b"\xef\xbb\xbf") and after.count(b"\n") == after.count(b"\r\n")
    assert kept_lines(windows.decode(), after.decode()) and len(after) > len(windows)
    labelled = labels.read_bytes()
    assert labelled.startswith(labels_before) and b"- id: listing\r\n" in labelled
    assert labelled.count(b"\n") == labelled.count(b"\r\n")
    papers, _ = load_papers(Layout(root))
    assert [x.source for x in papers["sparse-caches-for-serving-at-scale"].listings] == ["listing"]


def test_a_file_in_the_project_is_named_as_check_names_it(tmp_path: Path) -> None:
    """Ingest's warnings named a listing in content/sources/ by its absolute path."""
    from .conftest import make_small_project, run_cli

    root = make_small_project(tmp_path / "project")
    listing = root / "content" / "sources" / "900_odd.txt"
    listing.write_text("Mar 19\n\nA Title With No Abstract\n", encoding="utf-8")
    result = run_cli(root, "ingest", "content/sources/900_odd.txt")
    assert result.returncode == 0, result.stderr
    assert "content/sources/900_odd.txt:3: warning: no abstract follows" in result.stderr
    assert str(root) not in result.stderr


def test_a_dry_run_shows_what_would_change_and_changes_nothing(tmp_path: Path) -> None:
    from .conftest import make_small_project, run_cli

    root = make_small_project(tmp_path / "project")
    before = snapshot(root / "content")
    listing = tmp_path / "more.txt"
    listing.write_text(
        "Mar 19\n\nAn Entirely New Paper\n\nIt is new. Really.\n\n"
        "NanoFlow: Towards Optimal Large Language Model Serving Throughput\n\nAgain. Here.\n"
    )
    result = run_cli(root, "ingest", "--dry-run", str(listing))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "would add content/papers/an-entirely-new-paper.yml: An Entirely New Paper",
        f"would update content/papers/{NANOFLOW}.yml: NanoFlow: Towards Optimal Large "
        "Language Model Serving Throughput",
        "would be: 1 file(s), 2 listing(s): 1 new paper(s), 1 listing(s) merged into existing "
        "papers, 0 already known, 0 warning(s)",
    ]
    assert snapshot(root / "content") == before
    assert not (root / "content" / "sources" / "more.txt").exists()


def test_a_spelling_variant_is_an_alias_and_a_near_title_a_new_record(tmp_path: Path) -> None:
    """`... Multi-GPU Utilisation` became a second record beside `... Utilization`, with 0
    warnings; only a later check said "possible duplicate"."""
    from .conftest import make_small_project, run_cli

    root = make_small_project(tmp_path / "project")
    (root / "content" / "papers" / "easyspec.yml").write_text(
        "id: easyspec\ntitle: 'EasySpec: Layer-Parallel Speculative Decoding for Efficient "
        "Multi-GPU Utilization'\n",
        encoding="utf-8",
    )
    listing = tmp_path / "variants.txt"
    listing.write_text(
        "Mar 19\n\nEasySpec: Layer-Parallel Speculative Decoding for Efficient Multi GPU "
        "Utilisation\n\nThe British copy. Of the same paper.\n\n"
        "EasySpec: Layer-Parallel Speculative Decoder for Efficient Multi-GPU Utilization"
        "\n\nA different paper, or not. A curator decides.\n",
        encoding="utf-8",
    )
    result = run_cli(root, "ingest", str(listing))
    assert result.returncode == 0, result.stderr
    papers, _ = load_papers(Layout(root))
    assert papers["easyspec"].aliases == [
        "EasySpec: Layer-Parallel Speculative Decoding for Efficient Multi GPU Utilisation"
    ]
    new = "easyspec-layer-parallel-speculative-decoder-for-efficient-multi-gpu-utilization"
    assert new in papers
    assert (
        f"{listing}:7: warning: 'EasySpec: Layer-Parallel Speculative Decoder for Efficient "
        "Multi-GPU Utilization' may be the paper of content/papers/easyspec.yml"
    ) in result.stderr
    assert f"If they are one paper: readinglist merge easyspec {new}" in result.stderr


def test_an_entry_deleted_from_a_raw_listing_moves_no_other(tmp_path: Path) -> None:
    """A curator drops a paper from a raw listing, its record with it. Every entry after
    it moved up a position: `check` passed, and `ingest` then gave each of those papers a
    second listing of the same file (the 354-paper list: 89 of them). A paper a listing
    holds twice still gets its second listing."""
    from generator.ingest.records import parse_file

    from .conftest import SMALL_SOURCE, make_small_project, run_cli

    root = make_small_project(tmp_path / "project")
    listing = root / "content" / "sources" / SMALL_SOURCE
    text = listing.read_text(encoding="utf-8")
    entries = parse_file(listing).entries
    dropped, following = entries[2].title, entries[3].title
    text = text[: text.index(dropped)] + text[text.index(following) :]
    listing.write_text(text, encoding="utf-8")
    papers = load_papers(Layout(root))[0]
    (gone,) = [p for p in papers.values() if p.title == dropped]
    (root / "content" / "papers" / f"{gone.id}.yml").unlink()
    before = snapshot(root / "content" / "papers")
    checked = run_cli(root, "check")
    assert checked.returncode == 0 and " error" not in checked.stdout, checked.stdout
    again = run_cli(root, "ingest", f"content/sources/{SMALL_SOURCE}")
    assert "0 new paper(s), 0 listing(s) merged into existing papers, 23 already known" in (
        again.stdout
    )
    assert snapshot(root / "content" / "papers") == before
    first = text[text.index(entries[0].title) : text.index(entries[1].title)]
    listing.write_text(text.rstrip("\n") + "\n\n" + first, encoding="utf-8")  # listed again
    checked = run_cli(root, "check")
    assert checked.returncode == 1 and f"{SMALL_SOURCE}:" in checked.stdout, checked.stdout
    again = run_cli(root, "ingest", f"content/sources/{SMALL_SOURCE}")
    assert "1 listing(s) merged into existing papers, 23 already known" in again.stdout
    (twice,) = [p for p in load_papers(Layout(root))[0].values() if p.title == entries[0].title]
    assert [x.position for x in twice.listings] == [1, 24]
    assert run_cli(root, "check").returncode == 0


def test_a_record_named_yaml_is_reported_once(tmp_path: Path) -> None:
    """A record saved as `x.yaml` is not read: check said so, and also called its
    listing "in no record; run ingest", which would make a second record."""
    from .conftest import make_small_project, run_cli

    root = make_small_project(tmp_path / "project", entries=3)
    record = next((root / "content" / "papers").glob("*.yml"))
    record.rename(record.with_suffix(".yaml"))
    checked = run_cli(root, "check")
    errors = [line for line in checked.stdout.splitlines() if ": error: " in line]
    assert errors == [
        f"content/papers/{record.stem}.yaml: error: not a record: records are "
        "content/papers/<id>.yml"
    ], checked.stdout


def test_check_says_to_rename_a_renamed_listing_back(tmp_path: Path) -> None:
    """A curator gave a listing file a clearer name: every entry of it was then "in no
    record; run ingest", which gives every paper a second listing and leaves the first
    one broken. check now names the file's old name, once, and says to rename it back;
    an entry the file gained at the same time is still reported."""
    from .conftest import SMALL_SOURCE, make_small_project, run_cli

    root = make_small_project(tmp_path / "project", entries=6)
    sources = root / "content" / "sources"
    old, renamed = sources / SMALL_SOURCE, sources / "march-2024.txt"
    old.rename(renamed)
    with renamed.open("a", encoding="utf-8") as out:
        out.write("\nA Paper Added With The Rename\n\nIts abstract.\n")
    checked = run_cli(root, "check")
    assert checked.returncode == 1
    assert (
        "content/sources/march-2024.txt: error: this file holds 6 entries that records "
        f"list from {old.stem!r}, which is no longer a file in content/sources/: records name "
        f"a listing by its file's name, so rename it back to {SMALL_SOURCE}"
    ) in checked.stdout, checked.stdout
    unknown = [line for line in checked.stdout.splitlines() if "in no record" in line]
    assert len(unknown) == 1 and "'A Paper Added With The Rename'" in unknown[0], unknown
    # The records that list the old name: one error, not one each (they came first, and
    # hid the advice under six, or ninety, lines alike).
    gone = [x for x in checked.stdout.splitlines() if "error: field 'listings'" in x]
    assert len(gone) == 1 and gone[0].endswith(
        f"error: field 'listings': source {old.stem!r} is not a file in content/sources/, "
        "and 5 other records list it too: put the file back under that name, or delete "
        f"their listings of it (grep -l 'source: {old.stem}' content/papers/)"
    ), gone
    build = run_cli(root, "build")
    assert build.returncode == 1 and gone[0] in build.stderr, build.stderr
    renamed.rename(old)
    checked = run_cli(root, "check")
    assert "rename it back" not in checked.stdout
    assert "A Paper Added With The Rename" in checked.stdout  # still to ingest


def test_check_says_what_to_do_when_a_record_and_its_listing_part(tmp_path: Path) -> None:
    """A curator fixed a typo in a record's title: check then called the listing "in no
    record; run ingest", which makes a second record of the paper. And an entry deleted
    from its listing with its record kept went unreported."""
    from generator.content.edit import edited_record
    from generator.ingest.records import parse_file

    from .conftest import SMALL_SOURCE, make_small_project, run_cli

    root = make_small_project(tmp_path / "project")
    listing = root / "content" / "sources" / SMALL_SOURCE
    entries = parse_file(listing).entries
    papers = load_papers(Layout(root))[0]
    (fixed,) = [p for p in papers.values() if p.title == entries[1].title]
    record = root / "content" / "papers" / f"{fixed.id}.yml"
    fixed.title = "Fixed"
    record.write_text(edited_record(record.read_text(encoding="utf-8"), fixed)[0], "utf-8")
    checked = run_cli(root, "check")
    assert (
        f"content/sources/{SMALL_SOURCE}:{entries[1].line}: error: listing "
        f"{entries[1].title!r} is not a title of content/papers/{fixed.id}.yml, which lists "
        "this entry: if it is that paper, add the title to its aliases"
    ) in checked.stdout
    assert "in no record" not in checked.stdout and "no longer lists" not in checked.stdout
    with record.open("a", encoding="utf-8") as out:
        out.write(f"aliases: [{entries[1].title!r}]\n")
    assert run_cli(root, "check").returncode == 0
    again = run_cli(root, "ingest", f"content/sources/{SMALL_SOURCE}")
    assert "0 new paper(s), 0 listing(s) merged into existing papers" in again.stdout
    # The entry deleted, the record kept.
    text = listing.read_text(encoding="utf-8")
    listing.write_text(
        text[: text.index(entries[5].title)] + text[text.index(entries[6].title) :],
        encoding="utf-8",
    )
    (kept,) = [p for p in papers.values() if p.title == entries[5].title]
    checked = run_cli(root, "check")
    assert checked.returncode == 0
    assert (
        f"content/papers/{kept.id}.yml:" in checked.stdout
        and f"warning: field 'listings': content/sources/{SMALL_SOURCE} no longer lists this "
        "paper by its titles as often as this record does"
        in checked.stdout
    ), checked.stdout


def test_check_shows_what_ingest_warned_of_in_a_listing(tmp_path: Path) -> None:
    """`ingest` warned that a paragraph became no paper; `check`, which is all a
    reviewer of the pull request sees, said nothing of it."""
    from .conftest import make_small_project, run_cli

    root = make_small_project(tmp_path / "project", entries=2)
    listing = root / "content" / "sources" / "005_more.txt"
    listing.write_text(
        "Mar 18\n\nA Widget Paper\n\nWe study widgets. They work.\n\nTwo Titles\nRun Together\n",
        encoding="utf-8",
    )
    ingested = run_cli(root, "ingest", "content/sources/005_more.txt")
    warning = "content/sources/005_more.txt:7: warning: skipped 'Two Titles Run Together'"
    assert warning in ingested.stderr, ingested.stderr
    checked = run_cli(root, "check")
    assert checked.returncode == 0 and warning in checked.stdout, checked.stdout


def test_a_numbered_listing_gives_titles_and_finds_records_made_before(tmp_path: Path) -> None:
    """`1. Sparse Widgets` in a listing is the paper "Sparse Widgets" (`test_parse`). A
    record that an earlier `ingest` made from that line, titled "1. Sparse Widgets", is
    still the entry's record: `check` passes and `ingest` makes no second one."""
    from .conftest import make_small_project, run_cli

    root = make_small_project(tmp_path / "project")
    listing = "Dec 3\n\n1. Sparse Widgets\n\nWe make widgets sparse.\n\n2. Dense Gadgets\n\nNo.\n"
    (root / "content" / "sources" / "num.txt").write_text(listing, encoding="utf-8")
    (root / "content" / "papers" / "1-sparse-widgets.yml").write_text(
        "id: 1-sparse-widgets\ntitle: 1. Sparse Widgets\nabstract: We make widgets sparse.\n"
        "listings:\n- source: num\n  date: Dec 3\n  position: 1\n",
        encoding="utf-8",
    )
    assert run_cli(root, "ingest", "content/sources/num.txt").returncode == 0
    papers, _ = load_papers(Layout(root))
    assert papers["dense-gadgets"].title == "Dense Gadgets"
    assert "sparse-widgets" not in papers and papers["1-sparse-widgets"].listings[0].position == 1
    checked = run_cli(root, "check")
    assert checked.returncode == 0 and "num.txt" not in checked.stdout, checked.stdout


def test_a_link_left_empty_is_a_placeholder_that_ingest_keeps(tmp_path: Path) -> None:
    """`links: {code: }` was an error ("expected an http(s) URL, got ''") where every
    other field left empty is a placeholder. Once it loaded, `ingest` deleted such a
    block as it added a listing: the record it wrote dropped the lines a person wrote."""
    from .conftest import make_small_project, run_cli

    root = make_small_project(tmp_path / "project", entries=6)
    records = sorted((root / "content" / "papers").glob("*.yml"))
    first, second = [p for p in records if "links:" not in p.read_text(encoding="utf-8")][:2]
    placeholder = "links:\n  code:  # the repository, once it is out\n  project: ~\n"
    first.write_text(first.read_text(encoding="utf-8") + placeholder, encoding="utf-8")
    partial = "links:\n  code: https://github.com/ada/widgets\n  project:\n"
    second.write_text(second.read_text(encoding="utf-8") + partial, encoding="utf-8")
    before = {p: p.read_text(encoding="utf-8") for p in (first, second)}
    checked = run_cli(root, "check")
    assert checked.returncode == 0, checked.stdout
    papers, _ = load_papers(Layout(root))
    assert papers[first.stem].links == {}
    assert papers[second.stem].links == {"code": "https://github.com/ada/widgets"}
    again = root / "content" / "sources" / "005_again.txt"
    titles = [papers[p.stem].title for p in (first, second)]
    again.write_text(
        f"Mar 20\n\n{titles[0]}\n\nListed again. Fine.\n\n{titles[1]}\n\nAgain. Fine.\n",
        encoding="utf-8",
    )
    assert run_cli(root, "ingest", "content/sources/005_again.txt").returncode == 0
    for path, text in before.items():
        after = path.read_text(encoding="utf-8")
        assert after.startswith(text.split("links:")[0]) and after.endswith(
            text[text.index("links:") :].replace("links:", "")
        ), after
        assert "links:" in after and "source: 005_again" in after


def test_a_record_made_from_an_id_before_its_title_is_still_found(tmp_path: Path) -> None:
    """`[2412.00003] Tiny Drafts` is now the paper "Tiny Drafts" with its arXiv id
    (`test_parse`). A record an earlier `ingest` made from such a line, titled with the
    id, is still that paper's record: the paper listed elsewhere as "Tiny Drafts" joins
    it, and `check` passes."""
    from .conftest import make_small_project, run_cli

    root = make_small_project(tmp_path / "project", entries=2)
    sources = root / "content" / "sources"
    listing = "Dec 3\n\n[2412.00003] Tiny Drafts\n\nWe draft tiny things. Good.\n"
    (sources / "ids.txt").write_text(listing, encoding="utf-8")
    (root / "content" / "papers" / "2412-00003-tiny-drafts.yml").write_text(
        "id: 2412-00003-tiny-drafts\ntitle: '[2412.00003] Tiny Drafts'\n"
        "listings:\n- source: ids\n  date: Dec 3\n  position: 1\n",
        encoding="utf-8",
    )
    later = "Dec 9\n\nTiny Drafts\n\nWe draft tiny things. Good.\n"
    (sources / "later.txt").write_text(later, encoding="utf-8")
    assert run_cli(root, "ingest", "content/sources/later.txt").returncode == 0
    papers, _ = load_papers(Layout(root))
    assert "tiny-drafts" not in papers
    assert [x.source for x in papers["2412-00003-tiny-drafts"].listings] == ["ids", "later"]
    checked = run_cli(root, "check")
    assert checked.returncode == 0 and "ids.txt" not in checked.stdout, checked.stdout
