"""The API's guide: the OpenAPI document (introduction, tags, examples) and offline /docs, /redoc.

Swagger UI and ReDoc are served from the files the `fastapi-standalone-docs` package ships
(Swagger UI's and ReDoc's own builds, with their licences); the pages load nothing from
another host. `python -m app.docs [PATH]` (`make openapi`) writes the document to a file.
"""

import json
import logging
import sys
from collections.abc import Callable
from http import HTTPStatus
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from fastapi import FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

from app import hedges
from app.config import get_settings
from app.errors import (
    PROBLEM_MEDIA_TYPE,
    PROBLEM_TYPE_BASE,
    AppError,
    BadParameter,
    NotFound,
    Problem,
)
from app.filters import parse_country, parse_period_bound

log = logging.getLogger(__name__)

DOCS_URL = "/docs"
REDOC_URL = "/redoc"
OAUTH2_REDIRECT_URL = "/docs/oauth2-redirect"
ASSETS_URL = "/docs/assets"
FAVICON_URL = "/favicon.ico"
# Swagger UI 5 and ReDoc 2 builds, as the package ships them: swagger/, redoc/, fastapi/.
ASSETS_DIR = Path(str(resources.files("fastapi_standalone_docs") / "static"))
FAVICON = ASSETS_DIR / "fastapi" / "favicon.png"

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}

DESCRIPTION = """
Figures on North Korea's overseas labour — how many workers are abroad, where, in which
sectors, earning how much for the state, over which period — **and who said so, where**.
Every figure carries its claimant, the document it comes from and the verbatim quote.

## What the data is

* An **estimate** is one claim: a metric (`/v1/metrics`), a value with its qualifier, a
  period, a scope (countries or worldwide), sectors, the **claimant** (the source that makes
  the claim) and the **origin document** it was first made in.
* A **citation** is a place where the claim is stated: a document and the verbatim quote.
  Three outlets repeating the UN Panel's "100,000 workers" are one estimate with three
  citations, so independent figures can be told from echoes of one figure.
* Vague wording stays vague: "tens of thousands" is a range (10,000 to 99,999), "more than
  100,000" a lower bound, "decreased from 30,023 to 11,490" a change. `value.text` and
  `period.text` keep the original words; `notes` say how they were turned into numbers,
  including how relative dates ("as recently as December") were resolved.

## Where it comes from

Read by hand from published news articles (at first Radio Free Asia, UPI, and Reuters as
republished by The Moscow Times), whose full texts the API holds, and through them from the
documents they report on: the UN Security Council Panel of Experts' reports, Russia's filing
with the Security Council's 1718 Committee, Resolution 2397, statements by governments, NGOs
and researchers, and other outlets' reports. `/v1/documents` lists every document with its
publisher, date, kind and, where known, its URL or UN symbol; `/v1/documents/{document_id}`
adds what it cites, what cites it, its quotes and, where the API holds it, its full text.

## Start here

1. **All worker-count estimates for China, 2019–2024**:
   `GET /v1/estimates?metric=workers_abroad&country=CN&period_from=2019&period_to=2024`.
   In `/docs`, open *Search estimates*, press *Try it out* (the four fields come filled in)
   and *Execute*.
2. **One figure with every quote**: `GET /v1/estimates/panel-2024-workers-abroad-2023`.
3. **Who said what**: `/v1/sources/{source_id}`, `/v1/documents/{document_id}`.

## How to cite

Cite the publication, not this API: a citation's `quote` with its document's `title`,
publisher and date (`published_on`, read with `published_precision`: `2024-01-01` with
`year` means "in 2024"). Name the claimant when the document only repeats someone else's
figure, and give the estimate's id or URL so readers can check how the words were read:

> "Around 100,000 North Koreans worked overseas in 2023" — Radio Free Asia (2024), reporting
> the UN Panel of Experts' report of 7 March 2024 (dprk-labor-api, estimate
> `panel-2024-workers-abroad-2023`).

## Licence

The code is under the MIT licence. The texts are not this project's: quotes and full texts
come from news articles and UN documents, and their copyright stays with their publishers.
They are held so that every figure can be checked against its source; quote them as
quotations, with their source, and go to the publisher for anything more.

## Conventions

* Every list has one shape, `{"data": [...], "meta": {"limit", "count", "next_cursor",
  "next", "total", "undated", "undated_url"}}`; follow `meta.next` for the next page.
* A date range leaves out figures whose period is unknown, and says so: `meta.undated` is
  how many matched every other filter, `meta.undated_url` lists them; `undated=include`
  keeps them in.
* Filters combine with AND; repeating one (`metric=workers_abroad&metric=revenue_usd`)
  means OR.
* Every error is RFC 9457 `application/problem+json` naming the bad `parameter`. Unknown or
  repeated parameters, impossible dates and unknown ids are 400s or 404s, never ignored.
"""

TAGS: list[dict[str, Any]] = [
    {
        "name": "estimates",
        "description": "The figures. Each is one claim: a metric, a value with its "
        "qualifier and original wording, a period, a scope, the claimant and the document the "
        "claim originates in. One estimate adds every citation with its verbatim quote. "
        "**Start here.**",
    },
    {
        "name": "analysis",
        "description": "Views derived from the estimates, for charts and fact-checking: one "
        "metric's figures over time with echoes collapsed, and estimates that disagree.",
    },
    {
        "name": "countries",
        "description": "ISO 3166-1 countries, with how many estimates name each. Codes are "
        "alpha-2 in answers; codes and names as people type them (Russia, Russian, "
        "Türkiye or Turkey) are accepted, and a name several countries share (Korea) is a "
        "400 listing them.",
    },
    {
        "name": "sources",
        "description": "Who claims or publishes figures: UN bodies, governments, news "
        "outlets, NGOs, research institutes, and anonymous people as the texts describe them.",
    },
    {
        "name": "documents",
        "description": "Publications: reports, filings, resolutions, statements and news "
        "articles; the estimates each states, the quotes it holds, what it cites and what "
        "cites it, and its full text where the API holds it.",
    },
    {
        "name": "vocabularies",
        "description": "What can be measured (metrics, each with its unit and whether it is "
        "a stock or a flow) and the sectors the workers are reported in.",
    },
    {
        "name": "changes",
        "description": "The audit log: every write, who made it, when, and the record "
        "before and after; one estimate's versions are under `estimates`.",
    },
    {
        "name": "editing",
        "description": "Creating, changing and deleting records: for editors, with an API "
        "key (`Authorization: Bearer ...`). Reads need no key.",
    },
    {
        "name": "health",
        "description": "Probes for operators: the process is up; the database answers and "
        "is migrated.",
    },
]

# Examples for parameters that the code gives none (shared paging parameters and the like).
PARAM_EXAMPLES: dict[str, Any] = {
    "estimate_id": "panel-2024-workers-abroad-2023",
    "source_id": "russian-government",
    "document_id": "russia-2019-report-to-1718-committee",
    "citation_id": "panel-2024-workers-abroad-2023--rfa-2024-north-koreans-worked-overseas-in-2023",
    "code": "CN",
    "limit": 50,
    "cursor": "WyJwZXJpb2Rfc3RhcnQiLCIyMDIzLTEyLTAxIiwicmZhLXNvdXJjZS0yMDIzLTEyIl0",
    "count": True,
    "worldwide": False,
    "has_estimates": True,
    "document": "un-panel-of-experts-2024-report",
    "match": "within",
    "min_value": 10000,
    "max_value": 100000,
    "sort": "-period_start",
    "kind": "report",
    "publisher": "radio-free-asia",
    "status": "active",
    "qualifier": "about",
}

# The values Swagger UI's "Try it out" starts with: the card's query, ready to execute.
TRY_IT_OUT: dict[str, dict[str, Any]] = {
    "list_estimates": {
        "metric": "workers_abroad",
        "country": "CN",
        "period_from": "2019",
        "period_to": "2024",
    },
}

# 404 wording of the lookups by id, keyed by path parameter (see app/queries). A country
# code is checked against ISO 3166 first (a 400) and every ISO country is loaded.
NOT_FOUND = {
    "estimate_id": ("no-such-estimate", "no estimate with id {!r}"),
    "source_id": ("no-such-source", "no source with id {!r}"),
    "document_id": ("no-such-document", "no document with id {!r}"),
    "citation_id": ("no-such-citation", "no citation with id {!r}"),
}


def metric_ids(seed_dir: Path) -> list[str]:
    """The metric ids in `seed_dir`/metrics.yaml, in file order; [] if it cannot be read."""
    try:
        records = yaml.safe_load((seed_dir / "metrics.yaml").read_text(encoding="utf-8"))
        return [str(r["id"]) for r in records]
    except (OSError, yaml.YAMLError, TypeError, KeyError) as exc:
        log.warning("no metric list for the API docs: %s", exc)
        return []


def problem_body(error: AppError, instance: str | None) -> dict[str, Any]:
    """The problem+json body the API answers `error` with (as app.errors renders it)."""
    return Problem(
        type=PROBLEM_TYPE_BASE + error.slug,
        title=error.title,
        status=error.status,
        detail=error.detail,
        instance=instance,
        parameter=error.params[0].name if error.params else None,
        invalid_params=error.params,
    ).model_dump(mode="json")


def _raised(call: Callable[[], object]) -> AppError:
    try:
        call()
    except AppError as exc:
        return exc
    raise AssertionError("expected the call to raise")  # pragma: no cover


def _concrete(path: str, op: dict[str, Any]) -> str:
    """`path` with each path parameter replaced by its example."""
    for p in op.get("parameters", []):
        if p["in"] == "path" and "example" in p:
            path = path.replace("{" + p["name"] + "}", str(p["example"]))
    return path


def _problem_example(path: str, method: str, op: dict[str, Any], status: int) -> dict[str, Any]:
    """A real error of this operation: what the API answers to the request in `instance`."""
    params = op.get("parameters", [])
    path_params = [p["name"] for p in params if p["in"] == "path"]
    if status == 400 and op.get("operationId") == "list_estimates":
        error = _raised(lambda: parse_period_bound("2024-13", "period_from", end=False))
        return problem_body(error, "/v1/estimates?period_from=2024-13")
    if status == 400 and path_params == ["code"]:
        error = _raised(lambda: parse_country("atlantis", "code"))
        error.params[0].location = "path"
        return problem_body(error, path.replace("{code}", "atlantis"))
    if status == 400:
        accepted = ", ".join(sorted(p["name"] for p in params if p["in"] == "query")) or "none"
        error = BadParameter("colour", f"unknown parameter; this endpoint accepts: {accepted}")
        instance = _concrete(path, op) + "?colour=red" if method == "get" else None
        return problem_body(error, instance)
    if status == 404 and len(path_params) == 1 and path_params[0] in NOT_FOUND:
        value, wording = NOT_FOUND[path_params[0]]
        instance = path.replace("{" + path_params[0] + "}", value)
        return problem_body(NotFound(wording.format(value)), instance)
    # Any other status (the write endpoints' 401, 403, 409, 412, 422, ...): the error class
    # the API raises for it, with the status's general meaning as the detail.
    kind = _error_classes().get(status)
    title = kind.title if kind else HTTPStatus(status).phrase
    return {
        "type": PROBLEM_TYPE_BASE + (kind.slug if kind else title.lower().replace(" ", "-")),
        "title": title,
        "status": status,
        "detail": HTTPStatus(status).description,
        "instance": None,
        "parameter": None,
        "invalid_params": [],
    }


def _error_classes() -> dict[int, type[AppError]]:
    """Status → the first AppError subclass (in definition order) that answers with it."""
    found: dict[int, type[AppError]] = {}
    stack: list[type[AppError]] = [AppError]
    while stack:
        cls = stack.pop(0)
        found.setdefault(cls.status, cls)
        stack.extend(cls.__subclasses__())
    return found


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    """`anyOf: [X, null]` → X: a query string cannot carry a null; absent is the default."""
    options = schema.get("anyOf")
    if not options or len(options) != 2 or {"type": "null"} not in options:
        return schema
    (kept,) = [o for o in options if o != {"type": "null"}]
    return {**kept, **{k: v for k, v in schema.items() if k != "anyOf"}}


def _enum_example(schema: dict[str, Any], schemas: dict[str, Any]) -> Any:
    """The first allowed value of an enum-like schema (or of its items), else None."""
    schema = schema.get("items", schema)
    if "$ref" in schema:
        schema = schemas.get(schema["$ref"].rsplit("/", 1)[-1], {})
    return schema.get("enum", [None])[0]


def _finish_parameters(op: dict[str, Any], metrics: list[str], schemas: dict[str, Any]) -> None:
    prefill = TRY_IT_OUT.get(op.get("operationId", ""), {})
    for p in op.get("parameters", []):
        schema = p["schema"] = _without_null(p["schema"]) if p["in"] == "query" else p["schema"]
        is_array = schema.get("type") == "array"
        if p["name"] == "metric" and p["in"] == "query" and metrics:
            # Validation stays in the code (an unknown metric is a 400); this lists them.
            (schema["items"] if is_array else schema)["enum"] = metrics
        examples = schema.get("examples") or [
            PARAM_EXAMPLES.get(p["name"], _enum_example(schema, schemas))
        ]
        if examples == [None]:
            continue  # left for the test to report
        if is_array:
            examples = [e if isinstance(e, list) else [e] for e in examples]
        schema["examples"] = examples
        # Swagger UI fills a parameter's `example` into "Try it out": only path parameters
        # and the operation's ready-made query get one, so "Execute" asks a sensible question.
        if p["in"] == "path":
            p["example"] = examples[0]
        elif p["name"] in prefill:
            value = prefill[p["name"]]
            p["example"] = [value] if is_array and not isinstance(value, list) else value


def _is_json(media_type: str) -> bool:
    return media_type == "application/json" or media_type.endswith("+json")


def _schema_name(media: dict[str, Any]) -> str:
    return str(media.get("schema", {}).get("$ref", "")).rsplit("/", 1)[-1]


def _sample(schema: dict[str, Any], schemas: dict[str, Any], depth: int = 0) -> Any:
    """An example built from a schema's own examples, enums and types (the last resort)."""
    if "$ref" in schema:
        schema = schemas.get(schema["$ref"].rsplit("/", 1)[-1], {})
    if "examples" in schema:
        return schema["examples"][0]
    if "enum" in schema:
        return schema["enum"][0]
    if "default" in schema:
        return schema["default"]
    if "anyOf" in schema:
        options = [o for o in schema["anyOf"] if o != {"type": "null"}]
        return _sample(options[0], schemas, depth) if options else None
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {}) if depth < 6 else {}
        return {k: _sample(v, schemas, depth + 1) for k, v in props.items()}
    if kind == "array":
        return [_sample(schema.get("items", {}), schemas, depth + 1)] if depth < 6 else []
    formats = {"date": "2024-03-07", "date-time": "2024-03-07T12:00:00Z"}
    return {
        "string": formats.get(schema.get("format", ""), "string"),
        "integer": 0,
        "number": 0.0,
        "boolean": True,
    }.get(str(kind))


def _finish_responses(
    path: str, method: str, op: dict[str, Any], by_schema: dict[str, Any], schemas: dict[str, Any]
) -> None:
    responses = op.get("responses", {})
    if "422" in responses and "requestBody" not in op:
        del responses["422"]  # FastAPI's default; parameter errors are 400s here
    for status, resp in responses.items():
        for media_type, media in list(resp.get("content", {}).items()):
            if _schema_name(media) in ("Problem", "HTTPValidationError"):
                example = media.get("example") or _problem_example(path, method, op, int(status))
                resp["content"] = {PROBLEM_MEDIA_TYPE: {"schema": PROBLEM_REF, "example": example}}
                break
            if "example" in media or "examples" in media:
                continue
            example = None
            if _is_json(media_type):  # the examples are JSON bodies
                example = RESPONSE_EXAMPLES.get((op.get("operationId", ""), status))
                if example is None:
                    example = by_schema.get(_schema_name(media) or "-")
            if example is None:
                example = _sample(media.get("schema", {}), schemas)
            media["example"] = example


def finish(spec: dict[str, Any], metrics: list[str]) -> dict[str, Any]:
    """Turn FastAPI's document into the guide: examples, enums, problem+json errors."""
    schemas = spec.get("components", {}).get("schemas", {})
    operations = [
        (path, method, op) for path, ops in spec["paths"].items() for method, op in ops.items()
    ]
    # An operation without an example of its own shows another's of the same model.
    by_schema: dict[str, Any] = {}
    for _path, _method, op in operations:
        for status, resp in op.get("responses", {}).items():
            example = RESPONSE_EXAMPLES.get((op.get("operationId", ""), status))
            for media_type, media in resp.get("content", {}).items():
                if example is not None and _is_json(media_type) and _schema_name(media):
                    by_schema.setdefault(_schema_name(media), example)
    for path, method, op in operations:
        _finish_parameters(op, metrics, schemas)
        _finish_responses(path, method, op, by_schema, schemas)
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    return spec


def openapi_builder(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """`app.openapi`: FastAPI's document made into the guide, built once per app."""

    def build() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        spec = get_openapi(
            title=app.title,
            version=app.version,
            summary=app.summary,
            description=app.description,
            routes=app.routes,
            tags=app.openapi_tags,
            license_info=app.license_info,
        )
        app.openapi_schema = finish(spec, metric_ids(get_settings().seed_dir))
        return app.openapi_schema

    return build


def install(app: FastAPI) -> None:
    """Serve the guide: /openapi.json, and /docs and /redoc with assets from this machine."""
    app.openapi_tags = TAGS
    app.openapi = openapi_builder(app)  # type: ignore[method-assign]
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


def dump(spec: dict[str, Any]) -> str:
    """The document as `openapi.json` holds it."""
    return json.dumps(spec, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """`python -m app.docs [PATH]`: write the OpenAPI document (default: openapi.json)."""
    from app.main import create_app

    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0] if args else "openapi.json")
    path.write_text(dump(create_app().openapi()), encoding="utf-8")
    print(f"wrote {path}")
    return 0


# --- Response examples -------------------------------------------------------------------
# Real answers on seed_data/: each is the response to the request in EXAMPLE_REQUESTS (the
# `next` links as served on http://127.0.0.1:8000). tests/test_docs.py checks them against
# the live API and the response models.

EXAMPLE_REQUESTS = {
    "list_estimates": "/v1/estimates?metric=workers_abroad&country=CN&period_from=2019&period_to=2024",  # noqa: E501
    "get_estimate": "/v1/estimates/panel-2024-workers-abroad-2023",
    "list_countries": "/v1/countries?has_estimates=true&limit=1",
    "get_country": "/v1/countries/CN",
    "list_sources": "/v1/sources?limit=1",
    "get_source": "/v1/sources/russian-government",
    "list_documents": "/v1/documents?kind=filing&limit=1",
    "get_document": "/v1/documents/russia-2019-report-to-1718-committee",
    "list_metrics": "/v1/metrics?limit=1",
    "list_hedges": "/v1/hedges",
    "list_sectors": "/v1/sectors?limit=1",
    "get_citation": "/v1/citations/"
    "panel-2024-workers-abroad-2023--rfa-2024-north-koreans-worked-overseas-in-2023",
    "list_changes": "/v1/changes?limit=1",
    "estimate_history": "/v1/estimates/panel-2024-workers-abroad-2023/history?limit=1",
    "healthz": "/healthz",
    "readyz": "/readyz",
}

RESPONSE_EXAMPLES: dict[tuple[str, str], Any] = {
    ("list_estimates", "200"): {
        "data": [
            {
                "id": "rfa-source-2023-12-workers-in-china",
                "metric": {
                    "id": "workers_abroad",
                    "name": "North Korean workers abroad",
                    "unit": "persons",
                },
                "value": {
                    "kind": "lower_bound",
                    "qualifier": "more_than",
                    "low": 100000.0,
                    "high": None,
                    "from_value": None,
                    "to_value": None,
                    "unit": "persons",
                    "text": "more than 100,000",
                    "per": None,
                },
                "period": {
                    "start": "2023-12-01",
                    "end": "2023-12-31",
                    "precision": "month",
                    "text": "as recently as December",
                },
                "scope": {
                    "worldwide": False,
                    "countries": [{"code": "CN", "name": "China"}],
                    "place": None,
                },
                "sectors": [],
                "population": "all",
                "population_note": None,
                "claimant": {
                    "id": "anonymous-rfa-source-china",
                    "name": "A source of Radio Free Asia on "
                    "North Korean workers in China "
                    "(anonymous)",
                    "kind": "anonymous",
                },
                "origin_document": {
                    "id": "rfa-2024-north-koreans-worked-overseas-in-2023",
                    "title": "Around 100,000 North "
                    "Koreans worked overseas "
                    "in 2023, U.N. Panel of "
                    "Experts report says (RFA)",
                    "kind": "news_article",
                    "published_on": "2024-01-01",
                    "published_precision": "year",
                },
                "citation_count": 1,
                "notes": "One anonymous source's own figure for China "
                'alone. "December" is resolved as December '
                "2023: the article's year is inferred as 2024 "
                "from the Panel report dated 7 March 2024 that "
                'it covers, and "as recently as December" is '
                "read as the December before it.",
                "status": "active",
                "superseded_by": None,
                "related_to": None,
            },
            {
                "id": "rfa-sources-2024-workers-in-russia-and-china",
                "metric": {
                    "id": "workers_abroad",
                    "name": "North Korean workers abroad",
                    "unit": "persons",
                },
                "value": {
                    "kind": "range",
                    "qualifier": "range",
                    "low": 10000.0,
                    "high": 99999.0,
                    "from_value": None,
                    "to_value": None,
                    "unit": "persons",
                    "text": "tens of thousands",
                    "per": None,
                },
                "period": {
                    "start": "2024-01-01",
                    "end": "2024-12-31",
                    "precision": "year",
                    "text": "",
                },
                "scope": {
                    "worldwide": False,
                    "countries": [
                        {"code": "CN", "name": "China"},
                        {"code": "RU", "name": "Russian Federation"},
                    ],
                    "place": None,
                },
                "sectors": [],
                "population": "all",
                "population_note": None,
                "claimant": {
                    "id": "anonymous-rfa-sources",
                    "name": "Sources of Radio Free Asia (anonymous)",
                    "kind": "anonymous",
                },
                "origin_document": {
                    "id": "rfa-2024-north-koreans-worked-overseas-in-2023",
                    "title": "Around 100,000 North "
                    "Koreans worked overseas "
                    "in 2023, U.N. Panel of "
                    "Experts report says (RFA)",
                    "kind": "news_article",
                    "published_on": "2024-01-01",
                    "published_precision": "year",
                },
                "citation_count": 1,
                "notes": '"Tens of thousands" is stored as the range '
                "10,000 to 99,999. The text does not say "
                "whether this is per country or for Russia and "
                "China together. Present tense in an article "
                "whose year, 2024, is inferred from the Panel "
                "report it covers; the sources' statements "
                "themselves are undated, and the figure has only the "
                'present tense ("there are"), so the period has no '
                "wording of its own.",
                "status": "active",
                "superseded_by": None,
                "related_to": None,
            },
        ],
        "meta": {
            "limit": 50,
            "count": 2,
            "next_cursor": None,
            "next": None,
            "total": None,
            "undated": None,
            "undated_url": None,
        },
    },
    ("get_estimate", "200"): {
        "id": "panel-2024-workers-abroad-2023",
        "metric": {
            "id": "workers_abroad",
            "name": "North Korean workers abroad",
            "unit": "persons",
        },
        "value": {
            "kind": "point",
            "qualifier": "about",
            "low": 100000.0,
            "high": 100000.0,
            "from_value": None,
            "to_value": None,
            "unit": "persons",
            "text": "Around 100,000",
            "per": None,
        },
        "period": {
            "start": "2023-01-01",
            "end": "2023-12-31",
            "precision": "year",
            "text": "in 2023",
        },
        "scope": {"worldwide": True, "countries": [], "place": None},
        "sectors": [
            {"id": "construction", "name": "Construction"},
            {"id": "hospitality", "name": "Hospitality"},
            {"id": "information_technology", "name": "Information technology"},
            {"id": "medicine", "name": "Medicine"},
        ],
        "population": "all",
        "population_note": None,
        "claimant": {
            "id": "un-panel-of-experts",
            "name": "UN Security Council Panel of Experts on North Korea sanctions",
            "kind": "intergovernmental",
        },
        "origin_document": {
            "id": "un-panel-of-experts-2024-report",
            "title": "UN Panel of Experts report on DPRK "
            "sanctions covering July 2023 to "
            "January 2024",
            "kind": "report",
            "published_on": "2024-03-07",
            "published_precision": "day",
        },
        "citation_count": 3,
        "notes": 'One Panel claim echoed by three articles: "Around '
        "100,000\" in Radio Free Asia's 2024 article on the report, "
        '"approximately 100,000" in its 2024 article on 500 workers '
        'sent to China, "around 100,000" in the article of 21 March '
        "2024. Sectors as listed by the first and the last.",
        "status": "active",
        "superseded_by": None,
        "related_to": None,
        "citations": [
            {
                "id": "panel-2024-workers-abroad-2023--article-2024-03-21-panel-report-100000-workers-overseas",  # noqa: E501
                "document": {
                    "id": "article-2024-03-21-panel-report-100000-workers-overseas",
                    "title": "U.N. Panel of Experts report "
                    "- around 100,000 North Korean "
                    "workers employed overseas in "
                    "2023",
                    "kind": "news_article",
                    "published_on": "2024-03-21",
                    "published_precision": "day",
                    "publisher": None,
                    "url": None,
                },
                "quote": "around 100,000 North Korean workers remained employed overseas in 2023",
                "locator": "paragraph 1",
            },
            {
                "id": "panel-2024-workers-abroad-2023--rfa-2024-north-korea-sends-500-workers-to-china",  # noqa: E501
                "document": {
                    "id": "rfa-2024-north-korea-sends-500-workers-to-china",
                    "title": "North Korea sends 500 workers to China in violation of sanctions",
                    "kind": "news_article",
                    "published_on": "2024-01-01",
                    "published_precision": "year",
                    "publisher": {
                        "id": "radio-free-asia",
                        "name": "Radio Free Asia",
                        "kind": "news_outlet",
                    },
                    "url": None,
                },
                "quote": "approximately 100,000 North Korean workers "
                "are still earning foreign currency in some "
                "40 countries, including China and Russia",
                "locator": "paragraph 5",
            },
            {
                "id": "panel-2024-workers-abroad-2023--rfa-2024-north-koreans-worked-overseas-in-2023",  # noqa: E501
                "document": {
                    "id": "rfa-2024-north-koreans-worked-overseas-in-2023",
                    "title": "Around 100,000 North Koreans "
                    "worked overseas in 2023, U.N. "
                    "Panel of Experts report says "
                    "(RFA)",
                    "kind": "news_article",
                    "published_on": "2024-01-01",
                    "published_precision": "year",
                    "publisher": {
                        "id": "radio-free-asia",
                        "name": "Radio Free Asia",
                        "kind": "news_outlet",
                    },
                    "url": None,
                },
                "quote": "Around 100,000 North Koreans worked overseas in 2023",
                "locator": "paragraph 1",
            },
        ],
    },
    ("list_countries", "200"): {
        "data": [
            {
                "code": "CN",
                "name": "China",
                "alpha3": "CHN",
                "numeric": "156",
                "official_name": "People's Republic of China",
                "estimate_count": 11,
            }
        ],
        "meta": {
            "limit": 1,
            "count": 1,
            "next_cursor": "WyJjb2RlIiwiQ04iLCJDTiJd",
            "next": "http://127.0.0.1:8000/v1/countries?has_estimates=true&limit=1&cursor=WyJjb2RlIiwiQ04iLCJDTiJd",
            "total": None,
            "undated": None,
            "undated_url": None,
        },
    },
    ("get_country", "200"): {
        "code": "CN",
        "name": "China",
        "alpha3": "CHN",
        "numeric": "156",
        "official_name": "People's Republic of China",
        "estimate_count": 11,
    },
    ("list_sources", "200"): {
        "data": [
            {
                "id": "anonymous-dandong-resident",
                "name": "A resident of Dandong, China (anonymous)",
                "kind": "anonymous",
                "country_code": "CN",
                "url": None,
                "description": "Resident of the Chinese city of Dandong "
                "who told RFA about the workers sent to "
                "Hunchun in August (2024, inferred).",
                "estimate_count": 2,
                "document_count": 0,
            }
        ],
        "meta": {
            "limit": 1,
            "count": 1,
            "next_cursor": "WyJpZCIsImFub255bW91cy1kYW5kb25nLXJlc2lkZW50IiwiYW5vbnltb3VzLWRhbmRvbmctcmVzaWRlbnQiXQ",  # noqa: E501
            "next": "http://127.0.0.1:8000/v1/sources?limit=1&cursor=WyJpZCIsImFub255bW91cy1kYW5kb25nLXJlc2lkZW50IiwiYW5vbnltb3VzLWRhbmRvbmctcmVzaWRlbnQiXQ",
            "total": None,
            "undated": None,
            "undated_url": None,
        },
    },
    ("get_source", "200"): {
        "id": "russian-government",
        "name": "Government of the Russian Federation",
        "kind": "government",
        "country_code": "RU",
        "url": None,
        "description": "Reported to the 1718 Committee in 2019 on North "
        "Korean workers in Russia during 2018.",
        "estimate_count": 1,
        "document_count": 1,
        "documents": [
            {
                "id": "russia-2019-report-to-1718-committee",
                "title": "Russian Federation report to the UN Security "
                "Council 1718 Committee on North Korean "
                "workers repatriated during 2018",
                "kind": "filing",
                "published_on": "2019-03-01",
                "published_precision": "month",
            }
        ],
    },
    ("list_documents", "200"): {
        "data": [
            {
                "id": "russia-2019-report-to-1718-committee",
                "title": "Russian Federation report to the UN Security "
                "Council 1718 Committee on North Korean "
                "workers repatriated during 2018",
                "kind": "filing",
                "published_on": "2019-03-01",
                "published_precision": "month",
                "publisher": {
                    "id": "russian-government",
                    "name": "Government of the Russian Federation",
                    "kind": "government",
                },
                "coverage_start": "2018-01-01",
                "coverage_end": "2018-12-31",
                "url": None,
                "un_symbol": None,
                "is_public": False,
                "language": "en",
                "has_full_text": False,
                "estimate_count": 1,
                "citation_count": 0,
            }
        ],
        "meta": {
            "limit": 1,
            "count": 1,
            "next_cursor": None,
            "next": None,
            "total": None,
            "undated": None,
            "undated_url": None,
        },
    },
    ("get_document", "200"): {
        "id": "russia-2019-report-to-1718-committee",
        "title": "Russian Federation report to the UN Security Council 1718 "
        "Committee on North Korean workers repatriated during 2018",
        "kind": "filing",
        "published_on": "2019-03-01",
        "published_precision": "month",
        "publisher": {
            "id": "russian-government",
            "name": "Government of the Russian Federation",
            "kind": "government",
        },
        "coverage_start": "2018-01-01",
        "coverage_end": "2018-12-31",
        "url": None,
        "un_symbol": None,
        "is_public": False,
        "language": "en",
        "has_full_text": False,
        "estimate_count": 1,
        "citation_count": 0,
        "notes": "Known from the Reuters article of 26 March 2019: a "
        "one-page, unpublished report "
        "\"submitted to the council's North Korea sanctions "
        'committee in compliance with a 2017 resolution" and seen '
        'by Reuters on Tuesday (2019-03-26). Month from "required '
        "countries to report to the sanctions committee this "
        'month" in the article dated March 26, 2019.',
        "cites": [
            {
                "id": "un-sc-resolution-2397",
                "title": "UN Security Council Resolution 2397 (2017)",
                "kind": "resolution",
                "published_on": "2017-12-01",
                "published_precision": "month",
            }
        ],
        "cited_by": [
            {
                "id": "moscow-times-2019-03-26-russia-sent-home-over-half-of-north-korean-workers",
                "title": "Russia Tells UN It Sent Home Over Half of North Korean Workers in 2018",
                "kind": "news_article",
                "published_on": "2019-03-26",
                "published_precision": "day",
            }
        ],
        "estimates": [
            {
                "id": "russia-2019-work-permits-2018",
                "metric": {
                    "id": "work_permits_held",
                    "name": "Valid work permits held by North Koreans",
                    "unit": "persons",
                },
                "value": {
                    "kind": "change",
                    "qualifier": "exact",
                    "low": 11490.0,
                    "high": 30023.0,
                    "from_value": 30023.0,
                    "to_value": 11490.0,
                    "unit": "persons",
                    "text": "decreased from 30,023 to 11,490 persons",
                    "per": None,
                },
                "period": {
                    "start": "2018-01-01",
                    "end": "2018-12-31",
                    "precision": "year",
                    "text": "in 2018",
                },
                "scope": {
                    "worldwide": False,
                    "countries": [{"code": "RU", "name": "Russian Federation"}],
                    "place": None,
                },
                "sectors": [],
                "population": "all",
                "population_note": None,
                "claimant": {
                    "id": "russian-government",
                    "name": "Government of the Russian Federation",
                    "kind": "government",
                },
                "origin_document": {
                    "id": "russia-2019-report-to-1718-committee",
                    "title": "Russian Federation "
                    "report to the UN "
                    "Security Council 1718 "
                    "Committee on North "
                    "Korean workers "
                    "repatriated during "
                    "2018",
                    "kind": "filing",
                    "published_on": "2019-03-01",
                    "published_precision": "month",
                },
                "citation_count": 1,
                "notes": "North Koreans holding valid work permits "
                "in Russia, from the start to the end of "
                "2018, as reported by Russia to the 1718 "
                "Committee (quoted by Reuters). A change, "
                "not an uncertainty range.",
                "status": "active",
                "superseded_by": None,
                "related_to": None,
            }
        ],
        "citations": [],
        "full_text": None,
    },
    ("list_metrics", "200"): {
        "data": [
            {
                "id": "employer_count",
                "name": "Employers of North Korean workers",
                "unit": "companies",
                "kind": "stock",
                "description": "Number of companies in the scope place "
                "employing North Korean workers.",
                "related": [],
            }
        ],
        "meta": {
            "limit": 1,
            "count": 1,
            "next_cursor": "WyJpZCIsImVtcGxveWVyX2NvdW50IiwiZW1wbG95ZXJfY291bnQiXQ",
            "next": "http://127.0.0.1:8000/v1/metrics?limit=1&cursor=WyJpZCIsImVtcGxveWVyX2NvdW50IiwiZW1wbG95ZXJfY291bnQiXQ",
            "total": None,
            "undated": None,
            "undated_url": None,
        },
    },
    ("list_sectors", "200"): {
        "data": [
            {
                "id": "construction",
                "name": "Construction",
                "description": "Building sites and construction crews.",
            }
        ],
        "meta": {
            "limit": 1,
            "count": 1,
            "next_cursor": "WyJpZCIsImNvbnN0cnVjdGlvbiIsImNvbnN0cnVjdGlvbiJd",
            "next": "http://127.0.0.1:8000/v1/sectors?limit=1&cursor=WyJpZCIsImNvbnN0cnVjdGlvbiIsImNvbnN0cnVjdGlvbiJd",
            "total": None,
            "undated": None,
            "undated_url": None,
        },
    },
    ("get_citation", "200"): {
        "id": "panel-2024-workers-abroad-2023--rfa-2024-north-koreans-worked-overseas-in-2023",
        "document": {
            "id": "rfa-2024-north-koreans-worked-overseas-in-2023",
            "title": "Around 100,000 North Koreans worked overseas "
            "in 2023, U.N. Panel of Experts report says "
            "(RFA)",
            "kind": "news_article",
            "published_on": "2024-01-01",
            "published_precision": "year",
            "publisher": {
                "id": "radio-free-asia",
                "name": "Radio Free Asia",
                "kind": "news_outlet",
            },
            "url": None,
        },
        "quote": "Around 100,000 North Koreans worked overseas in 2023",
        "locator": "paragraph 1",
        "estimate_id": "panel-2024-workers-abroad-2023",
    },
    ("list_changes", "200"): {
        "data": [
            {
                "id": 1,
                "at": "2026-11-23T13:18:25.137161Z",
                "actor": "dprk-labor load",
                "action": "create",
                "resource_type": "source",
                "resource_id": "un-panel-of-experts",
                "estimate_id": None,
                "before": None,
                "after": {
                    "id": "un-panel-of-experts",
                    "name": "UN Security Council Panel of Experts on North Korea sanctions",
                    "kind": "intergovernmental",
                    "country": None,
                    "url": None,
                    "description": "The independent panel of "
                    "experts that monitors the UN "
                    "Security Council's sanctions on "
                    "North Korea and reports to the "
                    "Council's 1718 (DPRK sanctions) "
                    "Committee.",
                },
            }
        ],
        "meta": {
            "limit": 1,
            "count": 1,
            "next_cursor": "WyJpZCIsMSwxXQ",
            "next": "http://127.0.0.1:8000/v1/changes?limit=1&cursor=WyJpZCIsMSwxXQ",
            "total": None,
            "undated": None,
            "undated_url": None,
        },
    },
    ("estimate_history", "200"): {
        "data": [
            {
                "id": 52,
                "at": "2026-11-23T13:18:25.359853Z",
                "actor": "dprk-labor load",
                "action": "create",
                "resource_type": "estimate",
                "resource_id": "panel-2024-workers-abroad-2023",
                "estimate_id": "panel-2024-workers-abroad-2023",
                "before": None,
                "after": {
                    "id": "panel-2024-workers-abroad-2023",
                    "metric": "workers_abroad",
                    "value": {
                        "kind": "point",
                        "qualifier": "about",
                        "unit": "persons",
                        "text": "Around 100,000",
                        "amount": 100000.0,
                        "low": None,
                        "high": None,
                        "from": None,
                        "to": None,
                        "per": None,
                    },
                    "period": {
                        "start": "2023-01-01",
                        "end": "2023-12-31",
                        "precision": "year",
                        "text": "in 2023",
                    },
                    "scope": {"worldwide": True, "countries": [], "place": None},
                    "sectors": [
                        "construction",
                        "hospitality",
                        "information_technology",
                        "medicine",
                    ],
                    "population": "all",
                    "population_note": None,
                    "claimant": "un-panel-of-experts",
                    "origin_document": "un-panel-of-experts-2024-report",
                    "notes": "One Panel claim echoed by three "
                    'articles: "Around 100,000" in '
                    "Radio Free Asia's 2024 article on "
                    'the report, "approximately 100,000" '
                    "in its 2024 article on 500 workers "
                    'sent to China, "around 100,000" in '
                    "the article of 21 March 2024. "
                    "Sectors as listed by the first and "
                    "the last.",
                    "status": "active",
                    "superseded_by": None,
                    "citations": [
                        {
                            "document": "article-2024-03-21-panel-report-100000-workers-overseas",
                            "quote": "around 100,000 "
                            "North Korean "
                            "workers remained "
                            "employed overseas "
                            "in 2023",
                            "locator": "paragraph 1",
                        },
                        {
                            "document": "rfa-2024-north-korea-sends-500-workers-to-china",
                            "quote": "approximately "
                            "100,000 North "
                            "Korean workers are "
                            "still earning "
                            "foreign currency "
                            "in some 40 "
                            "countries, "
                            "including China "
                            "and Russia",
                            "locator": "paragraph 5",
                        },
                        {
                            "document": "rfa-2024-north-koreans-worked-overseas-in-2023",
                            "quote": "Around 100,000 North Koreans worked overseas in 2023",
                            "locator": "paragraph 1",
                        },
                    ],
                },
            }
        ],
        "meta": {
            "limit": 1,
            "count": 1,
            "next_cursor": None,
            "next": None,
            "total": None,
            "undated": None,
            "undated_url": None,
        },
    },
    ("healthz", "200"): {"status": "ok"},
    ("readyz", "200"): {
        "status": "ok",
        "database": "ok",
        "revision": "f792832e1b11",
        "head": "f792832e1b11",
        "writable": True,
    },
    ("readyz", "503"): {
        "status": "unavailable",
        "database": "not migrated",
        "revision": None,
        "head": "f792832e1b11",
        "writable": None,
    },
}


# Real answers of the derived views on seed_data/, as the API gave them (the shape test
# compares them with the live answers).
EXAMPLE_REQUESTS |= {
    "series": "/v1/series?metric=workers_abroad&worldwide=true",
    "conflicts": "/v1/conflicts?metric=workers_abroad",
    "consensus": "/v1/consensus?metric=workers_abroad&worldwide=true&period_from=2023&period_to=2023",  # noqa: E501
}
RESPONSE_EXAMPLES |= {
    ("series", "200"): {
        "data": [
            {
                "estimate_id": "panel-2024-workers-abroad-2023",
                "x": "2023-07-02",
                "start": "2023-01-01",
                "end": "2023-12-31",
                "precision": "year",
                "y": 100000.0,
                "low": 100000.0,
                "high": 100000.0,
                "kind": "point",
                "qualifier": "about",
                "unit": "persons",
                "per": None,
                "value_text": "Around 100,000",
                "interval": {"low": 75000.0, "high": 125000.0, "rule": "about"},
                "period_text": "in 2023",
                "population": "all",
                "population_note": None,
                "claimant": {
                    "id": "un-panel-of-experts",
                    "name": "UN Security Council Panel of Experts on North Korea sanctions",
                    "kind": "intergovernmental",
                },
                "citation_count": 3,
            }
        ],
        "meta": {
            "limit": 50,
            "count": 1,
            "next_cursor": None,
            "next": None,
            "total": None,
            "undated": 1,
            "undated_url": "http://127.0.0.1:8000/v1/estimates?metric=workers_abroad&worldwide=true&undated=only",
        },
    },
    ("conflicts", "200"): {
        "data": [
            {
                "kind": "part_exceeds_whole",
                "strength": "tension",
                "rule": "part-rivals-whole",
                "reason": "A source of Radio Free Asia on North Korean workers in China "
                '(anonymous) says "more than 100,000" for China in December 2023, '
                "while UN Security Council Panel of Experts on North Korea sanctions "
                'says "Around 100,000" worldwide in 2023: the part alone is as large '
                "as the whole may be (read loosely, 75,000 to 125,000).",
                "metric": {
                    "id": "workers_abroad",
                    "name": "North Korean workers abroad",
                    "unit": "persons",
                },
                "scope": {
                    "worldwide": False,
                    "countries": [{"code": "CN", "name": "China"}],
                    "place": None,
                },
                "a": {
                    "id": "rfa-source-2023-12-workers-in-china",
                    "metric": {
                        "id": "workers_abroad",
                        "name": "North Korean workers abroad",
                        "unit": "persons",
                    },
                    "value": {
                        "kind": "lower_bound",
                        "qualifier": "more_than",
                        "low": 100000.0,
                        "high": None,
                        "from_value": None,
                        "to_value": None,
                        "unit": "persons",
                        "text": "more than 100,000",
                        "per": None,
                        "interval": {"low": 100000.0, "high": None, "rule": "lower-bound"},
                    },
                    "period": {
                        "start": "2023-12-01",
                        "end": "2023-12-31",
                        "precision": "month",
                        "text": "as recently as December",
                    },
                    "scope": {
                        "worldwide": False,
                        "countries": [{"code": "CN", "name": "China"}],
                        "place": None,
                    },
                    "sectors": [],
                    "population": "all",
                    "population_note": None,
                    "claimant": {
                        "id": "anonymous-rfa-source-china",
                        "name": "A source of Radio Free Asia on North Korean workers "
                        "in China (anonymous)",
                        "kind": "anonymous",
                    },
                    "origin_document": {
                        "id": "rfa-2024-north-koreans-worked-overseas-in-2023",
                        "title": "Around 100,000 North Koreans worked "
                        "overseas in 2023, U.N. Panel of Experts "
                        "report says (RFA)",
                        "kind": "news_article",
                        "published_on": "2024-01-01",
                        "published_precision": "year",
                    },
                    "citation_count": 1,
                    "notes": 'One anonymous source\'s own figure for China alone. "December" '
                    "is resolved as December 2023: the article's year is inferred as "
                    "2024 from the Panel report dated 7 March 2024 that it covers, "
                    'and "as recently as December" is read as the December before '
                    "it.",
                    "status": "active",
                    "superseded_by": None,
                    "related_to": None,
                    "citations": [
                        {
                            "id": "rfa-source-2023-12-workers-in-china--rfa-2024-north-koreans-worked-overseas-in-2023",  # noqa: E501
                            "document": {
                                "id": "rfa-2024-north-koreans-worked-overseas-in-2023",
                                "title": "Around 100,000 North Koreans worked "
                                "overseas in 2023, U.N. Panel of "
                                "Experts report says (RFA)",
                                "kind": "news_article",
                                "published_on": "2024-01-01",
                                "published_precision": "year",
                                "publisher": {
                                    "id": "radio-free-asia",
                                    "name": "Radio Free Asia",
                                    "kind": "news_outlet",
                                },
                                "url": None,
                            },
                            "quote": "with one source saying as recently as December "
                            "that there were more than 100,000 in China alone",
                            "locator": "paragraph 4",
                        }
                    ],
                },
                "b": {
                    "id": "panel-2024-workers-abroad-2023",
                    "metric": {
                        "id": "workers_abroad",
                        "name": "North Korean workers abroad",
                        "unit": "persons",
                    },
                    "value": {
                        "kind": "point",
                        "qualifier": "about",
                        "low": 100000.0,
                        "high": 100000.0,
                        "from_value": None,
                        "to_value": None,
                        "unit": "persons",
                        "text": "Around 100,000",
                        "per": None,
                        "interval": {"low": 75000.0, "high": 125000.0, "rule": "about"},
                    },
                    "period": {
                        "start": "2023-01-01",
                        "end": "2023-12-31",
                        "precision": "year",
                        "text": "in 2023",
                    },
                    "scope": {"worldwide": True, "countries": [], "place": None},
                    "sectors": [
                        {"id": "construction", "name": "Construction"},
                        {"id": "hospitality", "name": "Hospitality"},
                        {"id": "information_technology", "name": "Information technology"},
                        {"id": "medicine", "name": "Medicine"},
                    ],
                    "population": "all",
                    "population_note": None,
                    "claimant": {
                        "id": "un-panel-of-experts",
                        "name": "UN Security Council Panel of Experts on North Korea sanctions",
                        "kind": "intergovernmental",
                    },
                    "origin_document": {
                        "id": "un-panel-of-experts-2024-report",
                        "title": "UN Panel of Experts report on DPRK "
                        "sanctions covering July 2023 to January "
                        "2024",
                        "kind": "report",
                        "published_on": "2024-03-07",
                        "published_precision": "day",
                    },
                    "citation_count": 3,
                    "notes": 'One Panel claim echoed by three articles: "Around 100,000" in '
                    "Radio Free Asia's 2024 article on the report, \"approximately "
                    '100,000" in its 2024 article on 500 workers sent to China, '
                    '"around 100,000" in the article of 21 March 2024. Sectors as '
                    "listed by the first and the last.",
                    "status": "active",
                    "superseded_by": None,
                    "related_to": None,
                    "citations": [
                        {
                            "id": "panel-2024-workers-abroad-2023--article-2024-03-21-panel-report-100000-workers-overseas",  # noqa: E501
                            "document": {
                                "id": "article-2024-03-21-panel-report-100000-workers-overseas",
                                "title": "U.N. Panel of Experts report - "
                                "around 100,000 North Korean workers "
                                "employed overseas in 2023",
                                "kind": "news_article",
                                "published_on": "2024-03-21",
                                "published_precision": "day",
                                "publisher": None,
                                "url": None,
                            },
                            "quote": "around 100,000 North Korean workers remained "
                            "employed overseas in 2023",
                            "locator": "paragraph 1",
                        },
                        {
                            "id": "panel-2024-workers-abroad-2023--rfa-2024-north-korea-sends-500-workers-to-china",  # noqa: E501
                            "document": {
                                "id": "rfa-2024-north-korea-sends-500-workers-to-china",
                                "title": "North Korea sends 500 workers to "
                                "China in violation of sanctions",
                                "kind": "news_article",
                                "published_on": "2024-01-01",
                                "published_precision": "year",
                                "publisher": {
                                    "id": "radio-free-asia",
                                    "name": "Radio Free Asia",
                                    "kind": "news_outlet",
                                },
                                "url": None,
                            },
                            "quote": "approximately 100,000 North Korean workers are "
                            "still earning foreign currency in some 40 "
                            "countries, including China and Russia",
                            "locator": "paragraph 5",
                        },
                        {
                            "id": "panel-2024-workers-abroad-2023--rfa-2024-north-koreans-worked-overseas-in-2023",  # noqa: E501
                            "document": {
                                "id": "rfa-2024-north-koreans-worked-overseas-in-2023",
                                "title": "Around 100,000 North Koreans worked "
                                "overseas in 2023, U.N. Panel of "
                                "Experts report says (RFA)",
                                "kind": "news_article",
                                "published_on": "2024-01-01",
                                "published_precision": "year",
                                "publisher": {
                                    "id": "radio-free-asia",
                                    "name": "Radio Free Asia",
                                    "kind": "news_outlet",
                                },
                                "url": None,
                            },
                            "quote": "Around 100,000 North Koreans worked overseas in 2023",
                            "locator": "paragraph 1",
                        },
                    ],
                },
            }
        ],
        "meta": {
            "limit": 50,
            "count": 1,
            "next_cursor": None,
            "next": None,
            "total": None,
            "undated": 2,
            "undated_url": "http://127.0.0.1:8000/v1/estimates?metric=workers_abroad&undated=only",
        },
    },
    ("consensus", "200"): {
        "data": [
            {
                "year": 2023,
                "start": "2023-01-01",
                "end": "2023-12-31",
                "claimants": 1,
                "figures": [
                    {
                        "id": "panel-2024-workers-abroad-2023",
                        "metric": {
                            "id": "workers_abroad",
                            "name": "North Korean workers abroad",
                            "unit": "persons",
                        },
                        "value": {
                            "kind": "point",
                            "qualifier": "about",
                            "low": 100000.0,
                            "high": 100000.0,
                            "from_value": None,
                            "to_value": None,
                            "unit": "persons",
                            "text": "Around 100,000",
                            "per": None,
                            "interval": {"low": 75000.0, "high": 125000.0, "rule": "about"},
                        },
                        "period": {
                            "start": "2023-01-01",
                            "end": "2023-12-31",
                            "precision": "year",
                            "text": "in 2023",
                        },
                        "scope": {"worldwide": True, "countries": [], "place": None},
                        "sectors": [
                            {"id": "construction", "name": "Construction"},
                            {"id": "hospitality", "name": "Hospitality"},
                            {"id": "information_technology", "name": "Information technology"},
                            {"id": "medicine", "name": "Medicine"},
                        ],
                        "population": "all",
                        "population_note": None,
                        "claimant": {
                            "id": "un-panel-of-experts",
                            "name": "UN Security Council Panel of Experts on North Korea sanctions",
                            "kind": "intergovernmental",
                        },
                        "origin_document": {
                            "id": "un-panel-of-experts-2024-report",
                            "title": "UN Panel of Experts report on DPRK "
                            "sanctions covering July 2023 to "
                            "January 2024",
                            "kind": "report",
                            "published_on": "2024-03-07",
                            "published_precision": "day",
                        },
                        "citation_count": 3,
                        "notes": 'One Panel claim echoed by three articles: "Around '
                        "100,000\" in Radio Free Asia's 2024 article on the "
                        'report, "approximately 100,000" in its 2024 article on '
                        '500 workers sent to China, "around 100,000" in the '
                        "article of 21 March 2024. Sectors as listed by the first "
                        "and the last.",
                        "status": "active",
                        "superseded_by": None,
                        "related_to": None,
                    }
                ],
                "range": {"low": 100000.0, "high": 100000.0},
                "agreed": {"low": 75000.0, "high": 125000.0},
                "conflicts_url": None,
                "summary": "In 2023, one independent source, UN Security Council Panel of "
                'Experts on North Korea sanctions, says "Around 100,000"; read '
                "loosely, that is 75,000 to 125,000.",
                "method": "Each calendar year holds the figures of this metric and exact scope "
                "whose periods overlap it, totals of all workers unless population= "
                "says otherwise, one basis (per=). A claimant is one independent "
                "source; an estimate is one claim however often echoed. `range` runs "
                "from the lowest to the highest figure (central readings: a point's "
                "figure, a range's midpoint, a bound's bound); `agreed` is what every "
                "figure's interval (see /v1/hedges) allows at once, or null when they "
                "cannot all be true.",
            }
        ],
        "meta": {
            "limit": 1,
            "count": 1,
            "next_cursor": None,
            "next": None,
            "total": None,
            "undated": 1,
            "undated_url": "http://127.0.0.1:8000/v1/estimates?metric=workers_abroad&worldwide=true&undated=only",
        },
    },
}


def _with_intervals(example: Any) -> Any:
    """Every value in `example` with the interval the API reads it as (app.hedges), so that
    the examples show what the live answers show without a copy to keep in step."""
    if isinstance(example, list):
        return [_with_intervals(v) for v in example]
    if not isinstance(example, dict):
        return example
    out = {k: _with_intervals(v) for k, v in example.items()}
    if {"kind", "qualifier", "low", "high", "text", "to_value"} <= out.keys():
        out["interval"] = hedges.interval_of(out)
    return out


RESPONSE_EXAMPLES = {key: _with_intervals(body) for key, body in RESPONSE_EXAMPLES.items()}
RESPONSE_EXAMPLES[("list_hedges", "200")] = {
    "data": hedges.rules(),
    "meta": {
        "limit": len(hedges.RULES),
        "count": len(hedges.RULES),
        "next_cursor": None,
        "next": None,
        "total": None,
        "undated": None,
        "undated_url": None,
    },
}

if __name__ == "__main__":
    raise SystemExit(main())
