"""The `dprk-labor` command end to end: migrate, load, serve, as `make run` does; and a
downgrade that asks before it drops data."""

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from app import migrate
from app.db import make_engine
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


def migrated(backend: str, new_database) -> tuple[dict[str, str], Engine]:
    """A new database of `backend` at head: the CLI's environment for it, and an engine."""
    url = new_database(backend)
    migrate.upgrade(url)
    return os.environ | {"DATABASE_URL": url}, make_engine(url)


def test_migrate_down_without_a_revision_refuses_and_changes_nothing(backend, new_database):
    env, engine = migrated(backend, new_database)
    r = run(["migrate", "--down"], env)
    assert r.returncode != 0
    assert "--revision" in r.stderr
    assert migrate.current_revision(engine) == migrate.head_revision()
    engine.dispose()


def test_migrate_down_without_yes_lists_what_it_would_lose(backend, new_database):
    env, engine = migrated(backend, new_database)
    r = run(["migrate", "--down", "--revision", "base"], env)
    assert r.returncode != 0
    undone = re.findall(r"^  ([0-9a-f]{12})  ", r.stderr, re.MULTILINE)
    script = ScriptDirectory.from_config(migrate.alembic_config())
    assert undone == [s.revision for s in script.walk_revisions()]  # all of them, newest first
    assert "2faa66cae788  editing: api keys" in r.stderr
    assert "LOSES: every API key, the audit log" in r.stderr
    assert "LOSES: every table and all the data" in r.stderr
    assert "nothing was changed" in r.stderr
    assert migrate.current_revision(engine) == migrate.head_revision()
    assert "api_key" in inspect(engine).get_table_names()
    engine.dispose()


def test_migrate_down_with_yes_downgrades(backend, new_database):
    env, engine = migrated(backend, new_database)
    r = run(["migrate", "--down", "--revision", "base", "--yes"], env)
    assert r.returncode == 0, r.stderr
    assert migrate.current_revision(engine) is None
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()


def test_a_release_names_the_data_version_and_a_live_server_reads_as_of_it(
    backend, new_database, tmp_path: Path
):
    url = new_database(backend)
    env = os.environ | {"DATABASE_URL": url, "SNAPSHOT_DIR": str(tmp_path / "snapshots")}
    assert run(["migrate"], env).returncode == 0
    assert run(["load", str(SEED_DIR)], env).returncode == 0
    made = run(["release", "first-release", "--notes", "the seed texts"], env)
    assert made.returncode == 0, made.stderr
    assert "as_of=first-release" in made.stdout
    again = run(["release", "first-release"], env)
    assert again.returncode == 1 and "exists already" in again.stderr
    assert run(["release", "2024"], env).returncode == 1

    with live_server(url, SNAPSHOT_DIR=env["SNAPSHOT_DIR"]) as base:
        releases = httpx.get(f"{base}/v1/releases").json()
        (release,) = releases["data"]
        assert release["name"] == "first-release" and release["notes"] == "the seed texts"
        assert releases["meta"]["data_version"] == release["data_version"]
        now = httpx.get(f"{base}/v1/estimates", params={"country": "RU"})
        then = httpx.get(f"{base}/v1/estimates", params={"country": "RU", "as_of": "first-release"})
        assert then.status_code == 200, then.text
        assert then.json()["data"] == now.json()["data"]
        assert then.json()["meta"]["as_of"] == "first-release"
        assert then.headers["cache-control"] == "public, max-age=31536000, immutable"
        csv = httpx.get(f"{base}/v1/estimates.csv", params={"as_of": "0"})
        assert csv.status_code == 200 and csv.text.count("\n") == 1  # the header only
