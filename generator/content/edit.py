"""Change a record file in place, touching only the lines a change needs.

A curator's comments, blank lines, key order and quoting stay byte for byte: a new
listing or alias is inserted after the last item of its block list, an empty field
gets its value where it is (or a new key at the end of the file), and only the lines
of a field that really changes are written anew, each comment on them kept (`_keeping`).
The result is parsed back and must hold exactly the intended record; a layout this
module cannot edit in place (a flow mapping, say) is written whole instead, and the
caller is told.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from typing import Any

import yaml

from generator.content.model import Paper
from generator.content.schema import to_dict
from generator.content.yamlio import dumps, loads

_Node = Any
"""A PyYAML node (composed, never constructed: no tag or anchor is acted on)."""


def read_styled(raw: bytes) -> tuple[str, Callable[[str], str]]:
    """A file's text as the writers edit it (no byte-order mark, lines ended by "\n"),
    and what writes an edited text back in the file's own way: its byte-order mark
    kept, and CRLF if every line ended so. The lines a person wrote keep their bytes,
    and the new lines match them (Windows' Notepad writes both)."""
    mark = "\ufeff" if raw.startswith(b"\xef\xbb\xbf") else ""
    text = raw.decode("utf-8-sig")
    crlf = 0 < text.count("\n") == text.count("\r\n")
    if not crlf:
        return text, lambda edited: mark + edited
    return text.replace("\r\n", "\n"), lambda edited: mark + edited.replace("\n", "\r\n")


def edited_record(text: str, after: Paper) -> tuple[str, bool]:
    """`text` changed so that it holds `after`; and True if it was edited in place
    (False: it had to be written whole, its comments and layout lost)."""
    record = to_dict(after)
    try:
        edited = _edited(text, record)
        if edited is not None and _without_empty(loads(edited)[0]) == _as_text(record):
            return edited, True
    except (yaml.YAMLError, ValueError):
        pass
    return dumps(record), False


def _edited(text: str, record: dict[str, Any]) -> str | None:
    root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if not isinstance(root, yaml.MappingNode) or root.flow_style:
        return None
    current, _ = loads(text)
    target = _as_text(record)
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    nodes = {key.value: (key, value) for key, value in root.value}
    edits: list[tuple[int, int, list[str]]] = []
    appended: list[str] = []
    held = _without_empty(current)
    for name in [*current, *(k for k in target if k not in current)]:
        old, new = held.get(name), target.get(name)
        if old == new:
            continue  # an empty field may stay, as a placeholder (`links: {code: }` too)
        if name not in nodes:
            appended += _lines(dumps({name: record[name]}))
            continue
        key, value = nodes[name]
        end = _last_line(value, lines)
        if new is None:
            edits.append((key.start_mark.line, end, []))
        elif _extends(old, new) and _is_block_list(value):
            edits.append((end + 1, end, _items(record[name][len(old) :], value, lines)))
        else:
            edits.append((key.start_mark.line, end, _lines(dumps({name: record[name]}))))
    found = comments(text) if edits else {}
    # Bottom-up, so that the line numbers of the edits still to make stay right.
    for start, end, replacement in sorted(edits, reverse=True):
        lines[start : end + 1] = _keeping(replacement, start, end, found)
    return "".join(lines + appended)


def comments(text: str) -> dict[int, str]:
    """0-based line -> the comment that ends it: what lies between the YAML scanner's
    tokens from a `#` on (a `#` inside a value is in a token)."""
    starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
    found, index = {}, 0
    for token in yaml.scan(text, Loader=yaml.SafeLoader):
        for match in re.finditer(r"#[^\n]*", text[index : token.start_mark.index]):
            line = bisect.bisect_right(starts, index + match.start()) - 1
            found[line] = match.group()
        index = max(index, token.end_mark.index)
    return found


def _keeping(replacement: list[str], start: int, end: int, comments: dict[int, str]) -> list[str]:
    """The lines that replace lines `start`..`end`, with the comments a person wrote on
    those: the key line's stays at its end where the value's first line can end so (not
    inside a plain value folded over lines), the others go on lines of their own above."""
    mine = [line for line in range(start, end + 1) if line in comments]
    if not mine:
        return replacement
    first = replacement[0].rstrip() if replacement else ""
    trailing = start in comments and (len(replacement) == 1 or first.endswith(_HEADERS))
    above = [f"{comments[line]}\n" for line in mine if line != start or not trailing]
    if trailing:
        replacement = [f"{first}  {comments[start]}\n", *replacement[1:]]
    return above + replacement


_HEADERS = (":", "|", ">", "|-", ">-", "|+", ">+")
"""How a first line ends whose value goes on below: a comment may follow it."""


def _without_empty(data: Any) -> Any:
    """What the loader keeps of a record's fields: none left empty, and none of a
    mapping's (`links: {code: }`)."""
    if not isinstance(data, dict):
        return data
    kept = {k: _without_empty(v) for k, v in data.items()}
    return {k: v for k, v in kept.items() if v not in ("", [], {})}


def _as_text(value: Any) -> Any:
    """A value as the strict loader reads it back: every scalar a string."""
    if isinstance(value, dict):
        return {k: _as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_text(v) for v in value]
    return str(value)


def _extends(old: Any, new: Any) -> bool:
    return isinstance(old, list) and isinstance(new, list) and new[: len(old)] == old != new


def _is_block_list(node: _Node) -> bool:
    return isinstance(node, yaml.SequenceNode) and not node.flow_style and bool(node.value)


def _items(items: list[Any], node: _Node, lines: list[str]) -> list[str]:
    """New items for a block list, indented as its first item is."""
    first = node.value[0].start_mark
    dash = lines[first.line][: first.column].rstrip().rfind("-")
    return [" " * dash + line for line in _lines(dumps({"x": items}))[1:]]


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _last_line(node: _Node, lines: list[str]) -> int:
    """The 0-based line where a value's own text ends (not the blank lines and
    comments that PyYAML's end mark runs on over)."""
    while isinstance(node, yaml.SequenceNode | yaml.MappingNode) and not node.flow_style:
        last = node.value[-1]
        node = last[1] if isinstance(node, yaml.MappingNode) else last
    end = node.end_mark
    line = end.line
    if end.column == 0 and line > node.start_mark.line:
        line -= 1
        while line > node.start_mark.line and not lines[line].strip():
            line -= 1
    return line
