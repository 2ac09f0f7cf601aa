"""Writes: keys and roles, validation (plausible periods, whole and part, rates),
ETag/If-Match, versions that move when only linked rows change, delete rules, audit
history, atomicity."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from app import auth, records
from app.api.writes import EXAMPLE_ETAG
from app.enums import Role
from app.models import Change, Estimate, Source

PANEL = "/v1/estimates/panel-2024-workers-abroad-2023"
DOC_TEXT = "The ministry said 1,234 workers left Foo in 2021. Nothing else."


@pytest.fixture
def keys(session):
    editor = auth.create_key(session, "ed", Role.editor)
    admin = auth.create_key(session, "ad", Role.admin)
    gone = auth.create_key(session, "gone", Role.editor)
    auth.revoke_key(session, "gone")
    session.flush()
    return {"editor": editor, "admin": admin, "revoked": gone}


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


SOURCE = {"id": "test-ministry", "name": "Test Ministry", "kind": "government", "country": "RU"}
DOCUMENT = {
    "id": "test-ministry-2021-release",
    "title": "Release",
    "kind": "statement",
    "publisher": "test-ministry",
    "published_on": "2021-12-01",
    "published_precision": "day",
    "full_text": DOC_TEXT,
}
ESTIMATE = {
    "id": "test-ministry-2021-departures",
    "metric": "workers_repatriated",
    "value": {
        "kind": "point",
        "qualifier": "exact",
        "unit": "persons",
        "text": "1,234",
        "amount": 1234,
    },
    "period": {"start": "2021-01-01", "end": "2021-12-31", "precision": "year", "text": "in 2021"},
    "scope": {"countries": ["RU"]},
    "claimant": "test-ministry",
    "origin_document": "test-ministry-2021-release",
    "citations": [
        {"document": "test-ministry-2021-release", "quote": "1,234 workers left Foo in 2021"}
    ],
}


def create_all(client, key):
    for path, body in (
        ("/v1/sources", SOURCE),
        ("/v1/documents", DOCUMENT),
        ("/v1/estimates", ESTIMATE),
    ):
        r = client.post(path, json=body, headers=bearer(key))
        assert r.status_code == 201, r.text
    return r


def assert_problem(r, status: int, parameter: str | None = None):
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    if parameter:
        assert r.json()["parameter"] == parameter, r.json()


def test_write_without_key_is_401_with_www_authenticate(client):
    r = client.post("/v1/sources", json=SOURCE)
    assert_problem(r, 401)
    assert r.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize("token", ["nonsense", "dlk_abc_def", "dlk__"])
def test_unknown_or_malformed_key_is_401(client, keys, token):
    r = client.post("/v1/sources", json=SOURCE, headers=bearer(token))
    assert_problem(r, 401)
    assert 'error="invalid_token"' in r.headers["www-authenticate"]


def test_revoked_key_is_401(client, keys):
    r = client.post("/v1/sources", json=SOURCE, headers=bearer(keys["revoked"]))
    assert_problem(r, 401)
    assert "revoked" in r.json()["detail"]


def test_editor_may_not_delete_a_source(client, keys):
    client.post("/v1/sources", json=SOURCE, headers=bearer(keys["editor"]))
    etag = client.get("/v1/sources/test-ministry").headers["etag"]
    r = client.delete(
        "/v1/sources/test-ministry", headers=bearer(keys["editor"]) | {"If-Match": etag}
    )
    assert_problem(r, 403)


def test_create_read_edit_with_etags_and_history(client, keys, session):
    r = create_all(client, keys["editor"])
    assert r.headers["location"] == "/v1/estimates/test-ministry-2021-departures"
    got = client.get("/v1/estimates/test-ministry-2021-departures")
    assert got.json()["citations"][0]["quote"] == "1,234 workers left Foo in 2021"
    etag = got.headers["etag"]
    assert etag == r.headers["etag"]
    url = "/v1/estimates/test-ministry-2021-departures"

    assert_problem(client.patch(url, json={"notes": "x"}, headers=bearer(keys["editor"])), 428)
    stale = bearer(keys["editor"]) | {"If-Match": '"not-the-etag"'}
    assert_problem(client.patch(url, json={"notes": "x"}, headers=stale), 412)

    ok = client.patch(
        url,
        json={"notes": "checked against the release"},
        headers=bearer(keys["editor"]) | {"If-Match": etag},
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["notes"] == "checked against the release"
    assert ok.headers["etag"] != etag
    again = client.patch(
        url, json={"notes": "second"}, headers=bearer(keys["editor"]) | {"If-Match": etag}
    )
    assert_problem(again, 412)

    history = client.get(f"{url}/history").json()["data"]
    assert [h["action"] for h in history] == ["create", "update"]
    assert history[1]["before"]["notes"] is None
    assert history[1]["after"]["notes"] == "checked against the release"
    assert {h["actor"] for h in history} == {"ed"}

    changes = client.get("/v1/changes?limit=500").json()["data"]
    mine = [(c["resource_type"], c["action"]) for c in changes if c["actor"] == "ed"]
    assert mine == [
        ("source", "create"),
        ("document", "create"),
        ("estimate", "create"),
        ("estimate", "update"),
    ]
    ids = [c["id"] for c in changes]
    assert ids == sorted(ids)


def test_unknown_field_is_422_naming_it(client, keys):
    r = client.post("/v1/sources", json=SOURCE | {"colour": "red"}, headers=bearer(keys["editor"]))
    assert_problem(r, 422, "colour")


def test_missing_references_are_422_naming_the_field(client, keys):
    client.post("/v1/sources", json=SOURCE, headers=bearer(keys["editor"]))
    client.post("/v1/documents", json=DOCUMENT, headers=bearer(keys["editor"]))
    r = client.post(
        "/v1/estimates",
        json=ESTIMATE | {"metric": "no_such_metric"},
        headers=bearer(keys["editor"]),
    )
    assert_problem(r, 422, "metric")
    bad_quote = ESTIMATE | {"citations": [{"document": DOCUMENT["id"], "quote": "invented"}]}
    r = client.post("/v1/estimates", json=bad_quote, headers=bearer(keys["editor"]))
    assert_problem(r, 422, "citations.0.quote")


def test_invalid_values_are_422(client, keys):
    bad = ESTIMATE | {
        "value": {
            "kind": "range",
            "qualifier": "range",
            "unit": "persons",
            "text": "x",
            "low": 5,
            "high": 1,
        }
    }
    r = client.post("/v1/estimates", json=bad, headers=bearer(keys["editor"]))
    assert_problem(r, 422)
    assert "low < high" in r.json()["detail"]


def test_taken_id_is_409(client, keys):
    client.post("/v1/sources", json=SOURCE, headers=bearer(keys["editor"]))
    r = client.post("/v1/sources", json=SOURCE, headers=bearer(keys["editor"]))
    assert_problem(r, 409)


def test_deleting_what_others_depend_on_is_409(client, keys):
    create_all(client, keys["editor"])
    admin = bearer(keys["admin"])
    etag = client.get("/v1/documents/test-ministry-2021-release").headers["etag"]
    r = client.delete(
        "/v1/documents/test-ministry-2021-release", headers=admin | {"If-Match": etag}
    )
    assert_problem(r, 409)
    assert "test-ministry-2021-departures" in r.json()["detail"]
    etag = client.get("/v1/sources/test-ministry").headers["etag"]
    r = client.delete("/v1/sources/test-ministry", headers=admin | {"If-Match": etag})
    assert_problem(r, 409)
    assert "documents it published" in r.json()["detail"]


def test_admin_deletes_an_unused_source(client, keys, session):
    client.post("/v1/sources", json=SOURCE, headers=bearer(keys["editor"]))
    etag = client.get("/v1/sources/test-ministry").headers["etag"]
    r = client.delete(
        "/v1/sources/test-ministry", headers=bearer(keys["admin"]) | {"If-Match": etag}
    )
    assert r.status_code == 204
    assert session.get(Source, "test-ministry") is None
    assert client.get("/v1/changes?limit=500").json()["data"][-1]["action"] == "delete"


def test_retracting_hides_from_lists_but_keeps_the_record(client, keys):
    create_all(client, keys["editor"])
    url = "/v1/estimates/test-ministry-2021-departures"
    etag = client.get(url).headers["etag"]
    r = client.delete(url, headers=bearer(keys["editor"]) | {"If-Match": etag})
    assert r.status_code == 200 and r.json()["status"] == "retracted"
    listed = client.get("/v1/estimates?claimant=test-ministry").json()["data"]
    assert listed == []
    asked = client.get("/v1/estimates?claimant=test-ministry&status=retracted").json()["data"]
    assert [e["id"] for e in asked] == ["test-ministry-2021-departures"]
    assert client.get(url).json()["status"] == "retracted"


def test_superseding_an_estimate(client, keys):
    create_all(client, keys["editor"])
    newer = ESTIMATE | {
        "id": "test-ministry-2021-departures-corrected",
        "notes": "corrected figure",
    }
    assert (
        client.post("/v1/estimates", json=newer, headers=bearer(keys["editor"])).status_code == 201
    )
    url = "/v1/estimates/test-ministry-2021-departures"
    etag = client.get(url).headers["etag"]
    r = client.patch(
        url, json={"status": "superseded"}, headers=bearer(keys["editor"]) | {"If-Match": etag}
    )
    assert_problem(r, 422)
    r = client.patch(
        url,
        json={"status": "superseded", "superseded_by": newer["id"]},
        headers=bearer(keys["editor"]) | {"If-Match": etag},
    )
    assert r.status_code == 200, r.text
    assert r.json()["superseded_by"] == newer["id"]


def test_citations_can_be_added_and_the_last_one_cannot_go(client, keys):
    create_all(client, keys["editor"])
    r = client.post(
        "/v1/citations",
        headers=bearer(keys["editor"]),
        json={
            "estimate": ESTIMATE["id"],
            "document": DOCUMENT["id"],
            "quote": "Nothing else.",
        },
    )
    assert r.status_code == 201, r.text
    second = r.json()["id"]
    detail = client.get(f"/v1/estimates/{ESTIMATE['id']}").json()
    assert detail["citation_count"] == 2
    etag = client.get(f"/v1/citations/{second}").headers["etag"]
    r = client.delete(
        f"/v1/citations/{second}", headers=bearer(keys["editor"]) | {"If-Match": etag}
    )
    assert r.status_code == 204
    only = (
        detail["citations"][0]["id"]
        if detail["citations"][0]["id"] != second
        else detail["citations"][1]["id"]
    )
    etag = client.get(f"/v1/citations/{only}").headers["etag"]
    r = client.delete(f"/v1/citations/{only}", headers=bearer(keys["editor"]) | {"If-Match": etag})
    assert_problem(r, 409)
    history = client.get(f"/v1/estimates/{ESTIMATE['id']}/history").json()["data"]
    assert [(h["resource_type"], h["action"]) for h in history][-2:] == [
        ("citation", "create"),
        ("citation", "delete"),
    ]


def test_a_write_that_fails_part_way_leaves_nothing(client, keys, session, monkeypatch):
    client.post("/v1/sources", json=SOURCE, headers=bearer(keys["editor"]))
    client.post("/v1/documents", json=DOCUMENT, headers=bearer(keys["editor"]))
    before = session.scalar(select(func.count()).select_from(Change))

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(records, "log_change", broken)
    r = client.post("/v1/estimates", json=ESTIMATE, headers=bearer(keys["editor"]))
    assert_problem(r, 500)
    session.rollback()
    assert session.get(Estimate, ESTIMATE["id"]) is None
    assert session.scalar(select(func.count()).select_from(Change)) == before


def test_oversized_body_is_413_before_parsing(client, keys):
    body = b'{"id": "' + b"x" * 2_000_000 + b'"}'
    r = client.post(
        "/v1/sources",
        content=body,
        headers=bearer(keys["editor"]) | {"Content-Type": "application/json"},
    )
    assert_problem(r, 413)


def test_non_utf8_body_is_400_naming_the_body(client, keys):
    r = client.post(
        "/v1/sources",
        content=b'{"id": "\xff\xfe"}',
        headers=bearer(keys["editor"]) | {"Content-Type": "application/json"},
    )
    assert_problem(r, 400, "body")


def test_an_edited_period_and_metric_move_the_estimate_in_country_lists(client, keys):
    """A country's list is read off copies of each estimate's metric and period (its
    index); an edit must move them along."""
    create_all(client, keys["editor"])
    url = "/v1/estimates/test-ministry-2021-departures"

    def listed(query: str) -> bool:
        r = client.get(f"/v1/estimates?country=RU&{query}")
        assert r.status_code == 200, r.text
        return "test-ministry-2021-departures" in [e["id"] for e in r.json()["data"]]

    assert listed("metric=workers_repatriated&period_from=2021-06&period_to=2021-06")
    patch = {
        "metric": "workers_dispatched",
        "period": {"start": "2023-01-01", "end": "2023-12-31", "precision": "year", "text": "2023"},
    }
    etag = client.get(url).headers["etag"]
    r = client.patch(url, json=patch, headers=bearer(keys["editor"]) | {"If-Match": etag})
    assert r.status_code == 200, r.text
    assert not listed("metric=workers_repatriated&period_from=2021-06&period_to=2021-06")
    assert not listed("metric=workers_dispatched&period_from=2021-06&period_to=2021-06")
    assert listed("metric=workers_dispatched&period_from=2023-06&period_to=2023-06")
    assert listed("period_from=2023-06&period_to=2023-06")


def test_q_follows_every_edit_of_notes_values_and_quotes(client, keys, session):
    """SQLite answers `q=` from a full-text index that triggers keep; every edit, through
    the API or straight into the tables, must show in the next search."""
    from sqlalchemy import delete, text

    create_all(client, keys["editor"])
    eid = ESTIMATE["id"]
    url = f"/v1/estimates/{eid}"
    edit = bearer(keys["editor"])

    def found(q: str) -> bool:
        r = client.get("/v1/estimates", params={"q": q, "limit": 500})
        assert r.status_code == 200, r.text
        return eid in [e["id"] for e in r.json()["data"]]

    def patch(path: str, body: dict) -> None:
        r = client.patch(
            path, json=body, headers=edit | {"If-Match": client.get(path).headers["etag"]}
        )
        assert r.status_code == 200, r.text

    assert found("LEFT FOO") and not found("quartzite")
    patch(url, {"notes": "Seen in Quartzite county"})
    assert found("quartzite") and not found("basalt")
    patch(url, {"value": ESTIMATE["value"] | {"text": "about 1,234 basalt miners"}})
    assert found("basalt miners") and found("quartzite")
    patch(url, {"notes": None})
    assert not found("quartzite")

    r = client.post(
        "/v1/citations",
        headers=edit,
        json={"estimate": eid, "document": DOCUMENT["id"], "quote": "Nothing else."},
    )
    assert r.status_code == 201, r.text
    cid = r.json()["id"]
    assert found("nothing else")
    patch(f"/v1/citations/{cid}", {"quote": "The ministry said"})
    assert found("ministry said") and not found("nothing else")
    r = client.delete(
        f"/v1/citations/{cid}",
        headers=edit | {"If-Match": client.get(f"/v1/citations/{cid}").headers["etag"]},
    )
    assert r.status_code == 204
    assert not found("ministry said") and found("left foo")

    session.execute(delete(Estimate).where(Estimate.id == eid))  # its citations cascade
    session.flush()
    assert not found("left foo") and not found("basalt miners")
    if session.bind.dialect.name == "sqlite":  # nothing of it is left in the index
        left = "SELECT count(*) FROM search_doc WHERE estimate_id = :e"
        assert session.scalar(text(left), {"e": eid}) == 0
        assert session.scalar(text("SELECT count(*) FROM search_text")) == session.scalar(
            text("SELECT count(*) FROM search_doc")
        )


def test_status_lists_hold_exactly_the_estimates_in_those_states(client, keys, session):
    """Superseded and retracted estimates are listed from a partial index of their own
    (test_estimates.test_filters_read_their_indexes_on_sqlite); each status list must hold
    exactly its estimates, in period order."""
    from tests.api.test_estimates import all_pages

    create_all(client, keys["editor"])
    edit = bearer(keys["editor"])
    later = ESTIMATE | {
        "id": "test-ministry-2022-departures",
        "period": ESTIMATE["period"] | {"start": "2022-01-01", "end": "2022-12-31"},
    }
    newest = ESTIMATE | {"id": "test-ministry-2021-departures-corrected"}
    for body in (later, newest):
        r = client.post("/v1/estimates", json=body, headers=edit)
        assert r.status_code == 201, r.text
    old, url = ESTIMATE["id"], f"/v1/estimates/{ESTIMATE['id']}"
    r = client.patch(
        url,
        json={"status": "superseded", "superseded_by": newest["id"]},
        headers=edit | {"If-Match": client.get(url).headers["etag"]},
    )
    assert r.status_code == 200, r.text
    url = f"/v1/estimates/{later['id']}"
    r = client.delete(url, headers=edit | {"If-Match": client.get(url).headers["etag"]})
    assert r.status_code == 200, r.text

    def listed(*status: str) -> list[str]:
        query = "&".join(f"status={s}" for s in status)
        return [e["id"] for e in all_pages(client, f"/v1/estimates?{query}&limit=1")]

    assert listed("superseded") == [old]
    assert listed("retracted") == [later["id"]]
    assert listed("retracted", "superseded") == [old, later["id"]]
    active = {e["id"] for e in all_pages(client, "/v1/estimates?limit=500")}
    assert newest["id"] in active and old not in active and later["id"] not in active
    assert set(listed("active", "retracted")) == active | {later["id"]}


def post_estimate(client, keys, **changes):
    for path, body in (("/v1/sources", SOURCE), ("/v1/documents", DOCUMENT)):
        assert client.post(path, json=body, headers=bearer(keys["editor"])).status_code == 201
    return client.post("/v1/estimates", json=ESTIMATE | changes, headers=bearer(keys["editor"]))


def test_a_part_without_a_note_is_422_naming_population_note(client, keys):
    r = post_estimate(client, keys, population="part")
    assert_problem(r, 422, "population_note")
    assert "which part" in r.json()["detail"]


def test_a_note_on_a_total_is_422_naming_population_note(client, keys):
    assert_problem(post_estimate(client, keys, population_note="men only"), 422, "population_note")


def test_a_part_and_a_rate_are_saved_and_read_back(client, keys):
    value = ESTIMATE["value"] | {"per": "year"}
    r = post_estimate(
        client, keys, value=value, population="part", population_note="workers in logging only"
    )
    assert r.status_code == 201, r.text
    got = client.get(f"/v1/estimates/{ESTIMATE['id']}").json()
    assert got["value"]["per"] == "year"
    assert (got["population"], got["population_note"]) == ("part", "workers in logging only")


def test_a_patch_makes_a_part_whole_only_by_dropping_its_note(client, keys):
    r = post_estimate(client, keys, population="part", population_note="IT workers only")
    url, etag = f"/v1/estimates/{ESTIMATE['id']}", r.headers["etag"]
    headers = bearer(keys["editor"]) | {"If-Match": etag}
    assert_problem(client.patch(url, json={"population": "all"}, headers=headers), 422)
    r = client.patch(url, json={"population": "all", "population_note": None}, headers=headers)
    assert r.status_code == 200, r.text
    assert (r.json()["population"], r.json()["population_note"]) == ("all", None)


def test_an_unknown_rate_basis_is_422_naming_value_per(client, keys):
    r = post_estimate(client, keys, value=ESTIMATE["value"] | {"per": "week"})
    assert_problem(r, 422, "value.per")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("start", "0001-01-01"),
        ("start", "1944-12-31"),
        ("end", f"{datetime.now(UTC).year + 6}-01-01"),
    ],
)
def test_a_period_outside_the_plausible_years_is_422_naming_the_field(client, keys, field, value):
    create_all(client, keys["editor"])
    period = {"start": "2021-01-01", "end": "2021-12-31", "precision": "year", "text": "in 2021"}
    body = ESTIMATE | {"id": "implausible", "period": period | {field: value}}
    if field == "start":
        body["period"]["end"] = "2021-12-31"
    r = client.post("/v1/estimates", json=body, headers=bearer(keys["editor"]))
    assert_problem(r, 422, f"period.{field}")
    assert "1945" in r.json()["detail"]
    assert client.get("/v1/estimates/implausible").status_code == 404


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31"])
def test_a_document_published_outside_the_plausible_years_is_422(client, keys, value):
    create_all(client, keys["editor"])
    body = DOCUMENT | {"id": "implausible-release", "published_on": value}
    r = client.post("/v1/documents", json=body, headers=bearer(keys["editor"]))
    assert_problem(r, 422, "published_on")


def test_a_period_from_the_first_plausible_year_is_accepted(client, keys):
    create_all(client, keys["editor"])
    period = {"start": "1945-01-01", "end": "1945-12-31", "precision": "year", "text": "1945"}
    body = ESTIMATE | {"id": "early", "period": period}
    assert (
        client.post("/v1/estimates", json=body, headers=bearer(keys["editor"])).status_code == 201
    )


def test_the_if_match_example_is_the_live_etag_of_its_estimate(client):
    live = client.get(PANEL).headers["etag"]
    assert live == EXAMPLE_ETAG, (
        f"the estimate changed: set EXAMPLE_ETAG (app/api/writes.py) to {live}"
    )
    spec = client.get("/openapi.json").json()
    params = spec["paths"]["/v1/estimates/{estimate_id}"]["patch"]["parameters"]
    header = next(p for p in params if p["name"].lower() == "if-match")
    assert header["schema"]["examples"] == [EXAMPLE_ETAG]


@pytest.mark.parametrize("body", [b"{not json", b"\xff\xfe", b""])
@pytest.mark.parametrize("authorization", [None, "Basic dTpw", "Bearer not-a-key"])
def test_a_write_without_a_usable_key_is_401_whatever_its_body(client, body, authorization):
    headers = {"Content-Type": "application/json"}
    if authorization:
        headers["Authorization"] = authorization
    r = client.post("/v1/sources", content=body, headers=headers)
    assert_problem(r, 401)
    assert "WWW-Authenticate" in r.headers


def test_a_change_of_linked_rows_alone_raises_the_version(client, keys, session):
    create_all(client, keys["editor"])
    url = f"/v1/estimates/{ESTIMATE['id']}"

    def version() -> int:
        session.expire_all()
        return session.scalar(select(Estimate.version).where(Estimate.id == ESTIMATE["id"]))

    before = version()
    etag = client.get(url).headers["etag"]
    r = client.patch(
        url, json={"sectors": ["construction"]}, headers=bearer(keys["editor"]) | {"If-Match": etag}
    )
    assert r.status_code == 200, r.text
    assert [s["id"] for s in r.json()["sectors"]] == ["construction"]
    assert version() == before + 1
    etag = r.headers["etag"]
    quote = {"document": "test-ministry-2021-release", "quote": "Nothing else."}
    cited = client.post(
        "/v1/citations", json=quote | {"estimate": ESTIMATE["id"]}, headers=bearer(keys["editor"])
    )
    assert cited.status_code == 201, cited.text
    assert version() == before + 2
    # the estimate's ETag moved with it: the old one no longer passes
    stale = client.patch(
        url, json={"notes": "x"}, headers=bearer(keys["editor"]) | {"If-Match": etag}
    )
    assert_problem(stale, 412)


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,x", "ftp://x.org/a", "www.x.org"]
)
@pytest.mark.parametrize(("path", "body"), [("/v1/sources", SOURCE), ("/v1/documents", DOCUMENT)])
def test_a_url_that_is_not_a_web_address_is_refused(client, keys, path, body, url):
    """Pages link these for readers to follow: a `javascript:` address would run there."""
    if path == "/v1/documents":
        assert (
            client.post("/v1/sources", json=SOURCE, headers=bearer(keys["editor"])).status_code
            == 201
        )
    r = client.post(path, json=body | {"url": url}, headers=bearer(keys["editor"]))
    assert_problem(r, 422, "url")
