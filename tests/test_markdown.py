"""Awesome lists: a Markdown list of papers, as curated lists on GitHub write them."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from generator.content.store import Layout, load_papers
from generator.errors import SourceError
from generator.ingest.markdown import from_markdown
from generator.ingest.records import parse_file

from .conftest import make_small_project, run_cli

AWESOME = """\
# Awesome Efficient Inference [![Awesome](https://awesome.re/badge.svg)](https://awesome.re)

A curated list of papers. Contributions welcome!

## Contents

- [Speculative decoding](#speculative-decoding)
- [Quantization](#quantization)

## Speculative decoding

- [Fast Widgets via Speculative Drafting](https://arxiv.org/abs/2211.17192) - Leviathan et al., ICML 2023
- **Medusa Widgets: Many Heads Decode Faster** [[paper](https://arxiv.org/abs/2401.10774)] [[code](https://github.com/ada/medusa)]
* Paged Widget Memory for Serving. [[pdf](https://arxiv.org/pdf/2309.06180v2)] [[project](https://widgets.example.org/paged)]
  - [code](https://github.com/ada/paged)

## Quantization

1. [**Four-Bit Gadgets**](https://openreview.net/forum?id=AbC123). NeurIPS 2024.
2. [NeurIPS 2024] 🔥 [Tagged Gadgets](https://arxiv.org/abs/2405.00001)
3. `[arXiv]` **Ticked Gadgets** [[paper](https://arxiv.org/abs/2405.00002)]
4. [[pdf]](https://arxiv.org/pdf/2405.00003.pdf) [[code]](https://github.com/ada/labelled) Labelled Gadgets
5. [[paper](https://arxiv.org/abs/2405.00004)] | Bracketed Gadgets
6. Broken Gadgets <br> ICML 2024 [[Paper]](https://arxiv.org/abs/2405.00005)
7. Continued Gadgets &amp; Friends

   Arxiv 2025 [[Paper]](https://arxiv.org/abs/2405.00006)

## Contributing

- Fork this repository
- Add a paper, one line each
"""


def entries(path: Path) -> list[tuple[object, ...]]:
    return [(e.title, e.arxiv, e.year, e.links, e.line) for e in parse_file(path).entries]


def test_an_awesome_list_gives_each_item_as_a_paper_with_its_links(tmp_path: Path) -> None:
    """Copied into a listing, an awesome list gave one record per heading ('##
    Quantization'), its list for an abstract, and no paper of its own."""
    path = tmp_path / "awesome.txt"
    path.write_text(AWESOME, encoding="utf-8")
    parsed = parse_file(path)
    assert entries(path) == [
        ("Fast Widgets via Speculative Drafting", "2211.17192", "2022", {}, 12),
        ("Medusa Widgets: Many Heads Decode Faster", "2401.10774", "2024",
         {"code": "https://github.com/ada/medusa"}, 13),
        ("Paged Widget Memory for Serving", "2309.06180", "2023",
         {"project": "https://widgets.example.org/paged", "code": "https://github.com/ada/paged"},
         14),
        ("Four-Bit Gadgets", "", "", {"project": "https://openreview.net/forum?id=AbC123"}, 19),
        ("Tagged Gadgets", "2405.00001", "2024", {}, 20),  # a venue's tag, a mark before
        ("Ticked Gadgets", "2405.00002", "2024", {}, 21),
        # Links named for what they lead to first, the title after them.
        ("Labelled Gadgets", "2405.00003", "2024", {"code": "https://github.com/ada/labelled"}, 22),
        ("Bracketed Gadgets", "2405.00004", "2024", {}, 23),
        # A line break ends a title; an indented line goes on with its item.
        ("Broken Gadgets", "2405.00005", "2024", {}, 24),
        ("Continued Gadgets & Friends", "2405.00006", "2024", {}, 25),
    ]  # fmt: skip
    assert [(e.abstract, e.date, e.position) for e in parsed.entries] == [
        ("", "", n) for n in range(1, 11)
    ]
    # The contents and the rules are no papers: one warning counts them.
    assert [(w.line, w.message[:48]) for w in parsed.warnings] == [
        (12, "a Markdown list gives no abstracts and no dates:"),
        (7, "4 list item(s) name no paper (no link to a web p"),
    ]


TABLE = """\
# Awesome Widget Inference

```bibtex
@misc{awesome-widgets, title={Awesome Widget Inference}, year={2024}}
```

|Date|Title|Paper|Code|
|:---:|:---:|:---:|:---:|
|2023.09|🔥[vLLM] Paged Widget Memory for Serving(@Berkeley)|[[pdf]](https://arxiv.org/pdf/2309.06180)|[[vllm]](https://github.com/ada/paged) ![](https://img.shields.io/github/stars/ada/paged.svg)|
|2024.05|[LLM.int8()] Eight-Bit Widgets at Scale|[[pdf]](https://arxiv.org/abs/2208.07339)| |

| Title & Authors | Figure | Links |
|:--|:--:|:--:|
| [![Star](https://img.shields.io/github/stars/ada/sparse.svg)](https://github.com/ada/sparse) <br> :star: [Sparse Widgets in One Shot](https://github.com/ada/sparse) <br> Ada Lovelace | <img width="500" src="figures/sparse.png"> | [Github](https://github.com/ada/sparse) [paper](https://arxiv.org/abs/2301.00774) |
"""


def test_an_awesome_list_written_as_tables_gives_a_paper_a_row(tmp_path: Path) -> None:
    """Many awesome lists are tables. Read as a listing, the citation of the list in a
    code block made it 'BibTeX, not a raw listing'; read as a list, a table's rows were
    left out, and its news items became papers."""
    path = tmp_path / "tables.txt"
    path.write_text(TABLE, encoding="utf-8")
    assert entries(path) == [
        ("Paged Widget Memory for Serving", "2309.06180", "2023",
         {"code": "https://github.com/ada/paged"}, 9),
        ("Eight-Bit Widgets at Scale", "2208.07339", "2022", {}, 10),
        ("Sparse Widgets in One Shot", "2301.00774", "2023",
         {"code": "https://github.com/ada/sparse"}, 14),
    ]  # fmt: skip


def test_a_bare_address_in_a_table_ends_at_its_cell(tmp_path: Path) -> None:
    """A row may give its addresses bare, with no space before the next cell's bar: each
    is an address of its own, read as the paragraph reader reads one."""
    path = tmp_path / "bare.txt"
    path.write_text(
        "|Title|Paper|Code|\n|---|---|---|\n"
        "|[Linked Widgets](https://example.org/a)|[[pdf]](https://arxiv.org/abs/2401.00001)| |\n"
        "|[More Linked Widgets](https://example.org/b)| | |\n"
        "|Bare Widgets in Tables|https://arxiv.org/abs/2402.00002|https://github.com/ada/bare|\n",
        encoding="utf-8",
    )
    assert entries(path)[2] == (
        "Bare Widgets in Tables", "2402.00002", "2024", {"code": "https://github.com/ada/bare"}, 5
    )  # fmt: skip


def test_only_a_markdown_list_is_read_as_one(tmp_path: Path) -> None:
    """A listing of the usual kind, with a link in an abstract, is read as before; and
    a `.md` file is no listing (`content/sources/` may hold notes such as a README)."""
    assert from_markdown(AWESOME) and from_markdown(TABLE)
    assert not from_markdown("Mar 17\n\nA Title\n\n- see [code](https://github.com/a/b)\n")
    path = tmp_path / "README.md"
    path.write_text(AWESOME, encoding="utf-8")
    with pytest.raises(SourceError, match=r"save its Markdown as a \.txt file"):
        parse_file(path)


def test_ingest_and_check_take_an_awesome_list(tmp_path: Path) -> None:
    root = make_small_project(tmp_path / "project")
    (root / "content" / "sources" / "awesome-inference.txt").write_text(AWESOME, encoding="utf-8")
    (root / "content" / "sources" / "README.md").write_text("Notes.\n", encoding="utf-8")
    ingested = run_cli(root, "ingest", "content/sources/awesome-inference.txt")
    assert ingested.returncode == 0, ingested.stderr
    papers, _ = load_papers(Layout(root))
    medusa = papers["medusa-widgets-many-heads-decode-faster"]
    assert (medusa.arxiv, medusa.links, medusa.listings[0].source) == (
        "2401.10774",
        {"code": "https://github.com/ada/medusa"},
        "awesome-inference",
    )
    labels = (root / "content" / "sources.yml").read_text(encoding="utf-8")
    assert labels.endswith("- id: awesome-inference\n  label: Awesome list\n"), labels
    checked = run_cli(root, "check")
    assert checked.returncode == 0, checked.stdout
    assert "README.md: warning: not a listing" in checked.stdout
    assert "nothing reads it; to ingest an awesome list, save its Markdown as a .txt" in (
        checked.stdout
    )
    assert run_cli(root, "build", "--strict").returncode == 0


def test_a_list_made_to_stall_the_reader_is_read_in_one_pass(tmp_path: Path) -> None:
    lines = [
        "- " + "[" * 100_000,
        "- [a](" + "(" * 100_000,
        "- **" + "*" * 100_000,
        "- " + "a](b " * 20_000,
        "- [Real Title](https://arxiv.org/abs/2401.00001)",
        "- [Another Title](https://arxiv.org/abs/2401.00002)",
        "- [x](https://example.org/" + " " * 100_000 + '"' * 10_000,
        "- " + "[[pdf]](https://example.org/a) " * 100_000,
        "|" + " a b |" * 50_000 + "[x](https://example.org/x)",
        "|" + "[![a](https://b.org)](https://c.org) <br> :a:" * 20_000 + "|",
    ]
    path = tmp_path / "stall.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    began = time.process_time()
    titles = [e[0] for e in entries(path)]
    spent = time.process_time() - began
    assert "Real Title" in titles
    assert spent < 30  # well under a second
