"""Carry generated HTML past Python-Markdown instead of through it.

Page bodies are HTML the generator built and escaped itself. Left in the Markdown,
Python-Markdown parses all of it with its HTML parser just to find where each block
ends (a fifth of the build at 10,000 papers). Templates mark such blocks; the hook
lifts each out before Markdown runs, leaving a token paragraph, and puts it back
into the HTML afterwards. Content cannot forge a marker (`<` is always escaped in
generated HTML) or a token (it carries a random per-process nonce).
"""

from __future__ import annotations

import re
import secrets

from mkdocs.structure.toc import AnchorLink, TableOfContents

OPEN = "<!-- rl:html -->"
CLOSE = "<!-- /rl:html -->"
_NONCE = secrets.token_hex(8)
_TOKEN_PREFIX = f"rlhtml{_NONCE}x"  # a token is this and the block's number
_TOKEN = re.compile(rf"<p>{_TOKEN_PREFIX}(\d+)</p>")
_TOKEN_TEXT = re.compile(rf"{_TOKEN_PREFIX}\d+")
_BLANK_LINE = re.compile(r"\n[ \t]*\n\s*")
# The section headings templates write into generated HTML (never content: `<` is escaped).
_HEADING = re.compile(r'<h([1-6]) id="([^"]+)"[^>]*>(.*?)</h\1>', re.DOTALL)
# A block whose outer element carries `data-search-exclude` (Material's own marker).
_EXCLUDED = re.compile(r"<[a-z][a-z0-9]*\b[^>]*\sdata-search-exclude[\s>]")


def lift(markdown: str) -> tuple[str, list[str]]:
    """Markdown with each marked block replaced by a token paragraph, and the blocks.

    A block runs from an `OPEN` line to the next `CLOSE` line. (Found with `str.find`:
    a lazy regular expression over each page took eight times as long.)
    """
    blocks: list[str] = []
    kept: list[str] = []
    done = 0  # markdown[:done] is in `kept` or `blocks`
    start = _line(markdown, OPEN, 0)
    while start != -1:
        body = start + len(OPEN) + 1
        end = _line(markdown, CLOSE, body + 1)  # after the newline that ends the body
        if end == -1:
            break
        kept.append(markdown[done:start])
        blocks.append(markdown[body : end - 1])
        kept.append(f"\n{_TOKEN_PREFIX}{len(blocks) - 1}\n")
        done = end + len(CLOSE)
        start = _line(markdown, OPEN, done)
    kept.append(markdown[done:])
    return "".join(kept), blocks


def _line(text: str, line: str, start: int) -> int:
    """Where the next line of `text` that is exactly `line` begins, at `start` or later."""
    at = text.find(line, start)
    while at != -1:
        end = at + len(line)
        if (at == 0 or text[at - 1] == "\n") and (end == len(text) or text[end] == "\n"):
            return at
        at = text.find(line, at + 1)
    return -1


def tokens_only(markdown: str) -> str | None:
    """The HTML Markdown makes of lifted Markdown that holds nothing but tokens, one
    paragraph each (`None` if it holds anything else), without running Markdown."""
    if not markdown.strip():
        return ""
    paragraphs = [p.strip() for p in _BLANK_LINE.split(markdown.strip())]
    if not all(_TOKEN_TEXT.fullmatch(p) for p in paragraphs):
        return None
    return "\n".join(f"<p>{p}</p>" for p in paragraphs)


def restore(html: str, blocks: list[str]) -> str:
    """Put the lifted blocks back where their tokens ended up."""
    if not blocks:
        return html
    return _TOKEN.sub(lambda m: blocks[int(m.group(1))], html)


def searchable(blocks: list[str]) -> list[str]:
    """The blocks as the search index sees them: those marked for exclusion are empty.

    Material's search plugin parses each page's HTML in Python only to drop the
    excluded parts again; handing it the page without them gives the same index for
    a fraction of the parsing.
    """
    return ["" if _EXCLUDED.match(block) else block for block in blocks]


def headings(blocks: list[str]) -> list[AnchorLink]:
    """The headings (`<hN id=...>`) of the blocks, which Markdown never saw, in order."""
    return [
        AnchorLink(title, anchor, int(level))
        for block in blocks
        for level, anchor, title in _HEADING.findall(block)
    ]


def add_headings(toc: TableOfContents, links: list[AnchorLink]) -> None:
    """Add headings to the page's TOC, nested under the `h1` as Markdown's own would be."""
    items = toc.items
    parent = items[0] if len(items) == 1 and items[0].level == 1 else None
    for link in links:
        if link.level == 1:
            items.append(link)
            parent = link
        elif parent is not None:
            parent.children.append(link)
        else:
            items.append(link)
