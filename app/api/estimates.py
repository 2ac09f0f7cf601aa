"""/v1/estimates: the main query, and one estimate with its citations."""

from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel
from starlette.responses import Response

from app.api.deps import EstimateId, EstimateReadSessionDep, PageDep, ReadRoute, ReadSessionDep
from app.db import one_snapshot
from app.enums import EstimateStatus
from app.errors import BadParameter, problem_responses
from app.exports import EXPORT_RESPONSES, Column, Format, FormatDep
from app.filters import (
    DEFAULT_ESTIMATE_SORT,
    PERIOD_FORMATS,
    EstimateFilters,
    EstimateSort,
    Match,
    PerFilter,
    PopulationFilter,
    Undated,
    parse_country,
    parse_period_bound,
)
from app.pagination import Page
from app.queries import estimates as queries
from app.responder import (
    Listing,
    json_response,
    request_url,
    respond,
    undated_headers,
    undated_meta,
)
from app.schemas.read import EstimateDetail, EstimateSummary

router = APIRouter(prefix="/v1/estimates", tags=["estimates"], route_class=ReadRoute)

Ids = list[str] | None


class EstimateQuery(BaseModel):
    """The filters of /v1/estimates as the query string gives them, in one typed model
    (FastAPI validates it in one pass); `estimate_filters` turns them into EstimateFilters."""

    metric: Annotated[
        Ids,
        Query(
            description="metric id (repeat for OR); /v1/metrics lists them",
            examples=["workers_abroad"],
        ),
    ] = None
    country: Annotated[
        Ids,
        Query(
            description="ISO 3166-1 alpha-2, alpha-3 or numeric code, or the country's name "
            "as people type it (Russia, Russian Federation, Russian, Türkiye or Turkey; any "
            "case, accents optional), repeat for OR; matches estimates whose scope names the "
            "country. A name several countries share (Korea) is a 400 listing them",
            examples=["CN"],
        ),
    ] = None
    worldwide: Annotated[
        bool | None,
        Query(description="true: only worldwide figures; false: only country-scoped ones"),
    ] = None
    sector: Annotated[
        Ids,
        Query(
            description="sector id (repeat for OR); /v1/sectors lists them",
            examples=["construction"],
        ),
    ] = None
    claimant: Annotated[
        Ids,
        Query(
            description="id of the source making the claim (repeat for OR)",
            examples=["un-panel-of-experts"],
        ),
    ] = None
    document: Annotated[
        Ids,
        Query(description="id of a document that states or quotes the estimate (repeat for OR)"),
    ] = None
    period_from: Annotated[
        str | None,
        Query(
            description=f"start of the date range ({PERIOD_FORMATS}); `2019` means 2019-01-01",
            examples=["2019"],
        ),
    ] = None
    period_to: Annotated[
        str | None,
        Query(
            description=f"end of the date range ({PERIOD_FORMATS}); `2024` means 2024-12-31",
            examples=["2024"],
        ),
    ] = None
    match: Annotated[
        Match,
        Query(
            description="`overlaps`: the estimate's period overlaps the range (default); "
            "`within`: it lies inside the range"
        ),
    ] = Match.overlaps
    undated: Annotated[
        Undated,
        Query(
            description="figures whose period is unknown: a date range leaves them out "
            "(`exclude`, default; `meta.undated` counts them), `include` keeps them in "
            "beside the range, `only` lists just them"
        ),
    ] = Undated.exclude
    min_value: Annotated[
        float | None,
        Query(
            description="only estimates whose value can be this large or larger (high ≥ it; "
            "lower bounds always can)",
            allow_inf_nan=False,
        ),
    ] = None
    max_value: Annotated[
        float | None,
        Query(
            description="only estimates whose value can be this small or smaller (low ≤ it; "
            "upper bounds always can)",
            allow_inf_nan=False,
        ),
    ] = None
    status: Annotated[
        list[EstimateStatus] | None,
        Query(
            description="estimate status (repeat for OR); default: active only, so retracted "
            "and superseded figures are hidden unless asked for"
        ),
    ] = None
    q: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=200,
            description="text to find (case-insensitive) in quotes, notes and value wording; "
            "three characters or more are found through an index",
            examples=["Hunchun"],
        ),
    ] = None


async def estimate_filters(query: Annotated[EstimateQuery, Query()]) -> EstimateFilters:
    """Parse and check the filters of /v1/estimates (and of the views built on them)."""
    return EstimateFilters(
        metric=query.metric or [],
        country=[parse_country(c) for c in query.country or []],
        worldwide=query.worldwide,
        sector=query.sector or [],
        claimant=query.claimant or [],
        document=query.document or [],
        period_from=parse_period_bound(query.period_from, "period_from", end=False)
        if query.period_from
        else None,
        period_to=parse_period_bound(query.period_to, "period_to", end=True)
        if query.period_to
        else None,
        match=query.match,
        undated=query.undated,
        min_value=query.min_value,
        max_value=query.max_value,
        q=query.q,
        status=query.status or [EstimateStatus.active],
    )


# What an estimates export adds to each row (queries.provenance), after the item's own.
EXPORT_COLUMNS = [
    Column(
        "citations",
        "every quote stating the figure, one per line, as `[document id] quote`",
        "text",
    ),
    Column(
        "origin_document_url",
        "where the origin document can be read; empty when no public URL is known",
        "text, or empty",
    ),
    Column(
        "origin_document_publisher_id",
        "the origin document's publisher (a source id); empty when not known",
        "text, or empty",
    ),
    Column("origin_document_publisher_name", "the origin document's publisher", "text, or empty"),
    Column(
        "origin_document_published_label",
        "the origin document's publication date, as precisely as it is known (`2024`, "
        "`Mar 2024`, `7 Mar 2024`); empty when unknown",
        "text, or empty",
    ),
    Column(
        "citing_document_urls",
        "the URLs of the documents quoted as stating the figure, one per line, in the order "
        "of `citations`; documents with no known URL are left out",
        "text",
    ),
]


def list_options(
    filters: EstimateFilters, population: PopulationFilter, per: PerFilter | None, related: bool
) -> EstimateFilters:
    """The filters with a list's own options (which population, which basis, the related
    metrics; the search page takes them too), or a 400 for related=true without metric=."""
    if related and not filters.metric:
        raise BadParameter("related", "related=true needs metric= (the metrics to relate to)")
    return replace(filters, population=population.population(), per=per, related=related)


@router.get(
    "",
    summary="Search estimates",
    response_model=Page[EstimateSummary],
    responses=problem_responses(400) | EXPORT_RESPONSES,
)
def list_estimates(
    request: Request,
    session: ReadSessionDep,
    filters: Annotated[EstimateFilters, Depends(estimate_filters)],
    page: PageDep,
    fmt: FormatDep,
    sort: Annotated[
        EstimateSort,
        Query(description="order of the results; `-` for descending"),
    ] = DEFAULT_ESTIMATE_SORT,
    population: Annotated[
        PopulationFilter,
        Query(
            description="`all`: only figures of all workers of their scope; `part`: only "
            "figures of a part (IT workers only, ...); `any` (default): both"
        ),
    ] = PopulationFilter.any,
    per: Annotated[
        PerFilter | None,
        Query(
            description="`none`: only totals and counts; `year`, `month`, `day`: only rates "
            "per that unit of time (`value.per`); default: both"
        ),
    ] = None,
    related: Annotated[
        bool,
        Query(
            description="true: with `metric=`, also the estimates of the metrics that are a "
            "proxy or a part of those asked, or have one among them (/v1/metrics lists the "
            "relations; flows are a different quantity and are not added), each marked in "
            "`related_to`; every other filter applies to them as well. Default false",
            examples=[True],
        ),
    ] = False,
) -> Any:
    """Estimates matching every filter given (AND); repeated values of a filter combine with OR.

    Example, all worker-count estimates for China 2019–2024:
    `/v1/estimates?metric=workers_abroad&country=CN&period_from=2019&period_to=2024`.

    As CSV (`format=csv`), one row per estimate with flat columns (`metric_id`, `value_low`,
    `period_start`, `period_label`, `scope_countries` joined by `;`, ...), then where each
    figure comes from: `citations` (each as `[document id] quote`, one per line), the
    origin document's URL, publisher and publication date in words
    (`origin_document_published_label`: an article dated only "2024" is `2024`), and the
    URLs of the documents quoting it (`citing_document_urls`). NDJSON lines carry the same
    (`origin_document.url`, `origin_document.publisher`, `origin_document.published_label`,
    `citing_document_urls`). `bom=true` starts a CSV with a UTF-8 byte order mark for
    spreadsheet programs; `format=zip` (or `/v1/estimates.zip?...`) is a bundle to keep: the
    CSV, `metadata.json` (the query, the data version, the time, the licence, how to cite
    the dataset, every column's meaning and type) and a README.txt.

    A date range leaves out figures whose period is unknown; `meta.undated` says how many
    matched every other filter, and `meta.undated_url` lists them (`undated=include` keeps
    them in; an export says so in `X-Undated-Count` and a `Link` with rel="undated").

    Related measures: `related=true` adds the estimates of metrics related to those asked,
    e.g. Russia's own work-permit count beside Reuters' "some 30,000 workers":
    `/v1/estimates?metric=workers_abroad&country=RU&period_from=2018&period_to=2018&related=true`
    lists `work_permits_held` figures with `related_to: {"metric": "workers_abroad",
    "relation": "proxy_of"}`.
    """
    filters = list_options(filters, population, per, related)
    if fmt is not Format.json:
        one_snapshot(session)  # before prepare: the export's pages and filters see one
    filters = queries.prepare(session, filters)  # once for every page of an export
    left_out = queries.undated_left_out(session, filters)
    url = request_url(request)
    return respond(
        request,
        fmt,
        page,
        Listing(
            "estimates",
            EstimateSummary,
            lambda p: queries.list_estimates(session, filters, sort, p),
            extra=lambda items: queries.provenance(session, items),
            extra_columns=EXPORT_COLUMNS,
            meta=undated_meta(left_out, url),
            headers=undated_headers(left_out, url),
            session=session if fmt is not Format.json else None,
        ),
    )


@router.get(
    "/{estimate_id}",
    summary="One estimate with its citations",
    response_model=EstimateDetail,
    responses=problem_responses(400, 404),
)
def get_estimate(
    request: Request, session: EstimateReadSessionDep, estimate_id: EstimateId
) -> Response:
    """The estimate, its claimant and origin document, and every citation with its quote.

    The `ETag` header is what a PATCH or DELETE must send back in `If-Match`."""
    return json_response(request, queries.get_estimate(session, estimate_id))
