"""Rendered JSON reads, kept until the data changes.

The API is read far more than it is written (figures are edited by hand), and a page of
estimates costs milliseconds of SQL and Python to build, so each JSON answer of `/v1/` is
kept (in memory, least recently used first out, RESPONSE_CACHE_MB in all) together with
the database's *data version* at the time it was built. A request whose version still
matches gets the stored bytes; any committed change, by this process or any other (the
API, `dprk-labor load`, a SQL shell), changes the version, and every stored answer is
then rebuilt on its next request. Nothing is served stale. Requests that arrive while an
answer is being built wait for it instead of building it again.

The data version is read before the answer is built, so an answer never outlives a change
that it may not include:
- SQLite: `PRAGMA data_version` on a connection of its own, which changes whenever
  another connection commits;
- PostgreSQL: the current snapshot (`pg_current_snapshot()`: the oldest transaction still
  running, the next transaction id, and those in progress). Two equal snapshots see exactly
  the same committed data, and any write that commits changes it. (Not the WAL position: a
  commit is written to the WAL before it becomes visible, so an answer built in between
  would have been kept under the new position without the change.) Writes elsewhere in the
  cluster change it too: those only cost a rebuild.
"""

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

from cachetools import LRUCache
from sqlalchemy import Engine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.config import get_settings
from app.exports import negotiated_format

log = logging.getLogger("app")

_VERSION_SQL = {
    "sqlite": "PRAGMA data_version",
    "postgresql": "SELECT pg_current_snapshot()::text",
}
# An entry's bookkeeping beyond its body, counted against the size limit.
_OVERHEAD = 512
_MAX_ENTRY = 4 * 1024 * 1024


class DataVersion:
    """The database's data version, read on a connection of its own, without ever making
    the event loop wait on the database: SQLite's is a local read of a counter (with a
    50 ms lock wait at most); PostgreSQL's
    is an asynchronous query given READ_TIMEOUT seconds, after which (or on any error) the
    answer is built afresh without the cache, and the connection is made anew."""

    READ_TIMEOUT = 0.5

    def __init__(self, engine: Callable[[], Engine]) -> None:
        self.engine = engine
        self.conn: Any = None  # SQLite: a driver connection; PostgreSQL: an AsyncConnection
        self.dialect: str | None = None
        self.connecting: asyncio.Task[Any] | None = None
        self.reading: asyncio.Task[tuple[int, object | None]] | None = None
        self.reads = 0  # reads begun: a read's serial number

    async def __call__(self) -> object | None:
        """The current version, or None when it cannot be read now (then nothing is cached)."""
        try:
            if self.dialect is None:
                self.dialect = self.engine().dialect.name
            if self.dialect == "sqlite":
                return self._sqlite()
            if self.dialect == "postgresql":
                return await self._postgresql()
        except Exception:
            log.warning("cannot read the data version; answering without the cache", exc_info=True)
            self.close()
        return None

    def _sqlite(self) -> object:
        if self.conn is None:
            fairy = self.engine().raw_connection()
            self.conn = fairy.dbapi_connection
            fairy.detach()  # kept for good, outside the pool the requests share
            # Readers never wait for writers under WAL, but a checkpoint's restart or a
            # recovery can make even this read wait: on the event loop, 50 ms at most
            # (then the request goes without the cache).
            self.conn.execute("PRAGMA busy_timeout=50")
        cursor = self.conn.cursor()
        try:
            cursor.execute(_VERSION_SQL["sqlite"])
            return cursor.fetchone()[0]
        finally:
            cursor.close()

    async def _postgresql(self) -> object | None:
        if self.conn is None:
            # Connect in a task of its own that requests wait for only briefly, and not at
            # all after a failed attempt (the database is down: no request should wait).
            task = self.connecting
            if task is None or task.done():
                failed = task is not None and task.exception() is not None
                task = self.connecting = asyncio.create_task(self._connect())
                if failed:
                    return None
            done, _ = await asyncio.wait({task}, timeout=self.READ_TIMEOUT)
            if not done or task.exception() is not None or self.conn is None:
                return None
        # A read that began before this request arrived may miss a commit the client saw
        # end: wait for it, then share the next read with every request waiting by then
        # (under load one query serves many requests).
        arrived = self.reads
        deadline = asyncio.get_running_loop().time() + self.READ_TIMEOUT
        while True:
            read = self.reading
            if read is None or read.done():
                self.reads += 1
                read = self.reading = asyncio.create_task(self._query(self.reads))
            remaining = deadline - asyncio.get_running_loop().time()
            done, _ = await asyncio.wait({read}, timeout=max(remaining, 0))
            if not done:
                log.warning("the data version took over %s s; reconnecting", self.READ_TIMEOUT)
                read.cancel()  # goes on in the background; the connection is dropped
                self.close()
                return None
            if read.cancelled():  # another request gave up on it
                return None
            serial, version = read.result()
            if serial > arrived:
                return version

    async def _query(self, serial: int) -> tuple[int, object | None]:
        cursor = await self.conn.execute(_VERSION_SQL["postgresql"])
        row = await cursor.fetchone()
        return serial, row[0] if row else None

    async def _connect(self) -> None:
        import psycopg

        engine = self.engine()
        _args, params = engine.dialect.create_connect_args(engine.url)
        params = {**params, "connect_timeout": get_settings().db_connect_timeout}
        self.conn = await psycopg.AsyncConnection.connect(**params, autocommit=True)

    def close(self) -> None:
        conn, self.conn = self.conn, None
        if conn is None:
            return
        if self.dialect == "postgresql":
            # Never awaited: on a connection that stopped answering, closing could wait.
            with contextlib.suppress(Exception):
                conn.pgconn.finish()
        else:
            with contextlib.suppress(Exception):  # already broken
                conn.close()


class ResponseCache:
    """Serve a stored answer to a GET of `/v1/` while the data version is unchanged;
    `X-Cache: hit` or `miss` says which it was."""

    def __init__(self, app: ASGIApp, engine: Callable[[], Engine], max_bytes: int) -> None:
        self.app = app
        self.version = DataVersion(engine)
        self.entries: LRUCache[tuple[Any, ...], tuple[object, Message, bytes]] = LRUCache(
            maxsize=max(max_bytes, 1), getsizeof=lambda entry: len(entry[2]) + _OVERHEAD
        )
        self.enabled = max_bytes > 0
        self.building: dict[tuple[Any, ...], asyncio.Event] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            not self.enabled
            or scope["type"] != "http"
            or scope["method"] != "GET"
            or not scope["path"].startswith("/v1/")
        ):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        version = None if b"authorization" in headers else await self.version()
        if version is None:
            await self.app(scope, receive, send)
            return
        # Everything the answer depends on (links are built from PUBLIC_URL, not from the
        # Host asked for); of Accept, only the format it asks for.
        key = (
            scope["path"],
            scope["query_string"],
            negotiated_format(headers.get(b"accept", b"").decode("latin-1")),
        )
        hit = self._fresh(key, version)
        if hit is None and key in self.building:
            # The same answer is being built for another request: wait for it rather than
            # build it again (after a change, a popular page gets many requests at once).
            await self.building[key].wait()
            hit = self._fresh(key, version)
        if hit is not None:
            await send(dict(hit[1], headers=[*hit[1]["headers"], (b"x-cache", b"hit")]))
            await send({"type": "http.response.body", "body": hit[2]})
            return
        start: Message | None = None
        chunks: list[bytes] = []
        size = 0

        async def keep(message: Message) -> None:
            nonlocal start, size
            if message["type"] == "http.response.start":
                response_headers = dict(message.get("headers", []))
                if (
                    message["status"] == 200
                    and response_headers.get(b"content-type") == b"application/json"
                    and b"set-cookie" not in response_headers
                ):
                    start = dict(message, headers=list(message.get("headers", [])))
                    message = dict(message, headers=[*start["headers"], (b"x-cache", b"miss")])
            elif start is not None and message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                size += len(chunks[-1])
                if size > _MAX_ENTRY:
                    start = None
                elif not message.get("more_body", False):
                    self.entries[key] = (version, start, b"".join(chunks))
            await send(message)

        leader = key not in self.building
        if leader:
            self.building[key] = asyncio.Event()
        try:
            await self.app(scope, receive, keep)
        finally:
            if leader:
                self.building.pop(key).set()

    def _fresh(self, key: tuple[Any, ...], version: object) -> tuple[object, Message, bytes] | None:
        hit = self.entries.get(key)
        return hit if hit is not None and hit[0] == version else None
