"""Writes for editors: create, update (PATCH with If-Match), delete or retract.

Every write runs in one transaction with its audit-log entry; the route commits once.
"""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import records
from app.auth import AdminDep, EditorDep, bearer
from app.db import SessionDep, WriteSessionDep
from app.enums import Action, EstimateStatus
from app.errors import (
    Conflict,
    InvalidBody,
    NotFound,
    problem_responses,
)
from app.http import check_if_match, etag_of, with_etag
from app.models import Citation, Document, Estimate, Source, document_cite
from app.queries import catalog as catalog_queries
from app.queries import estimates as estimate_queries
from app.schemas import read
from app.schemas.seed import (
    CitationWrite,
    DocumentWrite,
    EstimateIn,
    SourceIn,
    patch_model,
)

router = APIRouter(tags=["editing"])

SourcePatch = patch_model(SourceIn)
DocumentPatch = patch_model(DocumentWrite)
EstimatePatch = patch_model(EstimateIn)
CitationPatch = patch_model(CitationWrite)

IfMatch = Annotated[
    str | None,
    Header(description="the ETag of your last GET of this resource; required", examples=['"…"']),
]
WRITE_ERRORS = problem_responses(401, 403, 404, 409, 412, 413, 422, 428)
SECURITY: list[dict[str, list[str]]] = [{bearer.scheme_name: []}]


def _respond(response: Response, body: BaseModel, code: int, location: str | None = None) -> Any:
    response.status_code = code
    if location:
        response.headers["Location"] = location
    return with_etag(response, body)


def _validate(model: type[BaseModel], data: dict[str, Any]) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InvalidBody(
            [(".".join(str(p) for p in e["loc"]) or "body", e["msg"]) for e in exc.errors()]
        ) from None


def _check_references(session: Session, record: BaseModel) -> None:
    problems = records.reference_problems(record, records.DbCatalog(session))
    if problems:
        raise InvalidBody(problems)


def _commit(session: Session) -> None:
    """Commit (a lost race on a row version becomes a 412 in app.errors), then forget the
    loaded state so the response is read back from the database."""
    session.commit()
    session.expire_all()


def _create(
    session: Session,
    model: Any,
    record: Any,
    save: Callable[[], records.Saved],
) -> None:
    if session.get(model, record.id) is not None:
        raise Conflict(f"id {record.id!r} is taken; PATCH it, or choose another id")
    _check_references(session, record)
    save()
    _commit(session)


def _merge(stored: BaseModel, patch: BaseModel, model: type[BaseModel]) -> Any:
    """The stored record with the patch's fields replaced, validated like a new record."""
    merged = stored.model_dump(mode="json", by_alias=True) | patch.model_dump(
        mode="json", by_alias=True, exclude_unset=True
    )
    return _validate(model, merged)


def _get_or_404(session: Session, model: Any, ident: str, what: str) -> Any:
    obj = session.get(model, ident)
    if obj is None:
        raise NotFound(f"no {what} with id {ident!r}")
    return obj


def _dependents(session: Session, checks: list[tuple[str, Any]]) -> list[str]:
    out = []
    for label, stmt in checks:
        ids = list(session.scalars(stmt.limit(6)))
        if ids:
            shown = ", ".join(ids[:5]) + (", ..." if len(ids) > 5 else "")
            out.append(f"{label}: {shown}")
    return out


# --- sources ---------------------------------------------------------------------------

SourceId = Annotated[str, Path(description="the source's id", max_length=120)]


@router.post(
    "/v1/sources",
    summary="Create a source",
    status_code=201,
    response_model=read.SourceDetail,
    responses=WRITE_ERRORS,
    openapi_extra={"security": SECURITY},
)
def create_source(
    session: WriteSessionDep, key: EditorDep, body: SourceIn, response: Response
) -> Any:
    """Add an organisation or person that publishes or asserts figures."""
    _create(session, Source, body, lambda: records.save_source(session, body, key.name))
    out = catalog_queries.get_source(session, body.id)
    return _respond(response, out, 201, f"/v1/sources/{body.id}")


@router.patch(
    "/v1/sources/{source_id}",
    summary="Update a source",
    response_model=read.SourceDetail,
    responses=WRITE_ERRORS,
    openapi_extra={"security": SECURITY},
)
def update_source(
    session: WriteSessionDep,
    key: EditorDep,
    source_id: SourceId,
    body: SourcePatch,
    response: Response,
    if_match: IfMatch = None,
) -> Any:
    """Change some fields of a source; send If-Match with the ETag of your last GET."""
    source = _get_or_404(session, Source, source_id, "source")
    check_if_match(if_match, etag_of(catalog_queries.get_source(session, source_id)))
    record = _merge(records.source_record(source), body, SourceIn)
    _check_references(session, record)
    records.save_source(session, record, key.name)
    _commit(session)
    return _respond(response, catalog_queries.get_source(session, source_id), 200)


@router.delete(
    "/v1/sources/{source_id}",
    summary="Delete a source (admin)",
    status_code=204,
    responses=WRITE_ERRORS,
    openapi_extra={"security": SECURITY},
)
def delete_source(
    session: WriteSessionDep, key: AdminDep, source_id: SourceId, if_match: IfMatch = None
) -> Response:
    """Delete a source that nothing depends on; otherwise 409 says what depends on it."""
    source = _get_or_404(session, Source, source_id, "source")
    check_if_match(if_match, etag_of(catalog_queries.get_source(session, source_id)))
    blockers = _dependents(
        session,
        [
            (
                "documents it published",
                select(Document.id).where(Document.publisher_id == source_id),
            ),
            ("estimates it claims", select(Estimate.id).where(Estimate.claimant_id == source_id)),
        ],
    )
    if blockers:
        raise Conflict(f"source {source_id!r} is still used by " + "; ".join(blockers))
    records.log_change(
        session, key.name, Action.delete, "source", source_id, records.source_record(source), None
    )
    session.delete(source)
    _commit(session)
    return Response(status_code=204)


# --- documents -------------------------------------------------------------------------

DocumentId = Annotated[str, Path(description="the document's id", max_length=120)]


@router.post(
    "/v1/documents",
    summary="Create a document",
    status_code=201,
    response_model=read.DocumentDetail,
    responses=WRITE_ERRORS,
    openapi_extra={"security": SECURITY},
)
def create_document(
    session: WriteSessionDep, key: EditorDep, body: DocumentWrite, response: Response
) -> Any:
    """Add a report, filing or article, with its full text if you have it."""
    _create(
        session,
        Document,
        body,
        lambda: records.save_document(session, body, key.name, body.full_text),
    )
    out = catalog_queries.get_document(session, body.id)
    return _respond(response, out, 201, f"/v1/documents/{body.id}")


@router.patch(
    "/v1/documents/{document_id}",
    summary="Update a document",
    response_model=read.DocumentDetail,
    responses=WRITE_ERRORS,
    openapi_extra={"security": SECURITY},
)
def update_document(
    session: WriteSessionDep,
    key: EditorDep,
    document_id: DocumentId,
    body: DocumentPatch,
    response: Response,
    if_match: IfMatch = None,
) -> Any:
    """Change some fields of a document; send If-Match with the ETag of your last GET."""
    doc = _get_or_404(session, Document, document_id, "document")
    check_if_match(if_match, etag_of(catalog_queries.get_document(session, document_id)))
    record = _merge(records.document_record(doc), body, DocumentWrite)
    _check_references(session, record)
    records.save_document(session, record, key.name, record.full_text)
    _commit(session)
    return _respond(response, catalog_queries.get_document(session, document_id), 200)


@router.delete(
    "/v1/documents/{document_id}",
    summary="Delete a document (admin)",
    status_code=204,
    responses=WRITE_ERRORS,
    openapi_extra={"security": SECURITY},
)
def delete_document(
    session: WriteSessionDep, key: AdminDep, document_id: DocumentId, if_match: IfMatch = None
) -> Response:
    """Delete a document nothing depends on; otherwise 409 says what depends on it."""
    doc = _get_or_404(session, Document, document_id, "document")
    check_if_match(if_match, etag_of(catalog_queries.get_document(session, document_id)))
    blockers = _dependents(
        session,
        [
            (
                "estimates that originate in it",
                select(Estimate.id).where(Estimate.origin_document_id == document_id),
            ),
            (
                "citations that quote it",
                select(Citation.id).where(Citation.document_id == document_id),
            ),
            (
                "documents that cite it",
                select(document_cite.c.citing_id).where(document_cite.c.cited_id == document_id),
            ),
        ],
    )
    if blockers:
        raise Conflict(f"document {document_id!r} is still used by " + "; ".join(blockers))
    records.log_change(
        session,
        key.name,
        Action.delete,
        "document",
        document_id,
        records.document_record(doc),
        None,
    )
    session.delete(doc)
    _commit(session)
    return Response(status_code=204)


# --- estimates -------------------------------------------------------------------------

EstimateId = Annotated[str, Path(description="the estimate's id", max_length=120)]


@router.post(
    "/v1/estimates",
    summary="Create an estimate",
    status_code=201,
    response_model=read.EstimateDetail,
    responses=WRITE_ERRORS,
    openapi_extra={"security": SECURITY},
)
def create_estimate(
    session: WriteSessionDep, key: EditorDep, body: EstimateIn, response: Response
) -> Any:
    """Add a figure with at least one citation; quotes must be verbatim in stored texts."""
    _create(session, Estimate, body, lambda: records.save_estimate(session, body, key.name))
    out = estimate_queries.get_estimate(session, body.id)
    return _respond(response, out, 201, f"/v1/estimates/{body.id}")


@router.patch(
    "/v1/estimates/{estimate_id}",
    summary="Update an estimate",
    response_model=read.EstimateDetail,
    responses=WRITE_ERRORS,
    openapi_extra={"security": SECURITY},
)
def update_estimate(
    session: WriteSessionDep,
    key: EditorDep,
    estimate_id: EstimateId,
    body: EstimatePatch,
    response: Response,
    if_match: IfMatch = None,
) -> Any:
    """Change some fields of an estimate (nested objects are replaced whole; `citations`
    replaces the list). To correct a figure, create the new estimate and PATCH the old one
    with `status: superseded` and `superseded_by`."""
    est = _get_or_404(session, Estimate, estimate_id, "estimate")
    check_if_match(if_match, etag_of(estimate_queries.get_estimate(session, estimate_id)))
    record = _merge(records.estimate_record(est), body, EstimateIn)
    _check_references(session, record)
    records.save_estimate(session, record, key.name)
    _commit(session)
    return _respond(response, estimate_queries.get_estimate(session, estimate_id), 200)


@router.delete(
    "/v1/estimates/{estimate_id}",
    summary="Retract an estimate",
    response_model=read.EstimateDetail,
    responses=WRITE_ERRORS,
    openapi_extra={"security": SECURITY},
)
def retract_estimate(
    session: WriteSessionDep,
    key: EditorDep,
    estimate_id: EstimateId,
    response: Response,
    if_match: IfMatch = None,
) -> Any:
    """Mark the estimate retracted: it stays readable by id and in its history, and leaves
    the default lists. Nothing is erased."""
    est = _get_or_404(session, Estimate, estimate_id, "estimate")
    check_if_match(if_match, etag_of(estimate_queries.get_estimate(session, estimate_id)))
    record = records.estimate_record(est).model_copy(
        update={"status": EstimateStatus.retracted, "superseded_by": None}
    )
    records.save_estimate(session, record, key.name)
    _commit(session)
    return _respond(response, estimate_queries.get_estimate(session, estimate_id), 200)


# --- citations -------------------------------------------------------------------------

CitationId = Annotated[str, Path(description="the citation's id", max_length=250)]


def _citation(session: Session, citation_id: str) -> read.CitationDetail:
    c = session.get(Citation, citation_id)
    if c is None:
        raise NotFound(f"no citation with id {citation_id!r}")
    return read.CitationDetail(
        id=c.id,
        estimate_id=c.estimate_id,
        document=read.CitationDocument.model_validate(c.document),
        quote=c.quote,
        locator=c.locator,
    )


@router.get(
    "/v1/citations/{citation_id}",
    summary="One citation",
    tags=["estimates"],
    response_model=read.CitationDetail,
    responses=problem_responses(400, 404),
)
def get_citation(session: SessionDep, citation_id: CitationId, response: Response) -> Any:
    """A quote stating an estimate, and the document it is from."""
    return _respond(response, _citation(session, citation_id), 200)


def _new_citation_id(session: Session, estimate_id: str, document_id: str) -> str:
    base = f"{estimate_id}--{document_id}"
    taken = set(session.scalars(select(Citation.id).where(Citation.id.startswith(base))))
    n = 1
    while (base if n == 1 else f"{base}-{n}") in taken:
        n += 1
    return base if n == 1 else f"{base}-{n}"


@router.post(
    "/v1/citations",
    summary="Add a citation to an estimate",
    status_code=201,
    response_model=read.CitationDetail,
    responses=WRITE_ERRORS,
    openapi_extra={"security": SECURITY},
)
def create_citation(
    session: WriteSessionDep, key: EditorDep, body: CitationWrite, response: Response
) -> Any:
    """Record another document that states the estimate, with the verbatim quote."""
    _check_references(session, body)
    cid = _new_citation_id(session, body.estimate, body.document)
    session.add(
        Citation(
            id=cid,
            estimate_id=body.estimate,
            document_id=body.document,
            quote=body.quote,
            locator=body.locator,
        )
    )
    records.log_change(
        session, key.name, Action.create, "citation", cid, None, body, estimate_id=body.estimate
    )
    _commit(session)
    return _respond(response, _citation(session, cid), 201, f"/v1/citations/{cid}")


@router.patch(
    "/v1/citations/{citation_id}",
    summary="Update a citation",
    response_model=read.CitationDetail,
    responses=WRITE_ERRORS,
    openapi_extra={"security": SECURITY},
)
def update_citation(
    session: WriteSessionDep,
    key: EditorDep,
    citation_id: CitationId,
    body: CitationPatch,
    response: Response,
    if_match: IfMatch = None,
) -> Any:
    """Change a citation's document, quote or locator."""
    c = _get_or_404(session, Citation, citation_id, "citation")
    check_if_match(if_match, etag_of(_citation(session, citation_id)))
    before = records.citation_record(c)
    record = _merge(before, body, CitationWrite)
    _check_references(session, record)
    c.document_id, c.quote, c.locator = record.document, record.quote, record.locator
    if records.snapshot(before) != records.snapshot(record):
        records.log_change(
            session,
            key.name,
            Action.update,
            "citation",
            citation_id,
            before,
            record,
            estimate_id=c.estimate_id,
        )
    _commit(session)
    return _respond(response, _citation(session, citation_id), 200)


@router.delete(
    "/v1/citations/{citation_id}",
    summary="Delete a citation",
    status_code=204,
    responses=WRITE_ERRORS,
    openapi_extra={"security": SECURITY},
)
def delete_citation(
    session: WriteSessionDep, key: EditorDep, citation_id: CitationId, if_match: IfMatch = None
) -> Response:
    """Remove a citation; an estimate's last citation cannot go (retract the estimate)."""
    c = _get_or_404(session, Citation, citation_id, "citation")
    check_if_match(if_match, etag_of(_citation(session, citation_id)))
    n = session.scalar(select(func.count()).where(Citation.estimate_id == c.estimate_id))
    if n == 1:
        raise Conflict(
            f"citation {citation_id!r} is the only evidence for estimate {c.estimate_id!r}; "
            "an estimate needs a citation: retract the estimate instead"
        )
    records.log_change(
        session,
        key.name,
        Action.delete,
        "citation",
        citation_id,
        records.citation_record(c),
        None,
        estimate_id=c.estimate_id,
    )
    session.delete(c)
    _commit(session)
    return Response(status_code=204)
