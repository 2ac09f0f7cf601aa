"""API keys (only their hashes) and the audit log of every write."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.enums import Action, Role
from app.models.base import Base, UtcDateTime, str_enum


class ApiKey(Base):
    __tablename__ = "api_key"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)  # public part of the key
    secret_hash: Mapped[str] = mapped_column(String(64))  # sha256 of the secret part, hex
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Change(Base):
    __tablename__ = "change"
    __table_args__ = (
        Index("ix_change_resource", "resource_type", "resource_id", "id"),
        Index("ix_change_estimate_id_id", "estimate_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[Action] = mapped_column(str_enum(Action, "action"))
    resource_type: Mapped[str] = mapped_column(String(30))
    resource_id: Mapped[str] = mapped_column(String(250))
    # the estimate a change belongs to (itself, or the estimate of a citation): its history
    estimate_id: Mapped[str | None] = mapped_column(String(120))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Release(Base):
    """A named data release: a data version marked for citing (`dprk-labor release NAME`)."""

    __tablename__ = "release"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    data_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    notes: Mapped[str | None] = mapped_column(String(1000))
