"""The one filter parser: turns query-string values into typed filters, or a 400 naming them."""

import calendar
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum

from app.country_names import AmbiguousCountry, UnknownCountry, label, resolve
from app.enums import EstimateStatus, Population
from app.errors import BadParameter

_PERIOD_RE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")
PERIOD_FORMATS = "YYYY, YYYY-MM or YYYY-MM-DD"


def parse_period_bound(value: str, name: str, *, end: bool) -> date:
    """`2019` → 2019-01-01 (or 2019-12-31 as an end); `2019-02` → the month's first/last day."""
    m = _PERIOD_RE.match(value)
    if not m:
        raise BadParameter(name, f"expected {PERIOD_FORMATS}, got {value[:50]!r}")
    year, month, day = int(m[1]), m[2], m[3]
    try:
        if day is not None:
            return date(year, int(month), int(day))
        if month is not None:
            mo = int(month)
            return date(year, mo, calendar.monthrange(year, mo)[1] if end else 1)
        return date(year, 12, 31) if end else date(year, 1, 1)
    except (ValueError, calendar.IllegalMonthError):
        raise BadParameter(name, f"{value!r} is not a real date ({PERIOD_FORMATS})") from None


def parse_timestamp(value: str, name: str, offset_required: bool = False) -> datetime:
    """An ISO 8601 date or date-time (`2026-01-01`, `2026-01-01T12:00:00Z`) as a UTC time;
    no zone means UTC, unless `offset_required` (then it is a 400)."""
    try:
        if not re.match(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}", value, re.ASCII):
            raise ValueError
        at = datetime.fromisoformat(value)
    except ValueError:
        raise BadParameter(
            name, f"expected an ISO 8601 time like 2026-01-01T00:00:00Z, got {value[:50]!r}"
        ) from None
    if not at.tzinfo:
        if offset_required:
            raise BadParameter(name, f"{value[:50]!r} has no UTC offset (Z, or +09:00)")
        return at.replace(tzinfo=UTC)
    try:
        # here, not in the database driver: 9999-12-31T23:59:59-23:59 is past year 9999 in UTC
        return at.astimezone(UTC)
    except OverflowError:
        raise BadParameter(
            name, f"{value[:50]!r} is outside the years 1 to 9999 once converted to UTC"
        ) from None


def parse_country(value: str, name: str = "country") -> str:
    """ISO alpha-2 for a code (alpha-2, alpha-3, numeric) or a name as people type it."""
    try:
        return resolve(value)
    except AmbiguousCountry as exc:
        options = [f"{c} ({label(c)})" for c in exc.candidates]
        either = ", ".join(options[:-1]) + " or " + options[-1]
        raise BadParameter(name, f"{value[:50]!r} could be {either}; say which") from None
    except UnknownCountry as exc:
        close = " or ".join(f"{c} ({label(c)})" for c in exc.suggestions)
        use = "an ISO 3166-1 code (CN, CHN) or a name (Russia, Russian Federation)"
        hint = f"did you mean {close}? Use" if close else "use"
        raise BadParameter(
            name,
            f"unknown country {value[:50]!r}; {hint} {use}; /v1/countries lists them",
        ) from None


class Match(StrEnum):
    """How an estimate's period must relate to period_from..period_to."""

    overlaps = "overlaps"
    within = "within"


class Undated(StrEnum):
    """What a date range does with figures whose period is unknown."""

    exclude = "exclude"
    include = "include"
    only = "only"


class EstimateSort(StrEnum):
    """Orderings of /v1/estimates; `-` for descending. Estimates with no period come last."""

    period_start = "period_start"
    period_start_desc = "-period_start"
    period_end = "period_end"
    period_end_desc = "-period_end"
    value = "value"
    value_desc = "-value"
    id = "id"
    id_desc = "-id"


DEFAULT_ESTIMATE_SORT = EstimateSort.period_start


class PopulationFilter(StrEnum):
    """Which populations a list or series holds: `all` (totals of everyone), `part`, or
    `any` (both)."""

    all = "all"
    part = "part"
    any = "any"

    def population(self) -> Population | None:
        """The one population asked for; None for `any`."""
        return None if self is PopulationFilter.any else Population(self.value)


class PerFilter(StrEnum):
    """Which rate basis a list or series holds: `none` (totals and counts, no rate), or rates
    per `year`, `month` or `day`."""

    none = "none"
    year = "year"
    month = "month"
    day = "day"


@dataclass
class EstimateFilters:
    """Parsed filters of /v1/estimates; lists combine with OR, fields with AND."""

    metric: list[str] = field(default_factory=list)
    country: list[str] = field(default_factory=list)
    worldwide: bool | None = None
    sector: list[str] = field(default_factory=list)
    claimant: list[str] = field(default_factory=list)
    document: list[str] = field(default_factory=list)
    period_from: date | None = None
    period_to: date | None = None
    match: Match = Match.overlaps
    undated: Undated = Undated.exclude
    min_value: float | None = None
    max_value: float | None = None
    q: str | None = None
    # None: any population, any basis
    population: Population | None = None
    per: PerFilter | None = None
    status: list[EstimateStatus] = field(default_factory=lambda: [EstimateStatus.active])
    # also the estimates of metrics that are a proxy or a part of those asked, or have one
    related: bool = False

    @property
    def dated(self) -> bool:
        """Whether a date range is asked for (which leaves out figures with no period)."""
        return self.period_from is not None or self.period_to is not None

    def __post_init__(self) -> None:
        if self.period_from and self.period_to and self.period_from > self.period_to:
            raise BadParameter(
                "period_from",
                f"period_from ({self.period_from}) is after period_to ({self.period_to})",
            )
        lo, hi = self.min_value, self.max_value
        if lo is not None and hi is not None and lo > hi:
            raise BadParameter("min_value", "min_value is greater than max_value")
