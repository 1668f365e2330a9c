"""Awesome lists: papers as a Markdown list, an item each, as curated lists on GitHub
write them, saved as a `.txt` listing.

    ## Speculative decoding
    - [Fast Inference via Speculative Decoding](https://arxiv.org/abs/2211.17192) - Leviathan
    - **Medusa** [[paper](https://arxiv.org/abs/2401.10774)] [[code](https://github.com/…)]
    - Efficient Memory Management for LLM Serving. [[pdf](https://arxiv.org/pdf/2309.06180)]

An item's title is the text of the link it opens with, or its bold text, or else its
text up to its first link. An arXiv address among its links gives the paper's id (and
the year, as arXiv's own listings do), a repository its code link, another address its
project link. An item that is a link alone under a paper's (`- [code](https://…)`) is
that paper's. An item that opens with a link to no web page (a table of contents,
`- [Quantization](#quantization)`), or that has neither a link nor a bold title (a
list of rules), is no paper; nor are headings, paragraphs and badges.

A list written as a table has a paper a row, but for its header:

    |Date|Title|Paper|Code|
    |:---:|:---:|:---:|:---:|
    |2023.09|🔥[vLLM] Efficient Memory Management for LLM Serving(@Berkeley)|[[pdf]](…)|[[code]](…)|

Its title is the first cell's, or part of a cell's between line breaks, that gives one
as an item would, or is text of two words or more; its links are the row's, less its
images and badges. Such a list gives no abstracts and no dates: one warning says so.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from generator.content.identifiers import arxiv_year, web_addresses
from generator.content.titles import unmarked
from generator.errors import Problem, SourceError
from generator.ingest.parse import Entry, ParsedSource, arxiv_of, extract_links

_ITEM = re.compile(r"[ \t]{0,12}(?:[-*+]|\d{1,4}[.)])[ \t]+(\S.*)")
_LINK = re.compile(r"\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*<?([^\s()<>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
"""`[text](address)`, or `[text](<address> "title")`; its text may hold one pair of
brackets (`[[pdf]](…)`), and in `[[paper](…)]` it is `paper`."""
_LABEL_LINK = re.compile(rf"\[?{_LINK.pattern}\]?[\s|·,:–—-]*")
"""A link at the start of an item, with what parts it from the next: `[[pdf]](…) `,
`[[code](…)] | `."""
_BOLD = re.compile(r"(\*\*|__)(.+?)\1")
_WEB = re.compile(r"https?://\S+")
_LABELS = frozenset([
    "paper", "pdf", "arxiv", "code", "github", "project", "project page", "page", "website",
    "blog", "video", "slides", "demo", "poster", "openreview", "model", "models", "dataset",
    "data", "hugging face", "huggingface", "hf", "doi", "link", "abs", "html", "official",
])  # fmt: skip
"""The text of a link that names what it leads to, not a paper (compared case-folded,
without brackets)."""
_TRAILING = " \t.,;:|-–—(*_`\"'"
_BEFORE = re.compile(r"(?:[^\w\[*_`\"'“‘(:]+|:[a-z0-9_+-]{1,40}:|`?\[[^\[\]]*\]`?(?!\())*\s*")
"""What a list puts before a title: marks (`🔥`, `:star:`) and tags (`[NeurIPS 2023]`,
`` `[arXiv]` ``), as long as a tag is no link's text."""
_ROW = re.compile(r"[ \t]{0,3}\|.*")
_RULE = re.compile(r"[ \t|:-]*--[ \t|:-]*")
"""The line under a table's header: `|:---:|---|`."""
_IMAGE = re.compile(
    r"\[!\[[^\[\]]*\]\([^()\s]*\)\]\([^()\s]*\)|!\[[^\[\]]*\]\([^()\s]*\)|<img\b[^<>]{0,2000}>"
)
"""An image, linked or not (a badge: `[![Stars](https://img.shields.io/…)](…)`)."""
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
"""`Title <br> NeurIPS 2023`: a line break in an item ends its title."""
_TAG = re.compile(r"</?[A-Za-z][^<>]{0,200}>")
_AFFILIATION = re.compile(r"\s*\(@[^()]{0,80}\)$")
"""`Title(@UC Berkeley)`, as some lists name a paper's lab after its title."""
WARN = "warning"
MARKDOWN_HINT = "; to ingest an awesome list, save its Markdown as a .txt file"
"""Said of a `.md` file: `content/sources/` may hold one as notes, which nothing reads."""


def from_markdown(text: str) -> bool:
    """Whether a `.txt` listing is an awesome list: two list items or table rows or more
    that hold a Markdown link to a web page. (A `.md` file is not read:
    `content/sources/` may hold notes on the listings, `README.md` among them.)"""
    found = 0
    for line in text.split("\n"):
        item = (_ITEM.fullmatch(line) or _ROW.fullmatch(line)) if len(line) < 5_000 else None
        found += bool(item and any(_WEB.match(link) for _, link in _LINK.findall(line)))
        if found >= 2:
            return True
    return False


def parse_markdown(path: Path, text: str, warnings: list[Problem]) -> ParsedSource:
    """The papers of an awesome list (`from_markdown`), in order."""
    papers: list[tuple[int, str, list[str]]] = []  # line, title, web links
    left_out: list[int] = []
    for number, item, row in _items(text):
        item = _IMAGE.sub(" ", item) if row else item
        title, web = _row_title(item) if row else _title(item), _web_links(item)
        if title is None or (not title and not web):
            left_out.append(number)
        elif not title:  # a link under a paper is its own
            if papers:
                papers[-1][2].extend(web)
        else:
            papers.append((number, title, web))
    if not papers:
        raise SourceError(
            path, "no papers found in this Markdown list: expected items such as "
            "'- [A Paper's Title](https://arxiv.org/abs/…)'"
        )  # fmt: skip
    message = (
        f"a Markdown list gives no abstracts and no dates: its {len(papers)} papers come "
        "without them; 'readinglist enrich' fills in what arXiv knows"
    )
    warnings.append(Problem(str(path), papers[0][0], message, WARN))
    if left_out:
        message = (
            f"{len(left_out)} list item(s) name no paper (no link to a web page, no bold "
            "title) and were left out"
        )
        warnings.append(Problem(str(path), left_out[0], message, WARN))
    entries = [_entry(n, *paper) for n, paper in enumerate(papers, start=1)]
    return ParsedSource(path, entries, warnings, label="Awesome list")


def _web_links(item: str) -> list[str]:
    """The web addresses an item links to: its Markdown links', then its bare ones."""
    links = [link for _, link in _LINK.findall(item) if _WEB.match(link)]
    return links + web_addresses(_LINK.sub(" ", item))


def _items(text: str) -> list[tuple[int, str, bool]]:
    """Each list item's line number and text, with the indented lines that continue it
    (`- Title`, then `  NeurIPS 2024 [[Paper]](…)`) after a line break (`<br>`); and
    each table row's but its header's, marked as a row."""
    items: list[tuple[int, str, bool]] = []
    within = False  # the lines since the last item are all blank or indented
    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):
        item = _ITEM.fullmatch(line)
        if _ROW.fullmatch(line):
            header = number < len(lines) and _RULE.fullmatch(lines[number])
            if not (header or _RULE.fullmatch(line)):
                items.append((number, line, True))
            within = False
        elif item:
            items.append((number, item[1], False))
            within = True
        elif within and line[:1] in (" ", "\t") and line.strip():
            items[-1] = (items[-1][0], f"{items[-1][1]} <br> {line.strip()}", False)
        elif line.strip():
            within = False
    return items


def _row_title(row: str) -> str | None:
    """The title of a table's row: of its first cell, or part of a cell between line
    breaks, that gives one as an item would, or that is text of two words or more."""
    for part in (p for cell in row.split("|") for p in _BREAK.split(cell)):
        title = _title(part)
        if title is None and len(_BEFORE.sub("", part, count=1).split()) >= 2:
            title = _clean(part)
        if title:
            return title
    return None


def _title(item: str) -> str | None:
    """The title of a list item, '' for none (links alone, such as `[code](…)`), or None
    when the item opens with a link to no web page (a table of contents) or has neither
    a link nor a bold title. Links named for what they lead to (`[[pdf]](…)`) may come
    first: the title is what follows them."""
    item = _BEFORE.sub("", item, count=1)
    start = 0
    while (link := _LABEL_LINK.match(item, start)) and link[1].strip("[] ").casefold() in _LABELS:
        start = link.end()
    item, labelled = item[start:], start > 0
    link, bold = _LINK.match(item), _BOLD.match(item)
    if link:
        title = link[1] if _WEB.match(link[2]) else None
    elif bold:
        title = bold[2]
    else:
        first = _LINK.search(item) or _WEB.search(item)
        title = item[: first.start()].rstrip("[") if first else item if labelled else None
    return None if title is None else _clean(title)


def _clean(title: str) -> str:
    """A title as written in Markdown, as text: to its first line break, without HTML
    tags, emphasis, marks or tags before it and a lab after it, its entities read."""
    title = html.unescape(_TAG.sub("", _BREAK.split(title, 1)[0]))  # HTML is text, inert
    title = _BEFORE.sub("", title.replace("**", "").replace("`", ""), count=1)
    return unmarked(_AFFILIATION.sub("", title.strip(_TRAILING)).strip(_TRAILING))


def _entry(position: int, line: int, title: str, web: list[str]) -> Entry:
    """A paper of the list, with its id from the first arXiv address among its links,
    and the rest as code and project links (`extract_links`)."""
    arxiv = next(filter(None, map(arxiv_of, web)), "")
    others = " ".join(link for link in web if not arxiv_of(link))
    return Entry(
        title=title,
        abstract="",
        date="",
        position=position,
        line=line,
        links=extract_links(others),
        arxiv=arxiv,
        year=arxiv_year(arxiv),
    )
