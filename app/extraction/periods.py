"""Time wordings in a sentence read as periods (start, end, precision, wording), relative
ones ("in December", "last year", "the first half of the year") resolved against the
document's date, earlier dates preferred, and flagged as resolved."""

from __future__ import annotations

import calendar
import re
import warnings
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from app.enums import Precision

_MONTHS = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|"
    r"Dec\.?)(?![a-z])"
)
_YEAR = r"(?:1[89]\d\d|20\d\d)(?!\d)"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?!\d)"
_PREP = (
    r"(?:(?i:as recently as|at the (?:end|start|beginning) of|by the end of|at|in|during|on|"
    r"since|for|throughout|as of|until|by|between|from|of)\s+)?"
)
_HALF = r"(?i:(?:the\s+)?(?P<half>first|second|1st|2nd)\s+half\s+of\s+)"
_QUARTER = (
    r"(?i:(?:the\s+)?(?P<quarter>first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter\s+of\s+)"
)
_OF_YEAR = rf"(?:(?P<rel>(?i:the|this|last|that)\s+year)|(?P<hy>{_YEAR}))"
_MONTH_NAMES = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTH_NAMES |= {m.lower(): i for i, m in enumerate(calendar.month_abbr) if m}
_MONTH_NAMES["sept"] = 9

PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (k, re.compile(_PREP + p))
    for k, p in [
        ("half", rf"{_HALF}{_OF_YEAR}"),
        ("quarter", rf"{_QUARTER}{_OF_YEAR}"),
        ("month_range", rf"(?P<m1>{_MONTHS})\s+(?P<y1>{_YEAR})?\s*(?:to|through|until|and|-|–)"
                        rf"\s+(?P<m2>{_MONTHS})\s+(?P<y2>{_YEAR})"),
        ("month_range", rf"(?i:between\s+)?(?P<m1>{_MONTHS})\s+(?:to|through|until|and|-|–)"
                        rf"\s+(?P<m2>{_MONTHS})(?!\s+\d)"),
        ("end_of_year", r"(?i:(?:by|at|before)\s+)?(?i:the\s+end\s+of\s+(?:the|this|last)\s+year)"),
        ("days", rf"(?P<m>{_MONTHS})\s+(?P<d1>{_DAY})(?:\s*(?:and|-|–|to)\s*(?P<d2>{_DAY}))?"
                 rf"(?:,?\s+(?P<y>{_YEAR}))?"),
        ("days", rf"(?P<d1>{_DAY})(?:\s*(?:and|-|–|to)\s*(?P<d2>{_DAY}))?\s+(?P<m>{_MONTHS})"
                 rf"(?:,?\s+(?P<y>{_YEAR}))?"),
        ("part_month", rf"(?i:(?:the\s+)?(?:end|beginning|start|middle)\s+of\s+|(?:late|early|mid)"
                       rf"[-\s])(?P<m>{_MONTHS})(?:\s+(?P<y>{_YEAR}))?"),
        ("month", rf"(?P<m>{_MONTHS})\s+(?P<y>{_YEAR})"),
        ("year_range", rf"(?P<y1>{_YEAR})\s*(?:-|–|to|and|through)\s*(?P<y2>{_YEAR})"),
        ("year", rf"(?i:(?:the\s+)?(?:end|beginning|start|middle)\s+of\s+|late\s+|early\s+|mid-)?"
                 rf"(?P<y>{_YEAR})"),
        ("relative", r"(?P<rel>(?i:last|this|the past|the previous)\s+(?:year|month))"),
        ("bare_month", rf"(?P<m>{_MONTHS})"),
    ]
]  # fmt: skip
# A bare year is a time wording only after one of these ("in 2023"; not "a 2017 resolution").
_YEAR_PREPS = re.compile(
    r"^(?i:in|during|for|throughout|since|as of|until|by|of|from|between|at the end of|"
    r"by the end of|at the (?:start|beginning) of|end of|late|early|mid-)",
)


@dataclass(frozen=True)
class Time:
    """A time wording in a sentence, read as a period."""

    start: int
    end: int
    period: dict[str, Any]
    resolved: bool
    warnings: tuple[str, ...] = ()


def _last_day(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _period(start: date, end: date, precision: Precision, text: str) -> dict[str, Any]:
    return {"start": start, "end": end, "precision": precision.value, "text": text}


def unknown() -> dict[str, Any]:
    """The period of a figure whose sentence has no time wording."""
    return {"start": None, "end": None, "precision": Precision.unknown.value, "text": ""}


def _month(name: str) -> int:
    return _MONTH_NAMES[name.lower().rstrip(".")]


def _resolve_month(name: str, published: date) -> date:
    """The latest month of this name not after the document's date, read by dateparser
    (the document's date as its relative base, earlier dates preferred)."""
    import dateparser

    base = datetime(published.year, published.month, published.day)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = dateparser.parse(
            name.rstrip("."),
            languages=["en"],
            settings={
                "RELATIVE_BASE": base,
                "PREFER_DATES_FROM": "past",
                "PREFER_DAY_OF_MONTH": "first",
            },
        )
    if found is None:  # dateparser failed on a month name: the same reading, by hand
        m = _month(name)
        return date(published.year if m <= published.month else published.year - 1, m, 1)
    return found.date().replace(day=1)


def _year_of(groups: dict[str, str | None], key: str, published: date | None) -> int | None:
    if y := groups.get(key):
        return int(y)
    return published.year if published else None


def _read(kind: str, m: re.Match[str], published: date | None) -> Time | None:
    """One time pattern's match read as a period, or None when it dates nothing (a bare
    year without a preposition, a relative date with no document date, a day past the
    month's end)."""
    g = m.groupdict()
    text = m.group(0)
    resolved = False
    if kind in ("half", "quarter"):
        if g.get("rel"):
            if published is None:
                return None
            y = published.year - 1 if g["rel"].lower().startswith("last") else published.year
            resolved = True
        else:
            y = int(g["hy"])
        n = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3,
             "fourth": 4, "4th": 4}[(g.get("half") or g.get("quarter") or "").lower()]  # fmt: skip
        months = 6 if kind == "half" else 3
        first = (n - 1) * months + 1
        precision = Precision.half if kind == "half" else Precision.quarter
        return Time(m.start(), m.end(),
                    _period(date(y, first, 1), _last_day(y, first + months - 1), precision, text),
                    resolved)  # fmt: skip
    if kind == "end_of_year":
        if published is None:
            return None
        y = published.year - (1 if "last" in text.lower() else 0)
        return Time(
            m.start(), m.end(), _period(date(y, 1, 1), date(y, 12, 31), Precision.year, text), True
        )
    if kind == "month_range":
        if g.get("y2") is None:
            if published is None:
                return None
            y2 = _resolve_month(g["m2"], published).year
            resolved = True
        else:
            y2 = int(g["y2"])
        m1, m2 = _month(g["m1"]), _month(g["m2"])
        y1 = int(g["y1"]) if g.get("y1") else (y2 if m1 <= m2 else y2 - 1)
        return Time(
            m.start(),
            m.end(),
            _period(date(y1, m1, 1), _last_day(y2, m2), Precision.month, text),
            resolved,
        )
    if kind in ("days", "part_month", "month", "bare_month"):
        mon = _month(g["m"])
        if g.get("y"):
            y = int(g["y"])
        elif published is None:
            return None
        else:
            y = _resolve_month(g["m"], published).year
            resolved = True
        if kind == "days":
            d1 = int(g["d1"])
            d2 = int(g["d2"]) if g.get("d2") else d1
            if d2 < d1 or d2 > calendar.monthrange(y, mon)[1]:
                return None
            return Time(
                m.start(),
                m.end(),
                _period(date(y, mon, d1), date(y, mon, d2), Precision.day, text),
                resolved,
            )
        if kind == "bare_month" and not _YEAR_PREPS.match(text) and text == g["m"]:
            # a month named without a preposition ("December's report") is read only after one
            before = m.string[max(0, m.start() - 20) : m.start()]
            if not re.search(r"(?i:\b(?:in|since|as recently as|during|until|by|of|last))\s+$",
                             before):  # fmt: skip
                return None
        return Time(
            m.start(),
            m.end(),
            _period(date(y, mon, 1), _last_day(y, mon), Precision.month, text),
            resolved,
        )
    if kind == "year_range":
        y1, y2 = int(g["y1"]), int(g["y2"])
        if y1 >= y2 or not _YEAR_PREPS.match(text):
            return None
        return Time(
            m.start(),
            m.end(),
            _period(date(y1, 1, 1), date(y2, 12, 31), Precision.year, text),
            False,
        )
    if kind == "year":
        if not _YEAR_PREPS.match(text):
            return None
        y = int(g["y"])
        if text.lower().startswith("since"):
            end = published.year if published and published.year >= y else y
            return Time(m.start(), m.end(),
                        _period(date(y, 1, 1), date(end, 12, 31), Precision.year, text),
                        published is not None,
                        ("'since' runs to the end of the document's year",))  # fmt: skip
        return Time(
            m.start(), m.end(), _period(date(y, 1, 1), date(y, 12, 31), Precision.year, text), False
        )
    if kind == "relative":
        if published is None:
            return None
        rel = g["rel"].lower()
        back = 0 if rel.startswith("this") else 1
        if rel.endswith("year"):
            y = published.year - back
            return Time(
                m.start(),
                m.end(),
                _period(date(y, 1, 1), date(y, 12, 31), Precision.year, text),
                True,
            )
        y, mon = published.year, published.month - back
        if mon == 0:
            y, mon = y - 1, 12
        return Time(
            m.start(),
            m.end(),
            _period(date(y, mon, 1), _last_day(y, mon), Precision.month, text),
            True,
        )
    return None


# A time wording after these dates the document, not a figure ("published earlier this
# year", "was dated March 7").
_PUBLICATION = re.compile(
    r"(?i:\b(?:published|dated|released|issued|updated|posted|written|filed)\s+"
    r"(?:earlier\s+|later\s+)?)$"
)


def find_times(sentence: str, published: date | None) -> list[Time]:
    """Every time wording in the sentence that can date a figure, earliest first, none
    overlapping another (publication dates are left out)."""
    taken: list[Time] = []
    for kind, pattern in PATTERNS:
        for m in pattern.finditer(sentence):
            if any(t.start < m.end() and m.start() < t.end for t in taken):
                continue
            try:
                t = _read(kind, m, published)
            except (ValueError, OverflowError):  # a day outside the calendar (year 0, 10000)
                t = None
            if t:
                taken.append(t)
    return sorted(
        (t for t in taken if not _PUBLICATION.search(sentence[max(0, t.start - 30) : t.start])),
        key=lambda t: t.start,
    )


def date_spans(sentence: str) -> list[tuple[int, int]]:
    """Spans of dates and years that are no figure, whether or not a period is read from
    them ("dated March 7", "a 2017 resolution"): the value grammar skips numbers in them."""
    spans = [(m.start(), m.end()) for _, p in PATTERNS[:9] for m in p.finditer(sentence)]
    spans += [(m.start(), m.end()) for m in _NOT_FIGURES.finditer(sentence)]
    return spans


# ISO dates, clock times and web addresses hold numbers that are never figures.
_NOT_FIGURES = re.compile(
    r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}:\d{2}\b|https?://\S+|www\.\S+|\b\d{1,2}/\d{1,2}/\d{2,4}\b"
)
