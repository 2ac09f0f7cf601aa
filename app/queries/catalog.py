"""SQL for the directory resources: countries, sources, documents, metrics, sectors."""

from collections.abc import Callable
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased, joinedload, selectinload

from app.enums import INVERSE, DocumentKind, RelationRead
from app.errors import NotFound
from app.items import EstimateItem
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
)
from app.pagination import PageParams, Rows, SortKey
from app.queries import estimates as eq
from app.queries.common import fetch_page, require_ids
from app.schemas import read

COUNTRY_KEY = SortKey("code", Country.code, Country.code)
SOURCE_KEY = SortKey("id", Source.id, Source.id)
DOCUMENT_KEY = SortKey("id", Document.id, Document.id)
METRIC_KEY = SortKey("id", Metric.id, Metric.id)
SECTOR_KEY = SortKey("id", Sector.id, Sector.id)


def _count_where(column: Any, equals: Any) -> Callable[[], Any]:
    """A correlated COUNT(*) of rows whose `column` equals `equals`, built afresh for each
    statement (see queries.estimates.citation_count: a shared one defeats the SQL cache)."""
    return lambda: select(func.count()).where(column == equals).scalar_subquery()


_country_estimates = _count_where(estimate_country.c.country_code, Country.code)
_source_estimates = _count_where(Estimate.claimant_id, Source.id)
_source_documents = _count_where(Document.publisher_id, Source.id)
_document_estimates = _count_where(Estimate.origin_document_id, Document.id)
_document_citations = _count_where(Citation.document_id, Document.id)


def _country(c: Country, n: int) -> read.Country:
    return read.Country(
        code=c.code,
        name=c.name,
        alpha3=c.alpha3,
        numeric=c.numeric,
        official_name=c.official_name,
        estimate_count=n,
    )


def list_countries(session: Session, has_estimates: bool | None, params: PageParams) -> Rows:
    """Countries in code order with how many estimates name each."""
    count = _country_estimates()
    stmt = select(Country, count)
    if has_estimates is not None:
        stmt = stmt.where((count > 0) == has_estimates)
    rows, cursor, total = fetch_page(session, stmt, COUNTRY_KEY, params)
    return Rows([_country(c, n) for c, n in rows], cursor, total)


def get_country(session: Session, code: str) -> read.Country:
    """One country by alpha-2 code."""
    row = session.execute(select(Country, _country_estimates()).where(Country.code == code)).first()
    if row is None:
        raise NotFound(f"no country with code {code!r}")
    return _country(*row)


def _source(s: Source, n_est: int, n_doc: int) -> dict[str, Any]:
    return dict(
        id=s.id,
        name=s.name,
        kind=s.kind,
        country_code=s.country_code,
        url=s.url,
        description=s.description,
        estimate_count=n_est,
        document_count=n_doc,
    )


def list_sources(session: Session, params: PageParams) -> Rows:
    """Sources in id order with their estimate and document counts."""
    stmt = select(Source, _source_estimates(), _source_documents())
    rows, cursor, total = fetch_page(session, stmt, SOURCE_KEY, params)
    return Rows([read.Source(**_source(*r)) for r in rows], cursor, total)


def get_source(session: Session, source_id: str) -> read.SourceDetail:
    """One source with the documents it published."""
    stmt = select(Source, _source_estimates(), _source_documents()).where(Source.id == source_id)
    row = session.execute(stmt).first()
    if row is None:
        raise NotFound(f"no source with id {source_id!r}")
    docs = session.scalars(
        select(Document).where(Document.publisher_id == source_id).order_by(Document.id)
    )
    return read.SourceDetail(
        **_source(*row), documents=[read.DocumentRef.model_validate(d) for d in docs]
    )


def source_estimates(session: Session, source_id: str, limit: int) -> list[EstimateItem]:
    """The first `limit` estimates `source_id` claims, as list items, oldest period first
    (undated last), whatever their status."""
    return eq.summaries(
        session,
        select(Estimate)
        .where(Estimate.claimant_id == source_id)
        .order_by(Estimate.period_start.asc().nulls_last(), Estimate.id)
        .limit(limit),
    )


def _document_row() -> Any:
    return select(
        Document,
        _document_estimates(),
        _document_citations(),
        Document.full_text.is_not(None).label("has_full_text"),
    ).options(joinedload(Document.publisher))


def _document(d: Document, n_est: int, n_cit: int, has_text: bool) -> dict[str, Any]:
    return dict(
        id=d.id,
        title=d.title,
        kind=d.kind,
        published_on=d.published_on,
        published_precision=d.published_precision,
        publisher=read.SourceRef.model_validate(d.publisher) if d.publisher else None,
        coverage_start=d.coverage_start,
        coverage_end=d.coverage_end,
        url=d.url,
        url_note=d.url_note,
        byline=d.byline,
        un_symbol=d.un_symbol,
        is_public=d.is_public,
        language=d.language,
        has_full_text=bool(has_text),
        estimate_count=n_est,
        citation_count=n_cit,
    )


def list_documents(
    session: Session,
    kind: list[DocumentKind],
    publisher: list[str],
    params: PageParams,
) -> Rows:
    """Documents in id order, optionally of some kinds or publishers."""
    require_ids(session, Source.id, publisher, "publisher", "/v1/sources")
    stmt = _document_row()
    if kind:
        stmt = stmt.where(Document.kind.in_(kind))
    if publisher:
        stmt = stmt.where(Document.publisher_id.in_(publisher))
    rows, cursor, total = fetch_page(session, stmt, DOCUMENT_KEY, params)
    return Rows([read.Document(**_document(*r)) for r in rows], cursor, total)


def get_document(session: Session, document_id: str) -> read.DocumentDetail:
    """One document with what it cites, what cites it, its estimates, quotes and text."""
    stmt = (
        _document_row()
        .where(Document.id == document_id)
        .options(selectinload(Document.cites), selectinload(Document.cited_by))
    )
    row = session.execute(stmt).unique().first()
    if row is None:
        raise NotFound(f"no document with id {document_id!r}")
    doc = row[0]
    estimates = eq.summaries(
        session,
        select(Estimate)
        .where(Estimate.origin_document_id == document_id)
        .order_by(Estimate.period_start.asc().nulls_last(), Estimate.id),
    )
    citations = session.scalars(
        select(Citation).where(Citation.document_id == document_id).order_by(Citation.id)
    )
    full_text = session.scalar(select(Document.full_text).where(Document.id == document_id))
    return read.DocumentDetail(
        **_document(*row),
        notes=doc.notes,
        cites=[read.DocumentRef.model_validate(d) for d in doc.cites],
        cited_by=[read.DocumentRef.model_validate(d) for d in doc.cited_by],
        estimates=estimates,
        citations=[
            read.CitationInDocument(
                id=c.id, estimate_id=c.estimate_id, quote=c.quote, locator=c.locator
            )
            for c in citations
        ],
        full_text=full_text,
    )


def list_metrics(session: Session, params: PageParams) -> Rows:
    """The metric vocabulary, each metric with its relations read from both ends."""
    rows, cursor, total = fetch_page(session, select(Metric), METRIC_KEY, params)
    related = metric_relations(session, [m.id for (m,) in rows])
    data = [
        read.Metric(
            id=m.id,
            name=m.name,
            unit=m.unit,
            kind=m.kind,
            description=m.description,
            related=related[m.id],
        )
        for (m,) in rows
    ]
    return Rows(data, cursor, total)


def metric_relations(session: Session, ids: list[str]) -> dict[str, list[read.MetricRelated]]:
    """Each of metrics `ids` with the relations it has (`proxy_of`, ...) and those others
    have to it (`has_proxy`, ...), by the other metric's id, in one query."""
    out: dict[str, list[read.MetricRelated]] = {i: [] for i in ids}
    if not ids:
        return out
    mine, theirs = aliased(Metric), aliased(Metric)
    stmt = (
        select(MetricRelation, mine.name, theirs.name)
        .join(mine, mine.id == MetricRelation.metric_id)
        .join(theirs, theirs.id == MetricRelation.related_id)
        .where(or_(MetricRelation.metric_id.in_(ids), MetricRelation.related_id.in_(ids)))
    )
    for rel, metric_name, related_name in session.execute(stmt):
        if rel.metric_id in out:
            out[rel.metric_id].append(
                read.MetricRelated(
                    metric=read.MetricName(id=rel.related_id, name=related_name),
                    relation=RelationRead(rel.relation.value),
                    note=rel.note,
                )
            )
        if rel.related_id in out:
            out[rel.related_id].append(
                read.MetricRelated(
                    metric=read.MetricName(id=rel.metric_id, name=metric_name),
                    relation=INVERSE[rel.relation],
                    note=rel.note,
                )
            )
    for listed in out.values():
        listed.sort(key=lambda r: r.metric.id)
    return out


def list_sectors(session: Session, params: PageParams) -> Rows:
    """The sector vocabulary."""
    rows, cursor, total = fetch_page(session, select(Sector), SECTOR_KEY, params)
    return Rows([read.Sector.model_validate(s) for (s,) in rows], cursor, total)


def named_countries(session: Session) -> list[tuple[str, str]]:
    """(code, name) of the countries some estimate names, by name: a form's choices. One
    index probe per country (EXISTS), so it costs no more at a million estimates."""
    named = select(estimate_country.c.estimate_id).where(
        estimate_country.c.country_code == Country.code
    )
    stmt = select(Country.code, Country.name).where(named.exists()).order_by(Country.name)
    return [(code, name) for code, name in session.execute(stmt)]


def claimants(session: Session) -> list[tuple[str, str]]:
    """(id, name) of the sources that claim some estimate, by name: a form's choices (one
    index probe per source)."""
    claims = select(Estimate.id).where(Estimate.claimant_id == Source.id)
    stmt = select(Source.id, Source.name).where(claims.exists()).order_by(Source.name)
    return [(source, name) for source, name in session.execute(stmt)]
