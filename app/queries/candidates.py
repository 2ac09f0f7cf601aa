"""SQL for the review queue: candidates by document and status, one by number."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import CandidateStatus
from app.errors import NotFound
from app.models import Candidate, Document
from app.pagination import PageParams, Rows, SortKey
from app.queries.common import fetch_page, require_ids
from app.schemas.candidates import CandidateRead

CANDIDATE_KEY = SortKey("id", Candidate.id, Candidate.id)


# What a candidate proposes and where it stands: shown by the API and kept by the audit log.
_SHARED = (
    "id",
    "status",
    "quote",
    "text_sha256",
    "value",
    "interval",
    "period",
    "period_resolved",
    "scope",
    "sectors",
    "population",
    "claimant",
    "claimant_text",
    "metric",
    "metric_confidence",
    "warnings",
    "echo_of",
    "reason",
    "estimate_id",
    "citation_id",
)


def candidate_fields(c: Candidate) -> dict[str, Any]:
    """The fields the API's view of a candidate and the audit log's record share."""
    return {name: getattr(c, name) for name in _SHARED} | {"document": c.document_id}


def candidate_read(c: Candidate) -> CandidateRead:
    """A candidate row as the API shows it."""
    return CandidateRead(
        **candidate_fields(c),
        start=c.quote_start,
        end=c.quote_end,
        extracted_at=c.extracted_at,
        extracted_by=c.extracted_by,
        decided_at=c.decided_at,
        decided_by=c.decided_by,
    )


def list_candidates(
    session: Session, document: list[str], status: list[CandidateStatus], params: PageParams
) -> Rows:
    """Candidates in the order they were extracted, of some documents and statuses."""
    require_ids(session, Document.id, document, "document", "/v1/documents")
    stmt = select(Candidate)
    if document:
        stmt = stmt.where(Candidate.document_id.in_(document))
    if status:
        stmt = stmt.where(Candidate.status.in_(status))
    rows, cursor, total = fetch_page(session, stmt, CANDIDATE_KEY, params)
    return Rows([candidate_read(c) for (c,) in rows], cursor, total)


def get_candidate(session: Session, candidate_id: int) -> CandidateRead:
    """One candidate by number."""
    c = session.get(Candidate, candidate_id)
    if c is None:
        raise NotFound(f"no candidate with id {candidate_id}")
    return candidate_read(c)
