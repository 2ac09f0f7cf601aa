"""CSV and NDJSON exports of every list, series, conflicts, HTTP caching and CORS."""

import csv
import io
import json
from datetime import date

import pytest

from tests.conftest import add_estimate

CARD = "metric=workers_abroad&country=CN&period_from=2019&period_to=2024"


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_card_query_as_csv_by_format_parameter(client):
    page = client.get(f"/v1/estimates?{CARD}").json()["data"]
    r = client.get(f"/v1/estimates?{CARD}&format=csv")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    assert (
        'filename="estimates_metric-workers_abroad_country-CN' in r.headers["content-disposition"]
    )
    rows = read_csv(r.text)
    assert [row["id"] for row in rows] == [e["id"] for e in page]
    assert rows[0]["metric_id"] == "workers_abroad"
    assert "CN" in rows[0]["scope_countries"].split(";")
    assert rows[0]["citations"].startswith("[")
    assert r.text.startswith("id,") and "\r\n" in r.text


def test_csv_by_path_suffix_and_by_accept(client):
    by_suffix = client.get(f"/v1/estimates.csv?{CARD}").text
    by_accept = client.get(f"/v1/estimates?{CARD}", headers={"Accept": "text/csv"}).text
    by_param = client.get(f"/v1/estimates?{CARD}&format=csv").text
    assert by_suffix == by_accept == by_param


def test_ndjson_has_one_item_per_line(client):
    r = client.get(f"/v1/estimates?{CARD}", headers={"Accept": "application/x-ndjson"})
    assert r.headers["content-type"] == "application/x-ndjson"
    items = [json.loads(line) for line in r.text.splitlines()]
    assert [i["id"] for i in items] == [
        e["id"] for e in client.get(f"/v1/estimates?{CARD}").json()["data"]
    ]


def test_export_streams_every_row_not_one_page(client, session):
    rows = client.get("/v1/countries.csv").text
    assert (
        len(read_csv(rows))
        == client.get("/v1/countries?count=true&limit=1").json()["meta"]["total"]
    )
    assert (
        len(read_csv(client.get("/v1/estimates.csv").text))
        == client.get("/v1/estimates?count=true&limit=1").json()["meta"]["total"]
    )


@pytest.mark.parametrize("few", [2000, 10], ids=["listed", "common"])
def test_a_text_search_exports_every_match_across_pages(client, session, monkeypatch, few):
    """An export prepares its filters once (q='s matches included) for all its pages."""
    from app.queries import estimates as queries

    monkeypatch.setattr(queries, "FEW_MATCHES", few)
    for i in range(620):  # more than one export page (500 rows)
        add_estimate(session, f"quartzite-{i:03d}", quote=f"Quartzite mine {i}")
    session.flush()
    listed = []
    url = "/v1/estimates?q=QUARTZITE&limit=500"
    while url:
        page = client.get(url).json()
        listed += [e["id"] for e in page["data"]]
        url = page["meta"]["next"]
    # Last: an export closes the session, which the test's rows are not committed past.
    rows = read_csv(client.get("/v1/estimates.csv?q=QUARTZITE").text)
    assert [r["id"] for r in rows] == listed
    assert sorted(listed) == [f"quartzite-{i:03d}" for i in range(620)]


@pytest.mark.parametrize(
    "path",
    [
        "/v1/estimates",
        "/v1/countries",
        "/v1/sources",
        "/v1/documents",
        "/v1/metrics",
        "/v1/sectors",
        "/v1/changes",
        "/v1/conflicts",
    ],
)
def test_every_list_exports(client, path):
    for fmt in ("csv", "ndjson"):
        r = client.get(f"{path}?format={fmt}")
        assert r.status_code == 200, (path, fmt, r.text[:200])
        assert "attachment" in r.headers["content-disposition"]


def test_paging_parameters_are_refused_on_exports(client):
    r = client.get("/v1/estimates?format=csv&limit=5")
    assert r.status_code == 400 and r.json()["parameter"] == "limit"


def test_formula_cells_are_neutralised(client, session):
    add_estimate(
        session,
        "zz-formula",
        countries=(),
        quote="-2+3",
        value_text='=HYPERLINK("http://x")',
        period_text="+1",
        notes="@SUM(A1)",
    )
    rows = read_csv(client.get("/v1/estimates.csv?q=HYPERLINK").text)
    assert len(rows) == 1
    row = rows[0]
    assert row["value_text"].startswith("'=")
    assert row["period_text"] == "'+1"
    assert row["notes"] == "'@SUM(A1)"
    assert row["value_low"] == "1.0"


def test_series_is_one_point_per_estimate_in_time_order(client):
    r = client.get("/v1/series?metric=workers_abroad&worldwide=true")
    assert r.status_code == 200
    points = r.json()["data"]
    assert points
    assert [p["start"] for p in points] == sorted(p["start"] for p in points)
    ids = [p["estimate_id"] for p in points]
    assert len(ids) == len(set(ids))
    panel = next(p for p in points if p["estimate_id"] == "panel-2024-workers-abroad-2023")
    assert panel["citation_count"] >= 3 and panel["y"] == 100000
    assert panel["claimant"]["id"] == "un-panel-of-experts"


def test_series_for_russia_has_only_russia_scoped_figures(client):
    points = client.get("/v1/series?metric=workers_abroad&country=RU").json()["data"]
    assert points
    for p in points:
        detail = client.get(f"/v1/estimates/{p['estimate_id']}").json()
        assert [c["code"] for c in detail["scope"]["countries"]] == ["RU"]


def test_series_needs_one_metric_and_a_scope(client):
    assert client.get("/v1/series?worldwide=true").json()["parameter"] == "metric"
    assert client.get("/v1/series?metric=workers_abroad").json()["parameter"] == "country"


def _estimate(session, id, low, high, claimant, start="2018-01-01", end="2018-12-31"):
    add_estimate(
        session,
        id,
        value_kind="range",
        qualifier="range",
        low=low,
        high=high,
        claimant_id=claimant,
        period_start=date.fromisoformat(start),
        period_end=date.fromisoformat(end),
    )


def test_conflicts_pair_disagreeing_independent_estimates(client, session):
    _estimate(session, "zz-low", 1000, 2000, "reuters")
    _estimate(session, "zz-high", 50000, 60000, "us-government")
    _estimate(session, "zz-agrees", 1500, 55000, "upi")  # meets both
    _estimate(session, "zz-same-claimant", 5000, 6000, "reuters")
    _estimate(session, "zz-other-year", 90000, 95000, "upi", "2010-01-01", "2010-12-31")
    pairs = client.get("/v1/conflicts?country=RU&metric=workers_abroad&limit=500").json()["data"]
    found = {tuple(sorted((p["a"]["id"], p["b"]["id"]))) for p in pairs}
    assert ("zz-high", "zz-low") in found
    assert not any("zz-agrees" in pair or "zz-other-year" in pair for pair in found)
    assert ("zz-low", "zz-same-claimant") not in found
    pair = next(p for p in pairs if {p["a"]["id"], p["b"]["id"]} == {"zz-high", "zz-low"})
    assert pair["a"]["citations"][0]["quote"] and pair["b"]["citations"][0]["quote"]
    assert pair["scope"]["countries"][0]["code"] == "RU"


def test_repeating_a_get_with_its_etag_gives_304(client):
    for url in (
        f"/v1/estimates?{CARD}",
        "/v1/estimates/panel-2024-workers-abroad-2023",
        "/v1/metrics",
    ):
        first = client.get(url)
        etag = first.headers["etag"]
        assert "public" in first.headers["cache-control"]
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304, url
        assert again.content == b"" and again.headers["etag"] == etag


def test_etag_changes_when_the_data_changes(client, session):
    before = client.get("/v1/estimates?country=RU").headers["etag"]
    _estimate(session, "zz-new", 1, 2, "reuters")
    after = client.get("/v1/estimates?country=RU")
    assert after.headers["etag"] != before
    assert (
        client.get("/v1/estimates?country=RU", headers={"If-None-Match": before}).status_code == 200
    )


def test_head_answers_like_get_without_a_body(client):
    r = client.head("/v1/estimates/panel-2024-workers-abroad-2023")
    assert r.status_code == 200 and r.content == b""
    assert (
        r.headers["etag"]
        == client.get("/v1/estimates/panel-2024-workers-abroad-2023").headers["etag"]
    )


def test_cors_preflight_from_another_origin_succeeds(client):
    r = client.options(
        "/v1/estimates",
        headers={
            "Origin": "https://newsroom.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] in ("*", "https://newsroom.example")
    got = client.get("/v1/metrics", headers={"Origin": "https://newsroom.example"})
    assert got.headers["access-control-allow-origin"] in ("*", "https://newsroom.example")
    assert "ETag" in got.headers["access-control-expose-headers"]
