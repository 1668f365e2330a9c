"""bench/run.py keeps working as the code moves: its per-process steps, on a small
project (the figures themselves are the benchmark's to take, never a test's)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT, make_small_project


def test_the_benchmarks_build_step_runs(tmp_path: Path) -> None:
    root = make_small_project(tmp_path / "project")
    for flag in ("--fresh-build", "--rebuild"):
        done = subprocess.run(
            [sys.executable, str(ROOT / "bench" / "run.py"), flag, str(root)],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        figures = json.loads(done.stdout.splitlines()[-1])
        assert figures["full"] > figures["generator"] > 0
    assert (root / "site" / "index.html").exists()


def test_measuring_one_size_keeps_the_others_results() -> None:
    """`bench/run.py --size N` replaces the figures of N in results.json, and only those."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    data = {"results": [{"n": 354, "full": 1.0}, {"n": 10000, "full": 30.0}]}
    kept = bench.merged(data, [{"n": 100000, "full": 300.0}, {"n": 354, "full": 2.0}])
    assert kept == [
        {"n": 354, "full": 2.0},
        {"n": 10000, "full": 30.0},
        {"n": 100000, "full": 300.0},
    ]
