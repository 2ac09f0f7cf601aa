"""Derived views for charts and fact-checking: /v1/series and /v1/conflicts."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.datastructures import URL

from app.api.deps import PageDep, ReadSessionDep, UrlDep
from app.api.estimates import estimate_filters
from app.db import one_snapshot
from app.errors import BadParameter, problem_responses
from app.exports import EXPORT_RESPONSES, FormatDep
from app.filters import EstimateFilters, PerFilter, PopulationFilter
from app.pagination import Page, PageParams
from app.queries import analysis as queries
from app.queries.estimates import prepare
from app.responder import Listing, page_response, respond, undated_headers, undated_meta
from app.schemas.read import Conflict, Consensus, SeriesPoint

router = APIRouter(prefix="/v1", tags=["analysis"])
Filters = Annotated[EstimateFilters, Depends(estimate_filters)]


@router.get(
    "/series",
    summary="A chart-ready series",
    response_model=Page[SeriesPoint],
    responses=problem_responses(400) | EXPORT_RESPONSES,
)
def series(
    request: Request,
    session: ReadSessionDep,
    filters: Filters,
    page: PageDep,
    url: UrlDep,
    fmt: FormatDep,
    population: Annotated[
        PopulationFilter | None,
        Query(
            description="`all`: figures of all workers of the scope; `part`: figures of a "
            "part (IT workers only, ...); `any`: both. Default: `all`, or `any` when `sector=` "
            "is given (a question about a sector asks for its parts too)"
        ),
    ] = None,
    per: Annotated[
        PerFilter,
        Query(
            description="the values' basis, one per series: `none` (default): totals and "
            "counts; `year`, `month`, `day`: rates per that unit of time (`per`)"
        ),
    ] = PerFilter.none,
) -> Any:
    """The estimates of one `metric` and one exact scope (`country=CN`: estimates about China
    alone; `country=CN&country=RU`: about the two together; `worldwide=true`), oldest first,
    one point per estimate however often it was echoed, with low/high for error bars and the
    claimant for the legend. Estimates without a known period are left out: `meta.undated`
    counts those of this metric and scope, and `meta.undated_url` lists them (an export says
    so in `X-Undated-Count` and a `Link` with rel="undated"). Other estimate filters apply.

    Like is compared with like: by default a series holds totals of all workers only, never
    a part (IT workers only) or a rate ($500 million a year); `population=` and `per=` ask
    for those, one basis per series. With `sector=`, parts are included unless
    `population=` says otherwise. Each point says what it counts (`population`,
    `population_note`) and its basis (`per`)."""
    filters = queries.like_with_like(filters, population, per)
    queries.series_scope(filters)  # its 400s come before prepare's
    one_snapshot(session)  # before prepare: an export's pages and filters see one
    filters = prepare(session, filters)  # once for every page of an export
    left_out = queries.series_undated(session, filters)
    estimates = _estimates_at(url)
    return respond(
        request,
        fmt,
        page,
        Listing(
            "series",
            SeriesPoint,
            lambda p: queries.series(session, filters, p),
            session=session,
            headers=undated_headers(left_out, estimates),
            meta=undated_meta(left_out, estimates),
        ),
    )


@router.get(
    "/conflicts",
    summary="Estimates that disagree",
    response_model=Page[Conflict],
    responses=problem_responses(400) | EXPORT_RESPONSES,
)
def conflicts(
    request: Request,
    session: ReadSessionDep,
    filters: Filters,
    page: PageDep,
    url: UrlDep,
    fmt: FormatDep,
) -> Any:
    """Pairs of estimates by independent claimants whose periods overlap and that disagree,
    each with its `kind`, `strength`, `rule` and a `reason` in words, both sides with their
    quotes. `disagreement`: the same metric, scope, place, population and basis, whose
    intervals (see /v1/hedges) do not meet (`contradiction`) or whose figures each lie
    outside the other's interval (`tension`). `part_exceeds_whole`: for a stock, `a` counts
    a part of what `b` counts (a country of the world, a place within it, a part of the
    workers) and lies above it (`contradiction`) or reaches into it (`tension`). The first
    side matches every filter, the other every filter but the scope. Figures with no known
    period are never compared: `meta.undated` counts those that match the filters."""
    queries.dated_only(filters)
    one_snapshot(session)  # before prepare: an export's pages and filters see one
    filters = prepare(session, filters)  # once for every page of an export
    left_out = queries.conflicts_undated(session, filters)
    estimates = _estimates_at(url)
    return respond(
        request,
        fmt,
        page,
        Listing(
            "conflicts",
            Conflict,
            lambda p: queries.conflicts(session, filters, p),
            session=session,
            headers=undated_headers(left_out, estimates),
            meta=undated_meta(left_out, estimates),
        ),
    )


@router.get(
    "/consensus",
    summary="What independent sources agree on",
    response_model=Page[Consensus],
    responses=problem_responses(400),
)
def consensus(
    request: Request,
    session: ReadSessionDep,
    filters: Filters,
    url: UrlDep,
    population: Annotated[
        PopulationFilter | None,
        Query(
            description="`all` (default): figures of all workers of the scope; `part`, `any`: "
            "as in /v1/series"
        ),
    ] = None,
    per: Annotated[
        PerFilter,
        Query(description="the values' basis: `none` (default, totals), `year`, `month`, `day`"),
    ] = PerFilter.none,
) -> Any:
    """For one `metric` and one exact scope (`country=` or `worldwide=true`, as in
    /v1/series), per calendar year of `period_from`..`period_to` (or of the figures): the
    independent claimants and their figures, the range the figures span, the interval they
    all allow (`agreed`, or null with a link to the conflicts), and the sentence a journalist
    writes: "estimates range from X to Y across N independent sources". `method` says how."""
    if population is PopulationFilter.any:
        raise BadParameter(
            "population",
            "a consensus compares like with like: `all` (default) or `part`, not both",
        )
    filters = queries.like_with_like(filters, population, per)
    queries.series_scope(filters)
    filters = prepare(session, filters)
    left_out = queries.series_undated(session, filters)
    estimates = _estimates_at(url)
    rows = queries.consensus(session, filters, lambda year: _conflicts_at(url, year))
    meta = undated_meta(left_out, estimates)
    return page_response(request, rows, PageParams(limit=len(rows.items)), meta)


def _conflicts_at(url: URL, year: int) -> str:
    """/v1/conflicts of one year with the consensus's filters: where a year's figures that
    cannot all hold are paired. It compares like with like itself: no population= or per=."""
    conflicts = url.replace(path=url.path.removesuffix("/consensus") + "/conflicts")
    conflicts = conflicts.remove_query_params(["population", "per"])
    return str(conflicts.include_query_params(period_from=str(year), period_to=str(year)))


def _estimates_at(url: URL) -> URL:
    """/v1/estimates with the same filters: where the undated figures a view leaves out are
    listed."""
    return url.replace(path=url.path.rsplit("/", 1)[0] + "/estimates")
