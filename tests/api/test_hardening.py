"""What an attacker or a careless editor found (issue 13), in process on both databases:
periods that overflow date arithmetic, HTTP caching of reads, the If-Match example, a
broken body without a key, and versions that move when only linked rows change."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from app.api.writes import EXAMPLE_ETAG
from app.models import Estimate
from tests.api.test_writes import DOCUMENT, ESTIMATE, assert_problem, bearer, create_all
from tests.api.test_writes import keys as keys
from tests.conftest import add_estimate

CARD = "/v1/estimates?metric=workers_abroad&country=CN&period_from=2019&period_to=2024"
PANEL = "/v1/estimates/panel-2024-workers-abroad-2023"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("start", "0001-01-01"),
        ("start", "1944-12-31"),
        ("end", f"{datetime.now(UTC).year + 6}-01-01"),
    ],
)
def test_a_period_outside_the_plausible_years_is_422_naming_the_field(client, keys, field, value):
    create_all(client, keys["editor"])
    period = {"start": "2021-01-01", "end": "2021-12-31", "precision": "year", "text": "in 2021"}
    body = ESTIMATE | {"id": "implausible", "period": period | {field: value}}
    if field == "start":
        body["period"]["end"] = "2021-12-31"
    r = client.post("/v1/estimates", json=body, headers=bearer(keys["editor"]))
    assert_problem(r, 422, f"period.{field}")
    assert "1945" in r.json()["detail"]
    assert client.get("/v1/estimates/implausible").status_code == 404


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31"])
def test_a_document_published_outside_the_plausible_years_is_422(client, keys, value):
    create_all(client, keys["editor"])
    body = DOCUMENT | {"id": "implausible-release", "published_on": value}
    r = client.post("/v1/documents", json=body, headers=bearer(keys["editor"]))
    assert_problem(r, 422, "published_on")


def test_a_body_error_has_the_type_of_the_apis_own_body_errors(client, keys):
    r = client.post("/v1/sources", json={"id": "x"}, headers=bearer(keys["editor"]))
    assert_problem(r, 422)
    assert r.json()["type"].endswith("/invalid-body") and r.json()["title"] == "Invalid body"
    query = client.get("/v1/estimates?limit=0")
    assert_problem(query, 400, "limit")
    assert query.json()["type"].endswith("/invalid-parameter")


def test_a_period_from_the_first_plausible_year_is_accepted(client, keys):
    create_all(client, keys["editor"])
    period = {"start": "1945-01-01", "end": "1945-12-31", "precision": "year", "text": "1945"}
    body = ESTIMATE | {"id": "early", "period": period}
    assert (
        client.post("/v1/estimates", json=body, headers=bearer(keys["editor"])).status_code == 201
    )


DATE_FILTERED_READS = [
    CARD,
    "/v1/estimates?period_from=2018",
    "/v1/estimates?period_from=0001",
    "/v1/estimates?period_from=0001-01-01&period_to=9999-12-31",
    "/v1/estimates?country=RU&period_from=2018&period_to=2018",
    "/v1/series?metric=workers_abroad&country=RU&period_from=2018",
    "/v1/conflicts?metric=workers_abroad&period_from=2018",
    "/v1/estimates.csv?period_from=2018",
    "/v1/series.csv?metric=workers_abroad&country=RU&period_from=2018",
]


@pytest.mark.parametrize("url", DATE_FILTERED_READS)
def test_a_stored_period_from_year_one_takes_no_read_down(client, session, url):
    # Stored before writes checked plausibility (or loaded from an old dump).
    add_estimate(
        session, "from-year-one", period_start=date(1, 1, 1), period_end=date(2024, 12, 31)
    )
    r = client.get(url)
    assert r.status_code == 200, r.text
    if "estimates?" in url and "period_from=2018" in url:
        assert "from-year-one" in r.text  # it overlaps 2018, so it is listed


def test_public_reads_are_revalidated_and_editors_reads_are_private(client, keys):
    r = client.get(PANEL)
    assert r.headers["cache-control"] == "public, no-cache"
    assert r.headers["vary"] == "Accept, Origin"  # each once
    etag = r.headers["etag"]
    again = client.get(PANEL, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.headers["cache-control"] == "public, no-cache"
    mine = client.get(PANEL, headers=bearer(keys["editor"]))
    assert mine.headers["cache-control"] == "private, no-cache"


def test_the_if_match_example_is_the_live_etag_of_its_estimate(client):
    live = client.get(PANEL).headers["etag"]
    assert live == EXAMPLE_ETAG, (
        f"the estimate changed: set EXAMPLE_ETAG (app/api/writes.py) to {live}"
    )
    spec = client.get("/openapi.json").json()
    params = spec["paths"]["/v1/estimates/{estimate_id}"]["patch"]["parameters"]
    header = next(p for p in params if p["name"].lower() == "if-match")
    assert header["schema"]["examples"] == [EXAMPLE_ETAG]


@pytest.mark.parametrize("body", [b"{not json", b"\xff\xfe", b""])
@pytest.mark.parametrize("authorization", [None, "Basic dTpw", "Bearer not-a-key"])
def test_a_write_without_a_usable_key_is_401_whatever_its_body(client, body, authorization):
    headers = {"Content-Type": "application/json"}
    if authorization:
        headers["Authorization"] = authorization
    r = client.post("/v1/sources", content=body, headers=headers)
    assert_problem(r, 401)
    assert "WWW-Authenticate" in r.headers


def test_a_change_of_linked_rows_alone_raises_the_version(client, keys, session):
    create_all(client, keys["editor"])
    url = f"/v1/estimates/{ESTIMATE['id']}"

    def version() -> int:
        session.expire_all()
        return session.scalar(select(Estimate.version).where(Estimate.id == ESTIMATE["id"]))

    before = version()
    etag = client.get(url).headers["etag"]
    r = client.patch(
        url, json={"sectors": ["construction"]}, headers=bearer(keys["editor"]) | {"If-Match": etag}
    )
    assert r.status_code == 200, r.text
    assert [s["id"] for s in r.json()["sectors"]] == ["construction"]
    assert version() == before + 1
    etag = r.headers["etag"]
    quote = {"document": "test-ministry-2021-release", "quote": "Nothing else."}
    cited = client.post(
        "/v1/citations", json=quote | {"estimate": ESTIMATE["id"]}, headers=bearer(keys["editor"])
    )
    assert cited.status_code == 201, cited.text
    assert version() == before + 2
    # the estimate's ETag moved with it: the old one no longer passes
    stale = client.patch(
        url, json={"notes": "x"}, headers=bearer(keys["editor"]) | {"If-Match": etag}
    )
    assert_problem(stale, 412)


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
