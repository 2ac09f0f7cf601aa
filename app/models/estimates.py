"""Estimates (the claims) and citations (where each claim is stated, quote included)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Double,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.enums import EstimateStatus, Per, Population, Precision, Qualifier, ValueKind
from app.models.base import Base, str_enum
from app.models.reference import Country, Metric, Sector
from app.models.sources import Document, Source

WORLDWIDE = "*"
NOT_ACTIVE = "status <> 'active'"


def trigram_index(name: str, column: str) -> Index:
    """A PostgreSQL trigram index (pg_trgm) on a text column: `q=`'s case-insensitive
    substring match reads it instead of every row. SQLite has none (migrations/env.py
    leaves it out of SQLite's comparisons, by `info`)."""
    return Index(
        name,
        column,
        postgresql_using="gin",
        postgresql_ops={column: "gin_trgm_ops"},
        info={"dialect": "postgresql"},
    ).ddl_if(dialect="postgresql")


def scope_key(worldwide: bool, countries: list[str]) -> str:
    """The comparable form of a scope: `*`, or sorted alpha-2 codes joined by commas."""
    return WORLDWIDE if worldwide else ",".join(sorted(set(countries)))


class Derived(NamedTuple):
    """What an estimate's stored fields imply, computed in one place (`derive`)."""

    # the estimate's own derived columns: period_days, scope_key
    columns: dict[str, Any]
    # what each of its estimate_country rows copies from it: metric_id, period_start,
    # period_end, status
    copies: dict[str, Any]
    # its estimate_country rows, one per country in code order: estimate_id, country_code
    # and the copies
    country_rows: list[dict[str, Any]]


def derive(
    estimate_id: str,
    metric_id: str,
    period_start: date | None,
    period_end: date | None,
    worldwide: bool,
    countries: Iterable[str],
    status: str,
) -> Derived:
    """The derived columns and the estimate_country rows of an estimate with these stored
    fields. The one derivation that the write path (records.save_estimate, and so the seed
    loader), the tests' factory and the benchmark's generator all use; plain values in and
    out, cheap enough for a million rows."""
    codes = sorted(set(countries))
    days = None if period_start is None or period_end is None else (period_end - period_start).days
    columns = {"period_days": days, "scope_key": scope_key(worldwide, codes)}
    copies: dict[str, Any] = {
        "metric_id": metric_id,
        "period_start": period_start,
        "period_end": period_end,
        "status": str(status),
    }
    rows = [{"estimate_id": estimate_id, "country_code": c, **copies} for c in codes]
    return Derived(columns, copies, rows)


# The estimate's metric, period and status are copied here (`derive` makes the rows) so
# that a query for one country walks that country's own entries in period order instead of
# every estimate of the metric, reading this index only: a rare country costs what its rows
# cost, and so does counting its undated figures.
estimate_country = Table(
    "estimate_country",
    Base.metadata,
    Column("estimate_id", ForeignKey("estimate.id", ondelete="CASCADE"), primary_key=True),
    Column("country_code", ForeignKey("country.code"), primary_key=True),
    Column("metric_id", String(60)),
    Column("period_start", Date),
    Column("period_end", Date),
    Column("status", String(20)),
    Index(
        "ix_estimate_country_metric_period",
        "country_code",
        "metric_id",
        "period_start",
        "estimate_id",
        "period_end",
        "status",
    ),
    Index(
        "ix_estimate_country_period",
        "country_code",
        "period_start",
        "estimate_id",
        "period_end",
        "status",
    ),
)

# The read model (app.read_model): each estimate's list item and detail as the JSON the
# API sends, with their ETags. Triggers (migration 7b3e9d1c4a50) set `item` to NULL when
# anything it shows changes; the write path fills it again before it commits.
estimate_item = Table(
    "estimate_item",
    Base.metadata,
    Column("estimate_id", String(120), primary_key=True),
    Column("shape", Integer, nullable=False, server_default="0"),
    Column("item", Text),
    Column("item_etag", String(34)),
    Column("detail", Text),
    Column("detail_etag", String(34)),
    Index(
        "ix_estimate_item_stale",
        "estimate_id",
        sqlite_where=text("item IS NULL"),
        postgresql_where=text("item IS NULL"),
    ),
)

estimate_sector = Table(
    "estimate_sector",
    Base.metadata,
    Column("estimate_id", ForeignKey("estimate.id", ondelete="CASCADE"), primary_key=True),
    Column("sector_id", ForeignKey("sector.id"), primary_key=True),
    Index("ix_estimate_sector_sector_id_estimate_id", "sector_id", "estimate_id"),
)


class Estimate(Base):
    __tablename__ = "estimate"
    __table_args__ = (
        CheckConstraint("low IS NOT NULL OR high IS NOT NULL", name="has_value"),
        CheckConstraint("low IS NULL OR high IS NULL OR low <= high", name="low_le_high"),
        CheckConstraint(
            "(value_kind = 'change') = (from_value IS NOT NULL AND to_value IS NOT NULL)",
            name="change_has_ends",
        ),
        CheckConstraint(
            "(period_start IS NULL AND period_end IS NULL) OR "
            "(period_start IS NOT NULL AND period_end IS NOT NULL "
            "AND period_start <= period_end)",
            name="period_ordered",
        ),
        CheckConstraint(
            "(period_start IS NULL) = (period_precision = 'unknown')", name="period_precision"
        ),
        CheckConstraint("(period_start IS NULL) = (period_days IS NULL)", name="period_days"),
        # The card's query: one metric, periods in order (id breaks ties), end checked in the
        # index; period_days bounds an overlap scan from below (see queries.estimates).
        Index("ix_estimate_metric_period", "metric_id", "period_start", "id", "period_end"),
        Index("ix_estimate_metric_days", "metric_id", "period_days"),
        # Any list in period order; the end is in it so that an overlap scan passes over
        # periods that end too early without reading their rows (1M rows: 175 -> 21 ms).
        Index("ix_estimate_period_start_id_end", "period_start", "id", "period_end"),
        Index("ix_estimate_metric_scope_period", "metric_id", "scope_key", "period_start"),
        # A metric's undated figures by status: what a date range leaves out is counted here.
        Index(
            "ix_estimate_undated",
            "metric_id",
            "status",
            sqlite_where=text("period_start IS NULL"),
            postgresql_where=text("period_start IS NULL"),
        ),
        # One claimant's estimates in period order (also the foreign key's index).
        Index("ix_estimate_claimant_period", "claimant_id", "period_start", "id"),
        # Superseded and retracted estimates only (few; the default list hides them): a
        # list of them reads these instead of every active estimate. A query must say
        # `status <> 'active'` itself for SQLite to use it (queries.estimates.filtered).
        Index(
            "ix_estimate_status_not_active",
            "status",
            "period_start",
            "id",
            sqlite_where=text(NOT_ACTIVE),
            postgresql_where=text(NOT_ACTIVE),
        ),
        trigram_index("ix_estimate_notes_trgm", "notes"),
        trigram_index("ix_estimate_value_text_trgm", "value_text"),
        CheckConstraint(
            "(status = 'superseded') = (superseded_by_id IS NOT NULL)", name="superseded_by"
        ),
        CheckConstraint("superseded_by_id <> id", name="not_superseded_by_self"),
        CheckConstraint(
            "(population = 'part') = (population_note IS NOT NULL)", name="population_note"
        ),
    )

    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    metric_id: Mapped[str] = mapped_column(ForeignKey("metric.id"))
    value_kind: Mapped[ValueKind] = mapped_column(str_enum(ValueKind, "value_kind"))
    qualifier: Mapped[Qualifier] = mapped_column(str_enum(Qualifier, "qualifier"))
    unit: Mapped[str] = mapped_column(String(30))
    low: Mapped[float | None] = mapped_column(Double)
    high: Mapped[float | None] = mapped_column(Double)
    from_value: Mapped[float | None] = mapped_column(Double)
    to_value: Mapped[float | None] = mapped_column(Double)
    value_text: Mapped[str] = mapped_column(Text)
    # The value is per this unit of time ("$500 million a year"), apart from the period it
    # was observed over; null: a total over the period, or a count at a time.
    per: Mapped[Per | None] = mapped_column(str_enum(Per, "per"))
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    # period_end - period_start in days (`derive`)
    period_days: Mapped[int | None] = mapped_column(Integer)
    period_precision: Mapped[Precision] = mapped_column(str_enum(Precision, "precision"))
    period_text: Mapped[str] = mapped_column(Text)
    worldwide: Mapped[bool] = mapped_column(Boolean)
    # The scope as one comparable value: "*" for worldwide, else sorted alpha-2 codes joined
    # by "," ("CN", "CN,RU"). Series and conflicts compare scopes through it.
    scope_key: Mapped[str] = mapped_column(String(800))
    place: Mapped[str | None] = mapped_column(String(300))
    claimant_id: Mapped[str] = mapped_column(ForeignKey("source.id"))
    origin_document_id: Mapped[str] = mapped_column(ForeignKey("document.id"), index=True)
    notes: Mapped[str | None] = mapped_column(Text)
    # Which workers the figure counts; a part says which in words. Series and conflicts
    # compare like with like through it (queries.analysis).
    population: Mapped[Population] = mapped_column(
        str_enum(Population, "population"), server_default="all"
    )
    population_note: Mapped[str | None] = mapped_column(Text)
    # Not indexed: nearly every row is active, and an index on it lures SQLite's planner
    # away from the period index (measured: 0.3 ms -> 75 ms at 100k rows).
    status: Mapped[EstimateStatus] = mapped_column(
        str_enum(EstimateStatus, "estimate_status"), server_default="active"
    )
    superseded_by_id: Mapped[str | None] = mapped_column(ForeignKey("estimate.id"))
    version: Mapped[int] = mapped_column(Integer, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    metric: Mapped[Metric] = relationship()
    claimant: Mapped[Source] = relationship()
    origin_document: Mapped[Document] = relationship()
    countries: Mapped[list[Country]] = relationship(
        secondary=estimate_country, order_by=lambda: Country.code
    )
    sectors: Mapped[list[Sector]] = relationship(
        secondary=estimate_sector, order_by=lambda: Sector.id
    )
    citations: Mapped[list[Citation]] = relationship(
        back_populates="estimate",
        cascade="all, delete-orphan",
        order_by=lambda: Citation.id,
    )


class Citation(Base):
    __tablename__ = "citation"
    __table_args__ = (trigram_index("ix_citation_quote_trgm", "quote"),)

    id: Mapped[str] = mapped_column(String(250), primary_key=True)
    estimate_id: Mapped[str] = mapped_column(
        ForeignKey("estimate.id", ondelete="CASCADE"), index=True
    )
    document_id: Mapped[str] = mapped_column(ForeignKey("document.id"), index=True)
    quote: Mapped[str] = mapped_column(Text)
    locator: Mapped[str | None] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    estimate: Mapped[Estimate] = relationship(back_populates="citations")
    document: Mapped[Document] = relationship()
