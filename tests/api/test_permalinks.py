"""Permalinks: every resource carries `links.self`, built from PUBLIC_URL (never from the
request's Host header), and a single resource says `Link: <…>; rel="canonical"`."""

import csv
import io
import json

import pytest

from app.config import get_settings

PANEL = "panel-2024-workers-abroad-2023"
BASE = "http://127.0.0.1:8000"  # the default: http://API_HOST:API_PORT


@pytest.fixture
def public_url(monkeypatch):
    """Serve as if behind a proxy at https://figures.example.org/api."""
    monkeypatch.setenv("PUBLIC_URL", "https://figures.example.org/api/")
    get_settings.cache_clear()
    yield "https://figures.example.org/api"
    monkeypatch.undo()
    get_settings.cache_clear()


def resources(client) -> list[str]:
    """One of each kind: an estimate, its claimant, origin document, first citation, and
    first country."""
    e = client.get(f"/v1/estimates/{PANEL}").json()
    return [
        f"/v1/estimates/{PANEL}",
        f"/v1/sources/{e['claimant']['id']}",
        f"/v1/documents/{e['origin_document']['id']}",
        f"/v1/citations/{e['citations'][0]['id']}",
        f"/v1/countries/{e['scope']['countries'][0]['code']}"
        if e["scope"]["countries"]
        else "/v1/countries/CN",
    ]


def test_every_resource_links_to_itself_and_names_its_canonical_url(client):
    paths = resources(client)
    for path in paths:
        r = client.get(path, headers={"Host": "attacker.example"})
        assert r.status_code == 200, (path, r.text)
        assert r.json()["links"]["self"] == BASE + path
        assert r.headers["link"] == f'<{BASE}{path}>; rel="canonical"'
        assert "attacker" not in r.text


PAGES = {"estimates": "/figures", "sources": "/sources", "documents": "/documents"}


def test_estimates_sources_and_documents_link_to_their_pages(client):
    for path in resources(client)[:3]:
        kind, rid = path.removeprefix("/v1/").split("/")
        html = client.get(path).json()["links"]["html"]
        assert html == f"{BASE}{PAGES[kind]}/{rid}"
        r = client.get(html.removeprefix(BASE))
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        assert f'href="{path}"' in r.text  # and the page links back to its JSON


@pytest.mark.parametrize("kind", ["estimates", "sources", "documents"])
def test_list_items_link_to_their_pages(client, kind):
    items = client.get(f"/v1/{kind}?limit=100").json()["data"]
    assert items
    assert all(i["links"]["html"] == f"{BASE}{PAGES[kind]}/{i['id']}" for i in items)


@pytest.mark.parametrize(
    "path", ["/v1/estimates", "/v1/sources", "/v1/documents", "/v1/countries?has_estimates=true"]
)
def test_every_list_item_links_to_its_own_page(client, path):
    items = client.get(path).json()["data"]
    assert items
    for item in items:
        self = item["links"]["self"]
        assert self.startswith(BASE + "/v1/")
        assert client.get(self.removeprefix(BASE)).json()["links"]["self"] == self


def test_links_follow_the_public_url_without_a_rebuild(client, public_url):
    detail = client.get(f"/v1/estimates/{PANEL}").json()
    assert detail["links"]["self"] == f"{public_url}/v1/estimates/{PANEL}"
    assert detail["cite"]["url"] == f"{public_url}/v1/estimates/{PANEL}/cite"
    assert detail["links"]["html"] == f"{public_url}/figures/{PANEL}"
    origin = detail["origin_document"]["id"]
    document = client.get(f"/v1/documents/{origin}").json()
    assert document["links"]["html"] == f"{public_url}/documents/{origin}"
    source = client.get(f"/v1/sources/{detail['claimant']['id']}").json()
    assert source["links"]["html"] == f"{public_url}/sources/{source['id']}"
    listed = client.get("/v1/estimates?limit=2").json()
    assert all(i["links"]["self"].startswith(public_url + "/v1/") for i in listed["data"])
    assert listed["meta"]["next"].startswith(public_url + "/v1/estimates?")


def test_exports_carry_the_permalinks_too(client, public_url):
    lines = client.get("/v1/estimates.ndjson?country=RU").text.splitlines()
    assert lines and all(
        json.loads(line)["links"]["self"].startswith(f"{public_url}/v1/estimates/")
        for line in lines
    )
    rows = list(csv.DictReader(io.StringIO(client.get("/v1/estimates.csv?country=RU").text)))
    assert rows and all(r["links_self"] == f"{public_url}/v1/estimates/{r['id']}" for r in rows)
    assert all(r["links_html"] == f"{public_url}/figures/{r['id']}" for r in rows)


def test_a_quote_that_looks_like_a_link_is_left_as_it_is(client, session):
    from sqlalchemy import update

    from app import read_model
    from app.models import Citation

    quote = 'it said "self":"/v1/x" and "url":"/v1/y" and "html":"/figures/z"'
    first = client.get(f"/v1/estimates/{PANEL}").json()["citations"][0]["id"]
    session.execute(update(Citation).where(Citation.id == first).values(quote=quote))
    read_model.refill(session)
    got = client.get(f"/v1/estimates/{PANEL}").json()
    assert quote in [c["quote"] for c in got["citations"]]


@pytest.mark.parametrize("asked", ["chn", "China", "156"])
def test_a_country_asked_by_another_name_names_its_code_as_canonical(client, asked):
    r = client.get(f"/v1/countries/{asked}")
    assert r.status_code == 200
    assert r.headers["link"] == f'<{BASE}/v1/countries/CN>; rel="canonical"'
