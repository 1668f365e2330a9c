"""Two parts of the generator at once: same results as one after the other."""

from __future__ import annotations

import json
import os
import shutil
import threading
from pathlib import Path

import pytest

from generator import parallel, pipeline
from generator.build import BuildError, build_site
from generator.pipeline import prepare, write_output
from generator.render import SiteOptions
from generator.store import Layout, load_papers

from .conftest import make_project

ROOT = Path(__file__).resolve().parent.parent


def test_second_runs_in_a_child_and_its_result_comes_back() -> None:
    here = os.getpid()
    first, second = parallel.both(os.getpid, lambda: (os.getpid(), list(range(5))), fork=True)
    assert first == here
    assert second[0] != here and second[1] == [0, 1, 2, 3, 4]


def test_without_fork_both_run_here() -> None:
    assert parallel.both(os.getpid, os.getpid, fork=False) == (os.getpid(), os.getpid())


def test_the_childs_exception_is_raised_here() -> None:
    def fails() -> None:
        raise KeyError("missing-paper")

    with pytest.raises(KeyError, match="missing-paper"):
        parallel.both(lambda: None, fails, fork=True)


def test_a_result_that_cannot_be_sent_back_is_reported() -> None:
    with pytest.raises(parallel.ChildFailed, match="pickled"):
        parallel.both(lambda: None, threading.Lock, fork=True)


def test_a_child_that_dies_is_reported() -> None:
    with pytest.raises(parallel.ChildFailed, match="died"):
        parallel.both(lambda: None, lambda: os._exit(3), fork=True)


def test_queued_numbers_are_each_handed_out_once_across_processes() -> None:
    queue = parallel.Queue(1000, shared=True)
    mine, theirs = parallel.both(lambda: list(queue), lambda: list(queue), fork=True)
    assert sorted(mine + theirs) == list(range(1000))
    assert list(parallel.Queue(3, shared=False)) == [0, 1, 2]


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_forked_generation_writes_the_same_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    serial = prepare(Layout(ROOT))
    monkeypatch.setattr(parallel, "MIN_PAPERS", 0)  # the seeds are below the threshold
    if not parallel.worth_it(len(serial.papers)):
        pytest.skip("forking needs fork() and a second core")
    forked = prepare(Layout(ROOT), may_fork=True)
    assert forked.related == serial.related and forked.membership == serial.membership
    assert forked.mentions == serial.mentions and forked.papers == serial.papers
    assert (forked.vectors != serial.vectors).nnz == 0
    options = SiteOptions(site_url="https://example.org/rl/", edit_base="https://e/")
    (tmp_path / "forked" / "stale").mkdir(parents=True)
    (tmp_path / "forked" / "stale" / "old.md").write_text("gone", encoding="utf-8")
    _, downloads = write_output(forked, options, tmp_path / "forked", fork=True)
    downloads.wait()
    write_output(serial, options, tmp_path / "serial")[1].wait()
    assert _tree(tmp_path / "forked") == _tree(tmp_path / "serial")
    assert len(_tree(tmp_path / "serial")) > len(serial.papers)


def test_when_first_fails_the_child_is_stopped_and_the_error_raised(tmp_path: Path) -> None:
    import time

    finished = tmp_path / "finished"

    def slow() -> None:
        time.sleep(2)
        finished.write_text("the child ran to the end", encoding="utf-8")

    def fails() -> None:
        raise ValueError("first failed")

    with pytest.raises(ValueError, match="first failed"):
        parallel.both(fails, slow, fork=True)
    # both() returns only once the child is gone: stopped, not waited for.
    assert not finished.exists()


def test_records_read_by_the_child_report_their_problems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(ROOT / "content", tmp_path / "content")
    records = sorted((tmp_path / "content" / "papers").glob("*.yml"))
    records[-1].write_text("id: [unclosed\n", encoding="utf-8")  # in the child's half
    serial = load_papers(Layout(tmp_path))
    monkeypatch.setattr(parallel, "MIN_PAPERS", 0)
    if not parallel.worth_it(len(records)):
        pytest.skip("forking needs fork() and a second core")
    forked = load_papers(Layout(tmp_path), may_fork=True)
    assert forked == serial
    assert [p.path for p in forked[1]] == [f"content/papers/{records[-1].name}"]


def test_a_build_with_the_downloads_forked_is_the_same_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    root = make_project(tmp_path / "project")
    serial = _tree(build_site(root / "mkdocs.yml", tmp_path / "serial"))
    monkeypatch.setattr(parallel, "MIN_PAPERS", 0)
    if not parallel.worth_it(1):
        pytest.skip("forking needs fork() and a second core")
    # From an empty folder the downloads are not there yet when MkDocs lists it.
    shutil.rmtree(root / "build" / "docs")
    (root / "build" / "docs").mkdir()
    forked = _tree(build_site(root / "mkdocs.yml", tmp_path / "forked"))
    assert forked.keys() == serial.keys() and "papers.json" in forked
    assert forked == serial


def test_a_download_that_fails_in_the_child_fails_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project(tmp_path / "project")
    monkeypatch.setattr(parallel, "MIN_PAPERS", 0)
    if not parallel.worth_it(1):
        pytest.skip("forking needs fork() and a second core")

    def broken(*args: object) -> dict[str, str]:
        raise OSError("disk full")

    monkeypatch.setattr(pipeline, "download_files", broken)
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "old.html").write_text("the previous site", encoding="utf-8")
    with pytest.raises(OSError, match="disk full"):
        build_site(root / "mkdocs.yml", tmp_path / "site")
    assert _tree(tmp_path / "site") == {"old.html": b"the previous site"}


def test_every_page_is_in_place_when_generate_returns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "MIN_PAPERS", 0)
    if not parallel.worth_it(1):
        pytest.skip("forking needs fork() and a second core")
    docs = tmp_path / "docs"
    generated = pipeline.generate(Layout(ROOT), docs, SiteOptions(), background=True)
    # MkDocs lists the folder right away: no page may still be on its way.
    records = (ROOT / "content" / "papers").glob("*.yml")
    assert sorted(p.name for p in (docs / "paper").iterdir()) == sorted(
        f"{r.stem}.md" for r in records
    )
    assert (docs / "theme").is_dir() and (docs / "index.md").is_file()
    generated.downloads.wait()
    assert json.loads((docs / "papers.json").read_text(encoding="utf-8"))


def test_a_child_that_dies_fails_the_build_with_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    root = make_project(tmp_path / "project")
    monkeypatch.setattr(parallel, "MIN_PAPERS", 0)
    if not parallel.worth_it(1):
        pytest.skip("forking needs fork() and a second core")
    monkeypatch.setattr(pipeline, "download_files", lambda *args: os._exit(9))
    # A BuildError is printed by the command line without a traceback, after MkDocs
    # has logged what went wrong.
    with pytest.raises(BuildError, match="site/ was left as it was"):
        build_site(root / "mkdocs.yml", tmp_path / "site")
    assert "second process (forked to use another core) died" in caplog.text
    assert not (tmp_path / "site").exists()
