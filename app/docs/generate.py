"""`make openapi`: record the examples from the seeded app, then write the OpenAPI document.

`python -m app.docs [--app MODULE:FACTORY] [--examples PATH] [OPENAPI]`: a temporary SQLite
database is migrated and loaded with the seed data (app.migrate and app.seed, as
`dprk-labor migrate` and `dprk-labor load` do), the app the factory builds answers every
request of app.docs.examples on it (and readiness on an empty database), the answers go to
app/docs/examples.json, and the document, with them, to openapi.json.

The app is named, not imported: app.main imports app.docs, never the other way round.
It is asked through Starlette's TestClient, so this needs the test extra (httpx).
"""

import argparse
import importlib
import os
import tempfile
import warnings
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app import migrate, seed
from app.config import get_settings
from app.db import get_session, get_write_session, make_engine, session_factory
from app.docs import examples
from app.docs.openapi import document, dump

FACTORY = "app.main:create_app"
OPENAPI_FILE = Path("openapi.json")

# Settings under which the answers are the same on every machine and run: no answer cache,
# cursors signed with the built-in key, links as served on examples.BASE_URL.
PINNED = {"RESPONSE_CACHE_MB": "0", "CURSOR_SECRET": "", "PUBLIC_URL": ""}


@contextmanager
def pinned_settings() -> Iterator[None]:
    """Run with the PINNED settings, then restore the environment's."""
    saved = {name: os.environ.get(name) for name in PINNED}
    os.environ.update(PINNED)
    get_settings.cache_clear()
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        get_settings.cache_clear()


def app_factory(name: str) -> Callable[[], FastAPI]:
    """The function `module:attribute` names, which builds the application."""
    module, _, attribute = name.partition(":")
    factory: Callable[[], FastAPI] = getattr(importlib.import_module(module), attribute)
    return factory


def seeded_database(directory: Path) -> Engine:
    """A SQLite database in `directory`, migrated and loaded with the seed data."""
    url = f"sqlite:///{directory / 'seeded.sqlite3'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    with session_factory(engine)() as session:
        seed.load(session, get_settings().seed_dir)
        session.commit()
    return engine


def empty_database(directory: Path) -> Engine:
    """A SQLite database in `directory` with nothing in it, not even a migration."""
    return make_engine(f"sqlite:///{directory / 'empty.sqlite3'}")


def serving(app: FastAPI, engine: Engine) -> FastAPI:
    """`app` reading and writing `engine`."""

    def session() -> Iterator[Session]:
        with Session(engine, expire_on_commit=False) as s:
            yield s

    app.dependency_overrides[get_session] = session
    app.dependency_overrides[get_write_session] = session
    return app


def getter(clients: dict[examples.Database, Any]) -> examples.Getter:
    """An examples.Getter that asks one test client per database."""

    def get(url: str, database: examples.Database) -> tuple[int, Any]:
        r = clients[database].get(examples.BASE_URL + url)
        return r.status_code, r.json()

    return get


def client_of(app: FastAPI) -> Any:
    """Starlette's TestClient of `app` (imported here: it needs httpx, a test extra)."""
    from starlette.exceptions import StarletteDeprecationWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StarletteDeprecationWarning)  # "use httpx2"
        from fastapi.testclient import TestClient

    return TestClient(app)


def record_examples(factory: Callable[[], FastAPI]) -> dict[str, Any]:
    """What examples.json holds: the answers of the app `factory` builds, on the seed data."""
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack, pinned_settings():
        engines: dict[examples.Database, Engine] = {
            "seeded": seeded_database(Path(tmp)),
            "empty": empty_database(Path(tmp)),
        }
        for engine in engines.values():
            stack.callback(engine.dispose)
        clients: dict[examples.Database, Any] = {
            name: stack.enter_context(client_of(serving(factory(), engine)))
            for name, engine in engines.items()
        }
        return examples.record(getter(clients))


def generate(factory: Callable[[], FastAPI], examples_path: Path, openapi_path: Path) -> None:
    """Record the examples into `examples_path` and write the document to `openapi_path`."""
    recorded = record_examples(factory)
    examples_path.write_text(examples.render(recorded), encoding="utf-8")
    openapi_path.write_text(dump(document(factory(), recorded)), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """`python -m app.docs`: see the module's docstring."""
    parser = argparse.ArgumentParser(
        prog="python -m app.docs",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("openapi", nargs="?", type=Path, default=OPENAPI_FILE)
    parser.add_argument("--app", default=FACTORY, help=f"the app factory (default {FACTORY})")
    parser.add_argument("--examples", type=Path, default=examples.EXAMPLES_FILE)
    args = parser.parse_args(argv)
    generate(app_factory(args.app), args.examples, args.openapi)
    print(f"wrote {args.examples} and {args.openapi}")
    return 0
