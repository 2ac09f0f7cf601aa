"""Vocabularies: countries (ISO 3166-1), sectors, metrics."""

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.enums import MetricKind
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
