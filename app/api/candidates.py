"""The review queue (issue 18): extract candidate figures from a document's stored text,
list them, and accept (through the one write path) or reject each.

Every route needs an editor's key, reads included: a candidate is a machine's unreviewed
reading of a text, not a figure anyone should cite, so it is not public (and, being read
with a key, no shared cache keeps it). A text given in the request is only previewed
(`POST /v1/extract` stores nothing): an accepted quote must be verbatim in the document's
stored text, so only a stored text fills the queue.
"""

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import orjson
from fastapi import APIRouter, Path, Query, Request, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import records
from app.api.deps import PageDep
from app.api.writes import (
    ESTIMATE,
    NEEDS_KEY,
    DocumentId,
    _check_references,
    _commit,
    _lock,
    _respond,
    _taken,
    _validate,
)
from app.auth import EditorDep
from app.db import SessionDep, WriteSessionDep
from app.enums import Action, CandidateStatus, Precision
from app.errors import Conflict, InvalidBody, NotFound, problem_responses
from app.models import Candidate, Citation, Document, Estimate
from app.models.candidates import CANDIDATE
from app.pagination import Page, PageParams, Rows
from app.queries import candidates as queries
from app.rendering import render
from app.responder import json_response, page_response
from app.schemas.candidates import (
    AcceptIn,
    CandidateProposal,
    CandidateRead,
    CandidateRecord,
    PreviewIn,
    RejectIn,
)
from app.schemas.seed import CitationWrite, EstimateIn

if TYPE_CHECKING:
    from app.extraction import Candidate as Extracted

router = APIRouter(tags=["intake"])

CandidateId = Annotated[
    int,
    Path(description="the candidate's number in the queue", examples=[1], ge=1, le=2**31 - 1),
]
READ_ERRORS = problem_responses(400, 401, 404)
DECIDE_ERRORS = problem_responses(400, 401, 404, 409, 413, 422)


def _plain(value: Any) -> Any:
    """`value` as plain JSON types (dates as ISO strings), as a JSON column stores it."""
    return orjson.loads(render(value))


def _proposal(c: "Extracted") -> dict[str, Any]:
    """An extracted candidate's fields, as CandidateProposal shows them."""
    return _plain(
        {
            "start": c.start,
            "end": c.end,
            "quote": c.quote,
            "value": c.value,
            "interval": c.interval,
            "period": c.period,
            "period_resolved": c.period_resolved,
            "scope": c.scope,
            "sectors": list(c.sectors),
            "population": str(c.population),
            "claimant": c.claimant,
            "claimant_text": c.claimant_text,
            "metric": c.metric,
            "metric_confidence": float(c.metric_confidence),
            "warnings": list(c.warnings),
            "echo_of": c.echo_of,
        }
    )


def _found(session: Session, text: str, published: date | None) -> list["Extracted"]:
    """The candidates the extraction finds in `text`, echoes of known estimates marked."""
    # Imported when first used: its language libraries (dateparser, pysbd, quantulum3)
    # take a while to load, which no other request and no CLI command should wait for.
    from app.extraction import extract, match_echoes, vocabulary

    words = vocabulary(session)
    session.rollback()  # no connection held (idle in a transaction) while the text is read
    return match_echoes(session, extract(text, published, words))


def _dated(doc: Document) -> tuple[date, str] | None:
    """The date relative wordings of `doc` are read against, and as written: only when it
    is known to the month at least. Against a date known only to its year (stored as 1
    January), "at the end of August" would be read as the August before, which nothing
    says; its periods are left unknown (and warned) for the editor instead."""
    if doc.published_on is None:
        return None
    if doc.published_precision is Precision.day:
        return doc.published_on, doc.published_on.isoformat()
    if doc.published_precision is Precision.month:
        return doc.published_on, doc.published_on.strftime("%Y-%m")
    return None


def candidate_record(c: Candidate) -> CandidateRecord:
    """A candidate row as the audit log keeps it."""
    return CandidateRecord(
        **queries.candidate_fields(c), quote_start=c.quote_start, quote_end=c.quote_end
    )


def _log(
    session: Session, actor: str, action: Action, c: Candidate, before: CandidateRecord | None
) -> None:
    records.log_change(
        session, actor, action, CANDIDATE, str(c.id), before, candidate_record(c), None
    )


def _same(c: Candidate) -> tuple[int, int, bytes]:
    """What makes two candidates of one text the same proposal: the span and the value."""
    return c.quote_start, c.quote_end, orjson.dumps(c.value, option=orjson.OPT_SORT_KEYS)


def _queue(
    session: Session, doc: Document, digest: str, found: list["Extracted"], actor: str
) -> list[Candidate]:
    """Store each candidate found as pending, unless the same one of the same text is in
    the queue already (whatever its status): extracting twice queues nothing twice."""
    queued = {
        _same(c): c
        for c in session.scalars(
            select(Candidate).where(
                Candidate.document_id == doc.id, Candidate.text_sha256 == digest
            )
        )
    }
    out = []
    for proposal in map(_proposal, found):
        row = Candidate(
            document_id=doc.id,
            status=CandidateStatus.pending,
            quote_start=proposal.pop("start"),
            quote_end=proposal.pop("end"),
            text_sha256=digest,
            extracted_at=datetime.now(UTC),
            extracted_by=actor,
            **proposal,
        )
        kept = queued.get(_same(row))
        if kept is None:
            session.add(row)
            session.flush()  # its id, for the audit log
            _log(session, actor, Action.create, row, None)
            kept = queued[_same(row)] = row
        out.append(kept)
    return out


@router.post(
    "/v1/documents/{document_id}/extract",
    summary="Extract candidate figures from a document",
    status_code=201,
    response_model=Page[CandidateRead],
    responses=problem_responses(400, 401, 404, 409),
    openapi_extra=NEEDS_KEY,
)
def extract_document(
    request: Request,
    read: SessionDep,
    session: WriteSessionDep,
    key: EditorDep,
    document_id: DocumentId,
) -> Response:
    """Read the document's stored full text and queue every figure found in it as a
    pending candidate, with its verbatim quote; answers with them. Extracting again queues
    only what is new (a changed text, or a better extraction). Relative dates ('in
    December') are read against the document's date when it is known to the month at
    least; otherwise their periods are left unknown, and warned. A document without a
    stored text is a 409."""
    # The extraction takes seconds on a long text: it reads on a session of its own, and
    # the write (SQLite's write lock) begins after it, for a text still the one it read.
    doc = read.get(Document, document_id)
    if doc is None:
        raise NotFound(f"no document with id {document_id!r}")
    text = doc.full_text
    if text is None:
        raise Conflict(
            f"document {document_id!r} has no stored text to extract from: PATCH it with "
            "`full_text` first (POST /v1/extract tries a text without storing it)"
        )
    digest = records.text_digest(text)["sha256"]
    dated = _dated(doc)
    found = _found(read, text, dated[0] if dated else None)
    read.rollback()
    doc = _lock(session, Document, document_id)
    now = doc.full_text if doc is not None else None
    if doc is None or now is None or records.text_digest(now)["sha256"] != digest:
        raise Conflict(f"document {document_id!r} changed while it was being read: extract again")
    rows = _queue(session, doc, digest, found, key.name)
    ids = [r.id for r in rows]
    _commit(session)
    items = [queries.candidate_read(session.get_one(Candidate, i)) for i in ids]
    session.rollback()  # release the write transaction before answering (see _respond)
    response = page_response(request, Rows(items, None), PageParams(limit=max(len(items), 1)))
    response.status_code = 201
    response.headers["Location"] = f"/v1/candidates?document={document_id}"
    return response


@router.post(
    "/v1/extract",
    summary="Try the extraction on a text",
    response_model=Page[CandidateProposal],
    responses=problem_responses(400, 401, 413, 422),
    openapi_extra=NEEDS_KEY,
)
def preview_extraction(
    request: Request, session: SessionDep, key: EditorDep, body: PreviewIn
) -> Response:
    """The candidate figures a text holds, as `POST /v1/documents/{id}/extract` would
    queue them, without storing anything: for trying a text before it is stored. Its
    size is bounded by the request body limit (413)."""
    found = [
        CandidateProposal(**_proposal(c)) for c in _found(session, body.text, body.published_on)
    ]
    session.rollback()
    return page_response(request, Rows(found, None), PageParams(limit=max(len(found), 1)))


@router.get(
    "/v1/candidates",
    summary="The review queue",
    response_model=Page[CandidateRead],
    responses=READ_ERRORS,
    openapi_extra=NEEDS_KEY,
)
def list_candidates(
    request: Request,
    session: SessionDep,
    key: EditorDep,
    page: PageDep,
    document: Annotated[
        list[str] | None,
        Query(
            description="only candidates extracted from these documents (repeat for OR)",
            examples=["un-panel-of-experts-2024-report"],
        ),
    ] = None,
    status: Annotated[
        list[CandidateStatus] | None,
        Query(
            description="only candidates of these statuses (repeat for OR)", examples=["pending"]
        ),
    ] = None,
) -> Response:
    """Candidates in the order they were extracted (editor key: they are unreviewed)."""
    rows = queries.list_candidates(session, document or [], status or [], page)
    return page_response(request, rows, page)


@router.get(
    "/v1/candidates/{candidate_id}",
    summary="One candidate",
    response_model=CandidateRead,
    responses=READ_ERRORS,
    openapi_extra=NEEDS_KEY,
)
def get_candidate(
    request: Request, session: SessionDep, key: EditorDep, candidate_id: CandidateId
) -> Response:
    """One candidate, its proposal and its decision (editor key)."""
    return json_response(request, queries.get_candidate(session, candidate_id))


def _pending(session: Session, candidate_id: int) -> Candidate:
    """The candidate, locked, if it is still pending (409 if it was decided)."""
    # held to the commit, as app.api.writes._lock holds the rows it writes
    c = session.get(
        Candidate, candidate_id, with_for_update={"key_share": True}, populate_existing=True
    )
    if c is None:
        raise NotFound(f"no candidate with id {candidate_id}")
    if c.status is not CandidateStatus.pending:
        raise Conflict(
            f"candidate {candidate_id} was {c.status} already, by {c.decided_by} at "
            f"{c.decided_at:%Y-%m-%d %H:%M} UTC"
            + (f" (estimate {c.estimate_id!r})" if c.estimate_id else "")
        )
    return c


def _document_unchanged(session: Session, c: Candidate) -> Document:
    """The candidate's document, locked, if its text is still the one it was read from."""
    doc = _lock(session, Document, c.document_id)
    assert doc is not None  # a document's candidates are deleted with it
    text = doc.full_text
    if text is None or records.text_digest(text)["sha256"] != c.text_sha256:
        raise Conflict(
            f"document {doc.id!r}'s text changed since candidate {c.id} was extracted from "
            f"it, so its quote may no longer be there: extract it again (POST "
            f"/v1/documents/{doc.id}/extract)"
        )
    return doc


def _estimate_id(c: Candidate, metric: str) -> str:
    """A new estimate's id: the document's, the metric's and the candidate's number."""
    tail = f"{metric.replace('_', '-')}-{c.id}"
    return f"{c.document_id[: 119 - len(tail)].rstrip('-')}-{tail}"


def _proposed_estimate(c: Candidate, doc: Document, corrections: dict[str, Any]) -> EstimateIn:
    """The estimate the candidate proposes, with the editor's corrections; a 422 naming
    what the extraction could not tell and the editor did not send."""
    metric = corrections.get("metric", c.metric)
    claimant = corrections.get("claimant", c.claimant)
    missing = []
    if metric is None:
        missing.append(
            (
                "metric",
                "the extraction could not tell the metric: send `metric` (/v1/metrics lists them)",
            )
        )
    if claimant is None:
        missing.append(
            (
                "claimant",
                "the extraction could not tell who makes the claim: send "
                "`claimant`, a source id (/v1/sources lists them)",
            )
        )
    if missing:
        raise InvalidBody(missing)
    notes = None
    dated = _dated(doc)
    if c.period_resolved and dated is not None:
        notes = (
            f"The period ({c.period.get('text') or 'unworded'}) is read against the "
            f"document's date, {dated[1]}."
        )
    locator = corrections.pop("locator", None)
    data = {
        "id": _estimate_id(c, str(metric)),
        "metric": metric,
        "value": c.value,
        "period": c.period,
        "scope": c.scope,
        "sectors": c.sectors,
        "population": c.population,
        "claimant": claimant,
        "origin_document": doc.id,
        "notes": notes,
        "citations": [{"document": doc.id, "quote": c.quote, "locator": locator}],
    } | corrections
    record: EstimateIn = _validate(EstimateIn, data)
    return record


def _accept_estimate(
    session: Session, c: Candidate, doc: Document, corrections: dict[str, Any], actor: str
) -> tuple[str, str]:
    """Create the estimate through the write path; its id and its citation's."""
    record = _proposed_estimate(c, doc, corrections)
    if session.get(Estimate, record.id) is not None:
        raise _taken(ESTIMATE, record.id)
    _check_references(session, record)
    if not records.save_estimate(session, record, actor).created:  # made meanwhile
        raise _taken(ESTIMATE, record.id)
    return record.id, records.citation_ids(record.id, [doc.id])[0]


def _accept_echo(
    session: Session,
    c: Candidate,
    doc: Document,
    echo: str,
    corrections: dict[str, Any],
    actor: str,
) -> tuple[str, str]:
    """Add the quote as a citation of the estimate it repeats; the estimate's id and the
    citation's."""
    locator = corrections.pop("locator", None)
    if corrections:
        raise InvalidBody(
            [
                (
                    name,
                    f"an echo is accepted as a citation of estimate {echo!r}, which takes only "
                    "`locator`; send `echo_of: null` to make a new estimate instead",
                )
                for name in corrections
            ]
        )
    if _lock(session, Estimate, echo) is None:
        raise InvalidBody([("echo_of", f"estimate {echo!r} does not exist")])
    cited = session.scalar(
        select(Citation.id).where(
            Citation.estimate_id == echo, Citation.document_id == doc.id, Citation.quote == c.quote
        )
    )
    if cited is not None:
        raise Conflict(
            f"estimate {echo!r} cites this quote of {doc.id!r} already (citation {cited!r}): "
            "reject the candidate as a repeat"
        )
    record = _validate(
        CitationWrite, {"estimate": echo, "document": doc.id, "quote": c.quote, "locator": locator}
    )
    _check_references(session, record)
    return echo, records.save_citation(session, record, actor, None)


@router.post(
    "/v1/candidates/{candidate_id}/accept",
    summary="Accept a candidate",
    status_code=201,
    response_model=CandidateRead,
    responses=DECIDE_ERRORS,
    openapi_extra=NEEDS_KEY,
)
def accept_candidate(
    session: WriteSessionDep,
    key: EditorDep,
    candidate_id: CandidateId,
    response: Response,
    body: AcceptIn | None = None,
) -> Any:
    """Make the candidate a figure, with any corrections, as `POST /v1/estimates` would
    (the same validation, verbatim check and audit log); an echo becomes a citation of the
    estimate it repeats. `Location` is the estimate (or citation) made. A candidate decided
    already, or whose document's text changed since, is a 409; one the extraction left
    incomplete (no metric or claimant) is a 422 naming what to send."""
    c = _pending(session, candidate_id)
    doc = _document_unchanged(session, c)
    before = candidate_record(c)
    corrections = body.model_dump(mode="json", by_alias=True, exclude_unset=True) if body else {}
    echo = corrections.pop("echo_of", c.echo_of)
    if echo is not None:
        made = _accept_echo(session, c, doc, echo, corrections, key.name)
        location = f"/v1/citations/{made[1]}"
    else:
        made = _accept_estimate(session, c, doc, corrections, key.name)
        location = f"/v1/estimates/{made[0]}"
    c.status = CandidateStatus.accepted
    c.estimate_id, c.citation_id = made
    c.decided_at, c.decided_by = datetime.now(UTC), key.name
    _log(session, key.name, Action.update, c, before)
    _commit(session)
    return _respond(session, response, queries.get_candidate(session, candidate_id), 201, location)


@router.post(
    "/v1/candidates/{candidate_id}/reject",
    summary="Reject a candidate",
    response_model=CandidateRead,
    responses=DECIDE_ERRORS,
    openapi_extra=NEEDS_KEY,
)
def reject_candidate(
    session: WriteSessionDep,
    key: EditorDep,
    candidate_id: CandidateId,
    body: RejectIn,
    response: Response,
) -> Any:
    """Turn the candidate down, saying why (`reason`, required); a candidate decided
    already is a 409."""
    c = _pending(session, candidate_id)
    before = candidate_record(c)
    c.status, c.reason = CandidateStatus.rejected, body.reason
    c.decided_at, c.decided_by = datetime.now(UTC), key.name
    _log(session, key.name, Action.update, c, before)
    _commit(session)
    return _respond(session, response, queries.get_candidate(session, candidate_id), 200)
