"""Directory resources: countries, sources, documents, metrics, sectors."""

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response

from app import hedges
from app.api.deps import PageDep, ReadRoute, ReadSessionDep
from app.enums import DocumentKind
from app.errors import BadParameter, problem_responses
from app.exports import EXPORT_RESPONSES, FormatDep
from app.filters import parse_country
from app.pagination import Page, PageParams, Rows
from app.queries import catalog as queries
from app.responder import Listing, json_response, page_response, respond
from app.schemas.read import (
    Country,
    Document,
    DocumentDetail,
    HedgeRule,
    Metric,
    Sector,
    Source,
    SourceDetail,
)

countries = APIRouter(prefix="/v1/countries", tags=["countries"], route_class=ReadRoute)
sources = APIRouter(prefix="/v1/sources", tags=["sources"], route_class=ReadRoute)
documents = APIRouter(prefix="/v1/documents", tags=["documents"], route_class=ReadRoute)
vocabularies = APIRouter(prefix="/v1", tags=["vocabularies"], route_class=ReadRoute)

ERRORS = problem_responses(400)
ERRORS_404 = problem_responses(400, 404)


@countries.get(
    "", summary="List countries", response_model=Page[Country], responses=ERRORS | EXPORT_RESPONSES
)
def list_countries(
    request: Request,
    fmt: FormatDep,
    session: ReadSessionDep,
    page: PageDep,
    has_estimates: Annotated[
        bool | None,
        Query(description="true: only countries some estimate names; false: only the others"),
    ] = None,
) -> Any:
    """Every ISO 3166-1 country, in code order, with how many estimates name it."""
    return respond(
        request,
        fmt,
        page,
        Listing(
            "countries",
            Country,
            lambda p: queries.list_countries(session, has_estimates, p),
            session=session,
        ),
    )


@countries.get("/{code}", summary="One country", response_model=Country, responses=ERRORS_404)
def get_country(
    request: Request,
    session: ReadSessionDep,
    code: Annotated[
        str,
        Path(
            description="ISO 3166-1 alpha-2, alpha-3 or numeric code, or the country's name "
            "as people type it (Russia, South Korea, Ivory Coast; any case, accents optional)",
            examples=["CN"],
            max_length=100,
        ),
    ],
) -> Response:
    """One country and how many estimates name it."""
    try:
        alpha2 = parse_country(code, "code")
    except BadParameter as exc:
        exc.params[0].location = "path"
        raise
    return json_response(request, queries.get_country(session, alpha2), f"/v1/countries/{alpha2}")


SourceId = Annotated[
    str, Path(description="the source's id", examples=["un-panel-of-experts"], max_length=120)
]
DocumentId = Annotated[
    str,
    Path(
        description="the document's id",
        examples=["un-panel-of-experts-2024-report"],
        max_length=120,
    ),
]


@sources.get(
    "", summary="List sources", response_model=Page[Source], responses=ERRORS | EXPORT_RESPONSES
)
def list_sources(request: Request, fmt: FormatDep, session: ReadSessionDep, page: PageDep) -> Any:
    """Organisations and people that publish or assert figures, in id order."""
    return respond(
        request,
        fmt,
        page,
        Listing(
            "sources",
            Source,
            lambda p: queries.list_sources(session, p),
            session=session,
        ),
    )


@sources.get(
    "/{source_id}", summary="One source", response_model=SourceDetail, responses=ERRORS_404
)
def get_source(request: Request, session: ReadSessionDep, source_id: SourceId) -> Response:
    """One source, its counts, and the documents it published."""
    return json_response(request, queries.get_source(session, source_id))


@documents.get(
    "", summary="List documents", response_model=Page[Document], responses=ERRORS | EXPORT_RESPONSES
)
def list_documents(
    request: Request,
    fmt: FormatDep,
    session: ReadSessionDep,
    page: PageDep,
    kind: Annotated[
        list[DocumentKind] | None, Query(description="document kind (repeat for OR)")
    ] = None,
    publisher: Annotated[
        list[str] | None,
        Query(description="publishing source id (repeat for OR)", examples=["radio-free-asia"]),
    ] = None,
) -> Any:
    """Reports, filings, resolutions and articles, in id order."""
    return respond(
        request,
        fmt,
        page,
        Listing(
            "documents",
            Document,
            lambda p: queries.list_documents(session, kind or [], publisher or [], p),
            session=session,
        ),
    )


@documents.get(
    "/{document_id}", summary="One document", response_model=DocumentDetail, responses=ERRORS_404
)
def get_document(request: Request, session: ReadSessionDep, document_id: DocumentId) -> Response:
    """One document: what it cites, what cites it, the estimates it states, its quotes."""
    return json_response(request, queries.get_document(session, document_id))


@vocabularies.get(
    "/metrics",
    summary="List metrics",
    response_model=Page[Metric],
    responses=ERRORS | EXPORT_RESPONSES,
)
def list_metrics(request: Request, fmt: FormatDep, session: ReadSessionDep, page: PageDep) -> Any:
    """What can be measured: each metric with its unit and whether it is a stock or a flow."""
    return respond(
        request,
        fmt,
        page,
        Listing(
            "metrics",
            Metric,
            lambda p: queries.list_metrics(session, p),
            session=session,
        ),
    )


@vocabularies.get(
    "/sectors",
    summary="List sectors",
    response_model=Page[Sector],
    responses=ERRORS | EXPORT_RESPONSES,
)
def list_sectors(request: Request, fmt: FormatDep, session: ReadSessionDep, page: PageDep) -> Any:
    """Industries the workers are reported in."""
    return respond(
        request,
        fmt,
        page,
        Listing(
            "sectors",
            Sector,
            lambda p: queries.list_sectors(session, p),
            session=session,
        ),
    )


@vocabularies.get("/hedges", summary="How hedges are read", response_model=Page[HedgeRule])
async def list_hedges(request: Request) -> Any:
    """The rules by which each value's hedge ("about", "more than", "tens of thousands")
    is read as an interval when figures are compared: every value's `interval.rule` is one
    of these ids. The stored low and high stay what the text says."""
    rules = hedges.rules()
    return page_response(request, Rows(rules, None), PageParams(limit=len(rules)))
