"""Read, check and load seed_data/: the same Pydantic schemas validate every record.

`check` reports every problem with its file and record; `load` refuses to write anything
while there is one, then upserts by stable id inside one transaction, so loading twice
changes nothing and a bad file loads nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import pycountry
import yaml
from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import read_model, records
from app.models import Country, Document, Metric, MetricRelation, Sector
from app.records import reference_problems
from app.schemas.seed import DocumentIn, EstimateIn, MetricIn, SectorIn, SourceIn

FILES: list[tuple[str, type[BaseModel]]] = [
    ("metrics.yaml", MetricIn),
    ("sectors.yaml", SectorIn),
    ("sources.yaml", SourceIn),
    ("documents.yaml", DocumentIn),
    ("estimates.yaml", EstimateIn),
]

R = TypeVar("R", bound=BaseModel)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the seed data, and where."""

    file: str
    record: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.record}: {self.message}"


@dataclass
class Seed:
    """Validated seed records, and the full texts of the documents that have one."""

    metrics: list[MetricIn] = field(default_factory=list)
    sectors: list[SectorIn] = field(default_factory=list)
    sources: list[SourceIn] = field(default_factory=list)
    documents: list[DocumentIn] = field(default_factory=list)
    estimates: list[EstimateIn] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)


class SeedError(Exception):
    """The seed data has problems; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the seed data")
        self.problems = problems


def _record_name(raw: Any, index: int) -> str:
    if isinstance(raw, dict) and isinstance(raw.get("id"), str):
        return f"record {index + 1} (id {raw['id']})"
    return f"record {index + 1}"


def _read_file(path: Path, model: type[R], problems: list[Problem]) -> list[R]:
    name = path.name
    if not path.is_file():
        problems.append(Problem(name, "-", "file is missing"))
        return []
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        problems.append(Problem(name, "-", f"not valid UTF-8 YAML: {exc}"))
        return []
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.append(Problem(name, "-", "expected a list of records"))
        return []
    out = []
    for i, item in enumerate(raw):
        try:
            out.append(model.model_validate(item))
        except ValidationError as exc:
            for err in exc.errors():
                loc = ".".join(str(p) for p in err["loc"]) or "record"
                problems.append(Problem(name, _record_name(item, i), f"{loc}: {err['msg']}"))
    return out


def read(seed_dir: Path) -> tuple[Seed, list[Problem]]:
    """Parse and validate every file; cross-references are checked by `check`."""
    problems: list[Problem] = []
    seed = Seed()
    for filename, model in FILES:
        setattr(
            seed, filename.removesuffix(".yaml"), _read_file(seed_dir / filename, model, problems)
        )
    for doc in seed.documents:
        if doc.text_file is None:
            continue
        path = (seed_dir / doc.text_file).resolve()
        if seed_dir.resolve() not in path.parents or not path.is_file():
            problems.append(
                Problem(
                    "documents.yaml",
                    f"id {doc.id}",
                    f"text_file {doc.text_file!r} is not a file under {seed_dir}",
                )
            )
            continue
        try:
            seed.texts[doc.id] = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            problems.append(
                Problem(
                    "documents.yaml", f"id {doc.id}", f"text_file {doc.text_file!r} is not UTF-8"
                )
            )
    return seed, problems


def _unique(records: Iterable[Any], filename: str, problems: list[Problem]) -> set[str]:
    seen: set[str] = set()
    for r in records:
        if r.id in seen:
            problems.append(Problem(filename, f"id {r.id}", "id used twice"))
        seen.add(r.id)
    return seen


class SeedCatalog:
    """A Catalog over the seed bundle itself (ids in the files, texts on disk)."""

    def __init__(self, seed: Seed) -> None:
        self.seed = seed
        self.ids: dict[str, set[str]] = {
            "metric": {m.id for m in seed.metrics},
            "sector": {s.id for s in seed.sectors},
            "source": {s.id for s in seed.sources},
            "document": {d.id for d in seed.documents},
            "estimate": {e.id for e in seed.estimates},
        }

    def missing(self, kind: str, ids: Iterable[str]) -> list[str]:
        if kind == "country":
            return [c for c in ids if pycountry.countries.get(alpha_2=c) is None]
        return [i for i in ids if i not in self.ids[kind]]

    def text(self, document_id: str) -> str | None:
        return self.seed.texts.get(document_id)


def check(seed_dir: Path) -> tuple[Seed, list[Problem]]:
    """Every problem in the seed data: schema, unique ids, references, units, verbatim quotes."""
    seed, problems = read(seed_dir)
    catalog = SeedCatalog(seed)
    for kind in ("metrics", "sectors", "sources", "documents", "estimates"):
        recs = getattr(seed, kind)
        _unique(recs, f"{kind}.yaml", problems)
        for r in recs:
            for name, message in reference_problems(r, catalog):
                problems.append(Problem(f"{kind}.yaml", f"id {r.id}", f"{name}: {message}"))
    metrics = {m.id: m for m in seed.metrics}
    for e in seed.estimates:
        metric = metrics.get(e.metric)
        if metric and metric.unit != e.value.unit:
            problems.append(
                Problem(
                    "estimates.yaml",
                    f"id {e.id}",
                    f"value.unit {e.value.unit!r} is not the metric's unit {metric.unit!r}",
                )
            )
    return seed, problems


@dataclass
class LoadReport:
    """What a load did, per table."""

    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, table: str, created: bool, changed: bool) -> None:
        if created:
            self.created[table] = self.created.get(table, 0) + 1
        elif changed:
            self.updated[table] = self.updated.get(table, 0) + 1

    def __str__(self) -> str:
        def fmt(d: dict[str, int]) -> str:
            return ", ".join(f"{k} {v}" for k, v in sorted(d.items())) or "nothing"

        return f"created: {fmt(self.created)}; updated: {fmt(self.updated)}"


def sync_countries(session: Session, report: LoadReport) -> None:
    """Every ISO 3166-1 country from pycountry, upserted by alpha-2 code."""
    existing = {c.code: c for c in session.scalars(select(Country))}
    for pc in pycountry.countries:
        values = dict(
            alpha3=pc.alpha_3,
            numeric=pc.numeric,
            name=pc.name,
            official_name=getattr(pc, "official_name", None),
        )
        _upsert(
            session,
            report,
            "country",
            existing.get(pc.alpha_2),
            partial(Country, code=pc.alpha_2),
            values,
        )


def _upsert(
    session: Session,
    report: LoadReport,
    table: str,
    obj: Any,
    make: Callable[[], Any],
    values: dict[str, Any],
) -> Any:
    created = obj is None
    if created:
        obj = make()
        session.add(obj)
    changed = False
    for k, v in values.items():
        if getattr(obj, k) != v:
            setattr(obj, k, v)
            changed = True
    report.count(table, created, changed)
    return obj


def sync_relations(session: Session, metrics: list[MetricIn], report: LoadReport) -> None:
    """Each metric's relations become what its record lists: a relation its record no
    longer names is deleted (the record is the whole list, as `cites` is a document's)."""
    old = {(r.metric_id, r.related_id): r for r in session.scalars(select(MetricRelation))}
    for m in metrics:
        listed = set()
        for rel in m.related:
            listed.add((m.id, rel.metric))
            _upsert(
                session,
                report,
                "metric_relation",
                old.get((m.id, rel.metric)),
                partial(MetricRelation, metric_id=m.id, related_id=rel.metric),
                {"relation": rel.relation, "note": rel.note},
            )
        for key, row in old.items():
            if key[0] == m.id and key not in listed:
                session.delete(row)
                report.count("metric_relation", False, True)
    session.flush()


LOADER = "dprk-labor load"


def load(session: Session, seed_dir: Path) -> LoadReport:
    """Check `seed_dir`, then upsert it into `session` (the caller commits or rolls back).

    Vocabularies are upserted as they are; sources, documents and estimates go through the
    same `save_*` functions as the write API, so each change is in the audit log.
    """
    seed, problems = check(seed_dir)
    if problems:
        raise SeedError(problems)
    report = LoadReport()
    sync_countries(session, report)
    old_metrics = {m.id: m for m in session.scalars(select(Metric))}
    old_sectors = {s.id: s for s in session.scalars(select(Sector))}
    for m in seed.metrics:
        _upsert(
            session,
            report,
            "metric",
            old_metrics.get(m.id),
            partial(Metric, id=m.id),
            m.model_dump(exclude={"id", "related"}),
        )
    for sec in seed.sectors:
        _upsert(
            session,
            report,
            "sector",
            old_sectors.get(sec.id),
            partial(Sector, id=sec.id),
            sec.model_dump(exclude={"id"}),
        )
    session.flush()
    sync_relations(session, seed.metrics, report)

    def tally(table: str, saved: records.Saved) -> None:
        report.count(table, saved.created, saved.changed)

    for src in seed.sources:
        tally("source", records.save_source(session, src, LOADER))
    # New documents are made first without `cites`, which may point forward in the file.
    new_docs = {d.id for d in seed.documents if session.get(Document, d.id) is None}
    for doc in seed.documents:
        if doc.id in new_docs:
            bare = doc.model_copy(update={"cites": []})
            records.save_document(session, bare, LOADER, seed.texts.get(doc.id))
    for doc in seed.documents:
        saved = records.save_document(session, doc, LOADER, seed.texts.get(doc.id))
        report.count("document", doc.id in new_docs, saved.changed)
    # An estimate that is superseded names its successor: save successors first.
    for est in sorted(seed.estimates, key=lambda e: e.superseded_by is not None):
        tally("estimate", records.save_estimate(session, est, LOADER))
    read_model.refill(session)
    return report
