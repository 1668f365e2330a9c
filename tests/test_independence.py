"""The suite never depends on what the live `content/` holds: curators change it in every
pull request."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT, run_cli

# The tests that read the built-in content, through the frozen copy in tests/corpus/.
CONTENT_TESTS = [
    "tests/test_parse.py",
    "tests/test_ingest.py",
    "tests/test_merge.py",
    "tests/test_store.py",
    "tests/test_related.py",
    "tests/test_yamlio.py",
    "tests/test_sources.py",
    "tests/test_ship.py::test_issue_form_asks_for_a_theme_without_listing_them",
]

NEW_LISTING = """Daily Papers

Dec 5

A Curator's Own Paper About Sparse Speculative Decoding

We propose a way to decode faster. It works on every model we tried.
"""


def tracked_copy(target: Path) -> Path:
    """The files git tracks (what a clone holds), copied to `target`."""
    names = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    for name in filter(None, names):
        source = ROOT / os.fsdecode(name)
        if source.is_file():
            (target / os.fsdecode(name)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / os.fsdecode(name))
    return target


def test_a_curators_pull_request_leaves_the_suite_green(tmp_path: Path) -> None:
    """Add a listing and ingest it, edit two records and delete one, as CONTRIBUTING
    says a curator does; the tests that need real data still pass in that copy."""
    root = tracked_copy(tmp_path / "clone")
    papers = root / "content" / "papers"
    (root / "content" / "sources" / "900_curator.txt").write_text(NEW_LISTING, encoding="utf-8")
    result = run_cli(root, "ingest", "content/sources/900_curator.txt")
    assert result.returncode == 0, result.stderr
    edited = sorted(papers.glob("*.yml"))[:2]
    for path in edited:
        path.write_text(path.read_text(encoding="utf-8") + "tags: [curated]\n", encoding="utf-8")
    victim = sorted(papers.glob("*.yml"))[-1]
    victim.unlink()
    assert run_cli(root, "check").returncode in (0, 1)  # the content changed, whatever it says
    tests = subprocess.run(
        # In this worker's process: more workers would only contend with the suite's own.
        [sys.executable, "-m", "pytest", "-q", "-n", "0", "-p", "no:cacheprovider", *CONTENT_TESTS],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    assert tests.returncode == 0, tests.stdout[-3000:]
