"""/sources/{id}: a source, the figures it claims and the documents it published."""

from fastapi import APIRouter, Request
from starlette.responses import Response

from app import citations, periods
from app.api.catalog import SourceId
from app.api.deps import ReadSessionDep
from app.errors import NotFound
from app.pages.figures import HTML, not_found, page_query, templates
from app.queries import catalog
from app.responder import reading

router = APIRouter(include_in_schema=False)
FIGURES_SHOWN = 100  # a page stays readable and small; the search page pages the rest


@router.get("/sources/{source_id}")
def source_page(request: Request, session: ReadSessionDep, source_id: SourceId) -> Response:
    """One source: what it is, the figures it claims (as claimant) and the documents it
    published, each linked to its page."""
    read = reading(request)
    as_of = read.as_of if read else None
    headers = read.headers() if read else {}
    try:
        source = catalog.get_source(session, source_id)
    except NotFound:
        return not_found(request, "source", source_id, "/v1/sources", headers)
    query = page_query(as_of)
    figures = catalog.source_estimates(session, source_id, FIGURES_SHOWN + 1)
    context = {
        "s": source,
        "as_of": as_of,
        "query": query,
        "figures": figures[:FIGURES_SHOWN],
        "more_figures": len(figures) > FIGURES_SHOWN,
        "figure_words": citations.figure_words,
        "date_label": periods.date_label,
        "json_url": f"/v1/sources/{source_id}{query}",
    }
    return templates.TemplateResponse(
        request, "source.html", context, headers=headers, media_type=HTML
    )
