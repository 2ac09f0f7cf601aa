"""SQL for citations: what a figure's or a document's citation names, and the data version."""

from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from app.errors import NotFound
from app.items import CitedDocument, EstimateDetailItem
from app.models import Change, Document, Source
from app.queries.common import plain_rows
from app.queries.estimates import details

_DOCUMENTS = (
    select(
        Document.id,
        Document.title,
        Document.kind,
        Source.name.label("publisher"),
        Document.byline,
        Document.published_on,
        Document.published_precision,
        Document.url,
        Document.url_note,
        Document.un_symbol,
        Document.is_public,
        Document.language,
    )
    .outerjoin(Source, Source.id == Document.publisher_id)
    .where(Document.id.in_(bindparam("ids", expanding=True)))
)


def cited_documents(session: Session, ids: list[str]) -> dict[str, CitedDocument]:
    """The documents `ids` that exist, as citations name them, by id."""
    out: dict[str, CitedDocument] = {}
    for r in plain_rows(session, _DOCUMENTS, {"ids": ids}):
        m = r._mapping
        out[m["id"]] = CitedDocument(
            id=m["id"],
            title=m["title"],
            kind=str(m["kind"]),
            publisher=m["publisher"],
            byline=m["byline"],
            published_on=m["published_on"],
            published_precision=str(m["published_precision"]),
            url=m["url"],
            url_note=m["url_note"],
            un_symbol=m["un_symbol"],
            is_public=bool(m["is_public"]),
            language=m["language"],
        )
    return out


def estimate_to_cite(
    session: Session, estimate_id: str
) -> tuple[EstimateDetailItem, dict[str, CitedDocument]]:
    """One estimate with its citations, and its origin and citing documents by id; 404 if
    there is none."""
    found = details(session, [estimate_id])
    if estimate_id not in found:
        raise NotFound(f"no estimate with id {estimate_id!r}")
    detail = found[estimate_id]
    ids = [detail["origin_document"]["id"], *(c["document"]["id"] for c in detail["citations"])]
    return detail, cited_documents(session, ids)


def document_to_cite(session: Session, document_id: str) -> CitedDocument:
    """One document as a citation names it; 404 if there is none."""
    found = cited_documents(session, [document_id])
    if document_id not in found:
        raise NotFound(f"no document with id {document_id!r}")
    return found[document_id]


def written_at(session: Session, version: int) -> datetime | None:
    """When data version `version` (app.queries.changes.data_version) was written."""
    return session.scalar(select(Change.at).where(Change.id == version)) if version else None


_FULL_TEXTS = select(Document.id, Document.full_text).where(
    Document.id.in_(bindparam("ids", expanding=True)), Document.full_text.is_not(None)
)


def full_texts(session: Session, ids: list[str]) -> dict[str, str]:
    """The full texts held of the documents `ids`, by id (those without one left out)."""
    return {r.id: r.full_text for r in plain_rows(session, _FULL_TEXTS, {"ids": ids})}
