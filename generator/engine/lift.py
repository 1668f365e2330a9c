"""MkDocs hook: the generated pages' raw HTML blocks skip Python-Markdown's HTML parser.

Most of a generated page is raw HTML blocks (every value escaped: `site.markup`), which
Python-Markdown passes through unchanged, as Markdown says it must. Finding where each
block ends, it and MkDocs each parse them with `html.parser`: 40 % of MkDocs' time at
10,000 papers. Before conversion (`on_page_markdown`) each block that is a whole
top-level chunk, one element from its first character to its last, is set aside and a
placeholder paragraph left; after it (`on_page_content`) the block takes the
placeholder's place as Python-Markdown would have put it. The HTML is byte-identical to
a build without this hook (`mkdocs build -f build/mkdocs.yml`), as a test shows.

A chunk is lifted only when nothing about it is in doubt: it starts with one of the
block tags the generator writes and closes that element at its very end, and holds
nothing Python-Markdown would normalise first (tabs, carriage returns, lines of
spaces). The rest is left to Python-Markdown. Ids inside a lifted block are not seen
by MkDocs' anchor check; the generator links to no such id.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from mkdocs.exceptions import PluginError

BLOCK_TAGS = ("div", "ul", "ol", "pre", "figure", "table", "h1", "p", "nav", "section")
_START = re.compile(r"<(" + "|".join(BLOCK_TAGS) + r")[\s>]")
_CHUNKS = re.compile(r"\n{2,}")
_NORMALISED = re.compile(r"[\t\r\x02\x03]|\n *\n")
"""What Python-Markdown changes in its source first: tabs, line ends, its own
placeholder marks, lines of spaces."""
_lifted: dict[str, dict[str, str]] = {}
"""Page source path -> placeholder token -> block, between the two events."""


def _whole_element(chunk: str) -> bool:
    """True when `chunk` is one element of a block tag, closed at its last character."""
    start = _START.match(chunk)
    if not start or _NORMALISED.search(chunk):
        return False
    tag = start.group(1)
    if not chunk.endswith(f"</{tag}>"):
        return False
    depth = 0
    for found in re.finditer(rf"<(/?){tag}[\s>]", chunk):
        depth += -1 if found.group(1) else 1
        if depth == 0:
            return found.end() == len(chunk)
    return False


def on_page_markdown(markdown: str, page: Any, **_: Any) -> str:
    nonce = secrets.token_hex(8)
    blocks: dict[str, str] = {}
    body = markdown.rstrip("\n")
    chunks = _CHUNKS.split(body)
    separators = [*_CHUNKS.findall(body), markdown[len(body) :]]
    for i, chunk in enumerate(chunks):
        if _whole_element(chunk):
            token = f"rlblock{nonce}n{len(blocks)}"
            blocks[token] = chunk
            chunks[i] = token
    if not blocks:
        return markdown
    _lifted[page.file.src_uri] = blocks
    return "".join(c + s for c, s in zip(chunks, separators, strict=True))


def on_page_content(html: str, page: Any, **_: Any) -> str:
    blocks = _lifted.pop(page.file.src_uri, None)
    if not blocks:
        return html
    for token, block in blocks.items():
        if f"<p>{token}</p>" in html:  # a paragraph of its own, as planned
            html = html.replace(f"<p>{token}</p>", block + "\n", 1)
        elif token in html:  # inside a block Python-Markdown passed through: as it was
            html = html.replace(token, block, 1)
        else:  # an extension changed it: better no site than one with a block missing
            raise PluginError(f"{page.file.src_uri}: a raw HTML block could not be put back")
    return html.rstrip("\n")  # Python-Markdown strips what it returns
