"""Dependencies shared by every route: strict query strings, paging, the request's URL.

They only parse, so they are `async`: FastAPI runs them on the event loop instead of
hopping to a worker thread for each (measured: most of a list request's overhead).
"""

import functools
import inspect
import types
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Annotated, Any, Union, get_args, get_origin
from urllib.parse import parse_qsl

import anyio
from fastapi import Depends, Path, Query, Request
from fastapi.routing import APIRoute
from pydantic import BaseModel
from sqlalchemy.orm import Session
from starlette.datastructures import URL

from app import as_of as as_of_
from app import responder
from app.db import SessionDep, get_engine, one_snapshot
from app.errors import BadParameter
from app.pagination import DEFAULT_LIMIT, MAX_LIMIT, PageParams

MAX_PARAM_LENGTH = 500


def _accepts_many(annotation: Any) -> bool:
    if get_origin(annotation) in (list, tuple, set, frozenset):
        return True
    if get_origin(annotation) in (Union, types.UnionType):
        return any(_accepts_many(a) for a in get_args(annotation))
    return False


_cache: dict[int, dict[str, bool]] = {}


def _query_params_of(request: Request) -> dict[str, bool]:
    """The route's documented query parameters: name → whether it may repeat."""
    route = request.scope.get("route")
    if route is None:
        return {}
    known = _cache.get(id(route))
    if known is None:
        known = {}
        stack = [route.dependant]
        while stack:
            dep = stack.pop()
            stack.extend(dep.dependencies)
            for p in dep.query_params:
                model = p.field_info.annotation
                if isinstance(model, type) and issubclass(model, BaseModel):  # a query model
                    for name, info in model.model_fields.items():
                        known[info.alias or name] = _accepts_many(info.annotation)
                else:
                    known[p.alias] = _accepts_many(p.field_info.annotation)
        _cache[id(route)] = known
    return known


async def strict_query(request: Request) -> None:
    """400 for a query parameter the route does not take, repeated, too long or with NUL bytes."""
    known = _query_params_of(request)
    for name in request.query_params:
        if name not in known:
            accepted = ", ".join(sorted(known)) or "none"
            raise BadParameter(name[:100], f"unknown parameter; this endpoint accepts: {accepted}")
    for name, many in known.items():
        values = request.query_params.getlist(name)
        if len(values) > 1 and not many:
            raise BadParameter(name, "given more than once; it takes a single value")
        for v in values:
            if "\x00" in v:
                raise BadParameter(name, "contains a NUL byte")
            if "\ufffd" in v and name in _not_utf8(request):
                raise BadParameter(name, "is not UTF-8 once percent-decoded")
            if len(v) > MAX_PARAM_LENGTH:
                raise BadParameter(name, f"longer than {MAX_PARAM_LENGTH} characters")
    for name, value in request.path_params.items():
        if "\x00" in str(value):
            raise BadParameter(name, "contains a NUL byte", location="path")


def _not_utf8(request: Request) -> set[str]:
    """The query parameters whose percent-decoded bytes are not UTF-8 (Starlette reads
    them as U+FFFD, which would then be searched for as if the client had sent it)."""
    raw = request.scope.get("query_string", b"").decode("latin-1")
    bad = set()
    for name, value in parse_qsl(raw, keep_blank_values=True, encoding="latin-1"):
        try:
            value.encode("latin-1").decode("utf-8")
        except UnicodeDecodeError:
            bad.add(name.encode("latin-1").decode("utf-8", "replace"))
    return bad


async def page_params(
    limit: Annotated[
        int,
        Query(ge=1, le=MAX_LIMIT, description=f"items per page, 1 to {MAX_LIMIT}", examples=[50]),
    ] = DEFAULT_LIMIT,
    cursor: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=MAX_PARAM_LENGTH,
            description="opaque; copy `meta.next_cursor` of the previous page (omit it for "
            "the first)",
        ),
    ] = None,
    count: Annotated[
        bool,
        Query(
            description="also return `meta.total`, the number of matching items (one more query)"
        ),
    ] = False,
) -> PageParams:
    """Paging parameters common to every list endpoint."""
    return PageParams(limit=limit, cursor=cursor, count=count)


PageDep = Annotated[PageParams, Depends(page_params)]


async def request_url(request: Request) -> URL:
    """The URL as the client sees it (behind a proxy: PUBLIC_URL), for `next` links."""
    return responder.request_url(request)


UrlDep = Annotated[URL, Depends(request_url)]


EstimateId = Annotated[
    str,
    Path(
        description="the estimate's stable id",
        examples=["panel-2024-workers-abroad-2023"],
        max_length=120,
    ),
]


AsOfQuery = Annotated[
    str | None,
    Query(
        max_length=100,
        description="answer as the data stood then: an RFC 3339 time with its offset, a data "
        "version (`meta.data_version` of an earlier answer) or a data release's name "
        "(/v1/releases). Such an answer never changes, and says so (`Cache-Control: immutable`)",
        examples=["2024-03-07T12:00:00Z"],
    ),
]


async def read_session(
    request: Request, session: SessionDep, as_of: AsOfQuery = None
) -> AsyncIterator[Session]:
    """The session a read runs on: the data now, or as of `as_of=` (app.as_of)."""
    async with _reading(request, session, as_of, None) as read:
        yield read


async def estimate_read_session(
    request: Request, session: SessionDep, estimate_id: EstimateId, as_of: AsOfQuery = None
) -> AsyncIterator[Session]:
    """read_session for a read of one estimate (the route's `estimate_id`): as of a past
    version, on a snapshot of that estimate alone unless the whole one is built."""
    async with _reading(request, session, as_of, estimate_id) as read:
        yield read


@asynccontextmanager
async def _reading(
    request: Request, session: Session, as_of: str | None, focus: str | None
) -> AsyncIterator[Session]:
    if as_of is None:
        request.state.reading = responder.Reading(session)
        yield session
        return
    asked, snapshot = await anyio.to_thread.run_sync(_as_of, session, as_of, focus)
    request.state.reading = responder.Reading(snapshot, asked)
    try:
        yield snapshot
    finally:
        snapshot.close()


def _as_of(session: Session, value: str, focus: str | None) -> tuple[as_of_.AsOf, Session]:
    one_snapshot(session)  # the version and the copy it is built from: one moment
    asked = as_of_.resolve(session, value)
    return asked, as_of_.snapshot_session(session, asked.version, focus)


ReadSessionDep = Annotated[Session, Depends(read_session)]
EstimateReadSessionDep = Annotated[Session, Depends(estimate_read_session)]


class ReadRoute(APIRoute):
    """A route of the public reads that fetch at most a page through an index (estimates,
    citations, the directory, the audit log).

    On an SQLite file its plain-`def` endpoint runs on the event loop: the statements are
    local, bounded by the statement deadline (app.db), and cheaper than the hop to a worker
    thread and back, which cost more than the read itself (measured on one estimate by id:
    0.15 ms of a 0.68 ms request in-process, and 30 % more requests/s served with 16
    connections, no thread waiting for the GIL). On PostgreSQL it runs in a worker thread,
    as FastAPI runs every `def` endpoint: a round trip over the network, or a database that
    stops answering, must never hold up the loop. Routes that judge many figures (series,
    conflicts, the pages) and writes keep FastAPI's worker thread everywhere."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, _on_loop_when_local(endpoint), **kwargs)


def _on_loop_when_local(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    if inspect.iscoroutinefunction(endpoint):
        return endpoint

    @functools.wraps(endpoint)  # FastAPI reads the parameters through __wrapped__
    async def run(**kwargs: Any) -> Any:
        if get_engine().dialect.name == "sqlite":
            return endpoint(**kwargs)
        return await anyio.to_thread.run_sync(functools.partial(endpoint, **kwargs))

    return run
