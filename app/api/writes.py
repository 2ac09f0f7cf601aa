"""Writes for editors: create, update (PATCH with If-Match), delete or retract.

Every write runs in one transaction with its audit-log entry; the route commits once. The
four resources differ only in what `Resource` describes; the steps are written once.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Request, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app import read_model, records
from app.api.deps import EstimateId, ReadSessionDep
from app.auth import AdminDep, EditorDep, bearer
from app.db import WriteSessionDep
from app.enums import Action, EstimateStatus
from app.errors import Conflict, InvalidBody, InvalidParam, NotFound, problem_responses
from app.http import check_if_match
from app.models import ApiKey, Citation, Document, Estimate, Source, document_cite
from app.queries import catalog as catalog_queries
from app.queries import estimates as estimate_queries
from app.rendering import etag_of, public, rendered
from app.responder import json_response
from app.schemas import read
from app.schemas.seed import CitationWrite, DocumentWrite, EstimateIn, SourceIn, patch_model

router = APIRouter(tags=["editing"])

# The ETag of GET /v1/estimates/panel-2024-workers-abroad-2023 on the seed data (a test
# checks it against the live answer), so the example is a header a client can send.
EXAMPLE_ETAG = '"8f98d03cc10e9c656254bc2725830e9b"'
IfMatch = Annotated[
    str | None,
    Header(
        description="the ETag of your last GET of this resource; required",
        examples=[EXAMPLE_ETAG],
    ),
]
WRITE_ERRORS = problem_responses(400, 401, 403, 404, 409, 412, 413, 422, 428)
NEEDS_KEY: dict[str, Any] = {"security": [{bearer.scheme_name: []}]}


@dataclass(frozen=True)
class Resource:
    """How one kind of record is read, turned back into its record, and saved."""

    name: str
    model: Any
    record_model: type[BaseModel]
    read: Callable[[Session, str], Any]  # the representation GET returns
    record_of: Callable[[Any], BaseModel]
    save: Callable[[Session, Any, str, str], Any]  # (session, record, actor, id)
    # Locks the rows whose change this one's representation shows, before this row:
    # a citation's estimate (always first, so that two writes never wait on each other).
    lock_first: Callable[[Session, str], None] = lambda session, ident: None

    def url(self, ident: str) -> str:
        return f"/v1/{self.name}s/{ident}"


def _validate(model: type[BaseModel], data: dict[str, Any]) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InvalidBody(
            [(".".join(str(p) for p in e["loc"]) or "body", e["msg"]) for e in exc.errors()]
        ) from None


def _lock(session: Session, model: Any, ident: str) -> Any:
    """The row `ident` (None if there is none), held until the transaction ends: on
    PostgreSQL `SELECT ... FOR NO KEY UPDATE` (ids never change, so rows that only refer
    to it are not held up); SQLite's write transaction holds the whole database already."""
    return session.get(model, ident, with_for_update={"key_share": True}, populate_existing=True)


def _check_references(session: Session, record: BaseModel) -> None:
    problems = records.reference_problems(record, records.DbCatalog(session))
    if problems:
        raise InvalidBody(problems)


def _commit(session: Session) -> None:
    """Commit (a lost race on a row version becomes a 412 in app.errors), then forget the
    loaded state so the response is read back from the database. The read model's rows
    that the change made stale are built first, in the same transaction."""
    read_model.refill(session)
    session.commit()
    session.expire_all()


def _respond(
    session: Session, response: Response, body: Any, code: int, location: str | None = None
) -> Any:
    """The written resource as read back, with its ETag. The read-back's transaction ends
    here: a route must not return holding SQLite's write lock, since FastAPI checks the
    response in another worker thread, which writers waiting for the lock may all hold."""
    session.rollback()
    headers = {"Location": location} if location else {}
    item = rendered(body)  # as it was rendered (an estimate, from the read model), or now
    headers["ETag"] = item.etag
    return Response(public(item.json), code, headers, media_type="application/json")


def _current(session: Session, res: Resource, ident: str, if_match: str | None) -> Any:
    """The row addressed, locked, after checking that the client saw its current version
    (If-Match): the check and the write that follows are one compare-and-set, since no
    other write of this resource can commit in between."""
    res.lock_first(session, ident)
    obj = _lock(session, res.model, ident)
    if obj is None:
        raise NotFound(f"no {res.name} with id {ident!r}")
    check_if_match(if_match, etag_of(res.read(session, ident)))
    return obj


def _taken(res: Resource, ident: str) -> Conflict:
    reason = f"{res.name} id {ident!r} is taken; PATCH it, or choose another id"
    return Conflict(reason, [InvalidParam(name="id", location="body", reason=reason)])


def _create(session: Session, res: Resource, body: Any, key: ApiKey, response: Response) -> Any:
    """Insert the record; never an update: an id that is taken, or taken by a create that
    commits meanwhile, is a 409 naming `id`."""
    if session.get(res.model, body.id) is not None:
        raise _taken(res, body.id)
    _check_references(session, body)
    try:
        saved = res.save(session, body, key.name, body.id)
        if not saved.created:  # another create committed after the check above
            raise _taken(res, body.id)
        _commit(session)
    except IntegrityError:
        # Another create of the same id was still running: the unique key decided.
        session.rollback()
        if session.get(res.model, body.id) is not None:
            raise _taken(res, body.id) from None
        raise
    return _respond(session, response, res.read(session, body.id), 201, res.url(body.id))


def _update(
    session: Session,
    res: Resource,
    ident: str,
    patch: BaseModel,
    if_match: str | None,
    key: ApiKey,
    response: Response,
) -> Any:
    """Merge the patch into the stored record, validate it like a new one, save it."""
    obj = _current(session, res, ident, if_match)
    stored = res.record_of(obj).model_dump(mode="json", by_alias=True)
    record = _validate(
        res.record_model,
        stored | patch.model_dump(mode="json", by_alias=True, exclude_unset=True),
    )
    _check_references(session, record)
    res.save(session, record, key.name, ident)
    _commit(session)
    return _respond(session, response, res.read(session, ident), 200)


def _delete(
    session: Session,
    res: Resource,
    ident: str,
    if_match: str | None,
    key: ApiKey,
    dependants: list[tuple[str, Any]],
    estimate_id: Callable[[Any], str | None] = lambda obj: None,
) -> Response:
    """Delete the row unless something depends on it (409 naming what)."""
    obj = _current(session, res, ident, if_match)
    blockers = []
    for label, stmt in dependants:
        ids = list(session.scalars(stmt.limit(6)))
        if ids:
            blockers.append(f"{label}: " + ", ".join(ids[:5]) + (", ..." if len(ids) > 5 else ""))
    if blockers:
        raise Conflict(f"{res.name} {ident!r} is still used by " + "; ".join(blockers))
    records.log_change(
        session,
        key.name,
        Action.delete,
        res.name,
        ident,
        res.record_of(obj),
        None,
        estimate_id=estimate_id(obj),
    )
    session.delete(obj)
    _commit(session)
    return Response(status_code=204)


SOURCE = Resource(
    "source",
    Source,
    SourceIn,
    catalog_queries.get_source,
    records.source_record,
    lambda s, r, actor, _id: records.save_source(s, r, actor),
)
DOCUMENT = Resource(
    "document",
    Document,
    DocumentWrite,
    catalog_queries.get_document,
    records.document_record,
    lambda s, r, actor, _id: records.save_document(s, r, actor, r.full_text),
)
ESTIMATE = Resource(
    "estimate",
    Estimate,
    EstimateIn,
    estimate_queries.get_estimate,
    records.estimate_record,
    lambda s, r, actor, _id: records.save_estimate(s, r, actor),
)


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


def _lock_estimate_of(session: Session, citation_id: str) -> None:
    estimate_id = session.scalar(select(Citation.estimate_id).where(Citation.id == citation_id))
    if estimate_id is not None:
        _lock(session, Estimate, estimate_id)


CITATION = Resource(
    "citation",
    Citation,
    CitationWrite,
    _citation,
    records.citation_record,
    records.save_citation,
    lock_first=_lock_estimate_of,
)

SourcePatch = patch_model(SourceIn)
DocumentPatch = patch_model(DocumentWrite)
EstimatePatch = patch_model(EstimateIn)
CitationPatch = patch_model(CitationWrite)
SourceId = Annotated[str, Path(description="the source's id", max_length=120)]
DocumentId = Annotated[str, Path(description="the document's id", max_length=120)]
CitationId = Annotated[str, Path(description="the citation's id", max_length=250)]


# --- sources ---------------------------------------------------------------------------


@router.post(
    "/v1/sources",
    summary="Create a source",
    status_code=201,
    response_model=read.SourceDetail,
    responses=WRITE_ERRORS,
    openapi_extra=NEEDS_KEY,
)
def create_source(
    session: WriteSessionDep, key: EditorDep, body: SourceIn, response: Response
) -> Any:
    """Add an organisation or person that publishes or asserts figures."""
    return _create(session, SOURCE, body, key, response)


@router.patch(
    "/v1/sources/{source_id}",
    summary="Update a source",
    response_model=read.SourceDetail,
    responses=WRITE_ERRORS,
    openapi_extra=NEEDS_KEY,
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
    return _update(session, SOURCE, source_id, body, if_match, key, response)


@router.delete(
    "/v1/sources/{source_id}",
    summary="Delete a source (admin)",
    status_code=204,
    responses=WRITE_ERRORS,
    openapi_extra=NEEDS_KEY,
)
def delete_source(
    session: WriteSessionDep, key: AdminDep, source_id: SourceId, if_match: IfMatch = None
) -> Response:
    """Delete a source that nothing depends on; otherwise 409 says what depends on it."""
    return _delete(
        session,
        SOURCE,
        source_id,
        if_match,
        key,
        [
            (
                "documents it published",
                select(Document.id).where(Document.publisher_id == source_id),
            ),
            ("estimates it claims", select(Estimate.id).where(Estimate.claimant_id == source_id)),
        ],
    )


# --- documents -------------------------------------------------------------------------


@router.post(
    "/v1/documents",
    summary="Create a document",
    status_code=201,
    response_model=read.DocumentDetail,
    responses=WRITE_ERRORS,
    openapi_extra=NEEDS_KEY,
)
def create_document(
    session: WriteSessionDep, key: EditorDep, body: DocumentWrite, response: Response
) -> Any:
    """Add a report, filing or article, with its full text if you have it."""
    return _create(session, DOCUMENT, body, key, response)


@router.patch(
    "/v1/documents/{document_id}",
    summary="Update a document",
    response_model=read.DocumentDetail,
    responses=WRITE_ERRORS,
    openapi_extra=NEEDS_KEY,
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
    return _update(session, DOCUMENT, document_id, body, if_match, key, response)


@router.delete(
    "/v1/documents/{document_id}",
    summary="Delete a document (admin)",
    status_code=204,
    responses=WRITE_ERRORS,
    openapi_extra=NEEDS_KEY,
)
def delete_document(
    session: WriteSessionDep, key: AdminDep, document_id: DocumentId, if_match: IfMatch = None
) -> Response:
    """Delete a document nothing depends on; otherwise 409 says what depends on it."""
    return _delete(
        session,
        DOCUMENT,
        document_id,
        if_match,
        key,
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


# --- estimates -------------------------------------------------------------------------


@router.post(
    "/v1/estimates",
    summary="Create an estimate",
    status_code=201,
    response_model=read.EstimateDetail,
    responses=WRITE_ERRORS,
    openapi_extra=NEEDS_KEY,
)
def create_estimate(
    session: WriteSessionDep, key: EditorDep, body: EstimateIn, response: Response
) -> Any:
    """Add a figure with at least one citation; quotes must be verbatim in stored texts."""
    return _create(session, ESTIMATE, body, key, response)


@router.patch(
    "/v1/estimates/{estimate_id}",
    summary="Update an estimate",
    response_model=read.EstimateDetail,
    responses=WRITE_ERRORS,
    openapi_extra=NEEDS_KEY,
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
    return _update(session, ESTIMATE, estimate_id, body, if_match, key, response)


@router.delete(
    "/v1/estimates/{estimate_id}",
    summary="Retract an estimate",
    response_model=read.EstimateDetail,
    responses=WRITE_ERRORS,
    openapi_extra=NEEDS_KEY,
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
    retract = EstimatePatch(status=EstimateStatus.retracted, superseded_by=None)
    return _update(session, ESTIMATE, estimate_id, retract, if_match, key, response)


# --- citations -------------------------------------------------------------------------


@router.get(
    "/v1/citations/{citation_id}",
    summary="One citation",
    tags=["estimates"],
    response_model=read.CitationDetail,
    responses=problem_responses(400, 404),
)
def get_citation(request: Request, session: ReadSessionDep, citation_id: CitationId) -> Response:
    """A quote stating an estimate, and the document it is from."""
    return json_response(request, _citation(session, citation_id))


@router.post(
    "/v1/citations",
    summary="Add a citation to an estimate",
    status_code=201,
    response_model=read.CitationDetail,
    responses=WRITE_ERRORS,
    openapi_extra=NEEDS_KEY,
)
def create_citation(
    session: WriteSessionDep, key: EditorDep, body: CitationWrite, response: Response
) -> Any:
    """Record another document that states the estimate, with the verbatim quote."""
    # Held while the next free citation id is chosen, so concurrent creates take turns.
    _lock(session, Estimate, body.estimate)
    _check_references(session, body)
    cid = records.save_citation(session, body, key.name, None)
    _commit(session)
    return _respond(session, response, _citation(session, cid), 201, CITATION.url(cid))


@router.patch(
    "/v1/citations/{citation_id}",
    summary="Update a citation",
    response_model=read.CitationDetail,
    responses=WRITE_ERRORS,
    openapi_extra=NEEDS_KEY,
)
def update_citation(
    session: WriteSessionDep,
    key: EditorDep,
    citation_id: CitationId,
    body: CitationPatch,
    response: Response,
    if_match: IfMatch = None,
) -> Any:
    """Change a citation's document, quote or locator (it stays with its estimate)."""
    return _update(session, CITATION, citation_id, body, if_match, key, response)


@router.delete(
    "/v1/citations/{citation_id}",
    summary="Delete a citation",
    status_code=204,
    responses=WRITE_ERRORS,
    openapi_extra=NEEDS_KEY,
)
def delete_citation(
    session: WriteSessionDep, key: EditorDep, citation_id: CitationId, if_match: IfMatch = None
) -> Response:
    """Remove a citation; an estimate's last citation cannot go (retract the estimate)."""
    _lock_estimate_of(session, citation_id)  # two deletes must not both take "not the last"
    c = session.get(Citation, citation_id)
    if c is not None:
        n = session.scalar(select(func.count()).where(Citation.estimate_id == c.estimate_id))
        if n == 1:
            raise Conflict(
                f"citation {citation_id!r} is the only evidence for estimate "
                f"{c.estimate_id!r}; an estimate needs a citation: retract the estimate instead"
            )
    return _delete(
        session, CITATION, citation_id, if_match, key, [], estimate_id=lambda obj: obj.estimate_id
    )
