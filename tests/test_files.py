"""Atomic writes, folder syncing and the all-or-nothing transaction."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.files import Transaction, recover, sync_folder, write_atomic


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


def test_recover_finishes_committed_and_drops_uncommitted(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("old", encoding="utf-8")
    # A dead process (pid 999999999 does not exist) that committed...
    done = tmp_path / ".transaction-999999999"
    write_atomic(done / "a.txt", "new")
    write_atomic(done / "COMMITTED", "a.txt\n")
    # ...and one that did not.
    undone = tmp_path / ".transaction-999999998"
    write_atomic(undone / "b.txt", "half")
    assert recover(tmp_path) == [
        "dropped an interrupted write (.transaction-999999998)",
        "finished an interrupted write (.transaction-999999999)",
    ]
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "new"
    assert not (tmp_path / "b.txt").exists()
    assert list(tmp_path.glob(".transaction-*")) == []


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
