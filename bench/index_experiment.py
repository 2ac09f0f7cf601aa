"""Before/after timings of the proposed overlap bound, applied to a bench database only.

    python -m bench.index_experiment --url sqlite:///bench/out/est_1000000.sqlite3

The proposal: an overlap query (period_end >= from AND period_start <= to) also bounds the
scan from below, period_start >= from - L, where L is the longest period stored for the
metric, read from an expression index the database keeps up to date. The index is created
here on the bench database (not by a migration); the query change is made on the SELECT
that app.queries builds.
"""

from __future__ import annotations

import argparse
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, create_engine, text

from app.db import normalise_url
from app.models import Estimate
from app.pagination import DEFAULT_LIMIT, keyset_statements
from app.queries import estimates as eq
from bench import scenarios as sc
from bench.dbtime import compiled_sql, explain, time_sql

LENGTH_INDEX = {
    "sqlite": "CREATE INDEX IF NOT EXISTS ix_estimate_metric_length ON estimate "
    "(metric_id, (julianday(period_end) - julianday(period_start)))",
    "postgresql": "CREATE INDEX IF NOT EXISTS ix_estimate_metric_length ON estimate "
    "(metric_id, (period_end - period_start))",
}
LONGEST = {
    "sqlite": "SELECT max(julianday(period_end) - julianday(period_start)) FROM estimate "
    "WHERE metric_id = :m",
    "postgresql": "SELECT max(period_end - period_start) FROM estimate WHERE metric_id = :m",
}


def bounded(filters: Any, longest_days: int) -> Any:
    """The app's card SELECT with the extra lower bound on period_start."""
    stmt = eq.filtered(eq.Plan.of(filters)).where(
        Estimate.period_start >= filters.period_from - timedelta(days=longest_days)
    )
    key = eq.SORT_KEYS[sc.EstimateSort.period_start]
    return eq.list_columns(keyset_statements(stmt, key, None)[0].limit(DEFAULT_LIMIT + 1))


# PostgreSQL's planner prefers ix_estimate_period_start_id (it yields ORDER BY period_start, id
# without a sort) and filters the metric row by row; an index that leads with the metric and
# then gives the order takes that choice away.
COMPOSITE_INDEX = (
    "CREATE INDEX IF NOT EXISTS ix_estimate_metric_start_id ON estimate "
    "(metric_id, period_start, id)"
)


def run(engine: Engine, cases: list[tuple[str, Any]], composite: bool = False) -> list[dict]:
    d = engine.dialect.name
    out = []
    with engine.begin() as c:
        c.exec_driver_sql(LENGTH_INDEX[d])
        if composite:
            c.exec_driver_sql(COMPOSITE_INDEX)
        c.exec_driver_sql("ANALYZE" if d == "sqlite" else "ANALYZE estimate")
    longest_sql = text(LONGEST[d])
    for name, filters in cases:
        metric = filters.metric[0]
        before_sql = compiled_sql(engine, sc.Scenario(name, "", filters=filters).statement(engine))
        with engine.connect() as c:
            longest = int(c.execute(longest_sql, {"m": metric}).scalar() or 0)
        after_sql = compiled_sql(engine, bounded(filters, longest))
        lookup = str(
            longest_sql.bindparams(m=metric).compile(
                dialect=engine.dialect, compile_kwargs={"literal_binds": True}
            )
        )
        out.append(
            {
                "case": name,
                "longest_days": longest,
                "before": time_sql(engine, before_sql),
                "after": time_sql(engine, after_sql),
                "longest_lookup": time_sql(engine, lookup),
                "after_plan": explain(engine, after_sql),
                "lookup_plan": explain(engine, lookup),
            }
        )
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--url", required=True)
    p.add_argument("--composite", action="store_true", help="also " + COMPOSITE_INDEX)
    args = p.parse_args(argv)
    engine = create_engine(normalise_url(args.url))
    f = sc.EstimateFilters
    cases = [
        (
            "card query (CN, 2019-2024)",
            f(metric=["workers_abroad"], country=["CN"], **sc.period("2019", "2024")),
        ),
        ("metric only, 2019-2024", f(metric=["workers_abroad"], **sc.period("2019", "2024"))),
        (
            "card metric, 2024-06",
            f(metric=["workers_abroad"], country=["CN"], **sc.period("2024-06", "2024-06")),
        ),
    ]
    for r in run(engine, cases, args.composite):
        print(
            f"{r['case']:32s} longest {r['longest_days']:4d} d  before "
            f"{r['before']['median_ms']:8.3f} ms  after {r['after']['median_ms']:8.3f} ms  "
            f"(+ lookup {r['longest_lookup']['median_ms']:.3f} ms)  rows {r['before']['rows']}"
            f"/{r['after']['rows']}"
        )
        print("    " + r["after_plan"].replace("\n", "\n    "))
        print("    lookup: " + r["lookup_plan"].replace("\n", "\n    "))
    engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
