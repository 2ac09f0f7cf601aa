"""candidate review queue

Revision ID: b2d4f6a8c0e1
Revises: a1c3e5f7b9d2
Create Date: 2026-12-02 04:00:00

The review queue of issue 18: candidate figures extracted from a document's stored text,
each pending, accepted (with the estimate or citation it made) or rejected (with the
reason), and the digest of the text it was read from.

Downgrade loses: the review queue, every candidate and its decision (the audit log keeps
their steps).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b2d4f6a8c0e1"
down_revision: str | None = "a1c3e5f7b9d2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "candidate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.String(length=120), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "accepted",
                "rejected",
                name="candidate_status",
                native_enum=False,
                create_constraint=True,
                length=8,
            ),
            nullable=False,
        ),
        sa.Column("quote_start", sa.Integer(), nullable=False),
        sa.Column("quote_end", sa.Integer(), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("text_sha256", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("interval", sa.JSON(), nullable=False),
        sa.Column("period", sa.JSON(), nullable=False),
        sa.Column("period_resolved", sa.Boolean(), nullable=False),
        sa.Column("scope", sa.JSON(), nullable=False),
        sa.Column("sectors", sa.JSON(), nullable=False),
        sa.Column("population", sa.String(length=20), nullable=False),
        sa.Column("claimant", sa.String(length=120), nullable=True),
        sa.Column("claimant_text", sa.Text(), nullable=True),
        sa.Column("metric", sa.String(length=60), nullable=True),
        sa.Column("metric_confidence", sa.Double(), nullable=False),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("echo_of", sa.String(length=120), nullable=True),
        sa.Column("extracted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("extracted_by", sa.String(length=100), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("estimate_id", sa.String(length=120), nullable=True),
        sa.Column("citation_id", sa.String(length=250), nullable=True),
        sa.CheckConstraint("quote_start <= quote_end", name=op.f("ck_candidate_span_ordered")),
        sa.CheckConstraint(
            "(status = 'rejected') = (reason IS NOT NULL)", name=op.f("ck_candidate_rejected_why")
        ),
        sa.CheckConstraint(
            "(status = 'accepted') = (estimate_id IS NOT NULL)",
            name=op.f("ck_candidate_accepted_what"),
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["document.id"],
            name=op.f("fk_candidate_document_id_document"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_candidate")),
    )
    op.create_index(
        "ix_candidate_document_status", "candidate", ["document_id", "status", "id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_candidate_document_status", table_name="candidate")
    op.drop_table("candidate")
