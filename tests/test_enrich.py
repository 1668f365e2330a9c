"""`readinglist enrich` against a real HTTP server on 127.0.0.1 that answers as the arXiv
API documents (https://info.arxiv.org/help/api/user-manual.html): Atom 1.0 feeds."""

from __future__ import annotations

import socket
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

import pytest

from generator.content.store import Layout, load_papers

from .conftest import make_project, run_cli, serve_with

TITLES = {
    "one": "One Match: Serving Papers Quickly",
    "none": "No Match Anywhere",
    "two": "Two Matches Under One Title",
    "near": "A Near Miss Title",
    "slow": "A Slow Answer",
    "busy": "A Busy Server",
}


def feed(*entries: tuple[str, str, str, list[str]]) -> bytes:
    """An arXiv API answer: one `<entry>` per (id, title, published, authors)."""
    items = "".join(
        f"<entry><id>http://arxiv.org/abs/{arxiv}</id><updated>{published}</updated>"
        f"<published>{published}</published><title>{escape(title)}</title>"
        f"<summary>  An abstract,\n  wrapped as arXiv wraps it.\n</summary>"
        + "".join(f"<author><name>{escape(a)}</name></author>" for a in authors)
        + f'<link href="http://arxiv.org/abs/{arxiv}" rel="alternate" type="text/html"/>'
        f'<arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="cs.LG"/>'
        "</entry>"
        for arxiv, title, published, authors in entries
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" '
        'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">'
        '<title type="html">ArXiv Query</title><id>http://arxiv.org/api/x</id>'
        f"<opensearch:totalResults>{len(entries)}</opensearch:totalResults>"
        f"<opensearch:startIndex>0</opensearch:startIndex>{items}</feed>"
    ).encode()


class ArxivStandIn(BaseHTTPRequestHandler):
    requests: ClassVar[list[tuple[float, str]]] = []

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        asked = parse_qs(urlsplit(self.path).query)
        if "id_list" in asked:  # by id: the papers of those ids, whatever their titles
            ids = asked["id_list"][0].split(",")
            type(self).requests.append((time.monotonic(), f"id:{','.join(ids)}"))
            self.send_response(200)
            self.end_headers()
            papers = [(f"{i}v3", f"The Full Title of {i}", "2024-01-05", ["Ada"]) for i in ids]
            self.wfile.write(feed(*papers))
            return
        query = asked["search_query"][0]
        type(self).requests.append((time.monotonic(), query))
        if TITLES["slow"].replace(":", "") in query:
            time.sleep(2.5)
        if TITLES["busy"] in query:
            self.send_response(503)
            self.send_header("Retry-After", "3")
            self.end_headers()
            return
        answers = {
            TITLES["one"].replace(":", ""): feed(
                (
                    "2309.10818v2",
                    "One Match:\n  Serving Papers Quickly",
                    "2023-09-19T17:59:59Z",
                    ["Ada Lovelace", "Grace Hopper"],
                ),
                (
                    "2309.99999v1",
                    "One Match: Serving Papers Quickly, Revisited",
                    "2023-09-20T00:00:00Z",
                    ["Someone Else"],
                ),
            ),
            TITLES["two"]: feed(
                ("2401.00001v1", TITLES["two"], "2024-01-01T00:00:00Z", ["A"]),
                ("2402.00002v1", TITLES["two"], "2024-02-01T00:00:00Z", ["B"]),
            ),
            TITLES["near"]: feed(
                ("2405.00003v1", "A Near Miss Titles", "2024-05-01T00:00:00Z", ["C"])
            ),
        }
        body = next((a for t, a in answers.items() if f'ti:"{t}"' == query), feed())
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/atom+xml; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)
        except BrokenPipeError:  # the slow answer's client gave up, as it should
            pass


@pytest.fixture
def arxiv() -> str:
    ArxivStandIn.requests = []
    server, url = serve_with(ArxivStandIn)
    yield f"{url}api/query"
    server.shutdown()


@pytest.fixture
def small(tmp_path: Path) -> Path:
    root = make_project(tmp_path / "project", with_papers=False)
    for name, title in TITLES.items():
        extra = "year: '2022'\n" if name == "one" else ""
        (root / "content" / "papers" / f"{name}.yml").write_text(
            f"id: {name}\ntitle: '{title}'\n{extra}abstract: Something.\n", encoding="utf-8"
        )
    return root


@pytest.fixture(autouse=True)
def no_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    """The stand-in asks for no pause between requests; `test_requests_are_spaced`
    checks the pause arXiv asks for."""
    monkeypatch.setattr("generator.enrich.DELAY", 0.0)


def enrich(root: Path, api: str, *args: str):
    return run_cli(root, "enrich", "--timeout", "1", *args, env={"ARXIV_API_URL": api})


def test_only_an_exact_single_match_fills_only_empty_fields(small: Path, arxiv: str) -> None:
    result = enrich(small, arxiv)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "set content/papers/one.yml: arxiv 2309.10818, authors (2)",
        "6 paper(s) looked up (0 answered from the cache): 1 found, 1 ambiguous, "
        "2 not found, 2 failed",
    ]
    assert (
        "content/papers/two.yml: 2401.00001, 2402.00002: more than one arXiv paper" in result.stderr
    )
    assert "content/papers/slow.yml: no answer within 1 s" in result.stderr
    assert "content/papers/busy.yml: arXiv answered HTTP 503" in result.stderr
    papers, _ = load_papers(Layout(small))
    one = papers["one"]
    assert (one.arxiv, one.authors, one.year) == (
        "2309.10818",
        ["Ada Lovelace", "Grace Hopper"],
        "2022",
    )
    for name in ("none", "two", "near", "slow", "busy"):
        assert (papers[name].arxiv, papers[name].authors, papers[name].year) == ("", [], "")
    assert len(ArxivStandIn.requests) == 6
    # A rerun asks again only what had no answer.
    ArxivStandIn.requests = []
    again = enrich(small, arxiv)
    assert again.returncode == 0
    assert sorted(q for _, q in ArxivStandIn.requests) == sorted(
        [f'ti:"{TITLES["slow"]}"', f'ti:"{TITLES["busy"]}"']
    )
    # The paper found the first time is complete now, so it is not looked up again.
    assert "5 paper(s) looked up (3 answered from the cache)" in again.stdout


def test_an_empty_abstract_is_filled_and_a_written_one_kept(small: Path, arxiv: str) -> None:
    """An awesome list gives no abstracts; arXiv's answer has one (`<summary>`)."""
    record = small / "content" / "papers" / "one.yml"
    record.write_text(f"id: one\ntitle: '{TITLES['one']}'\nyear: '2022'\n", encoding="utf-8")
    result = enrich(small, arxiv)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        "set content/papers/one.yml: arxiv 2309.10818, authors (2), abstract (7 words)"
    )
    papers, _ = load_papers(Layout(small))
    assert papers["one"].abstract == "An abstract, wrapped as arXiv wraps it."
    assert papers["two"].abstract == "Something."  # never looked up for it, never changed


def test_a_paper_with_an_arxiv_id_is_asked_for_by_it(small: Path, arxiv: str) -> None:
    """An awesome list calls a paper by a short name and gives its arXiv id: asked for by
    that name, arXiv knew no such title."""
    record = small / "content" / "papers" / "medusa.yml"
    record.write_text("id: medusa\ntitle: Medusa\narxiv: '2401.10774'\n", encoding="utf-8")
    result = enrich(small, arxiv)
    assert result.returncode == 0, result.stderr
    assert "set content/papers/medusa.yml: authors (1), year 2024, abstract (7 words)" in (
        result.stdout.splitlines()
    )
    assert ("id:2401.10774" in [q for _, q in ArxivStandIn.requests]) and not any(
        "Medusa" in q for _, q in ArxivStandIn.requests
    )
    medusa = load_papers(Layout(small))[0]["medusa"]
    assert (medusa.title, medusa.arxiv, medusa.authors) == ("Medusa", "2401.10774", ["Ada"])


def test_papers_with_arxiv_ids_are_asked_for_a_hundred_at_a_time(small: Path, arxiv: str) -> None:
    """One request every three seconds, one paper each: an awesome list of 800 papers
    took 40 minutes."""
    papers = small / "content" / "papers"
    ids = [f"2402.{n:05d}" for n in range(1, 151)]
    for n, arxiv_id in enumerate(ids):
        (papers / f"short-{n}.yml").write_text(
            f"id: short-{n}\ntitle: Short {n}\narxiv: '{arxiv_id}'\n", encoding="utf-8"
        )
    result = enrich(small, arxiv)
    assert result.returncode == 0, result.stderr
    by_id = [
        q.removeprefix("id:").split(",") for _, q in ArxivStandIn.requests if q.startswith("id:")
    ]
    assert [len(asked) for asked in by_id] == [100, 50] and sorted(
        i for asked in by_id for i in asked
    ) == ids
    records = load_papers(Layout(small))[0]
    assert all(records[f"short-{n}"].authors == ["Ada"] for n in range(150))
    assert "156 paper(s) looked up (0 answered from the cache): 151 found" in result.stdout


def test_a_long_lookup_says_how_long_and_how_far(small: Path, arxiv: str) -> None:
    """The built-in list has 354 papers to look up, one every 3 s: `enrich` said
    nothing for 18 minutes."""
    for n in range(44):
        record = small / "content" / "papers" / f"more-{n}.yml"
        record.write_text(f"id: more-{n}\ntitle: Another Paper {n}\n", encoding="utf-8")
    result = enrich(small, arxiv)
    assert result.returncode == 0, result.stderr
    said = [line for line in result.stderr.splitlines() if line.startswith("arXiv request")]
    assert said == [
        "arXiv request 1 of 50; the rest take up to 0 min (one request every 0 s, for "
        "a title or for up to 100 arXiv ids; answers in your cache come at once)",
        "arXiv request 25 of 50",
    ]
    assert result.stdout.endswith(
        "50 paper(s) looked up (0 answered from the cache): "
        "1 found, 1 ambiguous, 46 not found, 2 failed\n"
    )


def test_a_dry_run_shows_the_change_and_writes_nothing(small: Path, arxiv: str) -> None:
    before = (small / "content" / "papers" / "one.yml").read_bytes()
    result = enrich(small, arxiv, "--dry-run")
    assert result.returncode == 0
    assert result.stdout.startswith("would set content/papers/one.yml: arxiv 2309.10818")
    assert (small / "content" / "papers" / "one.yml").read_bytes() == before


def test_without_a_network_it_says_so_in_one_line_and_changes_nothing(small: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}/api/query"
    before = {p.name: p.read_bytes() for p in (small / "content" / "papers").iterdir()}
    result = enrich(small, closed)
    assert result.returncode == 1
    assert result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("Error: arXiv cannot be reached (") and line.endswith(
        "nothing was changed"
    )
    assert {p.name: p.read_bytes() for p in (small / "content" / "papers").iterdir()} == before


def test_the_built_in_data_stays_as_it_is(tmp_path: Path) -> None:
    # The repository's records hold no arXiv ids yet: a curator with a network runs
    # enrich and commits the result (nothing in the build asks the network).
    papers, _ = load_papers(Layout(make_project(tmp_path / "p")))
    assert not any(p.arxiv for p in papers.values())
    assert run_cli(tmp_path / "p", "enrich", "--help").returncode == 0


def test_requests_are_spaced_as_arxiv_asks(monkeypatch: pytest.MonkeyPatch) -> None:
    """One request every three seconds: the client waits for what is left of them."""
    from generator import enrich as module

    monkeypatch.setattr(module, "DELAY", 3.0)
    monkeypatch.setattr(module, "get", lambda url, *args: b"<feed/>")
    client = module.Client("http://127.0.0.1:9/api/query", timeout=1)
    now, waits = [100.0], []
    client.clock = lambda: now[0]
    client.sleep = lambda seconds: (waits.append(seconds), now.__setitem__(0, now[0] + seconds))
    client.answer("First")
    now[0] += 1.0  # one second of other work
    client.answer("Second")
    client.answer("First")  # from the cache: no wait, no request
    assert waits == [0.0, 2.0]


class Dripping(BaseHTTPRequestHandler):
    """Answers one byte every half second, for as long as the client listens."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        try:
            self.send_response(200)
            self.end_headers()
            for _ in range(40):
                self.wfile.write(b"<")
                self.wfile.flush()
                time.sleep(0.5)
        except OSError:
            pass


def test_the_timeout_bounds_the_whole_request(small: Path) -> None:
    """A server that drips its answer kept enrich (and the project lock) for minutes."""
    server, url = serve_with(Dripping)
    try:
        began = time.monotonic()
        result = enrich(small, f"{url}api/query")
        elapsed = time.monotonic() - began
    finally:
        server.shutdown()
    assert result.returncode == 0
    assert "content/papers/one.yml: no answer within 1 s" in result.stderr
    assert "6 failed" in result.stdout
    assert elapsed < 6 * 10  # 20 s per paper before; this is no benchmark, only no hang


class Naming(BaseHTTPRequestHandler):
    """Answers with the name of a local file instead of a feed."""

    body = b""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.send_response(200)
        self.end_headers()
        self.wfile.write(type(self).body)


def test_an_answer_that_names_a_local_file_is_not_read(small: Path, tmp_path: Path) -> None:
    local = tmp_path / "local.xml"
    local.write_bytes(feed(("2309.10818v2", TITLES["one"], "2023-09-19T00:00:00Z", ["Secret"])))
    Naming.body = str(local).encode()
    server, url = serve_with(Naming)
    try:
        result = enrich(small, f"{url}api/query")
    finally:
        server.shutdown()
    assert result.returncode == 0, result.stderr
    assert "0 found" in result.stdout
    papers, _ = load_papers(Layout(small))
    assert papers["one"].authors == []


def test_a_cache_committed_to_the_repository_is_never_read(
    small: Path, arxiv: str, tmp_path: Path
) -> None:
    """`build/arxiv/<key>.xml` holding `/dev/zero` made a plain enrich read until memory
    ran out, with no network at all. Here each committed answer names a local feed."""
    import hashlib
    import re
    from urllib.parse import urlencode

    local = tmp_path / "local.xml"
    local.write_bytes(feed(("2309.10818v2", TITLES["one"], "2023-09-19T00:00:00Z", ["Secret"])))
    cache = small / "build" / "arxiv"
    cache.mkdir(parents=True)
    for title in TITLES.values():
        words = " ".join(re.findall(r"\w+", title))
        query = urlencode({"search_query": f'ti:"{words}"', "start": 0, "max_results": 10})
        key = hashlib.sha256(f"{arxiv}?{query}".encode()).hexdigest()[:32]
        (cache / f"{key}.xml").write_text(str(local), encoding="utf-8")
    result = enrich(small, arxiv)
    assert result.returncode == 0, result.stderr
    assert "(0 answered from the cache)" in result.stdout
    assert len(ArxivStandIn.requests) == 6
    papers, _ = load_papers(Layout(small))
    assert papers["one"].authors == ["Ada Lovelace", "Grace Hopper"]


def test_an_answer_that_would_make_a_bad_record_is_not_written(small: Path, tmp_path: Path) -> None:
    """An empty or a 2 MB author name made a record the loader then refused."""
    Naming.body = feed(
        ("2309.10818v2", TITLES["one"], "2023-09-19T00:00:00Z", ["Ada Lovelace", "x" * 1_100_000])
    )
    server, url = serve_with(Naming)
    before = (small / "content" / "papers" / "one.yml").read_bytes()
    try:
        result = enrich(small, f"{url}api/query")
    finally:
        server.shutdown()
    assert result.returncode == 0, result.stderr
    assert (
        "content/papers/one.yml: arXiv's answer was not used: content/papers/one.yml: error: would be"
        in result.stderr
    )
    assert (small / "content" / "papers" / "one.yml").read_bytes() == before
    assert [p for p in load_papers(Layout(small))[1] if p.is_error] == []


def test_enrich_keeps_every_comment_and_line(small: Path, arxiv: str) -> None:
    from .test_ingest import kept_lines

    record = small / "content" / "papers" / "one.yml"
    text = "# Checked by hand.\n" + record.read_text(encoding="utf-8") + "notes: fine  # mine\n"
    record.write_text(text, encoding="utf-8")
    assert enrich(small, arxiv).returncode == 0
    after = record.read_text(encoding="utf-8")
    assert after != text and kept_lines(text, after)


def test_themes_apply_keeps_the_file_as_written(tmp_path: Path) -> None:
    from .conftest import make_small_project
    from .test_ingest import kept_lines

    root = make_small_project(tmp_path / "project")
    themes = root / "content" / "themes.yml"
    text = themes.read_text(encoding="utf-8").replace("themes:\n", "themes:  # ours\n", 1)
    themes.write_text(text, encoding="utf-8")
    for i in range(12):  # papers no rule catches, with words in common
        (root / "content" / "papers" / f"zz{i}.yml").write_text(
            f"id: zz{i}\ntitle: Quantum annealing schedules, part {i}\n"
            "abstract: Quantum annealing with adiabatic schedules on qubits.\n",
            encoding="utf-8",
        )
    result = run_cli(root, "themes", "--suggest", "--apply")
    assert result.returncode == 0, result.stderr
    assert kept_lines(text, themes.read_text(encoding="utf-8"))
