"""All SQL about estimates: the filtered list, one estimate, and the shapes they render to."""

from dataclasses import dataclass, field, fields, replace
from datetime import date, timedelta
from typing import Any

import orjson
from sqlalchemy import (
    RowMapping,
    Select,
    String,
    Text,
    and_,
    bindparam,
    cast,
    column,
    exists,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    text,
    union,
    union_all,
)
from sqlalchemy.orm import Session, aliased, joinedload

from app import hedges
from app.citations import short_cite
from app.enums import INVERSE, SAME_QUANTITY, EstimateStatus, Per, RelationRead
from app.errors import BadParameter, NotFound
from app.filters import EstimateFilters, EstimateSort, Match, PerFilter, Undated
from app.items import (
    CitationDocument,
    CitationItem,
    CountryRef,
    DocumentRef,
    EstimateDetailItem,
    EstimateItem,
    SectorRef,
    SourceRef,
    ValueItem,
)
from app.models import (
    Citation,
    Country,
    Document,
    Estimate,
    Metric,
    MetricRelation,
    Sector,
    Source,
    estimate_country,
    estimate_item,
    estimate_sector,
)
from app.pagination import PageParams, Rows, SortKey
from app.periods import date_label, period_label
from app.queries.common import (
    contains_text,
    count_rows,
    fetch_page,
    kept,
    plain_rows,
    require_ids,
)
from app.read_model import SHAPE
from app.rendering import Rendered, rendered

_E = Estimate.__table__.c
_C = Citation.__table__.c


def citation_count() -> Any:
    """The number of citations of each estimate, as a column. Built afresh for each
    statement, of table columns: a shared ORM one turns up in SQLAlchemy's cache key
    differently after its first use, so every statement holding it was compiled again
    (measured: 2 ms a list)."""
    return (
        select(func.count())
        .where(_C.estimate_id == _E.id)
        .correlate(Estimate.__table__)
        .scalar_subquery()
        .label("citation_count")
    )


SORT_KEYS: dict[EstimateSort, SortKey] = {
    EstimateSort.period_start: SortKey(
        "period_start", Estimate.period_start, Estimate.id, nullable=True
    ),
    EstimateSort.period_start_desc: SortKey(
        "-period_start",
        Estimate.period_start,
        Estimate.id,
        descending=True,
        nullable=True,
    ),
    EstimateSort.period_end: SortKey("period_end", Estimate.period_end, Estimate.id, nullable=True),
    EstimateSort.period_end_desc: SortKey(
        "-period_end",
        Estimate.period_end,
        Estimate.id,
        descending=True,
        nullable=True,
    ),
    EstimateSort.value: SortKey("value", Estimate.low, Estimate.id, nullable=True),
    EstimateSort.value_desc: SortKey(
        "-value", Estimate.low, Estimate.id, descending=True, nullable=True
    ),
    EstimateSort.id: SortKey("id", Estimate.id, Estimate.id),
    EstimateSort.id_desc: SortKey("-id", Estimate.id, Estimate.id, descending=True),
}


# An estimate overlapping [from, to] starts at most its metric's longest period before
# `from`: with that floor an overlap scan skips everything that ended long before.
_LONGEST = select(
    Metric.id,
    select(func.max(_E.period_days))
    .where(_E.metric_id == Metric.id)
    .correlate(Metric)
    .scalar_subquery(),
)
_LONGEST_OF_METRICS = _LONGEST.where(Metric.id.in_(bindparam("ids", expanding=True)))


@dataclass
class Plan(EstimateFilters):
    """The filters a client asked for (EstimateFilters), checked against the data, with what
    the planner found there (`prepare`): every statement about estimates is built from one.
    """

    # with `related`: each related metric (added to `metric`) -> (the metric asked that
    # it relates to, how it stands to it), which marks its items
    related_to: dict[str, tuple[str, RelationRead]] = field(default_factory=dict)
    # the earliest start of a period that can overlap the range: bounds an overlap scan
    start_floor: date | None = None
    # the estimates whose texts hold `q`, when they are few (else None)
    q_ids: list[str] | None = None

    @classmethod
    def of(cls, asked: EstimateFilters) -> "Plan":
        """The filters asked, planned as nothing more (`prepare` plans them)."""
        return cls(**{k.name: getattr(asked, k.name) for k in fields(EstimateFilters)})


def prepare(session: Session, asked: EstimateFilters) -> Plan:
    """Check the filters against the data (400 for a metric, sector, source or document
    that does not exist) and plan the query: the floor under period_start that bounds an
    overlap scan, the estimates whose texts hold `q` when they are few, and with `related`
    the metrics related to those asked (added to `metric`, so the list's SQL is the same).
    Metrics and the floor take one query. A plan is returned as it is: an export plans
    once for all its pages."""
    if isinstance(asked, Plan):
        return asked
    f = Plan.of(asked)
    if f.related:
        related_to = related_metrics(session, f.metric)
        f = replace(f, metric=[*dict.fromkeys(f.metric), *related_to], related_to=related_to)
    require_ids(session, Sector.id, f.sector, "sector", "/v1/sectors")
    require_ids(session, Source.id, f.claimant, "claimant", "/v1/sources")
    require_ids(session, Document.id, f.document, "document", "/v1/documents")
    f = replace(f, q_ids=text_ids(session, f.q) if f.q else None)
    bounded = f.period_from is not None and f.match is Match.overlaps
    if not (f.metric or bounded):
        return f
    if f.metric:
        rows = plain_rows(session, _LONGEST_OF_METRICS, {"ids": sorted(set(f.metric))})
    else:
        rows = plain_rows(session, _LONGEST)
    days: dict[str, int | None] = dict(rows)
    for m in f.metric:
        if m not in days:
            known = ", ".join(session.scalars(select(Metric.id).order_by(Metric.id)))
            raise BadParameter("metric", f"unknown metric {m[:100]!r}; accepted: {known}")
    if not bounded:
        return f
    assert f.period_from is not None
    longest = max((d or 0 for d in days.values()), default=0)
    return replace(f, start_floor=start_floor(f.period_from, longest))


def related_metrics(session: Session, asked: list[str]) -> dict[str, tuple[str, RelationRead]]:
    """The metrics that are a proxy or a part of one of `asked`, or have one among them
    (flows are not the same quantity), each → (the asked metric it relates to, how it stands
    to it); one related to several asked metrics is marked for the first asked."""
    order = {m: i for i, m in enumerate(dict.fromkeys(asked))}
    rel = MetricRelation.__table__.c
    rows = plain_rows(
        session,
        select(rel.metric_id, rel.related_id, rel.relation).where(
            rel.relation.in_(sorted(SAME_QUANTITY)),
            or_(rel.metric_id.in_(order), rel.related_id.in_(order)),
        ),
    )
    found: dict[str, tuple[str, RelationRead]] = {}

    def mark(other: str, to: str, relation: RelationRead) -> None:
        if other not in order and (other not in found or order[to] < order[found[other][0]]):
            found[other] = (to, relation)

    for metric_id, related_id, relation in rows:
        if related_id in order:
            mark(metric_id, related_id, RelationRead(relation))
        if metric_id in order:
            mark(related_id, metric_id, INVERSE[relation])
    return dict(sorted(found.items()))


def start_floor(period_from: date, longest_days: int) -> date | None:
    """The earliest start of a period of at most `longest_days` that reaches `period_from`;
    None (no floor) when that would fall before the first representable date: a period
    stored before writes checked plausibility (or one a filter such as `period_from=0001`
    asks about) must not take the query down."""
    if longest_days >= (period_from - date.min).days:
        return None
    return period_from - timedelta(days=longest_days)


def _param(name: str, value: Any) -> Any:
    """A named bind parameter holding `value` (a list: one for IN). Named, so that a
    statement kept for reuse (`template`) runs with another request's `values`."""
    return bindparam(name, value, expanding=isinstance(value, list))


def values(f: Plan) -> dict[str, Any]:
    """The bind parameters of the statements built from `f` (`_param`'s names)."""
    out: dict[str, Any] = {
        "status": [str(v) for v in f.status],
        "metric": f.metric,
        "country": f.country,
        "one_country": f.country[0] if f.country else None,
        "sector": f.sector,
        "claimant": f.claimant,
        "population": f.population,
        "per": Per(f.per) if f.per not in (None, PerFilter.none) else None,
        "min_value": f.min_value,
        "max_value": f.max_value,
        "period_from": f.period_from,
        "period_to": f.period_to,
        "start_floor": f.start_floor,
    }
    return out


def shape_of(f: Plan) -> tuple[Any, ...] | None:
    """What the statements of `f` are made of apart from `values`: filters with the same
    shape run the same statements. None when some part of them is not a named parameter
    (text search, documents): those are built for each request."""
    if f.q or f.q_ids is not None or f.document:
        return None
    return (
        bool(f.status),
        EstimateStatus.active in f.status,
        bool(f.metric),
        len(set(f.country)) == 1 if f.country else None,
        f.worldwide,
        bool(f.sector),
        bool(f.claimant),
        f.population is not None,
        f.per if f.per in (None, PerFilter.none) else "some",
        f.min_value is not None,
        f.max_value is not None,
        f.period_from is not None,
        f.period_to is not None,
        f.start_floor is not None,
        f.match,
        f.undated,
    )


def filtered(f: Plan) -> Select[Any]:
    """SELECT estimates matching every filter (AND); values of one filter combine with OR.

    Subqueries name table columns (`_E`, `_C`), not ORM attributes: an ORM subquery shared
    by two statements (the keyset phases) changes SQLAlchemy's cache key of the second
    after the first runs, so it was compiled again on every request."""
    stmt = select(Estimate)
    if f.status:
        stmt = stmt.where(Estimate.status.in_(_param("status", f.status)))
        if EstimateStatus.active not in f.status:
            # Said in the index's own words, with no bind parameter, or SQLite will not
            # read ix_estimate_status_not_active.
            stmt = stmt.where(Estimate.status != literal_column("'active'"))
    if f.metric:
        stmt = stmt.where(Estimate.metric_id.in_(_param("metric", f.metric)))
    if f.country:
        stmt = stmt.where(
            exists().where(
                estimate_country.c.estimate_id == _E.id,
                estimate_country.c.country_code.in_(_param("country", f.country)),
            )
        )
    if f.worldwide is not None:
        stmt = stmt.where(Estimate.worldwide.is_(f.worldwide))
    if f.sector:
        stmt = stmt.where(
            exists().where(
                estimate_sector.c.estimate_id == _E.id,
                estimate_sector.c.sector_id.in_(_param("sector", f.sector)),
            )
        )
    if f.claimant:
        stmt = stmt.where(Estimate.claimant_id.in_(_param("claimant", f.claimant)))
    if f.population is not None:
        stmt = stmt.where(Estimate.population == _param("population", f.population))
    if f.per is PerFilter.none:
        stmt = stmt.where(Estimate.per.is_(None))
    elif f.per is not None:
        stmt = stmt.where(Estimate.per == _param("per", Per(f.per)))
    if f.document:
        # A set of ids (a UNION), not `origin = ? OR EXISTS (...)`: the OR stops either
        # index being used (measured 7 s at 1M estimates).
        stated = union(
            select(_E.id).where(_E.origin_document_id.in_(f.document)),
            select(_C.estimate_id).where(_C.document_id.in_(f.document)),
        )
        stmt = stmt.where(Estimate.id.in_(stated))
    stmt = stmt.where(*period_condition(f, Estimate.period_start, Estimate.period_end))
    if f.min_value is not None:
        stmt = stmt.where(
            or_(Estimate.high.is_(None), Estimate.high >= _param("min_value", f.min_value))
        )
    if f.max_value is not None:
        stmt = stmt.where(
            or_(Estimate.low.is_(None), Estimate.low <= _param("max_value", f.max_value))
        )
    if f.q_ids is not None:
        stmt = stmt.where(Estimate.id.in_(f.q_ids))
    elif f.q:
        # More estimates hold `q` than are worth listing (text_ids): the list, walking in
        # its own order, meets a page of them soon, testing each estimate's own texts.
        stmt = stmt.where(
            or_(
                contains_text(Estimate.notes, f.q),
                contains_text(Estimate.value_text, f.q),
                exists().where(_C.estimate_id == _E.id, contains_text(_C.quote, f.q)),
            )
        )
    return stmt


# SQLite's full-text index (migration 862b18eddb08): FTS5 trigram rows of each estimate's
# notes and value wording and each citation's quote, with `search_doc` saying whose. A
# join, not IN: the rows stream, so a LIMIT stops reading a common word's long list early.
_SQLITE_TEXT_MATCH = (
    text(
        "SELECT d.estimate_id FROM search_text t JOIN search_doc d ON d.id = t.rowid "
        "WHERE search_text MATCH :phrase"
    )
    .columns(column("estimate_id", String))
    .subquery("said")
)
# Up to this many texts holding `q`, their estimates are listed and looked up by id;
# beyond, `q` is common enough that a list walking in its own order finds a page soon.
FEW_MATCHES = 2000


def text_ids(session: Session, q: str) -> list[str] | None:
    """The ids of the estimates whose notes, value wording or quotes contain `q`, ignoring
    case; None when more than FEW_MATCHES texts hold it. SQLite reads its full-text index
    for three characters or more (a trigram index finds nothing shorter), PostgreSQL its
    trigram indexes; the rest read the texts until FEW_MATCHES + 1 hold `q`. Measured at
    1M rows: a word in 1,016 estimates, 3-7 ms; one in 442,000, 4 ms (SQLite), 160 ms
    (PostgreSQL, which builds the whole bitmap first; 2.8 s before)."""
    params: dict[str, Any] = {}
    said: Any
    if len(q) >= 3 and session.get_bind().dialect.name == "sqlite":
        said = select(_SQLITE_TEXT_MATCH.c.estimate_id)
        # Inside an FTS5 phrase's quotes every character but `"` is itself.
        params["phrase"] = '"' + q.replace('"', '""') + '"'
    else:
        said = union_all(
            select(_E.id).where(or_(contains_text(_E.notes, q), contains_text(_E.value_text, q))),
            select(_C.estimate_id).where(contains_text(_C.quote, q)),
        )
    rows = list(session.scalars(said.limit(FEW_MATCHES + 1), params))
    return None if len(rows) > FEW_MATCHES else sorted(set(rows))


def period_condition(f: Plan, start: Any, end: Any) -> list[Any]:
    """The date condition on columns `start` and `end`, written once: overlap (default)
    or containment, and what becomes of figures with no known period (`f.undated`)."""
    if f.undated is Undated.only:
        return [start.is_(None)]
    conds = _date_range(f, start, end)
    if f.undated is Undated.include and conds:
        return [or_(start.is_(None), and_(*conds))]
    return conds


def _date_range(f: Plan, start: Any, end: Any) -> list[Any]:
    conds: list[Any] = []
    if f.match is Match.within:
        if f.period_from:
            conds.append(start >= _param("period_from", f.period_from))
        if f.period_to:
            conds.append(end <= _param("period_to", f.period_to))
    else:
        if f.period_to:
            conds.append(start <= _param("period_to", f.period_to))
        if f.period_from:
            conds.append(end >= _param("period_from", f.period_from))
        if f.start_floor:
            conds.append(start >= _param("start_floor", f.start_floor))
    return conds


_BY_START = (EstimateSort.period_start, EstimateSort.period_start_desc)
_BY_VALUE = (EstimateSort.value, EstimateSort.value_desc)


def ordered(f: Plan, sort: EstimateSort) -> tuple[Select[Any], SortKey]:
    """The filtered statement for a list in `sort` order, and the key its pages follow.

    For one country in period order the scan is led by that country's own entries of
    estimate_country (metric and period are copied there): it reads them in index order
    instead of every estimate of the metric, probing each for the country."""
    key = SORT_KEYS[sort]
    if f.dated and f.undated is Undated.exclude and sort not in _BY_VALUE:
        # A date range leaves no NULL period to list after the dated ones: one pass.
        key = replace(key, nullable=False)
    if len(set(f.country)) != 1 or sort not in _BY_START:
        return filtered(f), key
    ec = estimate_country
    stmt = select(ec.c.estimate_id).where(ec.c.country_code == _param("one_country", f.country[0]))
    if f.metric:
        stmt = stmt.where(ec.c.metric_id.in_(_param("metric", f.metric)))
    if f.status:
        stmt = stmt.where(ec.c.status.in_(_param("status", [str(v) for v in f.status])))
    stmt = stmt.where(*period_condition(f, ec.c.period_start, ec.c.period_end))
    rest = replace(
        f,
        country=[],
        metric=[],
        status=[],
        period_from=None,
        period_to=None,
        start_floor=None,
        undated=Undated.exclude,
    )
    others = filtered(rest).whereclause
    if others is not None:  # filters the index cannot answer: the estimate's own row
        stmt = stmt.join(Estimate, Estimate.id == ec.c.estimate_id).where(others)
    return stmt, replace(key, column=ec.c.period_start, tiebreak=ec.c.estimate_id)


def claimant_loaded() -> list[Any]:
    """Loader options for the claimant (all a series point needs)."""
    return [joinedload(Estimate.claimant)]


Publisher = aliased(Source)


def _document_columns() -> list[Any]:
    return [
        Document.id.label("document_id"),
        Document.title.label("document_title"),
        Document.kind.label("document_kind"),
        Document.published_on.label("document_published_on"),
        Document.published_precision.label("document_published_precision"),
    ]


# Built once, as LINKS_BY_ID below.
_CITATIONS = (
    select(
        Citation.estimate_id,
        Citation.id,
        Citation.quote,
        Citation.locator,
        *_document_columns(),
        Document.url,
        Publisher.id.label("publisher_id"),
        Publisher.name.label("publisher_name"),
        Publisher.kind.label("publisher_kind"),
    )
    .join(Document, Document.id == Citation.document_id)
    .outerjoin(Publisher, Publisher.id == Document.publisher_id)
    .where(Citation.estimate_id.in_(bindparam("ids", expanding=True)))
    .order_by(Citation.id)
)


def details(session: Session, ids: list[str]) -> dict[str, EstimateDetailItem]:
    """Estimates with every citation and its quote, by id (EstimateDetail's shape), in
    three queries."""
    items = items_of(session, ids)
    quotes: dict[str, list[CitationItem]] = {i["id"]: [] for i in items}
    for c in plain_rows(session, _CITATIONS, {"ids": ids}):
        publisher = None
        if c.publisher_id is not None:
            publisher = SourceRef(id=c.publisher_id, name=c.publisher_name, kind=c.publisher_kind)
        document = CitationDocument(**_document_ref(c._mapping), publisher=publisher, url=c.url)
        quotes[c.estimate_id].append(
            {
                "id": c.id,
                "document": document,
                "quote": c.quote,
                "locator": c.locator,
            }
        )
    out = {}
    for i in items:
        # `cite` last: get_estimate checks the stored detail's end for its permalink.
        detail = EstimateDetailItem(**i, citations=quotes[i["id"]], cite={"text": "", "url": ""})
        detail["cite"] = short_cite(detail)
        out[i["id"]] = detail
    return out


DETAIL = select(estimate_item.c.detail, estimate_item.c.detail_etag).where(
    estimate_item.c.estimate_id == bindparam("id"),
    estimate_item.c.shape == SHAPE,
    estimate_item.c.item.is_not(None),
)


def get_estimate(session: Session, estimate_id: str) -> Rendered:
    """One estimate with every citation and its quote (EstimateDetail), as JSON and its
    ETag: from the read model, or built from the tables when it holds no fresh copy; 404
    if there is none."""
    for detail, etag in plain_rows(session, DETAIL, {"id": estimate_id}):
        return Rendered(detail.encode(), etag)
    found = details(session, [estimate_id])
    if estimate_id not in found:
        raise NotFound(f"no estimate with id {estimate_id!r}")
    return rendered(found[estimate_id])


def _document_ref(r: RowMapping) -> DocumentRef:
    return {
        "id": r["document_id"],
        "title": r["document_title"],
        "kind": r["document_kind"],
        "published_on": r["document_published_on"],
        "published_precision": r["document_published_precision"],
    }


def list_columns(stmt: Select[Any]) -> Select[Any]:
    """The columns a list item shows, as plain rows (no ORM objects: 2.5x faster to load)."""
    return (
        stmt.with_only_columns(
            *Estimate.__table__.c,
            citation_count(),
            Metric.name.label("metric_name"),
            Metric.unit.label("metric_unit"),
            Source.name.label("claimant_name"),
            Source.kind.label("claimant_kind"),
            *_document_columns(),
        )
        .join(Metric, Metric.id == Estimate.metric_id)
        .join(Source, Source.id == Estimate.claimant_id)
        .join(Document, Document.id == Estimate.origin_document_id)
    )


# Built once: the ids are an expanding parameter, so each page only binds them.
LINKS_BY_ID = union_all(
    select(literal("c"), estimate_country.c.estimate_id, Country.code, Country.name)
    .join(Country, Country.code == estimate_country.c.country_code)
    .where(estimate_country.c.estimate_id.in_(bindparam("ids", expanding=True))),
    select(literal("s"), estimate_sector.c.estimate_id, Sector.id, Sector.name)
    .join(Sector, Sector.id == estimate_sector.c.sector_id)
    .where(estimate_sector.c.estimate_id.in_(bindparam("ids", expanding=True))),
)


def _links(
    session: Session, ids: list[str]
) -> tuple[dict[str, list[CountryRef]], dict[str, list[SectorRef]]]:
    """The countries and sectors of estimates `ids`, in one query."""
    countries: dict[str, list[CountryRef]] = {i: [] for i in ids}
    sectors: dict[str, list[SectorRef]] = {i: [] for i in ids}
    if not ids:
        return countries, sectors
    for kind, eid, key, name in sorted(
        plain_rows(session, LINKS_BY_ID, {"ids": ids}), key=lambda r: r[2]
    ):
        if kind == "c":
            countries[eid].append({"code": key, "name": name})
        else:
            sectors[eid].append({"id": key, "name": name})
    return countries, sectors


def _summary_of_row(
    r: RowMapping, countries: list[CountryRef], sectors: list[SectorRef]
) -> EstimateItem:
    """A list item (EstimateSummary's shape) from a `list_columns` row (as a mapping:
    8x faster to read than its attributes); the database
    already enforced its shape, and the tests check it against the schema."""
    value = ValueItem(
        kind=r["value_kind"],
        qualifier=r["qualifier"],
        low=r["low"],
        high=r["high"],
        from_value=r["from_value"],
        to_value=r["to_value"],
        unit=r["unit"],
        text=r["value_text"],
        per=r["per"],
        interval=None,
    )
    value["interval"] = hedges.interval_of(value)
    return {
        "id": r["id"],
        "metric": {"id": r["metric_id"], "name": r["metric_name"], "unit": r["metric_unit"]},
        "value": value,
        "period": {
            "start": r["period_start"],
            "end": r["period_end"],
            "precision": r["period_precision"],
            "label": period_label(r["period_start"], r["period_end"], r["period_precision"]),
            "text": r["period_text"],
        },
        "scope": {"worldwide": r["worldwide"], "countries": countries, "place": r["place"]},
        "sectors": sectors,
        "population": r["population"],
        "population_note": r["population_note"],
        "claimant": {
            "id": r["claimant_id"],
            "name": r["claimant_name"],
            "kind": r["claimant_kind"],
        },
        "origin_document": _document_ref(r),
        "citation_count": r["citation_count"],
        "links": {"self": f"/v1/estimates/{r['id']}", "html": f"/figures/{r['id']}"},
        "notes": r["notes"],
        "status": r["status"],
        "superseded_by": r["superseded_by_id"],
        "related_to": None,
    }


def undated_left_out(session: Session, f: Plan) -> int:
    """How many estimates match every filter of `f` (prepared) but its dates and have no
    known period: those its date range leaves out; 0 without a date range, or when `f`
    includes them (`undated=include|only`)."""
    if not f.dated or f.undated is not Undated.exclude:
        return 0
    only = replace(f, undated=Undated.only)
    shape = shape_of(only)
    stmt = kept(("undated", shape) if shape else None, lambda: undated_statement(only))
    return count_rows(session, stmt, values(only))


def undated_statement(only: Plan) -> Select[Any]:
    """The ids of the estimates `only` (a plan with `undated=only`) lists, to be counted."""
    stmt, key = ordered(only, EstimateSort.period_start)
    return stmt.with_only_columns(key.tiebreak)


def count_of(session: Session, stmt: Select[Any]) -> int:
    """The number of estimates `stmt` selects (reading their ids only)."""
    return count_rows(session, stmt.with_only_columns(Estimate.id))


def list_estimates(session: Session, f: Plan, sort: EstimateSort, params: PageParams) -> Rows:
    """One page of the estimates matching `f` (prepared), in `sort` order, as JSON items:
    one statement reads the page's ids and their items from the read model; only items
    it holds no fresh copy of are built from the tables."""
    shape = shape_of(f)
    stmt, key = kept(("ordered", shape, sort) if shape else None, lambda: ordered(f, sort))
    found, after, total = fetch_page(
        session,
        stmt,
        key,
        params,
        shape=lambda q: with_items(q, key),
        value_of=lambda r: (r[1] if len(r) == 4 else r[0], r[0]),
        columns_only=True,
        reuse=(("page", shape, sort), values(f)) if shape else None,
    )
    ready_items = [Rendered(r[-2].encode(), r[-1]) if r[-2] is not None else None for r in found]
    missing = [r[0] for r, item in zip(found, ready_items, strict=True) if item is None]
    built = {i["id"]: rendered(i) for i in items_of(session, missing)} if missing else {}
    items = [item or built[r[0]] for r, item in zip(found, ready_items, strict=True)]
    if f.related_to:
        items = [_related(i, f.related_to) for i in items]
    return Rows(items=items, next_cursor=after, total=total)


def with_items(page: Select[Any], key: SortKey) -> Select[Any]:
    """A page's statement reading what a list shows of each row: its id, its sort value,
    and its item and ETag as the read model keeps them (NULL when it keeps no fresh one)."""
    ready = estimate_item.c
    return page.with_only_columns(*page_columns(key), ready.item, ready.item_etag).outerjoin(
        estimate_item, and_(ready.estimate_id == key.tiebreak, ready.shape == SHAPE)
    )


def _related(item: Rendered, related_to: dict[str, tuple[str, RelationRead]]) -> Rendered:
    """The item marked with the metric asked that its own metric relates to, if any."""
    data = orjson.loads(item.json)
    to = related_to.get(data["metric"]["id"])
    if to is None:
        return item
    data["related_to"] = {"metric": to[0], "relation": to[1]}
    return rendered(data)


def page_columns(key: SortKey) -> list[Any]:
    """What a list reads to find its page: the id (the tiebreak) and the sort value."""
    return [key.tiebreak] if key.column is key.tiebreak else [key.tiebreak, key.column]


# Built once: the ids are an expanding parameter.
ITEMS_BY_ID = list_columns(
    select(Estimate).where(Estimate.id.in_(bindparam("ids", expanding=True)))
)


def items_of(session: Session, ids: list[str]) -> list[EstimateItem]:
    """The list items of the estimates `ids`, in that order, in two queries."""
    rows = {r.id: r for r in plain_rows(session, ITEMS_BY_ID, {"ids": ids})}
    return _items(session, [rows[i] for i in ids if i in rows])


def _items(session: Session, rows: list[Any]) -> list[EstimateItem]:
    countries, sectors = _links(session, [r.id for r in rows])
    return [_summary_of_row(r._mapping, countries[r.id], sectors[r.id]) for r in rows]


def summaries(session: Session, stmt: Select[Any]) -> list[EstimateItem]:
    """The list items of the estimates `stmt` selects (in its order), in two queries."""
    return _items(session, plain_rows(session, list_columns(stmt)))


# Built once: what an export adds to a page of estimates, in one statement: each
# estimate's origin document (its URL and publisher) and each citation (its document's URL
# and its quote), told apart by the first column.
_D = Document.__table__.c
_PROVENANCE = union_all(
    select(
        literal("o"),
        _E.id,
        _D.url,
        Publisher.id,
        Publisher.name,
        cast(null(), String),
        cast(null(), Text),
        cast(null(), String),
    )
    .join(Document, _D.id == _E.origin_document_id)
    .outerjoin(Publisher, Publisher.id == _D.publisher_id)
    .where(_E.id.in_(bindparam("ids", expanding=True))),
    select(
        literal("c"),
        _C.estimate_id,
        _D.url,
        cast(null(), String),
        cast(null(), String),
        _C.document_id,
        _C.quote,
        _C.id,
    )
    .join(Document, _D.id == _C.document_id)
    .where(_C.estimate_id.in_(bindparam("ids", expanding=True))),
)


def provenance(
    session: Session, items: list[dict[str, Any]]
) -> list[tuple[dict[str, Any], dict[str, str]]]:
    """What an export adds to each of `items` (list items as JSON), in one query: fields
    nested like the item (the origin document's URL, publisher and publication date in
    words; the URLs of the documents quoted as stating it), and CSV-only cells (the
    citations as `[document] quote` lines; those URLs one per line)."""
    ids = [i["id"] for i in items]
    origin: dict[str, Any] = {}
    cited: dict[str, list[tuple[str, str, str, str | None]]] = {i: [] for i in ids}
    if ids:
        for kind, eid, url, pub_id, pub_name, doc_id, quote, cid in plain_rows(
            session, _PROVENANCE, {"ids": ids}
        ):
            if kind == "o":
                publisher = {"id": pub_id, "name": pub_name} if pub_id is not None else None
                origin[eid] = {"url": url, "publisher": publisher}
            else:
                cited[eid].append((cid, doc_id, quote, url))
    out = []
    for item in items:
        doc = item["origin_document"]
        found = origin.get(item["id"], {"url": None, "publisher": None})
        quotes = sorted(cited[item["id"]])
        urls = list(dict.fromkeys(url for *_, url in quotes if url))
        fields = {
            "origin_document": found
            | {
                "published_label": date_label(
                    date.fromisoformat(doc["published_on"]) if doc["published_on"] else None,
                    doc["published_precision"],
                )
            },
            "citing_document_urls": urls,
        }
        cells = {
            "citations": "\n".join(f"[{doc_id}] {quote}" for _, doc_id, quote, _ in quotes),
            "citing_document_urls": "\n".join(urls),
        }
        out.append((fields, cells))
    return out
