"""GET /v1/changes and /v1/estimates/{id}/history, the audit log: syncing by cursor and
time, what it keeps of a document's full text through edits and deletion, and of an
estimate's population and basis."""

import hashlib
import json

import pytest

from app import auth
from app.enums import Role
from tests.api.test_writes import (
    DOCUMENT,
    ESTIMATE,
    SOURCE,
    assert_problem,
    bearer,
    create_all,
    post_estimate,
)

# ~100 KB, with characters beyond ASCII so that the logged length (characters) differs from
# the UTF-8 byte count, and a phrase found nowhere else to look for in raw responses.
MARKER = "quokka-ledger-7731"
LONG_TEXT = "The ministry said 1,234 workers left Foo in 2021. " + "".join(
    f"Пхеньян, paragraph {i}: {MARKER} and some words of filler. " for i in range(1600)
)
DIGEST = {"sha256": hashlib.sha256(LONG_TEXT.encode()).hexdigest(), "length": len(LONG_TEXT)}
DOC_URL = f"/v1/documents/{DOCUMENT['id']}"


@pytest.fixture
def keys(session):
    editor = auth.create_key(session, "ed", Role.editor)
    admin = auth.create_key(session, "ad", Role.admin)
    session.flush()
    return {"editor": editor, "admin": admin}


def all_changes(client) -> tuple[list[dict], str]:
    """Every entry of /v1/changes, following the next links, and the raw bodies joined."""
    entries, bodies, url = [], [], "/v1/changes?limit=500"
    while url:
        r = client.get(url)
        assert r.status_code == 200, r.text
        bodies.append(r.text)
        entries += r.json()["data"]
        url = r.json()["meta"]["next"]
    return entries, "".join(bodies)


def write_document_and_edit_its_notes(client, keys) -> None:
    editor = bearer(keys["editor"])
    assert client.post("/v1/sources", json=SOURCE, headers=editor).status_code == 201
    r = client.post("/v1/documents", json=DOCUMENT | {"full_text": LONG_TEXT}, headers=editor)
    assert r.status_code == 201, r.text
    for n in range(3):
        r = client.patch(
            DOC_URL, json={"notes": f"edit {n}"}, headers=editor | {"If-Match": r.headers["etag"]}
        )
        assert r.status_code == 200, r.text
    assert client.get(DOC_URL).json()["full_text"] == LONG_TEXT


def test_the_log_holds_a_documents_text_as_its_sha256_and_length(client, keys):
    write_document_and_edit_its_notes(client, keys)
    entries, raw = all_changes(client)
    mine = [c for c in entries if c["resource_id"] == DOCUMENT["id"]]
    assert [c["action"] for c in mine] == ["create", "update", "update", "update"]
    assert mine[0]["before"] is None
    for c in mine:
        assert c["after"]["full_text"] == DIGEST
        if c["before"] is not None:
            assert c["before"]["full_text"] == DIGEST
    assert [c["after"]["notes"] for c in mine] == [None, "edit 0", "edit 1", "edit 2"]
    assert MARKER not in raw
    # entries of a 100 KB text are as small as those of a short one: bounded by the other fields
    assert all(len(json.dumps(c)) < 2_000 for c in mine)


def test_a_changed_text_shows_as_a_new_digest(client, keys):
    write_document_and_edit_its_notes(client, keys)
    etag = client.get(DOC_URL).headers["etag"]
    new_text = LONG_TEXT + " Corrected."
    r = client.patch(
        DOC_URL,
        json={"full_text": new_text},
        headers=bearer(keys["editor"]) | {"If-Match": etag},
    )
    assert r.status_code == 200, r.text
    last = all_changes(client)[0][-1]
    assert last["before"]["full_text"] == DIGEST
    assert last["after"]["full_text"] == {
        "sha256": hashlib.sha256(new_text.encode()).hexdigest(),
        "length": len(new_text),
    }


def test_a_deleted_documents_text_is_nowhere_in_the_log(client, keys):
    write_document_and_edit_its_notes(client, keys)
    etag = client.get(DOC_URL).headers["etag"]
    r = client.delete(DOC_URL, headers=bearer(keys["admin"]) | {"If-Match": etag})
    assert r.status_code == 204, r.text
    entries, raw = all_changes(client)
    assert entries[-1]["action"] == "delete" and entries[-1]["before"]["full_text"] == DIGEST
    assert MARKER not in raw
    ndjson = client.get("/v1/changes?format=ndjson")
    assert ndjson.status_code == 200 and MARKER not in ndjson.text


def test_the_audit_log_keeps_population_and_basis(client, keys):
    value = ESTIMATE["value"] | {"per": "month"}
    r = post_estimate(client, keys, value=value, population="part", population_note="women only")
    assert r.status_code == 201, r.text
    after = client.get(f"/v1/estimates/{ESTIMATE['id']}/history").json()["data"][0]["after"]
    assert after["value"]["per"] == "month"
    assert (after["population"], after["population_note"]) == ("part", "women only")


def test_changes_sync_with_cursor_and_since(client, keys):
    create_all(client, keys["editor"])
    first = client.get("/v1/changes?limit=1&resource_type=source&since=2000-01-01T00:00:00Z")
    assert first.status_code == 200
    page = client.get("/v1/changes?limit=500").json()
    assert page["data"][-1]["resource_id"] == "test-ministry-2021-departures"
    later = client.get("/v1/changes?since=2999-01-01T00:00:00Z").json()
    assert later["data"] == []
    assert_problem(client.get("/v1/changes?since=yesterday"), 400, "since")
