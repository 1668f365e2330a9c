"""Shared fixtures: real project copies in tmp_path, built with the real MkDocs."""

from __future__ import annotations

import faulthandler
import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent
# Journals of interrupted writes live in the user's state folder, outside any project:
# the tests keep theirs in a folder of their own.
os.environ["XDG_STATE_HOME"] = tempfile.mkdtemp(prefix="readinglist-tests-state-")
TESTS = Path(__file__).parent
CORPUS = TESTS / "corpus"
"""A frozen copy of the built-in content (the five listings, their 354 records, the
themes): tests that need real data read it, never the live `content/`, which curators
change in every pull request. `Layout(CORPUS)` loads it."""
SEEDS = CORPUS / "content" / "sources"
GOLDEN = Path(__file__).parent / "golden"

settings.register_profile("ci", derandomize=True, deadline=None, max_examples=200)
settings.register_profile("dev", deadline=None, max_examples=100)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens", action="store_true", help="Rewrite tests/golden/ from the output."
    )


@pytest.fixture
def golden(request: pytest.FixtureRequest):
    """Compare text with tests/golden/<name>, or rewrite it with --update-goldens."""

    def check(name: str, actual: str) -> None:
        path = GOLDEN / name
        if request.config.getoption("--update-goldens"):
            path.write_text(actual, encoding="utf-8")
        assert path.exists(), f"no golden file {path}; run pytest --update-goldens"
        assert actual == path.read_text(encoding="utf-8")

    return check


@pytest.fixture(autouse=True)
def own_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test gets a cache folder of its own: answers that `enrich` and `fetch` keep
    for a server on one port must not answer another test's server on the same port."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))


def make_project(target: Path, with_papers: bool = True) -> Path:
    """A copy of the project's site configuration and the frozen content under `target`."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "mkdocs.yml", target / "mkdocs.yml")
    shutil.copytree(ROOT / "overrides", target / "overrides")
    # mkdocs.yml names its hook by a path relative to itself.
    shutil.copytree(
        ROOT / "generator", target / "generator", ignore=shutil.ignore_patterns("__pycache__")
    )
    (target / "build" / "docs").mkdir(parents=True)
    (target / "content" / "papers").mkdir(parents=True)
    shutil.copytree(SEEDS, target / "content" / "sources")
    shutil.copy(CORPUS / "content" / "themes.yml", target / "content" / "themes.yml")
    shutil.copy(CORPUS / "content" / "sources.yml", target / "content" / "sources.yml")
    if with_papers:
        shutil.copytree(
            CORPUS / "content" / "papers", target / "content" / "papers", dirs_exist_ok=True
        )
    return target


@dataclass(frozen=True)
class Ran:
    """What a command printed and how it ended, as `subprocess.run` reports it."""

    returncode: int
    stdout: str
    stderr: str


SMALL_SOURCE = "003_3e6e6f2d8cb0006f.txt"
"""The built-in listing whose first entries make the small project (NanoFlow is 19th)."""


def make_small_project(target: Path, entries: int = 24) -> Path:
    """A project of `entries` papers, the first of one built-in listing, ingested: for
    tests of behaviour, where 354 papers only cost time."""
    from generator.ingest.parse import normalise_text, paragraphs

    root = make_project(target, with_papers=False)
    for path in (root / "content" / "sources").iterdir():
        path.unlink()
    text = normalise_text((SEEDS / SMALL_SOURCE).read_text(encoding="utf-8"))
    found = paragraphs(text)
    date = next(i for i, (_, para) in enumerate(found) if para == "Mar 17")
    body = [para for _, para in found[date : date + 1 + 2 * entries]]
    source = root / "content" / "sources" / SMALL_SOURCE
    source.write_text("\n\n".join(body) + "\n", encoding="utf-8")
    themes = root / "content" / "themes.yml"  # its start_here lists name other papers
    lines = themes.read_text(encoding="utf-8").splitlines(keepends=True)
    themes.write_text("".join(x for x in lines if "start_here:" not in x), encoding="utf-8")
    result = run_cli(root, "ingest", f"content/sources/{SMALL_SOURCE}")
    assert result.returncode == 0, result.stderr
    return root


def run_cli(
    root: Path, *args: str, env: dict[str, str] | None = None, timeout: float | None = None
) -> Ran:
    """The real `readinglist` command line, run in this process in `root` (click's
    CliRunner). A traceback lands in `stderr`, where the tests look for one. A command
    still running after `timeout` seconds ends the whole test process, with every
    thread's stack: a hang fails loudly instead of stalling the suite."""
    from click.testing import CliRunner

    from generator.cli import main

    old = Path.cwd()
    os.chdir(root)
    if timeout:
        faulthandler.dump_traceback_later(timeout, exit=True)
    try:
        result = CliRunner(env=env).invoke(main, list(args), prog_name="readinglist")
    finally:
        faulthandler.cancel_dump_traceback_later()
        os.chdir(old)
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(result.exception))
    return Ran(result.exit_code, result.stdout, stderr)


def run_process(
    root: Path, *args: str, timeout: float = 300, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real `readinglist` entry point in `root`, as a process of its own: for
    tests where the process is the point (a kill, a lock, a hang, the entry point)."""
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "project")


@pytest.fixture(scope="session")
def seed_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built-in data set, built once into a temporary site with `readinglist build`."""
    root = make_project(tmp_path_factory.mktemp("seed") / "project")
    result = run_cli(root, "build", "--strict")
    assert result.returncode == 0, result.stderr
    return root / "site"


@pytest.fixture(scope="session")
def served_site(seed_site: Path) -> Iterator[str]:
    """The seed site served over HTTP on a free localhost port."""
    server, url = serve_folder(seed_site)
    yield url
    server.shutdown()


def node_package(name: str) -> Path:
    """A package from tests/package-lock.json, installed with `npm ci` on first use."""
    folder = TESTS / "node_modules" / name
    # Test workers start at once: one installs while the others wait on the lock.
    with open(TESTS / ".npm-install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not folder.exists():
            npm = shutil.which("npm")
            assert npm, "npm is needed to install the tests' Node packages"
            subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=TESTS, check=True)
    return folder


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium, driven by Playwright."""
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: apt-get install chromium (.ci/run does this)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def serve_folder(folder: Path) -> tuple[ThreadingHTTPServer, str]:
    """Serve a folder over HTTP on a free localhost port (stop with .shutdown())."""

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    return serve_with(partial(Quiet, directory=str(folder)))


def serve_with(handler: Any) -> tuple[ThreadingHTTPServer, str]:
    """Serve requests with `handler` on a free localhost port, in a thread of its own:
    the server (stop with .shutdown()) and its address, ending in `/`."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def read_bib(text: str) -> list[dict[str, str]]:
    """BibTeX as a reference manager reads it (bibtexparser 2, no LaTeX decoding): one
    dict per entry, with its key as `ID` and its type as `ENTRYTYPE`."""
    import bibtexparser

    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks, [b.error for b in library.failed_blocks]
    return [
        {"ID": e.key, "ENTRYTYPE": e.entry_type, **{f.key.lower(): str(f.value) for f in e.fields}}
        for e in library.entries
    ]
