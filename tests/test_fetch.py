"""`readinglist fetch` against a real HTTP server on 127.0.0.1 that answers as the Hub
documents `GET /api/daily_papers?date=YYYY-MM-DD`: a JSON array of items, each with a
`paper` object."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest

from generator.content.store import Layout, load_papers

from .conftest import make_small_project, run_cli, serve_with

NANOFLOW = "nanoflow-towards-optimal-large-language-model-serving-throughput"


def item(arxiv: str, title: str, summary: str, authors: list[str], **paper: object) -> dict:
    """One entry of the answer, with the fields the Hub sends beside the ones used."""
    return {
        "paper": {
            "id": arxiv,
            "authors": [
                {"_id": f"a{i}", "name": n, "hidden": False} for i, n in enumerate(authors)
            ],
            "publishedAt": "2024-03-15T17:59:59.000Z",
            "submittedOnDailyAt": "2024-03-17T01:02:03.000Z",
            "title": title,
            "summary": summary,
            "upvotes": 12,
            "discussionId": "65f0",
            "ai_keywords": ["x"],
            **paper,
        },
        "publishedAt": "2024-03-17T01:02:03.000Z",
        "title": title,
        "summary": summary,
        "thumbnail": "https://cdn-thumbnails.huggingface.co/x.png",
        "numComments": 2,
        "submittedBy": {"name": "akhaliq", "fullname": "AK"},
        "isAuthorParticipating": False,
    }


DAY = [
    item(
        "2403.10001",
        "Sparse Caches for Speculative Decoding",
        "We speed up speculative decoding with sparse caches. It works.",
        ["Ada Lovelace", "Charles Babbage"],
        githubRepo="https://github.com/example/sparse-cache",
    ),
    item(
        "2408.12757",
        "NanoFlow: Towards Optimal Large Language Model Serving Throughput",
        "The list has this one already.",
        ["Kan Zhu"],
    ),
    item("2403.10003", "A Study of Bird Migration Patterns", "Birds fly south.", ["Grace Hopper"]),
    {
        "paper": {
            "id": "2403.10004",
            "title": "Quantization of Large Language Models at Four Bits",
            "summary": 42,
            "authors": "not a list",
        }
    },
]


class HubStandIn(BaseHTTPRequestHandler):
    days: ClassVar[dict[str, object]] = {"2024-03-17": DAY}
    raw: ClassVar[bytes | None] = None
    status: ClassVar[int] = 200
    asked: ClassVar[list[str]] = []

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        date = parse_qs(parts.query).get("date", [""])[0]
        type(self).asked.append(f"{parts.path}?date={date}")
        body = self.raw if self.raw is not None else json.dumps(self.days.get(date, [])).encode()
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def hub() -> Iterator[str]:
    HubStandIn.raw, HubStandIn.status, HubStandIn.asked = None, 200, []
    server, url = serve_with(HubStandIn)
    yield url.rstrip("/")
    server.shutdown()


@pytest.fixture
def small(tmp_path: Path) -> Path:
    return make_small_project(tmp_path / "project")


def fetch(root: Path, hub: str, *args: str):
    return run_cli(root, "fetch", *args, env={"HF_ENDPOINT": hub})


def test_fetch_adds_the_themed_papers_and_reports_the_others(small: Path, hub: str) -> None:
    labels = (small / "content" / "sources.yml").read_bytes()
    result = fetch(small, hub, "--date", "2024-03-17")
    assert result.returncode == 0, result.stderr
    assert HubStandIn.asked == ["/api/daily_papers?date=2024-03-17"]
    lines = result.stdout.splitlines()
    assert lines[0] == "fetched 2024-03-17: 4 paper(s), 3 taken"
    assert lines[1] == "left out 2024-03-17 2403.10003: A Study of Bird Migration Patterns"
    assert (
        "add content/papers/sparse-caches-for-speculative-decoding.yml: Sparse Caches"
        in result.stdout
    )
    assert f"update content/papers/{NANOFLOW}.yml: NanoFlow" in result.stdout
    assert (
        "warning: 2024-03-17: item 4: field 'summary': expected text, got int; ignored"
        in result.stderr
    )
    assert (
        "warning: 2024-03-17: item 4: field 'authors': expected a list, got 'not a list'; ignored"
        in result.stderr
    )
    papers, _ = load_papers(Layout(small))
    sparse = papers["sparse-caches-for-speculative-decoding"]
    assert (sparse.arxiv, sparse.authors, sparse.year) == (
        "2403.10001",
        ["Ada Lovelace", "Charles Babbage"],
        "2024",
    )
    assert sparse.links == {"code": "https://github.com/example/sparse-cache"}
    assert [(x.source, x.date, x.position) for x in sparse.listings] == [
        ("hf-daily-2024-03-17", "2024-03-17", 1)
    ]
    assert papers[NANOFLOW].arxiv == "2408.12757"  # an empty field, filled
    assert "quantization-of-large-language-models-at-four-bits" in papers
    source = small / "content" / "sources" / "hf-daily-2024-03-17.json"
    kept = json.loads(source.read_text(encoding="utf-8"))
    assert [p["id"] for p in kept["papers"]] == ["2403.10001", "2403.10004", "2408.12757"]
    assert run_cli(small, "check").returncode == 0
    # On the pages and in papers.json: the arXiv id, the authors and the year.
    assert run_cli(small, "build").returncode == 0
    exported = {e["id"]: e for e in json.loads((small / "site" / "papers.json").read_text())}
    entry = exported["sparse-caches-for-speculative-decoding"]
    assert (entry["arxiv"], entry["authors"], entry["year"]) == (
        "2403.10001",
        ["Ada Lovelace", "Charles Babbage"],
        "2024",
    )
    page = (
        small / "site" / "paper" / "sparse-caches-for-speculative-decoding" / "index.html"
    ).read_text()
    assert "https://arxiv.org/abs/2403.10001" in page
    assert ">Ada Lovelace</a>, <a" in page and ">Charles Babbage</a>" in page
    # A day's file needs no label in sources.yml, which a pull request that adds a
    # listing the same day also appends to: the two conflicted on GitHub.
    assert (small / "content" / "sources.yml").read_bytes() == labels
    assert (
        'Listed 1 time: <a href="https://huggingface.co/papers?date=2024-03-17">Hugging Face '
        "Daily Papers</a>, 2024-03-17."
    ) in page


def test_a_list_without_themes_is_told_why_little_is_taken(small: Path, hub: str) -> None:
    """A list just begun has no themes, so a fetch took nothing new, and said only which
    papers it left out. It now says why, and what takes them."""
    (small / "content" / "themes.yml").unlink()
    result = fetch(small, hub, "--date", "2024-03-17", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert (
        "warning: the list has no themes yet, so only the papers it has and those named "
        "with --id are taken (--all takes every one)"
    ) in result.stderr
    assert "themes yet" not in fetch(small, hub, "--date", "2024-03-17", "--all").stderr


def test_a_second_fetch_adds_nothing_and_id_takes_one_by_hand(small: Path, hub: str) -> None:
    assert fetch(small, hub, "--date", "2024-03-17").returncode == 0
    content = {p: p.read_bytes() for p in (small / "content").rglob("*") if p.is_file()}
    again = fetch(small, hub, "--date", "2024-03-17")
    assert again.returncode == 0
    assert (
        "0 new paper(s), 0 listing(s) merged into existing papers, 3 already known" in again.stdout
    )
    assert {p: p.read_bytes() for p in (small / "content").rglob("*") if p.is_file()} == content
    # As people paste an id: with its version, or as the paper's arXiv address.
    url = "https://arxiv.org/abs/2403.10003v2"
    birds = fetch(small, hub, "--date", "2024-03-17", "--id", url)
    assert birds.returncode == 0
    assert "add content/papers/a-study-of-bird-migration-patterns.yml" in birds.stdout
    kept = json.loads((small / "content" / "sources" / "hf-daily-2024-03-17.json").read_text())
    # The papers kept before keep their places: records' listings name them.
    assert [p["id"] for p in kept["papers"]] == [
        "2403.10001",
        "2403.10004",
        "2408.12757",
        "2403.10003",
    ]
    assert run_cli(small, "check").returncode == 0


def test_an_id_the_days_do_not_list_is_named_and_one_that_is_no_id_refused(
    small: Path, hub: str
) -> None:
    """`--id` takes a paper of the days fetched. A mistyped id, or one from another
    day, took nothing and said nothing; text that is no arXiv id asked the Hub first."""
    args = ["--date", "2024-03-17", "--id", "2403.10030", "--id", "2403.10003", "--dry-run"]
    result = fetch(small, hub, *args)
    assert result.returncode == 0
    assert (
        "--id 2403.10030: not among the papers of 2024-03-17; ask for the day that lists it "
        "with --date"
    ) in result.stderr
    assert "--id 2403.10003" not in result.stderr  # the day lists it: it is taken
    assert "a-study-of-bird-migration-patterns.yml" in result.stdout
    HubStandIn.asked.clear()
    refused = fetch(small, hub, "--date", "2024-03-17", "--id", "bird-migration")
    assert refused.returncode == 1 and HubStandIn.asked == []
    assert refused.stderr == (
        "Error: --id: expected an arXiv id such as '2309.10818', got 'bird-migration'; "
        "nothing was changed\n"
    )


def test_a_dry_run_shows_and_changes_nothing(small: Path, hub: str) -> None:
    content = {p: p.read_bytes() for p in (small / "content").rglob("*") if p.is_file()}
    result = fetch(small, hub, "--date", "2024-03-17", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "would add content/papers/sparse-caches-for-speculative-decoding.yml" in result.stdout
    assert {p: p.read_bytes() for p in (small / "content").rglob("*") if p.is_file()} == content


@pytest.mark.parametrize(
    ("raw", "status", "message"),
    [
        (
            b"<html>Gateway</html>",
            200,
            "2024-03-17: Hugging Face answered something that is not JSON; nothing was changed",
        ),
        (
            b'{"error": "not a list"}',
            200,
            "2024-03-17: Hugging Face's answer is not the daily papers list (expected a JSON list of daily papers); nothing was changed",
        ),
        (b"", 500, "2024-03-17: Hugging Face answered HTTP 500; nothing was changed"),
        (  # deeper than json.loads recurses: it was a RecursionError and a traceback
            b"[" * 100_000 + b"]" * 100_000,
            200,
            "2024-03-17: Hugging Face answered something that is not JSON; nothing was changed",
        ),
    ],
)
def test_a_wrong_answer_is_one_line_and_changes_nothing(
    small: Path, hub: str, raw: bytes, status: int, message: str
) -> None:
    HubStandIn.raw, HubStandIn.status = raw, status
    content = {p: p.read_bytes() for p in (small / "content").rglob("*") if p.is_file()}
    result = fetch(small, hub, "--date", "2024-03-17")
    assert result.returncode == 1
    assert result.stderr == f"Error: {message}\n"
    assert {p: p.read_bytes() for p in (small / "content").rglob("*") if p.is_file()} == content


def test_a_broken_kept_source_is_one_line_naming_it(small: Path, hub: str) -> None:
    """A day's source file edited into something else stopped fetch with a traceback."""
    kept = small / "content" / "sources" / "hf-daily-2024-03-17.json"
    kept.write_text('{"source": "Hugging Face Daily Papers", "papers": [\n', encoding="utf-8")
    content = {p: p.read_bytes() for p in (small / "content").rglob("*") if p.is_file()}
    result = fetch(small, hub, "--date", "2024-03-17")
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith("Error: content/sources/hf-daily-2024-03-17.json:2: not a daily papers")
    assert {p: p.read_bytes() for p in (small / "content").rglob("*") if p.is_file()} == content


def test_a_kept_source_nested_too_deeply_is_one_line_for_check_and_ingest(small: Path) -> None:
    """`[` a hundred thousand times stopped `check` and `ingest` with a RecursionError."""
    kept = small / "content" / "sources" / "hf-daily-2024-03-17.json"
    kept.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    for command in (["check"], ["ingest", "content/sources/hf-daily-2024-03-17.json"]):
        result = run_cli(small, *command)
        assert result.returncode == 1, command
        assert "Traceback" not in result.stderr
        said = result.stdout + result.stderr
        assert "content/sources/hf-daily-2024-03-17.json: " in said
        assert "not a daily papers file: arrays or objects nested too deeply" in said, command


def test_control_characters_in_an_answer_are_replaced_with_a_warning(small: Path, hub: str) -> None:
    """A title that carries a terminal's escape sequence reached the terminal, and the
    record, as it was; the loader then warned about the record `fetch` had written."""
    title = "Sparse Caches \x1b[2J\x1b]0;owned\x07for Speculative\x00 Decoding"
    day = [item("2403.10001", title, "About caches.", ["Ada\x1b[31m Lovelace"])]
    HubStandIn.raw = json.dumps(day).encode()
    result = fetch(small, hub, "--date", "2024-03-17")
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout + result.stderr
    for field in ("title", "authors"):
        assert (
            f"warning: 2024-03-17: item 1: field '{field}': control characters replaced with \ufffd"
            in result.stderr
        )
    papers, problems = load_papers(Layout(small))
    paper = next(p for p in papers.values() if p.arxiv == "2403.10001")
    assert (
        paper.title == "Sparse Caches \ufffd[2J\ufffd]0;owned\ufffdfor Speculative\ufffd Decoding"
    )
    assert paper.authors == ["Ada\ufffd[31m Lovelace"]
    assert problems == []


def test_a_paper_no_record_can_hold_is_left_out_and_warnings_name_the_kept_file(
    small: Path, hub: str
) -> None:
    """A title over the records' limit was kept in the source file and skipped by
    ingest, so `check` then failed on a listing in no record; and ingest's warnings
    named the scratch folder fetch had written the file in."""
    day = [
        item("2403.20001", "T" * 1500, "Too long a title.", ["Ada Lovelace"]),
        item("2403.20002", "Sparse Caches Again", "About caches.", ["B" * 1500]),
    ]
    HubStandIn.raw = json.dumps(day).encode()
    result = fetch(small, hub, "--date", "2024-03-17", "--all")
    assert result.returncode == 0, result.stderr
    assert (
        "warning: 2024-03-17: 2403.20001: field 'title': 1,500 characters; "
        "the limit is 1,000; left out"
    ) in result.stderr
    assert result.stdout.startswith("fetched 2024-03-17: 1 paper(s), 1 taken\n")
    kept = "content/sources/hf-daily-2024-03-17.json"
    assert f"{kept}:2: warning: entry 'Sparse Caches Again': left out field 'authors'" in (
        result.stderr
    )
    assert "readinglist-fetch-" not in result.stderr
    checked = run_cli(small, "check")
    assert checked.returncode == 0, checked.stdout


def test_without_a_network_it_says_so_and_changes_nothing(small: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}"
    content = {p: p.read_bytes() for p in (small / "content").rglob("*") if p.is_file()}
    result = fetch(small, closed, "--date", "2024-03-17")
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith("Error: Hugging Face cannot be reached (") and line.endswith(
        "nothing was changed"
    )
    assert {p: p.read_bytes() for p in (small / "content").rglob("*") if p.is_file()} == content


def test_dates_default_to_yesterday_and_since_asks_each_day(small: Path, hub: str) -> None:
    import datetime

    from generator.fetch import yesterday

    assert fetch(small, hub).returncode == 0
    assert HubStandIn.asked == [f"/api/daily_papers?date={yesterday()}"]
    HubStandIn.asked = []
    start = datetime.date.fromisoformat(yesterday()) - datetime.timedelta(days=2)
    assert fetch(small, hub, "--since", start.isoformat()).returncode == 0
    assert len(HubStandIn.asked) == 3
    bad = fetch(small, hub, "--date", "17 March")
    assert bad.returncode == 2 and "expected a date such as 2024-03-17" in bad.stderr
    # Today's list is still growing, and a day kept is not chosen from again: the papers
    # the Hub added later in the day were never taken.
    HubStandIn.asked = []
    today = (datetime.date.fromisoformat(yesterday()) + datetime.timedelta(days=1)).isoformat()
    early = fetch(small, hub, "--date", today)
    assert early.returncode == 2 and HubStandIn.asked == []
    assert (
        f"Error: Invalid value: {today} is not over yet (in UTC): the papers the Hub lists "
        "later would never be taken; fetch it from tomorrow on"
    ) in early.stderr


def test_a_curator_can_leave_out_a_paper_a_fetch_took(small: Path, hub: str) -> None:
    """A paper a fetch took could not be dropped from its pull request: without its
    record, check said "in no record; run ingest"; with its line deleted from the kept
    file too, every paper after it was "in no record"; and fetching the day again, to
    take a paper left out, brought it back."""
    assert fetch(small, hub, "--date", "2024-03-17").returncode == 0
    papers = small / "content" / "papers"
    kept = small / "content" / "sources" / "hf-daily-2024-03-17.json"
    rows = kept.read_text(encoding="utf-8").splitlines(keepends=True)
    assert '"2403.10001"' in rows[1]  # the first of three papers taken
    (papers / "sparse-caches-for-speculative-decoding.yml").unlink()
    check = run_cli(small, "check")  # the record alone deleted: check says what to do
    assert (
        "content/sources/hf-daily-2024-03-17.json:2: error: listing 'Sparse Caches for "
        "Speculative Decoding' is in no record; run 'readinglist ingest content/sources/"
        "hf-daily-2024-03-17.json', or delete the entry to leave the paper out"
    ) in check.stdout
    kept.write_text("".join(rows[:1] + rows[2:]), encoding="utf-8")
    check = run_cli(small, "check")
    assert check.returncode == 0 and " error" not in check.stdout, check.stdout

    before = {p.name: p.read_bytes() for p in papers.iterdir()}
    again = fetch(small, hub, "--date", "2024-03-17", "--id", "2403.10003")
    assert again.returncode == 0, again.stderr
    after = {p.name: p.read_bytes() for p in papers.iterdir()}
    assert sorted(after.keys() - before.keys()) == ["a-study-of-bird-migration-patterns.yml"]
    assert {n: after[n] for n in before} == before  # no paper gained a listing twice
    assert '"2403.10001"' not in kept.read_text(encoding="utf-8")
    assert run_cli(small, "check").returncode == 0
    ingested = run_cli(small, "ingest", "content/sources/hf-daily-2024-03-17.json")
    assert "0 new paper(s), 0 listing(s) merged into existing papers, 3 already known" in (
        ingested.stdout
    )
    # The last paper's line deleted, its comma left behind: JSON has no room for it.
    rows = kept.read_text(encoding="utf-8").splitlines(keepends=True)
    kept.write_text("".join(rows[:-2] + rows[-1:]), encoding="utf-8")
    assert (
        f"content/sources/hf-daily-2024-03-17.json:{len(rows) - 1}: error: not a daily papers "
        "file: Expecting value"
    ) in run_cli(small, "check").stdout
    assert "(a comma after the last paper?)" in run_cli(small, "check").stdout


def test_without_dates_fetch_catches_up_from_the_newest_day_kept(small: Path, hub: str) -> None:
    """The daily workflow fetched yesterday alone and replaced its pull request: a day
    whose pull request was not merged before the next run was lost."""
    import datetime

    from generator.fetch import yesterday

    until = datetime.date.fromisoformat(yesterday())
    day = [(until - datetime.timedelta(n)).isoformat() for n in range(45)]
    HubStandIn.days = {day[3]: DAY}
    try:
        assert fetch(small, hub, "--date", day[3]).returncode == 0
        assert (small / "content" / "sources" / f"hf-daily-{day[3]}.json").exists()
        HubStandIn.asked = []
        assert fetch(small, hub).returncode == 0
        assert HubStandIn.asked == [f"/api/daily_papers?date={d}" for d in day[2::-1]]
        os.rename(  # a list not fetched for six weeks asks for a month, and says so
            small / "content" / "sources" / f"hf-daily-{day[3]}.json",
            small / "content" / "sources" / f"hf-daily-{day[42]}.json",
        )
        HubStandIn.asked = []
        result = fetch(small, hub, "--dry-run")
        assert HubStandIn.asked == [f"/api/daily_papers?date={d}" for d in day[30::-1]]
        assert f"note: the newest day kept is {day[42]}; asking for the last 31 days" in (
            result.stderr
        )
    finally:
        HubStandIn.days = {"2024-03-17": DAY}


GH_STAND_IN = """#!/bin/bash
# gh, as the fetch workflow uses it: one pull request, kept in $GH_STATE while open.
call="$1 $2"
case "$call" in
"pr view")
  [ -f "$GH_STATE/body" ] || { echo "no pull requests found" >&2; exit 1; }
  case "$*" in *"--json body"*) cat "$GH_STATE/body" ;; *) echo OPEN ;; esac ;;
"pr create" | "pr edit")
  echo "$2" >> "$GH_STATE/calls"
  while [ $# -gt 0 ]; do [ "$1" = --body-file ] && cp "$2" "$GH_STATE/body"; shift; done ;;
*) echo "gh stand-in: $*" >&2; exit 2 ;;
esac
"""


class DailyWorkflow:
    """.github/workflows/fetch.yml's steps, run as the runner runs them (bash -e) each
    morning in a new clone of `remote`, a bare repository standing in for GitHub's
    (pushes to github.com go there), with `gh` a stand-in that keeps the one pull
    request in `state/`. Only the Install step is left out: the tests' Python is used."""

    def __init__(self, root: Path, hub: str) -> None:
        import sys

        import yaml

        from .conftest import ROOT
        from .test_ship import commit_base, git

        self.flow = yaml.safe_load((ROOT / ".github" / "workflows" / "fetch.yml").read_text())
        job = self.flow["jobs"]["fetch"]
        self.steps = [s for s in job["steps"] if "run" in s and "pip install" not in s["run"]]
        self.base = root.parent
        commit_base(root, "-A")
        self.remote = self.base / "remote.git"
        git(self.base, "clone", "-q", "--bare", str(root), str(self.remote))
        self.state = self.base / "state"
        self.state.mkdir()
        bin_ = self.base / "bin"
        bin_.mkdir()
        (bin_ / "gh").write_text(GH_STAND_IN, encoding="utf-8")
        (bin_ / "gh").chmod(0o755)
        path = os.pathsep.join([str(bin_), str(Path(sys.executable).parent), os.environ["PATH"]])
        self.env = {
            **os.environ,
            **job["env"],
            "HF_ENDPOINT": hub,
            "PATH": path,
            "PYTHONPATH": str(ROOT),
            "GH_TOKEN": "token",
            "REPOSITORY": "owner/list",
            "GH_STATE": str(self.state),
            "GIT_CONFIG_COUNT": "1",
            "GIT_CONFIG_KEY_0": f"url.{self.remote}.insteadOf",
            "GIT_CONFIG_VALUE_0": "https://x-access-token:token@github.com/owner/list.git",
        }
        self.mornings = 0

    def morning(self) -> Path:
        """A run of the workflow; the clone it ran in."""
        import subprocess

        self.mornings += 1
        work = self.base / f"morning-{self.mornings}"
        subprocess.run(["git", "clone", "-q", str(self.remote), str(work)], check=True)
        for step in self.steps:
            done = subprocess.run(
                ["bash", "-e", "-c", step["run"]],
                cwd=work,
                env=self.env,
                capture_output=True,
                text=True,
            )
            assert done.returncode == 0, f"{step['name']}: {done.stdout}{done.stderr}"
        return work

    def body(self) -> str:
        return (self.state / "body").read_text(encoding="utf-8")

    def calls(self) -> list[str]:
        return (self.state / "calls").read_text(encoding="utf-8").split()


def test_the_daily_workflow_runs_its_steps_against_the_hub(small: Path, hub: str) -> None:
    """The steps of .github/workflows/fetch.yml against the stand-in: new records, and a
    pull request whose description is the diff summary and the papers left out."""
    import datetime

    from generator.fetch import yesterday

    day = yesterday()
    # The Hub's titles reach the description: a hostile one links, shows and notifies
    # nothing there (the bird paper stays the last line).
    hostile = item("2403.10009", "Hi @octocat #1 [x](https://evil.example) <img src=x>", ".", [])
    HubStandIn.days = {day: [hostile, *DAY]}
    try:
        flow = DailyWorkflow(small, hub)
        assert [s["name"] for s in flow.steps] == [
            "Start from the pull request's branch if a curator pushed to it",
            "Fetch the days after the newest one kept",
            "Write the pull request's description",
            "Open or update the pull request",
        ]
        work = flow.morning()
        assert (work / "content" / "papers" / "sparse-caches-for-speculative-decoding.yml").exists()
        body = flow.body()
        assert body.startswith("## Content changes since `")
        assert (
            "- `sparse-caches-for-speculative-decoding`: Sparse Caches for Speculative Decoding"
            in body
        )
        assert body.rstrip().endswith(f"- {day} 2403.10003: A Study of Bird Migration Patterns")
        shown = next(line for line in body.splitlines() if "2403.10009" in line)
        assert shown == (
            f"- {day} 2403.10009: Hi &#64;&#8203;octocat &#35;&#8203;1 &#91;x&#93;&#40;https&#58;"
            "//evil.example&#41; &#60;img src&#61;x&#62;"
        )
        assert flow.calls() == ["create"]
        # A list whose newest kept day is two months old: the description says what the
        # fetch could not ask for. (The pull request is closed, its branch replaced.)
        (flow.state / "body").unlink()
        old = (datetime.date.fromisoformat(day) - datetime.timedelta(60)).isoformat()
        kept = small / "content" / "sources" / f"hf-daily-{old}.json"
        kept.write_text("[]\n", encoding="utf-8")
        git_commit(small, flow, "a day kept long ago")
        flow.morning()
        assert flow.body().startswith(
            f"> **Note:** the newest day kept is {old}; asking for the last 31 days only\n\n"
            "## Content changes since `"
        )
        # Days with hundreds of papers left out: a description holds 65,536 characters.
        (flow.state / "body").unlink()
        birds = [
            item(f"2403.2{n:04d}", f"Bird Migration Study {n}", "Birds.", []) for n in range(250)
        ]
        HubStandIn.days = {day: [DAY[0], *birds]}
        flow.morning()
        lines = flow.body().splitlines()
        assert len([x for x in lines if x.startswith(f"- {day} 2403.2")]) == 200
        assert lines[-1] == "- \u2026 and 50 more, in the job's log"
    finally:
        HubStandIn.days = {"2024-03-17": DAY}
    # Only the job that pushes may write, and only what it needs.
    assert flow.flow["permissions"] == {}
    job = flow.flow["jobs"]["fetch"]
    assert job["permissions"] == {"contents": "write", "pull-requests": "write"}
    assert set(flow.flow[True]) == {"schedule", "workflow_dispatch"}


def git_commit(root: Path, flow: DailyWorkflow, message: str) -> None:
    """Commit `root`'s changes to main and push them to the stand-in for GitHub."""
    from .test_ship import git

    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)
    git(root, "push", "-q", str(flow.remote), "main")


def test_the_daily_workflow_keeps_a_curators_commits_on_its_pull_request(
    small: Path, hub: str
) -> None:
    """A curator pushed a fix to the daily pull request's branch and did not merge it
    that day. The next morning force-pushed main plus the days not merged: the fix was
    gone. It now adds the new day to the branch, after the curator's commit, and the
    description keeps the papers left out of the days before, but for one the curator
    took. A branch of the bot's commits alone is still made again from main."""
    import datetime
    import subprocess

    from generator.fetch import yesterday

    from .test_ship import git

    d1 = yesterday()
    d2, d3 = (datetime.date.fromisoformat(d1) - datetime.timedelta(n) for n in (1, 2))
    d2, d3 = d2.isoformat(), d3.isoformat()
    tiny = item("2403.10020", "Speculative Decoding for Tiny Models", "Faster. Smaller.", ["A"])
    late = [
        item("2403.10030", "Speculative Decoding at Scale", "Faster. Bigger.", ["C"]),
        item("2403.10021", "Bees and Their Flowers", "Bees visit flowers.", ["B"]),
    ]
    fish = item("2403.10005", "Fish and Their Rivers", "Fish swim upstream.", ["F"])
    try:
        HubStandIn.days = {d3: [tiny]}
        assert run_cli(small, "fetch", "--date", d3, env={"HF_ENDPOINT": hub}).returncode == 0
        flow = DailyWorkflow(small, hub)  # main keeps the day before the day before
        HubStandIn.days = {d3: [tiny], d2: [*DAY, fish]}  # yesterday's list is not out yet
        HubStandIn.asked = []
        flow.morning()
        assert flow.calls() == ["create"]
        assert HubStandIn.asked == [f"/api/daily_papers?date={d}" for d in (d2, d1)]
        HubStandIn.asked = []  # open, with the bot's commits alone: made again from main
        flow.morning()
        assert flow.calls() == ["create", "edit"]
        assert HubStandIn.asked == [f"/api/daily_papers?date={d}" for d in (d2, d1)]
        curator = flow.base / "curator"
        git(flow.base, "clone", "-q", "-b", "daily-papers", str(flow.remote), str(curator))
        record = curator / "content" / "papers" / "sparse-caches-for-speculative-decoding.yml"
        fix = "# Checked against the PDF.\n"
        record.write_text(record.read_text(encoding="utf-8") + fix, encoding="utf-8")
        took = fetch(curator, hub, "--date", d2, "--id", "2403.10003")  # a bird paper too
        assert took.returncode == 0, took.stderr
        git(curator, "add", "-A")
        git(curator, "commit", "-q", "-m", "A curator's fix")
        git(curator, "push", "-q", "origin", "daily-papers")
        # Meanwhile main gains a listing, whose label sources.yml gains too.
        other = flow.base / "other"
        git(flow.base, "clone", "-q", "-b", "main", str(flow.remote), str(other))
        listing = other / "content" / "sources" / "005_more.txt"
        listing.write_text("Mar 19\n\nA Paper Merged Into Main\n\nIts abstract.\n", "utf-8")
        assert run_cli(other, "ingest", "content/sources/005_more.txt").returncode == 0
        git(other, "add", "-A")
        git(other, "commit", "-q", "-m", "A listing")
        git(other, "push", "-q", "origin", "main")
        # The next morning, with yesterday's list out.
        HubStandIn.days = {d3: [tiny], d2: [*DAY, fish], d1: late}
        HubStandIn.asked = []
        flow.morning()
        assert HubStandIn.asked == [f"/api/daily_papers?date={d1}"]
        assert flow.calls() == ["create", "edit", "edit"]

        def on_branch(*args: str) -> str:
            done = subprocess.run(
                ["git", *args], cwd=flow.remote, capture_output=True, text=True, check=True
            )
            return done.stdout

        subjects = on_branch("log", "--first-parent", "--format=%s", "daily-papers")
        assert subjects.splitlines() == [  # the second morning's commit replaced the first's
            f"Daily papers through {d1}",
            "Merge remote-tracking branch 'origin/main' into daily-papers",
            "A curator's fix",
            f"Daily papers through {d1}",
            "base",
        ]
        on_branch("merge-base", "--is-ancestor", "main", "daily-papers")  # it merges cleanly
        on_branch("show", "daily-papers:content/papers/a-paper-merged-into-main.yml")
        assert on_branch("show", f"daily-papers:{record.relative_to(curator)}").endswith(fix)
        on_branch("show", "daily-papers:content/papers/speculative-decoding-at-scale.yml")
        body = flow.body()
        assert "`sparse-caches-for-speculative-decoding`" in body
        assert "`speculative-decoding-at-scale`" in body
        assert body.rstrip().endswith(  # the bird paper a curator took is not left out
            f"<arXiv id>`.\n\n- {d2} 2403.10005: Fish and Their Rivers\n"
            f"- {d1} 2403.10021: Bees and Their Flowers"
        )
        # A morning with no new papers, after main moved again: main is merged all the same.
        git(other, "pull", "-q", "origin", "main")
        (other / "content" / "papers" / "a-paper-merged-into-main.yml").unlink()
        (other / "content" / "sources" / "005_more.txt").unlink()
        git(other, "commit", "-q", "-am", "The listing taken out again")
        git(other, "push", "-q", "origin", "main")
        flow.morning()
        assert flow.calls() == ["create", "edit", "edit", "edit"]
        on_branch("merge-base", "--is-ancestor", "main", "daily-papers")
    finally:
        HubStandIn.days = {"2024-03-17": DAY}


def test_a_paper_the_hub_lists_twice_in_a_day_is_listed_once(small: Path, hub: str) -> None:
    """A kept day that held one paper twice gave its record two listings of that day:
    an entry without a key is held by its count (a raw listing may list a paper twice)."""
    twice = item("2403.10001", "Sparse Caches for Speculative Decoding", "Again.", ["B"])
    HubStandIn.days = {"2024-03-17": [DAY[0], twice, DAY[1]]}
    try:
        assert fetch(small, hub, "--date", "2024-03-17").returncode == 0
    finally:
        HubStandIn.days = {"2024-03-17": DAY}
    kept = small / "content" / "sources" / "hf-daily-2024-03-17.json"
    assert [p["id"] for p in json.loads(kept.read_text())["papers"]] == [
        "2403.10001",
        "2408.12757",
    ]
    paper = load_papers(Layout(small))[0]["sparse-caches-for-speculative-decoding"]
    assert [x.position for x in paper.listings] == [1]
    assert paper.abstract.startswith("We speed up")  # the first of the two
