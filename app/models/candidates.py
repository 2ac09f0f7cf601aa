"""The review queue: candidate figures extracted from a document's text, one row each.

A candidate is editorial workflow, not data: it is read and decided by editors only, an
`as_of=` snapshot leaves it out, and the public changes feed does not show its steps (the
audit log holds them all). Its proposal (value, period, scope, ...) is kept as the
extraction gave it, in the fields of the records an estimate is written with
(app.schemas.seed), so that accepting it is one validation of those records.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Double,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.enums import CandidateStatus
from app.models.base import Base, UtcDateTime, str_enum

# The audit log's resource_type of a candidate's steps.
CANDIDATE = "candidate"


class Candidate(Base):
    __tablename__ = "candidate"
    __table_args__ = (
        CheckConstraint("quote_start <= quote_end", name="span_ordered"),
        CheckConstraint("(status = 'rejected') = (reason IS NOT NULL)", name="rejected_why"),
        CheckConstraint("(status = 'accepted') = (estimate_id IS NOT NULL)", name="accepted_what"),
        Index("ix_candidate_document_status", "document_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # A document's candidates go with it (a document deleted has nothing left to review).
    document_id: Mapped[str] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    status: Mapped[CandidateStatus] = mapped_column(str_enum(CandidateStatus, "candidate_status"))
    # text[quote_start:quote_end] == quote, in the document's text of digest text_sha256
    quote_start: Mapped[int] = mapped_column(Integer)
    quote_end: Mapped[int] = mapped_column(Integer)
    quote: Mapped[str] = mapped_column(Text)
    text_sha256: Mapped[str] = mapped_column(String(64))
    value: Mapped[dict[str, Any]] = mapped_column(JSON)  # app.schemas.seed.ValueIn's fields
    interval: Mapped[dict[str, Any]] = mapped_column(JSON)  # app.hedges.interval_of(value)
    period: Mapped[dict[str, Any]] = mapped_column(JSON)  # PeriodIn's fields
    period_resolved: Mapped[bool] = mapped_column(Boolean)
    scope: Mapped[dict[str, Any]] = mapped_column(JSON)  # ScopeIn's fields
    sectors: Mapped[list[str]] = mapped_column(JSON)
    population: Mapped[str] = mapped_column(String(20))
    # Guesses, not references: a source or metric named here may not exist (yet).
    claimant: Mapped[str | None] = mapped_column(String(120))
    claimant_text: Mapped[str | None] = mapped_column(Text)
    metric: Mapped[str | None] = mapped_column(String(60))
    metric_confidence: Mapped[float] = mapped_column(Double)
    warnings: Mapped[list[str]] = mapped_column(JSON)
    echo_of: Mapped[str | None] = mapped_column(String(120))  # the estimate it repeats
    extracted_at: Mapped[datetime] = mapped_column(UtcDateTime)
    extracted_by: Mapped[str] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    reason: Mapped[str | None] = mapped_column(Text)  # why it was rejected
    # What accepting it made: the new estimate (or the one an echo was cited for), and
    # the citation of the quote.
    estimate_id: Mapped[str | None] = mapped_column(String(120))
    citation_id: Mapped[str | None] = mapped_column(String(250))
