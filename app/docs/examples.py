"""The OpenAPI document's examples of answers: what the seeded app really answers.

Each example is the answer to one of REQUESTS from the app on a database migrated and
loaded with seed_data/. `make openapi` (app.docs.generate) asks them and records the
answers in examples.json, which the OpenAPI post-processing (app.docs.openapi) reads; no
answer is kept by hand. The answers are as served on BASE_URL, with cursors signed by the
built-in key (no CURSOR_SECRET); values that differ from run to run (the audit log's times)
are replaced by STAND_INS, so that `make openapi` writes the same file every time.
tests/test_docs_examples.py compares every example with what the seeded app answers now.
"""

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

log = logging.getLogger(__name__)

EXAMPLES_FILE = Path(__file__).with_name("examples.json")
BASE_URL = "http://127.0.0.1:8000"

Database = Literal["seeded", "empty"]


@dataclass(frozen=True)
class ExampleRequest:
    """A GET whose answer is the example of an operation's response of `status`."""

    operation: str
    url: str
    status: int = 200
    # "seeded": migrated and loaded with seed_data/; "empty": not even migrated.
    database: Database = "seeded"


@dataclass(frozen=True)
class ParameterRequest:
    """A GET whose answer holds, at `field`, the example of the query parameter `name`."""

    name: str
    url: str
    field: tuple[str, ...]


CARD_QUERY = "metric=workers_abroad&country=CN&period_from=2019&period_to=2024"
PANEL = "panel-2024-workers-abroad-2023"

REQUESTS = (
    ExampleRequest("list_estimates", f"/v1/estimates?{CARD_QUERY}"),
    ExampleRequest("get_estimate", f"/v1/estimates/{PANEL}"),
    ExampleRequest("list_countries", "/v1/countries?has_estimates=true&limit=1"),
    ExampleRequest("get_country", "/v1/countries/CN"),
    ExampleRequest("list_sources", "/v1/sources?limit=1"),
    ExampleRequest("get_source", "/v1/sources/russian-government"),
    ExampleRequest("list_documents", "/v1/documents?kind=filing&limit=1"),
    ExampleRequest("get_document", "/v1/documents/russia-2019-report-to-1718-committee"),
    ExampleRequest("list_metrics", "/v1/metrics?limit=1"),
    ExampleRequest("list_hedges", "/v1/hedges"),
    ExampleRequest("list_sectors", "/v1/sectors?limit=1"),
    ExampleRequest(
        "get_citation", f"/v1/citations/{PANEL}--rfa-2024-north-koreans-worked-overseas-in-2023"
    ),
    ExampleRequest("list_changes", "/v1/changes?limit=1"),
    ExampleRequest("estimate_history", f"/v1/estimates/{PANEL}/history?limit=1"),
    ExampleRequest("healthz", "/healthz"),
    ExampleRequest("readyz", "/readyz"),
    ExampleRequest("readyz", "/readyz", status=503, database="empty"),
    ExampleRequest("series", "/v1/series?metric=workers_abroad&worldwide=true"),
    ExampleRequest("conflicts", "/v1/conflicts?metric=workers_abroad"),
    ExampleRequest(
        "consensus",
        "/v1/consensus?metric=workers_abroad&worldwide=true&period_from=2023&period_to=2023",
    ),
)

# A cursor is only good for the list (and order) that made it: this one is the card
# query's second page.
PARAMETER_REQUESTS = (
    ParameterRequest("cursor", f"/v1/estimates?{CARD_QUERY}&limit=1", ("meta", "next_cursor")),
)

# Keys whose values differ from run to run, and the value the examples show instead.
STAND_INS: dict[str, Any] = {"at": "2026-01-01T12:00:00.000000Z"}

ABOUT = (
    "Written by `make openapi` (app/docs/generate.py): the seeded app's answers to these "
    "requests, read by app/docs/openapi.py. Do not edit: change the requests in "
    "app/docs/examples.py, or the seed data, and run `make openapi`."
)

# GET `url` of the app on `database`: (status, JSON body).
Getter = Callable[[str, Database], tuple[int, Any]]


class ExampleError(Exception):
    """A request of the examples was not answered as expected."""


def stable(answer: Any) -> Any:
    """`answer` with each value that differs from run to run replaced by its stand-in."""
    if isinstance(answer, list):
        return [stable(v) for v in answer]
    if isinstance(answer, dict):
        return {k: STAND_INS[k] if k in STAND_INS else stable(v) for k, v in answer.items()}
    return answer


def answer(get: Getter, request: ExampleRequest) -> Any:
    """The app's answer to `request`, made stable; an error unless of the expected status."""
    status, body = get(request.url, request.database)
    if status != request.status:
        raise ExampleError(f"GET {request.url} answered {status}, not {request.status}: {body}")
    return stable(body)


def parameter(get: Getter, request: ParameterRequest) -> Any:
    """The parameter example that `request`'s answer holds."""
    value = answer(get, ExampleRequest("", request.url))
    for key in request.field:
        value = value[key]
    if value is None:
        raise ExampleError(f"GET {request.url} has no {'.'.join(request.field)}")
    return value


def record(get: Getter) -> dict[str, Any]:
    """What examples.json holds: every request with the answer `get` gives to it."""
    return {
        "about": ABOUT,
        "responses": [
            {
                "operation": r.operation,
                "status": r.status,
                "request": f"GET {r.url}",
                "database": r.database,
                "answer": answer(get, r),
            }
            for r in REQUESTS
        ],
        "parameters": [
            {
                "name": p.name,
                "request": f"GET {p.url}",
                "field": ".".join(p.field),
                "value": parameter(get, p),
            }
            for p in PARAMETER_REQUESTS
        ],
    }


def render(recorded: dict[str, Any]) -> str:
    """examples.json's text."""
    return json.dumps(recorded, indent=2, ensure_ascii=False) + "\n"


def read(path: Path = EXAMPLES_FILE) -> dict[str, Any]:
    """The recorded examples; none (with a warning) if the file cannot be read."""
    try:
        recorded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        log.warning("no recorded examples for the API docs: %s", exc)
        return {}
    return recorded


def responses(recorded: dict[str, Any]) -> dict[tuple[str, str], Any]:
    """(operationId, status) → the example answer."""
    return {(r["operation"], str(r["status"])): r["answer"] for r in recorded.get("responses", [])}


def parameters(recorded: dict[str, Any]) -> dict[str, Any]:
    """Parameter name → the example taken from an answer."""
    return {p["name"]: p["value"] for p in recorded.get("parameters", [])}
