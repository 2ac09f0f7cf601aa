"""SQL for the audit log: all changes in order, and one estimate's history."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import URL

from app.errors import NotFound
from app.models import Change, Estimate
from app.pagination import Page, PageParams, SortKey
from app.queries.common import fetch_page
from app.schemas import read

CHANGE_KEY = SortKey("id", Change.id, Change.id)


def _page(session: Session, stmt, params: PageParams, url: URL) -> Page[read.Change]:  # type: ignore[no-untyped-def]
    rows, meta = fetch_page(session, stmt, CHANGE_KEY, params, url)
    return Page(
        data=[read.Change.model_validate(c, from_attributes=True) for (c,) in rows], meta=meta
    )


def list_changes(
    session: Session,
    since: datetime | None,
    resource_type: list[str],
    params: PageParams,
    url: URL,
) -> Page[read.Change]:
    """Changes in the order they were made, from `since` or after the cursor."""
    stmt = select(Change)
    if since is not None:
        stmt = stmt.where(Change.at >= since)
    if resource_type:
        stmt = stmt.where(Change.resource_type.in_(resource_type))
    return _page(session, stmt, params, url)


def estimate_history(
    session: Session, estimate_id: str, params: PageParams, url: URL
) -> Page[read.Change]:
    """Every change to one estimate and its citations, oldest first."""
    if session.get(Estimate, estimate_id) is None:
        exists = session.scalar(select(Change.id).where(Change.estimate_id == estimate_id).limit(1))
        if exists is None:
            raise NotFound(f"no estimate with id {estimate_id!r}")
    return _page(session, select(Change).where(Change.estimate_id == estimate_id), params, url)
