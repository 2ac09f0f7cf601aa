"""Running Alembic from code: upgrade, downgrade, and "is this database at head?"."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from app.config import ROOT


def alembic_config(url: str | None = None) -> Config:
    """Alembic's config for this project; `url` overrides DATABASE_URL."""
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    if url is not None:
        cfg.attributes["url"] = url
    return cfg


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """Migrate the database up to `revision`; at the head, build the read model's stale
    rows (all of them after the migration that made it, or a change of its shape)."""
    command.upgrade(alembic_config(url), revision)
    if revision in ("head", head_revision()):
        from sqlalchemy.orm import Session

        from app import read_model
        from app.db import bulk_engine, make_engine

        engine = make_engine(url) if url is not None else bulk_engine()
        with Session(engine) as session:
            read_model.reshape(session)
            session.commit()
        if url is not None:
            engine.dispose()


def downgrade(url: str | None = None, revision: str = "base") -> None:
    """Migrate the database down to `revision`."""
    command.downgrade(alembic_config(url), revision)


# A migration whose downgrade destroys data that an upgrade cannot bring back says so in a
# paragraph of its docstring starting with this; `dprk-labor migrate --down` prints it.
LOSS_MARKER = "Downgrade loses:"


@dataclass(frozen=True)
class Undo:
    """One migration a downgrade would undo: its revision, its title (the docstring's first
    line) and what its downgrade loses (None when an upgrade rebuilds whatever it drops)."""

    revision: str
    title: str
    loses: str | None


def _loses(doc: str) -> str | None:
    for paragraph in doc.split("\n\n"):
        text = " ".join(paragraph.split())
        if text.startswith(LOSS_MARKER):
            return text.removeprefix(LOSS_MARKER).strip()
    return None


def downgrade_plan(current: str | None, target: str) -> list[Undo]:
    """The migrations a downgrade from `current` to `target` would undo, newest first;
    raises Alembic's RevisionError for a target that is unknown or not below `current`."""
    if current is None:
        return []
    script = ScriptDirectory.from_config(alembic_config())
    return [
        Undo(s.revision, s.doc, _loses(s.longdoc))
        for s in script.iterate_revisions(current, target)
    ]


@lru_cache
def head_revision() -> str | None:
    """The single head revision of the migration scripts."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None when it was never migrated."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def include_object(dialect: str) -> Callable[..., bool]:
    """Alembic's filter for comparing models and a `dialect` database: leaves out indexes
    that only the other database has (app.models.estimates.trigram_index), and SQLite's
    full-text tables, which only migration 862b18eddb08 knows (app.queries.estimates)."""

    def include(obj: Any, name: str | None, type_: str, reflected: bool, other: Any) -> bool:
        if type_ == "table":
            return not (reflected and (name or "").startswith("search_"))
        return type_ != "index" or obj.info.get("dialect", dialect) == dialect

    return include
