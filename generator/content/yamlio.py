"""Strict YAML in, readable YAML out.

Records are built from parser events, without PyYAML's constructor: every plain
scalar stays the string it was written as (YAML 1.1 would turn `NO` into False and
`0704.0010` into a float), but for YAML's null (`null`, `~`), which is empty; anchors,
aliases, explicit tags and duplicate keys are rejected, and the line of every key and
item is kept for error messages.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any

import yaml

from generator.errors import quote

Lines = dict[tuple[Any, ...], int]
"""Path of a value inside a document, e.g. `("listings", 0, "date")` -> 1-based line."""

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
}


class YamlSyntaxError(ValueError):
    """The text is not YAML this project accepts; `line` is 1-based (0 if unknown)."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.line = line


# libyaml's parser when PyYAML was built with it (about 15 times faster; its error
# messages are libyaml's, e.g. "did not find expected ',' or ']'"); events, not
# PyYAML's constructor, become values, so both parsers give the same strict result.
_Parser = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def loads(text: str) -> tuple[Any, Lines]:
    """Parse one YAML document into plain dicts, lists and strings, with their lines."""
    lines: Lines = {}
    try:
        events = yaml.parse(text, Loader=_Parser)
        next(events)  # StreamStart
        event = next(events)
        if isinstance(event, yaml.StreamEndEvent):
            return None, lines
        value = _value(events, next(events), (), lines)
        next(events)  # DocumentEnd
        event = next(events)
        if not isinstance(event, yaml.StreamEndEvent):
            line = event.start_mark.line + 1 if event.start_mark else 0
            raise YamlSyntaxError("a record is one YAML document; found a second one", line)
    except yaml.MarkedYAMLError as exc:
        # An unclosed `[`, `{` or quote is found where the text ends or the next line
        # begins; the mistake is where it was opened.
        opened = exc.context and ("flow" in exc.context or "quoted" in exc.context)
        mark = (exc.context_mark if opened else None) or exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        problem = exc.problem or str(exc)
        odd = ""
        for where in (m for m in (mark, exc.context_mark) if m):  # or the key it was reading
            odd = _odd_indent(text, where)
            if odd:
                line = where.line + 1
                break
        if odd == "\t":
            problem = "a tab in the indent: YAML indents with spaces, never tabs"
        elif odd:  # pasted from a web page or a word processor, it looks like a space
            name = unicodedata.name(odd, "space").lower()
            problem = f"a {name} (U+{ord(odd):04X}) in the indent: YAML indents with plain spaces"
        raise YamlSyntaxError(f"YAML syntax error: {problem}", line) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(f"YAML error: {exc}") from None
    return value, lines


def _odd_indent(text: str, mark: yaml.Mark) -> str:
    """The first character of the error's line's indent that is not a space (a tab, a
    no-break space), if the error is in that indent; '' otherwise."""
    line = "".join(text.splitlines()[mark.line : mark.line + 1])
    indent = line[: len(line) - len(line.lstrip())]
    odd = indent.replace(" ", "")[:1]
    return odd if mark.column <= len(indent) else ""


def top_list(data: Any, key: str) -> Any:
    """The value under `key` of a file whose top level is a mapping; `key:` with nothing
    under it, as a new list's file begins, is an empty list; None without the key."""
    return data.get(key) or [] if isinstance(data, dict) and key in data else None


_NULL = frozenset({"null", "Null", "NULL", "~"})

MAX_DEPTH = 20
"""How deeply values may nest; records need 3 levels, and a reader recursing on a
thousand would overflow the stack."""


def _value(events: Iterator[Any], event: Any, path: tuple[Any, ...], lines: Lines) -> Any:
    line = event.start_mark.line + 1
    if len(path) > MAX_DEPTH:
        raise YamlSyntaxError(f"values nest more than {MAX_DEPTH} levels deep", line)
    lines.setdefault(path, line)
    if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
        raise YamlSyntaxError("anchors and aliases (&name, *name) are not allowed", line)
    tag = getattr(event, "tag", None)
    if tag not in (None, "!") and tag not in _PLAIN_TAGS:
        raise YamlSyntaxError(f"tag {quote(tag)} is not allowed; write a plain value", line)
    if isinstance(event, yaml.ScalarEvent):
        # YAML's own "no value", as tools that write YAML say it: an empty field.
        return "" if event.implicit[0] and event.value in _NULL else event.value
    if isinstance(event, yaml.SequenceStartEvent):
        items: list[Any] = []
        for event in events:
            if isinstance(event, yaml.SequenceEndEvent):
                return items
            items.append(_value(events, event, (*path, len(items)), lines))
    if isinstance(event, yaml.MappingStartEvent):
        return _mapping(events, path, lines)
    raise YamlSyntaxError(f"unexpected {type(event).__name__}", line)


def _mapping(events: Iterator[Any], path: tuple[Any, ...], lines: Lines) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key_event in events:
        if isinstance(key_event, yaml.MappingEndEvent):
            return result
        key_line = key_event.start_mark.line + 1
        if isinstance(key_event, yaml.AliasEvent) or getattr(key_event, "anchor", None):
            raise YamlSyntaxError("anchors and aliases (&name, *name) are not allowed", key_line)
        plain = (None, "!", *_PLAIN_TAGS)
        if not isinstance(key_event, yaml.ScalarEvent) or key_event.tag not in plain:
            raise YamlSyntaxError("mapping keys must be plain strings", key_line)
        key = key_event.value
        if key in result:
            raise YamlSyntaxError(
                f"duplicate key {quote(key)} (first on line {lines[(*path, key)]})", key_line
            )
        lines[(*path, key)] = key_line
        result[key] = _value(events, next(events), (*path, key), lines)
    return result


_YAML11_BREAKS = "\x85\u2028\u2029"


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Writes long prose as folded blocks and multi-line text as literal blocks.

    libyaml's emitter when PyYAML has it, like the parser: the same bytes (the tests
    compare the two on every built-in record), 14 times faster, which is most of what
    writing 10,000 records took."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = None
    if any(c in value for c in _YAML11_BREAKS):
        # Written raw, a reader folds these into spaces; double quotes escape them.
        style = '"'
    elif "\n" in value:
        style = "|"
    elif len(value) > 80 and " " in value:
        style = ">"
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def dumps(data: dict[str, Any]) -> str:
    """Dump a mapping in the given key order; YAML 1.1 look-alikes come out quoted."""
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=88,
        default_flow_style=False,
    )
