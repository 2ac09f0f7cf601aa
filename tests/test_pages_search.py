"""The search page (/figures): a form of /v1/estimates' own filters, whose results are the
API's for the same query, paged by the API's cursor, with links to the data; bad input an
HTML page in words."""

import csv
import io
import re
import zipfile

import pytest

from tests.api.test_writes import DOCUMENT, ESTIMATE, SOURCE, bearer, keys  # noqa: F401
from tests.conftest import add_estimate
from tests.test_pages import HOSTILE, page, parse_strict

RUSSIA_2018 = "metric=workers_abroad&country=RU&period_from=2018&period_to=2018"


def options(text: str, select_id: str) -> dict[str, str]:
    """The options of one <select> of the form: value → the words shown."""
    tree = parse_strict(text)
    (select,) = [s for s in tree.iter("select") if s.get("id") == select_id]
    return {o.get("value"): (o.text or "").strip() for o in select.iter("option")}


def result_ids(text: str) -> list[str]:
    """The figures the results table lists, in order, by the figure page each links to."""
    tree = parse_strict(text)
    (table,) = list(tree.iter("table"))
    links = [a.get("href") for a in table.iter("a")]
    return [re.sub(r"^/figures/([^?]+).*$", r"\1", h) for h in links]


def api_ids(client, query: str) -> list[str]:
    r = client.get(f"/v1/estimates?{query}")
    assert r.status_code == 200, r.text
    return [e["id"] for e in r.json()["data"]]


def hrefs(text: str) -> list[str]:
    return [a.get("href") for a in parse_strict(text).iter("a")]


def test_the_form_offers_every_metric_the_countries_and_the_claimants_of_figures(client):
    text = page(client, "/figures").text
    metrics = options(text, "metric")
    every_metric = client.get("/v1/metrics?limit=500").json()["data"]
    assert metrics == {"": "any measure"} | {m["id"]: m["name"] for m in every_metric}
    countries = options(text, "country")
    named = client.get("/v1/countries?has_estimates=true&limit=500").json()["data"]
    assert countries == {"": "any country, or worldwide"} | {c["code"]: c["name"] for c in named}
    assert "RU" in countries and "AQ" not in countries  # Antarctica: no figure names it
    claimants = options(text, "claimant")
    sources = client.get("/v1/sources?limit=500").json()["data"]
    claiming = {s["id"]: s["name"] for s in sources if s["estimate_count"]}
    assert claimants == {"": "anyone"} | claiming
    assert "un-panel-of-experts" in claimants
    assert len(claiming) < len(sources)  # publishers that claim nothing are not offered
    # the form's fields are the API's parameter names
    names = {e.get("name") for e in parse_strict(text).iter() if e.get("name")}
    assert {"metric", "country", "period_from", "period_to", "claimant", "q", "undated"} <= names
    assert "<table" not in text  # nothing asked yet: no results
    browse = page(client, "/figures?sort=-period_start").text
    assert 'href="/figures?sort=-period_start" id="browse"' in text and 'id="browse"' not in browse
    assert result_ids(browse) == api_ids(client, "sort=-period_start")


@pytest.mark.parametrize(
    "query",
    [
        RUSSIA_2018,
        "metric=workers_abroad&country=Russia&period_from=2018&period_to=2018",
        "claimant=un-panel-of-experts",
        "q=Hunchun",
        "metric=workers_abroad&period_from=2019&period_to=2024&undated=include",
        "country=CN&sort=-value",
        "metric=workers_abroad&population=part",
        "metric=workers_abroad&country=RU&period_from=2018&period_to=2018&related=true",
    ],
)
def test_a_query_lists_the_figures_the_api_gives_for_it(client, query):
    expected = api_ids(client, query)
    assert expected  # each query finds something, so equality says something
    assert result_ids(page(client, f"/figures?{query}").text) == expected


def test_the_russia_2018_figures_are_found_in_words(client):
    text = page(client, f"/figures?{RUSSIA_2018}").text
    (row,) = [r for r in re.findall(r"<tr>(.*?)</tr>", text, re.S) if "30,000" in r]
    assert "Russia" in row and "2018" in row and "Reuters" in row
    assert options(text, "country")["RU"] == "Russian Federation"
    assert 'value="RU" selected' in text and 'value="workers_abroad" selected' in text
    assert 'name="period_from" size="10" placeholder="2019" value="2018"' in text


def test_one_metric_and_one_scope_link_to_their_chart(client):
    text = page(client, f"/figures?{RUSSIA_2018}").text
    assert 'href="/figures/chart?metric=workers_abroad&amp;country=RU" id="chart-link"' in text
    text = page(client, "/figures?metric=workers_abroad&worldwide=true").text
    assert 'name="worldwide" value="true" checked' in text
    assert result_ids(text) == api_ids(client, "metric=workers_abroad&worldwide=true")
    assert 'href="/figures/chart?metric=workers_abroad&amp;worldwide=true"' in text
    page(client, "/figures/chart?metric=workers_abroad&worldwide=true")
    assert 'id="chart-link"' not in page(client, "/figures?metric=workers_abroad").text
    assert 'id="chart-link"' not in page(client, "/figures?country=RU").text


def test_results_are_paged_by_the_apis_cursor(client):
    every = api_ids(client, "limit=500")
    seen: list[str] = []
    url = "/figures?limit=7"
    while url:
        text = page(client, url).text
        ids = result_ids(text)
        assert 0 < len(ids) <= 7
        seen += ids
        (link,) = [h for h in hrefs(text) if "cursor=" in h] or [None]
        if link is not None:
            cursor = re.search(r"cursor=([^&]+)", link).group(1)
            # the page's cursor is the API's: the JSON page after it starts where it does
            assert api_ids(client, f"limit=7&cursor={cursor}")[0] == every[len(seen)]
            assert "First page" in page(client, link).text
        url = link
    assert seen == every and len(every) > 7


def test_the_same_query_is_linked_as_json_csv_and_a_bundle(client):
    text = page(client, f"/figures?{RUSSIA_2018}").text
    links = hrefs(text)
    for path in ("/v1/estimates", "/v1/estimates.csv", "/v1/estimates.zip"):
        assert f"{path}?{RUSSIA_2018}" in links
    expected = api_ids(client, RUSSIA_2018)
    r = client.get(f"/v1/estimates.csv?{RUSSIA_2018}")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert [row["id"] for row in csv.DictReader(io.StringIO(r.text))] == expected
    r = client.get(f"/v1/estimates.zip?{RUSSIA_2018}")
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    assert any(n.endswith(".csv") for n in zipfile.ZipFile(io.BytesIO(r.content)).namelist())


def test_undated_figures_a_range_leaves_out_are_counted_and_linked(client):
    query = "metric=workers_abroad&worldwide=true&period_from=2019&period_to=2024"
    left_out = client.get(f"/v1/estimates?{query}").json()["meta"]["undated"]
    assert left_out
    text = page(client, f"/figures?{query}").text
    assert re.search(rf'id="undated">{left_out} more figure', text)
    only = "/figures?metric=workers_abroad&worldwide=true&undated=only"
    assert only in hrefs(text)
    assert result_ids(page(client, only).text) == api_ids(client, only.split("?")[1])


def test_related_measures_say_how_they_relate_and_are_kept_by_the_form(client):
    text = page(client, f"/figures?{RUSSIA_2018}&related=true").text
    assert "russia-2019-work-permits-2018" in result_ids(text)
    assert "(a related measure: proxy of workers_abroad)" in text
    assert '<input type="hidden" name="related" value="true">' in text


def test_a_forms_empty_fields_are_dropped_by_a_redirect(client):
    r = client.get(
        "/figures?metric=&country=RU&period_from=2018&period_to=&claimant=&q=",
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert r.headers["location"] == "/figures?country=RU&period_from=2018"
    r = client.get("/figures?metric=&q=", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/figures"


@pytest.mark.parametrize(
    ("query", "status", "name", "words"),
    [
        ("period_from=2024-13", 400, "period_from", "is not a real date"),
        ("period_from=2024&period_to=2019", 400, "period_from", "is after period_to"),
        ("country=Korea", 400, "country", "could be KP (North Korea) or KR (South Korea)"),
        ("country=Atlantis", 400, "country", "unknown country"),
        ("metric=no_such_metric", 400, "metric", "unknown metric"),
        ("undated=sometimes", 400, "undated", "Input should be"),
        ("colour=red", 400, "colour", "unknown parameter"),
        ("related=true", 400, "related", "needs metric="),
        ("limit=101", 400, "limit", "a page shows at most 100 figures"),
        ("as_of=not-a-time", 400, "as_of", ""),
        ("cursor=garbage", 400, "cursor", ""),
    ],
)
def test_bad_input_is_an_html_page_naming_the_parameter(client, query, status, name, words):
    r = client.get(f"/figures?{query}")
    assert r.status_code == status
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    if name != "limit":  # the API's pages may be longer (500) than a page to read
        problem = client.get(f"/v1/estimates?{query}").json()  # the API's own problem
        assert problem["status"] == status and problem["parameter"] == name
    shown = parse_strict(r.text)
    (item,) = [li for li in shown.iter("li") if li.find("code") is not None]
    assert item.find("code").text == name
    assert words in "".join(item.itertext())
    assert 'href="/figures"' in r.text


def test_markup_in_a_figure_and_in_the_query_renders_as_text(client, session):
    add_estimate(session, "hostile-figure", value_text=HOSTILE, quote=None)
    text = page(client, f"/figures?country=RU&q={HOSTILE[:30]}").text
    assert "<script>alert(1)" not in text
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt; &#34;quo"' in text
    text = page(client, "/figures?country=RU&period_from=2018&period_to=2018").text
    assert "hostile-figure" in result_ids(text)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &#34;quotes&#34; &amp; more" in text
    assert "<script>alert(1)" not in text
    parse_strict(text)


def test_a_full_page_is_valid_small_and_self_contained(client, session):
    for n in range(100):
        add_estimate(session, f"figure-{n:03}", value_text=f"some {n},000 workers", quote=None)
    r = page(client, "/figures?limit=100")
    assert len(r.content) < 100_000
    tree = parse_strict(r.text)
    assert not [s for s in tree.iter("script") if s.get("src")]
    assert not [link for link in tree.iter("link") if link.get("rel") == "stylesheet"]
    assert not list(tree.iter("img"))
    assert result_ids(r.text) == api_ids(client, "limit=100")


def test_as_of_lists_the_figures_as_they_stood(client, keys):  # noqa: F811
    version = client.get("/v1/estimates?limit=1").json()["meta"]["data_version"]
    for path, body in (
        ("/v1/sources", SOURCE),
        ("/v1/documents", DOCUMENT),
        ("/v1/estimates", ESTIMATE),
    ):
        r = client.post(path, json=body, headers=bearer(keys["editor"]))
        assert r.status_code == 201, r.text
    query = "metric=workers_repatriated&country=RU"
    assert ESTIMATE["id"] in result_ids(page(client, f"/figures?{query}").text)
    text = page(client, f"/figures?{query}&as_of={version}").text
    assert 'id="as-of"' in text and f"data version {version}" in text
    assert ESTIMATE["id"] not in text
    assert result_ids(text) and result_ids(text) == api_ids(client, f"{query}&as_of={version}")
    assert f'<input type="hidden" name="as_of" value="{version}">' in text
    csv_link = f"/v1/estimates.csv?{query}&as_of={version}".replace("&", "&amp;")
    assert f'href="{csv_link}"' in text


def test_the_search_page_is_not_in_the_openapi_document(client):
    assert "/figures" not in client.get("/openapi.json").json()["paths"]
