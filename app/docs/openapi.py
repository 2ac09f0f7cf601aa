"""The OpenAPI post-processing: FastAPI's document made into the guide.

Every parameter gets an example (and `metric` the seed data's metrics), every response an
example (the seeded app's answers that app.docs.examples records), every error its
problem+json example, as the API answers it.
"""

import json
import logging
from collections.abc import Callable
from http import HTTPStatus
from pathlib import Path
from typing import Any

import yaml
from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from app.config import get_settings
from app.docs import examples
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

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}

# Examples for parameters that the code gives none (shared paging parameters and the like);
# the cursor's is taken from an answer (app.docs.examples.PARAMETER_REQUESTS).
PARAM_EXAMPLES: dict[str, Any] = {
    "estimate_id": "panel-2024-workers-abroad-2023",
    "source_id": "russian-government",
    "document_id": "russia-2019-report-to-1718-committee",
    "citation_id": "panel-2024-workers-abroad-2023--rfa-2024-north-koreans-worked-overseas-in-2023",
    "code": "CN",
    "limit": 50,
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


def _finish_parameters(
    op: dict[str, Any], metrics: list[str], schemas: dict[str, Any], named: dict[str, Any]
) -> None:
    prefill = TRY_IT_OUT.get(op.get("operationId", ""), {})
    for p in op.get("parameters", []):
        schema = p["schema"] = _without_null(p["schema"]) if p["in"] == "query" else p["schema"]
        is_array = schema.get("type") == "array"
        if p["name"] == "metric" and p["in"] == "query" and metrics:
            # Validation stays in the code (an unknown metric is a 400); this lists them.
            (schema["items"] if is_array else schema)["enum"] = metrics
        examples = schema.get("examples") or [named.get(p["name"], _enum_example(schema, schemas))]
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
    path: str,
    method: str,
    op: dict[str, Any],
    answers: dict[tuple[str, str], Any],
    by_schema: dict[str, Any],
    schemas: dict[str, Any],
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
                example = answers.get((op.get("operationId", ""), status))
                if example is None:
                    example = by_schema.get(_schema_name(media) or "-")
            if example is None:
                example = _sample(media.get("schema", {}), schemas)
            media["example"] = example


def finish(spec: dict[str, Any], metrics: list[str], recorded: dict[str, Any]) -> dict[str, Any]:
    """Turn FastAPI's document into the guide: examples (`recorded`, as examples.json holds
    them), enums, problem+json errors."""
    answers = examples.responses(recorded)
    named = PARAM_EXAMPLES | examples.parameters(recorded)
    schemas = spec.get("components", {}).get("schemas", {})
    operations = [
        (path, method, op) for path, ops in spec["paths"].items() for method, op in ops.items()
    ]
    # An operation without an example of its own shows another's of the same model.
    by_schema: dict[str, Any] = {}
    for _path, _method, op in operations:
        for status, resp in op.get("responses", {}).items():
            example = answers.get((op.get("operationId", ""), status))
            for media_type, media in resp.get("content", {}).items():
                if example is not None and _is_json(media_type) and _schema_name(media):
                    by_schema.setdefault(_schema_name(media), example)
    for path, method, op in operations:
        _finish_parameters(op, metrics, schemas, named)
        _finish_responses(path, method, op, answers, by_schema, schemas)
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    return spec


def document(app: FastAPI, recorded: dict[str, Any]) -> dict[str, Any]:
    """`app`'s OpenAPI document made into the guide, with the `recorded` examples."""
    spec = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        description=app.description,
        routes=app.routes,
        tags=app.openapi_tags,
        license_info=app.license_info,
    )
    return finish(spec, metric_ids(get_settings().seed_dir), recorded)


def openapi_builder(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """`app.openapi`: the guide with the examples of examples.json, built once per app."""

    def build() -> dict[str, Any]:
        if not app.openapi_schema:
            app.openapi_schema = document(app, examples.read())
        return app.openapi_schema

    return build


def dump(spec: dict[str, Any]) -> str:
    """The document as `openapi.json` holds it."""
    return json.dumps(spec, indent=2, ensure_ascii=False) + "\n"
