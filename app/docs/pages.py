"""The docs pages: Swagger UI at /docs and ReDoc at /redoc, served from this machine.

Their JavaScript, CSS and favicon are the files the `fastapi-standalone-docs` package ships
(Swagger UI's and ReDoc's own builds, with their licences); the pages load nothing from
another host.
"""

from importlib import resources
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS_URL = "/docs"
REDOC_URL = "/redoc"
OAUTH2_REDIRECT_URL = "/docs/oauth2-redirect"
ASSETS_URL = "/docs/assets"
FAVICON_URL = "/favicon.ico"
# Swagger UI 5 and ReDoc 2 builds, as the package ships them: swagger/, redoc/, fastapi/.
ASSETS_DIR = Path(str(resources.files("fastapi_standalone_docs") / "static"))
FAVICON = ASSETS_DIR / "fastapi" / "favicon.png"


def install(app: FastAPI) -> None:
    """Serve /docs and /redoc (and their assets and favicon) for `app`'s /openapi.json."""
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS_DIR), name="docs-assets")
    openapi_url = app.openapi_url or "/openapi.json"

    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=root + openapi_url,
            title=f"{app.title} — Swagger UI",
            swagger_js_url=f"{root}{ASSETS_URL}/swagger/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS_URL}/swagger/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS_URL}/fastapi/favicon.png",
            oauth2_redirect_url=OAUTH2_REDIRECT_URL,
            swagger_ui_parameters={
                "validatorUrl": None,  # no badge fetched from swagger.io
                "displayRequestDuration": True,
                "persistAuthorization": True,
                "defaultModelsExpandDepth": 0,
            },
        )

    async def swagger_ui_redirect(request: Request) -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_redoc_html(
            openapi_url=root + openapi_url,
            title=f"{app.title} — ReDoc",
            redoc_js_url=f"{root}{ASSETS_URL}/redoc/redoc.standalone.js",
            redoc_favicon_url=f"{root}{ASSETS_URL}/fastapi/favicon.png",
            with_google_fonts=False,
        )

    async def favicon(request: Request) -> FileResponse:
        return FileResponse(FAVICON, media_type="image/png")

    async def redoc_logo(request: Request) -> FileResponse:
        # ReDoc's footer asks for it at its page's path + "/logo-mini.svg".
        return FileResponse(ASSETS_DIR / "redoc" / "logo-mini.svg", media_type="image/svg+xml")

    # Plain routes: outside the schema and the API's strict query-string check.
    app.add_route(DOCS_URL, swagger_ui, include_in_schema=False)
    app.add_route(OAUTH2_REDIRECT_URL, swagger_ui_redirect, include_in_schema=False)
    app.add_route(REDOC_URL, redoc, include_in_schema=False)
    app.add_route(f"{REDOC_URL}/logo-mini.svg", redoc_logo, include_in_schema=False)
    app.add_route(FAVICON_URL, favicon, include_in_schema=False)
