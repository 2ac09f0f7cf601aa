"""The OpenAPI document's examples of answers are the seeded app's real answers: recorded by
`make openapi` into app/docs/examples.json, compared here, value by value, with what the
app answers now (on SQLite and PostgreSQL), and fit to the models the API documents."""

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import TypeAdapter

from app.config import ROOT
from app.db import make_engine
from app.docs import examples, generate
from app.main import create_app

STALE = "app/docs/examples.json is not what the app answers now: run `make openapi`"


@pytest.fixture
def get(client: TestClient, tmp_path: Path) -> Iterator[examples.Getter]:
    """Asks the seeded app of the tests, or one on an empty (unmigrated) database."""
    empty = make_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    with TestClient(generate.serving(create_app(), empty)) as unmigrated:
        yield generate.getter({"seeded": client, "empty": unmigrated})
    empty.dispose()


def test_every_example_is_what_the_seeded_app_answers_now(get: examples.Getter):
    recorded = examples.read()
    with generate.pinned_settings():
        now = examples.record(get)
    assert [r["request"] for r in recorded["responses"]] == [
        r["request"] for r in now["responses"]
    ], STALE
    for kept, answered in zip(recorded["responses"], now["responses"], strict=True):
        assert kept == answered, f"{kept['operation']} {kept['status']}: {STALE}"
    assert recorded == now, STALE


def test_make_openapi_writes_the_committed_files_again(tmp_path: Path):
    """A run on a new database, at another time, writes the same bytes: nothing that
    differs from run to run is left in the examples."""
    generate.generate(create_app, tmp_path / "examples.json", tmp_path / "openapi.json")
    for written, committed in (
        (tmp_path / "examples.json", examples.EXAMPLES_FILE),
        (tmp_path / "openapi.json", ROOT / "openapi.json"),
    ):
        assert written.read_bytes() == committed.read_bytes(), (
            f"`make openapi` would write another {committed.name}: run it"
        )


def test_values_that_change_between_runs_get_their_stand_ins():
    answer = {"data": [{"id": 1, "at": "2030-05-06T07:08:09.123456Z", "after": {"x": 1}}]}
    assert examples.stable(answer) == {
        "data": [{"id": 1, "at": examples.STAND_INS["at"], "after": {"x": 1}}]
    }


def test_a_request_answered_otherwise_stops_the_recording():
    def get(url: str, database: examples.Database) -> tuple[int, Any]:
        return 404, {"status": 404}

    with pytest.raises(examples.ExampleError, match="answered 404, not 200"):
        examples.record(get)


def api_routes(routes: list[Any]) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        included = getattr(route, "original_router", None)  # an included APIRouter
        if included is not None:
            yield from api_routes(included.routes)


def route_models(app) -> dict[tuple[str, str], Any]:
    """(operationId, status) → the model FastAPI documents for it."""
    models: dict[tuple[str, str], Any] = {}
    for route in api_routes(app.routes):
        models[(route.name, str(route.status_code or 200))] = route.response_model
        for status, extra in route.responses.items():
            if "model" in extra:
                models[(route.name, str(status))] = extra["model"]
    return models


def test_response_examples_fit_their_models():
    models = route_models(create_app())
    answers = examples.responses(examples.read())
    assert len(answers) == len(examples.REQUESTS)
    for key, example in answers.items():
        assert key in models, f"examples.json has {key}, which the API does not document"
        TypeAdapter(models[key]).validate_python(example)


def test_the_document_shows_the_recorded_examples():
    spec = create_app().openapi()
    answers = examples.responses(examples.read())
    ready = spec["paths"]["/readyz"]["get"]["responses"]
    assert ready["503"]["content"]["application/json"]["example"] == answers[("readyz", "503")]
    (cursor,) = [
        p for p in spec["paths"]["/v1/estimates"]["get"]["parameters"] if p["name"] == "cursor"
    ]
    assert cursor["schema"]["examples"] == [examples.parameters(examples.read())["cursor"]]


def test_the_cursor_example_opens_the_card_querys_second_page(client: TestClient):
    cursor = examples.parameters(examples.read())["cursor"]
    with generate.pinned_settings():  # signed with the built-in key
        r = client.get(f"/v1/estimates?{examples.CARD_QUERY}&limit=1&cursor={cursor}")
    assert r.status_code == 200 and r.json()["meta"]["count"] == 1


def test_the_docs_never_import_the_app_that_imports_them():
    code = (
        "import sys, app.docs, app.docs.generate, app.docs.__main__; "
        "assert 'app.main' not in sys.modules, 'app.docs imports app.main'"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
