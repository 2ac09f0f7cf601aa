"""/: where a reader starts: the search page, the API documentation and the downloads."""

from fastapi import APIRouter, Request
from starlette.responses import Response

from app.pages.figures import HTML, templates

router = APIRouter(include_in_schema=False)


@router.get("/")
def home_page(request: Request) -> Response:
    """The home page, in plain words: what the data is and the ways into it."""
    return templates.TemplateResponse(request, "home.html", {}, media_type=HTML)
