"""SQL for the review queue: candidates by document and status, one by number."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import CandidateStatus
from app.errors import NotFound
from app.models import Candidate, Document
from app.pagination import PageParams, Rows, SortKey
from app.queries.common import fetch_page, require_ids
from app.schemas.candidates import CandidateRead

CANDIDATE_KEY = SortKey("id", Candidate.id, Candidate.id)


def candidate_read(c: Candidate) -> CandidateRead:
    """A candidate row as the API shows it."""
    return CandidateRead(
        id=c.id,
        document=c.document_id,
        status=c.status,
        start=c.quote_start,
        end=c.quote_end,
        quote=c.quote,
        text_sha256=c.text_sha256,
        value=c.value,
        interval=c.interval,
        period=c.period,
        period_resolved=c.period_resolved,
        scope=c.scope,
        sectors=c.sectors,
        population=c.population,
        claimant=c.claimant,
        claimant_text=c.claimant_text,
        metric=c.metric,
        metric_confidence=c.metric_confidence,
        warnings=c.warnings,
        echo_of=c.echo_of,
        extracted_at=c.extracted_at,
        extracted_by=c.extracted_by,
        decided_at=c.decided_at,
        decided_by=c.decided_by,
        reason=c.reason,
        estimate_id=c.estimate_id,
        citation_id=c.citation_id,
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
