"""Liveness and readiness probes."""

import shutil

from alembic.runtime.migration import MigrationContext
from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from app.config import get_settings
from app.db import SessionDep, sqlite_path
from app.migrate import head_revision
from app.schemas.read import Health, Ready

router = APIRouter(tags=["health"])

# Below this much free disk a SQLite database is reported not writable: its next commits
# would fail half-way through their journal.
MIN_FREE_BYTES = 1024 * 1024


@router.get("/healthz", summary="Liveness", response_model=Health)
async def healthz() -> Health:
    """The process is up. It never touches the database and runs on the event loop, so it
    answers at once whatever the database does."""
    return Health(status="ok")


@router.get(
    "/readyz",
    summary="Readiness",
    response_model=Ready,
    responses={503: {"model": Ready, "description": "database unreachable or not migrated"}},
)
def readyz(session: SessionDep) -> Ready | JSONResponse:
    """200 when the database answers and is migrated to the newest revision; then
    `writable` says whether writes can succeed too (false: read-only database or replica,
    or a full disk under SQLite), for a load balancer that routes writes. 503 otherwise."""
    head = head_revision()
    try:
        conn = session.connection()
        conn.execute(text("SELECT 1"))
        revision = MigrationContext.configure(conn).get_current_revision()
        writable = _writable(conn) if revision == head else None
    except SQLAlchemyError:
        body = Ready(status="unavailable", database="unreachable", revision=None, head=head)
        return _unready(body)
    if revision != head:
        body = Ready(status="unavailable", database="not migrated", revision=revision, head=head)
        return _unready(body)
    return Ready(status="ok", database="ok", revision=revision, head=head, writable=writable)


def _unready(body: Ready) -> JSONResponse:
    headers = {"Retry-After": str(get_settings().retry_after)}
    return JSONResponse(body.model_dump(), status_code=503, headers=headers)


def _writable(conn: Connection) -> bool:
    """Whether a write would succeed: one that changes nothing is tried and rolled back
    (a read-only database refuses it at once); SQLite's disk must have room as well.
    PostgreSQL's free disk cannot be seen from SQL: a full disk there shows as 503s."""
    sqlite = conn.dialect.name == "sqlite"
    if sqlite:
        path = sqlite_path(conn.engine.url.database)
        if path is not None and shutil.disk_usage(path.parent).free < MIN_FREE_BYTES:
            return False
        conn.exec_driver_sql("PRAGMA busy_timeout=0")  # a writer at work: writes do work
    try:
        with conn.begin_nested():
            conn.execute(text("UPDATE alembic_version SET version_num = version_num"))
    except DBAPIError as exc:
        if sqlite and "locked" in str(exc.orig):
            return True
        if sqlite or getattr(exc.orig, "sqlstate", None) == "25006":
            return False
        raise
    finally:
        if sqlite:
            conn.exec_driver_sql(f"PRAGMA busy_timeout={get_settings().db_lock_timeout_ms}")
    return True
