"""The load driver: the project, its peer and the HTTP limit, side by side in one run.

    python -m bench.load --sqlite /work/bench-data/est_1000000.sqlite3 \
        --postgres postgresql://postgres@127.0.0.1:5432/bench_est_1000000 --duration 10

Issue 15's scenarios (bench.scenarios.issue15: the card query, a rare country, one estimate
by id, and the varied mixes of bench/mixes.py, 400 list URLs and 400 ids drawn from the
data with a fixed seed and cycled by bench/cycle.lua), each measured with wrk, 16
connections for `--duration` seconds, against one server process on 127.0.0.1:

* the HTTP limit: bench/bare_app.py returning the card query's body, same server settings;
* the peer: Datasette 0.65 (bench/peer.py, its own virtualenv, created if missing) serving
  the flat copy of the SQLite database (bench/flat.py, built if missing or stale);
* the project on SQLite (`python -m app.cli serve`, one uvicorn worker), the answer cache
  off (every request builds its answer) and on (the answers kept, the data unchanged);
  every path of a scenario is asked once before it is measured (bench.load.probe);
* the project on PostgreSQL, cache off: the card query and the varied lists.

`--extra` adds the earlier scenarios (deep cursor page, series, CSV export, full text) to
the project's runs on both backends, cache off and on. Requests/s (and those answered 2xx),
p50/p99 latency, the server's peak RSS (VmHWM, and VmRSS polled); each scenario's database
time is bench/dbtime's, in-process. Writes a JSON file for bench.report.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from app.db import normalise_url
from bench import dbtime, flat, mixes, peer
from bench import scenarios as sc

OUT = Path(__file__).parent / "out"
CONNECTIONS = 16
WRK = ["wrk", "-t1", f"-c{CONNECTIONS}"]  # one client thread: the server gets the other core
CYCLE = Path(__file__).parent / "cycle.lua"
EXTRA = ("deep cursor page", "series", "CSV export", "full text")  # --extra: sc.scenarios'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """A server subprocess; polls its RSS while it runs."""

    def __init__(
        self, argv: list[str], env: dict[str, str], port: int, ready: str = "/healthz"
    ) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen(
            argv, env=os.environ | env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self.peak_rss_kb = 0
        self._stop = False
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(self.base + ready, timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"server did not start: {argv}")
            time.sleep(0.1)
        threading.Thread(target=self._poll, daemon=True).start()

    def status(self, field: str) -> int:
        text = Path(f"/proc/{self.proc.pid}/status").read_text()
        m = re.search(rf"^{field}:\s+(\d+) kB", text, re.M)
        return int(m[1]) if m else 0

    def _poll(self) -> None:
        while not self._stop and self.proc.poll() is None:
            try:
                self.peak_rss_kb = max(self.peak_rss_kb, self.status("VmRSS"))
            except OSError:
                return
            time.sleep(0.05)

    def hwm_mb(self) -> float:
        return max(self.status("VmHWM"), self.peak_rss_kb) / 1024

    def stop(self) -> None:
        self._stop = True
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def api_server(database_url: str, cache_mb: int) -> Server:
    port = free_port()
    argv = [sys.executable, "-m", "app.cli", "serve", "--port", str(port)]
    env = {"DATABASE_URL": database_url, "RESPONSE_CACHE_MB": str(cache_mb)}
    return Server(argv, env, port)


def bare_server(body_file: Path) -> Server:
    port = free_port()
    argv = [sys.executable, "-m", "uvicorn", "bench.bare_app:app", "--port", str(port)]
    argv += ["--host", "127.0.0.1", "--proxy-headers"]  # what `dprk-labor serve` passes
    return Server(argv, {"BARE_BODY_FILE": str(body_file)}, port)


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def peer_server(venv: Path, flat_db: Path) -> Server:
    port = free_port()
    return Server(peer.argv(venv, flat_db, port), {}, port, ready="/-/versions.json")


def wrk(url: str, duration: int, paths_file: Path | None = None) -> dict[str, Any]:
    """wrk's requests/s, p50 and p99 latency (ms), non-2xx answers and timeouts for `url`,
    or for the paths in `paths_file` cycled on `url`'s server (bench/cycle.lua); `ok_rps`
    counts the 2xx answers only."""
    argv = [*WRK, f"-d{duration}s", "--latency", "--timeout", "10s"]
    env = os.environ.copy()
    if paths_file is not None:
        argv += ["-s", str(CYCLE)]
        env["WRK_PATHS"] = str(paths_file)
    out = subprocess.run([*argv, url], capture_output=True, text=True, check=True, env=env).stdout

    def latency(pct: str) -> float:
        m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        return float(m[1]) * _UNITS[m[2]] if m else float("nan")

    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    reqs = re.search(r"(\d+) requests in", out)
    timeouts = re.search(r"Socket errors:.*timeout (\d+)", out)
    res = {
        "rps": float(rps[1]) if rps else 0.0,
        "p50_ms": latency("50"),
        "p99_ms": latency("99"),
        "requests": int(reqs[1]) if reqs else 0,
        "non_2xx": int(non2xx[1]) if non2xx else 0,
        "timeouts": int(timeouts[1]) if timeouts else 0,
    }
    ok = res["requests"] - res["non_2xx"]
    res["ok_rps"] = res["rps"] * ok / res["requests"] if res["requests"] else 0.0
    return res


def export(server: Server, path: str, max_seconds: float) -> dict[str, Any]:
    """Stream an export (for at most `max_seconds`): lines/s, and the server's RSS as the
    line count grows, to see whether memory stays flat in the row count."""
    before = server.hwm_mb()
    lines = 0
    rss_at: dict[int, float] = {}
    checkpoint = 50_000
    t0 = time.perf_counter()
    complete = True
    with httpx.stream("GET", server.base + path, timeout=600) as r:
        if r.status_code != 200:
            return {"available": False, "status": r.status_code}
        for _line in r.iter_lines():
            lines += 1
            if lines >= checkpoint:
                rss_at[lines] = server.status("VmRSS") / 1024
                checkpoint *= 2
                if time.perf_counter() - t0 > max_seconds:
                    complete = False
                    break
    secs = time.perf_counter() - t0
    return {
        "available": True,
        "rows": lines - 1,  # the header
        "complete": complete,
        "seconds": secs,
        "rows_per_s": (lines - 1) / secs,
        "rss_before_mb": before,
        "rss_at_lines_mb": rss_at,
        "rss_peak_mb": server.hwm_mb(),
    }


def probe(base: str, paths: list[str]) -> dict[str, Any]:
    """Ask each path once before a run: the statuses seen and the bodies' mean size. This
    also warms what a first request warms (the OS's page cache of the database files,
    PostgreSQL's buffers; with the cache on, the answers), so that a run measures a
    server's steady state, not a cold disk."""
    statuses: dict[int, int] = {}
    sizes = []
    first = b""
    with httpx.Client(base_url=base, timeout=60) as client:
        for path in paths:
            r = client.get(path)
            statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
            sizes.append(len(r.content))
            first = first or r.content
    return {
        "statuses": statuses,
        "body_bytes": round(sum(sizes) / len(sizes)),
        "first_body": first,
        "ok": set(statuses) == {200},
    }


def measure(
    server: Server, label: str, name: str, paths: list[str], duration: int
) -> dict[str, Any]:
    """One scenario against `server`: a probe, then wrk on the one path or the mix."""
    p = probe(server.base, paths)
    if not p["ok"]:
        print(f"  {label} {name}: not available {p['statuses']}", flush=True)
        return {"available": False, "status": p["statuses"]}
    paths_file = None
    if len(paths) > 1:
        slug = re.sub(r"[^a-z0-9]+", "_", f"{label} {name}".lower()).strip("_")
        paths_file = OUT / f"paths_{slug}.txt"
        paths_file.write_text("\n".join(paths) + "\n")
    r = wrk(server.base + paths[0] if paths_file is None else server.base, duration, paths_file)
    r |= {"available": True, "body_bytes": p["body_bytes"], "paths": len(paths)}
    r["path"] = paths[0]
    r["rss_peak_mb"] = server.hwm_mb()
    print(f"  {label} {name}: {r}", flush=True)
    r["_body"] = p["first_body"]
    return r


def _keep(r: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in r.items() if not k.startswith("_")}


def bench_project(
    name: str,
    url: str,
    sides: list[sc.Side],
    duration: int,
    extras: list[sc.Scenario],
    export_s: float,
    db: dict[str, Any],
    cache_runs: tuple[tuple[str, int], ...],
) -> dict[str, Any]:
    """The project on `url`: each of `sides` (and `extras`) with the answer cache off
    (`http`: each request builds its answer: SQL, rows, JSON) and, if asked, on
    (`http_cached`: each path asked once first, then its stored answer after a check of
    the data version)."""
    print(f"== project on {name}: {url}", flush=True)
    results: dict[str, Any] = {"db": db}
    for runs, cache_mb in cache_runs:
        server = api_server(url, cache_mb)
        results[runs] = {}
        results.setdefault("idle_rss_mb", server.hwm_mb())
        label = f"{name} cache {'on' if cache_mb else 'off'}"
        try:
            for side in sides:
                r = measure(server, label, side.name, side.project, duration)
                if side.name == sc.CARD_NAME and r.get("available"):
                    (OUT / f"card_body_{name}.json").write_bytes(r["_body"])
                results[runs][side.name] = _keep(r)
            for s in extras:
                if s.kind == "csv":
                    if not cache_mb:  # exports stream; they are never cached
                        results[runs][s.name] = export(server, s.path, export_s)
                        print(f"  {label} {s.name}: {results[runs][s.name]}", flush=True)
                    continue
                results[runs][s.name] = _keep(measure(server, label, s.name, [s.path], duration))
        finally:
            server.stop()
            settle(url)
    return results


def bench_peer(venv: Path, flat_db: Path, sides: list[sc.Side], duration: int) -> dict[str, Any]:
    """Datasette on the flat copy: each side as the peer asks it."""
    print(f"== peer: {peer.version(venv)} on {flat_db}", flush=True)
    res: dict[str, Any] = {
        "version": peer.version(venv),
        "argv": ["datasette", *peer.argv(venv, flat_db, "PORT")[1:]],
        "settings": peer.SETTINGS,
        "http": {},
    }
    server = peer_server(venv, flat_db)
    res["idle_rss_mb"] = server.hwm_mb()
    try:
        for side in sides:
            res["http"][side.name] = _keep(measure(server, "peer", side.name, side.peer, duration))
    finally:
        server.stop()
    return res


def machine(postgres_url: str | None) -> dict[str, Any]:
    """What the figures were measured on, for the report."""
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = re.search(r"model name\s*:\s*(.+)", cpuinfo)
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    mem = re.search(r"MemTotal:\s*(\d+) kB", meminfo)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    facts: dict[str, Any] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit or "unknown",
        "cpu": model[1].strip() if model else platform.processor() or "unknown",
        "cores": os.cpu_count(),
        "memory_gib": round(int(mem[1]) / 1024**2, 1) if mem else None,
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "wrk": " ".join(WRK),
    }
    if postgres_url:
        engine = create_engine(normalise_url(postgres_url))
        with engine.connect() as c:
            facts["postgresql"] = c.scalar(text("SHOW server_version"))
        engine.dispose()
    return facts


def settle(url: str) -> None:
    """End what a stopped server left running in PostgreSQL (queries wrk gave up on go on
    after their client is gone), so that the next run starts on an idle database."""
    if not url.startswith("postgresql"):
        return
    engine = create_engine(normalise_url(url))
    with engine.connect() as c:
        c.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
    engine.dispose()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--sqlite", required=True, help="SQLite database file (a generated one)")
    p.add_argument("--postgres", help="PostgreSQL URL (the same rows)")
    p.add_argument("--duration", type=int, default=10, help="seconds per scenario (10)")
    p.add_argument("--budget", type=float, default=1.0, help="seconds per SQL timing (1)")
    p.add_argument("--peer-venv", type=Path, default=peer.VENV, help="Datasette's virtualenv")
    p.add_argument("--flat", type=Path, help="the flat copy (default: beside --sqlite)")
    p.add_argument("--mix-size", type=int, default=mixes.SIZE, help="paths per mix (400)")
    p.add_argument("--seed", type=int, default=mixes.SEED, help="the mixes' seed (15)")
    p.add_argument("--extra", action="store_true", help="also the earlier scenarios")
    p.add_argument("--export-seconds", type=float, default=120, help="cap on the export (120)")
    p.add_argument("--out", default=str(OUT / "load.json"))
    args = p.parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk (make bench does)")
    OUT.mkdir(exist_ok=True)
    t0 = time.monotonic()
    venv = args.peer_venv
    peer.ensure(venv)
    sqlite_path = Path(args.sqlite)
    flat_db, built = flat.ensure(sqlite_path, args.flat)
    sqlite_url = f"sqlite:///{sqlite_path}"
    res: dict[str, Any] = {
        "connections": CONNECTIONS,
        "duration_s": args.duration,
        "export_seconds": args.export_seconds,
        "machine": machine(args.postgres),
        "argv": ["python", "-m", "bench.load", *(argv if argv is not None else sys.argv[1:])],
        "flat": {"path": str(flat_db), "built": built},
    }

    def save() -> None:
        res["seconds"] = time.monotonic() - t0
        Path(args.out).write_text(json.dumps(res, indent=1, default=str))

    res["estimates"] = flat.estimates(sqlite_path)
    m = mixes.draw(sqlite_url, args.mix_size, args.seed)
    res["mixes"] = m.summary()
    db = dbtime.run(sqlite_url, do_explain=False, budget_s=args.budget, filters=False)
    f = db["facts"]
    sides = sc.issue15(f["rare"], f["an_id"], m)
    res["scenarios"] = [
        {"name": s.name, "about": s.about, "project": s.project[0], "peer": s.peer[0]}
        for s in sides
    ]
    extras = (
        [s for s in sc.scenarios(f["rare"], f["an_id"], f["deep"]) if s.name.startswith(EXTRA)]
        if args.extra
        else []
    )
    # Cache off, the peer, the HTTP limit, cache on: each ratio's two sides close in time,
    # so that a change in what else the machine runs moves both alike.
    cold, hot = (("http", 0),), (("http_cached", 64),)
    res["sqlite"] = bench_project(
        "sqlite", sqlite_url, sides, args.duration, extras, args.export_seconds, db, cold
    )
    save()
    res["peer"] = bench_peer(venv, flat_db, sides, args.duration)
    save()
    body = OUT / "card_body_sqlite.json"
    if body.exists():
        bare = bare_server(body)
        try:
            res["http_limit"] = wrk(bare.base + sc.CARD, args.duration) | {
                "body_bytes": body.stat().st_size,
                "rss_peak_mb": bare.hwm_mb(),
            }
        finally:
            bare.stop()
        print(f"== HTTP limit (bare Starlette, same body): {res['http_limit']}", flush=True)
        save()
    res["sqlite"] |= bench_project(
        "sqlite", sqlite_url, sides, args.duration, extras, args.export_seconds, db, hot
    )
    save()
    if args.postgres:
        pg_db = dbtime.run(args.postgres, do_explain=False, budget_s=args.budget, filters=False)
        pg_sides = [s for s in sides if s.name in (sc.CARD_NAME, sc.VARIED_LISTS)]
        runs = cold + hot if args.extra else cold
        res["postgresql"] = bench_project(
            "postgresql",
            args.postgres,
            pg_sides,
            args.duration,
            extras,
            args.export_seconds,
            pg_db,
            runs,
        )
    save()
    print(f"wrote {args.out} ({res['seconds']:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
