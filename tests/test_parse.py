"""The raw-listing parser on the seeds and on every quirk real copies contain."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.content.yamlio import dumps
from generator.errors import SourceError
from generator.ingest.clutter import _MORE, _without_more
from generator.ingest.parse import clean_abstract, extract_links, parse_source

from .conftest import SEEDS

HEADER = "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nbyAK and the research community\n\n"
ABSTRACT_1 = "We study things. They are studied in depth and the results are good."
ABSTRACT_2 = "Another abstract. It has two sentences and ends with a full stop."


def write(tmp_path: Path, text: str | bytes, name: str = "listing.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def titles(path: Path) -> list[str]:
    return [e.title for e in parse_source(path).entries]


def test_seeds_hold_427_listings() -> None:
    counts = {p.stem: len(parse_source(p).entries) for p in sorted(SEEDS.glob("*.txt"))}
    assert sum(counts.values()) == 427
    assert all(not parse_source(p).warnings for p in SEEDS.glob("*.txt"))


def test_entries_pair_title_abstract_and_date(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER
        + "Mar 17\n\nFirst: A Title\n\n"
        + ABSTRACT_1
        + "\n\nSecond Title\n\n"
        + ABSTRACT_2
        + "\n",
    )
    entries = parse_source(path).entries
    assert [(e.title, e.abstract, e.date, e.position, e.line) for e in entries] == [
        ("First: A Title", ABSTRACT_1, "Mar 17", 1, 11),
        ("Second Title", ABSTRACT_2, "Mar 17", 2, 15),
    ]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            (HEADER + "Mar 17\n\nT One\n\n" + ABSTRACT_1 + "\n").replace("\n", "\r\n"), id="crlf"
        ),
        pytest.param("\ufeff" + HEADER + "Mar 17\n\nT One\n\n" + ABSTRACT_1 + "\n", id="bom"),
        pytest.param(
            HEADER + "Mar 17   \n\nT One  \t\n\n" + ABSTRACT_1 + "   \n", id="trailing-spaces"
        ),
        pytest.param(
            HEADER + "Mar 17\n\n\n\n\nT One\n\n\n\n" + ABSTRACT_1 + "\n\n\n", id="blank-runs"
        ),
        pytest.param(
            HEADER + "Mar\u00a017\n\nT\u00a0One\n\n" + ABSTRACT_1.replace(" ", "\u00a0", 2) + "\n",
            id="nbsp",
        ),
        pytest.param(
            "Subscribe\n\nnew\n\nMar 17\n\nT One\n\n" + ABSTRACT_1 + "\n", id="headers-reordered"
        ),
        pytest.param("Mar 17\n\nT One\n\n" + ABSTRACT_1 + "\n", id="headers-missing"),
    ],
)
def test_copy_quirks_parse_the_same(tmp_path: Path, text: str) -> None:
    (entry,) = parse_source(write(tmp_path, text)).entries
    assert (entry.title, entry.abstract, entry.date) == ("T One", ABSTRACT_1, "Mar 17")


def test_missing_abstract_warns_and_keeps_pairing(tmp_path: Path) -> None:
    text = "Mar 17\n\nLost Title\n\nKept Title\n\n" + ABSTRACT_1 + "\n\nLast Title Truncated\n"
    source = parse_source(write(tmp_path, text))
    assert [(e.title, e.abstract) for e in source.entries] == [
        ("Lost Title", ""),
        ("Kept Title", ABSTRACT_1),
        ("Last Title Truncated", ""),
    ]
    assert [str(w) for w in source.warnings] == [
        f"{tmp_path}/listing.txt:3: warning: no abstract follows the title 'Lost Title'",
        f"{tmp_path}/listing.txt:9: warning: no abstract follows the title 'Last Title Truncated'",
    ]


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("the ``best'' method", "the \u201cbest\u201d method"),
        ("a {\\em novel} idea and {\\emph fast} code", "a novel idea and fast code"),
        ("a 2\\times speedup", "a 2 \u00d7 speedup"),
        ("tasks, \\eg translation", "tasks, e.g., translation"),
        ("see blue{https://github.com/a/b} now", "see https://github.com/a/b now"),
        (
            "a framework called <projektor>, 5\\% better",
            "a framework called <projektor>, 5\\% better",
        ),
    ],
)
def test_latex_leftovers(raw: str, clean: str) -> None:
    assert clean_abstract(raw) == clean


def test_urls_become_named_links() -> None:
    text = (
        "Code at https://github.com/Atten4Vis/GroupDETR. Demo at https://example.org/demo}, "
        "more at https://gitlab.com/g/p), and https://github.com/ alone; "
        "also https://anonymous.4open.science/r/TangleNAS-527C{here} and https://x.org/a]."
    )
    assert extract_links(text) == {
        "code": "https://github.com/Atten4Vis/GroupDETR",
        "project": "https://example.org/demo",
        "code-2": "https://gitlab.com/g/p",
        "project-2": "https://anonymous.4open.science/r/TangleNAS-527C",
        "project-3": "https://x.org/a",
    }


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"Mar 17\n\nT\xe9tle\n",
            ":3: not UTF-8 text (byte 0xe9); save it as UTF-8 and try again",
        ),
        (b"", ": the file is empty"),
        (b"  \n\n \r\n", ": the file is empty"),
        (
            b"new\n\nSubscribe\n\nMar 17\n",
            ": no entries found (expected a title, then its abstract)",
        ),
        (
            "Mar 17\n\nA title\n\nAn abstract. It ends.\n".encode("utf-16-le"),
            ":1: not UTF-8 text (a NUL byte, as in UTF-16); save it as UTF-8 and try again",
        ),
    ],
)
def test_unusable_files_name_the_file(tmp_path: Path, content: bytes, message: str) -> None:
    path = write(tmp_path, content)
    with pytest.raises(SourceError) as info:
        parse_source(path)
    assert str(info.value) == f"{path}{message}"  # with the line, where there is one


def test_parser_golden(golden) -> None:
    source = parse_source(SEEDS / "000_6b32cc8f1414c3bd.txt")
    sample = [
        {
            "title": e.title,
            "date": e.date,
            "position": e.position,
            "line": e.line,
            "links": e.links,
            "abstract": e.abstract,
        }
        for e in source.entries[:6]
    ]
    golden("parse_000_first6.yml", dumps({"entries": sample}))


@given(st.text(max_size=2000))
def test_parser_never_crashes(tmp_path_factory, text: str) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "x.txt"
    path.write_text(text, encoding="utf-8")
    try:
        source = parse_source(path)
    except SourceError as exc:
        assert str(exc).startswith(str(path))
        return
    assert all(e.title for e in source.entries)
    assert [e.position for e in source.entries] == list(range(1, len(source.entries) + 1))


@pytest.mark.parametrize(
    "title", ["Octopus 2", "Novel 3", "Decoding 7", "March 32", "Feb 30", "2024/2/30 Widgets"]
)
def test_words_with_a_number_are_titles_not_dates(tmp_path: Path, title: str) -> None:
    """`Octopus 2` used to be read as a date line (`Oct...`), and its paper vanished."""
    path = write(tmp_path, f"Mar 17\n\n{title}\n\n{ABSTRACT_1}\n\nNext\n\n{ABSTRACT_2}\n")
    assert titles(path) == [title, "Next"]
    assert {e.date for e in parse_source(path).entries} == {"Mar 17"}


@pytest.mark.parametrize(
    "date", ["Mar 17", "March 17", "Sept 3", "September 30", "Feb 29", "2024-03-17", "2024-02-29"]
)
def test_real_dates_are_dates(tmp_path: Path, date: str) -> None:
    """A full date, as records and `fetch` write it, was read as a paper's title."""
    path = write(tmp_path, f"{date}\n\nA title\n\n{ABSTRACT_1}\n")
    source = parse_source(path)
    assert [e.date for e in source.entries] == [date]
    assert source.warnings == []


@pytest.mark.parametrize(
    ("written", "kept"),
    [
        ("Dec 1, 2024", "2024-12-01"),
        ("December 1, 2024", "2024-12-01"),
        ("Mon, 2 Dec 2024", "2024-12-02"),
        ("1 Dec", "Dec 1"),
        ("Dec. 1st", "Dec 1"),
        ("2024/12/1", "2024-12-01"),
        ("2024.12.01", "2024-12-01"),
        ("2024-12-1", "2024-12-01"),
    ],
)
def test_dates_as_other_pages_write_them_are_dates(tmp_path: Path, written: str, kept: str) -> None:
    """`Dec 1, 2024` was read as a title: `ingest` made a record `dec-1-2024`, with no
    abstract, and its papers had no date. It is kept as a record's date is written.
    `2024/12/1` was left out of the page as its furniture, and its papers had no date."""
    source = parse_source(write(tmp_path, f"{written}\n\nA title\n\n{ABSTRACT_1}\n"))
    assert [(e.title, e.date) for e in source.entries] == [("A title", kept)]
    assert source.warnings == []


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("1. Sparse Widgets", "Sparse Widgets"),
        ("12) Sparse Widgets", "Sparse Widgets"),
        ("- Sparse Widgets", "Sparse Widgets"),
        ("* Sparse Widgets", "Sparse Widgets"),
        ("\u2022 Sparse Widgets", "Sparse Widgets"),
        ("1.58-bit Widgets", "1.58-bit Widgets"),
        ("2 Bits Are Enough", "2 Bits Are Enough"),
        ("-1 Is a Number", "-1 Is a Number"),
    ],
)
def test_a_list_marker_before_a_title_is_not_part_of_it(
    tmp_path: Path, line: str, title: str
) -> None:
    """A listing copied from a numbered or bulleted list gave titles such as "1. Sparse
    Widgets", and records such as `1-sparse-widgets` that did not merge with the same
    paper listed elsewhere."""
    source = parse_source(write(tmp_path, f"Mar 17\n\n{line}\n\n{ABSTRACT_1}\n"))
    assert [e.title for e in source.entries] == [title]


@pytest.mark.parametrize("written", ["Today", "Yesterday", "3 days ago", "an hour ago"])
def test_a_date_relative_to_the_copy_is_no_title(tmp_path: Path, written: str) -> None:
    """`Today` above a page's papers became a paper, `today.yml`, with no abstract. It
    is a date line that says no date: its papers have none, with a warning at it."""
    path = write(tmp_path, f"Mar 17\n\nOld\n\n{ABSTRACT_1}\n\n{written}\n\nNew\n\n{ABSTRACT_2}\n")
    source = parse_source(path)
    assert [(e.title, e.date) for e in source.entries] == [("Old", "Mar 17"), ("New", "")]
    assert [(w.line, w.message) for w in source.warnings] == [
        (
            7,
            f"{written!r} is a date as of when the page was copied: write the date it was, "
            "such as 'Mar 17', or the papers after it have none",
        )
    ]


def test_control_characters_are_replaced_and_warned_about(tmp_path: Path) -> None:
    path = write(tmp_path, f"Mar 17\n\nA \x1b[31mred\x07 title\n\n{ABSTRACT_1}\x00\n")
    with pytest.raises(SourceError, match="NUL byte"):
        parse_source(path)  # NUL: not text at all
    path = write(tmp_path, f"Mar 17\n\nA \x1b[31mred\x07 title\n\n{ABSTRACT_1}\x7f\n")
    source = parse_source(path)
    assert source.entries[0].title == "A \ufffd[31mred\ufffd title"
    assert source.entries[0].abstract.endswith("good.\ufffd")
    assert [(w.line, w.message) for w in source.warnings] == [
        (3, "control characters replaced with \ufffd")
    ]


TODAYS_PAGE = """Daily Papers

by AK and the research community

Mar 18

Submitted by akhaliq
42

EasySpec: Layer-Parallel Speculative Decoding for Efficient Multi-GPU Utilization

Yize Wu, Ke Gao, Yanjun Wu

Speculative decoding is an effective way to speed up inference. We parallelise the draft model across GPUs.

GitHub
1.2k

Upvote
42

· 3 comments

Submitted by osanseviero
17

A Tiny Survey of Cache Eviction

Ada Lovelace, Charles Babbage, Grace B. Hopper and 3 more

Caches evict things. We survey how, and when it matters for serving.

Upvote 17

Published on Mar 14
"""


def test_todays_page_clutter_never_becomes_a_paper(tmp_path: Path) -> None:
    """A copy of the page as it looks today gave 7 records, 5 of them junk:
    `submitted-by-akhaliq-42`, `github-1-2k`, an author line that took a real abstract."""
    path = write(tmp_path, TODAYS_PAGE)
    source = parse_source(path)
    assert [(e.title, e.authors, e.line) for e in source.entries] == [
        (
            "EasySpec: Layer-Parallel Speculative Decoding for Efficient Multi-GPU Utilization",
            ["Yize Wu", "Ke Gao", "Yanjun Wu"],
            10,
        ),
        (
            "A Tiny Survey of Cache Eviction",
            ["Ada Lovelace", "Charles Babbage", "Grace B. Hopper"],
            27,
        ),
    ]
    assert source.entries[0].abstract.startswith("Speculative decoding is")
    assert source.warnings == []


@given(
    st.text(alphabet=st.sampled_from(list(" ,+.\n\t1٣²aAlLtTeEmMoOrRsShHuUdſ")), max_size=40)
    | st.from_regex(_MORE, fullmatch=False)
)
def test_a_closing_and_3_more_is_cut_as_the_plain_pattern_cuts_it(text: str) -> None:
    """`_without_more` tries the pattern only where a match could end: the same text
    comes out as from the pattern on every stripped paragraph, which is what it gets."""
    text = text.strip()
    assert _without_more(text) == _MORE.sub("", text)


def test_an_abstract_with_no_title_is_skipped_with_its_line(tmp_path: Path) -> None:
    lone = "We study things at length. " * 12
    path = write(tmp_path, f"Mar 18\n\n{lone}\n\nA Real Title\n\n{ABSTRACT_1}\n")
    source = parse_source(path)
    assert [e.title for e in source.entries] == ["A Real Title"]
    assert [(w.line, w.message.rsplit(":", 1)[1]) for w in source.warnings] == [
        (3, " no title comes before it")
    ]


def test_a_paragraph_of_several_lines_is_never_a_title(tmp_path: Path) -> None:
    """A title is one line. A list of titles with no blank lines between them, or a
    header run into the date line, was read as one title: `ingest` made a record
    called "Papers I liked Dec 1" whose abstract was the titles."""
    listing = "Papers I liked\nDec 1\n\n1. Mamba: Linear-Time Sequence Modeling\n2. QLoRA\n"
    with pytest.raises(SourceError) as info:
        parse_source(write(tmp_path, listing))
    assert str(info.value) == (
        f"{tmp_path}/listing.txt:4: no entries found (expected a title, then its "
        "abstract): skipped '1. Mamba: Linear-Time Sequence Modeling 2. QLoRA', and its "
        "abstract if one follows: 2 lines where a title is due, and a title is one line; "
        "put a blank line between titles, and between a title and its abstract"
    )
    # A date line run into the header is a date line, and the header before it no paper.
    listing = f"Papers I liked\nDec 1\n\nA Title\n\n{ABSTRACT_1}\n"
    source = parse_source(write(tmp_path, listing))
    assert [(e.title, e.date, e.line) for e in source.entries] == [("A Title", "Dec 1", 4)]
    assert [(w.line, w.message) for w in source.warnings] == [
        (1, "'Papers I liked' left out: it comes before the first date line, in the page's header")
    ]
    # Among paragraphs as they should be, it is skipped with its line, and the rest read.
    listing = f"Mar 17\n\nA Title\n\n{ABSTRACT_1}\n\nTwo\nLines\n\nB Title\n\n{ABSTRACT_2}\n"
    source = parse_source(write(tmp_path, listing))
    assert [(e.title, e.abstract) for e in source.entries] == [
        ("A Title", ABSTRACT_1),
        ("B Title", ABSTRACT_2),
    ]
    assert [(w.line, w.message.split(",")[0]) for w in source.warnings] == [
        (7, "skipped 'Two Lines'")
    ]
    # A title wrapped by hand is skipped with its abstract, which was then read as the
    # next title: a record called "Its abstract. Short." whose abstract was B's title.
    listing = (
        f"Mar 17\n\nA Long Title\nThat Wraps\n\nIts abstract. Short.\n\nB Title\n\n{ABSTRACT_2}\n"
    )
    source = parse_source(write(tmp_path, listing))
    assert [(e.title, e.abstract) for e in source.entries] == [("B Title", ABSTRACT_2)]
    assert [(w.line, w.message.split(",")[0]) for w in source.warnings] == [
        (3, "skipped 'A Long Title That Wraps'")
    ]
    # An abstract may still wrap over lines.
    wrapped = ABSTRACT_1.replace(". ", ".\n")
    (entry,) = parse_source(write(tmp_path, f"Mar 17\n\nA Title\n\n{wrapped}\n")).entries
    assert entry.abstract == ABSTRACT_1


def test_an_author_line_right_under_a_title_is_its_authors(tmp_path: Path) -> None:
    """Many pages print a paper's authors on the line under its title, with no blank
    line between, names parted by commas or (conference pages) `·`. Read as one
    paragraph, the pair was skipped as a title on two lines, with the abstract after it;
    after a title that had none, the names became part of the next title."""
    listing = (
        "Mar 17\n\nSparse Widgets at Scale\nAda Lovelace · Charles Babbage\n\n"
        "Tiny Drafts\nAlan Turing, Kurt Goedel and Grace Hopper\n\n"
        f"{ABSTRACT_1}\n\nNo Names Here\nJust A Second Line\n\n{ABSTRACT_2}\n"
    )
    source = parse_source(write(tmp_path, listing))
    assert [(e.title, e.authors, e.abstract, e.line) for e in source.entries] == [
        ("Sparse Widgets at Scale", ["Ada Lovelace", "Charles Babbage"], "", 3),
        ("Tiny Drafts", ["Alan Turing", "Kurt Goedel", "Grace Hopper"], ABSTRACT_1, 6),
    ]
    # Two lines that are not a title and its authors are still no title.
    assert [(w.line, w.message.split(",")[0]) for w in source.warnings] == [
        (3, "no abstract follows the title 'Sparse Widgets at Scale'"),
        (11, "skipped 'No Names Here Just A Second Line'"),
    ]


def test_a_link_under_a_title_is_the_papers_not_a_paper(tmp_path: Path) -> None:
    """A newsletter lists each paper's addresses under its title. A link on a line of
    its own became a paper titled with the address (the real title had no abstract),
    and one on the title's paragraph made the paper vanish. An arXiv address now gives
    the paper its id, another a link; `[2412.00003] Title` gives the id too."""
    text = (
        "Mar 17\n\n"
        "Sparse Widgets\nhttps://arxiv.org/abs/2412.00001v2\nCode: https://github.com/a/w\n\n"
        f"{ABSTRACT_1}\n\n"
        "Dense Gadgets\n\narXiv:2412.00002\n\nhttps://github.com/g/gadgets\n\n"
        f"{ABSTRACT_2}\n\n"
        "[2412.00003] Tiny Drafts\n\nPaper: https://openreview.net/forum?id=abc\n\n"
        f"{ABSTRACT_1}\n\n"
        "https://arxiv.org/pdf/2412.00009\n\n"
        "[Re] Reproducing Widgets\n\n"
        f"{ABSTRACT_2}\n\n"
        "Late Widgets\nHTML: https://export.arxiv.org/html/2412.00005v1\n\n"
        f"{ABSTRACT_1}\n"
    )
    source = parse_source(write(tmp_path, text))
    assert [(e.title, e.arxiv, e.abstract, e.line, e.links) for e in source.entries] == [
        ("Sparse Widgets", "2412.00001", ABSTRACT_1, 3, {"code": "https://github.com/a/w"}),
        ("Dense Gadgets", "2412.00002", ABSTRACT_2, 9, {"code": "https://github.com/g/gadgets"}),
        ("Tiny Drafts", "2412.00003", ABSTRACT_1, 17,
         {"project": "https://openreview.net/forum?id=abc"}),
        ("[Re] Reproducing Widgets", "", ABSTRACT_2, 25, {}),
        ("Late Widgets", "2412.00005", ABSTRACT_1, 29, {}),
    ]  # fmt: skip
    assert [(w.line, w.message) for w in source.warnings] == [
        (23, "left out 'https://arxiv.org/pdf/2412.00009': a paper's link goes under its title")
    ]
