"""CSV and NDJSON exports of every list (app.exports): every matching row, the same
filters as the list, cells flattened (populations, rates, relations) and neutralised, and
what a date range left out said in headers."""

import csv
import io
import json

import pytest

from tests.api.seed_figures import IT_REVENUE, PERMITS, REUTERS
from tests.conftest import add_estimate

CARD = "metric=workers_abroad&country=CN&period_from=2019&period_to=2024"
RUSSIA_2018 = "/v1/estimates?metric=workers_abroad&country=RU&period_from=2018&period_to=2018"
REVENUE = "/v1/series?metric=revenue_usd&worldwide=true"


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


def test_csv_has_the_population_and_basis_columns(client):
    text = client.get("/v1/estimates.csv?metric=revenue_usd").text
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(text))}
    it = rows[IT_REVENUE]
    assert (it["value_per"], it["population"]) == ("year", "part")
    assert "IT workers" in it["population_note"]
    assert (
        rows["upi-2020-revenue-2015"]["value_per"],
        rows["upi-2020-revenue-2015"]["population"],
    ) == (
        "",
        "all",
    )
    points = list(csv.DictReader(io.StringIO(client.get(f"{REVENUE}&per=year&format=csv").text)))
    assert points and {p["per"] for p in points} == {"year"}
    assert {"population", "population_note"} <= set(points[0])


def test_csv_says_which_rows_are_related_and_how(client):
    r = client.get(RUSSIA_2018 + "&related=true&format=csv")
    assert r.status_code == 200, r.text
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(r.text))}
    assert rows[PERMITS]["related_to_metric"] == "workers_abroad"
    assert rows[PERMITS]["related_to_relation"] == "proxy_of"
    assert rows[REUTERS]["related_to_metric"] == rows[REUTERS]["related_to_relation"] == ""


def test_metrics_csv_lists_relations_as_relation_and_id(client):
    r = client.get("/v1/metrics?format=csv")
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(r.text))}
    assert rows["work_permits_held"]["related"] == "proxy_of:workers_abroad"
    assert rows["workers_abroad"]["related"].split(";")[0] == "has_proxy:work_permits_held"
    assert rows["revenue_usd"]["related"] == ""


def test_an_export_says_what_it_left_out_in_headers(client):
    r = client.get("/v1/estimates.csv?country=RU&period_from=2018&period_to=2018")
    assert r.status_code == 200
    assert r.headers["x-undated-count"] == "2"
    assert 'rel="undated"' in r.headers["link"] and "undated=only" in r.headers["link"]
    whole = client.get("/v1/estimates.csv?country=RU")
    assert "x-undated-count" not in whole.headers
