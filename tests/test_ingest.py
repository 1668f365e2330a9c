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
    a.write_text(
        "Mar 1\n\nÜber Models\n\nOne abstract. It is here.\n\nUber Models\n\nAnother abstract. Also here.\n",
        encoding="utf-8",
    )
    report = ingest(empty, [a])
    assert sorted(p.name for p in empty.papers.iterdir()) == [
        "uber-models-2.yml",
        "uber-models.yml",
    ]
    assert [w.message for w in report.warnings] == [
        "another paper already has the id 'uber-models'; this one gets 'uber-models-2'"
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
