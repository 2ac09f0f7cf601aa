"""Echo matching: a candidate that repeats a stored estimate (same metric and population,
overlapping period, its value inside the estimate's hedge interval) is proposed as a new
citation of that estimate rather than as a new one."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from app.enums import EstimateStatus
from app.extraction.candidate import Candidate
from app.hedges import MAX_MARGIN, interval_of
from app.models import Estimate
from app.models.estimates import scope_key


def _points(value: dict[str, Any]) -> list[float]:
    """The numbers of a candidate that must fall inside an estimate's interval."""
    kind = value["kind"]
    if kind == "point":
        return [value["amount"]]
    if kind == "change":
        return [value["to"]]
    if kind == "range":
        return [value["low"], value["high"]]
    return [value["low"] if kind == "lower_bound" else value["high"]]


def _inside(x: float, interval: dict[str, Any]) -> bool:
    low, high = interval["low"], interval["high"]
    return (low is None or x >= low) and (high is None or x <= high)


def _as_date(x: Any) -> date | None:
    return date.fromisoformat(x) if isinstance(x, str) else x


def _stored(session: Session, c: Candidate) -> list[Estimate]:
    """Active estimates of the candidate's metric, scope and population whose period
    overlaps its own (any period, when the candidate's is unknown) and whose stored bounds
    can hold its value: a scan of the metric's scope-and-period index
    (ix_estimate_metric_scope_period), not of every estimate."""
    points = _points(c.value)
    lo, hi = min(points), max(points)
    stmt = select(Estimate).where(
        Estimate.metric_id == c.metric,
        Estimate.scope_key == scope_key(c.scope["worldwide"], c.scope["countries"]),
        Estimate.population == c.population,
        Estimate.status == EstimateStatus.active,
        Estimate.unit == c.value["unit"],
        # an interval reaches at most MAX_MARGIN beyond its stored bounds
        or_(Estimate.low.is_(None), Estimate.low <= hi / (1 - MAX_MARGIN)),
        or_(Estimate.high.is_(None), Estimate.high >= lo * (1 - MAX_MARGIN)),
    )
    start, end = _as_date(c.period.get("start")), _as_date(c.period.get("end"))
    if start and end:
        # an undated estimate overlaps no known period
        stmt = stmt.where(and_(Estimate.period_start <= end, Estimate.period_end >= start))
    return list(session.scalars(stmt.order_by(Estimate.id)))


def _interval(e: Estimate) -> dict[str, Any]:
    return interval_of(
        {
            "kind": e.value_kind,
            "qualifier": e.qualifier,
            "low": e.low,
            "high": e.high,
            "text": e.value_text,
            "to_value": e.to_value,
            "unit": e.unit,
        }
    )


def _echo(session: Session, c: Candidate) -> tuple[Estimate, dict[str, Any]] | None:
    """The stored estimate the candidate repeats: among those that hold its value (and,
    when the candidate has no period, have its kind and qualifier), one of its claimant's
    if any, then one with a known period, then the narrowest interval."""
    matches = []
    undated = c.period.get("start") is None
    for e in _stored(session, c):
        # with no period to compare, a repeat must at least be hedged the same way
        if undated and (e.value_kind, e.qualifier) != (c.value["kind"], c.value["qualifier"]):
            continue
        iv = _interval(e)
        if all(_inside(x, iv) for x in _points(c.value)):
            matches.append((e, iv))
    if not matches:
        return None

    def rank(m: tuple[Estimate, dict[str, Any]]) -> tuple[bool, bool, float, str]:
        e, iv = m
        width = float("inf") if iv["high"] is None else iv["high"] - (iv["low"] or 0)
        return (e.claimant_id != c.claimant, e.period_start is None, width, e.id)

    return min(matches, key=rank)


def match_echoes(session: Session, candidates: list[Candidate]) -> list[Candidate]:
    """The candidates with `echo_of` set where one repeats a stored estimate."""
    out = []
    for c in candidates:
        found = _echo(session, c) if c.metric else None
        if found is None:
            out.append(c)
            continue
        e, iv = found
        note = (
            f"repeats estimate {e.id} ({e.value_text!r}, read as {iv['low']:,.0f} to "
            + ("no upper end" if iv["high"] is None else f"{iv['high']:,.0f}")
            + "): proposed as a new citation of it"
        )
        warns = [*c.warnings, note]
        period = c.period
        if c.period.get("start") is None and e.period_start is not None:
            # a citation adds a quote, not a period: the estimate's period is the figure's
            period = {"start": e.period_start, "end": e.period_end,
                      "precision": e.period_precision.value, "text": ""}  # fmt: skip
            warns.append(f"no time wording: the period is that of {e.id}, which it repeats")
        out.append(replace(c, echo_of=e.id, period=period, warnings=warns))
    return out
