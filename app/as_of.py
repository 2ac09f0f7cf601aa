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
"""

import hashlib
import os
import re
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from app import dump, migrate, read_model, records
from app.config import get_settings
from app.db import make_engine
from app.errors import BadParameter, DatabaseUnavailable
from app.filters import parse_timestamp
from app.models import ApiKey, Candidate, Change, Citation, Document, Estimate, Release, Source
from app.models.candidates import CANDIDATE
from app.queries.changes import data_version
from app.schemas.seed import CitationWrite, DocumentWrite, EstimateIn, SourceIn

ACTOR = "as-of snapshot"
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


def snapshot_session(session: Session, version: int) -> Session:
    """A session on the data as of `version`, built from `session`'s (once per version).

    The first request for a version builds it; one that arrives meanwhile waits for that
    build at most as long as for a database connection, then gets a 503 with Retry-After
    (the build goes on, and a later request finds it done)."""
    path = _path(session, version)
    with _lock:
        engine = _engines.get(path)
        if engine is not None:
            _engines.move_to_end(path)
            return Session(engine, expire_on_commit=False)
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
