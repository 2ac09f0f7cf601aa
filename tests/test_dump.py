"""dprk-labor export DIR / load DIR: a dump restored into an empty database is the same data."""

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import auth, dump, migrate, records, seed
from app.db import make_engine
from app.enums import Action, Role
from app.models import Base
from tests.conftest import BACKENDS, SEED_DIR


def everything(engine) -> dict[str, list[tuple]]:
    with engine.connect() as conn:
        return {
            t.name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns))]
            for t in Base.metadata.sorted_tables
        }


def seeded(backend: str, new_database) -> tuple[str, object]:
    """A new database with the seed data, a key and an audit entry of an edit."""
    url = new_database(backend)
    migrate.upgrade(url)
    engine = make_engine(url)
    with Session(engine) as s:
        seed.load(s, SEED_DIR)
        auth.create_key(s, "dumper", Role.admin)
        records.log_change(s, "dumper", Action.update, "source", "reuters", None, None)
        s.commit()
    return url, engine


@pytest.mark.parametrize("target", BACKENDS)
def test_dump_and_restore_round_trip(backend, new_database, tmp_path: Path, target):
    _, engine = seeded(backend, new_database)
    folder = tmp_path / "dump"
    with engine.connect() as conn:
        counts = dump.export(conn, folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["tables"]["estimate"]["rows"] == counts["estimate"] > 0
    first = (folder / "estimate.ndjson").read_text().splitlines()[0]
    assert json.loads(first)["id"]

    url = new_database(target)
    migrate.upgrade(url)
    restored = make_engine(url)
    with restored.begin() as conn:
        dump.restore(conn, folder)
    assert everything(restored) == everything(engine)
    with Session(restored) as s:  # integer keys continue after the restored ones
        records.log_change(s, "after", Action.update, "source", "reuters", None, None)
        s.commit()
    with restored.begin() as conn, pytest.raises(dump.DumpError, match="empty database"):
        dump.restore(conn, folder)
    restored.dispose()
    engine.dispose()


def test_cli_export_and_load_restore(new_database, tmp_path: Path, monkeypatch, capsys):
    from app.cli import main
    from app.config import get_settings
    from app.db import bulk_engine

    folder = tmp_path / "dump"
    url, engine = seeded("sqlite", new_database)
    engine.dispose()
    target = new_database("sqlite")
    migrate.upgrade(target)
    for db, args in ((url, ["export", str(folder)]), (target, ["load", str(folder)])):
        monkeypatch.setenv("DATABASE_URL", db)
        get_settings.cache_clear()
        bulk_engine.cache_clear()
        assert main(args) == 0
        bulk_engine().dispose()
    get_settings.cache_clear()
    bulk_engine.cache_clear()
    out = capsys.readouterr().out
    assert "exported" in out and "restored" in out
