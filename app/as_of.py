"""Reads as of a past moment: the data as it stood at a data version, from the audit log.

Every write (the loader's too) adds an entry to the audit log holding the record before
and after, so the data as of version V is today's data with every change after V undone,
newest first. That state is built once per version into a SQLite file of its own (a
snapshot), and the read is the usual one, run on it: every filter, list, export, series
and conflict answers as of V with the code that answers for now. A snapshot never changes
(what was true at V stays true), so its answers are cacheable forever.

Built from a copy of the current data (the dump format), migrated and undone in a
temporary file renamed into place when complete; a few snapshots are kept (the engines of
the most recently used; on disk, the newest files and those engines').
A document's full text is kept in the log only as its digest: a text
edited since V comes back as it is now when the digests match, and as unknown otherwise.

A read of one estimate (its detail or its citation) needs far less than the whole data: a
*focused* snapshot holds only the rows that estimate shows (its citations, countries,
sectors, documents and sources, and every reference table) and undoes only the changes
after V to those rows. It is built in memory in milliseconds whatever the size of the
database, with the same undo and the same read model as a whole snapshot, and a few
hundred are kept. When none of those rows changed after V, the read runs on today's data,
which is then V's. A whole snapshot of V, once built, serves those reads too.
"""

import hashlib
import os
import re
import sqlite3
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, delete, func, insert, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool
from sqlalchemy.util import LRUCache

from app import dump, migrate, read_model, records
from app.config import get_settings
from app.db import make_engine
from app.errors import BadParameter, DatabaseUnavailable
from app.filters import parse_timestamp
from app.models import (
    ApiKey,
    Base,
    Candidate,
    Change,
    Citation,
    Document,
    Estimate,
    Release,
    Source,
    document_cite,
    estimate_country,
    estimate_sector,
)
from app.models.candidates import CANDIDATE
from app.queries.changes import data_version
from app.schemas.seed import CitationWrite, DocumentWrite, EstimateIn, SourceIn

ACTOR = "as-of snapshot"
FOCUSED_KEPT = 256  # focused snapshots kept in memory (each a few hundred kB)
ACCEPTED = (
    "an RFC 3339 time in the past with its offset (2024-03-07T12:00:00Z), a data version "
    "(a whole number, see meta.data_version) or the name of a data release (/v1/releases)"
)


@dataclass(frozen=True)
class AsOf:
    """What `as_of=` asked for, resolved: the data version, and whether the answer can
    never change (a time still open to writes in flight is not)."""

    asked: str
    version: int
    final: bool


def resolve(session: Session, value: str) -> AsOf:
    """`as_of=`'s value as a data version, or a 400 naming the parameter."""
    current = data_version(session)
    if value.isascii() and value.isdigit():
        version = int(value)
        if version > current:
            raise BadParameter(
                "as_of", f"data version {version} does not exist yet; the latest is {current}"
            )
        return AsOf(value, version, True)
    at = _time(value)
    if at is not None:
        now = datetime.now(UTC)
        if at > now:
            raise BadParameter("as_of", f"{value!r} is in the future; give {ACCEPTED}")
        # A write takes its time before it commits: a moment within the last minute may
        # still gain a change, so only older moments are final.
        final = (now - at).total_seconds() > 60
        return AsOf(value, data_version(session, at), final)
    release = session.scalar(select(Release.data_version).where(Release.name == value))
    if release is None:
        raise BadParameter(
            "as_of", f"{value[:100]!r} is not a time, a version or a release; give {ACCEPTED}"
        )
    return AsOf(value, release, True)


def _time(value: str) -> datetime | None:
    """A value that starts like a date is a time (a release name starts with a letter)."""
    if not re.match(r"[0-9]{4}-", value, re.ASCII):
        return None
    return parse_timestamp(value, "as_of", offset_required=True)


RELEASE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9._-]{0,99}")


def make_release(session: Session, name: str, notes: str | None = None) -> Release:
    """Name the current data version (the caller commits); ValueError for a bad or taken
    name. A name starts with a letter, so it never reads as a version or a time."""
    if not RELEASE_NAME.fullmatch(name):
        raise ValueError(
            f"{name!r}: a release name starts with a letter, then letters, digits, '.', '_' "
            "or '-' (at most 100)"
        )
    if session.get(Release, name) is not None:
        raise ValueError(f"a release named {name!r} exists already")
    release = Release(
        name=name, data_version=data_version(session), created_at=datetime.now(UTC), notes=notes
    )
    session.add(release)
    return release


# --- snapshots ---------------------------------------------------------------------------

_engines: OrderedDict[Path, Engine] = OrderedDict()
_lock = threading.Lock()  # guards _engines and _building
_building: dict[Path, threading.Lock] = {}


def snapshot_session(session: Session, version: int, focus: str | None = None) -> Session:
    """A session on the data as of `version`, built from `session`'s (once per version).

    The first request for a version builds it; one that arrives meanwhile waits for that
    build at most as long as for a database connection, then gets a 503 with Retry-After
    (the build goes on, and a later request finds it done).

    `focus`: the id of the one estimate the read is about; unless the whole snapshot is
    there already, the session is on a focused one, which holds that estimate alone."""
    path = _path(session, version)
    with _lock:
        engine = _engines.get(path)
        if engine is not None:
            _engines.move_to_end(path)
            return Session(engine, expire_on_commit=False)
    if focus is not None and not path.exists():
        return _focused_session(session, version, path, focus)
    with _lock:
        building = _building.setdefault(path, threading.Lock())
    if not building.acquire(timeout=get_settings().db_pool_timeout):
        raise DatabaseUnavailable(
            f"the data as of version {version} is being prepared; retry in a moment"
        )
    try:
        with _lock:  # built meanwhile by the request this one waited for
            engine = _engines.get(path)
        if engine is None:
            if not path.exists():
                _build(session, version, path)
            engine = make_engine(f"sqlite:///{path}", timeouts=True)
            with _lock:
                _engines[path] = engine
                while len(_engines) > get_settings().snapshots_kept:
                    _engines.popitem(last=False)[1].dispose()
                _prune(path.parent)
    finally:
        building.release()
        with _lock:
            _building.pop(path, None)
    return Session(engine, expire_on_commit=False)


def _path(session: Session, version: int) -> Path:
    """Where the snapshot of `version` of this database lives: named by the database and
    by the first and the version's own entry of its audit log, so that a database dropped
    and made anew (as tests do) never meets another's snapshot."""
    marks = session.execute(
        select(Change.id, Change.at).where(Change.id.in_([1, version])).order_by(Change.id)
    ).all()
    key = f"{get_settings().database_url}|{marks}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return Path(get_settings().snapshot_dir) / f"v{version}-{digest}.sqlite3"


def _prune(folder: Path) -> None:
    keep = {p for p in _engines}
    files = sorted(folder.glob("v*.sqlite3"), key=lambda p: p.stat().st_mtime)
    for old in files[: max(0, len(files) - get_settings().snapshots_kept)]:
        if old not in keep:
            old.unlink(missing_ok=True)


def _build(session: Session, version: int, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(suffix=".sqlite3.tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        migrate.upgrade(f"sqlite:///{tmp}")
        engine = make_engine(f"sqlite:///{tmp}")
        try:
            with tempfile.TemporaryDirectory() as folder:
                dump.export(session.connection(), Path(folder), read_model=True)
                with engine.begin() as conn:
                    dump.restore(conn, Path(folder))
            with Session(engine) as snap:
                # The review queue is editorial workflow, not data: a snapshot has none,
                # and its steps in the log have nothing to undo.
                snap.execute(delete(Candidate))
                later = snap.scalars(
                    select(Change).where(Change.id > version).order_by(Change.id.desc())
                ).all()
                for change in later:
                    _undo(snap, change)
                    snap.flush()
                snap.execute(delete(Change).where(Change.id > version))
                snap.execute(delete(ApiKey))  # not data; and no key should live on in a copy
                snap.execute(delete(Release).where(Release.data_version > version))
                read_model.refill(snap)
                snap.commit()
        finally:
            engine.dispose()
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


# --- focused snapshots: one estimate -------------------------------------------------------

_focused: OrderedDict[tuple[Path, str], Engine] = OrderedDict()
_schema_lock = threading.Lock()
_schema: dict[Path, sqlite3.Connection] = {}
_memory: Engine = create_engine("sqlite://", poolclass=StaticPool)
_compiled: LRUCache[Any, Any] = LRUCache(1000)


def _memory_engine() -> Engine:
    """A new, empty SQLite database in memory (foreign keys off: it holds part of the data),
    on the one dialect of them all: SQLAlchemy keeps compiled statements by dialect, so
    what one focused snapshot compiled, the next one finds compiled."""
    pool = StaticPool(_new_memory_database)
    pool._dialect = _memory.dialect
    return Engine(pool, _memory.dialect, _memory.url).execution_options(compiled_cache=_compiled)


def _new_memory_database() -> Any:
    return sqlite3.connect(":memory:", check_same_thread=False)


# Copied whole (they are small); the rest only in part.
_REFERENCE = ("sector", "metric", "metric_relation")


def _focused_session(session: Session, version: int, path: Path, estimate_id: str) -> Session:
    """The session a read of one estimate as of `version` runs on: `session` itself when
    nothing that estimate shows has changed since (today's rows are then those of
    `version`), else a focused snapshot, built once and kept."""
    key = (path, estimate_id)
    with _lock:
        engine = _focused.get(key)
        if engine is not None:
            _focused.move_to_end(key)
            return Session(engine, expire_on_commit=False)
    rows = _rows_shown(session.connection(), version, estimate_id)
    if not rows.changes:
        return session
    engine = _build_focused(session.connection(), version, estimate_id, rows)
    with _lock:
        _focused[key] = engine
        while len(_focused) > FOCUSED_KEPT:
            _focused.popitem(last=False)[1].dispose()
    return Session(engine, expire_on_commit=False)


def _empty_schema() -> sqlite3.Connection:
    """A connection to a migrated, empty database (built once per schema revision), which
    focused snapshots are copied from: SQLite's backup of an empty schema takes a
    millisecond, migrating one takes a second. The caller holds `_schema_lock`."""
    path = Path(get_settings().snapshot_dir) / f"schema-{migrate.head_revision()}.sqlite3"
    conn = _schema.get(path)
    if conn is None:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(suffix=".sqlite3.tmp", dir=path.parent)
            os.close(fd)
            try:
                migrate.upgrade(f"sqlite:///{name}")
                Path(name).replace(path)
            finally:
                Path(name).unlink(missing_ok=True)
        conn = _schema[path] = sqlite3.connect(path, check_same_thread=False)
    return conn


def _later(conn: Connection, version: int, *where: Any) -> list[Change]:
    """The changes after `version` that match any of `where`."""
    table = Base.metadata.tables["change"]
    rows = conn.execute(select(table).where(table.c.id > version, or_(*where))).all()
    return [Change(**r._mapping) for r in rows]


def _named(changes: list[Change], *fields: str) -> set[str]:
    """The ids the records before and after `changes` name in `fields` (citations too)."""
    out: set[str] = set()
    for c in changes:
        for state in (c.before, c.after):
            for record in [state or {}, *((state or {}).get("citations") or [])]:
                out.update(record[f] for f in fields if isinstance(record.get(f), str))
    return out


@dataclass
class _Shown:
    """The rows one estimate shows, then or now, and the changes to them after a version."""

    changes: list[Change]
    documents: set[str]  # its origin and cited documents
    cited: set[str]  # the documents those cite (they must exist for those to be put back)
    sources: set[str]  # its claimant and the documents' publishers
    countries: set[str]


def _rows_shown(src: Connection, version: int, estimate_id: str) -> _Shown:
    """What one estimate shows, found through the audit log's estimate index and the ids
    of its documents and sources."""
    own = _later(src, version, Change.estimate_id == estimate_id)  # and its citations
    t = Base.metadata.tables
    cit, est, doc = t["citation"].c, t["estimate"].c, t["document"].c
    documents = _named(own, "origin_document", "document")
    documents |= set(src.scalars(select(est.origin_document_id).where(est.id == estimate_id)))
    documents |= set(src.scalars(select(cit.document_id).where(cit.estimate_id == estimate_id)))
    theirs = _later(
        src,
        version,
        (Change.resource_type == "document") & Change.resource_id.in_(sorted(documents)),
    )
    sources = _named(own, "claimant") | _named(theirs, "publisher")
    sources |= set(src.scalars(select(est.claimant_id).where(est.id == estimate_id)))
    sources |= {
        p
        for p in src.scalars(select(doc.publisher_id).where(doc.id.in_(sorted(documents))))
        if p is not None
    }
    theirs += _later(
        src, version, (Change.resource_type == "source") & Change.resource_id.in_(sorted(sources))
    )
    countries = set(
        src.scalars(
            select(estimate_country.c.country_code).where(
                estimate_country.c.estimate_id == estimate_id
            )
        )
    )
    for c in own:
        for state in (c.before, c.after):
            countries.update(((state or {}).get("scope") or {}).get("countries") or [])
    # the documents these cite, then or now, must exist for a document to be put back
    cited = set(
        src.scalars(
            select(document_cite.c.cited_id).where(document_cite.c.citing_id.in_(sorted(documents)))
        )
    )
    for c in theirs:
        cited.update(*((s or {}).get("cites") or [] for s in (c.before, c.after)))

    return _Shown(own + theirs, documents, cited, sources, countries)


def _latest_through(version: int) -> Any:
    return select(func.max(Change.id)).where(Change.id <= version).scalar_subquery()


def _build_focused(src: Connection, version: int, estimate_id: str, rows: _Shown) -> Engine:
    """The data as of `version` as far as one estimate shows it, in memory."""
    t = Base.metadata.tables
    cit, est, doc = t["citation"].c, t["estimate"].c, t["document"].c
    documents, sources, countries, cited = rows.documents, rows.sources, rows.countries, rows.cited
    engine = _memory_engine()
    raw = engine.raw_connection()
    try:
        with _schema_lock:
            _empty_schema().backup(raw.driver_connection)  # type: ignore[arg-type]
    finally:
        raw.close()
    parts: list[tuple[str, Any]] = [
        *((name, None) for name in _REFERENCE),
        ("country", t["country"].c.code.in_(sorted(countries))),
        ("source", t["source"].c.id.in_(sorted(sources))),
        ("document", doc.id.in_(sorted(documents | cited))),
        ("document_cite", document_cite.c.citing_id.in_(sorted(documents))),
        ("estimate", est.id == estimate_id),
        ("estimate_country", estimate_country.c.estimate_id == estimate_id),
        ("estimate_sector", estimate_sector.c.estimate_id == estimate_id),
        ("citation", cit.estimate_id == estimate_id),
        # the version's own entry (its time), or the latest before it
        ("change", t["change"].c.id == _latest_through(version)),
    ]
    with Session(engine) as snap:
        dst = snap.connection()
        for name, where in parts:
            stmt = select(t[name]) if where is None else select(t[name]).where(where)
            copied = [dict(r._mapping) for r in src.execute(stmt)]
            if copied:
                dst.execute(insert(t[name]), copied)
        for change in sorted(rows.changes, key=lambda c: c.id, reverse=True):
            _undo(snap, change)
            snap.flush()
        snap.execute(delete(Change).where(Change.id > version))
        read_model.refill(snap)
        snap.commit()
    return engine


_RECORDS: dict[str, tuple[Any, type[Any]]] = {
    "source": (Source, SourceIn),
    "document": (Document, DocumentWrite),
    "estimate": (Estimate, EstimateIn),
    "citation": (Citation, CitationWrite),
}


def _undo(session: Session, change: Change) -> None:
    """Put one resource back as it was before `change` (a candidate's step: nothing)."""
    if change.resource_type == CANDIDATE:
        return
    model, schema = _RECORDS[change.resource_type]
    if change.before is None:  # it was created: it did not exist
        obj = session.get(model, change.resource_id)
        if obj is not None:
            session.delete(obj)
        return
    before = dict(change.before)
    if change.resource_type == "source":
        records.save_source(session, schema.model_validate(before), ACTOR)
    elif change.resource_type == "document":
        digest = before.pop("full_text", None)
        current = session.get(Document, change.resource_id)
        text = current.full_text if current is not None else None
        if digest is None or text is None or records.text_digest(text) != digest:
            text = None
        records.save_document(session, schema.model_validate(before), ACTOR, text)
    elif change.resource_type == "estimate":
        records.save_estimate(session, schema.model_validate(before), ACTOR)
    else:
        record = schema.model_validate(before)
        citation = session.get(Citation, change.resource_id)
        if citation is None:
            citation = Citation(id=change.resource_id, estimate_id=record.estimate)
            session.add(citation)
        citation.document_id = record.document
        citation.quote = record.quote
        citation.locator = record.locator
