"""index of estimates that are not active

Revision ID: 68fe982299d2
Revises: 862b18eddb08
Create Date: 2026-11-30 21:24:14.273348

A partial index of superseded and retracted estimates in period order: `status=retracted`
read every estimate (2.3 s at 1M rows, none of them retracted) where it now reads the few
that are not active. Plain index operations, not batch mode, so SQLite's full-text
triggers (862b18eddb08) stay.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "68fe982299d2"
down_revision: str | None = "862b18eddb08"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOT_ACTIVE = sa.text("status <> 'active'")


def upgrade() -> None:
    op.create_index(
        "ix_estimate_status_not_active",
        "estimate",
        ["status", "period_start", "id"],
        sqlite_where=NOT_ACTIVE,
        postgresql_where=NOT_ACTIVE,
    )


def downgrade() -> None:
    op.drop_index("ix_estimate_status_not_active", table_name="estimate")
