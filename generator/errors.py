"""The generator's exceptions and the problems that validation reports."""

from __future__ import annotations

from dataclasses import dataclass


class ReadingListError(Exception):
    """Base class: an error the command line reports without a traceback."""


class NotText(ReadingListError):
    """Bytes that are not UTF-8 text: `line` (1-based) is where they stop being so."""

    def __init__(self, reason: str, line: int) -> None:
        super().__init__(reason)
        self.reason, self.line = reason, line


class SourceError(ReadingListError):
    """A raw listing file cannot be read or holds no entries: `reason`, about the file
    at `path` (as messages show it), at `line` (1-based; 0 for the whole file)."""

    def __init__(self, path: object, reason: str, line: int = 0) -> None:
        super().__init__(f"{path}:{line}: {reason}" if line else f"{path}: {reason}")
        self.path, self.reason, self.line = path, reason, line


class ContentError(ReadingListError):
    """`content/` holds records that do not validate."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        errors = [p for p in problems if p.is_error]
        super().__init__(f"{len(errors)} error(s) in content/")


@dataclass(frozen=True, order=True)
class Problem:
    """One finding of validation, printed as `path:line: message`."""

    path: str
    """File the problem is in, relative to the project root."""
    line: int
    """1-based line number, or 0 when the problem concerns the whole file."""
    message: str
    """What was expected and what was found."""
    severity: str = "error"
    """`error` (fails `check`) or `warning` (fails only with `--strict`)."""

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity}: {self.message}"

    def annotation(self) -> str:
        """A GitHub Actions workflow command that annotates the file and line.

        Escaped as GitHub documents: `%`, CR and LF everywhere, and `:` and `,` in
        properties too, so a file name cannot forge a line or another annotation.
        """
        where = f"file={_escape_property(self.path)}"
        where += f",line={self.line}" if self.line else ""
        return f"::{self.severity} {where}::{_escape_data(self.message)}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


QUOTE_LIMIT = 120
"""The most characters of a value that a message quotes."""


def quote(value: str, limit: int = QUOTE_LIMIT) -> str:
    """A value as messages show it: escaped, and cut to `limit` characters.

    >>> quote("a" * 200)[-6:]
    "aaa…'"
    """
    shown = value if len(value) <= limit else value[:limit] + "\u2026"
    return repr(shown)


def quote_pair(a: str, b: str, limit: int = QUOTE_LIMIT) -> tuple[str, str]:
    """Two values that differ, as messages show them: where both are cut alike, each is
    shown from a little before the first character where they differ.

    >>> quote_pair("x" * 200 + "a", "x" * 200 + "b", 10)
    ("'…xxxxxa'", "'…xxxxxb'")
    """
    if quote(a, limit) != quote(b, limit):
        return quote(a, limit), quote(b, limit)
    pairs = enumerate(zip(a, b, strict=False))
    first = next((i for i, (x, y) in pairs if x != y), min(len(a), len(b)))
    start = max(0, first - limit // 2)
    return _quote_from(a, start, limit), _quote_from(b, start, limit)


def _quote_from(value: str, start: int, limit: int) -> str:
    more = "\u2026" if start + limit < len(value) else ""
    return repr("\u2026" + value[start : start + limit] + more)
