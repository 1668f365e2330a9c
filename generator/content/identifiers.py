"""arXiv ids, DOIs, web addresses, years and listing dates: read as people write them,
checked against their shapes.

`normal_arxiv` and `normal_doi` turn the URLs people paste into the bare identifier,
and `arxiv_base` drops an arXiv id's version; `arxiv_problem`, `doi_problem` and
`year_problem` say what is wrong with one, or None.
"""

from __future__ import annotations

import datetime
import re

from generator.errors import quote

_ARXIV_URL = re.compile(
    r"(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/(?P<id>[^?#\s]+?)(?:\.pdf)?/?"
    r"(?:[?#].*)?",
    re.IGNORECASE,
)
_NEW = re.compile(r"(?P<yy>\d{2})(?P<mm>\d{2})\.(?P<number>\d{4,5})(?:v\d+)?")
"""Since April 2007: YYMM.NNNN, and five digits from January 2015 on."""
_OLD = re.compile(r"[a-z-]+(?:\.[A-Z]{2})?/(?P<yy>\d{2})(?P<mm>\d{2})\d{3}(?:v\d+)?")
"""Until March 2007: archive(.subject)/YYMMNNN, from August 1991."""
_VERSION = re.compile(r"v\d+$")
_URL_IN_TEXT = re.compile(r"https?://[^\s<>\"'{}\\\]\[|`]+")
_URL_TRAILING = ".,;:!?)]}'\"*"
_DOI = re.compile(r"10\.\d{4,9}/\S+")
_DOI_URL = re.compile(r"(?:https?://)?(?:dx\.)?doi\.org/|doi:\s*", re.IGNORECASE)


def normal_arxiv(value: str) -> str:
    """`https://arxiv.org/abs/2309.10818v2` or `arXiv:2309.10818` -> `2309.10818v2`."""
    value = value.strip()
    url = _ARXIV_URL.fullmatch(value)
    if url:
        return url.group("id")
    return value[len("arxiv:") :] if value.lower().startswith("arxiv:") else value


def web_addresses(text: str) -> list[str]:
    """The web addresses in `text`, in order, less the punctuation a sentence or a
    Markdown link puts after one."""
    return [found[0].rstrip(_URL_TRAILING) for found in _URL_IN_TEXT.finditer(text)]


def arxiv_year(arxiv: str) -> str:
    """The year a new-style arXiv id was first posted (`2412.00001` -> `2024`), or ''
    for an old-style one (`hep-th/9901001`)."""
    return f"20{arxiv[:2]}" if arxiv[:4].isdigit() else ""


def arxiv_base(arxiv: str) -> str:
    """An arXiv id without its version: `2309.10818v2` and `2309.10818` are one paper."""
    return _VERSION.sub("", arxiv)


def arxiv_problem(value: str) -> str | None:
    reason = _arxiv_reason(value)
    if reason is None:
        return None
    return f"expected an arXiv id such as '2309.10818'{reason}, got {quote(value)}"


def _arxiv_reason(value: str) -> str | None:
    """Why `value` is no arXiv id ('' when it has neither shape), or None when it is one."""
    new, old = _NEW.fullmatch(value), _OLD.fullmatch(value)
    found = new or old
    if found is None:
        return ""
    yy, mm = int(found.group("yy")), int(found.group("mm"))
    year = (2000 if new or yy < 91 else 1900) + yy
    if not 1 <= mm <= 12:
        return f" (there is no month {mm:02d})"
    if year > datetime.date.today().year:
        return f" ({year} is still to come)"
    if new and (year, mm) < (2007, 4):
        return " (ids of this shape began in April 2007)"
    if new and len(new.group("number")) != (5 if year >= 2015 else 4):
        return f" (ids from {year} have {5 if year >= 2015 else 4} digits after the dot)"
    if old and not (1991, 8) <= (year, mm) <= (2007, 3):
        return " (ids of this shape ran from August 1991 to March 2007)"
    return None


def normal_doi(value: str) -> str:
    """`https://doi.org/10.1145/x` or `doi:10.1145/x` -> `10.1145/x`."""
    value = value.strip()
    prefix = _DOI_URL.match(value)
    return value[prefix.end() :] if prefix else value


def doi_problem(value: str) -> str | None:
    if _DOI.fullmatch(value):
        return None
    return f"expected a DOI such as '10.1145/3600006.3613165', got {quote(value)}"


def year_problem(value: str) -> str | None:
    latest = datetime.date.today().year + 1
    if len(value) == 4 and value.isascii() and value.isdigit() and 1600 <= int(value) <= latest:
        return None
    return f"expected a year of four digits, 1600 to {latest}, got {quote(value)}"


_MONTHS = {
    name: days
    for names, days in [
        ("Jan January", 31), ("Feb February", 29), ("Mar March", 31), ("Apr April", 30),
        ("May", 31), ("Jun June", 30), ("Jul July", 31), ("Aug August", 31),
        ("Sep Sept September", 30), ("Oct October", 31), ("Nov November", 30),
        ("Dec December", 31),
    ]
    for name in names.split()
}  # fmt: skip
"""Month names a date line may use, with the most days each month can have."""
_DATE = re.compile(r"([A-Z][a-z]+) (\d{1,2})")


def is_date(text: str) -> bool:
    """A date line: a real month name and a day it has (`Mar 17`, not `Octopus 2`)."""
    match = _DATE.fullmatch(text)
    if match is None:
        return False
    return 1 <= int(match.group(2)) <= _MONTHS.get(match.group(1), 0)


MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def month_of(date: str) -> str:
    """`Mar` for `Mar 17`, `March 3` or `2024-03-17`; '' for anything else."""
    iso = _ISO_DATE.fullmatch(date)
    if iso:
        month = int(iso.group(2))
        return MONTHS[month - 1] if 1 <= month <= 12 else ""
    head = date.split(" ")[0][:3]
    return head if head in MONTHS and is_date(date) else ""


def date_problem(value: str) -> str | None:
    """A listing's date: as a listing writes it (`Mar 17`), in full (`2024-03-17`), or
    none (a BibTeX file has none)."""
    iso = _ISO_DATE.fullmatch(value)
    if not value:
        return None
    if is_date(value) or (iso and _real_day(*map(int, iso.groups()))):
        return None
    return f"expected a date such as 'Mar 17' or '2024-03-17', got {quote(value)}"


_WEEKDAY = r"(?:(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)[a-z]*,? )?"
_SPELLED = re.compile(
    _WEEKDAY + r"(?:([A-Z][a-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?|(\d{1,2}) ([A-Z][a-z]+)\.?)"
    r"(?:,? (\d{4}))?"
)


_YEAR_FIRST = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})")


def listing_date(text: str) -> str | None:
    """A listing's date line as a record keeps it, or None if `text` is no date.
    `Mar 17` and `2024-03-17` stay as written; other ways pages write a date become
    one of those: `Dec 1, 2024`, `Mon, 2 Dec 2024` and `2024/12/1` a full date, `1 Dec`
    `Dec 1`. (`1/12/2024` is left alone: the first of December, or January the 12th?)"""
    if date_problem(text) is None:
        return text
    numeric = _YEAR_FIRST.fullmatch(text)
    if numeric:
        return _full_date(int(numeric[1]), int(numeric[3]), int(numeric[4]))
    found = _SPELLED.fullmatch(text)
    if found is None:
        return None
    month, day, year = found[1] or found[4], int(found[2] or found[3]), found[5]
    if not is_date(f"{month} {day}"):
        return None
    if not year:
        return f"{month[:3]} {day}"
    return _full_date(int(year), MONTHS.index(month[:3]) + 1, day)


def _full_date(year: int, month: int, day: int) -> str | None:
    return f"{year}-{month:02}-{day:02}" if _real_day(year, month, day) else None


_URL = re.compile(r"https?://[^\s/?#]+[^\s]*")
_BARE_URL = re.compile(r"(?:[\w-]+\.)+[A-Za-z]{2,}(?:[/?#]\S*)?")


def url_problem(value: str) -> str | None:
    """An http(s) URL; `github.com/x/y`, pasted without its scheme, is named with it."""
    if _URL.fullmatch(value):
        return None
    bare = _BARE_URL.fullmatch(value)
    hint = f"; did you mean {quote('https://' + value)}?" if bare else ""
    return f"expected an http(s) URL, got {quote(value)}{hint}"


def _real_day(year: int, month: int, day: int) -> bool:
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True
