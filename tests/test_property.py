"""Generated records with arbitrary Unicode, through ingest, check and build.

Titles and abstracts go in as a raw listing (so they must look like a title and an
abstract); curated fields (notes, tags, aliases) then get any Unicode at all. Each
example builds a real site, so there are few of them; the CI profile derandomises.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from generator.content.controls import CONTROL, closing_marks, first_control, without_controls
from generator.content.store import Layout, load_papers
from generator.content.writing import dump_paper
from generator.ingest.parse import clean_abstract
from generator.site.markup import NOTES_TAGS

from .conftest import make_project, run_cli
from .htmltools import read
from .scan import foreign_markup, theme_profile

EXAMPLES = int(os.environ.get("PROPERTY_EXAMPLES", "10"))

# Anything but surrogates (not encodable), line and paragraph breaks and sentence ends
# (they would change what the raw listing's shape says), and C0/C1 controls.
TITLE_CHARS = st.characters(
    blacklist_categories=("Cs", "Cc", "Zl", "Zp"),
    blacklist_characters=".!?\u0085\ufeff",
)
TITLE = st.text(TITLE_CHARS, min_size=3, max_size=60).filter(
    lambda t: sum(c.isalnum() for c in t) >= 2 and ":" not in t
)
ABSTRACT = st.text(TITLE_CHARS, min_size=1, max_size=200)
ANYTHING = st.text(st.characters(blacklist_categories=("Cs",)), max_size=80)

PAPERS = st.lists(
    st.tuples(TITLE, ABSTRACT, ANYTHING, ANYTHING, ANYTHING),
    min_size=1,
    max_size=4,
    unique_by=lambda p: " ".join(p[0].casefold().split()),
)


def normal(text: str) -> str:
    return " ".join(text.split())


def as_loaded(text: str) -> str:
    """A value as the loader gives it: control characters replaced, and direction marks
    it leaves open closed at its end (with a warning, as `check` gives)."""
    text = without_controls(text)
    return text + closing_marks(text)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    # Every example is a real build: shrinking a failure could take many minutes, so
    # the failing example is reported as found.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(papers=PAPERS)
def test_generated_records_survive_ingest_check_and_build(
    papers: list[tuple[str, str, str, str, str]], tmp_path_factory, seed_site: Path
) -> None:
    root = make_project(tmp_path_factory.mktemp("prop") / "project", with_papers=False)
    shutil.rmtree(root / "content" / "sources")
    (root / "content" / "sources").mkdir()
    themes = root / "content" / "themes.yml"  # start_here names seed papers: drop it
    lines = themes.read_text(encoding="utf-8").splitlines(keepends=True)
    themes.write_text("".join(x for x in lines if "start_here:" not in x), encoding="utf-8")
    body = "\n\n".join(
        f"Prop{i} {normal(title)}\n\nAbstract {i}: {normal(abstract)}. The end."
        for i, (title, abstract, *_rest) in enumerate(papers)
    )
    listing = root.parent / "listing.txt"
    listing.write_text(f"Mar 3\n\n{body}\n", encoding="utf-8")
    result = run_cli(root, "ingest", str(listing))
    assert result.returncode == 0, result.stdout + result.stderr

    layout = Layout(root)
    records, problems = load_papers(layout)
    assert [p for p in problems if p.is_error] == []
    assert len(records) == len(papers)
    by_title = {r.title: r for r in records.values()}
    abstracts = {}
    for i, (title, abstract, note, tag, alias) in enumerate(papers):
        record = by_title[as_loaded(f"Prop{i} {normal(title)}")]
        # Ingest keeps the text, only cleaning LaTeX leftovers as it does for any listing.
        # Unicode's noncharacters, like control characters, become U+FFFD.
        expected = as_loaded(clean_abstract(f"Abstract {i}: {normal(abstract)}. The end."))
        assert record.abstract == expected
        abstracts[i] = record.abstract
        record.notes = f"Note {i}: {note}"
        record.tags = [tag] if as_loaded(tag).strip() else []  # a blank tag is an error
        record.aliases = [f"{alias} {i}"]
        layout.paper_path(record.id).write_text(dump_paper(record), encoding="utf-8")

    check = run_cli(root, "check")
    assert check.returncode == 0, check.stdout + check.stderr
    build = run_cli(root, "build", "--strict")
    assert build.returncode == 0, build.stderr

    site = root / "site"
    tags, scripts = theme_profile(seed_site)
    exported = {e["title"]: e for e in json.loads((site / "papers.json").read_text("utf-8"))}
    for i, (title, _abstract, _note, tag, _alias) in enumerate(papers):
        entry = exported[as_loaded(f"Prop{i} {normal(title)}")]
        page = site / entry["url"] / "index.html"
        assert foreign_markup(page, tags | NOTES_TAGS, scripts) == []
        html = read(page)
        assert html.h1 == normal(as_loaded(f"Prop{i} {title}"))
        assert normal(abstracts[i]) in html.text
        # Control characters in a record are replaced and open direction marks closed
        # (`check` warns about both).
        assert entry["tags"] == ([as_loaded(tag)] if as_loaded(tag).strip() else [])


NONCHARACTERS = [chr(plane * 0x10000 + low) for plane in range(17) for low in (0xFFFE, 0xFFFF)]


@settings(max_examples=500, deadline=None)
@given(
    text=st.text(
        st.one_of(
            st.characters(blacklist_categories=("Cs",)),
            st.sampled_from([*NONCHARACTERS, "\ufdd5", "\x85", "\x7f", "\x00", "\t", "\n"]),
        ),
        max_size=40,
    )
)
def test_the_quick_control_check_finds_what_the_whole_pattern_finds(text: str) -> None:
    found = CONTROL.search(text)
    assert first_control(text) == (found.start() if found else None)
    assert without_controls(text) == CONTROL.sub("\ufffd", text)
