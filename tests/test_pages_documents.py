"""Document, source and home pages (/documents/{id}, /sources/{id}, /), the links between
them and the figure pages both ways, and the figure page's disagreements and consensus."""

import re

import pytest

from app.pages.documents import Quoted, marked
from app.schemas.read import CitationInDocument
from tests.api.test_writes import DOCUMENT, ESTIMATE, SOURCE, bearer, keys  # noqa: F401
from tests.test_pages import HOSTILE, page, parse_strict

RFA_500 = "rfa-2024-north-korea-sends-500-workers-to-china"
PANEL_REPORT = "un-panel-of-experts-2024-report"  # its text is not held
PANEL = "panel-2024-workers-abroad-2023"


def own_text(element) -> str:
    """An element's text without the figure links (<sup>) inside it."""
    out = [element.text or ""]
    for child in element:
        if child.tag != "sup":
            out.append(own_text(child))
        out.append(child.tail or "")
    return "".join(out)


def marks(text: str) -> dict[str, str]:
    """The page's marks with an id, and the text each marks."""
    tree = parse_strict(text)
    return {m.get("id"): own_text(m) for m in tree.iter("mark") if m.get("id")}


def test_every_quoted_passage_is_marked_and_linked_to_its_figure(client):
    doc = client.get(f"/v1/documents/{RFA_500}").json()
    assert len(doc["citations"]) == 9
    text = page(client, f"/documents/{RFA_500}").text
    marked_here = marks(text)
    for c in doc["citations"]:
        assert marked_here[f"q-{c['id']}"] == c["quote"]
    linked = re.findall(r'</mark><sup><a href="/figures/([^"?#]+)"', text)
    assert sorted(linked) == sorted(c["estimate_id"] for c in doc["citations"])
    assert "mark:target" in text  # the passage a link leads to stands out, without JS


def test_a_passage_quoted_by_two_figures_nests_their_marks(client):
    text = page(client, f"/documents/{RFA_500}").text
    tree = parse_strict(text)
    outer = f"q-{PANEL}--{RFA_500}"
    (mark,) = [m for m in tree.iter("mark") if m.get("id") == outer]
    inner = [m.get("id") for m in mark.iter("mark") if m is not mark]
    assert inner == [f"q-panel-2024-host-countries-2023--{RFA_500}"]


def test_the_figure_pages_quotes_lead_to_their_marked_passages(client):
    figure = client.get(f"/v1/estimates/{PANEL}").json()
    text = page(client, f"/figures/{PANEL}").text
    for c in figure["citations"]:
        doc = c["document"]["id"]
        assert f'href="/documents/{doc}#q-{c["id"]}"' in text
        target = page(client, f"/documents/{doc}").text
        if client.get(f"/v1/documents/{doc}").json()["full_text"]:
            assert marks(target)[f"q-{c['id']}"] == c["quote"]


def test_the_document_page_shows_its_record_and_links_to_its_json(client):
    text = page(client, f"/documents/{RFA_500}").text
    assert "<h1>North Korea sends 500 workers to China in violation of sanctions</h1>" in text
    assert '<a href="/sources/radio-free-asia">Radio Free Asia</a>' in text
    assert "<dd>2024 <span" in text and "precision: year" in text  # dated only "2024"
    assert "no public URL known: the text does not give one" in text
    assert f'href="/v1/documents/{RFA_500}"' in text
    assert f'href="/documents/{PANEL_REPORT}"' in text  # a document it cites


def test_a_document_whose_text_is_not_held_says_so_and_lists_who_cites_it(client):
    doc = client.get(f"/v1/documents/{PANEL_REPORT}").json()
    text = page(client, f"/documents/{PANEL_REPORT}").text
    assert 'id="no-text"' in text and "not held here" in text and "<mark" not in text
    assert doc["cited_by"]
    for d in doc["cited_by"]:
        assert f'href="/documents/{d["id"]}"' in text
    for e in doc["estimates"]:  # the figures first stated in it
        assert f'href="/figures/{e["id"]}"' in text


def test_a_source_page_lists_its_figures_and_documents(client):
    source = client.get("/v1/sources/un-panel-of-experts").json()
    text = page(client, "/sources/un-panel-of-experts").text
    claimed = client.get("/v1/estimates?claimant=un-panel-of-experts&limit=100").json()["data"]
    for e in claimed:
        assert f'<a href="/figures/{e["id"]}">' in text
    assert len(set(re.findall(r'<li><a href="/figures/([^"]+)"', text))) == source["estimate_count"]
    assert source["documents"]
    for d in source["documents"]:
        assert f'href="/documents/{d["id"]}"' in text
    assert 'href="/v1/sources/un-panel-of-experts"' in text


def test_a_source_with_no_figures_says_so(client):
    assert client.get("/v1/sources/sokeel-park").json()["estimate_count"] == 0
    assert (
        "no figure in the data is claimed by this source"
        in page(client, "/sources/sokeel-park").text
    )


def test_the_home_page_offers_the_search_the_docs_and_the_downloads(client):
    text = page(client, "/").text
    for href in ("/figures", "/docs", "/v1/estimates.csv", "/v1/estimates.zip"):
        assert f'href="{href}"' in text
    assert client.get("/v1/estimates.csv").status_code == 200
    assert client.get("/v1/estimates.zip").headers["content-type"] == "application/zip"
    assert client.get("/docs").status_code == 200


PAGES = [
    "/",
    f"/documents/{RFA_500}",
    f"/documents/{PANEL_REPORT}",
    "/sources/un-panel-of-experts",
    f"/figures/{PANEL}",
    "/figures/residents-in-china-2024-08-workers-dispatched-to-china",
]


@pytest.mark.parametrize("url", PAGES)
def test_each_page_is_valid_small_and_needs_nothing_from_elsewhere(client, url):
    r = page(client, url)
    assert len(r.content) < 100_000
    tree = parse_strict(r.text)
    assert not [s for s in tree.iter("script") if s.get("src")]
    assert not [x for x in tree.iter("link") if x.get("rel") == "stylesheet"]
    assert not [i for i in tree.iter("img")]


def test_the_pages_are_not_in_the_openapi_document(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert not [p for p in paths if p == "/" or p.startswith(("/documents", "/sources"))]


@pytest.mark.parametrize(
    ("url", "named"), [("/documents/no-such-doc", "document"), ("/sources/no-such-src", "source")]
)
def test_an_unknown_id_is_a_404_page(client, url, named):
    r = client.get(url)
    assert r.status_code == 404
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert f"There is no {named} with the id <code>{url.rsplit('/', 1)[1]}</code>" in r.text
    parse_strict(r.text)


def test_a_bad_as_of_is_a_problem_400(client):
    r = client.get(f"/documents/{RFA_500}?as_of=not-a-time")
    assert r.status_code == 400
    assert r.headers["content-type"] == "application/problem+json"


@pytest.fixture
def hostile(client, keys):  # noqa: F811
    """A source, document and figure whose names, text, quote and notes hold markup,
    quotation marks and &, written through the API."""
    key = keys["editor"]
    source = SOURCE | {"name": f"Ministry {HOSTILE}", "description": f"about {HOSTILE}"}
    document = DOCUMENT | {
        "title": f"Release {HOSTILE}",
        "full_text": f"Before. It said {HOSTILE} in all. After.",
    }
    estimate = ESTIMATE | {
        "notes": f"notes {HOSTILE}",
        "citations": [{"document": DOCUMENT["id"], "quote": HOSTILE}],
    }
    for path, body in (("/v1/sources", source), ("/v1/documents", document)):
        assert client.post(path, json=body, headers=bearer(key)).status_code == 201
    r = client.post("/v1/estimates", json=estimate, headers=bearer(key))
    assert r.status_code == 201, r.text
    return r.json()


@pytest.mark.parametrize("url", [f"/documents/{DOCUMENT['id']}", f"/sources/{SOURCE['id']}"])
def test_markup_in_names_texts_and_quotes_renders_as_text(client, hostile, url):
    text = page(client, url).text
    assert "<script>alert(1)" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "&#34;quotes&#34; &amp; more" in text
    parse_strict(text)


def test_a_quote_with_markup_is_marked_as_text(client, hostile):
    text = page(client, f"/documents/{DOCUMENT['id']}").text
    (cid,) = [c["id"] for c in hostile["citations"]]
    assert marks(text) == {f"q-{cid}": HOSTILE}
    assert f'<a href="/figures/{ESTIMATE["id"]}"' in text


def test_as_of_shows_the_document_and_source_as_they_stood(client, hostile, keys):  # noqa: F811
    version = client.get("/v1/estimates?limit=1").json()["meta"]["data_version"]
    later = ESTIMATE | {
        "id": f"{ESTIMATE['id']}-later",
        "citations": [{"document": DOCUMENT["id"], "quote": "in all"}],
    }
    r = client.post("/v1/estimates", json=later, headers=bearer(keys["editor"]))
    assert r.status_code == 201, r.text
    for url in (f"/documents/{DOCUMENT['id']}", f"/sources/{SOURCE['id']}"):
        now = page(client, url).text
        then = page(client, f"{url}?as_of={version}").text
        assert f"/figures/{later['id']}" in now and 'id="as-of"' not in now
        assert f"/figures/{later['id']}" not in then
        assert 'id="as-of"' in then and f"data version {version}" in then
        assert f'href="/figures/{ESTIMATE["id"]}?as_of={version}"' in then
        parse_strict(then)


def test_a_passage_that_overlaps_another_in_part_is_marked_in_nested_pieces():
    text = "Alpha beta gamma delta."

    def q(n: int, quote: str) -> Quoted:
        c = CitationInDocument(id=f"c{n}", estimate_id=f"e{n}", quote=quote, locator=None)
        return Quoted(n, c, None, text.find(quote))

    tokens = marked(text, [q(1, "Alpha beta gamma"), q(2, "beta gamma delta")])
    shown = "".join(
        t.text
        if t.kind == "text"
        else (f"<{t.quoted.n}{'#' if t.first else ''}>" if t.kind == "open" else "</>")
        + ("!" if t.last else "")
        for t in tokens
    )
    # the second opens inside the first, is cut at its end and goes on after it; each
    # passage's last piece is followed by its figure's link (!)
    assert shown == "<1#>Alpha <2#>beta gamma</></>!<2> delta</>!."


def test_the_figure_page_names_who_disagrees_and_links_both_ways(client):
    rfa = "rfa-source-2023-12-workers-in-china"
    for one, other in ((PANEL, rfa), (rfa, PANEL)):
        text = page(client, f"/figures/{one}").text
        section = text.split('id="disagreements"', 1)[1].split("<h2", 1)[0]
        assert f'href="/figures/{other}"' in section
        assert "In tension" in section and "(a part against its whole)" in section
        assert "the part alone is as large as the whole may be" in section


def test_a_figure_s_conflicts_are_bounded_and_say_when_there_are_more(client, session):
    from app.queries.analysis import conflicts_with

    rfa = "rfa-source-2023-12-workers-in-china"
    found, more = conflicts_with(session, PANEL, 1)
    assert [{c.a.id, c.b.id} for c in found] == [{PANEL, rfa}] and not more
    assert conflicts_with(session, PANEL, 0) == ([], True)


def test_the_figure_page_says_what_independent_sources_agree_on(client):
    one = "residents-in-china-2024-08-workers-dispatched-to-china"
    others = [
        "hunchun-resident-2024-08-workers-hired-by-clothing-company",
        "dandong-resident-2024-08-29-workers-dispatched-to-rabboni-garment",
    ]
    text = page(client, f"/figures/{one}").text
    section = text.split('id="consensus"', 1)[1].split("<h2", 1)[0]
    assert "In 2024, 3 independent sources" in section
    # they cannot all hold: the page leads to the year's conflicts, as /v1/consensus does
    (year,) = client.get(
        "/v1/consensus?metric=workers_dispatched&country=CN&period_from=2024&period_to=2024"
    ).json()["data"]
    assert year["agreed"] is None
    path = year["conflicts_url"].removeprefix("http://127.0.0.1:8000")
    assert f'href="{path.replace("&", "&amp;")}"' in section
    for other in others:
        assert f'href="/figures/{other}"' in section


def test_a_figure_no_one_disagrees_with_says_so(client):
    text = page(client, "/figures/russia-2019-work-permits-2018").text
    section = text.split('id="disagreements"', 1)[1].split("<h2", 1)[0]
    assert "No figure by an independent source disagrees with this one." in section


def test_a_quote_from_a_document_without_text_still_has_its_target(client, keys):  # noqa: F811
    key = keys["editor"]
    document = {k: v for k, v in DOCUMENT.items() if k != "full_text"}
    estimate = ESTIMATE | {"citations": [{"document": DOCUMENT["id"], "quote": "1,234 left"}]}
    for path, body in (("/v1/sources", SOURCE), ("/v1/documents", document)):
        assert client.post(path, json=body, headers=bearer(key)).status_code == 201
    r = client.post("/v1/estimates", json=estimate, headers=bearer(key))
    assert r.status_code == 201, r.text
    (cid,) = [c["id"] for c in r.json()["citations"]]
    figure = page(client, f"/figures/{ESTIMATE['id']}").text
    assert f'href="/documents/{DOCUMENT["id"]}#q-{cid}"' in figure
    text = page(client, f"/documents/{DOCUMENT['id']}").text
    assert 'id="no-text"' in text and "<mark" not in text
    (quote,) = [b for b in parse_strict(text).iter("blockquote") if b.get("id") == f"q-{cid}"]
    assert quote.text == "1,234 left"


def test_a_retracted_figure_is_not_compared(client, hostile, keys):  # noqa: F811
    url = f"/v1/estimates/{ESTIMATE['id']}"
    r = client.delete(
        url, headers=bearer(keys["editor"]) | {"If-Match": client.get(url).headers["etag"]}
    )
    assert r.status_code == 200, r.text
    text = page(client, f"/figures/{ESTIMATE['id']}").text
    assert "Only active figures are compared; this one is retracted." in text
    assert "(retracted)" in page(client, f"/documents/{DOCUMENT['id']}").text


def test_a_source_page_shows_at_most_its_first_figures_and_links_the_rest(client, monkeypatch):
    from app.pages import sources

    monkeypatch.setattr(sources, "FIGURES_SHOWN", 1)
    text = page(client, "/sources/un-panel-of-experts").text
    assert len(set(re.findall(r'<li><a href="/figures/([^"]+)"', text))) == 1
    assert "Figures it claims (the first 1)" in text
    assert 'href="/figures?claimant=un-panel-of-experts"' in text
