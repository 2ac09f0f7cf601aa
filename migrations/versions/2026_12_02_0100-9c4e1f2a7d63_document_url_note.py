"""document url note

Revision ID: 9c4e1f2a7d63
Revises: 7b3e9d1c4a50
Create Date: 2026-12-02 01:00:00

A document without a URL says why (`url_note`, e.g. "no public URL known: the text does not
give one"), so that a citation can state it instead of leaving the reader to guess.

Downgrade loses: those notes.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9c4e1f2a7d63"
down_revision: str | None = "7b3e9d1c4a50"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN, not batch mode: a rebuilt SQLite table would lose its triggers.
    op.add_column("document", sa.Column("url_note", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("document", "url_note")
