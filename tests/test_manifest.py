"""Generation is skipped only when nothing it reads has changed since it completed."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.content.files import file_stats, write_atomic
from generator.content.journal import journal_folder
from generator.content.store import Layout
from generator.errors import ContentError
from generator.site.generate import generate
from generator.site.paths import SiteOptions

from .conftest import make_project


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    root = make_project(tmp_path / "project")
    generate(Layout(root), SiteOptions())
    return root


def regenerate(root: Path, options: SiteOptions | None = None) -> bool:
    """Generate again; True if the folder was kept as it was."""
    return generate(Layout(root), options or SiteOptions()).reused


def test_nothing_changed_keeps_every_file_untouched(project: Path) -> None:
    before = file_stats(project / "build" / "docs")
    assert regenerate(project)
    assert file_stats(project / "build" / "docs") == before


def test_an_edited_record_is_regenerated(project: Path) -> None:
    record = next((project / "content" / "papers").glob("*.yml"))
    record.write_text(
        record.read_text(encoding="utf-8") + "notes: A fresh note.\n", encoding="utf-8"
    )
    assert not regenerate(project)
    page = project / "build" / "docs" / "paper" / f"{record.stem}.md"
    assert "A fresh note." in page.read_text(encoding="utf-8")
    assert regenerate(project)


def test_a_raw_listing_alone_does_not_regenerate(project: Path) -> None:
    # Generation reads the records, never the raw listings `ingest` makes them from.
    listing = next((project / "content" / "sources").glob("*.txt"))
    listing.write_text(listing.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert regenerate(project)


def test_other_options_or_a_new_build_date_regenerate(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert not regenerate(project, SiteOptions(site_url="https://example.org/"))
    assert not regenerate(project)
    assert not regenerate(project, SiteOptions(build_date="2027-01-01T00:00:00+00:00"))


def test_a_touched_generated_file_is_regenerated(project: Path) -> None:
    page = next((project / "build" / "docs" / "paper").iterdir())
    original = page.read_bytes()
    page.write_bytes(b"edited by hand")
    assert not regenerate(project)
    assert page.read_bytes() == original


def test_a_failed_generation_leaves_nothing_to_reuse(project: Path) -> None:
    record = next((project / "content" / "papers").glob("*.yml"))
    text = record.read_text(encoding="utf-8")
    record.write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(ContentError):
        regenerate(project)
    assert not (project / "build" / "docs" / ".generated.json").exists()
    record.write_text(text, encoding="utf-8")  # the same content as the first run
    assert not regenerate(project)


def test_an_unfinished_ingest_is_finished_before_reuse_is_decided(project: Path) -> None:
    regenerate(project)
    record = (
        project
        / "content"
        / "papers"
        / "a-complete-expressiveness-hierarchy-for-subgraph-gnns-via-subgraph-weisfeiler.yml"
    )
    journal = journal_folder(project / "content")
    rel = record.relative_to(project / "content").as_posix()
    edited = record.read_text(encoding="utf-8").replace(
        "abstract: >-\n  ", "abstract: >-\n  Edited. ", 1
    )
    write_atomic(journal / "999999996" / "files" / rel, edited)
    write_atomic(journal / "999999996" / "COMMITTED", rel + "\n")
    assert not regenerate(project)  # the journal's change was put in place, then used
    assert record.read_text(encoding="utf-8") == edited


def test_a_staging_folder_in_content_is_an_error(project: Path) -> None:
    staging = project / "content" / ".transaction-999999"
    staging.mkdir()
    (staging / "COMMITTED").write_text("", encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        regenerate(project)
    assert [str(p) for p in caught.value.problems] == [
        "content/.transaction-999999: error: a staging folder of an interrupted write, which "
        "this tool no longer keeps in content/ and never finishes from there; delete it"
    ]


def test_a_project_without_content_still_generates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    root = tmp_path / "empty"
    (root / "build" / "docs").mkdir(parents=True)
    assert not regenerate(root)
    assert (root / "build" / "docs" / "index.md").is_file()
    assert regenerate(root)
