"""`readinglist serve`: an edit to a record reaches every page that shows it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from .conftest import ROOT, make_project
from .searching import index_script

RECORD = "nanoflow-towards-optimal-large-language-model-serving-throughput"


def fetch(url: str) -> str:
    try:
        return urllib.request.urlopen(url, timeout=5).read().decode("utf-8")
    except OSError:
        return ""


def served_index(base: str) -> str:
    """The served search index's documents, as one text."""
    _, manifest = index_script(fetch(f"{base}search-index/manifest.js"))
    chunks = range(-(-manifest["docs"] // manifest["chunk"]))
    return "\n".join(fetch(f"{base}search-index/d/{c}.js") for c in chunks)


def wait_for(url: str, text: str, seconds: float = 90) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if text in fetch(url):
            return True
        time.sleep(0.2)
    return False


def test_an_edit_shows_on_the_paper_its_theme_and_the_table(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}/"
    server = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(ROOT), "SITE_URL": base},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        paper = f"{base}paper/{RECORD}/"
        assert wait_for(paper, "NanoFlow: Towards Optimal")
        path = root / "content" / "papers" / f"{RECORD}.yml"
        text = path.read_text(encoding="utf-8")
        path.write_text(
            text.replace("title: 'NanoFlow: Towards", "title: 'NanoFlow: Edited Towards", 1),
            encoding="utf-8",
        )
        assert wait_for(paper, "NanoFlow: Edited Towards")
        # Every page that shows the title is rebuilt.
        assert "NanoFlow: Edited Towards" in fetch(f"{base}theme/llm-serving/")
        assert "NanoFlow: Edited Towards" in fetch(f"{base}papers/")
        assert "NanoFlow: Edited Towards" in served_index(base)
        assert "NanoFlow: Towards Optimal" not in served_index(base)
        # A deleted record's page and search entries go (they stayed, with dirty builds).
        gone = "tutel-adaptive-mixture-of-experts-at-scale"
        assert "Tutel" in fetch(f"{base}paper/{gone}/")
        (root / "content" / "papers" / f"{gone}.yml").unlink()
        deadline = time.monotonic() + 90
        while fetch(f"{base}paper/{gone}/") and time.monotonic() < deadline:
            time.sleep(0.2)
        assert fetch(f"{base}paper/{gone}/") == ""
        assert f"paper/{gone}/" not in served_index(base)
    finally:
        server.terminate()
        server.wait(timeout=20)
