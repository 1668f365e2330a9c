"""The command line, driven through its real entry point."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from generator.cli import main

from .conftest import ROOT, run_cli


def invoke(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str):
    monkeypatch.chdir(root)
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def all_commands() -> list[tuple[str, click.Command]]:
    return [(name, cmd) for name, cmd in main.commands.items()]


@pytest.mark.parametrize(("name", "command"), all_commands())
def test_every_command_and_option_has_help(name: str, command: click.Command) -> None:
    assert command.help, f"{name} has no help text"
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"{name} {param.opts} has no help text"
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0 and "Usage: main " + name in result.output


def test_check_passes_on_the_built_in_data(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = invoke(project, monkeypatch, "check")
    assert result.exit_code == 0, result.output
    # The only findings are the few papers no theme matches (listed as Unsorted).
    assert result.output.endswith("0 error(s), 5 warning(s)\n")
    assert result.output.count("in no theme") == 5


def test_check_reports_every_problem(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    papers = project / "content" / "papers"
    (papers / "bad.yml").write_text(
        "id: bad\ntitle: Bad\nlinks:\n  code: ftp://x\n", encoding="utf-8"
    )
    (papers / "worse.yml").write_text("id: worse\ntitel: Worse\n", encoding="utf-8")
    result = invoke(project, monkeypatch, "check", "--format", "github")
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("::error")]
    assert lines == [
        "::error file=content/papers/bad.yml,line=4::field 'links.code': expected an http(s) URL, got 'ftp://x'",
        "::error file=content/papers/worse.yml,line=1::missing required field 'title'",
        "::error file=content/papers/worse.yml,line=2::unknown field 'titel'; did you mean 'title'? Expected one of: id, title, authors, year, venue, doi, abstract, links, listings, aliases, themes, tags, notes, arxiv",
    ]


def test_check_text_format_and_strict(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    record = project / "content" / "papers" / "my-note.yml"
    record.write_text("id: my-note\ntitle: Zzyzx Qwerty\n", encoding="utf-8")
    result = invoke(project, monkeypatch, "check")
    assert result.exit_code == 0
    assert (
        "content/papers/my-note.yml: warning: in no theme: it will be listed as Unsorted"
        in result.output
    )
    assert invoke(project, monkeypatch, "check", "--strict").exit_code == 1


def test_missing_listing_is_an_error(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nanoflow = "nanoflow-towards-optimal-large-language-model-serving-throughput"
    (project / "content" / "papers" / f"{nanoflow}.yml").unlink()
    result = invoke(project, monkeypatch, "check")
    assert result.exit_code == 1
    assert (
        "content/sources/000_6b32cc8f1414c3bd.txt:303: error: listing 'NanoFlow: Towards Optimal "
        "Large Language Model Serving Throughput' is in no record; run 'readinglist ingest "
        "content/sources/000_6b32cc8f1414c3bd.txt'"
    ) in result.output


def test_ingest_summary_through_the_real_entry_point(project: Path) -> None:
    result = run_cli(project, "ingest", "content/sources/000_6b32cc8f1414c3bd.txt")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "1 file(s), 86 listing(s): 0 new paper(s), 0 listing(s) merged into existing papers, "
        "86 already known, 0 warning(s)\n"
    )


def test_bad_source_is_one_clear_line(project: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00")
    result = run_cli(project, "ingest", str(bad))
    assert result.returncode == 1
    assert (
        result.stderr
        == f"Error: {bad}: not UTF-8 text (byte 0xff at offset 0); save it as UTF-8 and try again\n"
    )


def test_build_with_bad_content_names_file_and_line(project: Path) -> None:
    (project / "content" / "papers" / "bad.yml").write_text(
        "id: bad\ntitle: [x\n", encoding="utf-8"
    )
    result = run_cli(project, "build")
    assert result.returncode == 1
    assert "content/papers/bad.yml:2: error: YAML syntax error" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.endswith("Error: 1 error(s) in content/\n")
    assert not (project / "site").exists()


def test_build_after_removing_the_generated_folder(project: Path) -> None:
    import shutil

    shutil.rmtree(project / "build")  # mkdocs.yml's docs_dir, which MkDocs requires
    result = run_cli(project, "build")
    assert result.returncode == 0, result.stderr
    assert (project / "site" / "index.html").is_file()
    assert (project / "build" / "docs" / "index.md").is_file()


def test_a_file_the_build_cannot_write_is_named_without_a_traceback(project: Path) -> None:
    blocked = project / "build" / "docs" / "index.md"  # a folder where the home page goes
    blocked.mkdir(parents=True)
    (blocked / ".keep").touch()  # not listed, so the generator does not prune the folder
    result = run_cli(project, "build")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr == "Error: build/docs/index.md: Is a directory\n"
    assert not (project / "site").exists()


def test_themes_table(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = invoke(project, monkeypatch, "themes")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == ["theme", "papers", "examples"]
    assert lines[1].startswith("mixture-of-experts")
    assert lines[-1].startswith("(unsorted)")


def test_the_readme_lists_every_record_field_as_the_schema_declares_it() -> None:
    from generator.content.schema import fields_table

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("<!-- fields:", 1)[1].split("-->\n", 1)[1].split("<!-- /fields -->")[0]
    assert table == fields_table(), "paste schema.fields_table() into README.md"


def test_help_reads_whole_and_version_is_printed() -> None:
    result = run_cli(ROOT, "--help")
    commands = result.stdout.split("Commands:", 1)[1].strip().splitlines()
    assert len(commands) == 10 and not any(line.endswith("...") for line in commands)
    version = run_cli(ROOT, "--version")
    assert version.returncode == 0 and version.stdout.startswith("readinglist 0.")


def test_themes_shortens_titles_at_a_word(project: Path) -> None:
    result = run_cli(project, "themes")
    assert result.returncode == 0
    examples = [
        example
        for line in result.stdout.splitlines()[1:]
        if "%  " in line
        for example in line.split("%  ", 1)[1].split("; ")
    ]
    assert examples and all(len(e) <= 40 for e in examples)
    assert any(e.endswith(" …") for e in examples)  # cut at a word, and said so


def test_check_prints_errors_before_warnings(project: Path) -> None:
    (project / "content" / "papers" / "zz-broken.yml").write_text("id: zz-broken\n", "utf-8")
    result = run_cli(project, "check")
    lines = result.stdout.splitlines()
    assert lines[0].startswith("content/papers/zz-broken.yml:1: error: missing required field")
    assert any(": warning: " in line for line in lines[1:])
