"""claimant lists in period order

Revision ID: ceb2a509c1bd
Revises: 68fe982299d2
Create Date: 2026-11-30 22:20:22.098432

`claimant=` read all of a claimant's estimates through (claimant_id) and sorted them
(5.3 ms at 1M rows on SQLite, growing with the data); (claimant_id, period_start, id)
gives them in list order and still serves the foreign key. Plain index operations, not
batch mode: a rebuilt SQLite table would lose the full-text triggers (862b18eddb08).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "ceb2a509c1bd"
down_revision: str | None = "68fe982299d2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_estimate_claimant_period", "estimate", ["claimant_id", "period_start", "id"]
    )
    op.drop_index("ix_estimate_claimant_id", table_name="estimate")


def downgrade() -> None:
    op.create_index("ix_estimate_claimant_id", "estimate", ["claimant_id"])
    op.drop_index("ix_estimate_claimant_period", table_name="estimate")
