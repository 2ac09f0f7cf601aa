"""/figures: the search page, a form of the API's own filters in words.

Its fields are named as /v1/estimates' parameters and parsed by the same parser
(app.api.estimates.estimate_filters), so the page's address, with `/v1/estimates` for
`/figures`, is the same query as JSON; the results are the API's own page of items.
"""

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlencode

import orjson
from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel
from sqlalchemy.orm import Session
from starlette.responses import Response

from app.api.deps import PageDep, ReadSessionDep
from app.api.estimates import estimate_filters, list_options
from app.errors import BadParameter
from app.filters import (
    DEFAULT_ESTIMATE_SORT,
    EstimateFilters,
    EstimateSort,
    PerFilter,
    PopulationFilter,
    Undated,
)
from app.pages.figures import HTML, interval_words, templates
from app.pages.routing import PageRoute
from app.pagination import MAX_LIMIT, PageParams, Rows
from app.queries import catalog
from app.queries import estimates as queries
from app.responder import reading

router = APIRouter(include_in_schema=False, route_class=PageRoute)

# The parameters the form shows as fields; any other one asked for (sector=, status=, ...)
# is carried as a hidden field, so that sending the form again keeps it.
# A page of results stays readable and under 100 kB (about 500 bytes a row); the JSON and
# CSV of the same query give more at once.
PAGE_LIMIT = 100
FORM_FIELDS = {
    "metric",
    "country",
    "worldwide",
    "period_from",
    "period_to",
    "claimant",
    "q",
    "undated",
}


def every(fetch: Callable[[PageParams], Rows]) -> list[Any]:
    """Every item of a catalog list, page after page (a form's options)."""
    items: list[Any] = []
    cursor: str | None = None
    while True:
        rows = fetch(PageParams(limit=MAX_LIMIT, cursor=cursor))
        items.extend(rows.items)
        if rows.next_cursor is None:
            return items
        cursor = rows.next_cursor


def query_string(pairs: list[tuple[str, str]], **more: str) -> str:
    """`?a=1&b=2` of `pairs` and `more` (empty when there are none)."""
    pairs = pairs + list(more.items())
    return f"?{urlencode(pairs)}" if pairs else ""


def where_words(item: dict[str, Any]) -> str:
    """Where a figure counts, in words: "worldwide", "China", "Hunchun, China"."""
    scope = item["scope"]
    if scope["worldwide"]:
        return "worldwide"
    where = ", ".join(c["name"] for c in scope["countries"])
    return f"{scope['place']}, {where}" if scope["place"] else where


def form_options(session: Session) -> dict[str, Any]:
    """What the form offers to choose from, by name: every metric, and the countries and
    claimants that figures name."""
    metrics = every(lambda p: catalog.list_metrics(session, p))
    return {
        "metrics": sorted(((m.id, m.name) for m in metrics), key=lambda m: m[1].casefold()),
        "countries": catalog.named_countries(session),
        "claimants": catalog.claimants(session),
    }


class Shown(BaseModel):
    """One result row as the table shows it."""

    id: str
    figure: str
    read_as: str
    metric: str
    period: str
    where: str
    claimant: str
    status: str
    related: str | None  # with related=true: how its metric stands to the one asked


def shown(item: dict[str, Any]) -> Shown:
    """A list item (/v1/estimates' shape) as a row of the results table."""
    value = item["value"]
    return Shown(
        id=item["id"],
        figure=value["text"] + (f" per {value['per']}" if value["per"] else ""),
        read_as=interval_words(value["interval"], value["unit"]),
        metric=item["metric"]["name"],
        period=item["period"]["label"] or "date not known",
        where=where_words(item),
        claimant=item["claimant"]["name"],
        status=item["status"],
        related=_related_words(item.get("related_to")),
    )


def _related_words(related_to: dict[str, Any] | None) -> str | None:
    """A related measure's relation in words: "proxy of workers_abroad"."""
    if not related_to:
        return None
    return f"{related_to['relation'].replace('_', ' ')} {related_to['metric']}"


@router.get("/figures")
def search_page(
    request: Request,
    session: ReadSessionDep,
    filters: Annotated[EstimateFilters, Depends(estimate_filters)],
    page: PageDep,
    sort: Annotated[EstimateSort, Query()] = DEFAULT_ESTIMATE_SORT,
    population: Annotated[PopulationFilter, Query()] = PopulationFilter.any,
    per: Annotated[PerFilter | None, Query()] = None,
    related: Annotated[bool, Query()] = False,
) -> Response:
    """The search form, and the figures the query finds, a page at a time (the API's
    cursor), with links to the same query as JSON, CSV and a download bundle."""
    filters = list_options(filters, population, per, related)
    if page.limit > PAGE_LIMIT:
        raise BadParameter(
            "limit",
            f"a page shows at most {PAGE_LIMIT} figures; the same query as JSON gives up to "
            f"{MAX_LIMIT} a page, and as CSV all of them",
        )
    read = reading(request)
    as_of = read.as_of if read else None
    headers = read.headers() if read else {}
    pairs = [(k, v) for k, v in request.query_params.multi_items() if k != "cursor"]
    asked = bool(pairs) or page.cursor is not None
    rows: Rows | None = None
    left_out = 0
    if asked:
        plan = queries.prepare(session, filters)
        rows = queries.list_estimates(session, plan, sort, page)
        left_out = queries.undated_left_out(session, plan)
    query = query_string(pairs)
    context = {
        "options": form_options(session),
        "filters": filters,
        "raw": request.query_params,
        "hidden": [(k, v) for k, v in pairs if k not in FORM_FIELDS],
        "include_undated": filters.undated is Undated.include,
        "asked": asked,
        "results": [shown(orjson.loads(i.json)) for i in rows.items] if rows else [],
        "total": rows.total if rows else None,
        "next_url": f"/figures{query_string(pairs, cursor=rows.next_cursor)}"
        if rows and rows.next_cursor
        else None,
        "first_url": f"/figures{query}" if page.cursor else None,
        "left_out": left_out,
        "undated_url": f"/figures{query_string(_undated_only(pairs))}",
        "json_url": f"/v1/estimates{query}",
        "csv_url": f"/v1/estimates.csv{query}",
        "zip_url": f"/v1/estimates.zip{query}",
        "chart_url": chart_url(filters, request.query_params.get("as_of")),
        "as_of": as_of,
    }
    return templates.TemplateResponse(
        request, "search.html", context, headers=headers, media_type=HTML
    )


def chart_url(f: EstimateFilters, as_of: str | None) -> str | None:
    """The chart of the query's metric and scope, when it asks for one metric and one scope
    (a country, countries together, or worldwide figures): what a series can show."""
    if len(f.metric) != 1 or bool(f.country) == bool(f.worldwide):
        return None
    return f"/figures/chart{query_string(scope_pairs(f) + ([('as_of', as_of)] if as_of else []))}"


def scope_pairs(f: EstimateFilters) -> list[tuple[str, str]]:
    """The query of a series' metric and exact scope: `metric=`, then `worldwide=true` or
    each `country=`."""
    scope = [("worldwide", "true")] if f.worldwide else [("country", c) for c in f.country]
    return [("metric", f.metric[0]), *scope]


def _undated_only(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The query of the figures a date range left out for want of a date (as the API's
    `meta.undated_url`): its other filters, and `undated=only`."""
    dates = {"period_from", "period_to", "match", "undated"}
    return [(k, v) for k, v in pairs if k not in dates] + [("undated", "only")]
