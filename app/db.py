"""Engine, sessions and the `SessionDep` dependency."""

from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from app.config import get_settings


def normalise_url(url: str) -> str:
    """Use psycopg 3 for plain postgresql:// URLs (SQLAlchemy would pick psycopg2)."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str, echo: bool = False) -> Engine:
    """An engine for `url`; SQLite files get their folder, foreign keys and WAL."""
    url = normalise_url(url)
    sa_url = make_url(url)
    kwargs: dict[str, Any] = {"echo": echo}
    if sa_url.get_backend_name() == "sqlite":
        if sa_url.database and sa_url.database != ":memory:":
            Path(sa_url.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"check_same_thread": False}
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_engine(url, **kwargs)
    if sa_url.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


@lru_cache
def get_engine() -> Engine:
    """The process's engine, built from settings on first use."""
    settings = get_settings()
    return make_engine(settings.database_url, echo=settings.sql_echo)


def get_session() -> Iterator[Session]:
    """One session per request; reads only, so nothing is committed here."""
    with Session(get_engine(), expire_on_commit=False) as session:
        yield session


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory bound to `engine` (CLI and tests)."""
    return sessionmaker(engine, expire_on_commit=False)


SessionDep = Annotated[Session, Depends(get_session)]
