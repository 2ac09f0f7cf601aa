"""The vocabulary a candidate's guesses are drawn from: from the database, or from the
seed_data/ files when there is none (the CLI trying a text)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.extraction.candidate import Named, Vocabulary
from app.models import Metric, Sector, Source


def vocabulary(session: Session) -> Vocabulary:
    """Metrics, sectors and sources (ids and names) as the database holds them."""
    return Vocabulary(
        metrics=tuple(
            Named(m.id, m.name, m.unit) for m in session.scalars(select(Metric).order_by(Metric.id))
        ),
        sectors=tuple(
            Named(s.id, s.name) for s in session.scalars(select(Sector).order_by(Sector.id))
        ),
        sources=tuple(
            Named(s.id, s.name) for s in session.scalars(select(Source).order_by(Source.id))
        ),
    )


def _records(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [r for r in data if isinstance(r, dict) and "id" in r]


def seed_vocabulary(seed_dir: Path) -> Vocabulary:
    """The same vocabulary read from seed_data/ files (metrics, sectors, sources.yaml)."""
    return Vocabulary(
        metrics=tuple(
            Named(str(r["id"]), str(r.get("name", r["id"])), r.get("unit"))
            for r in _records(seed_dir / "metrics.yaml")
        ),
        sectors=tuple(
            Named(str(r["id"]), str(r.get("name", r["id"])))
            for r in _records(seed_dir / "sectors.yaml")
        ),
        sources=tuple(
            Named(str(r["id"]), str(r.get("name", r["id"])))
            for r in _records(seed_dir / "sources.yaml")
        ),
    )
