"""The ASGI app: settings, routers, error handlers, docs — nothing else."""

from collections.abc import Callable
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from app.api import analysis, catalog, changes, estimates, health, writes
from app.api.deps import strict_query
from app.config import get_settings
from app.errors import PROBLEM_MEDIA_TYPE, install_error_handlers
from app.exports import FormatSuffix
from app.http import BodySizeLimit, HttpCache

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}

DESCRIPTION = """
Figures on North Korea's overseas labour — how many workers are abroad, where, in which
sectors, earning how much for the state, over which period — **and who said so where**.

* An **estimate** is one claim (a metric, a value with its qualifier, a period, a scope, a
  claimant and the document it originates in). A **citation** is a place where the claim is
  stated, with the verbatim quote. Three outlets repeating the UN Panel's "100,000 workers"
  are one estimate with three citations, so independent figures can be told from echoes.
* Vague wording stays vague: "tens of thousands" is a range, "more than 100,000" a lower
  bound, and `notes` say how the text was turned into numbers.

Cite a figure by its estimate URL and quote the citation's document.
"""


def _operation_id(route: APIRoute) -> str:
    return route.name


def _openapi(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """FastAPI's schema, with its default 422 and JSON error bodies replaced by problem+json."""

    def build() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        spec = get_openapi(
            title=app.title,
            version=app.version,
            summary=app.summary,
            description=app.description,
            routes=app.routes,
            license_info=app.license_info,
        )
        for ops in spec["paths"].values():
            for op in ops.values():
                responses = op.get("responses", {})
                has_body = "requestBody" in op
                if "422" in responses and not has_body:
                    del responses["422"]
                for status, resp in responses.items():
                    if status.startswith(("4", "5")) and "content" in resp:
                        resp["content"] = {PROBLEM_MEDIA_TYPE: {"schema": PROBLEM_REF}}
        schemas = spec.get("components", {}).get("schemas", {})
        for unused in ("HTTPValidationError", "ValidationError"):
            schemas.pop(unused, None)
        app.openapi_schema = spec
        return spec

    return build


def create_app() -> FastAPI:
    """Build the application."""
    app = FastAPI(
        title="dprk-labor-api",
        version="1.0.0",
        summary="Claims and figures about North Korea's overseas labour, with provenance.",
        description=DESCRIPTION,
        license_info={"name": "MIT", "identifier": "MIT"},
        generate_unique_id_function=_operation_id,
        dependencies=[Depends(strict_query)],
    )
    install_error_handlers(app)
    app.openapi = _openapi(app)  # type: ignore[method-assign]
    for router in (
        estimates.router,
        analysis.router,
        changes.router,
        writes.router,
        catalog.countries,
        catalog.sources,
        catalog.documents,
        catalog.vocabularies,
        health.router,
    ):
        app.include_router(router)
    settings = get_settings()
    # Added innermost first: CORS sees every request first, then the format suffix.
    app.add_middleware(BodySizeLimit, limit=settings.max_body_bytes)
    app.add_middleware(HttpCache, max_age=settings.cache_max_age)
    app.add_middleware(FormatSuffix)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=[o.strip() for o in settings.cors_origins.split(",") if o.strip()],
        allow_methods=["GET", "HEAD", "OPTIONS"],
        allow_headers=["Accept", "If-None-Match"],
        expose_headers=["ETag", "Content-Disposition", "Cache-Control"],
        max_age=600,
    )
    return app


app = create_app()
