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
