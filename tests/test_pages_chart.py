"""Charts (/figures/chart, /figures/chart.svg): the API's series drawn on the server as SVG,
one mark per independent estimate linking to its figure page, error bars, arrows and
from → to segments as the values say, the consensus band, the legend and the figures
listed under it; the same SVG as a file."""

import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest

from app.config import get_settings
from tests.api.test_writes import DOCUMENT, ESTIMATE, SOURCE, bearer, keys  # noqa: F401
from tests.conftest import add_estimate
from tests.test_pages import HOSTILE, page, parse_strict

CN = "metric=workers_abroad&country=CN"
WORLD = "metric=workers_abroad&worldwide=true"
SVG_NS = "{http://www.w3.org/2000/svg}"


def svg_of(client, query: str) -> ET.Element:
    """The downloadable SVG, parsed as XML (so it is well-formed)."""
    r = client.get(f"/figures/chart.svg?{query}")
    assert r.status_code == 200, r.text
    return ET.fromstring(r.content)


def marks(root: ET.Element) -> dict[str, ET.Element]:
    """The chart's marks by the figure each is of."""
    return {a.get("data-estimate"): a for a in root.iter(f"{SVG_NS}a")}


def drawn(mark: ET.Element) -> set[str]:
    """What a mark is drawn with: point, error-bar, arrow-up, arrow-down, change, ..."""
    return {e.get("class") for e in mark if e.get("class")}


def series_ids(client, query: str) -> list[str]:
    r = client.get(f"/v1/series?{query}")
    assert r.status_code == 200, r.text
    return [p["estimate_id"] for p in r.json()["data"]]


def world(session, id: str, year: int, claimant: str, **values) -> None:
    """A worldwide figure of workers abroad for `year`, straight into the tables."""
    period = {"period_start": date(year, 1, 1), "period_end": date(year, 12, 31)}
    add_estimate(session, id, (), claimant_id=claimant, **(period | values))


@pytest.fixture
def shapes(session):
    """Worldwide figures of each kind: a range, an upper bound, a change, and a second
    independent figure for 2023 beside the Panel's, so that the year has a consensus."""
    world(session, "w-range-2019", 2019, "reuters", value_kind="range", qualifier="range",
          low=50_000, high=80_000, value_text="50,000 to 80,000")  # fmt: skip
    world(session, "w-upper-2021", 2021, "human-rights-watch", value_kind="upper_bound",
          qualifier="at_most", low=None, high=60_000, value_text="at most 60,000")  # fmt: skip
    world(session, "w-change-2020", 2020, "reuters", value_kind="change", qualifier="exact",
          low=40_000, high=90_000, from_value=90_000, to_value=40_000,
          value_text="from 90,000 to 40,000")  # fmt: skip
    world(session, "w-about-2023", 2023, "reuters", qualifier="about", low=110_000,
          high=110_000, value_text="about 110,000")  # fmt: skip


def test_china_one_mark_per_series_point_and_an_arrow_for_a_lower_bound(client):
    root = svg_of(client, CN)
    expected = series_ids(client, CN)
    assert list(marks(root)) == expected and expected
    rfa = marks(root)["rfa-source-2023-12-workers-in-china"]  # "more than 100,000"
    assert {"point", "arrow-up"} <= drawn(rfa) and "error-bar" not in drawn(rfa)
    legend = [t.text for g in root.iter(f"{SVG_NS}g") if g.get("class") == "legend-item"
              for t in g.iter(f"{SVG_NS}text")]  # fmt: skip
    assert legend == ["A source of Radio Free Asia on North Korean workers in China (anonymous)"]
    assert not [r for r in root.iter(f"{SVG_NS}rect") if r.get("class") == "band"]


def test_worldwide_an_about_figure_has_its_hedge_interval_as_error_bars(client):
    root = svg_of(client, WORLD)
    assert list(marks(root)) == series_ids(client, WORLD)
    panel = marks(root)["panel-2024-workers-abroad-2023"]  # "around 100,000": 75,000-125,000
    assert {"point", "error-bar", "period"} <= drawn(panel)
    labels = [t.text for t in root.iter(f"{SVG_NS}text")]
    assert {"0", "50,000", "100,000", "2023"} <= set(labels)
    assert "North Korean workers abroad (persons)" in labels


def test_each_kind_of_value_is_drawn_as_it_says(client, shapes):
    root = svg_of(client, WORLD)
    by_id = marks(root)
    assert list(by_id) == series_ids(client, WORLD)
    assert {"error-bar", "point"} <= drawn(by_id["w-range-2019"])
    assert "arrow-down" in drawn(by_id["w-upper-2021"])
    change = by_id["w-change-2020"]
    assert {"change", "change-from", "point"} <= drawn(change)
    assert "error-bar" not in drawn(change) and "period" not in drawn(change)
    (line,) = [e for e in change if e.get("class") == "change"]
    assert float(line.get("y1")) < float(line.get("y2"))  # from 90,000 down to 40,000
    assert float(line.get("x1")) < float(line.get("x2"))  # over its period, in time order
    # the legend: each claimant once, in order of first appearance, then the band
    legend = [t.text for g in root.iter(f"{SVG_NS}g") if g.get("class") == "legend-item"
              for t in g.iter(f"{SVG_NS}text")]  # fmt: skip
    assert legend[:3] == [
        "Reuters",
        "Human Rights Watch",
        "UN Security Council Panel of Experts on North Korea sanctions",
    ]
    assert "consensus" in legend[3]


def test_the_consensus_band_is_drawn_where_independent_sources_agree(client, shapes):
    years = client.get(f"/v1/consensus?{WORLD}").json()["data"]
    (agreed,) = [y for y in years if y["claimants"] >= 2]
    assert agreed["year"] == 2023 and agreed["agreed"] is not None
    root = svg_of(client, WORLD)
    (band,) = [r for r in root.iter(f"{SVG_NS}rect") if r.get("class") == "band"]
    assert band.find(f"{SVG_NS}title").text == agreed["summary"]
    assert float(band.get("height")) > 0 and float(band.get("width")) > 0
    text = page(client, f"/figures/chart?{WORLD}").text
    assert agreed["summary"].replace('"', "&#34;") in text


def test_every_mark_and_every_listed_figure_links_to_its_figure_page(client, shapes):
    text = page(client, f"/figures/chart?{WORLD}").text
    tree = parse_strict(text)
    ids = series_ids(client, WORLD)
    links = [a.get("href") for a in tree.iter("a")]
    links += [a.get("href") for a in tree.iter(f"{SVG_NS}a")]  # inline SVG: its own namespace
    for i in ids:
        assert links.count(f"/figures/{i}") == 2  # its mark, and its row under the chart
    (table,) = list(tree.iter("table"))
    rows = table.find("tbody").findall("tr")
    assert len(rows) == len(ids)
    assert "Human Rights Watch" in "".join(rows[2].itertext())
    assert f"/figures/chart.svg?{WORLD}".replace("&", "&amp;") in text
    assert f"/v1/series?{WORLD}" in links and f"/v1/consensus?{WORLD}" in links


def test_a_part_of_the_workers_is_not_drawn_among_totals(client, session):
    world(session, "w-it-only-2022", 2022, "reuters", population="part",
          population_note="IT workers only", low=3_000,
          high=3_000, value_text="3,000 IT workers")  # fmt: skip
    assert "w-it-only-2022" not in marks(svg_of(client, WORLD))
    assert "w-it-only-2022" in client.get(f"/v1/estimates?{WORLD}").text


def test_the_svg_downloads_as_a_file_with_permalinks(client):
    r = client.get(f"/figures/chart.svg?{WORLD}")
    assert r.status_code == 200
    assert r.headers["content-type"] == "image/svg+xml"
    assert r.headers["content-disposition"] == 'attachment; filename="workers_abroad-worldwide.svg"'
    root = ET.fromstring(r.content)
    assert root.tag == f"{SVG_NS}svg" and root.get("role") == "img"
    assert root.get("aria-labelledby") == "chart-title chart-desc"
    assert root.find(f"{SVG_NS}title").text == "North Korean workers abroad, worldwide"
    assert "independent estimate" in root.find(f"{SVG_NS}desc").text
    base = get_settings().base_url
    assert {a.get("href") for a in root.iter(f"{SVG_NS}a")} == {
        f"{base}/figures/panel-2024-workers-abroad-2023"
    }
    r = client.get(f"/figures/chart.svg?{CN}")
    assert r.headers["content-disposition"] == 'attachment; filename="workers_abroad-CN.svg"'


def test_the_chart_page_is_valid_small_and_self_contained(client, shapes):
    r = page(client, f"/figures/chart?{WORLD}")
    assert len(r.content) < 100_000
    tree = parse_strict(r.text)
    assert not list(tree.iter("script"))
    assert not [link for link in tree.iter("link") if link.get("rel") == "stylesheet"]
    (svg,) = [e for e in tree.iter() if e.tag.endswith("svg")]
    # a group, not an img: an img's children (the marks' links) are hidden from readers
    assert svg.get("role") == "group" and svg.get("aria-labelledby") == "chart-title chart-desc"


@pytest.mark.parametrize(
    ("query", "name", "words"),
    [
        ("metric=workers_abroad", "country", "a series needs a scope"),
        ("country=CN", "metric", "exactly one metric"),
        ("metric=workers_abroad&country=CN&worldwide=true", "worldwide", "not both"),
        ("metric=workers_abroad&country=CN&undated=include", "undated", "known period"),
        ("metric=no_such_metric&country=CN", "metric", "unknown metric"),
        ("metric=workers_abroad&country=Narnia", "country", "unknown country"),
    ],
)
def test_bad_input_is_an_html_page_naming_the_parameter(client, query, name, words):
    for path in ("/figures/chart", "/figures/chart.svg"):
        r = client.get(f"{path}?{query}")
        assert r.status_code == 400
        assert r.headers["content-type"] == "text/html; charset=utf-8"
        (item,) = [li for li in parse_strict(r.text).iter("li") if li.find("code") is not None]
        assert item.find("code").text == name and words in "".join(item.itertext())
    assert client.get(f"/v1/series?{query}").json()["parameter"] == name


def test_markup_in_a_figure_renders_as_text_in_the_page_and_the_svg(client, session):
    world(session, "w-hostile-2022", 2022, "reuters", low=90_000, high=90_000, value_text=HOSTILE)
    r = client.get(f"/figures/chart.svg?{WORLD}")
    assert "<script>" not in r.text
    root = ET.fromstring(r.content)
    (title,) = marks(root)["w-hostile-2022"].findall(f"{SVG_NS}title")
    assert title.text.startswith(HOSTILE)
    text = page(client, f"/figures/chart?{WORLD}").text
    assert "<script>alert(1)" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &#34;quotes&#34; &amp; more" in text
    parse_strict(text)


def test_as_of_draws_the_series_as_it_stood(client, keys):  # noqa: F811
    version = client.get("/v1/estimates?limit=1").json()["meta"]["data_version"]
    later = ESTIMATE | {"metric": "workers_abroad"}  # a 2021 count of workers in Russia
    for path, body in (
        ("/v1/sources", SOURCE),
        ("/v1/documents", DOCUMENT),
        ("/v1/estimates", later),
    ):
        r = client.post(path, json=body, headers=bearer(keys["editor"]))
        assert r.status_code == 201, r.text
    query = "metric=workers_abroad&country=RU"
    assert ESTIMATE["id"] in marks(svg_of(client, query))
    then = marks(svg_of(client, f"{query}&as_of={version}"))
    assert then and ESTIMATE["id"] not in then
    assert list(then) == series_ids(client, f"{query}&as_of={version}")
    text = page(client, f"/figures/chart?{query}&as_of={version}").text
    assert 'id="as-of"' in text and f"data version {version}" in text
    for i in then:  # each mark and row links to the figure as it stood
        assert text.count(f'href="/figures/{i}?as_of={version}"') == 2


def test_the_chart_pages_are_not_in_the_openapi_document(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert "/figures/chart" not in paths and "/figures/chart.svg" not in paths


def test_a_figure_page_links_to_the_chart_its_figure_is_drawn_on(client):
    text = page(client, "/figures/panel-2024-workers-abroad-2023").text
    link = "/figures/chart?metric=workers_abroad&worldwide=true"
    assert f'id="chart-link" href="{link.replace("&", "&amp;")}"' in text
    assert "panel-2024-workers-abroad-2023" in marks(svg_of(client, link.split("?")[1]))
    text = page(client, "/figures/rfa-sources-2024-workers-in-russia-and-china").text
    assert 'href="/figures/chart?metric=workers_abroad&amp;country=CN&amp;country=RU"' in text
    joint = marks(svg_of(client, "metric=workers_abroad&country=CN&country=RU"))
    assert "rfa-sources-2024-workers-in-russia-and-china" in joint
    # a part of the workers is never drawn among totals: its page offers no chart
    assert 'id="chart-link"' not in page(client, "/figures/panel-2024-it-workers-abroad").text


def test_large_values_are_labelled_in_millions(client):
    labels = [
        t.text for t in svg_of(client, "metric=revenue_usd&worldwide=true").iter(f"{SVG_NS}text")
    ]
    assert "0" in labels and any(label.endswith(" million") for label in labels)
    assert "Revenue from overseas labour (USD)" in labels


def test_a_long_series_draws_its_earliest_figures_and_says_so(client, session):
    claimants = ["reuters", "upi", "human-rights-watch"]
    for n in range(45):
        world(session, f"w-many-{n:02}", 1970 + n, claimants[n % 3], qualifier="about",
              low=1_000 + n, high=1_000 + n,
              value_text=f"about {1_000 + n:,} North Korean workers abroad")  # fmt: skip
    world(session, "w-about-2023", 2023, "reuters", qualifier="about", low=110_000,
          high=110_000, value_text="about 110,000")  # fmt: skip
    r = page(client, f"/figures/chart?{WORLD}")
    assert len(r.content) < 100_000
    assert 'id="more"' in r.text
    # 2023's consensus is of a year not drawn: no band outside the plot, no axis to 110,000
    svg = svg_of(client, WORLD)
    assert not [b for b in svg.iter(f"{SVG_NS}rect") if b.get("class") == "band"]
    assert "100,000" not in [t.text for t in svg.iter(f"{SVG_NS}text")]
    drawn_ids = list(marks(svg_of(client, WORLD)))
    assert drawn_ids == series_ids(client, f"{WORLD}&limit=40")
    parse_strict(r.text)
    assert 'id="more"' not in page(client, f"/figures/chart?{WORLD}&period_from=2000").text


def test_a_lower_bound_of_a_percentage_points_up_to_100(client):
    root = svg_of(client, "metric=workers_repatriated_share&country=RU")
    headline = marks(root)["reuters-2019-workers-repatriated-share-2018-headline"]  # over half
    assert "arrow-up" in drawn(headline)
    (arrow,) = [e for e in headline if e.get("class") == "arrow-up"]
    tip = float(re.match(r"M[0-9.]+ [0-9.]+V([0-9.]+)", arrow.get("d")).group(1))
    labels = {t.text: float(t.get("y")) for t in root.iter(f"{SVG_NS}text")}
    assert abs(tip - (labels["100"] - 4)) < 1  # the tick label sits 4 px below its line
    ticks = {t: at for t, at in labels.items() if t.isdigit()}
    assert min(ticks, key=ticks.get) == "100"  # the top of the axis: a share ends at 100
    # the two figures of 2018 stand side by side, not on top of each other
    (headline_x,) = {
        float(e.get("d")[1:].split()[0]) for e in headline if e.get("class") == "arrow-up"
    }
    other = marks(root)["reuters-2019-workers-repatriated-share-2018"]
    (other_x,) = {float(e.get("d")[1:].split()[0]) for e in other if e.get("class") == "error-bar"}
    assert abs(headline_x - other_x) >= 10


def test_a_year_whose_figures_cannot_all_hold_links_to_its_conflicts(client, session):
    world(session, "w-far-2023", 2023, "reuters", low=300_000, high=300_000,
          value_text="300,000")  # fmt: skip
    text = page(client, f"/figures/chart?{WORLD}").text
    url = "/v1/conflicts?metric=workers_abroad&worldwide=true&period_from=2023&period_to=2023"
    assert f'href="{url.replace("&", "&amp;")}"' in text
    assert "they cannot all be true" in text
    conflicts = client.get(url).json()["data"]
    assert {"w-far-2023", "panel-2024-workers-abroad-2023"} <= {
        c[side]["id"] for c in conflicts for side in ("a", "b")
    }
    svg = svg_of(client, WORLD)
    assert not [r for r in svg.iter(f"{SVG_NS}rect") if r.get("class") == "band"]


def test_a_period_open_to_the_end_of_the_calendar_and_negative_values_still_draw(session, client):
    """An open end written as 9999-12-31 has no next day, and an axis of negative values
    alone has no top: neither is a 500."""
    world(session, "w-open-end", 2023, "reuters")
    from app.models import Estimate

    est = session.get_one(Estimate, "w-open-end")
    est.period_end = date(9999, 12, 31)
    session.flush()
    assert client.get("/figures/chart?metric=workers_abroad&worldwide=true").status_code == 200
    world(session, "w-negative", 2023, "reuters", metric_id="revenue_usd", unit="USD",
          low=-5, high=-5, value_text="-5")  # fmt: skip
    assert client.get("/figures/chart?metric=revenue_usd&worldwide=true").status_code == 200
