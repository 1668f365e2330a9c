"""Listings copied from arXiv itself: its listing pages and its daily email."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.content.store import Layout, load_papers
from generator.ingest.arxiv import from_arxiv
from generator.ingest.records import parse_file

from .conftest import make_small_project, run_cli

ABSTRACT = (
    "We route each token to a few widgets and skip the rest. On three benchmarks this "
    "halves the cost of inference at the same accuracy. Code: https://github.com/ada/widgets."
)
NEW_PAGE = f"""\
Machine Learning

Showing new listings for Friday, 6 December 2024

Total of 3 entries

New submissions (showing 2 of 2 entries)

[1] arXiv:2412.04453 [pdf, html, other]
Title: Sparse Widget Routing for Mixture of Experts Inference
Ada Lovelace, Charles Babbage
Comments: 12 pages, 4 figures
Subjects: Machine Learning (cs.LG); Computation and Language (cs.CL)

{ABSTRACT}

[2] arXiv:2412.04454 [pdf, other]
Quantized Gadgets: Four-Bit Weights for Vision Transformers
Authors: Grace Hopper
Journal-ref: NeurIPS 2024
Subjects: Computer Vision and Pattern Recognition (cs.CV); Machine Learning (cs.LG)

Cross submissions (showing 1 of 1 entries)

[3] arXiv:2412.04455 (cross-list from cs.CL) [pdf, html, other]
Title: Speculative Decoding with Tiny Drafts
Alan Turing, Kurt Goedel
Subjects: Computation and Language (cs.CL); Machine Learning (cs.LG)

Which authors of this paper are endorsers? | Disable MathJax (What is MathJax?)
"""
EMAIL = """\
------------------------------------------------------------------------------
------------------------------------------------------------------------------
Send any comments regarding submissions directly to submitter.
------------------------------------------------------------------------------
Archives at http://arxiv.org/
To unsubscribe, e-mail To: cs@arXiv.org, Subject: cancel
------------------------------------------------------------------------------
 Submissions to:
Computer Science
 received from  Fri 29 Nov 24 19:00:00 GMT  to  Mon  2 Dec 24 19:00:00 GMT
------------------------------------------------------------------------------
------------------------------------------------------------------------------
\\\\
arXiv:2412.00001
Date: Mon, 2 Dec 2024 10:00:00 GMT   (100kb)

Title: Sparse Widgets for Decoding with a Title Long Enough That the Email Wraps
  It Onto a Second Line
Authors: Ada Lovelace (1), Charles Babbage (2) and Grace Hopper (1) ((1) Cambridge,
  (2) London)
Categories: cs.LG cs.AI
Comments: 10 pages
DOI: 10.1234/widgets.5678
\\\\
  We make widgets sparse, and the email indents
\\\\the abstract's lines as it pleases. They are fast.
\\\\ ( https://arxiv.org/abs/2412.00001 ,  100kb)
------------------------------------------------------------------------------
%%--%%--%%--%%--%%--%%--%%--%%--%%--%%--%%--%%--%%--%%--%%--%%--%%--%%--%%--%%
------------------------------------------------------------------------------
\\\\
arXiv:2301.00002
replaced with revised version Tue, 3 Dec 2024 11:00:00 GMT   (200kb)

Title: Dense Gadgets
Authors: Grace Hopper
Categories: cs.CL
\\\\ ( https://arxiv.org/abs/2301.00002 ,  200kb)
------------------------------------------------------------------------------
"""

SEARCH = """\
Showing 1–3 of 3 results for all: widgets

1. arXiv:2412.04456  [pdf, other]  cs.LG cs.AI
Sparse Widgets, Searched For
Authors: Ada Lovelace, Charles Babbage, et al. (30 additional authors not shown)
Abstract: We route each token to a few widgets and skip the rest, and on three benchmarks … ▽ More
Submitted 5 December, 2024; v1 submitted 1 December, 2024; originally announced December 2024.
Comments: Code: https://github.com/ada/searched

2. arXiv:2412.04457v2\xa0[pdf]\xa0 cs.CL doi 10.1234/drafts.9
Tiny Drafts, Searched For
Authors: Alan Turing
Abstract: We draft tokens with tiny models and check them with a large one, twice as fast. △ Less
Submitted 2 December, 2024; originally announced December 2024.
Journal ref: MLSys 2025

3. arXiv:2411.04458  [pdf]

cs.DC

Serving at the Edge, Searched For

Authors: Grace Hopper

Abstract: We serve models on small devices with very little memory, and still answer at once.

Submitted 30 November, 2024; originally announced November 2024.

Previous Next
About Help Contact
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def fields(path: Path) -> list[tuple[object, ...]]:
    return [
        (e.arxiv, e.title, e.authors, e.date, e.line, e.year, e.venue, e.arxiv_class, e.doi)
        for e in parse_file(path).entries
    ]


@pytest.mark.parametrize("blank", [True, False], ids=["blank-line", "none"])
def test_a_listing_page_gives_each_paper_with_its_id_authors_and_date(
    tmp_path: Path, blank: bool
) -> None:
    """Read as any other listing, the page was refused: "no entries found". A browser
    may copy a paper's abstract with or without a blank line before it."""
    moved = (f"(cs.CL)\n\n{ABSTRACT}\n", f"(cs.CL)\n    {ABSTRACT}\n\n")  # same line numbers
    page = NEW_PAGE if blank else NEW_PAGE.replace(*moved)
    assert blank or page != NEW_PAGE
    parsed = parse_file(write(tmp_path, "arxiv-new.txt", page))
    date = "2024-12-06"
    assert fields(parsed.path) == [
        ("2412.04453", "Sparse Widget Routing for Mixture of Experts Inference",
         ["Ada Lovelace", "Charles Babbage"], date, 10, "2024", "", "cs.LG", ""),
        ("2412.04454", "Quantized Gadgets: Four-Bit Weights for Vision Transformers",
         ["Grace Hopper"], date, 18, "2024", "NeurIPS 2024", "cs.CV", ""),
        ("2412.04455", "Speculative Decoding with Tiny Drafts",
         ["Alan Turing", "Kurt Goedel"], date, 26, "2024", "", "cs.CL", ""),
    ]  # fmt: skip
    first, second, third = parsed.entries
    assert first.abstract == ABSTRACT and first.links == {"code": "https://github.com/ada/widgets"}
    # A section's heading and the page's footer are no abstract.
    assert second.abstract == "" and third.abstract == ""
    assert [e.position for e in parsed.entries] == [1, 2, 3]
    assert [(w.line, w.message[:47]) for w in parsed.warnings] == [
        (18, "2 of 3 papers come without an abstract: arXiv's")
    ]


def test_the_email_gives_wrapped_fields_and_no_abstract_for_a_replacement(tmp_path: Path) -> None:
    parsed = parse_file(write(tmp_path, "arxiv-mail.txt", EMAIL))
    title = (
        "Sparse Widgets for Decoding with a Title Long Enough That the Email Wraps It Onto "
        "a Second Line"
    )
    assert fields(parsed.path) == [
        ("2412.00001", title, ["Ada Lovelace", "Charles Babbage", "Grace Hopper"],
         "2024-12-02", 17, "2024", "", "cs.LG", "10.1234/widgets.5678"),
        ("2301.00002", "Dense Gadgets", ["Grace Hopper"], "2024-12-03", 35, "2023", "", "cs.CL",
         ""),
    ]  # fmt: skip
    assert parsed.entries[0].abstract == (
        "We make widgets sparse, and the email indents \\\\the abstract's lines as it pleases. "
        "They are fast."
    )
    assert parsed.entries[1].abstract == ""


def test_search_results_give_labelled_fields_and_say_which_abstracts_are_cut(
    tmp_path: Path,
) -> None:
    """arXiv's search results, a curator's way to gather papers on a topic, were read as
    a listing of the usual kind: the page's heading became a paper, with the first
    result for its abstract, and the other results were skipped. A browser may copy each
    field as a paragraph of its own (the third result), or the categories on a line."""
    parsed = parse_file(write(tmp_path, "arxiv-search.txt", SEARCH))
    assert fields(parsed.path) == [
        ("2412.04456", "Sparse Widgets, Searched For", ["Ada Lovelace", "Charles Babbage"],
         "2024-12-05", 4, "2024", "", "cs.LG", ""),
        ("2412.04457", "Tiny Drafts, Searched For", ["Alan Turing"], "2024-12-02", 11, "2024",
         "MLSys 2025", "cs.CL", "10.1234/drafts.9"),
        ("2411.04458", "Serving at the Edge, Searched For", ["Grace Hopper"], "2024-11-30", 21,
         "2024", "", "cs.DC", ""),
    ]  # fmt: skip
    first, second, third = (e.abstract for e in parsed.entries)
    assert (
        first == "We route each token to a few widgets and skip the rest, and on three benchmarks …"
    )
    assert (
        second == "We draft tokens with tiny models and check them with a large one, twice as fast."
    )
    assert third.startswith("We serve models") and third.endswith("at once.")
    assert parsed.entries[0].links == {"code": "https://github.com/ada/searched"}
    assert [(w.line, w.message[:52]) for w in parsed.warnings] == [
        (4, "1 of 3 abstracts are cut short ('… ▽ More'), as arXi"),
        (4, "1 of 3 author lists are cut short at 25 names ('et a"),
    ]


def test_only_arxivs_own_layout_is_read_as_arxiv() -> None:
    """A listing of the usual kind that names an arXiv id is read as before."""
    assert from_arxiv(NEW_PAGE) and from_arxiv(EMAIL) and from_arxiv(SEARCH)
    assert not from_arxiv("Mar 17\n\nA Title\n\narXiv:2412.00001\n\nIts abstract. Fine.\n")
    assert not from_arxiv("Mar 17\n\nA Title\n\nSee\narXiv:2412.00001\nfor more.\n")


def test_ingest_and_check_take_an_arxiv_page(tmp_path: Path) -> None:
    """A paper the list has already, listed by arXiv under its id, joins its record."""
    root = make_small_project(tmp_path / "project")
    existing = root / "content" / "papers" / "speculative-decoding-with-small-drafts.yml"
    existing.write_text(
        "id: speculative-decoding-with-small-drafts\ntitle: Speculative Decoding with Small "
        "Drafts\nabstract: An earlier version.\narxiv: '2412.04455'\n",
        encoding="utf-8",
    )
    write(root / "content" / "sources", "arxiv-new.txt", NEW_PAGE)
    ingested = run_cli(root, "ingest", "content/sources/arxiv-new.txt")
    assert ingested.returncode == 0, ingested.stderr
    papers, _ = load_papers(Layout(root))
    routing = papers["sparse-widget-routing-for-mixture-of-experts-inference"]
    assert (routing.arxiv, routing.authors, routing.year) == (
        "2412.04453",
        ["Ada Lovelace", "Charles Babbage"],
        "2024",
    )
    assert routing.listings[0].source == "arxiv-new" and routing.listings[0].date == "2024-12-06"
    labels = (root / "content" / "sources.yml").read_text(encoding="utf-8")
    assert labels.endswith("- id: arxiv-new\n  label: arXiv listing\n"), labels
    merged = papers["speculative-decoding-with-small-drafts"]
    assert [x.position for x in merged.listings] == [3]
    assert "speculative-decoding-with-tiny-drafts" not in papers
    checked = run_cli(root, "check")
    said = [line for line in checked.stdout.splitlines() if "arxiv-new" in line]
    assert checked.returncode == 0 and len(said) == 1 and "without an abstract" in said[0], said


def test_a_listing_made_to_stall_the_reader_is_read_in_one_pass(tmp_path: Path) -> None:
    """A line of 100,000 `(a)` after an id took the id pattern minutes (its parts could
    split the same text many ways), and an author line of many affiliations half a
    minute: a pull request could stall `check` in CI. Both now take one pass."""
    import time

    authors = "Authors: " + "Ada Lovelace (1), ((1) Cambridge " * 20_000
    stall = "arXiv:2412.00002 " + "(a) " * 100_000 + "x"
    text = f"[1] arXiv:2412.00001 [pdf]\nTitle: A Title\n{authors}\n\n{stall}\n"
    searched = "Abstract: " + " " * 100_000 + "x\n" + "cs.LG " * 50_000 + "x\n"
    searched += f"Submitted 1 December, 2024; {'a ' * 100_000}\n"
    searched += "Authors: " + ", et al. (1 additional authors not shown)" * 10_000 + "x\n"
    text += f"\n[2] arXiv:2412.00003 [pdf]\nA Searched Title\n{searched}"
    began = time.process_time()
    parsed = parse_file(write(tmp_path, "stall.txt", text))
    spent = time.process_time() - began
    assert [e.title for e in parsed.entries] == ["A Title", "A Searched Title"]
    assert parsed.entries[0].authors[0] == "Ada Lovelace"
    assert spent < 30  # minutes before; well under a second
