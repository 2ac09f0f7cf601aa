"""Related measures: /v1/metrics says how metrics relate, and a list asked for `related=true`
holds the estimates of related metrics beside those asked, each marked (both databases, on
the seed data)."""

import csv
import io

RUSSIA_2018 = "/v1/estimates?metric=workers_abroad&country=RU&period_from=2018&period_to=2018"
PERMITS = "russia-2019-work-permits-2018"  # Russia's own "decreased from 30,023 to 11,490"
REUTERS = "reuters-2019-workers-in-russia-2018"  # Reuters' "some 30,000" of it
US_UNDATED = "us-government-workers-in-russia"  # the US government's undated "some 30,000"


def by_id(r) -> dict[str, dict]:
    assert r.status_code == 200, r.text
    return {e["id"]: e for e in r.json()["data"]}


def metrics(client) -> dict[str, dict]:
    return by_id(client.get("/v1/metrics?limit=500"))


def test_metrics_show_their_own_relations_with_a_note(client):
    permits = metrics(client)["work_permits_held"]
    (rel,) = permits["related"]
    assert rel["metric"] == {"id": "workers_abroad", "name": "North Korean workers abroad"}
    assert rel["relation"] == "proxy_of"
    assert "30,023 permits as some 30,000 workers" in rel["note"]


def test_metrics_show_the_relations_others_have_to_them_marked_as_such(client):
    abroad = metrics(client)["workers_abroad"]
    assert [(r["metric"]["id"], r["relation"]) for r in abroad["related"]] == [
        ("work_permits_held", "has_proxy"),
        ("workers_dispatched", "has_inflow"),
        ("workers_repatriated", "has_outflow"),
        ("workers_to_be_replaced", "has_part"),
    ]
    assert all(r["note"] for r in abroad["related"])


def test_a_metric_with_no_relations_has_an_empty_list(client):
    assert metrics(client)["revenue_usd"]["related"] == []


def test_related_true_shows_russias_permit_count_beside_reuters_rounding_of_it(client):
    items = by_id(client.get(RUSSIA_2018 + "&related=true"))
    assert PERMITS in items and REUTERS in items
    assert items[PERMITS]["metric"]["id"] == "work_permits_held"
    assert items[PERMITS]["related_to"] == {"metric": "workers_abroad", "relation": "proxy_of"}
    assert items[REUTERS]["related_to"] is None


def test_related_true_with_undated_include_adds_the_us_governments_figure(client):
    items = by_id(client.get(RUSSIA_2018 + "&related=true&undated=include"))
    assert {PERMITS, REUTERS, US_UNDATED} <= set(items)
    assert items[US_UNDATED]["related_to"] is None


def test_without_related_the_permit_count_is_not_listed(client):
    items = by_id(client.get(RUSSIA_2018))
    assert REUTERS in items and PERMITS not in items
    assert all(i["related_to"] is None for i in items.values())
    assert PERMITS not in by_id(client.get(RUSSIA_2018 + "&related=false"))


def test_related_true_does_not_add_flows_into_or_out_of_the_stock(client):
    items = by_id(client.get("/v1/estimates?metric=workers_abroad&related=true&limit=500"))
    assert {i["metric"]["id"] for i in items.values()} <= {
        "workers_abroad",
        "work_permits_held",
        "workers_to_be_replaced",
    }
    flows = by_id(client.get("/v1/estimates?metric=workers_dispatched&limit=500"))
    assert flows and not set(flows) & set(items)


def test_related_true_reads_a_proxy_from_the_other_end(client):
    items = by_id(
        client.get(RUSSIA_2018.replace("workers_abroad", "work_permits_held") + "&related=true")
    )
    assert items[PERMITS]["related_to"] is None
    assert items[REUTERS]["related_to"] == {"metric": "work_permits_held", "relation": "has_proxy"}


def test_a_metric_asked_for_is_never_marked_related(client):
    url = RUSSIA_2018 + "&metric=work_permits_held&related=true"
    items = by_id(client.get(url))
    assert items[PERMITS]["related_to"] is None and items[REUTERS]["related_to"] is None


def test_related_true_without_a_metric_is_a_400_naming_related(client):
    r = client.get("/v1/estimates?country=RU&related=true")
    assert r.status_code == 400
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["parameter"] == "related"
    assert "metric" in r.json()["detail"]


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
