"""Theme rules: what `content/themes.yml` promises readers about matching."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.analysis import group
from generator.analysis.themes import ThemeRules, words_of
from generator.content.model import Library, Paper, Theme


def themes_of(theme: Theme, title: str, abstract: str = "", curated: list[str] | None = None):
    paper = Paper(id="p", title=title, abstract=abstract, themes=curated or [])
    library = Library(papers={"p": paper}, themes=[theme])
    return group(library).membership["p"]


MOE = Theme(id="moe", title="MoE", keywords=["mixture of experts", "MoE", "expert rout*"])


CASES = [
    ("Sparse Mixture-of-Experts at scale", "", ["moe"]),  # punctuation is a space
    ("A study", "We train a MIXTURE OF EXPERTS model.", ["moe"]),  # case is ignored
    ("MoE inference", "", ["moe"]),
    ("MoEs everywhere", "", []),  # whole words only
    ("Mixture of many experts", "", []),  # the phrase's words in order, adjacent
    ("Learned expert routing", "", ["moe"]),  # trailing * matches any ending
    ("Learned expert routers", "", ["moe"]),
    ("Expertise routing", "", []),  # ...but only on its last word
    ("Nothing here", "Mixture-of-experts appears only in the abstract", ["moe"]),
]


@pytest.mark.parametrize(("title", "abstract", "expected"), CASES)
def test_keywords_match_whole_words_in_title_or_abstract(title, abstract, expected) -> None:
    assert themes_of(MOE, title, abstract) == expected


def test_rules_that_have_seen_the_words_before_match_as_the_first_time() -> None:
    # The index learns each word once; what it learnt must not change later answers.
    rules = ThemeRules([MOE])
    for _ in range(2):
        for title, abstract, expected in CASES + CASES[::-1]:
            assert rules.match(title, abstract) == expected


def test_single_word_prefix_matches_word_starts_only() -> None:
    theme = Theme(id="q", title="Quantization", keywords=["quantiz*", "lo*"])
    assert themes_of(theme, "Quantized transformers") == ["q"]
    assert themes_of(theme, "Dequantized transformers") == []
    assert themes_of(theme, "Low precision") == ["q"]  # a prefix shorter than most words
    assert themes_of(theme, "Slow precision") == []


def test_title_keywords_ignore_the_abstract() -> None:
    theme = Theme(id="s", title="Serving", title_keywords=["serving"])
    assert themes_of(theme, "Fast LLM serving") == ["s"]
    assert themes_of(theme, "Fast LLMs", "A serving system.") == []


def test_exclude_wins_over_any_keyword_anywhere() -> None:
    theme = Theme(
        id="c", title="Compression", keywords=["pruning"], title_keywords=["sparse"],
        exclude=["graph pruning", "tree*"],
    )  # fmt: skip
    assert themes_of(theme, "Sparse nets", "Pruning weights.") == ["c"]
    assert themes_of(theme, "Sparse nets", "Graph pruning of edges.") == []
    assert themes_of(theme, "Sparse trees") == []


def test_curated_themes_replace_the_rules() -> None:
    assert themes_of(MOE, "MoE inference", curated=["other"]) == ["other"]


def test_themes_come_in_declared_order() -> None:
    first = Theme(id="b-first", title="B", keywords=["alpha"])
    second = Theme(id="a-second", title="A", title_keywords=["beta"])
    paper = Paper(id="p", title="Beta", abstract="alpha")
    library = Library(papers={"p": paper}, themes=[first, second])
    assert group(library).membership["p"] == ["b-first", "a-second"]


def test_plus_is_part_of_a_word() -> None:
    theme = Theme(id="cpp", title="C++", keywords=["c++"])
    assert themes_of(theme, "A C++ runtime") == ["cpp"]
    assert themes_of(theme, "A C runtime") == []


@pytest.mark.parametrize(
    "text",
    [
        "Plain ASCII, with (punctuation)!",
        "C++ and A_B",
        "\x1ctab\tand\nnewline",
        "Größe – naïve",
        "ẞ STRASSE",
    ],
)
def test_words_of_is_the_same_on_its_ascii_fast_path(text: str) -> None:
    slow = " " + re.sub(r"[^\w+]+", " ", text.casefold()).strip() + " "
    assert words_of(text) == slow


def test_a_renamed_theme_keeps_its_old_page_and_feed(tmp_path) -> None:
    """Renaming a theme's id broke every link to its page and every subscription to its
    feed or its exports; `former_ids` keeps them, and check names the new id where the
    old is used."""
    from .conftest import make_small_project, run_cli

    root = make_small_project(tmp_path / "project")
    themes = root / "content" / "themes.yml"
    text = themes.read_text(encoding="utf-8")
    renamed = "- id: model-compression\n  former_ids: [compression]\n"
    themes.write_text(text.replace("- id: compression\n", renamed, 1), encoding="utf-8")
    assert run_cli(root, "build", "--strict").returncode == 0
    site = root / "site"
    moved = (site / "theme" / "compression" / "index.html").read_text(encoding="utf-8")
    href = re.search(r'http-equiv="refresh" content="0; url=([^"]+)"', moved)[1]
    assert (site / "theme" / "compression" / href / "index.html").resolve() == (
        site / "theme" / "model-compression" / "index.html"
    )
    feeds = site / "feeds"
    assert b"<entry>" in (feeds / "compression.xml").read_bytes()
    assert (feeds / "compression.xml").read_bytes() == (
        feeds / "model-compression.xml"
    ).read_bytes()
    exports = site / "export" / "themes"  # a reference manager's saved link, too
    for name in ("bib", "csl.json", "ris"):
        old = (exports / f"compression.{name}").read_bytes()
        assert old and old == (exports / f"model-compression.{name}").read_bytes()

    record = sorted((root / "content" / "papers").glob("*.yml"))[0]
    record.write_text(record.read_text(encoding="utf-8") + "themes: [compression]\n", "utf-8")
    text = themes.read_text(encoding="utf-8")
    themes.write_text(
        text.replace(
            "- id: vision\n", "- id: vision\n  former_ids: [vision, model-compression]\n", 1
        ),
        encoding="utf-8",
    )
    lines = themes.read_text(encoding="utf-8").splitlines()
    line = 1 + lines.index("  former_ids: [vision, model-compression]")
    out = run_cli(root, "check").stdout
    assert (
        f"{record.name}:" in out
        and "unknown theme 'compression'; did you mean 'model-compression'?" in out
    )
    for clash in ("vision", "model-compression"):
        assert (
            f"content/themes.yml:{line}: error: theme 'vision': field 'former_ids': '{clash}' is a theme's id"
            in out
        )
    text = themes.read_text(encoding="utf-8")  # one old id claimed by two themes
    themes.write_text(
        text.replace("- id: diffusion\n", "- id: diffusion\n  former_ids: [compression]\n", 1),
        encoding="utf-8",
    )
    line = 1 + themes.read_text(encoding="utf-8").splitlines().index("- id: diffusion")
    assert (
        f"content/themes.yml:{line + 1}: error: theme 'diffusion': field 'former_ids': "
        "'compression' is a former id of 'model-compression'"
    ) in run_cli(root, "check").stdout


def test_a_themes_icon_shows_in_the_navigation_and_a_missing_one_is_named(tmp_path) -> None:
    """`icon:` was documented and set on every built-in theme, yet shown nowhere. It is
    now each theme page's icon in the navigation (Material's own, or one of the list's
    under `overrides/.icons/`); a name the theme has no icon for is an error at its line
    in `check` and `build`, where Material's templates would have stopped mid-build."""
    from mkdocs.theme import Theme as MkDocsTheme

    from .conftest import make_small_project, run_cli

    root = make_small_project(tmp_path / "project")
    themes = root / "content" / "themes.yml"
    own = root / "overrides" / ".icons" / "list"
    own.mkdir(parents=True)
    (own / "owl.svg").write_text('<svg viewBox="0 0 24 24"><path d="M1 1h9z"/></svg>', "utf-8")
    text = themes.read_text(encoding="utf-8")
    icon = re.search(r"- id: vision\n(?:  .*\n)*?  icon: (\S+)\n", text)[1]
    retrieval = re.search(r"- id: retrieval\n(?:  .*\n)*?  icon: (\S+)\n", text)[1]
    chosen = text.replace(f"icon: {icon}", "icon: list/owl", 1)
    chosen = chosen.replace(f"icon: {retrieval}", "icon: fontawesome/solid/brain", 1)
    themes.write_text(chosen, encoding="utf-8")
    assert run_cli(root, "check").returncode == 0
    assert run_cli(root, "build", "--strict").returncode == 0
    page = (root / "site" / "theme" / "compression" / "index.html").read_text(encoding="utf-8")
    nav = re.findall(r'<a href="([^"]*)" class="md-nav__link">\s*(<svg.*?</svg>)?', page)
    icons = dict(nav)
    assert '<path d="M1 1h9z"/>' in icons["../vision/"]
    diffusion = re.search(r"- id: diffusion\n(?:  .*\n)*?  icon: (\S+)\n", text)[1]
    (folder,) = [d for d in MkDocsTheme(name="material").dirs if (Path(d) / ".icons").is_dir()]
    svg = (Path(folder) / ".icons" / f"{diffusion}.svg").read_text(encoding="utf-8")
    assert icons["../diffusion/"] == svg.strip()
    brain = Path(folder, ".icons", "fontawesome", "solid", "brain.svg").read_text(encoding="utf-8")
    assert icons["../retrieval/"] == brain.strip()  # a set of three parts
    assert icons["../../themes/"].startswith("<svg")  # the Overview's, aligned with theirs

    themes.write_text(text.replace(f"icon: {icon}", "icon: material/no-such-icon", 1), "utf-8")
    line = 1 + themes.read_text(encoding="utf-8").splitlines().index(
        "  icon: material/no-such-icon"
    )
    expected = (
        f"content/themes.yml:{line}: error: theme 'vision': field 'icon': the site's theme has "
        "no icon 'material/no-such-icon'"
    )
    checked = run_cli(root, "check")
    assert checked.returncode == 1 and expected in checked.stdout
    before = page
    built = run_cli(root, "build")
    assert built.returncode == 1 and expected in built.stderr + built.stdout
    assert "Traceback" not in built.stderr
    assert (root / "site" / "theme" / "compression" / "index.html").read_text("utf-8") == before
    # A theme before it that does not validate is left out of those loaded: the icon's
    # line is still its own, not the line of the next theme's icon.
    broken = themes.read_text(encoding="utf-8").replace(
        "- id: compression\n", "- id: Compression!\n", 1
    )
    themes.write_text(broken, encoding="utf-8")
    checked = run_cli(root, "check")
    assert "theme 'vision': field 'icon'" in checked.stdout and expected in checked.stdout


def test_a_keyword_that_cannot_match_as_written_is_an_error_at_its_line(tmp_path) -> None:
    """A keyword with no word in it ('(', '', '*') matched nothing, and one with a * not
    at its end ('*former', 'quant*ization') matched the words around the *: each went
    without a word, and the theme silently missed its papers."""
    from .conftest import make_small_project, run_cli

    root = make_small_project(tmp_path / "project")
    themes = root / "content" / "themes.yml"
    text = themes.read_text(encoding="utf-8")
    themes.write_text(
        text + "- id: odd\n  title: Odd\n"
        "  keywords: [quantiz*, 'C++', mixture-of-expert*, '(', '*former']\n"
        "  exclude: [quant*ization]\n",
        encoding="utf-8",
    )
    line = len(text.splitlines()) + 3
    checked = run_cli(root, "check")
    assert checked.returncode == 1
    errors = [row for row in checked.stdout.splitlines() if ": error: " in row]
    n = text.count("\n- id: ")
    assert errors == [
        f"content/themes.yml:{line}: error: field 'themes[{n}].keywords[{k}]': expected "
        f"words, with * only at the end, got {word}"
        for k, word in ((3, "'('"), (4, "'*former'"))
    ] + [
        f"content/themes.yml:{line + 1}: error: field 'themes[{n}].exclude[0]': expected "
        "words, with * only at the end, got 'quant*ization'"
    ]
