"""The developer's own checks run in CI: lint, format, types, the import layers, and a
`check` that imports only what it uses."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT

BIN = Path(sys.executable).parent


def tool(name: str, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    path = BIN / name
    if not path.exists():
        found = shutil.which(name)
        assert found, f"{name} is not installed: pip install -e '.[test]'"
        path = Path(found)
    return subprocess.run([str(path), *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_ruff_finds_nothing_anywhere() -> None:
    """Every Python file is checked: no folder of the package is excluded."""
    result = tool("ruff", "check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout
    listed = tool("ruff", "check", "--no-cache", "--show-files", ".").stdout
    assert "generator/site/pages.py" in listed and "tests/conftest.py" in listed


def test_ruff_format_leaves_every_file_as_it_is() -> None:
    result = tool("ruff", "format", "--no-cache", "--check", ".")
    assert result.returncode == 0, result.stdout


def test_mypy_finds_nothing(tmp_path: Path) -> None:
    result = tool("mypy", "--cache-dir", str(tmp_path))
    assert result.returncode == 0, result.stdout


def test_the_stages_import_only_the_stages_below_them() -> None:
    """content <- ingest, analysis <- site <- engine <- commands (pyproject.toml)."""
    result = tool("lint-imports", "--no-cache")
    assert result.returncode == 0, result.stdout
    assert "1 kept, 0 broken" in result.stdout


def test_the_layer_contract_catches_an_import_upwards(tmp_path: Path) -> None:
    """The contract is real: content importing the site breaks it."""
    copy = tmp_path / "copy"
    shutil.copytree(
        ROOT / "generator", copy / "generator", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    model = copy / "generator" / "content" / "model.py"
    model.write_text(model.read_text(encoding="utf-8") + "\nimport generator.site.paths\n")
    env = {**os.environ, "PYTHONPATH": str(copy)}
    result = subprocess.run(
        [str(BIN / "lint-imports"), "--no-cache"],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert (
        result.returncode == 1
        and "generator.content.model -> generator.site.paths" in result.stdout
    )


HEAVY = ["scipy", "numpy", "networkx", "mkdocs", "material", "jinja2", "feedgen", "markdown"]

PROBE = """
import sys
from generator.cli import main
try:
    main(["check"], prog_name="readinglist")
except SystemExit:
    pass
print(" ".join(sorted(name for name in sys.modules if "." not in name)))
"""


def test_check_imports_nothing_it_does_not_use(tmp_path: Path) -> None:
    """SciPy alone was 0.6 s of check's 1.0 s."""
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n")
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    loaded = set(result.stdout.split())
    assert "generator" in loaded, result.stderr
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))
