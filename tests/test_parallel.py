"""Two parts of the generator at once: same results as one after the other."""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from markupsafe import Markup

from generator import parallel, pipeline, rawhtml, render
from generator.build import BuildError, build_site
from generator.pipeline import prepare, write_later, write_output
from generator.render import SiteOptions
from generator.store import Layout, load_library, load_papers

from .conftest import make_project

ROOT = Path(__file__).resolve().parent.parent


def fork_always(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fork at any size (test projects are below the threshold); skip where it cannot."""
    monkeypatch.setattr(parallel, "MIN_PAPERS", 0)
    if not parallel.worth_it(1):
        pytest.skip("forking needs fork() and a second core")


@pytest.fixture(name="fork_always")
def _fork_always(monkeypatch: pytest.MonkeyPatch) -> None:
    fork_always(monkeypatch)


@pytest.fixture
def forked_project(tmp_path: Path, fork_always: None) -> Path:
    """The test project, generated with a forked child as a large library is."""
    return make_project(tmp_path / "project")


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


def test_a_value_sent_after_the_fork_reaches_the_child() -> None:
    inbox: parallel.Inbox[dict[str, list[int]]] = parallel.Inbox()
    first, second = parallel.in_turn(os.getpid, inbox.receive, fork=True)
    assert first.wait() != os.getpid()  # the child is under way before the value exists
    value = {f"paper-{i}": list(range(i % 7)) for i in range(20_000)}  # more than a pipe holds
    inbox.send(value)
    assert second.wait() == value


def test_sending_does_not_wait_for_the_child_to_read(tmp_path: Path) -> None:
    sent = tmp_path / "sent"
    inbox: parallel.Inbox[bytes] = parallel.Inbox()

    def receive_once_sent() -> int:
        deadline = time.monotonic() + 60
        while not sent.exists():  # the parent goes on only if send() did not wait for us
            if time.monotonic() > deadline:
                raise AssertionError("send() waited for the child to read")
            time.sleep(0.01)
        return len(inbox.receive())

    (received,) = parallel.in_turn(receive_once_sent, fork=True)
    inbox.send(b"x" * 1_000_000)  # far more than a pipe holds until it is read
    sent.touch()
    assert received.wait() == 1_000_000


def test_a_child_whose_value_never_comes_is_told() -> None:
    inbox: parallel.Inbox[int] = parallel.Inbox()
    (received,) = parallel.in_turn(inbox.receive, fork=True)
    inbox._writer.close()  # as when this process stops before sending
    with pytest.raises(parallel.ChildFailed, match="before it sent the child its work"):
        received.wait()


def _claimed(parts: Iterator[range], pause: float) -> list[int]:
    taken: list[int] = []
    for part in parts:
        taken += part
        time.sleep(pause)  # each side takes its time, so that both get some
    return taken


@pytest.mark.parametrize("pause", [0.0, 0.002])
@pytest.mark.usefixtures("fork_always")
def test_claims_give_each_position_to_exactly_one_side(pause: float) -> None:
    claims = parallel.Claims(1000, 7)
    (childs,) = parallel.in_turn(lambda: _claimed(claims.back(), pause), fork=True)
    mine = _claimed(claims.front(), pause)
    theirs = childs.wait()
    assert sorted(mine + theirs) == list(range(1000))
    # The front took a first stretch, the back the rest: they met in between.
    assert max(mine, default=-1) < min(theirs, default=1000)
    if pause:
        assert mine and theirs  # both sides took part


@pytest.mark.usefixtures("fork_always")
def test_a_child_killed_while_claiming_leaves_the_rest_to_this_process() -> None:
    claims = parallel.Claims(100, 10)

    def dies_claiming() -> None:
        with claims._locked():
            os._exit(9)  # as if killed between taking the lock and letting it go

    (died,) = parallel.in_turn(dies_claiming, fork=True)
    with pytest.raises(parallel.ChildFailed):
        died.wait()
    taken: list[list[int]] = []
    claiming = threading.Thread(
        target=lambda: taken.append(_claimed(claims.front(), 0)), daemon=True
    )
    claiming.start()
    claiming.join(timeout=10)
    assert not claiming.is_alive(), "waited for a lock its dead holder never let go"
    assert taken == [list(range(100))]


def test_claims_with_no_child_all_go_to_the_front() -> None:
    claims = parallel.Claims(10, 4)
    assert list(claims.front()) == [range(0, 4), range(4, 8), range(8, 10)]
    assert list(claims.back()) == []
    assert list(parallel.Claims(0, 4).front()) == []


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_forked_generation_writes_the_same_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    serial = prepare(Layout(ROOT))
    fork_always(monkeypatch)
    options = SiteOptions(site_url="https://example.org/rl/", edit_base="https://e/")
    (tmp_path / "forked" / "stale").mkdir(parents=True)
    (tmp_path / "forked" / "stale" / "old.md").write_text("gone", encoding="utf-8")
    # The child helps with the themes and finds mentions and related papers itself:
    # hand it a library without.
    later = load_library(Layout(ROOT), may_fork=True)
    generated = write_later(later, options, tmp_path / "forked", lambda: "the key")
    generated.written.wait()
    assert later.membership == serial.membership
    assert generated.key.wait() == "the key"  # computed by the child, last
    serially = write_output(serial, options, tmp_path / "serial")
    serially.written.wait()
    assert _tree(tmp_path / "forked") == _tree(tmp_path / "serial")
    assert len(_tree(tmp_path / "serial")) > len(serial.papers)
    assert generated.nav == serially.nav and serially.pages == {} == serially.later
    # MkDocs gets the other pages whole, and the paper, theme, home and All papers
    # pages as they arrive.
    pages = _tree(tmp_path / "forked")
    assert {p for p in pages if p.endswith(".md")} == generated.pages.keys()
    late = {p for p in pages if p.startswith(("paper/", "theme/")) or p in render.Skeleton.LATE}
    assert late == generated.later.keys()
    for path, text in generated.pages.items():
        arrived = generated.later[path].wait()[path] if path in generated.later else text
        assert arrived.encode() == pages[path]


def test_jobs_in_turn_in_one_child_each_result_as_it_is_ready(tmp_path: Path) -> None:
    import time

    release = tmp_path / "release"

    def second() -> int:
        while not release.exists():  # held until the parent has the first result
            time.sleep(0.01)
        return os.getpid()

    first, later = parallel.in_turn(os.getpid, second, fork=True)
    child = first.wait()
    assert child != os.getpid()
    release.touch()
    assert later.wait() == child
    assert later.wait() == child  # a result may be waited for again


def test_a_failed_job_in_turn_fails_the_ones_after_it() -> None:
    ran: list[str] = []

    def fails() -> None:
        raise KeyError("first")

    for fork in (True, False):
        first, second = parallel.in_turn(fails, lambda: ran.append("second"), fork=fork)
        with pytest.raises(KeyError, match="first"):
            second.wait()
        with pytest.raises(KeyError, match="first"):
            first.wait()
    assert ran == []


def test_jobs_in_turn_without_fork_run_in_order_when_waited_for() -> None:
    ran: list[str] = []
    first, second = parallel.in_turn(lambda: ran.append("a"), lambda: ran.append("b"), fork=False)
    assert ran == []
    second.wait()
    first.wait()
    assert ran == ["a", "b"]


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
    fork_always(monkeypatch)
    forked = load_papers(Layout(tmp_path), may_fork=True)
    assert forked == serial
    assert [p.path for p in forked[1]] == [f"content/papers/{records[-1].name}"]


def test_a_build_whose_files_a_forked_child_writes_is_the_same_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    root = make_project(tmp_path / "project")
    serial = _tree(build_site(root / "mkdocs.yml", tmp_path / "serial"))
    fork_always(monkeypatch)
    # From an empty folder, pages and downloads are not there yet when MkDocs lists it.
    docs = root / "build" / "docs"
    generated_serially = _tree(docs)
    shutil.rmtree(docs)
    docs.mkdir()
    forked = _tree(build_site(root / "mkdocs.yml", tmp_path / "forked"))
    assert forked.keys() == serial.keys() and "papers.json" in forked
    assert forked == serial
    # The build waited for the child: the folder is complete, manifest and all.
    assert _tree(docs).keys() == generated_serially.keys()
    assert _tree(docs) == {**generated_serially, ".generated.json": _tree(docs)[".generated.json"]}


def test_a_page_left_from_an_earlier_build_is_gone_before_mkdocs_lists_the_folder(
    tmp_path: Path, forked_project: Path
) -> None:
    root = forked_project
    stale = root / "build" / "docs" / "paper" / "a-paper-since-removed.md"
    stale.parent.mkdir(parents=True)
    stale.write_text("# A paper since removed\n", encoding="utf-8")
    site = build_site(root / "mkdocs.yml", tmp_path / "site")
    assert not stale.exists()
    assert not (site / "paper" / "a-paper-since-removed").exists()
    assert (site / "paper").is_dir()


@pytest.mark.parametrize(
    "page",
    [
        "index.md",
        "paper/gpipe-efficient-training-of-giant-neural-networks-using-pipeline-parallelism.md",
    ],
)
def test_a_page_that_cannot_be_written_fails_the_build(
    tmp_path: Path, forked_project: Path, page: str
) -> None:
    root = forked_project
    # A folder stands where the page goes (the home page, which this process writes,
    # or a paper page, which the child writes while MkDocs builds); the dotfile in it
    # (which neither the generator nor MkDocs lists) keeps the pruning from removing it.
    blocked = root / "build" / "docs" / page
    blocked.mkdir(parents=True)
    (blocked / ".keep").touch()
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "old.html").write_text("the previous site", encoding="utf-8")
    with pytest.raises(BuildError, match=re.escape(f"Is a directory: build/docs/{page};")):
        build_site(root / "mkdocs.yml", tmp_path / "site")
    assert _tree(tmp_path / "site") == {"old.html": b"the previous site"}
    assert not (root / "build" / "docs" / ".generated.json").exists()


def test_a_download_that_fails_in_the_child_fails_the_build(
    tmp_path: Path, forked_project: Path
) -> None:
    root = forked_project
    # A folder stands where papers.json goes (kept from pruning by its dotfile).
    blocked = root / "build" / "docs" / "papers.json"
    blocked.mkdir(parents=True)
    (blocked / ".keep").touch()
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "old.html").write_text("the previous site", encoding="utf-8")
    with pytest.raises(BuildError, match=re.escape("Is a directory: build/docs/papers.json;")):
        build_site(root / "mkdocs.yml", tmp_path / "site")
    assert _tree(tmp_path / "site") == {"old.html": b"the previous site"}


def test_every_page_is_at_hand_or_on_its_way_when_generate_returns(
    tmp_path: Path, fork_always: None
) -> None:
    docs = tmp_path / "docs"
    generated = pipeline.generate(Layout(ROOT), docs, SiteOptions(), background=True)
    # MkDocs goes on right away: it reads the other lists whole, empty placeholders
    # for the paper pages, and the theme, home and All papers pages without the
    # blocks that take long; they arrive as MkDocs builds them.
    records = (ROOT / "content" / "papers").glob("*.yml")
    papers = {f"paper/{r.stem}.md" for r in records}
    assert papers < generated.pages.keys() and papers < generated.later.keys()
    assert all(generated.pages[p] == "" for p in papers)
    assert "# Themes" in generated.pages["themes.md"] and "themes.md" not in generated.later
    late_parts = {
        "theme/llm-serving.md": 'class="rl-dot"',  # the paper map
        "index.md": 'class="rl-node"',  # the theme map
        "papers.md": "<tr><td><a ",  # the table's rows
    }
    for page, part in late_parts.items():
        placeholder, whole = generated.pages[page], generated.later[page].wait()[page]
        assert part in whole and part not in placeholder
        assert rawhtml.lift(whole)[0] == rawhtml.lift(placeholder)[0]
    generated.written.wait()
    assert json.loads((docs / "papers.json").read_text(encoding="utf-8"))
    assert all(
        (docs / p).read_text(encoding="utf-8") == generated.later[p].wait()[p] for p in papers
    )


def test_a_theme_page_unlike_its_placeholder_fails_the_build(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    forked_project: Path,
) -> None:
    # A placeholder without the map's block: MkDocs would put the cards where the map
    # goes. The hook compares the whole page, less its blocks, with what MkDocs read.
    monkeypatch.setattr(render.Skeleton, "paper_map", lambda *args: Markup(""))
    _fails_with(forked_project, tmp_path / "site", caplog, "came out unlike its placeholder")


def _fails_with(root: Path, site: Path, caplog: pytest.LogCaptureFixture, logged: str) -> None:
    """The build fails, MkDocs having logged `logged`, and leaves no site."""
    # A BuildError is printed by the command line without a traceback, after MkDocs
    # has logged what went wrong.
    with pytest.raises(BuildError, match="site/ was left as it was"):
        build_site(root / "mkdocs.yml", site)
    assert logged in caplog.text
    assert not site.exists()


def test_a_child_that_dies_fails_the_build_with_a_message(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    forked_project: Path,
) -> None:
    monkeypatch.setattr(pipeline, "download_files", lambda *args: os._exit(9))
    died = "second process (forked to use another core) died"
    _fails_with(forked_project, tmp_path / "site", caplog, died)


def test_files_added_after_the_listing_take_the_listings_order(tmp_path: Path) -> None:
    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files

    from generator import hooks

    docs = tmp_path / "docs"
    names = ["b.md", "index.md", "a.md", "z/index.md", "z/a.md", "paper/x.md", "paper-x/a.md"]
    names += ["paper/README.md", "theme/a.bib", "a/b/c.md", "a.b.md"]
    for name in names:
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text("# x\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: x\ndocs_dir: docs\n", encoding="utf-8")
    listed = [f.src_uri for f in get_files(load_config(str(tmp_path / "mkdocs.yml")))]
    shuffled = sorted(get_files(load_config(str(tmp_path / "mkdocs.yml"))), key=lambda f: f.name)
    assert [f.src_uri for f in sorted(shuffled, key=hooks._listing_order)] == listed
