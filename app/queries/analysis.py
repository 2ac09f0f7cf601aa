"""SQL for the derived views: chart-ready series and conflicting estimates."""

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, case, literal, or_, select
from sqlalchemy.orm import Session, aliased

from app import hedges
from app.enums import MetricKind, Population, ValueKind
from app.errors import BadParameter
from app.filters import EstimateFilters, PerFilter, PopulationFilter, Undated
from app.models import Estimate, Metric
from app.models.estimates import WORLDWIDE, scope_key
from app.pagination import PageParams, Rows, SortKey
from app.queries import estimates as eq
from app.queries.common import count_rows, fetch_page
from app.queries.estimates import Plan
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


def conflicts_undated(session: Session, f: Plan) -> int:
    """How many estimates match the filters (prepared) but have no known period, and so
    are never compared."""
    return count_rows(session, eq.undated_statement(replace(f, undated=Undated.only)))


def series_undated(session: Session, f: Plan) -> int:
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
            **hedges.interval(
                e.value_kind, e.qualifier, e.low, e.high, e.value_text, e.to_value, e.unit
            )
        ),
        period_text=e.period_text,
        population=e.population,
        population_note=e.population_note,
        claimant=read.SourceRef.model_validate(e.claimant),
        citation_count=n_citations,
    )


def series(session: Session, f: EstimateFilters, params: PageParams) -> Rows:
    """One point per estimate of one metric and exact scope, in time order."""
    series_scope(f)  # its 400s come before prepare's
    stmt = series_statement(eq.prepare(session, f))
    rows, cursor, total = fetch_page(session, stmt, SERIES_KEY, params, shape=series_shape)
    return Rows([_point(e, n) for e, n in rows], cursor, total)


def series_statement(f: Plan) -> Select[Any]:
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


# How many candidate pairs are judged per query while a page of conflicts fills.
CANDIDATES = 200


def conflicts(session: Session, f: EstimateFilters, params: PageParams) -> Rows:
    """Pairs of estimates by independent claimants (different sources; each estimate is one
    claim however often echoed) with overlapping periods that disagree, each with its kind,
    strength, rule and a reason in words (app.queries.analysis.judge):

    - `disagreement`: the same metric, scope, place, population and basis, whose intervals
      (app.hedges) cannot both hold, or whose figures each lie outside the other's reading;
    - `part_exceeds_whole`: for a stock, a part (a country against worldwide, a place
      within its country, a part of the workers against all of them) that exceeds or
      rivals its whole; `a` is the part, `b` the whole.

    The first side matches every filter, the other every filter but the scope (a whole is
    wider than the part asked about)."""
    dated_only(f)
    f = eq.prepare(session, f)
    first = eq.filtered(f).with_only_columns(Estimate.id)
    other = eq.filtered(replace(f, country=[], worldwide=None)).with_only_columns(Estimate.id)
    stmt = _candidates().where(A.id.in_(first), B.id.in_(other))
    found: list[read.Conflict] = []
    last = None
    more = False
    for pair, conflict in _judged(session, stmt, params.cursor):
        if conflict is None:
            continue
        if len(found) == params.limit:
            more = True  # one conflict beyond this page: there is a next one
            break
        found.append(conflict)
        last = pair
    total = None
    if params.count:
        total = sum(c is not None for _, c in _judged(session, stmt, None))
    return Rows(found, PAIR_KEY.encode(*last) if more and last else None, total)


def conflicts_with(session: Session, estimate_id: str) -> list[read.Conflict]:
    """Every conflict (as `conflicts` finds them, on either side) that `estimate_id` takes
    part in; none when it is not active or has no known period."""
    f = eq.prepare(session, EstimateFilters())
    judged = eq.filtered(f).with_only_columns(Estimate.id)
    stmt = _candidates().where(
        A.id.in_(judged), B.id.in_(judged), or_(A.id == estimate_id, B.id == estimate_id)
    )
    return [c for _, c in _judged(session, stmt, None) if c is not None]


def _judged(
    session: Session, stmt: Select[Any], cursor: str | None
) -> Iterator[tuple[tuple[str, str], read.Conflict | None]]:
    """Each candidate pair after `cursor`, in pair order, with its conflict or None: read
    CANDIDATES at a time, since most candidates agree."""
    while True:
        batch = PageParams(limit=CANDIDATES, cursor=cursor)
        rows, cursor, _ = fetch_page(session, stmt, PAIR_KEY, batch, value_of=lambda r: r[:2])
        items = eq.details(session, [i for a_id, b_id, _ in rows for i in (a_id, b_id)])
        for a_id, b_id, kind in rows:
            yield (a_id, b_id), judge(items[a_id], items[b_id], kind)
        if cursor is None:
            return


def _candidates() -> Select[Any]:
    """Pairs (a, b, kind) worth judging: the same metric and basis, independent claimants,
    overlapping periods, and either the same scope, place and population (a disagreement)
    or, for a stock, `a` a part of `b` (a part that may exceed its whole)."""
    whole = and_(
        B.population == Population.all,
        B.place.is_(None),
        Metric.kind == MetricKind.stock,
        or_(
            and_(B.scope_key == WORLDWIDE, A.scope_key != WORLDWIDE),
            and_(A.scope_key == B.scope_key, A.place.is_not(None)),
            and_(
                A.scope_key == B.scope_key,
                A.place.is_(None),
                A.population == Population.part,
            ),
        ),
    )
    same = and_(
        A.scope_key == B.scope_key,
        A.place.is_not_distinct_from(B.place),
        A.population == B.population,
        A.population_note.is_not_distinct_from(B.population_note),
        A.id < B.id,
    )
    kind = case((same, literal(DISAGREEMENT)), else_=literal(PART_EXCEEDS_WHOLE))
    return (
        select(A.id, B.id, kind)
        .join(Metric, Metric.id == A.metric_id)
        .where(
            A.metric_id == B.metric_id,
            A.per.is_not_distinct_from(B.per),
            A.claimant_id != B.claimant_id,
            A.period_start <= B.period_end,
            B.period_start <= A.period_end,
            or_(same, whole),
        )
    )


DISAGREEMENT = "disagreement"
PART_EXCEEDS_WHOLE = "part_exceeds_whole"


def central(value: dict[str, Any]) -> float:
    """A value's central reading: a point's figure, a range's midpoint, a bound's bound, a
    change's end value."""
    kind = ValueKind(value["kind"])
    if kind is ValueKind.range:
        return float((value["low"] + value["high"]) / 2)
    if kind is ValueKind.change:
        return float(value["to_value"])
    return float(value["low"] if value["low"] is not None else value["high"])


def _within(x: float, i: dict[str, Any]) -> bool:
    return (i["low"] is None or x >= i["low"]) and (i["high"] is None or x <= i["high"])


def _apart(x: dict[str, Any], y: dict[str, Any]) -> bool:
    below = x["high"] is not None and y["low"] is not None and x["high"] < y["low"]
    above = y["high"] is not None and x["low"] is not None and y["high"] < x["low"]
    return below or above


def judge(a: Mapping[str, Any], b: Mapping[str, Any], kind: str) -> read.Conflict | None:
    """The conflict between estimates `a` and `b` (details), or None when they can agree.

    A contradiction: under their intervals both cannot be true. A tension: the intervals
    allow both, but the central readings collide (each figure outside the other's reading;
    or a part's figure reaching into its whole's)."""
    va, vb = a["value"], b["value"]
    ia, ib = va["interval"], vb["interval"]
    if kind == DISAGREEMENT:
        if _apart(ia, ib):
            strength, rule = "contradiction", "intervals-apart"
            why = f"even read loosely ({_span(ia)} against {_span(ib)}), both cannot be true"
        elif not _within(central(va), ib) and not _within(central(vb), ia):
            strength, rule = "tension", "figures-apart"
            why = (
                f"read loosely ({_span(ia)} against {_span(ib)}) both could be true, but "
                "neither figure fits the other's reading"
            )
        else:
            return None
    else:
        if ia["low"] is not None and ib["high"] is not None and ia["low"] > ib["high"]:
            strength, rule = "contradiction", "part-above-whole"
            why = f"the part alone ({_span(ia)}) is more than the whole ({_span(ib)}) can be"
        elif ValueKind(vb["kind"]) is not ValueKind.upper_bound and central(va) >= (ib["low"] or 0):
            strength, rule = "tension", "part-rivals-whole"
            why = f"the part alone is as large as the whole may be (read loosely, {_span(ib)})"
        else:
            return None
    reason = f"{_said(a)}, while {_said(b)}: {why}."
    return read.Conflict(
        kind=kind,
        strength=strength,
        rule=rule,
        reason=reason[0].upper() + reason[1:],
        metric=a["metric"],
        scope=a["scope"],
        a=a,
        b=b,
    )


def _said(e: Mapping[str, Any]) -> str:
    """`UN ... Panel says "Around 100,000" worldwide in 2023`, for a reason sentence."""
    return f'{e["claimant"]["name"]} says "{e["value"]["text"]}" {_covering(e)} {_when(e)}'


_MONTHS = "January February March April May June July August September October November December"


def _when(e: Mapping[str, Any]) -> str:
    """The period in words, as precisely as it is known: "in December 2023", "in 2023"."""
    period = e["period"]
    start, end, precision = period["start"], period["end"], period["precision"]
    if precision == "year" and start.year == end.year:
        return f"in {start.year}"
    if precision == "month" and (start.year, start.month) == (end.year, end.month):
        return f"in {_MONTHS.split()[start.month - 1]} {start.year}"
    if start == end:
        return f"on {start.day} {_MONTHS.split()[start.month - 1]} {start.year}"
    return f"from {start.isoformat()} to {end.isoformat()}"


def _covering(e: Mapping[str, Any]) -> str:
    scope = e["scope"]
    where = (
        "worldwide"
        if scope["worldwide"]
        else "for " + " and ".join(c["name"] for c in scope["countries"])
    )
    if scope["place"]:
        where += f" ({scope['place']})"
    if e.get("population") == Population.part and e.get("population_note"):
        where += f", {e['population_note']}"
    return where


def _span(i: dict[str, Any]) -> str:
    if i["high"] is None:
        return f"{_number(i['low'])} and up"
    if i["low"] == i["high"]:
        return _number(i["low"])
    return f"{_number(i['low'])} to {_number(i['high'])}"


def _number(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 or float(x).is_integer() else f"{x:,.2f}"


# A consensus reads every figure of its range at once: beyond this many, a narrower range.
CONSENSUS_MAX = 5000
CONSENSUS_METHOD = (
    "Each calendar year holds the figures of this metric and exact scope whose periods "
    "overlap it, totals of all workers unless population= says otherwise, one basis (per=). "
    "A claimant is one independent source; an estimate is one claim however often echoed. "
    "`range` runs from the lowest to the highest figure (central readings: a point's figure, "
    "a range's midpoint, a bound's bound); `agreed` is what every figure's interval (see "
    "/v1/hedges) allows at once, or null when they cannot all be true."
)


def consensus(session: Session, f: EstimateFilters, conflicts_of: Callable[[int], str]) -> Rows:
    """Per calendar year, what independent claimants say of one metric and exact scope: the
    figures, the range they span, the interval they all allow, and a sentence saying so."""
    f = eq.prepare(session, f)
    stmt = series_statement(f).with_only_columns(Estimate.id).order_by(Estimate.period_start)
    ids = list(session.scalars(stmt.limit(CONSENSUS_MAX + 1)))
    if len(ids) > CONSENSUS_MAX:
        raise BadParameter(
            "period_from",
            f"more than {CONSENSUS_MAX:,} figures in this range: give a narrower "
            "period_from..period_to",
        )
    figures = eq.items_of(session, ids)
    first = (
        f.period_from.year
        if f.period_from
        else min((s.year for e in figures if (s := e["period"]["start"])), default=None)
    )
    last = (
        f.period_to.year
        if f.period_to
        else max((d.year for e in figures if (d := e["period"]["end"])), default=None)
    )
    years = range(first, last + 1) if first is not None and last is not None else range(0)
    return Rows([_year(year, figures, conflicts_of) for year in years], None)


def _year(
    year: int, figures: Sequence[Mapping[str, Any]], conflicts_of: Callable[[int], str]
) -> read.Consensus:
    start, end = date(year, 1, 1), date(year, 12, 31)
    inside = [e for e in figures if e["period"]["start"] <= end and e["period"]["end"] >= start]
    claimants = {e["claimant"]["id"] for e in inside}
    centres = [central(e["value"]) for e in inside]
    spread = {"low": min(centres), "high": max(centres)} if centres else None
    agreed = None
    if inside:
        intervals = [e["value"]["interval"] for e in inside]
        low = max(i["low"] for i in intervals)  # every rule gives a lower end
        high = min((i["high"] for i in intervals if i["high"] is not None), default=None)
        if high is None or low <= high:
            agreed = {"low": low, "high": high}
    conflicts_url = conflicts_of(year) if inside and agreed is None else None
    return read.Consensus(
        year=year,
        start=start,
        end=end,
        claimants=len(claimants),
        figures=inside,
        range=spread,
        agreed=agreed,
        conflicts_url=conflicts_url,
        summary=_summary(year, inside, agreed),
        method=CONSENSUS_METHOD,
    )


def _summary(year: int, inside: Sequence[Mapping[str, Any]], agreed: dict[str, Any] | None) -> str:
    """The sentence a journalist writes, naming the sources and quoting the figures."""
    if not inside:
        return f"No figure of this metric and scope covers {year}."
    names = list(dict.fromkeys(e["claimant"]["name"] for e in inside))
    by_size = sorted(inside, key=lambda e: central(e["value"]))
    lowest, highest = by_size[0]["value"]["text"], by_size[-1]["value"]["text"]
    who = (
        f"one independent source, {names[0]},"
        if len(names) == 1
        else f"{len(names)} independent sources ({'; '.join(names)})"
    )
    if len(inside) == 1:
        said = f'In {year}, {who} says "{lowest}"'
    else:
        verb = "gives" if len(names) == 1 else "give"
        said = f'In {year}, {who} {verb} figures from "{lowest}" to "{highest}"'
    if agreed is None:
        return said + "; even read loosely, they cannot all be true (see the conflicts)."
    return (
        said
        + f"; read loosely, {'they all allow' if len(inside) > 1 else 'that is'} "
        + (f"{_span(agreed)}.")
    )
