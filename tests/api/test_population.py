"""Whole and part, totals and rates: what each figure counts, and series and conflicts that
compare like with like."""

import csv
import io
from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError

from tests.api.test_writes import DOCUMENT, ESTIMATE, SOURCE, assert_problem, bearer
from tests.api.test_writes import keys as keys  # the fixture
from tests.conftest import add_estimate

WORKERS = "/v1/series?metric=workers_abroad&worldwide=true"
REVENUE = "/v1/series?metric=revenue_usd&worldwide=true"
IT_WORKERS = "panel-2024-it-workers-abroad"
IT_REVENUE = "panel-2024-it-revenue-per-year"


def ids(r) -> set[str]:
    assert r.status_code == 200, r.text
    return {p.get("estimate_id") or p["id"] for p in r.json()["data"]}


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


def test_list_items_say_what_they_count_and_their_basis(client):
    items = {e["id"]: e for e in client.get("/v1/estimates?metric=revenue_usd").json()["data"]}
    assert items[IT_REVENUE]["value"]["per"] == "year"
    assert items[IT_REVENUE]["population"] == "part"
    assert "IT workers" in items[IT_REVENUE]["population_note"]
    total = items["upi-2020-revenue-2015"]
    assert total["value"]["per"] is None
    assert (total["population"], total["population_note"]) == ("all", None)
    detail = client.get(f"/v1/estimates/{IT_WORKERS}").json()
    assert (detail["population"], detail["population_note"]) == ("part", "IT workers only")
    assert detail["value"]["per"] is None


def test_lists_show_every_population_unless_asked(client):
    every = ids(client.get("/v1/estimates?metric=workers_abroad&limit=500"))
    parts = ids(client.get("/v1/estimates?metric=workers_abroad&population=part&limit=500"))
    wholes = ids(client.get("/v1/estimates?metric=workers_abroad&population=all&limit=500"))
    assert IT_WORKERS in every and parts == {IT_WORKERS}
    assert wholes == every - parts


def test_rates_are_asked_for_by_per_on_lists(client):
    rates = ids(client.get("/v1/estimates?metric=revenue_usd&per=year"))
    totals = ids(client.get("/v1/estimates?metric=revenue_usd&per=none"))
    assert {IT_REVENUE, "us-government-revenue"} <= rates
    assert "upi-2020-revenue-2015" in totals and not rates & totals


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


def _post_estimate(client, keys, **changes):
    for path, body in (("/v1/sources", SOURCE), ("/v1/documents", DOCUMENT)):
        assert client.post(path, json=body, headers=bearer(keys["editor"])).status_code == 201
    return client.post("/v1/estimates", json=ESTIMATE | changes, headers=bearer(keys["editor"]))


def test_a_part_without_a_note_is_422_naming_population_note(client, keys):
    r = _post_estimate(client, keys, population="part")
    assert_problem(r, 422, "population_note")
    assert "which part" in r.json()["detail"]


def test_a_note_on_a_total_is_422_naming_population_note(client, keys):
    assert_problem(_post_estimate(client, keys, population_note="men only"), 422, "population_note")


def test_a_part_and_a_rate_are_saved_and_read_back(client, keys):
    value = ESTIMATE["value"] | {"per": "year"}
    r = _post_estimate(
        client, keys, value=value, population="part", population_note="workers in logging only"
    )
    assert r.status_code == 201, r.text
    got = client.get(f"/v1/estimates/{ESTIMATE['id']}").json()
    assert got["value"]["per"] == "year"
    assert (got["population"], got["population_note"]) == ("part", "workers in logging only")


def test_a_patch_makes_a_part_whole_only_by_dropping_its_note(client, keys):
    r = _post_estimate(client, keys, population="part", population_note="IT workers only")
    url, etag = f"/v1/estimates/{ESTIMATE['id']}", r.headers["etag"]
    headers = bearer(keys["editor"]) | {"If-Match": etag}
    assert_problem(client.patch(url, json={"population": "all"}, headers=headers), 422)
    r = client.patch(url, json={"population": "all", "population_note": None}, headers=headers)
    assert r.status_code == 200, r.text
    assert (r.json()["population"], r.json()["population_note"]) == ("all", None)


def test_an_unknown_rate_basis_is_422_naming_value_per(client, keys):
    r = _post_estimate(client, keys, value=ESTIMATE["value"] | {"per": "week"})
    assert_problem(r, 422, "value.per")


def test_the_database_refuses_a_part_without_a_note(session):
    with pytest.raises(IntegrityError), session.begin_nested():
        add_estimate(session, "zz-part", population="part")


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


def _worldwide(session, id, low, high, claimant, **values):
    add_estimate(
        session,
        id,
        countries=(),
        value_kind="range",
        qualifier="range",
        low=low,
        high=high,
        claimant_id=claimant,
        period_start=date(2010, 1, 1),
        period_end=date(2010, 12, 31),
        **values,
    )


def test_a_part_never_conflicts_with_a_total(client, session):
    _worldwide(session, "zz-total", 90000, 100000, "reuters")
    _worldwide(session, "zz-it", 2000, 3000, "upi", population="part", population_note="IT only")
    _worldwide(session, "zz-other-total", 10000, 20000, "us-government")
    _worldwide(session, "zz-rate", 1, 2, "upi", per="year")
    r = client.get("/v1/conflicts?worldwide=true&metric=workers_abroad&limit=500")
    found = {frozenset((p["a"]["id"], p["b"]["id"])) for p in r.json()["data"]}
    assert frozenset(("zz-total", "zz-other-total")) in found
    assert not any("zz-it" in pair or "zz-rate" in pair for pair in found)


def test_the_audit_log_keeps_population_and_basis(client, keys):
    value = ESTIMATE["value"] | {"per": "month"}
    r = _post_estimate(client, keys, value=value, population="part", population_note="women only")
    assert r.status_code == 201, r.text
    after = client.get(f"/v1/estimates/{ESTIMATE['id']}/history").json()["data"][0]["after"]
    assert after["value"]["per"] == "month"
    assert (after["population"], after["population_note"]) == ("part", "women only")
