"""The load driver: each scenario against a live uvicorn, with the HTTP and database limits.

    python -m bench.load --sqlite bench/out/est_1000000.sqlite3 \
        --postgres postgresql://postgres@127.0.0.1:5432/bench_est_1000000 --duration 10

One uvicorn worker on 127.0.0.1 (`python -m app.cli serve`), wrk with 16 connections for
`--duration` seconds per scenario; requests/s, p50/p99 latency, the server's peak RSS
(VmHWM, and VmRSS polled). The HTTP limit is bench/bare_app.py returning the card query's
body under the same settings; the database limit is bench/dbtime. Writes a JSON file.
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
from bench import dbtime
from bench import scenarios as sc

OUT = Path(__file__).parent / "out"
CONNECTIONS = 16
WRK = ["wrk", "-t1", f"-c{CONNECTIONS}"]  # one client thread: the server gets the other core


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """A server subprocess; polls its RSS while it runs."""

    def __init__(self, argv: list[str], env: dict[str, str], port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen(
            argv, env=os.environ | env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self.peak_rss_kb = 0
        self._stop = False
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(self.base + "/healthz", timeout=2)
                break
            except httpx.TransportError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"server did not start: {argv}") from None
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


def wrk(url: str, duration: int) -> dict[str, Any]:
    """wrk's requests/s, p50 and p99 latency (ms) and non-2xx count for `url`."""
    out = subprocess.run(
        [*WRK, f"-d{duration}s", "--latency", "--timeout", "10s", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def latency(pct: str) -> float:
        m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        return float(m[1]) * _UNITS[m[2]] if m else float("nan")

    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    reqs = re.search(r"(\d+) requests in", out)
    return {
        "rps": float(rps[1]) if rps else 0.0,
        "p50_ms": latency("50"),
        "p99_ms": latency("99"),
        "requests": int(reqs[1]) if reqs else 0,
        "non_2xx": int(non2xx[1]) if non2xx else 0,
    }


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


def bench_backend(
    name: str, url: str, duration: int, budget: float, export_s: float
) -> dict[str, Any]:
    """Every scenario twice: `http`, with the response cache off (each request builds its
    answer: SQL, rows, JSON), and `http_cached`, with it on (the same URL again and again,
    the data unchanged: the stored answer, after a check of the data version)."""
    print(f"== {name}: {url}", flush=True)
    db = dbtime.run(url, do_explain=False, budget_s=budget, filters=False)
    f = db["facts"]
    results: dict[str, Any] = {"db": db}
    for runs, cache_mb in (("http", 0), ("http_cached", 64)):
        server = api_server(url, cache_mb)
        results[runs] = {}
        results.setdefault("idle_rss_mb", server.hwm_mb())
        try:
            for s in sc.scenarios(f["rare"], f["an_id"], f["deep"]):
                if s.kind == "csv":
                    if not cache_mb:  # exports stream; they are never cached
                        results[runs][s.name] = export(server, s.path, export_s)
                        print(f"  {s.name}: {results[runs][s.name]}", flush=True)
                    continue
                probe = httpx.get(server.base + s.path, timeout=60)
                if probe.status_code != 200:
                    results[runs][s.name] = {"available": False, "status": probe.status_code}
                    print(f"  {s.name}: not available ({probe.status_code})", flush=True)
                    continue
                if s.name.startswith("card"):
                    (OUT / f"card_body_{name}.json").write_bytes(probe.content)
                r = wrk(server.base + s.path, duration)
                r |= {"available": True, "body_bytes": len(probe.content), "path": s.path}
                r["rss_peak_mb"] = server.hwm_mb()
                results[runs][s.name] = r
                print(f"  {runs} {s.name}: {r}", flush=True)
        finally:
            server.stop()
            settle(url)
    return results


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
    p.add_argument("--sqlite", help="SQLite database file")
    p.add_argument("--postgres", help="PostgreSQL URL")
    p.add_argument("--duration", type=int, default=10, help="seconds per scenario (10)")
    p.add_argument("--budget", type=float, default=1.0, help="seconds per SQL timing (1)")
    p.add_argument("--export-seconds", type=float, default=120, help="cap on the export (120)")
    p.add_argument("--out", default=str(OUT / "load.json"))
    args = p.parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk (make bench does)")
    OUT.mkdir(exist_ok=True)
    res: dict[str, Any] = {
        "connections": CONNECTIONS,
        "duration_s": args.duration,
        "export_seconds": args.export_seconds,
        "machine": machine(args.postgres),
        "argv": ["python", "-m", "bench.load", *(argv if argv is not None else sys.argv[1:])],
    }
    if args.sqlite:
        res["sqlite"] = bench_backend(
            "sqlite", f"sqlite:///{args.sqlite}", args.duration, args.budget, args.export_seconds
        )
        Path(args.out).write_text(json.dumps(res, indent=1, default=str))
    if args.postgres:
        res["postgresql"] = bench_backend(
            "postgresql", args.postgres, args.duration, args.budget, args.export_seconds
        )
        Path(args.out).write_text(json.dumps(res, indent=1, default=str))
    body = next(OUT.glob("card_body_*.json"), None)
    if body is not None:
        bare = bare_server(body)
        try:
            res["http_limit"] = wrk(bare.base + sc.CARD, args.duration) | {
                "body_bytes": body.stat().st_size,
                "rss_peak_mb": bare.hwm_mb(),
            }
        finally:
            bare.stop()
        print(f"== HTTP limit (bare Starlette, same body): {res['http_limit']}", flush=True)
    Path(args.out).write_text(json.dumps(res, indent=1, default=str))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
