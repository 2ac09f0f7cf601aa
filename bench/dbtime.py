"""The database limit: each scenario's SELECT, built by app.queries, compiled once, run in a
loop, and the queries that prepare it (app.queries.estimates.prepare), timed apart.

python -m bench.dbtime --url sqlite:///bench/out/est_1000000.sqlite3 [--explain]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.orm import Session

from app.db import normalise_url
from app.models import Estimate
from app.queries import estimates as eq
from bench import scenarios as sc


def compiled_sql(engine: Engine, stmt: Any) -> str:
    """The statement as the database sees it (values inlined; SQLAlchemy caches the same)."""
    return str(stmt.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))


def time_sql(engine: Engine, sql: str, budget_s: float = 1.0, max_n: int = 2000) -> dict[str, Any]:
    """Median and p99 milliseconds of running `sql` and fetching every row, on one connection."""
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute(sql)
        rows = len(cur.fetchall())
        times = []
        deadline = time.perf_counter() + budget_s
        while len(times) < max_n and (len(times) < 5 or time.perf_counter() < deadline):
            t0 = time.perf_counter()
            cur.execute(sql)
            cur.fetchall()
            times.append((time.perf_counter() - t0) * 1000)
        raw.rollback()
    finally:
        raw.close()
    times.sort()
    return {
        "rows": rows,
        "n": len(times),
        "median_ms": statistics.median(times),
        "p99_ms": times[min(len(times) - 1, int(len(times) * 0.99))],
    }


def time_prepare(engine: Engine, flt: Any, budget_s: float, max_n: int = 500) -> float:
    """Median milliseconds of app.queries.estimates.prepare: the queries a list runs before
    its SELECT (ids checked, the overlap floor, the texts that hold q=)."""
    times = []
    with Session(engine) as session:
        deadline = time.perf_counter() + budget_s
        while len(times) < max_n and (len(times) < 5 or time.perf_counter() < deadline):
            t0 = time.perf_counter()
            eq.prepare(session, flt)
            times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def timed(
    engine: Engine, s: sc.Scenario, budget_s: float, do_explain: bool, max_n: int = 2000
) -> dict[str, Any]:
    """A scenario's main SELECT timed (and its plan, if asked), and beside it the queries
    that prepare it and, for a list with a date range, the count of the undated figures it
    leaves out; `total_ms` is all of them (items come with the page: the read model's)."""
    sql = compiled_sql(engine, s.statement(engine))
    res = time_sql(engine, sql, budget_s, max_n)
    if do_explain:
        res["plan"] = explain(engine, sql)
    res["prepare_ms"] = time_prepare(engine, s.filters, budget_s / 4) if s.filters else 0.0
    res["undated_ms"] = 0.0
    undated = s.undated_statement(engine)
    if undated is not None:
        undated_sql = compiled_sql(engine, undated)
        res["undated_ms"] = time_sql(engine, undated_sql, budget_s / 4, max_n)["median_ms"]
    res["total_ms"] = res["median_ms"] + res["prepare_ms"] + res["undated_ms"]
    return res


def explain(engine: Engine, sql: str) -> str:
    with engine.connect() as c:
        if engine.dialect.name == "sqlite":
            rows = c.exec_driver_sql("EXPLAIN QUERY PLAN " + sql).all()
            return "\n".join(f"{'  ' * 0}{r[3]}" for r in rows)
        rows = c.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql).all()
        return "\n".join(r[0] for r in rows)


def facts(engine: Engine) -> dict[str, Any]:
    """Ids the scenarios need, read from the database: one estimate, a rare country, and
    the (period_start, id) after the card metric's first DEEP_PAGE_OFFSET rows."""
    with engine.connect() as c:
        an_id = c.scalar(select(Estimate.id).order_by(Estimate.id).offset(777).limit(1))
        rare = c.scalar(
            text(
                "SELECT country_code FROM estimate_country GROUP BY country_code "
                "HAVING count(*) >= 5 ORDER BY count(*), country_code LIMIT 1"
            )
        )
        row = c.execute(
            select(Estimate.period_start, Estimate.id)
            .where(Estimate.metric_id == "workers_abroad", Estimate.period_start.is_not(None))
            .order_by(Estimate.period_start, Estimate.id)
            .offset(sc.DEEP_PAGE_OFFSET)
            .limit(1)
        ).first()
        if row is None:  # a small database: half way
            n = c.scalar(
                select(text("count(*)"))
                .select_from(Estimate)
                .where(Estimate.metric_id == "workers_abroad")
            )
            row = c.execute(
                select(Estimate.period_start, Estimate.id)
                .where(Estimate.metric_id == "workers_abroad", Estimate.period_start.is_not(None))
                .order_by(Estimate.period_start, Estimate.id)
                .offset(n // 2)
                .limit(1)
            ).first()
    return {"an_id": an_id, "rare": rare, "deep": (row[0], row[1])}


def run(url: str, do_explain: bool, budget_s: float, filters: bool = True) -> dict[str, Any]:
    engine = create_engine(normalise_url(url))
    f = facts(engine)
    out: dict[str, Any] = {"facts": f, "scenarios": {}, "filters": {}}
    for s in sc.scenarios(f["rare"], f["an_id"], f["deep"]):
        if s.filters is None and s.estimate_id is None:
            continue
        out["scenarios"][s.name] = timed(engine, s, budget_s, do_explain)
    for name, flt, sort in sc.filter_matrix(f["rare"]) if filters else []:
        s = sc.Scenario(name, "", filters=flt, sort=sort)
        out["filters"][name] = timed(engine, s, budget_s / 2, do_explain, max_n=500)
    engine.dispose()
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--url", required=True)
    p.add_argument("--explain", action="store_true")
    p.add_argument("--budget", type=float, default=1.0, help="seconds per statement")
    p.add_argument("--json", help="also write the results here")
    args = p.parse_args(argv)
    res = run(args.url, args.explain, args.budget)
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=1, default=str))
    print(res["facts"])
    for group in ("scenarios", "filters"):
        for name, r in res[group].items():
            print(
                f"{name:45s} {r['total_ms']:9.3f} ms (prepare {r['prepare_ms']:.3f},"
                f" undated {r['undated_ms']:.3f})"
                f"  select p99 {r['p99_ms']:9.3f}  rows {r['rows']}"
            )
            if "plan" in r:
                print("    " + r["plan"].replace("\n", "\n    "))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
