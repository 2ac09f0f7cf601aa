"""GET /v1/estimates and /v1/estimates/{id}: filters, sorts and paging; figures with no
known period (a date range says how many it left out and where they are, and can keep
them); `related=true` (the estimates of related metrics beside those asked, each marked);
what each figure counts, a total or a part, a count or a rate (both databases)."""

from datetime import date
from urllib.parse import urlencode

import pytest
import yaml

from app.enums import EstimateStatus
from app.filters import EstimateFilters, EstimateSort
from app.pagination import keyset_statements
from app.queries import estimates as queries
from tests.api.seed_figures import (
    IT_REVENUE,
    IT_WORKERS,
    PERMITS,
    REUTERS,
    UNDATED_RU,
    US_UNDATED,
    by_id,
    ids,
)
from tests.conftest import SEED_DIR, add_estimate

CARD = "/v1/estimates?metric=workers_abroad&country=CN&period_from=2019&period_to=2024"
RUSSIA_2018 = "/v1/estimates?country=RU&period_from=2018&period_to=2018"
WORKERS_RUSSIA_2018 = RUSSIA_2018.replace("?", "?metric=workers_abroad&")


def seed_estimates() -> list[dict]:
    return yaml.safe_load((SEED_DIR / "estimates.yaml").read_text(encoding="utf-8"))


def all_pages(client, url: str) -> list[dict]:
    items: list[dict] = []
    while url:
        r = client.get(url)
        assert r.status_code == 200, r.text
        body = r.json()
        items += body["data"]
        url = body["meta"]["next"]
    return items


def test_card_query_returns_china_worker_counts_with_sources(client):
    r = client.get(CARD)
    assert r.status_code == 200
    data = r.json()["data"]
    assert data, "the card's query found nothing"
    for item in data:
        assert item["metric"]["id"] == "workers_abroad"
        assert "CN" in [c["code"] for c in item["scope"]["countries"]]
        start, end = item["period"]["start"], item["period"]["end"]
        assert start <= "2024-12-31" and end >= "2019-01-01"
        assert item["claimant"]["name"] and item["origin_document"]["title"]
        assert item["citation_count"] >= 1
    detail = client.get(f"/v1/estimates/{data[0]['id']}").json()
    assert detail["citations"][0]["quote"]


def test_card_query_accepts_alpha3_and_any_case(client):
    a = client.get(CARD).json()["data"]
    b = client.get(CARD.replace("country=CN", "country=chn")).json()["data"]
    assert [x["id"] for x in a] == [x["id"] for x in b]


def test_every_seed_figure_is_findable_with_a_verbatim_quote(client):
    listed = {e["id"]: e for e in all_pages(client, "/v1/estimates?limit=7")}
    texts: dict[str, str | None] = {}
    for record in seed_estimates():
        assert record["id"] in listed
        detail = client.get(f"/v1/estimates/{record['id']}").json()
        assert len(detail["citations"]) == len(record["citations"])
        for cit in detail["citations"]:
            doc_id = cit["document"]["id"]
            if doc_id not in texts:
                texts[doc_id] = client.get(f"/v1/documents/{doc_id}").json()["full_text"]
            if texts[doc_id] is not None:
                assert cit["quote"] in texts[doc_id]


def test_panel_figure_is_one_estimate_with_several_citations(client):
    r = client.get(
        "/v1/estimates?metric=workers_abroad&worldwide=true&claimant=un-panel-of-experts"
    )
    items = r.json()["data"]
    about_100k = [i for i in items if i["value"]["low"] == 100000 and i["value"]["high"] == 100000]
    assert len(about_100k) == 1
    assert about_100k[0]["citation_count"] >= 3


def test_russia_permits_are_a_change_not_a_range(client):
    items = all_pages(client, "/v1/estimates?country=RU&limit=100")
    changes = [i for i in items if i["value"]["kind"] == "change"]
    assert any(
        c["value"]["from_value"] == 30023 and c["value"]["to_value"] == 11490 for c in changes
    )


def test_estimate_detail_has_every_citation_and_quote(client):
    some = client.get("/v1/estimates?limit=1").json()["data"][0]
    r = client.get(f"/v1/estimates/{some['id']}")
    assert r.status_code == 200
    body = r.json()
    assert len(body["citations"]) == body["citation_count"]
    assert all(c["quote"] and c["document"]["id"] for c in body["citations"])


def test_unknown_estimate_is_404_problem(client):
    r = client.get("/v1/estimates/no-such-estimate")
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/problem+json"


def test_within_is_stricter_than_overlap(client):
    base = "/v1/estimates?period_from=2023&period_to=2023&limit=500"
    overlap = {i["id"] for i in client.get(base).json()["data"]}
    within = {i["id"] for i in client.get(base + "&match=within").json()["data"]}
    assert within <= overlap
    for i in client.get(base + "&match=within").json()["data"]:
        assert "2023-01-01" <= i["period"]["start"] <= i["period"]["end"] <= "2023-12-31"


def test_repeated_metric_values_combine_with_or(client):
    one = client.get("/v1/estimates?metric=workers_abroad&limit=500").json()["data"]
    two = client.get("/v1/estimates?metric=workers_abroad&metric=revenue_usd&limit=500").json()
    assert len(two["data"]) > len(one)
    assert {i["metric"]["id"] for i in two["data"]} == {"workers_abroad", "revenue_usd"}


def test_min_and_max_value_filter_by_reachable_value(client):
    items = client.get("/v1/estimates?min_value=1000000&limit=500").json()["data"]
    assert items
    assert all(i["value"]["high"] is None or i["value"]["high"] >= 1000000 for i in items)
    small = client.get("/v1/estimates?max_value=1000&limit=500").json()["data"]
    assert all(i["value"]["low"] is None or i["value"]["low"] <= 1000 for i in small)


def test_q_searches_quotes_case_insensitively(client):
    items = client.get("/v1/estimates?q=hunchun").json()["data"]
    assert items
    assert any("Hunchun" in (i["scope"]["place"] or "") for i in items)


def _text_of(client, item) -> str:
    detail = client.get(f"/v1/estimates/{item['id']}").json()
    quotes = " ".join(c["quote"] for c in detail["citations"])
    return f"{detail['notes'] or ''} {detail['value']['text']} {quotes}"


@pytest.mark.parametrize("q", ["%", "_", "/", "%_"])
def test_q_wildcards_match_themselves(client, q):
    r = client.get("/v1/estimates", params={"q": q, "limit": 500})
    assert r.status_code == 200, r.text
    texts = [_text_of(client, i) for i in r.json()["data"]]
    assert all(q in t for t in texts)
    everything = client.get("/v1/estimates", params={"limit": 500}).json()["data"]
    assert len(texts) < len(everything)
    if q == "%":
        assert texts  # the seed quotes percentages


@pytest.mark.parametrize("few", [2000, 0], ids=["listed", "common"])
@pytest.mark.parametrize(
    "q", ["hunchun", "WORKERS ABROAD", "Valid Work", '"with valid', "0%", "~100,000", "zqxj"]
)
def test_q_finds_exactly_the_estimates_whose_texts_contain_it(client, q, few, monkeypatch):
    """Matches are listed when few (SQLite reads three characters or more off its
    full-text index, PostgreSQL off trigram indexes) and tested estimate by estimate in
    list order when common; the answer must be what reading every text would give."""
    monkeypatch.setattr(queries, "FEW_MATCHES", few)
    everything = all_pages(client, "/v1/estimates?status=active&status=superseded&limit=500")
    expected = {i["id"] for i in everything if q.lower() in _text_of(client, i).lower()}
    found = all_pages(
        client,
        "/v1/estimates?"
        + urlencode({"q": q, "limit": 7, "status": ["active", "superseded"]}, doseq=True),
    )
    assert sorted(i["id"] for i in found) == sorted(expected)
    assert expected or q == "zqxj"


@pytest.mark.parametrize(
    ("filters", "reads"),
    [
        # q's few matches, read off the full-text index, are looked up by primary key
        (EstimateFilters(q="hunchun"), "SEARCH estimate USING INDEX sqlite_autoindex_estimate_1"),
        (EstimateFilters(status=[EstimateStatus.retracted]), "ix_estimate_status_not_active"),
        (EstimateFilters(claimant=["un-panel-of-experts"]), "ix_estimate_claimant_period"),
        # an overlap without a metric checks each period's end in the index
        (
            EstimateFilters(period_from=date(2019, 1, 1), period_to=date(2024, 12, 31)),
            "ix_estimate_period_start_id_end (period_start>? AND period_start<?)",
        ),
    ],
)
def test_filters_read_their_indexes_on_sqlite(session, filters, reads):
    """The plans a list's page query gets on the seed database (no ANALYZE, as a user's)."""
    from sqlalchemy import text

    if session.bind.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's planner scans tables as small as the seed's")
    stmt, key = queries.ordered(queries.prepare(session, filters), EstimateSort.period_start)
    page = (
        keyset_statements(stmt, key, None)[0]
        .limit(51)
        .with_only_columns(*queries.page_columns(key))
    )
    sql = page.compile(dialect=session.bind.dialect, compile_kwargs={"literal_binds": True})
    plan = " | ".join(row[3] for row in session.execute(text(f"EXPLAIN QUERY PLAN {sql}")))
    assert reads in plan and "SCAN" not in plan, plan


def test_sector_claimant_and_document_filters(client):
    it = client.get("/v1/estimates?sector=information_technology").json()["data"]
    assert it and all("information_technology" in [s["id"] for s in i["sectors"]] for i in it)
    panel = client.get("/v1/estimates?claimant=un-panel-of-experts").json()["data"]
    assert panel and all(i["claimant"]["id"] == "un-panel-of-experts" for i in panel)
    doc = panel[0]["origin_document"]["id"]
    by_doc = client.get(f"/v1/estimates?document={doc}&limit=500").json()["data"]
    assert panel[0]["id"] in [i["id"] for i in by_doc]


def test_sorts_order_results(client):
    asc = client.get("/v1/estimates?sort=period_start&limit=500").json()["data"]
    starts = [i["period"]["start"] for i in asc if i["period"]["start"]]
    assert starts == sorted(starts)
    assert all(i["period"]["start"] for i in asc[: len(starts)])  # unknown periods come last
    desc = client.get("/v1/estimates?sort=-value&limit=500").json()["data"]
    lows = [i["value"]["low"] for i in desc if i["value"]["low"] is not None]
    assert lows == sorted(lows, reverse=True)


def test_every_sort_pages_through_everything_once(client):
    everything = {i["id"] for i in client.get("/v1/estimates?limit=500").json()["data"]}
    for sort in [
        "period_start",
        "-period_start",
        "period_end",
        "-period_end",
        "value",
        "-value",
        "id",
        "-id",
    ]:
        ids = [i["id"] for i in all_pages(client, f"/v1/estimates?sort={sort}&limit=4")]
        assert len(ids) == len(set(ids)) and set(ids) == everything, sort


def test_count_is_opt_in_and_exact(client):
    r = client.get("/v1/estimates?limit=2").json()
    assert r["meta"]["total"] is None
    r = client.get("/v1/estimates?limit=2&count=true").json()
    assert r["meta"]["total"] == len(all_pages(client, "/v1/estimates?limit=500"))


def test_cursor_is_stable_under_inserts(client, session):
    first = client.get("/v1/estimates?limit=5").json()
    seen = [i["id"] for i in first["data"]]
    # a row that sorts before the cursor must not shift the next page
    add_estimate(
        session, "aaa-inserted", period_start=date(1990, 1, 1), period_end=date(1990, 1, 1)
    )
    rest = all_pages(client, first["meta"]["next"])
    ids = seen + [i["id"] for i in rest]
    assert "aaa-inserted" not in ids
    assert len(ids) == len(set(ids))


def test_list_runs_a_fixed_number_of_statements(client, session, count_statements):
    metric = "workers_abroad"
    for n in range(120):
        add_estimate(
            session,
            f"zz-bulk-{n:03}",
            countries=("CN",),
            quote=None,
            low=n,
            high=n,
            period_start=date(2020, 1, 1),
            period_end=date(2020, 12, 31),
        )
    counts = []
    for limit in (1, 10, 100):
        with count_statements() as counter:
            r = client.get(f"/v1/estimates?metric={metric}&country=CN&limit={limit}")
        assert r.status_code == 200 and len(r.json()["data"]) == limit
        counts.append(len(counter.statements))
    assert counts[0] == counts[1] == counts[2], counts
    assert 1 <= counts[0] <= 6


@pytest.mark.parametrize(
    "url",
    [
        "/v1/estimates?metric=workers_abroad&country=CN&period_from=2019&period_to=2024",
        "/v1/estimates?country=CN&country=RU&sort=-value",
        "/v1/estimates/panel-2024-workers-abroad-2023",
        "/v1/countries",
        "/v1/sources",
        "/v1/documents",
        "/v1/documents/rfa-2024-north-koreans-worked-overseas-in-2023",
    ],
)
def test_a_repeated_request_compiles_no_sql(client, count_statements, url):
    """The SQL of a request shape is compiled once, then taken from SQLAlchemy's cache (a
    shared subquery once made every list compile its SELECT again: 2 ms a request)."""
    assert client.get(url).status_code == 200
    with count_statements() as counter:
        assert client.get(url).status_code == 200
    assert counter.statements
    assert counter.compiled_anew == 0, counter.statements


def test_statements_kept_for_reuse_run_with_each_requests_values(client):
    """Lists of one shape (which filters are given) share their statements; each must still
    answer with its own values, cursor and limit, the same as one built afresh."""
    from app.queries import common

    urls = [
        "/v1/estimates?metric=workers_abroad&country=CN&period_from=2015&period_to=2024&limit=2",
        "/v1/estimates?metric=workers_abroad&country=RU&period_from=2017&period_to=2019&limit=2",
        "/v1/estimates?metric=work_permits_held&country=RU&period_from=2010&period_to=2024&limit=3",
        "/v1/estimates?metric=workers_abroad&period_from=2016&period_to=2024&limit=2",
        "/v1/estimates?metric=workers_abroad&period_from=2000&period_to=2017&limit=4",
    ]

    def walk(url: str) -> list[list[str]]:
        pages = []
        while url:
            body = client.get(url).json()
            pages.append([i["id"] for i in body["data"]] + [body["meta"]["undated"]])
            url = body["meta"]["next"]
        return pages

    shared = [walk(u) for u in urls]
    fresh = []
    for u in urls:
        common._KEPT.clear()
        fresh.append(walk(u))
    assert shared == fresh
    assert len({str(p) for p in shared}) == len(urls)  # the answers differ
    assert any(len(p) > 1 for p in shared)  # cursors were followed


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


def test_an_unknown_undated_value_is_a_400_naming_it(client):
    r = client.get(RUSSIA_2018 + "&undated=sometimes")
    assert r.status_code == 400 and r.json()["parameter"] == "undated"


def test_related_true_shows_russias_permit_count_beside_reuters_rounding_of_it(client):
    items = by_id(client.get(WORKERS_RUSSIA_2018 + "&related=true"))
    assert PERMITS in items and REUTERS in items
    assert items[PERMITS]["metric"]["id"] == "work_permits_held"
    assert items[PERMITS]["related_to"] == {"metric": "workers_abroad", "relation": "proxy_of"}
    assert items[REUTERS]["related_to"] is None


def test_related_true_with_undated_include_adds_the_us_governments_figure(client):
    items = by_id(client.get(WORKERS_RUSSIA_2018 + "&related=true&undated=include"))
    assert {PERMITS, REUTERS, US_UNDATED} <= set(items)
    assert items[US_UNDATED]["related_to"] is None


def test_without_related_the_permit_count_is_not_listed(client):
    items = by_id(client.get(WORKERS_RUSSIA_2018))
    assert REUTERS in items and PERMITS not in items
    assert all(i["related_to"] is None for i in items.values())
    assert PERMITS not in by_id(client.get(WORKERS_RUSSIA_2018 + "&related=false"))


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
        client.get(
            WORKERS_RUSSIA_2018.replace("workers_abroad", "work_permits_held") + "&related=true"
        )
    )
    assert items[PERMITS]["related_to"] is None
    assert items[REUTERS]["related_to"] == {"metric": "work_permits_held", "relation": "has_proxy"}


def test_a_metric_asked_for_is_never_marked_related(client):
    url = WORKERS_RUSSIA_2018 + "&metric=work_permits_held&related=true"
    items = by_id(client.get(url))
    assert items[PERMITS]["related_to"] is None and items[REUTERS]["related_to"] is None


def test_related_true_without_a_metric_is_a_400_naming_related(client):
    r = client.get("/v1/estimates?country=RU&related=true")
    assert r.status_code == 400
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["parameter"] == "related"
    assert "metric" in r.json()["detail"]


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
