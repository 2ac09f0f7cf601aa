"""Dates and periods in words, as precisely as the text fixes them: "2024", "Aug 2024",
"Q3 2024", "H1 2020", "7 Mar 2024", "Jul 2023 – Jan 2024".

A spreadsheet shows 2024-01-01 as 1 January; a figure the text dates only "in 2024" must
read as 2024, so exports and list items carry these labels beside the ISO dates."""

from datetime import date

from app.enums import Precision

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
DASH = " – "  # an en dash between spaced ends, as in "Jul 2023 – Jan 2024"


def _within_year(d: date, precision: Precision) -> str:
    """The part of `d` below its year, at `precision` ("" for a year)."""
    if precision is Precision.day:
        return f"{d.day} {_MONTHS[d.month - 1]}"
    if precision is Precision.month:
        return _MONTHS[d.month - 1]
    if precision is Precision.quarter:
        return f"Q{(d.month - 1) // 3 + 1}"
    if precision is Precision.half:
        return f"H{1 if d.month <= 6 else 2}"
    return ""


def _label(d: date, precision: Precision) -> str:
    part = _within_year(d, precision)
    return f"{part} {d.year}" if part else str(d.year)


def period_label(start: date | None, end: date | None, precision: str) -> str | None:
    """The period from `start` to `end` (inclusive) in words at `precision`: one label when
    both ends fall in the same year, half, quarter, month or day ("2024", "Aug 2024"), else
    the two ends joined by an en dash ("Jul 2023 – Jan 2024"; "Mar – May 2024" within a
    year); None when undated. Dates of unknown precision are given as ISO dates."""
    if start is None:
        return None
    end = end or start
    p = Precision(precision)
    if p is Precision.unknown:
        return start.isoformat() if start == end else f"{start.isoformat()}{DASH}{end.isoformat()}"
    first, last = _label(start, p), _label(end, p)
    if first == last:
        return first
    if p is Precision.year or start.year != end.year:
        return f"{first}{DASH}{last}"
    # Within one year the year is said once: "Mar – May 2024", "7 – 9 Mar 2024".
    a, b = _within_year(start, p), _within_year(end, p)
    if p is Precision.day and start.month == end.month:
        a = str(start.day)
    return f"{a}{DASH}{b} {end.year}"


def date_label(on: date | None, precision: str) -> str | None:
    """One date in words at `precision` (a document dated only "2024" is "2024", not
    2024-01-01); None when unknown."""
    return period_label(on, on, precision)
