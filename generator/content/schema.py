"""The schema of content records, derived from the domain types' declared fields.

Each field is declared once, in `model.py`, with its description; this module turns
those declarations into validation with messages that name the field, say what was
expected and quote what was found.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from generator.content.controls import (
    CONTROL_REPLACED,
    DIRECTIONS_CLOSED,
    closing_marks,
    first_control,
    without_controls,
)
from generator.content.identifiers import (
    arxiv_problem,
    date_problem,
    doi_problem,
    normal_arxiv,
    normal_doi,
    url_problem,
    year_problem,
)
from generator.content.model import Listing, Paper, Source, Theme
from generator.content.yamlio import Lines
from generator.errors import quote

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_PLAIN_ITEMS = re.compile(r"[\w][\w .,'-]*")
ENTRY_TYPE = re.compile(
    "article|book|booklet|conference|inbook|incollection|inproceedings|manual|mastersthesis"
    "|misc|online|phdthesis|preprint|proceedings|report|techreport|thesis|unpublished"
)
"""The entry types of BibTeX and biblatex that describe a work."""
_ICON = re.compile(r"[a-z0-9-]+(?:/[a-z0-9-]+){1,2}")  # material/x, fontawesome/solid/x


@dataclass(frozen=True)
class FieldSpec:
    """One field of a record: its name, its kind, whether it is required, its doc."""

    name: str
    kind: str
    required: bool
    doc: str


@functools.cache
def fields_of(cls: type) -> dict[str, FieldSpec]:
    """The schema of a record type, from its dataclass fields, in declaration order."""
    specs = {}
    for f in dataclasses.fields(cls):
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        specs[f.name] = FieldSpec(f.name, str(f.type), required, f.metadata.get("doc", ""))
    return specs


PAPER_FIELDS = fields_of(Paper)
LISTING_FIELDS = fields_of(Listing)
THEME_FIELDS = fields_of(Theme)
SOURCE_FIELDS = fields_of(Source)


def _check_pattern(pattern: re.Pattern[str], what: str) -> Callable[[str], str | None]:
    def check(value: str) -> str | None:
        if pattern.fullmatch(value):
            return None
        return f"expected {what}, got {quote(value)}"

    return check


def _check_text(value: str) -> str | None:
    got = "only spaces" if value else "nothing"  # `label:` or `label: ~` is empty
    return None if value.strip() else f"expected some text, got {got}"


def _short_text(limit: int) -> Callable[[str], str | None]:
    """Some text, and at most `limit` characters of it."""

    def check(value: str) -> str | None:
        if len(value) > limit:
            return f"{len(value):,} characters; the limit is {limit:,}"
        return _check_text(value)

    return check


def _at_most(limit: int) -> Callable[[str], str | None]:
    def check(value: str) -> str | None:
        return f"{len(value):,} characters; the limit is {limit:,}" if len(value) > limit else None

    return check


TITLE_LIMIT = 1_000
"""Characters in a title, an author's name or a venue; the longest real ones are a few
hundred."""
ABSTRACT_LIMIT = 50_000
"""Characters in an abstract (arXiv allows 1,920): a 2 MB one made a record the loader
then refused."""

NOTES_LIMIT = 4000
NOTES_BRACKETS = 200
_DEEP_NESTING = re.compile(r"^[ \t]*(?:[*+>-][ \t]+){11,}", re.MULTILINE)


def _check_notes(value: str) -> str | None:
    """Notes are Markdown: keep them to what Markdown renders in well under a second.

    Python-Markdown backtracks on thousands of `[` (10 s for 5,000) and recurses on
    deep nesting (RecursionError at about 1,000 levels).
    """
    if len(value) > NOTES_LIMIT:
        return f"notes are {len(value):,} characters; the limit is {NOTES_LIMIT:,}"
    if value.count("[") > NOTES_BRACKETS:
        return f"notes hold {value.count('[')} '['; at most {NOTES_BRACKETS} are allowed"
    if _DEEP_NESTING.search(value):
        return "notes nest lists or quotes more than 10 levels deep"
    return None


# A rule's words, as `analysis.themes` splits them: '(' matches nothing, '*former' 'former'.
_KEYWORD = _check_pattern(re.compile(r"[^*]*[\w+][^*]*\*?"), "words, with * only at the end")
# Extra rules beyond the type, per (record type, field). The table keeps them together.
VALUE_RULES: dict[tuple[type, str], Callable[[str], str | None]] = {
    (Paper, "id"): _check_pattern(_SLUG, "a lowercase slug such as 'my-paper-title'"),
    (Paper, "title"): _short_text(TITLE_LIMIT),
    (Paper, "authors"): _short_text(TITLE_LIMIT),
    (Paper, "year"): year_problem,
    (Paper, "venue"): _short_text(TITLE_LIMIT),
    (Paper, "abstract"): _at_most(ABSTRACT_LIMIT),
    (Paper, "aliases"): _short_text(TITLE_LIMIT),
    (Paper, "doi"): doi_problem,
    (Paper, "arxiv"): arxiv_problem,
    (Paper, "links"): url_problem,
    (Paper, "themes"): _check_pattern(_SLUG, "a theme id"),
    (Paper, "tags"): _check_text,
    (Paper, "notes"): _check_notes,
    (Paper, "former_ids"): _check_pattern(_SLUG, "a paper id"),
    (Paper, "type"): _check_pattern(ENTRY_TYPE, "a BibTeX entry type such as 'article'"),
    (Paper, "journal"): _short_text(TITLE_LIMIT),
    (Paper, "booktitle"): _short_text(TITLE_LIMIT),
    (Paper, "publisher"): _short_text(TITLE_LIMIT),
    (Paper, "volume"): _short_text(100),
    (Paper, "number"): _short_text(100),
    (Paper, "pages"): _short_text(100),
    (Paper, "url"): url_problem,
    (Paper, "arxiv_class"): _check_pattern(
        re.compile(r"[a-z-]+(?:\.[A-Za-z-]+)?"), "an arXiv category such as 'cs.LG'"
    ),
    (Paper, "bibkey"): _check_pattern(
        re.compile(r"[A-Za-z][\w:.\-+/]{0,99}"), "a citation key such as 'lovelace2024sparse'"
    ),
    (Listing, "date"): date_problem,
    (Theme, "id"): _check_pattern(_SLUG, "a lowercase slug such as 'llm-serving'"),
    (Theme, "title"): _check_text,
    (Theme, "icon"): _check_pattern(_ICON, "an icon name such as 'material/memory'"),
    (Theme, "start_here"): _check_pattern(_SLUG, "a paper id"),
    (Theme, "former_ids"): _check_pattern(_SLUG, "a theme id"),
    **{(Theme, rule): _KEYWORD for rule in ("keywords", "title_keywords", "exclude")},
    (Source, "label"): _check_text,
    (Source, "url"): url_problem,
}


LIST_LIMITS: dict[tuple[type, str], int] = {
    (Paper, "authors"): 5_000,
    (Paper, "links"): 50,
    (Paper, "listings"): 10_000,
    (Paper, "aliases"): 100,
    (Paper, "themes"): 50,
    (Paper, "tags"): 100,
    (Paper, "former_ids"): 100,
    (Theme, "keywords"): 1_000,
    (Theme, "title_keywords"): 1_000,
    (Theme, "exclude"): 1_000,
    (Theme, "start_here"): 50,
    (Theme, "former_ids"): 100,
}
"""The most items a list of a record may hold. Generous for any real paper (the largest
author lists run to a few thousand) and small enough that what the site prints for a
list stays in proportion to it: 4,000 tags on one record made 551 MB of pages."""

# Identifiers as people paste them, read as the bare identifier before they are checked.
NORMALISE: dict[tuple[type, str], Callable[[str], str]] = {
    (Paper, "arxiv"): normal_arxiv,
    (Paper, "doi"): normal_doi,
}


class Validator:
    """Turns one parsed YAML mapping into a record, collecting messages with lines."""

    def __init__(self, lines: Lines) -> None:
        self.lines = lines
        self.errors: list[tuple[int, str]] = []
        self.warnings: list[tuple[int, str]] = []

    def _line(self, path: tuple[Any, ...]) -> int:
        return self.lines.get(path) or self.lines.get(path[:-1]) or self.lines.get((), 0)

    def error(self, path: tuple[Any, ...], message: str) -> None:
        self.errors.append((self._line(path), message))

    def record(self, cls: type, data: Any, path: tuple[Any, ...] = ()) -> Any:
        """Build `cls` from `data`, or return None after recording why not."""
        specs = fields_of(cls)
        if not isinstance(data, dict):
            self.error(path, f"expected a mapping of fields, got {_describe(data)}")
            return None
        values: dict[str, Any] = {}
        ok = True
        for key, value in data.items():
            spec = specs.get(key)
            if spec is None:
                self.error((*path, key), _unknown_field(_dotted((*path, key)), specs))
                ok = False
                continue
            converted = self.value(cls, spec, value, (*path, key))
            ok = ok and converted is not None
            values[key] = converted
        for spec in specs.values():
            if spec.required and spec.name not in data:
                self.error(path, f"missing required field '{_dotted((*path, spec.name))}'")
                ok = False
        return cls(**values) if ok else None

    def value(self, cls: type, spec: FieldSpec, value: Any, path: tuple[Any, ...]) -> Any:
        converted = _KINDS[spec.kind](self, value, path)
        if converted is None:
            return None
        limit = LIST_LIMITS.get((cls, spec.name))
        if limit is not None and len(converted) > limit:
            count = f"{len(converted):,} items; the limit is {limit:,}"
            self.error(path, f"field '{_dotted(path)}': {count}")
            return None
        normalise = NORMALISE.get((cls, spec.name))
        if normalise:
            converted = normalise(converted)
        rule = VALUE_RULES.get((cls, spec.name))
        # An empty required value is checked too: a record must not have a blank title.
        leaves = [(converted, path)] if converted == "" and spec.required else []
        failed = False  # every item that fails is reported, not the first only
        for item, item_path in leaves or _leaves(converted, path):
            message = rule(item) if rule else None
            if message:
                self.error(item_path, f"field '{_dotted(item_path)}': {message}")
                failed = True
        return None if failed else converted

    def string(self, value: Any, path: tuple[Any, ...]) -> str | None:
        if isinstance(value, str):
            if first_control(value) is not None:
                message = f"field '{_dotted(path)}': {CONTROL_REPLACED}"
                self.warnings.append((self._line(path), message))
                value = without_controls(value)
            closing = closing_marks(value)
            if closing:
                message = f"field '{_dotted(path)}': {DIRECTIONS_CLOSED}"
                self.warnings.append((self._line(path), message))
            return value + closing
        self.error(path, f"field '{_dotted(path)}': expected a string, got {_describe(value)}")
        return None

    def integer(self, value: Any, path: tuple[Any, ...]) -> int | None:
        # Nine digits at most: Python refuses to read an integer of over 4,300 digits.
        if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 9:
            return int(value)
        shown = quote(value) if isinstance(value, str) else _describe(value)
        message = f"expected a whole number of at most 9 digits, got {shown}"
        self.error(path, f"field '{_dotted(path)}': {message}")
        return None

    def strings(self, value: Any, path: tuple[Any, ...]) -> list[str] | None:
        if not isinstance(value, list):
            if value == "":
                return []
            safe = isinstance(value, str) and _PLAIN_ITEMS.fullmatch(value)  # as YAML reads it
            hint = f": write [{value}]" if safe else ""
            message = f"expected a list, got {_describe(value)}{hint}"
            self.error(path, f"field '{_dotted(path)}': {message}")
            return None
        items = [self.string(v, (*path, i)) for i, v in enumerate(value)]
        return None if any(i is None for i in items) else items  # type: ignore[return-value]

    def mapping(self, value: Any, path: tuple[Any, ...]) -> dict[str, str] | None:
        if value == "":
            return {}
        if not isinstance(value, dict):
            message = f"expected a mapping of name: URL, got {_describe(value)}"
            self.error(path, f"field '{_dotted(path)}': {message}")
            return None
        for key in value:
            if not key.strip():
                self.error((*path, key), f"field '{_dotted(path)}': a link needs a name")
                return None
        items = {k: self.string(v, (*path, k)) for k, v in value.items() if v != ""}  # a blank
        return None if any(v is None for v in items.values()) else items  # type: ignore[return-value]

    def listings(self, value: Any, path: tuple[Any, ...]) -> list[Listing] | None:
        if not isinstance(value, list):
            self.error(path, f"field '{_dotted(path)}': expected a list, got {_describe(value)}")
            return None
        items = [self.record(Listing, v, (*path, i)) for i, v in enumerate(value)]
        return None if any(i is None for i in items) else items


_KINDS: dict[str, Callable[[Validator, Any, tuple[Any, ...]], Any]] = {
    "str": Validator.string,
    "int": Validator.integer,
    "list[str]": Validator.strings,
    "dict[str, str]": Validator.mapping,
    "list[Listing]": Validator.listings,
}


def _leaves(value: Any, path: tuple[Any, ...]) -> list[tuple[str, tuple[Any, ...]]]:
    if isinstance(value, str):
        return [(value, path)] if value else []
    if isinstance(value, list):
        return [(v, (*path, i)) for i, v in enumerate(value) if isinstance(v, str)]
    if isinstance(value, dict):
        return [(v, (*path, k)) for k, v in value.items()]
    return []


def _dotted(path: tuple[Any, ...]) -> str:
    out = ""
    for part in path:
        name = quote(part, 40)[1:-1] if isinstance(part, str) else str(part)
        out += f"[{part}]" if isinstance(part, int) else (f".{name}" if out else name)
    return out


def _unknown_field(name: str, specs: dict[str, FieldSpec]) -> str:
    key = name.rsplit(".", 1)[-1]
    message = f"unknown field '{name}'"
    close = difflib.get_close_matches(key, list(specs), n=1)
    message += f"; did you mean '{close[0]}'?" if close else "."
    return message + f" Expected one of: {', '.join(specs)}"


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return quote(value) if isinstance(value, str) else quote(repr(value))


def value_problem(cls: type, name: str, value: Any) -> str | None:
    """What the loader would say of `value` as field `name` of a `cls` record, or None:
    writers check what they take from outside before putting it in a record."""
    validator = Validator({})
    validator.value(cls, fields_of(cls)[name], value, (name,))
    return validator.errors[0][1].removeprefix(f"field '{name}': ") if validator.errors else None


def to_dict(record: Any) -> dict[str, Any]:
    """A record as a mapping in schema order, leaving out empty optional fields."""
    out: dict[str, Any] = {}
    record_type: Any = type(record)
    for spec in fields_of(record_type).values():
        value = getattr(record, spec.name)
        if not spec.required and value in ("", [], {}):
            continue
        if spec.kind == "list[Listing]":
            value = [to_dict(item) for item in value]
        elif isinstance(value, list | dict):
            value = value.copy()
        out[spec.name] = value
    return out


def fields_table() -> str:
    """The record fields as a Markdown table, for the README (a test keeps it in sync)."""
    rows = ["| record | field | required | what it holds |", "| --- | --- | --- | --- |"]
    for name, specs in (
        ("paper", PAPER_FIELDS),
        ("listing", LISTING_FIELDS),
        ("theme", THEME_FIELDS),
        ("source", SOURCE_FIELDS),
    ):
        for spec in specs.values():
            required = "yes" if spec.required else ""
            rows.append(f"| {name} | `{spec.name}` | {required} | {spec.doc} |")
    return "\n".join(rows) + "\n"
