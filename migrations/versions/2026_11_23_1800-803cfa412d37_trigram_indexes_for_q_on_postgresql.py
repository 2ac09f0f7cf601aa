"""trigram indexes for q= on PostgreSQL

Revision ID: 803cfa412d37
Revises: 66d994beecda
Create Date: 2026-11-23 18:00:29.378406
"""

from collections.abc import Sequence

from alembic import op

revision: str = "803cfa412d37"
down_revision: str | None = "66d994beecda"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


TRIGRAM = {  # index: (table, column)
    "ix_citation_quote_trgm": ("citation", "quote"),
    "ix_estimate_notes_trgm": ("estimate", "notes"),
    "ix_estimate_value_text_trgm": ("estimate", "value_text"),
}


def upgrade() -> None:
    # PostgreSQL only (app.models.estimates.trigram_index). pg_trgm ships with PostgreSQL
    # and is a trusted extension: the database's owner may create it.
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, (table, column) in TRIGRAM.items():
        op.create_index(
            name,
            table,
            [column],
            unique=False,
            postgresql_using="gin",
            postgresql_ops={column: "gin_trgm_ops"},
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, (table, _column) in TRIGRAM.items():
        op.drop_index(name, table_name=table)
