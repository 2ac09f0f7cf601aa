"""How this dataset is cited: the reference every citation and download names, and what a
figure's or a document's citation says.

A figure's citation names its claimant and origin document (the claim) and the outlets
that carried it (its echoes: where it appeared, never a second source), then the dataset:
its permalink for the thing cited, the data version the reader saw and the day they
accessed it. It is built once, as CSL-JSON items (app.cite_styles writes them in each
style), and as a sentence a journalist can paste.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from app.config import get_settings
from app.items import CitedDocument, CiteItem, EstimateDetailItem, EstimateItem, PeriodItem

NO_URL = "no public URL known"
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
# CSL's item types for the kinds of document (https://docs.citationstyles.org/)
CSL_TYPES = {
    "report": "report",
    "interim_report": "report",
    "filing": "report",
    "research": "report",
    "resolution": "legislation",
    "news_article": "article-newspaper",
    "statement": "speech",
}


def permalink(path: str) -> str:
    """The public URL of `path` (e.g. "/v1/estimates/x"), from PUBLIC_URL."""
    return get_settings().base_url + path


def versioned(path: str, data_version: int) -> str:
    """The permalink of `path` as it stood at `data_version` (`as_of=`): what a citation
    links to, so that it leads back to what was cited, not to what changed since."""
    return f"{permalink(path)}?as_of={data_version}"


def dataset_citation(path: str, data_version: int, accessed: date) -> str:
    """The dataset reference as a sentence: title, permalink at the data version, data
    version, access date."""
    return (
        f"{get_settings().dataset_title}, {versioned(path, data_version)} "
        f"(data version {data_version}; accessed {accessed.isoformat()})."
    )


def estimate_cite_path(estimate_id: str) -> str:
    """The path of a figure's citation."""
    return f"/v1/estimates/{estimate_id}/cite"


def document_cite_path(document_id: str) -> str:
    """The path of a document's citation."""
    return f"/v1/documents/{document_id}/cite"


# --- words -------------------------------------------------------------------------------


def day_label(d: date) -> str:
    """A date as people write it: 7 Mar 2024."""
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def date_label(d: date | None, precision: str) -> str | None:
    """A date as far as its precision fixes it ("2024", "Mar 2019", "7 Mar 2024"); None
    when it is unknown."""
    if d is None or precision == "unknown":
        return None
    if precision == "day":
        return day_label(d)
    if precision == "month":
        return f"{_MONTHS[d.month - 1]} {d.year}"
    if precision == "quarter":
        return f"Q{(d.month - 1) // 3 + 1} {d.year}"
    if precision == "half":
        return f"H{1 if d.month <= 6 else 2} {d.year}"
    return str(d.year)


def period_label(period: PeriodItem) -> str:
    """A period in words that honour its precision: "2023", "Jul 2023 – Jan 2024"."""
    start, end, precision = period["start"], period["end"], period["precision"]
    if start is None or end is None:
        return "date not known"
    first, last = date_label(start, precision) or "", date_label(end, precision) or ""
    return first if first == last else f"{first} – {last}"


def _quoted(title: str) -> str:
    return f"“{title}”"


def _where(doc: CitedDocument) -> str:
    """Where a document can be found: its URL, or why there is none."""
    if doc["url"]:
        return doc["url"]
    note = doc["url_note"] or NO_URL
    return note if note.startswith(NO_URL) else f"{NO_URL}: {note}"


def document_words(doc: CitedDocument, *, name_publisher: bool = True) -> str:
    """A document as a sentence names it: publisher, “title” (date; URL or why none)."""
    published = date_label(doc["published_on"], doc["published_precision"]) or "undated"
    by = f"by {doc['byline']}, " if doc["byline"] else ""
    if not doc["publisher"]:
        return f"{_quoted(doc['title'])} ({by}publisher not named, {published}; {_where(doc)})"
    who = f"{doc['publisher']}, " if name_publisher else ""
    return f"{who}{_quoted(doc['title'])} ({by}{published}; {_where(doc)})"


def figure_words(detail: EstimateItem) -> str:
    """The figure in words: what it counts, its value as the text says it, scope and period."""
    scope = detail["scope"]
    if scope["worldwide"]:
        where = "worldwide"
    else:
        where = ", ".join(c["name"] for c in scope["countries"])
        if scope["place"]:
            where = f"{scope['place']}, {where}"
    text = detail["value"]["text"]
    return f"{detail['metric']['name']}: {text} ({where}, {period_label(detail['period'])})"


@dataclass(frozen=True)
class FigureCitation:
    """What a figure's citation names: the figure, its claim, where it appeared."""

    detail: EstimateDetailItem
    origin: CitedDocument
    appeared_in: list[CitedDocument]  # the outlets that carried it (the one seen, with via)

    def sentence(self) -> str:
        """The figure, its claimant and origin document, and the outlets that reported it."""
        d = self.detail
        claimant = d["claimant"]["name"]
        origin = document_words(
            self.origin, name_publisher=self.origin["publisher"] not in (None, claimant)
        )
        out = f"{figure_words(d)}. Claimed by {claimant} in {origin}."
        if self.appeared_in:
            out += " Reported in " + "; ".join(document_words(o) for o in self.appeared_in) + "."
        return out + status_words(d)


def status_words(detail: EstimateDetailItem) -> str:
    """What a citation must say of a figure no longer held: retracted, or superseded."""
    if detail["status"] == "retracted":
        return " This figure has since been retracted from the dataset."
    if detail["status"] == "superseded":
        return f" This figure has since been superseded by {detail['superseded_by']}."
    return ""


def figure_citation(
    detail: EstimateDetailItem, documents: dict[str, CitedDocument], via: str | None = None
) -> FigureCitation:
    """A figure's citation: the origin document, and where the figure appeared (every
    citing document but the origin, or only `via`, the one the reader saw)."""
    origin_id = detail["origin_document"]["id"]
    citing = [c["document"]["id"] for c in detail["citations"]]
    seen = [via] if via is not None else list(dict.fromkeys(citing))
    appeared = [documents[i] for i in seen if i != origin_id and i in documents]
    return FigureCitation(detail, documents[origin_id], appeared)


def short_cite(detail: EstimateDetailItem) -> CiteItem:
    """The estimate detail's `cite`: the sentence without what changes with every write
    (data version, access date), and the permalink of the figure's citations. Built from
    what the detail shows only, so that the read model keeps it right."""
    claimant = detail["claimant"]["name"]
    origin = detail["origin_document"]
    published = date_label(origin["published_on"], origin["published_precision"]) or "undated"
    origin_words = f"{_quoted(origin['title'])} ({published})"
    text = f"{figure_words(detail)}. Claimed by {claimant} in {origin_words}."
    outlets = []
    for c in detail["citations"]:
        doc = c["document"]
        if doc["id"] == origin["id"]:
            continue
        when = date_label(doc["published_on"], doc["published_precision"]) or "undated"
        if doc["publisher"]:
            outlets.append(f"{doc['publisher']['name']}, {_quoted(doc['title'])} ({when})")
        else:
            outlets.append(f"{_quoted(doc['title'])} (publisher not named, {when})")
    if outlets:
        text += " Reported in " + "; ".join(dict.fromkeys(outlets)) + "."
    # a path, as every link the API keeps: the responder prefixes PUBLIC_URL
    return {"text": text, "url": estimate_cite_path(detail["id"])}


# --- CSL-JSON ----------------------------------------------------------------------------


def _date_parts(d: date | None, precision: str) -> dict[str, Any] | None:
    if d is None or precision == "unknown":
        return None
    if precision == "day":
        return {"date-parts": [[d.year, d.month, d.day]]}
    if precision == "month":
        return {"date-parts": [[d.year, d.month]]}
    return {"date-parts": [[d.year]]}


def _day(d: date) -> dict[str, Any]:
    return {"date-parts": [[d.year, d.month, d.day]]}


def document_csl(doc: CitedDocument) -> dict[str, Any]:
    """A document as a CSL-JSON item (https://citeproc-js.readthedocs.io/en/latest/csl-json/)."""
    kind = CSL_TYPES.get(doc["kind"], "document")
    item: dict[str, Any] = {"id": doc["id"], "type": kind, "title": doc["title"]}
    if doc["byline"] or doc["publisher"]:
        item["author"] = [{"literal": doc["byline"] or doc["publisher"]}]
    if doc["publisher"]:
        item["publisher"] = doc["publisher"]
        if kind == "article-newspaper":
            item["container-title"] = doc["publisher"]
    issued = _date_parts(doc["published_on"], doc["published_precision"])
    if issued:
        item["issued"] = issued
    if doc["url"]:
        item["URL"] = doc["url"]
    if not doc["url"]:
        item["note"] = _where(doc)
    if doc["un_symbol"]:
        item["number"] = doc["un_symbol"]
    item["language"] = doc["language"]
    return item


def dataset_csl(
    ident: str,
    title: str,
    path: str,
    version: int,
    at: datetime | None,
    accessed: date,
    status: str = "",
) -> dict[str, Any]:
    """The dataset's record of a figure or document (`path` its permalink) as a CSL-JSON
    item: the data version the reader saw, when it was written, the day they accessed it."""
    item: dict[str, Any] = {
        "id": ident,
        "type": "dataset",
        "title": title,
        "author": [{"literal": get_settings().dataset_title}],
        "version": str(version),
        "URL": versioned(path, version),
        "accessed": _day(accessed),
        "note": f"data version {version}; accessed {accessed.isoformat()}" + status,
    }
    if at is not None:
        item["issued"] = _day(at.date())
    return item


def figure_csl(
    cite: FigureCitation, version: int, at: datetime | None, accessed: date
) -> list[dict[str, Any]]:
    """A figure's citation as CSL-JSON: its origin document, the outlets it appeared in,
    and the dataset's record of it (titled by the figure and its claimant)."""
    d = cite.detail
    record = dataset_csl(
        f"dprk-labor-{d['id']}",
        f"{figure_words(d)}, claimed by {d['claimant']['name']}",
        f"/v1/estimates/{d['id']}",
        version,
        at,
        accessed,
        status=status_words(d),
    )
    return [document_csl(cite.origin), *(document_csl(o) for o in cite.appeared_in), record]


def document_record_csl(
    doc: CitedDocument, version: int, at: datetime | None, accessed: date
) -> list[dict[str, Any]]:
    """A document's citation as CSL-JSON: the document, and the dataset's record of it."""
    record = dataset_csl(
        f"dprk-labor-{doc['id']}",
        f"Record of {_quoted(doc['title'])}",
        f"/v1/documents/{doc['id']}",
        version,
        at,
        accessed,
    )
    return [document_csl(doc), record]


def figure_text(cite: FigureCitation, version: int, accessed: date) -> str:
    """A figure's citation as one paragraph a journalist can paste."""
    dataset = dataset_citation(f"/v1/estimates/{cite.detail['id']}", version, accessed)
    return f"{cite.sentence()} Source: {dataset}"


def document_text(doc: CitedDocument, version: int, accessed: date) -> str:
    """A document's citation as one paragraph."""
    dataset = dataset_citation(f"/v1/documents/{doc['id']}", version, accessed)
    return f"{document_words(doc)}. Recorded in {dataset}"
