"""Concurrent requests against a live server, on both databases: no lost or overwritten
edits, one winner per race, collisions as 409s (never 500s), exports that are one snapshot,
and an audit feed that a client following it by id never sees with a gap.

Each race starts its requests together (a barrier) in threads, each with its own client."""

import itertools
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy.orm import Session

from app import auth
from app.db import make_engine
from app.enums import Role
from tests.api.test_writes import DOCUMENT, ESTIMATE, SOURCE
from tests.conftest import add_estimate, live_server, seed_database

TARGET = "panel-2024-workers-abroad-2023"
SECTORS = ["construction", "information_technology", "logging", "medicine", "mining"]
WRITERS = 9
# Enough estimates that an export takes two pages (500 rows each), and so can split.
EXTRA_ESTIMATES = 560


@dataclass
class Live:
    base: str
    editor: dict[str, str]
    admin: dict[str, str]


@pytest.fixture(scope="module")
def live(backend: str, new_database) -> Iterator[Live]:
    url = new_database(backend)
    editor = seed_database(url, editor="racer")
    engine = make_engine(url)
    with Session(engine) as session:
        admin = auth.create_key(session, "racing-admin", Role.admin)
        for i in range(EXTRA_ESTIMATES):
            add_estimate(session, f"bulk-{i:04d}")
        session.commit()
    engine.dispose()
    with live_server(url) as base:
        yield Live(
            base,
            {"Authorization": f"Bearer {editor}"},
            {"Authorization": f"Bearer {admin}"},
        )


def race(base: str, n: int, request: Callable[[httpx.Client, int], httpx.Response]):
    """`request(client, i)` for i in range(n), all released at once; the responses by i."""
    barrier = threading.Barrier(n)
    results: dict[int, httpx.Response] = {}

    def run(i: int) -> None:
        with httpx.Client(base_url=base, timeout=60) as c:
            barrier.wait()
            results[i] = request(c, i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def statuses(results: dict[int, httpx.Response]) -> list[int]:
    return sorted(r.status_code for r in results.values())


def winner_of(results: dict[int, httpx.Response], status: int) -> int:
    (winner,) = [i for i, r in results.items() if r.status_code == status]
    return winner


def notes_patches(current: dict) -> list[dict]:
    return [{"notes": f"{current['notes']} / writer {i}"} for i in range(WRITERS)]


def sector_patches(current: dict) -> list[dict]:
    # only linked rows: the estimate's own row does not change
    stored = [s["id"] for s in current["sectors"]]
    pairs = [list(p) for p in itertools.combinations(SECTORS, 2) if list(p) != stored]
    return [{"sectors": p} for p in pairs[:WRITERS]]


@pytest.mark.parametrize("patches", [notes_patches, sector_patches], ids=["notes", "sectors"])
def test_concurrent_patches_with_one_etag_let_exactly_one_win(live: Live, patches):
    """Every writer sends a different change, each with the same ETag: exactly one wins,
    what is stored is what it sent, and the audit log's last entry is the stored row."""
    url = f"{live.base}/v1/estimates/{TARGET}"
    for _round in range(3):
        current = httpx.get(url)
        etag, bodies = current.headers["etag"], patches(current.json())
        results = race(
            live.base,
            WRITERS,
            lambda c, i, etag=etag, bodies=bodies: c.patch(
                url, json=bodies[i], headers=live.editor | {"If-Match": etag}
            ),
        )
        assert statuses(results) == [200] + [412] * (WRITERS - 1), statuses(results)
        sent = bodies[winner_of(results, 200)]
        stored = httpx.get(url).json()
        if "notes" in sent:
            assert stored["notes"] == sent["notes"]
        else:
            assert [s["id"] for s in stored["sectors"]] == sent["sectors"]
        history = httpx.get(f"{url}/history", params={"limit": 500}).json()["data"]
        last = history[-1]["after"]
        assert last["notes"] == stored["notes"]
        assert last["sectors"] == [s["id"] for s in stored["sectors"]]


def one_create_wins(live: Live, collection: str, bodies: list[dict]) -> int:
    """POST `bodies` (one id) to `collection` at once: one 201, 409s naming `id`; the
    winner's index."""
    results = race(
        live.base, len(bodies), lambda c, i: c.post(collection, json=bodies[i], headers=live.editor)
    )
    assert statuses(results) == [201] + [409] * (len(bodies) - 1), statuses(results)
    for r in results.values():
        if r.status_code == 409:
            assert r.headers["content-type"] == "application/problem+json"
            assert r.json()["parameter"] == "id"
    return winner_of(results, 201)


def test_concurrent_creates_of_one_id_give_one_201_and_409s_naming_id(live: Live):
    body = SOURCE | {"id": "racing-ministry"}
    bodies = [body | {"name": f"Ministry {i}"} for i in range(WRITERS)]
    winner = one_create_wins(live, "/v1/sources", bodies)
    stored = httpx.get(f"{live.base}/v1/sources/racing-ministry").json()
    assert stored["name"] == f"Ministry {winner}"
    log = httpx.get(
        f"{live.base}/v1/changes", params={"resource_type": "source", "limit": 500}
    ).json()["data"]
    mine = [c for c in log if c["resource_id"] == "racing-ministry"]
    assert [c["action"] for c in mine] == ["create"]
    assert mine[0]["after"]["name"] == f"Ministry {winner}"


def test_concurrent_creates_of_one_estimate_never_overwrite(live: Live):
    prefix = "racing-est"
    source = SOURCE | {"id": f"{prefix}-ministry"}
    document = DOCUMENT | {"id": f"{prefix}-release", "publisher": source["id"]}
    assert (
        httpx.post(f"{live.base}/v1/sources", json=source, headers=live.editor).status_code == 201
    )
    assert (
        httpx.post(f"{live.base}/v1/documents", json=document, headers=live.editor).status_code
        == 201
    )
    citation = ESTIMATE["citations"][0] | {"document": document["id"]}
    body = ESTIMATE | {
        "id": f"{prefix}-departures",
        "claimant": source["id"],
        "origin_document": document["id"],
        "citations": [citation],
    }
    bodies = [body | {"notes": f"editor {i}"} for i in range(WRITERS)]
    winner = one_create_wins(live, "/v1/estimates", bodies)
    stored = httpx.get(f"{live.base}/v1/estimates/{body['id']}").json()
    assert stored["notes"] == f"editor {winner}"
    history = httpx.get(f"{live.base}/v1/estimates/{body['id']}/history").json()["data"]
    assert [h["action"] for h in history] == ["create"]
    assert history[0]["after"]["notes"] == f"editor {winner}"


def test_concurrent_citations_of_one_estimate_get_distinct_ids(live: Live):
    results = race(
        live.base,
        WRITERS,
        lambda c, i: c.post(
            "/v1/citations",
            json={
                "estimate": TARGET,
                "document": "rfa-2024-north-koreans-worked-overseas-in-2023",
                "quote": "Around 100,000 North Koreans worked overseas in 2023",
                "locator": f"read {i}",
            },
            headers=live.editor,
        ),
    )
    assert statuses(results) == [201] * WRITERS, [r.text for r in results.values()]
    ids = {r.json()["id"] for r in results.values()}
    assert len(ids) == WRITERS
    stored = httpx.get(f"{live.base}/v1/estimates/{TARGET}").json()
    assert ids <= {c["id"] for c in stored["citations"]}


def test_deleting_a_source_while_a_document_names_it_is_never_a_500(live: Live):
    for n in range(6):
        source = SOURCE | {"id": f"fleeting-{n}"}
        assert (
            httpx.post(f"{live.base}/v1/sources", json=source, headers=live.editor).status_code
            == 201
        )
        etag = httpx.get(f"{live.base}/v1/sources/{source['id']}").headers["etag"]
        document = DOCUMENT | {"id": f"fleeting-release-{n}", "publisher": source["id"]}

        def act(
            c: httpx.Client, i: int, source=source, etag=etag, document=document
        ) -> httpx.Response:
            if i == 0:
                return c.delete(
                    f"/v1/sources/{source['id']}", headers=live.admin | {"If-Match": etag}
                )
            return c.post("/v1/documents", json=document, headers=live.editor)

        results = race(live.base, 2, act)
        deleted, created = results[0].status_code, results[1].status_code
        # The document came first: the source's representation (its documents) changed
        # (412) or it is in use (409). The delete came first: the publisher is gone (422
        # when the create checked after the delete committed, 409 when the database did).
        assert (deleted, created) in {(204, 409), (204, 422), (409, 201), (412, 201)}, (
            results[0].text,
            results[1].text,
        )
        source_there = httpx.get(f"{live.base}/v1/sources/{source['id']}").status_code == 200
        document_there = httpx.get(f"{live.base}/v1/documents/{document['id']}").status_code
        assert source_there == (deleted != 204)
        assert (document_there == 200) == (created == 201)


def exported_ids(base: str) -> list[str]:
    export = httpx.get(f"{base}/v1/estimates.ndjson", timeout=60)
    assert export.status_code == 200
    return [json.loads(line)["id"] for line in export.text.splitlines()]


def test_an_export_taken_during_edits_is_one_snapshot(live: Live):
    """An estimate moves back and forth across the export's page boundary while exports
    run: each export holds every estimate exactly once."""
    mover = "bulk-0000"
    url = f"{live.base}/v1/estimates/{mover}"
    expected = set(exported_ids(live.base))
    assert mover in expected and len(expected) > 500
    stop = threading.Event()
    edits: list[int] = []

    def edit() -> None:
        with httpx.Client(timeout=60) as c:
            for k in range(40):
                if stop.is_set():
                    return
                year = 2012 if k % 2 else 2025
                etag = c.get(url).headers["etag"]
                period = {
                    "start": f"{year}-01-01",
                    "end": f"{year}-12-31",
                    "precision": "year",
                    "text": str(year),
                }
                r = c.patch(url, json={"period": period}, headers=live.editor | {"If-Match": etag})
                edits.append(r.status_code)

    editor = threading.Thread(target=edit)
    editor.start()
    try:
        for _ in range(8):
            ids = exported_ids(live.base)
            assert len(ids) == len(set(ids)), "an estimate is in the export twice"
            assert set(ids) == expected, "an estimate is missing from the export"
    finally:
        stop.set()
        editor.join()
    assert edits and set(edits) == {200}


def test_the_audit_feed_never_shows_a_gap_that_fills_in_later(live: Live):
    """Writers commit while a reader polls the feed: every poll sees all the entries up to
    its newest, so a client that resumes after its newest entry misses none."""
    targets = [f"bulk-{i:04d}" for i in range(100, 104)]
    stop = threading.Event()
    seen: list[list[int]] = []

    def poll() -> None:
        with httpx.Client(base_url=live.base, timeout=60) as c:
            while not stop.is_set():
                ids, url = [], f"{live.base}/v1/changes?limit=500"
                while url:
                    page = c.get(url).json()
                    ids += [e["id"] for e in page["data"]]
                    url = page["meta"]["next"]
                seen.append(ids)

    def write(c: httpx.Client, i: int) -> httpx.Response:
        last = None
        for k in range(8):
            url = f"/v1/estimates/{targets[i]}"
            etag = c.get(url).headers["etag"]
            last = c.patch(
                url, json={"notes": f"edit {k}"}, headers=live.editor | {"If-Match": etag}
            )
            assert last.status_code == 200, last.text
        assert last is not None
        return last

    poller = threading.Thread(target=poll)
    poller.start()
    try:
        race(live.base, len(targets), write)
    finally:
        stop.set()
        poller.join()
    everything: list[int] = []
    url = f"{live.base}/v1/changes?limit=500"
    while url:
        page = httpx.get(url).json()
        everything += [e["id"] for e in page["data"]]
        url = page["meta"]["next"]
    assert len(seen) > 1
    for ids in seen:
        newest = max(ids, default=0)
        assert ids == [i for i in everything if i <= newest], "a poll missed an entry"


def test_estimate_period_years_are_checked_on_the_live_server_too(live: Live):
    etag = httpx.get(f"{live.base}/v1/estimates/bulk-0001").headers["etag"]
    period = {"start": "0001-01-01", "end": "2024-12-31", "precision": "year", "text": "ever"}
    r = httpx.patch(
        f"{live.base}/v1/estimates/bulk-0001",
        json={"period": period},
        headers=live.editor | {"If-Match": etag},
    )
    assert r.status_code == 422 and r.json()["parameter"] == "period.start"
    assert httpx.get(f"{live.base}/v1/estimates?period_from=2018").status_code == 200
