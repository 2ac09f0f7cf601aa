"""GET /v1/series: one metric and one scope as chart points in time order, like with like
(totals or parts, totals or rates), dated figures only (both databases, on the seed data)."""

import pytest

from tests.api.seed_figures import IT_REVENUE, IT_WORKERS, ids
from tests.api.test_writes import assert_problem

WORKERS = "/v1/series?metric=workers_abroad&worldwide=true"
REVENUE = "/v1/series?metric=revenue_usd&worldwide=true"


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


def test_the_worldwide_worker_series_holds_no_part_by_default(client):
    points = client.get(WORKERS).json()["data"]
    assert "panel-2024-workers-abroad-2023" in {p["estimate_id"] for p in points}
    assert IT_WORKERS not in {p["estimate_id"] for p in points}
    assert {p["population"] for p in points} == {"all"}


def test_population_part_or_any_asks_for_the_parts(client):
    parts = client.get(f"{WORKERS}&population=part").json()["data"]
    it = next(p for p in parts if p["estimate_id"] == IT_WORKERS)
    assert it["population"] == "part" and it["population_note"] == "IT workers only"
    assert {p["population"] for p in parts} == {"part"}
    both = ids(client.get(f"{WORKERS}&population=any"))
    assert {IT_WORKERS, "panel-2024-workers-abroad-2023"} <= both


def test_a_sector_in_a_series_includes_its_parts_and_the_totals_that_mention_it(client):
    got = ids(client.get(f"{WORKERS}&sector=information_technology"))
    assert {IT_WORKERS, "panel-2024-workers-abroad-2023"} <= got
    assert ids(client.get(f"{WORKERS}&sector=information_technology&population=all")) == (
        got - {IT_WORKERS}
    )


def test_a_revenue_series_holds_totals_by_default_and_yearly_rates_with_per_year(client):
    totals = client.get(REVENUE).json()["data"]
    assert "upi-2020-revenue-2015" in {p["estimate_id"] for p in totals}
    assert {p["per"] for p in totals} == {None}
    rates = client.get(f"{REVENUE}&per=year&population=any").json()["data"]
    assert {IT_REVENUE, "panel-2024-revenue-2023"} <= {p["estimate_id"] for p in rates}
    assert {p["per"] for p in rates} == {"year"}
    # the yearly rate of everyone, without the IT workers' part
    assert ids(client.get(f"{REVENUE}&per=year")) == {"panel-2024-revenue-2023"}


def test_bad_population_or_per_is_a_400_naming_it(client):
    assert_problem(client.get(f"{WORKERS}&population=some"), 400, "population")
    assert_problem(client.get(f"{REVENUE}&per=week"), 400, "per")
    assert_problem(client.get("/v1/estimates?per=any"), 400, "per")


def test_a_series_counts_the_undated_figures_of_its_scope(client):
    r = client.get("/v1/series?metric=workers_abroad&country=RU")
    meta = r.json()["meta"]
    assert meta["undated"] == 1
    assert meta["undated_url"].split("?")[0].endswith("/v1/estimates")
    assert "us-government-workers-in-russia" in ids(client.get(meta["undated_url"]))


@pytest.mark.parametrize(
    "url",
    [
        "/v1/series?metric=workers_abroad&country=RU&undated=include",
        "/v1/series?metric=workers_abroad&country=RU&undated=only",
    ],
)
def test_views_of_dated_figures_refuse_undated_with_400(client, url):
    r = client.get(url)
    assert r.status_code == 400 and r.json()["parameter"] == "undated"
