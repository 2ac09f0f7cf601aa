"""Figures with no known period are accounted for: a date range says how many it left out
and where they are, and can be asked to keep them (both databases, on the seed data)."""

import pytest

from tests.conftest import add_estimate

RUSSIA_2018 = "/v1/estimates?country=RU&period_from=2018&period_to=2018"
# The US government's "some 30,000 were in Russia" and RFA's 700 returned from China and
# Russia: about Russia, with no date in their texts.
UNDATED_RU = {
    "us-government-workers-in-russia",
    "rfa-related-workers-repatriated-from-china-and-russia-700",
}


def ids(r) -> set[str]:
    assert r.status_code == 200, r.text
    return {e["id"] for e in r.json()["data"]}


def test_a_date_range_says_how_many_undated_figures_it_left_out_and_lists_them(client):
    r = client.get(RUSSIA_2018)
    listed, meta = ids(r), r.json()["meta"]
    assert not listed & UNDATED_RU
    assert meta["undated"] == len(UNDATED_RU)
    them = client.get(meta["undated_url"])
    assert ids(them) == UNDATED_RU
    assert "period_from" not in meta["undated_url"]
    assert them.json()["meta"]["undated"] is None


def test_undated_include_keeps_them_beside_the_range(client):
    plain = ids(client.get(RUSSIA_2018))
    r = client.get(RUSSIA_2018 + "&undated=include")
    assert ids(r) == plain | UNDATED_RU
    assert r.json()["meta"]["undated"] is None


def test_without_a_date_range_nothing_is_left_out(client):
    r = client.get("/v1/estimates?country=RU")
    assert ids(r) >= UNDATED_RU
    assert r.json()["meta"]["undated"] is None and r.json()["meta"]["undated_url"] is None


def test_undated_counts_respect_every_other_filter(client, session):
    add_estimate(
        session,
        "undated-revenue-ru",
        metric_id="revenue_usd",
        unit="USD",
        period_start=None,
        period_end=None,
        period_precision="unknown",
        period_text="unknown",
    )
    workers = client.get(RUSSIA_2018 + "&metric=workers_abroad").json()["meta"]
    revenue = client.get(RUSSIA_2018 + "&metric=revenue_usd").json()["meta"]
    assert workers["undated"] == 1  # the US government's figure only
    assert revenue["undated"] == 1  # the one added here
    assert ids(client.get(revenue["undated_url"])) == {"undated-revenue-ru"}


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
        "/v1/conflicts?undated=only",
    ],
)
def test_views_of_dated_figures_refuse_undated_with_400(client, url):
    r = client.get(url)
    assert r.status_code == 400 and r.json()["parameter"] == "undated"


def test_an_export_says_what_it_left_out_in_headers(client):
    r = client.get("/v1/estimates.csv?country=RU&period_from=2018&period_to=2018")
    assert r.status_code == 200
    assert r.headers["x-undated-count"] == "2"
    assert 'rel="undated"' in r.headers["link"] and "undated=only" in r.headers["link"]
    whole = client.get("/v1/estimates.csv?country=RU")
    assert "x-undated-count" not in whole.headers


def test_an_unknown_undated_value_is_a_400_naming_it(client):
    r = client.get(RUSSIA_2018 + "&undated=sometimes")
    assert r.status_code == 400 and r.json()["parameter"] == "undated"


def test_conflicts_count_the_figures_they_never_compare(client):
    meta = client.get("/v1/conflicts?metric=workers_abroad").json()["meta"]
    assert meta["undated"] == 2  # the US government's figures for Russia and worldwide
    listed = ids(client.get(meta["undated_url"]))
    assert listed == {"us-government-workers-in-russia", "us-government-workers-abroad"}
