"""The command line, driven through its real entry point."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from generator.cli import main

from .conftest import ROOT, run_cli

NANOFLOW = "nanoflow-towards-optimal-large-language-model-serving-throughput"


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
        "::error file=content/papers/worse.yml,line=2::unknown field 'titel'; did you mean 'title'? Expected one of: id, title, authors, year, venue, doi, type, journal, booktitle, volume, number, pages, publisher, url, abstract, links, listings, aliases, themes, tags, notes, arxiv, arxiv_class, bibkey, former_ids",
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


def test_a_file_not_in_utf8_is_reported_at_its_line(tmp_path: Path) -> None:
    """A record or listing saved in Latin-1 was reported without a line ("at byte offset
    16"), and `check` printed a listing's error with its absolute path inside."""
    from .conftest import make_small_project

    root = make_small_project(tmp_path / "project", entries=2)
    (root / "content" / "sources" / "latin.txt").write_bytes(b"Mar 20\n\nA Caf\xe9 Paper\n")
    (root / "content" / "papers" / "cafe.yml").write_bytes(b"id: cafe\ntitle: Caf\xe9\n")
    result = run_cli(root, "check")
    assert result.returncode == 1
    again = "save it as UTF-8 and try again"
    assert f"content/papers/cafe.yml:2: error: not UTF-8 text (byte 0xe9); {again}" in (
        result.stdout + result.stderr
    )
    assert f"content/sources/latin.txt:3: error: not UTF-8 text (byte 0xe9); {again}" in (
        result.stdout + result.stderr
    )
    assert str(root) not in result.stdout + result.stderr


def test_bad_source_is_one_clear_line(project: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00")
    result = run_cli(project, "ingest", str(bad))
    assert result.returncode == 1
    assert (
        result.stderr
        == f"Error: {bad}:1: not UTF-8 text: it begins as UTF-16 does; save it as UTF-8 and try"
        " again\n"
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
    assert len(commands) == len(main.commands) and not any(
        line.endswith("...") for line in commands
    )
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


def test_one_bad_field_is_one_error(project: Path) -> None:
    """A record that does not load used to bring an error for each of its listings too,
    with the wrong advice to ingest them again: 5 errors for 1 typo."""
    nanoflow = project / "content" / "papers" / f"{NANOFLOW}.yml"
    nanoflow.write_text(nanoflow.read_text(encoding="utf-8").replace("title:", "titel:", 1))
    result = run_cli(project, "check")
    errors = [line for line in result.stdout.splitlines() if ": error: " in line]
    assert errors == [
        f"content/papers/{NANOFLOW}.yml:1: error: missing required field 'title'",
        f"content/papers/{NANOFLOW}.yml:2: error: unknown field 'titel'; did you mean 'title'? "
        "Expected one of: id, title, authors, year, venue, doi, type, journal, booktitle, "
        "volume, number, pages, publisher, url, abstract, links, listings, aliases, themes, "
        "tags, notes, arxiv, arxiv_class, bibkey, former_ids",
    ]
    # Not even YAML: the file's name still says which listings are its own.
    nanoflow.write_text("id: [unclosed\n", encoding="utf-8")
    result = run_cli(project, "check")
    errors = [line for line in result.stdout.splitlines() if ": error: " in line]
    assert len(errors) == 1 and errors[0].startswith(
        f"content/papers/{NANOFLOW}.yml:1: error: YAML"
    )


def test_a_start_here_paper_whose_record_does_not_load_is_not_unknown(project: Path) -> None:
    """One typo in a theme's first read brought a second error, "unknown paper", at the
    theme: the paper is known, its record does not load, and says why."""
    survey = "a-survey-on-inference-optimization-techniques-for-mixture-of-experts-models"
    record = project / "content" / "papers" / f"{survey}.yml"
    record.write_text(record.read_text(encoding="utf-8") + "year: 20x4\n", encoding="utf-8")
    for command in ("check", "build"):
        result = run_cli(project, command)
        lines = (result.stdout + result.stderr).splitlines()
        errors = [line for line in lines if ": error: " in line]
        assert result.returncode == 1 and len(errors) == 1, (command, errors)
        assert errors[0].startswith(f"content/papers/{survey}.yml:"), (command, errors)


def test_an_unknown_start_here_paper_has_its_line_and_a_suggestion(project: Path) -> None:
    themes = project / "content" / "themes.yml"
    text = themes.read_text(encoding="utf-8")
    wrong = "a-survey-on-inference-optimization-techniques-for-mixture-of-expert-models"
    themes.write_text(text.replace("mixture-of-experts-models]", "mixture-of-expert-models]", 1))
    line = next(n for n, row in enumerate(themes.read_text().splitlines(), 1) if wrong in row)
    result = run_cli(project, "check")
    assert (
        f"content/themes.yml:{line}: error: theme 'mixture-of-experts': field 'start_here': "
        f"unknown paper '{wrong}'; did you mean "
        "'a-survey-on-inference-optimization-techniques-for-mixture-of-experts-models'?"
    ) in result.stdout


def test_a_renamed_start_here_paper_is_named_by_its_new_id(project: Path) -> None:
    """A record renamed as CONTRIBUTING says (its old id kept in `former_ids`) left its
    theme's `start_here` with an unknown id, and no suggestion: the ids look nothing
    alike. The error now names the record's id."""
    old = "a-survey-on-inference-optimization-techniques-for-mixture-of-experts-models"
    papers = project / "content" / "papers"
    text = (papers / f"{old}.yml").read_text(encoding="utf-8")
    (papers / f"{old}.yml").unlink()
    (papers / "moe-inference-survey.yml").write_text(
        text.replace(f"id: {old}\n", f"id: moe-inference-survey\nformer_ids: [{old}]\n", 1),
        encoding="utf-8",
    )
    themes = project / "content" / "themes.yml"
    line = next(n for n, row in enumerate(themes.read_text().splitlines(), 1) if old in row)
    result = run_cli(project, "check")
    assert (
        f"content/themes.yml:{line}: error: theme 'mixture-of-experts': field 'start_here': "
        f"unknown paper '{old}'; did you mean 'moe-inference-survey'?"
    ) in result.stdout


def test_a_start_here_paper_named_twice_is_shown_once_with_a_warning(project: Path) -> None:
    """A paper pasted twice into `start_here`, or left twice by a merge of two papers a
    theme started with, showed its card twice on the theme page."""
    survey = "a-survey-on-inference-optimization-techniques-for-mixture-of-experts-models"
    themes = project / "content" / "themes.yml"
    text = themes.read_text(encoding="utf-8").replace(f"[{survey}]", f"[{survey}, {survey}]", 1)
    themes.write_text(text, encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if survey in row)
    result = run_cli(project, "check")
    warning = (
        f"content/themes.yml:{line}: warning: theme 'mixture-of-experts': field 'start_here': "
        f"'{survey}' is named twice"
    )
    assert result.returncode == 0 and warning in result.stdout.splitlines()
    assert run_cli(project, "build").returncode == 0
    page = (project / "site" / "theme" / "mixture-of-experts" / "index.html").read_text("utf-8")
    start = page.split('id="start-here"', 1)[1].split('id="map"', 1)[0]
    assert start.count(f'href="../../paper/{survey}/"') == 1


def test_two_themes_naming_one_unknown_paper_each_get_their_own_line(project: Path) -> None:
    """Two themes start with the same survey; when its id changes, each theme's error
    named the first theme's line, found by a text search."""
    themes = project / "content" / "themes.yml"
    survey = "model-compression-and-efficient-inference-for-large-language-models-a-survey"
    themes.write_text(themes.read_text().replace(survey, survey + "-x"), encoding="utf-8")
    rows = themes.read_text().splitlines()
    lines = [n for n, row in enumerate(rows, 1) if survey + "-x" in row]
    assert len(lines) == 2
    result = run_cli(project, "check")
    found = [x for x in result.stdout.splitlines() if f"unknown paper '{survey}-x'" in x]
    assert [x.split(": error:")[0] for x in found] == [f"content/themes.yml:{n}" for n in lines]


def test_a_start_here_paper_outside_its_theme_is_questioned(project: Path) -> None:
    """A `start_here` entry naming a paper that is not in the theme was left off the
    page without a word."""
    themes = project / "content" / "themes.yml"
    text = themes.read_text(encoding="utf-8")
    survey = "a-survey-on-inference-optimization-techniques-for-mixture-of-experts-models"
    other = "when-the-signal-is-in-the-noise-exploiting-diffix-s-sticky-noise"
    themes.write_text(text.replace(survey, other, 1), encoding="utf-8")
    line = next(n for n, row in enumerate(themes.read_text().splitlines(), 1) if other in row)
    result = run_cli(project, "check")
    assert result.returncode == 0, result.stdout
    assert (
        f"content/themes.yml:{line}: warning: theme 'mixture-of-experts': field 'start_here': "
        f"'{other}' is not in this theme, so the page leaves it out; add mixture-of-experts "
        "to its record's themes, or a keyword that matches it"
    ) in result.stdout


def test_a_theme_with_no_papers_is_questioned(project: Path) -> None:
    """A theme whose keyword was mistyped caught nothing, and its page said "0 papers."
    without a word from `check`."""
    themes = project / "content" / "themes.yml"
    themes.write_text(
        themes.read_text(encoding="utf-8")
        + "- id: typo-theme\n  title: A typo\n  keywords: [mixtrue of experts]\n",
        encoding="utf-8",
    )
    line = len(themes.read_text().splitlines()) - 2
    result = run_cli(project, "check")
    assert (
        f"content/themes.yml:{line}: warning: theme 'typo-theme' has no papers: "
        "no record names it and no rule matches"
    ) in result.stdout
    assert result.stdout.count("has no papers") == 1


def test_a_theme_warning_is_at_its_own_line_when_its_id_begins_another(project: Path) -> None:
    """The line was found by searching for `id: <id>`, which an earlier theme's id that
    begins the same way also holds (`fine` in `fine-tuning`)."""
    themes = project / "content" / "themes.yml"
    themes.write_text(
        themes.read_text(encoding="utf-8") + "- id: fine\n  title: Fine\n  keywords: [zzzq]\n",
        encoding="utf-8",
    )
    line = len(themes.read_text().splitlines()) - 2
    result = run_cli(project, "check")
    assert f"content/themes.yml:{line}: warning: theme 'fine' has no papers" in result.stdout


def test_a_tag_one_letter_from_a_common_one_is_questioned(project: Path) -> None:
    papers = sorted((project / "content" / "papers").glob("*.yml"))
    for path, tag in zip(
        papers[:3],
        ["speculative-decoding", "speculative-decoding", "speculative-decodng"],
        strict=True,
    ):
        path.write_text(path.read_text(encoding="utf-8") + f"tags: [{tag}]\n", encoding="utf-8")
    line = len(papers[2].read_text(encoding="utf-8").splitlines())
    result = run_cli(project, "check")
    assert (
        f"content/papers/{papers[2].name}:{line}: warning: tag 'speculative-decodng' is on this "
        "paper only; did you mean 'speculative-decoding' (2 papers)?"
    ) in result.stdout
    assert result.stdout.count("did you mean 'speculative-decoding'") == 1


def test_near_misses_are_found_without_comparing_every_pair() -> None:
    from collections import Counter

    from generator.check import near_misses

    users = Counter(
        {"decoding": 3, "decodng": 1, "decodings": 1, "encoding": 1, "deocding": 1, "x": 1}
    )
    assert near_misses(users) == {
        "decodng": "decoding",
        "decodings": "decoding",
        "encoding": "decoding",
        "deocding": "decoding",
    }
    many = Counter({f"tag{i}": 1 for i in range(20_000)} | {"tag": 5})
    found = near_misses(many)
    assert found["tag1"] == "tag" and len(found) == 10  # tag0..tag9: one letter more


def test_verbose_works_after_the_command_too(project: Path) -> None:
    assert run_cli(project, "check", "-v").returncode == 0
    assert run_cli(project, "-v", "check").returncode == 0


def test_serve_on_a_taken_port_says_so_before_anything(project: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli(project, "serve", "--dev-addr", f"127.0.0.1:{port}", timeout=60)
    assert result.returncode == 1
    assert result.stderr == (
        f"Error: cannot serve on 127.0.0.1:{port}: Address already in use; another program "
        f"may be using the port. Pick another: readinglist serve --dev-addr 127.0.0.1:{port + 1}\n"
    )
    assert "Serving on" not in result.stdout + result.stderr
    assert not (project / "build" / "docs" / "index.md").exists()  # nothing was built


@pytest.mark.parametrize("address", ["8001", "127.0.0.1:99999", "127.0.0.1:http"])
def test_serve_on_an_address_that_is_not_one_says_how_to_write_it(
    project: Path, address: str
) -> None:
    """A port over 65535 ended in a traceback (OverflowError); a bare port got MkDocs'
    "Aborted with a configuration error!"."""
    result = run_cli(project, "serve", "--dev-addr", address, timeout=60)
    assert result.returncode == 1
    assert result.stderr == (
        "Error: --dev-addr: expected IP:PORT with a port up to 65535, such as 127.0.0.1:8001;"
        f" got {address!r}\n"
    )


def test_ingest_help_says_what_a_listing_is_and_where_it_goes() -> None:
    text = CliRunner().invoke(main, ["ingest", "--help"]).output
    assert "copied there first" in text and "content/sources/" in text
    assert "Mar 17" in text and "A Paper's Title" in text


def test_every_command_finds_the_project_from_a_folder_inside_it(project: Path) -> None:
    """From content/ or content/papers/, check validated nothing and passed."""
    inside = run_cli(project / "content" / "papers", "check")
    assert inside.returncode == 0 and inside.stderr.endswith("0 error(s), 5 warning(s)\n")
    themes = run_cli(project / "content", "themes")
    assert themes.returncode == 0 and "mixture-of-experts      25" in themes.stdout


@pytest.mark.parametrize("command", ["check", "themes", "generate", "ingest x.txt", "new X"])
def test_outside_a_project_every_command_says_so_in_one_line(tmp_path: Path, command: str) -> None:
    (tmp_path / "x.txt").write_text("Mar 3\n\nTitle\n\nAbstract.\n")
    result = run_cli(tmp_path, *command.split())
    assert result.returncode == 1
    assert result.stderr == (
        f"Error: no reading list here: neither {tmp_path} nor a folder above it holds "
        "mkdocs.yml and content/; run this in the project's folder\n"
    )
    assert list(tmp_path.iterdir()) == [tmp_path / "x.txt"]  # nothing written


def test_the_readme_names_every_limit() -> None:
    """Each limit is a named constant, and README's records section says what it is."""
    from generator.content.model import Paper
    from generator.content.schema import ABSTRACT_LIMIT, LIST_LIMITS, NOTES_LIMIT, TITLE_LIMIT
    from generator.content.store import MAX_DEPTH, MAX_RECORD_BYTES

    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    limits = readme.split("**Limits**", 1)[1].split("##", 1)[0]
    assert f"at most {MAX_RECORD_BYTES:,} bytes" in limits
    assert (
        f"at most {TITLE_LIMIT:,} characters, an abstract {ABSTRACT_LIMIT:,}, notes {NOTES_LIMIT:,}"
        in limits
    )
    for (kind, name), limit in LIST_LIMITS.items():
        if kind is Paper:
            assert f"{limit:,} {name}" in limits, name
    assert f"folders nest at most {MAX_DEPTH} levels" in limits
