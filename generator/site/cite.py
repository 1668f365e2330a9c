"""How the site cites papers: BibTeX a bibliography style accepts, CSL-JSON (Zotero, Pandoc,
citeproc) and RIS (EndNote, Mendeley), under readable, stable, unique keys.

The entry type is the record's own (`type`, which BibTeX ingest keeps), or follows from
what is known: `@article` with a journal, `@inproceedings` with proceedings, `@misc`
with the arXiv id (`eprint`, `archivePrefix`, `primaryClass`) otherwise. Themes and
tags go in `keywords`; nothing goes in `note`, which styles print in the reference list.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from generator.analysis import Linked
from generator.content.model import Paper
from generator.content.recall import NOTHING_KEPT, Recall, Same
from generator.site.markup import xml_chars

_STOP = frozenset([
    "a", "an", "the", "on", "of", "in", "for", "to", "and", "with", "via", "towards",
    "toward", "is", "are", "from", "by", "at", "as", "do", "does", "can", "we", "how",
    "what", "why", "when", "your", "our", "its", "into", "over", "under", "beyond", "not",
    "no",
])  # fmt: skip
"""Words a key skips for the title's first word that says something."""
_LETTERS = re.compile(r"[^a-z]")


_LATIN = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ß": "ss", "ł": "l",
                        "Ł": "L", "đ": "d", "Đ": "D", "þ": "th", "Þ": "Th", "œ": "oe"})  # fmt: skip
"""Letters that Unicode does not decompose into a base letter and an accent."""


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.translate(_LATIN))
    return folded.encode("ascii", "ignore").decode().lower()


def base_key(paper: Paper) -> str:
    """`lovelace2024sparse`: the first author's surname, the year, the title's first
    word that says something; the parts that are unknown are left out."""
    surname = _LETTERS.sub("", _ascii(paper.authors[0].split()[-1])) if paper.authors else ""
    words = [_LETTERS.sub("", _ascii(w)) for w in re.split(r"[\s\-:/]+", paper.title)]
    word = next((w for w in words if w and w not in _STOP), "") or "paper"
    return f"{surname or word}{paper.year}{word if surname else ''}" or paper.id


def citation_keys(papers: Iterable[Paper], recall: Recall = NOTHING_KEPT) -> dict[str, str]:
    """Paper id -> key: its pinned `bibkey`, else `base_key`; papers that share one get
    `b`, `c`, ... in the order they came in (`_arrival`), so keys stay unique, and a
    paper that arrives in a later listing file takes the next suffix and moves the key
    of no listed paper (papers added by hand come after every listed one, by id).

    A made-up key still moves when a paper that shares its base and came before it is
    removed, when a listing file is added that sorts before older ones, or when
    `enrich` gives the paper authors and a year (`diff` lists every key that moves). A
    key that must never move is pinned with `bibkey`. `recall` keeps each paper's base."""
    ordered = sorted(papers, key=_arrival)
    keys = {p.id: p.bibkey for p in ordered if p.bibkey}
    taken = set(keys.values())
    # Where each base's search for a free suffix starts: every smaller one is taken, so
    # a base shared by thousands of papers (`efficient`) is not probed from `a` each time.
    tried: dict[str, int] = {}
    for paper in ordered:
        if paper.id in keys:
            continue
        base = recall(("base key", Same(paper)), partial(base_key, paper))
        n = tried.get(base, 1)
        key = base + _suffix(n)
        while key in taken:
            n += 1
            key = base + _suffix(n)
        keys[paper.id] = key
        taken.add(key)
        tried[base] = n
    return keys


def _arrival(paper: Paper) -> tuple[int, str, int, str]:
    """The order papers came in: by their first listing (source files are named in
    the order they were added), then those added by hand, by id."""
    first = min(((x.source, x.position) for x in paper.listings), default=None)
    return (0, *first, paper.id) if first else (1, "", 0, paper.id)


def _suffix(n: int) -> str:
    """2 -> `b`, 26 -> `z`, 27 -> `ba`: letters keep a key in `surnameYEARword` form."""
    letters = ""
    n -= 1
    while n:
        n, rest = divmod(n, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def entry_type(paper: Paper) -> str:
    if paper.type:
        return paper.type
    if paper.journal:
        return "article"
    if paper.booktitle:
        return "inproceedings"
    return "misc"


@dataclass(frozen=True)
class Citation:
    """What a citation of one paper says, whatever the format."""

    key: str
    kind: str
    paper: Paper
    keywords: list[str]

    @property
    def container(self) -> str:
        """The journal or proceedings, else the venue the record names."""
        return self.paper.journal or self.paper.booktitle or self.paper.venue

    @property
    def url(self) -> str:
        if self.paper.url:
            return self.paper.url
        return f"https://arxiv.org/abs/{self.paper.arxiv}" if self.paper.arxiv else ""


# BibTeX has no escape for braces (a backslash does not stop them counting), so every
# special character becomes a command whose own braces are balanced.
_BIB = str.maketrans(
    {
        "\\": r"\textbackslash{}",
        "{": r"\textbraceleft{}",
        "}": r"\textbraceright{}",
        "%": r"\%",
        "&": r"\&",
        "$": r"\$",
        "#": r"\#",
        "_": r"\_",
        "^": r"\textasciicircum{}",
        "~": r"\textasciitilde{}",
    }
)
_LIGATURE = re.compile(r"(?<=-)(?=-)|(?<=`)(?=`)|(?<=')(?=')")
"""`--`, ``` `` ``` and `''` would read back as a dash and quotes: `-{}-` keeps them."""


_SPECIAL = re.compile("[" + re.escape("".join(map(chr, _BIB))) + "]")
_PAIRS = ("--", "``", "''")


def bib_text(text: str) -> str:
    """A BibTeX field value: one line, LaTeX specials escaped, braces always balanced."""
    value = " ".join(xml_chars(text).split())
    if _SPECIAL.search(value):  # most values have none: translating them costs the most
        value = value.translate(_BIB)
    return _LIGATURE.sub("{}", value) if any(p in value for p in _PAIRS) else value


def _bib_name(name: str) -> str:
    """One author: a name holding the word `and` is braced, or BibTeX would split it."""
    text = bib_text(name)
    return "{" + text + "}" if " and " in f" {text.lower()} " else text


def _bib_pages(pages: str) -> str:
    """`12-20` or `12–20` as BibTeX's range, `12--20`; anything else as text."""
    parts = re.split(r"\s*(?:--?|–|—)\s*", pages.strip())
    if len(parts) == 2 and all(parts):
        return "--".join(" ".join(xml_chars(p).split()).translate(_BIB) for p in parts)
    return bib_text(pages)


def inputs(citation: Citation) -> tuple[object, ...]:
    """All a citation's texts are made from, as a key to recall them by (`Recall`)."""
    return (Same(citation.paper), citation.key, citation.kind, tuple(citation.keywords))


def bibtex(citation: Citation) -> str:
    """The BibTeX entry the Cite buttons copy into a bibliography, printed on every card
    of a paper: no keywords and no abstract, which the files keep (`bibtex_pair`)."""
    return _bib_head(citation, keywords=False) + "}\n"


def bibtex_pair(citation: Citation) -> tuple[str, str]:
    """The entry with its abstract (all papers' file) and without it (a theme's file),
    made once: they differ only in the last field."""
    head = _bib_head(citation, keywords=True)
    abstract = citation.paper.abstract
    line = f"  abstract = {{{bib_text(abstract)}}},\n" if abstract else ""
    return head + line + "}\n", head + "}\n"


def _bib_head(citation: Citation, keywords: bool) -> str:
    """The entry up to its abstract and closing brace."""
    paper, kind = citation.paper, citation.kind
    fields = [("title", "{" + bib_text(paper.title) + "}")]
    if paper.authors:
        fields.append(("author", " and ".join(_bib_name(name) for name in paper.authors)))
    if paper.year:
        fields.append(("year", bib_text(paper.year)))
    journal = paper.journal or (paper.venue if kind == "article" else "")
    booktitle = paper.booktitle or (
        paper.venue if kind in ("inproceedings", "incollection", "conference") else ""
    )
    if journal:
        fields.append(("journal", bib_text(journal)))
    if booktitle:
        fields.append(("booktitle", bib_text(booktitle)))
    if paper.venue and not (journal or booktitle):
        fields.append(("howpublished", bib_text(paper.venue)))
    fields += [(n, bib_text(getattr(paper, n))) for n in ("volume", "number") if getattr(paper, n)]
    if paper.pages:
        fields.append(("pages", _bib_pages(paper.pages)))
    if paper.publisher:
        fields.append(("publisher", bib_text(paper.publisher)))
    if paper.doi:
        fields.append(("doi", bib_text(paper.doi)))
    if citation.url:
        fields.append(("url", bib_text(citation.url)))
    if paper.arxiv:
        fields += [("eprint", bib_text(paper.arxiv)), ("archiveprefix", "arXiv")]
        if paper.arxiv_class:
            fields.append(("primaryclass", bib_text(paper.arxiv_class)))
    if citation.keywords and keywords:
        fields.append(("keywords", bib_text(", ".join(citation.keywords))))
    body = "".join(f"  {name} = {{{value}}},\n" for name, value in fields)
    return f"@{kind}{{{citation.key},\n{body}"


_CSL_TYPES = {
    "article": "article-journal",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "book": "book",
    "inbook": "chapter",
    "incollection": "chapter",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "techreport": "report",
    "report": "report",
    "manual": "report",
}


def split_name(name: str) -> dict[str, str]:
    """`Ada Lovelace` -> family `Lovelace`, given `Ada`; one word stays whole."""
    words = name.split()
    if len(words) < 2:
        return {"literal": name}
    return {"family": words[-1], "given": " ".join(words[:-1])}


def csl_item(citation: Citation) -> dict[str, object]:
    """One paper as CSL-JSON (https://citeproc-js.readthedocs.io/en/latest/csl-json/)."""
    paper = citation.paper
    item: dict[str, object] = {
        "id": citation.key,
        "type": _CSL_TYPES.get(citation.kind, "article"),
        "title": xml_chars(paper.title),
    }
    if paper.authors:
        item["author"] = [split_name(xml_chars(n)) for n in paper.authors]
    if paper.year:
        item["issued"] = {"date-parts": [[int(paper.year)]]}
    values = {
        "container-title": citation.container,
        "volume": paper.volume,
        "issue": paper.number,
        "page": paper.pages,
        "publisher": paper.publisher,
        "DOI": paper.doi,
        "URL": citation.url,
        "keyword": ", ".join(citation.keywords),
        "abstract": " ".join(paper.abstract.split()),
    }
    if paper.arxiv:
        values["number"] = f"arXiv:{paper.arxiv}"
    item.update((k, xml_chars(v)) for k, v in values.items() if v)
    return item


def csl_pair(citation: Citation) -> tuple[str, str]:
    """The item as a line of a CSL-JSON list, with its abstract and without it: a line
    each, as `papers.json` has, written by `json`'s C encoder (indenting is not)."""
    item = csl_item(citation)
    whole = json.dumps(item, ensure_ascii=False)
    if "abstract" not in item:
        return whole, whole
    del item["abstract"]
    return whole, json.dumps(item, ensure_ascii=False)


_RIS_TYPES = {
    "article": "JOUR",
    "inproceedings": "CONF",
    "conference": "CONF",
    "book": "BOOK",
    "inbook": "CHAP",
    "incollection": "CHAP",
    "phdthesis": "THES",
    "mastersthesis": "THES",
    "thesis": "THES",
    "techreport": "RPRT",
    "report": "RPRT",
    "unpublished": "UNPB",
}


def ris_pair(citation: Citation) -> tuple[str, str]:
    """The record with its abstract (`AB`, its last tag) and without it."""
    paper = citation.paper
    lines = [("TY", _RIS_TYPES.get(citation.kind, "GEN")), ("ID", citation.key)]
    lines.append(("TI", paper.title))
    for name in paper.authors:
        parts = split_name(name)
        lines.append(("AU", parts.get("literal") or f"{parts['family']}, {parts['given']}"))
    lines += [("PY", paper.year), ("T2", citation.container), ("VL", paper.volume)]
    lines.append(("IS", paper.number))
    pages = re.split(r"\s*(?:--?|–|—)\s*", paper.pages.strip()) if paper.pages else []
    lines += [("SP", pages[0] if pages else ""), ("EP", pages[1] if len(pages) == 2 else "")]
    lines += [("PB", paper.publisher), ("DO", paper.doi), ("UR", citation.url)]
    lines += [("KW", k) for k in citation.keywords]
    head = "".join(_ris_line(tag, value) for tag, value in lines if value)
    abstract = _ris_line("AB", paper.abstract) if paper.abstract else ""
    return head + abstract + "ER  - \n", head + "ER  - \n"


def _ris_line(tag: str, value: str) -> str:
    return f"{tag}  - {' '.join(xml_chars(value).split())}\n"


def citations(
    papers: Iterable[Paper], keys: dict[str, str], keywords: dict[str, list[str]]
) -> list[Citation]:
    """The papers' citations, in id order."""
    return [
        Citation(keys[p.id], entry_type(p), p, keywords.get(p.id, []))
        for p in sorted(papers, key=lambda p: p.id)
    ]


def citation_list(library: Linked, recall: Recall = NOTHING_KEPT) -> dict[str, Citation]:
    """Every paper's citation, by paper id: one key each, the same in every export and
    on every page; its themes and tags as keywords."""
    titles = {t.id: t.title for t in library.themes}
    keys = citation_keys(library.papers.values(), recall)
    keywords = {
        p.id: [*(titles[t] for t in library.membership.get(p.id, [])), *dict.fromkeys(p.tags)]
        for p in library.papers.values()
    }
    return {c.paper.id: c for c in citations(library.papers.values(), keys, keywords)}
