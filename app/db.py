"""Engine, sessions and the `SessionDep` dependency."""

import contextlib
import logging
import math
import os
import socket
import threading
import time
from collections.abc import AsyncIterator
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from app.config import get_settings

WRITE_OPTION = "dprk_write"

log = logging.getLogger("app")


def normalise_url(url: str) -> str:
    """Use psycopg 3 for plain postgresql:// URLs (SQLAlchemy would pick psycopg2)."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(
    url: str, echo: bool = False, sqlite_foreign_keys: bool = True, timeouts: bool = False
) -> Engine:
    """An engine for `url`; SQLite files get their folder, foreign keys and WAL.

    Migrations turn SQLite's foreign keys off: Alembic's batch mode rebuilds a table by
    dropping it, which would otherwise cascade into the tables that reference it.
    `timeouts`: the serving engine's limits from settings (connect, statement, lock, pool
    wait), so that a database in trouble is a quick error (a 503), never a hang; the CLI's
    bulk work (migrations, loads of a million rows) runs without them."""
    settings = get_settings()
    url = normalise_url(url)
    sa_url = make_url(url)
    sqlite = sa_url.get_backend_name() == "sqlite"
    kwargs: dict[str, Any] = {"echo": echo}
    if sqlite:
        path = sqlite_path(sa_url.database)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        else:  # in memory: one connection holds the database, so one connection for all
            kwargs["poolclass"] = StaticPool
        kwargs["connect_args"] = {"check_same_thread": False}
        if timeouts and path is not None:
            # Reads run on the event loop here (app.api.deps.ReadRoute): a wait for a
            # connection is bounded as on PostgreSQL, a quick 503, never a stalled loop.
            kwargs["pool_timeout"] = settings.db_pool_timeout
    else:
        # With timeouts, the watchdog's own ping (below) checks each connection instead.
        kwargs["pool_pre_ping"] = not timeouts
        if timeouts:
            kwargs["pool_timeout"] = settings.db_pool_timeout
            kwargs["connect_args"] = postgres_timeouts()
    engine = create_engine(url, **kwargs)
    if timeouts and not sqlite:
        Watchdog(settings.db_statement_timeout_ms / 1000 + WATCHDOG_GRACE).watch(engine)
    if sqlite:
        statement_ms = settings.db_statement_timeout_ms if timeouts else None
        lock_ms = settings.db_lock_timeout_ms if timeouts else 30_000
        event.listen(
            engine,
            "connect",
            lambda dbapi_conn, record: _sqlite_connect(
                dbapi_conn, record, sqlite_foreign_keys, lock_ms, statement_ms
            ),
        )
        event.listen(engine, "begin", _sqlite_begin)
        if statement_ms is not None:
            event.listen(engine, "before_cursor_execute", _sqlite_statement_starts)
    return engine


def sqlite_path(database: str | None) -> Path | None:
    """The file of a SQLite database (`file:...` for URI filenames such as a read-only
    `file:x.sqlite3?mode=ro&uri=true`); None in memory."""
    if not database or database == ":memory:":
        return None
    return Path(database.removeprefix("file:"))


def postgres_timeouts() -> dict[str, Any]:
    """libpq connection parameters that bound every wait on PostgreSQL: connecting,
    each statement and each lock wait (enforced by the server), and a peer that went
    silent (TCP keepalives, and unacknowledged data given up after the same time)."""
    settings = get_settings()
    return {
        "connect_timeout": settings.db_connect_timeout,
        "options": f"-c statement_timeout={settings.db_statement_timeout_ms} "
        f"-c lock_timeout={settings.db_lock_timeout_ms}",
        "keepalives": 1,
        "keepalives_idle": 5,
        "keepalives_interval": 2,
        "keepalives_count": 3,
        "tcp_user_timeout": 10_000,
    }


# Seconds past the server's statement timeout before the watchdog gives up on an answer.
WATCHDOG_GRACE = 2.0
# A ping is a round trip: a server that takes longer than this is not answering.
PING_DEADLINE = 1.0


class Watchdog:
    """Client-side deadlines for PostgreSQL: a statement, ping, commit or rollback still
    waiting for the server past its deadline has its connection's socket shut down, so
    the waiting thread fails at once (a 503) and the pool drops the connection.

    The server's statement and lock timeouts end slow work; they cannot end a wait on a
    server that has stopped answering altogether (hung, or behind a network that drops
    packets while the local side still acknowledges them), and without this a request
    thread would wait on it for good."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.lock = threading.Lock()
        self.waiting: dict[int, tuple[float, int]] = {}  # id(connection) -> (deadline, fd)
        self.thread: threading.Thread | None = None

    def watch(self, engine: Engine) -> None:
        """Arm and disarm around every call of `engine` that waits for the server."""
        self.dialect = engine.dialect
        event.listen(engine, "checkout", self._ping)
        event.listen(engine, "before_cursor_execute", self._statement_starts)
        event.listen(engine, "after_cursor_execute", self._statement_ends)
        event.listen(engine, "handle_error", lambda ctx: self._disarm(ctx.connection))
        # No event follows a commit or rollback: the next statement or the check-in disarms.
        event.listen(engine, "commit", lambda conn: self._arm(conn.connection.dbapi_connection))
        event.listen(engine, "rollback", lambda conn: self._arm(conn.connection.dbapi_connection))
        event.listen(engine, "reset", lambda dbapi_conn, *_: self._arm(dbapi_conn))
        event.listen(engine, "checkin", lambda dbapi_conn, _record: self._disarm_dbapi(dbapi_conn))

    def _ping(self, dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
        self._arm(dbapi_conn, PING_DEADLINE)
        try:
            self.dialect.do_ping(dbapi_conn)
        except Exception as exc:
            raise DisconnectionError("the database did not answer a ping") from exc
        finally:
            self._disarm_dbapi(dbapi_conn)

    def _statement_starts(self, conn: Connection, *_args: Any) -> None:
        self._arm(conn.connection.dbapi_connection)

    def _statement_ends(self, conn: Connection, *_args: Any) -> None:
        self._disarm(conn)

    def _arm(self, dbapi_conn: Any, seconds: float | None = None) -> None:
        if dbapi_conn is None:
            return
        deadline = time.monotonic() + (seconds or self.deadline)
        with self.lock:
            self.waiting[id(dbapi_conn)] = (deadline, dbapi_conn.fileno())
            if self.thread is None:
                self.thread = threading.Thread(target=self._run, name="db-watchdog", daemon=True)
                self.thread.start()

    def _disarm(self, conn: Connection | None) -> None:
        if conn is not None and not conn.invalidated:
            self._disarm_dbapi(conn.connection.dbapi_connection)

    def _disarm_dbapi(self, dbapi_conn: Any) -> None:
        with self.lock:
            self.waiting.pop(id(dbapi_conn), None)

    def _run(self) -> None:
        while True:
            time.sleep(0.1)
            now = time.monotonic()
            with self.lock:
                overdue = [k for k, (deadline, _fd) in self.waiting.items() if deadline < now]
                fds = [self.waiting.pop(k)[1] for k in overdue]
            for fd in fds:
                log.warning("the database has not answered in time; dropping its connection")
                # A duplicate of the descriptor: shutting it down ends the connection for
                # its owner too, and the owner's own descriptor stays the owner's to close.
                with contextlib.suppress(OSError), socket.socket(fileno=os.dup(fd)) as sock:
                    sock.shutdown(socket.SHUT_RDWR)


# SQLite has no statement timeout of its own: a progress handler, called every this many
# virtual-machine steps, interrupts a statement that runs past its deadline.
_SQLITE_PROGRESS_STEPS = 20_000
_DEADLINE = "statement_deadline"


def _sqlite_connect(
    dbapi_connection: Any,
    record: Any,
    foreign_keys: bool,
    lock_ms: int,
    statement_ms: int | None,
) -> None:
    # The driver's own implicit BEGIN is turned off so that `_sqlite_begin` decides.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
    cursor.execute("PRAGMA journal_mode=WAL")
    # How long a writer waits for the write lock before "database is locked" (a 503).
    cursor.execute(f"PRAGMA busy_timeout={lock_ms}")
    cursor.close()
    if statement_ms is not None:
        deadline = record.info[_DEADLINE] = [math.inf, statement_ms / 1000]
        dbapi_connection.set_progress_handler(
            lambda: time.monotonic() > deadline[0], _SQLITE_PROGRESS_STEPS
        )


def _sqlite_statement_starts(conn: Connection, *_args: Any) -> None:
    deadline = conn.info.get(_DEADLINE)
    if deadline is not None:
        deadline[0] = time.monotonic() + deadline[1]


def _sqlite_begin(conn: Connection) -> None:
    # A write takes SQLite's write lock up front: a deferred transaction that read first
    # would fail with SQLITE_BUSY instead of waiting when another writer got in between.
    immediate = conn.get_execution_options().get(WRITE_OPTION)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@lru_cache
def get_engine() -> Engine:
    """The process's engine, built from settings on first use."""
    settings = get_settings()
    return make_engine(settings.database_url, echo=settings.sql_echo, timeouts=True)


@lru_cache
def bulk_engine() -> Engine:
    """The engine of the CLI's bulk work (dumps, loads, keys): the serving engine's limits
    would end a streamed dump of a million rows half-way."""
    settings = get_settings()
    return make_engine(settings.database_url, echo=settings.sql_echo)


async def get_session() -> AsyncIterator[Session]:
    """One session per request; reads only, so nothing is committed here. `async` only so
    that opening it costs no worker-thread hop (it connects on first use); the routes that
    query are plain `def`, run in a worker thread, so that a slow query never holds up the
    event loop (nor the answers app.cache serves from it); on SQLite, the bounded reads run
    on the loop (app.api.deps.ReadRoute)."""
    with Session(get_engine(), expire_on_commit=False) as session:
        yield session


@lru_cache
def _write_engine() -> Engine:
    # The same engine and pool; its transactions begin with SQLite's write lock.
    return get_engine().execution_options(**{WRITE_OPTION: True})


async def get_write_session() -> AsyncIterator[Session]:
    """A session for one write request; the route commits once, on success.

    Its transaction (and on SQLite the write lock) begins at the route's first statement,
    in the route's own worker thread: taken here, in a thread of its own, the lock was
    held while the route waited for a thread, and once every worker thread held a writer
    waiting for the lock, none was left to release it."""
    with Session(_write_engine(), expire_on_commit=False) as session:
        yield session


def one_snapshot(session: Session) -> None:
    """Make every query `session` runs from now to its end see one snapshot of the data.
    SQLite's read transaction does already; PostgreSQL's default (READ COMMITTED) takes a
    new snapshot per statement, so the session's transaction becomes REPEATABLE READ, READ
    ONLY (the pool resets the level when the connection comes back). A session bound to a
    connection whose transaction is under way (the tests') is left as it is, and so is
    a session already in its snapshot."""
    if session.in_transaction() or not isinstance(session.get_bind(), Engine):
        return
    if session.get_bind().dialect.name == "postgresql":
        session.connection(
            execution_options={"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
        )


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory bound to `engine` (CLI and tests)."""
    return sessionmaker(engine, expire_on_commit=False)


SessionDep = Annotated[Session, Depends(get_session)]
WriteSessionDep = Annotated[Session, Depends(get_write_session)]
