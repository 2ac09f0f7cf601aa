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

from app.models import Citation, Country, Document, Estimate, Metric, Sector, Source
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


def check(seed_dir: Path) -> tuple[Seed, list[Problem]]:
    """Every problem in the seed data: schema, unique ids, references, units, verbatim quotes."""
    seed, problems = read(seed_dir)
    metrics = {m.id: m for m in seed.metrics}
    _unique(seed.metrics, "metrics.yaml", problems)
    sectors = _unique(seed.sectors, "sectors.yaml", problems)
    sources = _unique(seed.sources, "sources.yaml", problems)
    documents = _unique(seed.documents, "documents.yaml", problems)
    _unique(seed.estimates, "estimates.yaml", problems)

    def ref(ok: bool, filename: str, rec: str, what: str, value: str) -> None:
        if not ok:
            problems.append(Problem(filename, rec, f"{what} {value!r} does not exist"))

    for s in seed.sources:
        if s.country:
            ref(
                pycountry.countries.get(alpha_2=s.country) is not None,
                "sources.yaml",
                f"id {s.id}",
                "country",
                s.country,
            )
    for d in seed.documents:
        rec = f"id {d.id}"
        if d.publisher:
            ref(d.publisher in sources, "documents.yaml", rec, "publisher", d.publisher)
        for c in d.cites:
            ref(c in documents, "documents.yaml", rec, "cited document", c)
            if c == d.id:
                problems.append(Problem("documents.yaml", rec, "a document cannot cite itself"))
    for e in seed.estimates:
        rec = f"id {e.id}"
        metric = metrics.get(e.metric)
        ref(metric is not None, "estimates.yaml", rec, "metric", e.metric)
        if metric and metric.unit != e.value.unit:
            problems.append(
                Problem(
                    "estimates.yaml",
                    rec,
                    f"value.unit {e.value.unit!r} is not the metric's unit {metric.unit!r}",
                )
            )
        for sector in e.sectors:
            ref(sector in sectors, "estimates.yaml", rec, "sector", sector)
        for c in e.scope.countries:
            ref(pycountry.countries.get(alpha_2=c) is not None, "estimates.yaml", rec, "country", c)
        ref(e.claimant in sources, "estimates.yaml", rec, "claimant", e.claimant)
        ref(
            e.origin_document in documents,
            "estimates.yaml",
            rec,
            "origin_document",
            e.origin_document,
        )
        for i, cit in enumerate(e.citations):
            ref(
                cit.document in documents,
                "estimates.yaml",
                rec,
                f"citations.{i}.document",
                cit.document,
            )
            text = seed.texts.get(cit.document)
            if text is not None and cit.quote not in text:
                problems.append(
                    Problem(
                        "estimates.yaml",
                        rec,
                        f"citations.{i}.quote is not verbatim in document "
                        f"{cit.document!r}: {cit.quote[:80]!r}",
                    )
                )
    return seed, problems


def citation_ids(e: EstimateIn) -> list[str]:
    """Stable citation ids: estimate--document, with -2, -3 for more quotes from one document."""
    seen: dict[str, int] = {}
    ids = []
    for c in e.citations:
        seen[c.document] = seen.get(c.document, 0) + 1
        n = seen[c.document]
        ids.append(f"{e.id}--{c.document}" + (f"-{n}" if n > 1 else ""))
    return ids


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


def load(session: Session, seed_dir: Path) -> LoadReport:
    """Check `seed_dir`, then upsert it into `session` (the caller commits or rolls back)."""
    seed, problems = check(seed_dir)
    if problems:
        raise SeedError(problems)
    report = LoadReport()
    sync_countries(session, report)
    countries = {c.code: c for c in session.scalars(select(Country))}

    def existing(model: Any) -> dict[str, Any]:
        return {o.id: o for o in session.scalars(select(model))}

    old_metrics, old_sectors = existing(Metric), existing(Sector)
    for m in seed.metrics:
        _upsert(
            session,
            report,
            "metric",
            old_metrics.get(m.id),
            partial(Metric, id=m.id),
            m.model_dump(exclude={"id"}),
        )
    sectors = {}
    for s in seed.sectors:
        sectors[s.id] = _upsert(
            session,
            report,
            "sector",
            old_sectors.get(s.id),
            partial(Sector, id=s.id),
            s.model_dump(exclude={"id"}),
        )
    old_sources = existing(Source)
    for src in seed.sources:
        values = src.model_dump(exclude={"id", "country"}) | {"country_code": src.country}
        _upsert(
            session,
            report,
            "source",
            old_sources.get(src.id),
            partial(Source, id=src.id),
            values,
        )
    session.flush()

    old_docs = existing(Document)
    docs: dict[str, Document] = {}
    for d in seed.documents:
        values = d.model_dump(exclude={"id", "publisher", "text_file", "cites"})
        values |= {"publisher_id": d.publisher, "full_text": seed.texts.get(d.id)}
        docs[d.id] = _upsert(
            session, report, "document", old_docs.get(d.id), partial(Document, id=d.id), values
        )
    session.flush()
    all_docs = existing(Document)
    for d in seed.documents:
        cited = [all_docs[c] for c in sorted(set(d.cites))]
        if [c.id for c in docs[d.id].cites] != [c.id for c in cited]:
            docs[d.id].cites = cited
            report.count("document_cite", created=d.id not in old_docs, changed=True)

    old_estimates = existing(Estimate)
    all_sectors = existing(Sector)
    for e in seed.estimates:
        low, high = e.value.bounds()
        values = dict(
            metric_id=e.metric,
            value_kind=e.value.kind,
            qualifier=e.value.qualifier,
            unit=e.value.unit,
            low=low,
            high=high,
            from_value=e.value.from_,
            to_value=e.value.to,
            value_text=e.value.text,
            period_start=e.period.start,
            period_end=e.period.end,
            period_precision=e.period.precision,
            period_text=e.period.text,
            worldwide=e.scope.worldwide,
            place=e.scope.place,
            claimant_id=e.claimant,
            origin_document_id=e.origin_document,
            notes=e.notes,
        )
        est = _upsert(
            session,
            report,
            "estimate",
            old_estimates.get(e.id),
            partial(Estimate, id=e.id),
            values,
        )
        want_countries = [countries[c] for c in sorted(set(e.scope.countries))]
        if [c.code for c in est.countries] != [c.code for c in want_countries]:
            est.countries = want_countries
        want_sectors = [all_sectors[s] for s in sorted(set(e.sectors))]
        if [s.id for s in est.sectors] != [s.id for s in want_sectors]:
            est.sectors = want_sectors
        old_citations = {c.id: c for c in est.citations}
        new_citations = []
        for cid, c in zip(citation_ids(e), e.citations, strict=True):
            new_citations.append(
                _upsert(
                    session,
                    report,
                    "citation",
                    old_citations.get(cid),
                    partial(Citation, id=cid),
                    {"document_id": c.document, "quote": c.quote, "locator": c.locator},
                )
            )
        if {c.id for c in est.citations} != {c.id for c in new_citations}:
            est.citations = new_citations
    session.flush()
    return report
