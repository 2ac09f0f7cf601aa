"""The review queue's bodies and answers: a candidate figure as proposed, as queued, and
what an editor sends to accept (with corrections) or reject it."""

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, computed_field

from app.enums import CandidateStatus, Population
from app.models import Citation
from app.schemas.read import LINKS_MEAN, Links
from app.schemas.seed import (
    IsoDate,
    PeriodIn,
    Record,
    ScopeIn,
    Slug,
    SnakeId,
    Text,
    ValueIn,
    column_length,
)

# A real candidate: the first figure of the RFA article in seed_data/, queued and accepted
# as an echo of the Panel's figure (its text's digest is the stored text's).
_QUOTE = (
    "Around 100,000 North Koreans worked overseas in 2023, earning about US$500 million for "
    "North Korea, indicating that Pyongyang has the means to get around sanctions, a report "
    "by the U.N. Security Council’s Panel of Experts said."
)
PROPOSAL_EXAMPLE: dict[str, Any] = {
    "start": 0,
    "end": 227,
    "quote": _QUOTE,
    "value": {
        "kind": "point",
        "qualifier": "about",
        "unit": "persons",
        "text": "Around 100,000 North Koreans",
        "amount": 100000,
        "per": None,
    },
    "interval": {"low": 75000.0, "high": 125000.0, "rule": "about"},
    "period": {"start": "2023-01-01", "end": "2023-12-31", "precision": "year", "text": "in 2023"},
    "period_resolved": False,
    "scope": {"worldwide": True, "countries": [], "place": None},
    "sectors": [],
    "population": "all",
    "claimant": "un-panel-of-experts",
    "claimant_text": "a report by the U.N. Security Council’s Panel of Experts said",
    "metric": "workers_abroad",
    "metric_confidence": 0.6,
    "warnings": [
        "no country named for the figure: proposed as worldwide",
        "metric guessed as workers_abroad (60% confident)",
    ],
    "echo_of": "panel-2024-workers-abroad-2023",
}
READ_EXAMPLE: dict[str, Any] = PROPOSAL_EXAMPLE | {
    "id": 1,
    "document": "rfa-2024-north-koreans-worked-overseas-in-2023",
    "status": "accepted",
    "text_sha256": "c3583e3f48527f97e7ab614fe6965486595c79eafdafa3959fd3eb4b60bc6e09",
    "extracted_at": "2026-01-01T12:00:00Z",
    "extracted_by": "alice",
    "decided_at": "2026-01-01T12:05:00Z",
    "decided_by": "alice",
    "reason": None,
    "estimate_id": "panel-2024-workers-abroad-2023",
    "citation_id": (
        "panel-2024-workers-abroad-2023--rfa-2024-north-koreans-worked-overseas-in-2023-2"
    ),
    "links": {"self": "http://127.0.0.1:8000/v1/candidates/1"},
}

VALUE_MEANS = "the value as the write API takes it (`ValueIn`: kind, qualifier, unit, text, ...)"


class CandidateProposal(BaseModel):
    """A figure the extraction found in a text: its verbatim quote and the estimate fields
    it read from it. Every guess it made is named in `warnings`."""

    model_config = ConfigDict(json_schema_extra={"examples": [PROPOSAL_EXAMPLE]})

    start: int = Field(description="where the quote starts in the text (characters)")
    end: int = Field(description="where it ends: `text[start:end]` is the quote")
    quote: str = Field(
        description="the sentence or clause that states the figure, verbatim",
        examples=["Around 100,000 North Korean workers remained abroad in 2023."],
    )
    value: dict[str, Any] = Field(description=VALUE_MEANS)
    interval: dict[str, Any] = Field(
        description="how the value's hedge is read when figures are compared (/v1/hedges)"
    )
    period: dict[str, Any] = Field(
        description="the period (`PeriodIn`: start, end, precision, text)"
    )
    period_resolved: bool = Field(
        description="true when the period was a relative wording ('last year', 'in "
        "December') read against the document's date"
    )
    scope: dict[str, Any] = Field(description="the scope (`ScopeIn`: worldwide, countries, place)")
    sectors: list[str] = Field(description="sector ids the sentence names")
    population: str = Field(description="`all` or `part`", examples=["all"])
    claimant: str | None = Field(description="the source id it attributes the figure to, if known")
    claimant_text: str | None = Field(description="the words that attribute it ('the report said')")
    metric: str | None = Field(
        description="the metric guessed, if any", examples=["workers_abroad"]
    )
    metric_confidence: float = Field(description="0 to 1: how sure the metric guess is")
    warnings: list[str] = Field(description="every guess an editor should check")
    echo_of: str | None = Field(
        description="the id of an existing estimate this repeats: accepting it adds a "
        "citation of that estimate instead of a new estimate"
    )


class CandidateRead(CandidateProposal):
    """A candidate in the review queue, with its decision."""

    model_config = ConfigDict(json_schema_extra={"examples": [READ_EXAMPLE]})

    id: int = Field(description="the candidate's number in the queue", examples=[1])
    document: str = Field(
        description="the document it was extracted from",
        examples=["un-panel-of-experts-2024-report"],
    )
    status: CandidateStatus
    text_sha256: str = Field(
        description="sha256 of the document's text it was read from; once the text changes "
        "it can no longer be accepted (extract again)"
    )
    extracted_at: datetime
    extracted_by: str = Field(description="the API key's name that asked for the extraction")
    decided_at: datetime | None = Field(description="when it was accepted or rejected")
    decided_by: str | None = Field(description="the API key's name that decided it")
    reason: str | None = Field(description="why it was rejected")
    estimate_id: str | None = Field(
        description="accepted: the estimate it made, or the estimate an echo was cited for"
    )
    citation_id: str | None = Field(description="accepted: the citation of its quote")

    @computed_field(description=LINKS_MEAN)  # type: ignore[prop-decorator]
    @property
    def links(self) -> Links:
        return Links(self=f"/v1/candidates/{self.id}")


class CandidateRecord(Record):
    """What the audit log keeps of a candidate at each step."""

    id: int
    document: str
    status: CandidateStatus
    quote_start: int
    quote_end: int
    quote: str
    text_sha256: str
    value: dict[str, Any]
    interval: dict[str, Any]
    period: dict[str, Any]
    period_resolved: bool
    scope: dict[str, Any]
    sectors: list[str]
    population: str
    claimant: str | None
    claimant_text: str | None
    metric: str | None
    metric_confidence: float
    warnings: list[str]
    echo_of: str | None
    reason: str | None
    estimate_id: str | None
    citation_id: str | None


class AcceptIn(Record):
    """Corrections to a candidate, each replacing what the extraction proposed (an object
    such as `value` replaces it whole). Send none to accept it as proposed."""

    id: Slug | None = Field(
        None,
        description="the new estimate's id; by default the document's id, the metric and "
        "the candidate's number",
        examples=["rfa-2024-workers-abroad-2023"],
    )
    metric: SnakeId | None = Field(None, description="/v1/metrics lists them")
    value: ValueIn | None = None
    period: PeriodIn | None = None
    scope: ScopeIn | None = None
    sectors: list[SnakeId] | None = None
    population: Population | None = None
    population_note: Text | None = Field(None, max_length=300)
    claimant: Slug | None = Field(None, description="the source id that makes the claim")
    notes: Text | None = None
    locator: str | None = Field(
        None,
        max_length=column_length(Citation.locator),
        description="where in the document the quote is, e.g. 'paragraph 3'",
    )
    echo_of: Slug | None = Field(
        None,
        description="the estimate this repeats: accepting adds a citation of it; "
        "`null` makes an echo a new estimate instead",
    )


class RejectIn(Record):
    """Why a candidate is not a figure to keep."""

    reason: Text = Field(
        max_length=2000,
        description="for the next editor: why it is not kept",
        examples=["a date read as a figure"],
    )


class PreviewIn(Record):
    """A text to try the extraction on; nothing is stored."""

    text: Annotated[str, StringConstraints(min_length=1)] = Field(
        description="the text, as it would be stored (offsets are into it)",
        examples=["Around 100,000 North Korean workers remained abroad in 2023, the report said."],
    )
    published_on: IsoDate | None = Field(
        None,
        description="the text's date: relative dates ('last year') are read against it",
        examples=["2024-03-07"],
    )
