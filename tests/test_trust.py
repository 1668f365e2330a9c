"""A content-only pull request from a stranger: it must not write outside content/ and
the site folder, run code, leak a file, hang, or break the site."""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from generator.errors import Problem
from generator.site.output import BuildError, check_site_dir

from .conftest import ROOT, make_project, run_cli
from .test_ship import git

SECRET = "Secret record from outside the repository"
FORGED = "evil\n::error file=forged.yml,line=1::forged"


def tree_digest(root: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """Every entry under `root` (links as their target, not followed), by digest."""
    found = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if rel.split("/")[0] in skip:
            continue
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode):
            found[rel] = "link to " + os.readlink(path)
        elif stat.S_ISREG(info.st_mode):
            found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            found[rel] = stat.filemode(info.st_mode)
    return found


def open_pull_request(root: Path, outside: Path) -> None:
    """Everything a hostile pull request tried, in content/ (and where git lets it)."""
    content = root / "content"
    # The critical hole: a staging folder whose list moves content/mkdocs.yml (a config
    # whose YAML runs code) over the project's.
    (content / ".transaction-x").mkdir()
    (content / ".transaction-x" / "COMMITTED").write_text("../mkdocs.yml\n", encoding="utf-8")
    (content / "mkdocs.yml").write_text(
        "site_name: x\nx: !!python/object/apply:os.system ['touch PWNED']\n", encoding="utf-8"
    )
    # Links out of content/: a record, a record folder, and secrets.
    (outside / "secret.yml").write_text(f"id: leak\ntitle: {SECRET}\n", encoding="utf-8")
    (content / "papers" / "leak.yml").symlink_to(outside / "secret.yml")
    (content / "papers" / "folder.yml").symlink_to(outside)
    (content / "papers" / "passwd.yml").symlink_to("/etc/passwd")
    (content / "sources" / "config.txt").symlink_to(root / ".git" / "config")
    (content / "papers" / "zero.yml").symlink_to("/dev/zero")
    os.mkfifo(content / "papers" / "fifo.yml")
    # A file name that would forge a GitHub annotation.
    (content / "papers" / f"{FORGED}.yml").write_text("id: x\ntitle: x\n", encoding="utf-8")
    # The generated folder and the site folder as links out of the project.
    shutil.rmtree(root / "build" / "docs")
    (root / "build" / "docs").symlink_to(outside)
    (root / "site").symlink_to(outside)


def test_a_hostile_pull_request_changes_nothing_outside_content(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "precious.txt").write_text("keep me\n", encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    (root / ".git" / "config").write_text(
        (root / ".git" / "config").read_text(encoding="utf-8")
        + "[http]\n\textraheader = AUTHORIZATION: basic c2VjcmV0\n",
        encoding="utf-8",
    )
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    open_pull_request(root, outside)
    before = tree_digest(root, skip=("content", "site", "build"))
    outside_before = tree_digest(outside)
    commands = [
        ["check"],
        ["check", "--format", "github"],
        ["build"],
        ["build", "--site-dir", "."],
        ["build", "--site-dir", "content"],
        ["build", "--site-dir", "build/docs"],
        ["bundle"],
        ["diff", "main"],
        ["new", "A new paper"],
        ["ingest", str(root / "content" / "sources" / "000_6b32cc8f1414c3bd.txt")],
    ]
    outputs = {}
    for command in commands:
        result = run_cli(root, *command, timeout=120)  # a hang fails here
        output = outputs[" ".join(command)] = result.stdout + result.stderr
        assert "Traceback" not in output, (command, output)
        if command[0] not in ("diff", "new"):  # those two may work: they write no site
            assert result.returncode == 1, (command, output)
    everything = "\n".join(outputs.values())
    assert not list(tmp_path.rglob("PWNED"))
    assert SECRET not in everything and "root:x:0:0" not in everything
    assert "AUTHORIZATION" not in everything and "c2VjcmV0" not in everything
    assert tree_digest(root, skip=("content", "site", "build")) == before
    assert tree_digest(outside) == outside_before
    assert (root / "site").is_symlink() and (root / "build" / "docs").is_symlink()
    github = outputs["check --format github"].splitlines()
    assert not any(line.startswith("::error file=forged.yml") for line in github)
    check = outputs["check"]
    for name, reason in [
        ("content/.transaction-x", "a staging folder of an interrupted write"),
        ("content/papers/leak.yml", "is a symbolic link"),
        ("content/papers/folder.yml", "is a symbolic link"),
        ("content/papers/zero.yml", "is a symbolic link"),
        ("content/papers/fifo.yml", "is not a regular file"),
        ("content/sources/config.txt", "is a symbolic link"),
    ]:
        assert f"{name}: error: {reason}" in check, (name, check)
    assert "the site folder site/ is a symbolic link" in outputs["build"]
    for site_dir in (".", "content", "build/docs"):
        assert "would replace" in outputs[f"build --site-dir {site_dir}"]


@pytest.mark.parametrize("linked", ["build/docs", "build"])
@pytest.mark.parametrize("command", ["build", "generate", "serve"])
def test_a_generated_folder_that_is_a_link_is_not_written_through(
    project: Path, tmp_path: Path, linked: str, command: str
) -> None:
    """A pull request can commit build/docs (or build/) as a link to anywhere: the
    generator would have made that folder hold only its pages, deleting the rest."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "precious.txt").write_text("keep me\n", encoding="utf-8")
    shutil.rmtree(project / "build")
    (project / linked).parent.mkdir(exist_ok=True)
    (project / linked).symlink_to(outside)
    result = run_cli(project, command, timeout=60)  # serve would serve forever
    assert result.returncode == 1
    assert f"{linked}: is a symbolic link; the tool does not follow links\n" in result.stderr
    assert "Traceback" not in result.stderr
    assert [p.name for p in outside.iterdir()] == ["precious.txt"]


def test_github_annotations_escape_every_property() -> None:
    problem = Problem("content/papers/a,line=9\n::error file=x::y.yml", 3, "50% done\nnext")
    assert problem.annotation() == (
        "::error file=content/papers/a%2Cline=9%0A%3A%3Aerror file=x%3A%3Ay.yml,line=3"
        "::50%25 done%0Anext"
    )


@pytest.fixture
def built(project: Path) -> Path:
    result = run_cli(project, "build")
    assert result.returncode == 0, result.stderr
    return project


def test_the_site_folder_must_be_one_a_build_made(built: Path) -> None:
    mine = built / "notes"
    mine.mkdir()
    (mine / "todo.txt").write_text("mine\n", encoding="utf-8")
    result = run_cli(built, "build", "--site-dir", "notes")
    assert result.returncode == 1
    assert result.stderr == (
        "Error: notes/ holds files that no build made (it has no .readinglist-site); "
        "the build would delete them: remove the folder or choose another\n"
    )
    assert (mine / "todo.txt").read_text(encoding="utf-8") == "mine\n"
    assert (built / "site" / ".readinglist-site").is_file()
    again = run_cli(built, "build")  # the folder an earlier build made is replaced
    assert again.returncode == 0, again.stderr


def test_the_site_folder_may_not_hold_the_project(built: Path) -> None:
    before = tree_digest(built, skip=("site",))
    for site_dir, message in [
        (".", "the site folder project/ would replace the project; choose another"),
        ("..", "the site folder ../ would replace the project; choose another"),
        ("content", "the site folder content/ would replace content/ of the project"),
        ("content/papers", "the site folder papers/ would replace content/ of the project"),
        (".git", "the site folder .git/ would replace .git/ of the project"),
    ]:
        result = run_cli(built, "build", "--site-dir", site_dir)
        assert result.returncode == 1, site_dir
        assert message in result.stderr, (site_dir, result.stderr)
    assert tree_digest(built, skip=("site",)) == before


def test_the_root_folder_as_the_site_folder_is_named_once(tmp_path: Path) -> None:
    """Called directly: no build is ever run against "/". It was named "//"."""
    with pytest.raises(BuildError) as refused:
        check_site_dir(Path("/"), tmp_path)
    assert str(refused.value) == "the site folder / would replace the project; choose another"


def test_two_builds_at_once_both_finish_and_the_site_is_whole(built: Path) -> None:
    """Each build used to delete the other's staging folder: 188 of 451 files shipped."""
    expected = tree_digest(built / "site")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SOURCE_DATE_EPOCH": "1700000000"}
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "generator", "build"],
            cwd=built,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], results
    assert any("waiting for another readinglist command" in err for _, err in results)
    assert set(tree_digest(built / "site")) == set(expected)
    assert not list(built.glob(".site-*"))


def test_two_ingests_at_once_lose_no_listing(project: Path, tmp_path: Path) -> None:
    listings = []
    for i in range(2):
        path = tmp_path / f"00{5 + i}_new.txt"
        path.write_text(
            f"Apr {i + 1}\n\nNew paper {i}: concurrency\n\nWe add listing {i}. It lands.\n",
            encoding="utf-8",
        )
        listings.append(path)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "generator", "ingest", str(path)],
            cwd=project,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for path in listings
    ]
    results = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], results
    assert (project / "content/papers/new-paper-0-concurrency.yml").is_file()
    assert (project / "content/papers/new-paper-1-concurrency.yml").is_file()
    assert run_cli(project, "check").returncode == 0


def mount_tmpfs(folder: Path, size: str) -> None:
    if os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root (CI runs as root)")
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], check=True)


@pytest.mark.parametrize("kind", ["full", "read-only"])
def test_a_full_or_read_only_disk_is_one_clear_line(tmp_path: Path, kind: str) -> None:
    """A real small file system (tmpfs): ENOSPC and EROFS, not simulated ones."""
    disk = tmp_path / "disk"
    mount_tmpfs(disk, "20m")
    try:
        root = make_project(disk / "project")
        before = tree_digest(root)
        if kind == "full":
            free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
            (disk / "filler").write_bytes(b"\0" * (free - 300 * 1024))  # 300 KB left
            command, words = ["build"], "No space left on device"
        else:
            subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
            command, words = ["new", "A paper on a read-only disk"], "Read-only file system"
        result = run_cli(root, *command)
        assert result.returncode == 1
        assert "Traceback" not in result.stderr
        assert result.stderr.startswith("Error: ") and words in result.stderr, result.stderr
        assert result.stderr.count("\n") == 1
        after = tree_digest(root)
        assert {k: v for k, v in after.items() if not k.startswith("build/")} == {
            k: v for k, v in before.items() if not k.startswith("build/")
        }
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)
