"""The peer's data: a flat SQLite copy of a generated database, one row per estimate.

    python -m bench.flat --source /work/bench-data/est_1000000.sqlite3

Datasette (bench/peer.py) serves this file as database `flat`, table `estimates`: each
estimate's id, metric, first country (the smallest code: the project lists an estimate's
countries in code order), period start and end, value low and high, claimant, origin
document and first quote (its citation with the smallest id, the project's order). Indexes
on metric, country, period start and period end, then ANALYZE, so SQLite's planner knows
them. Both backends' generated databases hold the same rows; this reads the SQLite one.
"""

from __future__ import annotations

import argparse
import sqlite3
import time
from pathlib import Path

TABLE = "estimates"
DATABASE = "flat"  # Datasette names a database after its file's stem
COLUMNS = (
    "id",
    "metric",
    "country",
    "period_start",
    "period_end",
    "value_low",
    "value_high",
    "claimant",
    "document",
    "quote",
)
INDEXED = ("metric", "country", "period_start", "period_end")

SCHEMA = f"""
CREATE TABLE {TABLE} (
    id TEXT PRIMARY KEY,
    metric TEXT NOT NULL,
    country TEXT,
    period_start TEXT,
    period_end TEXT,
    value_low REAL,
    value_high REAL,
    claimant TEXT NOT NULL,
    document TEXT NOT NULL,
    quote TEXT
)
"""

COPY = f"""
INSERT INTO {TABLE} ({", ".join(COLUMNS)})
SELECT e.id, e.metric_id,
       (SELECT min(ec.country_code) FROM src.estimate_country ec WHERE ec.estimate_id = e.id),
       e.period_start, e.period_end, e.low, e.high, e.claimant_id, e.origin_document_id,
       (SELECT c.quote FROM src.citation c WHERE c.estimate_id = e.id ORDER BY c.id LIMIT 1)
FROM src.estimate e
ORDER BY e.id
"""


def default_path(source: Path) -> Path:
    """Where the flat copy of `source` lives: `<source stem>.flat/flat.db` beside it (the
    file must be named flat.db for Datasette to serve it as /flat)."""
    return source.with_name(source.stem + ".flat") / f"{DATABASE}.db"


def changed_at(source: Path) -> float:
    """When `source` last changed: its file's mtime, or its write-ahead log's if that holds
    writes not yet checkpointed."""
    wal = Path(str(source) + "-wal")
    times = [source.stat().st_mtime]
    if wal.exists() and wal.stat().st_size > 0:
        times.append(wal.stat().st_mtime)
    return max(times)


def is_current(source: Path, flat: Path) -> bool:
    return flat.exists() and flat.stat().st_mtime >= changed_at(source)


def build(source: Path, flat: Path) -> dict[str, float | int]:
    """Write the flat copy of `source` to `flat` (replaced whole); rows and seconds."""
    t0 = time.perf_counter()
    flat.parent.mkdir(parents=True, exist_ok=True)
    tmp = flat.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    con = sqlite3.connect(tmp)
    try:
        con.execute("PRAGMA journal_mode=OFF")
        con.execute("PRAGMA synchronous=OFF")
        con.execute("PRAGMA cache_size=-400000")
        # Read-only: the source may be in use by a server.
        con.execute("ATTACH DATABASE ? AS src", (f"file:{source}?mode=ro",))
        con.execute(SCHEMA)
        con.execute(COPY)
        for col in INDEXED:
            con.execute(f"CREATE INDEX ix_{TABLE}_{col} ON {TABLE} ({col})")
        con.commit()
        con.execute("DETACH DATABASE src")
        con.execute("ANALYZE")
        con.commit()
        rows = con.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0]
        con.execute("PRAGMA journal_mode=DELETE")  # a plain file, as Datasette's -i reads it
    finally:
        con.close()
    tmp.replace(flat)
    return {"rows": rows, "seconds": time.perf_counter() - t0}


def estimates(source: Path) -> int:
    """How many estimates `source` holds (the seed's and the generated ones)."""
    con = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        return int(con.execute("SELECT count(*) FROM estimate").fetchone()[0])
    finally:
        con.close()


def ensure(source: Path, flat: Path | None = None) -> tuple[Path, dict[str, float | int] | None]:
    """The flat copy of `source`, built if missing or older than the source."""
    flat = flat or default_path(source)
    if is_current(source, flat):
        return flat, None
    print(f"building the flat copy {flat} from {source}", flush=True)
    return flat, build(source, flat)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--source", type=Path, required=True, help="a generated SQLite database")
    p.add_argument("--out", type=Path, help="the flat copy (default: <stem>.flat/flat.db)")
    p.add_argument("--force", action="store_true", help="rebuild even if it is current")
    args = p.parse_args(argv)
    flat = args.out or default_path(args.source)
    if args.force or not is_current(args.source, flat):
        print(f"{flat}: {build(args.source, flat)}")
    else:
        print(f"{flat}: current")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
