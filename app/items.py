"""The shapes of the items the query layer builds, as TypedDicts, so that mypy checks what
`queries` shapes against what `schemas.read` documents (the tests check the JSON against
the schema as well). Dates are `date`s here; the renderer writes them as ISO 8601."""

from datetime import date
from typing import Any, TypedDict


class MetricRef(TypedDict):
    id: str
    name: str
    unit: str


class ValueItem(TypedDict):
    kind: str
    qualifier: str
    low: float | None
    high: float | None
    from_value: float | None
    to_value: float | None
    unit: str
    text: str
    per: str | None
    interval: Any


class PeriodItem(TypedDict):
    start: date | None
    end: date | None
    precision: str
    label: str | None
    text: str


class CountryRef(TypedDict):
    code: str
    name: str


class SectorRef(TypedDict):
    id: str
    name: str


class ScopeItem(TypedDict):
    worldwide: bool
    countries: list[CountryRef]
    place: str | None


class SourceRef(TypedDict):
    id: str
    name: str
    kind: str


class DocumentRef(TypedDict):
    id: str
    title: str
    kind: str
    published_on: date | None
    published_precision: str


class RelatedTo(TypedDict):
    metric: str
    relation: str


class LinksItem(TypedDict):
    self: str  # a path; the responder prefixes PUBLIC_URL (app.responder.public)
    html: str  # the figure's page (/figures/{id}), a path too


class EstimateItem(TypedDict):
    """A list item: schemas.read.EstimateSummary."""

    id: str
    metric: MetricRef
    value: ValueItem
    period: PeriodItem
    scope: ScopeItem
    sectors: list[SectorRef]
    population: str
    population_note: str | None
    claimant: SourceRef
    origin_document: DocumentRef
    citation_count: int
    notes: str | None
    status: str
    superseded_by: str | None
    related_to: RelatedTo | None
    links: LinksItem


class CitationDocument(DocumentRef):
    publisher: SourceRef | None
    url: str | None


class CitationItem(TypedDict):
    id: str
    document: CitationDocument
    quote: str
    locator: str | None


class CiteItem(TypedDict):
    text: str
    url: str


class EstimateDetailItem(EstimateItem):
    """One estimate with its citations: schemas.read.EstimateDetail."""

    citations: list[CitationItem]
    cite: CiteItem


class CitedDocument(TypedDict):
    """A document as a citation names it: who published it, when, and where to find it."""

    id: str
    title: str
    kind: str
    publisher: str | None  # the publishing source's name
    byline: str | None
    published_on: date | None
    published_precision: str
    url: str | None
    url_note: str | None
    un_symbol: str | None
    is_public: bool
    language: str
