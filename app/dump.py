"""Bulk dump and restore: every table, stable ids, in an open format.

A dump is a folder: `manifest.json` (format, schema revision, tables with their columns and
row counts) and one `<table>.ndjson` per table, one JSON object per row, ordered by primary
key. Dates and times are ISO 8601 strings. `dprk-labor load DIR` recognises a dump by its
manifest and restores it into an empty database in one transaction.
"""

import json
import sys
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import (
    Connection,
    Date,
    DateTime,
    Integer,
    Table,
    bindparam,
    func,
    insert,
    select,
    text,
    tuple_,
    update,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app import read_model
from app.migrate import head_revision
from app.models import Base, estimate_item

FORMAT = "dprk-labor-dump"
VERSION = 1
BATCH = 5000


class DumpError(Exception):
    """The dump cannot be restored here; nothing was written."""


class Progress:
    """`table: rows/total` on a terminal (rewritten in place); silent otherwise."""

    def __init__(self, stream: TextIO = sys.stderr) -> None:
        self.stream = stream
        self.on = stream.isatty()

    def __call__(self, table: str, done: int, total: int, final: bool = False) -> None:
        if self.on:
            end = "\n" if final else ""
            self.stream.write(f"\r{table:<20} {done:>10,}/{total:,} rows{end}")
            self.stream.flush()


def _tables() -> list[Table]:
    # Not the read model: restore builds it from the rest (it is derived, and large).
    return [t for t in Base.metadata.sorted_tables if t is not estimate_item]


def _encode(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _decoder(table: Table) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for col in table.columns:
        impl = getattr(col.type, "impl", col.type)
        if isinstance(impl, DateTime):
            out[col.name] = datetime.fromisoformat
        elif isinstance(impl, Date):
            out[col.name] = date.fromisoformat
    return out


def export(
    conn: Connection, folder: Path, progress: Progress | None = None, read_model: bool = False
) -> dict[str, int]:
    """Write every table to `folder`; returns rows per table. With `read_model`, the read
    model's rows too (a copy for `as_of=` reads, which restores them as they are rather
    than building each again)."""
    progress = progress or Progress()
    if conn.dialect.name == "postgresql" and not conn.in_transaction():
        # one snapshot for every table (a caller's transaction under way has its own)
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
    folder.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "revision": head_revision(),
        "tables": {},
    }
    for table in _tables() + ([estimate_item] if read_model else []):
        total = conn.scalar(select(func.count()).select_from(table)) or 0
        n = 0
        with (folder / f"{table.name}.ndjson").open("w", encoding="utf-8") as out:
            for row in _keyset(conn, table):
                out.write(
                    json.dumps(
                        {k: _encode(v) for k, v in row._mapping.items()},
                        ensure_ascii=False,
                        separators=(",", ":"),
                    )
                    + "\n"
                )
                n += 1
                if n % BATCH == 0:
                    progress(table.name, n, total)
        progress(table.name, n, total, final=True)
        counts[table.name] = n
        manifest["tables"][table.name] = {
            "rows": n,
            "columns": [c.name for c in table.columns],
        }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
    return counts


def _keyset(conn: Connection, table: Table) -> Iterator[Any]:
    """Every row of `table` in key order, BATCH at a time, each batch one short statement
    (after the last key seen): no statement runs long enough to meet a statement timeout,
    however large the table (an `as_of=` copy runs on the serving connection)."""
    key = list(table.primary_key.columns)
    stmt = select(table).order_by(*key).limit(BATCH)
    after: list[Any] | None = None
    while True:
        page = stmt if after is None else stmt.where(tuple_(*key) > tuple_(*after))
        rows = conn.execute(page).all()
        yield from rows
        if len(rows) < BATCH:
            return
        after = [rows[-1]._mapping[c.name] for c in key]


def is_dump(folder: Path) -> bool:
    """Whether `folder` holds a dump (not seed_data/ files)."""
    return (folder / "manifest.json").is_file()


def _rows(path: Path, decode: dict[str, Any]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, row) for each line of a table's file."""
    with path.open(encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            try:
                row = json.loads(line)
                for name, parse in decode.items():
                    if row.get(name) is not None:
                        row[name] = parse(row[name])
            except ValueError as exc:  # bad JSON, or a date that is not ISO 8601
                raise DumpError(f"{path.name} line {number}: {exc}") from None
            yield number, row


def _insert(conn: Connection, table: Table, batch: list[tuple[int, dict[str, Any]]]) -> None:
    """Insert a batch of (line number, row); a row the database refuses (too long for its
    column, a NUL, a broken constraint) becomes a DumpError naming the table and the row."""
    try:
        with conn.begin_nested():  # on PostgreSQL a failed statement spoils the transaction
            conn.execute(insert(table), [row for _, row in batch])
        return
    except (DBAPIError, UnicodeEncodeError) as exc:
        refusal = exc
    # Rare, so slow is fine: one row at a time finds the one refused.
    for number, row in batch:
        try:
            with conn.begin_nested():
                conn.execute(insert(table), row)
        except (DBAPIError, UnicodeEncodeError) as exc:
            key = ", ".join(f"{c.name}={row.get(c.name)!r}" for c in table.primary_key.columns)
            raise DumpError(
                f"{table.name}.ndjson line {number} ({key}) is refused by the database: "
                f"{_reason(exc)}"
            ) from None
    # Each row fits alone but the batch did not (the batch's own statement failed).
    first, last = batch[0][0], batch[-1][0]
    raise DumpError(
        f"{table.name}.ndjson lines {first}-{last} are refused by the database: {_reason(refusal)}"
    ) from None


def _reason(exc: Exception) -> str:
    """The driver's own message, first line only (SQLAlchemy's adds the whole statement)."""
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    return str(orig).strip().splitlines()[0]


def restore(conn: Connection, folder: Path, progress: Progress | None = None) -> dict[str, int]:
    """Load a dump into an empty database (the caller commits); returns rows per table."""
    progress = progress or Progress()
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise DumpError(f"{folder} is not a {FORMAT} version {VERSION} dump")
    if manifest.get("revision") != head_revision():
        raise DumpError(
            f"the dump is of schema revision {manifest.get('revision')}, this database's code "
            f"is at {head_revision()}; restore with the matching version of dprk-labor-api"
        )
    tables = _tables()
    busy = [t.name for t in tables if conn.scalar(select(func.count()).select_from(t))]
    if busy:
        raise DumpError(f"restore needs an empty database; these tables hold rows: {busy}")
    counts: dict[str, int] = {}
    for table in tables:
        meta = manifest["tables"].get(table.name)
        if meta is None:
            raise DumpError(f"the dump has no table {table.name}")
        decode = _decoder(table)
        # A row may point to another of its table later in the file (an estimate
        # superseded by a newer one): such rows (rare) go in after the rest, each after
        # the one it points to.
        links = [
            c.name for c in table.columns if any(f.column.table is table for f in c.foreign_keys)
        ]
        later: list[tuple[int, dict[str, Any]]] = []
        batch: list[tuple[int, dict[str, Any]]] = []
        n = 0
        for item in _rows(folder / f"{table.name}.ndjson", decode):
            if any(item[1].get(c) is not None for c in links):
                later.append(item)
                continue
            batch.append(item)
            if len(batch) == BATCH:
                _insert(conn, table, batch)
                n += len(batch)
                batch.clear()
                progress(table.name, n, meta["rows"])
        if batch:
            _insert(conn, table, batch)
            n += len(batch)
        n += _insert_linked(conn, table, links, later)
        progress(table.name, n, meta["rows"], final=True)
        if n != meta["rows"]:
            raise DumpError(f"{table.name}: the manifest says {meta['rows']} rows, found {n}")
        counts[table.name] = n
        _reset_sequence(conn, table)
    if (folder / f"{estimate_item.name}.ndjson").exists():  # a copy's: kept rows as they were
        _restore_read_model(conn, folder / f"{estimate_item.name}.ndjson")
    with Session(bind=conn) as session:
        read_model.refill(session)
    return counts


def _restore_read_model(conn: Connection, path: Path) -> None:
    """Put the read model's rows back as they were dumped (restoring the estimates made
    each one stale); a row of another shape is left stale, and built again."""
    c = estimate_item.c
    fill = (
        update(estimate_item)
        .where(c.estimate_id == bindparam("b_id"))
        .values(
            {
                col: bindparam(f"b_{col}")
                for col in ("shape", "item", "item_etag", "detail", "detail_etag")
            }
        )
    )
    batch: list[dict[str, Any]] = []
    for _, row in _rows(path, {}):
        batch.append({f"b_{k}" if k != "estimate_id" else "b_id": v for k, v in row.items()})
        if len(batch) == BATCH:
            conn.execute(fill, batch)
            batch.clear()
    if batch:
        conn.execute(fill, batch)


def _insert_linked(
    conn: Connection, table: Table, links: list[str], rows: list[tuple[int, dict[str, Any]]]
) -> int:
    """Insert rows that point to others of their table, each after the one it points to."""
    key = [c.name for c in table.primary_key.columns]
    inserted = 0
    while rows:
        waiting = {row[key[0]] for _, row in rows}  # a link points to a one-column key
        ready = [r for r in rows if not any(r[1].get(c) in waiting for c in links)]
        if not ready:
            raise DumpError(f"{table.name}: rows point to each other in a circle ({links})")
        _insert(conn, table, ready)
        inserted += len(ready)
        rows = [r for r in rows if r not in ready]
    return inserted


def _reset_sequence(conn: Connection, table: Table) -> None:
    """On PostgreSQL, move an integer key's sequence past the restored ids."""
    pk = list(table.primary_key.columns)
    if conn.dialect.name != "postgresql" or len(pk) != 1 or not isinstance(pk[0].type, Integer):
        return
    conn.execute(
        text(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', '{pk[0].name}'), "
            f"COALESCE((SELECT max({pk[0].name}) FROM {table.name}), 0) + 1, false)"
        )
    )
