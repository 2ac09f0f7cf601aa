"""What the read API returns. Field descriptions end up in the OpenAPI docs."""

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field

from app.enums import (
    PER_MEANS,
    POPULATION_MEANS,
    POPULATION_NOTE_MEANS,
    RELATION_MEANS,
    SECTORS_MEAN,
    Action,
    DocumentKind,
    EstimateStatus,
    MetricKind,
    Per,
    Population,
    Precision,
    Qualifier,
    RelationRead,
    SourceKind,
    ValueKind,
)


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Links(BaseModel):
    self: str = Field(
        description="this resource's permalink, built from the API's configured public URL",
        examples=["https://dprk-labor.example.org/v1/estimates/panel-2024-workers-abroad-2023"],
    )


LINKS_MEAN = "where this resource lives: `self`, its permalink"


class PageLinks(Links):
    html: str = Field(
        description="the resource's page for people to read, built from the public URL too",
        examples=["https://dprk-labor.example.org/figures/panel-2024-workers-abroad-2023"],
    )


PAGE_LINKS_MEAN = "where this resource lives: `self`, its permalink; `html`, its page for readers"


class CountryRef(Out):
    code: str = Field(description="ISO 3166-1 alpha-2", examples=["CN"])
    name: str = Field(examples=["China"])


class Country(CountryRef):
    alpha3: str = Field(examples=["CHN"])
    numeric: str = Field(examples=["156"])
    official_name: str | None = Field(examples=["People's Republic of China"])
    estimate_count: int = Field(description="estimates whose scope names this country")

    @computed_field(description=LINKS_MEAN)  # type: ignore[prop-decorator]
    @property
    def links(self) -> Links:
        return Links(self=f"/v1/countries/{self.code}")


class Sector(Out):
    id: str = Field(examples=["construction"])
    name: str = Field(examples=["Construction"])
    description: str | None = None


class SectorRef(Out):
    id: str = Field(examples=["construction"])
    name: str = Field(examples=["Construction"])


class MetricRef(Out):
    id: str = Field(examples=["workers_abroad"])
    name: str = Field(examples=["Workers abroad"])
    unit: str = Field(examples=["persons"])


class MetricName(Out):
    id: str = Field(examples=["work_permits_held"])
    name: str = Field(examples=["Valid work permits held by North Koreans"])


class MetricRelated(BaseModel):
    """Another metric and how this one stands to it."""

    metric: MetricName
    relation: RelationRead = Field(description=RELATION_MEANS, examples=["has_proxy"])
    note: str = Field(
        description="the relation in words: what stands for what, and how far it goes",
        examples=["North Koreans holding valid work permits stand for the North Korean workers"],
    )


class Metric(MetricRef):
    kind: MetricKind = Field(description="stock: a level at a time; flow: an amount over a period")
    description: str
    related: list[MetricRelated] = Field(
        description="the metrics this one relates to, its own relations and (marked `has_...`) "
        "those others have to it, by id; `related=true` on /v1/estimates follows the proxies "
        "and parts"
    )


class RelatedTo(BaseModel):
    """Why a list holds an estimate of a metric it did not ask for."""

    metric: str = Field(description="the metric asked for (its id)", examples=["workers_abroad"])
    relation: RelationRead = Field(
        description="how the estimate's metric stands to it: `proxy_of`, `part_of`, or from "
        "the other end `has_proxy`, `has_part`",
        examples=["proxy_of"],
    )


class SourceRef(Out):
    id: str = Field(examples=["un-panel-of-experts"])
    name: str = Field(examples=["UN Security Council Panel of Experts on the DPRK"])
    kind: SourceKind


class Source(SourceRef):
    country_code: str | None = Field(description="where the source is based, if known")
    url: str | None
    description: str | None
    estimate_count: int = Field(description="estimates this source claims")
    document_count: int = Field(description="documents this source published")

    @computed_field(description=PAGE_LINKS_MEAN)  # type: ignore[prop-decorator]
    @property
    def links(self) -> PageLinks:
        return PageLinks(self=f"/v1/sources/{self.id}", html=f"/sources/{self.id}")


class DocumentRef(Out):
    id: str = Field(examples=["un-panel-2024-final-report"])
    title: str
    kind: DocumentKind
    published_on: date | None = Field(description="publication date; see published_precision")
    published_precision: Precision = Field(
        description="how much of published_on the sources fix: 2024-01-01 with `year` means 2024"
    )


class Document(DocumentRef):
    publisher: SourceRef | None
    byline: str | None = Field(
        description="the author the text names, when not the publisher", examples=["Reuters"]
    )
    coverage_start: date | None = Field(description="first day of the period the document covers")
    coverage_end: date | None
    url: str | None
    url_note: str | None = Field(
        description="why there is no URL, when there is none",
        examples=["no public URL known: the text does not give one"],
    )
    un_symbol: str | None = Field(description="UN document symbol, where known")
    is_public: bool
    language: str
    has_full_text: bool = Field(description="whether the API holds the document's full text")
    estimate_count: int = Field(description="estimates that originate in this document")
    citation_count: int = Field(description="quotes from this document stored as citations")

    @computed_field(description=PAGE_LINKS_MEAN)  # type: ignore[prop-decorator]
    @property
    def links(self) -> PageLinks:
        return PageLinks(self=f"/v1/documents/{self.id}", html=f"/documents/{self.id}")


class Interval(BaseModel):
    """How the value's hedge is read when figures are compared; the stored low/high stay
    what the text says. GET /v1/hedges lists the rules."""

    low: float | None = Field(
        description="the lowest figure the reading allows", examples=[75000.0]
    )
    high: float | None = Field(
        description="the highest figure it allows; null: no upper end", examples=[125000.0]
    )
    rule: str = Field(description="the rule that read it (an id of /v1/hedges)", examples=["about"])


class HedgeRule(BaseModel):
    """A rule that reads a hedged value as an interval."""

    id: str = Field(examples=["about"])
    applies_to: str = Field(description="the wordings it reads", examples=["about, around, some"])
    interval: str = Field(description="the interval it reads them as, in words")
    example: str = Field(examples=['"some 30,000" → 25,000 to 35,000'])


class Value(BaseModel):
    kind: ValueKind = Field(description="point, range, lower_bound, upper_bound or change")
    qualifier: Qualifier
    low: float | None = Field(description="lower end (equal to high for a point; min of a change)")
    high: float | None = Field(description="upper end (null for a lower bound)")
    from_value: float | None = Field(None, description="for a change: the value it changed from")
    to_value: float | None = Field(None, description="for a change: the value it changed to")
    unit: str = Field(examples=["persons"])
    text: str = Field(description="the original wording", examples=["Around 100,000"])
    per: Per | None = Field(None, description=PER_MEANS, examples=["year"])
    interval: Interval


class Period(BaseModel):
    start: date | None = Field(description="first day (inclusive); null when the text gives none")
    end: date | None = Field(description="last day (inclusive)")
    precision: Precision
    label: str | None = Field(
        description="the period in words, as precisely as the text fixes it: `2024`, "
        "`Aug 2024`, `Q3 2024`, `H1 2020`, `7 Mar 2024`, `Jul 2023 – Jan 2024`; null when "
        "the period is unknown",
        examples=["2023"],
    )
    text: str = Field(
        description="the text's own time wording; empty when it has none (see notes)",
        examples=["in 2023"],
    )


class Scope(BaseModel):
    worldwide: bool
    countries: list[CountryRef]
    place: str | None = Field(
        description="a place within the countries", examples=["Hunchun, Jilin"]
    )


class EstimateSummary(BaseModel):
    id: str = Field(examples=["panel-2024-workers-abroad-2023"])
    metric: MetricRef
    value: Value
    period: Period
    scope: Scope
    sectors: list[SectorRef] = Field(description=SECTORS_MEAN)
    population: Population = Field(description=POPULATION_MEANS, examples=["all"])
    population_note: str | None = Field(
        description=POPULATION_NOTE_MEANS, examples=["IT workers only"]
    )
    claimant: SourceRef = Field(description="who makes the claim")
    origin_document: DocumentRef = Field(description="where the claim was first made")
    citation_count: int = Field(description="documents quoted as stating this figure")
    notes: str | None = Field(description="how the text's wording was turned into numbers")
    status: EstimateStatus = Field(
        description="active; retracted (withdrawn); superseded (corrected by `superseded_by`)"
    )
    superseded_by: str | None = Field(description="id of the estimate that corrects this one")
    related_to: RelatedTo | None = Field(
        description="set when a list asked for `related=true` holds this estimate because its "
        "metric relates to one asked for; null for an estimate of a metric asked for",
        examples=[{"metric": "workers_abroad", "relation": "proxy_of"}],
    )
    links: PageLinks = Field(description=PAGE_LINKS_MEAN)


class CitationDocument(DocumentRef):
    publisher: SourceRef | None
    url: str | None


class Citation(BaseModel):
    id: str
    document: CitationDocument
    quote: str = Field(description="verbatim from the document")
    locator: str | None = Field(description="where in the document")


class CitationDetail(Citation):
    estimate_id: str = Field(description="the estimate this citation states")

    @computed_field(description=LINKS_MEAN)  # type: ignore[prop-decorator]
    @property
    def links(self) -> Links:
        return Links(self=f"/v1/citations/{self.id}")


class Change(BaseModel):
    """One write in the audit log: who, when, what, and the record before and after."""

    id: int = Field(description="increasing; pass the last one seen as `cursor` to sync")
    at: datetime
    actor: str = Field(description="the API key's name, or `dprk-labor load`")
    action: Action
    resource_type: str = Field(examples=["estimate"])
    resource_id: str
    estimate_id: str | None = Field(description="the estimate whose history this belongs to")
    before: dict[str, Any] | None = Field(
        description="the record before (null on create); a document's `full_text` is given "
        'as `{"sha256": hex of its UTF-8, "length": characters}`, never as text, so the log '
        "shows whether a text changed without holding it"
    )
    after: dict[str, Any] | None = Field(
        description="the record after (null on delete); `full_text` as in `before`"
    )


class Release(BaseModel):
    """A named data release: a data version marked for citing."""

    name: str = Field(description="pass as `as_of=` to read the data as released")
    data_version: int = Field(description="the data version it names")
    created_at: datetime
    notes: str | None


class Cite(BaseModel):
    """A short citation of the figure; its `url` gives it in every style, with the data
    version and the day."""

    text: str = Field(
        description="the figure in words, its claimant and origin document, and the outlets "
        "that reported it"
    )
    url: str = Field(
        description="the figure's citation (`?style=apa|chicago|csl-json|bibtex|ris`; "
        "`via=<document id>` names the document the reader saw)"
    )


class EstimateDetail(EstimateSummary):
    citations: list[Citation]
    cite: Cite = Field(description="how to cite the figure")


class CitationInDocument(BaseModel):
    id: str = Field(description="the citation's id (/v1/citations/{id})")
    estimate_id: str
    quote: str
    locator: str | None


class DocumentDetail(Document):
    notes: str | None
    cites: list[DocumentRef] = Field(description="documents this one cites")
    cited_by: list[DocumentRef] = Field(description="documents that cite this one")
    estimates: list[EstimateSummary] = Field(description="estimates that originate here")
    citations: list[CitationInDocument] = Field(description="figures this document quotes")
    full_text: str | None = Field(description="the full text, where the API holds it")


class SourceDetail(Source):
    documents: list[DocumentRef] = Field(description="documents this source published")


class Health(BaseModel):
    status: str = Field(examples=["ok"])


class Ready(Health):
    database: str = Field(examples=["ok"])
    revision: str | None = Field(description="the database's migration revision")
    head: str | None = Field(description="the newest migration revision")
    writable: bool | None = Field(
        None,
        description="whether writes can succeed (false: a read-only database, or a full "
        "disk under SQLite); null when the database is not ready",
    )


class SeriesPoint(BaseModel):
    """One estimate as a chart point: x (mid-period), y, error bars, legend."""

    estimate_id: str
    x: date = Field(description="the middle of the period, to place the point on a time axis")
    start: date
    end: date
    precision: Precision
    y: float | None = Field(
        description="the value to plot: a point's value, a range's midpoint, a bound's bound, "
        "a change's end value"
    )
    low: float | None = Field(description="lower error bar (null: unbounded below)")
    high: float | None = Field(description="upper error bar (null: unbounded above)")
    kind: ValueKind
    qualifier: Qualifier
    unit: str
    per: Per | None = Field(description=PER_MEANS, examples=["year"])
    value_text: str
    interval: Interval = Field(description="how the hedge is read when figures are compared")
    period_text: str
    population: Population = Field(description=POPULATION_MEANS, examples=["all"])
    population_note: str | None = Field(
        description=POPULATION_NOTE_MEANS, examples=["IT workers only"]
    )
    claimant: SourceRef = Field(description="for the legend: who claims it")
    citation_count: int = Field(description="echoes of this one claim (not separate points)")


class Conflict(BaseModel):
    """Two estimates by independent claimants, overlapping in time, that disagree, and why."""

    kind: Literal["disagreement", "part_exceeds_whole"] = Field(
        description="`disagreement`: the same metric, scope, place, population and basis; "
        "`part_exceeds_whole`: `a` counts a part of what `b` counts (a country of the "
        "world, a place in its country, a part of the workers) and exceeds or rivals it"
    )
    strength: Literal["contradiction", "tension"] = Field(
        description="`contradiction`: both cannot be true under their intervals; `tension`: "
        "the intervals allow both, but the figures collide"
    )
    rule: str = Field(
        description="the test that found it: intervals-apart, figures-apart (each figure "
        "outside the other's interval), part-above-whole, part-rivals-whole (the part's "
        "figure reaches the whole's interval)",
        examples=["part-rivals-whole"],
    )
    reason: str = Field(description="why, in one sentence a reader can follow")
    metric: MetricRef
    scope: Scope = Field(description="`a`'s scope")
    a: EstimateDetail
    b: EstimateDetail


class Span(BaseModel):
    """From one figure to another; `high` null: no upper end."""

    low: float
    high: float | None


class Consensus(BaseModel):
    """What independent claimants say of one metric and scope in one calendar year."""

    year: int = Field(examples=[2023])
    start: date
    end: date
    claimants: int = Field(description="independent sources with a figure for the year")
    figures: list[EstimateSummary] = Field(
        description="the estimates whose periods overlap the year (one claim each, however "
        "often echoed)"
    )
    range: Span | None = Field(
        description="from the lowest to the highest figure (central readings); null: none"
    )
    agreed: Span | None = Field(
        description="what every figure's interval allows at once; null when they cannot all "
        "be true (see `conflicts_url`) or there are no figures"
    )
    conflicts_url: str | None = Field(
        description="the conflicts of the year, when the figures cannot all be true"
    )
    summary: str = Field(
        description="the sentence a journalist writes",
        examples=[
            "In 2023, estimates range from 100,000 to 110,000 across 2 independent sources; "
            "read as intervals they all allow 100,000 to 125,000."
        ],
    )
    method: str = Field(description="how the year's figures were chosen and read")
