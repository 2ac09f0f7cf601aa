"""document byline

Revision ID: a3d5e7f9b1c2
Revises: 9c4e1f2a7d63
Create Date: 2026-12-02 01:10:00

Who wrote a document, where the text names someone other than its publisher ("By Reuters"
on The Moscow Times' page): its citations name that author, and the publisher as the outlet.

Downgrade loses: the bylines.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a3d5e7f9b1c2"
down_revision: str | None = "9c4e1f2a7d63"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN, not batch mode: a rebuilt SQLite table would lose its triggers.
    op.add_column("document", sa.Column("byline", sa.String(length=300), nullable=True))


def downgrade() -> None:
    op.drop_column("document", "byline")
