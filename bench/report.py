"""Write bench/RESULTS.md from bench/out/*.json: the run's machine and commands, each of
issue 6's targets said met or not met, and the tables.

    python -m bench.report --write bench/RESULTS.md   (make bench does this)

Everything from the line NOTES on is kept as it is: the hand-written notes on what
changed between runs. Without --write the generated part goes to stdout.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

OUT = Path(__file__).parent / "out"
SIZES = (10_000, 100_000, 1_000_000)
NOTES = "## Notes on the runs (written by hand; bench.report keeps everything from here on)"
CARD = "card query (CN, 2019-2024)"
BY_ID = "one estimate by id"
EXPORT = "CSV export, all rows"
# "Flat in the row count": the 1M figure at most this many times the 10k one.
FLAT = 1.5
# Export memory is flat when the server's RSS grows less than this over the export.
EXPORT_GROWTH_MB = 32


def load_table(res: dict[str, Any]) -> list[str]:
    limit = res.get("http_limit", {}).get("rps") or float("nan")
    lines = [
        f"HTTP limit (bare Starlette, same body, same server settings): "
        f"**{limit:,.0f} req/s**, p50 {res['http_limit']['p50_ms']} ms, "
        f"p99 {res['http_limit']['p99_ms']} ms",
        "",
        "| backend | cache | scenario | req/s | % of HTTP limit | p50 ms | p99 ms | peak RSS MB "
        "| database time ms (median) |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    runs_of = [(b, r) for b in ("sqlite", "postgresql") for r in ("http", "http_cached")]
    for backend, runs in runs_of:
        b = res.get(backend)
        if not b or runs not in b:
            continue
        cache = "on" if runs == "http_cached" else "off"
        for name, h in b[runs].items():
            db = b["db"]["scenarios"].get(name)
            dbt = f"{db['total_ms']:.3f}" if db else "n/a"
            if not h.get("available"):
                lines.append(
                    f"| {backend} | {cache} | {name} | not available (HTTP {h.get('status')}) "
                    "| | | | | |"
                )
            elif "rows_per_s" in h:
                lines.append(
                    f"| {backend} | {cache} | {name} | {h['rows_per_s']:,.0f} lines/s "
                    f"({h['rows']:,} lines in {h['seconds']:.1f} s) | | | | "
                    f"{h['rss_before_mb']:.0f} → {h['rss_peak_mb']:.0f} | {dbt} |"
                )
            else:
                lines.append(
                    f"| {backend} | {cache} | {name} | {h['rps']:,.1f} "
                    f"| {100 * h['rps'] / limit:.2f}% "
                    f"| {h['p50_ms']:.1f} | {h['p99_ms']:.1f} | {h['rss_peak_mb']:.0f} | {dbt} |"
                )
    return lines


def _key(name: str) -> str:
    """The rare country differs by size (the rarest with >= 5 estimates): one row for it."""
    if name.startswith("rare country"):
        return "rare country"
    if name.startswith("country ") and name != "country CN":
        return "country (rare)"
    return name


def db_table(prefix: str, group: str) -> list[str]:
    data = {}
    for n in SIZES:
        p = OUT / f"{prefix}_{n}.json"
        if p.exists():
            d = json.loads(p.read_text())
            d[group] = {_key(k): v for k, v in d[group].items()}
            data[n] = d
    if not data:
        return []
    names = list(next(iter(data.values()))[group])
    # Milliseconds: every query of the request (bench.dbtime.timed: prepare, page, items).
    head = "| query | " + " | ".join(f"{n:,} rows: ms (rows)" for n in data) + " |"
    lines = [head, "|---|" + "---:|" * len(data)]
    for name in names:
        cells = []
        for d in data.values():
            r = d[group].get(name)
            cells.append(f"{r['total_ms']:.3f} ({r['rows']})" if r else "")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def _yes(ok: bool) -> str:
    return "**yes**" if ok else "**no**"


def _load_target(
    res: dict[str, Any],
    backend: str,
    name: str,
    cell: Callable[[dict[str, Any], float], str],
    met: Callable[[dict[str, Any], float], bool],
) -> list[str]:
    """A target on scenario `name` of `backend`, with the cache on and off: what was
    measured (`cell` of the wrk figures and the share of the HTTP limit) and whether it
    is `met`."""
    limit = res.get("http_limit", {}).get("rps")
    cells, verdicts = [], []
    for runs, label in (("http_cached", "cache on"), ("http", "cache off")):
        h = res.get(backend, {}).get(runs, {}).get(name)
        if not h or not h.get("available") or not limit:
            cells.append(f"{label}: not measured")
            verdicts.append(f"{label}: not measured")
            continue
        share = 100 * h["rps"] / limit
        cells.append(f"{label}: {cell(h, share)}")
        verdicts.append(f"{label}: {_yes(met(h, share))}")
    return ["; ".join(cells), "; ".join(verdicts)]


def _share(goal: float) -> dict[str, Any]:
    return {
        "cell": lambda h, share: f"{h['rps']:,.0f} req/s = {share:.2f} %, p99 {h['p99_ms']:.1f} ms",
        "met": lambda h, share: share >= goal,
    }


def _p99(goal_ms: float) -> dict[str, Any]:
    return {
        "cell": lambda h, share: f"p50 {h['p50_ms']:.1f} ms, p99 {h['p99_ms']:.1f} ms",
        "met": lambda h, share: h["p99_ms"] < goal_ms,
    }


def _dbtimes(prefix: str) -> dict[int, dict[str, Any]]:
    out = {}
    for n in SIZES:
        p = OUT / f"{prefix}_{n}.json"
        if p.exists():
            d = json.loads(p.read_text())
            out[n] = {_key(k): v for k, v in d["scenarios"].items() if k != BY_ID}
    return out


def _under_1ms(times: dict[int, dict[str, Any]], label: str) -> tuple[str, bool | None]:
    at = times.get(max(SIZES))
    if not at:
        return f"{label}: not measured", None
    cells = [f"{name} {r['total_ms']:.2f}" for name, r in at.items()]
    return f"{label} ms: " + ", ".join(cells), all(r["total_ms"] < 1 for r in at.values())


def _flat(times: dict[int, dict[str, Any]], label: str) -> tuple[str, bool | None]:
    small, large = times.get(min(SIZES)), times.get(max(SIZES))
    if not small or not large:
        return f"{label}: not measured at every size", None
    cells, ok = [], True
    for name, r in large.items():
        series = " -> ".join(
            f"{times[n][name]['total_ms']:.2f}" for n in SIZES if name in times.get(n, {})
        )
        grown = name in small and r["total_ms"] > FLAT * small[name]["total_ms"]
        ok = ok and not grown
        cells.append(f"{name} {series}" + (" (grows)" if grown else ""))
    return f"{label} ms: " + "; ".join(cells), ok


def _export_target(res: dict[str, Any]) -> list[str]:
    cells: list[str] = []
    growths: list[float] = []
    for backend in ("sqlite", "postgresql"):
        h = res.get(backend, {}).get("http", {}).get(EXPORT)
        if not h or not h.get("available"):
            cells.append(f"{backend}: not measured")
            continue
        at = sorted((int(k), v) for k, v in h["rss_at_lines_mb"].items())
        growths.append(at[-1][1] - at[0][1] if len(at) > 1 else math.nan)
        points = ", ".join(f"{mb:.0f} MB at {n:,}" for n, mb in at)
        cells.append(f"{backend}: {points} lines ({h['rows_per_s']:,.0f} lines/s)")
    if any(not g < EXPORT_GROWTH_MB for g in growths):
        verdict = _yes(False)
    else:
        verdict = _yes(True) if len(growths) == 2 else "not measured"
    return ["; ".join(cells), verdict]


def targets_table(res: dict[str, Any]) -> list[str]:
    """Issue 6's targets, each with what this run measured and whether it is met."""
    sqlite_db, pg_db = _dbtimes("dbtime_sqlite"), _dbtimes("dbtime_pg")
    rows = [
        (
            "card query, SQLite: ≥ 8 % of the HTTP limit",
            *_load_target(res, "sqlite", CARD, **_share(8)),
        ),
        ("card query, SQLite: p99 < 20 ms", *_load_target(res, "sqlite", CARD, **_p99(20))),
        ("one estimate by id, SQLite: ≥ 15 %", *_load_target(res, "sqlite", BY_ID, **_share(15))),
        ("card query, PostgreSQL: ≥ 5 %", *_load_target(res, "postgresql", CARD, **_share(5))),
    ]
    for label, check in (
        ("database time of every list scenario < 1 ms (1M rows)", _under_1ms),
        (f"database time flat 10k -> 100k -> 1M (1M ≤ {FLAT}x 10k)", _flat),
    ):
        cells, verdicts = [], []
        for db_label, times in (("SQLite", sqlite_db), ("PostgreSQL", pg_db)):
            cell, ok = check(times, db_label)
            cells.append(cell)
            verdicts.append(f"{db_label}: " + ("not measured" if ok is None else _yes(ok)))
        rows.append((label, "<br>".join(cells), "; ".join(verdicts)))
    rows.append(
        (
            f"export memory flat in row count (RSS grows < {EXPORT_GROWTH_MB} MB)",
            *_export_target(res),
        )
    )
    lines = ["| target | measured | met? |", "|---|---|---|"]
    lines += [f"| {t} | {m} | {v} |" for t, m, v in rows]
    return lines


def header(res: dict[str, Any]) -> list[str]:
    m = res.get("machine", {})
    argv = " ".join(res.get("argv", ["python -m bench.load ..."]))
    return [
        "## Latest run (written by `make bench`)",
        "",
        f"**When and what:** {m.get('date', '?')}, commit {m.get('commit', '?')}.",
        "",
        f"**Machine:** {m.get('cores', '?')} × {m.get('cpu', '?')}, "
        f"{m.get('memory_gib', '?')} GiB, {m.get('system', '?')}; CPython {m.get('python', '?')}, "
        f"SQLite {m.get('sqlite', '?')}, PostgreSQL {m.get('postgresql', 'not measured')}. "
        "Client and server share the machine.",
        "",
        f"**Commands:** `make bench` ran `make bench-data` (the synthetic databases), then `{argv}`"
        " (one uvicorn worker, 4 worker threads, "
        f"{m.get('wrk', 'wrk')} for {res.get('duration_s', '?')} s a scenario, the answer cache "
        "off then on), `python -m bench.dbtime --explain` at each size on both databases, "
        "`python -m bench.index_experiment` and `python -m bench.report --write "
        "bench/RESULTS.md`. Ratios are to this run's HTTP limit (a bare Starlette app returning "
        "the card's body under the same server settings); database time is every query a "
        "request asks (prepare, page, items, their countries and sectors), run in-process.",
        "",
        "### Targets (issue 6), as measured in this run",
        "",
        *targets_table(res),
        "",
        "`cache on`: the same URL again and again, the data unchanged, answered from the "
        "response cache (app/cache.py, on by default) after a check of the data version. "
        "`cache off`: every request builds its answer (SQL, rows, JSON).",
    ]


def generated() -> list[str]:
    """The part of RESULTS.md this module writes."""
    out: list[str] = ["# Benchmark results (issue 6)", ""]
    load = OUT / "load_1000000.json"
    res = json.loads(load.read_text()) if load.exists() else {}
    out += header(res)
    if res:
        out += ["", "### Load, 1,000,000 estimates", "", *load_table(res)]
    for prefix, title in (("dbtime_sqlite", "SQLite"), ("dbtime_pg", "PostgreSQL")):
        for group in ("scenarios", "filters"):
            lines = db_table(prefix, group)
            if lines:
                out += ["", f"### Database time, {title}, {group}", "", *lines]
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--write", type=Path, help="the RESULTS.md to rewrite (its notes are kept)")
    args = p.parse_args(argv)
    text = "\n".join(generated()) + "\n"
    if args.write is None:
        sys.stdout.write(text)
        return 0
    old = args.write.read_text() if args.write.exists() else ""
    notes = old[old.index(NOTES) :] if NOTES in old else NOTES + "\n"
    args.write.write_text(text + "\n" + notes)
    print(f"wrote {args.write}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
