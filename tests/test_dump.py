"""dprk-labor export DIR / load DIR: a dump restored into an empty database is the same data."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import auth, dump, migrate, records, seed
from app.db import make_engine
from app.enums import Action, CandidateStatus, Role
from app.models import Base, Candidate
from tests.conftest import BACKENDS, SEED_DIR


def everything(engine) -> dict[str, list[tuple]]:
    with engine.connect() as conn:
        return {
            t.name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns))]
            for t in Base.metadata.sorted_tables
        }


def seeded(backend: str, new_database) -> tuple[str, object]:
    """A new database with the seed data, a key, an audit entry of an edit and a
    candidate in the review queue (a dump keeps the queue: it is editors' work)."""
    url = new_database(backend)
    migrate.upgrade(url)
    engine = make_engine(url)
    with Session(engine) as s:
        seed.load(s, SEED_DIR)
        auth.create_key(s, "dumper", Role.admin)
        records.log_change(s, "dumper", Action.update, "source", "reuters", None, None)
        s.add(
            Candidate(
                document_id="rfa-2024-north-koreans-worked-overseas-in-2023",
                status=CandidateStatus.rejected,
                reason="a test's",
                quote_start=0,
                quote_end=3,
                quote="abc",
                text_sha256="0" * 64,
                value={"kind": "point", "amount": 1.5},
                interval={},
                period={"start": "2023-01-01", "precision": "year"},
                period_resolved=True,
                scope={"countries": ["CN"]},
                sectors=["construction"],
                population="all",
                claimant=None,
                claimant_text=None,
                metric=None,
                metric_confidence=0.25,
                warnings=["Пхеньян"],
                extracted_at=datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC),
                extracted_by="dumper",
            )
        )
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


def tamper(folder: Path, table: str, line: int, **values: object) -> dict:
    """Change row `line` (1-based) of a dumped table; returns the changed row."""
    path = folder / f"{table}.ndjson"
    rows = [json.loads(r) for r in path.read_text("utf-8").splitlines()]
    rows[line - 1] |= values
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    return rows[line - 1]


@pytest.mark.skipif("postgresql" not in BACKENDS, reason="PostgreSQL tests are off")
@pytest.mark.parametrize(
    ("table", "values", "says"),
    [
        ("source", {"name": "x" * 301}, "too long"),
        ("document", {"notes": "a\x00b"}, "NUL"),
        ("estimate", {"low": 5, "high": 1}, "low_le_high"),
    ],
)
def test_a_row_the_database_refuses_fails_the_restore_naming_it(
    new_database, tmp_path: Path, table, values, says
):
    # SQLite stores what PostgreSQL refuses (long strings, NUL): a dump made there
    _, engine = seeded("sqlite", new_database)
    folder = tmp_path / "dump"
    with engine.connect() as conn:
        dump.export(conn, folder)
    engine.dispose()
    row = tamper(folder, table, 2, **values)

    url = new_database("postgresql")
    migrate.upgrade(url)
    restored = make_engine(url)
    with pytest.raises(dump.DumpError) as caught, restored.begin() as conn:
        dump.restore(conn, folder)
    message = str(caught.value)
    assert f"{table}.ndjson line 2 (id={row['id']!r})" in message
    assert says in message
    assert all(rows == [] for rows in everything(restored).values())
    restored.dispose()


def test_a_broken_dump_line_is_a_dump_error_naming_it(new_database, tmp_path: Path):
    _, engine = seeded("sqlite", new_database)
    folder = tmp_path / "dump"
    with engine.connect() as conn:
        dump.export(conn, folder)
    engine.dispose()
    tamper(folder, "document", 3, published_on="2021-13-01")
    url = new_database("sqlite")
    migrate.upgrade(url)
    restored = make_engine(url)
    with (
        pytest.raises(dump.DumpError, match=r"document\.ndjson line 3: month"),
        restored.begin() as conn,
    ):
        dump.restore(conn, folder)
    assert all(rows == [] for rows in everything(restored).values())
    restored.dispose()
