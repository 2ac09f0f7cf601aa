"""HTTP mechanics of reads (app.http): ETags and If-None-Match, Cache-Control, HEAD, CORS."""

from tests.api.test_writes import bearer
from tests.api.test_writes import keys as keys  # the fixture
from tests.conftest import add_estimate

CARD = "metric=workers_abroad&country=CN&period_from=2019&period_to=2024"
PANEL = "/v1/estimates/panel-2024-workers-abroad-2023"


def test_repeating_a_get_with_its_etag_gives_304(client):
    for url in (
        f"/v1/estimates?{CARD}",
        "/v1/estimates/panel-2024-workers-abroad-2023",
        "/v1/metrics",
    ):
        first = client.get(url)
        etag = first.headers["etag"]
        assert "public" in first.headers["cache-control"]
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304, url
        assert again.content == b"" and again.headers["etag"] == etag


def test_etag_changes_when_the_data_changes(client, session):
    before = client.get("/v1/estimates?country=RU").headers["etag"]
    add_estimate(session, "zz-new", value_kind="range", qualifier="range", low=1, high=2)
    after = client.get("/v1/estimates?country=RU")
    assert after.headers["etag"] != before
    assert (
        client.get("/v1/estimates?country=RU", headers={"If-None-Match": before}).status_code == 200
    )


def test_head_answers_like_get_without_a_body(client):
    r = client.head("/v1/estimates/panel-2024-workers-abroad-2023")
    assert r.status_code == 200 and r.content == b""
    assert (
        r.headers["etag"]
        == client.get("/v1/estimates/panel-2024-workers-abroad-2023").headers["etag"]
    )


def test_cors_preflight_from_another_origin_succeeds(client):
    r = client.options(
        "/v1/estimates",
        headers={
            "Origin": "https://newsroom.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] in ("*", "https://newsroom.example")
    got = client.get("/v1/metrics", headers={"Origin": "https://newsroom.example"})
    assert got.headers["access-control-allow-origin"] in ("*", "https://newsroom.example")
    assert "ETag" in got.headers["access-control-expose-headers"]


def test_public_reads_are_revalidated_and_editors_reads_are_private(client, keys):
    r = client.get(PANEL)
    assert r.headers["cache-control"] == "public, no-cache"
    assert r.headers["vary"] == "Accept, Origin"  # each once
    etag = r.headers["etag"]
    again = client.get(PANEL, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.headers["cache-control"] == "public, no-cache"
    mine = client.get(PANEL, headers=bearer(keys["editor"]))
    assert mine.headers["cache-control"] == "private, no-cache"
