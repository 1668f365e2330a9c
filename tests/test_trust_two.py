"""Trust, round two: what content, or an answer from outside, could still make the tool
break, leak or exhaust itself. Each test reproduces one way it did."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

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
    result = run_cli(small, command)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "content: error: folders nest more than 4 levels deep here ('content/d/d/d/d/d')" in output
    assert "Traceback" not in output and "RecursionError" not in output


def test_serve_refuses_a_deep_folder_before_watching_it(small: Path) -> None:
    """MkDocs' file watcher recursed into it and died, and the preview went stale."""
    deep = small / "content" / "sources" / "a" / "b" / "c" / "d"
    deep.mkdir(parents=True)
    result = run_cli(small, "serve", "--dev-addr", "127.0.0.1:0", timeout=60)
    assert result.returncode == 1
    assert "folders nest more than 4 levels deep" in result.stderr
