"""How the reader's pages answer what the API answers with problem+json: a bad filter, a
bad `as_of=`, is shown as an HTML page in words, with the status the API would give."""

from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import urlencode

from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from app.errors import AppError, validation_problem
from app.pages.figures import HTML, templates

Handler = Callable[[Request], Coroutine[Any, Any, Response]]


def without_empty_fields(request: Request) -> str | None:
    """The URL without the query's empty values, when it has any; None when it has none.

    A form sends every field, the empty ones too (`metric=&q=`); the API reads an empty
    value as a value (`q=` is a 400), so the page drops them first, and its address stays a
    query that /v1/estimates answers alike."""
    items = request.query_params.multi_items()
    kept = [(k, v) for k, v in items if v != ""]
    if len(kept) == len(items):
        return None
    query = urlencode(kept)
    return request.url.path + (f"?{query}" if query else "")


def problem_page(request: Request, problem: AppError) -> Response:
    """The problem the API would answer, as an HTML page."""
    return templates.TemplateResponse(
        request,
        "problem.html",
        {"problem": problem, "as_of": None},
        status_code=problem.status,
        headers=problem.headers,
        media_type=HTML,
    )


class PageRoute(APIRoute):
    """A route of a page: its errors of input (a bad filter, a bad `as_of=`) are an HTML
    page saying what is wrong, not problem+json; a form's empty fields are dropped by a
    redirect to the same query without them."""

    def get_route_handler(self) -> Handler:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            cleaned = without_empty_fields(request)
            if cleaned is not None:
                return RedirectResponse(cleaned, status_code=303)
            try:
                return await handler(request)
            except RequestValidationError as exc:
                return problem_page(request, validation_problem(exc))
            except AppError as exc:
                if exc.status >= 500:
                    raise  # the database in trouble: the API's own 503
                return problem_page(request, exc)

        return page_handler
