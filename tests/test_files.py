"""Atomic writes, folder syncing and the all-or-nothing transaction."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.content.files import (
    UnsafePath,
    project_lock,
    read_regular,
    sync_folder,
    write_atomic,
)
from generator.content.journal import Transaction, journal_folder, recover

from .conftest import ROOT


def test_transaction_writes_everything_or_nothing(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("old a", encoding="utf-8")
    with pytest.raises(RuntimeError), Transaction(tmp_path) as transaction:
        transaction.write(tmp_path / "a.txt", "new a")
        transaction.write(tmp_path / "sub" / "b.txt", "new b")
        raise RuntimeError("interrupted")
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "old a"
    assert not (tmp_path / "sub").exists()
    assert list(tmp_path.glob(".transaction-*")) == []
    with Transaction(tmp_path) as transaction:
        assert not transaction.write(tmp_path / "a.txt", "old a")  # unchanged: not staged
        assert transaction.write(tmp_path / "a.txt", "new a")
        transaction.write(tmp_path / "sub" / "b.txt", "new b")
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "new a"
    assert (tmp_path / "sub" / "b.txt").read_text(encoding="utf-8") == "new b"


def test_a_commit_cut_short_by_an_error_is_finished_later_not_lost(tmp_path: Path) -> None:
    """Copying the files into place fails half-way (here a file stands where a folder
    must go): the committed journal stays, and the next transaction finishes it."""
    (tmp_path / "a.txt").write_text("old a", encoding="utf-8")
    (tmp_path / "z").mkdir()
    with pytest.raises(UnsafePath), Transaction(tmp_path) as transaction:
        transaction.write(tmp_path / "a.txt", "new a")
        transaction.write(tmp_path / "z" / "sub" / "b.txt", "new b")
        (tmp_path / "z" / "sub").write_text("in the way", encoding="utf-8")
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "new a"
    assert (journal_folder(tmp_path) / str(os.getpid()) / "COMMITTED").exists()
    (tmp_path / "z" / "sub").unlink()
    with Transaction(tmp_path):
        pass
    assert (tmp_path / "z" / "sub" / "b.txt").read_text(encoding="utf-8") == "new b"
    assert list(journal_folder(tmp_path).iterdir()) == []


def test_recover_finishes_committed_and_drops_uncommitted(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("old", encoding="utf-8")
    journals = journal_folder(tmp_path)
    assert tmp_path not in journals.parents
    # A dead process (pid 999999999 does not exist) that committed...
    write_atomic(journals / "999999999" / "files" / "a.txt", "new")
    write_atomic(journals / "999999999" / "COMMITTED", "a.txt\n")
    # ...and one that did not.
    write_atomic(journals / "999999998" / "files" / "b.txt", "half")
    assert recover(tmp_path) == [
        "dropped an interrupted write (process 999999998)",
        "finished an interrupted write (process 999999999)",
    ]
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "new"
    assert not (tmp_path / "b.txt").exists()
    assert list(journals.iterdir()) == []


def test_recover_never_trusts_a_staging_folder_in_the_repository(tmp_path: Path) -> None:
    """The hole: a committed `content/.transaction-x/COMMITTED` naming `../mkdocs.yml`
    moved the pull request's own `mkdocs.yml` over the project's."""
    (tmp_path / "mkdocs.yml").write_text("site_name: mine\n", encoding="utf-8")
    content = tmp_path / "content"
    staging = content / ".transaction-x"
    staging.mkdir(parents=True)
    (staging / "COMMITTED").write_text("../mkdocs.yml\n", encoding="utf-8")
    (content / "mkdocs.yml").write_text("site_name: theirs\n", encoding="utf-8")
    assert recover(content) == []
    assert (tmp_path / "mkdocs.yml").read_text(encoding="utf-8") == "site_name: mine\n"
    assert (staging / "COMMITTED").exists()  # left for `check` to report


def test_a_journal_naming_a_path_outside_the_folder_is_refused(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    journals = journal_folder(content)
    write_atomic(journals / "999999997" / "files" / "x", "evil")
    write_atomic(journals / "999999997" / "COMMITTED", "../x\n")
    with pytest.raises(UnsafePath, match="not a path inside content/"):
        recover(content)
    assert not (tmp_path / "x").exists()
    shutil.rmtree(journals / "999999997")


def test_a_transaction_does_not_write_through_a_linked_folder(tmp_path: Path) -> None:
    outside, content = tmp_path / "outside", tmp_path / "content"
    outside.mkdir()
    content.mkdir()
    (content / "papers").symlink_to(outside)
    with pytest.raises(UnsafePath, match="is a symbolic link"), Transaction(content) as t:
        t.write(content / "papers" / "x.yml", "id: x\n")
    assert list(outside.iterdir()) == []


def test_read_regular_opens_only_regular_files_and_reads_at_most_the_limit(
    tmp_path: Path,
) -> None:
    (tmp_path / "ok").write_bytes(b"12345")
    assert read_regular(tmp_path / "ok", 5) == b"12345"
    with pytest.raises(UnsafePath, match="over 4 bytes"):
        read_regular(tmp_path / "ok", 4)
    (tmp_path / "link").symlink_to(tmp_path / "ok")
    with pytest.raises(UnsafePath, match="symbolic link"):
        read_regular(tmp_path / "link", 100)
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(UnsafePath, match="not a regular file"):
        read_regular(tmp_path / "fifo", 100)  # would block forever if opened for reading
    with pytest.raises(UnsafePath, match="not a regular file"):
        read_regular(Path("/dev/zero"), 100)


def test_a_second_command_waits_for_the_lock(project: Path) -> None:
    with project_lock(project / "build", "test"):
        process = start(project, "new", "A paper added while locked")
        time.sleep(1.5)
        assert process.poll() is None  # still waiting
    _, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "waiting for another readinglist command to finish before new" in err
    assert (project / "content/papers/a-paper-added-while-locked.yml").exists()


def test_write_atomic_leaves_unchanged_files_alone(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    assert write_atomic(path, "same")
    before = path.stat().st_mtime_ns
    assert not write_atomic(path, "same")
    assert path.stat().st_mtime_ns == before


def test_sync_folder_writes_only_differences_and_keeps_dotfiles(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    assert sync_folder(docs, {"a.md": "one", "p/b.md": "two", "p/q/c.md": "three"}) == 3
    (docs / ".cache").mkdir()
    (docs / ".cache" / "kept").write_text("x", encoding="utf-8")
    untouched = (docs / "a.md").stat().st_mtime_ns
    # Same size, other bytes: rewritten; a file no longer wanted: removed, with its folder.
    assert sync_folder(docs, {"a.md": "one", "p/b.md": "TWO"}) == 2
    assert (docs / "a.md").stat().st_mtime_ns == untouched
    assert (docs / "p" / "b.md").read_text(encoding="utf-8") == "TWO"
    assert not (docs / "p" / "q").exists()
    assert (docs / ".cache" / "kept").exists()
    assert sorted(p.name for p in docs.rglob("*.tmp")) == []


def test_sync_folder_trusts_what_it_left_only_while_the_file_is_as_it_left_it(
    tmp_path: Path,
) -> None:
    """Given what the last sync left, a file whose new text is that very object, and
    whose size and time are unchanged, is not read again; one changed since, by anyone,
    is compared and rewritten."""
    docs, left = tmp_path / "docs", {}
    page, other = "page " * 50, "other"
    assert sync_folder(docs, {"a.md": page, "b.md": other}, left) == 2
    assert left["a.md"][0] is page and left["a.md"][1:] == (len(page), stat_of(docs / "a.md"))
    # Someone rewrites a.md (same size, other bytes) and b.md, then sets b.md's time back.
    kept_time = stat_of(docs / "b.md")
    (docs / "a.md").write_text("PAGE " * 50, encoding="utf-8")
    (docs / "b.md").write_text("OTHER", encoding="utf-8")
    os.utime(docs / "b.md", ns=(kept_time, kept_time))
    os.utime(docs / "a.md", ns=(kept_time + 10**9, kept_time + 10**9))  # a coarse clock
    # b.md's size and time are as they were: it is trusted, not read (as `Manifest.holds`
    # trusts a whole folder). a.md's time has changed: it is compared and written back.
    assert sync_folder(docs, {"a.md": page, "b.md": other}, left) == 1
    assert (docs / "a.md").read_text(encoding="utf-8") == page
    assert (docs / "b.md").read_text(encoding="utf-8") == "OTHER"
    # The same text in another object is compared, not trusted: b.md is written back.
    assert sync_folder(docs, {"a.md": page, "b.md": "".join(["oth", "er"])}, left) == 1
    assert (docs / "b.md").read_text(encoding="utf-8") == "other"
    assert sorted(left) == ["a.md", "b.md"]


def stat_of(path: Path) -> int:
    return path.stat().st_mtime_ns


def start(root: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "generator", *args],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
