"""Liveness and readiness probes."""

from alembic.runtime.migration import MigrationContext
from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.db import SessionDep
from app.migrate import head_revision
from app.schemas.read import Health, Ready

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Liveness", response_model=Health)
def healthz() -> Health:
    """The process is up (it does not touch the database)."""
    return Health(status="ok")


@router.get(
    "/readyz",
    summary="Readiness",
    response_model=Ready,
    responses={503: {"model": Ready, "description": "database unreachable or not migrated"}},
)
def readyz(session: SessionDep) -> Ready | JSONResponse:
    """The database answers and is migrated to the newest revision."""
    head = head_revision()
    try:
        conn = session.connection()
        conn.execute(text("SELECT 1"))
        revision = MigrationContext.configure(conn).get_current_revision()
    except SQLAlchemyError:
        body = Ready(status="unavailable", database="unreachable", revision=None, head=head)
        return JSONResponse(body.model_dump(), status_code=503)
    if revision != head:
        body = Ready(status="unavailable", database="not migrated", revision=revision, head=head)
        return JSONResponse(body.model_dump(), status_code=503)
    return Ready(status="ok", database="ok", revision=revision, head=head)
