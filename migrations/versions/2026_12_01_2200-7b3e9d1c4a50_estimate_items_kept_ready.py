"""estimate items kept ready

Revision ID: 7b3e9d1c4a50
Revises: 5d1f3a7c9e20
Create Date: 2026-12-01 22:00:00

A read model: `estimate_item` holds each estimate's list item and detail as the JSON the
API sends, with their ETags, so a page is one indexed scan plus concatenation
(app.read_model). Rows are filled by the application in the transaction that wrote the
estimate (the write API, `dprk-labor load`, restore); triggers here, on both databases,
make a row stale (item NULL) whenever anything it shows changes, whoever changes it (a SQL
shell included), and readers build stale rows afresh. An upgraded database starts with
every row stale; `dprk-labor migrate` fills them.

`estimate_country` also gets a copy of the estimate's status (kept by the write path like
its metric and period), the last column of its indexes, so that a country's list and its
count of undated figures read that index only. A partial index counts a metric's undated
figures the same way.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7b3e9d1c4a50"
down_revision: str | None = "5d1f3a7c9e20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STALE = "UPDATE estimate_item SET item = NULL WHERE item IS NOT NULL AND estimate_id IN ({ids})"

# (table, events, row: "new" or "old", condition on that row or None, the estimates shown).
# Parent rows matter only through the columns the items show.
RULES: list[tuple[str, str, str, str | None, str]] = [
    ("estimate", "UPDATE", "new", None, "{r}.id, old.id"),
    ("estimate_country", "INSERT", "new", None, "{r}.estimate_id"),
    ("estimate_country", "UPDATE", "new", None, "{r}.estimate_id, old.estimate_id"),
    ("estimate_country", "DELETE", "old", None, "{r}.estimate_id"),
    ("estimate_sector", "INSERT", "new", None, "{r}.estimate_id"),
    ("estimate_sector", "UPDATE", "new", None, "{r}.estimate_id, old.estimate_id"),
    ("estimate_sector", "DELETE", "old", None, "{r}.estimate_id"),
    ("citation", "INSERT", "new", None, "{r}.estimate_id"),
    ("citation", "UPDATE", "new", None, "{r}.estimate_id, old.estimate_id"),
    ("citation", "DELETE", "old", None, "{r}.estimate_id"),
    (
        "metric",
        "UPDATE",
        "old",
        "old.name IS DISTINCT FROM new.name OR old.unit IS DISTINCT FROM new.unit",
        "SELECT id FROM estimate WHERE metric_id = {r}.id",
    ),
    (
        "source",
        "UPDATE",
        "old",
        "old.name IS DISTINCT FROM new.name OR old.kind IS DISTINCT FROM new.kind",
        "SELECT id FROM estimate WHERE claimant_id = {r}.id UNION SELECT c.estimate_id "
        "FROM citation c JOIN document d ON d.id = c.document_id WHERE d.publisher_id = {r}.id",
    ),
    (
        "document",
        "UPDATE",
        "old",
        " OR ".join(
            f"old.{c} IS DISTINCT FROM new.{c}"
            for c in ("title", "kind", "published_on", "published_precision", "url", "publisher_id")
        ),
        "SELECT id FROM estimate WHERE origin_document_id = {r}.id "
        "UNION SELECT estimate_id FROM citation WHERE document_id = {r}.id",
    ),
    (
        "country",
        "UPDATE",
        "old",
        "old.name IS DISTINCT FROM new.name",
        "SELECT estimate_id FROM estimate_country WHERE country_code = {r}.code",
    ),
    (
        "sector",
        "UPDATE",
        "old",
        "old.name IS DISTINCT FROM new.name",
        "SELECT estimate_id FROM estimate_sector WHERE sector_id = {r}.id",
    ),
]
OWN_ROW = [
    ("estimate", "INSERT", "INSERT INTO estimate_item (estimate_id) VALUES ({r}.id)"),
    ("estimate", "DELETE", "DELETE FROM estimate_item WHERE estimate_id = {r}.id"),
]


def _triggers() -> list[tuple[str, str, str, str, str | None, str]]:
    """(name, table, event, row, condition, statement) of every trigger."""
    out = []
    for table, event, row, cond, ids in RULES:
        out.append(
            (f"stale_{table}_{event.lower()}", table, event, row, cond, STALE.format(ids=ids))
        )
    for table, event, statement in OWN_ROW:
        row = "new" if event == "INSERT" else "old"
        out.append((f"item_{table}_{event.lower()}", table, event, row, None, statement))
    return out


def _create_triggers(dialect: str) -> None:
    for name, table, event, row, cond, statement in _triggers():
        if dialect == "sqlite":
            when = f" WHEN {cond.replace('IS DISTINCT FROM', 'IS NOT')}" if cond else ""
            body = statement.format(r=row)
            op.execute(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW{when} "
                f"BEGIN {body}; END"
            )
            continue
        body = statement.format(r=row).replace("old.", "OLD.").replace("new.", "NEW.")
        op.execute(
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {body}; RETURN NULL; END $$"
        )
        when = ""
        if cond:
            when = " WHEN (" + cond.replace("old.", "OLD.").replace("new.", "NEW.") + ")"
        op.execute(
            f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW{when} "
            f"EXECUTE FUNCTION {name}()"
        )


def _drop_triggers(dialect: str) -> None:
    for name, table, *_ in _triggers():
        if dialect == "sqlite":
            op.execute(f"DROP TRIGGER {name}")
        else:
            op.execute(f"DROP TRIGGER {name} ON {table}")
            op.execute(f"DROP FUNCTION {name}()")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_table(
        "estimate_item",
        sa.Column("estimate_id", sa.String(length=120), nullable=False),
        sa.Column("shape", sa.Integer(), server_default="0", nullable=False),
        sa.Column("item", sa.Text(), nullable=True),
        sa.Column("item_etag", sa.String(length=34), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("detail_etag", sa.String(length=34), nullable=True),
        sa.PrimaryKeyConstraint("estimate_id", name=op.f("pk_estimate_item")),
    )
    op.create_index(
        "ix_estimate_item_stale",
        "estimate_item",
        ["estimate_id"],
        sqlite_where=sa.text("item IS NULL"),
        postgresql_where=sa.text("item IS NULL"),
    )
    op.execute("INSERT INTO estimate_item (estimate_id) SELECT id FROM estimate")

    with op.batch_alter_table("estimate_country") as batch:
        batch.add_column(sa.Column("status", sa.String(length=20), nullable=True))
    op.execute(
        "UPDATE estimate_country SET status = "
        "(SELECT status FROM estimate WHERE estimate.id = estimate_country.estimate_id)"
    )
    for name, cols in _COUNTRY_INDEXES.items():
        op.drop_index(name, table_name="estimate_country")
        op.create_index(name, "estimate_country", [*cols, "status"])
    op.create_index(
        "ix_estimate_undated",
        "estimate",
        ["metric_id", "status"],
        sqlite_where=sa.text("period_start IS NULL"),
        postgresql_where=sa.text("period_start IS NULL"),
    )
    # Last: SQLite's batch operations may copy a table, and its triggers with it not.
    _create_triggers(dialect)


_COUNTRY_INDEXES = {
    "ix_estimate_country_metric_period": [
        "country_code",
        "metric_id",
        "period_start",
        "estimate_id",
        "period_end",
    ],
    "ix_estimate_country_period": ["country_code", "period_start", "estimate_id", "period_end"],
}


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    _drop_triggers(dialect)
    op.drop_index("ix_estimate_undated", table_name="estimate")
    for name, cols in _COUNTRY_INDEXES.items():
        op.drop_index(name, table_name="estimate_country")
        op.create_index(name, "estimate_country", cols)
    with op.batch_alter_table("estimate_country") as batch:
        batch.drop_column("status")
    op.drop_index("ix_estimate_item_stale", table_name="estimate_item")
    op.drop_table("estimate_item")
