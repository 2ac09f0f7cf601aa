"""period end in the period-order index

Revision ID: 38d909e088ca
Revises: ceb2a509c1bd
Create Date: 2026-11-30 22:46:00

A list in period order without a metric or a country walks (period_start, id); an
overlap filter then read the row of every period that started after the scan's floor to
learn its end, most of them ending before the range (175 ms at 1M rows on SQLite).
With period_end in the index those are passed over in the index (21 ms). Plain index
operations, not batch mode, so SQLite's full-text triggers (862b18eddb08) stay.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "38d909e088ca"
down_revision: str | None = "ceb2a509c1bd"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_estimate_period_start_id_end", "estimate", ["period_start", "id", "period_end"]
    )
    op.drop_index("ix_estimate_period_start_id", table_name="estimate")


def downgrade() -> None:
    op.create_index("ix_estimate_period_start_id", "estimate", ["period_start", "id"])
    op.drop_index("ix_estimate_period_start_id_end", table_name="estimate")
