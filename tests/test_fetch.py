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


def test_the_daily_workflow_runs_its_steps_against_the_hub(small: Path, hub: str) -> None:
    """The readinglist steps of .github/workflows/fetch.yml, as the runner runs them (bash
    -e, in a checkout), against the stand-in: new records, and a description that is
    the diff summary and the papers left out."""
    import os
    import subprocess
    import sys

    import yaml

    from generator.fetch import yesterday

    from .conftest import ROOT
    from .test_ship import git

    HubStandIn.days = {yesterday(): DAY}
    try:
        git(small, "init", "-q", "-b", "main")
        git(small, "add", "-A")
        git(small, "commit", "-q", "-m", "base")
        flow = yaml.safe_load((ROOT / ".github" / "workflows" / "fetch.yml").read_text())
        steps = [s for s in flow["jobs"]["fetch"]["steps"] if "readinglist" in s.get("run", "")]
        assert [s["name"] for s in steps] == [
            "Fetch the days not on main yet",
            "Write the pull request's description",
        ]
        path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
        env = {**os.environ, "HF_ENDPOINT": hub, "PATH": path, "PYTHONPATH": str(ROOT)}

        def run_steps() -> str:
            for step in steps:
                done = subprocess.run(
                    ["bash", "-e", "-c", step["run"]],
                    cwd=small,
                    env=env,
                    capture_output=True,
                    text=True,
                )
                assert done.returncode == 0, done.stderr
            return (small / "pr-body.md").read_text(encoding="utf-8")

        body = run_steps()
        assert (
            small / "content" / "papers" / "sparse-caches-for-speculative-decoding.yml"
        ).exists()
        assert body.startswith("## Content changes since `HEAD`\n")
        assert (
            "- `sparse-caches-for-speculative-decoding`: Sparse Caches for Speculative Decoding"
            in body
        )
        day = yesterday()
        assert body.rstrip().endswith(f"- {day} 2403.10003: A Study of Bird Migration Patterns")
        # A list whose newest kept day is two months old: the description says what the
        # fetch could not ask for.
        import datetime

        old = (datetime.date.fromisoformat(day) - datetime.timedelta(60)).isoformat()
        kept = small / "content" / "sources" / f"hf-daily-{day}.json"
        kept.rename(kept.with_name(f"hf-daily-{old}.json"))
        assert run_steps().startswith(
            f"> **Note:** the newest day kept is {old}; asking for the last 31 days only\n\n"
            "## Content changes since `HEAD`\n"
        )
        # Days with hundreds of papers left out: a description holds 65,536 characters.
        birds = [
            item(f"2403.2{n:04d}", f"Bird Migration Study {n}", "Birds.", []) for n in range(250)
        ]
        HubStandIn.days = {day: birds}
        lines = run_steps().splitlines()
        assert len([x for x in lines if x.startswith(f"- {day} 2403.2")]) == 200
        assert lines[-1] == "- \u2026 and 50 more, in the job's log"
    finally:
        HubStandIn.days = {"2024-03-17": DAY}
    # Only the job that pushes may write, and only what it needs.
    assert flow["permissions"] == {}
    assert flow["jobs"]["fetch"]["permissions"] == {"contents": "write", "pull-requests": "write"}
    assert set(flow[True]) == {"schedule", "workflow_dispatch"}
