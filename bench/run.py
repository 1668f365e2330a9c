"""Benchmark the generator and the full build against plain MkDocs, at several sizes.

    python bench/run.py            # N = 354, 2,000 and 10,000, plus edit-to-preview
    python bench/run.py --quick    # N = 354 only (well under a minute)
    python bench/run.py --preview [--size 10000]   # edit to preview under serve, by kind
    python bench/run.py --related 100000   # the related-papers stage alone
    python bench/run.py --scale    # 500 themes and 365 listings; check at 10,000
    python bench/run.py --search 100000    # the search index alone, queried in Chromium
    python bench/run.py --bibtex 10000     # `ingest refs.bib` of 10,000 entries
    python bench/run.py --metadata 10000   # the build with authors, year, arXiv id on all
    python bench/run.py --table 10000      # the All papers page as a phone loads it

Each size also measures search in Chromium (`search_figures`): the seconds from the
last keystroke to the results on a cold page load, over HTTP and from `file://`, and
the bytes of index loaded until then and before anyone types.

Each size's stages run in a fresh subprocess so peak memory (RSS) is its own, and
each timed build in one more, as a user's build runs once per process. The baseline is
plain `mkdocs build` with the same theme configuration on N trivial pages (title and
abstract only, not in the navigation), measured in the same run. The generator, the
builds and the baseline are each run three times (`--runs`) and their medians kept:
the machines are shared and noisy. No timed run starts just after a large delete: the
folders a run replaces are moved aside and deleted at the end (`set_aside`). Below
1,000 papers, where a build takes about a second and the noise is a larger part of it,
they run three times as often (not with `--quick`). Results are printed as a table and
written to bench/results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus" / "content"
"""The built-in content as the tests keep it: the benchmark does not move with curation."""
SIZES = [354, 2000, 10000]
EPOCH = str(int(time.time()))
WORDS = [
    "adaptive",
    "sparse",
    "scalable",
    "robust",
    "hierarchical",
    "efficient",
    "federated",
    "streaming",
    "low-rank",
    "quantized",
    "elastic",
    "modular",
    "dynamic",
    "unified",
]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def seed_entries() -> list[tuple[str, str]]:
    sys.path.insert(0, str(ROOT))
    from generator.ingest.parse import parse_source

    seen, entries = set(), []
    for path in sorted((CORPUS / "sources").glob("*.txt")):
        for e in parse_source(path).entries:
            if e.title not in seen:
                seen.add(e.title)
                entries.append((e.title, e.abstract))
    return entries


def synthetic_listings(n: int, folder: Path) -> None:
    """N distinct papers as raw listing files of 500 entries, built from the seeds."""
    rng = random.Random(n)
    seeds = seed_entries()
    entries = []
    for i in range(n):
        title, abstract = seeds[i % len(seeds)]
        if i >= len(seeds):
            extra = " ".join(rng.sample(WORDS, 2))
            title = f"{title} ({extra} variant {i})"
            sentences = abstract.split(". ")
            rng.shuffle(sentences)
            abstract = f"We study {extra} setting {i}. " + ". ".join(sentences)
        entries.append((title, abstract))
    folder.mkdir(parents=True, exist_ok=True)
    for f, start in enumerate(range(0, n, 500)):
        chunk = entries[start : start + 500]
        body = "\n\n".join(f"{t}\n\n{a}" for t, a in chunk)
        (folder / f"{f:03d}_bench.txt").write_text(
            f"Mar {1 + f % 28}\n\n{body}\n", encoding="utf-8"
        )


def set_aside(path: Path, root: Path) -> None:
    """Move `path` (if any) into `set-aside/` beside the project `root`, where the
    benchmark's temporary folder deletes it at the end, instead of deleting it just
    before a timed run.

    On this machine's disk, creating files is many times slower for some seconds after
    a large delete, and `os.sync()` does not help: 12,000 files of 8 KB took 0.36 s, and
    5.1 s right after deleting 24,000 (2.2 s four seconds after). A delete just before
    a timed build timed the disk; a fresh clone has nothing to delete. The folders set
    aside take disk space until the size is done: by my estimate some 20 GB at 100,000
    papers with one run.
    """
    if path.exists():
        folder = root.parent / "set-aside"
        folder.mkdir(exist_ok=True)
        path.rename(folder / f"{root.name}-{path.name}-{time.monotonic_ns()}")


def make_project(root: Path, n: int) -> None:
    root.mkdir(parents=True)
    shutil.copy(ROOT / "mkdocs.yml", root)
    shutil.copytree(ROOT / "overrides", root / "overrides")
    shutil.copytree(
        ROOT / "generator", root / "generator", ignore=shutil.ignore_patterns("__pycache__")
    )
    (root / "build" / "docs").mkdir(parents=True)
    (root / "content" / "papers").mkdir(parents=True)
    shutil.copy(CORPUS / "themes.yml", root / "content")
    synthetic_listings(n, root / "content" / "sources")


def run_stages(root: Path, runs: int) -> dict:
    """Every stage in this process, timed one by one (called in a subprocess), and the
    whole of `generate` `runs` times from an empty folder, for its median. The builds
    run in processes of their own (`one_build`)."""
    sys.path.insert(0, str(root))
    os.chdir(root)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from generator.analysis import group
    from generator.analysis.mentions import find_mentions
    from generator.analysis.related import related_papers, vectorize
    from generator.content.files import sync_folder
    from generator.content.library import load_library
    from generator.content.store import Layout
    from generator.ingest.records import ingest
    from generator.site.cite import citation_list
    from generator.site.generate import download_files, generate
    from generator.site.pages import Renderer
    from generator.site.paths import SiteOptions
    from generator.site.search import search_files

    layout = Layout(root)
    times: dict[str, float] = {}

    def stage(name, fn):
        start = time.perf_counter()
        result = fn()
        times[name] = time.perf_counter() - start
        return result

    # The stages `site.generate.generate` runs, one at a time.
    stage("parse+ingest", lambda: ingest(layout, layout.source_files()))
    library = stage("load+validate", lambda: load_library(layout))
    papers = list(library.papers.values())
    grouped = stage("themes", lambda: group(library))
    mentions = stage("mentions", lambda: find_mentions(papers))

    related = stage("related", lambda: related_papers(papers, matrix=vectorize(papers)))
    stage("search", lambda: search_files(replace(grouped, related=related), True))
    linked = replace(grouped, related=related, mentions=mentions)
    options = SiteOptions(build_date="2024-01-01T00:00:00+00:00")
    stage(
        "render",
        lambda: sync_folder(
            root / "build" / "docs",
            {
                **Renderer(linked, options).pages(),
                **download_files(linked, options, citation_list(linked)),
            },
        ),
    )
    generator_times = []
    for _ in range(runs):
        set_aside(root / "build", root)
        start = time.perf_counter()
        generate(layout, options)
        generator_times.append(time.perf_counter() - start)
    times["generate"] = statistics.median(generator_times)
    content = sum(len(p.title.encode()) + len(p.abstract.encode()) for p in papers)
    return {
        "stages": {k: round(v, 3) for k, v in times.items()},
        "generator_peak_rss_mb": round(peak_rss_mb(), 1),
        "content_bytes": content,
    }


def one_build(root: Path, fresh: bool) -> dict:
    """One `readinglist build` in this process (called in a subprocess), modules and
    MkDocs' plugins already imported: the full build's time, and what it spent on
    the generator (everything before MkDocs starts).

    Each build gets a process of its own, as a user's does. With `fresh`, `build/`
    starts empty, as on a fresh clone; without, it holds the previous build's pages,
    and nothing has changed since.
    """
    sys.path.insert(0, str(root))
    os.chdir(root)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from generator.commands.site import _generate
    from generator.content.store import Layout
    from generator.engine.build import build_site, project_config

    project_config(root / "mkdocs.yml")  # imports the theme's plugins
    if fresh:
        set_aside(root / "build", root)
    set_aside(root / "site", root)  # no old site to replace; the baseline's is set aside too
    start = time.perf_counter()
    config = _generate(Layout(root))
    generated = time.perf_counter()
    build_site(config, root / "site", root)
    return {
        "full": time.perf_counter() - start,
        "generator": generated - start,
        "before MkDocs": generated - start,
    }


def builds(project: Path, runs: int, fresh: bool) -> dict[str, float]:
    """Medians of `runs` builds, each in a new process: the full build, the generator
    and, of that, the time in `generate` (until MkDocs can start)."""
    values: dict[str, list[float]] = {"full": [], "generator": [], "before MkDocs": []}
    # One build date for every process, as a git checkout has (its last commit's):
    # the synthetic project is no repository, and its date would be each build's now.
    env = {**os.environ, "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", EPOCH)}
    for _ in range(runs):
        flag = "--fresh-build" if fresh else "--rebuild"
        out = subprocess.run(
            [sys.executable, __file__, flag, str(project)],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        )
        for name, value in json.loads(out.stdout.splitlines()[-1]).items():
            values[name].append(value)
    return {name: statistics.median(found) for name, found in values.items()}


BASELINE_CONFIG = """\
site_name: baseline
docs_dir: docs
site_dir: site
nav:
  - index.md
not_in_nav: |
  /p/*.md
theme:
{theme}
plugins:
  - search
markdown_extensions: [attr_list, tables]
"""


def baseline(root: Path, n: int, runs: int) -> float:
    """Plain `mkdocs build`, same theme configuration, N trivial pages: median of `runs`."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor("!ENV", lambda loader, node: None)
    theme = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)["theme"]
    theme.pop("custom_dir", None)
    theme_yaml = "\n".join("  " + line for line in yaml.safe_dump(theme).splitlines())
    docs = root / "docs" / "p"
    docs.mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# Baseline\n", encoding="utf-8")
    for i, (title, abstract) in enumerate(seed_entries() * (n // 354 + 1)):
        if i >= n:
            break
        (docs / f"{i}.md").write_text(f"# {title} {i}\n\n{abstract}\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(BASELINE_CONFIG.format(theme=theme_yaml), encoding="utf-8")
    values = []
    for _ in range(runs):
        set_aside(root / "site", root)  # MkDocs then has no old site to empty
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "-q"],
            cwd=root,
            check=True,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )
        values.append(time.perf_counter() - start)
    return statistics.median(values)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


PREVIEW_KINDS = ("field", "new record", "deleted record", "theme keyword")
"""The edits a curator makes, timed under `serve` (`preview_edits`)."""
WATCH_INTERVAL = 0.5
"""How often MkDocs' watcher looks at the watched files (its default, not set by us)."""


def preview_edit(root: Path, kind: str, i: int) -> None:
    """One edit of `kind` to the project's content, different each time (`i`)."""
    papers = sorted((root / "content" / "papers").glob("*.yml"))
    record = papers[(i * 37) % len(papers)]
    if kind == "field":
        text = record.read_text(encoding="utf-8")
        record.write_text(text.replace("abstract: >-\n  ", f"abstract: >-\n  Edit{i} ", 1))
    elif kind == "new record":
        (record.parent / f"bench-new-{i}.yml").write_text(
            f"id: bench-new-{i}\ntitle: A new paper on sparse decoding, number {i}\n"
            f"abstract: We decode {i} times faster with a sparse cache.\n",
            encoding="utf-8",
        )
    elif kind == "deleted record":
        record.unlink()
    else:
        themes = root / "content" / "themes.yml"
        text = themes.read_text(encoding="utf-8")
        themes.write_text(text.replace("  keywords: [", f"  keywords: [benchword{i}, ", 1))


def preview_edits(root: Path, repeats: int = 3) -> dict[str, list[float]]:
    """Serve the site; for each kind of edit, `repeats` times: edit, and time until the
    server has rebuilt (its `Site built in` line), then until the page answers.

    A curator saves at any moment of the watcher's cycle. The pause before each edit
    therefore has a random part as long as that cycle: with a fixed pause every edit
    met the watcher at the same point of it, and so every figure carried the same wait
    (about 0.45 s of the 0.5 s at 354 papers, where a curator waits 0.25 s on average).
    """
    rng = random.Random(0)
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(root),
        "NO_MKDOCS_2_WARNING": "1",
        "SITE_URL": f"http://127.0.0.1:{port}/",
    }
    log = root.parent / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "--dev-addr", f"127.0.0.1:{port}"],
            cwd=root,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    home = f"http://127.0.0.1:{port}/"

    def builds() -> int:
        return log.read_text(encoding="utf-8").count("Site built in ")

    try:
        deadline = time.time() + 1800
        while builds() < 1 and time.time() < deadline:
            time.sleep(0.2)
        latencies: dict[str, list[float]] = {kind: [] for kind in PREVIEW_KINDS}
        for i in range(repeats):
            for kind in PREVIEW_KINDS:
                # The watcher has seen everything before; then a random point of its cycle.
                time.sleep(1.5 + rng.uniform(0, WATCH_INTERVAL))
                before = builds()
                start = time.perf_counter()
                preview_edit(root, kind, i)
                latency = float("inf")
                while time.perf_counter() - start < 300:
                    if builds() > before:
                        urllib.request.urlopen(home, timeout=30).read()
                        latency = time.perf_counter() - start
                        break
                    time.sleep(0.02)
                latencies[kind].append(round(latency, 3))
        return latencies
    finally:
        server.terminate()
        server.wait(timeout=30)


def preview_figures(n: int, repeats: int) -> dict:
    """Edit to preview at `n` papers, by kind, with a clean `readinglist build` of the
    same project in the same run as the baseline (what every edit cost before)."""
    with tempfile.TemporaryDirectory(prefix=f"bench-preview-{n}-") as tmp:
        project = Path(tmp) / "project"
        make_project(project, n)
        ingest_all(project)
        full, _ = command(project, 1)
        latencies = preview_edits(project, repeats)
    every = [x for values in latencies.values() for x in values]
    median = statistics.median(every)
    return {
        "n": n,
        "edit_to_preview_s": round(median, 3),
        "by_kind_median_s": {k: statistics.median(v) for k, v in latencies.items()},
        "runs_s": latencies,
        "full_build_s": round(full, 3),
        "ratio_to_full_build": round(median / full, 3),
    }


def related_only(n: int) -> dict:
    sys.path.insert(0, str(ROOT))
    from generator.analysis.related import related_papers
    from generator.content.model import Paper

    seeds = seed_entries()
    rng = random.Random(0)
    papers = []
    for i in range(n):
        title, abstract = seeds[i % len(seeds)]
        words = abstract.split()
        rng.shuffle(words)
        papers.append(
            Paper(
                id=f"p{i:07d}", title=f"{title} {i}", abstract=" ".join(words[:120]) + f" token{i}"
            )
        )
    start = time.perf_counter()
    related_papers(papers)
    return {
        "n": n,
        "related_s": round(time.perf_counter() - start, 2),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def command(project: Path, runs: int) -> tuple[float, float]:
    """`readinglist build` as a user runs it, in a new process from a clean clone:
    Python's start and every import included, as in the baseline. Median time of
    `runs`, and the largest peak RSS of the process."""
    values, peaks = [], []
    for _ in range(runs):
        set_aside(project / "build", project)
        set_aside(project / "site", project)
        start = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "generator", "build"],
            cwd=project,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": str(project), "NO_MKDOCS_2_WARNING": "1"},
        )
        # wait4 reaps the process with its resource usage (Popen.wait would not give
        # it); Popen is then told the exit code, so it does not wait again.
        _, status, usage = os.wait4(process.pid, 0)
        values.append(time.perf_counter() - start)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode:
            raise RuntimeError(f"readinglist build failed in {project}")
        peaks.append(usage.ru_maxrss / 1024)
    return statistics.median(values), max(peaks)


def runs_at(n: int, runs: int, quick: bool) -> int:
    """Three times as many runs below 1,000 papers, where a build takes about a second
    and the noise is a larger part of it; `--quick` keeps to `runs`, to stay quick."""
    return runs if quick or n >= 1000 else 3 * runs


def measure(n: int, with_preview: bool, runs: int) -> dict:
    with tempfile.TemporaryDirectory(prefix=f"bench-{n}-") as tmp:
        project = Path(tmp) / "project"
        make_project(project, n)
        out = subprocess.run(
            [sys.executable, __file__, "--stages", str(project), "--runs", str(runs)],
            capture_output=True,
            text=True,
            check=True,
        )
        result = {"n": n, **json.loads(out.stdout.splitlines()[-1])}
        full = builds(project, runs, fresh=True)
        result["search"] = search_figures(project / "site")
        result["site"] = site_figures(project / "site")
        index = result["search"]["index_bytes"]
        rebuild = builds(project, runs, fresh=False)
        result["stages"].update(
            {
                "before MkDocs": round(full["before MkDocs"], 3),
                "full build": round(full["full"], 3),
                "generator": round(full["generator"], 3),
                "rebuild": round(rebuild["full"], 3),
                "generator on rebuild": round(rebuild["generator"], 3),
            }
        )
        result["generator_s"] = round(full["generator"], 3)
        result["full_build_s"] = round(full["full"], 3)
        result["rebuild_s"] = round(rebuild["full"], 3)
        result["rebuild_generator_s"] = round(rebuild["generator"], 3)
        result["search_index_ratio"] = round(index / result.pop("content_bytes"), 3)
        result["baseline_s"] = round(baseline(Path(tmp) / "baseline", n, runs), 3)
        result["ratio"] = round(result["full_build_s"] / result["baseline_s"], 3)
        command_s, command_rss = command(project, runs)
        result["command_s"] = round(command_s, 3)
        result["command_peak_rss_mb"] = round(command_rss, 1)
        result["command_ratio"] = round(result["command_s"] / result["baseline_s"], 3)
        result["generator_share"] = round(result["generator_s"] / result["full_build_s"], 3)
        result["rebuild_generator_share"] = round(
            result["rebuild_generator_s"] / result["rebuild_s"], 3
        )
        if with_preview:
            latencies = [x for v in preview_edits(project, repeats=1).values() for x in v]
            result["edit_to_preview_runs_s"] = latencies
            result["edit_to_preview_s"] = statistics.median(latencies)
        return result


def table(results: list[dict]) -> str:
    head = [
        "N",
        "ingest",
        "load",
        "themes",
        "related",
        "mentions",
        "render",
        "generate",
        "generator",
        "full",
        "baseline",
        "ratio",
        "command",
        "its ratio",
        "gen share",
        "rebuild",
        "its gen share",
        "RSS MB",
        "index x",
    ]
    rows = [head]
    for r in results:
        s = r["stages"]
        rows.append(
            [
                str(r["n"]),
                *(
                    f"{s[k]:.2f}"
                    for k in (
                        "parse+ingest",
                        "load+validate",
                        "themes",
                        "related",
                        "mentions",
                        "render",
                    )
                ),
                f"{s['generate']:.2f}",
                f"{r['generator_s']:.2f}",
                f"{r['full_build_s']:.2f}",
                f"{r['baseline_s']:.2f}",
                f"{r['ratio']:.2f}",
                f"{r['command_s']:.2f}",
                f"{r['command_ratio']:.2f}",
                f"{r['generator_share']:.0%}",
                f"{r['rebuild_s']:.2f}",
                f"{r['rebuild_generator_share']:.1%}",
                f"{r['command_peak_rss_mb']:.0f}",
                f"{r['search_index_ratio']:.2f}",
            ]
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    return "\n".join(
        " | ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in rows
    )


def site_figures(site: Path) -> dict:
    """The built site's size on disk, and its largest HTML page."""
    sizes = {p: p.stat().st_size for p in site.rglob("*") if p.is_file()}
    largest = max((p for p in sizes if p.suffix == ".html"), key=sizes.__getitem__)
    return {
        "bytes": sum(sizes.values()),
        "files": len(sizes),
        "largest_page": largest.relative_to(site).as_posix(),
        "largest_page_bytes": sizes[largest],
    }


def site_lines(results: list[dict]) -> str:
    lines = []
    for r in results:
        site = r["site"]
        lines.append(
            f"{r['n']} | site {site['bytes'] / 1e6:,.0f} MB in {site['files']:,} files"
            f" | largest page {site['largest_page']}, {site['largest_page_bytes'] / 1e3:.0f} KB"
        )
    return "\n".join(lines)


def search_table(results: list[dict]) -> str:
    """The search figures: the slowest of QUERIES, each typed on a cold page load."""
    lines = [
        "N | http: results after typing | file:// | bytes until results | before typing"
        " | next query | index build (share of full build) | index"
    ]
    for r in results:
        s, http, disk = r["search"], r["search"]["http"], r["search"]["file"]
        build = r["stages"]["search"]
        share = f" ({build / r['full_build_s']:.1%})" if "full_build_s" in r else ""
        lines.append(
            f"{r['n']} | {http['first_results_s']:.2f} s | {disk['first_results_s']:.2f} s"
            f" | {http['bytes_until_results'] / 1e6:.2f} MB | {http['bytes_before_typing']} B"
            f" | {http['next_query_s']:.2f} s | {build:.2f} s{share}"
            f" | {s['index_bytes'] / 1e6:.1f} MB in {s['index_files']} files"
        )
    return "\n".join(lines)


def ingest_all(project: Path) -> None:
    sources = sorted((project / "content" / "sources").glob("*.txt"))
    subprocess.run(
        [sys.executable, "-m", "generator", "ingest", *map(str, sources)],
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(project)},
        check=True,
        capture_output=True,
    )


def timed_command(project: Path, *args: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(project), "SOURCE_DATE_EPOCH": EPOCH},
        capture_output=True,
        check=args[0] != "check",  # check may exit 1 on the synthetic near-duplicates
    )
    return time.perf_counter() - start


def scale() -> dict:
    """What used to grow with the square of the input (the trust issue).

    The built-in papers spread over 365 listing files and grouped by 500 theme rules,
    built in full: the home page's size against its 1 MB target and the build against
    the same papers as the seeds give them. And `readinglist check` at 10,000
    synthetic papers (target 10 s), against `readinglist themes`, which loads and
    groups the same library.
    """
    sys.path.insert(0, str(ROOT))
    from tests.conftest import make_project as copy_project
    from tests.test_scale import spread_out

    result: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        plain = copy_project(Path(tmp) / "plain")
        crowded = copy_project(Path(tmp) / "crowded", with_papers=False)
        spread_out(crowded, themes=500, sources=365)
        ingest_all(crowded)
        result["build_seeds_s"] = statistics.median(timed_command(plain, "build") for _ in range(3))
        result["build_500_themes_365_sources_s"] = statistics.median(
            timed_command(crowded, "build") for _ in range(3)
        )
        result["home_page_kb"] = (crowded / "site" / "index.html").stat().st_size / 1024
        big = Path(tmp) / "big"
        make_project(big, 10000)
        ingest_all(big)
        result["check_10000_s"] = statistics.median(timed_command(big, "check") for _ in range(3))
        result["themes_10000_s"] = statistics.median(timed_command(big, "themes") for _ in range(3))
    return result


# --- Search ------------------------------------------------------------------------

QUERIES = ["speculative decoding", "NanoFlow", "KV cache compression"]
HARNESS = """<!doctype html><meta charset="utf-8"><title>search</title>
<input class="md-toggle" type="checkbox" id="__search">
<form><input type="text" class="md-search__input" name="query"></form>
<div class="md-search-result__meta"></div><ol class="md-search-result__list"></ol>
<script src="assets/javascripts/search.js"></script>
"""


def search_figures(site: Path) -> dict:
    """Chromium on a cold page load, over HTTP and from `file://`: for each query, the
    seconds from the last keystroke until the results are shown, the bytes of index
    loaded until then, and what the page loaded of the index before anyone typed."""
    sys.path.insert(0, str(ROOT))
    from playwright.sync_api import sync_playwright

    from tests.conftest import serve_folder

    site = site.resolve()
    server, url = serve_folder(site)
    found: dict = {}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium")
            # From disk a folder is no page: name its index.html.
            for where, page in (("http", url), ("file", site.as_uri() + "/index.html")):
                runs = [_one_search(browser, site, page, q) for q in QUERIES]
                found[where] = {
                    "first_results_s": round(max(r["seconds"] for r in runs), 3),
                    "speculative_decoding_s": runs[0]["seconds"],
                    "bytes_until_results": max(r["bytes"] for r in runs),
                    "bytes_before_typing": max(r["before"] for r in runs),
                    "next_query_s": round(max(r["next"] for r in runs), 3),
                }
            browser.close()
    finally:
        server.shutdown()
    folder = site / "search-index"
    found["index_bytes"] = sum(f.stat().st_size for f in folder.rglob("*.js"))
    found["index_files"] = sum(1 for _ in folder.rglob("*.js"))
    return found


def _one_search(browser, site: Path, url: str, query: str) -> dict:
    context = browser.new_context()  # a cold cache
    page = context.new_page()
    loads: list[str] = []
    page.on("request", lambda r: loads.append(r.url))

    def index_bytes() -> int:
        files = {u.split("/search-index/")[1] for u in loads if "/search-index/" in u}
        return sum((site / "search-index" / f).stat().st_size for f in files)

    page.goto(url)
    page.wait_for_load_state("load")
    before = index_bytes()
    page.click("input.md-search__input")
    page.keyboard.type(query, delay=60)  # a quick typist
    start = time.perf_counter()
    _answered(page, query)
    seconds = time.perf_counter() - start
    size = index_bytes()
    page.fill("input.md-search__input", "")
    page.keyboard.type("pruning", delay=60)
    start = time.perf_counter()
    _answered(page, "pruning")
    after = time.perf_counter() - start
    context.close()
    return {"seconds": round(seconds, 3), "bytes": size, "before": before, "next": after}


def _answered(page, query: str) -> None:
    page.wait_for_function(
        "q => document.querySelector('.md-search-result__list').dataset.rlQuery === q",
        arg=query,
        timeout=60_000,
    )


def bibtex_ingest(n: int) -> dict:
    """`readinglist ingest refs.bib` of N entries (authors, year, venue, DOI, arXiv id,
    abstract) into a project with no records, as a new process: seconds and peak RSS."""
    rng = random.Random(n)
    seeds = seed_entries()
    entries = []
    for i in range(n):
        title, abstract = seeds[i % len(seeds)]
        if i >= len(seeds):
            title = f"{title} ({' '.join(rng.sample(WORDS, 2))} variant {i})"
            abstract = f"{abstract} ({' '.join(rng.sample(WORDS, 3))}, variant {i}.)"
        authors = " and ".join(f"M{{\\\"u}}ller{j}, Jos{{\\'e}}" for j in range(1 + i % 4))
        eprint = f"{15 + i % 10}{1 + i % 12:02d}.{i % 100000:05d}"
        entries.append(
            f"@inproceedings{{key{i},\n  title = {{{{{title}}}}},\n  author = {{{authors}}},\n"
            f"  booktitle = {{NeurIPS}},\n  year = {{{2015 + i % 10}}},\n"
            f"  doi = {{10.5555/{i}}},\n  eprint = {{{eprint}}},\n"
            f"  archivePrefix = {{arXiv}},\n  abstract = {{{abstract}}}\n}}\n"
        )
    with tempfile.TemporaryDirectory(prefix=f"bench-bibtex-{n}-") as tmp:
        project = Path(tmp) / "project"
        make_project(project, 0)
        refs = Path(tmp) / "refs.bib"
        refs.write_text("\n".join(entries), encoding="utf-8")
        start = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", _RSS_OF_INGEST, str(refs)],
            cwd=project,
            env={**os.environ, "PYTHONPATH": str(project)},
            capture_output=True,
            text=True,
            check=True,
        )
        seconds = time.perf_counter() - start
        warnings = out.stderr.count(": warning: ")
        records = len(list((project / "content" / "papers").glob("*.yml")))
        if not records:
            raise SystemExit(f"the ingest made no records:\n{out.stderr[-2000:]}")
    return {
        "n": n,
        "ingest_s": round(seconds, 2),
        "records": records,
        "warnings": warnings,
        "peak_rss_mb": float(out.stdout.splitlines()[-1]),
    }


_RSS_OF_INGEST = """
import resource, sys
from generator.cli import run
sys.argv = ["readinglist", "ingest", sys.argv[1]]
try:
    run()
except SystemExit:
    pass
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, file=sys.__stdout__)
"""


LONG_TASKS = """
window.__rlBlocked = 0;
new PerformanceObserver(list => {
  for (const task of list.getEntries()) window.__rlBlocked += Math.max(0, task.duration - 50);
}).observe({type: "longtask", buffered: true});
"""


def table_figures(n: int, runs: int) -> dict:
    """The All papers page at N papers: its HTML's size, and how long its main thread is
    blocked while it loads (the sum over long tasks of what passes 50 ms, as Lighthouse
    counts it) in Chromium emulating a phone: 390 px wide, the CPU slowed 4 times. The
    baseline is the same site's Contribute page: the theme and scripts, and no table."""
    sys.path.insert(0, str(ROOT))
    from playwright.sync_api import sync_playwright

    from tests.conftest import serve_folder

    with tempfile.TemporaryDirectory(prefix=f"bench-table-{n}-") as tmp:
        project = Path(tmp) / "project"
        make_project(project, n)
        ingest_all(project)
        builds(project, 1, fresh=True)
        html = project / "site" / "papers" / "index.html"
        server, url = serve_folder(project / "site")
        figures: dict[str, list[tuple[float, float]]] = {"papers/": [], "contribute/": []}
        interactions: list[list[float]] = []
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path="/usr/bin/chromium")
                for _ in range(runs):
                    for path, found in figures.items():
                        found.append(phone_load(browser, url + path, interactions))
                browser.close()
        finally:
            server.shutdown()
        blocked = [b for b, _ in figures["papers/"]]
        base = statistics.median(b for b, _ in figures["contribute/"])
        return {
            "n": n,
            "html_kb": round(html.stat().st_size / 1024, 1),
            "blocked_s": round(statistics.median(blocked), 3),
            "blocked_runs_s": [round(b, 3) for b in blocked],
            "load_s": round(statistics.median(t for _, t in figures["papers/"]), 2),
            "baseline_blocked_s": round(base, 3),
            "ratio": round(statistics.median(blocked) / base, 2) if base else None,
            **{
                f"{step}_s": round(statistics.median(times), 3)
                for step, times in zip(STEPS, zip(*interactions, strict=True), strict=True)
            },
        }


def phone_load(browser: Any, url: str, interactions: list[list[float]]) -> tuple[float, float]:
    """(seconds the main thread is blocked, seconds to the load event) for one page in a
    new phone-sized context with the CPU slowed 4 times; the papers' rows, when the page
    has a table, are shown before the blocked time is read; then a sort and a filter are
    timed, into `interactions`."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.add_init_script(LONG_TASKS)
    cdp = context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    started = time.perf_counter()
    page.goto(url, wait_until="load", timeout=600_000)
    loaded = time.perf_counter() - started
    if page.locator(".rl-table").count():
        page.wait_for_selector(".rl-table tbody tr", timeout=600_000)
    page.wait_for_timeout(3000)  # scripts run after load count too
    blocked = page.evaluate("window.__rlBlocked") / 1000
    if page.locator(".rl-table-controls").count():
        interactions.append([page.evaluate(INTERACTION, step) / 1000 for step in STEPS])
    context.close()
    return blocked, loaded


STEPS = ["sort", "filter"]
INTERACTION = """step => {
  const started = performance.now();
  if (step === "sort") document.querySelector(".rl-table th button").click();
  else {
    const box = document.querySelector(".rl-filter");
    box.value = "model";
    box.dispatchEvent(new Event("input"));
  }
  document.body.offsetHeight;  // and the layout it causes
  return performance.now() - started;
}"""
"""What the table takes to sort by title, and to filter by a word, as a reader waits."""


def with_metadata(n: int, runs: int) -> dict:
    """The full build of N papers without and then with authors, year, venue, DOI and
    arXiv id on every record, against plain MkDocs' build of N trivial pages."""
    with tempfile.TemporaryDirectory(prefix=f"bench-metadata-{n}-") as tmp:
        project = Path(tmp) / "project"
        make_project(project, n)
        ingest_all(project)
        plain = builds(project, runs, fresh=True)["full"]
        for i, record in enumerate(sorted((project / "content" / "papers").glob("*.yml"))):
            text = record.read_text(encoding="utf-8")
            record.write_text(
                text + f"authors: [Ada Lovelace, Grace Hopper, Wei Chen {i}]\n"
                f"year: '{2015 + i % 10}'\nvenue: NeurIPS\ndoi: 10.5555/{i}\n"
                f"arxiv: '{15 + i % 10}{1 + i % 12:02d}.{i % 100000:05d}'\n",
                encoding="utf-8",
            )
        full = builds(project, runs, fresh=True)["full"]
        base = baseline(Path(tmp) / "baseline", n, runs)
    return {
        "n": n,
        "build_s": round(plain, 2),
        "build_with_metadata_s": round(full, 2),
        "baseline_s": round(base, 2),
        "ratio": round(plain / base, 3),
        "ratio_with_metadata": round(full / base, 3),
    }


def search_at_scale(n: int) -> dict:
    """The search index alone for N synthetic papers (no site): its build time, size,
    and the query side in Chromium against a page that holds only the search box."""
    sys.path.insert(0, str(ROOT))
    from generator.analysis import group
    from generator.content.model import Library, Paper
    from generator.content.store import Layout, load_themes
    from generator.site.search import search_files

    rng = random.Random(n)
    seeds = seed_entries()
    papers = {}
    for i in range(n):
        title, abstract = seeds[i % len(seeds)]
        if i >= len(seeds):
            extra = " ".join(rng.sample(WORDS, 2))
            title = f"{title} ({extra} variant {i})"
            abstract = f"We study {extra} setting {i}. {abstract}"
        papers[f"p{i:06d}"] = Paper(id=f"p{i:06d}", title=title, abstract=abstract)
    themes, _ = load_themes(Layout(ROOT))
    grouped = group(Library(papers=papers, themes=themes))
    start = time.perf_counter()
    files = search_files(grouped, True)
    built = time.perf_counter() - start
    with tempfile.TemporaryDirectory(prefix=f"bench-search-{n}-") as tmp:
        site = Path(tmp)
        for rel, text in files.items():
            (site / rel).parent.mkdir(parents=True, exist_ok=True)
            (site / rel).write_text(text, encoding="utf-8")
        scripts = site / "assets" / "javascripts"
        scripts.mkdir(parents=True)
        shutil.copy(ROOT / "overrides" / "assets" / "javascripts" / "search.js", scripts)
        (site / "index.html").write_text(HARNESS, encoding="utf-8")
        return {"n": n, "index_build_s": round(built, 2), **search_figures(site)}


def save(change: Callable[[dict], object]) -> None:
    """Change bench/results.json, which keeps every kind of run side by side."""
    path = ROOT / "bench" / "results.json"
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    change(data)
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


def keep(key: str, n: int, result: dict) -> None:
    """Keep `result` in results.json as the figures of `key` at size `n`."""
    save(lambda data: data.setdefault(key, {}).update({str(n): result}))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="N = 354 only")
    parser.add_argument("--size", type=int, metavar="N", help="one size only, e.g. 10000")
    parser.add_argument(
        "--related", type=int, metavar="N", help="time the related stage alone at N"
    )
    parser.add_argument(
        "--preview", action="store_true", help="edit to preview only (N = 354, or --size)"
    )
    parser.add_argument(
        "--scale", action="store_true", help="500 themes, 365 listings, check at 10,000"
    )
    parser.add_argument(
        "--runs", type=int, default=3, help="builds per size, for medians (default 3)"
    )
    parser.add_argument(
        "--search", type=int, metavar="N", help="the search index alone at N (e.g. 100000)"
    )
    parser.add_argument(
        "--bibtex", type=int, metavar="N", help="ingest N BibTeX entries (e.g. 10000)"
    )
    parser.add_argument(
        "--metadata", type=int, metavar="N", help="the build with metadata on every paper"
    )
    parser.add_argument(
        "--table", type=int, metavar="N", help="the All papers page at N, as a phone loads it"
    )
    parser.add_argument("--stages", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--fresh-build", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--rebuild", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stages:
        print(json.dumps(run_stages(args.stages, args.runs)))
        return
    if args.fresh_build or args.rebuild:
        print(json.dumps(one_build(args.fresh_build or args.rebuild, bool(args.fresh_build))))
        return
    if args.preview:
        result = preview_figures(args.size or 354, repeats=5)
        print(json.dumps(result))
        keep("preview", result["n"], result)
        return
    if args.scale:
        result = scale()
        for name, value in result.items():
            print(f"{name}: {value:.2f}")
        ratio = result["build_500_themes_365_sources_s"] / result["build_seeds_s"]
        print(f"500 themes and 365 listings against the seeds' build: {ratio:.2f}x")
        print(f"home page: {result['home_page_kb']:.0f} KB (target: under 1,024 KB)")
        check = result["check_10000_s"] / result["themes_10000_s"]
        print(f"check against themes at 10,000: {check:.2f}x")
        save(lambda data: data.update(scale=result))
        return
    # The modes that measure one thing at one size, and where results.json keeps it.
    single: dict[str, tuple[str, Callable[[int], dict]]] = {
        "table": ("table", lambda n: table_figures(n, args.runs)),
        "metadata": ("metadata", lambda n: with_metadata(n, args.runs)),
        "bibtex": ("bibtex_ingest", bibtex_ingest),
        "related": ("related_only", related_only),
    }
    for flag, (key, figures) in single.items():
        n = getattr(args, flag)
        if n:
            result = figures(n)
            print(json.dumps(result))
            keep(key, n, result)
            return
    if args.search:
        result = search_at_scale(args.search)
        print(
            search_table(
                [{**result, "search": result, "stages": {"search": result["index_build_s"]}}]
            )
        )
        keep("search_only", args.search, result)
        return
    sizes = SIZES[:1] if args.quick else [args.size] if args.size else SIZES
    results = [
        measure(n, n == 354, runs_at(n, args.runs, args.quick or bool(args.size))) for n in sizes
    ]
    print(table(results))
    print(search_table(results))
    print(site_lines(results))
    print("generate: `generate` alone from an empty folder (stages above, one after another)")
    print("generator: what a full build spends before MkDocs starts")
    print("full: in a process of its own, modules loaded; command: `readinglist build`")
    print("in a new process (Python's start and imports included, as in the baseline)")
    print("rebuild: the same build again, nothing changed; the generator keeps its pages")
    print("RSS: the peak of one `readinglist build` command")
    if "edit_to_preview_s" in results[0]:
        runs = ", ".join(f"{x:.2f}" for x in results[0]["edit_to_preview_runs_s"])
        print(f"edit to preview (N=354): median {results[0]['edit_to_preview_s']:.2f} s ({runs})")
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    save(lambda data: data.update(machine=machine, results=merged(data, results)))


def merged(data: dict, results: list[dict]) -> list[dict]:
    """The sizes just measured, in place of their earlier figures; other sizes kept."""
    by_size = {r["n"]: r for r in data.get("results", [])}
    by_size.update({r["n"]: r for r in results})
    return [by_size[n] for n in sorted(by_size)]


if __name__ == "__main__":
    main()
