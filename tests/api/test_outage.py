"""A database in trouble, under a live server: a quick 503 problem+json with Retry-After,
never a hang or a 500; /healthz answers throughout; recovery is automatic.

PostgreSQL goes away through a loopback proxy the tests cut or freeze (tests/faults.py),
or holds a lock; SQLite is held by another writer or opened read-only. Every wait is
bounded by the client's timeout, so a hang fails the test instead of stalling the run."""

import sqlite3
import threading
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.db import normalise_url
from tests.api.test_writes import SOURCE
from tests.conftest import POSTGRES_ON, live_server, seed_database
from tests.faults import Proxy, proxy_to

CARD = "/v1/estimates?metric=workers_abroad&country=CN&period_from=2019&period_to=2024"
PANEL = "/v1/estimates/panel-2024-workers-abroad-2023"
# Well inside the 2 s a client may wait for its 503; long enough for a busy CI machine.
QUICK = 3.0
# Short waits for locks, so that the tests take seconds.
FAST_LOCKS = {"DB_LOCK_TIMEOUT_MS": "800", "DB_STATEMENT_TIMEOUT_MS": "3000"}


def assert_unavailable(r: httpx.Response) -> None:
    assert r.status_code == 503, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["type"].endswith("/database-unavailable")
    assert int(r.headers["retry-after"]) > 0


def assert_alive(base: str) -> None:
    assert httpx.get(f"{base}/healthz", timeout=1.0).json() == {"status": "ok"}
    assert httpx.get(f"{base}/docs", timeout=1.0).status_code == 200


def seed(url: str) -> tuple[str, str]:
    key = seed_database(url, editor="outage-editor")
    assert key is not None
    return url, key


@pytest.fixture
def pg_seeded(new_database) -> tuple[str, str]:
    """A new seeded PostgreSQL database and an editor's key for it."""
    if not POSTGRES_ON:
        pytest.skip("TEST_POSTGRES=0: PostgreSQL's outages are not tested")
    return seed(new_database("postgresql"))


@pytest.fixture
def sqlite_seeded(new_database) -> tuple[str, str]:
    """A new seeded SQLite database and an editor's key for it."""
    return seed(new_database("sqlite"))


@pytest.fixture
def proxied(pg_seeded) -> Iterator[tuple[str, str, Proxy]]:
    """A live server whose PostgreSQL sits behind a proxy: (base URL, editor key, proxy)."""
    url, key = pg_seeded
    with proxy_to(url) as proxy, live_server(proxy.url(url), **FAST_LOCKS) as base:
        yield base, key, proxy


def test_postgresql_cut_off_is_a_quick_503_and_recovers_by_itself(proxied):
    base, key, proxy = proxied
    for _ in range(2):  # the second from the answer cache
        assert httpx.get(base + CARD).status_code == 200
    etag = httpx.get(base + PANEL).headers["etag"]

    proxy.cut()
    assert_alive(base)
    for path in (CARD, PANEL, "/v1/countries/CN", "/v1/estimates.csv?country=RU"):
        assert_unavailable(httpx.get(base + path, timeout=QUICK))
    write = httpx.patch(
        base + PANEL,
        json={"notes": "during the outage"},
        headers={"Authorization": f"Bearer {key}", "If-Match": etag},
        timeout=QUICK,
    )
    assert_unavailable(write)
    ready = httpx.get(f"{base}/readyz", timeout=QUICK)
    assert ready.status_code == 503 and ready.json()["database"] == "unreachable"
    assert int(ready.headers["retry-after"]) > 0
    assert_alive(base)

    proxy.restore()
    assert httpx.get(base + CARD, timeout=QUICK).status_code == 200
    assert httpx.get(base + PANEL, timeout=QUICK).json()["notes"] != "during the outage"
    assert httpx.get(f"{base}/readyz", timeout=QUICK).json()["writable"] is True


def test_postgresql_that_stops_answering_is_a_503_and_freezes_nothing_else(proxied):
    """Connections stay open and nothing comes back: no server-side timeout can fire, so
    the watchdog (app.db) gives up on the ping, and connecting anew times out."""
    base, _key, proxy = proxied
    for _ in range(2):
        assert httpx.get(base + CARD).status_code == 200
    proxy.freeze()
    answers: list[httpx.Response] = []
    reader = threading.Thread(target=lambda: answers.append(httpx.get(base + PANEL, timeout=10)))
    reader.start()
    try:
        for _ in range(5):  # while a request waits on the database
            assert_alive(base)
        assert_unavailable(httpx.get(base + CARD, timeout=10))
    finally:
        reader.join()
        proxy.restore()
    assert_unavailable(answers[0])
    assert httpx.get(base + CARD, timeout=QUICK).status_code == 200


def test_postgresql_table_lock_is_a_503_after_the_lock_timeout_for_every_waiter(proxied, pg_seeded):
    base, _key, _proxy = proxied
    url, _ = pg_seeded
    locker = create_engine(normalise_url(url))
    with locker.connect() as conn:
        conn.execute(text("LOCK TABLE estimate IN ACCESS EXCLUSIVE MODE"))
        results: list[httpx.Response] = []

        def read(i: int) -> None:
            # distinct URLs: none can be answered from the cache
            results.append(httpx.get(f"{base}/v1/estimates?limit={i + 1}", timeout=10))

        readers = [threading.Thread(target=read, args=(i,)) for i in range(6)]
        for t in readers:
            t.start()
        assert_alive(base)  # more waiters than worker threads: the event loop still answers
        for t in readers:
            t.join()
        conn.rollback()
    locker.dispose()
    assert len(results) == 6
    for r in results:
        assert_unavailable(r)
    assert httpx.get(f"{base}/v1/estimates?limit=7", timeout=QUICK).status_code == 200


def test_postgresql_read_only_database_refuses_writes_with_503_and_says_so(pg_seeded):
    url, key = pg_seeded
    name = make_url(url).database
    admin = create_engine(normalise_url(url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on'))
    admin.dispose()
    with live_server(url) as base:
        assert_read_only(base, key)


def create_source(base: str, key: str, id: str, timeout: float = QUICK) -> httpx.Response:
    return httpx.post(
        f"{base}/v1/sources",
        json=SOURCE | {"id": id},
        headers={"Authorization": f"Bearer {key}"},
        timeout=timeout,
    )


def assert_read_only(base: str, key: str) -> None:
    """Reads work, /readyz says so and that writes do not, a write is a 503."""
    assert httpx.get(base + CARD, timeout=QUICK).status_code == 200
    ready = httpx.get(f"{base}/readyz", timeout=QUICK).json()
    assert ready["status"] == "ok" and ready["writable"] is False
    assert_unavailable(create_source(base, key, "not-stored"))


def sqlite_file(url: str) -> str:
    database = make_url(url).database
    assert database is not None
    return database


def test_sqlite_held_by_another_writer_is_a_503_for_writes_and_reads_go_on(sqlite_seeded):
    url, key = sqlite_seeded
    with live_server(url, **FAST_LOCKS) as base:
        holder = sqlite3.connect(sqlite_file(url), isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # the write lock, held
        try:
            results: list[httpx.Response] = []

            def write(i: int) -> None:
                results.append(create_source(base, key, f"blocked-{i}", timeout=10))

            writers = [threading.Thread(target=write, args=(i,)) for i in range(6)]
            for t in writers:
                t.start()
            assert_alive(base)  # more writers waiting than worker threads
            for t in writers:
                t.join()
            assert httpx.get(base + CARD, timeout=QUICK).status_code == 200
        finally:
            holder.rollback()
            holder.close()
        assert len(results) == 6
        for r in results:
            assert_unavailable(r)
        assert httpx.get(f"{base}/v1/sources/blocked-0", timeout=QUICK).status_code == 404
        ok = create_source(base, key, "unblocked")
        assert ok.status_code == 201, ok.text


def test_sqlite_read_only_file_serves_reads_and_answers_writes_with_503(sqlite_seeded):
    url, key = sqlite_seeded
    read_only = f"sqlite:///file:{sqlite_file(url)}?mode=ro&uri=true"
    with live_server(read_only) as base:
        assert_read_only(base, key)
    with live_server(url) as base:
        assert httpx.get(f"{base}/readyz", timeout=QUICK).json()["writable"] is True
