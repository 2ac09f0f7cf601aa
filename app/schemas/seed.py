"""The records of the data: the seed_data/ file format and the bodies of the write API.

`dprk-labor check`, `dprk-labor load` and the POST/PATCH endpoints validate with these same
models. Each YAML file holds a list of records of one kind. Ids are slugs: they are the URLs
people cite, so they never change once published.
"""

import re
from datetime import date
from typing import Annotated, Any, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    FiniteFloat,
    Strict,
    StringConstraints,
    ValidationInfo,
    create_model,
    field_validator,
    model_validator,
)
from sqlalchemy import String
from sqlalchemy.orm import QueryableAttribute

from app.enums import (
    PER_MEANS,
    POPULATION_MEANS,
    POPULATION_NOTE_MEANS,
    QUALIFIERS_BY_KIND,
    SECTORS_MEAN,
    DocumentKind,
    EstimateStatus,
    MetricKind,
    Per,
    Population,
    Precision,
    Qualifier,
    Relation,
    SourceKind,
    ValueKind,
)
from app.models import Citation, Document, Estimate, Metric, Sector, Source


def column_length(*columns: QueryableAttribute[Any]) -> int:
    """The longest string all of `columns` (String(n) columns) store: the least n.

    The tables are the one source of each limit; a body that passed validation must fit."""
    lengths = []
    for col in columns:
        assert isinstance(col.type, String) and col.type.length, f"{col} has no length"
        lengths.append(col.type.length)
    return min(lengths)


Slug = Annotated[
    str,
    StringConstraints(
        pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
        max_length=column_length(Source.id, Document.id, Estimate.id),
    ),
]
SnakeId = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=column_length(Metric.id, Sector.id)),
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
# A link readers follow from the pages: the web only (a `javascript:` or `data:` address
# would run in the reader's browser).
WebUrl = Annotated[
    str,
    StringConstraints(pattern=r"^https?://[^\s]+$", max_length=2000),
    Field(description="an http:// or https:// address", examples=["https://www.example.org/a"]),
]
Alpha2 = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _date_from_iso(value: Any) -> Any:
    # FastAPI validates a JSON body as Python objects, where a strict date takes only date
    # objects: the one string form, YYYY-MM-DD, is parsed here. Everything else is left to
    # Strict() to refuse; lax, 0 would be 1970-01-01 and "2021-01-01T00:00" a date.
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return date.fromisoformat(value)
    return value


IsoDate = Annotated[date, Strict(), BeforeValidator(_date_from_iso)]

# NUL cannot be stored by PostgreSQL; a lone surrogate is not a character and cannot be
# encoded as UTF-8 (neither database nor JSON response can hold it).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class Record(BaseModel):
    """Base of every seed record: unknown keys are errors, not silently dropped."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator("*", mode="before")
    @classmethod
    def _storable_text(cls, value: Any) -> Any:
        # Before the field's own validation, so that every text field, constrained or
        # not, refuses these with the same message (pydantic's would be vague or none).
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str) and (bad := _UNSTORABLE.search(text)):
                char = bad.group()
                what = "a NUL character" if char == "\x00" else "a lone surrogate"
                raise ValueError(f"holds {what} (U+{ord(char):04X}), which cannot be stored")
        return value


class RelatedIn(Record):
    """How the metric whose record this is stands to another metric."""

    metric: SnakeId = Field(description="the other metric's id")
    relation: Relation
    note: Text = Field(description="the relation in words: what stands for what, and how well")


class MetricIn(Record):
    id: SnakeId
    name: Text = Field(max_length=column_length(Metric.name))
    unit: Text = Field(max_length=column_length(Metric.unit))
    kind: MetricKind
    description: Text
    related: list[RelatedIn] = Field(
        [],
        description="how this metric stands to others, each recorded once, from this end "
        "(the API shows it from the other end too)",
    )

    @model_validator(mode="after")
    def _related_once_each(self) -> Self:
        named = [r.metric for r in self.related]
        if self.id in named:
            raise ValueError("related: a metric cannot relate to itself")
        if len(set(named)) < len(named):
            raise ValueError("related: names a metric twice")
        return self


class SectorIn(Record):
    id: SnakeId
    name: Text = Field(max_length=column_length(Sector.name))
    description: Text | None = None


class SourceIn(Record):
    id: Slug
    name: Text = Field(max_length=column_length(Source.name))
    kind: SourceKind
    country: Alpha2 | None = None
    url: WebUrl | None = None
    description: Text | None = None


class DocumentFields(Record):
    id: Slug
    title: Text
    kind: DocumentKind
    publisher: Slug | None = Field(None, description="source id; null when the text names none")
    byline: Text | None = Field(
        None,
        max_length=column_length(Document.byline),
        description="the author the text names when it is not the publisher, as printed "
        "without 'By' (a Reuters article on The Moscow Times' page: 'Reuters'); citations "
        "name it as the author and the publisher as the outlet",
        examples=["Reuters"],
    )
    published_on: IsoDate | None = None
    published_precision: Precision = Precision.unknown
    coverage_start: IsoDate | None = None
    coverage_end: IsoDate | None = None
    url: WebUrl | None = None
    url_note: Text | None = Field(
        None,
        description="why there is no URL, stated in citations: e.g. 'no public URL known: "
        "the text does not give one'; only with `url: null`",
        examples=["no public URL known: the text does not give one"],
    )
    un_symbol: str | None = Field(None, max_length=column_length(Document.un_symbol))
    is_public: bool = True
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]+)?$")] = Field(
        "en", max_length=column_length(Document.language)
    )
    cites: list[Slug] = Field([], description="ids of documents this one cites")
    notes: Text | None = None

    @model_validator(mode="after")
    def _dates_agree(self) -> Self:
        if (self.published_on is None) != (self.published_precision is Precision.unknown):
            raise ValueError(
                "published_on is set exactly when published_precision is not 'unknown'"
            )
        if (self.coverage_start is None) != (self.coverage_end is None):
            raise ValueError("coverage_start and coverage_end go together")
        if self.coverage_start and self.coverage_end and self.coverage_start > self.coverage_end:
            raise ValueError("coverage_start is after coverage_end")
        if self.url is not None and self.url_note is not None:
            raise ValueError("url_note says why there is no URL: send it with url: null")
        return self


class DocumentIn(DocumentFields):
    """A document in seed_data/documents.yaml; its full text lives in a file."""

    text_file: str | None = Field(None, description="path under seed_data/ of the full text")

    @model_validator(mode="after")
    def _url_or_why_not(self) -> Self:
        # The seed data never leaves a reader guessing: a URL, or the reason there is none.
        if self.url is None and self.url_note is None:
            raise ValueError("a document without a url needs a url_note saying why")
        return self


class DocumentWrite(DocumentFields):
    """A document as the write API takes it; the full text comes inline."""

    full_text: str | None = Field(None, description="the document's full text, if held")


class ValueIn(Record):
    """A figure as the text gives it; low/high are derived for filtering and charts."""

    kind: ValueKind
    qualifier: Qualifier
    unit: Text = Field(max_length=column_length(Estimate.unit))
    text: Text = Field(description="the value's original wording, e.g. 'around 100,000'")
    amount: FiniteFloat | None = Field(None, description="for kind=point")
    low: FiniteFloat | None = Field(None, description="for kind=range and lower_bound")
    high: FiniteFloat | None = Field(None, description="for kind=range and upper_bound")
    from_: FiniteFloat | None = Field(None, alias="from", description="for kind=change")
    to: FiniteFloat | None = Field(None, description="for kind=change")
    per: Per | None = Field(None, description=PER_MEANS, examples=["year"])

    @model_validator(mode="after")
    def _fields_match_kind(self) -> Self:
        wanted = {
            ValueKind.point: {"amount"},
            ValueKind.range: {"low", "high"},
            ValueKind.lower_bound: {"low"},
            ValueKind.upper_bound: {"high"},
            ValueKind.change: {"from_", "to"},
        }[self.kind]
        given = {
            f for f in ("amount", "low", "high", "from_", "to") if getattr(self, f) is not None
        }
        if given != wanted:
            names = sorted(w.rstrip("_") for w in wanted)
            raise ValueError(f"a {self.kind} value takes exactly {names}")
        lo, hi = self.low, self.high
        if self.kind is ValueKind.range and lo is not None and hi is not None and lo >= hi:
            raise ValueError("a range needs low < high")
        if self.qualifier not in QUALIFIERS_BY_KIND[self.kind]:
            allowed = sorted(QUALIFIERS_BY_KIND[self.kind])
            raise ValueError(
                f"qualifier {self.qualifier} does not fit a {self.kind}; use {allowed}"
            )
        return self

    def bounds(self) -> tuple[float | None, float | None]:
        """low and high as stored: equal for a point, min/max of the two ends of a change."""
        if self.kind is ValueKind.point:
            return self.amount, self.amount
        if self.kind is ValueKind.change:
            assert self.from_ is not None and self.to is not None
            return min(self.from_, self.to), max(self.from_, self.to)
        return self.low, self.high


class PeriodIn(Record):
    start: IsoDate | None = None
    end: IsoDate | None = None
    precision: Precision
    text: Annotated[str, StringConstraints(strip_whitespace=True)] = Field(
        "",
        description="the text's own time wording, e.g. 'in 2023'; empty when the text has "
        "none for the figure (its notes say how the period was read)",
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if (self.start is None) != (self.end is None):
            raise ValueError("start and end go together")
        if (self.start is None) != (self.precision is Precision.unknown):
            raise ValueError("a period has dates exactly when its precision is not 'unknown'")
        if self.start and self.end and self.start > self.end:
            raise ValueError("start is after end")
        return self


class ScopeIn(Record):
    worldwide: bool = False
    countries: list[Alpha2] = []
    place: Text | None = Field(None, max_length=column_length(Estimate.place))

    @model_validator(mode="after")
    def _one_scope(self) -> Self:
        if self.worldwide == bool(self.countries):
            raise ValueError("a scope is either worldwide or one or more countries")
        return self


class CitationIn(Record):
    document: Slug
    quote: Text = Field(description="verbatim from the document's stored text, where it has one")
    locator: str | None = Field(
        None,
        max_length=column_length(Citation.locator),
        description="where in the document, e.g. 'paragraph 3'",
    )


class EstimateIn(Record):
    id: Slug
    metric: SnakeId
    value: ValueIn
    period: PeriodIn
    scope: ScopeIn
    sectors: list[SnakeId] = Field([], description=SECTORS_MEAN)
    population: Population = Field(Population.all, description=POPULATION_MEANS, examples=["part"])
    population_note: Text | None = Field(
        None,
        max_length=300,
        description=POPULATION_NOTE_MEANS,
        examples=["IT workers only"],
        validate_default=True,
    )
    claimant: Slug
    origin_document: Slug
    notes: Text | None = None
    status: EstimateStatus = EstimateStatus.active
    superseded_by: Slug | None = Field(None, description="the estimate that corrects this one")
    citations: Annotated[list[CitationIn], Field(min_length=1)]

    @field_validator("population_note")
    @classmethod
    def _part_says_which(cls, note: str | None, info: ValidationInfo) -> str | None:
        # A field validator, not a model one, so that the error names population_note.
        population = info.data.get("population")
        if population is Population.part and note is None:
            raise ValueError("a part needs a note saying which part, e.g. 'IT workers only'")
        if population is Population.all and note is not None:
            raise ValueError(
                "only a part has a note; with population 'all' send population_note: null"
            )
        return note

    @model_validator(mode="after")
    def _superseded_names_successor(self) -> Self:
        if (self.status is EstimateStatus.superseded) != (self.superseded_by is not None):
            raise ValueError("superseded_by is set exactly when status is 'superseded'")
        if self.superseded_by == self.id:
            raise ValueError("an estimate cannot supersede itself")
        return self


class CitationWrite(CitationIn):
    """A citation as the write API takes it: which estimate it states."""

    estimate: Slug


def patch_model(model: type[Record]) -> type[BaseModel]:
    """The PATCH body of `model`: every field but `id` optional, unknown fields rejected.

    The patch is merged into the stored record and the result validated with `model` itself,
    so a PATCH obeys exactly the rules of a POST and of the seed files.
    """
    fields: dict[str, Any] = {
        # rebuild_annotation keeps the field's constraints (max_length, pattern, ...), so
        # that the PATCH body documents and checks them as the POST body does
        name: (
            info.rebuild_annotation() | None,
            Field(None, alias=info.alias, description=info.description),
        )
        for name, info in model.model_fields.items()
        if name not in ("id", "estimate")
    }
    return create_model(
        f"{model.__name__.removesuffix('In').removesuffix('Write')}Patch",
        __base__=Record,  # unknown fields and unstorable text are refused here too
        **fields,
    )
