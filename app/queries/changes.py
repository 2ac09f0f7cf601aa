"""SQL for the audit log: all changes in order, and one estimate's history."""

from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from app.errors import NotFound
from app.models import Change, Estimate, Release
from app.models.candidates import CANDIDATE
from app.pagination import PageParams, Rows, SortKey
from app.queries.common import fetch_page
from app.schemas import read

CHANGE_KEY = SortKey("id", Change.id, Change.id)


def _page(session: Session, stmt: Select[Any], params: PageParams) -> Rows:
    rows, cursor, total = fetch_page(session, stmt, CHANGE_KEY, params)
    return Rows(
        [read.Change.model_validate(c, from_attributes=True) for (c,) in rows], cursor, total
    )


def list_changes(
    session: Session,
    since: datetime | None,
    resource_type: list[str],
    params: PageParams,
) -> Rows:
    """Changes in the order they were made, from `since` or after the cursor. The review
    queue's steps are left out: candidates are unreviewed and editors' only (their steps
    stay in the log, and a candidate shows its own decision)."""
    stmt = select(Change).where(Change.resource_type != CANDIDATE)
    if since is not None:
        stmt = stmt.where(Change.at >= since)
    if resource_type:
        stmt = stmt.where(Change.resource_type.in_(resource_type))
    return _page(session, stmt, params)


def estimate_history(session: Session, estimate_id: str, params: PageParams) -> Rows:
    """Every change to one estimate and its citations, oldest first."""
    if session.get(Estimate, estimate_id) is None:
        exists = session.scalar(select(Change.id).where(Change.estimate_id == estimate_id).limit(1))
        if exists is None:
            raise NotFound(f"no estimate with id {estimate_id!r}")
    return _page(session, select(Change).where(Change.estimate_id == estimate_id), params)


def list_releases(session: Session) -> Rows:
    """Every named release, oldest first (they are few: no paging)."""
    releases = session.scalars(select(Release).order_by(Release.data_version, Release.name))
    return Rows([read.Release.model_validate(r, from_attributes=True) for r in releases], None)


def data_version(session: Session, at: datetime | None = None, through: int | None = None) -> int:
    """The data version: the id of the latest entry in the audit log (every write, the
    loader's included, adds one), or of the latest made at or before `at`, or the latest
    up to version `through`; 0 if none."""
    stmt = select(func.max(Change.id))
    if at is not None:
        stmt = stmt.where(Change.at <= at)
    if through is not None:
        stmt = stmt.where(Change.id <= through)
    return session.scalar(stmt) or 0
