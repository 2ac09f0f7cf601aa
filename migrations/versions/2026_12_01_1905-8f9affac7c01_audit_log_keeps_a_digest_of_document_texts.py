"""audit log keeps a digest of document texts

Revision ID: 8f9affac7c01
Revises: 38d909e088ca
Create Date: 2026-12-01 19:05:00

The audit log held a document's whole `full_text` in the before and the after of every
change (20 edits of a 1 MB document's notes made a 41 MB page of /v1/changes), and a
deleted document's text stayed readable there. New entries keep {"sha256", "length"} in
its place (app.records.snapshot); this rewrites the document entries written before, a
batch of rows at a time so that a long log is never held in memory at once.

Downgrade is a no-op: the texts are gone from the log and cannot be restored (a
document's current text is still in the document table).
"""

import hashlib
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "8f9affac7c01"
down_revision: str | None = "38d909e088ca"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 200

change = sa.table(
    "change",
    sa.column("id", sa.Integer),
    sa.column("resource_type", sa.String),
    sa.column("before", sa.JSON),
    sa.column("after", sa.JSON),
)


def _digested(record: Any) -> Any:
    # app.records.text_digest as it was when this was written, copied rather than imported:
    # a migration must keep doing what it did, whatever the app later does.
    if not isinstance(record, dict) or not isinstance(record.get("full_text"), str):
        return record
    text = record["full_text"]
    digest = {"sha256": hashlib.sha256(text.encode()).hexdigest(), "length": len(text)}
    return record | {"full_text": digest}


def upgrade() -> None:
    conn = op.get_bind()
    ids = conn.scalars(
        sa.select(change.c.id).where(change.c.resource_type == "document").order_by(change.c.id)
    ).all()
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        rows = conn.execute(
            sa.select(change.c.id, change.c.before, change.c.after).where(change.c.id.in_(batch))
        )
        for change_id, before, after in rows.all():
            # Only the sides that held a text are written: an untouched side keeps its
            # stored form (SQL NULL or JSON null alike).
            values = {}
            for side, old in (("before", before), ("after", after)):
                new = _digested(old)
                if new is not old:
                    values[side] = new
            if values:
                conn.execute(change.update().where(change.c.id == change_id).values(**values))


def downgrade() -> None:
    pass  # the texts cannot be restored (see the docstring)
