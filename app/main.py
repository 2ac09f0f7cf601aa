"""The ASGI app: settings, routers, error handlers, docs — nothing else."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.routing import APIRoute

from app import docs
from app.api import analysis, candidates, catalog, changes, cite, estimates, health, writes
from app.api.deps import strict_query
from app.cache import ResponseCache
from app.config import get_settings
from app.db import get_engine
from app.errors import install_error_handlers
from app.exports import FormatSuffix
from app.http import BodySizeLimit, HttpCache
from app.pages import chart, documents, figures, home, search, sources


def _operation_id(route: APIRoute) -> str:
    return route.name


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    # Routes that query run in worker threads (a slow query must not hold up the event
    # loop; on SQLite, app.api.deps.ReadRoute runs the bounded reads on the loop); few
    # threads, since they mostly compete for the GIL (measured: 4 serve 35% more card
    # queries a second than anyio's default 40; PostgreSQL: no change).
    limiter = anyio.to_thread.current_default_thread_limiter()
    limiter.total_tokens = get_settings().worker_threads
    yield


def create_app() -> FastAPI:
    """Build the application."""
    app = FastAPI(
        title="dprk-labor-api",
        version="1.0.0",
        summary="Claims and figures about North Korea's overseas labour, with provenance.",
        description=docs.DESCRIPTION,
        license_info={"name": "MIT", "identifier": "MIT"},
        docs_url=None,  # served by app.docs.pages, from local assets
        redoc_url=None,
        generate_unique_id_function=_operation_id,
        dependencies=[Depends(strict_query)],
        lifespan=_lifespan,
    )
    install_error_handlers(app)
    docs.install(app)
    for router in (
        estimates.router,
        cite.router,
        analysis.router,
        changes.router,
        writes.router,
        catalog.countries,
        catalog.sources,
        catalog.documents,
        catalog.vocabularies,
        health.router,
        search.router,
        chart.router,  # before figures.router: /figures/chart is not a figure id
        figures.router,
        documents.router,
        sources.router,
        home.router,
        candidates.router,
    ):
        app.include_router(router)
    settings = get_settings()
    # Added innermost first: CORS sees every request first, then the format suffix.
    app.add_middleware(BodySizeLimit, limit=settings.max_body_bytes)
    app.add_middleware(
        ResponseCache, engine=get_engine, max_bytes=settings.response_cache_mb * 1024 * 1024
    )
    app.add_middleware(HttpCache)
    app.add_middleware(FormatSuffix)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=[o.strip() for o in settings.cors_origins.split(",") if o.strip()],
        allow_methods=["GET", "HEAD", "OPTIONS"],
        allow_headers=["Accept", "If-None-Match"],
        expose_headers=["ETag", "Content-Disposition", "Cache-Control", "X-Undated-Count", "Link"],
        max_age=600,
    )
    return app


app = create_app()
