"""The response cache against a live server: answers are reused only while the data is
unchanged, whoever changes it (the API, or any other connection)."""

import threading

import httpx
from sqlalchemy import text

from app.db import make_engine
from tests.conftest import live_server, seed_database

ESTIMATE = "/v1/estimates/panel-2024-workers-abroad-2023"


def test_answers_are_reused_until_the_data_changes(backend, new_database):
    url = new_database(backend)
    key = seed_database(url, editor="ed")
    engine = make_engine(url)

    with live_server(url) as base, httpx.Client(base_url=base) as c:
        first = c.get(ESTIMATE)
        again = c.get(ESTIMATE)
        assert (first.headers["x-cache"], again.headers["x-cache"]) == ("miss", "hit")
        assert again.content == first.content
        assert again.headers["etag"] == first.headers["etag"]
        assert again.headers["content-type"] == "application/json"
        assert c.get(ESTIMATE, headers={"If-None-Match": first.headers["etag"]}).status_code == 304

        # A change committed outside the API (another process, a SQL shell) is seen at once.
        with engine.begin() as conn:
            conn.execute(
                text("UPDATE estimate SET notes = 'edited in SQL' WHERE id = :id"),
                {"id": ESTIMATE.rsplit("/", 1)[1]},
            )
        after_sql = c.get(ESTIMATE)
        assert after_sql.headers["x-cache"] == "miss"
        assert after_sql.json()["notes"] == "edited in SQL"

        # So is one made through the API, in lists as well as in the item.
        card = "/v1/estimates?metric=workers_abroad&limit=500"
        assert c.get(card).status_code == 200
        # On PostgreSQL the version is the cluster's snapshot: a write to another database
        # of the cluster (another test run) also moves it, so a few tries are allowed.
        assert "hit" in [c.get(card).headers["x-cache"] for _ in range(3)]
        r = c.patch(
            ESTIMATE,
            json={"notes": "edited through the API"},
            headers={"Authorization": f"Bearer {key}", "If-Match": after_sql.headers["etag"]},
        )
        assert r.status_code == 200, r.text
        assert c.get(ESTIMATE).json()["notes"] == "edited through the API"
        listed = {e["id"]: e for e in c.get(card).json()["data"]}
        assert listed["panel-2024-workers-abroad-2023"]["notes"] == "edited through the API"

        # `next` links name the public base URL (PUBLIC_URL), never the Host asked for.
        page = "/v1/estimates?limit=1"
        links = {
            c.get(page, headers={"Host": host}).json()["meta"]["next"]
            for host in ("a.example", "b.example", "a.example")
        }
        assert len(links) == 1 and "example" not in links.pop()

        # Of Accept, only the format counts: JSON answers are shared, CSV is never kept.
        as_json = {"Host": "a.example", "Accept": "application/json"}
        assert c.get(page, headers=as_json).headers["x-cache"] == "hit"
        csv = c.get(
            page.replace("limit=1", "metric=workers_abroad"), headers={"Accept": "text/csv"}
        )
        assert csv.headers["content-type"].startswith("text/csv")

        # Errors and exports are never kept.
        assert "x-cache" not in c.get("/v1/estimates?limit=0").headers
        assert "x-cache" not in c.get("/v1/estimates.csv?metric=workers_abroad").headers
    engine.dispose()


def test_concurrent_requests_for_one_answer_build_it_once(backend, new_database):
    url = new_database(backend)
    seed_database(url)
    with live_server(url) as base:
        path = "/v1/estimates?q=workers&limit=500"
        barrier = threading.Barrier(8)
        seen: list[str] = []

        def get() -> None:
            with httpx.Client(base_url=base, timeout=60) as c:
                barrier.wait()
                r = c.get(path)
                assert r.status_code == 200
                seen.append(r.headers["x-cache"])

        threads = [threading.Thread(target=get) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(seen) == ["hit"] * 7 + ["miss"], seen


def test_a_write_is_seen_by_the_next_read_while_other_reads_are_in_flight(backend, new_database):
    """Readers keep the data-version reads busy (PostgreSQL shares one among the requests
    waiting for it); every read made after a write returned shows that write."""
    url = new_database(backend)
    key = seed_database(url, editor="ed")
    with live_server(url) as base:
        stop = threading.Event()

        def hammer() -> None:
            with httpx.Client(base_url=base) as c:
                while not stop.is_set():
                    c.get(ESTIMATE)

        readers = [threading.Thread(target=hammer) for _ in range(6)]
        for t in readers:
            t.start()
        try:
            with httpx.Client(base_url=base) as c:
                for n in range(15):
                    etag = c.get(ESTIMATE).headers["etag"]
                    r = c.patch(
                        ESTIMATE,
                        json={"notes": f"edit {n}"},
                        headers={"Authorization": f"Bearer {key}", "If-Match": etag},
                    )
                    assert r.status_code == 200, r.text
                    assert c.get(ESTIMATE).json()["notes"] == f"edit {n}"
        finally:
            stop.set()
            for t in readers:
                t.join()
