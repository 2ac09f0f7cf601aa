"""data releases

Revision ID: a1c3e5f7b9d2
Revises: a3d5e7f9b1c2
Create Date: 2026-12-02 01:20:00

Named data releases: `dprk-labor release NAME` marks the current data version (the id of
the audit log's latest entry) so that datasets cited by version can be read with
`as_of=NAME`; `/v1/releases` lists them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a1c3e5f7b9d2"
down_revision: str | None = "a3d5e7f9b1c2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "release",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("data_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("notes", sa.String(length=1000), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_release")),
    )


def downgrade() -> None:
    op.drop_table("release")
