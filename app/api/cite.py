"""Citations: a figure or a document cited in the style a reader's tools take."""

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from app import citations, cite_styles
from app.api.catalog import DocumentId
from app.api.deps import EstimateId, EstimateReadSessionDep, ReadRoute, ReadSessionDep
from app.cite_styles import CiteStyle
from app.errors import BadParameter, problem_responses
from app.queries import cite as queries
from app.responder import representation_response, version_of

router = APIRouter(tags=["citing"], route_class=ReadRoute)

StyleQuery = Annotated[CiteStyle, Query(description=cite_styles.STYLE_MEANS)]

_EXAMPLES = {
    CiteStyle.csl_json: '[{"id": "un-panel-of-experts-2024-report", "type": "report", ...}]',
    CiteStyle.bibtex: "@techreport{un-panel-of-experts-2024-report,\n\ttitle = {...},\n...}",
    CiteStyle.ris: "TY  - RPRT\nID  - un-panel-of-experts-2024-report\n...\nER  - \n",
}
_OK: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The citation in the style asked for: `text`, `apa` and `chicago` as "
        "plain text, the others in their own media types.",
        "content": {
            cite_styles.TEXT: {
                "schema": {"type": "string"},
                "example": "North Korean workers abroad: Around 100,000 (worldwide, 2023). "
                "Claimed by UN Security Council Panel of Experts on North Korea sanctions in "
                "“UN Panel of Experts report on DPRK sanctions covering July 2023 to January "
                "2024” (7 Mar 2024; no public URL known: ...). Reported in ... Source: "
                "dprk-labor-api: ..., http://127.0.0.1:8000/v1/estimates/"
                "panel-2024-workers-abroad-2023 (data version 81; accessed 2026-12-02).\n",
            },
            **{
                cite_styles.MEDIA_TYPES[s]: {"schema": {"type": "string"}, "example": e}
                for s, e in _EXAMPLES.items()
            },
        },
    }
}
CITE_RESPONSES = _OK | problem_responses(400, 404)


def _respond(request: Request, style: CiteStyle, ident: str, body: bytes) -> Response:
    headers = {}
    if style in cite_styles.EXTENSIONS:
        name = f"{ident}.{cite_styles.EXTENSIONS[style]}"
        headers["Content-Disposition"] = f'inline; filename="{name}"'
    return representation_response(request, body, cite_styles.MEDIA_TYPES[style], headers)


def _today() -> Any:
    return datetime.now(UTC).date()


@router.get(
    "/v1/estimates/{estimate_id}/cite",
    summary="Cite an estimate",
    response_class=Response,
    responses=CITE_RESPONSES,
)
def cite_estimate(
    request: Request,
    session: EstimateReadSessionDep,
    estimate_id: EstimateId,
    style: StyleQuery = CiteStyle.text,
    via: Annotated[
        str | None,
        Query(
            description="the id of the document in which the reader saw the figure: the "
            "citation names it alone as where the figure appeared (default: every document "
            "that carried it); it must be one of the estimate's citations",
            examples=["rfa-2024-north-koreans-worked-overseas-in-2023"],
            max_length=120,
        ),
    ] = None,
) -> Response:
    """A ready citation of one figure: the figure in words, who claims it in which document
    (the origin), the outlets that reported it (echoes of the one claim, not other sources)
    and this dataset, with the figure's permalink, the data version and today's date.

    Example, the UN Panel's ~100,000 workers as read in Radio Free Asia:
    `/v1/estimates/panel-2024-workers-abroad-2023/cite?via=rfa-2024-north-koreans-worked-overseas-in-2023`.
    """
    detail, documents = queries.estimate_to_cite(session, estimate_id)
    if via is not None:
        origin = detail["origin_document"]["id"]
        carried = list(dict.fromkeys([origin, *(c["document"]["id"] for c in detail["citations"])]))
        if via not in carried:
            raise BadParameter(
                "via",
                f"{via!r} is not a document that states this figure; the ones that do: "
                f"{', '.join(carried)}",
            )
    cite = citations.figure_citation(detail, documents, via)
    version = version_of(request)
    at = queries.written_at(session, version)
    today = _today()
    items = citations.figure_csl(cite, version, at, today)
    text = citations.figure_text(cite, version, today)
    return _respond(request, style, estimate_id, cite_styles.write(style, items, text))


@router.get(
    "/v1/documents/{document_id}/cite",
    summary="Cite a document",
    response_class=Response,
    responses=CITE_RESPONSES,
)
def cite_document(
    request: Request,
    session: ReadSessionDep,
    document_id: DocumentId,
    style: StyleQuery = CiteStyle.text,
) -> Response:
    """A ready citation of one document: its publisher, title, date and URL (or why there is
    none), and this dataset's record of it with its permalink, the data version and today's
    date."""
    doc = queries.document_to_cite(session, document_id)
    version = version_of(request)
    at = queries.written_at(session, version)
    today = _today()
    items = citations.document_record_csl(doc, version, at, today)
    text = citations.document_text(doc, version, today)
    return _respond(request, style, document_id, cite_styles.write(style, items, text))
