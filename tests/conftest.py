"""Test databases: every test runs on SQLite and on PostgreSQL, each migrated and seeded once.

PostgreSQL: a fresh database is created through TEST_POSTGRES_ADMIN_URL (default
postgresql://postgres@127.0.0.1:5432/postgres) and dropped at the end. If it cannot be
reached the run fails; set TEST_POSTGRES=0 to run on SQLite only.
"""

import os
import tempfile

# In-process tests read through a session that is rolled back, never committed: the
# response cache (keyed on committed changes) cannot see their writes, so it is off here.
# Live servers (live_server below) run with it, as in production.
os.environ["RESPONSE_CACHE_MB"] = "0"
# `as_of=` snapshots of the tests' databases go to a folder of this run's, not var/.
os.environ["SNAPSHOT_DIR"] = tempfile.mkdtemp(prefix="dprk-labor-snapshots-")

import atexit
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, create_engine, event, insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.engine.default import CACHE_MISS
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app import auth, migrate, seed
from app.config import ROOT
from app.db import get_session, get_write_session, make_engine, normalise_url
from app.enums import Role
from app.main import create_app

atexit.register(shutil.rmtree, os.environ["SNAPSHOT_DIR"], ignore_errors=True)

SEED_DIR = ROOT / "seed_data"
ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
POSTGRES_ON = os.environ.get("TEST_POSTGRES", "1") != "0"
BACKENDS = ["sqlite", "postgresql"] if POSTGRES_ON else ["sqlite"]


class PostgresServer:
    """Creates and drops throwaway databases on the admin connection's server."""

    def __init__(self, admin_url: str) -> None:
        self.admin = create_engine(normalise_url(admin_url), isolation_level="AUTOCOMMIT")
        try:
            with self.admin.connect() as conn:
                conn.execute(text("SELECT 1"))
        except OperationalError as exc:
            pytest.fail(
                f"PostgreSQL is not reachable at {admin_url} ({exc.orig}). Start it, point "
                "TEST_POSTGRES_ADMIN_URL at a server, or set TEST_POSTGRES=0 to test SQLite only.",
                pytrace=False,
            )
        self.made: list[str] = []

    def create(self) -> str:
        name = f"dprk_test_{uuid.uuid4().hex[:12]}"
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        self.made.append(name)
        return make_url(normalise_url(ADMIN_URL)).set(database=name).render_as_string(False)

    def drop_all(self) -> None:
        with self.admin.connect() as conn:
            for name in self.made:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer | None]:
    if not POSTGRES_ON:
        yield None
        return
    server = PostgresServer(ADMIN_URL)
    yield server
    server.drop_all()


@pytest.fixture(scope="session")
def new_database(postgres: PostgresServer | None, tmp_path_factory: pytest.TempPathFactory):
    """A factory of empty databases of a backend: new_database('sqlite') → URL."""
    counter = iter(range(10**6))

    def make(backend: str) -> str:
        if backend == "sqlite":
            path = tmp_path_factory.mktemp("db") / f"test{next(counter)}.sqlite3"
            return f"sqlite:///{path}"
        assert postgres is not None, "PostgreSQL tests are off (TEST_POSTGRES=0)"
        return postgres.create()

    return make


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def seed_database(url: str, editor: str | None = None) -> str | None:
    """Migrate the empty database `url` and load the seed data; with `editor`, also create
    an editor's API key of that name and return it."""
    migrate.upgrade(url)
    eng = make_engine(url)
    try:
        with Session(eng) as session:
            seed.load(session, SEED_DIR)
            key = auth.create_key(session, editor, Role.editor) if editor else None
            session.commit()
    finally:
        eng.dispose()
    return key


@pytest.fixture(scope="session")
def engine(backend: str, new_database) -> Iterator[Engine]:
    """A migrated database holding the seed data, shared by the tests of one backend."""
    url = new_database(backend)
    seed_database(url)
    eng = make_engine(url)
    yield eng
    eng.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """A connection inside a transaction that is rolled back after the test."""
    with engine.connect() as conn:
        trans = conn.begin()
        yield conn
        trans.rollback()


@pytest.fixture
def session(connection: Connection) -> Iterator[Session]:
    with Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    ) as s:
        yield s


@pytest.fixture
def client(session: Session) -> Iterator[TestClient]:
    app = create_app()
    app.dependency_overrides[get_session] = lambda: session
    app.dependency_overrides[get_write_session] = lambda: session
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


class StatementCounter:
    """Counts SQL statements run on a connection while active."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.statements: list[str] = []
        self.compiled_anew = 0  # statements SQLAlchemy had to compile (not in its cache)

    def _hook(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self.statements.append(statement)
        self.compiled_anew += context.cache_hit is CACHE_MISS

    def __enter__(self) -> "StatementCounter":
        event.listen(self.connection, "before_cursor_execute", self._hook)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(self.connection, "before_cursor_execute", self._hook)


@pytest.fixture
def count_statements(connection: Connection):
    return lambda: StatementCounter(connection)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def live_server(database_url: str, **settings: str) -> Iterator[str]:
    """`dprk-labor serve` in a subprocess on a free loopback port, with `settings` as
    extra environment variables; yields its base URL."""
    port = free_port()
    env = os.environ | {"DATABASE_URL": database_url, "RESPONSE_CACHE_MB": "64"} | settings
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/readyz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, "the server exited"
            assert time.monotonic() < deadline, "the server did not become ready"
            time.sleep(0.05)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


ORIGIN_DOC = "moscow-times-2019-03-26-russia-sent-home-over-half-of-north-korean-workers"


def add_estimate(
    session: Session,
    id: str,
    countries: tuple[str, ...] = ("RU",),
    quote: str | None = "Russia",
    **values: object,
) -> None:
    """Insert one estimate straight into the tables (a test factory): a 2018 point figure
    of workers abroad by Reuters unless `values` say otherwise, with its country links and,
    unless `quote` is None, one citation. Its derived columns and country rows are what
    the write path would store (`derive`)."""
    from app.models import Citation, Estimate, estimate_country
    from app.models.estimates import derive

    row: dict[str, Any] = (
        dict(
            id=id,
            metric_id="workers_abroad",
            value_kind="point",
            qualifier="exact",
            unit="persons",
            low=1,
            high=1,
            value_text="1",
            period_start=date(2018, 1, 1),
            period_end=date(2018, 12, 31),
            period_precision="year",
            period_text="2018",
            worldwide=not countries,
            claimant_id="reuters",
            origin_document_id=ORIGIN_DOC,
        )
        | values
    )
    derived = derive(
        id,
        row["metric_id"],
        row["period_start"],
        row["period_end"],
        row["worldwide"],
        countries,
        str(row.get("status", "active")),
    )
    session.execute(insert(Estimate).values(**row, **derived.columns))
    if derived.country_rows:
        session.execute(insert(estimate_country), derived.country_rows)
    if quote is not None:
        session.execute(
            insert(Citation).values(
                id=f"{id}--c", estimate_id=id, document_id=row["origin_document_id"], quote=quote
            )
        )
    session.flush()
