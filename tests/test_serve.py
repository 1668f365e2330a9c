"""`readinglist serve`: an edit to a record reaches every page that shows it."""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.livereload import LiveReloadServer

from generator.content.edit import edited_record
from generator.content.library import load_library
from generator.content.recall import NOTHING_KEPT, Recall
from generator.content.store import KeptRecords, Layout, load_paper
from generator.engine.preview import MARKER, ContentWatch, remove_stale
from generator.errors import ContentError
from generator.site.generate import generate
from generator.site.manifest import NAME as MANIFEST
from generator.site.paths import SiteOptions

from .conftest import ROOT, make_project, make_small_project, run_process
from .searching import index_script

RECORD = "nanoflow-towards-optimal-large-language-model-serving-throughput"


def start_serve(
    root: Path, log: Path, site_url: bool = True, verbose: bool = False, **env: str
) -> tuple[subprocess.Popen[bytes], str]:
    """`readinglist serve` of `root` on a free port, its output in `log`: the process and
    the address it serves (also its `SITE_URL`, unless not `site_url`)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}/"
    inherited = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "REPO_URL")}
    env = {**inherited, "PYTHONPATH": str(ROOT), **({"SITE_URL": base} if site_url else {}), **env}
    with log.open("w") as out:
        server = subprocess.Popen(
            [
                *[sys.executable, "-m", "generator", *(["-v"] if verbose else [])],
                *["serve", "--dev-addr", f"127.0.0.1:{port}"],
            ],
            cwd=root,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return server, base


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
    server, base = start_serve(root, tmp_path / "serve.log")
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
        assert "NanoFlow: Edited Towards" in fetch(f"{base}all-papers/0.js")
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


def test_an_edit_saved_while_a_rebuild_runs_is_shown_after_it(tmp_path: Path) -> None:
    """The server does not watch `content/` while it rebuilds (`preview.ContentWatch`):
    an edit saved after the rebuild has read the records still starts another one."""
    root = make_small_project(tmp_path / "project")
    log = tmp_path / "serve.log"
    server, base = start_serve(root, log, verbose=True)
    path = sorted((root / "content" / "papers").glob("*.yml"))[0]
    text = path.read_text(encoding="utf-8")
    record, _ = load_paper(path, path.name)
    assert record is not None
    paper = f"{base}paper/{path.stem}/"

    def titled(title: str) -> None:
        record.title = title
        path.write_text(edited_record(text, record)[0], encoding="utf-8")

    try:
        assert wait_for(paper, "</html>")
        generated = log.read_text(encoding="utf-8").count("generated files:")
        titled("A First Edit")
        deadline = time.monotonic() + 60  # until this rebuild has read and written pages
        while log.read_text(encoding="utf-8").count("generated files:") == generated:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        titled("A Second Edit")  # MkDocs is still building the pages
        during = log.read_text(encoding="utf-8").count("Site built in ") == 1
        assert wait_for(paper, "A Second Edit", 60)
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert "Traceback" not in log.read_text(encoding="utf-8")
    assert during  # the second edit was saved before that rebuild ended


def test_a_rebuild_rewrites_the_trigger_only_when_content_changed_meanwhile(
    tmp_path: Path,
) -> None:
    """`ContentWatch` against MkDocs' real server: nothing edited during a rebuild starts
    no other; an edit does; and so does a `content/` that cannot be listed (a folder
    nested past the longest path the system takes), where raising would have replaced
    the content error with a traceback."""
    layout = Layout(tmp_path)
    (layout.content / "papers").mkdir(parents=True)
    layout.build.mkdir()
    record = layout.content / "papers" / "a.yml"
    record.write_text("id: a\n", encoding="utf-8")
    server = LiveReloadServer(lambda: None, "127.0.0.1", 0, str(tmp_path))
    watch = ContentWatch()
    watch.start(server, layout)
    trigger = layout.build / ContentWatch.TRIGGER

    def rewritten(edit: Callable[[], object]) -> bool:
        before = trigger.stat()
        watch.pause()
        edit()
        watch.resume()
        after = trigger.stat()
        return (before.st_ino, before.st_mtime_ns) != (after.st_ino, after.st_mtime_ns)

    def nest() -> None:
        folder = os.open(layout.content, os.O_RDONLY)
        for _ in range(25):  # 25 names of 200 characters: over 4,096 bytes of path
            os.mkdir("d" * 200, dir_fd=folder)
            inner = os.open("d" * 200, os.O_RDONLY, dir_fd=folder)
            os.close(folder)
            folder = inner
        os.close(folder)

    assert not rewritten(lambda: None)
    assert rewritten(lambda: record.write_text("id: a\ntitle: A\n", encoding="utf-8"))
    assert not rewritten(lambda: None)
    assert rewritten(nest)


def test_after_a_rebuild_that_fails_edits_to_content_are_still_seen(tmp_path: Path) -> None:
    """A rebuild that raises (here, a broken theme override) still leaves `content/`
    watched: the next edit of a record starts another rebuild."""
    root = make_small_project(tmp_path / "project")
    log = tmp_path / "serve.log"
    server, base = start_serve(root, log)
    failed = "An error happened during the rebuild"
    try:
        assert wait_for(base, "</html>")
        override = root / "overrides" / "main.html"
        override.write_text("{% extends 'base.html' %}{% block content %}{% if %}{% endblock %}")
        deadline = time.monotonic() + 60
        while log.read_text(encoding="utf-8").count(failed) < 1:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        record = sorted((root / "content" / "papers").glob("*.yml"))[0]
        text = record.read_text(encoding="utf-8")
        edited = text.replace("tags: [", "tags: [edited, ", 1)
        record.write_text(edited if "tags: [" in text else text + "tags: [edited]\n")
        while log.read_text(encoding="utf-8").count(failed) < 2:
            assert time.monotonic() < deadline
            time.sleep(0.1)
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_a_content_error_replaces_the_page_until_it_is_fixed(browser, tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    log = tmp_path / "serve.log"
    server, base = start_serve(root, log, site_url=False)
    page = browser.new_page()
    try:
        paper = f"{base}paper/{RECORD}/"
        assert wait_for(paper, "NanoFlow: Towards Optimal")
        # The real address, and one line for the first build.
        lines = log.read_text().splitlines()
        assert f"Serving on {base}" in lines
        assert [line for line in lines if line.startswith("Site built in ")] == lines[:1]
        assert "dirty" not in log.read_text()
        page.goto(paper)
        assert "NanoFlow" in page.title()
        themes = root / "content" / "themes.yml"
        good = themes.read_text(encoding="utf-8")
        lines = good.splitlines()
        broken = next(i for i, line in enumerate(lines) if line.startswith("  keywords:"))
        # Markup in the bad value, which the error message quotes, must stay text.
        lines[broken] = lines[broken].replace("keywords: [", "keywords: <b>bold</b> ", 1)
        themes.write_text("\n".join(lines) + "\n", encoding="utf-8")
        # The open tab shows the error: the file, the line, the message, in the site's style.
        page.wait_for_selector("pre.readinglist-error", timeout=60_000)
        shown = page.inner_text("pre.readinglist-error")
        assert f"content/themes.yml:{broken + 1}: error: field 'themes[0].keywords'" in shown
        assert "<b>bold</b>" in shown and page.locator("pre.readinglist-error b").count() == 0
        # A long message wraps within the window, at 1280 px and on a phone.
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 800})
            box = page.eval_on_selector(
                "pre.readinglist-error code", "e => [e.scrollWidth, e.clientWidth]"
            )
            assert box[0] <= box[1], (width, box)
        assert page.locator("header.md-header").count() == 1
        assert page.evaluate("getComputedStyle(document.body).fontFamily") != ""
        # A new request does not hang, whatever page it asks for.
        started = time.monotonic()
        with pytest.raises(urllib.error.HTTPError) as answer:  # a 404, with the error page
            urllib.request.urlopen(f"{base}papers/", timeout=5)
        assert "did not build" in answer.value.read().decode("utf-8")
        assert time.monotonic() - started < 5
        # Fixed, the page comes back by itself.
        themes.write_text(good, encoding="utf-8")
        page.wait_for_selector("text=NanoFlow: Towards Optimal", timeout=60_000)
        assert page.locator("pre.readinglist-error").count() == 0
        # One edit, one rebuild: the first build, the failed one, the fixed one.
        deadline = time.monotonic() + 30
        while log.read_text().count("Site built in ") < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(2)  # a second rebuild, if an edit caused two, would be done by now
        text = log.read_text()
        assert text.count("Site built in ") == 2 and text.count("Site failed in ") == 1, text
        assert "Traceback" not in text and "WARNING" not in text, text
    finally:
        page.close()
        server.terminate()
        server.wait(timeout=20)


def random_edits(root: Path, rng: random.Random, count: int) -> list[str]:
    """`count` edits of every kind a curator makes, applied one by one as `next()` asks:
    a field of a record, a new record, a deleted record, a record renamed (its old id
    kept in `former_ids`, so its old page redirects), a theme's keyword, title, id or
    icon (which the navigation of every page in the Themes section shows)."""
    papers = root / "content" / "papers"
    themes = root / "content" / "themes.yml"
    kinds = ["field", "title", "new", "delete", "rename", "keyword", "theme title", "theme id"]
    kinds.append("icon")
    icons = ["material/star-outline", "material/school", "material/lightning-bolt"]
    done = []
    for i in range(count):
        kind = kinds[i % len(kinds)] if i < len(kinds) else rng.choice(kinds)
        if i == count - 1:  # last, so that no later change of the navigation hides it
            kind = "icon"
        records = sorted(papers.glob("*.yml"))
        record = rng.choice(records)
        text = record.read_text(encoding="utf-8")
        if kind == "field":
            record.write_text(
                text + f"tags: [edit-{i}]\n"
                if "tags:" not in text
                else text.replace("tags: [", f"tags: [edit-{i}, ", 1),
                encoding="utf-8",
            )
        elif kind == "title":
            paper, _ = load_paper(record, record.name)
            assert paper is not None
            paper.title = f"Edited {i} {paper.title}"
            record.write_text(edited_record(text, paper)[0], encoding="utf-8")
        elif kind == "new":
            (papers / f"new-paper-{i}.yml").write_text(
                f"id: new-paper-{i}\ntitle: New paper {i} on speculative decoding\n"
                f"abstract: We serve large language models {i} times faster.\n",
                encoding="utf-8",
            )
        elif kind == "delete":
            record.unlink()
        elif kind == "rename":
            paper, _ = load_paper(record, record.name)
            assert paper is not None
            paper.former_ids.append(paper.id)
            paper.id = f"{paper.id}-{i}"
            (papers / f"{paper.id}.yml").write_text(edited_record(text, paper)[0], encoding="utf-8")
            record.unlink()
        elif kind == "theme id":
            lines = themes.read_text(encoding="utf-8").splitlines(keepends=True)
            named = " ".join(p.read_text(encoding="utf-8") for p in papers.glob("*.yml"))
            at = rng.choice(  # a theme no record names, not renamed yet
                [
                    n
                    for n, line in enumerate(lines[:-1])
                    if line.startswith("- id: ")
                    and "former_ids" not in lines[n + 1]
                    and line[6:].strip() not in named
                ]
            )
            old = lines[at].removeprefix("- id: ").strip()
            lines[at] = f"- id: {old}-{i}\n  former_ids: [{old}]\n"
            themes.write_text("".join(lines), encoding="utf-8")
        else:
            lines = themes.read_text(encoding="utf-8").splitlines(keepends=True)
            at = rng.choice(
                [
                    n
                    for n, line in enumerate(lines)
                    if line.startswith(
                        {"keyword": "  keywords: [", "icon": "  icon: "}.get(kind, "  title: ")
                    )
                ]
            )
            if kind == "icon":
                lines[at] = f"  icon: {rng.choice(icons)}\n"
            elif kind == "keyword":
                lines[at] = lines[at].replace("[", f"[decod{'e' * (i % 3)}ing, ", 1)
            else:
                lines[at] = lines[at].rstrip("\n") + f" {i}\n"
            themes.write_text("".join(lines), encoding="utf-8")
        done.append(f"{kind} {record.name}")
        yield done[-1]


def builds_logged(log: Path) -> int:
    text = log.read_text(encoding="utf-8")
    return text.count("Site built in ") + text.count("Site failed in ")


def settled(log: Path, after: int, quiet: float = 1.0, limit: float = 60.0) -> int:
    """Wait for a build past `after`, then for none to start for `quiet` seconds."""
    deadline = time.monotonic() + limit
    while builds_logged(log) <= after and time.monotonic() < deadline:
        time.sleep(0.1)
    count, since = builds_logged(log), time.monotonic()
    while time.monotonic() - since < quiet and time.monotonic() < deadline:
        time.sleep(0.1)
        if builds_logged(log) != count:
            count, since = builds_logged(log), time.monotonic()
    return count


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith(".readinglist-")
    }


def test_what_serve_shows_after_any_edits_is_a_clean_build(tmp_path: Path) -> None:
    """Twenty edits of every kind, some in quick succession, under a real `serve` with
    its dirty rebuilds: the served folder then equals a clean build, byte for byte."""
    root = make_small_project(tmp_path / "project")
    temp = tmp_path / "tmp"
    temp.mkdir()
    log = tmp_path / "serve.log"
    server, base = start_serve(root, log, SOURCE_DATE_EPOCH="1700000000", TMPDIR=str(temp))
    try:
        count = settled(log, 0)
        rng = random.Random(31)
        for n, _edit in enumerate(random_edits(root, rng, 20)):
            if n % 4 == 3 and n < 19:
                continue  # the next edit follows at once: two edits, one rebuild
            count = settled(log, count)
        (served,) = temp.glob("mkdocs_*")
        shown = files_of(served)
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert "Traceback" not in log.read_text()
    result = run_process(
        root,
        "build",
        "--site-dir",
        str(tmp_path / "clean"),
        env={"SITE_URL": base, "SOURCE_DATE_EPOCH": "1700000000"},
    )
    assert result.returncode == 0, result.stderr
    clean = files_of(tmp_path / "clean")
    assert sorted(shown) == sorted(clean)
    assert [name for name in clean if shown[name] != clean[name]] == []


def test_what_a_preview_recalls_is_what_computing_gives(tmp_path: Path) -> None:
    """`serve` keeps pages, citations and words between rebuilds (`content.recall`):
    after each of forty random edits, generating with what it kept gives the same
    files as generating from nothing, and most of them were recalled."""
    root = make_small_project(tmp_path / "project")
    layout, options = Layout(root), SiteOptions(build_date="2024-01-01T00:00:00+00:00")
    kept, recall = KeptRecords(), Recall()
    recalled, fresh = tmp_path / "recalled", tmp_path / "fresh"
    generate(layout, options, recalled, kept, recall)
    for edit in random_edits(root, random.Random(7), 40):
        generate(layout, options, recalled, kept, recall)
        generate(layout, options, fresh)
        made, again = files_of(recalled), files_of(fresh)
        del made[MANIFEST], again[MANIFEST]  # its files' times differ
        assert made == again, edit
        assert recall.hits > 20, edit  # each paper's words, at least, were kept


def test_what_the_preview_remembers_of_its_folder_is_only_what_it_keeps(tmp_path: Path) -> None:
    """`Recall.left`: what `sync_folder` left in the preview's folder is remembered for
    the next rebuild only where the recall keeps the text (a paper's page), so that it
    holds no memory of its own; a one-shot build remembers nothing."""
    root = make_small_project(tmp_path / "project")
    layout, options = Layout(root), SiteOptions(build_date="2024-01-01T00:00:00+00:00")
    docs, recall = tmp_path / "docs", Recall()
    generate(layout, options, docs, KeptRecords(), recall)
    left = recall.left(docs)
    assert left is not None and "papers.json" in left and f"paper/{RECORD}.md" in left
    recall.next_round()  # as the next rebuild starts
    assert f"paper/{RECORD}.md" in left and "papers.json" not in left
    assert all(rel.startswith(("paper/", "search-index/d/", "feeds/", "feed.")) for rel in left)
    assert NOTHING_KEPT.left(docs) is None


def test_a_kept_map_cannot_be_written(tmp_path: Path) -> None:
    """A theme map's positions are kept between rebuilds and shared by every page that
    shows them: they are read-only, so no later use can change what is recalled."""
    from generator.site.pages import _positions

    root = make_small_project(tmp_path / "project")
    papers = list(load_library(Layout(root)).papers.values())
    positions = _positions(papers, Recall())
    assert positions.shape == (len(papers), 2)
    with pytest.raises(ValueError):
        positions[0, 0] = 1.0


def test_serve_parses_a_record_again_only_when_its_bytes_change(tmp_path: Path) -> None:
    """`serve` keeps the records it parsed (`store.KeptRecords`): what it loads is what
    a fresh load gives, after any edit; an unchanged file is not parsed again."""
    root = make_small_project(tmp_path / "project")
    layout = Layout(root)
    kept = KeptRecords()
    first = load_library(layout, kept)
    again = load_library(layout, kept)
    assert all(again.papers[pid] is paper for pid, paper in first.papers.items())
    edited, removed, *_ = sorted(layout.papers.glob("*.yml"))
    edited.write_text(
        edited.read_text(encoding="utf-8").replace("title: >-\n  ", "title: >-\n  New ", 1)
    )
    removed.unlink()
    third = load_library(layout, kept)
    assert third.papers == load_library(layout).papers
    assert third.papers[edited.stem].title.startswith("New ")
    assert removed.stem not in third.papers
    edited.write_text("title: [unclosed\n", encoding="utf-8")
    for _ in range(2):  # an error is reported on every load, kept or not
        with pytest.raises(ContentError) as refused:
            load_library(layout, kept)
        assert any(p.path.endswith(edited.name) for p in refused.value.problems)


def test_a_rebuild_removes_what_no_page_makes_any_more(tmp_path: Path) -> None:
    """`remove_stale` under a real MkDocs configuration: what this build did not make
    goes, with the folders it leaves empty; its outputs, the theme's static pages, the
    preview's marker and a link someone left (not what it points to) stay."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: t\ntheme: material\n", encoding="utf-8")
    site, outside = tmp_path / "site", tmp_path / "outside"
    config = load_config(str(tmp_path / "mkdocs.yml"), site_dir=str(site))
    made = ["index.html", "paper/a/index.html", "search-index/d/0.js"]
    stale = ["paper/b/index.html", "deep/x/y/z.html", "search-index/d/1.js", f"deep/{MARKER}"]
    for rel in [*made, *stale, "404.html", MARKER, "outside/kept.txt"]:
        path = (site if not rel.startswith("outside/") else tmp_path) / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(rel, encoding="utf-8")
    (site / "empty" / "emptier").mkdir(parents=True)
    (site / "paper" / "linked").symlink_to(outside, target_is_directory=True)
    remove_stale(config, set(made))
    left = sorted(p.relative_to(site).as_posix() for p in site.rglob("*"))
    folders = ["paper", "paper/a", "paper/linked", "search-index", "search-index/d"]
    assert left == sorted([*made, *folders, "404.html", MARKER])
    assert (outside / "kept.txt").read_text(encoding="utf-8") == "outside/kept.txt"
