"""Errors (app.errors): bad input is a 4xx problem+json naming the parameter, never a 500
or a silent ignore; a body's errors and a parameter's have types of their own; which
database errors are an outage (503) and which stay a 500."""

import pytest

from app.main import create_app
from tests.api.test_writes import assert_problem, bearer
from tests.api.test_writes import keys as keys  # the fixture

BAD_QUERIES = [
    ("/v1/estimates?foo=1", "foo"),
    ("/v1/estimates?period_from=2024-13-01", "period_from"),
    ("/v1/estimates?period_from=2024-02-30", "period_from"),
    ("/v1/estimates?period_to=99999", "period_to"),
    ("/v1/estimates?period_from=2024-13", "period_from"),
    ("/v1/estimates?period_from=2024&period_to=2019", "period_from"),
    ("/v1/estimates?country=ZZ", "country"),
    ("/v1/estimates?country=", "country"),
    ("/v1/estimates?metric=nope", "metric"),
    ("/v1/estimates?sector=nope", "sector"),
    ("/v1/estimates?claimant=nope", "claimant"),
    ("/v1/estimates?document=nope", "document"),
    ("/v1/estimates?limit=0", "limit"),
    ("/v1/estimates?limit=501", "limit"),
    ("/v1/estimates?limit=-1", "limit"),
    ("/v1/estimates?limit=abc", "limit"),
    ("/v1/estimates?limit=99999999999999999999999", "limit"),
    ("/v1/estimates?limit=1&limit=2", "limit"),
    ("/v1/estimates?cursor=abc", "cursor"),
    ("/v1/estimates?cursor=WyJpZCIsbnVsbCwiYSJd", "cursor"),  # a cursor of another sort
    ("/v1/estimates?sort=bogus", "sort"),
    ("/v1/estimates?match=inside", "match"),
    ("/v1/estimates?worldwide=maybe", "worldwide"),
    ("/v1/estimates?min_value=nan", "min_value"),
    ("/v1/estimates?min_value=5&max_value=1", "min_value"),
    ("/v1/estimates?q=", "q"),
    ("/v1/estimates?q=%00", "q"),
    ("/v1/estimates?q=" + "x" * 600, "q"),
    ("/v1/estimates?count=perhaps", "count"),
    ("/v1/countries?has_estimates=2", "has_estimates"),
    ("/v1/countries/XX", "code"),
    ("/v1/documents?kind=book", "kind"),
    ("/v1/documents?publisher=nobody", "publisher"),
    ("/v1/metrics?page=2", "page"),
    ("/v1/sectors?cursor=%%%", "cursor"),
    # valid times whose UTC equivalents fall outside the years 1 to 9999
    ("/v1/changes?since=9999-12-31T23:59:59-23:59", "since"),
    ("/v1/changes?since=0001-01-01T00:00:00%2B23:59", "since"),
]


@pytest.mark.parametrize(("url", "param"), BAD_QUERIES)
def test_bad_query_is_400_problem_naming_the_parameter(client, url, param):
    r = client.get(url)
    assert r.status_code == 400, r.text
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["status"] == 400
    assert body["parameter"] == param
    assert body["invalid_params"][0]["reason"]
    assert param in body["detail"]


SQL_INJECTIONS = ["' OR 1=1 --", "'; DROP TABLE estimate; --", '" OR ""="', "%' UNION SELECT 1 --"]


@pytest.mark.parametrize("payload", SQL_INJECTIONS)
@pytest.mark.parametrize("param", ["metric", "country", "sector", "claimant", "document", "q"])
def test_sql_injection_strings_are_plain_values(client, param, payload):
    r = client.get("/v1/estimates", params={param: payload})
    assert r.status_code in (200, 400)
    if r.status_code == 200:
        assert r.json()["data"] == []
    assert client.get("/v1/estimates?limit=1").status_code == 200


def test_unknown_route_and_method_are_problems(client):
    r = client.get("/v1/nothing")
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/problem+json"
    r = client.put("/v1/estimates")
    assert r.status_code == 405
    assert r.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    "url",
    ["/v1/estimates/nope", "/v1/sources/nope", "/v1/documents/nope"],
)
def test_missing_resources_are_404_problems(client, url):
    r = client.get(url)
    assert r.status_code == 404
    body = r.json()
    assert body["title"] == "Not found" and "nope" in body["detail"]


def test_every_documented_error_uses_the_problem_schema():
    spec = create_app().openapi()
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            for status, resp in op["responses"].items():
                if status.startswith(("4", "5")) and status != "503":
                    content = resp["content"]
                    assert "application/problem+json" in content, (path, method, status)


def test_a_body_error_has_the_type_of_the_apis_own_body_errors(client, keys):
    r = client.post("/v1/sources", json={"id": "x"}, headers=bearer(keys["editor"]))
    assert_problem(r, 422)
    assert r.json()["type"].endswith("/invalid-body") and r.json()["title"] == "Invalid body"
    query = client.get("/v1/estimates?limit=0")
    assert_problem(query, 400, "limit")
    assert query.json()["type"].endswith("/invalid-parameter")


def _sqlite_error(tmp_path, sql: str, read_only: bool = False):
    import sqlite3

    from sqlalchemy.exc import OperationalError

    path = tmp_path / "x.sqlite3"
    sqlite3.connect(path).execute("CREATE TABLE IF NOT EXISTS t (x)").connection.commit()
    conn = sqlite3.connect(f"file:{path}?mode=ro" if read_only else path, uri=read_only)
    try:
        conn.execute(sql)
    except sqlite3.OperationalError as exc:
        return OperationalError(sql, {}, exc)
    raise AssertionError("no error")


def test_a_read_only_sqlite_is_a_503_but_a_bad_statement_stays_a_500(tmp_path):
    from app.errors import DatabaseUnavailable, database_error

    read_only = _sqlite_error(tmp_path, "INSERT INTO t VALUES (1)", read_only=True)
    assert isinstance(database_error(read_only), DatabaseUnavailable)
    assert database_error(_sqlite_error(tmp_path, "SELECT nosuch FROM t")) is None
