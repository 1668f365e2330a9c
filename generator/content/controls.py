"""Control characters and Unicode's noncharacters, found and replaced in any text.

No text needs them, a page must not carry them raw, and XML has no place for them (a
title of U+FFFF came out of the feed empty, and the build failed). Records and raw
listings alike lose them, with a warning.
"""

from __future__ import annotations

import re

_ASTRAL_NONCHARACTERS = "".join(
    chr(plane * 0x10000 + 0xFFFE) + chr(plane * 0x10000 + 0xFFFF) for plane in range(1, 17)
)
_BMP = "\x00-\x08\x0b-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff"
CONTROL = re.compile(f"[{_BMP}{_ASTRAL_NONCHARACTERS}]")
"""Control characters (but tab and newline) and Unicode's noncharacters (U+FFFE, ...)."""
CONTROL_REPLACED = "control characters replaced with \ufffd"
_ASCII_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
_BMP_CONTROL = re.compile(f"[{_BMP}]")


def first_control(text: str) -> int | None:
    """Where `text`'s first control character or noncharacter is, if it has one.

    What `CONTROL.search` finds, checked in fewer steps: a class that holds characters
    beyond U+FFFF is matched a range at a time (45 µs for a 1.4 KB abstract, the
    largest part of loading a record), while ASCII text and the Basic Plane take a
    bitmap, and most text has nothing beyond it."""
    if text.isascii():
        found = _ASCII_CONTROL.search(text)
    else:
        found = (_BMP_CONTROL if max(text) <= "\uffff" else CONTROL).search(text)
    return None if found is None else found.start()


def without_controls(text: str) -> str:
    """`text` with each control character (but tab and newline) replaced by U+FFFD."""
    return text if first_control(text) is None else CONTROL.sub("\ufffd", text)


DIRECTIONS_CLOSED = "direction marks left open; closed at its end"
_EMBEDDINGS = "\u202a\u202b\u202d\u202e"  # LRE, RLE, LRO, RLO: each ended by PDF
_ISOLATES = "\u2066\u2067\u2068"  # LRI, RLI, FSI: each ended by PDI
_PDF, _PDI = "\u202c", "\u2069"
_DIRECTION = re.compile(f"[{_EMBEDDINGS}{_ISOLATES}{_PDF}{_PDI}]")


def closing_marks(text: str) -> str:
    """The PDF and PDI marks that end the embeddings, overrides and isolates `text`
    leaves open, innermost first; "" for most text.

    A browser ends them only at the end of a block: a title that opened a right-to-left
    override turned the score after it in a list around, and the site's name after it
    in the window's title. Counted as Unicode's bidi algorithm pairs them: a PDF ends
    the latest embedding inside the latest isolate, a PDI that isolate and all in it.
    """
    if text.isascii():
        return ""
    opened: list[str] = []
    for mark in _DIRECTION.findall(text):
        if mark in _EMBEDDINGS:
            opened.append(_PDF)
        elif mark in _ISOLATES:
            opened.append(_PDI)
        elif mark == _PDF:
            if opened and opened[-1] == _PDF:
                opened.pop()
        elif _PDI in opened:
            del opened[len(opened) - 1 - opened[::-1].index(_PDI) :]
    return "".join(reversed(opened))
