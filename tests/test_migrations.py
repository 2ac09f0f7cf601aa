"""Migrations: one head, up and down on both databases, and in step with the models."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from app import migrate
from app.db import make_engine
from app.models import Base


def test_there_is_one_head():
    heads = ScriptDirectory.from_config(migrate.alembic_config()).get_heads()
    assert len(heads) == 1


def test_upgrade_and_downgrade_round_trip(backend, new_database):
    url = new_database(backend)
    engine = make_engine(url)
    migrate.upgrade(url)
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    migrate.downgrade(url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(url)
    assert migrate.current_revision(engine) == migrate.head_revision()
    engine.dispose()


def test_models_and_migrations_agree(engine):
    with engine.connect() as conn:
        opts = {"compare_type": True, "include_object": migrate.include_object(conn.dialect.name)}
        ctx = MigrationContext.configure(conn, opts=opts)
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == []


def _table_rows(engine) -> dict[str, list[tuple]]:
    from sqlalchemy import select

    with engine.connect() as conn:
        return {
            t.name: sorted(tuple(map(str, r)) for r in conn.execute(select(t)))
            for t in Base.metadata.sorted_tables
        }


def test_stepping_down_and_up_keeps_every_row(backend, new_database):
    from tests.conftest import seed_database

    url = new_database(backend)
    seed_database(url)
    engine = make_engine(url)
    before = _table_rows(engine)
    script = ScriptDirectory.from_config(migrate.alembic_config())
    previous = script.get_revision(script.get_current_head()).down_revision
    migrate.downgrade(url, previous)
    migrate.upgrade(url)
    assert _table_rows(engine) == before
    if backend == "sqlite":  # the full-text index is rebuilt from the rows
        with engine.connect() as conn:
            texts = len(before["estimate"]) + len(before["citation"])
            for table in ("search_doc", "search_text"):
                assert conn.scalar(text(f"SELECT count(*) FROM {table}")) == texts
    engine.dispose()
