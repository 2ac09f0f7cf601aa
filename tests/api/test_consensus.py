"""Consensus: per year, the independent claimants of one metric and exact scope, the range
their figures span and the interval they all allow (both databases)."""

from datetime import date

from tests.api.test_conflicts import figure

WORLD_2023 = "/v1/consensus?metric=workers_abroad&worldwide=true&period_from=2023&period_to=2023"


def years(client, url: str) -> list[dict]:
    r = client.get(url)
    assert r.status_code == 200, r.text
    return r.json()["data"]


def test_worldwide_workers_in_2023_name_their_independent_claimant(client):
    (year,) = years(client, WORLD_2023)
    assert (year["year"], year["claimants"]) == (2023, 1)
    assert [f["claimant"]["id"] for f in year["figures"]] == ["un-panel-of-experts"]
    assert year["agreed"] == {"low": 75000, "high": 125000}
    assert year["summary"] == (
        "In 2023, one independent source, UN Security Council Panel of Experts on North Korea "
        'sanctions, says "Around 100,000"; read loosely, that is 75,000 to 125,000.'
    )
    assert "interval" in year["method"]


def test_figures_of_several_sources_give_a_range_and_what_they_all_allow(client, session):
    figure(session, "zz-upi-110000", 110000, "about", "about 110,000", "upi", countries=())
    (year,) = years(client, WORLD_2023)
    assert year["claimants"] == 2
    assert year["range"] == {"low": 100000, "high": 110000}
    # "about 110,000" is read as 104,500 to 115,500 (5%); the Panel's as 75,000 to 125,000
    assert year["agreed"] == {"low": 104500, "high": 115500}
    assert year["summary"] == (
        "In 2023, 2 independent sources (UN Security Council Panel of Experts on North Korea "
        'sanctions; United Press International (UPI)) give figures from "Around 100,000" to '
        '"about 110,000"; read loosely, they all allow 104,500 to 115,500.'
    )


def test_figures_that_cannot_all_hold_agree_on_nothing_and_link_the_conflicts(client, session):
    figure(session, "zz-upi-300000", 300000, "exact", "300,000", "upi", countries=())
    (year,) = years(client, WORLD_2023)
    assert year["agreed"] is None
    assert "cannot all be true" in year["summary"]
    conflicts = client.get(year["conflicts_url"]).json()["data"]
    assert any("zz-upi-300000" in (c["a"]["id"], c["b"]["id"]) for c in conflicts)


def test_a_part_is_left_out_of_the_consensus_of_totals(client, session):
    figure(
        session,
        "zz-it-3000",
        3000,
        "about",
        "about 3,000 IT workers",
        "upi",
        countries=(),
        population="part",
        population_note="IT workers only",
    )
    (year,) = years(client, WORLD_2023)
    assert "zz-it-3000" not in [f["id"] for f in year["figures"]]
    (parts,) = years(client, WORLD_2023 + "&population=part")
    assert "zz-it-3000" in [f["id"] for f in parts["figures"]]
    assert {f["population"] for f in parts["figures"]} == {"part"}  # the Panel's IT figure too


def test_each_year_of_the_range_has_its_entry(client, session):
    figure(
        session,
        "zz-two-years",
        100000,
        "about",
        "about 100,000",
        "upi",
        countries=(),
        period_end=date(2024, 12, 31),
    )
    data = years(client, WORLD_2023.replace("period_to=2023", "period_to=2025"))
    assert [y["year"] for y in data] == [2023, 2024, 2025]
    assert [y["claimants"] for y in data] == [2, 1, 0]
    assert data[2]["summary"] == "No figure of this metric and scope covers 2025."


def test_a_consensus_never_mixes_parts_and_totals_and_counts_the_undated(client):
    r = client.get(WORLD_2023 + "&population=any")
    assert r.status_code == 400 and r.json()["parameter"] == "population"
    meta = client.get(WORLD_2023).json()["meta"]
    assert meta["undated"] == 1  # the US government's undated worldwide figure
    assert "us-government-workers-abroad" in {
        e["id"] for e in client.get(meta["undated_url"]).json()["data"]
    }


def test_a_consensus_needs_one_metric_and_a_scope(client):
    r = client.get("/v1/consensus?metric=workers_abroad")
    assert r.status_code == 400 and r.json()["parameter"] == "country"
    r = client.get("/v1/consensus?worldwide=true")
    assert r.status_code == 400 and r.json()["parameter"] == "metric"
