"""Vocabularies: countries (ISO 3166-1), sectors, metrics and how metrics relate."""

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.enums import MetricKind, Relation
from app.models.base import Base, str_enum


class Country(Base):
    __tablename__ = "country"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)  # ISO 3166-1 alpha-2
    alpha3: Mapped[str] = mapped_column(String(3), unique=True)
    numeric: Mapped[str] = mapped_column(String(3))
    name: Mapped[str] = mapped_column(String(200))
    official_name: Mapped[str | None] = mapped_column(String(300))


class Sector(Base):
    __tablename__ = "sector"

    id: Mapped[str] = mapped_column(String(60), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)


class Metric(Base):
    __tablename__ = "metric"

    id: Mapped[str] = mapped_column(String(60), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(30))
    kind: Mapped[MetricKind] = mapped_column(str_enum(MetricKind, "metric_kind"))
    description: Mapped[str] = mapped_column(Text)


class MetricRelation(Base):
    """How `metric` stands to `related` (work_permits_held is a proxy_of workers_abroad):
    recorded once, from the metric whose record in metrics.yaml names it; the API reads it
    from both ends."""

    __tablename__ = "metric_relation"
    __table_args__ = (CheckConstraint("metric_id != related_id", name="not_itself"),)

    metric_id: Mapped[str] = mapped_column(ForeignKey("metric.id"), primary_key=True)
    # Indexed: /v1/metrics and related=true read relations from this end too.
    related_id: Mapped[str] = mapped_column(ForeignKey("metric.id"), primary_key=True, index=True)
    relation: Mapped[Relation] = mapped_column(str_enum(Relation, "metric_relation_kind"))
    note: Mapped[str] = mapped_column(Text)
