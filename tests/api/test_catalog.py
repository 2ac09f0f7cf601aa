"""Countries, sources, documents, metrics (with how they relate), sectors."""

import pycountry

from tests.api.seed_figures import by_id


def test_countries_are_all_of_iso_3166_with_counts(client):
    r = client.get("/v1/countries?limit=500&count=true")
    body = r.json()
    assert body["meta"]["total"] == len(pycountry.countries)
    cn = next(c for c in body["data"] if c["code"] == "CN")
    assert cn["alpha3"] == "CHN" and cn["estimate_count"] > 0


def test_countries_page_with_next_links(client):
    first = client.get("/v1/countries?limit=100").json()
    second = client.get(first["meta"]["next"]).json()
    codes = [c["code"] for c in first["data"] + second["data"]]
    assert codes == sorted(codes) and len(set(codes)) == 200


def test_country_by_alpha3_any_case(client):
    r = client.get("/v1/countries/rus")
    assert r.status_code == 200 and r.json()["code"] == "RU"


def test_has_estimates_filters_countries(client):
    items = client.get("/v1/countries?has_estimates=true&limit=500").json()["data"]
    assert {"CN", "RU"} <= {c["code"] for c in items}
    assert all(c["estimate_count"] > 0 for c in items)


def test_sources_with_counts_and_detail(client):
    items = client.get("/v1/sources?limit=500").json()["data"]
    panel = next(s for s in items if s["id"] == "un-panel-of-experts")
    assert panel["estimate_count"] >= 5
    detail = client.get("/v1/sources/un-panel-of-experts").json()
    assert detail["documents"] and detail["estimate_count"] == panel["estimate_count"]


def test_document_detail_links_estimates_citations_and_cited_documents(client):
    docs = client.get("/v1/documents?kind=news_article&limit=500").json()["data"]
    with_text = [d for d in docs if d["has_full_text"]]
    assert len(with_text) == 5
    for d in with_text:
        body = client.get(f"/v1/documents/{d['id']}").json()
        assert body["full_text"]
        assert body["cites"], d["id"]
        for c in body["citations"]:
            assert c["quote"] in body["full_text"]
    report = client.get("/v1/estimates/panel-2024-workers-abroad-2023").json()
    origin = client.get(f"/v1/documents/{report['origin_document']['id']}").json()
    assert "panel-2024-workers-abroad-2023" in [e["id"] for e in origin["estimates"]]
    assert len(origin["cited_by"]) >= 3


def test_documents_filter_by_publisher(client):
    items = client.get("/v1/documents?publisher=radio-free-asia&limit=500").json()["data"]
    assert items and all(d["publisher"]["id"] == "radio-free-asia" for d in items)


def test_metrics_and_sectors_vocabularies(client):
    metrics = client.get("/v1/metrics?limit=500").json()["data"]
    ids = {m["id"] for m in metrics}
    assert {"workers_abroad", "revenue_usd"} <= ids
    assert all(m["unit"] and m["kind"] in ("stock", "flow") for m in metrics)
    sectors = {s["id"] for s in client.get("/v1/sectors?limit=500").json()["data"]}
    assert "construction" in sectors


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
