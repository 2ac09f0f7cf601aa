"""Migrations: one head, up and down on both databases, and in step with the models."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select, text

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


def _table_rows(engine) -> dict[str, list[dict]]:
    with engine.connect() as conn:
        return {
            t.name: [dict(r._mapping) for r in conn.execute(select(t))]
            for t in Base.metadata.sorted_tables
        }


def _in(rows: dict[str, list[dict]], kept: dict[str, set[str]]) -> dict[str, list[tuple]]:
    """Each table's rows as sorted tuples of text, of the columns in `kept` only."""
    return {
        name: sorted(tuple(str(v) for k, v in r.items() if k in kept[name]) for r in table)
        for name, table in rows.items()
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
    # What the previous revision holds comes back as it was; a table or column the head
    # adds, its downgrade may lose (as its docstring says).
    held = set(inspect(engine).get_table_names())
    kept = {t: {c["name"] for c in inspect(engine).get_columns(t)} for t in before if t in held}
    migrate.upgrade(url)
    after = {t: rows for t, rows in _table_rows(engine).items() if t in kept}
    assert _in(after, kept) == _in({t: before[t] for t in kept}, kept)
    if backend == "sqlite":  # the full-text index is rebuilt from the rows
        with engine.connect() as conn:
            texts = len(before["estimate"]) + len(before["citation"])
            for table in ("search_doc", "search_text"):
                assert conn.scalar(text(f"SELECT count(*) FROM {table}")) == texts
    engine.dispose()


def test_upgrade_replaces_logged_document_texts_by_their_digest(backend, new_database):
    from datetime import UTC, datetime

    from app.models import Change
    from app.records import text_digest

    url = new_database(backend)
    migrate.upgrade(url, "38d909e088ca")  # before the audit log kept digests
    engine = make_engine(url)
    text_ = "Пхеньян said so. " * 500
    doc = {"id": "d", "title": "T", "notes": None, "full_text": text_}
    rows = [  # (resource_type, before, after): a create, an update, a delete, a text-less doc
        ("document", None, doc),
        ("document", doc, doc | {"notes": "n"}),
        ("document", doc, None),
        ("document", None, doc | {"full_text": None}),
        ("estimate", None, {"id": "e", "full_text": text_}),  # not a document: untouched
    ]
    with engine.begin() as conn:
        for kind, before, after in rows:
            conn.execute(
                Change.__table__.insert().values(
                    at=datetime.now(UTC),
                    actor="t",
                    action="create",
                    resource_type=kind,
                    resource_id="x",
                    before=before,
                    after=after,
                )
            )
    migrate.upgrade(url)
    with engine.connect() as conn:
        got = [
            (r.before, r.after)
            for r in conn.execute(select(Change.before, Change.after).order_by(Change.id))
        ]
    digested = doc | {"full_text": text_digest(text_)}
    assert got == [
        (None, digested),
        (digested, digested | {"notes": "n"}),
        (digested, None),
        (None, doc | {"full_text": None}),
        (None, {"id": "e", "full_text": text_}),
    ]
    migrate.downgrade(url, "38d909e088ca")  # a no-op: the texts cannot come back
    with engine.connect() as conn:
        assert conn.scalar(select(Change.after).order_by(Change.id).limit(1)) == digested
    engine.dispose()
