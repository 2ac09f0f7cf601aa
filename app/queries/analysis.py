"""SQL for the derived views: chart-ready series and conflicting estimates."""

from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session, aliased
from starlette.datastructures import URL

from app import hedges
from app.enums import ValueKind
from app.errors import BadParameter
from app.filters import EstimateFilters, PerFilter, PopulationFilter, Undated
from app.models import Estimate
from app.models.estimates import scope_key
from app.pagination import Page, PageParams, SortKey
from app.queries import estimates as eq
from app.queries.common import fetch_page
from app.schemas import read

SERIES_KEY = SortKey("period_start", Estimate.period_start, Estimate.id)


def series_scope(f: EstimateFilters) -> str:
    """The one metric and exact scope a series is of, or a 400 saying what is missing."""
    if len(f.metric) != 1:
        raise BadParameter("metric", "a series is of exactly one metric; give metric=... once")
    if f.worldwide and f.country:
        raise BadParameter("worldwide", "give either country=... or worldwide=true, not both")
    if not f.worldwide and not f.country:
        raise BadParameter(
            "country",
            "a series needs a scope: country=CN (repeat for a joint scope) or worldwide=true",
        )
    dated_only(f)
    return scope_key(bool(f.worldwide), f.country)


def dated_only(f: EstimateFilters) -> None:
    """A 400 for `undated=include|only` where only dated figures can take part (a series
    plots them in time; conflicts compare periods)."""
    if f.undated is not Undated.exclude:
        raise BadParameter(
            "undated",
            "only figures with a known period take part here; meta.undated counts the "
            "others and meta.undated_url lists them",
        )


def series_undated(session: Session, f: EstimateFilters) -> int:
    """How many estimates of the series' metric and exact scope match its other filters
    but have no known period, and so are not in it."""
    only = replace(f, country=[], worldwide=None, undated=Undated.only)
    stmt = eq.filtered(only).where(Estimate.scope_key == series_scope(f))
    return eq.count_of(session, stmt)


def like_with_like(
    f: EstimateFilters, population: PopulationFilter | None, per: PerFilter
) -> EstimateFilters:
    """A series' filters with its rule of comparing like with like: one basis (`per`,
    totals by default), and totals of all workers only unless `population` asks otherwise
    or `sector=` is given (a question about a sector asks for its parts too)."""
    if population is None:
        population = PopulationFilter.any if f.sector else PopulationFilter.all
    return replace(f, population=population.population(), per=per)


def _y(e: Estimate) -> float | None:
    """The value a chart plots: a point's value, a range's midpoint, a bound's bound, a
    change's end value."""
    if e.value_kind is ValueKind.range and e.low is not None and e.high is not None:
        return (e.low + e.high) / 2
    if e.value_kind is ValueKind.change:
        return e.to_value
    return e.low if e.low is not None else e.high


def _point(e: Estimate, n_citations: int) -> read.SeriesPoint:
    assert e.period_start is not None and e.period_end is not None
    mid = date.fromordinal((e.period_start.toordinal() + e.period_end.toordinal()) // 2)
    return read.SeriesPoint(
        estimate_id=e.id,
        x=mid,
        start=e.period_start,
        end=e.period_end,
        precision=e.period_precision,
        y=_y(e),
        low=e.low,
        high=e.high,
        kind=e.value_kind,
        qualifier=e.qualifier,
        unit=e.unit,
        per=e.per,
        value_text=e.value_text,
        interval=read.Interval(
            **hedges.interval(e.value_kind, e.qualifier, e.low, e.high, e.value_text, e.to_value)
        ),
        period_text=e.period_text,
        population=e.population,
        population_note=e.population_note,
        claimant=read.SourceRef.model_validate(e.claimant),
        citation_count=n_citations,
    )


def series(session: Session, f: EstimateFilters, params: PageParams, url: URL) -> Page[Any]:
    """One point per estimate of one metric and exact scope, in time order."""
    series_scope(f)  # its 400s come before prepare's
    stmt = series_statement(eq.prepare(session, f))
    rows, meta = fetch_page(session, stmt, SERIES_KEY, params, url, shape=series_shape)
    return Page(data=[_point(e, n) for e, n in rows], meta=meta)


def series_statement(f: EstimateFilters) -> Select[Any]:
    """The estimates of a series (filters prepared), before paging."""
    return eq.filtered(replace(f, country=[], worldwide=None)).where(
        Estimate.scope_key == series_scope(f), Estimate.period_start.is_not(None)
    )


def series_shape(stmt: Any) -> Any:
    """What a series page reads: each estimate with its claimant and citation count."""
    return stmt.add_columns(eq.citation_count()).options(*eq.claimant_loaded())


A = aliased(Estimate, name="a")
B = aliased(Estimate, name="b")
PAIR_KEY = SortKey("pair", A.id, B.id)


def _disjoint(x: Any, y: Any) -> Any:
    """x's values all lie below y's (a missing bound is unbounded)."""
    return and_(x.high.is_not(None), y.low.is_not(None), x.high < y.low)


def conflicts(session: Session, f: EstimateFilters, params: PageParams, url: URL) -> Page[Any]:
    """Pairs of estimates by different claimants, same metric, scope, place, population and
    rate basis, overlapping periods, value ranges that do not meet; both sides match the
    filters."""
    dated_only(f)
    f = eq.prepare(session, f)
    matching = eq.filtered(f).with_only_columns(Estimate.id)
    stmt: Any = select(A.id, B.id).where(
        A.metric_id == B.metric_id,
        A.scope_key == B.scope_key,
        A.place.is_not_distinct_from(B.place),
        # Like with like: a part never rivals a total, nor two parts said differently, nor
        # a rate a total (or a rate of another basis).
        A.population == B.population,
        A.population_note.is_not_distinct_from(B.population_note),
        A.per.is_not_distinct_from(B.per),
        A.id < B.id,
        A.claimant_id != B.claimant_id,
        A.period_start <= B.period_end,
        B.period_start <= A.period_end,
        or_(_disjoint(A, B), _disjoint(B, A)),
        A.id.in_(matching),
        B.id.in_(matching),
    )
    rows, meta = fetch_page(
        session, stmt, PAIR_KEY, params, url, value_of=lambda row: (row[0], row[1])
    )
    found = eq.details(session, [i for pair in rows for i in pair])
    data = []
    for a_id, b_id in rows:
        a, b = found[a_id], found[b_id]
        data.append(
            read.Conflict(
                metric=a["metric"],
                scope=a["scope"],
                a=a,
                b=b,
            )
        )
    return Page(data=data, meta=meta)
