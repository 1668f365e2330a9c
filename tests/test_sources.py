"""`content/sources.yml`: what readers see for each listing file, instead of its hash."""

from __future__ import annotations

from pathlib import Path

from .conftest import SEEDS, make_project, run_cli
from .htmltools import Page

LISTING = SEEDS / "000_6b32cc8f1414c3bd.txt"


def project_without_labels(tmp_path: Path) -> Path:
    root = make_project(tmp_path / "p", with_papers=False)
    (root / "content" / "sources.yml").unlink()
    for listing in (root / "content" / "sources").iterdir():
        listing.unlink()
    (root / "content" / "themes.yml").write_text(
        "themes:\n- id: all\n  title: All\n  keywords: [the]\n", encoding="utf-8"
    )
    return root


def test_ingest_names_a_new_file_and_keeps_the_curators_comments(tmp_path: Path) -> None:
    root = project_without_labels(tmp_path)
    labels = root / "content" / "sources.yml"
    labels.write_text(
        "# Curated by hand.\nsources:\n  # The old one.\n  - id: old\n    label: Old list\n",
        encoding="utf-8",
    )
    (root / "content" / "sources" / "old.txt").write_text("Mar 1\n\nA Title\n\nAn abstract.\n")
    bib = tmp_path / "refs.bib"
    bib.write_text("@misc{k, title={A Paper From BibTeX}, year={2024}}\n", encoding="utf-8")
    result = run_cli(root, "ingest", str(LISTING), str(bib))
    assert result.returncode == 0, result.stderr
    assert labels.read_text(encoding="utf-8") == (
        "# Curated by hand.\nsources:\n  # The old one.\n  - id: old\n    label: Old list\n"
        "  - id: 000_6b32cc8f1414c3bd\n    label: Paper listing\n"
        "  - id: refs\n    label: refs.bib\n"
    )
    # Running it again adds nothing.
    assert run_cli(root, "ingest", str(LISTING), str(bib)).returncode == 0
    assert labels.read_text(encoding="utf-8").count("- id:") == 3


def test_pages_name_the_source_and_say_when_a_paper_was_added_by_hand(tmp_path: Path) -> None:
    root = project_without_labels(tmp_path)
    assert run_cli(root, "ingest", str(LISTING)).returncode == 0
    (root / "content" / "papers" / "by-hand.yml").write_text(
        "id: by-hand\ntitle: A Paper Added By Hand\n", encoding="utf-8"
    )
    assert run_cli(root, "build").returncode == 0
    site = root / "site"
    hand = Page((site / "paper" / "by-hand" / "index.html").read_text(encoding="utf-8"))
    assert "Added by hand." in hand.text and "Listed 0 times" not in hand.text
    assert "No abstract yet." in hand.text and "listing had no abstract" not in hand.text
    nanoflow = "nanoflow-towards-optimal-large-language-model-serving-throughput"
    page = Page((site / "paper" / nanoflow / "index.html").read_text(encoding="utf-8"))
    assert "Listed 1 time: Paper listing, Mar 17." in page.text  # no link: no url
    assert "6b32cc8f" not in page.text and "entry 74" not in page.text


def test_check_reports_a_bad_url_and_a_label_for_no_file(tmp_path: Path) -> None:
    """A label for no file is named at its line; so is a file labelled twice (which
    label readers saw was silently the last) and a label left empty."""
    root = make_project(tmp_path / "p")
    (root / "content" / "sources.yml").write_text(
        "sources:\n- id: nowhere\n  label: Gone\n- id: 000_6b32cc8f1414c3bd\n  label: X\n"
        "  url: javascript:alert(1)\n- id: 000_6b32cc8f1414c3bd\n  label: Y\n"
        "- id: 001_0529e621f9bb2487\n  label: ~\n",
        encoding="utf-8",
    )
    result = run_cli(root, "check")
    assert result.returncode == 1
    shown = [row for row in result.stdout.splitlines() if row.startswith("content/sources.yml")]
    assert shown == [
        "content/sources.yml:6: error: field 'sources[1].url': expected an http(s) URL, "
        "got 'javascript:alert(1)'",
        "content/sources.yml:7: error: source '000_6b32cc8f1414c3bd' is named twice (first on "
        "line 4)",
        "content/sources.yml:10: error: field 'sources[3].label': expected some text, got nothing",
        "content/sources.yml:2: warning: source 'nowhere' is not a file in content/sources/",
    ]


def test_a_labels_file_that_cannot_take_more_is_left_as_it_is(tmp_path: Path) -> None:
    root = project_without_labels(tmp_path)
    labels = root / "content" / "sources.yml"
    labels.write_text("sources: []\n", encoding="utf-8")
    result = run_cli(root, "ingest", str(LISTING))
    assert result.returncode == 1
    assert "content/sources.yml: error: cannot add labels for 000_6b32cc8f1414c3bd" in result.stderr
    assert labels.read_text(encoding="utf-8") == "sources: []\n"
    assert not list((root / "content" / "papers").iterdir())


def test_ingest_and_check_read_the_same_files(tmp_path: Path) -> None:
    """`ingest` took `refs.BIB` and `Listing.TXT`, but `check` read only lower-case
    extensions: every listing of them became "not a file in content/sources/". A BibTeX
    file named as an existing listing gave two files one source id; a file nothing
    reads passed in silence."""
    root = project_without_labels(tmp_path)
    sources = root / "content" / "sources"
    listing = tmp_path / "Listing.TXT"
    listing.write_text(LISTING.read_text(encoding="utf-8"), encoding="utf-8")
    bib = tmp_path / "refs.BIB"
    bib.write_text("@misc{k, title={A Paper From BibTeX}, year={2024}}\n", encoding="utf-8")
    assert run_cli(root, "ingest", str(listing), str(bib)).returncode == 0
    assert sorted(p.name for p in sources.iterdir()) == ["Listing.TXT", "refs.BIB"]
    check = run_cli(root, "check")
    assert check.returncode == 0 and " error" not in check.stdout, check.stdout

    before = {p: p.read_bytes() for p in (root / "content").rglob("*") if p.is_file()}
    twin = tmp_path / "Listing.bib"
    twin.write_text("@misc{t, title={Another Paper Entirely}, year={2024}}\n", encoding="utf-8")
    refused = run_cli(root, "ingest", str(twin))
    assert refused.returncode == 1
    assert (
        f"{twin}: error: content/sources/Listing.TXT has this name but for the extension, and a "
        "listing names its file without it; rename the file"
    ) in refused.stderr
    assert {p: p.read_bytes() for p in (root / "content").rglob("*") if p.is_file()} == before

    (sources / "Listing.bib").write_bytes(twin.read_bytes())  # put there by hand
    (sources / "notes.md").write_text("Where these came from.\n", encoding="utf-8")
    out = run_cli(root, "check").stdout
    assert "content/sources/Listing.bib: error: Listing.TXT has this name but for the " in out
    assert (
        "content/sources/notes.md: warning: not a listing (.txt, .bib or .json): nothing reads it"
    ) in out
    wrong = run_cli(root, "ingest", "content/sources/notes.md")
    assert wrong.stderr.startswith("Error: content/sources/notes.md: expected a raw listing")
    (sources / "Listing.bib").unlink()
    (root / "Listing.TXT").write_text("Mar 18\n\nOther\n\nIts abstract.\n", encoding="utf-8")
    clash = run_cli(root, "ingest", "Listing.TXT")  # a file in the project, named as check would
    assert clash.stderr.startswith(
        "Listing.TXT: error: content/sources/Listing.TXT already exists with other content"
    ), clash.stderr
