"""metric relations

Revision ID: 5d1f3a7c9e20
Revises: 4c7e2d9b1a35
Create Date: 2026-12-01 21:00:00

How metrics relate (work_permits_held is a proxy_of workers_abroad; workers_dispatched a
flow_into it), one row per relation, from the metric whose record names it, with a note in
words. `dprk-labor load` fills it from seed_data/metrics.yaml.

Downgrade loses the relations (the seed data holds them again).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5d1f3a7c9e20"
down_revision: str | None = "4c7e2d9b1a35"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "metric_relation",
        sa.Column("metric_id", sa.String(length=60), nullable=False),
        sa.Column("related_id", sa.String(length=60), nullable=False),
        sa.Column(
            "relation",
            sa.Enum(
                "proxy_of",
                "part_of",
                "flow_into",
                "flow_out_of",
                name="metric_relation_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.CheckConstraint("metric_id != related_id", name=op.f("ck_metric_relation_not_itself")),
        sa.ForeignKeyConstraint(
            ["metric_id"], ["metric.id"], name=op.f("fk_metric_relation_metric_id_metric")
        ),
        sa.ForeignKeyConstraint(
            ["related_id"], ["metric.id"], name=op.f("fk_metric_relation_related_id_metric")
        ),
        sa.PrimaryKeyConstraint("metric_id", "related_id", name=op.f("pk_metric_relation")),
    )
    op.create_index(
        op.f("ix_metric_relation_related_id"), "metric_relation", ["related_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_metric_relation_related_id"), table_name="metric_relation")
    op.drop_table("metric_relation")
