"""estimate population and rate basis

Revision ID: 4c7e2d9b1a35
Revises: 8f9affac7c01
Create Date: 2026-12-01 20:00:00

Each estimate says which workers it counts (`population`: all of its scope, the default, or
a `part` with a `population_note` saying which) and, for a rate, the unit of time its value
is per (`per`: year, month or day; null for a total or a count at a time), so that series
and conflicts compare like with like. Existing estimates become totals of everyone.

Plain column operations, not batch mode: a rebuilt SQLite table would lose the full-text
triggers (862b18eddb08). SQLite cannot add a table CHECK to a table, but it takes a
column's own CHECK, which may name other columns; so each constraint is written on its
column, named as the models' naming convention names it.

Downgrade loses: which estimates count a part (and their notes), and which values are rates.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "4c7e2d9b1a35"
down_revision: str | None = "8f9affac7c01"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain strings with the checks written out: an sa.Enum's implicit CHECK is skipped by
    # SQLite's ADD COLUMN and misnamed on PostgreSQL.
    op.add_column(
        "estimate",
        sa.Column(
            "per",
            sa.String(length=5),
            sa.CheckConstraint("per IN ('year', 'month', 'day')", name=op.f("ck_estimate_per")),
            nullable=True,
        ),
    )
    op.add_column(
        "estimate",
        sa.Column(
            "population",
            sa.String(length=4),
            sa.CheckConstraint(
                "population IN ('all', 'part')", name=op.f("ck_estimate_population")
            ),
            server_default="all",
            nullable=False,
        ),
    )
    # Added after `population`, whose values its check reads.
    op.add_column(
        "estimate",
        sa.Column(
            "population_note",
            sa.Text(),
            sa.CheckConstraint(
                "(population = 'part') = (population_note IS NOT NULL)",
                name=op.f("ck_estimate_population_note"),
            ),
            nullable=True,
        ),
    )


def downgrade() -> None:
    # The note first: SQLite drops a column only with the checks that are its own, and the
    # note's check names `population`.
    op.drop_column("estimate", "population_note")
    op.drop_column("estimate", "population")
    op.drop_column("estimate", "per")
