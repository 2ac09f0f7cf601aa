"""The `dprk-labor` command end to end: migrate, load, serve, as `make run` does."""

import os
import subprocess
import sys
from pathlib import Path

import httpx

from tests.conftest import SEED_DIR, live_server

CLI = [sys.executable, "-m", "app.cli"]


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(CLI + args, env=env, capture_output=True, text=True, timeout=120)


def test_migrate_load_and_serve_like_make_run(tmp_path: Path):
    env = os.environ | {"DATABASE_URL": f"sqlite:///{tmp_path / 'db' / 'x.sqlite3'}"}
    assert run(["migrate"], env).returncode == 0
    first = run(["load", str(SEED_DIR)], env)
    assert first.returncode == 0, first.stderr
    assert "estimate 30" in first.stdout or "created: " in first.stdout
    assert "country" in first.stdout
    second = run(["load", str(SEED_DIR)], env)
    assert "created: nothing; updated: nothing" in second.stdout

    with live_server(env["DATABASE_URL"]) as base:
        r = httpx.get(
            f"{base}/v1/estimates",
            params={
                "metric": "workers_abroad",
                "country": "CN",
                "period_from": "2019",
                "period_to": "2024",
            },
        )
        assert r.status_code == 200 and r.json()["data"]


def test_load_of_a_missing_directory_fails_cleanly(tmp_path: Path):
    env = os.environ | {"DATABASE_URL": f"sqlite:///{tmp_path / 'y.sqlite3'}"}
    assert run(["migrate"], env).returncode == 0
    r = run(["load", str(tmp_path / "nowhere")], env)
    assert r.returncode == 1
    assert "file is missing" in r.stderr and "nothing was loaded" in r.stderr
