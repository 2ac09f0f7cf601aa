"""Directory resources: countries, sources, documents, metrics, sectors."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from app.api.deps import PageDep, UrlDep
from app.db import SessionDep
from app.enums import DocumentKind
from app.errors import BadParameter, problem_responses
from app.filters import parse_country
from app.http import with_etag
from app.pagination import Page
from app.queries import catalog as queries
from app.schemas.read import Country, Document, DocumentDetail, Metric, Sector, Source, SourceDetail

countries = APIRouter(prefix="/v1/countries", tags=["countries"])
sources = APIRouter(prefix="/v1/sources", tags=["sources"])
documents = APIRouter(prefix="/v1/documents", tags=["documents"])
vocabularies = APIRouter(prefix="/v1", tags=["vocabularies"])

ERRORS = problem_responses(400)
ERRORS_404 = problem_responses(400, 404)


@countries.get("", summary="List countries", response_model=Page[Country], responses=ERRORS)
def list_countries(
    session: SessionDep,
    page: PageDep,
    url: UrlDep,
    has_estimates: Annotated[
        bool | None,
        Query(description="true: only countries some estimate names; false: only the others"),
    ] = None,
) -> Page[Country]:
    """Every ISO 3166-1 country, in code order, with how many estimates name it."""
    return queries.list_countries(session, has_estimates, page, url)


@countries.get("/{code}", summary="One country", response_model=Country, responses=ERRORS_404)
def get_country(
    session: SessionDep,
    code: Annotated[
        str,
        Path(
            description="ISO 3166-1 alpha-2 or alpha-3, any case", examples=["CN"], max_length=100
        ),
    ],
) -> Country:
    """One country and how many estimates name it."""
    try:
        alpha2 = parse_country(code, "code")
    except BadParameter as exc:
        exc.params[0].location = "path"
        raise
    return queries.get_country(session, alpha2)


SourceId = Annotated[
    str, Path(description="the source's id", examples=["un-panel-of-experts"], max_length=120)
]
DocumentId = Annotated[
    str,
    Path(description="the document's id", examples=["un-panel-2024-final-report"], max_length=120),
]


@sources.get("", summary="List sources", response_model=Page[Source], responses=ERRORS)
def list_sources(session: SessionDep, page: PageDep, url: UrlDep) -> Page[Source]:
    """Organisations and people that publish or assert figures, in id order."""
    return queries.list_sources(session, page, url)


@sources.get(
    "/{source_id}", summary="One source", response_model=SourceDetail, responses=ERRORS_404
)
def get_source(session: SessionDep, source_id: SourceId, response: Response) -> SourceDetail:
    """One source, its counts, and the documents it published."""
    return with_etag(response, queries.get_source(session, source_id))


@documents.get("", summary="List documents", response_model=Page[Document], responses=ERRORS)
def list_documents(
    session: SessionDep,
    page: PageDep,
    url: UrlDep,
    kind: Annotated[
        list[DocumentKind] | None, Query(description="document kind (repeat for OR)")
    ] = None,
    publisher: Annotated[
        list[str] | None,
        Query(description="publishing source id (repeat for OR)", examples=["radio-free-asia"]),
    ] = None,
) -> Page[Document]:
    """Reports, filings, resolutions and articles, in id order."""
    return queries.list_documents(session, kind or [], publisher or [], page, url)


@documents.get(
    "/{document_id}", summary="One document", response_model=DocumentDetail, responses=ERRORS_404
)
def get_document(
    session: SessionDep, document_id: DocumentId, response: Response
) -> DocumentDetail:
    """One document: what it cites, what cites it, the estimates it states, its quotes."""
    return with_etag(response, queries.get_document(session, document_id))


@vocabularies.get("/metrics", summary="List metrics", response_model=Page[Metric], responses=ERRORS)
def list_metrics(session: SessionDep, page: PageDep, url: UrlDep) -> Page[Metric]:
    """What can be measured: each metric with its unit and whether it is a stock or a flow."""
    return queries.list_metrics(session, page, url)


@vocabularies.get("/sectors", summary="List sectors", response_model=Page[Sector], responses=ERRORS)
def list_sectors(session: SessionDep, page: PageDep, url: UrlDep) -> Page[Sector]:
    """Industries the workers are reported in."""
    return queries.list_sectors(session, page, url)
