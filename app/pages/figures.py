"""/figures/{id}: one figure as a page a journalist can read, link to and cite."""

import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup
from sqlalchemy.orm import Session
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from app import citations, cite_styles, hedges
from app.api.deps import EstimateId, ReadSessionDep
from app.as_of import AsOf
from app.cite_styles import CiteStyle
from app.errors import NotFound
from app.filters import EstimateFilters, PerFilter, PopulationFilter
from app.items import CitedDocument, EstimateDetailItem
from app.queries import analysis
from app.queries import cite as queries
from app.responder import reading, version_of
from app.schemas.read import Consensus

router = APIRouter(include_in_schema=False)

# autoescape on for every template: quotes and notes are data, never markup
templates = Jinja2Templates(
    env=Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True)
)
HTML = "text/html; charset=utf-8"
_OTHER_STYLES = [("APA", "apa"), ("Chicago", "chicago"), ("CSL-JSON", "csl-json")]

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def documents_anchor(citation_id: str) -> str:
    """The fragment id of a citation's passage on its document's page (`#q-…`)."""
    return f"q-{citation_id}"


def page_query(as_of: AsOf | None) -> str:
    """The query a page's links carry: `?as_of=…` when it shows the data as it stood."""
    return f"?as_of={quote(as_of.asked)}" if as_of else ""


def not_found(
    request: Request, kind: str, asked: str, listing: str, headers: dict[str, str]
) -> Response:
    """The 404 page for an unknown id of a `kind` of record, naming the JSON list of them."""
    read = reading(request)
    context = {"kind": kind, "asked": asked, "listing": listing, "as_of": read and read.as_of}
    return templates.TemplateResponse(
        request, "not_found.html", context, status_code=404, headers=headers, media_type=HTML
    )


def number_words(x: float | None) -> str:
    """A number as people write it: 100,000; 2.5."""
    if x is None:
        return ""
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,}"


def interval_words(interval: dict[str, Any], unit: str) -> str:
    """A value's interval in words: "75,000 to 125,000 persons", "100,000 and up"."""
    low, high = interval.get("low"), interval.get("high")
    if high is None:
        return f"{number_words(low)} and up ({unit})"
    if low == high:
        return f"{number_words(low)} ({unit})"
    return f"{number_words(low)} to {number_words(high)} ({unit})"


def in_sentence(text: str | None, passage: str) -> tuple[str, str, str] | None:
    """The sentence(s) of `text` around `passage`, as (before, passage, after); None when the
    text is not held or the passage is not found in it as stored."""
    if not text:
        return None
    at = text.find(passage)
    if at < 0:
        return None
    end = at + len(passage)
    starts = [m.end() for m in _SENTENCE_END.finditer(text, 0, at)]
    start = starts[-1] if starts else 0
    after = _SENTENCE_END.search(text, end)
    stop = after.start() if after else len(text)
    return text[start:at], passage, text[end:stop]


def _iso_date(on: date | None, precision: str) -> str | None:
    """A date in ISO 8601 only as far as it is known: "2024", "2024-03", "2024-03-07"."""
    if on is None or precision == "unknown":
        return None
    if precision == "day":
        return on.isoformat()
    if precision == "month":
        return f"{on.year:04d}-{on.month:02d}"
    return f"{on.year:04d}"


def _latest_day(on: date | None, precision: str) -> date | None:
    """The last day a date of `precision` starting on `on` may be (None if unknown)."""
    if on is None or precision == "unknown":
        return None
    months = {"day": 0, "month": 1, "quarter": 3, "half": 6, "year": 12}[precision]
    if months == 0:
        return on
    month = on.month - 1 + months
    return date(on.year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def _author(kind: str, name: str) -> dict[str, str]:
    person = kind == "person"
    return {"@type": "Person" if person else "Organization", "name": name}


def _work(doc: CitedDocument) -> dict[str, Any]:
    work: dict[str, Any] = {"@type": "CreativeWork", "name": doc["title"]}
    if doc["url"]:
        work["url"] = doc["url"]
    published = _iso_date(doc["published_on"], doc["published_precision"])
    if published:
        work["datePublished"] = published
    if doc["publisher"]:
        work["publisher"] = {"@type": "Organization", "name": doc["publisher"]}
    return work


def claim_json_ld(
    detail: EstimateDetailItem, documents: dict[str, CitedDocument], page_url: str
) -> Markup:
    """The figure as a schema.org Claim (author: the claimant; appearance: the documents
    that state it; firstAppearance: the earliest), as JSON safe inside <script>."""
    ids = [detail["origin_document"]["id"], *(c["document"]["id"] for c in detail["citations"])]
    docs = [documents[i] for i in dict.fromkeys(ids) if i in documents]
    claimant = detail["claimant"]
    claim: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Claim",
        "@id": page_url,
        "url": page_url,
        "name": citations.figure_words(detail),
        "author": _author(claimant["kind"], claimant["name"]),
        "appearance": [_work(d) for d in docs],
    }
    # The earliest is the one known to be earliest: a document dated "2024" may be of
    # December, so it comes after one of 7 Mar 2024; on a tie, the origin (listed first).
    dated = [d for d in docs if _latest_day(d["published_on"], d["published_precision"])]
    if dated:
        first = min(
            dated,
            key=lambda d: _latest_day(d["published_on"], d["published_precision"]) or date.max,
        )
        claim["firstAppearance"] = _work(first)
    text = json.dumps(claim, ensure_ascii=False)
    # within <script> only `</script>` or `<!--` could end it early: no <, > or & at all
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def consensus_of(session: Session, detail: EstimateDetailItem) -> list[Consensus]:
    """The years of the figure's period in which other independent sources give a figure of
    the same metric, scope, population and basis (app.queries.analysis.consensus); none for
    a figure not active or with no known period."""
    start, end = detail["period"]["start"], detail["period"]["end"]
    if detail["status"] != "active" or start is None or end is None:
        return []
    scope = detail["scope"]
    asked = EstimateFilters(
        metric=[detail["metric"]["id"]],
        country=[] if scope["worldwide"] else [c["code"] for c in scope["countries"]],
        worldwide=True if scope["worldwide"] else None,
        period_from=date(start.year, 1, 1),
        period_to=date(end.year, 12, 31),
    )
    per = PerFilter(detail["value"]["per"] or "none")
    f = analysis.like_with_like(asked, PopulationFilter(detail["population"]), per)

    def conflicts_at(year: int) -> str:
        params = [("metric", detail["metric"]["id"])]
        params += (
            [("worldwide", "true")] if scope["worldwide"] else [("country", c) for c in f.country]
        )
        return f"/v1/conflicts?{urlencode([*params, ('period_from', year), ('period_to', year)])}"

    years = analysis.consensus(session, f, conflicts_at).items
    return [y for y in years if y.claimants > 1 and any(e.id == detail["id"] for e in y.figures)]


@router.get("/figures/{estimate_id}")
def figure_page(request: Request, session: ReadSessionDep, estimate_id: EstimateId) -> Response:
    """One figure: its value and interval, period, scope, claim, quotes, status and
    citations, as HTML (and a schema.org Claim in JSON-LD)."""
    read = reading(request)
    as_of = read.as_of if read else None
    headers = read.headers(dated=True) if read else {}
    try:
        detail, documents = queries.estimate_to_cite(session, estimate_id)
    except NotFound:
        return not_found(request, "figure", estimate_id, "/v1/estimates", headers)
    cite = citations.figure_citation(detail, documents)
    version = version_of(request)
    at = queries.written_at(session, version)
    today = datetime.now(UTC).date()
    items = citations.figure_csl(cite, version, at, today)
    text = citations.figure_text(cite, version, today)
    cited = {
        "text": text,
        "bibtex": cite_styles.write(CiteStyle.bibtex, items, text).decode(),
        "ris": cite_styles.write(CiteStyle.ris, items, text).decode(),
    }
    held = queries.full_texts(session, list(documents))
    quotes = [
        {
            "citation": c,
            "document": documents.get(c["document"]["id"]),
            "sentence": in_sentence(held.get(c["document"]["id"]), c["quote"]),
        }
        for c in detail["citations"]
    ]
    origin = documents[detail["origin_document"]["id"]]
    outlets = [
        documents[i]
        for i in dict.fromkeys(c["document"]["id"] for c in detail["citations"])
        if i in documents and i != origin["id"]
    ]
    query = page_query(as_of)
    cite_url = f"{citations.estimate_cite_path(estimate_id)}{query}"
    interval = detail["value"]["interval"]
    rule = hedges.RULES.get(interval["rule"])
    conflicts = [
        (c, c.b if c.a.id == estimate_id else c.a)
        for c in analysis.conflicts_with(session, estimate_id)
    ]
    context = {
        "d": detail,
        "origin": origin,
        "outlets": outlets,
        "quotes": quotes,
        "conflicts": conflicts,
        "consensus": consensus_of(session, detail),
        "anchor": documents_anchor,
        "cited": cited,
        "version": version,
        "as_of": as_of,
        "query": query,
        "interval_words": interval_words(interval, detail["value"]["unit"]),
        "rule": rule,
        "figure_words": citations.figure_words(detail),
        "date_label": citations.date_label,
        "number_words": number_words,
        "json_ld": claim_json_ld(detail, documents, citations.permalink(f"/figures/{estimate_id}")),
        "json_url": f"/v1/estimates/{estimate_id}{query}",
        "cite_url": cite_url,
        "style_urls": [
            (name, f"{cite_url}{'&' if query else '?'}style={style}")
            for name, style in _OTHER_STYLES
        ],
    }
    return templates.TemplateResponse(
        request, "figure.html", context, headers=headers, media_type=HTML
    )
