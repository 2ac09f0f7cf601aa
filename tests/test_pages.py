"""The figure page (/figures/{id}): HTML from the same data as the JSON detail, valid,
small, escaped, with its schema.org Claim, its status and its as_of banner."""

import json
import re

import html5lib
import pytest

from tests.api.test_writes import DOCUMENT, ESTIMATE, SOURCE, bearer, keys  # noqa: F401

PANEL = "/figures/panel-2024-workers-abroad-2023"
HOSTILE = '<script>alert(1)</script> "quotes" & more'


def page(client, url: str):
    r = client.get(url)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    return r


def parse_strict(text: str):
    """The page parsed by html5lib's strict parser: any parse error raises."""
    return html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(text)


def json_ld(text: str) -> dict:
    tree = parse_strict(text)
    (script,) = [s for s in tree.iter("script") if s.get("type") == "application/ld+json"]
    return json.loads(script.text)


def test_the_panel_figure_page_shows_its_quote_claimant_and_origin(client):
    text = page(client, PANEL).text
    assert "Around 100,000" in text
    assert "around 100,000 North Korean workers remained employed overseas in 2023" in text
    assert "UN Security Council Panel of Experts on North Korea sanctions" in text
    assert "UN Panel of Experts report on DPRK sanctions covering July 2023 to January 2024" in text
    assert "75,000 to 125,000" in text and "<code>about</code>" in text
    assert "2023" in text and "precision: year" in text
    assert 'href="/v1/estimates/panel-2024-workers-abroad-2023"' in text
    assert 'href="/v1/estimates/panel-2024-workers-abroad-2023/cite"' in text
    assert "@techreport{" in text and "TY  - RPRT" in text


def test_a_change_reads_in_words_and_a_document_without_url_says_why(client):
    text = page(client, "/figures/russia-2019-work-permits-2018").text
    assert "unpublished (seen by Reuters)" in text
    assert "from 30,023 to 11,490 (persons)" in text


def test_the_page_is_valid_html_and_under_100_kb(client):
    r = page(client, PANEL)
    assert len(r.content) < 100_000
    parse_strict(r.text)


def test_json_ld_is_a_claim_with_its_author_and_appearances(client):
    claim = json_ld(page(client, PANEL).text)
    assert claim["@type"] == "Claim"
    assert claim["author"]["name"] == (
        "UN Security Council Panel of Experts on North Korea sanctions"
    )
    names = [a["name"] for a in claim["appearance"]]
    assert len(names) == 4 and names[0].startswith("UN Panel of Experts report")
    # the origin (7 Mar 2024) is known to come first; Radio Free Asia's are dated "2024"
    assert claim["firstAppearance"]["datePublished"] == "2024-03-07"
    assert [a.get("datePublished") for a in claim["appearance"]][1:] == [
        "2024-03-21",
        "2024",
        "2024",
    ]


@pytest.fixture
def hostile(client, keys):  # noqa: F811
    """A figure whose document, quote and notes hold markup, quotation marks and &."""
    key = keys["editor"]
    document = DOCUMENT | {
        "title": f"Release {HOSTILE}",
        "full_text": f"Before. It said {HOSTILE} in all. After.",
    }
    estimate = ESTIMATE | {
        "notes": f"notes {HOSTILE}",
        "citations": [{"document": DOCUMENT["id"], "quote": HOSTILE}],
    }
    for path, body in (("/v1/sources", SOURCE), ("/v1/documents", document)):
        assert client.post(path, json=body, headers=bearer(key)).status_code == 201
    r = client.post("/v1/estimates", json=estimate, headers=bearer(key))
    assert r.status_code == 201, r.text
    return f"/figures/{ESTIMATE['id']}"


def test_markup_in_quotes_and_notes_renders_as_text(client, hostile):
    text = page(client, hostile).text
    assert "<script>alert(1)" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "&#34;quotes&#34; &amp; more" in text
    assert "notes &lt;script&gt;" in text
    parse_strict(text)
    claim = json_ld(text)  # the JSON-LD holds it too, without ending its <script>
    assert HOSTILE in claim["appearance"][0]["name"]
    ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', text, re.S)
    assert ld is not None and "<" not in ld.group(1) and "&" not in ld.group(1)


def test_the_quote_is_shown_in_its_sentence(client, hostile):
    text = page(client, hostile).text
    (shown,) = re.findall(r"<blockquote>(.*?)</blockquote>", text, re.S)
    assert shown.startswith("It said <mark>&lt;script&gt;") and shown.endswith("</mark> in all.")


def test_a_retracted_figure_says_so(client, hostile, keys):  # noqa: F811
    url = f"/v1/estimates/{ESTIMATE['id']}"
    etag = client.get(url).headers["etag"]
    r = client.delete(url, headers=bearer(keys["editor"]) | {"If-Match": etag})
    assert r.status_code == 200, r.text
    text = page(client, hostile).text
    assert 'id="status"' in text and "<strong>retracted</strong>" in text


def test_a_superseded_figure_links_to_its_replacement(client, hostile, keys):  # noqa: F811
    newer = ESTIMATE | {
        "id": f"{ESTIMATE['id']}-corrected",
        "citations": [{"document": DOCUMENT["id"], "quote": "in all"}],
    }
    r = client.post("/v1/estimates", json=newer, headers=bearer(keys["editor"]))
    assert r.status_code == 201, r.text
    url = f"/v1/estimates/{ESTIMATE['id']}"
    etag = client.get(url).headers["etag"]
    body = {"status": "superseded", "superseded_by": newer["id"]}
    r = client.patch(url, json=body, headers=bearer(keys["editor"]) | {"If-Match": etag})
    assert r.status_code == 200, r.text
    text = page(client, hostile).text
    assert f'href="/figures/{newer["id"]}"' in text and "<strong>superseded</strong>" in text


def test_as_of_shows_the_figure_as_it_stood_with_a_banner(client, hostile, keys):  # noqa: F811
    version = client.get("/v1/estimates?limit=1").json()["meta"]["data_version"]
    url = f"/v1/estimates/{ESTIMATE['id']}"
    etag = client.get(url).headers["etag"]
    r = client.patch(
        url, json={"notes": "edited later"}, headers=bearer(keys["editor"]) | {"If-Match": etag}
    )
    assert r.status_code == 200, r.text
    text = page(client, f"{hostile}?as_of={version}").text
    assert 'id="as-of"' in text and f"data version {version}" in text
    assert "notes &lt;script&gt;" in text and "edited later" not in text
    assert f'href="/v1/estimates/{ESTIMATE["id"]}?as_of={version}"' in text
    parse_strict(text)
    assert 'id="as-of"' not in page(client, hostile).text


def test_an_unknown_figure_is_a_404_page(client):
    r = client.get("/figures/no-such-figure")
    assert r.status_code == 404
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert "no-such-figure" in r.text
    parse_strict(r.text)


def test_a_bad_as_of_is_a_problem_400(client):
    r = client.get(f"{PANEL}?as_of=not-a-time")
    assert r.status_code == 400
    assert r.headers["content-type"] == "application/problem+json"


def test_the_pages_are_not_in_the_openapi_document(client):
    assert not any(p.startswith("/figures") for p in client.get("/openapi.json").json()["paths"])
