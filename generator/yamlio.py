"""Strict YAML in, readable YAML out.

Records are loaded without PyYAML's constructor: every plain scalar stays the string
it was written as (YAML 1.1 would turn `NO` into False and `0704.0010` into a float),
anchors, aliases, explicit tags and duplicate keys are rejected, and the line of
every key and item is kept for error messages.
"""

from __future__ import annotations

from typing import Any

import yaml

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


class _Loader(yaml.SafeLoader):
    """Resolves every plain scalar to a string and refuses anchors and aliases."""

    # No implicit resolvers: every plain scalar is a string.
    yaml_implicit_resolvers = {}  # noqa: RUF012

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise YamlSyntaxError(
                "anchors and aliases (&name, *name) are not allowed",
                event.start_mark.line + 1,
            )
        return super().compose_node(parent, index)


def loads(text: str) -> tuple[Any, Lines]:
    """Parse one YAML document into plain dicts, lists and strings, with their lines."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        raise YamlSyntaxError(f"YAML syntax error: {exc.problem or exc}", line) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(f"YAML error: {exc}") from None
    lines: Lines = {}
    if node is None:
        return None, lines
    return _value(node, (), lines), lines


def _value(node: yaml.Node, path: tuple[Any, ...], lines: Lines) -> Any:
    line = node.start_mark.line + 1
    lines.setdefault(path, line)
    if node.tag not in _PLAIN_TAGS:
        raise YamlSyntaxError(f"tag {node.tag!r} is not allowed; write a plain value", line)
    if isinstance(node, yaml.ScalarNode):
        return node.value
    if isinstance(node, yaml.SequenceNode):
        return [_value(item, (*path, i), lines) for i, item in enumerate(node.value)]
    assert isinstance(node, yaml.MappingNode)
    return _mapping(node, path, lines)


def _mapping(node: yaml.MappingNode, path: tuple[Any, ...], lines: Lines) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key_line = key_node.start_mark.line + 1
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _PLAIN_TAGS:
            raise YamlSyntaxError("mapping keys must be plain strings", key_line)
        key = key_node.value
        if key in result:
            raise YamlSyntaxError(
                f"duplicate key {key!r} (first on line {lines[(*path, key)]})", key_line
            )
        lines[(*path, key)] = key_line
        result[key] = _value(value_node, (*path, key), lines)
    return result


_YAML11_BREAKS = "\x85\u2028\u2029"


class _Dumper(yaml.SafeDumper):
    """Writes long prose as folded blocks and multi-line text as literal blocks."""


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
