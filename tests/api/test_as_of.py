"""Reads as of any moment: every read answers as the data stood at a version, a time or a
named release, rebuilt from the audit log (app.as_of)."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from app.as_of import make_release
from tests.api.test_writes import (  # noqa: F401
    DOCUMENT,
    ESTIMATE,
    SOURCE,
    assert_problem,
    bearer,
    create_all,
    keys,
)

ID = ESTIMATE["id"]
URL = f"/v1/estimates/{ID}"
NEWER = ESTIMATE | {"id": f"{ID}-corrected", "notes": "corrected figure"}


def version(client) -> int:
    return client.get("/v1/estimates?limit=1").json()["meta"]["data_version"]


def edit(client, key, url, body):
    etag = client.get(url).headers["etag"]
    r = client.patch(url, json=body, headers=bearer(key) | {"If-Match": etag})
    assert r.status_code == 200, r.text
    return r


@pytest.fixture
def history(client, keys):  # noqa: F811
    """An estimate's life: before it, created, edited, cited again, superseded, its
    successor retracted, the extra citation deleted; the data version after each step."""
    key = keys["editor"]
    v = {"before": version(client)}
    create_all(client, key)
    v["created"] = version(client)
    edit(client, key, URL, {"notes": "first note"})
    v["edited"] = version(client)
    r = client.post(
        "/v1/citations",
        json={"estimate": ID, "document": ESTIMATE["origin_document"], "quote": "in 2021"},
        headers=bearer(key),
    )
    assert r.status_code == 201, r.text
    citation = r.json()["id"]
    v["cited"] = version(client)
    assert client.post("/v1/estimates", json=NEWER, headers=bearer(key)).status_code == 201
    edit(client, key, URL, {"status": "superseded", "superseded_by": NEWER["id"]})
    v["superseded"] = version(client)
    newer_url = f"/v1/estimates/{NEWER['id']}"
    etag = client.get(newer_url).headers["etag"]
    assert client.delete(newer_url, headers=bearer(key) | {"If-Match": etag}).status_code == 200
    v["retracted"] = version(client)
    etag = client.get(f"/v1/citations/{citation}").headers["etag"]
    r = client.delete(f"/v1/citations/{citation}", headers=bearer(key) | {"If-Match": etag})
    assert r.status_code == 204
    v["uncited"] = version(client)
    assert sorted(v.values()) == list(v.values()) and len(set(v.values())) == len(v)
    return v, citation


def test_one_estimate_as_of_each_moment(client, history):
    v, _ = history
    assert_problem(client.get(f"{URL}?as_of={v['before']}"), 404)
    states = {
        "created": (None, "active", 1),
        "edited": ("first note", "active", 1),
        "cited": ("first note", "active", 2),
        "superseded": ("first note", "superseded", 2),
        "uncited": ("first note", "superseded", 1),
    }
    for moment, (notes, status, citations) in states.items():
        r = client.get(f"{URL}?as_of={v[moment]}")
        assert r.status_code == 200, (moment, r.text)
        body = r.json()
        assert (body["notes"], body["status"], len(body["citations"])) == (
            notes,
            status,
            citations,
        ), moment
        assert r.headers["x-data-version"] == str(v[moment])
    now = client.get(URL)
    assert now.json()["status"] == "superseded" and now.headers["x-data-version"] == str(
        v["uncited"]
    )


def test_lists_and_exports_as_of_each_moment(client, history):
    v, _ = history

    def listed(moment: str, status: str = "active") -> list[str]:
        r = client.get(f"/v1/estimates?claimant=test-ministry&status={status}&as_of={v[moment]}")
        assert r.status_code == 200, r.text
        meta = r.json()["meta"]
        assert meta["data_version"] == v[moment] and meta["as_of"] == str(v[moment])
        return [e["id"] for e in r.json()["data"]]

    # the filters are checked against the data as it stood: the claimant was not known yet
    early = client.get(f"/v1/estimates?claimant=test-ministry&as_of={v['before']}")
    assert_problem(early, 400, "claimant")
    assert listed("created") == [ID]
    assert sorted(listed("superseded")) == [NEWER["id"]]
    assert listed("superseded", "superseded") == [ID]
    assert listed("retracted") == []
    assert listed("retracted", "retracted") == [NEWER["id"]]

    r = client.get(f"/v1/estimates.csv?claimant=test-ministry&as_of={v['edited']}")
    assert r.status_code == 200 and r.headers["x-data-version"] == str(v["edited"])
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [(row["id"], row["notes"]) for row in rows] == [(ID, "first note")]
    r = client.get(f"/v1/estimates.ndjson?claimant=test-ministry&as_of={v['retracted']}")
    assert r.status_code == 200 and r.text == ""


def test_catalog_and_citations_as_of(client, history):
    v, citation = history
    source = "/v1/sources/test-ministry"
    assert_problem(client.get(f"{source}?as_of={v['before']}"), 404)
    assert client.get(f"{source}?as_of={v['created']}").status_code == 200
    document = f"/v1/documents/{ESTIMATE['origin_document']}"
    assert_problem(client.get(f"{document}?as_of={v['before']}"), 404)
    assert (
        client.get(f"{document}?as_of={v['created']}").json()["id"] == (ESTIMATE["origin_document"])
    )
    documents = client.get(f"/v1/documents?kind=statement&as_of={v['before']}").json()["data"]
    assert ESTIMATE["origin_document"] not in [d["id"] for d in documents]
    documents = client.get(f"/v1/documents?kind=statement&as_of={v['created']}").json()["data"]
    assert ESTIMATE["origin_document"] in [d["id"] for d in documents]
    assert_problem(client.get(f"/v1/citations/{citation}"), 404)
    cited = client.get(f"/v1/citations/{citation}?as_of={v['cited']}")
    assert cited.status_code == 200 and cited.json()["quote"] == "in 2021"
    assert_problem(client.get(f"/v1/citations/{citation}?as_of={v['edited']}"), 404)


def test_series_conflicts_and_consensus_take_as_of(client, history):
    v, _ = history
    query = "metric=workers_repatriated&country=RU"
    for path in ("/v1/series", "/v1/conflicts", "/v1/consensus"):
        before = client.get(f"{path}?{query}&as_of={v['before']}")
        after = client.get(f"{path}?{query}&as_of={v['created']}")
        assert before.status_code == after.status_code == 200, (path, before.text)
        assert before.json()["meta"]["data_version"] == v["before"]
        assert after.json()["meta"]["data_version"] == v["created"]
    series = client.get(f"/v1/series?{query}&as_of={v['created']}").json()["data"]
    assert ID in str(series)
    assert ID not in str(client.get(f"/v1/series?{query}&as_of={v['before']}").json()["data"])


def test_as_of_a_time_reads_the_version_of_that_moment(client, history):
    v, _ = history
    changes = client.get("/v1/changes?limit=500").json()["data"]
    at = next(c["at"] for c in changes if c["id"] == v["edited"])
    r = client.get(f"{URL}?as_of={at}")
    assert r.status_code == 200 and r.json()["notes"] == "first note"
    assert r.headers["x-data-version"] == str(v["edited"])
    # a moment within the last minute may still gain a write in flight: not final
    assert "immutable" not in r.headers["cache-control"]
    assert "no-cache" in r.headers["cache-control"]


def test_an_as_of_answer_is_cacheable_forever_and_a_current_one_is_revalidated(client):
    v = version(client)
    old = client.get(f"/v1/estimates?limit=1&as_of={v}")
    assert old.headers["cache-control"] == "public, max-age=31536000, immutable"
    an_hour_ago = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    r = client.get("/v1/estimates", params={"limit": 1, "as_of": an_hour_ago})
    assert r.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert client.get("/v1/estimates?limit=1").headers["cache-control"] == "public, no-cache"
    assert old.json()["meta"]["data_version"] == v


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("3000-01-01T00:00:00Z", "in the future"),
        ("2024-03-07T12:00:00", "no UTC offset"),
        ("999999999", "does not exist yet"),
        ("last-tuesday", "not a time, a version or a release"),
        ("８１", "not a time, a version or a release"),  # full-width digits are not a version
        ("0001-01-01T00:00:00+01:00", "outside the years 1 to 9999"),
    ],
)
def test_a_bad_as_of_is_a_400_naming_it(client, value, says):
    r = client.get("/v1/estimates", params={"as_of": value})
    assert_problem(r, 400, "as_of")
    assert says in r.json()["detail"]


def test_a_named_release_is_listed_and_read_as_of(client, session, history):
    v, _ = history
    with pytest.raises(ValueError, match="starts with a letter"):
        make_release(session, "2024")
    release = make_release(session, "test-release", "for the test")
    session.flush()
    with pytest.raises(ValueError, match="exists already"):
        make_release(session, "test-release")
    listed = client.get("/v1/releases").json()["data"]
    assert {"name": "test-release", "data_version": v["uncited"]}.items() <= listed[-1].items()
    r = client.get(f"{URL}?as_of=test-release")
    assert r.status_code == 200 and r.headers["x-data-version"] == str(release.data_version)
    assert r.headers["cache-control"] == "public, max-age=31536000, immutable"


LIST = f"/v1/estimates?metric={ESTIMATE['metric']}"


def test_the_snapshot_of_a_version_is_built_once(client, session, history):
    from app import as_of

    v, _ = history
    first = client.get(f"{LIST}&as_of={v['edited']}")
    built = as_of._path(session, v["edited"]).stat().st_mtime_ns
    again = client.get(f"{LIST}&as_of={v['edited']}")
    assert first.content == again.content and first.headers["etag"] == again.headers["etag"]
    assert as_of._path(session, v["edited"]).stat().st_mtime_ns == built  # not built again
    assert "Accept" in first.headers["vary"]  # an immutable answer still varies by format


def test_one_estimate_as_of_a_version_needs_no_whole_snapshot(client, session, history):
    from app import as_of

    v, _ = history
    r = client.get(f"{URL}?as_of={v['cited']}")
    assert r.status_code == 200 and len(r.json()["citations"]) == 2
    assert client.get(f"{URL}/cite?as_of={v['cited']}").status_code == 200
    assert not as_of._path(session, v["cited"]).exists()


def test_one_estimate_reads_the_same_from_its_own_snapshot_as_from_the_whole(
    client,
    session,
    keys,  # noqa: F811
    history,
):
    """The estimate with a history (its document and its claimant renamed last) and a few
    seeded ones beside it, at each moment of that history: detail and citation as the focused
    snapshot gives them, then as the whole one does."""
    v, _ = history
    edit(client, keys["editor"], f"/v1/documents/{DOCUMENT['id']}", {"title": "Renamed"})
    edit(client, keys["editor"], f"/v1/sources/{SOURCE['id']}", {"name": "Renamed Ministry"})
    v["renamed"] = version(client)
    assert client.get(URL).json()["origin_document"]["title"] == "Renamed"
    seeded = [e["id"] for e in client.get("/v1/estimates?country=RU").json()["data"]]
    ids = [ID, *seeded[:3]]
    for moment, then in v.items():
        focused = {
            eid: (
                client.get(f"/v1/estimates/{eid}?as_of={then}"),
                client.get(f"/v1/estimates/{eid}/cite?as_of={then}&style=csl-json"),
            )
            for eid in ids
        }
        assert client.get(f"{LIST}&as_of={then}").status_code == 200  # builds the whole one
        for eid, (detail, cite) in focused.items():
            whole = client.get(f"/v1/estimates/{eid}?as_of={then}")
            assert (detail.status_code, detail.content) == (whole.status_code, whole.content), (
                moment,
                eid,
            )
            assert detail.headers.get("etag") == whole.headers.get("etag")
            assert detail.headers.get("x-data-version") == whole.headers.get("x-data-version")
            again = client.get(f"/v1/estimates/{eid}/cite?as_of={then}&style=csl-json")
            assert (cite.status_code, cite.content) == (again.status_code, again.content)


def test_a_release_made_later_is_not_listed_as_of_before_it(client, session, history):
    v, _ = history
    make_release(session, "later-release")
    session.flush()
    assert "later-release" in [r["name"] for r in client.get("/v1/releases").json()["data"]]
    then = client.get(f"/v1/releases?as_of={v['edited']}").json()["data"]
    assert "later-release" not in [r["name"] for r in then]


def test_a_read_waiting_for_a_snapshot_being_built_is_a_quick_503(
    client, session, history, monkeypatch
):
    from app import as_of
    from app.config import get_settings

    v, _ = history
    path = as_of._path(session, v["cited"])
    building = as_of._building.setdefault(path, as_of.threading.Lock())
    monkeypatch.setenv("DB_POOL_TIMEOUT", "0.2")
    get_settings.cache_clear()
    building.acquire()  # as another request building it would
    try:
        r = client.get(f"{LIST}&as_of={v['cited']}")
        assert_problem(r, 503)
        assert r.headers["retry-after"] and "being prepared" in r.json()["detail"]
    finally:
        building.release()
        as_of._building.pop(path, None)
        monkeypatch.undo()
        get_settings.cache_clear()
    assert client.get(f"{LIST}&as_of={v['cited']}").status_code == 200


def test_a_download_as_of_a_version_is_not_kept_forever_since_it_names_its_time(client):
    v = version(client)
    r = client.get(f"/v1/estimates.zip?country=RU&as_of={v}")
    assert r.status_code == 200 and r.headers["x-data-version"] == str(v)
    assert "immutable" not in r.headers["cache-control"]
    assert client.get(f"/v1/estimates.csv?country=RU&as_of={v}").headers["cache-control"] == (
        "public, max-age=31536000, immutable"
    )
