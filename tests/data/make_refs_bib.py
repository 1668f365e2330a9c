"""Writes tests/data/refs.bib: a BibTeX corpus in the shapes real exports take.

    python tests/data/make_refs_bib.py

320 entries for the built-in papers, in turn as Zotero (biblatex `date` and
`journaltitle`), Google Scholar (`journal = {arXiv preprint arXiv:…}`), arXiv's own
export (`eprint`, `archivePrefix`) and DBLP would write them, with LaTeX accents in
names, `{Braced}` capitals, `and others`, and titles spelled differently from the
records (case, punctuation); 30 papers the built-in data lacks; and six broken
entries. The names, years and identifiers are made up: the corpus tests the reader,
not the bibliography.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from generator.content.store import Layout, load_papers  # noqa: E402

FIRST = [
    "Jos{\\'e}",
    'Zo{\\"e}',
    "Ana",
    "Wei",
    "Ming-Wei",
    "Fran{\\c{c}}ois",
    "Yuki",
    "Lars",
    "Priya",
    "Ji{\\v{r}}{\\'\\i}",
]
LAST = [
    'M{\\"u}ller',
    "Garc{\\'\\i}a",
    "Chen",
    "Nakamura",
    "Dvo{\\v{r}}{\\'a}k",
    "Okafor",
    "Smith",
    "{\\O}stergaard",
    "Rao",
    "Kowalski",
]
VENUES = [
    "Advances in Neural Information Processing Systems",
    "ICML",
    "Proceedings of MLSys",
    "ACM Computing Surveys",
]


def names(rng: random.Random, count: int) -> list[tuple[str, str]]:
    return [(rng.choice(FIRST), rng.choice(LAST)) for _ in range(count)]


def respell(title: str, i: int) -> str:
    """The record's title as another export spells it."""
    if i % 3 == 0:
        return title.lower()
    if i % 3 == 1:
        head, sep, tail = title.partition(":")
        return f"{{{head}}}{sep}{tail}" if sep else title.replace(" ", "  ")
    return title.replace(":", " :").replace("-", " - ", 1) if "-" in title else title + "."


def entry(i: int, title: str, rng: random.Random) -> str:
    year = 2016 + i % 9
    arxiv = f"{year % 100:02d}{1 + i % 12:02d}.{10000 + i:05d}"
    people = names(rng, 1 + i % 5)
    key = f"{people[0][1].strip('{}').split('}')[-1].lower() or 'x'}{year}{i}"
    style = i % 4
    if style == 0:  # Zotero, biblatex
        authors = " and ".join(f"{last}, {first}" for first, last in people)
        return (
            f"@article{{{key},\n\ttitle = {{{title}}},\n\tauthor = {{{authors}}},\n"
            f"\tdate = {{{year}-{1 + i % 12:02d}-0{1 + i % 9}}},\n"
            f"\tjournaltitle = {{{VENUES[i % len(VENUES)]}}},\n\tdoi = {{10.1145/{3600000 + i}}},\n"
            f"\tabstract = {{We study {title.lower()} in depth.}},\n}}\n"
        )
    if style == 1:  # Google Scholar
        authors = " and ".join(f"{last}, {first}" for first, last in people)
        if i % 8 == 1:
            authors += " and others"
        return (
            f"@article{{{key},\n  title={{{title}}},\n  author={{{authors}}},\n"
            f"  journal={{arXiv preprint arXiv:{arxiv}}},\n  year={{{year}}}\n}}\n"
        )
    if style == 2:  # arXiv's own export
        authors = " and ".join(f"{first} {last}" for first, last in people)
        return (
            f"@misc{{{key},\n      title={{{title}}}, \n      author={{{authors}}},\n"
            f"      year={{{year}}},\n      eprint={{{arxiv}}},\n      archivePrefix={{arXiv}},\n"
            f"      primaryClass={{cs.LG}},\n      url={{https://arxiv.org/abs/{arxiv}}}, \n}}\n"
        )
    authors = " and\n                  ".join(f"{first} {last}" for first, last in people)
    return (  # DBLP
        f"@inproceedings{{DBLP:conf/x/{key},\n  author       = {{{authors}}},\n"
        f"  title        = {{{title}}},\n  booktitle    = {{{VENUES[i % 2]}}},\n"
        f"  year         = {{{year}}},\n  doi          = {{10.5555/{3700000 + i}}},\n"
        f"  biburl       = {{https://dblp.org/rec/conf/x/{key}.bib}},\n"
        f"  bibsource    = {{dblp computer science bibliography, https://dblp.org}}\n}}\n"
    )


BROKEN = """\
@article{broken-braces,
  title={An Entry Whose Braces Never Close,
  author={Nobody, Anne},
  year={2020}

@article{no-title,
  author={Nobody, Anne},
  year={2021}
}

@patent{unknown-type,
  title={A Patent Is Not a Paper},
  year={2019}
}

@misc{bad-year,
  title={A Paper With a Year of the Wrong Shape},
  year={20xx}
}

@misc{bad-arxiv,
  title={A Paper With an arXiv Id From No Month},
  eprint={2313.01234}, archivePrefix={arXiv}
}
"""


def main() -> None:
    papers, _ = load_papers(Layout(ROOT))
    rng = random.Random(21)
    known = sorted(papers.values(), key=lambda p: p.id)[:320]
    parts = [entry(i, respell(p.title, i), rng) for i, p in enumerate(known)]
    parts += [
        entry(400 + i, f"A New Method Number {i} for {{BERT}}-Style Pre-training", rng)
        for i in range(30)
    ]
    # A key used twice: the second entry is reported and skipped.
    first_key = parts[0].split("{", 1)[1].split(",", 1)[0]
    parts.append(f"@misc{{{first_key},\n  title={{The Same Key Again, Another Paper}}\n}}\n")
    parts.append(BROKEN)
    text = "% A BibTeX test corpus; see make_refs_bib.py.\n\n" + "\n".join(parts)
    (Path(__file__).parent / "refs.bib").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
