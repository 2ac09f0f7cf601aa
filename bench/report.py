"""Turn bench/out/*.json into the markdown tables of bench/RESULTS.md."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

OUT = Path(__file__).parent / "out"
SIZES = (10_000, 100_000, 1_000_000)


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


def main() -> int:
    out: list[str] = []
    load = OUT / "load_1000000.json"
    if load.exists():
        out += ["## Load, 1,000,000 estimates", "", *load_table(json.loads(load.read_text()))]
    for prefix, title in (("dbtime_sqlite", "SQLite"), ("dbtime_pg", "PostgreSQL")):
        for group in ("scenarios", "filters"):
            lines = db_table(prefix, group)
            if lines:
                out += ["", f"## Database time, {title}, {group}", "", *lines]
    sys.stdout.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
