"""Hedges read as intervals by named rules (app.hedges), on every value, listed at
/v1/hedges; the stored low and high stay what the text says."""

import pytest

from app.enums import Qualifier, ValueKind
from app.hedges import interval, margin, rounding_unit


@pytest.mark.parametrize(
    ("x", "unit"), [(100000, 100000), (30000, 10000), (30100, 100), (1234, 1), (2.5, 0.1), (0, 1)]
)
def test_the_rounding_unit_is_the_place_of_the_last_nonzero_digit(x, unit):
    assert rounding_unit(x) == pytest.approx(unit)


def test_the_margin_of_about_follows_rounding_within_5_and_25_percent():
    assert margin(30000) == 5000  # half of 10,000
    assert margin(30100) == pytest.approx(1505)  # half of 100 is under 5%
    assert margin(100000) == 25000  # half of 100,000 is over 25%


def test_hedged_near_equal_figures_overlap_and_a_subset_does_not_reach_a_total():
    some = interval(ValueKind.point, Qualifier.about, 30000, 30000, "some 30,000")
    about = interval(ValueKind.point, Qualifier.about, 30100, 30100, "about 30,100")
    assert some["low"] <= about["high"] and about["low"] <= some["high"]
    it = interval(ValueKind.point, Qualifier.about, 3000, 3000, "about 3,000")
    total = interval(ValueKind.point, Qualifier.about, 110000, 110000, "about 110,000")
    assert it["high"] < total["low"]  # apart as numbers: only populations tell them apart


def test_every_value_carries_its_interval_and_a_rule_that_hedges_lists(client):
    rules = {r["id"]: r for r in client.get("/v1/hedges").json()["data"]}
    assert {"exact", "about", "nearly", "lower-bound", "upper-bound", "range", "wording"} <= set(
        rules
    )
    assert all(r["applies_to"] and r["interval"] and r["example"] for r in rules.values())
    items = client.get("/v1/estimates?limit=500").json()["data"]
    assert items and all(i["value"]["interval"]["rule"] in rules for i in items)


def test_the_panels_around_100000_reads_as_75000_to_125000_and_stays_stored_as_said(client):
    value = client.get("/v1/estimates/panel-2024-workers-abroad-2023").json()["value"]
    assert (value["low"], value["high"], value["text"]) == (100000, 100000, "Around 100,000")
    assert value["interval"] == {"low": 75000, "high": 125000, "rule": "about"}


def test_tens_of_thousands_is_read_by_its_wording(client):
    value = client.get("/v1/estimates/rfa-sources-2024-workers-in-russia-and-china").json()["value"]
    assert value["interval"] == {"low": 10000, "high": 99999, "rule": "wording"}


def test_series_points_and_csv_carry_the_interval(client):
    points = client.get("/v1/series?metric=workers_abroad&worldwide=true").json()["data"]
    assert points and all(p["interval"]["rule"] for p in points)
    csv = client.get("/v1/estimates.csv?metric=workers_abroad").text.splitlines()[0]
    assert "value_interval_low" in csv and "value_interval_rule" in csv


def test_a_share_of_more_than_half_reaches_at_most_100_percent(client):
    items = client.get("/v1/estimates?metric=workers_repatriated_share").json()["data"]
    over_half = next(i for i in items if i["value"]["kind"] == "lower_bound")
    assert over_half["value"]["interval"] == {"low": 50, "high": 100, "rule": "lower-bound"}
