"""What the extraction proposes: a candidate figure with its quote, and the vocabulary it
guesses names from."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Named:
    """A metric, sector or source as the extraction knows it: its id, name and unit."""

    id: str
    name: str
    unit: str | None = None


@dataclass(frozen=True)
class Vocabulary:
    """The ids a candidate may name: metrics, sectors and sources, from the database or
    from seed_data/ (the CLI without a database)."""

    metrics: tuple[Named, ...] = ()
    sectors: tuple[Named, ...] = ()
    sources: tuple[Named, ...] = ()
    metric_ids: frozenset[str] = field(init=False)
    sector_ids: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "metric_ids", frozenset(m.id for m in self.metrics))
        object.__setattr__(self, "sector_ids", frozenset(s.id for s in self.sectors))


@dataclass(frozen=True)
class Candidate:
    """One figure a text states, proposed for an editor to accept: every field is a guess
    except the quote, which is `text[start:end]` by construction."""

    start: int
    end: int
    quote: str
    value: dict[str, Any]
    interval: dict[str, Any]
    period: dict[str, Any]
    period_resolved: bool
    scope: dict[str, Any]
    sectors: list[str]
    population: str
    claimant: str | None
    claimant_text: str | None
    metric: str | None
    metric_confidence: float
    warnings: list[str]
    echo_of: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The candidate as plain JSON (dates as ISO strings)."""
        out = asdict(self)
        out["period"] = {
            k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in self.period.items()
        }
        return out
