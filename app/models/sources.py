"""Who says things (sources) and where they say them (documents, which cite each other)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.enums import DocumentKind, Precision, SourceKind
from app.models.base import Base, str_enum

document_cite = Table(
    "document_cite",
    Base.metadata,
    Column("citing_id", ForeignKey("document.id", ondelete="CASCADE"), primary_key=True),
    Column("cited_id", ForeignKey("document.id"), primary_key=True, index=True),
    CheckConstraint("citing_id <> cited_id", name="not_self"),
)


class Source(Base):
    __tablename__ = "source"

    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[SourceKind] = mapped_column(str_enum(SourceKind, "source_kind"))
    country_code: Mapped[str | None] = mapped_column(ForeignKey("country.code"))
    url: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, server_default="1")

    __mapper_args__ = {"version_id_col": version}


class Document(Base):
    __tablename__ = "document"
    __table_args__ = (
        CheckConstraint(
            "(coverage_start IS NULL AND coverage_end IS NULL) OR "
            "(coverage_start IS NOT NULL AND coverage_end IS NOT NULL "
            "AND coverage_start <= coverage_end)",
            name="coverage_ordered",
        ),
        CheckConstraint(
            "(published_on IS NULL) = (published_precision = 'unknown')",
            name="published_precision",
        ),
    )

    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    kind: Mapped[DocumentKind] = mapped_column(str_enum(DocumentKind, "document_kind"))
    publisher_id: Mapped[str | None] = mapped_column(ForeignKey("source.id"), index=True)
    # The author the text names, when not the publisher ("By Reuters" on another's page).
    byline: Mapped[str | None] = mapped_column(String(300))
    published_on: Mapped[date | None] = mapped_column(Date)
    published_precision: Mapped[Precision] = mapped_column(str_enum(Precision, "precision"))
    coverage_start: Mapped[date | None] = mapped_column(Date)
    coverage_end: Mapped[date | None] = mapped_column(Date)
    url: Mapped[str | None] = mapped_column(Text)
    # Why there is no URL ("no public URL known: the text does not give one").
    url_note: Mapped[str | None] = mapped_column(Text)
    un_symbol: Mapped[str | None] = mapped_column(String(60))
    is_public: Mapped[bool] = mapped_column(Boolean)
    language: Mapped[str] = mapped_column(String(10))
    full_text: Mapped[str | None] = mapped_column(Text, deferred=True)
    notes: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    publisher: Mapped[Source | None] = relationship()
    cites: Mapped[list[Document]] = relationship(
        secondary=document_cite,
        primaryjoin=lambda: Document.id == document_cite.c.citing_id,
        secondaryjoin=lambda: Document.id == document_cite.c.cited_id,
        order_by=lambda: Document.id,
    )
    cited_by: Mapped[list[Document]] = relationship(
        secondary=document_cite,
        primaryjoin=lambda: Document.id == document_cite.c.cited_id,
        secondaryjoin=lambda: Document.id == document_cite.c.citing_id,
        order_by=lambda: Document.id,
        viewonly=True,
    )
