"""Turn content strings into inert text for every context a page puts them in.

- Markdown (headings, short lines): every character Markdown or HTML could act on
  becomes a numeric character reference, so `<projektor>`, `*`, `|` and `[` show as
  themselves and no pathological input can make Python-Markdown backtrack.
- Raw HTML blocks (page bodies): HTML escaping (`html_*`).
- Curator's notes: Markdown with raw HTML escaped, then an allow-list sanitiser.
- XML exports: without the characters XML forbids.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlsplit

import markdown
import nh3
from markupsafe import Markup, escape

_SPECIAL = "&<>\"'\\`*_[]{}()#+!|~^=:$%@"
_TABLE = {ord(c): f"&#{ord(c)};" for c in _SPECIAL}
# Characters that may reorder text are written as references; the loader has closed any
# that a text leaves open (`controls.closing_marks`), so they cannot leak outside it.
_TABLE.update(
    {ord(c): f"&#x{ord(c):x};" for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"}
)


# A full stop that ends a sentence: not after "et al", "e.g", "i.e", "etc" or "vs".
_SENTENCE_END = re.compile(
    r"(?<!\bal)(?<!\be\.g)(?<!\bi\.e)(?<!\betc)(?<!\bvs)(?<!\bFig)[.!?](?=\s+[A-Z0-9(])"
)


def inline(text: str) -> Markup:
    """One line of inert text: whitespace collapsed, the first character always escaped.

    >>> str(inline("<b>*x*</b>"))
    '&#60;b&#62;&#42;x&#42;&#60;/b&#62;'
    """
    text = " ".join(text.split())
    if not text:
        return Markup("")
    head = text[0]
    escaped = head.translate(_TABLE)
    if escaped == head and not head.isalnum():
        # A leading "-", "1." or "#" would start a list or heading.
        escaped = f"&#{ord(head)};"
    return Markup(escaped + text[1:].translate(_TABLE))


_BIDI = {k: v for k, v in _TABLE.items() if k > 0x2000}


def html_text(text: str) -> Markup:
    """One line of text for a raw HTML block: escaped, whitespace collapsed.

    Big pages are written as raw HTML, which Python-Markdown passes through without
    running its inline patterns over every character reference.
    """
    return Markup(str(escape(" ".join(text.split()))).translate(_BIDI))


def html_block(text: str) -> Markup:
    """Preformatted text for a raw HTML block: escaped, its lines kept, and no blank
    line (which would end the block)."""
    lines = [line.rstrip() for line in text.replace("\r", "").split("\n")]
    return Markup(str(escape("\n".join(line for line in lines if line))).translate(_BIDI))


def html_paragraphs(text: str) -> Markup:
    """Multi-line text as `<p>` elements; blank lines separate paragraphs."""
    blocks = [b for b in text.replace("\r", "").split("\n\n") if b.strip()]
    return Markup("".join(f"<p>{html_text(b)}</p>" for b in blocks))


def html_link(label: str, url: str) -> Markup:
    """An `<a>` to an external http(s) URL; plain text if the URL is not one."""
    target = safe_url(url)
    if target is None:
        return html_text(label)
    return Markup(f'<a href="{escape(target)}">{html_text(label)}</a>')


def paragraphs(text: str) -> Markup:
    """Multi-line inert text: blank lines separate paragraphs, other breaks are spaces."""
    blocks = [" ".join(b.split()) for b in text.replace("\r", "").split("\n\n")]
    return Markup("\n\n".join(str(inline(b)) for b in blocks if b))


def first_sentence(text: str, limit: int = 240) -> str:
    """The abstract's opening sentence, cut at a word boundary when very long.

    >>> first_sentence("Recently, Ainsworth et al. showed it. Then more.")
    'Recently, Ainsworth et al. showed it.'
    """
    text = " ".join(text.split())
    match = _SENTENCE_END.search(text, 20)
    if match and match.end() <= limit:
        return text[: match.end()]
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "\u2026"


def safe_url(url: str) -> str | None:
    """An http(s) URL made safe for a Markdown link target, or None if it is not one."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return None
    return quote(url.strip(), safe=":/?#@!$&+,;=%~-._*")


def link(label: str, url: str) -> Markup:
    """A Markdown link to an external http(s) URL; plain text if the URL is not one."""
    target = safe_url(url)
    if target is None:
        return inline(label)
    return Markup(f"[{inline(label)}]({target})")


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_chars(text: str) -> str:
    """`text` without the characters XML 1.0 forbids (C0 controls, lone surrogates)."""
    return _NOT_XML.sub("", text)


_CODE = re.compile(r"<code[^>]*>.*?</code>", re.DOTALL)
_HEADING = re.compile(r"<(/?)h([1-6])>")
_DEAD_LINK = re.compile(r"<a(?![^>]*\shref=)[^>]*>(.*?)</a>", re.DOTALL)
_IMAGE = re.compile(r"<img\b([^>]*)>")
_ATTRIBUTE = re.compile(r'(\w+)="([^"]*)"')


def _image_link(image: re.Match[str]) -> str:
    """Markdown's `<img>` as a link to the image, named by its alt text (or address):
    a page loads nothing from another host, and the sanitiser would drop the `<img>`
    and its words with it."""
    found = dict(_ATTRIBUTE.findall(image[1]))
    title = f' title="{found["title"]}"' if "title" in found else ""
    text = found.get("alt") or found.get("src", "")
    return f'<a href="{found.get("src", "")}"{title}>{text}</a>'


NOTES_TAGS = {"p", "em", "strong", "code", "pre", "ul", "ol", "li", "blockquote", "a", "br"}
NOTES_TAGS |= {"h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td"}


_AUTOLINK = re.compile(r"&lt;(https?://[^\s<>]+)>")


def _inert(text: str) -> str:
    """Text in which no HTML can begin: `<` and `&` escaped. Quotes and `>` stay, for
    Markdown's link titles and quotes, and so does the `<` of a Markdown autolink
    (`<https://…>`); only a tag or an entity could make markup."""
    return _AUTOLINK.sub(r"<\1>", text.replace("&", "&amp;").replace("<", "&lt;"))


def notes_html(text: str, to_paper: Callable[[str], str | None] = lambda _: None) -> Markup:
    """Curator's notes: Markdown for formatting, raw HTML shown as text, then sanitised.

    Escaping first makes `<b>` in a note read as "<b>"; the allow-list sanitiser (nh3)
    then removes anything Markdown itself could produce that is not plain formatting,
    such as a `javascript:` link written in Markdown syntax. A link keeps an http(s)
    address, or one that `to_paper` makes of a paper's id (`[see](flash-attention)`);
    any other, which would lead nowhere on the web or from disk, is left as its text.
    """

    def address(tag: str, name: str, value: str) -> str | None:
        if name != "href" or value.startswith(("http://", "https://")):
            return value
        return to_paper(value)

    html = markdown.markdown(
        _inert(xml_chars(text)), extensions=["fenced_code", "tables"], output_format="html"
    )
    # Markdown escapes code once more: `&` became `&amp;` above, then `&amp;amp;` there.
    html = _CODE.sub(lambda code: code[0].replace("&amp;", "&"), html)
    html = _IMAGE.sub(_image_link, html)  # only Markdown made tags: code shows `&lt;img`
    # The note's headings go under the page's "Notes" (h2): its highest becomes h3.
    top = min((int(level) for _, level in _HEADING.findall(html)), default=3)
    html = _HEADING.sub(lambda h: f"<{h[1]}h{min(int(h[2]) - top + 3, 6)}>", html)
    clean = nh3.clean(
        html,
        tags=NOTES_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https"},
        link_rel="nofollow noopener noreferrer",
        attribute_filter=address,
    )
    clean = _DEAD_LINK.sub(r"\1", clean)  # a link left without an address is its text
    # A blank line would end MkDocs' raw HTML block; and `{` etc. stay text either way.
    # In code a blank line is part of the text: a line of one space keeps it.
    clean = _CODE.sub(lambda code: re.sub("\n(?=\n)", "\n ", code[0]), clean)
    body = "\n".join(line for line in clean.splitlines() if line.strip() or line)
    return Markup(f'<div class="rl-notes">\n{body}\n</div>')


def script_call(function: str, *args: object) -> str:
    """`function(args);` as a script that hands data to the site's JavaScript. JSON in
    plain ASCII with `<` escaped is inert: it cannot end the script or become markup."""
    text = ",".join(json.dumps(a, ensure_ascii=True, separators=(",", ":")) for a in args)
    return f"{function}({text});\n".replace("<", "\\u003c")


_PAIR = re.compile(r"\\u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})")


def yaml_json(value: Any) -> str:
    """`value` as JSON that YAML reads back the same. JSON writes a character outside
    the Basic Multilingual Plane (an emoji) as a pair of surrogates, which YAML reads
    as two broken characters: each pair becomes YAML's own `\\U0001F600`."""

    def joined(pair: re.Match[str]) -> str:
        high, low = int(pair.group(1), 16), int(pair.group(2), 16)
        return f"\\U{0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00):08X}"

    return _PAIR.sub(joined, json.dumps(value))


def meta(title: str, edit: str = "", description: str = "", **more: Any) -> Markup:
    """A page's front matter (between the template's `---` lines): its title as escaped
    HTML (MkDocs' themes print titles as they are), its edit link, if any, the first
    sentence of `description` for search engines and link previews (escaped too), and
    what else `overrides/main.html` puts in the page's head (`feed`, `citation`), as
    JSON, which YAML reads as it is."""
    lines = [f"title: {_yaml_string(str(escape(title)))}"]
    if edit:
        lines.append(f"edit_url: {_yaml_string(edit)}")
    if description.strip():
        lines.append(f"description: {_yaml_string(str(escape(first_sentence(description))))}")
    lines += [f"{key}: {yaml_json(value)}" for key, value in more.items() if value]
    return Markup("\n".join(lines))


def _yaml_string(text: str) -> str:
    """A double-quoted YAML scalar (JSON's escapes are YAML's)."""
    return json.dumps(text, ensure_ascii=False)
