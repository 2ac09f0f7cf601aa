"""Write bench/RESULTS.md from bench/out/*.json: the run's machine and commands, each of
issue 15's targets said met or not met with the ratios of the same run, and the tables.

    python -m bench.report --write bench/RESULTS.md   (make bench does this)

Everything from the line NOTES on is kept as it is: the hand-written notes on what
changed between runs. Without --write the generated part goes to stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

OUT = Path(__file__).parent / "out"
SIZES = (10_000, 100_000, 1_000_000)
NOTES = "## Notes on the runs (written by hand; bench.report keeps everything from here on)"
CARD = "card query (CN, 2019-2024)"
RARE = "rare country"
BY_ID = "one estimate by id"
VARIED_LISTS = "varied lists"
VARIED_IDS = "varied ids"
FIVE = (CARD, RARE, BY_ID, VARIED_LISTS, VARIED_IDS)  # issue 15's scenarios, in order
EXPORT = "CSV export, all rows"
# Issue 15's targets (SQLite, one worker, 1M estimates, 16 connections).
COLD_VS_PEER = 3.0  # cache off: at least this many times Datasette's requests/s
COLD_P99_MS = 25.0  # cache off: p99 at most this
HOT_SHARE = 50.0  # cache on: at least this % of the HTTP limit
PG_VS_PEER = 2.0  # PostgreSQL cold card query and varied lists vs Datasette on SQLite
PG_SCENARIOS = (CARD, VARIED_LISTS)
# "Flat in the row count": the 1M figure at most this many times the 10k one.
FLAT = 1.5
WHO = {
    "peer": "Datasette (SQLite, flat copy)",
    "sqlite": "project, SQLite",
    "postgresql": "project, PostgreSQL",
}


def ok_rps(h: dict[str, Any]) -> float:
    """Requests/s answered 2xx (wrk counts the others too)."""
    return float(h.get("ok_rps", h["rps"]))


def find(res: dict[str, Any], who: str, runs: str, key: str) -> dict[str, Any] | None:
    """The wrk figures of scenario `key` (the rare country's name has its code in it) for
    `who` (sqlite, postgresql, peer) and `runs` (http: cache off, http_cached: on); None if
    not measured."""
    for name, h in res.get(who, {}).get(runs, {}).items():
        if _key(name) == key and h.get("available"):
            return dict(h)
    return None


def _name(res: dict[str, Any], key: str) -> str:
    """The scenario's full name in this run (the rare country with its code)."""
    for s in res.get("scenarios", []):
        if _key(s["name"]) == key:
            return str(s["name"])
    return key


def _fig(h: dict[str, Any]) -> str:
    return f"{ok_rps(h):,.0f} req/s, p99 {h['p99_ms']:.1f} ms"


def _ratio(h: dict[str, Any] | None, ds: dict[str, Any] | None) -> str:
    if not h or not ds or not ok_rps(ds):
        return ""
    return f"{ok_rps(h) / ok_rps(ds):.2f}x"


def side_by_side(res: dict[str, Any]) -> list[str]:
    """Issue 15's scenarios: Datasette, the project cold and hot, PostgreSQL cold, and the
    ratios the targets are about (from this run)."""
    limit = res.get("http_limit", {}).get("rps")
    lines = [
        "| scenario | Datasette | project, cache off | × Datasette | project, cache on "
        "| % of HTTP limit | PostgreSQL, cache off | × Datasette |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key in FIVE:
        ds = find(res, "peer", "http", key)
        cold = find(res, "sqlite", "http", key)
        hot = find(res, "sqlite", "http_cached", key)
        pg = find(res, "postgresql", "http", key)

        cells = [
            _fig(ds) if ds else "not measured",
            _fig(cold) if cold else "not measured",
            _ratio(cold, ds),
            _fig(hot) if hot else "not measured",
            f"{100 * ok_rps(hot) / limit:.1f} %" if hot and limit else "",
            _fig(pg) if pg else "",
            _ratio(pg, ds),
        ]
        lines.append(f"| {_name(res, key)} | " + " | ".join(cells) + " |")
    return lines


def load_table(res: dict[str, Any]) -> list[str]:
    """Every run of the load: wrk's figures, the bodies, the server's memory."""
    limit = res.get("http_limit", {}).get("rps") or float("nan")
    hl = res.get("http_limit", {})
    lines = [
        f"HTTP limit (bare Starlette, the card's body, same server settings): "
        f"**{limit:,.0f} req/s**, p50 {hl.get('p50_ms', '?')} ms, "
        f"p99 {hl.get('p99_ms', '?')} ms",
        "",
        "| server | cache | scenario | req/s (2xx) | % of HTTP limit | p50 ms | p99 ms "
        "| non-2xx | body bytes | peak RSS MB | database time ms (median) |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    runs_of = [("peer", "http")] + [
        (b, r) for b in ("sqlite", "postgresql") for r in ("http", "http_cached")
    ]
    for who, runs in runs_of:
        b = res.get(who)
        if not b or runs not in b:
            continue
        cache = "n/a" if who == "peer" else ("on" if runs == "http_cached" else "off")
        dbs = b.get("db", {}).get("scenarios", {})
        for name, h in b[runs].items():
            db = dbs.get(name)
            dbt = f"{db['total_ms']:.3f}" if db else "n/a"
            row = f"| {WHO[who]} | {cache} | {name} | "
            if not h.get("available"):
                lines.append(row + f"not available (HTTP {h.get('status')}) | | | | | | | |")
            elif "rows_per_s" in h:
                lines.append(
                    row + f"{h['rows_per_s']:,.0f} lines/s "
                    f"({h['rows']:,} lines in {h['seconds']:.1f} s) | | | | | | "
                    f"{h['rss_before_mb']:.0f} → {h['rss_peak_mb']:.0f} | {dbt} |"
                )
            else:
                lines.append(
                    row + f"{ok_rps(h):,.1f} | {100 * ok_rps(h) / limit:.2f}% "
                    f"| {h['p50_ms']:.1f} | {h['p99_ms']:.1f} | {h.get('non_2xx', 0)} "
                    f"| {h.get('body_bytes', '')} | {h['rss_peak_mb']:.0f} | {dbt} |"
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


NOT = "not measured"


def _vs_peer(res: dict[str, Any], who: str, key: str, goal: float) -> tuple[str, bool | None]:
    h, ds = find(res, who, "http", key), find(res, "peer", "http", key)
    if not h or not ds or not ok_rps(ds):
        return NOT, None
    x = ok_rps(h) / ok_rps(ds)
    return f"{ok_rps(h):,.0f} vs {ok_rps(ds):,.0f} req/s = **{x:.2f}x**", x >= goal


def _p99(res: dict[str, Any], key: str) -> tuple[str, bool | None]:
    h = find(res, "sqlite", "http", key)
    if not h:
        return NOT, None
    return f"p50 {h['p50_ms']:.1f} ms, p99 **{h['p99_ms']:.1f} ms**", h["p99_ms"] <= COLD_P99_MS


def _hot(res: dict[str, Any], key: str) -> tuple[str, bool | None]:
    h, limit = find(res, "sqlite", "http_cached", key), res.get("http_limit", {}).get("rps")
    if not h or not limit:
        return NOT, None
    share = 100 * ok_rps(h) / limit
    return f"{ok_rps(h):,.0f} of {limit:,.0f} req/s = **{share:.1f} %**", share >= HOT_SHARE


def target_rows(res: dict[str, Any]) -> list[tuple[str, str, str, bool | None]]:
    """Issue 15's targets, one row per scenario: (target, scenario, measured, met)."""
    rows: list[tuple[str, str, str, bool | None]] = []
    for key in FIVE:
        cell, ok = _vs_peer(res, "sqlite", key, COLD_VS_PEER)
        rows.append((f"cache off, SQLite: ≥ {COLD_VS_PEER:g}x Datasette's req/s", key, cell, ok))
    for key in FIVE:
        rows.append((f"cache off, SQLite: p99 ≤ {COLD_P99_MS:g} ms", key, *_p99(res, key)))
    for key in FIVE:
        rows.append(
            (f"cache on, SQLite: ≥ {HOT_SHARE:g} % of the HTTP limit", key, *_hot(res, key))
        )
    for key in PG_SCENARIOS:
        cell, ok = _vs_peer(res, "postgresql", key, PG_VS_PEER)
        rows.append(
            (f"PostgreSQL, cache off: ≥ {PG_VS_PEER:g}x Datasette-on-SQLite", key, cell, ok)
        )
    for label, prefix in (("SQLite", "dbtime_sqlite"), ("PostgreSQL", "dbtime_pg")):
        cell, ok = _flat(_dbtimes(prefix), label)
        rows.append(
            (f"database time per list page flat 10k -> 1M (1M ≤ {FLAT}x 10k)", label, cell, ok)
        )
    return [(t, _name(res, k), m, ok) for t, k, m, ok in rows]


def targets_table(res: dict[str, Any]) -> list[str]:
    """The targets table, and a sentence that says plainly which are met."""
    rows = target_rows(res)
    lines = ["| target | scenario | measured | met? |", "|---|---|---|---|"]
    for t, scenario, measured, ok in rows:
        lines.append(f"| {t} | {scenario} | {measured} | {NOT if ok is None else _yes(ok)} |")
    judged = [r for r in rows if r[3] is not None]
    met = [r for r in judged if r[3]]
    missed = [f"{t} ({s})" for t, s, _, ok in judged if not ok]
    unmeasured = len(rows) - len(judged)
    summary = f"**Met: {len(met)} of {len(rows)}.**"
    if missed:
        summary += " Not met: " + "; ".join(missed) + "."
    if unmeasured:
        summary += f" Not measured in this run: {unmeasured}."
    if judged and not missed and not unmeasured:
        summary += " Every target is met."
    return [*lines, "", summary]


def _dbtimes(prefix: str) -> dict[int, dict[str, Any]]:
    out = {}
    for n in SIZES:
        p = OUT / f"{prefix}_{n}.json"
        if p.exists():
            d = json.loads(p.read_text())
            out[n] = {_key(k): v for k, v in d["scenarios"].items() if k != BY_ID}
    return out


def _flat(times: dict[int, dict[str, Any]], label: str) -> tuple[str, bool | None]:
    small, large = times.get(min(SIZES)), times.get(max(SIZES))
    if not small or not large:
        return f"{label}: not measured at every size", None
    cells, ok = [], True
    for name, r in large.items():
        series = " -> ".join(
            f"{times[n][name]['total_ms']:.2f}" for n in SIZES if name in times.get(n, {})
        )
        if name in small and small[name].get("rows") != r.get("rows"):
            # e.g. the rare country (the rarest at each size) finds no row at 10k: not a page
            rows = f"{small[name].get('rows')} vs {r.get('rows')} rows"
            cells.append(f"{name} {series} (not compared: {rows})")
            continue
        grown = name in small and r["total_ms"] > FLAT * small[name]["total_ms"]
        ok = ok and not grown
        cells.append(f"{name} {series}" + (" (grows)" if grown else ""))
    return f"{label} ms: " + "; ".join(cells), ok


def _peer_settings(res: dict[str, Any]) -> list[str]:
    p = res.get("peer")
    if not p:
        return ["Datasette: not measured in this run."]
    argv = " ".join(p.get("argv", []))
    flat = res.get("flat", {})
    built = flat.get("built")
    how = (
        f"built for this run in {built['seconds']:.0f} s, {built['rows']:,} rows"
        if built
        else "built by an earlier run from the same database"
    )
    return [
        f"**The peer:** {p.get('version', 'Datasette')} from PyPI, in the bench's own "
        "virtualenv (bench/out/peer-venv, `make bench-peer` or bench.load creates it; never "
        "a project dependency), with uvloop and httptools (the project's uvicorn[standard] "
        f"runs on them): `{argv}`. It serves the flat copy of the same generated rows "
        f"(bench/flat.py; `{flat.get('path', '?')}`, {how}): one row per estimate (id, "
        "metric, first country, period start and end, value low and high, claimant, "
        "document, first quote), indexes on metric, country, period start and period end, "
        "ANALYZE. Settings, each to its advantage or neutral: immutable (`-i`: no check "
        "for changes per request, counts computed once), `suggest_facets off` (no facet "
        "queries per page), `sql_time_limit_ms 10000` (slow pages answered, not cut off at "
        "1 s), and in every URL `_nocount=1` (the project counts only with `count=true`) "
        "and `_size=50` (the project's page); Datasette's default JSON shape (rows as "
        "arrays, smaller than the project's objects), 3 SQL threads, one process. Its "
        "list asks the same as the project's (metric, the estimate's first country, "
        "periods overlapping the window, period order), e.g. "
        f"`{_peer_path(res, CARD)}`; by id `{_peer_path(res, BY_ID)}`.",
    ]


def _peer_path(res: dict[str, Any], key: str) -> str:
    for s in res.get("scenarios", []):
        if _key(s["name"]) == key:
            return str(s["peer"])
    return "?"


def _mixes(res: dict[str, Any]) -> list[str]:
    m = res.get("mixes")
    if not m:
        return []
    ex = m.get("examples", {})
    first = (ex.get("project_lists") or ["?"])[0]
    peer_first = (ex.get("peer_lists") or ["?"])[0]
    return [
        f"**The varied mixes** (bench/mixes.py, seed {m['seed']}): {m['lists']} distinct "
        f"list URLs, each a random metric (of {len(m['metrics'])} with over 1,000 "
        f"estimates), a random country (of {m['countries']} with over 1,000 estimates) "
        f"and a period window of 1-5 years starting in {m['years'][0]}-{m['years'][1]} "
        f"(e.g. `{first}`, for Datasette `{peer_first}`), and {m['ids']} random existing "
        "ids; wrk cycles them (bench/cycle.lua). Every server is asked each URL of a "
        "scenario once before its run (the page cache and PostgreSQL's buffers warm, and "
        "with the cache on, the answers stored): the runs measure steady states; with the "
        "cache off every request builds its answer.",
    ]


def header(res: dict[str, Any]) -> list[str]:
    m = res.get("machine", {})
    argv = " ".join(res.get("argv", ["python -m bench.load ..."]))
    took = f" ({res['seconds'] / 60:.0f} min)" if res.get("seconds") else ""
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
        f"**Commands:** `make bench` runs `make bench-data` (the synthetic databases) and "
        f"`make bench-peer` (Datasette's virtualenv), then `{argv}`{took}: in one run, in "
        "this order, the project on SQLite with the answer cache off, Datasette, the HTTP "
        "limit, the project on SQLite with the cache on, and the project on PostgreSQL "
        "with the cache off (card query and varied lists); one server process at a time, "
        f"{m.get('wrk', 'wrk')} for {res.get('duration_s', '?')} s a scenario. Then it runs "
        "`python -m bench.dbtime --explain` at each size on both databases, "
        "`python -m bench.index_experiment` and `python -m bench.report --write "
        "bench/RESULTS.md`. Absolute figures drift from run to run and machine to machine; "
        "the ratios, all from this one run, are the comparable figures. The HTTP limit is "
        "a bare Starlette app returning the card's body under the project's server "
        "settings; database time is every query a request asks (prepare, page, items, "
        "their countries and sectors), run in-process. req/s counts 2xx answers.",
        "",
        *_peer_settings(res),
        "",
        *_mixes(res),
        "",
        "### Targets (issue 15), as measured in this run",
        "",
        "SQLite, one uvicorn worker, 1M estimates, 16 connections. `cache off`: every "
        "request builds its answer (SQL, rows, JSON); `cache on`: the answer cache "
        "(app/cache.py, on by default) answers after a check of the data version.",
        "",
        *targets_table(res),
    ]


def generated() -> list[str]:
    """The part of RESULTS.md this module writes."""
    out: list[str] = ["# Benchmark results (issue 15)", ""]
    load = OUT / "load_1000000.json"
    res = json.loads(load.read_text()) if load.exists() else {}
    out += header(res)
    if res:
        n = f"{res['estimates']:,} estimates" if res.get("estimates") else "the run's database"
        out += ["", f"### Side by side, {n}", "", *side_by_side(res)]
        out += ["", "### Every run of the load", "", *load_table(res)]
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
