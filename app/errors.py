"""One error shape: RFC 9457 problem+json, for our own errors and the framework's alike."""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_TYPE_BASE = "https://dprk-labor-api.readthedocs.io/problems/"
PROBLEM_MEDIA_TYPE = "application/problem+json"

log = logging.getLogger("app")


class InvalidParam(BaseModel):
    """One bad input: where it was, its name, and what is accepted instead."""

    name: str = Field(description="the parameter or body field, e.g. `period_from`")
    location: str = Field(description="query, path, header or body")
    reason: str = Field(description="what is wrong and what is accepted")


class Problem(BaseModel):
    """RFC 9457 problem details; `parameter` names the first bad input, if any."""

    type: str = Field(examples=[PROBLEM_TYPE_BASE + "invalid-parameter"])
    title: str = Field(examples=["Invalid parameter"])
    status: int = Field(examples=[400])
    detail: str = Field(
        examples=["period_from: expected YYYY, YYYY-MM or YYYY-MM-DD, got '2024-13'"]
    )
    instance: str | None = Field(None, examples=["/v1/estimates?period_from=2024-13"])
    parameter: str | None = Field(None, examples=["period_from"])
    invalid_params: list[InvalidParam] = []


class AppError(Exception):
    """Base of the errors the API raises on purpose; each renders as one problem+json."""

    status = 500
    slug = "internal-error"
    title = "Internal error"

    def __init__(self, detail: str, params: list[InvalidParam] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.params = params or []
        self.headers: dict[str, str] | None = None


class BadParameter(AppError):
    """A query or path parameter that is malformed, unknown, or names nothing that exists."""

    status = 400
    slug = "invalid-parameter"
    title = "Invalid parameter"

    def __init__(self, name: str, reason: str, location: str = "query") -> None:
        super().__init__(
            f"{name}: {reason}", [InvalidParam(name=name, location=location, reason=reason)]
        )


class NotFound(AppError):
    """The addressed resource does not exist."""

    status = 404
    slug = "not-found"
    title = "Not found"


class InvalidBody(AppError):
    """A request body that fails validation or names things that do not exist."""

    status = 422
    slug = "invalid-body"
    title = "Invalid body"

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        params = [InvalidParam(name=n, location="body", reason=r) for n, r in problems]
        super().__init__("; ".join(f"{n}: {r}" for n, r in problems), params)


class Conflict(AppError):
    """The write would break the data: an id taken, or others depend on what is deleted."""

    status = 409
    slug = "conflict"
    title = "Conflict"


class PreconditionRequired(AppError):
    status = 428
    slug = "precondition-required"
    title = "Precondition required"


class PreconditionFailed(AppError):
    status = 412
    slug = "precondition-failed"
    title = "Precondition failed"


class DatabaseUnavailable(AppError):
    """The database cannot answer in time (unreachable, locked, full or read-only)."""

    status = 503
    slug = "database-unavailable"
    title = "Database unavailable"

    def __init__(self, detail: str) -> None:
        from app.config import get_settings

        super().__init__(detail)
        self.headers = {"Retry-After": str(get_settings().retry_after)}


class PayloadTooLarge(AppError):
    status = 413
    slug = "payload-too-large"
    title = "Payload too large"


def problem_response(
    request: Request,
    status: int,
    slug: str,
    title: str,
    detail: str,
    params: list[InvalidParam] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """Render a problem+json response."""
    params = params or []
    instance = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    body = Problem(
        type=PROBLEM_TYPE_BASE + slug,
        title=title,
        status=status,
        detail=detail,
        instance=instance[:2000],
        parameter=params[0].name if params else None,
        invalid_params=params,
    )
    return JSONResponse(
        body.model_dump(mode="json"),
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


def _validation_params(exc: RequestValidationError) -> list[InvalidParam]:
    params = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        location = loc[0] if loc else "request"
        # a query/path parameter is named alone (not `kind.0` for a repeated one)
        name = (
            ".".join(loc[1:]) if location == "body" else (loc[1] if len(loc) > 1 else "")
        ) or location
        reason = str(err.get("msg", "invalid value"))
        if err.get("type") == "json_invalid":  # loc is ("body", <character position>)
            name, reason = "body", f"{reason} at character {loc[-1]}; send a JSON object"
        if "input" in err and location != "body" and isinstance(err["input"], str):
            reason += f"; got {err['input'][:100]!r}"
        params.append(InvalidParam(name=name, location=location, reason=reason))
    return params


async def _app_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return problem_response(
        request, exc.status, exc.slug, exc.title, exc.detail, exc.params, exc.headers
    )


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        # FastAPI decodes a JSON body before the key is checked: a write without a
        # usable key is a 401 whatever its body (a key is looked up only for valid JSON).
        from app.auth import credential_problem

        unauthorized = credential_problem(request.headers.get("authorization"))
        if unauthorized is not None:
            return await _app_error(request, unauthorized)
    return await _app_error(request, validation_problem(exc))


def validation_problem(exc: RequestValidationError) -> AppError:
    """A framework validation error as the API's own error of the same place (InvalidBody,
    BadParameter: the same status, type and title), so that a client tells them apart by
    status and type alone, and a page (app.pages) can show it in words."""
    params = _validation_params(exc)
    kind = InvalidBody if any(p.location == "body" for p in params) else BadParameter
    problem = AppError("; ".join(f"{p.name}: {p.reason}" for p in params), params)
    problem.status, problem.slug, problem.title = kind.status, kind.slug, kind.title
    return problem


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    titles = {404: "Not found", 405: "Method not allowed"}
    title = titles.get(exc.status_code, "HTTP error")
    slug = title.lower().replace(" ", "-")
    detail = exc.detail if isinstance(exc.detail, str) else title
    params = None
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"no resource at {request.url.path}; see /docs for the endpoints"
    if exc.status_code == 400:  # FastAPI could not decode the body
        title, slug = "Invalid body", "invalid-body"
        detail = f"{detail}: send a UTF-8 JSON object"
        params = [InvalidParam(name="body", location="body", reason=detail)]
    return problem_response(
        request, exc.status_code, slug, title, detail, params, getattr(exc, "headers", None)
    )


async def _stale_row(request: Request, exc: Exception) -> JSONResponse:
    # Another transaction changed the row between our read and our write (row version check).
    return problem_response(
        request,
        412,
        "precondition-failed",
        "Precondition failed",
        "someone else changed the resource while this request ran; GET it again and retry",
    )


# SQLSTATE classes of PostgreSQL errors that mean "the database is in trouble, try again
# later": 08 connection, 53 insufficient resources (disk full), 57 operator intervention
# (shutdown, statement timeout), 55P03 lock timeout, 25006 read-only transaction, 58 system.
_UNAVAILABLE_SQLSTATES = ("08", "53", "57", "58", "55P03", "25006")
# SQLite's primary result codes of the same kind: held by another writer, read-only, disk
# full or failing, interrupted by the statement timeout, the file gone. Its other errors
# (SQLITE_ERROR: "no such column", ...) are bugs, and stay 500s.
_UNAVAILABLE_SQLITE = (
    "SQLITE_BUSY",
    "SQLITE_LOCKED",
    "SQLITE_READONLY",
    "SQLITE_FULL",
    "SQLITE_IOERR",
    "SQLITE_INTERRUPT",
    "SQLITE_CANTOPEN",
    "SQLITE_PROTOCOL",
)


def database_error(exc: sa_exc.SQLAlchemyError) -> AppError | None:
    """The problem a database error is for a client: a 409 for a write that collided with
    another (a unique or foreign key, a deadlock), a 503 when the database is unreachable,
    overloaded, locked, full or read-only; None for a bug (then it is a 500)."""
    if isinstance(exc, sa_exc.IntegrityError):
        return Conflict(
            "this write collided with another made at the same time (an id it takes was "
            "taken, or a record it names was deleted): GET the records again and retry"
        )
    if isinstance(exc, sa_exc.TimeoutError):  # no pooled connection came free in time
        return DatabaseUnavailable("the database is busy; retry shortly")
    if not isinstance(exc, sa_exc.DBAPIError):
        return None
    sqlstate = getattr(exc.orig, "sqlstate", None) or ""
    sqlite_code = getattr(exc.orig, "sqlite_errorname", None)
    if sqlstate.startswith("40"):  # serialization failure, deadlock: nothing was written
        return Conflict("this write collided with another made at the same time; retry it")
    if sqlite_code is not None:
        unavailable = sqlite_code.startswith(_UNAVAILABLE_SQLITE)
    else:  # PostgreSQL: its class, or no SQLSTATE at all (the connection itself failed)
        unavailable = sqlstate.startswith(_UNAVAILABLE_SQLSTATES) or (
            not sqlstate and isinstance(exc, sa_exc.OperationalError | sa_exc.InterfaceError)
        )
    if unavailable or exc.connection_invalidated:
        return DatabaseUnavailable(
            "the database cannot be reached or cannot take this request now; retry shortly"
        )
    return None


async def _database_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, sa_exc.SQLAlchemyError)
    problem = database_error(exc)
    if problem is None:
        return await _unexpected_error(request, exc)
    log.warning("%s %s: %s (%s)", request.method, request.url.path, problem.title, exc)
    return await _app_error(request, problem)


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem_response(
        request, 500, "internal-error", "Internal error", "an unexpected error occurred"
    )


def install_error_handlers(app: FastAPI) -> None:
    """Route every error the app can produce through the one problem+json shape."""
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(StaleDataError, _stale_row)
    app.add_exception_handler(sa_exc.SQLAlchemyError, _database_error)
    app.add_exception_handler(Exception, _unexpected_error)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries documenting problem+json errors, and the 503 any
    request that reads the database may get."""
    statuses = (*statuses, 503)
    descriptions = {
        400: "Invalid parameter: the problem names it and says what is accepted.",
        401: "No API key, or an unknown or revoked one (see `WWW-Authenticate`).",
        403: "The key's role may not do this.",
        404: "Not found.",
        409: "Conflict: the id is taken, or other records depend on this one.",
        412: "The `If-Match` ETag is stale: someone changed the resource; GET it again.",
        413: "The request body is larger than the configured limit.",
        422: "Invalid request body: each bad field is named.",
        428: "`If-Match` is required: send the ETag of your last GET.",
        503: "The database is unavailable (unreachable, busy, full or read-only); "
        "retry after `Retry-After` seconds.",
    }
    return {
        s: {
            "model": Problem,
            "description": descriptions.get(s, "Error"),
        }
        for s in statuses
    }
