"""Write bodies carry the database's limits: too long for a column, NUL, lone surrogates and
numbers for dates are 422s naming the field, on SQLite as on PostgreSQL."""

import json

import pytest

from app import auth
from app.enums import Role
from tests.api.test_writes import DOCUMENT, ESTIMATE, SOURCE, assert_problem, bearer

# (collection, body, field as the problem names it, the column's limit)
LIMITED = [
    ("sources", SOURCE | {"id": "limit-source"}, "name", 300),
    ("documents", DOCUMENT | {"id": "limit-document"}, "un_symbol", 60),
    ("documents", DOCUMENT | {"id": "limit-document"}, "byline", 300),
    ("estimates", ESTIMATE | {"id": "limit-estimate"}, "value.unit", 30),
    ("estimates", ESTIMATE | {"id": "limit-estimate"}, "scope.place", 300),
    ("estimates", ESTIMATE | {"id": "limit-estimate"}, "citations.0.locator", 200),
]


def with_value(body: dict, field: str, value: object) -> dict:
    """A copy of `body` with the dotted `field` (e.g. citations.0.quote) set to `value`."""
    body = json.loads(json.dumps(body))
    *path, last = field.split(".")
    inner = body
    for step in path:
        inner = inner[int(step)] if isinstance(inner, list) else inner[step]
    inner[last] = value
    return body


def send(client, method: str, path: str, body: dict, key: str, **headers: str):
    """The body as ASCII JSON, so that a lone surrogate travels as its \\u escape."""
    return client.request(
        method,
        path,
        content=json.dumps(body),
        headers=bearer(key) | {"Content-Type": "application/json"} | headers,
    )


@pytest.fixture
def editor(client, session):
    """An editor's key, with the source and document that the test bodies refer to."""
    key = auth.create_key(session, "ed", Role.editor)
    session.flush()
    for path, body in (("/v1/sources", SOURCE), ("/v1/documents", DOCUMENT)):
        r = client.post(path, json=body, headers=bearer(key))
        assert r.status_code == 201, r.text
    return key


@pytest.mark.parametrize(("collection", "body", "field", "limit"), LIMITED)
def test_a_value_too_long_for_its_column_is_422_and_stores_nothing(
    client, editor, collection, body, field, limit
):
    too_long = with_value(body, field, "x" * (limit + 1))
    r = send(client, "POST", f"/v1/{collection}", too_long, editor)
    assert_problem(r, 422, field)
    assert f"at most {limit} characters" in r.json()["detail"]
    assert client.get(f"/v1/{collection}/{body['id']}").status_code == 404


@pytest.mark.parametrize(("collection", "body", "field", "limit"), LIMITED)
def test_a_value_exactly_at_its_column_limit_is_stored(
    client, editor, collection, body, field, limit
):
    r = send(client, "POST", f"/v1/{collection}", with_value(body, field, "x" * limit), editor)
    assert r.status_code == 201, r.text


def test_a_language_tag_longer_than_its_column_is_422(client, editor):
    body = DOCUMENT | {"id": "limit-document"}
    r = send(client, "POST", "/v1/documents", body | {"language": "en-abcdefgh"}, editor)
    assert_problem(r, 422, "language")
    ok = send(client, "POST", "/v1/documents", body | {"language": "en-abcdefg"}, editor)
    assert ok.status_code == 201, ok.text
    assert ok.json()["language"] == "en-abcdefg"


UNSTORABLE = [
    ("sources", SOURCE | {"id": "bad-source"}, "name"),
    ("sources", SOURCE | {"id": "bad-source"}, "description"),
    ("sources", SOURCE | {"id": "bad-source"}, "url"),
    ("documents", DOCUMENT | {"id": "bad-document"}, "full_text"),
    ("documents", DOCUMENT | {"id": "bad-document"}, "notes"),
    ("estimates", ESTIMATE | {"id": "bad-estimate"}, "value.text"),
    ("estimates", ESTIMATE | {"id": "bad-estimate"}, "citations.0.quote"),
]


@pytest.mark.parametrize(("text", "named"), [("a\x00b", "NUL"), ("a\ud800b", "lone surrogate")])
@pytest.mark.parametrize(("collection", "body", "field"), UNSTORABLE)
def test_nul_and_lone_surrogates_are_422_naming_the_field(
    client, editor, collection, body, field, text, named
):
    r = send(client, "POST", f"/v1/{collection}", with_value(body, field, text), editor)
    assert_problem(r, 422, field)
    assert named in r.json()["detail"]
    assert client.get(f"/v1/{collection}/{body['id']}").status_code == 404


def test_patches_and_new_citations_refuse_unstorable_text_too(client, editor):
    url = "/v1/sources/test-ministry"
    etag = client.get(url).headers["etag"]
    r = send(client, "PATCH", url, {"name": "a\x00"}, editor, **{"If-Match": etag})
    assert_problem(r, 422, "name")
    r = send(client, "POST", "/v1/estimates", ESTIMATE, editor)
    assert r.status_code == 201, r.text
    citation = {"estimate": ESTIMATE["id"], "document": DOCUMENT["id"], "quote": "Foo\ud800"}
    assert_problem(send(client, "POST", "/v1/citations", citation, editor), 422, "quote")


@pytest.mark.parametrize(
    ("collection", "body", "field"),
    [
        ("documents", DOCUMENT | {"id": "num-document"}, "published_on"),
        ("documents", DOCUMENT | {"id": "num-document"}, "coverage_start"),
        ("estimates", ESTIMATE | {"id": "num-estimate"}, "period.start"),
    ],
)
@pytest.mark.parametrize("value", [0, 20210101, "2021-01-01T00:00:00"])
def test_dates_are_only_iso_strings(client, editor, collection, body, field, value):
    r = send(client, "POST", f"/v1/{collection}", with_value(body, field, value), editor)
    assert_problem(r, 422, field)
    assert client.get(f"/v1/{collection}/{body['id']}").status_code == 404


def test_a_patch_refuses_a_number_for_a_date(client, editor):
    url = f"/v1/documents/{DOCUMENT['id']}"
    etag = client.get(url).headers["etag"]
    r = send(client, "PATCH", url, {"published_on": 0}, editor, **{"If-Match": etag})
    assert_problem(r, 422, "published_on")


def test_openapi_shows_the_column_limits(client):
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    assert schemas["SourceIn"]["properties"]["name"]["maxLength"] == 300
    assert schemas["ValueIn"]["properties"]["unit"]["maxLength"] == 30
    assert schemas["DocumentWrite"]["properties"]["language"]["maxLength"] == 10
    patch_name = schemas["SourcePatch"]["properties"]["name"]["anyOf"][0]
    assert patch_name["maxLength"] == 300
