"""The OpenAPI document reads like a guide: introduction, described tags, an example for every
parameter and response, problem+json errors that are what the API really answers, and
/docs and /redoc pages that load only this server's files."""

import re
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from app.config import get_settings
from app.docs.openapi import metric_ids
from app.enums import Qualifier
from app.errors import PROBLEM_MEDIA_TYPE, Problem
from app.main import create_app
from tests.conftest import SEED_DIR

CARD_QUERY = {
    "metric": ["workers_abroad"],
    "country": ["CN"],
    "period_from": "2019",
    "period_to": "2024",
}


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return create_app().openapi()


def operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            yield path, method, op


def param(spec: dict[str, Any], path: str, name: str) -> dict[str, Any]:
    (found,) = [p for p in spec["paths"][path]["get"]["parameters"] if p["name"] == name]
    return found


def test_introduction_says_what_the_data_is_where_it_comes_from_how_to_cite_and_its_licence(
    spec,
):
    intro = spec["info"]["description"]
    for heading in ("What the data is", "Where it comes from", "How to cite", "Licence"):
        assert f"## {heading}" in intro
    assert "metric=workers_abroad&country=CN&period_from=2019&period_to=2024" in intro
    assert "MIT" in intro and "copyright" in intro
    assert spec["info"]["license"]["identifier"] == "MIT"


def test_every_tag_in_use_is_listed_with_a_description(spec):
    described = {t["name"]: t.get("description") for t in spec["tags"]}
    used = {tag for _, _, op in operations(spec) for tag in op.get("tags", [])}
    assert used, "no operation has a tag"
    assert {t for t in used if not described.get(t)} == set()


def test_every_parameter_has_a_description_and_an_example(spec):
    missing = [
        f"{method} {path} {p['name']}"
        for path, method, op in operations(spec)
        for p in op.get("parameters", [])
        if not p.get("description") or not (p["schema"].get("examples") or "example" in p)
    ]
    assert missing == []


def test_array_parameters_give_their_examples_as_arrays(spec):
    metric = param(spec, "/v1/estimates", "metric")
    assert metric["schema"]["type"] == "array"
    assert metric["schema"]["examples"][0] == ["workers_abroad"]


def test_try_it_out_starts_with_the_card_query_and_nothing_else(spec):
    prefilled = {
        p["name"]: p["example"]
        for p in spec["paths"]["/v1/estimates"]["get"]["parameters"]
        if "example" in p
    }
    assert prefilled == CARD_QUERY


def test_path_examples_name_records_that_exist(spec, client: TestClient):
    """Try it out on a read by id works as it comes: the prefilled id is a real one. (A
    read that needs a key, the review queue's, answers 401 without one; the seed data has
    no candidates, and its tests read them.)"""
    tried = []
    for path, method, op in operations(spec):
        params = [p for p in op.get("parameters", []) if p["in"] == "path"]
        if method != "get" or not params or op.get("security"):
            continue
        url = path
        for p in params:
            url = url.replace("{" + p["name"] + "}", str(p["example"]))
        assert client.get(url).status_code == 200, url
        tried.append(op["operationId"])
    assert {"get_estimate", "get_document", "get_source", "get_country"} <= set(tried)


def test_the_card_query_answers_with_worker_counts_for_china(client: TestClient):
    r = client.get("/v1/estimates", params=CARD_QUERY)
    assert r.status_code == 200
    assert r.json()["data"]
    assert {e["metric"]["id"] for e in r.json()["data"]} == {"workers_abroad"}


def test_metric_parameter_lists_the_metrics_of_the_seed_data(spec):
    seed_ids = [m["id"] for m in yaml.safe_load((SEED_DIR / "metrics.yaml").read_text())]
    assert param(spec, "/v1/estimates", "metric")["schema"]["items"]["enum"] == seed_ids


def test_an_unknown_metric_is_still_refused_by_the_code(client: TestClient):
    r = client.get("/v1/estimates", params={"metric": "nope"})
    assert r.status_code == 400 and r.json()["parameter"] == "metric"


def test_sort_and_qualifier_list_their_values(spec):
    schemas = spec["components"]["schemas"]
    sort = param(spec, "/v1/estimates", "sort")["schema"]
    sort_values = schemas[sort["$ref"].rsplit("/", 1)[-1]]["enum"]
    assert "period_start" in sort_values and "-value" in sort_values
    qualifier = schemas["Value"]["properties"]["qualifier"]
    assert schemas[qualifier["$ref"].rsplit("/", 1)[-1]]["enum"] == [q.value for q in Qualifier]


def test_without_a_readable_metrics_file_the_document_still_builds(tmp_path, monkeypatch):
    assert metric_ids(tmp_path) == []
    (tmp_path / "metrics.yaml").write_text("- id: a\n- id: b\n")
    assert metric_ids(tmp_path) == ["a", "b"]
    (tmp_path / "metrics.yaml").unlink()
    monkeypatch.setenv("SEED_DIR", str(tmp_path))
    get_settings.cache_clear()
    try:
        spec = create_app().openapi()
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert "enum" not in param(spec, "/v1/estimates", "metric")["schema"]["items"]


def test_every_response_with_a_body_has_an_example(spec):
    missing = [
        f"{method} {path} {status} {media}"
        for path, method, op in operations(spec)
        for status, resp in op["responses"].items()
        for media, body in resp.get("content", {}).items()
        if "example" not in body and "examples" not in body
    ]
    assert missing == []


def test_client_errors_are_problem_json_with_a_valid_example(spec):
    checked = 0
    for path, method, op in operations(spec):
        for status, resp in op["responses"].items():
            if not status.startswith("4"):
                continue
            assert list(resp["content"]) == [PROBLEM_MEDIA_TYPE], f"{method} {path} {status}"
            body = resp["content"][PROBLEM_MEDIA_TYPE]
            assert body["schema"] == {"$ref": "#/components/schemas/Problem"}
            example = Problem.model_validate(body["example"])
            assert example.status == int(status), f"{method} {path} {status}"
            checked += 1
    assert checked > 0
    assert "HTTPValidationError" not in spec["components"]["schemas"]


def test_error_examples_are_what_the_api_answers(spec, client: TestClient):
    replayed = []
    for _path, method, op in operations(spec):
        for status, resp in op["responses"].items():
            example = resp.get("content", {}).get(PROBLEM_MEDIA_TYPE, {}).get("example")
            if method != "get" or not example or not example["instance"]:
                continue
            r = client.get(example["instance"])
            assert (r.status_code, r.json()) == (int(status), example), example["instance"]
            replayed.append(example["instance"])
    assert "/v1/estimates?period_from=2024-13" in replayed
    assert "/v1/estimates/no-such-estimate" in replayed


def test_docs_pages_load_only_files_this_server_serves(client: TestClient):
    for page in ("/docs", "/redoc"):
        r = client.get(page)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        urls = re.findall(r'(?:src|href)="([^"]+)"', r.text)
        assert urls and all(u.startswith("/") and not u.startswith("//") for u in urls), urls
        assert "googleapis" not in r.text and "cdn." not in r.text
        for url in urls:
            asset = client.get(url)
            assert asset.status_code == 200 and asset.content, url
    favicon = client.get("/favicon.ico")
    assert favicon.status_code == 200 and favicon.headers["content-type"] == "image/png"
    spec_url = re.search(r"url: '([^']+)'", client.get("/docs").text)
    assert spec_url and client.get(spec_url[1]).json()["openapi"].startswith("3.")
