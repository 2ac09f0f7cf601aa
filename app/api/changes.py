"""The audit log: /v1/changes and /v1/estimates/{id}/history."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request

from app.api.deps import PageDep, ReadRoute, ReadSessionDep
from app.errors import problem_responses
from app.exports import EXPORT_RESPONSES, FormatDep
from app.filters import parse_timestamp
from app.pagination import Page, PageParams
from app.queries import changes as queries
from app.responder import Listing, page_response, respond
from app.schemas.read import Change, Release

router = APIRouter(tags=["changes"], route_class=ReadRoute)

ResourceType = Literal["source", "document", "estimate", "citation"]


@router.get(
    "/v1/changes",
    summary="The audit log",
    response_model=Page[Change],
    responses=problem_responses(400) | EXPORT_RESPONSES,
)
def list_changes(
    request: Request,
    fmt: FormatDep,
    session: ReadSessionDep,
    page: PageDep,
    since: Annotated[
        str | None,
        Query(
            description="only changes made at or after this ISO 8601 time "
            "(a time without zone is UTC)",
            examples=["2026-01-01T00:00:00Z"],
        ),
    ] = None,
    resource_type: Annotated[
        list[ResourceType] | None, Query(description="only changes to these kinds of record")
    ] = None,
) -> Any:
    """Every write, oldest first, with the record before and after. To sync, keep the last
    page's `meta.next_cursor` (or the last `id`) and ask again with `cursor=` later. A
    document's full text is logged as its sha256 and length, never as text: a page's size
    is bounded by the other fields, however long the documents."""
    since_at = parse_timestamp(since, "since") if since else None
    return respond(
        request,
        fmt,
        page,
        Listing(
            "changes",
            Change,
            lambda p: queries.list_changes(session, since_at, list(resource_type or []), p),
            session=session,
        ),
    )


@router.get(
    "/v1/estimates/{estimate_id}/history",
    summary="One estimate's versions",
    tags=["estimates"],
    response_model=Page[Change],
    responses=problem_responses(400, 404),
)
def estimate_history(
    request: Request,
    session: ReadSessionDep,
    page: PageDep,
    estimate_id: Annotated[str, Path(description="the estimate's id", max_length=120)],
) -> Any:
    """Each version of the estimate (and changes to its citations), oldest first."""
    rows = queries.estimate_history(session, estimate_id, page)
    return page_response(request, rows, page)


@router.get(
    "/v1/releases",
    summary="Named data releases",
    response_model=Page[Release],
    responses=problem_responses(400),
)
def list_releases(request: Request, session: ReadSessionDep) -> Any:
    """Data versions named for citing (`dprk-labor release NAME`): read one with
    `as_of=NAME`; every answer's `meta.data_version` says which version it is of."""
    rows = queries.list_releases(session)
    return page_response(request, rows, PageParams(limit=max(len(rows.items), 1)))
