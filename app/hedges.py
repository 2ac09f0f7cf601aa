"""Hedged figures read as intervals: the reading by which this API compares figures.

A stored value is what the text says (kind, qualifier, low, high); nothing here changes
it. Its *interval* is how the hedge is read when figures are compared ("about 30,000"
against "some 30,100"): each interval names the rule that made it, and `GET /v1/hedges`
lists the rules in words, so that a reader can check the reading and challenge it.

The margin of "about" follows how the number is rounded: "about 100,000" is rounded to
the hundred thousand, "about 30,100" to the hundred. Half a rounding unit either side is
what the rounding itself allows; it is kept between 5% and 25% of the figure, since a
hedge means some imprecision however precise the digits look, and "about 100,000" is not
read as anything from 50,000 to 150,000.
"""

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from app.enums import Qualifier, ValueKind

PERCENT = "percent"  # the unit of shares: never above 100
MIN_MARGIN = 0.05
MAX_MARGIN = 0.25


@dataclass(frozen=True)
class Rule:
    """One way of reading a hedge as an interval."""

    id: str
    applies_to: str
    interval: str
    example: str


RULES: dict[str, Rule] = {
    r.id: r
    for r in [
        Rule(
            "exact",
            "a figure stated without a hedge",
            "the figure itself",
            '"30,023" → 30,023 to 30,023',
        ),
        Rule(
            "about",
            "about, around, some, approximately, roughly",
            "the figure ± half its rounding unit, at least 5% and at most 25% of it",
            '"some 30,000" (rounded to the ten thousand) → 25,000 to 35,000; '
            '"about 30,100" → 28,595 to 31,605 (5%)',
        ),
        Rule(
            "nearly",
            "nearly, almost, close to",
            "from the figure less the margin of `about` up to the figure",
            '"nearly 3,000" → 2,500 to 3,000',
        ),
        Rule(
            "lower-bound",
            "at least, more than, over",
            "from the figure up, with no upper end (a percentage: up to 100)",
            '"more than 100,000" → 100,000 and up',
        ),
        Rule(
            "upper-bound",
            "at most, up to, fewer than, less than",
            "from zero up to the figure (counts and sums are never negative)",
            '"fewer than 1,000" → 0 to 1,000',
        ),
        Rule(
            "range",
            'a range the text states ("between 250 and 600 million")',
            "the range itself",
            '"$250-600 million" → 250,000,000 to 600,000,000',
        ),
        Rule(
            "about-range",
            'a hedged range ("about 1,000 to 2,000")',
            "the range widened at each end by the margin of `about` for that end",
            '"about 1,000 to 2,000" → 750 to 2,500',
        ),
        Rule(
            "wording",
            'a wording with no number ("tens of thousands", "hundreds of millions")',
            "every number the wording can mean, as the stored range gives it",
            '"tens of thousands" → 10,000 to 99,999',
        ),
        Rule(
            "change",
            'a change ("decreased from 30,023 to 11,490")',
            "the value it changed to, read by the rule of its qualifier",
            '"decreased from 30,023 to 11,490" → 11,490 to 11,490',
        ),
    ]
}


def rounding_unit(x: float) -> float:
    """The place value of the last nonzero digit of `x`: 100,000 → 100,000; 30,100 → 100;
    2.5 → 0.1; 0 → 1. (Integer arithmetic: every list item is read through it.)"""
    x = abs(float(x))
    if x == 0:
        return 1.0
    if x.is_integer():
        n, unit = int(x), 1
        while n % 10 == 0:
            n //= 10
            unit *= 10
        return float(unit)
    decimals = f"{x:.9f}".rstrip("0").partition(".")[2]
    return 10.0 ** -len(decimals) if decimals else 1.0


def margin(x: float) -> float:
    """How far either side of `x` "about x" reaches (see the module's docstring)."""
    size = abs(x)
    half_unit = rounding_unit(x) / 2
    if half_unit < MIN_MARGIN * size:
        return MIN_MARGIN * size
    return min(half_unit, MAX_MARGIN * size)


_DIGIT = re.compile(r"\d")


def interval(
    kind: ValueKind,
    qualifier: Qualifier,
    low: float | None,
    high: float | None,
    text: str,
    to_value: float | None = None,
    unit: str | None = None,
) -> dict[str, Any]:
    """The interval a stored value is read as, with the id of the rule that read it."""
    if kind is ValueKind.change:
        assert to_value is not None
        inner = interval(ValueKind.point, qualifier, to_value, to_value, text)
        return inner | {"rule": "change"}
    if kind is ValueKind.lower_bound:
        return {"low": low, "high": 100.0 if unit == PERCENT else None, "rule": "lower-bound"}
    if kind is ValueKind.upper_bound:
        return {"low": 0.0, "high": high, "rule": "upper-bound"}
    assert low is not None and high is not None
    if kind is ValueKind.range:
        if not _DIGIT.search(text):
            return {"low": low, "high": high, "rule": "wording"}
        if qualifier is Qualifier.about:
            return {"low": low - margin(low), "high": high + margin(high), "rule": "about-range"}
        return {"low": low, "high": high, "rule": "range"}
    if qualifier is Qualifier.about:
        m = margin(low)
        return {"low": low - m, "high": low + m, "rule": "about"}
    if qualifier is Qualifier.nearly:
        return {"low": low - margin(low), "high": low, "rule": "nearly"}
    return {"low": low, "high": high, "rule": "exact"}


def interval_of(value: Mapping[str, Any]) -> dict[str, Any]:
    """The interval of a value shaped as the API shows it (kind, qualifier, low, high,
    to_value, text)."""
    kind, qualifier = value["kind"], value["qualifier"]
    return interval(
        kind if isinstance(kind, ValueKind) else ValueKind(kind),
        qualifier if isinstance(qualifier, Qualifier) else Qualifier(qualifier),
        value["low"],
        value["high"],
        value["text"],
        value.get("to_value"),
        value.get("unit"),
    )


def rules() -> list[dict[str, str]]:
    """Every rule, as `GET /v1/hedges` lists them."""
    return [asdict(r) for r in RULES.values()]
