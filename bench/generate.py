"""Fill a database with N synthetic estimates through the project's own schema.

    python -m bench.generate --url sqlite:///bench/out/est_1m.sqlite3 --n 1000000
    python -m bench.generate --url postgresql://postgres@127.0.0.1:5432/bench_1m --n 1000000

The database is migrated with app.migrate.upgrade, the real seed is loaded with app.seed.load,
then synthetic sources, documents, estimates (with countries, sectors and 1-3 citations each)
are bulk-inserted into the ORM tables' Core Table objects: executemany in big batches on
SQLite, COPY on PostgreSQL. The same seed gives the same rows.

Skew: most estimates name China or Russia, ~60 countries in all; 8 metrics, one of them
(workers_abroad) the most common; periods start in 2010-2025 and last a day to two years.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Table, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app import migrate, read_model, seed
from app.config import ROOT
from app.db import normalise_url
from app.models import Citation, Document, Estimate, Source, estimate_country, estimate_sector
from app.models.estimates import derive

METRICS = [  # (id, unit, weight)
    ("workers_abroad", "persons", 30),
    ("workers_dispatched", "persons", 20),
    ("workers_repatriated", "persons", 12),
    ("revenue_usd", "USD", 12),
    ("workers_planned", "persons", 8),
    ("work_permits_held", "persons", 8),
    ("host_countries", "countries", 5),
    ("employer_count", "employers", 5),
]
SECTORS = [
    "construction",
    "information_technology",
    "medicine",
    "hospitality",
    "food_services",
    "textiles",
    "mining",
    "logging",
    "manufacturing",
]
# China and Russia dominate; the rest follow a long tail.
TOP_COUNTRIES = [("CN", 45.0), ("RU", 30.0)]
TAIL_COUNTRIES = [
    "AE",
    "AO",
    "BD",
    "BG",
    "BY",
    "CD",
    "CG",
    "CU",
    "CZ",
    "DZ",
    "EG",
    "ET",
    "GA",
    "GH",
    "GN",
    "GQ",
    "ID",
    "IN",
    "IR",
    "KG",
    "KH",
    "KW",
    "KZ",
    "LA",
    "LB",
    "LY",
    "MM",
    "MN",
    "MY",
    "MZ",
    "NA",
    "NG",
    "NP",
    "OM",
    "PE",
    "PK",
    "PL",
    "QA",
    "RO",
    "SA",
    "SD",
    "SG",
    "SN",
    "SY",
    "TH",
    "TM",
    "TR",
    "TZ",
    "UA",
    "UG",
    "UZ",
    "VN",
    "YE",
    "ZA",
    "ZM",
    "ZW",
    "BR",
    "MX",
]
RARE_COUNTRY = "ZW"  # the rarest of the tail (last in the Zipf order but one)
PRECISIONS = [  # (precision, min days, max days, weight); a day to two years
    ("day", 1, 1, 15),
    ("month", 28, 31, 30),
    ("quarter", 90, 92, 10),
    ("half", 181, 184, 5),
    ("year", 365, 366, 35),
    ("year", 367, 730, 5),  # multi-year, up to two years
]
WORDS = [
    "workers",
    "dispatched",
    "overseas",
    "construction",
    "sites",
    "logging",
    "camps",
    "wages",
    "remitted",
    "state",
    "companies",
    "sanctions",
    "panel",
    "report",
    "permits",
    "visas",
    "factories",
    "seafood",
    "textiles",
    "hospitality",
    "restaurants",
    "border",
    "crossing",
    "trains",
    "brokers",
    "dormitories",
    "quotas",
    "contracts",
    "earnings",
    "currency",
    "revenue",
    "overseers",
    "ministry",
    "estimates",
    "according",
    "residents",
    "sources",
    "officials",
]
ESTIMATE_PREFIX = "syn-est-"
RARE_WORD = "Hunchun"  # in ~1 citation in 2,000: what the full-text scenario looks for
START = date(2010, 1, 1)
SPAN_DAYS = (date(2025, 12, 31) - START).days


def _weighted(rng: random.Random, items: list[Any], weights: list[float]) -> Any:
    return rng.choices(items, weights)[0]


def country_weights() -> tuple[list[str], list[float]]:
    """~60 countries: CN and RU take 75%, the other 25% spread by 1/rank."""
    codes = [c for c, _ in TOP_COUNTRIES] + TAIL_COUNTRIES
    tail = [1 / (i + 1) for i in range(len(TAIL_COUNTRIES))]
    scale = 25.0 / sum(tail)
    return codes, [w for _, w in TOP_COUNTRIES] + [t * scale for t in tail]


def n_documents(n: int) -> int:
    return max(200, min(50_000, n // 20))


def sources(n: int) -> list[dict[str, Any]]:
    kinds = ["news_outlet", "government", "ngo", "research_institute", "anonymous"]
    return [
        dict(
            id=f"syn-source-{i:04d}",
            name=f"Synthetic source {i}",
            kind=kinds[i % len(kinds)],
            country_code=None,
            url=None,
            description=None,
            version=1,
        )
        for i in range(n)
    ]


def documents(rng: random.Random, n: int, n_sources: int) -> list[dict[str, Any]]:
    out = []
    for i in range(n):
        published = START + timedelta(days=rng.randrange(SPAN_DAYS))
        out.append(
            dict(
                id=f"syn-doc-{i:06d}",
                title=f"Synthetic document {i}",
                kind="news_article" if i % 5 else "report",
                publisher_id=f"syn-source-{rng.randrange(n_sources):04d}",
                published_on=published,
                published_precision="day",
                coverage_start=None,
                coverage_end=None,
                url=None,
                un_symbol=None,
                is_public=True,
                language="en",
                full_text=None,
                notes=None,
                version=1,
            )
        )
    return out


def _sentence(rng: random.Random, k: int) -> str:
    words = rng.choices(WORDS, k=k)
    if rng.random() < 0.0005:
        words[rng.randrange(k)] = RARE_WORD
    return " ".join(words)


def estimates(
    rng: random.Random, n: int, n_docs: int, n_sources: int
) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]], list[dict]]]:
    """(estimate, its country rows, its sector rows, its citation rows), n times."""
    metric_ids = [m for m, _, _ in METRICS]
    metric_w = [w for _, _, w in METRICS]
    units = {m: u for m, u, _ in METRICS}
    codes, cw = country_weights()
    prec = [(p, lo, hi) for p, lo, hi, _ in PRECISIONS]
    prec_w = [w for *_, w in PRECISIONS]
    for i in range(n):
        eid = f"{ESTIMATE_PREFIX}{i:07d}"
        metric = _weighted(rng, metric_ids, metric_w)
        r = rng.random()
        if r < 0.55:
            kind, qual = "point", rng.choice(["exact", "about", "nearly"])
            low = high = float(rng.randrange(10, 200_000))
            fv = tv = None
            vtext = f"about {int(low):,}"
        elif r < 0.75:
            kind, qual = "range", "range"
            low = float(rng.randrange(10, 100_000))
            high = low + rng.randrange(1, 100_000)
            fv = tv = None
            vtext = f"{int(low):,} to {int(high):,}"
        elif r < 0.88:
            kind, qual = "lower_bound", rng.choice(["at_least", "more_than"])
            low, high, fv, tv = float(rng.randrange(10, 200_000)), None, None, None
            vtext = f"more than {int(low):,}"
        elif r < 0.97:
            kind, qual = "upper_bound", rng.choice(["at_most", "fewer_than"])
            low, high, fv, tv = None, float(rng.randrange(10, 200_000)), None, None
            vtext = f"fewer than {int(high):,}"
        else:
            kind, qual = "change", "exact"
            fv, tv = float(rng.randrange(10, 50_000)), float(rng.randrange(10, 50_000))
            low, high = min(fv, tv), max(fv, tv)
            vtext = f"from {int(fv):,} to {int(tv):,}"
        if rng.random() < 0.01:
            start = end = None
            precision, ptext = "unknown", "undated"
        else:
            precision, lo, hi = _weighted(rng, prec, prec_w)
            start = START + timedelta(days=rng.randrange(SPAN_DAYS))
            end = start + timedelta(days=rng.randint(lo, hi) - 1)
            ptext = f"{precision} from {start}"
        worldwide = rng.random() < 0.03
        countries = (
            []
            if worldwide
            else list(dict.fromkeys(rng.choices(codes, cw, k=1 + (rng.random() < 0.2))))
        )
        sectors = rng.sample(SECTORS, rng.choice([0, 1, 1, 2]))
        origin = f"syn-doc-{rng.randrange(n_docs):06d}"
        cited = [origin] + [
            f"syn-doc-{rng.randrange(n_docs):06d}" for _ in range(rng.choice([0, 0, 1, 2]))
        ]
        cited = list(dict.fromkeys(cited))
        derived = derive(eid, metric, start, end, worldwide, countries, "active")
        est = dict(
            id=eid,
            metric_id=metric,
            value_kind=kind,
            qualifier=qual,
            unit=units[metric],
            low=low,
            high=high,
            from_value=fv,
            to_value=tv,
            value_text=vtext,
            period_start=start,
            period_end=end,
            period_precision=precision,
            period_text=ptext,
            worldwide=worldwide,
            place=None,
            claimant_id=f"syn-source-{rng.randrange(n_sources):04d}",
            origin_document_id=origin,
            notes=_sentence(rng, 8) if rng.random() < 0.3 else None,
            status="active",
            superseded_by_id=None,
            version=1,
            **derived.columns,
        )
        srow = [dict(estimate_id=eid, sector_id=s) for s in sectors]
        cites = [
            dict(
                id=f"{eid}--{d}",
                estimate_id=eid,
                document_id=d,
                quote=_sentence(rng, 12),
                locator=None,
                version=1,
            )
            for d in cited
        ]
        yield est, derived.country_rows, srow, cites


class Writer:
    """Batches rows per table and writes them with executemany (SQLite) or COPY (PostgreSQL)."""

    def __init__(self, engine: Any, batch: int = 50_000) -> None:
        self.engine = engine
        self.pg = engine.dialect.name == "postgresql"
        self.batch = batch
        self.buffers: dict[str, list[dict[str, Any]]] = {}
        self.tables: dict[str, Table] = {}
        self.counts: dict[str, int] = {}
        self.conn = engine.connect()
        self.conn.begin()

    def stage(self, table: Table, rows: list[dict[str, Any]]) -> None:
        """Queue rows; the caller flushes (so children never reach the table before parents)."""
        self.tables[table.name] = table
        self.buffers.setdefault(table.name, []).extend(rows)

    def add(self, table: Table, rows: list[dict[str, Any]]) -> None:
        self.stage(table, rows)
        if len(self.buffers[table.name]) >= self.batch:
            self.flush(table.name)

    def flush(self, name: str) -> None:
        rows = self.buffers.get(name) or []
        if not rows:
            return
        table = self.tables[name]
        # Only the columns the table has (the schema moves; server defaults fill the rest).
        cols = [c.name for c in table.columns if c.name in rows[0]]
        if len(cols) != len(rows[0]):
            rows = [{c: r[c] for c in cols} for r in rows]
        missing = [
            c.name
            for c in table.columns
            if c.name not in rows[0] and not c.nullable and c.server_default is None
        ]
        if missing:
            raise SystemExit(f"bench.generate does not fill {name}.{missing}: update it")
        if self.pg:
            raw = self.conn.connection.driver_connection
            with (
                raw.cursor() as cur,
                cur.copy(f'COPY "{name}" ({", ".join(cols)}) FROM STDIN') as copy,
            ):
                for r in rows:
                    copy.write_row([r[c] for c in cols])
        else:
            self.conn.execute(table.insert(), rows)
        self.counts[name] = self.counts.get(name, 0) + len(rows)
        self.buffers[name] = []

    def close(self) -> None:
        # Parents before children, so foreign keys hold at every flush.
        for name in (
            "source",
            "document",
            "estimate",
            "estimate_country",
            "estimate_sector",
            "citation",
        ):
            self.flush(name)
        self.conn.commit()
        self.conn.close()


def generate(url: str, n: int, seed_value: int = 20261123) -> dict[str, int]:
    """Migrate `url`, load the real seed, add n synthetic estimates; row counts per table."""
    url = normalise_url(url)
    migrate.upgrade(url)
    engine = create_engine(url)
    with Session(engine) as session:
        seed.load(session, ROOT / "seed_data")
        session.commit()
    rng = random.Random(seed_value)
    n_sources = 300
    n_docs = n_documents(n)
    if engine.dialect.name == "sqlite":
        with engine.connect() as c:
            c.exec_driver_sql("PRAGMA journal_mode=WAL")
    w = Writer(engine)
    if engine.dialect.name == "sqlite":
        w.conn.exec_driver_sql("PRAGMA synchronous=OFF")
        w.conn.exec_driver_sql("PRAGMA cache_size=-400000")
    w.add(Source.__table__, sources(n_sources))
    w.flush("source")
    w.add(Document.__table__, documents(rng, n_docs, n_sources))
    w.flush("document")
    order = ("estimate", "estimate_country", "estimate_sector", "citation")
    pending = 0
    for est, crow, srow, cites in estimates(rng, n, n_docs, n_sources):
        w.stage(Estimate.__table__, [est])
        w.stage(estimate_country, crow)
        w.stage(estimate_sector, srow)
        w.stage(Citation.__table__, cites)
        pending += 1
        if pending >= w.batch:
            for name in order:  # estimates before the rows that refer to them
                w.flush(name)
            pending = 0
    w.close()
    with Session(engine) as session:  # the read model, as the loader builds it
        read_model.refill(session)
        session.commit()
    with engine.connect() as c:
        if engine.dialect.name == "postgresql":
            c.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
        else:
            c.exec_driver_sql("ANALYZE")
            c.commit()
    engine.dispose()
    return w.counts


def ensure_postgres_database(url: str) -> None:
    """CREATE DATABASE for a postgresql URL if it does not exist (the bench's own databases)."""
    u = make_url(normalise_url(url))
    if u.get_backend_name() != "postgresql":
        return
    admin = create_engine(u.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        if c.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": u.database}):
            c.exec_driver_sql(f'DROP DATABASE "{u.database}" WITH (FORCE)')
        c.exec_driver_sql(f'CREATE DATABASE "{u.database}"')
    admin.dispose()


def estimates_held(url: str) -> int | None:
    """How many synthetic estimates the database at `url` holds (the seed's are not
    counted); None if it does not exist yet."""
    u = make_url(normalise_url(url))
    if u.get_backend_name() == "sqlite":
        if not u.database or not Path(u.database).exists():
            return None
    else:
        admin = create_engine(u.set(database="postgres"))
        with admin.connect() as c:
            exists = c.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": u.database}
            )
        admin.dispose()
        if not exists:
            return None
    engine = create_engine(normalise_url(url))
    try:
        with engine.connect() as c:
            held = text("SELECT count(*) FROM estimate WHERE id LIKE :p")
            return int(c.scalar(held, {"p": ESTIMATE_PREFIX + "%"}) or 0)
    except Exception:  # no estimate table: not one of ours, or not migrated
        return None
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--url", required=True, help="database URL; a PostgreSQL one is recreated")
    p.add_argument("--n", type=int, default=1_000_000, help="synthetic estimates (1,000,000)")
    p.add_argument("--seed", type=int, default=20261123)
    p.add_argument(
        "--reuse",
        action="store_true",
        help="a database that holds --n synthetic estimates already is only migrated to head",
    )
    args = p.parse_args(argv)
    if args.reuse and estimates_held(args.url) == args.n:
        migrate.upgrade(normalise_url(args.url))
        print(f"{args.url}: kept ({args.n} estimates), migrated to head", flush=True)
        return 0
    u = make_url(normalise_url(args.url))
    if u.get_backend_name() == "sqlite" and u.database:
        path = Path(u.database)
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    ensure_postgres_database(args.url)
    t0 = time.perf_counter()
    counts = generate(args.url, args.n, args.seed)
    print(f"{args.url}: {counts} in {time.perf_counter() - t0:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
