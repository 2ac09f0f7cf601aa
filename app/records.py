"""Writing records: the one path by which the seed loader and the write API change data.

Each record kind has: a converter from its row back to the record (for PATCH merges and
audit snapshots), reference checks against a `Catalog` (the seed bundle, or the database),
and a `save_*` function that upserts it and logs the change.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any, Protocol

import pycountry
from pydantic import BaseModel
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from app.config import get_settings
from app.enums import Action, ValueKind
from app.models import Change, Citation, Country, Document, Estimate, Metric, Sector, Source
from app.models.estimates import derive, estimate_country
from app.schemas.seed import (
    CitationIn,
    CitationWrite,
    DocumentFields,
    DocumentWrite,
    EstimateIn,
    MetricIn,
    PeriodIn,
    ScopeIn,
    SourceIn,
    ValueIn,
)


class Catalog(Protocol):
    """What reference checks need to know: which ids exist, and documents' texts."""

    def missing(self, kind: str, ids: Iterable[str]) -> list[str]: ...

    def text(self, document_id: str) -> str | None: ...


class DbCatalog:
    """A Catalog over the database."""

    MODELS: dict[str, Any] = {
        "metric": Metric.id,
        "sector": Sector.id,
        "source": Source.id,
        "document": Document.id,
        "estimate": Estimate.id,
    }

    def __init__(self, session: Session) -> None:
        self.session = session

    def missing(self, kind: str, ids: Iterable[str]) -> list[str]:
        wanted = list(dict.fromkeys(ids))
        if kind == "country":
            return [c for c in wanted if pycountry.countries.get(alpha_2=c) is None]
        if not wanted:
            return []
        col = self.MODELS[kind]
        found = set(self.session.scalars(select(col).where(col.in_(wanted))))
        return [i for i in wanted if i not in found]

    def text(self, document_id: str) -> str | None:
        return self.session.scalar(select(Document.full_text).where(Document.id == document_id))


def plausible_years() -> tuple[int, int]:
    """The years a period may lie in: EARLIEST_YEAR to LATEST_YEARS_AHEAD past this one."""
    settings = get_settings()
    return settings.earliest_year, datetime.now(UTC).year + settings.latest_years_ahead


def reference_problems(record: BaseModel, catalog: Catalog) -> list[tuple[str, str]]:
    """(field, message) for every reference in `record` that names nothing, every quote
    that is not verbatim in its document's stored text, and every period date outside
    the plausible years (a typo such as 0001 would stretch every overlap scan)."""
    out: list[tuple[str, str]] = []
    first, last = plausible_years()

    def plausible(field: str, day: date | None) -> None:
        if day is not None and not first <= day.year <= last:
            out.append((field, f"{day.isoformat()} is outside the years {first} to {last}"))

    def need(field: str, kind: str, ids: Iterable[str]) -> None:
        for m in catalog.missing(kind, ids):
            out.append((field, f"{kind} {m!r} does not exist"))

    def quotes(citations: Iterable[tuple[str, CitationIn]]) -> None:
        for prefix, c in citations:
            need(f"{prefix}document", "document", [c.document])
            text = catalog.text(c.document)
            if text is not None and c.quote not in text:
                out.append(
                    (f"{prefix}quote", f"not verbatim in document {c.document!r}: {c.quote[:80]!r}")
                )

    if isinstance(record, MetricIn):
        need("related", "metric", [r.metric for r in record.related])
    if isinstance(record, SourceIn) and record.country:
        need("country", "country", [record.country])
    if isinstance(record, DocumentFields):
        plausible("published_on", record.published_on)
        plausible("coverage_start", record.coverage_start)
        plausible("coverage_end", record.coverage_end)
        if record.publisher:
            need("publisher", "source", [record.publisher])
        need("cites", "document", [c for c in record.cites if c != record.id])
        if record.id in record.cites:
            out.append(("cites", "a document cannot cite itself"))
    if isinstance(record, EstimateIn):
        plausible("period.start", record.period.start)
        plausible("period.end", record.period.end)
        need("metric", "metric", [record.metric])
        need("sectors", "sector", record.sectors)
        need("scope.countries", "country", record.scope.countries)
        need("claimant", "source", [record.claimant])
        need("origin_document", "document", [record.origin_document])
        if record.superseded_by:
            need("superseded_by", "estimate", [record.superseded_by])
        quotes((f"citations.{i}.", c) for i, c in enumerate(record.citations))
    if isinstance(record, CitationWrite):
        need("estimate", "estimate", [record.estimate])
        quotes([("", record)])
    return out


# --- rows back to records -------------------------------------------------------------


def source_record(s: Source) -> SourceIn:
    """A source row as its record."""
    return SourceIn(
        id=s.id,
        name=s.name,
        kind=s.kind,
        country=s.country_code,
        url=s.url,
        description=s.description,
    )


def document_record(d: Document) -> DocumentWrite:
    """A document row as its write record (full text included)."""
    return DocumentWrite(
        id=d.id,
        title=d.title,
        kind=d.kind,
        publisher=d.publisher_id,
        byline=d.byline,
        published_on=d.published_on,
        published_precision=d.published_precision,
        coverage_start=d.coverage_start,
        coverage_end=d.coverage_end,
        url=d.url,
        url_note=d.url_note,
        un_symbol=d.un_symbol,
        is_public=d.is_public,
        language=d.language,
        cites=[c.id for c in d.cites],
        notes=d.notes,
        full_text=d.full_text,
    )


def value_record(e: Estimate) -> ValueIn:
    """An estimate's stored value in the record's shape."""
    amounts: dict[str, float | None] = {
        ValueKind.point: {"amount": e.low},
        ValueKind.range: {"low": e.low, "high": e.high},
        ValueKind.lower_bound: {"low": e.low},
        ValueKind.upper_bound: {"high": e.high},
        ValueKind.change: {"from": e.from_value, "to": e.to_value},
    }[e.value_kind]
    return ValueIn.model_validate(
        {
            "kind": e.value_kind,
            "qualifier": e.qualifier,
            "unit": e.unit,
            "text": e.value_text,
            "per": e.per,
        }
        | amounts
    )


def estimate_record(e: Estimate) -> EstimateIn:
    """An estimate row, with its citations, as its record."""
    return EstimateIn(
        id=e.id,
        metric=e.metric_id,
        value=value_record(e),
        period=PeriodIn(
            start=e.period_start, end=e.period_end, precision=e.period_precision, text=e.period_text
        ),
        scope=ScopeIn(
            worldwide=e.worldwide, countries=[c.code for c in e.countries], place=e.place
        ),
        sectors=[s.id for s in e.sectors],
        population=e.population,
        population_note=e.population_note,
        claimant=e.claimant_id,
        origin_document=e.origin_document_id,
        notes=e.notes,
        status=e.status,
        superseded_by=e.superseded_by_id,
        citations=[
            CitationIn(document=c.document_id, quote=c.quote, locator=c.locator)
            for c in e.citations
        ],
    )


def citation_record(c: Citation) -> CitationWrite:
    """A citation row as its write record."""
    return CitationWrite(
        estimate=c.estimate_id, document=c.document_id, quote=c.quote, locator=c.locator
    )


# Fields the audit log keeps as a digest, never as text: a document's body is arbitrarily
# long (a 1 MB text in every before and after made the log's pages tens of MB), and a
# deleted document's text must not stay readable in the log. The digest still shows an
# editor whether the text changed. Migration 8f9affac7c01 rewrote the entries written before.
DIGESTED_FIELDS = ("full_text",)


def text_digest(text: str) -> dict[str, Any]:
    """What the audit log keeps of a text: the sha256 of its UTF-8, hex, and its length in
    characters."""
    return {"sha256": hashlib.sha256(text.encode()).hexdigest(), "length": len(text)}


def snapshot(record: BaseModel | None) -> dict[str, Any] | None:
    """A record as JSON for the audit log, each of DIGESTED_FIELDS as its text_digest."""
    if record is None:
        return None
    data = record.model_dump(mode="json", by_alias=True)
    for field in DIGESTED_FIELDS:
        if isinstance(data.get(field), str):
            data[field] = text_digest(data[field])
    return data


# --- saving -----------------------------------------------------------------------------


def log_change(
    session: Session,
    actor: str,
    action: Action,
    resource_type: str,
    resource_id: str,
    before: BaseModel | None,
    after: BaseModel | None,
    estimate_id: str | None = None,
) -> None:
    """Append one entry to the audit log, in the caller's transaction.

    On PostgreSQL the log is locked against other writers from here to the commit, so
    entries commit in the order of their ids: a client following the feed by id never
    skips an entry that committed late under a lower id. (Readers are not held up; SQLite
    has one writer at a time anyway.)"""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("LOCK TABLE change IN EXCLUSIVE MODE"))
    session.add(
        Change(
            at=datetime.now(UTC),
            actor=actor,
            action=action,
            resource_type=resource_type,
            resource_id=resource_id,
            estimate_id=estimate_id,
            before=snapshot(before),
            after=snapshot(after),
        )
    )


def _bump_version(obj: Any) -> None:
    """Make the next flush UPDATE the row, and so raise its version, when only rows linked
    to it changed (countries, sectors, citations, cited documents)."""
    flag_modified(obj, "id")


def _assign(obj: Any, values: dict[str, Any]) -> bool:
    changed = False
    for k, v in values.items():
        if getattr(obj, k) != v:
            setattr(obj, k, v)
            changed = True
    return changed


class Saved:
    """What a save did: the row, and whether it was created or changed."""

    def __init__(self, obj: Any, created: bool, changed: bool) -> None:
        self.obj, self.created, self.changed = obj, created, changed


def _save(
    session: Session,
    actor: str,
    model: Any,
    record: BaseModel,
    values: dict[str, Any],
    to_record: Any,
    resource_type: str,
    links: Any = None,
) -> Saved:
    obj: Any = session.get(model, record.id)  # type: ignore[attr-defined]
    created = obj is None
    before = None if created else to_record(obj)
    if created:
        obj = model(id=record.id)  # type: ignore[attr-defined]
        session.add(obj)
    changed = _assign(obj, values)
    if links is not None and links(obj) and not changed:
        changed = True
        if not created:
            _bump_version(obj)
    if created or changed:
        session.flush()
        after = to_record(obj)
        if before is None or snapshot(before) != snapshot(after):
            action = Action.create if created else Action.update
            estimate_id = obj.id if resource_type == "estimate" else None
            log_change(session, actor, action, resource_type, obj.id, before, after, estimate_id)
    return Saved(obj, created, changed)


def save_source(session: Session, record: SourceIn, actor: str) -> Saved:
    """Create or update a source."""
    values = record.model_dump(exclude={"id", "country"}) | {"country_code": record.country}
    return _save(session, actor, Source, record, values, source_record, "source")


def save_document(
    session: Session, record: DocumentFields, actor: str, full_text: str | None
) -> Saved:
    """Create or update a document, its full text and the documents it cites."""
    values = record.model_dump(exclude={"id", "publisher", "cites", "text_file", "full_text"}) | {
        "publisher_id": record.publisher,
        "full_text": full_text,
    }

    def links(doc: Document) -> bool:
        want = sorted(set(record.cites))
        if [c.id for c in doc.cites] == want:
            return False
        doc.cites = [session.get_one(Document, c) for c in want]
        return True

    return _save(session, actor, Document, record, values, document_record, "document", links)


def citation_ids(estimate_id: str, documents: list[str]) -> list[str]:
    """Stable citation ids: estimate--document, with -2, -3 for more quotes from one document."""
    seen: dict[str, int] = {}
    ids = []
    for d in documents:
        seen[d] = seen.get(d, 0) + 1
        ids.append(f"{estimate_id}--{d}" + (f"-{seen[d]}" if seen[d] > 1 else ""))
    return ids


def save_estimate(session: Session, record: EstimateIn, actor: str) -> Saved:
    """Create or update an estimate with its countries, sectors and citations."""
    low, high = record.value.bounds()
    period, scope = record.period, record.scope
    derived = derive(
        record.id,
        record.metric,
        period.start,
        period.end,
        scope.worldwide,
        scope.countries,
        record.status,
    )
    values = dict(
        metric_id=record.metric,
        value_kind=record.value.kind,
        qualifier=record.value.qualifier,
        unit=record.value.unit,
        low=low,
        high=high,
        from_value=record.value.from_,
        to_value=record.value.to,
        value_text=record.value.text,
        per=record.value.per,
        period_start=record.period.start,
        period_end=record.period.end,
        period_precision=record.period.precision,
        period_text=record.period.text,
        worldwide=record.scope.worldwide,
        place=record.scope.place,
        population=record.population,
        population_note=record.population_note,
        claimant_id=record.claimant,
        origin_document_id=record.origin_document,
        notes=record.notes,
        status=record.status,
        superseded_by_id=record.superseded_by,
        **derived.columns,
    )

    def links(est: Estimate) -> bool:
        changed = False
        countries = [r["country_code"] for r in derived.country_rows]
        if [c.code for c in est.countries] != countries:
            est.countries = [session.get_one(Country, c) for c in countries]
            changed = True
        sectors = sorted(set(record.sectors))
        if [s.id for s in est.sectors] != sectors:
            est.sectors = [session.get_one(Sector, s) for s in sectors]
            changed = True
        old = {c.id: c for c in est.citations}
        new = []
        ids = citation_ids(record.id, [c.document for c in record.citations])
        for cid, c in zip(ids, record.citations, strict=True):
            cit = old.get(cid) or Citation(id=cid)
            changed = (
                _assign(cit, {"document_id": c.document, "quote": c.quote, "locator": c.locator})
                or changed
            )
            new.append(cit)
        if set(old) != {c.id for c in new}:
            changed = True
        est.citations = sorted(new, key=lambda c: c.id)
        return changed

    saved = _save(session, actor, Estimate, record, values, estimate_record, "estimate", links)
    session.flush()
    # the ORM links the countries; their rows' copies of the metric and period are set here
    session.execute(
        update(estimate_country)
        .where(estimate_country.c.estimate_id == record.id)
        .values(derived.copies)
    )
    return saved


def new_citation_id(session: Session, estimate_id: str, document_id: str) -> str:
    """The next free citation id for a quote of `document_id` stating `estimate_id`."""
    base = f"{estimate_id}--{document_id}"
    taken = set(session.scalars(select(Citation.id).where(Citation.id.startswith(base))))
    n = 1
    while (base if n == 1 else f"{base}-{n}") in taken:
        n += 1
    return base if n == 1 else f"{base}-{n}"


def save_citation(
    session: Session, record: CitationWrite, actor: str, citation_id: str | None
) -> str:
    """Create a citation (id None) or update one; returns its id."""
    if citation_id is None:
        citation_id = new_citation_id(session, record.estimate, record.document)
        citation = Citation(id=citation_id, estimate_id=record.estimate)
        session.add(citation)
        before = None
    else:
        citation = session.get_one(Citation, citation_id)
        before = citation_record(citation)
    _assign(
        citation, {"document_id": record.document, "quote": record.quote, "locator": record.locator}
    )
    if snapshot(before) != snapshot(record):
        _bump_version(session.get_one(Estimate, record.estimate))
        action = Action.create if before is None else Action.update
        log_change(
            session,
            actor,
            action,
            "citation",
            citation_id,
            before,
            record,
            estimate_id=record.estimate,
        )
    return citation_id
