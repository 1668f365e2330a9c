"""Broken input and killed processes: a clear error, and nothing in content/ or site/ lost."""

from __future__ import annotations

import hashlib
import os
import random
import re
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import ROOT, SMALL_SOURCE, make_project, make_small_project, run_cli

RECORD = "content/papers/nanoflow-towards-optimal-large-language-model-serving-throughput.yml"
QUOTED = "content/papers/model-compression-and-efficient-inference-for-large-language-models-a-survey.yml"
PINNED = {"SOURCE_DATE_EPOCH": "1700000000"}


def snapshot(root: Path) -> dict[str, str]:
    """Every file in content/ and site/ (and anything next to site/), by content hash."""
    files = {}
    for top in ("content", "site"):
        for path in sorted((root / top).rglob("*")):
            if path.is_file():
                files[path.relative_to(root).as_posix()] = hashlib.sha256(
                    path.read_bytes()
                ).hexdigest()
    files["(top level)"] = " ".join(sorted(p.name for p in root.iterdir()))
    return files


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with a built site, copied by each test before it breaks something."""
    root = make_project(tmp_path_factory.mktemp("faults") / "project")
    result = run_cli(root, "build")
    assert result.returncode == 0, result.stderr
    return root


def edit(rel: str, change: Callable[[str], str]) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        path = root / rel
        path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")

    return apply


def write_bytes(rel: str, data: bytes) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        (root / rel).write_bytes(data)

    return apply


def fifty_megabytes(root: Path) -> None:
    with (root / RECORD).open("a", encoding="utf-8") as f:
        f.write("notes: >-\n")
        line = "  " + "x" * 1000 + "\n"
        for _ in range(50 * 1024):
            f.write(line)


def same_title_twice(root: Path) -> None:
    text = (root / RECORD).read_text(encoding="utf-8")
    copy = text.replace("id: nanoflow-towards", "id: copy-of-nanoflow-towards", 1)
    copy = copy.split("listings:")[0]  # a record with the title only
    (
        root
        / "content/papers/copy-of-nanoflow-towards-optimal-large-language-model-serving-throughput.yml"
    ).write_text(copy, encoding="utf-8")


def link(rel: str, target: str) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        (root / rel).unlink()
        (root / rel).symlink_to(target)

    return apply


def fifo(rel: str) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        (root / rel).unlink()
        os.mkfifo(root / rel)  # reading it would wait for a writer forever

    return apply


def device(rel: str) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        (root / rel).unlink()
        os.mknod(root / rel, 0o644 | stat.S_IFCHR, os.makedev(1, 5))  # /dev/zero's

    return apply


def linked_folder(root: Path) -> None:
    outside = root.parent / "outside-papers"
    shutil.move(root / "content/papers", outside)
    (root / "content/papers").symlink_to(outside)


def bad_name(root: Path) -> None:
    (root / "content/papers").joinpath(os.fsdecode(b"x\xff.yml")).write_text("id: x\n")


def staging_folder(root: Path) -> None:
    staging = root / "content/.transaction-x"
    staging.mkdir()
    (staging / "COMMITTED").write_text("../mkdocs.yml\n", encoding="utf-8")
    (root / "content/mkdocs.yml").write_text(
        "site_name: x\nx: !!python/object/apply:os.system ['touch PWNED']\n", encoding="utf-8"
    )


BOMB = "lol: &a [x, x, x, x, x, x, x, x, x]\nlol2: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"

# (name, how to break the project, file named in the error, line or None, words in it)
BROKEN: list[tuple[str, Callable[[Path], None], str, int | None, str]] = [
    (
        "truncated",
        edit(QUOTED, lambda t: t[: t.index("title: '") + 20]),
        QUOTED,
        2,
        "YAML syntax error: found unexpected end of stream",
    ),
    (
        "syntax error",
        edit(RECORD, lambda t: t.replace("title: ", "title: [unclosed ", 1)),
        RECORD,
        2,
        "YAML syntax error",
    ),
    (
        "duplicate key",
        edit(RECORD, lambda t: t + "title: again\n"),
        RECORD,
        37,
        "duplicate key 'title' (first on line 2)",
    ),
    ("alias bomb", edit(RECORD, lambda t: t + BOMB), RECORD, 37, "anchors and aliases"),
    (
        "python tag",
        edit(RECORD, lambda t: t + "notes: !!python/object/apply:os.system ['touch PWNED']\n"),
        RECORD,
        37,
        "tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed",
    ),
    (
        "wrong type",
        edit(RECORD, lambda t: t.replace("title: ", "title:\n- a list\n- ", 1)),
        RECORD,
        2,
        "field 'title': expected a string, got a list",
    ),
    ("not utf-8", write_bytes(RECORD, b"id: x\ntitle: caf\xe9\n"), RECORD, None, "not UTF-8"),
    ("empty", write_bytes(RECORD, b""), RECORD, None, "the file is empty"),
    ("50 MB", fifty_megabytes, RECORD, None, "is over 1,000,000 bytes, the limit"),
    (
        "id differs",
        edit(RECORD, lambda t: t.replace("id: nanoflow", "id: other-nanoflow", 1)),
        RECORD,
        1,
        "field 'id': expected",
    ),
    ("same title", same_title_twice, RECORD, None, "same title as content/papers/copy-of-nanoflow"),
    # Found by trying to break the product (the trust issue): each was a traceback, a
    # hang, a leak or a silent pass.
    ("deep mapping", write_bytes(RECORD, b"{a: " * 499), RECORD, 1, "nest more than 20 levels"),
    ("deep list", write_bytes(RECORD, b"- " * 1000 + b"x\n"), RECORD, 1, "nest more than 20"),
    ("link to a secret", link(RECORD, "/etc/passwd"), RECORD, None, "is a symbolic link"),
    ("link to /dev/zero", link(RECORD, "/dev/zero"), RECORD, None, "is a symbolic link"),
    ("FIFO", fifo(RECORD), RECORD, None, "is not a regular file"),
    ("device", device(RECORD), RECORD, None, "is not a regular file"),
    ("linked folder", linked_folder, "content/papers", None, "is a symbolic link"),
    ("file name not UTF-8", bad_name, "content/papers/x\\xff.yml", None, "not UTF-8"),
    ("staging folder", staging_folder, "content/.transaction-x", None, "staging folder"),
    (
        "empty title",
        edit(RECORD, lambda t: t.replace("title: ", "title: ' '\nx: ", 1)),
        RECORD,
        2,
        "field 'title': expected some text",
    ),
    (
        "empty link name",
        edit(RECORD, lambda t: t + "links:\n  '': https://example.org/\n"),
        RECORD,
        38,
        "a link needs a name",
    ),
]


@pytest.mark.parametrize(
    ("name", "breaker", "where", "line", "words"), BROKEN, ids=[b[0] for b in BROKEN]
)
def test_broken_input_is_named_and_nothing_changes(
    built: Path,
    tmp_path: Path,
    name: str,
    breaker: Callable[[Path], None],
    where: str,
    line: int | None,
    words: str,
) -> None:
    root = tmp_path / "project"
    shutil.copytree(built, root, symlinks=True)
    breaker(root)
    before = snapshot(root)
    source = sorted((root / "content" / "sources").glob("*.txt"))[0]
    for command in (["check"], ["ingest", str(source)], ["build"]):
        result = run_cli(root, *command, timeout=60)  # none of them may hang
        output = result.stdout + result.stderr
        assert result.returncode != 0, (command, output)
        assert where in output, (command, output)
        if line is not None:
            assert f"{where}:{line}:" in output, (command, output)
        assert words in output, (command, output)
        assert "Traceback" not in output, (command, output)
        assert "root:x:0:0" not in output  # no file from outside the project is shown
        assert snapshot(root) == before, command
    assert not (root / "PWNED").exists()


def check_and_build(root: Path) -> str:
    """Both commands succeed; the NanoFlow page's HTML."""
    assert run_cli(root, "check").returncode == 0
    assert run_cli(root, "build").returncode == 0
    page = "site/paper/nanoflow-towards-optimal-large-language-model-serving-throughput"
    return (root / page / "index.html").read_text("utf-8")


def test_values_yaml_11_would_change_are_kept_as_written(built: Path, tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(built, root, symlinks=True)
    edit(RECORD, lambda t: t + "tags: [NO, 1.10, 0704.0010, yes, '~']\n")(root)
    html = check_and_build(root)
    tags = html.split("<strong>Tags:</strong>", 1)[1].split("</p>", 1)[0]
    assert re.findall(r">([^<]*)</a>", tags) == ["NO", "1.10", "0704.0010", "yes", "~"]


def test_crlf_records_are_read_like_lf_ones(built: Path, tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(built, root, symlinks=True)
    path = root / RECORD
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    html = check_and_build(root)
    assert (
        "<h1" in html
        and "NanoFlow: Towards Optimal" in html
        and "\r" not in html.split("<h1")[1][:200]
    )


def start(root: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "generator", *args],
        cwd=root,
        env={**os.environ, **PINNED, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def timed(root: Path, *args: str) -> float:
    begin = time.perf_counter()
    assert start(root, *args).wait(timeout=300) == 0
    return time.perf_counter() - begin


KILLS = 8
"""Kills per test, at random moments of the command's run (seeded)."""


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project of a few papers: a kill shows the same at any size, sooner."""
    return make_small_project(tmp_path_factory.mktemp("small") / "project")


def test_a_killed_build_leaves_the_old_site_or_the_new_one(small: Path, tmp_path: Path) -> None:
    old_root, new_root = tmp_path / "old", tmp_path / "new"
    shutil.copytree(small, old_root, symlinks=True)
    timed(old_root, "build")  # the old site, with the pinned date
    old = {k: v for k, v in snapshot(old_root).items() if k.startswith("site/")}
    change = edit(RECORD, lambda t: t.replace("abstract: >-\n  ", "abstract: >-\n  Edited. ", 1))
    shutil.copytree(old_root, new_root, symlinks=True)
    change(new_root)
    duration = timed(new_root, "build")
    new = {k: v for k, v in snapshot(new_root).items() if k.startswith("site/")}
    assert old != new
    rng = random.Random(5)
    outcomes = []
    # One kill surely before the swap (the process has barely started), the rest anywhere.
    delays = [0.1, *sorted(rng.uniform(0.1, duration * 1.1) for _ in range(KILLS - 4))]
    for delay in delays:
        root = tmp_path / f"kill-{delay:.2f}"
        shutil.copytree(old_root, root, symlinks=True)
        change(root)
        process = start(root, "build")
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        site = {k: v for k, v in snapshot(root).items() if k.startswith("site/")}
        assert site in (old, new), f"killed at {delay:.2f} s: a mix of old and new"
        outcomes.append("new" if site == new else "old")
        # The next build clears what the killed one left and succeeds.
        timed(root, "build")
        assert {k: v for k, v in snapshot(root).items() if k.startswith("site/")} == new
        assert not list(root.glob(".site-*"))
        shutil.rmtree(root)
    assert "old" in outcomes  # some kills landed before the swap


def test_a_killed_ingest_leaves_content_that_loads_and_validates(
    small: Path, tmp_path: Path
) -> None:
    base = tmp_path / "base"
    shutil.copytree(small, base, symlinks=True)
    # A new listing: papers the project already has, then new ones.
    seeds = (base / "content/sources" / SMALL_SOURCE).read_text(encoding="utf-8")
    header, _, body = seeds.partition("\n\n")
    known = len(list((base / "content/papers").glob("*.yml")))
    fresh = [
        f"Fresh paper number {i}: on killing processes\n\nWe study interrupted writes, case {i}."
        for i in range(150)
    ]
    listing = tmp_path / "incoming.txt"
    listing.write_text(header + "\n\n" + body.strip() + "\n\n" + "\n\n".join(fresh) + "\n", "utf-8")
    done = tmp_path / "done"
    shutil.copytree(base, done, symlinks=True)
    duration = timed(done, "ingest", str(listing))
    rng = random.Random(11)
    states = set()
    for delay in sorted(rng.uniform(0.05, duration * 1.1) for _ in range(KILLS)):
        root = tmp_path / f"kill-{delay:.2f}"
        shutil.copytree(base, root, symlinks=True)
        process = start(root, "ingest", str(listing))
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        check = run_cli(root, "check")
        assert check.returncode == 0, f"killed at {delay:.2f} s:\n{check.stdout}{check.stderr}"
        papers = len(list((root / "content/papers").glob("*.yml")))
        assert papers in (known, known + 150), papers  # all of the ingest or none of it
        states.add(papers)
        # Running it again finishes the job, and matches an uninterrupted run.
        assert run_cli(root, "ingest", str(listing)).returncode == 0
        assert {k: v for k, v in snapshot(root).items() if k.startswith("content/")} == {
            k: v for k, v in snapshot(done).items() if k.startswith("content/")
        }
        shutil.rmtree(root)


def test_a_listing_from_a_file_that_does_not_exist_fails_check_and_build(
    built: Path, tmp_path: Path
) -> None:
    root = tmp_path / "project"
    shutil.copytree(built, root, symlinks=True)
    edit(RECORD, lambda t: t.replace("source: 000_6b32cc8f1414c3bd", "source: 999_gone", 1))(root)
    message = (
        f"{RECORD}:24: error: field 'listings': source '999_gone' is not a file in content/sources/"
    )
    check = run_cli(root, "check")
    assert check.returncode == 1 and message in check.stdout
    build = run_cli(root, "build")
    assert build.returncode == 1 and message in build.stderr
